// SPDX-License-Identifier: GPL-2.0
/*
 * node.c - the node lists: objects taken from a node's partial and empty
 * slabs (then the nearest nodes', then new slabs) and given back to them,
 * in batches under one hold of the node's list_lock, for every path that
 * does not end in a magazine: refills, drains, flushes, the depot's
 * returns, debug caches and calls for another node. What a slab's free
 * list looks like is slab.c's business; this file picks the slabs.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/nodemask.h>

#include "kslab_int.h"
#include "report.h"

/**
 * node_free_objects - give objects back to their slabs, node by node
 * @s: the cache
 * @objs: the objects (any nodes, in any order)
 * @nr: how many
 * @caller: who freed them (for debug caches' tracks), or 0 for objects
 *	    kslab held (magazines, depots, remote buffers), which a
 *	    KSLAB_SLOW_CHECK cache checked on their way in
 *
 * Takes each node's list_lock once per run of objects from that node, looks
 * at the page of a run of objects of one slab once, and frees the slabs
 * that empty beyond slab_empty_max() after dropping the lock. Objects that are
 * not @s's, and double frees, are reported and skipped.
 *
 * Context: as kslab_cache_free(); no list_lock held (takes them, irq-safe).
 * Return: the number of objects taken back.
 */
unsigned int node_free_objects(struct kslab_cache *s, void **objs,
			       unsigned int nr, unsigned long caller)
{
	struct slab_run run = { };
	unsigned long flags = 0;
	/* written before read: not zeroed by CONFIG_INIT_STACK_ALL_ZERO */
	struct page *pages[KSLAB_PUT_BATCH] __uninitialized;
	void *batch[KSLAB_PUT_BATCH] __uninitialized;
	void *obj;
	struct kslab_node *n = NULL, *pn;
	unsigned int i, k = 0, done = 0;
	int looked;
	LIST_HEAD(discard);

	for (i = 0; i < nr; i++) {
		obj = objs[i];
		if (k == KSLAB_PUT_BATCH) {
			done += slab_put_batch(s, n, pages, batch, k, &discard,
					       caller);
			k = 0;
		}
		looked = slab_run_next(s, &run, obj, true);
		if (unlikely(looked < 0)) {
			report_bad_free(s, NULL, obj, "pointer is not an object of this cache");
			continue;
		}
		pn = looked ? s->node[page_to_nid(run.page)] : n;
		if (pn != n) {
			if (k)
				done += slab_put_batch(s, n, pages, batch, k,
						       &discard, caller);
			k = 0;
			if (n)
				spin_unlock_irqrestore(&n->list_lock, flags);
			n = pn;
			spin_lock_irqsave(&n->list_lock, flags);
		}
		pages[k] = run.page;
		batch[k++] = obj;
	}
	if (k)
		done += slab_put_batch(s, n, pages, batch, k, &discard, caller);
	if (n)
		spin_unlock_irqrestore(&n->list_lock, flags);
	slab_discard_list(s, &discard);
	return done;
}
EXPORT_SYMBOL_IF_KUNIT(node_free_objects);

/*
 * Wipe an object on its slab's free list for init_on_free: every byte but
 * the free pointer, when that lives inside the object (cpu_alloc_init()
 * clears it on the way out).
 */
static void object_wipe(struct kslab_cache *s, void *obj)
{
	unsigned int end = s->offset + sizeof(void *);

	if (s->offset >= s->object_size) {
		memset(obj, 0, s->object_size);
		return;
	}
	memset(obj, 0, s->offset);
	if (end < s->object_size)
		memset(obj + end, 0, s->object_size - end);
}

/*
 * node_free_one - give one object its user just freed straight back
 * to its slab, wiped if @wipe (init_on_free)
 * @s: the cache
 * @page: the object's slab, one of @s's (checked by the caller)
 * @obj: the object
 * @caller: who freed it
 * @wipe: wipe it
 *
 * The wipe comes after slab_put_batch()'s checks, in the same hold of the
 * list_lock: a free it refuses (a pointer to no object, a double free)
 * writes nothing, so an object already on the free list keeps its free
 * pointer; one it takes is wiped before anyone can take it off again.
 *
 * Context: as cpu_free(); no list_lock held.
 * Return: 1 when the object was taken back, 0 when it was refused.
 */
