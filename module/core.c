// SPDX-License-Identifier: GPL-2.0
/*
 * core.c - kslab's allocator: per-CPU magazines, per-node depots, and the
 * exported alloc and free calls that move objects between them and the
 * slabs of slab.c. The design of kslab, in one place:
 *
 * HOW AN ALLOCATION IS SATISFIED (the first step that can, does)
 *
 *   1. pop this CPU's loaded magazine               cpu_alloc(), no lock
 *   2. swap in this CPU's previous magazine         cpu_alloc_slow()
 *   3. trade the empty magazine for a full one      node depot_lock
 *      from the node's depot
 *   4. refill the magazine from the node's partial   node list_lock
 *      slabs, then its empty ones
 *   5. a new slab from the buddy allocator, which    no lock; may sleep
 *      refills the magazine without touching the     if gfp allows
 *      objects' memory                               (cpu_alloc_new_slab())
 *
 *   A free is the mirror image: push to the loaded magazine; swap with an
 *   empty previous one; give the full magazine to the depot for an empty
 *   one; drain it into its slabs (freeing slabs that empty beyond
 *   min_partial). Objects of another node never enter a magazine: they
 *   wait in the CPU's remote buffer and go home to their slabs in batches.
 *   Debug caches, allocations for another node and calls that find their
 *   CPU owned (an interrupt in the middle of steps 1-4) use steps 4-5
 *   directly, for exactly the objects asked for.
 *
 * WHY MAGAZINES (Bonwick 2001; SLUB's per-CPU "sheaves", Linux 6.18)
 *
 *   SLUB's fast path pops the free list of a per-CPU slab with a 16-byte
 *   this_cpu_cmpxchg keyed by a transaction id, and reads the next free
 *   pointer out of the object it hands out (a cache miss, and a pointer an
 *   overflow can corrupt). A free to any slab but the CPU's own is a slow
 *   path: a cmpxchg on that slab, often the node's list_lock. Here a pop or
 *   a push is a plain load and store on memory only this CPU writes: no
 *   atomic, no lock prefix, no shared cache line, no read of the object,
 *   no free pointer stored where the user's data lives. A free from any
 *   CPU to any slab of the node costs the same as a local one, and a batch
 *   moves a whole magazine through the depot under one lock. The price is
 *   memory: up to two magazines a CPU and depot_max full ones a node, which
 *   kslab_cache_shrink() and the shrinker give back.
 *
 * OBJECT LAYOUT (one slot of @size bytes; offsets from the slot)
 *
 *   +--------------+-------------------+-----+----------+-------+-------+
 *   | red_left_pad | object_size bytes | pad | free ptr | track | align |
 *   +--------------+-------------------+-----+----------+-------+-------+
 *   ^ slot         ^ object (what callers get)
 *
 *   The free pointer is stored inside the object, at ALIGN_DOWN(object_size
 *   / 2, 8), away from small over- and underflows of its neighbours, unless
 *   the object must keep its contents while free (a ctor, poisoning,
 *   SLAB_TYPESAFE_BY_RCU): then it follows the object. It is only written
 *   while the object is on its slab's free list, never while it sits in a
 *   magazine, and is stored as ptr ^ secret ^ swab(slot address) when
 *   hardened. The red zones, the track records (SLAB_STORE_USER) and the
 *   left pad exist only with debug flags (debug.c).
 *
 * SLAB LAYOUT AND STATES
 *
 *   A slab is 2^order pages from the buddy allocator (compound above order
 *   0), objects @size apart from page_address(). Its state lives in its
 *   head page's struct page (struct slab_meta): cache in page->private,
 *   node-list link in page->lru, {free, inuse, objects, magic, state,
 *   quarantine} in page->index. A slab is on exactly one list of its node,
 *   by its counts:
 *     partial  0 < inuse < objects  allocation takes the oldest first
 *     full     inuse == objects     listed so validation sees every slab
 *     empty    inuse == 0           at most min_partial a node; the rest
 *                                   go back to the buddy allocator
 *     isolated any count            defragmentation is emptying it
 *                                   (defrag.c): nothing is taken from it
 *     none     being built or torn down
 *   "inuse" counts objects off the slab's free list: live ones and those
 *   held in magazines and remote buffers. Invariants, checked by
 *   kslab_cache_validate() (on a flushed cache: no magazines):
 *     objects == inuse + |free list|                   every slab
 *     node.inuse == sum of slab.inuse; node.nr_slabs == |partial| +
 *       |full| + |empty| + |isolated|                  every node
 *     |depot_full| == nr_depot_full, |depot_empty| == nr_depot_empty,
 *       sum of full magazines' counts == depot_objects every node
 *     sum of node.inuse == live + quarantined          a flushed cache
 *     live == sum over CPUs of (alloc_fastpath + alloc_slowpath
 *             - free_fastpath - free_slowpath)          a quiet cache
 *     fast pops + fast pushes == seq / 2              every CPU,
 *     fast pops - fast pushes == fast_diff            quiet
 *                                - loaded->count       (kslab_int.h)
 *   where "quarantined" objects are ones cut off a corrupt free list or
 *   found corrupt: never handed out again.
 *
 * LOCK ORDER (outermost first)
 *
 *   1. cpu_hotplug_lock (cpus_read_lock)  create, destroy, shrink,
 *                                         defrag: anything that flushes
 *                                         every CPU
 *   2. kslab_mutex                        the cache list; /proc, sysfs
 *   3. kslab_flush_mutex                  one flush of all CPUs at a time
 *   4. CPU ownership (cpu_get())          preemption off, never sleeps;
 *                                         not a lock lockdep can see (on
 *                                         PREEMPT_RT: migration off and a
 *                                         per-CPU spinlock_t, compat.h)
 *   5. kslab_node.depot_lock,             irq-safe leaves, never nested
 *      kslab_node.list_lock               in each other
 *
 *   Page allocation happens with no kslab lock held and no CPU owned;
 *   pages are freed outside the list_lock.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "kslab_int.h"
#include "debug.h"
#include "fastpath.h"
#include "report.h"
#include "trace.h"

struct kslab_mag mag_empty;
EXPORT_SYMBOL_IF_KUNIT(mag_empty);

/* A fresh, empty magazine with the cache's current capacity, or NULL. */
static struct kslab_mag *mag_alloc(struct kslab_cache *s, int node)
{
	unsigned int size = READ_ONCE(s->mag_size);
	struct kslab_mag *mag;

