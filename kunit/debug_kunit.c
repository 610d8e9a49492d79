// SPDX-License-Identifier: GPL-2.0
/*
 * debug_kunit.c - KUnit suite kslab_debug, for module/debug.c: each test
 * provokes one bug on purpose in a cache with debug flags (red zones,
 * poison, owner tracking, consistency checks) and asserts it was
 * detected (kslab_cache_errors() grew by exactly one), contained (bytes
 * restored, bad free refused, corrupt object never handed out) and that
 * the cache then still hands out distinct, intact objects and validates
 * clean. Also kslab.debug= parsing and validation under churn.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kallsyms.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/sort.h>
#include <linux/stackdepot.h>
#include <linux/workqueue.h>

#include "kslab_test.h"
#include "debug.h"
#include "fastpath.h"

#define FZPU (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

/*
 * After a bug was caught, the cache must still work: 100 distinct objects
 * that keep every byte, none of them @banned, a clean validation before
 * and after, and no new error.
 */
static void expect_healthy(struct kunit *test, struct kslab_cache *s,
			   void *banned)
{
	enum { NR = 100 };
	unsigned int size = kslab_cache_size(s), i;
	unsigned long errors;
	void **objs;

	objs = kunit_kcalloc(test, NR, sizeof(void *), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	errors = kslab_cache_errors(s);
	for (i = 0; i < NR; i++) {
		objs[i] = kslab_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_PTR_NE(test, objs[i], banned);
		ktest_stamp(objs[i], size, i);
	}
	for (i = 0; i < NR; i++)
		KUNIT_EXPECT_EQ(test, 0UL, ktest_check(objs[i], size, i));
	sort(objs, NR, sizeof(void *), ktest_ptr_cmp, NULL);
	for (i = 1; i < NR; i++)
		KUNIT_EXPECT_PTR_NE(test, objs[i], objs[i - 1]);
	for (i = 0; i < NR; i++)
		kslab_cache_free(s, objs[i]);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, errors, kslab_cache_errors(s));
}

struct flags_case {
	const char *desc;
	slab_flags_t flags;
};

static const struct flags_case redzone_cases[] = {
	{ "Z", SLAB_RED_ZONE },
	{ "FZ", SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE },
	{ "FZPU", FZPU },
};

static void flags_desc(const struct flags_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(redzone, redzone_cases, flags_desc);

/*
 * Object sizes for the checks that read red zones and poison a word at a
 * time when every run is whole words (64), and byte by byte otherwise (61).
 */
static const unsigned int run_sizes[] = { 64, 61 };

/* Writing one byte past the object is caught when it is freed. */
static void debug_redzone_right(struct kunit *test)
{
	const struct flags_case *c = test->param_value;
	struct kslab_cache *s;
	unsigned long e;
	unsigned int i, size;
	u8 *p;

	for (i = 0; i < ARRAY_SIZE(run_sizes); i++) {
		size = run_sizes[i];
		s = ktest_create(test, "kunit_debug_rz_right", size, 0, c->flags, NULL);
		e = kslab_cache_errors(s);
		p = kslab_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		p[size] = 0x88;
		kslab_cache_free(s, p);
		KUNIT_EXPECT_EQ_MSG(test, e + 1, kslab_cache_errors(s), "size %u", size);
		expect_healthy(test, s, NULL);
		ktest_destroy(test, s);
	}
}

/* Writing one byte before the object is caught when it is freed. */
static void debug_redzone_left(struct kunit *test)
{
	const struct flags_case *c = test->param_value;
	struct kslab_cache *s;
	unsigned long e;
	u8 *p;

	s = ktest_create(test, "kunit_debug_rz_left", 40, 0, c->flags, NULL);
	e = kslab_cache_errors(s);
	p = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	p[-1] = 0x88;
	kslab_cache_free(s, p);
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
	expect_healthy(test, s, NULL);
	ktest_destroy(test, s);
}

/* An overflow of a live object is caught by validation, and repaired. */
static void debug_redzone_validate(struct kunit *test)
{
	struct kslab_cache *s;
	unsigned long e;
	u8 *p;

	s = ktest_create(test, "kunit_debug_rz_valid", 24, 0, SLAB_RED_ZONE, NULL);
	e = kslab_cache_errors(s);
	p = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	p[24] = 0;
	KUNIT_EXPECT_EQ(test, 1L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	kslab_cache_free(s, p);
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
	expect_healthy(test, s, NULL);
	ktest_destroy(test, s);
}

static const unsigned int poison_offsets[] = { 0, 31, 63 };

static void offset_desc(const unsigned int *off, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "byte %u of 64", *off);
}

KUNIT_ARRAY_PARAM(poison, poison_offsets, offset_desc);

/* A write into a freed object is caught by validation and repaired. */
static void debug_poison_validate(struct kunit *test)
{
	unsigned int off = *(const unsigned int *)test->param_value;
	struct kslab_cache *s;
	unsigned long e;
	u8 *p, *keep;

	s = ktest_create(test, "kunit_debug_poison_v", 64, 0, SLAB_POISON, NULL);
	e = kslab_cache_errors(s);
	keep = kslab_cache_alloc(s, GFP_KERNEL);	/* keeps the slab */
	p = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, keep);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kslab_cache_free(s, p);
	p[off] = 0x11;		/* use after free */
	KUNIT_EXPECT_EQ(test, 1L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
	expect_healthy(test, s, NULL);
	kslab_cache_free(s, keep);
	ktest_destroy(test, s);
}

/*
 * A write into a freed object is caught when the object would be handed
 * out again: it is quarantined, never handed out, whoever wrote to it,
 * and marked so for a crash dump's readers (KSLAB_QUARANTINE_MAGIC).
 */
static void debug_poison_alloc(struct kunit *test)
{
	unsigned int off = *(const unsigned int *)test->param_value;
	struct kslab_cache *s;
	unsigned long e;
	u8 *p, *q, *keep;

	s = ktest_create(test, "kunit_debug_poison_a", 64, 0,
			 SLAB_POISON | SLAB_CONSISTENCY_CHECKS, NULL);
	e = kslab_cache_errors(s);
	keep = kslab_cache_alloc(s, GFP_KERNEL);
	p = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, keep);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kslab_cache_free(s, p);
	p[off] = 0x11;
	q = kslab_cache_alloc(s, GFP_KERNEL);	/* p heads the free list */
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_PTR_NE(test, q, p);
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
	KUNIT_EXPECT_GT(test, atomic_long_read(&s->quarantined), 0L);
	KUNIT_EXPECT_EQ(test, KSLAB_QUARANTINE_MAGIC, *(unsigned long *)p);
	kslab_cache_free(s, q);
	expect_healthy(test, s, p);
	kslab_cache_free(s, keep);
	ktest_destroy(test, s);
}

