// SPDX-License-Identifier: GPL-2.0
/*
 * kasan_kunit.c - KUnit suite kslab_kasan: module/kasan.c's own work on a
 * kernel with generic KASAN, beyond what the ported upstream cases
 * (kasan_upstream_kunit.c) show. KASAN's report of a bad access to a
 * kslab object names only the page (6.12's KASAN knows nothing of kslab's
 * caches); kslab adds to it the cache, the slab, the object's index, the
 * offset in it, its state, and with SLAB_STORE_USER who allocated and
 * freed it. The cases provoke KASAN reports, between the markers
 * scripts/scan.sh accepts (as kasan_upstream_kunit.c does), and check
 * what kslab added through the record module/kasan.c keeps of its last
 * addition (kslab_kasan_last, kslab_kasan_reports), not through the
 * console: the right cache, object and offset, the tracks, and nothing
 * at all for memory that is not kslab's.
 *
 * Built only for a kernel with the KASAN KUnit hooks (kunit/Kbuild), and
 * instrumented by KASAN, as the accesses under test must be.
 */
#include <kunit/test.h>
#include <linux/kasan.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "kasan.h"
#include "kslab.h"
#include "kslab_int.h"
#include "kslab_test.h"
#include "report.h"

KSLAB_IMPORT_FOR_KUNIT();

static bool kasan_report_found;	/* "BUG: KASAN: " on the console */
static bool multishot;

static void probe_console(void *ignore, const char *buf, size_t len)
{
	if (strnstr(buf, "BUG: KASAN: ", len))
		WRITE_ONCE(kasan_report_found, true);
}

static int kasan_suite_init(struct kunit_suite *suite)
{
	return ktest_kasan_suite_start(&multishot, probe_console);
}

static void kasan_suite_exit(struct kunit_suite *suite)
{
	ktest_kasan_suite_end(multishot, probe_console);
}

static int kasan_test_init(struct kunit *test)
{
	WRITE_ONCE(kasan_report_found, false);
	return 0;
}

/*
 * Run @expression, which must make KASAN report, between the markers
 * that tell scripts/scan.sh the report is expected. Return: how many
 * additions kslab made to KASAN's reports meanwhile.
 */
#define KASAN_EXPECT_REPORT(test, expression) ({			\
	unsigned long __before = READ_ONCE(kslab_kasan_reports);	\
	WRITE_ONCE(kasan_report_found, false);				\
	pr_info("kslab-kasan: report expected\n");			\
	barrier();							\
	expression;							\
	barrier();							\
	pr_info("kslab-kasan: end of expected report\n");		\
	KUNIT_EXPECT_TRUE_MSG(test, READ_ONCE(kasan_report_found),	\
			      "no KASAN report for \"" #expression "\"");	\
	READ_ONCE(kslab_kasan_reports) - __before;			\
})

/* The index of @obj in its slab of @s. */
static unsigned int object_index(struct kslab_cache *s, void *obj)
{
	struct page *page = virt_to_head_page(obj);

	return slab_index(s, page_meta(page), page_address(page), obj);
}

/*
 * A read after free of an object of a SLAB_STORE_USER cache: kslab adds
 * the cache, the object (not the first of its slab), the offset read,
 * "free", and both tracks, the allocation's by this task; it counts no
 * error (KASAN reported the bug, not kslab).
 */
static void kasan_report_use_after_free(struct kunit *test)
{
	struct kslab_cache *s = ktest_create(test, "kasan_report_uaf", 40, 0,
					     SLAB_STORE_USER, NULL);
	const struct kslab_kasan_object *o = &kslab_kasan_last;
	unsigned long added;
	char *objs[3];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = kslab_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	kslab_cache_free(s, objs[1]);
	OPTIMIZER_HIDE_VAR(objs[1]);

	added = KASAN_EXPECT_REPORT(test, READ_ONCE(objs[1][5]));
	KUNIT_EXPECT_EQ(test, 1UL, added);
	KUNIT_EXPECT_PTR_EQ(test, (const void *)s, (const void *)o->cache);
	KUNIT_EXPECT_STREQ(test, "kasan_report_uaf", o->name);
	KUNIT_EXPECT_EQ(test, object_index(s, objs[1]), o->index);
	KUNIT_EXPECT_PTR_EQ(test, (void *)objs[1], o->object);
	KUNIT_EXPECT_EQ(test, 5L, o->offset);
	KUNIT_EXPECT_EQ(test, (int)KSLAB_OBJ_FREE, (int)o->state);
	KUNIT_EXPECT_TRUE(test, o->tracked[KSLAB_TRACK_ALLOC]);
	KUNIT_EXPECT_TRUE(test, o->tracked[KSLAB_TRACK_FREE]);
	KUNIT_EXPECT_EQ(test, current->pid, o->track[KSLAB_TRACK_ALLOC].pid);
	KUNIT_EXPECT_NE(test, 0U, o->track[KSLAB_TRACK_ALLOC].handle);
	KUNIT_EXPECT_NE(test, 0U, o->track[KSLAB_TRACK_FREE].handle);
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));

	kslab_cache_free(s, objs[0]);
	kslab_cache_free(s, objs[2]);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
}

