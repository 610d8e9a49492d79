// SPDX-License-Identifier: GPL-2.0
/*
 * kmalloc.c - kslab_kmalloc() and friends: size classes 8 to 8192 bytes on
 * kslab caches named like the kernel's (kmalloc-8 ... kmalloc-8k), and
 * larger sizes straight from the buddy allocator as compound pages,
 * marked so kslab_kfree() and kslab_ksize() tell them from slabs.
 *
 * A pointer kslab_kfree() is given may be anyone's: its page->index and
 * page->private, where kslab keeps a slab's mark and cache, then hold
 * whatever their owner put there. So nothing of the page is read before
 * the record of kslab's pages (pagemap.c) says the page is kslab's; memory
 * that is not kslab's goes to the kernel's kfree(), ksize() or krealloc(),
 * so a client built with kslab's redirect.h frees what the core kernel
 * allocated. Also here: krealloc, kmemdup, kstrdup, kfree_sensitive and
 * kvmalloc of kslab, falling back to vmalloc as the kernel's kvmalloc().
 */
#define pr_fmt(fmt) "kslab: " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "kslab_int.h"
#include "debug.h"
#include "fastpath.h"
#include "kasan.h"
#include "report.h"
#include "trace.h"

#define KSLAB_KMALLOC_MAX	8192
#define KSLAB_KMALLOC_CLASSES		13

/* Class index -> object size; index 0 unused. From 256 up, size == 1 << index. */
static const unsigned int class_sizes[KSLAB_KMALLOC_CLASSES + 1] = {
	0, 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192
};

static const char *const class_names[KSLAB_KMALLOC_CLASSES + 1] = {
	NULL, "kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64",
	"kmalloc-96", "kmalloc-128", "kmalloc-192", "kmalloc-256",
	"kmalloc-512", "kmalloc-1k", "kmalloc-2k", "kmalloc-4k", "kmalloc-8k"
};

/* Class of sizes 1..192, by (size - 1) / 8, as the kernel's size_index[]. */
static const u8 class_small_index[24] = {
	1, 2, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6,
	7, 7, 7, 7, 7, 7, 7, 7
};

static struct kslab_cache *class_caches[KSLAB_KMALLOC_CLASSES + 1];

static void *kernel_krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	return krealloc(p, new_size, gfp);
}

static const struct kmalloc_kernel_ops kernel_ops = {
	.free = kfree,
	.size = ksize,
	.realloc = kernel_krealloc,
	.free_sensitive = kfree_sensitive,
};

/*
 * Where memory that is not kslab's goes: the kernel's allocator. Only the
 * tests change it, to see what is passed on (and to keep pages that only
 * look like the kernel's from it).
 */
VISIBLE_IF_KUNIT const struct kmalloc_kernel_ops *kmalloc_kernel = &kernel_ops;
EXPORT_SYMBOL_IF_KUNIT(kmalloc_kernel);

static __always_inline unsigned int class_index(size_t size)
{
	if (size <= 192)
		return class_small_index[(size - 1) / 8];
	return fls(size - 1);
}

/* Sizes above the largest class: whole pages (noinline: a tail call). */
static noinline void *large_alloc(size_t size, gfp_t gfp, unsigned long caller)
{
	unsigned int order = get_order(size);
	struct page *page;
	void *p = NULL;

	page = alloc_pages_node(numa_mem_id(), gfp | __GFP_COMP, order);
	if (page && pagemap_add(page, gfp)) {
		__free_pages(page, order);
		page = NULL;
	}
	if (page) {
		page_hold(page);
		page_meta(page)->magic = KSLAB_MAGIC_LARGE;
		atomic_long_add(1L << order, &kslab_pages);
		p = page_address(page);
		kslab_kasan_large(page, size);
	}
	trace_kslab_alloc("kmalloc-large", p, caller, gfp, NUMA_NO_NODE);
	return p;
}

/* Give back what large_alloc() took (noinline: a tail call). */
static noinline void large_free(struct page *page, const void *p,
				unsigned long caller)
{
	unsigned int order = compound_order(page);

	if (unlikely(page_address(page) != p))
		return report_orphan_free(p);
	trace_kslab_free("kmalloc-large", p, caller);

	pagemap_del(page);
	page_meta(page)->magic = 0;
	atomic_long_sub(1L << order, &kslab_pages);
	if (unlikely(!page_unhold(page)))
		report_page_ref(NULL, page, page_ref_count(page));
	__free_pages(page, order);
}