static const unsigned int next_pointer_pos[] = { 0, 1 };

static void pos_desc(const unsigned int *pos, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "free list object %u", *pos);
}

KUNIT_ARRAY_PARAM(next_pointer, next_pointer_pos, pos_desc);

/*
 * The kernel's test_next_pointer (lib/slub_kunit.c), on kslab: the free
 * pointer of an object on a slab's free list corrupted, here the head's
 * and the next one's. Validation finds one error and cuts the list at that
 * object: it and those before it stay free (only its link is bad) and are
 * handed out next, in order; only the objects beyond are quarantined. A
 * second validation is clean. With the pointer put back the quarantined
 * objects are on the list again: one error (counts disagree with the
 * list), repaired, then clean again.
 */
static void debug_next_pointer(struct kunit *test)
{
	unsigned int pos = *(const unsigned int *)test->param_value, objects, i;
	unsigned long e, tmp, *ptr;
	struct kslab_cache *s;
	struct slab_meta *m;
	struct page *page;
	void *obj[2], *x;
	long q;
	int nid;

	s = ktest_create(test, "kunit_debug_next_ptr", 64, 0, SLAB_POISON, NULL);
	objects = s->objects;
	nid = numa_mem_id();	/* every allocation from there, wherever it runs */
	for (i = 0; i < 2; i++) {
		obj[i] = kslab_cache_alloc_node(s, GFP_KERNEL, nid);
		KUNIT_ASSERT_NOT_NULL(test, obj[i]);
	}
	page = virt_to_head_page(obj[0]);
	KUNIT_ASSERT_PTR_EQ(test, page, virt_to_head_page(obj[1]));
	m = page_meta(page);
	kslab_cache_free(s, obj[1]);
	kslab_cache_free(s, obj[0]);	/* the list: obj[0], obj[1], the rest */
	e = kslab_cache_errors(s);
	q = atomic_long_read(&s->quarantined);
	ptr = obj[pos] + s->offset;
	tmp = *ptr;
	*(u8 *)ptr = ~*(u8 *)ptr;

	KUNIT_EXPECT_EQ(test, 1L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
	KUNIT_EXPECT_EQ(test, q + objects - pos - 1, atomic_long_read(&s->quarantined));
	KUNIT_EXPECT_EQ(test, objects - pos - 1, (unsigned int)m->inuse);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	for (i = 0; i <= pos; i++) {
		x = kslab_cache_alloc_node(s, GFP_KERNEL, nid);
		KUNIT_ASSERT_PTR_EQ_MSG(test, obj[i], x, "object %u of the list", i);
	}
	x = kslab_cache_alloc_node(s, GFP_KERNEL, nid);	/* the slab is full now */
	KUNIT_ASSERT_NOT_NULL(test, x);
	KUNIT_EXPECT_PTR_NE(test, page, virt_to_head_page(x));
	kslab_cache_free(s, x);
	for (i = pos + 1; i-- > 0;)
		kslab_cache_free(s, obj[i]);	/* the list: obj[0], obj[pos] */

	*ptr = tmp;		/* obj[pos] links to the quarantined ones again */
	KUNIT_EXPECT_EQ(test, 1L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, e + 2, kslab_cache_errors(s));
	KUNIT_EXPECT_EQ(test, 0U, (unsigned int)m->inuse);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, e + 2, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

static atomic_t ctor_overflows;

/* A constructor that writes one byte past the first object it builds. */
static void ctor_overflow(void *obj)
{
	if (atomic_dec_if_positive(&ctor_overflows) >= 0)
		((u8 *)obj)[64] = 0x88;
}

/*
 * An object of a new slab that fails its checks on the way out (its red
 * zone overwritten by the constructor) is quarantined: counted in use by
 * its slab and by its node alike, so the node's count stays the sum of its
 * slabs' (validation clean) and the cache holds live + quarantined objects,
 * which is what destroy reads its leaks from.
 */
static void debug_ctor_overflow(struct kunit *test)
{
	struct cache_info info;
	struct kslab_cache *s;
	unsigned long e;
	unsigned int nr;
	void **objs;

	atomic_set(&ctor_overflows, 1);
	s = ktest_create(test, "kunit_debug_ctor_rz", 64, 0, SLAB_RED_ZONE,
			 ctor_overflow);
	nr = s->objects;
	objs = ktest_ptrs(test, nr);
	e = kslab_cache_errors(s);
	KUNIT_ASSERT_EQ(test, (int)nr, kslab_cache_alloc_bulk(s, GFP_KERNEL, nr, objs));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&ctor_overflows));
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
	KUNIT_EXPECT_EQ(test, 1L, atomic_long_read(&s->quarantined));
	cache_info(s, &info);
	KUNIT_EXPECT_EQ(test, nr + 1UL, info.inuse_objs);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));

	kslab_cache_free_bulk(s, nr - 1, objs + 1);	/* objs[0] stays live */
	kslab_cache_shrink(s);		/* none held in magazines */
	cache_info(s, &info);
	KUNIT_EXPECT_EQ(test, 2UL, info.inuse_objs);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	kslab_cache_free(s, objs[0]);
	kslab_cache_shrink(s);
	cache_info(s, &info);
	KUNIT_EXPECT_EQ(test, 1UL, info.inuse_objs);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