/*
 * A read one byte past a live object of a cache without debug flags:
 * the object read past, the offset (its size), "live", and no tracks.
 */
static void kasan_report_out_of_bounds(struct kunit *test)
{
	struct kslab_cache *s = ktest_create(test, "kasan_report_oob", 20, 0,
					     0, NULL);
	const struct kslab_kasan_object *o = &kslab_kasan_last;
	char *p = kslab_cache_alloc(s, GFP_KERNEL);
	unsigned long added;

	KUNIT_ASSERT_NOT_NULL(test, p);
	OPTIMIZER_HIDE_VAR(p);
	added = KASAN_EXPECT_REPORT(test, READ_ONCE(p[20]));
	KUNIT_EXPECT_EQ(test, 1UL, added);
	KUNIT_EXPECT_PTR_EQ(test, (const void *)s, (const void *)o->cache);
	KUNIT_EXPECT_EQ(test, object_index(s, p), o->index);
	KUNIT_EXPECT_EQ(test, 20L, o->offset);
	KUNIT_EXPECT_EQ(test, (int)KSLAB_OBJ_LIVE, (int)o->state);
	KUNIT_EXPECT_FALSE(test, o->tracked[KSLAB_TRACK_ALLOC]);
	KUNIT_EXPECT_FALSE(test, o->tracked[KSLAB_TRACK_FREE]);
	kslab_cache_free(s, p);
}

/*
 * A read one byte past an object whose size leaves no slack, every
 * object of its slab live: the byte past it must be red zone, not the
 * next object (generic KASAN's optimal_redzone(), as SLUB lays it out),
 * or the read is unseen.
 */
static void kasan_report_out_of_bounds_neighbour(struct kunit *test)
{
	struct kslab_cache *s = ktest_create(test, "kasan_report_next", 64, 0,
					     0, NULL);
	const struct kslab_kasan_object *o = &kslab_kasan_last;
	unsigned int i, n = s->objects;
	char **objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	unsigned long added;
	char *p = NULL;

	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < n; i++) {
		objs[i] = kslab_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	/* one whose next slot in its slab holds a live object */
	for (i = 0; i < n && !p; i++) {
		unsigned int j;

		for (j = 0; j < n; j++)
			if (objs[j] == objs[i] + s->size)
				p = objs[i];
	}
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_GE(test, s->size, 64U + KSLAB_KASAN_GRANULE);
	OPTIMIZER_HIDE_VAR(p);
	added = KASAN_EXPECT_REPORT(test, READ_ONCE(p[64]));
	KUNIT_EXPECT_EQ(test, 1UL, added);
	KUNIT_EXPECT_PTR_EQ(test, (void *)p, o->object);
	KUNIT_EXPECT_EQ(test, 64L, o->offset);
	KUNIT_EXPECT_EQ(test, (int)KSLAB_OBJ_LIVE, (int)o->state);
	for (i = 0; i < n; i++)
		kslab_cache_free(s, objs[i]);
}

/* A use after free of the kernel's kmalloc(): KASAN's alone. */
static void kasan_report_not_kslab(struct kunit *test)
{
	char *p = kmalloc(64, GFP_KERNEL);
	unsigned long added;

	KUNIT_ASSERT_NOT_NULL(test, p);
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	added = KASAN_EXPECT_REPORT(test, READ_ONCE(p[3]));
	KUNIT_EXPECT_EQ(test, 0UL, added);
}

static struct kunit_case kasan_cases[] = {
	KUNIT_CASE(kasan_report_use_after_free),
	KUNIT_CASE(kasan_report_out_of_bounds),
	KUNIT_CASE(kasan_report_out_of_bounds_neighbour),
	KUNIT_CASE(kasan_report_not_kslab),
	{}
};

static struct kunit_suite kasan_suite = {
	.name = "kslab_kasan",
	.test_cases = kasan_cases,
	.init = kasan_test_init,
	.suite_init = kasan_suite_init,
	.suite_exit = kasan_suite_exit,
};

kunit_test_suite(kasan_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_kasan: what kslab adds to KASAN's reports");
