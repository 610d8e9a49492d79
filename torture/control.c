// SPDX-License-Identifier: GPL-2.0
/*
 * control.c - the kslab torture test, in the style of the kernel's
 * locktorture and rcutorture: loading kslab_torture.ko hammers kslab for
 * @duration seconds and reports whether kslab ever lost, duplicated or
 * corrupted an object. It uses only kslab.h and ordinary kernel APIs, so
 * it runs on any kernel kslab builds for; it needs no KUnit. This file
 * holds the parameters and the run: init checks them, creates the caches
 * (cache.c, movable.c), starts the contexts (context.c), the movable
 * caches' owners and the hotplug thread (hotplug.c), and then is the
 * controller for @duration seconds: it validates a cache every half
 * second, shrinks one every two, writes 2 to /proc/sys/vm/drop_caches
 * every five (proc.c) and prints a stats line every @stat_interval
 * seconds (judge.c). Then it stops everything, frees every object, judges
 * and prints the figures. @inject makes the torture itself break the
 * rules once (a flipped byte, an object with two holders, a move that
 * leaves the slot on the old object), to show that such a run fails.
 * Its kthread helpers start and stop every thread of the torture.
 * Init returns 0 after the whole run and leaves no thread or timer.
 */
#define pr_fmt(fmt) "kslab-torture: " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/random.h>
#include <linux/sched/task.h>

#include "torture.h"

static int torture_duration = 30;
module_param_named(duration, torture_duration, int, 0444);
MODULE_PARM_DESC(duration, "seconds of torture (default 30)");

static int torture_threads = -1;
module_param_named(threads, torture_threads, int, 0444);
MODULE_PARM_DESC(threads, "worker kthreads, 1..64 (default -1: one per online CPU)");

ulong torture_seed;
module_param_named(seed, torture_seed, ulong, 0444);
MODULE_PARM_DESC(seed, "random seed (default 0: pick one and print it)");

static bool torture_hotplug = true;
module_param_named(hotplug, torture_hotplug, bool, 0444);
MODULE_PARM_DESC(hotplug, "take random non-boot CPUs offline and online (default 1)");

static bool torture_drop_caches = true;
module_param_named(drop_caches, torture_drop_caches, bool, 0444);
MODULE_PARM_DESC(drop_caches, "write 2 to /proc/sys/vm/drop_caches every 5 s (default 1)");

static bool torture_irq = true;
module_param_named(irq, torture_irq, bool, 0444);
MODULE_PARM_DESC(irq, "run an hrtimer (hardirq) and a timer_list (softirq) on each CPU (default 1)");

static int stat_interval = 10;
module_param(stat_interval, int, 0444);
MODULE_PARM_DESC(stat_interval, "seconds between stats lines, 0: none (default 10)");

int onoff_interval = 1000;
module_param(onoff_interval, int, 0444);
MODULE_PARM_DESC(onoff_interval, "milliseconds between CPU hotplug cycles (default 1000)");

int irq_period_us = 1000;
module_param(irq_period_us, int, 0444);
MODULE_PARM_DESC(irq_period_us, "hrtimer period in microseconds (default 1000)");

static int live_mb = 128;
module_param(live_mb, int, 0444);
MODULE_PARM_DESC(live_mb, "MiB of live objects above which contexts only free (default 128)");

int torture_inject;
module_param_named(inject, torture_inject, int, 0444);
MODULE_PARM_DESC(inject, "test the test after 1 s: 1 flips a byte of a held object, 2 gives an object two holders, 3 makes a move leave its slot on the old object; the run must then fail (default 0)");

u64 torture_key;
long live_max;
int tnodes[MAX_NUMNODES];
unsigned int nr_tnodes;
bool inject_armed;
atomic_t inject_done = ATOMIC_INIT(0);
/* Written by the controller only. */
unsigned long nr_validations, nr_shrinks;

/*
 * torture_kthread_start - run @fn(@arg) in a kthread named by @namefmt and
 * keep a reference to it in *@task for torture_kthread_stop(), as
 * kernel/torture.c's torture_create_kthread() does.
 * Return: 0, or a negative errno (and *@task NULL).
 */