static const struct flags_case double_free_cases[] = {
	{ "F", SLAB_CONSISTENCY_CHECKS },
	{ "Z", SLAB_RED_ZONE },
	{ "FZPU", FZPU },
};

KUNIT_ARRAY_PARAM(double_free, double_free_cases, flags_desc);

/* A double free, even not the last free, is refused: no object twice. */
static void debug_double_free(struct kunit *test)
{
	const struct flags_case *c = test->param_value;
	struct kslab_cache *s;
	unsigned long e;
	void *a, *b;

	s = ktest_create(test, "kunit_debug_dfree", 48, 0, c->flags, NULL);
	e = kslab_cache_errors(s);
	a = kslab_cache_alloc(s, GFP_KERNEL);
	b = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	kslab_cache_free(s, a);
	kslab_cache_free(s, b);
	kslab_cache_free(s, a);		/* a is free, but not last */
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
	expect_healthy(test, s, NULL);
	ktest_destroy(test, s);
}

/* A pointer into the middle of an object is refused; the object lives on. */
static void debug_interior_free(struct kunit *test)
{
	struct kslab_cache *s;
	unsigned long e;
	u8 *p;

	s = ktest_create(test, "kunit_debug_interior", 96, 0, FZPU, NULL);
	e = kslab_cache_errors(s);
	p = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	ktest_stamp(p, 96, 7);
	kslab_cache_free(s, p + 8);
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_check(p, 96, 7));
	kslab_cache_free(s, p);
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
	expect_healthy(test, s, NULL);
	ktest_destroy(test, s);
}

/* An object of another cache is refused; both caches work on. */
static void debug_foreign_free(struct kunit *test)
{
	struct kslab_cache *a, *b;
	unsigned long e;
	void *p;

	a = ktest_create(test, "kunit_debug_foreign_a", 64, 0, FZPU, NULL);
	b = ktest_create(test, "kunit_debug_foreign_b", 64, 0, FZPU, NULL);
	e = kslab_cache_errors(b);
	p = kslab_cache_alloc(a, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kslab_cache_free(b, p);
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(b));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(a));
	kslab_cache_free(a, p);
	expect_healthy(test, a, NULL);
	expect_healthy(test, b, NULL);
	ktest_destroy(test, b);
	ktest_destroy(test, a);
}

/* Owner tracking records who allocated and freed, and where from. */
static const struct flags_case store_user_cases[] = {
	{ "U", SLAB_STORE_USER },
	{ "ZPU", SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER },
};

KUNIT_ARRAY_PARAM(store_user, store_user_cases, flags_desc);

/* The stack of a track begins with kslab's caller, not with kslab. */
static void expect_stack_from(struct kunit *test, struct kslab_track *t,
			      const char *want)
{
	unsigned long *entries;
	char sym[KSYM_SYMBOL_LEN];

	KUNIT_ASSERT_NE(test, 0U, t->handle);
	KUNIT_ASSERT_GT(test, stack_depot_fetch(t->handle, &entries), 0U);
	snprintf(sym, sizeof(sym), "%ps", (void *)entries[0]);
	KUNIT_EXPECT_STREQ(test, sym, want);
}

