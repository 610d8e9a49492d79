// SPDX-License-Identifier: GPL-2.0
/*
 * cpu.c - a cache's per-CPU parts seen from outside their CPU: flushing
 * them (every CPU's, for shrink, validation, destruction and
 * defragmentation, from a work item on each CPU; an offline CPU's
 * directly), CPU hotplug (a dead CPU's part is flushed, so nothing is
 * stranded on a CPU that may never return), and each CPU's memory node
 * (cpu_mem_nid: its own node, or the nearest one with memory when its
 * node has none, node_mem_nearest()), set at load, as a CPU comes up, and
 * when memory comes online or goes offline.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/memory.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>

#include "kslab_int.h"
#include "fastpath.h"
#include "magazine.h"

DEFINE_PER_CPU(int, cpu_mem_nid);
EXPORT_PER_CPU_SYMBOL_IF_KUNIT(cpu_mem_nid);

/* one flush of every CPU at a time (lock order 5) */
static DEFINE_MUTEX(cpu_flush_mutex);
static struct workqueue_struct *cpu_flush_wq;

struct cpu_flush {
	struct work_struct work;
	struct kslab_cache *cache;	/* cpu_flush_mutex */
	bool queued;			/* cpu_flush_mutex */
};

static DEFINE_PER_CPU(struct cpu_flush, cpu_flush_item);

/**
 * cpu_detach - take every object and magazine away from a CPU's part
 * @s: the cache
 * @c: the CPU's part: owned, or of a CPU that is offline
 * @mags: gets the loaded and previous magazines
 * @remote: gets the remote buffer's objects (KSLAB_REMOTE_BATCH room)
 *
 * Leaves @c as a CPU that never allocated: no magazines, no objects.
 *
 * Return: the number of objects put in @remote.
 */
unsigned int cpu_detach(struct kslab_cache *s, struct kslab_cpu *c,
			struct kslab_mag **mags, void **remote)
{
	unsigned int nr = c->nr_remote;

	mags[0] = c->loaded;
	mags[1] = c->previous;
	c->loaded = &mag_empty;
	c->previous = &mag_empty;
	memcpy(remote, c->remote, nr * sizeof(void *));
	c->nr_remote = 0;
	cpu_stat_remote(c, nr);
	return nr;
}

/**
 * cpu_drain_detached - free what cpu_detach() took from a CPU
 * @s: the cache
 * @mags: the two magazines
 * @remote: the remote objects
 * @nr_remote: how many
 *
 * Context: no CPU owned, no kslab lock held.
 */
void cpu_drain_detached(struct kslab_cache *s, struct kslab_mag **mags,
			void **remote, unsigned int nr_remote)
{
	unsigned int i;

	node_free_objects(s, remote, nr_remote, 0);
	for (i = 0; i < 2; i++) {
		node_free_objects(s, mags[i]->objs, mags[i]->count, 0);
		mag_free(mags[i]);
	}
	stat(s, KSLAB_CPUSLAB_FLUSH);
}

/**
 * cpu_objects - free objects the CPUs of a node hold in magazines
 * @s: the cache
 * @node: the node, or NUMA_NO_NODE for every CPU
 * @mags: if not NULL, gets the number of magazines holding them
 *
 * Racy reads of other CPUs' magazines, safe under RCU (magazines are
 * freed after a grace period).
 *
 * Context: any context. Return: the count.
 */
unsigned long cpu_objects(struct kslab_cache *s, int node,
			  unsigned long *mags)
{
	unsigned long objs = 0, nr = 0;
	struct kslab_cpu *c;
	struct kslab_mag *m;
	int cpu;

	rcu_read_lock();
	for_each_possible_cpu(cpu) {
		if (node != NUMA_NO_NODE && cpu_to_node(cpu) != node)
			continue;
		c = per_cpu_ptr(s->cpu, cpu);
		m = READ_ONCE(c->loaded);
		objs += READ_ONCE(m->count);
		nr += m->size && READ_ONCE(m->count);
		m = READ_ONCE(c->previous);
		objs += READ_ONCE(m->count);
		nr += m->size && READ_ONCE(m->count);
		objs += READ_ONCE(c->nr_remote);
	}
	rcu_read_unlock();
	if (mags)
		*mags = nr;
	return objs;
}
EXPORT_SYMBOL_IF_KUNIT(cpu_objects);

/*
 * flush_own - own this CPU's part for a flush, which runs on the CPU it
 * flushes in process context, whatever the cache's slow-path reasons:
 * without PREEMPT_RT no owner can be preempted there, so the CPU is free;
 * on RT an owner may be, and the flush waits for it on the lock. NULL
 * only if the CPU is owned all the same (a bug). Given back by cpu_put().
 */
static struct kslab_cpu *flush_own(struct kslab_cache *s)
{
	struct kslab_cpu *c;

