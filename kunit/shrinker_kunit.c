// SPDX-License-Identifier: GPL-2.0
/*
 * shrinker_kunit.c - KUnit suite kslab_shrinker, for module/shrinker.c:
 * `echo 2 > /proc/sys/vm/drop_caches` takes every cache with no live
 * objects down to 0 slabs, through the real shrinker; and a workload in
 * waves (a burst, most of it freed, a few long-lived objects kept
 * scattered) does not ratchet: its fragmentation (pages held / pages the
 * live objects need) is measured after each wave, printed, and bounded.
 */
#include "kslab_test.h"

/*
 * drop_caches, with the periodic depot trim held: the trim holds
 * kslab_mutex while it runs, and the shrinker only tries it (reclaim must
 * not wait on it), so a trim at that moment would leave every cache as it
 * was and the equations below would fail (seen once on 7.3).
 */
static void drop_all_caches(struct kunit *test)
{
	int ret;

	trim_work_hold();
	ret = ktest_write_file("/proc/sys/vm/drop_caches", "2");
	trim_work_release();
	KUNIT_ASSERT_EQ(test, 0, ret);
}

static const unsigned int drop_sizes[] = { 32, 256, 2048, 9000 };

/* Empty slabs, depots and magazines all go back on drop_caches. */
static void shrinker_drop_caches(struct kunit *test)
{
	struct kslab_cache *s[ARRAY_SIZE(drop_sizes)], *live;
	unsigned int i, k, nr = 2000;
	void **objs, *keep;
	char name[32];

	objs = kunit_kcalloc(test, nr, sizeof(void *), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (k = 0; k < ARRAY_SIZE(drop_sizes); k++) {
		snprintf(name, sizeof(name), "kunit_shrink_drop_%u", drop_sizes[k]);
		s[k] = ktest_create(test, name, drop_sizes[k], 0, 0, NULL);
		for (i = 0; i < nr; i++) {
			objs[i] = kslab_cache_alloc(s[k], GFP_KERNEL);
			cond_resched();
		}
		for (i = 0; i < nr; i++) {
			kslab_cache_free(s[k], objs[i]);
			cond_resched();
		}
		KUNIT_EXPECT_GT(test, cache_pages(s[k]), 0UL);
	}
	live = ktest_create(test, "kunit_shrink_live", 512, 0, 0, NULL);
	for (i = 0; i < nr; i++)
		objs[i] = kslab_cache_alloc(live, GFP_KERNEL);
	keep = objs[nr / 2];
	for (i = 0; i < nr; i++)
		if (objs[i] != keep)
			kslab_cache_free(live, objs[i]);

	drop_all_caches(test);
	for (k = 0; k < ARRAY_SIZE(drop_sizes); k++) {
		KUNIT_EXPECT_EQ(test, 0UL, cache_pages(s[k]));
		KUNIT_EXPECT_EQ(test, 0UL, ktest_slabs(s[k]));
		KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s[k]));
	}
	/* the one live object pins its own slab, nothing more */
	KUNIT_EXPECT_EQ(test, 1UL, ktest_slabs(live));
	KUNIT_EXPECT_EQ(test, 1UL, ktest_active(live));
	kslab_cache_free(live, keep);
	drop_all_caches(test);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_slabs(live));
	ktest_destroy(test, live);
	for (k = 0; k < ARRAY_SIZE(drop_sizes); k++)
		ktest_destroy(test, s[k]);
}

/*
 * Waves: each wave allocates a burst, keeps every 40th object for good and
 * frees the rest, then the cache is shrunk. Live data grows by burst / 40
 * a wave. Measured: pages held against pages the live objects need.
 * Bounds: each live object pins at most one slab, and the ratio after the
 * last wave is no worse than after the first (the holes left by a wave
 * are filled by the next: no ratchet).
 */
#define WAVES		6
#define WAVE_BURST	24000
#define WAVE_KEEP	40

static void shrinker_waves(struct kunit *test)
{
	unsigned int size = 192, w, i, nr_live = 0, first_x100 = 0, x100;
	unsigned long held, need;
	struct kslab_cache *s;
	void **burst, **live;

	burst = kunit_kcalloc(test, WAVE_BURST, sizeof(void *), GFP_KERNEL);
	live = kunit_kcalloc(test, WAVES * WAVE_BURST / WAVE_KEEP + 1,
			     sizeof(void *), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, burst);
	KUNIT_ASSERT_NOT_NULL(test, live);
	s = ktest_create(test, "kunit_shrink_waves", size, 0, 0, NULL);
	for (w = 0; w < WAVES; w++) {
		for (i = 0; i < WAVE_BURST; i++) {
			burst[i] = kslab_cache_alloc(s, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, burst[i]);
			cond_resched();
		}
		for (i = 0; i < WAVE_BURST; i++) {
			if (i % WAVE_KEEP == WAVE_KEEP / 2)
				live[nr_live++] = burst[i];
			else
				kslab_cache_free(s, burst[i]);
			cond_resched();
		}
		kslab_cache_shrink(s);
		held = cache_pages(s);
		need = DIV_ROUND_UP((unsigned long)nr_live * size, PAGE_SIZE);
		x100 = held * 100 / need;
		if (!w)
			first_x100 = x100;
		kunit_info(test, "wave %u: %u live objects of %u B, %lu pages held, %lu needed, fragmentation %u.%02u\n",
			   w + 1, nr_live, size, held, need, x100 / 100, x100 % 100);
		KUNIT_EXPECT_EQ(test, (unsigned long)nr_live, ktest_active(s));
		KUNIT_EXPECT_LE(test, held, (unsigned long)nr_live << s->order);
	}
	KUNIT_EXPECT_LE(test, x100, first_x100);
	for (i = 0; i < nr_live; i++)
		kslab_cache_free(s, live[i]);
	kslab_cache_shrink(s);
	KUNIT_EXPECT_EQ(test, 0UL, cache_pages(s));
	ktest_destroy(test, s);
}

static struct kunit_case shrinker_cases[] = {
	KUNIT_CASE(shrinker_drop_caches),
	KUNIT_CASE(shrinker_waves),
	{}
};

static struct kunit_suite shrinker_suite = {
	.name = "kslab_shrinker",
	.test_cases = shrinker_cases,
};

kunit_test_suite(shrinker_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_shrinker: memory back under pressure");
KSLAB_IMPORT_FOR_KUNIT();
