// SPDX-License-Identifier: GPL-2.0
/*
 * kmalloc.c - kslab_kmalloc() and friends: size classes 8 to 8192 bytes on
 * kslab caches named like the kernel's (kmalloc-8 ... kmalloc-8k), and
 * larger sizes straight from the buddy allocator as compound pages,
 * marked so kslab_kfree() and kslab_ksize() tell them from slabs.
 *
 * A pointer kslab_kfree() is given may be anyone's: its page->index and
 * page->private, where kslab keeps a slab's mark and cache, then hold
 * whatever their owner put there. So the mark only picks the check: a
 * slab's cache pointer is compared with the kmalloc caches, never read
 * through; a large allocation's page must be in the record kslab keeps of
 * them (large_pages), never given back on the strength of its mark alone.
 */
#define pr_fmt(fmt) "kslab: " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "kslab_int.h"
#include "fastpath.h"
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

/*
 * class_slots[]: the kmalloc caches again, each in the slot its own address
 * hashes to (class_slot()), with a multiplier drawn at init until no two
 * share a slot. A cache pointer read from a page is looked up there, so
 * nothing is read through a pointer that may not be a cache at all.
 */
#define KSLAB_CLASS_SLOTS_SHIFT		6
static struct kslab_cache *class_slots[1 << KSLAB_CLASS_SLOTS_SHIFT] __read_mostly;
static unsigned long class_mul __read_mostly;

static __always_inline unsigned int class_slot(const struct kslab_cache *s)
{
	return ((unsigned long)s * class_mul) >> (BITS_PER_LONG - KSLAB_CLASS_SLOTS_SHIFT);
}

/* The large allocations handed out, by pfn of their head page. */
static DEFINE_XARRAY_FLAGS(large_pages, XA_FLAGS_LOCK_IRQ);

/* What of a caller's GFP flags the record's own allocations may use. */
#define KSLAB_LARGE_RECORD_GFP	(__GFP_HIGH | __GFP_IO | __GFP_FS | \
				 __GFP_RECLAIM | __GFP_NOWARN)

static __always_inline unsigned int class_index(size_t size)
{
	if (size <= 192)
		return class_small_index[(size - 1) / 8];
	return fls(size - 1);
}

/*
 * Record @page as a large allocation. Irqsave: kslab_kmalloc() may be
 * called from hard interrupts; a GFP that may sleep comes with interrupts
 * on, which the xarray turns back on to allocate. Return: 0 or -ENOMEM.
 */
static int large_record(struct page *page, gfp_t gfp)
{
	unsigned long flags;
	void *old;

	xa_lock_irqsave(&large_pages, flags);
	old = __xa_store(&large_pages, page_to_pfn(page), page,
			 gfp & KSLAB_LARGE_RECORD_GFP);
	xa_unlock_irqrestore(&large_pages, flags);
	return xa_is_err(old) ? xa_err(old) : 0;
}

static void large_forget(struct page *page)
{
	unsigned long flags;

	xa_lock_irqsave(&large_pages, flags);
	__xa_erase(&large_pages, page_to_pfn(page));
	xa_unlock_irqrestore(&large_pages, flags);
}

/* Is @page, marked KSLAB_MAGIC_LARGE, a large allocation of kslab's? */
static bool large_recorded(struct page *page)
{
	return xa_load(&large_pages, page_to_pfn(page)) == page;
}

/* Sizes above the largest class: whole pages (noinline: a tail call). */
static noinline void *large_alloc(size_t size, gfp_t gfp, unsigned long caller)
{
	unsigned int order = get_order(size);
	struct page *page;
	void *p = NULL;

	page = alloc_pages_node(numa_mem_id(), gfp | __GFP_COMP, order);
	if (page && large_record(page, gfp)) {
		__free_pages(page, order);
		page = NULL;
	}
	if (page) {
		page_meta(page)->magic = KSLAB_MAGIC_LARGE;
		atomic_long_add(1L << order, &kslab_pages);
		p = page_address(page);
	}
	trace_kslab_alloc("kmalloc-large", p, caller, gfp, NUMA_NO_NODE);
	return p;
}