int torture_kthread_start(struct task_struct **task, int (*fn)(void *arg),
			  void *arg, const char *namefmt, ...)
{
	char name[32];
	va_list args;
	int ret;

	va_start(args, namefmt);
	vsnprintf(name, sizeof(name), namefmt, args);
	va_end(args);
	*task = kthread_run(fn, arg, "%s", name);
	if (IS_ERR(*task)) {
		ret = PTR_ERR(*task);
		*task = NULL;
		return ret;
	}
	get_task_struct(*task);
	return 0;
}

/* Stop the kthread of *@task, if it runs, and drop the reference. */
void torture_kthread_stop(struct task_struct **task)
{
	if (!*task)
		return;
	kthread_stop(*task);
	put_task_struct(*task);
	*task = NULL;
}

/* Validate cache @ci of the torture's caches, then of the movable ones. */
static void control_validate(unsigned int ci)
{
	long ret;

	if (ci < NR_TCACHES) {
		tcache_validate(ci);
		return;
	}
	ci -= NR_TCACHES;
	ret = kslab_cache_validate(mcaches[ci].s);
	if (ret)
		error_report("%s: kslab_cache_validate() returned %ld",
			     mcache_defs[ci].name, ret);
}

/* Is the deadline @*next (ms from the start) reached? Then set the next one. */
static bool control_due(s64 now, s64 *next, s64 period)
{
	if (now < *next)
		return false;
	*next = now + period;
	return true;
}

/*
 * torture_control - the controller, run by init for @duration seconds:
 * validation, shrinking, drop_caches, error polling and stats lines.
 */
static void torture_control(void)
{
	s64 now = 0, end = (s64)torture_duration * MSEC_PER_SEC;
	s64 next_validate = 500, next_shrink = 2000, next_drop = 5000;
	s64 next_stat = (s64)stat_interval * MSEC_PER_SEC;
	ktime_t start = ktime_get();
	unsigned int vci = 0, ci;
	struct rnd_state rnd;

	prandom_seed_state(&rnd, torture_seed ^ 0x636f6e74726f6cULL);
	while (now < end) {
		msleep(TORTURE_TICK_MS);
		now = ktime_ms_delta(ktime_get(), start);
		if (torture_inject && now >= 1000)
			WRITE_ONCE(inject_armed, true);
		if (control_due(now, &next_validate, 500)) {
			control_validate(vci++ % (NR_TCACHES + NR_MCACHES));
			nr_validations++;
		}
		if (control_due(now, &next_shrink, 2000)) {
			ci = prandom_u32_state(&rnd) % (NR_TCACHES + NR_MCACHES);
			kslab_cache_shrink(ci < NR_TCACHES ? tcaches[ci].s :
					   mcaches[ci - NR_TCACHES].s);
			nr_shrinks++;
		}
		if (torture_drop_caches && control_due(now, &next_drop, 5000))
			drop_caches_write();
		tcaches_poll_errors();
		if (stat_interval && control_due(now, &next_stat, stat_interval * MSEC_PER_SEC))
			stats_print(now / MSEC_PER_SEC);
	}
}

/* Return: 0, or -EINVAL for a parameter out of its range (printed). */
static int __init params_check(void)
{
	if (torture_duration < 1 || torture_duration > 86400) {
		pr_err("duration=%d: must be 1 to 86400 seconds\n", torture_duration);
		return -EINVAL;
	}
	if (torture_threads == 0 || torture_threads < -1 ||
	    torture_threads > TORTURE_MAX_THREADS) {
		pr_err("threads=%d: must be -1 (one per online CPU) or 1 to %d\n",
		       torture_threads, TORTURE_MAX_THREADS);
		return -EINVAL;
	}
	if (torture_inject < 0 || torture_inject > 3) {
		pr_err("inject=%d: must be 0, 1, 2 or 3\n", torture_inject);
		return -EINVAL;
	}
	if (stat_interval < 0 || onoff_interval < 1 || irq_period_us < 50 ||
	    live_mb < 1) {
		pr_err("stat_interval=%d onoff_interval=%d irq_period_us=%d live_mb=%d: need stat_interval >= 0, onoff_interval >= 1, irq_period_us >= 50, live_mb >= 1\n",
		       stat_interval, onoff_interval, irq_period_us, live_mb);
		return -EINVAL;
	}
	return 0;
}