	mag = kmalloc_node(struct_size(mag, objs, size),
			   GFP_NOWAIT | __GFP_NOWARN, node);
	if (mag) {
		mag->next = NULL;
		mag->count = 0;
		mag->size = size;
	}
	return mag;
}

/* Magazines go after a grace period: other CPUs read their counts. */
static void mag_free(struct kslab_mag *mag)
{
	if (mag != &mag_empty)
		kfree_rcu(mag, rcu);
}

static struct kslab_mag *depot_get_full(struct kslab_cache *s,
					struct kslab_node *n)
{
	struct kslab_mag *mag;
	unsigned long flags;

	if (!READ_ONCE(n->depot_full))
		return NULL;
	spin_lock_irqsave(&n->depot_lock, flags);
	mag = n->depot_full;
	if (mag) {
		n->depot_full = mag->next;
		n->nr_depot_full--;
		n->min_full = min(n->min_full, n->nr_depot_full);
		n->depot_objects -= mag->count;
	}
	spin_unlock_irqrestore(&n->depot_lock, flags);
	if (mag)
		stat(s, KSLAB_DEPOT_GET);
	return mag;
}

/* Return: false when the depot holds depot_max full magazines already. */
static bool depot_put_full(struct kslab_cache *s, struct kslab_node *n,
			   struct kslab_mag *mag)
{
	unsigned long flags;
	bool taken = false;

	spin_lock_irqsave(&n->depot_lock, flags);
	if (n->nr_depot_full < READ_ONCE(s->depot_max)) {
		mag->next = n->depot_full;
		n->depot_full = mag;
		n->nr_depot_full++;
		n->depot_objects += mag->count;
		taken = true;
	}
	spin_unlock_irqrestore(&n->depot_lock, flags);
	if (taken)
		stat(s, KSLAB_DEPOT_PUT);
	return taken;
}

static struct kslab_mag *depot_get_empty(struct kslab_node *n)
{
	struct kslab_mag *mag;
	unsigned long flags;

	if (!READ_ONCE(n->depot_empty))
		return NULL;
	spin_lock_irqsave(&n->depot_lock, flags);
	mag = n->depot_empty;
	if (mag) {
		n->depot_empty = mag->next;
		n->nr_depot_empty--;
		n->min_empty = min(n->min_empty, n->nr_depot_empty);
	}
	spin_unlock_irqrestore(&n->depot_lock, flags);
	return mag;
}

/* Keep an empty magazine for later, or free it when the depot has enough. */
static void depot_put_empty(struct kslab_cache *s, struct kslab_node *n,
			    struct kslab_mag *mag)
{
	unsigned long flags;

	if (mag == &mag_empty)
		return;
	spin_lock_irqsave(&n->depot_lock, flags);
	if (n->nr_depot_empty < READ_ONCE(s->depot_max) &&
	    mag->size == READ_ONCE(s->mag_size)) {
		mag->next = n->depot_empty;
		n->depot_empty = mag;
		n->nr_depot_empty++;
		mag = NULL;
	}
	spin_unlock_irqrestore(&n->depot_lock, flags);
	if (mag)
		mag_free(mag);
}

/**
 * node_free_objects - give objects back to their slabs, node by node
 * @s: the cache
 * @objs: the objects (any nodes, in any order)
 * @nr: how many
 * @caller: who freed them (for debug caches' tracks)
 *
 * Takes each node's list_lock once per run of objects from that node, looks
 * at the page of a run of objects of one slab once, and frees the slabs
 * that empty beyond min_partial after dropping the lock. Objects that are
 * not @s's, and double frees, are reported and skipped.
 *
 * Context: as kslab_cache_free(); no list_lock held (takes them, irq-safe).
 * Return: the number of objects taken back.
 */
