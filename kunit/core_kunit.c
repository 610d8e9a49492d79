// SPDX-License-Identifier: GPL-2.0
/*
 * core_kunit.c - KUnit suite kslab_core, for module/core.c: objects of
 * every size and alignment, constructors, zeroing, bulk calls, frees from
 * other CPUs, interrupt contexts, page allocation failure, frees that
 * leave the fast path, and kslab_cache_alloc_lru(). Each test creates and
 * destroys its own caches.
 */
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/list_lru.h>
#include <linux/random.h>
#include <linux/sort.h>
#include <linux/timer.h>

#include "kslab_test.h"

struct size_case {
	unsigned int size;
	unsigned int align;
};

static const struct size_case size_cases[] = {
	{ 1, 0 }, { 2, 0 }, { 3, 2 }, { 7, 0 }, { 8, 0 }, { 9, 0 }, { 15, 16 },
	{ 16, 0 }, { 24, 0 }, { 31, 0 }, { 32, 32 }, { 48, 16 }, { 63, 0 },
	{ 64, 64 }, { 65, 0 }, { 96, 0 }, { 100, 4 }, { 127, 128 }, { 128, 0 },
	{ 192, 0 }, { 255, 0 }, { 256, 256 }, { 500, 0 }, { 512, 0 },
	{ 700, 0 }, { 1000, 8 }, { 1024, 1024 }, { 2000, 0 }, { 2048, 0 },
	{ 3000, 64 }, { 4096, 0 }, { 4096, 4096 }, { 5000, 0 }, { 8192, 0 },
	{ 10000, 512 }, { 16384, 0 }, { 32768, 0 }, { 65536, 0 },
	{ 65536, 65536 }, { 100000, 0 },
};

static void size_case_desc(const struct size_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "size %u align %u", c->size, c->align);
}

KUNIT_ARRAY_PARAM(size, size_cases, size_case_desc);

/*
 * Enough objects for three slabs, every byte of each stamped, all checked
 * after all were written: live objects never overlap, are aligned and
 * keep their contents. Then freed in random order, with nothing left.
 */
static void core_sizes(struct kunit *test)
{
	const struct size_case *c = test->param_value;
	unsigned int nr, i, align = c->align ? c->align : 8;
	struct kslab_cache *s;
	void **objs;

	s = ktest_create(test, "kunit_core_sizes", c->size, c->align, 0, NULL);
	KUNIT_EXPECT_GE(test, kslab_cache_size(s), c->size);
	nr = clamp(3 * s->objects, 16U, 2000U);
	nr = min_t(unsigned int, nr, max(16UL, (8UL << 20) / c->size));
	objs = kunit_kcalloc(test, nr, sizeof(void *), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);

	for (i = 0; i < nr; i++) {
		objs[i] = kslab_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_EQ(test, 0UL, (unsigned long)objs[i] & (align - 1));
		ktest_stamp(objs[i], c->size, i);
	}
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, 0UL, ktest_check(objs[i], c->size, i),
				    "object %u overwritten", i);
	KUNIT_EXPECT_EQ(test, (unsigned long)nr, ktest_active(s));

	/* distinct and at least c->size apart */
	sort(objs, nr, sizeof(void *), ktest_ptr_cmp, NULL);
	for (i = 1; i < nr; i++)
		KUNIT_EXPECT_GE(test, (unsigned long)(objs[i] - objs[i - 1]),
				(unsigned long)c->size);

	for (i = nr - 1; i > 0; i--) {
		unsigned int j = get_random_u32_below(i + 1);

		swap(objs[i], objs[j]);
	}
	for (i = 0; i < nr; i++)
		kslab_cache_free(s, objs[i]);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, 0, kslab_cache_shrink(s));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_slabs(s));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

#define CTOR_MAGIC 0xc7c7c7c7u

static atomic_t ctor_calls;

static void ctor_fn(void *obj)
{
	u32 *p = obj;

	atomic_inc(&ctor_calls);
	p[0] = CTOR_MAGIC;
	p[1] = 0;
}

struct lru_obj {
	struct list_head lru;
	u64 payload[6];
};

/*
 * kslab_cache_alloc_lru(), as alloc_inode_sb() calls it: objects of the
 * cache, zeroed with __GFP_ZERO, that go on a list_lru and come off it
 * (the list counts them), and go back to the cache.
 */