unsigned int node_free_one(struct kslab_cache *s, struct page *page,
			   void *obj, unsigned long caller, bool wipe)
{
	struct kslab_node *n = s->node[page_to_nid(page)];
	unsigned long flags;
	unsigned int done;
	LIST_HEAD(discard);

	if (!wipe)
		return node_free_objects(s, &obj, 1, caller);
	spin_lock_irqsave(&n->list_lock, flags);
	done = slab_put_batch(s, n, &page, &obj, 1, &discard, caller);
	if (done)
		object_wipe(s, obj);
	spin_unlock_irqrestore(&n->list_lock, flags);
	slab_discard_list(s, &discard);
	return done;
}

/*
 * Give back each node's empty slabs beyond what it keeps: none when @all,
 * else its working set (node_trim()), counted afresh from here.
 */
static unsigned long node_trim_keep(struct kslab_cache *s, bool all)
{
	unsigned long flags, keep = 0, freed = 0;
	struct kslab_node *n;
	LIST_HEAD(discard);
	int nid;

	for_each_node(nid) {
		n = s->node[nid];
		spin_lock_irqsave(&n->list_lock, flags);
		if (!all) {
			keep = max_t(unsigned long, READ_ONCE(s->min_partial),
				     n->empty_used);
			n->empty_used = 0;
		}
		slab_trim(s, n, keep, &discard);
		spin_unlock_irqrestore(&n->list_lock, flags);
		freed += list_count_nodes(&discard);
		slab_discard_list(s, &discard);
	}
	return freed;
}

/**
 * node_trim - give back the empty slabs no allocation needed
 * @s: the cache
 *
 * Frees keep the slabs they empty (up to slab_empty_max() a node), so
 * that a burst of objects freed and allocated again does not go through
 * the page allocator twice (page zeroing included, under init_on_alloc).
 * Each trim keeps as many empty slabs as allocations took from the empty
 * list since the last trim, min_partial at least, and gives back the
 * rest: the depot's working set (depot_trim()), for slabs. An idle node
 * is down to min_partial after one trim, a busy one keeps its burst.
 *
 * Context: process context, no kslab lock held.
 * Return: the slabs given back.
 */
unsigned long node_trim(struct kslab_cache *s)
{
	return node_trim_keep(s, false);
}
EXPORT_SYMBOL_IF_KUNIT(node_trim);

/**
 * node_trim_all - give back every empty slab of every node
 * @s: the cache
 *
 * For a shrink and a reclaim (cache_reclaim()).
 *
 * Context: process context, no kslab lock held.
 * Return: the slabs given back.
 */
unsigned long node_trim_all(struct kslab_cache *s)
{
	return node_trim_keep(s, true);
}

/*
 * node_mem_nearest - the node whose objects a CPU of node @nid uses: @nid,
 * or for a node without memory the nearest one with some (SLUB's
 * slab_nodes are the nodes with normal memory). That is what numa_mem_id()
 * gives on architectures with memoryless nodes; x86 has none, and there
 * numa_mem_id() is the CPU's own node, memory or not.
 */
int node_mem_nearest(int nid)
{
	int n, best = nid, dist = INT_MAX;

	if (likely(node_state(nid, N_NORMAL_MEMORY)))
		return nid;
	for_each_node_state(n, N_NORMAL_MEMORY) {
		if (node_distance(nid, n) < dist) {
			dist = node_distance(nid, n);
			best = n;
		}
	}
	return best;
}
EXPORT_SYMBOL_IF_KUNIT(node_mem_nearest);

/*
 * Objects from node @nid's partial slabs, then its empty ones; with
 * @partial, none when it has no partial slab. Return: how many.
 */
static unsigned int node_take(struct kslab_cache *s, int nid, void **objs,
			      unsigned int nr, bool partial)
{
	struct kslab_node *n = s->node[nid];
	unsigned long flags;
	unsigned int got = 0;

	spin_lock_irqsave(&n->list_lock, flags);
	if (!partial || n->nr_partial)
		got = slab_take(s, n, objs, nr, true);
	spin_unlock_irqrestore(&n->list_lock, flags);
	return got;
}

