// SPDX-License-Identifier: GPL-2.0
/*
 * cache_kunit.c - KUnit suite kslab_cache, for module/cache.c: what
 * kslab_cache_create() refuses (and that a refusal changes nothing), the
 * flags it accepts and what they do, kslab_cache_create_args() and its
 * usercopy region, names and their reuse, the largest
 * objects, kslab_cache_size(), and destroying a cache that still has live
 * objects. Each test creates and destroys its own caches.
 */
#include <linux/kthread.h>

#include "kslab_test.h"

/* The largest block the buddy allocator hands out: kslab's largest slab. */
#define LARGEST_SLAB	(PAGE_SIZE << KSLAB_MAX_PAGE_ORDER)

struct bad_case {
	const char *what;
	const char *name;
	unsigned int size;
	unsigned int align;
	slab_flags_t flags;
	bool duplicate;		/* a live cache of that name exists */
	bool ctor;
};

static const struct bad_case bad_cases[] = {
	{ "NULL name", NULL, 64 },
	{ "empty name", "", 64 },
	{ "name with a space", "kunit cache", 64 },
	{ "name with a tab", "kunit\tcache", 64 },
	{ "duplicate name", "kunit_cache_dup", 64, .duplicate = true },
	{ "size 0", "kunit_cache_bad", 0 },
	{ "size one more than the largest slab", "kunit_cache_bad", LARGEST_SLAB + 1 },
	{ "size UINT_MAX", "kunit_cache_bad", UINT_MAX },
	{ "align 3", "kunit_cache_bad", 64, 3 },
	{ "align 24", "kunit_cache_bad", 64, 24 },
	{ "align 96", "kunit_cache_bad", 64, 96 },
	{ "align larger than the largest slab", "kunit_cache_bad", 64, 2 * LARGEST_SLAB },
	{ "largest size with a ctor (no room for the free pointer)", "kunit_cache_bad",
	  LARGEST_SLAB, .ctor = true },
	{ "SLAB_CACHE_DMA", "kunit_cache_bad", 64, 0, SLAB_CACHE_DMA },
	{ "SLAB_CACHE_DMA32", "kunit_cache_bad", 64, 0, SLAB_CACHE_DMA32 },
#ifdef CONFIG_MEMCG	/* SLAB_ACCOUNT is 0 without memcg */
	{ "SLAB_ACCOUNT", "kunit_cache_bad", 64, 0, SLAB_ACCOUNT },
#endif
	{ "an unknown flag", "kunit_cache_bad", 64, 0,
	  (__force slab_flags_t)(1U << _SLAB_FLAGS_LAST_BIT) },
	{ "a good flag with a bad one", "kunit_cache_bad", 64, 0,
	  SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA32 },
};

static void bad_case_desc(const struct bad_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->what);
}

KUNIT_ARRAY_PARAM(bad, bad_cases, bad_case_desc);

/* A cache's name is a usable name (for kslab and for the row search). */
static bool name_valid(const char *name)
{
	return name && *name && !strpbrk(name, " \t");
}

/*
 * Every bad request returns NULL and changes nothing: no new row in
 * /proc/kslabinfo, no page taken, a live cache of the same name left as
 * it was, and a valid name still free to create afterwards.
 */
