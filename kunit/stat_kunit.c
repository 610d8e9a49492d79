// SPDX-License-Identifier: GPL-2.0
/*
 * stat_kunit.c - KUnit suite kslab_stat, for module/stat.c: the counter
 * names, the accounting rule (allocs - frees == live objects) through
 * every kind of call and every CPU, and what the event counters count:
 * fast paths, node mismatches, remote frees, slabs made and freed, bulk
 * calls. Each test creates and destroys its own caches.
 */
#include <linux/ctype.h>
#include <linux/workqueue.h>

#include "kslab_test.h"

/* Every counter has a name: set, a valid sysfs file name, and unique. */
static void stat_names_valid(struct kunit *test)
{
	const char *name;
	unsigned int i, j;

	for (i = 0; i < KSLAB_NR_STATS; i++) {
		name = stat_names[i];
		KUNIT_EXPECT_NOT_NULL_MSG(test, name, "counter %u has no name", i);
		if (!name)
			continue;
		KUNIT_EXPECT_GT_MSG(test, strlen(name), 0UL, "counter %u", i);
		for (j = 0; name[j]; j++)
			KUNIT_EXPECT_TRUE_MSG(test, islower(name[j]) || name[j] == '_',
					      "counter %u: \"%s\"", i, name);
		for (j = 0; j < i; j++)
			if (stat_names[j])
				KUNIT_EXPECT_STRNEQ_MSG(test, name, stat_names[j],
							"counters %u and %u", j, i);
	}
}

/* Live objects by the accounting rule of enum kslab_stat. */
static long stat_live(struct kslab_cache *s)
{
	return (long)(stat_sum(s, KSLAB_ALLOC_FASTPATH) +
		      stat_sum(s, KSLAB_ALLOC_SLOWPATH) -
		      stat_sum(s, KSLAB_FREE_FASTPATH) -
		      stat_sum(s, KSLAB_FREE_SLOWPATH));
}

static void check_live(struct kunit *test, struct kslab_cache *s,
		       unsigned int live, const char *after)
{
	KUNIT_EXPECT_EQ_MSG(test, (long)live, stat_live(s), "after %s", after);
	KUNIT_EXPECT_EQ_MSG(test, (unsigned long)live, ktest_active(s), "after %s", after);
}

struct remote_free {
	struct kslab_cache *s;
	void **objs;
	unsigned int nr;
};

/* On another CPU: free half one by one, half in one bulk call. */
static long remote_free_fn(void *arg)
{
	struct remote_free *rf = arg;

	ktest_free_n(rf->s, rf->objs, rf->nr / 2);
	kslab_cache_free_bulk(rf->s, rf->nr - rf->nr / 2, rf->objs + rf->nr / 2);
	return 0;
}

/*
 * The accounting rule, alloc_fastpath + alloc_slowpath - free_fastpath -
 * free_slowpath == objects live, holds after every step of a mix of
 * single, zeroing, bulk and node-targeted calls and frees on every CPU;
 * cache_info()'s active_objs agrees.
 */