static void debug_store_user(struct kunit *test)
{
	const struct flags_case *c = test->param_value;
	struct kslab_cache *s;
	struct kslab_track *t;
	char *sym, *want;
	void *p, *keep;

	sym = kunit_kzalloc(test, KSYM_SYMBOL_LEN, GFP_KERNEL);
	want = kunit_kzalloc(test, KSYM_SYMBOL_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sym);
	KUNIT_ASSERT_NOT_NULL(test, want);
	s = ktest_create(test, "kunit_debug_user", 32, 0, c->flags, NULL);
	keep = kslab_cache_alloc(s, GFP_KERNEL);
	p = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	t = (struct kslab_track *)(p + s->track_offset);
	snprintf(want, KSYM_SYMBOL_LEN, "%s [%s]", __func__, KBUILD_MODNAME);
	snprintf(sym, KSYM_SYMBOL_LEN, "%ps", (void *)t[KSLAB_TRACK_ALLOC].addr);
	KUNIT_EXPECT_STREQ(test, sym, want);
	KUNIT_EXPECT_EQ(test, current->pid, t[KSLAB_TRACK_ALLOC].pid);
	expect_stack_from(test, &t[KSLAB_TRACK_ALLOC], want);
	KUNIT_EXPECT_EQ(test, 0UL, t[KSLAB_TRACK_FREE].addr);
	kslab_cache_free(s, p);
	snprintf(sym, KSYM_SYMBOL_LEN, "%ps", (void *)t[KSLAB_TRACK_FREE].addr);
	KUNIT_EXPECT_STREQ(test, sym, want);
	expect_stack_from(test, &t[KSLAB_TRACK_FREE], want);
	kslab_cache_free(s, keep);
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/*
 * Leaked objects at destroy are reported (one error) and their memory is
 * kept and usable; freeing them afterwards gives every page back.
 */
static void debug_leak_destroy(struct kunit *test)
{
	long pages = held_pages();
	struct kslab_cache *s;
	void *p[3];
	unsigned long e;
	int i;

	s = ktest_create(test, "kunit_debug_leak", 200, 0, SLAB_STORE_USER, NULL);
	for (i = 0; i < 3; i++) {
		p[i] = kslab_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		ktest_stamp(p[i], 200, i);
	}
	e = kslab_cache_errors(s);
	ktest_destroy(test, s);		/* the struct lives on: objects do */
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
	KUNIT_EXPECT_PTR_EQ(test, NULL, kslab_cache_alloc(s, GFP_KERNEL));
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, 0UL, ktest_check(p[i], 200, i));
		kslab_cache_free(s, p[i]);
	}
	KUNIT_EXPECT_EQ(test, pages, held_pages());
}

/* SLAB_TRACE logs every call and changes nothing else. */
static void debug_trace(struct kunit *test)
{
	struct kslab_cache *s;
	void *p;

	s = ktest_create(test, "kunit_debug_trace", 16, 0, SLAB_TRACE, NULL);
	p = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kslab_cache_free(s, p);
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	expect_healthy(test, s, NULL);
	ktest_destroy(test, s);
}

/* kslab.debug= has slub_debug's syntax. */
static void debug_param_syntax(struct kunit *test)
{
	const long fz = (__force long)(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	const long p = (__force long)SLAB_POISON, u = (__force long)SLAB_STORE_USER;

	KUNIT_EXPECT_EQ(test, 0L, debug_parse("", "a"));
	KUNIT_EXPECT_EQ(test, fz, debug_parse("FZ", "a"));
	KUNIT_EXPECT_EQ(test, fz, debug_parse("fz", "a"));
	KUNIT_EXPECT_EQ(test, p, debug_parse("FZ;P,foo*", "foobar"));
	KUNIT_EXPECT_EQ(test, fz, debug_parse("FZ;P,foo*", "bar"));
	KUNIT_EXPECT_EQ(test, u, debug_parse("U,a,b;Z,c", "b"));
	KUNIT_EXPECT_EQ(test, 0L, debug_parse("U,a,b;Z,c", "d"));
	KUNIT_EXPECT_EQ(test, 0L, debug_parse("FZPU;-,kmalloc-*", "kmalloc-64"));
	KUNIT_EXPECT_EQ(test, -EINVAL, debug_parse("Q", NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, debug_parse("F,", NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, debug_parse("F,a,,b", NULL));
}

/*
 * Validation running over and over while every CPU churns the cache (debug
 * and not; kslab_kmalloc()'s objects, red-zoned past the size asked for,
 * too): it reports nothing, and no object loses a byte.
 */
struct churn {
	struct kslab_cache *s;
	unsigned int kmalloc;	/* kslab_kmalloc()'s size asked for, or 0 */
	atomic_t bad;
	atomic_t running;
	bool stop;
};

static int churn_fn(void *arg)
{
	struct churn *ch = arg;
	unsigned int size = ch->kmalloc ?: kslab_cache_size(ch->s), i, seq = 0;
	void *held[64] = {};
	u32 seeds[64] = {};

	while (!READ_ONCE(ch->stop)) {
		i = get_random_u32_below(ARRAY_SIZE(held));
		if (held[i]) {
			if (ktest_check(held[i], size, seeds[i]))
				atomic_inc(&ch->bad);
			kslab_cache_free(ch->s, held[i]);
		}
		held[i] = kslab_cache_alloc(ch->s, GFP_KERNEL);
		/* then, as kslab_kmalloc(): red-zoned past ch->kmalloc */
		if (held[i] && ch->kmalloc)
			debug_kmalloc(ch->s, held[i], ch->kmalloc);
		seeds[i] = ++seq;
		if (held[i])
			ktest_stamp(held[i], size, seeds[i]);
		if (!(seq % 32))
			cond_resched();
	}
	for (i = 0; i < ARRAY_SIZE(held); i++) {
		if (held[i] && ktest_check(held[i], size, seeds[i]))
			atomic_inc(&ch->bad);
		kslab_cache_free(ch->s, held[i]);
	}
	atomic_dec(&ch->running);
	return 0;
}

static const struct flags_case churn_cases[] = {
	{ "no debug", 0 },
	{ "FZPU", FZPU },
	{ "ZP kmalloc", SLAB_RED_ZONE | SLAB_POISON | SLAB_KMALLOC },
	{ "FZPU kmalloc", FZPU | SLAB_KMALLOC },
};

KUNIT_ARRAY_PARAM(churn, churn_cases, flags_desc);

static void debug_validate_churn(struct kunit *test)
{
	const struct flags_case *c = test->param_value;
	struct churn *ch;
	unsigned long end;
	unsigned int cpu, rounds = 0;
	struct task_struct *t;
	long found = 0;

	ch = kunit_kzalloc(test, sizeof(*ch), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ch);
	ch->s = ktest_create(test, "kunit_debug_churn", 88, 0, c->flags, NULL);
	if (c->flags & SLAB_KMALLOC)
		ch->kmalloc = 30;
	for_each_online_cpu(cpu) {
		atomic_inc(&ch->running);
		t = kthread_run_on_cpu(churn_fn, ch, cpu, "kslab_churn/%u");
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	end = jiffies + msecs_to_jiffies(1500);
	while (rounds < 3 || time_before(jiffies, end)) {
		found += kslab_cache_validate(ch->s);
		rounds++;
	}
	WRITE_ONCE(ch->stop, true);
	while (atomic_read(&ch->running))
		msleep(20);
	KUNIT_EXPECT_EQ(test, 0L, found);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&ch->bad));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(ch->s));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(ch->s));
	ktest_destroy(test, ch->s);
}

