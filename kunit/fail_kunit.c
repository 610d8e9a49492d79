// SPDX-License-Identifier: GPL-2.0
/*
 * fail_kunit.c - KUnit suite kslab_fail, for module/fail.c: kslab's own
 * per-cache fault injection (kslab_cache_set_fail()) fails exactly what it
 * was told to; and under the kernel's page allocation fault injection
 * (fail_page_alloc: probability, interval; fail-nth) every kslab call
 * returns NULL or 0 cleanly, no count drifts, no page leaks, and all
 * works again when injection stops; slabs of the fallback order free
 * like any other.
 */
#include <linux/fault-inject.h>
#include <linux/sched.h>

#include "kslab_test.h"

/* Count failures among @nr single allocations; free the rest. */
static unsigned int fail_count(struct kslab_cache *s, unsigned int nr)
{
	unsigned int i, failed = 0;
	void *p;

	for (i = 0; i < nr; i++) {
		p = kslab_cache_alloc(s, GFP_KERNEL);
		if (!p)
			failed++;
		kslab_cache_free(s, p);
	}
	return failed;
}

static void fail_interval(struct kunit *test)
{
	struct kslab_cache *s = ktest_create(test, "kunit_fail_interval", 64, 0, 0, NULL);
	unsigned long before = stat_sum(s, KSLAB_ALLOC_FAILED);

	KUNIT_ASSERT_EQ(test, 0, kslab_cache_set_fail(s, 100, 3, -1));
	KUNIT_EXPECT_EQ(test, 10U, fail_count(s, 30));
	KUNIT_EXPECT_EQ(test, before + 10, stat_sum(s, KSLAB_ALLOC_FAILED));
	KUNIT_ASSERT_EQ(test, 0, kslab_cache_set_fail(s, 0, 0, 0));
	KUNIT_EXPECT_EQ(test, 0U, fail_count(s, 30));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	ktest_destroy(test, s);
}

static void fail_times(struct kunit *test)
{
	struct kslab_cache *s = ktest_create(test, "kunit_fail_times", 64, 0, 0, NULL);

	KUNIT_ASSERT_EQ(test, 0, kslab_cache_set_fail(s, 100, 1, 5));
	KUNIT_EXPECT_EQ(test, 5U, fail_count(s, 5));
	KUNIT_EXPECT_EQ(test, 0U, fail_count(s, 50));
	KUNIT_ASSERT_EQ(test, 0, kslab_cache_set_fail(s, 0, 0, 0));
	ktest_destroy(test, s);
}

static void fail_probability(struct kunit *test)
{
	struct kslab_cache *s = ktest_create(test, "kunit_fail_prob", 64, 0, 0, NULL);
	unsigned int failed;

	KUNIT_ASSERT_EQ(test, 0, kslab_cache_set_fail(s, 50, 1, -1));
	failed = fail_count(s, 1000);
	/* binomial(1000, 0.5): this range is +-9 standard deviations */
	KUNIT_EXPECT_GE(test, failed, 350U);
	KUNIT_EXPECT_LE(test, failed, 650U);
	KUNIT_ASSERT_EQ(test, 0, kslab_cache_set_fail(s, 0, 0, 0));
	ktest_destroy(test, s);
}

/* A failed bulk allocation allocates nothing. */
static void fail_bulk(struct kunit *test)
{
	struct kslab_cache *s = ktest_create(test, "kunit_fail_bulk", 64, 0, 0, NULL);
	void *objs[10];

	KUNIT_ASSERT_EQ(test, 0, kslab_cache_set_fail(s, 100, 1, 1));
	KUNIT_EXPECT_EQ(test, 0, kslab_cache_alloc_bulk(s, GFP_KERNEL, 10, objs));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 10, kslab_cache_alloc_bulk(s, GFP_KERNEL, 10, objs));
	kslab_cache_free_bulk(s, 10, objs);
	KUNIT_ASSERT_EQ(test, 0, kslab_cache_set_fail(s, 0, 0, 0));
	ktest_destroy(test, s);
}

/* Bad values are refused and change nothing; off means the fast path again. */
static void fail_bad_values(struct kunit *test)
{
	struct kslab_cache *s = ktest_create(test, "kunit_fail_bad", 64, 0, 0, NULL);
	unsigned long fast;

	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_cache_set_fail(s, 101, 1, -1));
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_cache_set_fail(s, 50, 0, -1));
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_cache_set_fail(s, 0, 1, 0));
	KUNIT_EXPECT_EQ(test, 0U, s->slowpath);
	KUNIT_EXPECT_EQ(test, 0U, fail_count(s, 20));
	fast = stat_sum(s, KSLAB_ALLOC_FASTPATH);
	KUNIT_ASSERT_EQ(test, 0, kslab_cache_set_fail(s, 100, 1, -1));
	KUNIT_ASSERT_EQ(test, 0, kslab_cache_set_fail(s, 0, 0, 0));
	KUNIT_EXPECT_EQ(test, 0U, s->slowpath);
	KUNIT_EXPECT_EQ(test, 0U, fail_count(s, 20));
	KUNIT_EXPECT_GT(test, stat_sum(s, KSLAB_ALLOC_FASTPATH), fast);
	ktest_destroy(test, s);
}

