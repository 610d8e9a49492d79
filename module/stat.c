// SPDX-License-Identifier: GPL-2.0
/*
 * stat.c - kslab's always-on statistics: the names of enum kslab_stat,
 * tied to it by static_assert, the sums over CPUs that readers use, and
 * a cache's figures as /proc/kslabinfo prints them (cache_info()).
 * Counters are per CPU and written only by their CPU, without atomics;
 * the fast paths' two are read off the CPU's ownership count and loaded
 * magazine (kslab_int.h), so the fast paths write no counter.
 */

#include <linux/build_bug.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>

#include "kslab_int.h"

const char *const stat_names[KSLAB_NR_STATS] = {
	[KSLAB_ALLOC_FASTPATH]		= "alloc_fastpath",
	[KSLAB_ALLOC_SLOWPATH]		= "alloc_slowpath",
	[KSLAB_FREE_FASTPATH]		= "free_fastpath",
	[KSLAB_FREE_SLOWPATH]		= "free_slowpath",
	[KSLAB_FREE_REMOTE]		= "free_remote",
	[KSLAB_ALLOC_FROM_PARTIAL]	= "alloc_from_partial",
	[KSLAB_ALLOC_SLAB]		= "alloc_slab",
	[KSLAB_ALLOC_REFILL]		= "alloc_refill",
	[KSLAB_ALLOC_NODE_MISMATCH]	= "alloc_node_mismatch",
	[KSLAB_ALLOC_FAILED]		= "alloc_failed",
	[KSLAB_FREE_ADD_PARTIAL]	= "free_add_partial",
	[KSLAB_FREE_REMOVE_PARTIAL]	= "free_remove_partial",
	[KSLAB_FREE_SLAB]		= "free_slab",
	[KSLAB_CPUSLAB_FLUSH]		= "cpuslab_flush",
	[KSLAB_ORDER_FALLBACK]		= "order_fallback",
	[KSLAB_CPU_PARTIAL_ALLOC]	= "cpu_partial_alloc",
	[KSLAB_CPU_PARTIAL_FREE]	= "cpu_partial_free",
	[KSLAB_CPU_PARTIAL_DRAIN]	= "cpu_partial_drain",
	[KSLAB_DEPOT_GET]		= "depot_get",
	[KSLAB_DEPOT_PUT]		= "depot_put",
	[KSLAB_DEPOT_TRIM]		= "depot_trim",
	[KSLAB_ALLOC_BULK]		= "alloc_bulk",
	[KSLAB_FREE_BULK]		= "free_bulk",
	[KSLAB_DEFRAG_MOVED]		= "defrag_moved",
	[KSLAB_DEFRAG_REFUSED]		= "defrag_refused",
	[KSLAB_DEFRAG_SLABS]		= "defrag_slabs",
	[KSLAB_DEFRAG_PAGES]		= "defrag_pages",
};
EXPORT_SYMBOL_IF_KUNIT(stat_names);

static_assert(ARRAY_SIZE(stat_names) == KSLAB_NR_STATS);

/*
 * A CPU's fast pops plus fast pushes (kslab_int.h; their difference is
 * cpu_stat_mark()): exact on a quiet CPU.
 */
static long cpu_fast_ops(struct kslab_cpu *c)
{
	return READ_ONCE(c->seq) >> 1;
}

/*
 * One CPU's value of a counter: the fast-path counters are what stat[]
 * holds of them plus what @seq and the loaded magazine say, the remote
 * frees' what it holds plus the batch not yet home (kslab_int.h).
 * Caller holds rcu_read_lock().
 */
static unsigned long cpu_stat_read(struct kslab_cpu *c, enum kslab_stat item)
{
	unsigned long x = READ_ONCE(c->stat[item]);
	long ops, diff;

	if (!KSLAB_STATS)
		return x;
	if (item == KSLAB_FREE_REMOTE || item == KSLAB_FREE_SLOWPATH)
		return x + READ_ONCE(c->nr_remote);
	if (item != KSLAB_ALLOC_FASTPATH && item != KSLAB_FREE_FASTPATH)
		return x;
	ops = cpu_fast_ops(c);
	diff = cpu_stat_mark(c);
	if (item == KSLAB_ALLOC_FASTPATH)
		return x + max(ops + diff, 0L) / 2;
	return x + max(ops - diff, 0L) / 2;
}

/**
 * stat_cpu - one counter of a cache on one CPU
 * @s: the cache
 * @cpu: a possible CPU
 * @item: the counter
 *
 * Context: any context. Return: the count (exact on a quiet cache).
 */
unsigned long stat_cpu(struct kslab_cache *s, int cpu,
		       enum kslab_stat item)
{
	unsigned long x;

