// SPDX-License-Identifier: GPL-2.0
/*
 * cpu_kunit.c - KUnit suite kslab_cpu, for module/cpu.c: a CPU that goes
 * offline gives back what its magazines held, and churn on all CPUs goes
 * on, with no object lost or duplicated and exact counts, while CPUs are
 * taken offline and brought back through
 * /sys/devices/system/cpu/cpuN/online; and each CPU's memory node, the
 * nearest node with memory, on a CPU of a memoryless node too, and set
 * again as a CPU comes up.
 */
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/workqueue.h>

#include "kslab_test.h"

static int cpu_set_online(unsigned int cpu, bool online)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/online", cpu);
	return ktest_write_file(path, online ? "1" : "0");
}

/* The last online CPU that is not the boot CPU, or 0 if there is none. */
static unsigned int pick_cpu(void)
{
	unsigned int cpu, last = 0;

	for_each_online_cpu(cpu)
		if (cpu)
			last = cpu;
	return last;
}

struct fill_arg {
	struct kslab_cache *s;
	unsigned int nr;
};

/* Runs on the chosen CPU: leave objects in its magazines. */
static long fill_cpu(void *data)
{
	struct fill_arg *a = data;
	void *objs[32];
	unsigned int i;

	for (i = 0; i < a->nr; i++)
		objs[i] = kslab_cache_alloc(a->s, GFP_KERNEL);
	for (i = 0; i < a->nr; i++)
		kslab_cache_free(a->s, objs[i]);
	return 0;
}

static void cpu_hotplug_flushes_dead_cpu(struct kunit *test)
{
	struct fill_arg a = { .nr = 32 };
	unsigned int cpu = pick_cpu();
	struct kslab_cpu *c;

	if (!cpu)
		kunit_skip(test, "no CPU to take offline");
	a.s = ktest_create(test, "kunit_cpu_hotplug_flush", 128, 0, 0, NULL);
	KUNIT_ASSERT_EQ(test, 0L, work_on_cpu(cpu, fill_cpu, &a));
	c = per_cpu_ptr(a.s->cpu, cpu);
	KUNIT_EXPECT_GT(test, c->loaded->count + c->nr_remote, 0U);
	KUNIT_ASSERT_EQ(test, 0, cpu_set_online(cpu, false));
	KUNIT_EXPECT_PTR_EQ(test, c->loaded, &mag_empty);
	KUNIT_EXPECT_PTR_EQ(test, c->previous, &mag_empty);
	KUNIT_EXPECT_EQ(test, 0U, c->nr_remote);
	KUNIT_EXPECT_EQ(test, 0, cpu_set_online(cpu, true));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(a.s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(a.s));
	ktest_destroy(test, a.s);
}

/* Churners: hold a window of stamped objects, check each before freeing. */
struct churn {
	struct kslab_cache *s;
	atomic_t bad;
	atomic_t running;
	atomic_long_t ops;
	bool stop;
};

static int churn_fn(void *arg)
{
	struct churn *ch = arg;
	void *held[48] = {};
	u32 seeds[48] = {}, seq = get_random_u32();
	unsigned int i;

	while (!READ_ONCE(ch->stop)) {
		i = get_random_u32_below(ARRAY_SIZE(held));
		if (held[i]) {
			if (ktest_check(held[i], 160, seeds[i]))
				atomic_inc(&ch->bad);
			kslab_cache_free(ch->s, held[i]);
		}
		held[i] = kslab_cache_alloc(ch->s, GFP_KERNEL);
		seeds[i] = ++seq;
		if (held[i])
			ktest_stamp(held[i], 160, seeds[i]);
		atomic_long_inc(&ch->ops);
		cond_resched();
	}
	for (i = 0; i < ARRAY_SIZE(held); i++) {
		if (held[i] && ktest_check(held[i], 160, seeds[i]))
			atomic_inc(&ch->bad);
		kslab_cache_free(ch->s, held[i]);
	}
	atomic_dec(&ch->running);
	return 0;
}

static void cpu_hotplug_churn(struct kunit *test)
{
	unsigned int cpu, cycles = 0, i, nr = num_online_cpus() + 1;
	struct task_struct *t;
	struct churn *ch;

	if (num_online_cpus() < 2)
		kunit_skip(test, "one CPU only");
	ch = kunit_kzalloc(test, sizeof(*ch), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ch);
	ch->s = ktest_create(test, "kunit_cpu_hotplug_churn", 160, 0, 0, NULL);
	for (i = 0; i < nr; i++) {
		atomic_inc(&ch->running);
		t = kthread_run(churn_fn, ch, "kslab_hp_churn/%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	for (i = 0; i < 3; i++) {
		for_each_present_cpu(cpu) {
			if (!cpu)
				continue;
			KUNIT_EXPECT_EQ(test, 0, cpu_set_online(cpu, false));
			msleep(20);
			KUNIT_EXPECT_EQ(test, 0, cpu_set_online(cpu, true));
			cycles++;
		}
	}
	WRITE_ONCE(ch->stop, true);
	while (atomic_read(&ch->running))
		msleep(20);
	kunit_info(test, "%u offline/online cycles, %ld operations\n", cycles,
		   atomic_long_read(&ch->ops));
	KUNIT_EXPECT_GT(test, cycles, 0U);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&ch->bad));
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(ch->s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(ch->s));
	KUNIT_EXPECT_EQ(test, 0, kslab_cache_shrink(ch->s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(ch->s));
	ktest_destroy(test, ch->s);
}

