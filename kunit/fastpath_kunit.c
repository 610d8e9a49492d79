// SPDX-License-Identifier: GPL-2.0
/*
 * fastpath_kunit.c - KUnit suite kslab_fastpath, for module/fastpath.h:
 * what the fast path catches without any debug flag when freelist
 * hardening is on (the naive double free, a pointer into an object, an
 * object of another cache), that init_on_alloc and init_on_free are
 * honoured as the kernel's slab honours them, and that a warm loop stays
 * on the fast path.
 */
#include <linux/kasan.h>
#include <linux/mm.h>
#include <linux/sched.h>

#include "fastpath.h"
#include "kslab_test.h"

/* A node with memory other than this CPU's, or NUMA_NO_NODE. */
static int other_node(void)
{
	int nid;

	for_each_node_state(nid, N_MEMORY)
		if (nid != node_mem_nearest(numa_mem_id()))
			return nid;
	return NUMA_NO_NODE;
}

/*
 * The object this CPU freed last, freed again, is refused and never
 * handed out twice: one of this node (it sits on the loaded magazine), or
 * of another node (it waits in the remote buffer).
 */
static void double_free_case(struct kunit *test, bool remote)
{
	struct kslab_cache *s;
	unsigned long e;
	int node = NUMA_NO_NODE;
	void *a, *x, *y;

	if (!kslab_freelist_hardened)
		kunit_skip(test, "kslab.freelist_hardened=0");
	s = ktest_create(test, "kunit_fast_dfree", 64, 0, 0, NULL);
	e = kslab_cache_errors(s);
	migrate_disable();
	if (remote) {
		node = other_node();
		if (node == NUMA_NO_NODE) {
			migrate_enable();
			kunit_skip(test, "one memory node only");
		}
	}
	a = kslab_cache_alloc_node(s, GFP_ATOMIC, node);
	kslab_cache_free(s, a);
	kslab_cache_free(s, a);
	x = kslab_cache_alloc_node(s, GFP_ATOMIC, node);
	y = kslab_cache_alloc_node(s, GFP_ATOMIC, node);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, x);
	KUNIT_ASSERT_NOT_NULL(test, y);
	KUNIT_EXPECT_PTR_NE(test, x, y);
	kslab_cache_free(s, x);
	kslab_cache_free(s, y);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	ktest_destroy(test, s);
}

static void fastpath_double_free(struct kunit *test)
{
	double_free_case(test, false);
}

static void fastpath_double_free_remote(struct kunit *test)
{
	double_free_case(test, true);
}

/*
 * The fast path found the loaded magazine empty and gave up the CPU; before
 * the slow path (cpu_alloc_slow()) owns it again, an interrupt frees an
 * object into that magazine. The slow path must hand that object out, not
 * trade the magazine to the depot as empty (which lost it: a leak that
 * stock 6.1's torture caught once in many runs). Set up with the previous
 * magazine empty and a full one in the depot, the state that lost it.
 */
static void fastpath_refill_after_push(struct kunit *test)
{
	struct kslab_cache *s;
	struct kslab_cpu *c;
	struct kslab_node *n;
	void **objs;
	unsigned int nr, i = 0;
	void *x, *got;

	s = ktest_create(test, "kunit_fast_refill_push", 64, 0, 0, NULL);
	nr = 3 * s->mag_size;
	objs = ktest_ptrs(test, nr);
	trim_work_hold();	/* two periodic trims would take the depot's */
	migrate_disable();
	c = this_cpu_ptr(s->cpu);
	for (i = 0; i < nr; i++)
		objs[i] = kslab_cache_alloc(s, GFP_KERNEL);
	ktest_free_n(s, objs, nr);		/* fills loaded, previous, depot */
	/* empty loaded and previous, keep the depot's full magazines */
	for (i = 0; READ_ONCE(c->loaded->count) + READ_ONCE(c->previous->count); i++)
		objs[i] = kslab_cache_alloc(s, GFP_KERNEL);
	x = objs[--i];
	kslab_cache_free(s, x);			/* the interrupt's free */
	KUNIT_EXPECT_EQ(test, 1U, c->loaded->count);
	KUNIT_EXPECT_EQ(test, 0U, c->previous->count);
	n = s->node[node_mem_nearest(numa_mem_id())];
	KUNIT_EXPECT_GT(test, READ_ONCE(n->nr_depot_full), 0U);
	got = cpu_alloc_slow(s, GFP_KERNEL, NUMA_NO_NODE, _RET_IP_);
	migrate_enable();
	trim_work_release();

	KUNIT_EXPECT_PTR_EQ(test, x, got);
	objs[i++] = got;
	ktest_free_n(s, objs, i);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	kslab_cache_shrink(s);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_slabs(s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	ktest_destroy(test, s);
}

/* A pointer into the middle of an object is refused; the object lives on. */
static void fastpath_interior_free(struct kunit *test)
{
	struct kslab_cache *s;
	unsigned long e;
	u8 *p;

	if (!kslab_freelist_hardened)
		kunit_skip(test, "kslab.freelist_hardened=0");
	s = ktest_create(test, "kunit_fast_interior", 128, 0, 0, NULL);
	e = kslab_cache_errors(s);
	p = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	ktest_stamp(p, 128, 3);
	kslab_cache_free(s, p + 64);
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_check(p, 128, 3));
	kslab_cache_free(s, p);
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	ktest_destroy(test, s);
}

