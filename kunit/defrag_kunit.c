// SPDX-License-Identifier: GPL-2.0
/*
 * defrag_kunit.c - KUnit suite kslab_defrag, for module/defrag.c: the wave
 * workload keeps pages held within 1.25 of what its live objects need when
 * the cache is movable and defragmented (and is measured without, for
 * comparison); owners freeing and allocating on every CPU while
 * defragmentation runs lose no object and see no byte change; the three
 * triggers (the call, sysfs, the shrinker) all give pages back; once a
 * cache's destruction has cancelled its defragmentation the shrinker
 * queues none; a cache made unmovable while a defragmentation waits for
 * it is not defragmented.
 *
 * The owner here is a table of slots under a spinlock; its move callback
 * looks the object up under that lock, as the protocol asks.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/sched/task.h>

#include "kslab_test.h"

struct tobj {
	u32 slot;	/* where the owner keeps it */
	u32 seed;	/* its stamp fills the rest */
	u8 payload[];
};

struct table {
	spinlock_t lock;	/* protects slots[] */
	void **slots;
	unsigned int nr;
	unsigned int size;	/* object size */
	unsigned int refuse;	/* percent of moves answered -EBUSY */
	atomic_t bad;
	atomic_t running;
	bool stop;
};

static int table_move(struct kslab_cache *s, void *old, void *new, void *priv)
{
	struct table *t = priv;
	struct tobj *o = old;
	unsigned int i;

	spin_lock(&t->lock);
	i = READ_ONCE(o->slot);		/* @old may be free: check it is ours */
	if (i >= t->nr || t->slots[i] != old) {
		spin_unlock(&t->lock);
		return -ENOENT;
	}
	if (t->refuse && get_random_u32_below(100) < t->refuse) {
		spin_unlock(&t->lock);
		return -EBUSY;
	}
	memcpy(new, old, t->size);
	t->slots[i] = new;
	spin_unlock(&t->lock);
	return 0;
}

static const struct kslab_move_ops table_ops = { .move = table_move };

static struct tobj *table_alloc(struct kslab_cache *s, struct table *t,
				unsigned int i, u32 seed)
{
	struct tobj *o = kslab_cache_alloc(s, GFP_KERNEL);

	if (!o)
		return NULL;
	o->slot = i;
	o->seed = seed;
	ktest_stamp(o->payload, t->size - sizeof(*o), seed);
	spin_lock(&t->lock);
	t->slots[i] = o;
	spin_unlock(&t->lock);
	return o;
}

/* Take slot @i from the table, check its stamp, free it. */
static void table_free(struct kslab_cache *s, struct table *t, unsigned int i)
{
	struct tobj *o;

	spin_lock(&t->lock);
	o = t->slots[i];
	t->slots[i] = NULL;
	spin_unlock(&t->lock);
	if (!o)
		return;
	if (o->slot != i || ktest_check(o->payload, t->size - sizeof(*o), o->seed))
		atomic_inc(&t->bad);
	kslab_cache_free(s, o);
}

/* Fill every slot of @t, then free all but one of every @keep: sparse slabs. */
static void table_fill_sparse(struct kunit *test, struct kslab_cache *s,
			      struct table *t, unsigned int keep)
{
	unsigned int i;

	for (i = 0; i < t->nr; i++) {
		KUNIT_ASSERT_NOT_NULL(test, table_alloc(s, t, i, i));
		cond_resched();
	}
	for (i = 0; i < t->nr; i++) {
		if (i % keep)
			table_free(s, t, i);
		cond_resched();
	}
}

static struct table *table_new(struct kunit *test, unsigned int nr,
			       unsigned int size)
{
	struct table *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->slots = ktest_ptrs(test, nr);
	t->nr = nr;
	t->size = size;
	spin_lock_init(&t->lock);
	return t;
}

/*
 * The waves of kslab_shrinker (a burst, every 40th kept for good, the rest
 * freed), on two caches side by side: one movable and defragmented after
 * each wave, one not. Fragmentation = pages held / pages the live objects
 * need; the goal is at most 1.25 with defragmentation.
 */
#define WAVES		6
#define WAVE_BURST	24000
#define WAVE_KEEP	40
#define WAVE_SIZE	192