static void cache_bad_input(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	unsigned long orphans = kslab_cache_errors(NULL);
	struct kslab_cache *orig = NULL, *s;
	long pages = held_pages();
	unsigned int rows;
	char *buf, row[KTEST_ROW_MAX];
	void *obj;

	if (c->duplicate)
		orig = ktest_create(test, c->name, c->size, 0, 0, NULL);
	rows = ktest_kslabinfo_rows(test);

	s = kslab_cache_create(c->name, c->duplicate ? 2 * c->size : c->size,
			       c->align, c->flags, c->ctor ? ktest_ctor_nop : NULL);
	KUNIT_EXPECT_NULL(test, s);
	if (s)
		kslab_cache_destroy(s);
	KUNIT_EXPECT_EQ(test, rows, ktest_kslabinfo_rows(test));
	KUNIT_EXPECT_EQ(test, pages, held_pages());
	KUNIT_EXPECT_EQ(test, orphans, kslab_cache_errors(NULL));
	if (!name_valid(c->name))
		return;

	buf = ktest_read_file(test, "/proc/kslabinfo");
	KUNIT_EXPECT_EQ(test, !!orig, ktest_find_row(buf, c->name, row));
	if (orig) {
		/* the live cache is untouched: its size, its objects */
		KUNIT_EXPECT_EQ(test, c->size, kslab_cache_size(orig));
		obj = kslab_cache_alloc(orig, GFP_KERNEL);
		KUNIT_EXPECT_NOT_NULL(test, obj);
		kslab_cache_free(orig, obj);
		KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(orig));
		ktest_destroy(test, orig);
	}
	s = ktest_create(test, c->name, 64, 0, 0, NULL);
	KUNIT_EXPECT_EQ(test, rows + !orig, ktest_kslabinfo_rows(test));
	ktest_destroy(test, s);
	KUNIT_EXPECT_EQ(test, rows - !!orig, ktest_kslabinfo_rows(test));
}

/* The alignment SLAB_HWCACHE_ALIGN gives (the kernel's calculate_alignment()). */
static unsigned int hwcache_align(unsigned int size)
{
	unsigned int align = cache_line_size();

	while (size <= align / 2)
		align /= 2;
	return max_t(unsigned int, align, sizeof(void *));
}

/*
 * SLAB_HWCACHE_ALIGN: objects larger than half a cache line start on a
 * line; smaller ones on the smallest power of two fraction of a line
 * that still holds them. The usable size stays what was asked for.
 */
static void cache_hwcache_align(struct kunit *test)
{
	static const unsigned int sizes[] = { 8, 20, 33, 40, 64, 65, 100, 200, 1000, 5000 };
	enum { NR = 64 };
	unsigned int k, i, align;
	struct kslab_cache *s;
	void **objs = ktest_ptrs(test, NR);

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		align = hwcache_align(sizes[k]);
		s = ktest_create(test, "kunit_cache_hwalign", sizes[k], 0,
				 SLAB_HWCACHE_ALIGN, NULL);
		KUNIT_EXPECT_EQ(test, sizes[k], kslab_cache_size(s));
		ktest_alloc_n(test, s, objs, NR);
		for (i = 0; i < NR; i++)
			KUNIT_EXPECT_EQ_MSG(test, 0UL, (unsigned long)objs[i] % align,
					    "size %u: object %u not %u-aligned",
					    sizes[k], i, align);
		ktest_free_n(s, objs, NR);
		ktest_destroy(test, s);
	}
}

/*
 * The other flags kslab accepts now: the cache is created, listed, and
 * works. kslab never merges caches, so two caches of one size, with and
 * without SLAB_NO_MERGE, keep their own rows and their own slabs.
 */
static void cache_flags_accepted(struct kunit *test)
{
	static const slab_flags_t flags[] = {
		SLAB_RECLAIM_ACCOUNT, SLAB_NO_MERGE, SLAB_PANIC, SLAB_TYPESAFE_BY_RCU,
		SLAB_HWCACHE_ALIGN | SLAB_RECLAIM_ACCOUNT | SLAB_NO_MERGE | SLAB_PANIC,
		/* what real file systems pass: ext2's and minix's inode caches */
		SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT,
		SLAB_ACCOUNT | SLAB_MEM_SPREAD | SLAB_HWCACHE_ALIGN,
		SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER,
	};
	enum { NR = 100 };
	struct kslab_cache *a, *b;
	void **objs = ktest_ptrs(test, 2 * NR);
	char *buf, row[KTEST_ROW_MAX];
	unsigned int k, i;

	for (k = 0; k < ARRAY_SIZE(flags); k++) {
		a = ktest_create(test, "kunit_cache_flags_a", 96, 0, flags[k], NULL);
		b = ktest_create(test, "kunit_cache_flags_b", 96, 0, 0, NULL);
		buf = ktest_read_file(test, "/proc/kslabinfo");
		KUNIT_EXPECT_TRUE(test, ktest_find_row(buf, "kunit_cache_flags_a", row));
		KUNIT_EXPECT_TRUE(test, ktest_find_row(buf, "kunit_cache_flags_b", row));
		kunit_kfree(test, buf);
		ktest_alloc_n(test, a, objs, NR);
		ktest_alloc_n(test, b, objs + NR, NR);
		for (i = 0; i < 2 * NR; i++)
			KUNIT_EXPECT_PTR_EQ(test, i < NR ? a : b,
					    page_cache(virt_to_head_page(objs[i])));
		ktest_free_n(a, objs, NR);
		ktest_free_n(b, objs + NR, NR);
		KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(a) + kslab_cache_errors(b));
		KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(a));
		ktest_destroy(test, a);
		ktest_destroy(test, b);
	}
}