/* An object given to the wrong cache is refused. */
static void fastpath_foreign_free(struct kunit *test)
{
	struct kslab_cache *a, *b;
	unsigned long e;
	void *p;

	if (!kslab_freelist_hardened)
		kunit_skip(test, "kslab.freelist_hardened=0");
	a = ktest_create(test, "kunit_fast_foreign_a", 64, 0, 0, NULL);
	b = ktest_create(test, "kunit_fast_foreign_b", 64, 0, 0, NULL);
	e = kslab_cache_errors(b);
	p = kslab_cache_alloc(a, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kslab_cache_free(b, p);
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(b));
	KUNIT_EXPECT_EQ(test, 1UL, ktest_active(a));
	kslab_cache_free(a, p);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(a));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(b));
	ktest_destroy(test, b);
	ktest_destroy(test, a);
}

static void ctor_mark(void *obj)
{
	memset(obj, 0xc7, 32);
}

/*
 * The init_on_* tests turn a setting on for a while, and back off only if
 * they found it off: booted with init_on_alloc=1 or init_on_free=1, the
 * suites after this one run with it still on.
 */
static bool init_on_enable(struct static_key *key)
{
	bool was = static_key_enabled(key);

	if (!was)
		static_key_enable(key);
	return was;
}

static void init_on_restore(struct static_key *key, bool was)
{
	if (!was)
		static_key_disable(key);
}

/*
 * With init_on_alloc on, objects come back zeroed however dirty they were
 * left, except in a cache with a constructor, whose state is kept.
 */
static void fastpath_init_on_alloc(struct kunit *test)
{
	struct kslab_cache *plain, *ctor;
	bool was;
	u8 *p, *q;

	plain = ktest_create(test, "kunit_fast_ioa", 32, 0, 0, NULL);
	ctor = ktest_create(test, "kunit_fast_ioa_ctor", 32, 0, 0, ctor_mark);
	was = init_on_enable(&init_on_alloc.key);
	migrate_disable();
	p = kslab_cache_alloc(plain, GFP_ATOMIC);
	q = kslab_cache_alloc(ctor, GFP_ATOMIC);
	memset(p, 0x5e, 32);
	q[0] = 1;
	kslab_cache_free(plain, p);
	kslab_cache_free(ctor, q);
	p = kslab_cache_alloc(plain, GFP_ATOMIC);
	q = kslab_cache_alloc(ctor, GFP_ATOMIC);
	migrate_enable();
	init_on_restore(&init_on_alloc.key, was);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(p, 0, 32));
	KUNIT_EXPECT_EQ(test, 1, (int)q[0]);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(q + 1, 0xc7, 31));
	kslab_cache_free(plain, p);
	kslab_cache_free(ctor, q);
	ktest_destroy(test, ctor);
	ktest_destroy(test, plain);
}

/*
 * With init_on_alloc on, as SLUB: a SLAB_TYPESAFE_BY_RCU cache's objects
 * are zeroed only for __GFP_ZERO (a reader may still look at a freed one),
 * on the fast path and the slow one, and kslab_kmalloc()'s are zeroed as
 * every plain cache's.
 */
