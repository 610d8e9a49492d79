// SPDX-License-Identifier: GPL-2.0
/*
 * kmalloc_kunit.c - KUnit suite kslab_kmalloc, for module/kmalloc.c: the
 * size classes and their alignment, live allocations that never overlap,
 * size 0 and NULL, large sizes straight from the page allocator,
 * kslab_kzalloc(), frees of memory kslab never handed out (the kernel's
 * kfree()'s), krealloc, kmemdup, kstrdup, kfree_sensitive and kvmalloc.
 * The kmalloc caches are kslab's own; the caches a test creates are its
 * own.
 */
#include <linux/kstrtox.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "kslab_test.h"

/* The classes of kslab_kmalloc(), as the kernel's kmalloc-* caches. */
static const unsigned int classes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192
};

#define KMALLOC_LARGEST	8192

static unsigned int class_of(size_t size)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(classes); i++)
		if (size <= classes[i])
			return classes[i];
	return 0;
}

/* kmalloc()'s alignment: the largest power of two dividing the class. */
static unsigned long class_align(unsigned int class)
{
	return max_t(unsigned long, class & -class, 8);
}

/* Sizes 1..256 one by one, then a spread up to the largest class. */
static const unsigned int spread[] = {
	257, 300, 384, 500, 511, 512, 513, 700, 1000, 1023, 1024, 1025, 1500,
	2000, 2047, 2048, 2049, 3000, 4000, 4095, 4096, 4097, 6000, 8000, 8191,
	8192,
};

#define NR_SIZES	(256 + ARRAY_SIZE(spread))
#define PER_SIZE	3

static size_t size_nr(unsigned int i)
{
	return i < 256 ? i + 1 : spread[i - 256];
}

/*
 * Every size up to the largest class: kslab_ksize() is the class size
 * (so at least the size asked for), the memory has kmalloc's alignment,
 * and with three of each size live, every usable byte of every one
 * stamped, no stamp is overwritten: no two allocations overlap.
 */
