// SPDX-License-Identifier: GPL-2.0
/*
 * slub_upstream_kunit.c - KUnit suite kslab_slub_upstream: Linux 6.12's
 * lib/slub_kunit.c (KUnit suite "slub_test", as in Debian's
 * linux-source-6.12 6.12.118-1~deb12u1), ported to kslab.h by renaming:
 * kmem_cache_create/alloc/free/destroy -> kslab_cache_*, kfree_rcu() ->
 * kslab_kfree_rcu(), validate_slab_cache() -> kslab_cache_validate().
 * The cases keep upstream's names, cache names, sizes, flags and steps,
 * and assert at the same points what upstream asserts.
 *
 * Error counts. Upstream counts through the KUnit resource "slab_errors"
 * every line SLUB would print about a problem: each slab_err() and
 * object_err(), each slab_fix() ("Restoring ...", "... adjusted") and each
 * leaked object listed at destroy. kslab counts (kslab_cache_errors(), per
 * cache, fresh at zero for a new cache) one error per report, and a report
 * states the problem and what was done about it together (report.h). So
 * every upstream value is kept, in a comment at its assertion, with the
 * lines it counts, and asserted in kslab's unit: upstream's 2 for "bytes
 * overwritten" + "Restoring" is kslab's 1.
 *
 * What does not map:
 * - SLAB_NO_USER_FLAGS (upstream's shield from slub_debug=) is no kslab
 *   flag: these counts assume kslab.debug= names none of these caches
 *   (make check loads kslab without it). SLAB_SKIP_KFENCE is dropped:
 *   kslab never takes objects from KFENCE's pool.
 * - test_kfree_rcu's built-in skip is dropped: this suite is a module.
 *   Its "0 errors" after destroy is asserted as "destroy kept no page",
 *   since kslab frees a cache destroyed clean at once (its counter goes
 *   with it) and keeps the slabs of one destroyed with live objects.
 * - upstream compiles out test_next_pointer, test_first_word and
 *   test_clobber_50th_byte under CONFIG_KASAN, whose hooks would catch the
 *   write after free first; this file is built without KASAN
 *   instrumentation (kunit/Kbuild), so they run in every kernel.
 */
#include <linux/kasan.h>

#include "kslab_test.h"

/*
 * upstream's test_kmem_cache_create(): no align, no ctor; the cache is
 * destroyed at the end of the test if the test does not destroy it.
 */
static struct kslab_cache *test_kslab_cache_create(struct kunit *test,
						   const char *name,
						   unsigned int size,
						   slab_flags_t flags)
{
	return ktest_create(test, name, size, 0, flags, NULL);
}

static void test_clobber_zone(struct kunit *test)
{
	struct kslab_cache *s = test_kslab_cache_create(test, "TestSlub_RZ_alloc",
							64, SLAB_RED_ZONE);
	u8 *p = kslab_cache_alloc(s, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	kasan_disable_current();
	p[64] = 0x12;

	kslab_cache_validate(s);
	/* upstream 2: "Right Redzone overwritten", "Restoring" */
	KUNIT_EXPECT_EQ(test, 1UL, kslab_cache_errors(s));

	kasan_enable_current();
	kslab_cache_free(s, p);
	ktest_destroy(test, s);
}

static void test_next_pointer(struct kunit *test)
{
	struct kslab_cache *s = test_kslab_cache_create(test, "TestSlub_next_ptr_free",
							64, SLAB_POISON);
	u8 *p = kslab_cache_alloc(s, GFP_KERNEL);
	unsigned long tmp, base;
	unsigned long *ptr_addr;

	KUNIT_ASSERT_NOT_NULL(test, p);
	kslab_cache_free(s, p);

	ptr_addr = (unsigned long *)(p + s->offset);
	tmp = *ptr_addr;
	p[s->offset] = ~p[s->offset];

	/*
	 * Upstream expects three errors: one for the corrupted freechain and
	 * two for the wrong count of objects in use and its fix. kslab makes
	 * one report of it: the free list is cut after @p, whose free pointer
	 * is the bad one, and the objects beyond are quarantined.
	 */
	kslab_cache_validate(s);
	KUNIT_EXPECT_EQ(test, 1UL, kslab_cache_errors(s));	/* upstream 3 */

	/*
	 * Try to repair corrupted freepointer. The cut rewrote @p's free
	 * pointer, so putting the old value back links the rest of the list
	 * again: upstream still expects two errors, the wrong count of
	 * objects in use and the fix; kslab one report, the counts
	 * disagreeing with the free list (set from it).
	 */
	*ptr_addr = tmp;
	base = kslab_cache_errors(s);	/* upstream: slab_errors = 0 */

	kslab_cache_validate(s);
	KUNIT_EXPECT_EQ(test, 1UL, kslab_cache_errors(s) - base);	/* upstream 2 */

	/*
	 * Previous validation repaired the count of objects in use.
	 * Now expecting no error.
	 */
	base = kslab_cache_errors(s);
	kslab_cache_validate(s);
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s) - base);	/* upstream 0 */

	ktest_destroy(test, s);
}