/*
 * Everything kslab can be asked while the page allocator fails every
 * request of this task: nothing is handed out half-built, nothing leaks.
 */
static void fail_page_alloc_all(struct kunit *test)
{
	long pages = held_pages();
	struct kslab_cache *s;
	void *objs[16], *p, *q, *r;
	int bulk;

	if (!ktest_fpa_armed())
		kunit_skip(test, "fail_page_alloc is not in debugfs");
	s = ktest_create(test, "kunit_fail_pages", 256, 0, 0, NULL);
	current->make_it_fail = 1;
	p = kslab_cache_alloc(s, GFP_KERNEL | __GFP_NOWARN);
	q = kslab_cache_alloc_node(s, GFP_KERNEL | __GFP_NOWARN, first_online_node);
	bulk = kslab_cache_alloc_bulk(s, GFP_KERNEL | __GFP_NOWARN, 16, objs);
	r = kslab_kmalloc(100000, GFP_KERNEL | __GFP_NOWARN);
	current->make_it_fail = 0;

	KUNIT_EXPECT_NULL(test, p);
	KUNIT_EXPECT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, 0, bulk);
	KUNIT_EXPECT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0UL, cache_pages(s));
	KUNIT_EXPECT_EQ(test, pages, held_pages());
	KUNIT_EXPECT_GT(test, stat_sum(s, KSLAB_ALLOC_FAILED), 0UL);

	ktest_destroy_works(test, s);
}

/*
 * A bulk allocation that took objects from this CPU's magazines and then
 * could not get a slab gives them all back, and counts their way back:
 * the pops were counted (alloc_fastpath), so no object stays "live".
 */
static void fail_bulk_after_pops(struct kunit *test)
{
	enum { WARM = 8, MAX = 600 };
	void **objs = ktest_ptrs(test, MAX);
	struct kslab_cache *s;
	unsigned long fast;
	unsigned int i;
	int bulk;

	if (!ktest_fpa_armed())
		kunit_skip(test, "fail_page_alloc is not in debugfs");
	s = ktest_create(test, "kunit_fail_bulk_pops", 256, 0, 0, NULL);
	migrate_disable();	/* the magazine warmed is the one bulk takes */
	for (i = 0; i < WARM; i++)
		objs[i] = kslab_cache_alloc(s, GFP_KERNEL);
	ktest_free_n(s, objs, WARM);
	fast = stat_sum(s, KSLAB_ALLOC_FASTPATH);
	current->make_it_fail = 1;
	bulk = kslab_cache_alloc_bulk(s, GFP_KERNEL | __GFP_NOWARN, MAX, objs);
	current->make_it_fail = 0;
	migrate_enable();

	KUNIT_EXPECT_EQ(test, 0, bulk);
	KUNIT_EXPECT_GE(test, stat_sum(s, KSLAB_ALLOC_FASTPATH), fast + WARM);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, WARM, kslab_cache_alloc_bulk(s, GFP_KERNEL, WARM, objs));
	kslab_cache_free_bulk(s, WARM, objs);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	ktest_destroy(test, s);
}

/*
 * A slab whose high-order page allocation failed falls back to the
 * cache's min_order: its objects free like any other (no report: the
 * fast path's slab_index_fast() may only call them bad, sending them to
 * the slow path, never give a wrong index), and a pointer inside one of
 * its objects is still refused.
 */
