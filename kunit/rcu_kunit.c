// SPDX-License-Identifier: GPL-2.0
/*
 * rcu_kunit.c - KUnit suite kslab_rcu, for module/rcu.c: in a
 * SLAB_TYPESAFE_BY_RCU cache, readers under rcu_read_lock() keep reading
 * objects that writers free and reallocate: the content may change, the
 * memory stays an object of that cache, even while slabs are shrunk; the
 * pages go back only after a grace period. And kslab_kfree_rcu() frees
 * after a grace period, never before. A cache destroyed with live objects
 * is freed once they are, even when its last page goes while a
 * kslab_kfree_rcu() of it has still to count itself out.
 */
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/workqueue.h>
#include <linux/random.h>
#include <linux/rcupdate.h>

#include "kslab_test.h"

#define RCU_MAGIC	0x7e57ab1eu
#define RCU_SLOTS	64

struct rcu_obj {
	u32 magic;	/* set by the constructor only: never changes */
	u32 gen;
	u8 payload[100];
};

static void rcu_obj_ctor(void *p)
{
	struct rcu_obj *o = p;

	o->magic = RCU_MAGIC;
	o->gen = 0;
}

struct rcu_test {
	struct kslab_cache *s;
	struct rcu_obj __rcu *slots[RCU_SLOTS];
	atomic_t bad;
	atomic_long_t reads;
	atomic_t running;
	bool stop;
};

static int rcu_writer(void *arg)
{
	struct rcu_test *rt = arg;
	struct rcu_obj *o, *old;
	unsigned int i;

	while (!READ_ONCE(rt->stop)) {
		o = kslab_cache_alloc(rt->s, GFP_KERNEL);
		if (o) {
			if (o->magic != RCU_MAGIC)
				atomic_inc(&rt->bad);
			o->gen++;
			i = get_random_u32_below(RCU_SLOTS);
			old = unrcu_pointer(xchg(&rt->slots[i], RCU_INITIALIZER(o)));
			if (old)
				kslab_cache_free(rt->s, old);
		}
		cond_resched();
	}
	atomic_dec(&rt->running);
	return 0;
}

static int rcu_reader(void *arg)
{
	struct rcu_test *rt = arg;
	struct rcu_obj *o;
	unsigned int i;

	while (!READ_ONCE(rt->stop)) {
		rcu_read_lock();
		for (i = 0; i < RCU_SLOTS; i++) {
			o = rcu_dereference(rt->slots[i]);
			if (!o)
				continue;
			/* o may have been freed and reused: still an rcu_obj */
			if (READ_ONCE(o->magic) != RCU_MAGIC ||
			    page_cache(virt_to_head_page(o)) != rt->s)
				atomic_inc(&rt->bad);
			atomic_long_inc(&rt->reads);
		}
		rcu_read_unlock();
		cond_resched();
	}
	atomic_dec(&rt->running);
	return 0;
}

static void rcu_typesafe_readers(struct kunit *test)
{
	long pages = held_pages();
	struct task_struct *t;
	struct rcu_test *rt;
	unsigned long end;
	struct rcu_obj *o;
	unsigned int i;

	rt = kunit_kzalloc(test, sizeof(*rt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rt);
	rt->s = ktest_create(test, "kunit_rcu_typesafe", sizeof(struct rcu_obj), 0,
			     SLAB_TYPESAFE_BY_RCU, rcu_obj_ctor);
	for (i = 0; i < 4; i++) {
		atomic_inc(&rt->running);
		t = kthread_run(i & 1 ? rcu_reader : rcu_writer, rt, "kslab_rcu/%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	end = jiffies + msecs_to_jiffies(1500);
	while (time_before(jiffies, end)) {
		kslab_cache_shrink(rt->s);	/* slabs go, after readers */
		msleep(20);
	}
	WRITE_ONCE(rt->stop, true);
	while (atomic_read(&rt->running))
		msleep(20);
	for (i = 0; i < RCU_SLOTS; i++) {
		o = rcu_dereference_protected(rt->slots[i], true);
		if (o)
			kslab_cache_free(rt->s, o);
	}
	kunit_info(test, "%ld reads of objects being freed and reused\n",
		   atomic_long_read(&rt->reads));
	KUNIT_EXPECT_GT(test, atomic_long_read(&rt->reads), 0L);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&rt->bad));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(rt->s));
	kslab_cache_shrink(rt->s);
	KUNIT_EXPECT_EQ(test, 0UL, cache_pages(rt->s));
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, pages, held_pages());
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(rt->s));
	ktest_destroy(test, rt->s);
}

struct rcu_node {
	struct rcu_head rcu;
	u8 data[200];
};

/*
 * kslab_kfree_rcu() on kmalloc memory and on a cache object: inside a
 * read-side section the object is still there, after rcu_barrier() it is
 * gone; and destroying the cache right away waits for the free.
 */
