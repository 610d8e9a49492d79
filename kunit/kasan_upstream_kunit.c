// SPDX-License-Identifier: GPL-2.0
/*
 * kasan_upstream_kunit.c - KUnit suite kslab_kasan_upstream: the slab and
 * kmalloc cases of Linux 6.12's mm/kasan/kasan_test_c.c (suite "kasan", as
 * in Debian's linux-source-6.12 6.12.118-1~deb12u1), ported to kslab.h by
 * renaming: kmalloc/kfree/ksize -> kslab_kmalloc/kslab_kfree/kslab_ksize,
 * kmem_cache_* -> kslab_cache_*, KMALLOC_MAX_CACHE_SIZE ->
 * KSLAB_KMALLOC_MAX (8192: kslab's largest class, the kernel's on x86-64).
 * The cases keep upstream's names, sizes and steps, and
 * KUNIT_EXPECT_KASAN_FAIL where upstream has it.
 *
 * KUNIT_EXPECT_KASAN_FAIL as upstream's: the suite tells KASAN a KASAN
 * test runs (kasan_kunit_test_suite_start(): a report does not fail the
 * test), turns multi-shot reports on, and watches the console for "BUG:
 * KASAN: ", between two console lines of its own ("kslab-kasan: report
 * expected", "kslab-kasan: end of expected report") that tell
 * scripts/scan.sh the report is no splat. One change: a bug kslab itself
 * catches and reports at the call (a double free, an invalid free: kslab
 * refuses it and counts it in kslab_cache_errors(), where SLUB has KASAN
 * print the report) counts as the expected report too, so each bug is
 * reported once, by one of them.
 *
 * One case is kslab's own, last: kslab_debug_cache_reports_once, a cache
 * with kslab's debug red zones reports a bug KASAN reported once.
 *
 * Built only for a kernel with the KASAN KUnit hooks, and skips without
 * generic KASAN; this file alone of kslab's suites is built with KASAN
 * instrumentation (kunit/Kbuild): the others write into freed objects
 * and red zones on purpose, to test kslab's own checks.
 *
 * What does not map, and why:
 * - kmalloc_uaf2: kslab has no KASAN quarantine; its magazines are LIFO,
 *   so the second kslab_kmalloc() hands back the object just freed, live
 *   again, where upstream asserts a different pointer and a report.
 * - kmem_cache_rcu_uaf: needs CONFIG_SLUB_RCU_DEBUG's delayed poisoning;
 *   kslab's TYPESAFE_BY_RCU objects stay readable until their slab goes.
 * - krealloc_*, kmalloc_double_kzfree, kfree_via_page/phys, the mempool_*
 *   and kmem_cache_accounted cases: kslab.h has no krealloc(),
 *   kfree_sensitive(), mempool backend or SLAB_ACCOUNT.
 * - kmalloc_uaf3, kmalloc_node_oob_right's tag variants: tag-based modes
 *   only (kslab supports generic KASAN only); kmalloc_large_invalid_free,
 *   kmalloc_big/large pagealloc cases beyond those below: page allocator
 *   cases, not kslab's.
 * - rcu_uaf, workqueue_uaf: the kernel's call_rcu and workqueues on
 *   kmalloc memory, ported as kslab_kmalloc() memory (kept below: rcu_uaf).
 */
#include <kunit/test.h>
#include <linux/kasan.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "kslab.h"
#include "kslab_test.h"

#define KSLAB_KMALLOC_MAX	8192	/* KMALLOC_MAX_CACHE_SIZE on x86-64 */
#define KASAN_GRANULE_SIZE	8
#define OOB_TAG_OFF		0

static struct kslab_cache *errors_cache;	/* kslab's count to watch */

static struct {
	bool report_found;
	/*
	 * kslab's own report of a bug in cache "kasan_debug_rz": each ends
	 * with a "fixed:" line. (What kslab adds to KASAN's report of the
	 * cache's objects, module/kasan.c, is not one: it has no such line.)
	 */
	bool kslab_report_found;
} test_status;

#if IS_ENABLED(CONFIG_KASAN_GENERIC) && IS_ENABLED(CONFIG_KASAN_KUNIT_TEST)
#define KSLAB_KASAN_TESTS	1
static bool multishot;

static void probe_console(void *ignore, const char *buf, size_t len)
{
	if (strnstr(buf, "BUG: KASAN: ", len))
		WRITE_ONCE(test_status.report_found, true);
	if (strnstr(buf, "kslab: kasan_debug_rz: fixed: ", len))
		WRITE_ONCE(test_status.kslab_report_found, true);
}

static int kasan_suite_init(struct kunit_suite *suite)
{
	return ktest_kasan_suite_start(&multishot, probe_console);
}

