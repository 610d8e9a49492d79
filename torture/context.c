// SPDX-License-Identifier: GPL-2.0
/*
 * context.c - the contexts that run the torture's steps, and their
 * lifetime: a kthread per online CPU (or @threads of them) and, with
 * @irq, an hrtimer in hardirq mode (softirq on PREEMPT_RT, where no
 * allocator may run in hard interrupt context, and where lockdep checks
 * RT's lock nesting, PROVE_RAW_LOCK_NESTING) and a timer_list (softirq)
 * pinned to each online CPU. Threads mostly use GFP_KERNEL, sometimes
 * with interrupts (on PREEMPT_RT: migration) or bottom halves off;
 * interrupt contexts use GFP_ATOMIC | __GFP_NOWARN and tolerate NULL
 * (counted). Each context holds the records of its objects and has a
 * mailbox, a ring of records under an irq-safe lock, that the other
 * contexts fill (step.c). Here: creating them, starting the threads and
 * the timers, putting a timer back on its CPU after an offline, stopping
 * them all, and freeing what they still hold.
 */
#define pr_fmt(fmt) "kslab-torture: " fmt

#include <linux/cpu.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include "torture.h"

struct tctx *ctxs[TORTURE_MAX_CTXS];
unsigned int nr_ctxs;
struct tctx *teardown_ctx;
static bool torture_stopping;

/* Each context @c, in the order of ctxs[]; the teardown's is not one. */
#define for_each_ctx(c) \
	for (struct tctx **__pc = ctxs; __pc < ctxs + nr_ctxs && ((c) = *__pc); __pc++)

bool box_push(struct tctx *to, const struct trec *r)
{
	unsigned long flags;
	bool done = false;

	spin_lock_irqsave(&to->box_lock, flags);
	if (to->box_count < TORTURE_BOX) {
		to->box[(to->box_first + to->box_count) % TORTURE_BOX] = *r;
		WRITE_ONCE(to->box_count, to->box_count + 1);
		done = true;
	}
	spin_unlock_irqrestore(&to->box_lock, flags);
	return done;
}

bool box_pop(struct tctx *c, struct trec *r)
{
	unsigned long flags;
	bool done = false;

	spin_lock_irqsave(&c->box_lock, flags);
	if (c->box_count) {
		*r = c->box[c->box_first];
		c->box_first = (c->box_first + 1) % TORTURE_BOX;
		WRITE_ONCE(c->box_count, c->box_count - 1);
		done = true;
	}
	spin_unlock_irqrestore(&c->box_lock, flags);
	return done;
}

/* A thread step, sometimes with interrupts or bottom halves off. */
static void ctx_thread_step(struct tctx *c)
{
	unsigned long flags;

	if (unlikely(torture_inject))
		ctx_inject(c);

	switch (ctx_rand(c, 16)) {
	case 0:
		/* on RT, spinlock_t sleeps: no allocator with interrupts off */
		if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
			migrate_disable();
			ctx_step(c, GFP_ATOMIC | __GFP_NOWARN);
			migrate_enable();
			break;
		}
		local_irq_save(flags);
		ctx_step(c, GFP_ATOMIC | __GFP_NOWARN);
		local_irq_restore(flags);
		break;
	case 1:
		local_bh_disable();
		ctx_step(c, GFP_ATOMIC | __GFP_NOWARN);
		local_bh_enable();
		break;
	case 2:
		ctx_step(c, GFP_NOWAIT | __GFP_NOWARN);
		break;
	default:
		ctx_step(c, GFP_KERNEL);
	}
}

static int ctx_thread_fn(void *arg)
{
	struct tctx *c = arg;
	unsigned int i;

	/* as locktorture's writers: the controller and hotplug go first */
	set_user_nice(current, MAX_NICE);
	while (!kthread_should_stop()) {
		for (i = 0; i < TORTURE_THREAD_STEPS; i++)
			ctx_thread_step(c);
		cond_resched();
	}
	return 0;
}

static void ctx_irq_steps(struct tctx *c)
{
	unsigned int i;

	c->stat[TS_RUNS]++;
	if (raw_smp_processor_id() != c->home)
		c->stat[TS_RUNS_AWAY]++;
	op_drain(c, 2 * TORTURE_DRAIN);
	for (i = 0; i < TORTURE_IRQ_STEPS; i++)
		ctx_step(c, GFP_ATOMIC | __GFP_NOWARN);
}

static enum hrtimer_restart ctx_hrtimer_fn(struct hrtimer *t)
{
	struct tctx *c = container_of(t, struct tctx, hrtimer);