struct args_obj {
	unsigned int ctor_mark;
	char user[40];
	u64 tail;
};

#define ARGS_CTOR_MARK	0x5eed1e55

static void args_ctor(void *obj)
{
	((struct args_obj *)obj)->ctor_mark = ARGS_CTOR_MARK;
}

/*
 * kslab_cache_create_args() and kslab_cache_create_usercopy(), the
 * kernel's 6.12 form and its usercopy call: the alignment and the
 * constructor of @args are honoured, NULL @args is no alignment and no
 * constructor, a usercopy region inside the object is accepted (to its
 * last byte), and one that reaches past the object, or overflows, is
 * refused with no cache made.
 */
static void cache_create_args(struct kunit *test)
{
	struct kslab_cache_args args = {
		.align = 64,
		.useroffset = offsetof(struct args_obj, user),
		.usersize = sizeof_field(struct args_obj, user),
		.ctor = args_ctor,
	};
	unsigned int size = sizeof(struct args_obj);
	struct kslab_cache *s;
	struct args_obj *obj;
	unsigned int rows;

	s = kslab_cache_create_args("kunit_cache_args", size, &args,
				    SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ktest_destroy_action, s));
	KUNIT_EXPECT_EQ(test, size, kslab_cache_size(s));
	obj = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_EQ(test, 0UL, (unsigned long)obj & 63);
	KUNIT_EXPECT_EQ(test, ARGS_CTOR_MARK, obj->ctor_mark);
	kslab_cache_free(s, obj);
	ktest_destroy(test, s);

	s = kslab_cache_create_args("kunit_cache_args", size, NULL, 0);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ktest_destroy_action, s));
	obj = kslab_cache_zalloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_EQ(test, 0U, obj->ctor_mark);
	kslab_cache_free(s, obj);
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);

	s = kslab_cache_create_usercopy("kunit_cache_args", size, 0, SLAB_ACCOUNT,
					size - 8, 8, NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ktest_destroy_action, s));
	ktest_destroy(test, s);

	rows = ktest_kslabinfo_rows(test);
	KUNIT_EXPECT_NULL(test, kslab_cache_create_usercopy("kunit_cache_args", size,
							    0, 0, size - 8, 9, NULL));
	KUNIT_EXPECT_NULL(test, kslab_cache_create_usercopy("kunit_cache_args", size,
							    0, 0, size + 1, 1, NULL));
	KUNIT_EXPECT_NULL(test, kslab_cache_create_usercopy("kunit_cache_args", size,
							    0, 0, 8, UINT_MAX, NULL));
	KUNIT_EXPECT_EQ(test, rows, ktest_kslabinfo_rows(test));
}

