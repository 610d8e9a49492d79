// SPDX-License-Identifier: GPL-2.0
/*
 * hotplug.c - CPUs going away: when a CPU is dead, the objects and
 * magazines its part of every cache held go back to the slabs, so nothing
 * is stranded on a CPU that may never return. A CPU coming online starts
 * with empty magazines and needs nothing.
 */
#include <linux/cpuhotplug.h>
#include <linux/mutex.h>

#include "kslab_int.h"

static enum cpuhp_state hotplug_state;

/* The CPUHP_BP_PREPARE_DYN teardown: on a control CPU, @cpu is dead. */
static int hotplug_cpu_dead(unsigned int cpu)
{
	struct kslab_cache *s;

	mutex_lock(&kslab_mutex);
	list_for_each_entry(s, &kslab_caches, list)
		cache_flush_offline_cpu(s, cpu);
	mutex_unlock(&kslab_mutex);
	return 0;
}

/**
 * hotplug_init - register for CPUs going offline
 *
 * Context: module init. Return: 0 or a negative errno.
 */
int hotplug_init(void)
{
	int ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "kslab:dead",
					    NULL, hotplug_cpu_dead);

	if (ret < 0)
		return ret;
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
}
