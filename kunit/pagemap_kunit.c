// SPDX-License-Identifier: GPL-2.0
/*
 * pagemap_kunit.c - KUnit suite kslab_pagemap, for module/pagemap.c: the
 * record of kslab's pages holds the head page of every slab of a live
 * cache and of every large kslab_kmalloc() allocation, and no other page
 * of them; it forgets them when the cache is destroyed or the allocation
 * freed; and it never held pages kslab did not take. Each test creates
 * and destroys its own caches.
 */
#include <linux/gfp.h>
#include <linux/mm.h>

#include "kslab_test.h"

/* The pages after the head of a compound page of @order in the record. */
static unsigned int pagemap_tails(struct page *page, unsigned int order)
{
	unsigned int i, nr = 0;

	for (i = 1; i < 1U << order; i++)
		nr += pagemap_has(page + i);
	return nr;
}

/* Slabs the test remembers across its cache's destruction. */
#define PAGEMAP_SLABS	64

struct pagemap_slabs {
	struct page *pages[PAGEMAP_SLABS];
	unsigned int order[PAGEMAP_SLABS];
	unsigned int nr;	/* remembered */
	unsigned long slabs;	/* on the node lists */
	unsigned long heads;	/* of those, head pages in the record */
	unsigned long tails;	/* their other pages in the record */
};

/* Go over every slab on @n's lists, remembering the first ones. */
static void pagemap_node_slabs(struct kslab_node *n, struct pagemap_slabs *ps)
{
	struct list_head *lists[] = { &n->partial, &n->full, &n->empty, &n->isolated };
	unsigned int i, order;
	unsigned long flags;
	struct page *page;

	spin_lock_irqsave(&n->list_lock, flags);
	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		list_for_each_entry(page, lists[i], lru) {
			order = compound_order(page);
			ps->slabs++;
			ps->heads += pagemap_has(page);
			ps->tails += pagemap_tails(page, order);
			if (ps->nr < PAGEMAP_SLABS) {
				ps->pages[ps->nr] = page;
				ps->order[ps->nr++] = order;
			}
		}
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
}

/*
 * Every slab of a live cache, on every node with memory, has its head
 * page in the record, and none of its other pages; the head page of
 * each live object's slab is there too. Once the cache is destroyed (its
 * slabs back with the page allocator), none of those pages is.
 */
static void pagemap_slabs(struct kunit *test)
{
	struct pagemap_slabs *ps;
	unsigned int per, nr = 0, i, heads = 0, left = 0;
	struct kslab_cache *s;
	void **objs;
	int nid;

	ps = kunit_kzalloc(test, sizeof(*ps), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ps);
	s = ktest_create(test, "kunit_pagemap_slabs", 700, 0, 0, NULL);
	KUNIT_ASSERT_GT(test, s->order, 0U);	/* slabs of more than one page */
	per = 4 * s->objects;
	objs = ktest_ptrs(test, per * num_node_state(N_MEMORY));
	for_each_node_state(nid, N_MEMORY) {
		for (i = 0; i < per; i++, nr++) {
			objs[nr] = kslab_cache_alloc_node(s, GFP_KERNEL, nid);
			KUNIT_ASSERT_NOT_NULL(test, objs[nr]);
		}
	}
	for (i = 0; i < nr; i++)
		heads += pagemap_has(virt_to_head_page(objs[i]));
	KUNIT_EXPECT_EQ(test, nr, heads);
	for_each_node(nid)
		pagemap_node_slabs(s->node[nid], ps);
	KUNIT_EXPECT_GE(test, ps->slabs, (unsigned long)num_node_state(N_MEMORY) * 4);
	KUNIT_EXPECT_EQ(test, ps->slabs, ps->heads);
	KUNIT_EXPECT_EQ(test, 0UL, ps->tails);

	ktest_free_n(s, objs, nr);
	ktest_destroy(test, s);
	for (i = 0; i < ps->nr; i++)
		left += pagemap_has(ps->pages[i]) +
			pagemap_tails(ps->pages[i], ps->order[i]);
	KUNIT_EXPECT_EQ_MSG(test, 0U, left, "of the %u slabs of a destroyed cache", ps->nr);
}

/*
 * A large kslab_kmalloc() allocation has its head page in the record, and
 * none of its other pages, until kslab_kfree() gives it back.
 */
static void pagemap_large(struct kunit *test)
{
	static const size_t sizes[] = { 8192 + 1, SZ_64K, SZ_1M };
	unsigned int k, order;
	struct page *page;
	void *p;

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		p = kslab_kmalloc(sizes[k], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		page = virt_to_head_page(p);
		order = compound_order(page);
		KUNIT_EXPECT_TRUE_MSG(test, pagemap_has(page), "%zu bytes", sizes[k]);
		KUNIT_EXPECT_EQ_MSG(test, 0U, pagemap_tails(page, order), "%zu bytes",
				    sizes[k]);
		kslab_kfree(p);
		KUNIT_EXPECT_FALSE_MSG(test, pagemap_has(page), "%zu bytes, freed", sizes[k]);
	}
}

/*
 * Pages kslab never took are not in the record: the page allocator's,
 * compound or not, and a SLUB slab's. Most are pages kslab had before
 * (the slabs of the tests before, just given back), whose bits are read
 * in a chunk the record made for them, not merely found without one.
 */
static void pagemap_foreign(struct kunit *test)
{
	enum { NR = 16 };
	unsigned int i, order, found, chunked = 0;
	struct page *pages[NR];
	void *k;

	k = kmalloc(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, k);
	found = pagemap_has(virt_to_head_page(k));
	kfree(k);
	for (i = 0; i < NR; i++) {
		order = i & 1;
		pages[i] = alloc_pages(GFP_KERNEL | (order ? __GFP_COMP : 0), order);
		if (!pages[i])
			continue;
		chunked += !!pagemap_chunk(page_to_pfn(pages[i]));
		found += pagemap_has(pages[i]) + pagemap_tails(pages[i], order);
	}
	for (i = 0; i < NR; i++)
		if (pages[i])
			__free_pages(pages[i], i & 1);
	KUNIT_EXPECT_EQ(test, 0U, found);
	KUNIT_EXPECT_GT_MSG(test, chunked, 0U, "no page of a chunk of the record: no bit was read");
}

static struct kunit_case pagemap_cases[] = {
	KUNIT_CASE(pagemap_slabs),
	KUNIT_CASE(pagemap_large),
	KUNIT_CASE(pagemap_foreign),
	{}
};

static struct kunit_suite pagemap_suite = {
	.name = "kslab_pagemap",
	.test_cases = pagemap_cases,
};

kunit_test_suite(pagemap_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_pagemap: the record of kslab's pages");
KSLAB_IMPORT_FOR_KUNIT();