static void rcu_kfree_rcu(struct kunit *test)
{
	struct kslab_cache *s;
	struct rcu_node *a, *b;
	unsigned long before;

	s = ktest_create(test, "kunit_rcu_kfree", sizeof(struct rcu_node), 0, 0, NULL);
	a = kslab_kmalloc(sizeof(*a), GFP_KERNEL);
	b = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	ktest_stamp(a->data, sizeof(a->data), 1);
	ktest_stamp(b->data, sizeof(b->data), 2);
	before = ktest_active(s);

	rcu_read_lock();
	kslab_kfree_rcu(a, rcu);
	kslab_kfree_rcu(b, rcu);
	/* no grace period can end while we are in here */
	KUNIT_EXPECT_EQ(test, 0UL, ktest_check(a->data, sizeof(a->data), 1));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_check(b->data, sizeof(b->data), 2));
	KUNIT_EXPECT_EQ(test, before, ktest_active(s));
	rcu_read_unlock();

	rcu_barrier();
	KUNIT_EXPECT_EQ(test, before - 1, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/*
 * Destroying a cache right after kslab_kfree_rcu() of its last object
 * waits for that free: no leak report, every page of the cache back.
 */
static void rcu_destroy_waits(struct kunit *test)
{
	long pages = held_pages();
	struct kslab_cache *s;
	struct rcu_node *b;

	s = ktest_create(test, "kunit_rcu_destroy", sizeof(struct rcu_node), 0, 0, NULL);
	b = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	kslab_kfree_rcu(b, rcu);
	ktest_destroy(test, s);
	KUNIT_EXPECT_EQ(test, pages, held_pages());
}

struct zombie_race {
	struct rcu_head rcu;
	struct kslab_cache *s;
	void *obj;		/* freed by the RCU callback */
	void *last;		/* freed by the other CPU, in the callback's window */
	atomic_t in_window;
	atomic_t go;
};

/*
 * rcu_free_object()'s two steps, the free of the object and then the
 * decrement of rcu_pending, held apart until the test says go (at most a
 * second): an RCU callback preempted by nothing, only slow.
 */
static void zombie_rcu_free(struct rcu_head *head)
{
	struct zombie_race *z = container_of(head, struct zombie_race, rcu);
	ktime_t end = ktime_add_ms(ktime_get(), MSEC_PER_SEC);

	kslab_cache_free(z->s, z->obj);
	atomic_set(&z->in_window, 1);
	while (!atomic_read(&z->go) && ktime_before(ktime_get(), end))
		cpu_relax();
	atomic_long_dec(&z->s->rcu_pending);
}

/* On one CPU: what kslab_free_rcu() does, with the callback above. */
static long zombie_queue_fn(void *arg)
{
	struct zombie_race *z = arg;

	atomic_long_inc(&z->s->rcu_pending);
	call_rcu(&z->rcu, zombie_rcu_free);
	return 0;
}

/*
 * On another CPU, once the callback is in its window: free the cache's
 * last other object, which gives back its last page and queues the reaper
 * here; let the reaper run; then let the callback finish.
 */
static long zombie_last_fn(void *arg)
{
	struct zombie_race *z = arg;
	unsigned int i;

	for (i = 0; i < 5000 && !atomic_read(&z->in_window); i++)
		usleep_range(1000, 2000);
	kslab_cache_free(z->s, z->last);
	msleep(100);
	atomic_set(&z->go, 1);
	return i < 5000 ? 0 : -ETIMEDOUT;
}

/*
 * A cache destroyed with two live objects: one freed by kslab_kfree_rcu(),
 * the other by a plain free on another CPU. When the plain free gives back
 * the cache's last page while the RCU callback has freed its object but
 * not yet counted itself out of rcu_pending, the reaper runs in that
 * window: the cache must still be freed once both are done, not kept
 * forever. That interleaving, forced on two CPUs.
 */
static void rcu_zombie_reaped(struct kunit *test)
{
	long pages = held_pages();
	unsigned int zombies = READ_ONCE(cache_nr_zombies), now, i;
	int cpu_rcu, cpu_last;
	struct zombie_race *z;

	cpu_rcu = cpumask_first(cpu_online_mask);
	cpu_last = cpumask_next(cpu_rcu, cpu_online_mask);
	if (cpu_last >= nr_cpu_ids)
		kunit_skip(test, "one CPU online");
	z = kunit_kzalloc(test, sizeof(*z), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, z);
	z->s = ktest_create(test, "kunit_rcu_zombie", sizeof(struct rcu_node), 0, 0, NULL);
	z->obj = kslab_cache_alloc(z->s, GFP_KERNEL);
	z->last = kslab_cache_alloc(z->s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, z->obj);
	KUNIT_ASSERT_NOT_NULL(test, z->last);
	/* destroyed with both live: reported, kept */
	ktest_destroy(test, z->s);
	now = READ_ONCE(cache_nr_zombies);
	KUNIT_ASSERT_EQ(test, zombies + 1, now);

	KUNIT_EXPECT_EQ(test, 0L, work_on_cpu(cpu_rcu, zombie_queue_fn, z));
	KUNIT_EXPECT_EQ(test, 0L, work_on_cpu(cpu_last, zombie_last_fn, z));
	for (i = 0; i < 100 && (now = READ_ONCE(cache_nr_zombies)) != zombies; i++)
		msleep(20);
	rcu_barrier();		/* the callback is done with z */
	KUNIT_EXPECT_EQ(test, zombies, now);
	KUNIT_EXPECT_EQ(test, pages, held_pages());
}

static struct kunit_case rcu_cases[] = {
	KUNIT_CASE(rcu_typesafe_readers),
	KUNIT_CASE(rcu_kfree_rcu),
	KUNIT_CASE(rcu_destroy_waits),
	KUNIT_CASE(rcu_zombie_reaped),
	{}
};

static struct kunit_suite rcu_suite = {
	.name = "kslab_rcu",
	.test_cases = rcu_cases,
};

kunit_test_suite(rcu_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_rcu: typesafe-by-RCU caches, kslab_kfree_rcu");
KSLAB_IMPORT_FOR_KUNIT();