	rcu_read_lock();
	x = cpu_stat_read(per_cpu_ptr(s->cpu, cpu), item);
	rcu_read_unlock();
	return x;
}

/**
 * stat_sum - one counter of a cache, summed over every possible CPU
 * @s: the cache
 * @item: the counter
 *
 * Context: any context. Return: the sum (exact on a quiet cache).
 */
unsigned long stat_sum(struct kslab_cache *s, enum kslab_stat item)
{
	unsigned long sum = 0;
	int cpu;

	rcu_read_lock();
	for_each_possible_cpu(cpu)
		sum += cpu_stat_read(per_cpu_ptr(s->cpu, cpu), item);
	rcu_read_unlock();
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(stat_sum);

/**
 * stat_clear - zero one counter of a cache on every CPU (sysfs: write 0)
 * @s: the cache
 * @item: the counter
 *
 * The live count stays right: clearing an alloc or free counter moves
 * what it held into live_bias. Events racing with the clear may be lost
 * or counted twice, as SLUB's increments racing with its clear are lost.
 *
 * Context: process context.
 */
void stat_clear(struct kslab_cache *s, enum kslab_stat item)
{
	unsigned long sum, x;
	struct kslab_cpu *c;
	int cpu;

	mutex_lock(&kslab_mutex);
	sum = stat_sum(s, item);
	rcu_read_lock();
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(s->cpu, cpu);
		/* what makes cpu_stat_read() 0 */
		x = cpu_stat_read(c, item) - READ_ONCE(c->stat[item]);
		WRITE_ONCE(c->stat[item], -x);
	}
	rcu_read_unlock();
	if (item == KSLAB_ALLOC_FASTPATH || item == KSLAB_ALLOC_SLOWPATH)
		WRITE_ONCE(s->live_bias, s->live_bias + sum);
	else if (item == KSLAB_FREE_FASTPATH || item == KSLAB_FREE_SLOWPATH)
		WRITE_ONCE(s->live_bias, s->live_bias - sum);
	mutex_unlock(&kslab_mutex);
}

/**
 * stat_live_objects - objects of a cache handed out and not given back
 * @s: the cache
 *
 * live = allocs - frees (the accounting rule of enum kslab_stat), plus the
 * live count at the time the counters were last cleared.
 *
 * Context: any context. Return: the count (exact on a quiet cache; while
 * a CPU is in a slow path it may be off by up to a magazine).
 */
long stat_live_objects(struct kslab_cache *s)
{
	long live = READ_ONCE(s->live_bias);
	struct kslab_cpu *c;
	int cpu;

	/* fast allocs - fast frees straight from the difference: exact */
	rcu_read_lock();
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(s->cpu, cpu);
		live += (long)(READ_ONCE(c->stat[KSLAB_ALLOC_FASTPATH]) +
			       READ_ONCE(c->stat[KSLAB_ALLOC_SLOWPATH]) -
			       READ_ONCE(c->stat[KSLAB_FREE_FASTPATH]) -
			       READ_ONCE(c->stat[KSLAB_FREE_SLOWPATH]));
		if (KSLAB_STATS)
			live += cpu_stat_mark(c) - (long)READ_ONCE(c->nr_remote);
	}
	rcu_read_unlock();
	return live;
}

/**
 * cache_pages - pages a cache holds in slabs
 * @s: the cache
 *
 * Context: any context. Return: the count (exact on a quiet cache).
 */
unsigned long cache_pages(struct kslab_cache *s)
{
	unsigned long pages = 0;
	int nid;

	for_each_node(nid)
		pages += READ_ONCE(s->node[nid]->nr_pages);
	return pages;
}
EXPORT_SYMBOL_IF_KUNIT(cache_pages);

/**
 * cache_info - a cache's figures for /proc/kslabinfo (and kslab's tests)
 * @s: the cache
 * @info: filled in
 *
 * Lock-free reads of counters that move: exact on a quiet cache.
 * Context: any context.
 */
void cache_info(struct kslab_cache *s, struct cache_info *info)
{
	struct kslab_node *n;
	long live;
	int nid;

	memset(info, 0, sizeof(*info));
	for_each_node(nid) {
		n = s->node[nid];
		info->num_slabs += READ_ONCE(n->nr_slabs);
		info->num_objs += READ_ONCE(n->total_objects);
		info->partial_slabs += READ_ONCE(n->nr_partial);
		info->inuse_objs += READ_ONCE(n->inuse);
		info->depot_objs += READ_ONCE(n->depot_objects);
	}
	live = stat_live_objects(s);
	info->active_objs = clamp_t(long, live, 0, info->num_objs);
	info->objsize = s->size;
	info->objects_per_slab = s->objects;
	info->order = s->order;
}
EXPORT_SYMBOL_IF_KUNIT(cache_info);