	kslab_cpu_pin();
	c = this_cpu_ptr(s->cpu);
	kslab_cpu_lock(&c->lock);
	if (WARN_ON_ONCE(READ_ONCE(c->seq) & 1)) {
		kslab_cpu_unlock(&c->lock);
		kslab_cpu_unpin();
		return NULL;
	}
	c->seq++;
	barrier();
	cpu_stat_begin(c);
	return c;
}

/* Flush the CPU this work runs on (queued by cpu_flush_all()). */
static void cpu_flush_work(struct work_struct *work)
{
	struct cpu_flush *fw = container_of(work, struct cpu_flush, work);
	struct kslab_cache *s = fw->cache;
	void *remote[KSLAB_REMOTE_BATCH];
	struct kslab_mag *mags[2];
	struct kslab_cpu *c;
	unsigned int nr;

	/* Process context on its own CPU: waits for an owner on RT only. */
	c = flush_own(s);
	if (!c)
		return;
	nr = cpu_detach(s, c, mags, remote);
	cpu_put(c);
	cpu_drain_detached(s, mags, remote, nr);
}

static bool cpu_holds_objects(struct kslab_cpu *c)
{
	return READ_ONCE(c->loaded) != &mag_empty ||
	       READ_ONCE(c->previous) != &mag_empty ||
	       READ_ONCE(c->nr_remote);
}

/**
 * cpu_flush_offline - flush a CPU that is not running
 * @s: the cache
 * @cpu: an offline CPU, or one dead in CPU hotplug
 *
 * Context: process context; nothing runs on @cpu.
 */
void cpu_flush_offline(struct kslab_cache *s, unsigned int cpu)
{
	struct kslab_cpu *c = per_cpu_ptr(s->cpu, cpu);
	void *remote[KSLAB_REMOTE_BATCH];
	struct kslab_mag *mags[2];
	unsigned int nr;

	if (!cpu_holds_objects(c))
		return;
	cpu_stat_begin(c);
	nr = cpu_detach(s, c, mags, remote);
	cpu_stat_end(c);
	cpu_drain_detached(s, mags, remote, nr);
}

/**
 * cpu_flush_all - give every CPU's magazines of a cache back to the slabs
 * @s: the cache
 *
 * Runs a work item on each online CPU that holds anything (a CPU's part is
 * only ever changed by that CPU) and flushes offline CPUs directly.
 *
 * Context: process context, cpus_read_lock() held (lockdep_assert_cpus_held()
 * is not exported to modules, so this one is checked by review only).
 */
void cpu_flush_all(struct kslab_cache *s)
{
	struct cpu_flush *fw;
	unsigned int cpu;

	mutex_lock(&cpu_flush_mutex);
	for_each_online_cpu(cpu) {
		fw = per_cpu_ptr(&cpu_flush_item, cpu);
		fw->queued = cpu_holds_objects(per_cpu_ptr(s->cpu, cpu));
		if (!fw->queued)
			continue;
		INIT_WORK(&fw->work, cpu_flush_work);
		fw->cache = s;
		queue_work_on(cpu, cpu_flush_wq, &fw->work);
	}
	for_each_online_cpu(cpu) {
		fw = per_cpu_ptr(&cpu_flush_item, cpu);
		if (fw->queued)
			flush_work(&fw->work);
	}
	for_each_possible_cpu(cpu)
		if (!cpu_online(cpu))
			cpu_flush_offline(s, cpu);
	mutex_unlock(&cpu_flush_mutex);
}

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
 * cpu_layer_init - the flush queue; every CPU's memory node; register for
 * CPUs and memory coming and going
 *
 * Context: module init, before any cache is created. Return: 0 or a
 * negative errno.
 */
int cpu_layer_init(void)
{
	int ret;

	cpu_flush_wq = alloc_workqueue("kslab_flush", WQ_MEM_RECLAIM | KSLAB_WQ_PERCPU, 0);
	if (!cpu_flush_wq)
		return -ENOMEM;
	cpu_mem_nid_set_all();
	ret = register_memory_notifier(&hotplug_memory_nb);
	if (ret)
		goto out_wq;
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "kslab:dead",
					hotplug_cpu_prepare, hotplug_cpu_dead);
	if (ret < 0)
		goto out_memory;
	hotplug_state = ret;
	return 0;
out_memory:
	unregister_memory_notifier(&hotplug_memory_nb);
out_wq:
	destroy_workqueue(cpu_flush_wq);
	return ret;
}

/**
 * cpu_layer_exit - unregister; the flush queue goes
 *
 * Context: module exit, after every cache is destroyed (cache_exit()).
 */
void cpu_layer_exit(void)
{
	cpuhp_remove_state_nocalls(hotplug_state);
	unregister_memory_notifier(&hotplug_memory_nb);
	destroy_workqueue(cpu_flush_wq);
}
