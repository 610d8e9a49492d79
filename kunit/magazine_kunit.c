// SPDX-License-Identifier: GPL-2.0
/*
 * magazine_kunit.c - KUnit suite kslab_magazine, for module/magazine.c:
 * the depots' working set, given back by trims; validation of a depot's
 * counts against its magazines, which catches each count made wrong; and
 * a drain that leaves every depot empty and every object it held back in
 * its slab. Each test creates and destroys its own caches.
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

static void magazine_trim_release(void *unused)
{
	trim_work_release();
}

/*
 * Hold the periodic depot trim off until the test ends (however it ends):
 * the depots then change only by the test's own calls.
 */
static void magazine_trim_hold(struct kunit *test)
{
	trim_work_hold();
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, magazine_trim_release, NULL));
}

/*
 * Fill a depot of @s with full and empty magazines: @nr objects allocated
 * and freed, then @nr / 2 allocated again into @objs (they trade empty
 * magazines for the depot's full ones), on one CPU. Return: that CPU's
 * memory node, whose depot it is, or NUMA_NO_NODE when an allocation was
 * refused (the objects allocated stay in @objs, the others are NULL).
 */
static int magazine_fill_depot(struct kslab_cache *s, void **objs,
			       unsigned int nr)
{
	unsigned int refused;
	int nid;

	migrate_disable();
	refused = magazine_alloc_range(s, objs, 0, nr);
	ktest_free_n(s, objs, nr);
	refused += magazine_alloc_range(s, objs, 0, nr / 2);
	nid = cpu_mem_node();
	migrate_enable();
	return refused ? NUMA_NO_NODE : nid;
}

/* The counts depot_validate() holds against a node's depot lists. */
enum depot_count {
	DEPOT_NR_FULL,
	DEPOT_NR_EMPTY,
	DEPOT_OBJECTS,
	DEPOT_MIN_FULL,
	DEPOT_MIN_EMPTY,
	DEPOT_EMPTY_MAG,	/* the count of the depot's first empty magazine */
	DEPOT_NR_COUNTS
};

static const char *const depot_count_names[DEPOT_NR_COUNTS] = {
	[DEPOT_NR_FULL]		= "nr_depot_full",
	[DEPOT_NR_EMPTY]	= "nr_depot_empty",
	[DEPOT_OBJECTS]		= "depot_objects",
	[DEPOT_MIN_FULL]	= "min_full",
	[DEPOT_MIN_EMPTY]	= "min_empty",
	[DEPOT_EMPTY_MAG]	= "an empty magazine's count",
};

/* Count @c of @n's depot, but depot_objects (NULL). Depot_lock held. */
static unsigned int *depot_count_field(struct kslab_node *n, enum depot_count c)
{
	switch (c) {
	case DEPOT_NR_FULL:
		return &n->nr_depot_full;
	case DEPOT_NR_EMPTY:
		return &n->nr_depot_empty;
	case DEPOT_MIN_FULL:
		return &n->min_full;
	case DEPOT_MIN_EMPTY:
		return &n->min_empty;
	case DEPOT_EMPTY_MAG:
		return &n->depot_empty->count;
	default:
		return NULL;
	}
}

/*
 * Set count @c of @n's depot, under its depot_lock, to @v, or with @wrong
 * to a value its lists disagree with: one more than the list holds (the
 * minimums: than the depot holds), and 1 for an empty magazine.
 * Return: the value before.
 */
static unsigned long depot_count_set(struct kslab_node *n, enum depot_count c,
				     bool wrong, unsigned long v)
{
	unsigned int *field;
	unsigned long flags, old;

	spin_lock_irqsave(&n->depot_lock, flags);
	field = depot_count_field(n, c);
	old = field ? *field : n->depot_objects;
	if (wrong && c == DEPOT_MIN_FULL)
		v = n->nr_depot_full + 1;
	else if (wrong && c == DEPOT_MIN_EMPTY)
		v = n->nr_depot_empty + 1;
	else if (wrong)
		v = old + 1;
	if (field)
		*field = v;
	else
		n->depot_objects = v;
	spin_unlock_irqrestore(&n->depot_lock, flags);
	return old;
}

/*
 * depot_validate() holds a node's depot counts against its magazines:
 * each count made to disagree with them, under the depot_lock, is one
 * error, reported and counted in kslab_cache_errors(); put back, the
 * depot validates clean again. The depot holds full and empty magazines,
 * so that the lists the counts are checked against are not empty.
 */