/*
 * kmalloc_cache_alloc - kslab_kmalloc()'s allocation of @size bytes from
 * @s (the kernel's __kmalloc_cache_noprof()), for the tests: @s is one of
 * its caches or a test's SLAB_KMALLOC cache.
 *
 * Context: as kslab_cache_alloc(). Return: an object, or NULL.
 */
void *kmalloc_cache_alloc(struct kslab_cache *s, size_t size, gfp_t gfp)
{
	return kslab_kasan_kmalloc(s, cpu_alloc_sized(s, gfp, NUMA_NO_NODE,
						      _RET_IP_, size), size);
}
EXPORT_SYMBOL_IF_KUNIT(kmalloc_cache_alloc);

/**
 * kslab_kmalloc - allocate memory of any size
 * @size: bytes wanted
 * @gfp: GFP flags, as for kslab_cache_alloc()
 *
 * Sizes up to 8192 come from kslab's kmalloc caches (8, 16, 32, 64, 96,
 * 128, 192, 256, 512, ... 8192), larger ones straight from the buddy
 * allocator. The memory is aligned to the largest power of two dividing
 * its class size, as the kernel's kmalloc().
 *
 * Context: as kslab_cache_alloc().
 * Return: memory of at least @size bytes, ZERO_SIZE_PTR for a size of 0,
 * or NULL when memory is exhausted.
 */
void *kslab_kmalloc(size_t size, gfp_t gfp)
{
	struct kslab_cache *s;

	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	if (unlikely(size > KSLAB_KMALLOC_MAX))
		return large_alloc(size, gfp, _RET_IP_);
	s = class_caches[class_index(size)];
	return kslab_kasan_kmalloc(s, cpu_alloc_sized(s, gfp, NUMA_NO_NODE,
						      _RET_IP_, size), size);
}
EXPORT_SYMBOL_GPL(kslab_kmalloc);

/* kslab_kfree() of anything but a kmalloc class's object (out of line). */
static noinline void kfree_other(struct page *page, struct kslab_cache *s,
				 const void *p, unsigned long caller)
{
	if (!pagemap_has(page))
		return kmalloc_kernel->free(p);
	if (s)
		return cpu_free_any(s, (void *)p, caller);
	if (page_meta(page)->magic == KSLAB_MAGIC_LARGE)
		return large_free(page, p, caller);
	report_orphan_free(p);
}

/**
 * kslab_kfree - free memory from kslab_kmalloc(), or any kslab object
 * @p: the memory, or NULL or ZERO_SIZE_PTR (nothing is done)
 *
 * As the kernel's kfree() with SLUB, an object of any kslab cache may be
 * given back here too. Memory that is not kslab's (its page is not in
 * kslab's record of its own pages, whatever the page holds) goes to the
 * kernel's kfree(): a client built with redirect.h may free what the core
 * kernel allocated. A pointer into kslab's memory that is no object start
 * is reported, counted in kslab_cache_errors() and refused.
 *
 * The other way round is not safe: the kernel's kfree() of kslab memory
 * frees or corrupts a page kslab still uses (see redirect.h).
 *
 * Context: any context.
 */
void kslab_kfree(const void *p)
{
	struct page *page;
	struct kslab_cache *s = NULL;

	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return;
	page = virt_to_head_page(p);
	if (likely(pagemap_has(page))) {
		s = slab_cache(page);
		if (likely(s && s->kmalloc_index)) {
			if (trace_kslab_free_enabled())
				cpu_free_traced(s, (void *)p, _RET_IP_);
			else
				cpu_free(s, page, (void *)p, _RET_IP_);
			return;
		}
	}
	kfree_other(page, s, p, _RET_IP_);
}
EXPORT_SYMBOL_GPL(kslab_kfree);

/*
 * kslab_ksize() but for KASAN and the kmalloc red zone, of kslab's memory
 * at @page; *@sp: @p's cache, NULL for a large allocation.
 */
static size_t ksize_of(struct page *page, const void *p,
		       struct kslab_cache **sp)
{
	struct kslab_cache *s = slab_cache(page);

	*sp = s;
	if (!s)
		return page_meta(page)->magic == KSLAB_MAGIC_LARGE ?
		       page_size(page) : 0;
	/*
	 * owner tracks follow the object, red zone or not, and KASAN's red
	 * zone ends the slot: not the caller's
	 */
	if (KSLAB_KASAN || (s->flags & (SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)))
		return s->object_size;
	return s->offset >= s->object_size ? s->offset : s->size;
}

