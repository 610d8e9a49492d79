// SPDX-License-Identifier: GPL-2.0
/*
 * slab_kunit.c - KUnit suite kslab_slab, for module/slab.c: the slab
 * order and objects per slab against SLUB's for the same object (a kernel
 * cache made in the same test, read back from /proc/slabinfo), shuffled
 * free lists of new slabs, slab_index() over every byte of a slab, the
 * empty slabs a node keeps, and the checks of a run of frees into one
 * slab. Each test creates and destroys its own caches.
 */
#include <linux/bitmap.h>
#include <linux/slab.h>

#include "kslab_test.h"

struct layout_case {
	unsigned int size;
	unsigned int align;
	slab_flags_t flags;
	bool ctor;
};

static const struct layout_case layout_cases[] = {
	{ 8 }, { 16 }, { 24 }, { 32 }, { 40 }, { 48 }, { 64 }, { 72 }, { 96 },
	{ 100 }, { 128 }, { 192 }, { 256 }, { 500 }, { 512 }, { 700 },
	{ 1024 }, { 2048 }, { 3000 }, { 4096 }, { 5000 }, { 8192 },
	{ 10000 }, { 16384 }, { 65536 },
	{ 40, 0, SLAB_HWCACHE_ALIGN }, { 100, 64 }, { 24, 0, 0, true },
	{ 3000, 0, 0, true },
};

static void layout_desc(const struct layout_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "size %u align %u%s%s", c->size,
		 c->align, c->flags & SLAB_HWCACHE_ALIGN ? " hwcache" : "",
		 c->ctor ? " ctor" : "");
}

KUNIT_ARRAY_PARAM(layout, layout_cases, layout_desc);

static void slub_destroy_action(void *k)
{
	kmem_cache_destroy(k);
}

/*
 * kslab lays out objects and chooses slab orders as SLUB does: for the
 * same object, /proc/kslabinfo and /proc/slabinfo agree on objsize (the
 * stride), objperslab and pagesperslab.
 */
static void slab_order_as_slub(struct kunit *test)
{
	const struct layout_case *c = test->param_value;
	const char *name = "kunit_slab_vs_slub";
	void (*ctor)(void *) = c->ctor ? ktest_ctor_nop : NULL;
	struct ktest_row ours, slub;
	struct kmem_cache *k;
	struct kslab_cache *s;

	s = ktest_create(test, name, c->size, c->align, c->flags, ctor);
	k = kmem_cache_create(name, c->size, c->align, c->flags | SLAB_NO_MERGE, ctor);
	KUNIT_ASSERT_NOT_NULL(test, k);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, slub_destroy_action, k));

	ktest_read_row(test, "/proc/kslabinfo", name, &ours);
	ktest_read_row(test, "/proc/slabinfo", name, &slub);
	KUNIT_EXPECT_EQ(test, slub.objsize, ours.objsize);
	KUNIT_EXPECT_EQ(test, slub.objperslab, ours.objperslab);
	KUNIT_EXPECT_EQ(test, slub.pagesperslab, ours.pagesperslab);
	kunit_release_action(test, slub_destroy_action, k);
	ktest_destroy(test, s);
}

/* The objects of @s's slab that holds @objs[0..objects), as indices. */
static void slab_indices(struct kunit *test, struct kslab_cache *s,
			 void **objs, unsigned int objects, u16 *idx,
			 unsigned long *map)
{
	struct page *page = virt_to_head_page(objs[0]);
	void *base = page_address(page);
	unsigned long off;
	unsigned int i;

	bitmap_zero(map, objects);
	for (i = 0; i < objects; i++) {
		KUNIT_ASSERT_PTR_EQ(test, page, virt_to_head_page(objs[i]));
		off = objs[i] - base;
		KUNIT_ASSERT_EQ(test, 0UL, off % s->size);
		idx[i] = off / s->size;
		KUNIT_ASSERT_LT(test, (unsigned int)idx[i], objects);
		KUNIT_EXPECT_FALSE_MSG(test, test_and_set_bit(idx[i], map),
				       "object %u handed out twice", idx[i]);
	}
}