static void magazine_depot_validate(struct kunit *test)
{
	enum { NR = 4000 };
	void **objs = ktest_ptrs(test, NR);
	struct kslab_cache *s;
	struct kslab_node *n;
	unsigned long e, old;
	enum depot_count c;
	long bad;
	int nid;

	s = ktest_create(test, "kunit_magazine_validate", 64, 0, 0, NULL);
	magazine_trim_hold(test);
	nid = magazine_fill_depot(s, objs, NR);
	KUNIT_ASSERT_NE_MSG(test, nid, NUMA_NO_NODE, "an allocation was refused");
	n = s->node[nid];
	KUNIT_ASSERT_GT(test, READ_ONCE(n->nr_depot_full), 0U);
	KUNIT_ASSERT_GT(test, READ_ONCE(n->nr_depot_empty), 0U);
	KUNIT_ASSERT_EQ(test, 0L, depot_validate(s, n));
	for (c = 0; c < DEPOT_NR_COUNTS; c++) {
		e = kslab_cache_errors(s);
		old = depot_count_set(n, c, true, 0);
		bad = depot_validate(s, n);
		depot_count_set(n, c, false, old);
		KUNIT_EXPECT_EQ_MSG(test, 1L, bad, "%s made wrong", depot_count_names[c]);
		KUNIT_EXPECT_EQ_MSG(test, e + 1, kslab_cache_errors(s), "%s made wrong",
				    depot_count_names[c]);
		KUNIT_EXPECT_EQ_MSG(test, 0L, depot_validate(s, n), "%s put back",
				    depot_count_names[c]);
	}
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	ktest_free_n(s, objs, NR / 2);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	ktest_destroy(test, s);
}

/* A cache's depots, summed over its nodes, each read under its depot_lock. */
struct depot_sums {
	unsigned long full, empty;	/* nr_depot_full, nr_depot_empty */
	unsigned long listed;		/* magazines on the depots' lists */
	unsigned long objects;		/* depot_objects */
	unsigned long held;		/* objects in the listed full magazines */
	unsigned long mins;		/* min_full + min_empty */
};

static void depot_sum(struct kslab_cache *s, struct depot_sums *d)
{
	struct kslab_mag *mag;
	struct kslab_node *n;
	unsigned long flags;
	int nid;

	memset(d, 0, sizeof(*d));
	for_each_node(nid) {
		n = s->node[nid];
		spin_lock_irqsave(&n->depot_lock, flags);
		d->full += n->nr_depot_full;
		d->empty += n->nr_depot_empty;
		d->objects += n->depot_objects;
		d->mins += n->min_full + n->min_empty;
		for (mag = n->depot_full; mag; mag = mag->next) {
			d->listed++;
			d->held += mag->count;
		}
		for (mag = n->depot_empty; mag; mag = mag->next)
			d->listed++;
		spin_unlock_irqrestore(&n->depot_lock, flags);
	}
}

/*
 * depot_drain() gives every magazine of every depot back: no magazine is
 * left on a depot's lists, every count is 0, and each object the full
 * magazines held is back on its slab's free list. In the slabs' terms:
 * objects off the free lists (in use) are the live ones, those in the
 * CPUs' magazines and those in the depots before the drain; after it,
 * the depots' share is gone and nothing else moved.
 */
static void magazine_depot_drain(struct kunit *test)
{
	enum { NR = 4000, LIVE = NR / 2 };
	void **objs = ktest_ptrs(test, NR);
	struct depot_sums before, after;
	struct cache_info info;
	struct kslab_cache *s;
	unsigned long cpus;

	s = ktest_create(test, "kunit_magazine_drain", 64, 0, 0, NULL);
	magazine_trim_hold(test);
	KUNIT_ASSERT_NE_MSG(test, magazine_fill_depot(s, objs, NR), NUMA_NO_NODE,
			    "an allocation was refused");
	depot_sum(s, &before);
	cpus = cpu_objects(s, NUMA_NO_NODE, NULL);
	cache_info(s, &info);
	KUNIT_ASSERT_GT(test, before.full, 0UL);
	KUNIT_ASSERT_GT(test, before.empty, 0UL);
	KUNIT_EXPECT_EQ(test, before.full + before.empty, before.listed);
	KUNIT_EXPECT_EQ(test, before.held, before.objects);
	KUNIT_EXPECT_EQ(test, (unsigned long)LIVE, info.active_objs);
	KUNIT_EXPECT_EQ(test, LIVE + cpus + before.objects, info.inuse_objs);

	depot_drain(s);
	depot_sum(s, &after);
	KUNIT_EXPECT_EQ(test, 0UL, after.full);
	KUNIT_EXPECT_EQ(test, 0UL, after.empty);
	KUNIT_EXPECT_EQ(test, 0UL, after.listed);
	KUNIT_EXPECT_EQ(test, 0UL, after.objects);
	KUNIT_EXPECT_EQ(test, 0UL, after.mins);
	cache_info(s, &info);
	KUNIT_EXPECT_EQ(test, 0UL, info.depot_objs);
	KUNIT_EXPECT_EQ(test, LIVE + cpus, info.inuse_objs);
	KUNIT_EXPECT_EQ(test, (unsigned long)LIVE, info.active_objs);
	KUNIT_EXPECT_EQ(test, cpus, cpu_objects(s, NUMA_NO_NODE, NULL));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));

	ktest_free_n(s, objs, LIVE);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

static struct kunit_case magazine_cases[] = {
	KUNIT_CASE(magazine_depot_trim),
	KUNIT_CASE(magazine_depot_validate),
	KUNIT_CASE(magazine_depot_drain),
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