/* The memory node of the CPU this runs on, as the CPU itself reads it. */
static long cpu_mem_node_fn(void *unused)
{
	return cpu_mem_node();
}

/*
 * Check @got, the memory node of @cpu: a node with memory, @cpu's own
 * when that has memory, else one at the least distance from it.
 */
static void cpu_expect_mem_node(struct kunit *test, unsigned int cpu, long got)
{
	int nid = cpu_to_node(cpu), n, least = INT_MAX;

	KUNIT_ASSERT_TRUE_MSG(test, got >= 0 && got < nr_node_ids,
			      "CPU %u: memory node %ld", cpu, got);
	KUNIT_EXPECT_TRUE_MSG(test, node_state(got, N_NORMAL_MEMORY),
			      "CPU %u of node %d: memory node %ld has no memory",
			      cpu, nid, got);
	if (node_state(nid, N_NORMAL_MEMORY)) {
		KUNIT_EXPECT_EQ_MSG(test, (long)nid, got, "CPU %u", cpu);
		return;
	}
	for_each_node_state(n, N_NORMAL_MEMORY)
		least = min(least, node_distance(nid, n));
	KUNIT_EXPECT_EQ_MSG(test, least, node_distance(nid, got),
			    "CPU %u of node %d: memory node %ld is not the nearest",
			    cpu, nid, got);
}

/*
 * Every online CPU's memory node (cpu_mem_node(), read on that CPU) is
 * the node with memory nearest to it: its own node when that has memory.
 */
static void cpu_mem_node_nearest(struct kunit *test)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
		cpu_expect_mem_node(test, cpu, work_on_cpu(cpu, cpu_mem_node_fn, NULL));
}

/*
 * A CPU of a node without memory reads a node with memory as its memory
 * node, never its own. Runs only in a guest with such a CPU
 * (KSLAB_TOPOLOGY=memoryless).
 */
static void cpu_mem_node_memoryless(struct kunit *test)
{
	unsigned int cpu, checked = 0;
	long got;

	for_each_online_cpu(cpu) {
		if (node_state(cpu_to_node(cpu), N_NORMAL_MEMORY))
			continue;
		got = work_on_cpu(cpu, cpu_mem_node_fn, NULL);
		KUNIT_EXPECT_NE_MSG(test, (long)cpu_to_node(cpu), got, "CPU %u", cpu);
		cpu_expect_mem_node(test, cpu, got);
		checked++;
	}
	if (!checked)
		kunit_skip(test, "no memoryless node with CPUs (KSLAB_TOPOLOGY=memoryless)");
}

/*
 * A CPU that comes up has its memory node set again: one left wrong while
 * the CPU was offline is what it was before once the CPU is back (and
 * put back by the test if it is not).
 */
static void cpu_mem_node_online(struct kunit *test)
{
	unsigned int cpu = pick_cpu();
	int want, wrong = NUMA_NO_NODE, nid, err;
	long got = NUMA_NO_NODE;

	if (!cpu)
		kunit_skip(test, "no CPU to take offline");
	want = per_cpu(cpu_mem_nid, cpu);
	for_each_node_state(nid, N_NORMAL_MEMORY)
		if (nid != want && wrong == NUMA_NO_NODE)
			wrong = nid;
	if (wrong == NUMA_NO_NODE)
		kunit_skip(test, "one node with memory: no wrong node to leave");
	KUNIT_ASSERT_EQ(test, 0, cpu_set_online(cpu, false));
	WRITE_ONCE(per_cpu(cpu_mem_nid, cpu), wrong);
	err = cpu_set_online(cpu, true);
	if (!err)
		got = work_on_cpu(cpu, cpu_mem_node_fn, NULL);
	if (got != want)
		WRITE_ONCE(per_cpu(cpu_mem_nid, cpu), want);
	KUNIT_ASSERT_EQ(test, 0, err);
	KUNIT_EXPECT_EQ_MSG(test, (long)want, got, "CPU %u, left at node %d while offline",
			    cpu, wrong);
	cpu_expect_mem_node(test, cpu, got);
}

static struct kunit_case cpu_cases[] = {
	KUNIT_CASE(cpu_hotplug_flushes_dead_cpu),
	KUNIT_CASE(cpu_hotplug_churn),
	KUNIT_CASE(cpu_mem_node_nearest),
	KUNIT_CASE(cpu_mem_node_memoryless),
	KUNIT_CASE(cpu_mem_node_online),
	{}
};

static struct kunit_suite cpu_suite = {
	.name = "kslab_cpu",
	.test_cases = cpu_cases,
};

kunit_test_suite(cpu_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_cpu: CPUs going offline and back, their memory nodes");
KSLAB_IMPORT_FOR_KUNIT();