/* The "--- Start of test" and "--- End of test" lines, as locktorture's. */
static void __init torture_print_parms(const char *tag, unsigned int nthreads,
				       unsigned int nirq)
{
	pr_info("--- %s: duration=%d threads=%u seed=%lu hotplug=%d drop_caches=%d irq=%d (%u hardirq, %u softirq timers) stat_interval=%d onoff_interval=%d irq_period_us=%d live_mb=%d inject=%d\n",
		tag, torture_duration, nthreads, torture_seed, torture_hotplug,
		torture_drop_caches, torture_irq, nirq, nirq, stat_interval,
		onoff_interval, irq_period_us, live_mb, torture_inject);
}

/*
 * torture_start - the contexts, the movable caches' owners and
 * defragmentation, and the hotplug thread; @nirq: the hardirq timers.
 */
static int __init torture_start(unsigned int nthreads, unsigned int *nirq)
{
	cpumask_var_t cpus;
	unsigned int i;
	int ret;

	if (!zalloc_cpumask_var(&cpus, GFP_KERNEL))
		return -ENOMEM;
	cpus_read_lock();
	if (torture_irq)
		cpumask_copy(cpus, cpu_online_mask);
	ret = ctxs_create(nthreads, cpus);
	if (!ret)
		ret = ctxs_start_timers();
	cpus_read_unlock();
	free_cpumask_var(cpus);
	for (i = 0; i < nr_ctxs; i++)
		*nirq += ctxs[i]->kind == TK_HARDIRQ;
	if (!ret)
		ret = ctxs_start_threads();
	if (!ret)
		ret = mcaches_start(nthreads);
	if (ret || !torture_hotplug || num_online_cpus() < 2)
		return ret;
	return onoff_start();
}

/* Stop every thread and timer, then free every object still held. */
static void torture_stop(void)
{
	onoff_stop();
	ctxs_stop();
	mcaches_stop();
	ctxs_drain();
	mcaches_drain();
}

static int __init torture_init(void)
{
	unsigned int nthreads, nirq = 0, idle = 0, midle = 0;
	unsigned long sum[NR_TSTATS];
	u64 ops = 0;
	long kmalloc_before, errors;
	int ret, nid;

	ret = params_check();
	if (ret)
		return ret;
	if (!torture_seed)
		torture_seed = get_random_u64() ?: 1;
	torture_key = torture_seed * 0x9e3779b97f4a7c15ULL;
	live_max = (long)live_mb << 20;
	nthreads = torture_threads > 0 ? torture_threads : num_online_cpus();
	nthreads = min_t(unsigned int, nthreads, TORTURE_MAX_THREADS);
	for_each_node_state(nid, N_MEMORY)
		tnodes[nr_tnodes++] = nid;

	ret = tcaches_create();
	if (!ret)
		ret = mcaches_create(nthreads);
	if (ret)
		goto out_caches;
	orphan_errors = kslab_cache_errors(NULL);
	kmalloc_before = kslabinfo_active("kmalloc-", true);
	if (kmalloc_before < 0) {
		pr_err("cannot read /proc/kslabinfo: %ld\n", kmalloc_before);
		ret = kmalloc_before;
		goto out_caches;
	}
	ret = torture_start(nthreads, &nirq);
	torture_print_parms("Start of test", nthreads, nirq);
	pr_info("%u caches (%u typesafe by RCU, %u refused the flag), %u nodes with memory; %u movable caches, %u slots each\n",
		NR_TCACHES, nr_rcu_caches, nr_rcu_refused, nr_tnodes, NR_MCACHES,
		nthreads * MOV_SLOTS);
	if (!ret)
		torture_control();
	torture_stop();
	if (!ret) {
		tcaches_finish(kmalloc_before, &idle);
		mcaches_finish(&midle);
		torture_print_figures(idle);
		mcaches_print(midle);
	}
	stats_sum(-1, sum);
	ops = stats_ops(sum) + mcaches_ops();
	ctxs_free();
out_caches:
	mcaches_destroy();
	tcaches_destroy();
	if (ret)
		return ret;
	errors = atomic_long_read(&nr_errors);
	torture_print_parms(errors ? "End of test: FAILURE" : "End of test: SUCCESS",
			    nthreads, nirq);
	pr_info("%llu ops, %ld errors\n", ops, errors);
	return 0;
}

static void __exit torture_exit(void)
{
}

module_init(torture_init);
module_exit(torture_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kslab torture test: hammers kslab from threads and interrupts");