/* A name is free again once its cache is destroyed; the row goes with it. */
static void cache_name_reuse(struct kunit *test)
{
	unsigned int rows = ktest_kslabinfo_rows(test), i;
	struct kslab_cache *s;
	char *buf, row[KTEST_ROW_MAX];
	void *obj;

	for (i = 0; i < 3; i++) {
		s = ktest_create(test, "kunit_cache_reuse", 32 << i, 0, 0, NULL);
		KUNIT_EXPECT_EQ(test, rows + 1, ktest_kslabinfo_rows(test));
		obj = kslab_cache_alloc(s, GFP_KERNEL);
		KUNIT_EXPECT_NOT_NULL(test, obj);
		kslab_cache_free(s, obj);
		ktest_destroy(test, s);
		buf = ktest_read_file(test, "/proc/kslabinfo");
		KUNIT_EXPECT_FALSE(test, ktest_find_row(buf, "kunit_cache_reuse", row));
		KUNIT_EXPECT_EQ(test, rows, ktest_count_rows(buf));
		kunit_kfree(test, buf);
	}
}

/* kslab keeps its own copy of the name: the creator's buffer may change. */
static void cache_name_copied(struct kunit *test)
{
	char name[32] = "kunit_cache_name_copy", *buf, row[KTEST_ROW_MAX];
	struct kslab_cache *s;

	s = ktest_create(test, name, 64, 0, 0, NULL);
	memset(name, 'x', sizeof(name) - 1);
	buf = ktest_read_file(test, "/proc/kslabinfo");
	KUNIT_EXPECT_TRUE(test, ktest_find_row(buf, "kunit_cache_name_copy", row));
	KUNIT_EXPECT_FALSE(test, ktest_find_row(buf, name, row));
	KUNIT_EXPECT_NULL(test, kslab_cache_create("kunit_cache_name_copy", 64, 0, 0, NULL));
	ktest_destroy(test, s);
}

struct create_race {
	struct kslab_cache **made;	/* one a thread */
	atomic_t ready, left;
	struct completion done;
	unsigned int nr;
};

struct create_racer {
	struct create_race *race;
	unsigned int idx;
};

static int create_race_fn(void *arg)
{
	struct create_racer *r = arg;
	struct create_race *race = r->race;

	/* start together, as far as we can tell */
	atomic_inc(&race->ready);
	while (atomic_read(&race->ready) < race->nr)
		cond_resched();
	race->made[r->idx] = kslab_cache_create("kunit_cache_race", 64, 0, 0, NULL);
	if (atomic_dec_and_test(&race->left))
		complete(&race->done);
	return 0;
}

/* One thread a CPU creates the same name at once: exactly one succeeds. */
static void cache_create_race(struct kunit *test)
{
	unsigned int rows = ktest_kslabinfo_rows(test), i = 0, made = 0, cpu;
	struct create_racer *racers;
	struct create_race *race;
	struct task_struct *task;

	race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, race);
	race->nr = num_online_cpus();
	racers = kunit_kcalloc(test, race->nr, sizeof(*racers), GFP_KERNEL);
	race->made = (struct kslab_cache **)ktest_ptrs(test, race->nr);
	KUNIT_ASSERT_NOT_NULL(test, racers);
	atomic_set(&race->left, race->nr);
	init_completion(&race->done);
	for_each_online_cpu(cpu) {
		if (i == race->nr)
			break;
		racers[i] = (struct create_racer){ race, i };
		task = kthread_run_on_cpu(create_race_fn, &racers[i], cpu,
					  "kslab_create/%u");
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
		i++;
	}
	wait_for_completion(&race->done);
	for (i = 0; i < race->nr; i++)
		made += !!race->made[i];
	KUNIT_EXPECT_EQ(test, 1U, made);
	KUNIT_EXPECT_EQ(test, rows + made, ktest_kslabinfo_rows(test));
	for (i = 0; i < race->nr; i++)
		kslab_cache_destroy(race->made[i]);
	KUNIT_EXPECT_EQ(test, rows, ktest_kslabinfo_rows(test));
}

/* kslab_cache_destroy(NULL) does nothing at all. */
static void cache_destroy_null(struct kunit *test)
{
	unsigned int rows = ktest_kslabinfo_rows(test);
	unsigned long orphans = kslab_cache_errors(NULL);
	long pages = held_pages();

	kslab_cache_destroy(NULL);
	KUNIT_EXPECT_EQ(test, rows, ktest_kslabinfo_rows(test));
	KUNIT_EXPECT_EQ(test, pages, held_pages());
	KUNIT_EXPECT_EQ(test, orphans, kslab_cache_errors(NULL));
}