/*
 * A new slab hands out its objects in its free list's order: shuffled
 * when kslab's freelist_random is on (so four slabs are not all in the
 * same order, and none in address order), address order when it is off.
 * A bulk allocation of one slab's worth from a new cache takes exactly
 * one new slab, in that order.
 */
static void slab_shuffle(struct kunit *test)
{
	enum { SLABS = 4 };
	bool random = ktest_kslab_param(test, "freelist_random")[0] == 'Y';
	unsigned int objects, k, i, in_order, same = 0;
	struct kslab_cache *s;
	unsigned long *map;
	void **objs;
	u16 *idx;

	s = ktest_create(test, "kunit_slab_shuffle", 8, 0, 0, NULL);
	objects = s->objects;
	KUNIT_ASSERT_GE(test, objects, 256U);
	objs = ktest_ptrs(test, SLABS * objects);
	idx = kunit_kcalloc(test, SLABS * objects, sizeof(*idx), GFP_KERNEL);
	map = kunit_kcalloc(test, BITS_TO_LONGS(objects), sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, idx);
	KUNIT_ASSERT_NOT_NULL(test, map);

	for (k = 0; k < SLABS; k++) {
		KUNIT_ASSERT_EQ(test, (int)objects,
				kslab_cache_alloc_bulk(s, GFP_KERNEL, objects,
						       objs + k * objects));
		slab_indices(test, s, objs + k * objects, objects,
			     idx + k * objects, map);
		for (i = 0, in_order = 1; i < objects; i++)
			in_order &= idx[k * objects + i] == i;
		KUNIT_EXPECT_EQ_MSG(test, !random, in_order,
				    "slab %u: freelist_random %d", k, random);
		if (k)
			same += !memcmp(idx, idx + k * objects, objects * sizeof(*idx));
	}
	if (random)
		KUNIT_EXPECT_LT(test, same, SLABS - 1U);
	kslab_cache_free_bulk(s, SLABS * objects, objs);
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/* What slab_index() must say of the byte at @off of a slab. */
static unsigned int index_expected(struct kslab_cache *s, unsigned int objects,
				   unsigned long off)
{
	if (off < s->red_left_pad)
		return KSLAB_BAD_INDEX;
	off -= s->red_left_pad;
	if (off % s->size || off / s->size >= objects)
		return KSLAB_BAD_INDEX;
	return off / s->size;
}

/*
 * slab_index() over every byte of a full slab: each object's start maps
 * to its index (and slab_object() maps it back), every other byte,
 * inside an object or in the leftover, to KSLAB_BAD_INDEX.
 */
static void slab_index_map(struct kunit *test)
{
	const struct layout_case *c = test->param_value;
	unsigned long off, bad = 0, first_bad = 0, bytes;
	unsigned int objects, i, idx, want;
	struct slab_meta *m;
	struct kslab_cache *s;
	struct page *page;
	void *base, **objs;

	s = ktest_create(test, "kunit_slab_index", c->size, c->align, c->flags,
			 c->ctor ? ktest_ctor_nop : NULL);
	objects = s->objects;
	objs = ktest_ptrs(test, objects);
	KUNIT_ASSERT_EQ(test, (int)objects,
			kslab_cache_alloc_bulk(s, GFP_KERNEL, objects, objs));
	page = virt_to_head_page(objs[0]);
	base = page_address(page);
	m = page_meta(page);
	bytes = page_size(page);
	KUNIT_EXPECT_EQ(test, objects, (unsigned int)m->objects);

	for (i = 0; i < objects; i++) {
		KUNIT_ASSERT_PTR_EQ(test, page, virt_to_head_page(objs[i]));
		idx = slab_index(s, m, base, objs[i]);
		KUNIT_EXPECT_EQ(test, index_expected(s, objects, objs[i] - base), idx);
		if (idx != KSLAB_BAD_INDEX)
			KUNIT_EXPECT_PTR_EQ(test, objs[i], slab_object(s, base, idx));
	}
	for (off = 0; off < bytes; off++) {
		want = index_expected(s, objects, off);
		if (slab_index(s, m, base, base + off) != want && !bad++)
			first_bad = off;
	}
	KUNIT_EXPECT_EQ_MSG(test, 0UL, bad, "first wrong index at offset %lu of %lu",
			    first_bad, bytes);
	kslab_cache_free_bulk(s, objects, objs);
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/* Empty slabs on a node, by its list and by its count (which must agree). */
static unsigned long node_empty(struct kunit *test, struct kslab_node *n)
{
	unsigned long listed, counted, flags;

	spin_lock_irqsave(&n->list_lock, flags);
	listed = list_count_nodes(&n->empty);
	counted = n->nr_empty;
	spin_unlock_irqrestore(&n->list_lock, flags);
	KUNIT_EXPECT_EQ(test, listed, counted);
	return listed;
}

/*
 * Frees never leave more than min_partial empty slabs on a node: the
 * rest go back to the page allocator at once (single and bulk frees,
 * local and remote objects, on both nodes). A shrink leaves none.
 */
static void slab_min_partial(struct kunit *test)
{
	enum { PER_NODE = 4000, BULK = 50 };
	unsigned long peak, freed;
	unsigned int nr = 0, i;
	struct kslab_cache *s;
	void **objs;
	int nid;

	objs = ktest_ptrs(test, PER_NODE * num_node_state(N_MEMORY));
	s = ktest_create(test, "kunit_slab_partial", 256, 0, 0, NULL);
	for_each_node_state(nid, N_MEMORY) {
		for (i = 0; i < PER_NODE; i++, nr++) {
			objs[nr] = kslab_cache_alloc_node(s, GFP_KERNEL, nid);
			KUNIT_ASSERT_NOT_NULL(test, objs[nr]);
		}
	}
	peak = kslab_cache_pages(s);
	/* in allocation order: most slabs empty, few held in magazines */
	for (i = 0; i < nr; i += 2 * BULK) {
		ktest_free_n(s, objs + i, min_t(unsigned int, BULK, nr - i));
		if (i + BULK < nr)
			kslab_cache_free_bulk(s, min_t(unsigned int, BULK, nr - i - BULK),
					      objs + i + BULK);
	}
	/* what the depots keep goes back to the slabs after two trims */
	ktest_trim_twice(s);
	freed = kslab_stat_sum(s, KSLAB_FREE_SLAB);
	KUNIT_EXPECT_GT(test, freed, 0UL);
	KUNIT_EXPECT_LT(test, kslab_cache_pages(s), peak);
	for_each_node(nid)
		KUNIT_EXPECT_LE_MSG(test, node_empty(test, s->node[nid]),
				    (unsigned long)s->min_partial, "node %d", nid);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));

	KUNIT_EXPECT_EQ(test, 0, kslab_cache_shrink(s));
	for_each_node(nid)
		KUNIT_EXPECT_EQ(test, 0UL, node_empty(test, s->node[nid]));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_pages(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/*
 * A new slab's metadata owes nothing to the page's last user: pages handed
 * back with every bit of page->index set (a SLUB slab's free pointer, which
 * that word holds, sets most of them) come back as slabs without the
 * quarantine bit, so defragmentation and the debug checks see them as new.
 * Pinned, so the page allocator's per-CPU lists hand the same pages back.
 */
static void slab_fresh_meta(struct kunit *test)
{
	enum { NR_PAGES = 32 };
	unsigned int i, j, nr, reused = 0, stale = 0;
	struct page *pages[NR_PAGES], *page;
	struct kslab_cache *s;
	void **objs;

	s = ktest_create(test, "kunit_slab_fresh_meta", 256, 0, 0, NULL);
	nr = NR_PAGES * s->objects;
	objs = ktest_ptrs(test, nr);
	migrate_disable();
	for (i = 0; i < NR_PAGES; i++) {
		pages[i] = alloc_pages(GFP_KERNEL, s->order);
		if (pages[i])
			pages[i]->index = ~0UL;
	}
	for (i = 0; i < NR_PAGES; i++)
		if (pages[i])
			__free_pages(pages[i], s->order);
	for (i = 0; i < nr; i++)
		objs[i] = kslab_cache_alloc(s, GFP_KERNEL);
	migrate_enable();
	for (i = 0; i < nr; i++) {
		if (!objs[i])
			continue;
		page = virt_to_head_page(objs[i]);
		for (j = 0; j < NR_PAGES; j++)
			reused += page == pages[j];
		stale += page_meta(page)->quarantine;
	}
	ktest_free_n(s, objs, nr);
	KUNIT_EXPECT_GT(test, reused, 0U);	/* the test saw old pages */
	KUNIT_EXPECT_EQ(test, 0U, stale);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	ktest_destroy(test, s);
}

/*
 * A run of frees into one slab (slab_put_batch() keeps the free list's
 * head and the counts in registers) refuses what one free at a time does.
 * Without debug flags: a pointer into an object and an object freed twice
 * in a row are reported and skipped, the rest of the run is linked. With
 * SLAB_CONSISTENCY_CHECKS, a double free further down the run is caught
 * too: the debug check walks the free list the run has built so far.
 */
static void slab_put_batch_refuses(struct kunit *test)
{
	static const slab_flags_t flags[] = { 0, SLAB_CONSISTENCY_CHECKS };
	unsigned int nr, i, f;
	struct kslab_cache *s;
	void **objs, *a, *b, *run[4];
	unsigned long e;

	for (f = 0; f < ARRAY_SIZE(flags); f++) {
		s = ktest_create(test, "kunit_slab_put_batch", 256, 0, flags[f], NULL);
		nr = 2 * s->objects;
		objs = ktest_ptrs(test, nr);
		ktest_alloc_n(test, s, objs, nr);
		a = objs[0];
		b = NULL;
		for (i = 1; i < nr && !b; i++)
			if (virt_to_head_page(objs[i]) == virt_to_head_page(a))
				b = objs[i];
		KUNIT_ASSERT_NOT_NULL(test, b);
		objs[i - 1] = objs[--nr];
		objs[0] = objs[--nr];
		e = kslab_cache_errors(s);
		if (!flags[f]) {
			run[0] = a;
			run[1] = a + 1;		/* not an object's start */
			run[2] = a;		/* the head: freed twice in a row */
			run[3] = b;
			KUNIT_EXPECT_EQ(test, 2U, cache_free_objects(s, run, 4, _RET_IP_));
		} else {
			run[0] = a;
			run[1] = b;
			run[2] = a;		/* on the list, not its head */
			KUNIT_EXPECT_EQ(test, 2U, cache_free_objects(s, run, 3, _RET_IP_));
		}
		KUNIT_EXPECT_EQ(test, e + 2 - f, kslab_cache_errors(s));
		KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
		/* the rest freed, every slab empties: a and b went back once */
		ktest_free_n(s, objs, nr);
		KUNIT_EXPECT_EQ(test, 0, kslab_cache_shrink(s));
		KUNIT_EXPECT_EQ(test, 0UL, ktest_slabs(s));
		KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
		ktest_destroy(test, s);
	}
}

static struct kunit_case slab_cases[] = {
	KUNIT_CASE_PARAM(slab_order_as_slub, layout_gen_params),
	KUNIT_CASE(slab_shuffle),
	KUNIT_CASE_PARAM(slab_index_map, layout_gen_params),
	KUNIT_CASE(slab_min_partial),
	KUNIT_CASE(slab_fresh_meta),
	KUNIT_CASE(slab_put_batch_refuses),
	{}
};

static struct kunit_suite slab_suite = {
	.name = "kslab_slab",
	.test_cases = slab_cases,
};

kunit_test_suite(slab_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_slab: slab orders, free lists and slab pages");
KSLAB_IMPORT_INTERNAL();