	ctx_irq_steps(c);
	if (READ_ONCE(torture_stopping))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime((u64)irq_period_us * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static void ctx_timer_fn(struct timer_list *t)
{
	struct tctx *c = container_of(t, struct tctx, timer);

	ctx_irq_steps(c);
	if (!READ_ONCE(torture_stopping))
		mod_timer(&c->timer, jiffies + 1);
}

/* Started by IPI on the timer's CPU: HRTIMER_MODE_*_PINNED keeps it there. */
static void ctx_hrtimer_start(void *arg)
{
	struct tctx *c = arg;

	hrtimer_start(&c->hrtimer, ns_to_ktime((u64)irq_period_us * NSEC_PER_USEC),
		      TORTURE_HRTIMER_MODE);
}

static struct tctx *ctx_new(enum tkind kind, unsigned int held_max)
{
	struct tctx *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	c->held = kcalloc(max(held_max, 1U), sizeof(*c->held), GFP_KERNEL);
	if (!c->held) {
		kfree(c);
		return NULL;
	}
	c->kind = kind;
	c->held_max = held_max;
	c->bulk_max = kind == TK_THREAD ? TORTURE_BULK_MAX : 8;
	c->cpu = -1;
	spin_lock_init(&c->box_lock);
	return c;
}

static void ctx_free(struct tctx *c)
{
	if (!c)
		return;
	kfree(c->held);
	kfree(c);
}

static int ctx_add(enum tkind kind, unsigned int held_max, int home)
{
	struct tctx *c = ctx_new(kind, held_max);

	if (!c)
		return -ENOMEM;
	c->home = home;
	c->idx = nr_ctxs;
	prandom_seed_state(&c->rnd, torture_seed + nr_ctxs + 1);
	ctxs[nr_ctxs++] = c;
	return 0;
}

/* Every context, none of them running yet: timers for @cpus. */
int ctxs_create(unsigned int nthreads, const struct cpumask *cpus)
{
	unsigned int i;
	int cpu, ret = 0;

	for (i = 0; i < nthreads && !ret; i++)
		ret = ctx_add(TK_THREAD, TORTURE_HOLD_THREAD, -1);
	for_each_cpu(cpu, cpus) {
		if (nr_ctxs + 2 > TORTURE_MAX_CTXS)
			break;
		if (!ret)
			ret = ctx_add(TK_HARDIRQ, TORTURE_HOLD_IRQ, cpu);
		if (!ret)
			ret = ctx_add(TK_SOFTIRQ, TORTURE_HOLD_IRQ, cpu);
	}
	if (ret)
		return ret;
	teardown_ctx = ctx_new(TK_TEARDOWN, 0);
	if (!teardown_ctx)
		return -ENOMEM;
	teardown_ctx->idx = nr_ctxs;
	prandom_seed_state(&teardown_ctx->rnd, torture_seed);
	return 0;
}

void ctxs_free(void)
{
	unsigned int i;

	for (i = 0; i < nr_ctxs; i++) {
		ctx_free(ctxs[i]);
		ctxs[i] = NULL;
	}
	nr_ctxs = 0;
	ctx_free(teardown_ctx);
	teardown_ctx = NULL;
}

/* Start the threads. */
int ctxs_start_threads(void)
{
	struct tctx *c;
	int ret = 0;

	for_each_ctx(c) {
		if (c->kind != TK_THREAD)
			continue;
		ret = torture_kthread_start(&c->task, ctx_thread_fn, c,
					    "kslab_torture/%u", c->idx);
		if (ret) {
			pr_err("cannot start thread %u: %d\n", c->idx, ret);
			break;
		}
	}
	return ret;
}

/* Start each timer on its CPU. Context: cpus_read_lock() held. */
int ctxs_start_timers(void)
{
	struct tctx *c;
	int ret;

	for_each_ctx(c) {
		if (c->kind == TK_HARDIRQ) {
			kslab_hrtimer_setup(&c->hrtimer, ctx_hrtimer_fn, CLOCK_MONOTONIC,
					    TORTURE_HRTIMER_MODE);
			ret = smp_call_function_single(c->home, ctx_hrtimer_start, c, 1);
			if (ret) {
				pr_err("cannot start the hrtimer of CPU %d: %d\n", c->home, ret);
				return ret;
			}
		} else if (c->kind == TK_SOFTIRQ) {
			timer_setup(&c->timer, ctx_timer_fn, TIMER_PINNED);
			c->timer.expires = jiffies + 1;
			add_timer_on(&c->timer, c->home);
		}
	}
	return 0;
}

/* Stop every context: no thread runs and no timer is pending afterwards. */
void ctxs_stop(void)
{
	struct tctx *c;

	WRITE_ONCE(torture_stopping, true);
	for_each_ctx(c) {
		if (c->hrtimer.function)
			hrtimer_cancel(&c->hrtimer);
		if (c->timer.function)
			timer_delete_sync(&c->timer);
		torture_kthread_stop(&c->task);
	}
}

/* Free every object still held or in a mailbox; all contexts stopped. */
void ctxs_drain(void)
{
	struct tctx *t = teardown_ctx, *c;
	struct trec r;

	if (!t)
		return;
	for_each_ctx(c) {
		while (c->nheld) {
			held_take(c, c->nheld - 1, &r);
			rec_free(t, &r);
		}
		while (box_pop(c, &r))
			rec_free(t, &r);
		cond_resched();
	}
}

/*
 * ctxs_rehome - put the timers of @cpu, which the offline moved to
 * another CPU, back on it: cancel (waiting for a running callback), then
 * start again there. Only the hotplug thread calls it (hotplug.c), and
 * it is stopped before the timers are.
 */
void ctxs_rehome(int cpu)
{
	struct tctx *c;

	for_each_ctx(c) {
		if (c->home != cpu)
			continue;
		if (c->kind == TK_HARDIRQ) {
			hrtimer_cancel(&c->hrtimer);
			if (smp_call_function_single(cpu, ctx_hrtimer_start, c, 1))
				ctx_hrtimer_start(c);
		} else if (c->kind == TK_SOFTIRQ) {
			timer_delete_sync(&c->timer);
			c->timer.expires = jiffies + 1;
			add_timer_on(&c->timer, cpu_online(cpu) ? cpu : raw_smp_processor_id());
		}
	}
}