static void fastpath_init_on_alloc_rcu_kmalloc(struct kunit *test)
{
	struct kslab_cache *rcu;
	u8 *p, *kept, *zeroed, *k;
	bool was, dirty = false;

	rcu = ktest_create(test, "kunit_fast_ioa_rcu", 32, 0,
			   SLAB_TYPESAFE_BY_RCU, NULL);
	was = init_on_enable(&init_on_alloc.key);
	migrate_disable();
	p = kslab_cache_alloc(rcu, GFP_ATOMIC);
	if (p) {
		memset(p, 0x5e, 32);
		kslab_cache_free(rcu, p);
	}
	/* the slow path's tail too: it pops the same object */
	kept = cpu_alloc_slow(rcu, GFP_ATOMIC, NUMA_NO_NODE, _THIS_IP_);
	if (kept) {
		dirty = !memchr_inv(kept, 0x5e, 32);
		kslab_cache_free(rcu, kept);
	}
	zeroed = kslab_cache_alloc(rcu, GFP_ATOMIC | __GFP_ZERO);
	k = kslab_kmalloc(32, GFP_ATOMIC);
	if (k) {
		memset(k, 0x5e, 32);
		kslab_kfree(k);
	}
	k = kslab_kmalloc(32, GFP_ATOMIC);
	migrate_enable();
	init_on_restore(&init_on_alloc.key, was);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_PTR_EQ(test, p, kept);	/* the magazine's top again */
	KUNIT_ASSERT_PTR_EQ(test, p, zeroed);
	KUNIT_ASSERT_NOT_NULL(test, k);
	KUNIT_EXPECT_TRUE(test, dirty);		/* not zeroed without __GFP_ZERO */
	KUNIT_EXPECT_TRUE(test, !memchr_inv(zeroed, 0, 32));
	KUNIT_EXPECT_TRUE(test, !memchr_inv(k, 0, 32));
	kslab_cache_free(rcu, zeroed);
	kslab_kfree(k);
	ktest_destroy(test, rcu);
}

/* With init_on_free on, a freed object is zeroed at once (no ctor). */
static void fastpath_init_on_free(struct kunit *test)
{
	struct kslab_cache *plain, *ctor;
	u8 *p, *q, *keep;
	bool was;

	plain = ktest_create(test, "kunit_fast_iof", 48, 0, 0, NULL);
	ctor = ktest_create(test, "kunit_fast_iof_ctor", 48, 0, 0, ctor_mark);
	keep = kslab_cache_alloc(plain, GFP_KERNEL);	/* keeps the slab */
	KUNIT_ASSERT_NOT_NULL(test, keep);
	p = kslab_cache_alloc(plain, GFP_KERNEL);
	q = kslab_cache_alloc(ctor, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	/* on only now: no assertion may end the test before it is restored */
	was = init_on_enable(&init_on_free.key);
	memset(p, 0x5e, 48);
	q[0] = 1;
	kslab_cache_free(plain, p);
	kslab_cache_free(ctor, q);
	init_on_restore(&init_on_free.key, was);
	/* the freed memory itself, read on purpose: it is still a slab's */
	kasan_disable_current();	/* KASAN poisoned it; memchr_inv() is checked */
	KUNIT_EXPECT_TRUE(test, !memchr_inv(p, 0, 48));
	kasan_enable_current();
	KUNIT_EXPECT_EQ(test, 1, (int)q[0]);
	kslab_cache_free(plain, keep);
	ktest_destroy(test, ctor);
	ktest_destroy(test, plain);
}

/* A warm alloc/free loop never leaves the fast path. */
static void fastpath_warm_loop(struct kunit *test)
{
	struct kslab_cache *s;
	unsigned long fast;
	unsigned int i;
	void *p;

	s = ktest_create(test, "kunit_fast_warm", 64, 0, 0, NULL);
	migrate_disable();
	p = kslab_cache_alloc(s, GFP_ATOMIC);
	kslab_cache_free(s, p);
	fast = stat_sum(s, KSLAB_ALLOC_FASTPATH);
	for (i = 0; i < 1000; i++) {
		p = kslab_cache_alloc(s, GFP_ATOMIC);
		kslab_cache_free(s, p);
	}
	migrate_enable();
	KUNIT_EXPECT_EQ(test, fast + 1000, stat_sum(s, KSLAB_ALLOC_FASTPATH));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	ktest_destroy(test, s);
}

static struct kunit_case fastpath_cases[] = {
	KUNIT_CASE(fastpath_double_free),
	KUNIT_CASE(fastpath_double_free_remote),
	KUNIT_CASE(fastpath_refill_after_push),
	KUNIT_CASE(fastpath_interior_free),
	KUNIT_CASE(fastpath_foreign_free),
	KUNIT_CASE(fastpath_init_on_alloc),
	KUNIT_CASE(fastpath_init_on_alloc_rcu_kmalloc),
	KUNIT_CASE(fastpath_init_on_free),
	KUNIT_CASE(fastpath_warm_loop),
	{}
};

static struct kunit_suite fastpath_suite = {
	.name = "kslab_fastpath",
	.test_cases = fastpath_cases,
};

kunit_test_suite(fastpath_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_fastpath: hardening and init_on_* on the fast path");
KSLAB_IMPORT_FOR_KUNIT();