/* Give back what large_alloc() took (noinline: a tail call). */
static noinline void large_free(struct page *page, const void *p,
				unsigned long caller)
{
	unsigned int order = compound_order(page);

	if (unlikely(page_address(page) != p || !large_recorded(page)))
		return report_orphan_free(p);
	trace_kslab_free("kmalloc-large", p, caller);

	large_forget(page);
	page_meta(page)->magic = 0;
	atomic_long_sub(1L << order, &kslab_pages);
	__free_pages(page, order);
}

/* The kmalloc cache a slab belongs to, or NULL if it is not one. */
static __always_inline struct kslab_cache *class_cache_of(struct page *page)
{
	struct kslab_cache *s = page_cache(page);

	return class_slots[class_slot(s)] == s ? s : NULL;
}

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
	return slab_alloc(s, gfp, NUMA_NO_NODE, _RET_IP_);
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
	magic = page_meta(page)->magic;
	if (likely(magic == KSLAB_MAGIC_SLAB)) {
		s = class_cache_of(page);
		if (likely(s)) {
			if (trace_kslab_free_enabled())
				slab_free_traced(s, page, (void *)p, _RET_IP_);
			else
				slab_free(s, page, (void *)p, _RET_IP_);
			return;
		}
	} else if (magic == KSLAB_MAGIC_LARGE) {
		return large_free(page, p, _RET_IP_);
	}
	report_orphan_free(p);
}
EXPORT_SYMBOL_GPL(kslab_kfree);

/**
 * kslab_ksize - the usable size of memory from kslab_kmalloc()
 * @p: the memory
 *
 * Context: any context.
 * Return: the bytes usable at @p (at least the size asked for), or 0 for
 * NULL, ZERO_SIZE_PTR or memory kslab did not hand out.
 */
size_t kslab_ksize(const void *p)
{
	struct page *page;
	struct kslab_cache *s;

	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return 0;
	page = virt_to_head_page(p);
	if (page_meta(page)->magic == KSLAB_MAGIC_LARGE)
		return large_recorded(page) ? page_size(page) : 0;
	if (page_meta(page)->magic != KSLAB_MAGIC_SLAB)
		return 0;
	s = class_cache_of(page);
	if (!s)
		return 0;
	/* owner tracks follow the object, red zone or not: not the caller's */
	if (s->flags & (SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER))
		return s->object_size;
	return s->offset >= s->object_size ? s->offset : s->size;
}
EXPORT_SYMBOL_GPL(kslab_ksize);

/* Fill class_slots[]. Return: 0, or -EBUSY when no multiplier fits. */
static int class_slots_init(void)
{
	unsigned int i, slot, tries;

	/* 13 of 64 slots: each draw fits with a chance above 1 in 4 */
	for (tries = 0; tries < 200; tries++) {
		memset(class_slots, 0, sizeof(class_slots));
		class_mul = get_random_long() | 1;
		for (i = 1; i <= KSLAB_KMALLOC_CLASSES; i++) {
			slot = class_slot(class_caches[i]);
			if (class_slots[slot])
				break;
			class_slots[slot] = class_caches[i];
		}
		if (i > KSLAB_KMALLOC_CLASSES)
			return 0;
	}
	return -EBUSY;
}

/**
 * kmalloc_init - create the kmalloc caches
 *
 * Context: module init. Return: 0 or a negative errno.
 */
int kmalloc_init(void)
{
	unsigned int i;
	int ret;

	for (i = 1; i <= KSLAB_KMALLOC_CLASSES; i++) {
		class_caches[i] = kslab_cache_create(class_names[i],
						     class_sizes[i], 0, 0, NULL);
		if (!class_caches[i]) {
			kmalloc_exit();
			return -ENOMEM;
		}
		class_caches[i]->kmalloc_index = i;
	}
	ret = class_slots_init();
	if (ret)
		kmalloc_exit();
	return ret;
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
	/* large allocations never freed are kept; only the record goes */
	xa_destroy(&large_pages);
}