static void kasan_suite_exit(struct kunit_suite *suite)
{
	ktest_kasan_suite_end(multishot, probe_console);
}
#else
#define KSLAB_KASAN_TESTS	0
static int kasan_suite_init(struct kunit_suite *suite) { return 0; }
static void kasan_suite_exit(struct kunit_suite *suite) { }
#endif

static int kasan_test_init(struct kunit *test)
{
	if (!KSLAB_KASAN_TESTS)
		kunit_skip(test, "needs CONFIG_KASAN_GENERIC and CONFIG_KASAN_KUNIT_TEST");
	errors_cache = NULL;
	WRITE_ONCE(test_status.kslab_report_found, false);
	return 0;
}

static void kasan_test_exit(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, READ_ONCE(test_status.report_found));
}

#define KUNIT_EXPECT_KASAN_FAIL(test, expression) do {			\
	struct kunit *__test = (test);					\
	unsigned long __errors = kslab_cache_errors(errors_cache);	\
	KUNIT_EXPECT_FALSE(__test, READ_ONCE(test_status.report_found));	\
	pr_info("kslab-kasan: report expected\n");			\
	barrier();							\
	expression;							\
	barrier();							\
	pr_info("kslab-kasan: end of expected report\n");		\
	if (!READ_ONCE(test_status.report_found) &&			\
	    kslab_cache_errors(errors_cache) == __errors)		\
		KUNIT_FAIL(__test, KUNIT_SUBTEST_INDENT "KASAN failure "	\
			   "expected in \"" #expression			\
			   "\", but none occurred");			\
	WRITE_ONCE(test_status.report_found, false);			\
} while (0)

static void kmalloc_oob_right(struct kunit *test)
{
	char *ptr;
	size_t size = 128 - KASAN_GRANULE_SIZE - 5;

	ptr = kslab_kmalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ptr);

	OPTIMIZER_HIDE_VAR(ptr);
	KUNIT_EXPECT_KASAN_FAIL(test, ptr[size] = 'x');
	KUNIT_EXPECT_KASAN_FAIL(test, ptr[size + 5] = 'y');
	KUNIT_EXPECT_KASAN_FAIL(test, ptr[0] =
					ptr[size + KASAN_GRANULE_SIZE + 5]);
	kslab_kfree(ptr);
}

static void kmalloc_oob_left(struct kunit *test)
{
	char *ptr;
	size_t size = 15;

	ptr = kslab_kmalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ptr);

	OPTIMIZER_HIDE_VAR(ptr);
	KUNIT_EXPECT_KASAN_FAIL(test, *ptr = *(ptr - 1));
	kslab_kfree(ptr);
}

static void kmalloc_node_oob_right(struct kunit *test)
{
	char *ptr;
	size_t size = 4096;

	ptr = kslab_kmalloc(size, GFP_KERNEL);	/* no kslab_kmalloc_node() */
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ptr);

	OPTIMIZER_HIDE_VAR(ptr);
	KUNIT_EXPECT_KASAN_FAIL(test, ptr[0] = ptr[size]);
	kslab_kfree(ptr);
}

static void kmalloc_big_oob_right(struct kunit *test)
{
	char *ptr;
	size_t size = KSLAB_KMALLOC_MAX - 256;

	ptr = kslab_kmalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ptr);

	OPTIMIZER_HIDE_VAR(ptr);
	KUNIT_EXPECT_KASAN_FAIL(test, ptr[size] = 0);
	kslab_kfree(ptr);
}

static void kmalloc_large_oob_right(struct kunit *test)
{
	char *ptr;
	size_t size = KSLAB_KMALLOC_MAX + 10;

	ptr = kslab_kmalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ptr);

	OPTIMIZER_HIDE_VAR(ptr);
	KUNIT_EXPECT_KASAN_FAIL(test, ptr[size + OOB_TAG_OFF] = 0);
	kslab_kfree(ptr);
}

static void kmalloc_large_uaf(struct kunit *test)
{
	char *ptr;
	size_t size = KSLAB_KMALLOC_MAX + 10;

	ptr = kslab_kmalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ptr);
	kslab_kfree(ptr);

	KUNIT_EXPECT_KASAN_FAIL(test, READ_ONCE(ptr[0]));
}

static void kmalloc_oob_16(struct kunit *test)
{
	struct {
		u64 words[2];
	} *ptr1, *ptr2;

	/* RELOC_HIDE to prevent gcc from warning about short alloc */
	ptr1 = RELOC_HIDE(kslab_kmalloc(sizeof(*ptr1) - 3, GFP_KERNEL), 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ptr1);

	ptr2 = kslab_kmalloc(sizeof(*ptr2), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ptr2);

	OPTIMIZER_HIDE_VAR(ptr1);
	OPTIMIZER_HIDE_VAR(ptr2);
	KUNIT_EXPECT_KASAN_FAIL(test, *ptr1 = *ptr2);
	kslab_kfree(ptr1);
	kslab_kfree(ptr2);
}