static void defrag_waves(struct kunit *test)
{
	unsigned int w, i, live = 0, held[2], x100[2];
	struct kslab_cache *s[2];
	struct table *t[2];
	unsigned long need;
	int k;

	for (k = 0; k < 2; k++) {
		t[k] = table_new(test, WAVES * WAVE_BURST / WAVE_KEEP + WAVE_BURST,
				 WAVE_SIZE);
		s[k] = ktest_create(test, k ? "kunit_defrag_waves" : "kunit_defrag_nomove",
				    WAVE_SIZE, 0, 0, NULL);
	}
	KUNIT_ASSERT_EQ(test, 0, kslab_cache_set_movable(s[1], &table_ops, t[1]));
	for (w = 0; w < WAVES; w++) {
		for (k = 0; k < 2; k++) {
			for (i = 0; i < WAVE_BURST; i++) {
				KUNIT_ASSERT_NOT_NULL(test, table_alloc(s[k], t[k], live + i, i));
				cond_resched();
			}
			for (i = 0; i < WAVE_BURST; i++) {
				if (i % WAVE_KEEP != WAVE_KEEP / 2)
					table_free(s[k], t[k], live + i);
				cond_resched();
			}
			kslab_cache_shrink(s[k]);
		}
		KUNIT_EXPECT_GT(test, kslab_cache_defrag(s[1]), 0L);
		/* compact the kept slots so the next wave appends after them */
		for (k = 0; k < 2; k++) {
			unsigned int to = live;

			spin_lock(&t[k]->lock);
			for (i = live; i < live + WAVE_BURST; i++) {
				struct tobj *o = t[k]->slots[i];

				if (!o)
					continue;
				t[k]->slots[i] = NULL;
				o->slot = to;
				t[k]->slots[to++] = o;
			}
			spin_unlock(&t[k]->lock);
			if (k)
				live = to;
		}
		/* slots, not bytes: a KASAN kernel's slot is larger */
		need = DIV_ROUND_UP((unsigned long)live * s[1]->size, PAGE_SIZE);
		for (k = 0; k < 2; k++) {
			held[k] = cache_pages(s[k]);
			x100[k] = held[k] * 100 / need;
		}
		kunit_info(test, "wave %u: %u live objects, %lu pages needed: %u held without defrag (%u.%02u), %u with (%u.%02u)\n",
			   w + 1, live, need, held[0], x100[0] / 100, x100[0] % 100,
			   held[1], x100[1] / 100, x100[1] % 100);
		KUNIT_EXPECT_LE(test, x100[1], 125U);
		KUNIT_EXPECT_EQ(test, (unsigned long)live, ktest_active(s[1]));
	}
	KUNIT_EXPECT_GT(test, stat_sum(s[1], KSLAB_DEFRAG_MOVED), 0UL);
	for (k = 0; k < 2; k++) {
		for (i = 0; i < live; i++) {
			table_free(s[k], t[k], i);
			cond_resched();
		}
		KUNIT_EXPECT_EQ(test, 0, atomic_read(&t[k]->bad));
		KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s[k]));
		KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s[k]));
	}
	ktest_destroy(test, s[1]);
	ktest_destroy(test, s[0]);
}

/* Owners on every CPU: free, allocate, check, while defragmentation runs. */
struct owner {
	struct kslab_cache *s;
	struct table *t;
	unsigned int first, nr;
};

static int owner_fn(void *arg)
{
	struct owner *ow = arg;
	struct table *t = ow->t;
	unsigned int i;
	u32 seq = get_random_u32();

	while (!READ_ONCE(t->stop)) {
		i = ow->first + get_random_u32_below(ow->nr);
		if (READ_ONCE(t->slots[i]))
			table_free(ow->s, t, i);
		else
			table_alloc(ow->s, t, i, ++seq);
		cond_resched();
	}
	for (i = ow->first; i < ow->first + ow->nr; i++)
		table_free(ow->s, t, i);
	atomic_dec(&t->running);
	return 0;
}

