// SPDX-License-Identifier: GPL-2.0
/*
 * magazine_kunit.c - KUnit suite kslab_magazine, for module/magazine.c:
 * the depots' working set, given back by trims. Each test creates and
 * destroys its own caches.
 */
#include <linux/sched.h>

#include "kslab_test.h"

/* Allocate into @objs[@from..@to) until one is refused; how many were. */
static unsigned int magazine_alloc_range(struct kslab_cache *s, void **objs,
					 unsigned int from, unsigned int to)
{
	unsigned int i, refused = 0;

	for (i = from; i < to; i++) {
		objs[i] = kslab_cache_alloc(s, GFP_KERNEL);
		refused += !objs[i];
	}
	return refused;
}

/*
 * The depot's working set: a trim gives back what stayed unused since the
 * trim before, on either of its two lists (here: no full magazine unused,
 * some empty ones), and the depot's counts stay equal to its lists, as
 * validation checks. Pinned, so that one depot sees it all, and with the
 * periodic trim held off: one of its trims between the frees and the
 * test's own trim would mark the new full magazines unused.
 */
static void magazine_depot_trim(struct kunit *test)
{
	enum { NR = 4000 };
	void **objs = ktest_ptrs(test, NR);
	struct cache_info info;
	struct kslab_cache *s;
	unsigned int refused;
	long bad[3];

	s = ktest_create(test, "kunit_magazine_depot_trim", 64, 0, 0, NULL);
	trim_work_hold();
	migrate_disable();
	refused = magazine_alloc_range(s, objs, 0, NR);
	ktest_free_n(s, objs, NR);
	depot_trim(s);		/* remembers the full magazines */
	refused += magazine_alloc_range(s, objs, 0, NR);	/* takes them all */
	depot_trim(s);		/* remembers the empty ones left */
	ktest_free_n(s, objs, NR / 2);	/* full again, empties used */
	bad[0] = kslab_cache_validate(s);
	depot_trim(s);		/* no full one stayed unused */
	bad[1] = kslab_cache_validate(s);
	cache_info(s, &info);
	ktest_free_n(s, objs + NR / 2, NR - NR / 2);
	migrate_enable();
	trim_work_release();
	KUNIT_EXPECT_EQ(test, 0U, refused);
	KUNIT_EXPECT_EQ(test, 0L, bad[0]);
	KUNIT_EXPECT_EQ(test, 0L, bad[1]);
	/* the half still live is all the cache is short of */
	KUNIT_EXPECT_EQ(test, (unsigned long)NR / 2, info.active_objs);
	/* and the full magazines the frees just made stayed in the depot */
	KUNIT_EXPECT_GE(test, info.depot_objs, NR / 2 - 2UL * s->mag_size);
	ktest_trim_twice(s);
	cache_info(s, &info);
	KUNIT_EXPECT_EQ(test, 0UL, info.depot_objs);
	bad[2] = kslab_cache_validate(s);
	KUNIT_EXPECT_EQ(test, 0L, bad[2]);
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

static struct kunit_case magazine_cases[] = {
	KUNIT_CASE(magazine_depot_trim),
	{}
};

static struct kunit_suite magazine_suite = {
	.name = "kslab_magazine",
	.test_cases = magazine_cases,
};

kunit_test_suite(magazine_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_magazine: magazines and depots");
KSLAB_IMPORT_FOR_KUNIT();