static void stat_accounting(struct kunit *test)
{
	enum { NR = 4000, PER_CPU = 60 };
	unsigned int live = 0, i, cpu;
	struct remote_free rf;
	struct kslab_cache *s;
	void **objs = ktest_ptrs(test, NR);
	int nid;

	s = ktest_create(test, "kunit_stat_accounting", 64, 0, 0, NULL);
	check_live(test, s, live, "creation");
	ktest_alloc_n(test, s, objs, 700);
	live = 700;
	check_live(test, s, live, "single allocations");
	live -= 300;
	ktest_free_n(s, objs + live, 300);
	check_live(test, s, live, "single frees");

	for (i = 0; i < 50; i++) {
		objs[live] = kslab_cache_zalloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[live]);
		live++;
	}
	check_live(test, s, live, "zeroing allocations");

	KUNIT_ASSERT_EQ(test, 500, kslab_cache_alloc_bulk(s, GFP_KERNEL, 500, objs + live));
	live += 500;
	KUNIT_ASSERT_EQ(test, 1, kslab_cache_alloc_bulk(s, GFP_KERNEL, 1, objs + live));
	live += 1;
	KUNIT_EXPECT_EQ(test, 0, kslab_cache_alloc_bulk(s, GFP_KERNEL, 0, objs + live));
	check_live(test, s, live, "bulk allocations");
	live -= 201;
	kslab_cache_free_bulk(s, 201, objs + live);
	check_live(test, s, live, "a bulk free");

	for_each_node_state(nid, N_MEMORY) {
		for (i = 0; i < 200; i++) {
			objs[live] = kslab_cache_alloc_node(s, GFP_KERNEL, nid);
			KUNIT_ASSERT_NOT_NULL(test, objs[live]);
			live++;
		}
	}
	check_live(test, s, live, "node-targeted allocations");

	/* frees on every CPU, of objects of both nodes */
	for_each_online_cpu(cpu) {
		if (live < PER_CPU)
			break;
		live -= PER_CPU;
		rf = (struct remote_free){ s, objs + live, PER_CPU };
		KUNIT_EXPECT_EQ(test, 0L, work_on_cpu(cpu, remote_free_fn, &rf));
	}
	check_live(test, s, live, "frees on every CPU");

	kslab_cache_free_bulk(s, live / 2, objs);
	ktest_free_n(s, objs + live / 2, live - live / 2);
	live = 0;
	check_live(test, s, live, "freeing everything");
	kslab_cache_shrink(s);
	check_live(test, s, live, "a shrink");
	KUNIT_EXPECT_EQ(test, 0UL, ktest_slabs(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

struct stat_snap {
	unsigned long v[KSLAB_NR_STATS];
};

static void stat_snap(struct kslab_cache *s, struct stat_snap *snap)
{
	unsigned int i;

	for (i = 0; i < KSLAB_NR_STATS; i++)
		snap->v[i] = stat_sum(s, i);
}

/*
 * A warm loop of alloc/free pairs on one CPU runs entirely on the fast
 * paths: each pair adds exactly one alloc_fastpath and one free_fastpath
 * and nothing to the slow paths. A shrink then flushes exactly that one
 * CPU (cpuslab_flush), and a second shrink finds no CPU to flush.
 */
static void stat_fastpath(struct kunit *test)
{
	enum { PAIRS = 5000 };
	struct stat_snap *before, *after;
	struct kslab_cache *s;
	unsigned int i;
	void *p;

	before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, after);
	s = ktest_create(test, "kunit_stat_fastpath", 64, 0, 0, NULL);

	migrate_disable();
	p = kslab_cache_alloc(s, GFP_KERNEL);
	kslab_cache_free(s, p);
	stat_snap(s, before);
	for (i = 0; i < PAIRS; i++) {
		p = kslab_cache_alloc(s, GFP_KERNEL);
		kslab_cache_free(s, p);
	}
	stat_snap(s, after);
	migrate_enable();

	KUNIT_EXPECT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, (unsigned long)PAIRS,
			after->v[KSLAB_ALLOC_FASTPATH] - before->v[KSLAB_ALLOC_FASTPATH]);
	KUNIT_EXPECT_EQ(test, (unsigned long)PAIRS,
			after->v[KSLAB_FREE_FASTPATH] - before->v[KSLAB_FREE_FASTPATH]);
	KUNIT_EXPECT_EQ(test, 0UL,
			after->v[KSLAB_ALLOC_SLOWPATH] - before->v[KSLAB_ALLOC_SLOWPATH]);
	KUNIT_EXPECT_EQ(test, 0UL,
			after->v[KSLAB_FREE_SLOWPATH] - before->v[KSLAB_FREE_SLOWPATH]);
	KUNIT_EXPECT_EQ(test, 0L, stat_live(s));

	kslab_cache_shrink(s);
	KUNIT_EXPECT_EQ(test, after->v[KSLAB_CPUSLAB_FLUSH] + 1,
			stat_sum(s, KSLAB_CPUSLAB_FLUSH));
	kslab_cache_shrink(s);
	KUNIT_EXPECT_EQ(test, after->v[KSLAB_CPUSLAB_FLUSH] + 1,
			stat_sum(s, KSLAB_CPUSLAB_FLUSH));
	ktest_destroy(test, s);
}

/*
 * On one CPU, allocations for another node count in alloc_node_mismatch
 * (one each) and frees of other nodes' objects in free_remote (one
 * each); this CPU's node and NUMA_NO_NODE count in neither.
 */