static void defrag_races(struct kunit *test)
{
	unsigned int cpus = num_online_cpus(), k, rounds = 0;
	struct owner *ow = kunit_kcalloc(test, cpus, sizeof(*ow), GFP_KERNEL);
	unsigned long end, moved, refused;
	struct task_struct *task;
	struct kslab_cache *s;
	struct table *t;
	long freed = 0;

	KUNIT_ASSERT_NOT_NULL(test, ow);
	t = table_new(test, cpus * 2000, 120);
	t->refuse = 20;
	s = ktest_create(test, "kunit_defrag_races", 120, 0, 0, NULL);
	KUNIT_ASSERT_EQ(test, 0, kslab_cache_set_movable(s, &table_ops, t));
	/* a fragmented start: fill, then free most */
	table_fill_sparse(test, s, t, 8);
	for (k = 0; k < cpus; k++) {
		ow[k] = (struct owner){ s, t, k * 2000, 2000 };
		atomic_inc(&t->running);
		task = kthread_run(owner_fn, &ow[k], "kslab_owner/%u", k);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	}
	end = jiffies + msecs_to_jiffies(1500);
	while (rounds < 3 || time_before(jiffies, end)) {
		long ret = kslab_cache_defrag(s);

		KUNIT_EXPECT_GE(test, ret, 0L);
		freed += max(ret, 0L);
		rounds++;
		cond_resched();
	}
	WRITE_ONCE(t->stop, true);
	while (atomic_read(&t->running))
		msleep(20);
	moved = stat_sum(s, KSLAB_DEFRAG_MOVED);
	refused = stat_sum(s, KSLAB_DEFRAG_REFUSED);
	kunit_info(test, "%u defragmentations: %lu objects moved, %lu refused, %ld pages back\n",
		   rounds, moved, refused, freed);
	KUNIT_EXPECT_GT(test, moved, 0UL);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&t->bad));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/* Fill a movable cache, then free 39 of every 40: sparse slabs everywhere. */
static struct kslab_cache *fragmented(struct kunit *test, const char *name,
				      struct table **tp)
{
	struct table *t = table_new(test, 4000, 256);
	struct kslab_cache *s = ktest_create(test, name, 256, 0, 0, NULL);

	KUNIT_ASSERT_EQ(test, 0, kslab_cache_set_movable(s, &table_ops, t));
	table_fill_sparse(test, s, t, 40);
	kslab_cache_shrink(s);
	*tp = t;
	return s;
}

static void table_empty(struct kslab_cache *s, struct table *t)
{
	unsigned int i;

	for (i = 0; i < t->nr; i++) {
		table_free(s, t, i);
		cond_resched();
	}
}

#define SYSFS_DIR "/sys/kernel/kslab/kunit_defrag_sysfs/"

/* The three triggers: kslab_cache_defrag(), sysfs, the shrinker. */
static void defrag_triggers(struct kunit *test)
{
	struct kslab_cache *s;
	struct table *t;
	unsigned long before;

	s = fragmented(test, "kunit_defrag_call", &t);
	before = cache_pages(s);
	KUNIT_EXPECT_GT(test, kslab_cache_defrag(s), 0L);
	KUNIT_EXPECT_LT(test, cache_pages(s), before);
	table_empty(s, t);
	ktest_destroy(test, s);

	s = fragmented(test, "kunit_defrag_sysfs", &t);
	before = cache_pages(s);
	KUNIT_EXPECT_EQ(test, 0, ktest_write_file(SYSFS_DIR "defrag", "1"));
	KUNIT_EXPECT_LT(test, cache_pages(s), before);
	KUNIT_EXPECT_EQ(test, -EINVAL, ktest_write_file(SYSFS_DIR "defrag_ratio", "101"));
	table_empty(s, t);
	ktest_destroy(test, s);

	s = fragmented(test, "kunit_defrag_shrinker", &t);
	before = cache_pages(s);
	KUNIT_EXPECT_EQ(test, 0, ktest_write_file("/proc/sys/vm/drop_caches", "2"));
	flush_work(&s->defrag_work);
	KUNIT_EXPECT_LT(test, cache_pages(s), before);
	KUNIT_EXPECT_GT(test, stat_sum(s, KSLAB_DEFRAG_PAGES), 0UL);
	table_empty(s, t);
	ktest_destroy(test, s);
}

/* Objects the move callback was asked about: moved or refused. */
static unsigned long defrag_moves(struct kslab_cache *s)
{
	return stat_sum(s, KSLAB_DEFRAG_MOVED) +
	       stat_sum(s, KSLAB_DEFRAG_REFUSED);
}