static void kmalloc_uaf_16(struct kunit *test)
{
	struct {
		u64 words[2];
	} *ptr1, *ptr2;

	ptr1 = kslab_kmalloc(sizeof(*ptr1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ptr1);

	ptr2 = kslab_kmalloc(sizeof(*ptr2), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ptr2);
	kslab_kfree(ptr2);

	KUNIT_EXPECT_KASAN_FAIL(test, *ptr1 = *ptr2);
	kslab_kfree(ptr1);
}

static void kmalloc_uaf(struct kunit *test)
{
	char *ptr;
	size_t size = 10;

	ptr = kslab_kmalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ptr);

	kslab_kfree(ptr);
	KUNIT_EXPECT_KASAN_FAIL(test, READ_ONCE(ptr[8]));
}

static void ksize_unpoisons_memory(struct kunit *test)
{
	char *ptr;
	size_t size = 128 - KASAN_GRANULE_SIZE - 5;
	size_t real_size;

	ptr = kslab_kmalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ptr);

	real_size = kslab_ksize(ptr);
	KUNIT_EXPECT_GT(test, real_size, size);

	OPTIMIZER_HIDE_VAR(ptr);

	/* These accesses shouldn't trigger a KASAN report. */
	ptr[0] = 'x';
	ptr[size - 1] = 'x';

	/*
	 * Upstream 6.12 expects reports past @size here too: its ksize()
	 * test's comment says ksize() does not unpoison the whole object,
	 * yet 6.12's ksize() does (kasan_unpoison_range(objp, size)), and
	 * so does kslab_ksize(), as the issue asks: the usable size is the
	 * caller's. Asserted as that: no report up to real_size.
	 */
	READ_ONCE(ptr[size]);
	READ_ONCE(ptr[real_size - 1]);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(test_status.report_found));

	kslab_kfree(ptr);
}

static void ksize_uaf(struct kunit *test)
{
	char *ptr;
	int size = 128 - KASAN_GRANULE_SIZE;

	ptr = kslab_kmalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ptr);
	kslab_kfree(ptr);

	OPTIMIZER_HIDE_VAR(ptr);
	KUNIT_EXPECT_KASAN_FAIL(test, kslab_ksize(ptr));
	KUNIT_EXPECT_KASAN_FAIL(test, READ_ONCE(ptr[0]));
	KUNIT_EXPECT_KASAN_FAIL(test, READ_ONCE(ptr[size]));
}

static struct kasan_rcu_info {
	int i;
	struct rcu_head rcu;
} *global_rcu_ptr;

static void rcu_uaf_reclaim(struct rcu_head *rp)
{
	struct kasan_rcu_info *fp =
		container_of(rp, struct kasan_rcu_info, rcu);

	kslab_kfree(fp);
	READ_ONCE(fp->i);
}

static void rcu_uaf_run(void)
{
	call_rcu(&global_rcu_ptr->rcu, rcu_uaf_reclaim);
	rcu_barrier();
}

static void rcu_uaf(struct kunit *test)
{
	struct kasan_rcu_info *ptr;

	ptr = kslab_kmalloc(sizeof(struct kasan_rcu_info), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ptr);

	global_rcu_ptr = rcu_dereference_protected((struct kasan_rcu_info __rcu *)ptr,
						   NULL);

	KUNIT_EXPECT_KASAN_FAIL(test, rcu_uaf_run());
}

static void kmem_cache_oob(struct kunit *test)
{
	char *p;
	size_t size = 200;
	struct kslab_cache *cache;

	cache = kslab_cache_create("test_cache", size, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);

	p = kslab_cache_alloc(cache, GFP_KERNEL);
	if (!p) {
		kunit_err(test, "Allocation failed: %s\n", __func__);
		kslab_cache_destroy(cache);
		return;
	}

	KUNIT_EXPECT_KASAN_FAIL(test, *p = p[size + OOB_TAG_OFF]);

	kslab_cache_free(cache, p);
	kslab_cache_destroy(cache);
}

static void kmem_cache_double_free(struct kunit *test)
{
	char *p;
	size_t size = 200;
	struct kslab_cache *cache;

	cache = kslab_cache_create("test_cache", size, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);
	errors_cache = cache;

	p = kslab_cache_alloc(cache, GFP_KERNEL);
	if (!p) {
		kunit_err(test, "Allocation failed: %s\n", __func__);
		kslab_cache_destroy(cache);
		return;
	}

	kslab_cache_free(cache, p);
	KUNIT_EXPECT_KASAN_FAIL(test, kslab_cache_free(cache, p));
	kslab_cache_destroy(cache);
}

