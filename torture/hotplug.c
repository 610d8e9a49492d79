// SPDX-License-Identifier: GPL-2.0
/*
 * hotplug.c - CPU hotplug, the torture's generic part as in
 * kernel/torture.c: with @hotplug, a kthread takes a random non-boot CPU
 * offline and back online every @onoff_interval milliseconds, one CPU at
 * a time, then puts that CPU's timers back on it (context.c). Here too is
 * how a thread keeps to a CPU through the offlines (the movable caches'
 * owners and defragmentation thread do).
 */
#define pr_fmt(fmt) "kslab-torture: " fmt

#include <linux/cpu.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/topology.h>

#include "torture.h"

/* Written by the hotplug thread only. */
unsigned long nr_onoff_cycles, nr_offline_refused;
static struct task_struct *onoff_task;

/*
 * Keep this thread to @cpu; on PREEMPT_RT to @cpu's node. There every
 * spinlock_t disables migration, and when the one CPU a kthread keeps to
 * goes offline while it sleeps on such a lock, its affinity is broken under
 * it: Debian's 6.1-rt and 6.12-rt kernels then WARN in affine_move_task()
 * at migrate_enable(), whatever the lock (seen with list_lock, a plain
 * spinlock_t). The hotplug thread takes one CPU offline at a time, so a
 * node of two CPUs or more always keeps one for the thread.
 */
const struct cpumask *torture_home_mask(int cpu)
{
	return IS_ENABLED(CONFIG_PREEMPT_RT) ? cpumask_of_node(cpu_to_node(cpu)) :
					       cpumask_of(cpu);
}

/* Is this thread where torture_home_mask(@cpu) keeps it? */
bool torture_at_home(int cpu)
{
	return cpumask_test_cpu(raw_smp_processor_id(), torture_home_mask(cpu));
}

/* A random online CPU other than @boot_cpu, or -1. */
static int onoff_pick(struct rnd_state *rnd, int boot_cpu)
{
	unsigned int n = num_online_cpus(), k;
	int cpu;

	if (n < 2)
		return -1;
	k = torture_rand(rnd, n - 1);
	for_each_online_cpu(cpu)
		if (cpu != boot_cpu && !k--)
			return cpu;
	return -1;
}

/*
 * onoff_fn - CPU hotplug: every @onoff_interval ms take a random online
 * CPU other than the first one offline and bring it back, so at most one
 * CPU is ever offline, then put its timers back on it. A refused offline
 * is tolerated (counted); a CPU that will not come back is an error.
 */
static int onoff_fn(void *arg)
{
	int boot_cpu = (long)arg, cpu, ret, tries;
	struct rnd_state rnd;
	unsigned int ms;

	prandom_seed_state(&rnd, torture_seed ^ 0x686f74706c7567ULL);
	while (!kthread_should_stop()) {
		schedule_timeout_interruptible(msecs_to_jiffies(onoff_interval));
		if (kthread_should_stop())
			break;
		cpu = onoff_pick(&rnd, boot_cpu);
		if (cpu < 0)
			continue;
		ret = remove_cpu(cpu);
		if (ret) {
			nr_offline_refused++;
			continue;
		}
		ms = 50 + prandom_u32_state(&rnd) % 250;
		schedule_timeout_interruptible(msecs_to_jiffies(ms));
		for (tries = 0; tries < 5; tries++) {
			ret = add_cpu(cpu);
			if (!ret)
				break;
			schedule_timeout_interruptible(HZ / 10);
		}
		if (ret) {
			error_report("CPU %d did not come back online: %d", cpu, ret);
			continue;
		}
		nr_onoff_cycles++;
		ctxs_rehome(cpu);
	}
	return 0;
}

/* Start the hotplug thread; the boot CPU (the first online) stays online. */
int onoff_start(void)
{
	int ret;

	ret = torture_kthread_start(&onoff_task, onoff_fn,
				    (void *)(long)cpumask_first(cpu_online_mask),
				    "kslab_torture_onoff");
	if (ret)
		pr_err("cannot start the hotplug thread: %d\n", ret);
	return ret;
}

/* Stop the hotplug thread, if it runs: no CPU is offline afterwards. */
void onoff_stop(void)
{
	torture_kthread_stop(&onoff_task);
}
