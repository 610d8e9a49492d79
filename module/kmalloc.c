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
 * the record of kslab's pages (pagemap.c) says the page is kslab's.
 */
#define pr_fmt(fmt) "kslab: " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>

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
	__free_pages(page, order);
}

/*
 * The kmalloc cache of the slab whose head page is @page, or NULL if
 * @page is no such slab. *@magic: the page's mark, read only once the
 * page is known to be kslab's.
 */
static __always_inline struct kslab_cache *class_cache_of(struct page *page,
							  u8 *magic)
{
	struct kslab_cache *s;

	*magic = 0;
	if (unlikely(!pagemap_has(page)))
		return NULL;
	*magic = page_meta(page)->magic;
	s = slab_cache(page);
	return likely(s) && s->kmalloc_index ? s : NULL;
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

/**
 * kslab_kfree - free memory from kslab_kmalloc()
 * @p: the memory, or NULL or ZERO_SIZE_PTR (nothing is done)
 *
 * A pointer kslab did not hand out is reported, counted in
 * kslab_cache_errors(NULL) and refused.
 *
 * Context: any context.
 */
void kslab_kfree(const void *p)
{
	struct page *page;
	struct kslab_cache *s;
	u8 magic;

	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return;
	page = virt_to_head_page(p);
	s = class_cache_of(page, &magic);
	if (likely(s)) {
		if (trace_kslab_free_enabled())
			cpu_free_traced(s, (void *)p, _RET_IP_);
		else
			cpu_free(s, page, (void *)p, _RET_IP_);
		return;
	}
	if (magic == KSLAB_MAGIC_LARGE)
		return large_free(page, p, _RET_IP_);
	report_orphan_free(p);
}
EXPORT_SYMBOL_GPL(kslab_kfree);

/* kslab_ksize() but for KASAN and the kmalloc red zone; *@sp: @p's cache */
static __always_inline size_t ksize_of(const void *p, struct kslab_cache **sp)
{
	struct page *page;
	struct kslab_cache *s;
	u8 magic;

	*sp = NULL;
	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return 0;
	page = virt_to_head_page(p);
	s = class_cache_of(page, &magic);
	if (!s)
		return magic == KSLAB_MAGIC_LARGE ? page_size(page) : 0;
	*sp = s;
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
 * @p: the memory
 *
 * As ksize(), all of it is the caller's from then on: on a KASAN kernel
 * it is made accessible, and with red zones the size asked for no longer
 * limits it (the kmalloc red zone goes, as SLUB's skip_orig_size_check()).
 *
 * Context: any context.
 * Return: the bytes usable at @p (at least the size asked for), or 0 for
 * NULL, ZERO_SIZE_PTR or memory kslab did not hand out (and for freed
 * memory on a KASAN kernel, which reports it).
 */
size_t kslab_ksize(const void *p)
{
	struct kslab_cache *s;
	size_t size = ksize_of(p, &s);

	if (size && !kslab_kasan_check(p))
		return 0;
	if (s && cache_debug(s))
		debug_kmalloc(s, (void *)p, size);
	return kslab_kasan_ksize(p, size);
}
EXPORT_SYMBOL_GPL(kslab_ksize);

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