static void kmem_cache_invalid_free(struct kunit *test)
{
	char *p;
	size_t size = 200;
	struct kslab_cache *cache;

	cache = kslab_cache_create("test_cache", size, 0, SLAB_TYPESAFE_BY_RCU,
				   NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);
	errors_cache = cache;

	p = kslab_cache_alloc(cache, GFP_KERNEL);
	if (!p) {
		kunit_err(test, "Allocation failed: %s\n", __func__);
		kslab_cache_destroy(cache);
		return;
	}

	/* Trigger invalid free, the object doesn't get freed. */
	KUNIT_EXPECT_KASAN_FAIL(test, kslab_cache_free(cache, p + 1));

	kslab_cache_free(cache, p);
	kslab_cache_destroy(cache);
}

static void empty_cache_ctor(void *object) { }

static void kmem_cache_double_destroy(struct kunit *test)
{
	struct kslab_cache *cache;

	cache = kslab_cache_create("test_cache", 200, 0, 0, empty_cache_ctor);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);
	kslab_cache_destroy(cache);
	KUNIT_EXPECT_KASAN_FAIL(test, kslab_cache_destroy(cache));
}

static void kmem_cache_bulk(struct kunit *test)
{
	struct kslab_cache *cache;
	size_t size = 200;
	char *p[10];
	bool ret;
	int i;

	cache = kslab_cache_create("test_cache", size, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);

	ret = kslab_cache_alloc_bulk(cache, GFP_KERNEL, ARRAY_SIZE(p), (void **)&p);
	if (!ret) {
		kunit_err(test, "Allocation failed: %s\n", __func__);
		kslab_cache_destroy(cache);
		return;
	}

	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i][0] = 42;
		p[i][size - 1] = 42;
	}

	kslab_cache_free_bulk(cache, ARRAY_SIZE(p), (void **)&p);
	kslab_cache_destroy(cache);
}

/*
 * kslab's own case, not upstream's: a bug in an object of a cache with
 * kslab's debug red zones is reported once. KASAN reports the write into
 * the red zone at the access; kslab's check at the free finds the red
 * zone overwritten, counts and repairs it, and prints nothing. A write
 * KASAN did not see (kasan_disable_current(), as uninstrumented code) is
 * counted too.
 */
static void kslab_debug_cache_reports_once(struct kunit *test)
{
	struct kslab_cache *cache;
	size_t size = 24;
	char *p;

	cache = kslab_cache_create("kasan_debug_rz", size, 0, SLAB_RED_ZONE, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);
	p = kslab_cache_alloc(cache, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);

	OPTIMIZER_HIDE_VAR(p);
	KUNIT_EXPECT_KASAN_FAIL(test, p[size] = 'x');
	kslab_cache_free(cache, p);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(test_status.kslab_report_found));
	KUNIT_EXPECT_EQ(test, 1UL, kslab_cache_errors(cache));

	p = kslab_cache_alloc(cache, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kasan_disable_current();
	p[size] = 'y';
	kasan_enable_current();
	kslab_cache_free(cache, p);
	KUNIT_EXPECT_EQ(test, 2UL, kslab_cache_errors(cache));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(cache));
	kslab_cache_destroy(cache);
}

static struct kunit_case kasan_upstream_cases[] = {
	KUNIT_CASE(kmalloc_oob_right),
	KUNIT_CASE(kmalloc_oob_left),
	KUNIT_CASE(kmalloc_node_oob_right),
	KUNIT_CASE(kmalloc_big_oob_right),
	KUNIT_CASE(kmalloc_large_oob_right),
	KUNIT_CASE(kmalloc_large_uaf),
	KUNIT_CASE(kmalloc_oob_16),
	KUNIT_CASE(kmalloc_uaf_16),
	KUNIT_CASE(kmalloc_uaf),
	KUNIT_CASE(ksize_unpoisons_memory),
	KUNIT_CASE(ksize_uaf),
	KUNIT_CASE(rcu_uaf),
	KUNIT_CASE(kmem_cache_oob),
	KUNIT_CASE(kmem_cache_double_free),
	KUNIT_CASE(kmem_cache_invalid_free),
	KUNIT_CASE(kmem_cache_double_destroy),
	KUNIT_CASE(kmem_cache_bulk),
	KUNIT_CASE(kslab_debug_cache_reports_once),
	{}
};

static struct kunit_suite kasan_upstream_suite = {
	.name = "kslab_kasan_upstream",
	.test_cases = kasan_upstream_cases,
	.init = kasan_test_init,
	.exit = kasan_test_exit,
	.suite_init = kasan_suite_init,
	.suite_exit = kasan_suite_exit,
};

kunit_test_suite(kasan_upstream_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_kasan_upstream: Linux 6.12's mm/kasan/kasan_test_c.c slab and kmalloc cases on kslab");