unsigned int node_free_objects(struct kslab_cache *s, void **objs,
			       unsigned int nr, unsigned long caller)
{
	unsigned long flags = 0, outside = ~s->slab_mask, block = 0, prev = 0;
	struct page *pages[KSLAB_PUT_BATCH], *page = NULL;
	void *batch[KSLAB_PUT_BATCH], *obj;
	struct kslab_node *n = NULL, *pn;
	unsigned int i, k = 0, done = 0;
	LIST_HEAD(discard);

	for (i = 0; i < nr; i++) {
		obj = objs[i];
		if (k == KSLAB_PUT_BATCH) {
			done += slab_put_batch(s, n, pages, batch, k, &discard,
					       caller);
			k = 0;
		}
		/*
		 * An object in the block of the one before is @page's when that
		 * slab fills its block (slab_block()): asked once a run, so a
		 * shuffled batch pays one compare an object for it.
		 */
		if (((unsigned long)obj & outside) == prev && !block)
			block = slab_block(s, page, obj);
		prev = (unsigned long)obj & outside;
		if (prev != block) {
			block = 0;
			page = virt_to_head_page(obj);
			if (unlikely(page_meta(page)->magic != KSLAB_MAGIC_SLAB ||
				     page_cache(page) != s)) {
				report_bad_free(s, NULL, obj,
						"pointer is not an object of this cache");
				prev = 0;
				continue;
			}
			pn = s->node[page_to_nid(page)];
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
		}
		pages[k] = page;
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
static unsigned int node_free_one(struct kslab_cache *s, struct page *page,
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
 * The node this CPU's magazines hold objects of, which is what "local"
 * means to every path here: see node_mem_nearest() and cpu_mem_nid.
 */
static __always_inline int cpu_mem_node(void)
{
	return raw_cpu_read(cpu_mem_nid);
}

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
		got = slab_take(s, n, objs, nr);
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
		got += slab_take_new(s, n, page, objs + got, nr - got);
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	return got;
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

/*
 * Send this CPU's batch of another node's objects home: as a magazine into
 * that node's depot, where its CPUs find them without touching a slab;
 * into their slabs only when the depot is full. Owner held.
 */
static void cpu_flush_remote(struct kslab_cache *s, struct kslab_cpu *c)
{
	struct kslab_node *n = s->node[c->remote_nid];
	unsigned int nr = c->nr_remote;
	struct kslab_mag *mag;

	c->nr_remote = 0;
	cpu_stat_remote(c, nr);
	mag = depot_get_empty(n);
	if (!mag)
		mag = mag_alloc(s, c->remote_nid);
	if (mag && mag->size >= nr) {
		memcpy(mag->objs, c->remote, nr * sizeof(void *));
		mag->count = nr;
		if (depot_put_full(s, n, mag))
			return;
		mag->count = 0;
	}
	if (mag)
		depot_put_empty(s, n, mag);
	node_free_objects(s, c->remote, nr, 0);
}

/* Batch @obj, of node @nid, not this CPU's, to go home. Owner held. */
static void cpu_push_remote(struct kslab_cache *s, struct kslab_cpu *c,
			    void *obj, int nid)
{
	if (c->nr_remote == KSLAB_REMOTE_BATCH ||
	    (c->nr_remote && c->remote_nid != nid))
		cpu_flush_remote(s, c);
	c->remote_nid = nid;
	c->remote[c->nr_remote++] = obj;	/* counted when it goes home */
}

/*
 * cpu_refill - give an empty loaded magazine objects without touching a
 * slab: swap in the previous magazine, or trade with the depot.
 * Return: true when the loaded magazine now has objects. Owner held.
 */
static bool cpu_refill(struct kslab_cache *s, struct kslab_cpu *c)
{
	struct kslab_node *n = s->node[cpu_mem_node()];
	struct kslab_mag *full;

	/*
	 * It may not be empty any more: between the fast path giving up the
	 * CPU and the slow path owning it again, an interrupt (or a task, at
	 * preempt_enable()) may have freed into it. Those are the refill;
	 * trading the magazine as empty would lose them.
	 */
	if (c->loaded->count)
		return true;
	if (c->previous->count) {
		swap(c->loaded, c->previous);
	} else {
		full = depot_get_full(s, n);
		if (!full)
			return false;
		depot_put_empty(s, n, c->loaded);
		c->loaded = full;
	}
	stat(s, KSLAB_CPU_PARTIAL_ALLOC);
	return true;
}

/*
 * cpu_make_room - give a full (or absent) loaded magazine room: swap with
 * an empty previous one, park it as previous, trade it at the depot, or
 * drain it into its slabs. Return: true when the loaded magazine has room.
 * Owner held.
 */
static bool cpu_make_room(struct kslab_cache *s, struct kslab_cpu *c)
{
	int nid = cpu_mem_node();
	struct kslab_node *n = s->node[nid];
	struct kslab_mag *mag = c->loaded, *empty;

	if (c->previous->size && !c->previous->count) {
		swap(c->loaded, c->previous);
		stat(s, KSLAB_CPU_PARTIAL_FREE);
		return true;
	}
	if (mag->size) {
		if (c->previous == &mag_empty) {
			c->previous = mag;
		} else if (!depot_put_full(s, n, mag)) {
			node_free_objects(s, mag->objs, mag->count, 0);
			mag->count = 0;
			stat(s, KSLAB_CPU_PARTIAL_DRAIN);
			return true;
		}
		c->loaded = &mag_empty;
	}
	empty = depot_get_empty(n);
	if (!empty)
		empty = mag_alloc(s, nid);
	if (!empty)
		return false;
	c->loaded = empty;
	stat(s, KSLAB_CPU_PARTIAL_FREE);
	return true;
}

/*
 * cpu_refill() and cpu_make_room() for the bulk calls, which count their
 * own pops and pushes (cpu_release()): the swap is bracketed.
 */
static bool cpu_refill_bulk(struct kslab_cache *s, struct kslab_cpu *c)
{
	bool ok;

	cpu_stat_begin(c);
	ok = cpu_refill(s, c);
	cpu_stat_end(c);
	return ok;
}

static bool cpu_make_room_bulk(struct kslab_cache *s, struct kslab_cpu *c)
{
	bool ok;

	cpu_stat_begin(c);
	ok = cpu_make_room(s, c);
	cpu_stat_end(c);
	return ok;
}

/*
 * cpu_alloc_new_slab - step 5: a new slab for this CPU. Releases the CPU (the
 * page allocator may sleep), then refills the loaded magazine of whatever
 * CPU it runs on from the new slab, if that magazine is still empty and
 * the slab is on that CPU's node (cpu_mem_node()); otherwise takes just
 * one object.
 */
static void *cpu_alloc_new_slab(struct kslab_cache *s, struct kslab_cpu *c,
				gfp_t gfp)
{
	int nid = cpu_mem_node();
	struct kslab_node *n;
	struct kslab_mag *mag;
	struct page *page;
	unsigned long flags;
	void *obj = NULL;

	cpu_put(c);
	page = slab_new(s, gfp, nid);
	if (!page) {
		stat(s, KSLAB_ALLOC_FAILED);
		return NULL;
	}
	n = s->node[page_to_nid(page)];
	c = cpu_get(s);
	mag = c ? c->loaded : NULL;
	spin_lock_irqsave(&n->list_lock, flags);
	if (mag && mag->size && !mag->count && page_to_nid(page) == cpu_mem_node()) {
		mag->count = slab_take_new(s, n, page, mag->objs, mag->size);
		obj = mag->objs[--mag->count];
	} else {
		slab_take_new(s, n, page, &obj, 1);
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	stat(s, KSLAB_ALLOC_SLOWPATH);
	if (c)
		cpu_put(c);
	return obj;
}

/*
 * Steps 4-5 for one object, with no CPU owned: debug caches (with their
 * checks), another node, an interrupt that found its CPU owned.
 */
static void *cpu_alloc_bypass(struct kslab_cache *s, gfp_t gfp, int node,
			      unsigned long caller)
{
	void *obj;

	if (unlikely(s->slowpath & KSLAB_SLOW_DEAD)) {
		report_misuse(s, "allocation from a destroyed cache");
		return NULL;
	}
	if (unlikely(s->slowpath & KSLAB_SLOW_FAIL) && fail_should(s)) {
		stat(s, KSLAB_ALLOC_FAILED);
		return NULL;
	}
	if (!node_alloc_objects(s, gfp, node, &obj, 1)) {
		stat(s, KSLAB_ALLOC_FAILED);
		return NULL;
	}
	if (cache_debug(s))
		debug_on_alloc(s, obj, caller);
	stat(s, KSLAB_ALLOC_SLOWPATH);
	return obj;
}

/*
 * cpu_alloc_refill - steps 2-5 for a CPU owned by cpu_get(),
 * or for no CPU (@c NULL: it was owned already or must not be used).
 * Releases @c. Return: an object, not yet initialised, or NULL.
 */
static void *cpu_alloc_refill(struct kslab_cache *s, struct kslab_cpu *c,
			      gfp_t gfp, int node, unsigned long caller)
{
	int nid = cpu_mem_node();
	struct kslab_node *n = s->node[nid];
	struct kslab_mag *mag;
	unsigned long flags;
	void *obj;

	/* no such node, or one without memory: any will do (as SLUB) */
	if (node != NUMA_NO_NODE && (node < 0 || node >= nr_node_ids ||
				     !s->node[node] ||
				     !node_state(node, N_NORMAL_MEMORY)))
		node = NUMA_NO_NODE;
	if (!c || (node != NUMA_NO_NODE && node != nid)) {
		if (c)
			cpu_put(c);
		if (node != NUMA_NO_NODE && node != nid)
			stat(s, KSLAB_ALLOC_NODE_MISMATCH);
		return cpu_alloc_bypass(s, gfp, node, caller);
	}
	if (cpu_refill(s, c))
		goto pop;
	mag = c->loaded;
	if (!mag->size) {
		mag = depot_get_empty(n);
		if (!mag)
			mag = mag_alloc(s, nid);
		if (!mag) {
			cpu_put(c);
			return cpu_alloc_bypass(s, gfp, node, caller);
		}
		c->loaded = mag;
	}
	spin_lock_irqsave(&n->list_lock, flags);
	mag->count = slab_take(s, n, mag->objs, mag->size);
	spin_unlock_irqrestore(&n->list_lock, flags);
	if (!mag->count && node == NUMA_NO_NODE)
		return cpu_alloc_new_slab(s, c, gfp);
	if (!mag->count) {
		/* this node asked for: SLUB's way to a new slab, which may look elsewhere */
		cpu_put(c);
		return cpu_alloc_bypass(s, gfp, node, caller);
	}
	cpu_stat(c, KSLAB_ALLOC_REFILL);
pop:
	obj = c->loaded->objs[--c->loaded->count];
	cpu_stat(c, KSLAB_ALLOC_SLOWPATH);
	cpu_put(c);
	return obj;
}

/**
 * cpu_alloc_slow - the allocation slow path: steps 2-5, then what every
 * object gets on its way out (cpu_alloc_finish())
 * @s: the cache
 * @gfp: GFP flags
 * @node: NUMA_NO_NODE, or the node the object must come from
 * @caller: the caller's address
 *
 * Owns the CPU again: cpu_alloc() gave it up before its tail call.
 *
 * Context: as cpu_alloc(); no CPU owned.
 * Return: an object, or NULL.
 */
void *cpu_alloc_slow(struct kslab_cache *s, gfp_t gfp, int node,
		     unsigned long caller)
{
	void *obj = cpu_alloc_refill(s, cpu_get(s), gfp, node, caller);

	if (!obj) {
		trace_kslab_alloc(s->name, NULL, caller, gfp, node);
		return NULL;
	}
	return cpu_alloc_finish(s, obj, gfp, node, caller);
}
EXPORT_SYMBOL_IF_KUNIT(cpu_alloc_slow);

/*
 * __GFP_ZERO on a cache with a constructor: the caller's bug, reported
 * (and counted) here, out of the fast path. The object is not zeroed
 * (cache_want_init_on_alloc()): that would wipe its constructed state.
 */
static void cpu_alloc_zero_ctor(struct kslab_cache *s)
{
	report_misuse(s,
		      "__GFP_ZERO on a cache with a constructor: handed out constructed, not zeroed");
}

/**
 * cpu_alloc_finish - zero or wipe an object on its way out, as asked, and
 * fire kslab:kslab_alloc: the fast path's tail when cpu_alloc_plain() is
 * not true, and the slow path's
 * @s: the cache
 * @obj: the object
 * @gfp: GFP flags
 * @node: the node asked for, for the tracepoint
 * @caller: the caller's address, for the tracepoint
 *
 * Context: as cpu_alloc(). Return: @obj.
 */
void *cpu_alloc_finish(struct kslab_cache *s, void *obj, gfp_t gfp, int node,
		       unsigned long caller)
{
	if (unlikely((gfp & __GFP_ZERO) && s->ctor))
		cpu_alloc_zero_ctor(s);
	obj = cpu_alloc_init(s, obj, gfp);
	trace_kslab_alloc(s->name, obj, caller, gfp, node);
	return obj;
}

/* Is @obj the object this CPU freed last (top of magazine or buffer)? */
static bool cpu_freed_last(struct kslab_cpu *c, void *obj)
{
	return mag_freed_last(c->loaded, obj) || cpu_remote_freed_last(c, obj);
}

/**
 * cpu_free_slow - the free slow path
 * @s: the cache
 * @page: the head page of the slab holding @obj
 * @obj: the object
 * @caller: the caller's address
 *
 * Catches frees of pointers that are not @s's objects and the naive double
 * free; sends objects of other nodes to the remote buffer; makes room in
 * a full magazine; else gives the object straight back to its slab (no
 * CPU to use: owned already, a debug cache, or a pointer to check there).
 * @obj comes unwiped: under init_on_free it is wiped here, once the free
 * is accepted (a refused one writes nothing).
 *
 * Context: as cpu_free(); no CPU owned.
 */
void cpu_free_slow(struct kslab_cache *s, struct page *page, void *obj,
		   unsigned long caller)
{
	bool wipe = cache_want_init_on_free(s);
	struct kslab_cpu *c;

	if (unlikely(page_meta(page)->magic != KSLAB_MAGIC_SLAB ||
		     page_cache(page) != s)) {
		report_bad_free(s, NULL, obj, "pointer is not an object of this cache");
		return;
	}
	if (static_branch_likely(&kslab_hardened_key) &&
	    unlikely(slab_index(s, page_meta(page), page_address(page), obj) ==
		     KSLAB_BAD_INDEX))
		goto direct;
	c = cpu_get(s);
	if (!c)
		goto direct;
	if (unlikely(cpu_freed_last(c, obj))) {
		cpu_put(c);
		report_double_free(s, obj);
		return;
	}
	if (page_to_nid(page) != cpu_mem_node()) {
		if (unlikely(wipe))
			memset(obj, 0, s->object_size);
		cpu_push_remote(s, c, obj, page_to_nid(page));
		cpu_put(c);
		return;
	}
	/*
	 * Room is made only when there is none: this free may come with room
	 * left (an object of a fallback slab, a CPU that was owned in the fast
	 * path), and cpu_make_room() would trade the loaded magazine, even an
	 * empty one, to the depot as full.
	 */
	if (c->loaded->count >= c->loaded->size && !cpu_make_room(s, c)) {
		cpu_put(c);
		goto direct;
	}
	if (unlikely(wipe))
		memset(obj, 0, s->object_size);
	c->loaded->objs[c->loaded->count++] = obj;
	cpu_stat(c, KSLAB_FREE_SLOWPATH);
	cpu_put(c);
	return;
direct:
	rcu_read_lock();	/* a destroyed cache is freed only after this */
	if (node_free_one(s, page, obj, caller, wipe))
		stat(s, KSLAB_FREE_SLOWPATH);
	if (unlikely(s->slowpath & KSLAB_SLOW_DEAD))
		cache_dead_freed(s);
	rcu_read_unlock();
}

/**
 * cpu_free_remote - the free fast path's tail for an object of another node
 * @s: the cache
 * @c: this CPU's part, owned by cpu_free_push()
 * @page: the head page of the slab holding @obj
 * @obj: the object, checked as cpu_free() checks (hardening), not wiped
 *
 * Adds what cpu_free_slow() would, without giving up the CPU and taking it
 * again or checking @obj a second time: batch @obj to go home, wiped
 * under init_on_free, unless it is the object this CPU batched last (a
 * double free, refused without writing it). The loaded magazine is not
 * touched, so nothing is bracketed.
 *
 * Context: as cpu_free(); gives the CPU back.
 */
void cpu_free_remote(struct kslab_cache *s, struct kslab_cpu *c,
		     struct page *page, void *obj)
{
	if (unlikely(cpu_remote_freed_last(c, obj))) {
		cpu_release(c, 0);
		report_double_free(s, obj);
		return;
	}
	if (unlikely(cache_want_init_on_free(s)))
		memset(obj, 0, s->object_size);
	cpu_push_remote(s, c, obj, page_to_nid(page));
	cpu_release(c, 0);
}

/**
 * cpu_free_wipe - cpu_free() for an object to wipe (init_on_free)
 * @s: the cache
 * @page: the head page of its slab
 * @obj: the object, checked by cpu_free()
 * @caller: the caller's address
 *
 * The push, wiping @obj once the free is accepted (cpu_free_push()).
 * Out of line, so that the fast path calls nothing. Context: as cpu_free().
 */
void cpu_free_wipe(struct kslab_cache *s, struct page *page, void *obj,
		   unsigned long caller)
{
	cpu_free_push(s, page, obj, caller, true);
}

/**
 * cpu_free_traced - cpu_free() with kslab:kslab_free fired first
 * @s: the cache
 * @page: the head page of the slab holding @obj
 * @obj: the object
 * @caller: the caller's address
 *
 * Out of line, so that the fast path calls nothing. Context: as cpu_free().
 */
void cpu_free_traced(struct kslab_cache *s, struct page *page, void *obj,
		     unsigned long caller)
{
	trace_kslab_free(s->name, obj, caller);
	cpu_free(s, page, obj, caller);
}

/**
 * kslab_cache_alloc - allocate an object from a kslab cache
 * @s: the cache
 * @gfp: GFP flags: GFP_KERNEL may sleep to get pages, GFP_ATOMIC and
 *       GFP_NOWAIT never sleep, __GFP_ZERO zeroes the object (not in a
 *       cache with a constructor: see kslab_cache_zalloc())
 *
 * Context: process, softirq or hardirq context, as @gfp allows; not NMI:
 * an allocation may take a node's list_lock. On PREEMPT_RT, as with SLUB,
 * not in hard interrupt context nor with interrupts disabled or a raw
 * spinlock held: kslab's locks are sleeping locks there.
 * Return: an object of kslab_cache_size(@s) bytes, or NULL when memory is
 * exhausted.
 */
void *kslab_cache_alloc(struct kslab_cache *s, gfp_t gfp)
{
	return cpu_alloc(s, gfp, NUMA_NO_NODE, _RET_IP_);
}
EXPORT_SYMBOL_GPL(kslab_cache_alloc);

/**
 * kslab_cache_alloc_node - allocate an object from a given NUMA node
 * @s: the cache
 * @gfp: GFP flags, as for kslab_cache_alloc()
 * @node: the node, or NUMA_NO_NODE for any (this CPU's first)
 *
 * The object comes from @node when it has a free object or a free page
 * (taken without reclaim); otherwise from the nearest nodes' partial
 * slabs, and only then from a new slab made with @gfp, anywhere, rather
 * than failing (with __GFP_THISNODE in @gfp: from @node or not at all).
 * A node without memory, or no such node, asks for no node in particular,
 * as with SLUB.
 *
 * Context: as kslab_cache_alloc().
 * Return: an object, or NULL when memory is exhausted.
 */
void *kslab_cache_alloc_node(struct kslab_cache *s, gfp_t gfp, int node)
{
	return cpu_alloc(s, gfp, node, _RET_IP_);
}
EXPORT_SYMBOL_GPL(kslab_cache_alloc_node);

/*
 * A debug cache first checks that the pointer is one a struct page can be
 * found for. Out of line: the fast path calls nothing.
 */
static noinline void cpu_free_obj_checked(struct kslab_cache *s, void *obj,
					  unsigned long caller)
{
	if (!virt_addr_valid(obj)) {
		report_bad_free(s, NULL, obj, "pointer is not in the kernel's direct map");
		return;
	}
	cpu_free(s, virt_to_head_page(obj), obj, caller);
}

/*
 * cpu_free_obj - free one object the caller names by pointer only: NULL
 * is nothing; debug caches take cpu_free_obj_checked().
 */
static __always_inline void cpu_free_obj(struct kslab_cache *s, void *obj,
					 unsigned long caller)
{
	if (unlikely(!obj))
		return;
	if (static_branch_unlikely(&kslab_slowpath_used) &&
	    unlikely(READ_ONCE(s->slowpath)))
		return cpu_free_obj_checked(s, obj, caller);
	cpu_free(s, virt_to_head_page(obj), obj, caller);
}

/* kslab_cache_free() with kslab:kslab_free on: out of line, as cpu_free_traced(). */
static noinline void cache_free_traced(struct kslab_cache *s, void *obj,
				       unsigned long caller)
{
	trace_kslab_free(s->name, obj, caller);
	cpu_free_obj(s, obj, caller);
}

/**
 * kslab_cache_free - give an object back to its cache
 * @s: the cache it came from
 * @obj: the object, or NULL (nothing is done)
 *
 * A pointer that is not an object of @s, or a double free kslab can see,
 * is reported, counted in kslab_cache_errors() and refused.
 *
 * Context: process, softirq or hardirq context; not NMI: a free may take
 * a node's list_lock. On PREEMPT_RT, as with SLUB, not in hard interrupt
 * context nor with interrupts disabled or a raw spinlock held.
 */
void kslab_cache_free(struct kslab_cache *s, void *obj)
{
	if (trace_kslab_free_enabled())
		return cache_free_traced(s, obj, _RET_IP_);
	cpu_free_obj(s, obj, _RET_IP_);
}
EXPORT_SYMBOL_GPL(kslab_cache_free);

/**
 * kslab_cache_alloc_bulk - allocate many objects in one call
 * @s: the cache
 * @gfp: GFP flags, as for kslab_cache_alloc()
 * @nr: how many objects
 * @objs: array of at least @nr pointers to fill
 *
 * Takes whole runs from the CPU's magazines and the depot, and the rest
 * from slabs under one lock hold per node: one trip to the slow path per
 * call, not one per object. All or nothing.
 *
 * Context: as kslab_cache_alloc().
 * Return: @nr, or 0 (and no object allocated) when memory is exhausted.
 */
int kslab_cache_alloc_bulk(struct kslab_cache *s, gfp_t gfp, size_t nr,
			   void **objs)
{
	unsigned int fast = 0, slow = 0, take;
	void **top, **dst, **end;
	struct kslab_cpu *c;
	struct kslab_mag *mag;
	size_t i;

	if (!nr || nr > INT_MAX)
		return 0;
	if (unlikely(s->slowpath & KSLAB_SLOW_DEAD)) {
		report_misuse(s, "allocation from a destroyed cache");
		return 0;
	}
	stat(s, KSLAB_ALLOC_BULK);
	if (unlikely(s->slowpath & KSLAB_SLOW_FAIL) && fail_should(s)) {
		stat(s, KSLAB_ALLOC_FAILED);
		return 0;
	}
	if (cpu_own(s, &c)) {
		while (fast < nr) {
			mag = c->loaded;
			take = min_t(size_t, mag->count, nr - fast);
			if (take) {
				/* top first, as single pops; not memcpy(): rep movsb */
				top = mag->objs + mag->count;
				mag->count -= take;
				end = objs + fast + take;
				for (dst = objs + fast; dst < end; dst++)
					*dst = *--top;
				fast += take;
			} else if (!cpu_refill_bulk(s, c)) {
				break;
			}
		}
		cpu_release(c, fast);
	}
	if (fast < nr)
		slow = node_alloc_objects(s, gfp, NUMA_NO_NODE, objs + fast,
					  nr - fast);
	if (fast + slow < nr) {
		/* the pops are counted: so is their way back */
		node_free_objects(s, objs, fast + slow, 0);
		stat_add(s, KSLAB_FREE_SLOWPATH, fast);
		stat(s, KSLAB_ALLOC_FAILED);
		return 0;
	}
	if (slow)
		stat_add(s, KSLAB_ALLOC_SLOWPATH, slow);
	if (unlikely((gfp & __GFP_ZERO) && s->ctor))
		cpu_alloc_zero_ctor(s);
	/* each test once for the whole call, not once per object */
	if (unlikely(cache_debug(s) || cache_want_init_on_alloc(s, gfp) ||
		     cache_want_init_on_free(s) || trace_kslab_alloc_enabled())) {
		for (i = 0; i < nr; i++) {
			if (cache_debug(s))
				debug_on_alloc(s, objs[i], _RET_IP_);
			cpu_alloc_init(s, objs[i], gfp);
			trace_kslab_alloc(s->name, objs[i], _RET_IP_, gfp,
					  NUMA_NO_NODE);
		}
	}
	return nr;
}
EXPORT_SYMBOL_GPL(kslab_cache_alloc_bulk);

/**
 * kslab_cache_free_bulk - free many objects in one call
 * @s: the cache they came from
 * @nr: how many
 * @objs: the objects (none NULL)
 *
 * Pushes into the CPU's magazines, trading full ones at the depot; objects
 * of other nodes go home in batches. Bad pointers and double frees are
 * reported and skipped, as by kslab_cache_free().
 *
 * Context: as kslab_cache_free().
 */
void kslab_cache_free_bulk(struct kslab_cache *s, size_t nr, void **objs)
{
	bool init = cache_want_init_on_free(s), local = false;
	unsigned long outside = ~s->slab_mask, block = 0;
	struct page *page, *last = NULL;
	unsigned int slow = 0;
	struct kslab_cpu *c;
	struct kslab_mag *mag;
	long mark;
	int nid;
	size_t i;
	void *obj;

	if (!nr)
		return;
	stat(s, KSLAB_FREE_BULK);
	if (trace_kslab_free_enabled())
		for (i = 0; i < nr; i++)
			trace_kslab_free(s->name, objs[i], _RET_IP_);
	if (!cpu_own(s, &c)) {
		for (i = 0; i < nr; i++)
			cpu_free_obj(s, objs[i], _RET_IP_);
		return;
	}
	nid = cpu_mem_node();
	mark = cpu_stat_mark(c);
	for (i = 0; i < nr; i++) {
		obj = objs[i];
		if (unlikely(!obj))
			continue;
		/*
		 * A run of objects of one slab: the slab is checked once;
		 * while objects stay in @block they are @last's.
		 */
		if (((unsigned long)obj & outside) != block) {
			page = virt_to_head_page(obj);
			if (page != last) {
				if (unlikely(page_meta(page)->magic != KSLAB_MAGIC_SLAB ||
					     page_cache(page) != s)) {
					report_bad_free(s, NULL, obj,
							"pointer is not an object of this cache");
					continue;
				}
				last = page;
				local = page_to_nid(page) == nid;
			}
			block = slab_block(s, page, obj);
		}
		/* a bad pointer, or one of a fallback slab: checked (and wiped) there */
		if (static_branch_likely(&kslab_hardened_key) &&
		    unlikely(slab_index_fast(s, page_meta(last), obj) ==
			     KSLAB_BAD_INDEX)) {
			slow += node_free_one(s, last, obj, _RET_IP_, init);
			continue;
		}
		/* cpu_freed_last(), where @obj can be: @loaded holds this node's */
		mag = c->loaded;
		if (!local) {
			if (unlikely(cpu_remote_freed_last(c, obj))) {
				report_double_free(s, obj);
				continue;
			}
			if (unlikely(init))
				memset(obj, 0, s->object_size);
			cpu_push_remote(s, c, obj, page_to_nid(last));
			continue;
		}
		if (unlikely(mag_freed_last(mag, obj))) {
			report_double_free(s, obj);
			continue;
		}
		if (mag->count >= mag->size) {
			if (!cpu_make_room_bulk(s, c)) {
				slow += node_free_one(s, last, obj, _RET_IP_, init);
				continue;
			}
			mag = c->loaded;
		}
		if (unlikely(init))
			memset(obj, 0, s->object_size);
		mag->objs[mag->count++] = obj;
	}
	if (slow)
		stat_add(s, KSLAB_FREE_SLOWPATH, slow);
	cpu_release(c, mark - cpu_stat_mark(c));
}
EXPORT_SYMBOL_GPL(kslab_cache_free_bulk);

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

/*
 * Free two chains of magazines taken off a depot, the full ones' objects
 * back to their slabs first. No depot_lock held. Return: magazines freed.
 */
static unsigned long depot_release(struct kslab_cache *s,
				   struct kslab_mag *full,
				   struct kslab_mag *empty)
{
	unsigned long nr = 0;
	struct kslab_mag *mag;

	while (full) {
		mag = full;
		full = mag->next;
		node_free_objects(s, mag->objs, mag->count, 0);
		mag_free(mag);
		nr++;
	}
	while (empty) {
		mag = empty;
		empty = mag->next;
		mag_free(mag);
		nr++;
	}
	return nr;
}

/**
 * depot_drain - give every magazine in the depots back
 * @s: the cache
 *
 * Objects of full magazines go back to their slabs; the magazines are
 * freed. Context: process context, no kslab lock held.
 */
void depot_drain(struct kslab_cache *s)
{
	struct kslab_mag *full, *empty;
	struct kslab_node *n;
	unsigned long flags;
	int nid;

	for_each_node(nid) {
		n = s->node[nid];
		spin_lock_irqsave(&n->depot_lock, flags);
		full = n->depot_full;
		empty = n->depot_empty;
		n->depot_full = NULL;
		n->depot_empty = NULL;
		n->nr_depot_full = 0;
		n->nr_depot_empty = 0;
		n->min_full = 0;
		n->min_empty = 0;
		n->depot_objects = 0;
		spin_unlock_irqrestore(&n->depot_lock, flags);
		depot_release(s, full, empty);
	}
}

/* Take up to @nr magazines off a depot list; return the first. */
static struct kslab_mag *depot_take(struct kslab_mag **list, unsigned int nr)
{
	struct kslab_mag *first = *list, **tail = list;

	if (!nr)
		return NULL;
	while (nr-- && *tail)
		tail = &(*tail)->next;
	*list = *tail;
	*tail = NULL;
	return first;
}

/**
 * depot_validate - check a node's depot against its counts
 * @s: the cache
 * @n: the node
 *
 * The equations: |depot_full| == nr_depot_full, |depot_empty| ==
 * nr_depot_empty, the sum of the full magazines' counts == depot_objects,
 * 0 < count <= size for a full one, count == 0 for an empty one, and
 * min_full <= nr_depot_full, min_empty <= nr_depot_empty.
 *
 * Context: process context; takes the node's depot_lock.
 * Return: errors found (each reported).
 */
long depot_validate(struct kslab_cache *s, struct kslab_node *n)
{
	unsigned long flags, objects = 0;
	unsigned int full = 0, empty = 0;
	struct kslab_mag *mag;
	long errors = 0;

	spin_lock_irqsave(&n->depot_lock, flags);
	for (mag = n->depot_full; mag; mag = mag->next) {
		if (!mag->count || mag->count > mag->size)
			errors++;
		objects += mag->count;
		full++;
	}
	for (mag = n->depot_empty; mag; mag = mag->next) {
		if (mag->count)
			errors++;
		empty++;
	}
	if (full != n->nr_depot_full || empty != n->nr_depot_empty ||
	    objects != n->depot_objects || n->min_full > full ||
	    n->min_empty > empty)
		errors++;
	spin_unlock_irqrestore(&n->depot_lock, flags);
	if (errors)
		report_node(s, n, "depot counts disagree with its magazines");
	return errors;
}

/**
 * depot_trim - give back the magazines the depots did not need
 * @s: the cache
 *
 * Bonwick's working set: each node's depot remembers the fewest full and
 * the fewest empty magazines it held since the last trim; those were not
 * needed over that interval, so their objects go back to the slabs and the
 * magazines are freed. A busy cache keeps its depot, an idle one returns
 * it within two trims.
 *
 * Context: process context, no kslab lock held.
 * Return: the magazines given back.
 */
unsigned long depot_trim(struct kslab_cache *s)
{
	struct kslab_mag *full, *empty, *mag;
	unsigned long flags, trimmed = 0;
	struct kslab_node *n;
	int nid;

	for_each_node(nid) {
		n = s->node[nid];
		spin_lock_irqsave(&n->depot_lock, flags);
		full = depot_take(&n->depot_full, n->min_full);
		empty = depot_take(&n->depot_empty, n->min_empty);
		for (mag = full; mag; mag = mag->next) {
			n->nr_depot_full--;
			n->depot_objects -= mag->count;
		}
		for (mag = empty; mag; mag = mag->next)
			n->nr_depot_empty--;
		n->min_full = n->nr_depot_full;
		n->min_empty = n->nr_depot_empty;
		spin_unlock_irqrestore(&n->depot_lock, flags);
		trimmed += depot_release(s, full, empty);
	}
	if (trimmed)
		stat_add(s, KSLAB_DEPOT_TRIM, trimmed);
	return trimmed;
}
EXPORT_SYMBOL_IF_KUNIT(depot_trim);

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

/**
 * cache_info - the figures /proc/kslabinfo and sysfs print for a cache
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
		info->empty_slabs += READ_ONCE(n->nr_empty);
		info->inuse_objs += READ_ONCE(n->inuse);
		info->depot_objs += READ_ONCE(n->depot_objects);
	}
	info->cpu_objs = cpu_objects(s, NUMA_NO_NODE, NULL);
	info->pages = cache_pages(s);
	live = stat_live_objects(s);
	info->active_objs = clamp_t(long, live, 0, info->num_objs);
	info->objsize = s->size;
	info->objects_per_slab = s->objects;
	info->order = s->order;
}
EXPORT_SYMBOL_IF_KUNIT(cache_info);