/*
 * One thread's share of a big cache's objects (slots stamped with their
 * number), freed at random and refilled less often: the cache drains, so
 * slabs all over its lists move from full to partial to empty, and the
 * first partial ones fill up again.
 */
struct spread {
	struct churn *ch;
	void **objs;		/* all the slots: this thread's are */
	unsigned int first;	/* @first, @first + @stride, ... */
	unsigned int stride;
	unsigned int nr;	/* how many */
};

static int spread_fn(void *arg)
{
	struct spread *sp = arg;
	struct churn *ch = sp->ch;
	unsigned int size = kslab_cache_size(ch->s), i, ops = 0;

	while (!READ_ONCE(ch->stop)) {
		i = sp->first + sp->stride * get_random_u32_below(sp->nr);
		if (sp->objs[i]) {
			if (ktest_check(sp->objs[i], size, i))
				atomic_inc(&ch->bad);
			kslab_cache_free(ch->s, sp->objs[i]);
			sp->objs[i] = NULL;
		} else if (!get_random_u32_below(4)) {
			sp->objs[i] = kslab_cache_alloc(ch->s, GFP_KERNEL);
			if (sp->objs[i])
				ktest_stamp(sp->objs[i], size, i);
		}
		if (!(++ops % 32))
			cond_resched();
	}
	atomic_dec(&ch->running);
	return 0;
}

/* Read a whole file and throw it away. Return: 0 or -errno. */
static int read_discard(const char *path)
{
	struct file *f = compat_filp_open(path, O_RDONLY, 0);
	loff_t pos = 0;
	ssize_t n;
	char *buf;

	if (IS_ERR(f))
		return PTR_ERR(f);
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	n = buf ? 1 : -ENOMEM;
	while (n > 0)
		n = f->f_op->read_iter ? kernel_read(f, buf, PAGE_SIZE, &pos) :
					 ktest_seq_read(f, buf, PAGE_SIZE, &pos);
	kfree(buf);
	filp_close(f, NULL);
	return n;
}

#define CHURN_BIG_PARTIAL "/sys/kernel/kslab/kunit_debug_churn_big/objects_partial"
#define CHURN_BIG_TRACES "/sys/kernel/debug/kslab/kunit_debug_churn_big/alloc_traces"

/* The walks of debug_validate_churn_big(), on a CPU a spread_fn() shares. */
struct walks {
	struct churn *ch;
	bool traces;
	long found;
	int read_errors;
	unsigned int rounds;
	struct completion done;
};

static int walks_fn(void *arg)
{
	struct walks *w = arg;
	unsigned long end = jiffies + msecs_to_jiffies(1500);

	while (w->rounds < 3 || time_before(jiffies, end)) {
		w->found += kslab_cache_validate(w->ch->s);
		w->read_errors += !!read_discard(CHURN_BIG_PARTIAL);
		if (w->traces)
			w->read_errors += !!read_discard(CHURN_BIG_TRACES);
		w->rounds++;
	}
	complete(&w->done);
	return 0;
}

/*
 * Validation, objects_partial and alloc_traces on a big cache (thousands
 * of slabs), walking each node in many holds of its lock, while threads on
 * every CPU free and allocate all over it; one of them shares the walks'
 * CPU, so it runs while a walk waits (cond_resched()) with its cursor
 * marked, and empties or fills slabs the walk has yet to see, the cursor
 * among them. Nothing is reported, no object loses a byte, and once the
 * threads stop, validation is clean and objects_partial exact.
 */
