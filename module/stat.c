// SPDX-License-Identifier: GPL-2.0
/*
 * stat.c - kslab's always-on statistics: the names of enum kslab_stat,
 * tied to it by static_assert, and the sums over CPUs that readers use.
 * Counters are per CPU and written only by their CPU, without atomics.
 */

#include <linux/build_bug.h>
#include <linux/mutex.h>
#include <linux/percpu.h>

#include "kslab_int.h"

const char *const kslab_stat_names[KSLAB_NR_STATS] = {
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
	[KSLAB_ALLOC_BULK]		= "alloc_bulk",
	[KSLAB_FREE_BULK]		= "free_bulk",
	[KSLAB_DEFRAG_MOVED]		= "defrag_moved",
	[KSLAB_DEFRAG_REFUSED]		= "defrag_refused",
	[KSLAB_DEFRAG_SLABS]		= "defrag_slabs",
	[KSLAB_DEFRAG_PAGES]		= "defrag_pages",
};

static_assert(ARRAY_SIZE(kslab_stat_names) == KSLAB_NR_STATS);
KSLAB_EXPORT_INTERNAL(kslab_stat_names);

/**
 * kslab_stat_sum - one counter of a cache, summed over every possible CPU
 * @s: the cache
 * @item: the counter
 *
 * Context: any context. Return: the sum.
 */
unsigned long kslab_stat_sum(struct kslab_cache *s, enum kslab_stat item)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(s->cpu, cpu)->stat[item]);
	return sum;
}

KSLAB_EXPORT_INTERNAL(kslab_stat_sum);

/**
 * stat_clear - zero one counter of a cache on every CPU (sysfs: write 0)
 * @s: the cache
 * @item: the counter
 *
 * The live count stays right: clearing an alloc or free counter moves
 * what it held into live_bias. Increments racing with the clear may be
 * lost, as with SLUB's counters.
 *
 * Context: process context.
 */
void stat_clear(struct kslab_cache *s, enum kslab_stat item)
{
	unsigned long sum;
	int cpu;

	mutex_lock(&kslab_mutex);
	sum = kslab_stat_sum(s, item);
	for_each_possible_cpu(cpu)
		WRITE_ONCE(per_cpu_ptr(s->cpu, cpu)->stat[item], 0);
	if (item == KSLAB_ALLOC_FASTPATH || item == KSLAB_ALLOC_SLOWPATH)
		WRITE_ONCE(s->live_bias, s->live_bias + sum);
	else if (item == KSLAB_FREE_FASTPATH || item == KSLAB_FREE_SLOWPATH)
		WRITE_ONCE(s->live_bias, s->live_bias - sum);
	mutex_unlock(&kslab_mutex);
}

/**
 * cache_live - objects of a cache handed out and not given back
 * @s: the cache
 *
 * live = allocs - frees (the accounting rule of enum kslab_stat), plus the
 * live count at the time the counters were last cleared.
 *
 * Context: any context. Return: the count (exact on a quiet cache).
 */
long cache_live(struct kslab_cache *s)
{
	return READ_ONCE(s->live_bias) +
	       (long)(kslab_stat_sum(s, KSLAB_ALLOC_FASTPATH) +
		      kslab_stat_sum(s, KSLAB_ALLOC_SLOWPATH) -
		      kslab_stat_sum(s, KSLAB_FREE_FASTPATH) -
		      kslab_stat_sum(s, KSLAB_FREE_SLOWPATH));
}
