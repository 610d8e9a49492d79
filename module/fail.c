// SPDX-License-Identifier: GPL-2.0
/*
 * fail.c - kslab's own fault injection, per cache, like the kernel's
 * failslab: a module author makes allocations from one cache fail on
 * purpose (every Nth, a percentage, at most so many times) to test their
 * error paths. A cache with it set takes the slow path; others pay
 * nothing.
 */
#define pr_fmt(fmt) "kslab: " fmt

#include <linux/cpu.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "kslab_int.h"

struct kslab_fail {
	struct rcu_head rcu;
	unsigned int probability;	/* percent of allocations that fail */
	unsigned int interval;		/* only every interval-th may fail */
	atomic_long_t times;		/* failures left; negative: no limit */
	atomic_long_t count;		/* allocations seen */
};

/**
 * fail_should - should this allocation from @s fail on purpose?
 * @s: a cache with KSLAB_SLOW_FAIL set
 *
 * Context: any context. Return: true to fail it.
 */
bool fail_should(struct kslab_cache *s)
{
	struct kslab_fail *f;
	bool fail = false;
	long n;

	rcu_read_lock();
	f = rcu_dereference(s->fail);
	if (!f)
		goto out;
	n = atomic_long_inc_return(&f->count);
	if (f->interval > 1 && n % f->interval)
		goto out;
	if (f->probability < 100 && get_random_u32_below(100) >= f->probability)
		goto out;
	fail = atomic_long_read(&f->times) < 0 ||
	       atomic_long_dec_if_positive(&f->times) >= 0;
out:
	rcu_read_unlock();
	return fail;
}

/**
 * kslab_cache_set_fail - make allocations from a cache fail on purpose
 * @s: the cache
 * @probability: percent of the candidate allocations that fail, 1..100
 * @interval: only every @interval-th allocation is a candidate (1: all)
 * @times: failures at most, then none; negative: no limit
 *
 * The knobs of the kernel's failslab, for one cache. With @probability 0
 * fault injection is switched off (then @interval and @times must be 0).
 * Failed allocations return NULL (bulk: 0) and count as alloc_failed.
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL for values out of range (nothing changes), -ENOMEM.
 */
int kslab_cache_set_fail(struct kslab_cache *s, unsigned int probability,
			 unsigned int interval, long times)
{
	struct kslab_fail *f = NULL, *old;

	if (probability > 100 || (probability && !interval) ||
	    (!probability && (interval || times))) {
		pr_warn("%s: fault injection: bad values (probability %u, interval %u, times %ld)\n",
			s->name, probability, interval, times);
		return -EINVAL;
	}
	if (probability) {
		f = kzalloc(sizeof(*f), GFP_KERNEL);
		if (!f)
			return -ENOMEM;
		f->probability = probability;
		f->interval = interval;
		atomic_long_set(&f->times, times);
	}
	cpus_read_lock();
	mutex_lock(&kslab_mutex);
	old = rcu_replace_pointer(s->fail, f, lockdep_is_held(&kslab_mutex));
	cache_set_slowpath(s, KSLAB_SLOW_FAIL, f);
	mutex_unlock(&kslab_mutex);
	cpus_read_unlock();
	cache_sync_slowpath_key();
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}
EXPORT_SYMBOL_GPL(kslab_cache_set_fail);

/**
 * fail_get - a cache's fault injection settings (all 0 when off)
 * @s: the cache
 * @probability: gets the percentage
 * @interval: gets the interval
 * @times: gets the failures left (negative: no limit)
 *
 * Context: any context.
 */
void fail_get(struct kslab_cache *s, unsigned int *probability,
	      unsigned int *interval, long *times)
{
	struct kslab_fail *f;

	rcu_read_lock();
	f = rcu_dereference(s->fail);
	*probability = f ? f->probability : 0;
	*interval = f ? f->interval : 0;
	*times = f ? atomic_long_read(&f->times) : 0;
	rcu_read_unlock();
}

/**
 * fail_release - free a cache's fault injection state at its end
 * @s: the cache
 *
 * Context: no reader left (the cache is being freed).
 */
void fail_release(struct kslab_cache *s)
{
	kfree(rcu_dereference_protected(s->fail, true));
}