static void stat_node_events(struct kunit *test)
{
	enum { PER_NODE = 300 };
	unsigned long mismatch, remote, want_mismatch = 0, want_remote = 0;
	unsigned int nr = 0, i;
	struct kslab_cache *s;
	void **objs;
	int nid, mem;

	objs = ktest_ptrs(test, PER_NODE * (num_node_state(N_MEMORY) + 1));
	s = ktest_create(test, "kunit_stat_nodes", 128, 0, 0, NULL);

	migrate_disable();
	/*
	 * A CPU of a memoryless node allocates from the nearest node with
	 * memory (@mem), and frees objects of @mem as its own.
	 */
	mem = node_mem_nearest(numa_mem_id());
	mismatch = stat_sum(s, KSLAB_ALLOC_NODE_MISMATCH);
	remote = stat_sum(s, KSLAB_FREE_REMOTE);
	for_each_node_state(nid, N_MEMORY)
		for (i = 0; i < PER_NODE; i++) {
			objs[nr] = kslab_cache_alloc_node(s, GFP_KERNEL, nid);
			want_mismatch += nid != mem;
			if (objs[nr])
				nr++;
		}
	for (i = 0; i < PER_NODE; i++) {
		objs[nr] = kslab_cache_alloc_node(s, GFP_KERNEL, NUMA_NO_NODE);
		if (objs[nr])
			nr++;
	}
	mismatch = stat_sum(s, KSLAB_ALLOC_NODE_MISMATCH) - mismatch;
	for (i = 0; i < nr; i++) {
		want_remote += page_to_nid(virt_to_page(objs[i])) != mem;
		kslab_cache_free(s, objs[i]);
	}
	remote = stat_sum(s, KSLAB_FREE_REMOTE) - remote;
	migrate_enable();

	KUNIT_EXPECT_EQ(test, PER_NODE * (num_node_state(N_MEMORY) + 1), nr);
	KUNIT_EXPECT_EQ(test, want_mismatch, mismatch);
	KUNIT_EXPECT_EQ(test, want_remote, remote);
	if (num_node_state(N_MEMORY) > 1)
		KUNIT_EXPECT_GT(test, remote, 0UL);
	KUNIT_EXPECT_EQ(test, 0L, stat_live(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/*
 * alloc_slab - free_slab is the slabs the cache holds, by its node counts
 * and by its pages (and by kslab's global page count, which moves by
 * exactly this cache's pages).
 */
static void check_slabs(struct kunit *test, struct kslab_cache *s,
			long pages_before, const char *after)
{
	unsigned long made = stat_sum(s, KSLAB_ALLOC_SLAB);
	unsigned long freed = stat_sum(s, KSLAB_FREE_SLAB);
	unsigned long pages = cache_pages(s);

	KUNIT_EXPECT_EQ_MSG(test, made - freed, ktest_slabs(s), "after %s", after);
	KUNIT_EXPECT_EQ_MSG(test, (made - freed) << s->order, pages, "after %s", after);
	KUNIT_EXPECT_EQ_MSG(test, (long)pages, held_pages() - pages_before,
			    "after %s", after);
}

static void stat_slabs(struct kunit *test)
{
	enum { NR = 5000 };
	long pages_before = held_pages();
	struct kslab_cache *s;
	void **objs = ktest_ptrs(test, NR);
	unsigned int i;

	s = ktest_create(test, "kunit_stat_slabs", 256, 0, 0, NULL);
	check_slabs(test, s, pages_before, "creation");
	ktest_alloc_n(test, s, objs, NR);
	KUNIT_EXPECT_GE(test, stat_sum(s, KSLAB_ALLOC_SLAB),
			(unsigned long)DIV_ROUND_UP(NR, s->objects));
	check_slabs(test, s, pages_before, "allocations");
	for (i = 0; i < NR; i += 2)
		kslab_cache_free(s, objs[i]);
	check_slabs(test, s, pages_before, "freeing every other object");
	for (i = 1; i < NR; i += 2)
		kslab_cache_free(s, objs[i]);
	ktest_trim_twice(s);	/* the depots give back what they held */
	KUNIT_EXPECT_GT(test, stat_sum(s, KSLAB_FREE_SLAB), 0UL);
	check_slabs(test, s, pages_before, "freeing everything");
	KUNIT_EXPECT_EQ(test, 0, kslab_cache_shrink(s));
	check_slabs(test, s, pages_before, "a shrink");
	KUNIT_EXPECT_EQ(test, stat_sum(s, KSLAB_ALLOC_SLAB),
			stat_sum(s, KSLAB_FREE_SLAB));
	KUNIT_EXPECT_EQ(test, 0UL, stat_sum(s, KSLAB_ORDER_FALLBACK));
	ktest_destroy(test, s);
	KUNIT_EXPECT_EQ(test, pages_before, held_pages());
}

/* alloc_bulk and free_bulk count calls, whatever their sizes. */
static void stat_bulk_calls(struct kunit *test)
{
	static const unsigned int sizes[] = { 1, 5, 64, 200, 1000 };
	unsigned long allocs, frees, n = ARRAY_SIZE(sizes);
	struct kslab_cache *s;
	void **objs = ktest_ptrs(test, 1000);
	unsigned int k;

	s = ktest_create(test, "kunit_stat_bulk", 96, 0, 0, NULL);
	allocs = stat_sum(s, KSLAB_ALLOC_BULK);
	frees = stat_sum(s, KSLAB_FREE_BULK);
	for (k = 0; k < n; k++) {
		KUNIT_ASSERT_EQ(test, (int)sizes[k],
				kslab_cache_alloc_bulk(s, GFP_KERNEL, sizes[k], objs));
		kslab_cache_free_bulk(s, sizes[k], objs);
	}
	KUNIT_EXPECT_EQ(test, n, stat_sum(s, KSLAB_ALLOC_BULK) - allocs);
	KUNIT_EXPECT_EQ(test, n, stat_sum(s, KSLAB_FREE_BULK) - frees);
	KUNIT_EXPECT_EQ(test, 0L, stat_live(s));
	ktest_destroy(test, s);
}

static struct kunit_case stat_cases[] = {
	KUNIT_CASE(stat_names_valid),
	KUNIT_CASE(stat_accounting),
	KUNIT_CASE(stat_fastpath),
	KUNIT_CASE(stat_node_events),
	KUNIT_CASE(stat_slabs),
	KUNIT_CASE(stat_bulk_calls),
	{}
};

static struct kunit_suite stat_suite = {
	.name = "kslab_stat",
	.test_cases = stat_cases,
};

kunit_test_suite(stat_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_stat: kslab's statistics");
KSLAB_IMPORT_FOR_KUNIT();