/*
 * Objects of 64 KiB and more work: every byte usable and kept, and every
 * page given back. A cache of the largest slab's size can be created.
 */
static void cache_large_objects(struct kunit *test)
{
	static const unsigned int sizes[] = { SZ_64K, 100000, SZ_256K, SZ_1M };
	enum { NR = 4 };
	long pages = held_pages();
	struct kslab_cache *s;
	void **objs = ktest_ptrs(test, NR);
	unsigned int k, i;

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		s = ktest_create(test, "kunit_cache_large", sizes[k], 0, 0, NULL);
		KUNIT_EXPECT_EQ(test, sizes[k], kslab_cache_size(s));
		ktest_alloc_n(test, s, objs, NR);
		for (i = 0; i < NR; i++) {
			ktest_stamp(objs[i], sizes[k], k << 8 | i);
			cond_resched();
		}
		for (i = 0; i < NR; i++) {
			KUNIT_EXPECT_EQ_MSG(test, 0UL, ktest_check(objs[i], sizes[k], k << 8 | i),
					    "size %u object %u", sizes[k], i);
			cond_resched();
		}
		KUNIT_EXPECT_EQ(test, (unsigned long)NR, ktest_active(s));
		ktest_free_n(s, objs, NR);
		KUNIT_EXPECT_EQ(test, 0, kslab_cache_shrink(s));
		KUNIT_EXPECT_EQ(test, pages, held_pages());
		KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
		ktest_destroy(test, s);
	}
	s = ktest_create(test, "kunit_cache_largest", LARGEST_SLAB, 0, 0, NULL);
	KUNIT_EXPECT_EQ(test, (unsigned int)LARGEST_SLAB, kslab_cache_size(s));
	ktest_destroy(test, s);
}

struct size_case {
	unsigned int size, align;
	slab_flags_t flags;
	bool ctor;
};

static const struct size_case size_cases[] = {
	{ 1 }, { 13 }, { 24, 0, 0, true }, { 40, 0, SLAB_HWCACHE_ALIGN },
	{ 100, 64 }, { 4097 }, { 9000, 0, 0, true },
};

/* kslab_cache_size() is the size asked for, whatever the layout adds. */
static void cache_size(struct kunit *test)
{
	const struct size_case *c;
	struct kslab_cache *s;
	unsigned int k;
	u8 *obj;

	for (k = 0; k < ARRAY_SIZE(size_cases); k++) {
		c = &size_cases[k];
		s = ktest_create(test, "kunit_cache_size", c->size, c->align,
				 c->flags, c->ctor ? ktest_ctor_nop : NULL);
		KUNIT_EXPECT_EQ(test, c->size, kslab_cache_size(s));
		obj = kslab_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, obj);
		memset(obj, 0x5a, kslab_cache_size(s));
		kslab_cache_free(s, obj);
		KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
		ktest_destroy(test, s);
	}
}

struct leak_free {
	struct kslab_cache *s;
	void **objs;
	unsigned int nr, idx, nr_cpus;
};

/* On one CPU: free this CPU's share of the objects not meant to leak. */
static long leak_free_fn(void *arg)
{
	struct leak_free *lf = arg;
	unsigned int i;

	for (i = 0; i < lf->nr; i += 3)
		if ((i / 3) % lf->nr_cpus == lf->idx)
			kslab_cache_free(lf->s, lf->objs[i]);
	return 0;
}

/*
 * Destroying a cache with live objects: the leak is counted in the
 * cache's errors, the cache leaves /proc/kslabinfo and its name is free,
 * the objects stay valid (stamps intact) and may still be freed, and when
 * the last one is, every page kslab took for the cache is back. The live
 * objects come from both nodes; the freed ones wait in every CPU's
 * magazines when the cache is destroyed.
 */