static void debug_validate_churn_big(struct kunit *test)
{
	enum { NR = 32000 };
	const struct flags_case *c = test->param_value;
	unsigned long partial, shown, flags;
	unsigned int cpu, per, size, i;
	struct task_struct *t;
	struct kslab_node *n;
	struct spread *sp;
	struct page *page;
	struct churn *ch;
	struct walks *w;
	void **objs;
	char *buf;
	int nid;

	objs = ktest_ptrs(test, NR);
	ch = kunit_kzalloc(test, sizeof(*ch), GFP_KERNEL);
	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	sp = kunit_kcalloc(test, nr_cpu_ids, sizeof(*sp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ch);
	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_ASSERT_NOT_NULL(test, sp);
	ch->s = ktest_create(test, "kunit_debug_churn_big", 88, 0, c->flags, NULL);
	size = kslab_cache_size(ch->s);
	ktest_alloc_n(test, ch->s, objs, NR);
	for (i = 0; i < NR; i++)
		ktest_stamp(objs[i], size, i);
	/* every slab holds slots of every thread */
	per = NR / num_online_cpus();
	i = 0;
	for_each_online_cpu(cpu) {
		sp[cpu] = (struct spread){ .ch = ch, .objs = objs, .first = i++,
					   .stride = num_online_cpus(), .nr = per };
		atomic_inc(&ch->running);
		t = kthread_run_on_cpu(spread_fn, &sp[cpu], cpu, "kslab_spread/%u");
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	w->ch = ch;
	w->traces = c->flags & SLAB_STORE_USER;
	init_completion(&w->done);
	t = kthread_run_on_cpu(walks_fn, w, cpumask_first(cpu_online_mask), "kslab_walks");
	if (!IS_ERR(t))
		wait_for_completion(&w->done);
	WRITE_ONCE(ch->stop, true);
	while (atomic_read(&ch->running))
		msleep(20);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	KUNIT_EXPECT_EQ(test, 0L, w->found);
	KUNIT_EXPECT_EQ(test, 0, w->read_errors);
	KUNIT_EXPECT_GE(test, w->rounds, 3U);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&ch->bad));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(ch->s));
	kslab_cache_shrink(ch->s);	/* magazines into the slabs: quiet */
	partial = 0;
	for_each_node(nid) {
		n = ch->s->node[nid];
		spin_lock_irqsave(&n->list_lock, flags);
		list_for_each_entry(page, &n->partial, lru)
			partial += page_meta(page)->inuse;
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	buf = ktest_read_file(test, CHURN_BIG_PARTIAL);
	buf[strcspn(buf, "\n ")] = 0;
	KUNIT_EXPECT_EQ(test, 0, kstrtoul(buf, 10, &shown));
	KUNIT_EXPECT_EQ(test, partial, shown);
	kunit_kfree(test, buf);
	for (i = 0; i < NR; i++) {
		if (!objs[i])
			continue;
		KUNIT_EXPECT_EQ(test, 0UL, ktest_check(objs[i], size, i));
		kslab_cache_free(ch->s, objs[i]);
	}
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(ch->s));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(ch->s));
	ktest_destroy(test, ch->s);
}

static const struct flags_case magazine_cases[] = {
	{ "ZP", SLAB_RED_ZONE | SLAB_POISON },
	{ "ZPU", SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER },
	{ "FZPU", FZPU },
};

KUNIT_ARRAY_PARAM(magazine, magazine_cases, flags_desc);

/* Objects off the free lists of every node: live and held in magazines. */
static unsigned long nodes_inuse(struct kslab_cache *s)
{
	unsigned long inuse = 0;
	int nid;

	for_each_node(nid)
		inuse += READ_ONCE(s->node[nid]->inuse);
	return inuse;
}

/*
 * A debug cache with red zones keeps its magazines: an object freed stays
 * off its slab's free list, held, laid out free (a validation finds it
 * clean), and is the next one handed out, checked again.
 */
static void debug_magazine_held(struct kunit *test)
{
	const struct flags_case *c = test->param_value;
	struct kslab_cache *s;
	unsigned long e, inuse;
	void *keep, *p, *q;

	s = ktest_create(test, "kunit_debug_mag", 64, 0, c->flags, NULL);
	e = kslab_cache_errors(s);
	keep = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, keep);
	migrate_disable();	/* the free and the alloc on one CPU */
	p = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	inuse = nodes_inuse(s);
	kslab_cache_free(s, p);
	/* held: still off the free list (without magazines: inuse - 1) */
	KUNIT_EXPECT_EQ(test, inuse, nodes_inuse(s));
	q = kslab_cache_alloc(s, GFP_KERNEL);
	migrate_enable();
	KUNIT_EXPECT_PTR_EQ(test, q, p);
	kslab_cache_free(s, q);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, e, kslab_cache_errors(s));
	expect_healthy(test, s, NULL);
	kslab_cache_free(s, keep);
	ktest_destroy(test, s);
}

/*
 * Its pops and pushes are fast-path ones (cpu_alloc_checked(),
 * cpu_free_checked()): counted as such, the object still checked (a
 * validation finds the objects clean, no error counted).
 */
static void debug_magazine_fastpath(struct kunit *test)
{
	const struct flags_case *c = test->param_value;
	unsigned long e, fast_alloc, fast_free;
	struct kslab_cache *s;
	void *p, *q;

	s = ktest_create(test, "kunit_debug_fast", 64, 0, c->flags, NULL);
	e = kslab_cache_errors(s);
	p = kslab_cache_alloc(s, GFP_KERNEL);	/* a slab, magazines loaded */
	KUNIT_ASSERT_NOT_NULL(test, p);
	migrate_disable();
	kslab_cache_free(s, p);
	fast_alloc = stat_sum(s, KSLAB_ALLOC_FASTPATH);
	fast_free = stat_sum(s, KSLAB_FREE_FASTPATH);
	p = kslab_cache_alloc(s, GFP_KERNEL);
	q = kslab_cache_alloc(s, GFP_KERNEL);
	kslab_cache_free(s, q);
	kslab_cache_free(s, p);
	KUNIT_EXPECT_EQ(test, fast_alloc + 2, stat_sum(s, KSLAB_ALLOC_FASTPATH));
	KUNIT_EXPECT_EQ(test, fast_free + 2, stat_sum(s, KSLAB_FREE_FASTPATH));
	migrate_enable();
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, e, kslab_cache_errors(s));
	expect_healthy(test, s, NULL);
	ktest_destroy(test, s);
}