static void core_alloc_lru(struct kunit *test)
{
	enum { NR = 64 };
	struct lru_obj **objs = (struct lru_obj **)ktest_ptrs(test, NR);
	struct kslab_cache *s;
	struct list_lru lru;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, 0, list_lru_init(&lru));
	s = ktest_create(test, "kunit_core_lru", sizeof(struct lru_obj), 0,
			 SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT, NULL);
	for (i = 0; i < NR; i++) {
		objs[i] = kslab_cache_alloc_lru(s, &lru, GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_PTR_EQ(test, s, page_cache(virt_to_head_page(objs[i])));
		KUNIT_EXPECT_NULL(test, memchr_inv(objs[i], 0, sizeof(*objs[i])));
		INIT_LIST_HEAD(&objs[i]->lru);
		KUNIT_EXPECT_TRUE(test, list_lru_add_obj(&lru, &objs[i]->lru));
	}
	KUNIT_EXPECT_EQ(test, (unsigned long)NR, list_lru_count(&lru));
	KUNIT_EXPECT_EQ(test, (unsigned long)NR, ktest_active(s));
	for (i = 0; i < NR; i++) {
		KUNIT_EXPECT_TRUE(test, list_lru_del_obj(&lru, &objs[i]->lru));
		kslab_cache_free(s, objs[i]);
	}
	KUNIT_EXPECT_EQ(test, 0UL, list_lru_count(&lru));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	list_lru_destroy(&lru);
}

/*
 * The constructor runs once per object when its slab is made, never on
 * reuse, and a freed object keeps the state its user left in it.
 */
static void core_ctor(struct kunit *test)
{
	enum { NR = 300 };
	struct kslab_cache *s;
	struct cache_info info;
	u32 **objs, *p;
	unsigned int i, calls;

	objs = kunit_kcalloc(test, NR, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	atomic_set(&ctor_calls, 0);
	s = ktest_create(test, "kunit_core_ctor", 40, 0, 0, ctor_fn);
	for (i = 0; i < NR; i++) {
		objs[i] = kslab_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_EQ(test, CTOR_MAGIC, objs[i][0]);
		KUNIT_EXPECT_EQ(test, 0u, objs[i][1]);
		objs[i][1] = 1000 + i;	/* the user's state */
	}
	cache_info(s, &info);
	calls = atomic_read(&ctor_calls);
	KUNIT_EXPECT_EQ(test, (unsigned long)calls, info.num_objs);

	for (i = 0; i < NR; i++)
		kslab_cache_free(s, objs[i]);
	/*
	 * Each object comes back as its constructor or its last user left
	 * it (the thread may have moved to a CPU holding unused objects).
	 */
	for (i = 0; i < NR; i++) {
		p = kslab_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_EQ(test, CTOR_MAGIC, p[0]);
		KUNIT_EXPECT_TRUE(test, !p[1] || (p[1] >= 1000 && p[1] < 1000 + NR));
		objs[i] = p;
	}
	cache_info(s, &info);
	KUNIT_EXPECT_EQ(test, (unsigned long)atomic_read(&ctor_calls), info.num_objs);
	KUNIT_EXPECT_GE(test, (unsigned int)atomic_read(&ctor_calls), calls);
	for (i = 0; i < NR; i++)
		kslab_cache_free(s, objs[i]);
	ktest_destroy(test, s);
}

/* __GFP_ZERO and kslab_cache_zalloc() zero objects that were dirty. */
static void core_zeroing(struct kunit *test)
{
	static const unsigned int sizes[] = { 8, 60, 256, 3000, 9000 };
	struct kslab_cache *s;
	unsigned int i, k;
	u8 *objs[64];

	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		s = ktest_create(test, "kunit_core_zero", sizes[k], 0, 0, NULL);
		for (i = 0; i < ARRAY_SIZE(objs); i++) {
			objs[i] = kslab_cache_alloc(s, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, objs[i]);
			memset(objs[i], 0xa5, sizes[k]);
		}
		for (i = 0; i < ARRAY_SIZE(objs); i++)
			kslab_cache_free(s, objs[i]);
		for (i = 0; i < ARRAY_SIZE(objs); i++) {
			objs[i] = i & 1 ? kslab_cache_zalloc(s, GFP_KERNEL) :
				  kslab_cache_alloc(s, GFP_KERNEL | __GFP_ZERO);
			KUNIT_ASSERT_NOT_NULL(test, objs[i]);
			KUNIT_EXPECT_TRUE(test, !memchr_inv(objs[i], 0, sizes[k]));
		}
		for (i = 0; i < ARRAY_SIZE(objs); i++)
			kslab_cache_free(s, objs[i]);
		ktest_destroy(test, s);
	}
}