static void cache_destroy_leaks(struct kunit *test)
{
	enum { NR = 600, SIZE = 200 };
	long pages = held_pages();
	unsigned int rows = ktest_kslabinfo_rows(test), i, cpu;
	struct kslab_cache *s, *again;
	void **objs = ktest_ptrs(test, NR);
	char *buf, row[KTEST_ROW_MAX];
	struct leak_free lf;
	unsigned long errors;
	int nid;

	s = ktest_create(test, "kunit_cache_leak", SIZE, 0, 0, NULL);
	for (i = 0; i < NR; i++) {
		nid = i % nr_node_ids;
		objs[i] = kslab_cache_alloc_node(s, GFP_KERNEL,
						 node_state(nid, N_MEMORY) ? nid : NUMA_NO_NODE);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		ktest_stamp(objs[i], SIZE, i);
	}
	/* every third object freed, by every CPU in turn; the rest leak */
	lf = (struct leak_free){ s, objs, NR, 0, num_online_cpus() };
	for_each_online_cpu(cpu) {
		KUNIT_EXPECT_EQ(test, 0L, work_on_cpu(cpu, leak_free_fn, &lf));
		if (++lf.idx == lf.nr_cpus)
			break;
	}
	KUNIT_EXPECT_EQ(test, (unsigned long)NR - DIV_ROUND_UP(NR, 3), ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));

	/* s stays valid after this: destroyed with live objects */
	ktest_destroy(test, s);
	errors = kslab_cache_errors(s);
	KUNIT_EXPECT_EQ(test, 1UL, errors);
	buf = ktest_read_file(test, "/proc/kslabinfo");
	KUNIT_EXPECT_FALSE(test, ktest_find_row(buf, "kunit_cache_leak", row));
	KUNIT_EXPECT_EQ(test, rows, ktest_count_rows(buf));
	KUNIT_EXPECT_GT(test, held_pages(), pages);
	for (i = 0; i < NR; i++)
		if (i % 3)
			KUNIT_EXPECT_EQ_MSG(test, 0UL, ktest_check(objs[i], SIZE, i),
					    "leaked object %u", i);

	/* the name is free while the leaked objects live on */
	again = ktest_create(test, "kunit_cache_leak", SIZE, 0, 0, NULL);
	objs[0] = kslab_cache_alloc(again, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, objs[0]);

	/* all but the last leaked object; s is released with that one */
	for (i = 1; i < NR - 1; i++) {
		if (!(i % 3))
			continue;
		KUNIT_EXPECT_EQ(test, 0UL, ktest_check(objs[i], SIZE, i));
		kslab_cache_free(s, objs[i]);
	}
	KUNIT_EXPECT_EQ(test, errors, kslab_cache_errors(s));
	KUNIT_EXPECT_EQ(test, 1UL, cache_pages(s) >> s->order);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_check(objs[NR - 1], SIZE, NR - 1));
	kslab_cache_free(s, objs[NR - 1]);
	KUNIT_EXPECT_EQ(test, 1UL, ktest_active(again));
	kslab_cache_free(again, objs[0]);
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(again));
	ktest_destroy(test, again);
	KUNIT_EXPECT_EQ(test, pages, held_pages());
}

static struct kunit_case cache_cases[] = {
	KUNIT_CASE_PARAM(cache_bad_input, bad_gen_params),
	KUNIT_CASE(cache_hwcache_align),
	KUNIT_CASE(cache_flags_accepted),
	KUNIT_CASE(cache_create_args),
	KUNIT_CASE(cache_name_reuse),
	KUNIT_CASE(cache_name_copied),
	KUNIT_CASE(cache_create_race),
	KUNIT_CASE(cache_destroy_null),
	KUNIT_CASE(cache_large_objects),
	KUNIT_CASE(cache_size),
	KUNIT_CASE(cache_destroy_leaks),
	{}
};

static struct kunit_suite cache_suite = {
	.name = "kslab_cache",
	.test_cases = cache_cases,
};

kunit_test_suite(cache_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_cache: creating and destroying kslab caches");
KSLAB_IMPORT_FOR_KUNIT();