static void fail_order_fallback(struct kunit *test)
{
	enum { MAX = 3000, WANT = 4 };
	unsigned int nr = 0, fallback = 0, fast_bad = 0, i, idx, fast;
	struct kslab_cache *s;
	void **objs = ktest_ptrs(test, MAX);
	struct page *page;
	unsigned long e;
	u8 *inner = NULL;

	if (!ktest_fpa_armed())
		kunit_skip(test, "fail_page_alloc is not in debugfs");
	s = ktest_create(test, "kunit_fail_fallback", 700, 0, 0, NULL);
	KUNIT_ASSERT_GT(test, s->order, s->min_order);
	e = kslab_cache_errors(s);
	/* fail the first page allocation of each call: a new slab's high order */
	while (nr < MAX && stat_sum(s, KSLAB_ORDER_FALLBACK) < WANT) {
		current->fail_nth = 1;
		objs[nr] = kslab_cache_alloc(s, GFP_KERNEL | __GFP_NOWARN);
		current->fail_nth = 0;
		if (objs[nr])
			nr++;
	}
	KUNIT_ASSERT_GE(test, stat_sum(s, KSLAB_ORDER_FALLBACK), (unsigned long)WANT);

	for (i = 0; i < nr; i++) {
		page = virt_to_head_page(objs[i]);
		if (compound_order(page) == s->order)
			continue;
		fallback++;
		idx = slab_index(s, page_meta(page), page_address(page), objs[i]);
		fast = slab_index_fast(s, page_meta(page), objs[i]);
		KUNIT_ASSERT_NE(test, idx, KSLAB_BAD_INDEX);
		KUNIT_EXPECT_TRUE_MSG(test, fast == idx || fast == KSLAB_BAD_INDEX,
				      "index %u, fast %u", idx, fast);
		fast_bad += fast == KSLAB_BAD_INDEX;
		KUNIT_EXPECT_EQ(test, KSLAB_BAD_INDEX,
				slab_index_fast(s, page_meta(page), objs[i] + 8));
		inner = objs[i];
	}
	kunit_info(test, "%u objects on %lu fallback slabs, %u of them sent to the slow path\n",
		   fallback, stat_sum(s, KSLAB_ORDER_FALLBACK), fast_bad);
	KUNIT_ASSERT_NOT_NULL(test, inner);
	ktest_stamp(inner, 700, 5);
	kslab_cache_free(s, inner + 64);
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_check(inner, 700, 5));

	ktest_free_n(s, objs, nr);
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	ktest_destroy(test, s);
}

/*
 * fail-nth: the nth page allocation of this task fails, for n = 1, 2, ...
 * over a sequence of kslab calls until one runs clean: every failure point
 * is hit once, and each time the calls that succeed are undone exactly.
 * A failure shows as a NULL (or 0 from bulk) or, for a new slab's high
 * order, as an order fallback: which of the two a given n meets depends
 * on how many pages the kernel's own kmalloc (kslab's magazines) needed
 * first, which is not the same from one pass to the next, so the test
 * asks that the sweep met failures, not which kind.
 */
static void fail_nth_sweep(struct kunit *test)
{
	long pages = held_pages();
	unsigned int n, i, left, failures = 0;
	unsigned long fallbacks;
	struct kslab_cache *s;
	void *objs[40], *big;
	int bulk;

	if (!ktest_fpa_armed())
		kunit_skip(test, "fail_page_alloc is not in debugfs");
	s = ktest_create(test, "kunit_fail_nth", 1024, 0, 0, NULL);
	for (n = 1; n < 200; n++) {
		kslab_cache_shrink(s);
		current->fail_nth = n;
		for (i = 0; i < 20; i++)
			objs[i] = kslab_cache_alloc(s, GFP_KERNEL | __GFP_NOWARN);
		bulk = kslab_cache_alloc_bulk(s, GFP_KERNEL | __GFP_NOWARN, 20, objs + 20);
		big = kslab_kmalloc(3 * PAGE_SIZE, GFP_KERNEL | __GFP_NOWARN);
		left = current->fail_nth;
		current->fail_nth = 0;
		for (i = 0; i < 20; i++) {
			failures += !objs[i];
			kslab_cache_free(s, objs[i]);
		}
		failures += !bulk + !big;
		if (bulk)
			kslab_cache_free_bulk(s, 20, objs + 20);
		kslab_kfree(big);
		KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
		if (left)
			break;		/* fewer than n page allocations: done */
	}
	fallbacks = stat_sum(s, KSLAB_ORDER_FALLBACK);
	kunit_info(test, "%u page allocations failed in turn: %u calls returned NULL or 0, %lu slabs fell back to min_order\n",
		   n - 1, failures, fallbacks);
	KUNIT_EXPECT_GT(test, failures + fallbacks, 0UL);
	KUNIT_EXPECT_GT(test, n, 1U);
	KUNIT_EXPECT_LT(test, n, 200U);
	kslab_cache_shrink(s);
	KUNIT_EXPECT_EQ(test, pages, held_pages());
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

static struct kunit_case fail_cases[] = {
	KUNIT_CASE(fail_interval),
	KUNIT_CASE(fail_times),
	KUNIT_CASE(fail_probability),
	KUNIT_CASE(fail_bulk),
	KUNIT_CASE(fail_bad_values),
	KUNIT_CASE(fail_page_alloc_all),
	KUNIT_CASE(fail_bulk_after_pops),
	KUNIT_CASE(fail_order_fallback),
	KUNIT_CASE(fail_nth_sweep),
	{}
};

static struct kunit_suite fail_suite = {
	.name = "kslab_fail",
	.test_cases = fail_cases,
};

kunit_test_suite(fail_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_fail: fault injection, kslab's and the kernel's");
KSLAB_IMPORT_FOR_KUNIT();
