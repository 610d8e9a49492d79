// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs_kunit.c - KUnit suite kslab_sysfs, for module/sysfs.c: every
 * attribute of /sys/kernel/kslab/<cache>/ shows what the allocator holds
 * in SLUB's format (per-node breakdowns adding up to their totals), the
 * writable ones take good values and refuse bad ones without change, a
 * counter cleared by writing 0 leaves the live count right, and the
 * directory lives exactly as long as the cache.
 */
#include "kslab_test.h"

#define DIR "/sys/kernel/kslab/"

/* The leading number of an attribute. */
static unsigned long attr_ul(struct kunit *test, const char *cache,
			     const char *attr)
{
	char path[128], *buf;
	unsigned long x = 0;

	snprintf(path, sizeof(path), DIR "%s/%s", cache, attr);
	buf = ktest_read_file(test, path);
	buf[strcspn(buf, "\n ")] = 0;
	KUNIT_EXPECT_EQ_MSG(test, 0, kstrtoul(buf, 10, &x), "%s: \"%s\"", attr, buf);
	kunit_kfree(test, buf);
	return x;
}

/*
 * "<total> N0=<a> N1=<b>" (@part 'N') or "<total> C0=<a> C1=<b>" (@part
 * 'C'): the breakdown must add up to the total.
 */
static void expect_parts_add_up(struct kunit *test, const char *cache,
				const char *attr, char part)
{
	unsigned long total, sum = 0, x;
	char path[128], fmt[16], *buf, *p;
	int id, n, got;

	snprintf(path, sizeof(path), DIR "%s/%s", cache, attr);
	snprintf(fmt, sizeof(fmt), " %c%%d=%%lu%%n", part);
	buf = ktest_read_file(test, path);
	got = sscanf(buf, "%lu%n", &total, &n);
	KUNIT_ASSERT_EQ(test, 1, got);
	for (p = buf + n; sscanf(p, fmt, &id, &x, &n) == 2; p += n)
		sum += x;
	KUNIT_EXPECT_STREQ_MSG(test, p, "\n", "%s: \"%s\"", attr, buf);
	if (part == 'C' || nr_node_ids > 1)
		KUNIT_EXPECT_EQ_MSG(test, total, sum, "%s: \"%s\"", attr, buf);
	kunit_kfree(test, buf);
}

static int attr_write(const char *cache, const char *attr, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), DIR "%s/%s", cache, attr);
	return ktest_write_file(path, val);
}

static void sysfs_values(struct kunit *test)
{
	static const char *const by_node[] = {
		"slabs", "partial", "total_objects", "objects", "objects_partial",
		"cpu_slabs",
	};
	const char *name = "kunit_sysfs_values";
	struct cache_info info;
	struct kslab_cache *s;
	void **objs = ktest_ptrs(test, 300);
	unsigned int i;

	s = ktest_create(test, name, 100, 0, SLAB_HWCACHE_ALIGN | SLAB_STORE_USER,
			 NULL);
	ktest_alloc_n(test, s, objs, 300);
	ktest_free_n(s, objs + 200, 100);
	cache_info(s, &info);
	KUNIT_EXPECT_EQ(test, 100UL, attr_ul(test, name, "object_size"));
	KUNIT_EXPECT_EQ(test, (unsigned long)s->size, attr_ul(test, name, "slab_size"));
	KUNIT_EXPECT_EQ(test, (unsigned long)s->objects, attr_ul(test, name, "objs_per_slab"));
	KUNIT_EXPECT_EQ(test, (unsigned long)s->order, attr_ul(test, name, "order"));
	KUNIT_EXPECT_EQ(test, (unsigned long)s->align, attr_ul(test, name, "align"));
	KUNIT_EXPECT_EQ(test, 0UL, attr_ul(test, name, "aliases"));
	KUNIT_EXPECT_EQ(test, 1UL, attr_ul(test, name, "hwcache_align"));
	KUNIT_EXPECT_EQ(test, 1UL, attr_ul(test, name, "store_user"));
	KUNIT_EXPECT_EQ(test, 0UL, attr_ul(test, name, "red_zone"));
	KUNIT_EXPECT_EQ(test, 0UL, attr_ul(test, name, "destroy_by_rcu"));
	KUNIT_EXPECT_EQ(test, 200UL, attr_ul(test, name, "objects_live"));
	/* a debug cache holds nothing in magazines: objects == live */
	KUNIT_EXPECT_EQ(test, 200UL, attr_ul(test, name, "objects"));
	KUNIT_EXPECT_EQ(test, info.num_objs, attr_ul(test, name, "total_objects"));
	KUNIT_EXPECT_EQ(test, info.num_slabs, attr_ul(test, name, "slabs"));
	KUNIT_EXPECT_EQ(test, cache_pages(s), attr_ul(test, name, "pages"));
	KUNIT_EXPECT_EQ(test, stat_sum(s, KSLAB_ALLOC_SLOWPATH),
			attr_ul(test, name, "alloc_slowpath"));
	for (i = 0; i < ARRAY_SIZE(by_node); i++)
		expect_parts_add_up(test, name, by_node[i], 'N');
	ktest_free_n(s, objs, 200);
	ktest_destroy(test, s);
}