static const unsigned int bulk_sizes[] = { 1, 7, 64, 129, 1000, 5000 };

static void bulk_desc(const unsigned int *nr, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u objects", *nr);
}

KUNIT_ARRAY_PARAM(bulk, bulk_sizes, bulk_desc);

/* Bulk calls: all or nothing, distinct objects, mixing with single calls. */
static void core_bulk(struct kunit *test)
{
	unsigned int nr = *(const unsigned int *)test->param_value, i;
	struct kslab_cache *s;
	void **objs;

	objs = kunit_kcalloc(test, nr, sizeof(void *), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	s = ktest_create(test, "kunit_core_bulk", 72, 0, 0, NULL);
	KUNIT_EXPECT_EQ(test, 0, kslab_cache_alloc_bulk(s, GFP_KERNEL, 0, objs));

	KUNIT_ASSERT_EQ(test, (int)nr, kslab_cache_alloc_bulk(s, GFP_KERNEL, nr, objs));
	for (i = 0; i < nr; i++)
		ktest_stamp(objs[i], 72, i);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ(test, 0UL, ktest_check(objs[i], 72, i));
	KUNIT_EXPECT_EQ(test, (unsigned long)nr, ktest_active(s));
	kslab_cache_free_bulk(s, nr, objs);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));

	/* bulk alloc, single frees; single allocs, bulk free */
	KUNIT_ASSERT_EQ(test, (int)nr, kslab_cache_alloc_bulk(s, GFP_KERNEL, nr, objs));
	for (i = 0; i < nr; i++)
		kslab_cache_free(s, objs[i]);
	for (i = 0; i < nr; i++) {
		objs[i] = kslab_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	kslab_cache_free_bulk(s, nr, objs);

	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	kslab_cache_shrink(s);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_slabs(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/*
 * A bulk free's objects of one slab go to the magazine in a loop of their
 * own (free_bulk_run()); an object freed twice in a row there, and with
 * hardening a pointer into the middle of an object, are still refused and
 * reported: each object is freed once, and the next allocations hand out
 * each once, and only starts of objects.
 */
static void core_bulk_bad_in_run(struct kunit *test)
{
	enum { NR = 8 };
	bool hardened = kslab_freelist_hardened;
	void *objs[NR], *arr[NR + 2], *again[NR + 2];
	unsigned int i, j, k = 0;
	unsigned long off;
	struct kslab_cache *s;

	s = ktest_create(test, "kunit_core_bulk_run", 64, 0, 0, NULL);
	KUNIT_ASSERT_EQ(test, NR, kslab_cache_alloc_bulk(s, GFP_KERNEL, NR, objs));
	for (i = 1; i < NR; i++)
		KUNIT_ASSERT_PTR_EQ(test, virt_to_head_page(objs[0]),
				    virt_to_head_page(objs[i]));
	for (i = 0; i < NR; i++) {
		arr[k++] = objs[i];
		if (i == 1)
			arr[k++] = objs[i];		/* freed twice in a row */
		if (i == 3 && hardened)
			arr[k++] = objs[i] + 8;		/* not an object */
	}
	kslab_cache_free_bulk(s, k, arr);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, hardened ? 2UL : 1UL, kslab_cache_errors(s));

	/* all the magazine holds, and more: each object once, each a start */
	KUNIT_ASSERT_EQ(test, NR + 2, kslab_cache_alloc_bulk(s, GFP_KERNEL, NR + 2, again));
	for (i = 0; i < NR + 2; i++) {
		off = again[i] - page_address(virt_to_head_page(again[i]));
		KUNIT_EXPECT_EQ_MSG(test, 0UL, off % s->size, "object %u", i);
		for (j = i + 1; j < NR + 2; j++)
			KUNIT_EXPECT_PTR_NE_MSG(test, again[i], again[j],
						"handed out twice: %u and %u", i, j);
	}
	kslab_cache_free_bulk(s, NR + 2, again);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	ktest_destroy(test, s);
}

/*
 * Handing objects between CPUs. One thread per online CPU allocates and
 * stamps objects and posts them to the next CPU's mailbox; each thread
 * checks and frees what it receives, so almost every free happens on
 * another CPU than the allocation, and across nodes.
 */
#define HANDOFF_SIZE	136
#define HANDOFF_PER_CPU	20000
#define MAILBOX_SLOTS	256

struct mailbox {
	spinlock_t lock;	/* protects head, tail and slots */
	unsigned int head, tail;
	void *slots[MAILBOX_SLOTS];
};

struct handoff {
	struct kslab_cache *s;
	struct mailbox *boxes;
	unsigned int nr;
	atomic_t errors;
	atomic_t running;
	struct completion done;
};

struct handoff_thread {
	struct handoff *h;
	unsigned int idx;
};

static bool mailbox_put(struct mailbox *b, void *obj)
{
	bool ok;

	spin_lock(&b->lock);
	ok = b->head - b->tail < MAILBOX_SLOTS;
	if (ok)
		b->slots[b->head++ % MAILBOX_SLOTS] = obj;
	spin_unlock(&b->lock);
	return ok;
}

static void *mailbox_get(struct mailbox *b)
{
	void *obj = NULL;

	spin_lock(&b->lock);
	if (b->head != b->tail)
		obj = b->slots[b->tail++ % MAILBOX_SLOTS];
	spin_unlock(&b->lock);
	return obj;
}

/* An object carries its own seed in its first word, the stamp after it. */
static void *handoff_alloc(struct kslab_cache *s, u32 seed, gfp_t gfp)
{
	u32 *p = kslab_cache_alloc(s, gfp);

	if (p) {
		p[0] = seed;
		ktest_stamp(p + 1, HANDOFF_SIZE - 4, seed);
	}
	return p;
}

static bool handoff_check_free(struct kslab_cache *s, u32 *p)
{
	bool ok = !ktest_check(p + 1, HANDOFF_SIZE - 4, p[0]);

	kslab_cache_free(s, p);
	return ok;
}

static int handoff_fn(void *arg)
{
	struct handoff_thread *t = arg;
	struct handoff *h = t->h;
	struct mailbox *mine = &h->boxes[t->idx];
	struct mailbox *next = &h->boxes[(t->idx + 1) % h->nr];
	unsigned int sent = 0;
	void *obj, *pending = NULL;
	bool idle;

	while (sent < HANDOFF_PER_CPU || atomic_read(&h->running) > 0) {
		idle = true;
		if (sent < HANDOFF_PER_CPU && !pending) {
			pending = handoff_alloc(h->s, t->idx << 24 | sent, GFP_KERNEL);
			if (!pending)
				atomic_inc(&h->errors);
		}
		if (pending && mailbox_put(next, pending)) {
			pending = NULL;
			idle = false;
			if (++sent == HANDOFF_PER_CPU)
				atomic_dec(&h->running);
		}
		while ((obj = mailbox_get(mine))) {
			if (!handoff_check_free(h->s, obj))
				atomic_inc(&h->errors);
			idle = false;
			cond_resched();
		}
		/*
		 * Nothing sent or received: the others are behind. Sleep, not
		 * spin: on an overcommitted host a spinning vCPU takes the
		 * time the CPUs doing the work need (an RCU stall of minutes).
		 */
		if (idle)
			usleep_range(50, 100);
		else
			cond_resched();
	}
	complete(&h->done);
	return 0;
}

struct flags_case {
	const char *desc;
	slab_flags_t flags;
};

/* The concurrency tests run without and with every debug flag. */
static const struct flags_case conc_cases[] = {
	{ "no debug", 0 },
	{ "FZPU", SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON |
		  SLAB_STORE_USER },
};

static void conc_desc(const struct flags_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(conc, conc_cases, conc_desc);

static void core_remote_free(struct kunit *test)
{
	const struct flags_case *fc = test->param_value;
	struct handoff_thread *threads;
	struct task_struct *task;
	struct handoff h = {};
	unsigned int i, cpu;
	void *obj;

	h.nr = num_online_cpus();
	h.s = ktest_create(test, "kunit_core_handoff", HANDOFF_SIZE, 0, fc->flags, NULL);
	h.boxes = kunit_kcalloc(test, h.nr, sizeof(*h.boxes), GFP_KERNEL);
	threads = kunit_kcalloc(test, h.nr, sizeof(*threads), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h.boxes);
	KUNIT_ASSERT_NOT_NULL(test, threads);
	for (i = 0; i < h.nr; i++)
		spin_lock_init(&h.boxes[i].lock);
	atomic_set(&h.running, h.nr);
	init_completion(&h.done);

	i = 0;
	for_each_online_cpu(cpu) {
		threads[i].h = &h;
		threads[i].idx = i;
		task = kthread_run_on_cpu(handoff_fn, &threads[i], cpu, "kslab_handoff/%u");
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
		i++;
	}
	for (i = 0; i < h.nr; i++)
		wait_for_completion(&h.done);
	for (i = 0; i < h.nr; i++) {
		while ((obj = mailbox_get(&h.boxes[i]))) {
			if (!handoff_check_free(h.s, obj))
				atomic_inc(&h.errors);
			cond_resched();
		}
	}

	KUNIT_EXPECT_EQ(test, 0, atomic_read(&h.errors));
	if (num_online_nodes() > 1 && !fc->flags)
		KUNIT_EXPECT_GT(test, stat_sum(h.s, KSLAB_FREE_REMOTE), 0UL);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(h.s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(h.s));
	kslab_cache_shrink(h.s);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_slabs(h.s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(h.s));
	ktest_destroy(test, h.s);
}

/*
 * Allocation and free from hardirq (an hrtimer) and softirq (a timer)
 * context on every CPU while process context allocates and frees too. On
 * PREEMPT_RT no allocator may be called from hard interrupt context (a
 * spinlock_t sleeps there), so the hrtimer expires in softirq context;
 * so it does where lockdep holds any kernel to RT's lock nesting
 * (PROVE_RAW_LOCK_NESTING, which 7.x's PROVE_LOCKING brings on x86).
 */
#define IRQ_HELD 8
#define IRQ_HRTIMER_MODE (IS_ENABLED(CONFIG_PREEMPT_RT) || \
			  IS_ENABLED(CONFIG_PROVE_RAW_LOCK_NESTING) ? \
			  HRTIMER_MODE_REL_SOFT : HRTIMER_MODE_REL_HARD)

struct irq_side {
	struct kslab_cache *s;
	void *held[IRQ_HELD];
	u32 seq;
	atomic_t *errors;
	atomic_t *events;
	bool stop;
};

static void irq_side_churn(struct irq_side *side, u32 tag)
{
	unsigned int i = side->seq++ % IRQ_HELD;

	if (side->held[i] && !handoff_check_free(side->s, side->held[i]))
		atomic_inc(side->errors);
	side->held[i] = handoff_alloc(side->s, tag | (side->seq & 0xffffff),
				      GFP_ATOMIC | __GFP_NOWARN);
	atomic_inc(side->events);
}

struct irq_test {
	struct hrtimer hrtimer;
	struct timer_list timer;
	struct irq_side hard, soft;
};

static enum hrtimer_restart irq_hard_fn(struct hrtimer *t)
{
	struct irq_test *it = container_of(t, struct irq_test, hrtimer);

	irq_side_churn(&it->hard, 1u << 24);
	if (READ_ONCE(it->hard.stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime(200 * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static void irq_soft_fn(struct timer_list *t)
{
	struct irq_test *it = container_of(t, struct irq_test, timer);

	irq_side_churn(&it->soft, 2u << 24);
	if (!READ_ONCE(it->soft.stop))
		mod_timer(&it->timer, jiffies + 1);
}

static void core_irq_contexts(struct kunit *test)
{
	const struct flags_case *fc = test->param_value;
	atomic_t errors = ATOMIC_INIT(0), events = ATOMIC_INIT(0);
	struct irq_test *it;
	struct kslab_cache *s;
	unsigned long end;
	void *mine[32] = {};
	unsigned int i, round = 0;

	it = kunit_kzalloc(test, sizeof(*it), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, it);
	s = ktest_create(test, "kunit_core_irq", HANDOFF_SIZE, 0, fc->flags, NULL);
	it->hard.s = s;
	it->soft.s = s;
	it->hard.errors = &errors;
	it->soft.errors = &errors;
	it->hard.events = &events;
	it->soft.events = &events;
	kslab_hrtimer_setup(&it->hrtimer, irq_hard_fn, CLOCK_MONOTONIC,
			    IRQ_HRTIMER_MODE);
	timer_setup(&it->timer, irq_soft_fn, 0);
	hrtimer_start(&it->hrtimer, ns_to_ktime(100 * NSEC_PER_USEC),
		      IRQ_HRTIMER_MODE);
	mod_timer(&it->timer, jiffies + 1);

	end = jiffies + msecs_to_jiffies(1500);
	while (time_before(jiffies, end)) {
		i = round++ % ARRAY_SIZE(mine);
		if (mine[i] && !handoff_check_free(s, mine[i]))
			atomic_inc(&errors);
		mine[i] = handoff_alloc(s, 3u << 24 | (round & 0xffffff), GFP_KERNEL);
		if (!(round % 64))
			cond_resched();
	}
	WRITE_ONCE(it->hard.stop, true);
	WRITE_ONCE(it->soft.stop, true);
	hrtimer_cancel(&it->hrtimer);
	timer_shutdown_sync(&it->timer);

	for (i = 0; i < ARRAY_SIZE(mine); i++)
		if (mine[i] && !handoff_check_free(s, mine[i]))
			atomic_inc(&errors);
	for (i = 0; i < IRQ_HELD; i++) {
		if (it->hard.held[i] && !handoff_check_free(s, it->hard.held[i]))
			atomic_inc(&errors);
		if (it->soft.held[i] && !handoff_check_free(s, it->soft.held[i]))
			atomic_inc(&errors);
	}
	KUNIT_EXPECT_GT(test, atomic_read(&events), 20);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&errors));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	kslab_cache_shrink(s);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_slabs(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/*
 * A GFP_NOWAIT storm of 64 KiB objects until the page allocator says no:
 * NULL comes back cleanly, the counts stay exact, every page returns, and
 * allocation works again afterwards.
 */
static void core_nowait_storm(struct kunit *test)
{
	struct kslab_cache *s;
	unsigned long nr = 0, limit = (2UL << 30) / SZ_64K;
	void **list = NULL, **p;
	bool failed = false;

	s = ktest_create(test, "kunit_core_storm", SZ_64K, 0, 0, NULL);
	while (nr < limit) {
		p = kslab_cache_alloc(s, GFP_NOWAIT | __GFP_NOWARN);
		if (!p) {
			failed = true;
			break;
		}
		*p = list;
		list = p;
		nr++;
	}
	KUNIT_EXPECT_TRUE_MSG(test, failed, "%lu objects of 64 KiB and no failure", nr);
	KUNIT_EXPECT_GT(test, stat_sum(s, KSLAB_ALLOC_FAILED), 0UL);
	KUNIT_EXPECT_EQ(test, nr, ktest_active(s));
	while (list) {
		p = *list;
		kslab_cache_free(s, list);
		list = p;
	}
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	kslab_cache_shrink(s);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_slabs(s));
	/* this cache's pages: other caches' may go to the shrinker meanwhile */
	KUNIT_EXPECT_EQ(test, 0UL, cache_pages(s));

	ktest_destroy_works(test, s);
}

/*
 * After frees, a cache keeps at most its depots, magazines and
 * slab_empty_max() empty slabs a node; two trims give the depots and the
 * empty slabs back (what was not needed over an interval); shrink returns
 * the rest.
 */
static void core_shrink(struct kunit *test)
{
	enum { NR = 10000 };
	long pages_before = held_pages();
	struct kslab_cache *s;
	void **objs;
	unsigned int i;

	objs = kunit_kcalloc(test, NR, sizeof(void *), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	s = ktest_create(test, "kunit_core_shrink", 256, 0, 0, NULL);
	for (i = 0; i < NR; i++) {
		objs[i] = kslab_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	KUNIT_EXPECT_GE(test, cache_pages(s), NR * 256UL / PAGE_SIZE);
	for (i = 0; i < NR; i++)
		kslab_cache_free(s, objs[i]);
	KUNIT_EXPECT_LE(test, cache_pages(s), ktest_idle_pages_max(s));
	ktest_trim_twice(s);
	KUNIT_EXPECT_GT(test, stat_sum(s, KSLAB_DEPOT_TRIM), 0UL);
	/* two magazines a CPU and min_partial empty slabs a node at most */
	KUNIT_EXPECT_LE(test, cache_pages(s),
			(DIV_ROUND_UP(2 * num_possible_cpus() * s->mag_size, s->objects) +
			 num_possible_nodes() * s->min_partial) << s->order);
	KUNIT_EXPECT_EQ(test, 0, kslab_cache_shrink(s));
	KUNIT_EXPECT_EQ(test, 0UL, cache_pages(s));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_slabs(s));
	KUNIT_EXPECT_EQ(test, pages_before, held_pages());
	ktest_destroy(test, s);
}

static void core_init_on_alloc_enable(void *unused)
{
	static_branch_enable(&init_on_alloc);
}

/*
 * Is @p wiped, but for the free pointer its slab may have stored in it
 * (cpu_alloc_init() clears that one on the way out)?
 */
static bool core_wiped(struct kslab_cache *s, const u8 *p)
{
	unsigned int i;

	for (i = 0; i < s->object_size; i++)
		if (p[i] && (i < s->offset || i >= s->offset + sizeof(void *)))
			return false;
	return true;
}

/*
 * Allocate from @s, failing the first page allocation of each call (a new
 * slab's high order: the slab falls back to min_order), until @want
 * objects of fallback slabs are ones slab_index_fast() calls bad, which
 * sends their frees off the fast path. Those go to @bad, the others to
 * @objs (at most @max; *@nr of them). Return: how many went to @bad.
 */
static unsigned int core_fallback_objects(struct kslab_cache *s, void **objs,
					  unsigned int max, unsigned int *nr,
					  void **bad, unsigned int want)
{
	unsigned int tries, got = 0;
	struct page *page;
	void *p;

	*nr = 0;
	for (tries = 0; tries < max && *nr < max && got < want; tries++) {
		current->fail_nth = 1;
		p = kslab_cache_alloc(s, GFP_KERNEL | __GFP_NOWARN);
		current->fail_nth = 0;
		if (!p)
			continue;
		page = virt_to_head_page(p);
		if (compound_order(page) != s->order &&
		    slab_index_fast(s, page_meta(page), p) == KSLAB_BAD_INDEX)
			bad[got++] = p;
		else
			objs[(*nr)++] = p;
	}
	return got;
}

/*
 * A free that leaves the fast path while the loaded magazine has room (an
 * object of a fallback slab) goes into that magazine: it must not trade
 * an empty loaded magazine to the depot as a full one, which validation
 * calls wrong and whose count of 0 the next refill would pop below zero.
 * Pinned: one CPU's magazines, one empty and the previous one full.
 */
static void core_free_slow_room(struct kunit *test)
{
	enum { MAX = 600 };
	void **objs = ktest_ptrs(test, MAX);
	unsigned int nr = 0, i, bad;
	struct kslab_cache *s;
	struct kslab_cpu *c;
	bool set = false;
	long invalid;
	void *f, *p;

	if (!ktest_fpa_armed())
		kunit_skip(test, "no fail_page_alloc in debugfs: no fallback slab to force");
	s = ktest_create(test, "kunit_core_slow_room", 700, 0, 0, NULL);
	KUNIT_ASSERT_GT(test, s->order, s->min_order);
	migrate_disable();
	bad = core_fallback_objects(s, objs, MAX, &nr, &f, 1);
	/* enough objects to fill two magazines with */
	while (nr < MAX && (objs[nr] = kslab_cache_alloc(s, GFP_KERNEL)))
		nr++;
	c = this_cpu_ptr(s->cpu);
	/* free until the push that parked a full magazine as the previous */
	for (i = 0; bad && i < nr && !set; i++) {
		kslab_cache_free(s, objs[i]);
		objs[i] = NULL;
		set = c->loaded->count == 1 && c->previous->count;
	}
	p = set ? kslab_cache_alloc(s, GFP_KERNEL) : NULL;	/* loaded: empty */
	if (p)
		kslab_cache_free(s, f);
	invalid = kslab_cache_validate(s);
	migrate_enable();

	KUNIT_ASSERT_EQ_MSG(test, 1U, bad, "no object of a fallback slab the fast path calls bad");
	KUNIT_ASSERT_TRUE(test, set);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, 0L, invalid);
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	kslab_cache_free(s, p);
	ktest_free_n(s, objs, nr);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	ktest_destroy(test, s);
}

/*
 * init_on_free wipes the objects of slabs that fell back to min_order
 * too: the fast path's slab_index_fast() may call them bad, which sends a
 * single free to cpu_free_slow() and a bulk free straight to the slab. The
 * next user, without __GFP_ZERO and init_on_alloc, must not read what the
 * last one left. Needs init_on_free=1 on the kernel's command line; an
 * init_on_alloc that is on is turned off for the test, then back on.
 */
static void core_init_on_free_fallback(struct kunit *test)
{
	enum { MAX = 3000, SIZE = 700 };
	void **objs = ktest_ptrs(test, MAX);
	struct kslab_cache *s;
	unsigned int nr, bad;
	bool a_wiped, b_wiped;
	u8 *ab[2], *back;

	if (!static_key_enabled(&init_on_free))
		kunit_skip(test, "init_on_free is off: boot with init_on_free=1 to run this");
	if (!ktest_fpa_armed())
		kunit_skip(test, "no fail_page_alloc in debugfs: no fallback slab to force");
	if (static_key_enabled(&init_on_alloc)) {
		static_branch_disable(&init_on_alloc);
		KUNIT_ASSERT_EQ(test, 0,
				kunit_add_action_or_reset(test, core_init_on_alloc_enable, NULL));
	}
	s = ktest_create(test, "kunit_core_iof_fallback", SIZE, 0, 0, NULL);
	KUNIT_ASSERT_GT(test, s->order, s->min_order);
	bad = core_fallback_objects(s, objs, MAX, &nr, (void **)ab, 2);
	KUNIT_ASSERT_EQ_MSG(test, 2U, bad, "%lu fallback slabs, no two objects of them called bad",
			    stat_sum(s, KSLAB_ORDER_FALLBACK));

	memset(ab[0], 0x5e, SIZE);
	memset(ab[1], 0x5e, SIZE);
	migrate_disable();	/* the object freed last is the next one out */
	kslab_cache_free(s, ab[0]);
	a_wiped = core_wiped(s, ab[0]);	/* freed memory, read on purpose */
	back = kslab_cache_alloc(s, GFP_KERNEL);
	migrate_enable();
	kslab_cache_free_bulk(s, 1, (void **)&ab[1]);
	b_wiped = core_wiped(s, ab[1]);

	KUNIT_EXPECT_TRUE_MSG(test, a_wiped, "single free: the last user's bytes: %*ph", 16, ab[0]);
	KUNIT_EXPECT_TRUE_MSG(test, b_wiped, "bulk free: the last user's bytes: %*ph", 16, ab[1]);
	KUNIT_ASSERT_NOT_NULL(test, back);
	KUNIT_EXPECT_PTR_EQ(test, (void *)ab[0], (void *)back);
	KUNIT_EXPECT_TRUE_MSG(test, !memchr_inv(back, 0, SIZE),
			      "the next user reads the last one's bytes: %*ph", 16, back);
	kslab_cache_free(s, back);
	ktest_free_n(s, objs, nr);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/*
 * __GFP_ZERO on a cache with a constructor is the caller's bug: zeroing
 * would wipe the state the constructor built, and kslab never builds it
 * again. It is reported, counted in kslab_cache_errors(), and the object
 * comes as constructed, from single and bulk calls alike.
 */
static void core_zero_ctor(struct kunit *test)
{
	struct kslab_cache *s;
	u32 *p, *objs[4];
	unsigned long e;
	unsigned int i;

	s = ktest_create(test, "kunit_core_zero_ctor", 40, 0, 0, ctor_fn);
	e = kslab_cache_errors(s);
	p = kslab_cache_alloc(s, GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, CTOR_MAGIC, p[0]);
	KUNIT_EXPECT_EQ(test, e + 1, kslab_cache_errors(s));
	KUNIT_ASSERT_EQ(test, 4, kslab_cache_alloc_bulk(s, GFP_KERNEL | __GFP_ZERO, 4,
							(void **)objs));
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, CTOR_MAGIC, objs[i][0]);
	KUNIT_EXPECT_EQ(test, e + 2, kslab_cache_errors(s));
	kslab_cache_free(s, p);
	kslab_cache_free_bulk(s, 4, (void **)objs);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	ktest_destroy(test, s);
}

static struct kunit_case core_cases[] = {
	KUNIT_CASE_PARAM(core_sizes, size_gen_params),
	KUNIT_CASE(core_ctor),
	KUNIT_CASE(core_alloc_lru),
	KUNIT_CASE(core_zeroing),
	KUNIT_CASE_PARAM(core_bulk, bulk_gen_params),
	KUNIT_CASE(core_bulk_bad_in_run),
	KUNIT_CASE_PARAM(core_remote_free, conc_gen_params),
	KUNIT_CASE_PARAM(core_irq_contexts, conc_gen_params),
	KUNIT_CASE(core_nowait_storm),
	KUNIT_CASE(core_shrink),
	KUNIT_CASE(core_free_slow_room),
	KUNIT_CASE(core_init_on_free_fallback),
	KUNIT_CASE(core_zero_ctor),
	{}
};

static struct kunit_suite core_suite = {
	.name = "kslab_core",
	.test_cases = core_cases,
};

kunit_test_suite(core_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_core: kslab's allocator");
KSLAB_IMPORT_FOR_KUNIT();