static void kmalloc_classes(struct kunit *test)
{
	unsigned int nr = NR_SIZES * PER_SIZE, i, class;
	unsigned long orphans = kslab_cache_errors(NULL);
	void **objs = ktest_ptrs(test, nr);
	size_t size;

	for (i = 0; i < nr; i++) {
		size = size_nr(i / PER_SIZE);
		class = class_of(size);
		objs[i] = kslab_kmalloc(size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL_MSG(test, objs[i], "size %zu", size);
		KUNIT_EXPECT_EQ_MSG(test, (size_t)class, kslab_ksize(objs[i]),
				    "size %zu", size);
		KUNIT_EXPECT_EQ_MSG(test, 0UL, (unsigned long)objs[i] % class_align(class),
				    "size %zu: misaligned", size);
		ktest_stamp(objs[i], class, i);
		cond_resched();
	}
	for (i = 0; i < nr; i++) {
		size = size_nr(i / PER_SIZE);
		KUNIT_EXPECT_EQ_MSG(test, 0UL, ktest_check(objs[i], class_of(size), i),
				    "allocation %u (size %zu) overwritten", i, size);
		cond_resched();
	}
	for (i = 0; i < nr; i++)
		kslab_kfree(objs[i]);
	KUNIT_EXPECT_EQ(test, orphans, kslab_cache_errors(NULL));

	/* distinct allocations, whatever the classes */
	for (i = 0; i < nr; i++) {
		objs[i] = kslab_kmalloc(size_nr(i / PER_SIZE), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	sort(objs, nr, sizeof(void *), ktest_ptr_cmp, NULL);
	for (i = 1; i < nr; i++)
		KUNIT_EXPECT_GE(test, (unsigned long)(objs[i] - objs[i - 1]),
				(unsigned long)kslab_ksize(objs[i - 1]));
	for (i = 0; i < nr; i++)
		kslab_kfree(objs[i]);
}

/* Size 0 gives ZERO_SIZE_PTR; NULL and ZERO_SIZE_PTR free as no-ops. */
static void kmalloc_zero_and_null(struct kunit *test)
{
	unsigned long orphans = kslab_cache_errors(NULL);
	long pages = held_pages();

	KUNIT_EXPECT_PTR_EQ(test, ZERO_SIZE_PTR, kslab_kmalloc(0, GFP_KERNEL));
	KUNIT_EXPECT_PTR_EQ(test, ZERO_SIZE_PTR, kslab_kzalloc(0, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, (size_t)0, kslab_ksize(ZERO_SIZE_PTR));
	KUNIT_EXPECT_EQ(test, (size_t)0, kslab_ksize(NULL));
	kslab_kfree(NULL);
	kslab_kfree(ZERO_SIZE_PTR);
	KUNIT_EXPECT_EQ(test, orphans, kslab_cache_errors(NULL));
	KUNIT_EXPECT_EQ(test, pages, held_pages());
}

/*
 * A size beyond the page allocator's largest block: NULL, and nothing
 * changes. (__GFP_NOWARN: without it the page allocator warns, as for the
 * kernel's kmalloc().)
 */
static void kmalloc_too_large(struct kunit *test)
{
	static const size_t sizes[] = {
		(PAGE_SIZE << KSLAB_MAX_PAGE_ORDER) + 1, SZ_1G, SIZE_MAX,
	};
	unsigned long orphans = kslab_cache_errors(NULL);
	long pages = held_pages();
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		KUNIT_EXPECT_NULL_MSG(test, kslab_kmalloc(sizes[k], GFP_KERNEL | __GFP_NOWARN),
				      "size %zu", sizes[k]);
		KUNIT_EXPECT_NULL_MSG(test, kslab_kzalloc(sizes[k], GFP_KERNEL | __GFP_NOWARN),
				      "size %zu", sizes[k]);
	}
	KUNIT_EXPECT_EQ(test, pages, held_pages());
	KUNIT_EXPECT_EQ(test, orphans, kslab_cache_errors(NULL));
}

static const size_t large_sizes[] = { KMALLOC_LARGEST + 1, SZ_16K, 100000, SZ_1M };

static void large_desc(const size_t *size, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%zu bytes", *size);
}

KUNIT_ARRAY_PARAM(large, large_sizes, large_desc);

/*
 * Larger sizes are whole compound pages from the page allocator:
 * kslab_ksize() is their size, every byte is usable, and kslab_kfree()
 * gives them all back.
 */
static void kmalloc_large(struct kunit *test)
{
	size_t size = *(const size_t *)test->param_value;
	unsigned int order = get_order(size);
	unsigned long orphans = kslab_cache_errors(NULL);
	long pages = held_pages();
	struct page *page;
	void *p;

	p = kslab_kmalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	page = virt_to_head_page(p);
	KUNIT_EXPECT_PTR_EQ(test, p, page_address(page));
	KUNIT_EXPECT_EQ(test, order, compound_order(page));
	KUNIT_EXPECT_EQ(test, PAGE_SIZE << order, kslab_ksize(p));
	KUNIT_EXPECT_EQ(test, page_size(page), kslab_ksize(p));
	KUNIT_EXPECT_EQ(test, pages + (1L << order), held_pages());
	ktest_stamp(p, kslab_ksize(p), order);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_check(p, PAGE_SIZE << order, order));
	kslab_kfree(p);
	KUNIT_EXPECT_EQ(test, pages, held_pages());
	KUNIT_EXPECT_EQ(test, orphans, kslab_cache_errors(NULL));
}

/*
 * kslab_kzalloc() and __GFP_ZERO zero every usable byte of memory that
 * was dirty (the same objects come back after their free, mostly).
 */
static void kmalloc_kzalloc(struct kunit *test)
{
	static const size_t sizes[] = {
		1, 8, 50, 96, 100, 200, 256, 1000, 4096, 8192, 8193, 20000,
	};
	enum { NR = 16 };
	void **objs = ktest_ptrs(test, NR);
	unsigned int k, i;

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		for (i = 0; i < NR; i++) {
			objs[i] = kslab_kmalloc(sizes[k], GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, objs[i]);
			memset(objs[i], 0xa5, kslab_ksize(objs[i]));
		}
		for (i = 0; i < NR; i++)
			kslab_kfree(objs[i]);
		for (i = 0; i < NR; i++) {
			objs[i] = i & 1 ? kslab_kzalloc(sizes[k], GFP_KERNEL) :
				  kslab_kmalloc(sizes[k], GFP_KERNEL | __GFP_ZERO);
			KUNIT_ASSERT_NOT_NULL(test, objs[i]);
			KUNIT_EXPECT_NULL_MSG(test, memchr_inv(objs[i], 0, kslab_ksize(objs[i])),
					      "size %zu allocation %u", sizes[k], i);
		}
		for (i = 0; i < NR; i++)
			kslab_kfree(objs[i]);
	}
}

/*
 * What kslab passes on to the kernel's allocator (kmalloc_kernel), seen by
 * the tests: the last pointer given to each call and how many calls. With
 * @through, the kernel's own call is made, else the memory is left alone
 * (a page a test only dressed up, that the test frees itself).
 */
static struct {
	bool through;
	unsigned int calls;
	const void *p;
} watched;

static void watch_free(const void *p)
{
	watched.calls++;
	watched.p = p;
	if (watched.through)
		kfree(p);
}

static size_t watch_size(const void *p)
{
	watched.calls++;
	watched.p = p;
	return watched.through ? ksize(p) : 12345;
}

static void *watch_realloc(const void *p, size_t new_size, gfp_t gfp)
{
	watched.calls++;
	watched.p = p;
	return watched.through ? krealloc(p, new_size, gfp) : NULL;
}

static void watch_free_sensitive(const void *p)
{
	watched.calls++;
	watched.p = p;
	if (watched.through)
		kfree_sensitive(p);
}

static const struct kmalloc_kernel_ops watch_ops = {
	.free = watch_free,
	.size = watch_size,
	.realloc = watch_realloc,
	.free_sensitive = watch_free_sensitive,
};

static const struct kmalloc_kernel_ops *saved_ops;

static void watch_stop(void *unused)
{
	kmalloc_kernel = saved_ops;
}

/* Watch what kslab passes to the kernel until the test ends. */
static void watch_start(struct kunit *test, bool through)
{
	watched.through = through;
	watched.calls = 0;
	watched.p = NULL;
	saved_ops = kmalloc_kernel;
	kmalloc_kernel = &watch_ops;
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, watch_stop, NULL));
}