/*
 * Writes: shrink, validate, min_partial, cpu_partial, empty_max, fail; bad
 * ones refused.
 */
static void sysfs_writes(struct kunit *test)
{
	const char *name = "kunit_sysfs_writes";
	struct kslab_cache *s;
	void **objs = ktest_ptrs(test, 500);

	s = ktest_create(test, name, 64, 0, 0, NULL);
	ktest_alloc_n(test, s, objs, 500);
	ktest_free_n(s, objs, 500);
	KUNIT_EXPECT_GT(test, cache_pages(s), 0UL);
	KUNIT_EXPECT_EQ(test, 0, attr_write(name, "shrink", "1"));
	KUNIT_EXPECT_EQ(test, 0UL, cache_pages(s));
	KUNIT_EXPECT_EQ(test, 0, attr_write(name, "validate", "1"));

	KUNIT_EXPECT_EQ(test, 0, attr_write(name, "min_partial", "7"));
	KUNIT_EXPECT_EQ(test, 7UL, attr_ul(test, name, "min_partial"));
	KUNIT_EXPECT_EQ(test, 0, attr_write(name, "cpu_partial", "32"));
	KUNIT_EXPECT_EQ(test, 32UL, attr_ul(test, name, "cpu_partial"));
	KUNIT_EXPECT_EQ(test, (unsigned long)s->empty_max,
			attr_ul(test, name, "empty_max"));
	KUNIT_EXPECT_EQ(test, 0, attr_write(name, "empty_max", "9"));
	KUNIT_EXPECT_EQ(test, 9UL, attr_ul(test, name, "empty_max"));
	KUNIT_EXPECT_EQ(test, 9UL, slab_empty_max(s));

	KUNIT_EXPECT_EQ(test, -EINVAL, attr_write(name, "min_partial", "lots"));
	KUNIT_EXPECT_EQ(test, -EINVAL, attr_write(name, "cpu_partial", "0"));
	KUNIT_EXPECT_EQ(test, -EINVAL, attr_write(name, "cpu_partial", "5000"));
	KUNIT_EXPECT_EQ(test, -EINVAL, attr_write(name, "shrink", "2"));
	KUNIT_EXPECT_EQ(test, -EINVAL, attr_write(name, "fail", "101 1 -1"));
	KUNIT_EXPECT_EQ(test, -EINVAL, attr_write(name, "empty_max", "-1"));
	KUNIT_EXPECT_EQ(test, -EINVAL, attr_write(name, "empty_max", "70000"));
	KUNIT_EXPECT_EQ(test, 7U, s->min_partial);
	KUNIT_EXPECT_EQ(test, 9U, s->empty_max);
	KUNIT_EXPECT_EQ(test, 32U, s->mag_size);

	KUNIT_EXPECT_EQ(test, 0, attr_write(name, "fail", "100 1 2"));
	KUNIT_EXPECT_NULL(test, kslab_cache_alloc(s, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, kslab_cache_alloc(s, GFP_KERNEL));
	objs[0] = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, objs[0]);
	kslab_cache_free(s, objs[0]);
	KUNIT_EXPECT_EQ(test, 0, attr_write(name, "fail", "0 0 0"));
	KUNIT_EXPECT_EQ(test, 0U, s->slowpath);
	ktest_destroy(test, s);
}

/* @n alloc/free pairs on one CPU, all on the fast paths once warm. */
static void fast_pairs(struct kslab_cache *s, unsigned int n)
{
	void *p;

	while (n--) {
		p = kslab_cache_alloc(s, GFP_KERNEL);
		kslab_cache_free(s, p);
	}
}

/*
 * Writing 0 clears a counter and only that counter; the live count does
 * not move, and a cleared fast-path counter counts from 0 again (the two
 * are derived from one per-CPU count and the loaded magazine: clearing
 * one must not move the other). Per-CPU values add up to the total.
 */