/**
 * kslab_ksize - the usable size of memory from kslab_kmalloc()
 * @p: the memory (or an object of any kslab cache)
 *
 * As ksize(), all of it is the caller's from then on: on a KASAN kernel
 * it is made accessible, and with red zones the size asked for no longer
 * limits it (the kmalloc red zone goes, as SLUB's skip_orig_size_check()).
 * Memory that is not kslab's is the kernel's ksize()'s.
 *
 * Context: any context.
 * Return: the bytes usable at @p (at least the size asked for), or 0 for
 * NULL or ZERO_SIZE_PTR (and for freed memory on a KASAN kernel, which
 * reports it).
 */
size_t kslab_ksize(const void *p)
{
	struct kslab_cache *s;
	struct page *page;
	size_t size;

	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return 0;
	page = virt_to_head_page(p);
	if (unlikely(!pagemap_has(page)))
		return kmalloc_kernel->size(p);
	size = ksize_of(page, p, &s);
	if (size && !kslab_kasan_check(p))
		return 0;
	if (s && cache_debug(s))
		debug_kmalloc(s, (void *)p, size);
	return kslab_kasan_ksize(p, size);
}
EXPORT_SYMBOL_GPL(kslab_ksize);

/**
 * kslab_krealloc - resize memory from kslab_kmalloc()
 * @p: the memory, or NULL (then it is kslab_kmalloc(@new_size, @gfp))
 * @new_size: bytes wanted; 0 frees @p
 * @gfp: GFP flags, as for kslab_kmalloc()
 *
 * Memory that still fits stays where it is, the rest is copied to a new
 * allocation and @p freed. As the kernel's krealloc() before 6.13,
 * __GFP_ZERO zeroes only memory newly allocated, not what was @p's and
 * stays. Memory that is not kslab's is the kernel's krealloc()'s.
 *
 * Context: as kslab_kmalloc().
 * Return: the memory (@p's contents up to the smaller size), ZERO_SIZE_PTR
 * for a size of 0, or NULL (and @p untouched) when memory is exhausted.
 */
void *kslab_krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	struct kslab_cache *s;
	struct page *page;
	size_t ks;
	void *n;

	if (unlikely(!new_size)) {
		kslab_kfree(p);
		return ZERO_SIZE_PTR;
	}
	if (ZERO_OR_NULL_PTR(p))
		return kslab_kmalloc(new_size, gfp);
	page = virt_to_head_page(p);
	if (!pagemap_has(page))
		return kmalloc_kernel->realloc(p, new_size, gfp);
	ks = ksize_of(page, p, &s);
	if (new_size <= ks) {
		if (s && cache_debug(s))
			debug_kmalloc(s, (void *)p, new_size);
		kslab_kasan_ksize(p, ks);
		return (void *)p;
	}
	n = kslab_kmalloc(new_size, gfp);
	if (!n)
		return NULL;
	memcpy(n, p, ks);
	kslab_kfree(p);
	return n;
}
EXPORT_SYMBOL_GPL(kslab_krealloc);

/**
 * kslab_kfree_sensitive - zero memory from kslab_kmalloc(), then free it
 * @p: the memory, or NULL
 *
 * Every usable byte (kslab_ksize()) is zeroed before the free. Memory that
 * is not kslab's is the kernel's kfree_sensitive()'s.
 *
 * Context: any context.
 */
void kslab_kfree_sensitive(const void *p)
{
	size_t ks;

	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return;
	if (!pagemap_has(virt_to_head_page(p)))
		return kmalloc_kernel->free_sensitive(p);
	ks = kslab_ksize(p);
	if (ks)
		memzero_explicit((void *)p, ks);
	kslab_kfree(p);
}
EXPORT_SYMBOL_GPL(kslab_kfree_sensitive);

/**
 * kslab_kmemdup - copy memory into a new kslab_kmalloc() allocation
 * @src: the bytes to copy
 * @len: how many
 * @gfp: GFP flags, as for kslab_kmalloc()
 *
 * Context: as kslab_kmalloc().
 * Return: the copy, ZERO_SIZE_PTR for a @len of 0, or NULL when memory is
 * exhausted.
 */
void *kslab_kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kslab_kmalloc(len, gfp);

	if (!ZERO_OR_NULL_PTR(p))
		memcpy(p, src, len);
	return p;
}
EXPORT_SYMBOL_GPL(kslab_kmemdup);