/*
 * kslab_cache_destroy() cancels the defragmentation the shrinker queued
 * (defrag_cancel()) and then frees the cache. A shrinker scan between the
 * two must not queue it again: the work would run on a freed cache, or on
 * a destroyed one kept for its live objects, calling a move callback of a
 * client that may be unloaded by then. That interleaving, forced: the
 * cancel, then the shrinker (drop_caches), then wait for any work queued.
 */
static void defrag_cancel_shrinker(struct kunit *test)
{
	struct kslab_cache *s;
	struct table *t;
	unsigned long moves;

	s = fragmented(test, "kunit_defrag_cancel", &t);
	moves = defrag_moves(s);
	defrag_cancel(s);
	KUNIT_EXPECT_EQ(test, 0, ktest_write_file("/proc/sys/vm/drop_caches", "2"));
	flush_work(&s->defrag_work);
	KUNIT_EXPECT_EQ(test, moves, defrag_moves(s));
	table_empty(s, t);
	ktest_destroy(test, s);
}

struct defrag_call {
	struct kslab_cache *s;
	long ret;
	bool called;
	struct completion done;
};

static int defrag_call_fn(void *arg)
{
	struct defrag_call *dc = arg;

	WRITE_ONCE(dc->called, true);
	dc->ret = kslab_cache_defrag(dc->s);
	complete(&dc->done);
	return 0;
}

/*
 * kslab_cache_set_movable(s, NULL, NULL) while a kslab_cache_defrag() of
 * the cache waits for defrag_mutex: once the defragmentation has the
 * mutex, the cache is not movable, and it must say so (-EINVAL), not call
 * a NULL move callback. Forced: the test holds defrag_mutex until the
 * defragmentation sleeps on it, and meanwhile does what
 * kslab_cache_set_movable(s, NULL, NULL) does under that mutex.
 */
static void defrag_unset_while_waiting(struct kunit *test)
{
	struct defrag_call dc = {};
	struct task_struct *task;
	struct kslab_cache *s;
	unsigned long moves;
	struct table *t;
	unsigned int i;

	s = fragmented(test, "kunit_defrag_unset", &t);
	moves = defrag_moves(s);
	dc.s = s;
	init_completion(&dc.done);
	task = kthread_create(defrag_call_fn, &dc, "kslab_defrag_call");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	get_task_struct(task);
	mutex_lock(&s->defrag_mutex);
	wake_up_process(task);
	for (i = 0; i < 10000; i++) {
		if (READ_ONCE(dc.called) &&
		    READ_ONCE(task->__state) == TASK_UNINTERRUPTIBLE)
			break;
		usleep_range(1000, 2000);
	}
	s->move_priv = NULL;
	WRITE_ONCE(s->move_ops, NULL);
	mutex_unlock(&s->defrag_mutex);
	wait_for_completion(&dc.done);
	put_task_struct(task);
	KUNIT_EXPECT_LT(test, i, 10000U);
	KUNIT_EXPECT_EQ(test, -EINVAL, dc.ret);
	KUNIT_EXPECT_EQ(test, moves, defrag_moves(s));
	table_empty(s, t);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	ktest_destroy(test, s);
}

static const struct kslab_move_ops no_move_ops;

/* Bad calls are refused and change nothing. */
static void defrag_bad_calls(struct kunit *test)
{
	struct kslab_cache *s = ktest_create(test, "kunit_defrag_bad", 64, 0, 0, NULL);

	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_cache_defrag(s));
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_cache_set_movable(s, &no_move_ops, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_cache_defrag(s));
	KUNIT_EXPECT_EQ(test, 0, kslab_cache_set_movable(s, &table_ops, NULL));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_defrag(s));	/* empty: nothing */
	KUNIT_EXPECT_EQ(test, 0, kslab_cache_set_movable(s, NULL, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, kslab_cache_defrag(s));
	ktest_destroy(test, s);
}

static struct kunit_case defrag_cases[] = {
	KUNIT_CASE_SLOW(defrag_waves),
	KUNIT_CASE_SLOW(defrag_races),
	KUNIT_CASE(defrag_triggers),
	KUNIT_CASE(defrag_bad_calls),
	KUNIT_CASE(defrag_cancel_shrinker),
	KUNIT_CASE(defrag_unset_while_waiting),
	{}
};

static struct kunit_suite defrag_suite = {
	.name = "kslab_defrag",
	.test_cases = defrag_cases,
};

kunit_test_suite(defrag_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_defrag: movable objects");
KSLAB_IMPORT_FOR_KUNIT();