static void sysfs_stat_clear(struct kunit *test)
{
	const char *name = "kunit_sysfs_clear";
	unsigned long allocs;
	struct kslab_cache *s;
	void **objs = ktest_ptrs(test, 40);

	s = ktest_create(test, name, 32, 0, 0, NULL);
	ktest_alloc_n(test, s, objs, 40);
	ktest_free_n(s, objs, 10);
	KUNIT_EXPECT_GT(test, attr_ul(test, name, "alloc_fastpath"), 0UL);
	expect_parts_add_up(test, name, "alloc_fastpath", 'C');
	expect_parts_add_up(test, name, "free_fastpath", 'C');
	KUNIT_EXPECT_EQ(test, 0, attr_write(name, "alloc_fastpath", "0"));
	KUNIT_EXPECT_EQ(test, 0, attr_write(name, "free_fastpath", "0"));
	KUNIT_EXPECT_EQ(test, -EINVAL, attr_write(name, "alloc_slowpath", "5"));
	KUNIT_EXPECT_EQ(test, 0UL, attr_ul(test, name, "alloc_fastpath"));
	KUNIT_EXPECT_EQ(test, 0UL, attr_ul(test, name, "free_fastpath"));
	KUNIT_EXPECT_EQ(test, 30UL, attr_ul(test, name, "objects_live"));

	/* one CPU, warm: the next 100 pairs are all fast */
	migrate_disable();
	fast_pairs(s, 1);
	KUNIT_EXPECT_EQ(test, 0, attr_write(name, "alloc_fastpath", "0"));
	KUNIT_EXPECT_EQ(test, 0, attr_write(name, "free_fastpath", "0"));
	fast_pairs(s, 100);
	KUNIT_EXPECT_EQ(test, 100UL, attr_ul(test, name, "alloc_fastpath"));
	KUNIT_EXPECT_EQ(test, 100UL, attr_ul(test, name, "free_fastpath"));
	migrate_enable();
	expect_parts_add_up(test, name, "alloc_fastpath", 'C');
	expect_parts_add_up(test, name, "free_fastpath", 'C');

	allocs = attr_ul(test, name, "alloc_fastpath");
	KUNIT_EXPECT_EQ(test, 0, attr_write(name, "free_fastpath", "0"));
	KUNIT_EXPECT_EQ(test, allocs, attr_ul(test, name, "alloc_fastpath"));
	KUNIT_EXPECT_EQ(test, 0UL, attr_ul(test, name, "free_fastpath"));
	KUNIT_EXPECT_EQ(test, 30UL, attr_ul(test, name, "objects_live"));
	KUNIT_EXPECT_EQ(test, 0, attr_write(name, "alloc_fastpath", "0"));
	KUNIT_EXPECT_EQ(test, 0UL, attr_ul(test, name, "free_fastpath"));
	KUNIT_EXPECT_EQ(test, 30UL, attr_ul(test, name, "objects_live"));

	ktest_free_n(s, objs + 10, 30);
	KUNIT_EXPECT_EQ(test, 0UL, attr_ul(test, name, "objects_live"));
	ktest_destroy(test, s);
}

/*
 * objects_partial of a big cache (thousands of partial slabs, which it
 * walks in many holds of each node's lock): on the quiet cache, exactly
 * what one walk under the lock counts, and its nodes add up.
 */
static void sysfs_objects_partial_big(struct kunit *test)
{
	enum { NR = 64000 };
	const char *name = "kunit_sysfs_partial_big";
	struct cache_info info;
	struct kslab_cache *s;
	unsigned long x = 0;
	unsigned int i;
	void **objs;
	int nid;

	objs = ktest_ptrs(test, NR);
	s = ktest_create(test, name, 256, 0, 0, NULL);
	ktest_alloc_n(test, s, objs, NR);
	for (i = 1; i < NR; i += 2)
		kslab_cache_free(s, objs[i]);
	KUNIT_EXPECT_EQ(test, 1, kslab_cache_shrink(s));	/* into the slabs */
	cache_info(s, &info);
	KUNIT_EXPECT_GT(test, info.partial_slabs, 2000UL);
	for_each_node(nid)
		x += ktest_node_partial_inuse(s->node[nid]);
	KUNIT_EXPECT_EQ(test, x, attr_ul(test, name, "objects_partial"));
	expect_parts_add_up(test, name, "objects_partial", 'N');
	for (i = 0; i < NR; i += 2)
		kslab_cache_free(s, objs[i]);
	KUNIT_EXPECT_EQ(test, 0UL, attr_ul(test, name, "objects_live"));
	ktest_destroy(test, s);
}

/* The directory lives exactly as long as the cache. */
static void sysfs_lifecycle(struct kunit *test)
{
	struct kslab_cache *s;
	struct file *f;

	s = ktest_create(test, "kunit_sysfs_life", 16, 0, 0, NULL);
	f = compat_filp_open(DIR "kunit_sysfs_life/object_size", O_RDONLY, 0);
	KUNIT_EXPECT_FALSE(test, IS_ERR(f));
	if (!IS_ERR(f))
		filp_close(f, NULL);
	ktest_destroy(test, s);
	f = compat_filp_open(DIR "kunit_sysfs_life/object_size", O_RDONLY, 0);
	KUNIT_EXPECT_EQ(test, -ENOENT, PTR_ERR_OR_ZERO(f));
	if (!IS_ERR(f))
		filp_close(f, NULL);
}

static struct kunit_case sysfs_cases[] = {
	KUNIT_CASE(sysfs_values),
	KUNIT_CASE(sysfs_writes),
	KUNIT_CASE(sysfs_stat_clear),
	KUNIT_CASE(sysfs_lifecycle),
	KUNIT_CASE_SLOW(sysfs_objects_partial_big),
	{}
};

static struct kunit_suite sysfs_suite = {
	.name = "kslab_sysfs",
	.test_cases = sysfs_cases,
};

kunit_test_suite(sysfs_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_sysfs: /sys/kernel/kslab");
KSLAB_IMPORT_FOR_KUNIT();