static void test_first_word(struct kunit *test)
{
	struct kslab_cache *s = test_kslab_cache_create(test, "TestSlub_1th_word_free",
							64, SLAB_POISON);
	u8 *p = kslab_cache_alloc(s, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	kslab_cache_free(s, p);
	*p = 0x78;

	kslab_cache_validate(s);
	/* upstream 2: "Poison overwritten", "Restoring" */
	KUNIT_EXPECT_EQ(test, 1UL, kslab_cache_errors(s));

	ktest_destroy(test, s);
}

static void test_clobber_50th_byte(struct kunit *test)
{
	struct kslab_cache *s = test_kslab_cache_create(test, "TestSlub_50th_word_free",
							64, SLAB_POISON);
	u8 *p = kslab_cache_alloc(s, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	kslab_cache_free(s, p);
	p[50] = 0x9a;

	kslab_cache_validate(s);
	/* upstream 2: "Poison overwritten", "Restoring" */
	KUNIT_EXPECT_EQ(test, 1UL, kslab_cache_errors(s));

	ktest_destroy(test, s);
}

static void test_clobber_redzone_free(struct kunit *test)
{
	struct kslab_cache *s = test_kslab_cache_create(test, "TestSlub_RZ_free",
							64, SLAB_RED_ZONE);
	u8 *p = kslab_cache_alloc(s, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	kasan_disable_current();
	kslab_cache_free(s, p);
	p[64] = 0xab;

	kslab_cache_validate(s);
	/* upstream 2: "Right Redzone overwritten", "Restoring" */
	KUNIT_EXPECT_EQ(test, 1UL, kslab_cache_errors(s));

	kasan_enable_current();
	ktest_destroy(test, s);
}

/*
 * __kmalloc_cache_noprof() is kmalloc_cache_alloc(), kslab_kmalloc()'s
 * allocation from a given kmalloc cache (an internal, for tests).
 */
static void test_kmalloc_redzone_access(struct kunit *test)
{
	struct kslab_cache *s = test_kslab_cache_create(test, "TestSlub_RZ_kmalloc", 32,
				SLAB_KMALLOC | SLAB_STORE_USER | SLAB_RED_ZONE);
	u8 *p = kmalloc_cache_alloc(s, 18, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	kasan_disable_current();

	/* Suppress the -Warray-bounds warning */
	OPTIMIZER_HIDE_VAR(p);
	p[18] = 0xab;
	p[19] = 0xab;

	kslab_cache_validate(s);
	/* upstream 2: "kmalloc Redzone overwritten", "Restoring" */
	KUNIT_EXPECT_EQ(test, 1UL, kslab_cache_errors(s));

	kasan_enable_current();
	kslab_cache_free(s, p);
	ktest_destroy(test, s);
}

struct test_kfree_rcu_struct {
	struct rcu_head rcu;
};

static void test_kfree_rcu(struct kunit *test)
{
	long pages = held_pages();
	struct kslab_cache *s;
	struct test_kfree_rcu_struct *p;

	s = test_kslab_cache_create(test, "TestSlub_kfree_rcu",
				    sizeof(struct test_kfree_rcu_struct),
				    SLAB_NO_MERGE);
	p = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);

	kslab_kfree_rcu(p, rcu);
	ktest_destroy(test, s);

	/*
	 * upstream: slab_errors == 0, no "Objects remaining" at destroy. A
	 * kslab cache destroyed with a live object keeps its slab (and its
	 * report counted in its kslab_cache_errors()); destroyed clean, it
	 * is freed with every page it held.
	 */
	KUNIT_EXPECT_EQ(test, pages, held_pages());
}

static void test_leak_destroy(struct kunit *test)
{
	struct kslab_cache *s = test_kslab_cache_create(test, "TestSlub_leak_destroy",
							64, SLAB_NO_MERGE);
	void *p = kslab_cache_alloc(s, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	ktest_destroy(test, s);

	/*
	 * upstream 2: "Objects remaining on __kmem_cache_shutdown()" and the
	 * one object it lists; kslab one report, "destroyed with 1 live
	 * objects". The destroyed cache lives on for its object.
	 */
	KUNIT_EXPECT_EQ(test, 1UL, kslab_cache_errors(s));

	/* Not upstream: give the object back, so the dead cache goes too. */
	kslab_cache_free(s, p);
}

static struct kunit_case test_cases[] = {
	KUNIT_CASE(test_clobber_zone),
	KUNIT_CASE(test_next_pointer),
	KUNIT_CASE(test_first_word),
	KUNIT_CASE(test_clobber_50th_byte),
	KUNIT_CASE(test_clobber_redzone_free),
	KUNIT_CASE(test_kmalloc_redzone_access),
	KUNIT_CASE(test_kfree_rcu),
	KUNIT_CASE(test_leak_destroy),
	{}
};

static struct kunit_suite test_suite = {
	.name = "kslab_slub_upstream",
	.test_cases = test_cases,
};

kunit_test_suite(test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_slub_upstream: Linux 6.12's lib/slub_kunit.c on kslab");
KSLAB_IMPORT_FOR_KUNIT();
