// SPDX-License-Identifier: GPL-2.0
/*
 * hotplug.c - CPUs and memory coming and going. When a CPU is dead, the
 * objects and magazines its part of every cache held go back to the
 * slabs, so nothing is stranded on a CPU that may never return; a CPU
 * coming online starts with empty magazines. And each CPU's memory node
 * (cpu_mem_nid: its own node, or the nearest one with memory when its
 * node has none, node_mem_nearest()) is set for every possible CPU at load,
 * for a CPU again as it comes up, and for all of them when memory comes
 * online or goes offline.
 */
#include <linux/cpuhotplug.h>
#include <linux/memory.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/percpu.h>

#include "kslab_int.h"

DEFINE_PER_CPU(int, cpu_mem_nid);

static enum cpuhp_state hotplug_state;

/* Set @cpu's memory node from its node's state now. */
static void cpu_mem_nid_set(unsigned int cpu)
{
	int nid = cpu_to_node(cpu);

	if (nid == NUMA_NO_NODE || !node_online(nid))
		nid = first_node(node_states[N_NORMAL_MEMORY]);
	WRITE_ONCE(per_cpu(cpu_mem_nid, cpu), node_mem_nearest(nid));
}

static void cpu_mem_nid_set_all(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		cpu_mem_nid_set(cpu);
}

/*
 * Memory online or offline may give a node its first memory or take its
 * last: the CPUs' memory nodes follow. A CPU that read the old value a
 * moment ago only files an object as local or remote the old way, which
 * every path copes with (an object goes home by its own page's node).
 */
static int hotplug_memory(struct notifier_block *nb, unsigned long action,
			  void *arg)
{
	if (action == MEM_ONLINE || action == MEM_OFFLINE)
		cpu_mem_nid_set_all();
	return NOTIFY_OK;
}

static struct notifier_block hotplug_memory_nb = {
	.notifier_call = hotplug_memory,
};

/* The CPUHP_BP_PREPARE_DYN startup: on a control CPU, @cpu comes up. */
static int hotplug_cpu_prepare(unsigned int cpu)
{
	cpu_mem_nid_set(cpu);
	return 0;
}

/* The CPUHP_BP_PREPARE_DYN teardown: on a control CPU, @cpu is dead. */
static int hotplug_cpu_dead(unsigned int cpu)
{
	struct kslab_cache *s;

	mutex_lock(&kslab_mutex);
	list_for_each_entry(s, &kslab_caches, list)
		cpu_flush_offline(s, cpu);
	mutex_unlock(&kslab_mutex);
	return 0;
}

/**
 * hotplug_init - every CPU's memory node; register for CPUs and memory
 * coming and going
 *
 * Context: module init, before any cache is created. Return: 0 or a
 * negative errno.
 */
int hotplug_init(void)
{
	int ret;

	cpu_mem_nid_set_all();
	ret = register_memory_notifier(&hotplug_memory_nb);
	if (ret)
		return ret;
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "kslab:dead",
					hotplug_cpu_prepare, hotplug_cpu_dead);
	if (ret < 0) {
		unregister_memory_notifier(&hotplug_memory_nb);
		return ret;
	}
	hotplug_state = ret;
	return 0;
}

/**
 * hotplug_exit - unregister
 *
 * Context: module exit.
 */
void hotplug_exit(void)
{
	cpuhp_remove_state_nocalls(hotplug_state);
	unregister_memory_notifier(&hotplug_memory_nb);
}