/*
 * Objects from the partial slabs of the nodes nearest @nid, the nearest
 * first, as SLUB's get_any_partial(): where the new slabs of a node that
 * had no memory to give went. Return: how many.
 */
static unsigned int node_take_nearest(struct kslab_cache *s, int nid,
				      void **objs, unsigned int nr)
{
	nodemask_t tried = NODE_MASK_NONE;
	int n, best, dist;
	unsigned int got = 0;

	node_set(nid, tried);
	while (got < nr) {
		best = NUMA_NO_NODE;
		dist = INT_MAX;
		for_each_node_state(n, N_NORMAL_MEMORY) {
			if (node_isset(n, tried) || !READ_ONCE(s->node[n]->nr_partial) ||
			    node_distance(nid, n) >= dist)
				continue;
			dist = node_distance(nid, n);
			best = n;
		}
		if (best == NUMA_NO_NODE)
			break;
		node_set(best, tried);
		got += node_take(s, best, objs + got, nr - got, true);
	}
	return got;
}

/* Objects from new slabs for node @nid, made with @gfp. Return: how many. */
static unsigned int node_take_new(struct kslab_cache *s, gfp_t gfp, int nid,
				  void **objs, unsigned int nr)
{
	unsigned int got = 0;
	struct kslab_node *n;
	unsigned long flags;
	struct page *page;

	while (got < nr) {
		page = slab_new(s, gfp, nid);
		if (!page)
			break;
		n = s->node[page_to_nid(page)];
		spin_lock_irqsave(&n->list_lock, flags);
		got += slab_take_new(s, n, page, objs + got, nr - got, true);
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	return got;
}

/**
 * node_quarantine - mark the slab of an object a magazine held, found
 * corrupt when popped (debug_alloc_check()): it stays in use for good
 * @s: the cache
 * @page: the object's slab
 *
 * Context: no list_lock held (takes it, irq-safe); a CPU may be owned.
 */
void node_quarantine(struct kslab_cache *s, struct page *page)
{
	struct kslab_node *n = s->node[page_to_nid(page)];
	unsigned long flags;

	spin_lock_irqsave(&n->list_lock, flags);
	page_meta(page)->quarantine = 1;
	spin_unlock_irqrestore(&n->list_lock, flags);
}

/**
 * node_alloc_objects - objects straight from slabs, for callers that do
 * not use (or cannot use) the CPU's magazines
 * @s: the cache
 * @gfp: GFP flags (new slabs sleep only if these allow)
 * @node: the node wanted, or NUMA_NO_NODE for this CPU's
 * @objs: where the objects go
 * @nr: how many
 *
 * Takes from the node's partial and empty slabs, then new slabs. A node
 * without memory is no node asked for (NUMA_NO_NODE), and a CPU of such a
 * node uses the nearest one with memory (node_mem_nearest()). For a named
 * node, as SLUB: a new slab there if it comes without reclaim
 * (GFP_NOWAIT | __GFP_THISNODE); else objects of the nearest nodes'
 * partial slabs, where earlier calls' new slabs went when the node was
 * out of memory; then a new slab with @gfp, anywhere. @gfp with
 * __GFP_THISNODE keeps all of it on the node.
 *
 * Context: no CPU owned and no kslab lock held.
 * Return: the number of objects placed in @objs (less than @nr only when
 * the page allocator failed).
 */
unsigned int node_alloc_objects(struct kslab_cache *s, gfp_t gfp, int node,
				void **objs, unsigned int nr)
{
	unsigned int got;
	int nid;

	if (node != NUMA_NO_NODE && !node_state(node, N_NORMAL_MEMORY))
		node = NUMA_NO_NODE;
	nid = node == NUMA_NO_NODE ? cpu_mem_node() : node;
	got = node_take(s, nid, objs, nr, false);
	if (got < nr && node != NUMA_NO_NODE && !(gfp & __GFP_THISNODE)) {
		got += node_take_new(s, GFP_NOWAIT | __GFP_NOWARN | __GFP_THISNODE,
				      nid, objs + got, nr - got);
		if (got < nr)
			got += node_take_nearest(s, nid, objs + got, nr - got);
	}
	if (got < nr)
		got += node_take_new(s, gfp, nid, objs + got, nr - got);
	return got;
}
EXPORT_SYMBOL_IF_KUNIT(node_alloc_objects);