/*
 * kslab_kzalloc() of 30 bytes from a kmalloc cache with red zones, as
 * kslab_kmalloc() makes it (cpu_alloc_sized() with the size): the bytes
 * asked for are zeroed, the rest is red zone, on the slow path (the first
 * allocation) and on the magazine's fast path (the second) alike.
 */
static void debug_magazine_kzalloc(struct kunit *test)
{
	const struct flags_case *c = test->param_value;
	struct kslab_cache *s;
	unsigned long e;
	bool zeroed[2] = {};
	void *p[2];
	int i;

	s = ktest_create(test, "kunit_debug_kzalloc", 64, 0,
			 c->flags | SLAB_KMALLOC, NULL);
	e = kslab_cache_errors(s);
	migrate_disable();
	for (i = 0; i < 2; i++) {
		p[i] = cpu_alloc_sized(s, GFP_ATOMIC | __GFP_ZERO, NUMA_NO_NODE,
				       _THIS_IP_, 30);
		if (p[i]) {
			zeroed[i] = !memchr_inv(p[i], 0, 30);
			kslab_cache_free(s, p[i]);
		}
	}
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, p[0]);
	KUNIT_EXPECT_PTR_EQ(test, p[0], p[1]);	/* the magazine's top again */
	KUNIT_EXPECT_TRUE(test, zeroed[0]);
	KUNIT_EXPECT_TRUE(test, zeroed[1]);
	KUNIT_EXPECT_EQ(test, e, kslab_cache_errors(s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	expect_healthy(test, s, NULL);
	ktest_destroy(test, s);
}

struct cpu_free {
	struct kslab_cache *s;
	void *obj;
};

static long cpu_free_fn(void *arg)
{
	struct cpu_free *f = arg;

	kslab_cache_free(f->s, f->obj);
	return 0;
}

/*
 * A double free on another CPU than the first, the object held in the
 * first CPU's magazine: caught (its red zone says free), refused, and the
 * object is in one magazine only (flushing them all finds no second copy).
 */
static void debug_magazine_double_free_cpus(struct kunit *test)
{
	const struct flags_case *c = test->param_value;
	struct cpu_free f;
	unsigned int cpu0, cpu1;
	unsigned long e;

	cpu0 = cpumask_first(cpu_online_mask);
	cpu1 = cpumask_next(cpu0, cpu_online_mask);
	if (cpu1 >= nr_cpu_ids)
		kunit_skip(test, "one CPU online");
	f.s = ktest_create(test, "kunit_debug_mag_df", 48, 0, c->flags, NULL);
	e = kslab_cache_errors(f.s);
	f.obj = kslab_cache_alloc(f.s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f.obj);
	work_on_cpu(cpu0, cpu_free_fn, &f);
	KUNIT_EXPECT_EQ(test, e, kslab_cache_errors(f.s));
	work_on_cpu(cpu1, cpu_free_fn, &f);
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(f.s));
	kslab_cache_shrink(f.s);
	KUNIT_EXPECT_EQ(test, 0UL, nodes_inuse(f.s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(f.s));
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(f.s));
	expect_healthy(test, f.s, NULL);
	ktest_destroy(test, f.s);
}

/*
 * A write into a freed object held in a magazine: a validation finds it
 * (and restores it); a second write is caught when the object would be
 * handed out again, and the object is quarantined.
 */
static void debug_magazine_write_after_free(struct kunit *test)
{
	const struct flags_case *c = test->param_value;
	struct kslab_cache *s;
	unsigned long e;
	unsigned int i;
	u8 *keep, *p, *q;

	for (i = 0; i < ARRAY_SIZE(run_sizes); i++) {
		s = ktest_create(test, "kunit_debug_mag_waf", run_sizes[i], 0,
				 c->flags, NULL);
		e = kslab_cache_errors(s);
		keep = kslab_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, keep);
		migrate_disable();
		p = kslab_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		kslab_cache_free(s, p);
		p[5] = 0x11;
		KUNIT_EXPECT_EQ(test, 1L, kslab_cache_validate(s));
		KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
		p[7] = 0x22;
		q = kslab_cache_alloc(s, GFP_KERNEL);
		migrate_enable();
		KUNIT_ASSERT_NOT_NULL(test, q);
		KUNIT_EXPECT_PTR_NE(test, q, p);
		KUNIT_EXPECT_EQ_MSG(test, e + 2, kslab_cache_errors(s), "size %u",
				    run_sizes[i]);
		KUNIT_EXPECT_EQ(test, 1L, atomic_long_read(&s->quarantined));
		kslab_cache_free(s, q);
		expect_healthy(test, s, p);
		kslab_cache_free(s, keep);
		ktest_destroy(test, s);
	}
}

/*
 * The runs a magazine's edge checks, word by word (debug_runs_pop(),
 * debug_runs_free() in a lean cache; debug_mag_pop() and
 * debug_mag_free() in the others): one byte written in each, in layouts
 * where every run is longer than a word (64 B aligned to 64: eight words
 * of left red zone, six of padding), or the poison is (256 B: 31 words),
 * or shorter than four (16 B).
 */
static const struct flags_case runs_cases[] = {
	{ "Z", SLAB_RED_ZONE },
	{ "ZP", SLAB_RED_ZONE | SLAB_POISON },
	{ "FZP", SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON },
	{ "ZPU", SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER },
};

KUNIT_ARRAY_PARAM(runs, runs_cases, flags_desc);

static const struct {
	unsigned int size, align;
} runs_layouts[] = { { 64, 64 }, { 256, 0 }, { 16, 0 } };