/**
 * kslab_kstrndup - copy at most @max bytes of a string into kslab memory
 * @str: the string, or NULL
 * @max: the most bytes of @str copied (the copy's NUL is added)
 * @gfp: GFP flags, as for kslab_kmalloc()
 *
 * Context: as kslab_kmalloc().
 * Return: the NUL-terminated copy, or NULL for a NULL @str or when memory
 * is exhausted.
 */
char *kslab_kstrndup(const char *str, size_t max, gfp_t gfp)
{
	size_t len;
	char *p;

	if (!str)
		return NULL;
	len = strnlen(str, max);
	p = kslab_kmalloc(len + 1, gfp);
	if (p) {
		memcpy(p, str, len);
		p[len] = '\0';
	}
	return p;
}
EXPORT_SYMBOL_GPL(kslab_kstrndup);

/**
 * kslab_kstrdup - copy a string into kslab memory
 * @str: the string, or NULL
 * @gfp: GFP flags, as for kslab_kmalloc()
 *
 * Context: as kslab_kmalloc().
 * Return: the copy, or NULL for a NULL @str or when memory is exhausted.
 */
char *kslab_kstrdup(const char *str, gfp_t gfp)
{
	return str ? kslab_kmemdup(str, strlen(str) + 1, gfp) : NULL;
}
EXPORT_SYMBOL_GPL(kslab_kstrdup);

/**
 * kslab_kvmalloc - kslab_kmalloc() that falls back to vmalloc
 * @size: bytes wanted
 * @gfp: GFP flags, as for kslab_kmalloc(); the vmalloc fallback needs all
 *       of GFP_KERNEL
 *
 * As the kernel's kvmalloc(): kslab_kmalloc() first (above a page without
 * retrying hard or warning), then, if @gfp has all of GFP_KERNEL,
 * __vmalloc().
 *
 * Context: as kslab_kmalloc(); the vmalloc fallback only in process
 * context, where it may sleep.
 * Return: memory of at least @size bytes (free it with kslab_kvfree()),
 * ZERO_SIZE_PTR for a size of 0, or NULL when memory is exhausted.
 */
void *kslab_kvmalloc(size_t size, gfp_t gfp)
{
	gfp_t kgfp = gfp;
	void *p;

	if (size > PAGE_SIZE) {
		kgfp |= __GFP_NOWARN;
		if (!(kgfp & __GFP_RETRY_MAYFAIL))
			kgfp |= __GFP_NORETRY;
		kgfp &= ~__GFP_NOFAIL;
	}
	p = kslab_kmalloc(size, kgfp);
	if (p || (gfp & GFP_KERNEL) != GFP_KERNEL || size > INT_MAX)
		return p;
	return __vmalloc(size, gfp);
}
EXPORT_SYMBOL_GPL(kslab_kvmalloc);

/**
 * kslab_kvfree - free memory from kslab_kvmalloc()
 * @p: the memory, or NULL
 *
 * vmalloc memory goes to vfree(), the rest to kslab_kfree() (and from
 * there, memory that is not kslab's to the kernel's kfree()).
 *
 * Context: as kslab_kfree() for kmalloc memory; vfree() of vmalloc memory
 * is not for NMI context.
 */
void kslab_kvfree(const void *p)
{
	if (is_vmalloc_addr(p))
		vfree(p);
	else
		kslab_kfree(p);
}
EXPORT_SYMBOL_GPL(kslab_kvfree);

/**
 * kmalloc_init - create the kmalloc caches
 *
 * Context: module init. Return: 0 or a negative errno.
 */
int kmalloc_init(void)
{
	unsigned int i;

	for (i = 1; i <= KSLAB_KMALLOC_CLASSES; i++) {
		/* the largest power of two dividing the size, as SLUB's */
		class_caches[i] = kslab_cache_create(class_names[i],
						     class_sizes[i],
						     class_sizes[i] & -class_sizes[i],
						     SLAB_KMALLOC, NULL);
		if (!class_caches[i]) {
			kmalloc_exit();
			return -ENOMEM;
		}
		class_caches[i]->kmalloc_index = i;
	}
	return 0;
}

/**
 * kmalloc_exit - destroy the kmalloc caches
 *
 * Context: module exit.
 */
void kmalloc_exit(void)
{
	unsigned int i;

	for (i = 1; i <= KSLAB_KMALLOC_CLASSES; i++) {
		kslab_cache_destroy(class_caches[i]);
		class_caches[i] = NULL;
	}
}
