// SPDX-License-Identifier: GPL-2.0
/*
 * trace_kunit.c - KUnit suite kslab_trace, for module/trace.c: probes on
 * kslab:kslab_alloc and kslab:kslab_free see every allocation and free of
 * a cache (single, bulk, kmalloc), with the right object and cache name.
 */
#include <linux/tracepoint.h>

#include "kslab_test.h"
#include "trace.h"

struct trace_count {
	const char *cache;
	atomic_t allocs;
	atomic_t frees;
	const void *last;
};

static void probe_alloc(void *data, const char *cache, const void *obj,
			unsigned long caller, gfp_t gfp, int node)
{
	struct trace_count *tc = data;

	if (!strcmp(cache, tc->cache)) {
		atomic_inc(&tc->allocs);
		WRITE_ONCE(tc->last, obj);
	}
}

static void probe_free(void *data, const char *cache, const void *obj,
		       unsigned long caller)
{
	struct trace_count *tc = data;

	if (!strcmp(cache, tc->cache))
		atomic_inc(&tc->frees);
}

static void trace_events(struct kunit *test)
{
	struct trace_count *tc = kunit_kzalloc(test, sizeof(*tc), GFP_KERNEL);
	void **objs = ktest_ptrs(test, 8);
	struct kslab_cache *s;
	void *p;

	KUNIT_ASSERT_NOT_NULL(test, tc);
	tc->cache = "kunit_trace";
	s = ktest_create(test, "kunit_trace", 40, 0, 0, NULL);
	KUNIT_ASSERT_EQ(test, 0, register_trace_kslab_alloc(probe_alloc, tc));
	KUNIT_ASSERT_EQ(test, 0, register_trace_kslab_free(probe_free, tc));

	p = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, p, READ_ONCE(tc->last));
	kslab_cache_free(s, p);
	KUNIT_EXPECT_EQ(test, 8, kslab_cache_alloc_bulk(s, GFP_KERNEL, 8, objs));
	kslab_cache_free_bulk(s, 8, objs);

	unregister_trace_kslab_alloc(probe_alloc, tc);
	unregister_trace_kslab_free(probe_free, tc);
	tracepoint_synchronize_unregister();
	KUNIT_EXPECT_EQ(test, 9, atomic_read(&tc->allocs));
	KUNIT_EXPECT_EQ(test, 9, atomic_read(&tc->frees));

	/* off again: nothing more is seen */
	p = kslab_cache_alloc(s, GFP_KERNEL);
	kslab_cache_free(s, p);
	KUNIT_EXPECT_EQ(test, 9, atomic_read(&tc->allocs));
	ktest_destroy(test, s);
}

static void trace_kmalloc(struct kunit *test)
{
	struct trace_count *tc = kunit_kzalloc(test, sizeof(*tc), GFP_KERNEL);
	void *p;

	KUNIT_ASSERT_NOT_NULL(test, tc);
	tc->cache = "kmalloc-64";
	KUNIT_ASSERT_EQ(test, 0, register_trace_kslab_alloc(probe_alloc, tc));
	KUNIT_ASSERT_EQ(test, 0, register_trace_kslab_free(probe_free, tc));
	p = kslab_kmalloc(50, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, p, READ_ONCE(tc->last));
	kslab_kfree(p);
	unregister_trace_kslab_alloc(probe_alloc, tc);
	unregister_trace_kslab_free(probe_free, tc);
	tracepoint_synchronize_unregister();
	KUNIT_EXPECT_GE(test, atomic_read(&tc->allocs), 1);
	KUNIT_EXPECT_GE(test, atomic_read(&tc->frees), 1);
}

static struct kunit_case trace_cases[] = {
	KUNIT_CASE(trace_events),
	KUNIT_CASE(trace_kmalloc),
	{}
};

static struct kunit_suite trace_suite = {
	.name = "kslab_trace",
	.test_cases = trace_cases,
};

kunit_test_suite(trace_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_trace: kslab:kslab_alloc and kslab:kslab_free");
KSLAB_IMPORT_FOR_KUNIT();