/* Where to write in @s: @live bytes of a live object's, or a free one's. */
static unsigned int runs_offsets(struct kslab_cache *s, bool live, int *off)
{
	int slot_end = s->size - s->red_left_pad, pad, n = 0;

	off[n++] = -1;				/* left red zone, its last word */
	off[n++] = -(int)s->red_left_pad / 2;	/* ... a middle one */
	off[n++] = -(int)s->red_left_pad;	/* ... the claim word */
	off[n++] = s->object_size;		/* right red zone */
	off[n++] = s->inuse - 1;
	if (s->flags & SLAB_POISON) {
		pad = s->flags & SLAB_STORE_USER ?
		      s->track_offset + 2 * sizeof(struct kslab_track) :
		      s->offset + sizeof(void *);
		off[n++] = slot_end - 1;	/* padding, its last word */
		off[n++] = pad + 8 * ((slot_end - pad) / 16);	/* a middle one */
		off[n++] = pad;			/* its first */
	}
	if (!live && s->poison) {
		off[n++] = 0;			/* poison */
		off[n++] = s->object_size / 2 + 3;
		off[n++] = s->object_size - 9;
		off[n++] = s->object_size - 1;	/* POISON_END */
	}
	return n;
}

/*
 * One byte written in a free object on top of the magazine: the pop sees
 * it, never hands the object out, counts one error. Written in a live
 * object's red zones or padding: its free counts one error, repairs
 * them, and the cache validates clean.
 */
static void debug_magazine_runs(struct kunit *test)
{
	const struct flags_case *c = test->param_value;
	struct kslab_cache *s;
	unsigned int l, i, n;
	unsigned long e;
	u8 *keep, *p, *q;
	int off[16];
	bool live;

	for (l = 0; l < ARRAY_SIZE(runs_layouts); l++) {
		s = ktest_create(test, "kunit_debug_runs", runs_layouts[l].size,
				 runs_layouts[l].align, c->flags, NULL);
		keep = kslab_cache_alloc(s, GFP_KERNEL);	/* a slab */
		KUNIT_ASSERT_NOT_NULL(test, keep);
		for (live = false; ; live = true) {
			n = runs_offsets(s, live, off);
			for (i = 0; i < n; i++) {
				e = kslab_cache_errors(s);
				migrate_disable();
				p = kslab_cache_alloc(s, GFP_KERNEL);
				if (!p) {
					migrate_enable();
					KUNIT_FAIL(test, "out of memory");
					break;
				}
				if (live) {
					p[off[i]] ^= 0x11;
					kslab_cache_free(s, p);
					migrate_enable();
					KUNIT_EXPECT_EQ_MSG(test, 0L, kslab_cache_validate(s),
							    "size %u live offset %d",
							    runs_layouts[l].size, off[i]);
				} else {
					kslab_cache_free(s, p);
					p[off[i]] ^= 0x11;
					q = kslab_cache_alloc(s, GFP_KERNEL);
					migrate_enable();
					KUNIT_EXPECT_PTR_NE_MSG(test, q, p,
								"size %u free offset %d",
								runs_layouts[l].size, off[i]);
					if (q)
						kslab_cache_free(s, q);
				}
				KUNIT_EXPECT_EQ_MSG(test, e + 1, kslab_cache_errors(s),
						    "size %u %s offset %d",
						    runs_layouts[l].size,
						    live ? "live" : "free", off[i]);
			}
			if (live)
				break;
		}
		kslab_cache_free(s, keep);
		expect_healthy(test, s, NULL);
		ktest_destroy(test, s);
	}
}

static struct kunit_case debug_cases[] = {
	KUNIT_CASE_PARAM(debug_redzone_right, redzone_gen_params),
	KUNIT_CASE_PARAM(debug_redzone_left, redzone_gen_params),
	KUNIT_CASE(debug_redzone_validate),
	KUNIT_CASE_PARAM(debug_poison_validate, poison_gen_params),
	KUNIT_CASE_PARAM(debug_poison_alloc, poison_gen_params),
	KUNIT_CASE_PARAM(debug_next_pointer, next_pointer_gen_params),
	KUNIT_CASE(debug_ctor_overflow),
	KUNIT_CASE_PARAM(debug_double_free, double_free_gen_params),
	KUNIT_CASE(debug_interior_free),
	KUNIT_CASE(debug_foreign_free),
	KUNIT_CASE_PARAM(debug_store_user, store_user_gen_params),
	KUNIT_CASE(debug_leak_destroy),
	KUNIT_CASE(debug_trace),
	KUNIT_CASE(debug_param_syntax),
	KUNIT_CASE_PARAM(debug_magazine_held, magazine_gen_params),
	KUNIT_CASE_PARAM(debug_magazine_kzalloc, magazine_gen_params),
	KUNIT_CASE_PARAM(debug_magazine_fastpath, magazine_gen_params),
	KUNIT_CASE_PARAM(debug_magazine_double_free_cpus, magazine_gen_params),
	KUNIT_CASE_PARAM(debug_magazine_write_after_free, magazine_gen_params),
	KUNIT_CASE_PARAM(debug_magazine_runs, runs_gen_params),
	KUNIT_CASE_PARAM_ATTR(debug_validate_churn, churn_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE_PARAM_ATTR(debug_validate_churn_big, churn_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	{}
};

static struct kunit_suite debug_suite = {
	.name = "kslab_debug",
	.test_cases = debug_cases,
};

kunit_test_suite(debug_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_debug: red zones, poison, tracking, checks");
KSLAB_IMPORT_FOR_KUNIT();