/*
 * Memory kslab did not hand out goes to the kernel's kfree() and ksize(),
 * the kernel's kmalloc() memory (small and large) as a SLUB cache's
 * object: the kernel frees it (the same object comes back from its cache
 * on this CPU) and nothing is counted against kslab. An object of a kslab
 * cache that is no kmalloc class is kslab's to free, as kfree() frees any
 * slab object: kslab_ksize() is its usable size. A pointer inside a large
 * allocation is refused, counted, and the memory left alone.
 */
static void kmalloc_invalid_free(struct kunit *test)
{
	static const size_t kernel_sizes[] = { 64, 700, SZ_32K };
	unsigned long orphans = kslab_cache_errors(NULL);
	struct kmem_cache *slub;
	struct kslab_cache *s;
	unsigned int k;
	long pages;
	void *p, *q;

	watch_start(test, true);
	for (k = 0; k < ARRAY_SIZE(kernel_sizes); k++) {
		p = kmalloc(kernel_sizes[k], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_EQ(test, ksize(p), kslab_ksize(p));
		KUNIT_EXPECT_PTR_EQ(test, p, watched.p);
		watched.p = NULL;
		kslab_kfree(p);
		KUNIT_EXPECT_PTR_EQ(test, p, watched.p);
		KUNIT_EXPECT_EQ(test, 2 * (k + 1), watched.calls);
		KUNIT_EXPECT_EQ(test, orphans, kslab_cache_errors(NULL));
	}

	slub = kmem_cache_create("kunit_kmalloc_slub", 64, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, slub);
	watched.p = NULL;
	migrate_disable();
	p = kmem_cache_alloc(slub, GFP_ATOMIC);
	if (p)
		kslab_kfree(p);
	q = p ? kmem_cache_alloc(slub, GFP_ATOMIC) : NULL;
	migrate_enable();
	KUNIT_EXPECT_NOT_NULL(test, p);
	/* the kernel's kfree() had it ... */
	KUNIT_EXPECT_PTR_EQ(test, p, watched.p);
	/* ... and SLUB took it back (KASAN's quarantine holds it a while) */
	if (!IS_ENABLED(CONFIG_KASAN))
		KUNIT_EXPECT_PTR_EQ(test, p, q);
	if (q)
		kmem_cache_free(slub, q);
	kmem_cache_destroy(slub);
	KUNIT_EXPECT_EQ(test, orphans, kslab_cache_errors(NULL));

	s = ktest_create(test, "kunit_kmalloc_other", 100, 0, 0, NULL);
	p = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_GE(test, kslab_ksize(p), (size_t)100);
	k = watched.calls;
	kslab_kfree(p);
	KUNIT_EXPECT_EQ(test, k, watched.calls);
	KUNIT_EXPECT_EQ(test, orphans, kslab_cache_errors(NULL));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);

	p = kslab_kmalloc(SZ_64K, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	pages = held_pages();
	kslab_kfree(p + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ++orphans, kslab_cache_errors(NULL));
	KUNIT_EXPECT_EQ(test, pages, held_pages());
	kslab_kfree(p);
	KUNIT_EXPECT_EQ(test, pages - (SZ_64K >> PAGE_SHIFT), held_pages());
	KUNIT_EXPECT_EQ(test, orphans, kslab_cache_errors(NULL));
	KUNIT_EXPECT_EQ(test, k, watched.calls);
}

/* A value for page->private that no kslab cache has, and no mapping. */
#define NOT_A_CACHE	0xdead000000004ea5UL

/* Make a page look like a kslab slab or large allocation: index, private. */
static void page_dress(struct page *page, u8 magic, unsigned long private)
{
	*page_meta(page) = (struct slab_meta) {
		.free = KSLAB_NO_FREE,
		.inuse = 1,
		.objects = PAGE_SIZE / 64,
		.magic = magic,
	};
	set_page_private(page, private);
}

static void page_undress(struct page *page)
{
	kslab_page_word(page) = 0;
	set_page_private(page, 0);
}

/*
 * kslab_kfree() and kslab_ksize() of a page kslab does not own, whose
 * page->index and page->private happen to hold what kslab keeps there: the
 * page's owner may put anything in them. Passed to the kernel's kfree()
 * and ksize() (watched, not made: the page is the test's), kslab's pages
 * untouched, nothing counted, and @private never read through; and
 * kslab_free_rcu() of it, which has no object start to pass on, refused
 * and counted. Return: true when passed on (the caller frees the page),
 * false when kslab took it.
 */
static bool foreign_free(struct kunit *test, struct page *page, u8 magic,
			 unsigned long private, const char *what)
{
	unsigned long orphans = kslab_cache_errors(NULL);
	long pages = held_pages();
	void *p = page_address(page);
	size_t size = page_size(page);
	bool refused;

	watch_start(test, false);
	ktest_stamp(p, size, magic);
	page_dress(page, magic, private);
	KUNIT_EXPECT_EQ_MSG(test, (size_t)12345, kslab_ksize(p), "%s", what);
	kslab_kfree(p);
	KUNIT_EXPECT_EQ_MSG(test, 2U, watched.calls, "%s", what);
	KUNIT_EXPECT_PTR_EQ_MSG(test, p, watched.p, "%s", what);
	refused = held_pages() == pages;
	KUNIT_EXPECT_TRUE_MSG(test, refused, "%s: freed by kslab", what);
	KUNIT_EXPECT_EQ_MSG(test, orphans, kslab_cache_errors(NULL), "%s", what);
	if (!refused)
		return false;
	kslab_free_rcu(p);
	rcu_barrier();
	refused = held_pages() == pages &&
		  kslab_cache_errors(NULL) == orphans + 1;
	KUNIT_EXPECT_TRUE_MSG(test, refused, "%s: kslab_free_rcu() took it", what);
	if (!refused)
		return false;
	KUNIT_EXPECT_EQ_MSG(test, 0UL, ktest_check(p, size, magic), "%s", what);
	page_undress(page);
	watch_stop(NULL);
	return true;
}

/*
 * kslab_kfree() of memory that is not kslab's but whose page looks like
 * kslab's: a large allocation's mark, a slab's mark with a kslab cache
 * that is no kmalloc class, with a real kmalloc class (a page's owner can
 * leave any value in page->private, that one too), and with a pointer
 * that is no cache at all (which kslab must not read through: it would
 * fault). All go to the kernel's kfree() untouched.
 */
static void kmalloc_foreign_page(struct kunit *test)
{
	struct kslab_cache *s;
	struct page *page;
	void *p;

	page = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	KUNIT_ASSERT_NOT_NULL(test, page);
	if (foreign_free(test, page, KSLAB_MAGIC_LARGE, 0, "large mark"))
		__free_pages(page, 2);

	s = ktest_create(test, "kunit_kmalloc_foreign", 64, 0, 0, NULL);
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	if (foreign_free(test, page, KSLAB_MAGIC_SLAB, (unsigned long)s,
			 "slab mark, a cache that is not a kmalloc class"))
		__free_page(page);
	ktest_destroy(test, s);

	p = kslab_kmalloc(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	s = page_cache(virt_to_head_page(p));
	kslab_kfree(p);
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	if (foreign_free(test, page, KSLAB_MAGIC_SLAB, (unsigned long)s,
			 "slab mark, the kmalloc-64 cache"))
		__free_page(page);

	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	if (foreign_free(test, page, KSLAB_MAGIC_SLAB, NOT_A_CACHE,
			 "slab mark, no cache"))
		__free_page(page);
}

/*
 * kslab_krealloc(): the contents up to the smaller size survive growing
 * and shrinking, across classes and into large allocations; memory that
 * still fits stays where it is; NULL is an allocation, a size of 0 a free
 * (no page kept); memory that is not kslab's is the kernel's krealloc()'s.
 */
static void kmalloc_krealloc(struct kunit *test)
{
	static const size_t sizes[] = { 24, 100, 500, 4000, 20000, 64, 9000, 8 };
	unsigned long orphans = kslab_cache_errors(NULL);
	unsigned int k;
	size_t have;
	void *p, *q;

	p = kslab_krealloc(NULL, 10, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, pagemap_has(virt_to_head_page(p)));
	ktest_stamp(p, 10, 1);
	have = 10;
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		size_t keep = min(have, sizes[k]);

		q = kslab_krealloc(p, sizes[k], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, q);
		KUNIT_EXPECT_EQ_MSG(test, 0UL, ktest_check(q, keep, k + 1),
				    "to %zu bytes", sizes[k]);
		KUNIT_EXPECT_GE(test, kslab_ksize(q), sizes[k]);
		ktest_stamp(q, sizes[k], k + 2);
		have = sizes[k];
		p = q;
	}
	q = kslab_krealloc(p, 7, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, p, q);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_check(q, 7, ARRAY_SIZE(sizes) + 1));
	KUNIT_EXPECT_PTR_EQ(test, ZERO_SIZE_PTR, kslab_krealloc(q, 0, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, orphans, kslab_cache_errors(NULL));

	watch_start(test, true);
	p = kmalloc(32, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	ktest_stamp(p, 32, 9);
	q = kslab_krealloc(p, 3000, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, 1U, watched.calls);
	KUNIT_EXPECT_PTR_EQ(test, p, watched.p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_FALSE(test, pagemap_has(virt_to_head_page(q)));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_check(q, 32, 9));
	kslab_kfree(q);
	KUNIT_EXPECT_EQ(test, 2U, watched.calls);
}

/*
 * kslab_kmemdup(), kslab_kstrdup() and kslab_kstrndup(): copies in
 * kslab's memory, NUL-terminated strings cut at @max, NULL for NULL.
 */
static void kmalloc_dup(struct kunit *test)
{
	static const char str[] = "kslab runs ext2";
	unsigned long orphans = kslab_cache_errors(NULL);
	u8 buf[200];
	char *c;
	void *p;

	ktest_stamp(buf, sizeof(buf), 3);
	p = kslab_kmemdup(buf, sizeof(buf), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, pagemap_has(virt_to_head_page(p)));
	KUNIT_EXPECT_EQ(test, 0, memcmp(p, buf, sizeof(buf)));
	kslab_kfree(p);

	c = kslab_kstrdup(str, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_TRUE(test, pagemap_has(virt_to_head_page(c)));
	KUNIT_EXPECT_STREQ(test, str, c);
	kslab_kfree(c);

	c = kslab_kstrndup(str, 5, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_STREQ(test, "kslab", c);
	kslab_kfree(c);
	c = kslab_kstrndup(str, 100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_STREQ(test, str, c);
	kslab_kfree(c);

	KUNIT_EXPECT_NULL(test, kslab_kstrdup(NULL, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, kslab_kstrndup(NULL, 4, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, orphans, kslab_cache_errors(NULL));
}

/*
 * kslab_kfree_sensitive() zeroes every usable byte before the free: the
 * same object, taken again from a cache of the test's own on this CPU, is
 * all zeroes (skipped when another one comes back); kslab_kmalloc()
 * memory is freed too. The kernel's memory goes to its kfree_sensitive().
 */
static void kmalloc_kfree_sensitive(struct kunit *test)
{
	unsigned long orphans = kslab_cache_errors(NULL);
	struct kslab_cache *s;
	bool same;
	u8 *p, *q;

	s = ktest_create(test, "kunit_kmalloc_sensitive", 96, 0, 0, NULL);
	migrate_disable();
	p = kslab_cache_alloc(s, GFP_ATOMIC);
	if (p) {
		memset(p, 0xa5, 96);
		kslab_kfree_sensitive(p);
	}
	q = kslab_cache_alloc(s, GFP_ATOMIC);
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	same = p == q;
	if (same)
		KUNIT_EXPECT_NULL(test, memchr_inv(q, 0, 96));
	kslab_cache_free(s, q);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));

	p = kslab_kmalloc(300, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kslab_kfree_sensitive(p);

	watch_start(test, true);
	p = kmalloc(96, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kslab_kfree_sensitive(p);
	KUNIT_EXPECT_EQ(test, 1U, watched.calls);
	KUNIT_EXPECT_PTR_EQ(test, (void *)p, watched.p);
	KUNIT_EXPECT_EQ(test, orphans, kslab_cache_errors(NULL));
	if (!same)
		kunit_skip(test, "the zeroed object did not come back");
}

/*
 * kslab_kvmalloc(): kslab's memory while kslab_kmalloc() has it, vmalloc
 * beyond the largest page order kslab can take (GFP_KERNEL only: NULL
 * with GFP_ATOMIC), zeroed with __GFP_ZERO either way; kslab_kvfree()
 * frees both, and the kernel's kmalloc() memory through its kfree().
 */
static void kmalloc_kvmalloc(struct kunit *test)
{
	size_t huge = PAGE_SIZE << (KSLAB_MAX_PAGE_ORDER + 1);
	unsigned long orphans = kslab_cache_errors(NULL);
	long pages;
	u8 *p;

	p = kslab_kvmalloc(100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_FALSE(test, is_vmalloc_addr(p));
	KUNIT_EXPECT_TRUE(test, pagemap_has(virt_to_head_page(p)));
	kslab_kvfree(p);

	p = kslab_kvmalloc(SZ_64K, GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, SZ_64K));
	kslab_kvfree(p);

	pages = held_pages();
	p = kslab_kvmalloc(huge, GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(p));
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, huge));
	kslab_kvfree(p);
	KUNIT_EXPECT_NULL(test, kslab_kvmalloc(huge, GFP_ATOMIC));
	KUNIT_EXPECT_EQ(test, pages, held_pages());

	p = kslab_kvmalloc_array(3, SIZE_MAX / 2, GFP_KERNEL);
	KUNIT_EXPECT_NULL(test, p);

	watch_start(test, true);
	p = kmalloc(40, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kslab_kvfree(p);
	KUNIT_EXPECT_EQ(test, 1U, watched.calls);
	KUNIT_EXPECT_EQ(test, orphans, kslab_cache_errors(NULL));
}

/*
 * The boot setting of a kernel parameter such as init_on_alloc: its last
 * "@param=" on the command line, else @dflt (the kernel's config).
 */
static bool boot_setting(struct kunit *test, const char *param, bool dflt)
{
	char *cmdline = ktest_read_file(test, "/proc/cmdline");
	size_t len = strlen(param);
	char *p = cmdline, *arg;
	bool val = dflt, v;

	while ((arg = strsep(&p, "\n "))) {
		if (!strncmp(arg, param, len) && arg[len] == '=' &&
		    !kstrtobool(arg + len + 1, &v))
			val = v;
	}
	kunit_kfree(test, cmdline);
	return val;
}

/*
 * init_on_alloc and init_on_free are as the kernel booted: no suite
 * loaded before this one (kslab_fastpath turns them on and off) left them
 * changed for the suites after it. Under init_on_alloc, kslab_kmalloc()
 * memory comes back zeroed however it was left.
 */
static void kmalloc_init_on_boot(struct kunit *test)
{
	bool on_alloc = boot_setting(test, "init_on_alloc",
				     IS_ENABLED(CONFIG_INIT_ON_ALLOC_DEFAULT_ON));
	bool on_free = boot_setting(test, "init_on_free",
				    IS_ENABLED(CONFIG_INIT_ON_FREE_DEFAULT_ON));
	bool alloc_now = static_key_enabled(&init_on_alloc);
	bool free_now = static_key_enabled(&init_on_free);
	u8 *p;

	kunit_info(test, "booted with init_on_alloc=%d init_on_free=%d\n",
		   on_alloc, on_free);
	KUNIT_EXPECT_EQ(test, on_alloc, alloc_now);
	KUNIT_EXPECT_EQ(test, on_free, free_now);
	if (!alloc_now)
		return;
	migrate_disable();
	p = kslab_kmalloc(64, GFP_ATOMIC);
	if (p) {
		memset(p, 0x5e, 64);
		kslab_kfree(p);
		p = kslab_kmalloc(64, GFP_ATOMIC);
	}
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, 64));
	kslab_kfree(p);
}

static struct kunit_case kmalloc_cases[] = {
	KUNIT_CASE(kmalloc_init_on_boot),
	KUNIT_CASE(kmalloc_classes),
	KUNIT_CASE(kmalloc_zero_and_null),
	KUNIT_CASE_PARAM(kmalloc_large, large_gen_params),
	KUNIT_CASE(kmalloc_too_large),
	KUNIT_CASE(kmalloc_kzalloc),
	KUNIT_CASE(kmalloc_invalid_free),
	KUNIT_CASE(kmalloc_foreign_page),
	KUNIT_CASE(kmalloc_krealloc),
	KUNIT_CASE(kmalloc_dup),
	KUNIT_CASE(kmalloc_kfree_sensitive),
	KUNIT_CASE(kmalloc_kvmalloc),
	{}
};

static struct kunit_suite kmalloc_suite = {
	.name = "kslab_kmalloc",
	.test_cases = kmalloc_cases,
};

kunit_test_suite(kmalloc_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_kmalloc: kslab_kmalloc() and friends");
KSLAB_IMPORT_FOR_KUNIT();
