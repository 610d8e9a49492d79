// SPDX-License-Identifier: GPL-2.0
/*
 * core.c - the per-CPU layer's slow paths and kslab's allocation and free
 * calls: what happens when the fast path of fastpath.h cannot pop or push
 * the loaded magazine (swap with the previous one, trade at the depot of
 * magazine.c, refill from or drain to the node lists of node.c, a new
 * slab from slab.c), the remote buffer that sends other nodes' objects
 * home, and the bulk calls. The design, in the order an allocation is
 * satisfied, opens kslab_int.h.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "kslab_int.h"
#include "debug.h"
#include "fastpath.h"
#include "kasan.h"
#include "magazine.h"
#include "report.h"
#include "trace.h"

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

/* cpu_pop() found the object corrupt and quarantined it: try again. */
#define KSLAB_AGAIN	ERR_PTR(-EAGAIN)

/*
 * cpu_pop - pop the loaded magazine (not empty) for a caller. In a debug
 * cache with red zones the object is checked and marked live here, with
 * the CPU owned (kslab_int.h); a corrupt one is quarantined, and the
 * return is KSLAB_AGAIN. Owner held.
 */
static void *cpu_pop(struct kslab_cache *s, struct kslab_cpu *c)
{
	void *obj = c->loaded->objs[--c->loaded->count];
	struct page *page;

	if (likely(!cache_checked(s)))
		return obj;
	page = virt_to_head_page(obj);
	if (debug_alloc_check(s, page, obj))
		return obj;
	node_quarantine(s, page);
	return KSLAB_AGAIN;
}

/*
 * cpu_alloc_new_slab - step 5: a new slab for this CPU. Releases the CPU (the
 * page allocator may sleep), then refills the loaded magazine of whatever
 * CPU it runs on from the new slab, if that magazine is still empty and
 * the slab is on that CPU's node (cpu_mem_node()); otherwise takes just
 * one object. Return: an object, NULL, or KSLAB_AGAIN.
 */
static void *cpu_alloc_new_slab(struct kslab_cache *s, struct kslab_cpu *c,
				gfp_t gfp)
{
	int nid = cpu_mem_node();
	struct kslab_node *n;
	struct kslab_mag *mag;
	struct page *page;
	unsigned long flags;
	void *obj = KSLAB_AGAIN;
	bool fill;

	cpu_put(c);
	page = slab_new(s, gfp, nid);
	if (!page) {
		stat(s, KSLAB_ALLOC_FAILED);
		return NULL;
	}
	n = s->node[page_to_nid(page)];
	c = cpu_get(s);
	mag = c ? c->loaded : NULL;
	fill = mag && mag->size && !mag->count && page_to_nid(page) == cpu_mem_node();
	spin_lock_irqsave(&n->list_lock, flags);
	if (fill)
		mag->count = slab_take_new(s, n, page, mag->objs, mag->size, false);
	else
		slab_take_new(s, n, page, &obj, 1, true);
	spin_unlock_irqrestore(&n->list_lock, flags);
	if (fill)
		obj = cpu_pop(s, c);
	if (obj != KSLAB_AGAIN)
		stat(s, KSLAB_ALLOC_SLOWPATH);
	if (c)
		cpu_put(c);
	return obj;
}

/*
 * Steps 4-5 for one object, with no CPU owned: debug caches without red
 * zones (checked in the slab layer), another node, an interrupt that
 * found its CPU owned.
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
	stat(s, KSLAB_ALLOC_SLOWPATH);
	return obj;
}

/*
 * cpu_alloc_refill - steps 2-5 for a CPU owned by cpu_get(),
 * or for no CPU (@c NULL: it was owned already or must not be used).
 * Releases @c. Return: an object, not yet initialised, NULL, or
 * KSLAB_AGAIN (cpu_pop()).
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
	mag->count = slab_take(s, n, mag->objs, mag->size, false);
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
	obj = cpu_pop(s, c);
	if (obj != KSLAB_AGAIN)
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
	void *obj;

	do
		obj = cpu_alloc_refill(s, cpu_get(s), gfp, node, caller);
	while (unlikely(obj == KSLAB_AGAIN));
	if (!obj) {
		trace_kslab_alloc(s->name, NULL, caller, gfp, node);
		return NULL;
	}
	if (cache_debug(s))
		debug_on_alloc(s, obj, caller);
	return cpu_alloc_finish(s, obj, gfp, node, caller);
}
EXPORT_SYMBOL_IF_KUNIT(cpu_alloc_slow);

/*
 * cpu_alloc_slow() for kslab_kmalloc() of @size bytes: a debug cache's
 * object learns its size (debug_kmalloc(): the red zone past it).
 * Context: as cpu_alloc_slow(). Return: an object, or NULL.
 */
void *cpu_alloc_slow_kmalloc(struct kslab_cache *s, gfp_t gfp, int node,
			     unsigned long caller, size_t size)
{
	void *obj = cpu_alloc_slow(s, gfp, node, caller);

	if (obj && cache_debug(s))
		debug_kmalloc(s, obj, size);
	return obj;
}
EXPORT_SYMBOL_IF_KUNIT(cpu_alloc_slow_kmalloc);

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
 * cpu_alloc_finish_any - zero or wipe an object on its way out, as asked,
 * and fire kslab:kslab_alloc: cpu_alloc_finish() of anything but a plain
 * zeroing
 * @s: the cache
 * @obj: the object
 * @gfp: GFP flags
 * @node: the node asked for, for the tracepoint
 * @caller: the caller's address, for the tracepoint
 *
 * Context: as cpu_alloc(). Return: @obj.
 */
void *cpu_alloc_finish_any(struct kslab_cache *s, void *obj, gfp_t gfp,
			   int node, unsigned long caller)
{
	if (unlikely((gfp & __GFP_ZERO) && s->ctor))
		cpu_alloc_zero_ctor(s);
	kslab_kasan_alloc(s, obj);
	obj = cpu_alloc_init(s, obj, gfp);
	trace_kslab_alloc(s->name, obj, caller, gfp, node);
	return obj;
}
EXPORT_SYMBOL_IF_KUNIT(cpu_alloc_finish_any);

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
 * CPU to use: owned already, a debug cache without red zones, or a
 * pointer to check there). A debug cache with red zones checks @obj on
 * its way into the magazine (debug_mag_free()). @obj comes unwiped:
 * under init_on_free it is wiped here, once the free is accepted (a
 * refused one writes nothing).
 *
 * Context: as cpu_free(); no CPU owned.
 */
void cpu_free_slow(struct kslab_cache *s, struct page *page, void *obj,
		   unsigned long caller)
{
	bool wipe = cache_want_init_on_free(s), checked;
	struct kslab_cpu *c;

	if (unlikely(!slab_of(page, s))) {
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
	checked = cache_checked(s);
	if (page_to_nid(page) != cpu_mem_node()) {
		if (checked && !debug_mag_free(s, page, obj, caller)) {
			cpu_put(c);
			return;
		}
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
	/* a debug cache with red zones: checked on the way in (kslab_int.h) */
	if (checked && !debug_mag_free(s, page, obj, caller)) {
		cpu_put(c);
		return;
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
 * cpu_free_remote - the free fast path's tail for an object of another
 * node that cannot simply join the remote buffer (cpu_remote_room())
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

/*
 * cpu_alloc_checked_as - cpu_alloc_checked()'s pop, @lean a constant
 * where it is inlined: the object checked and marked live inline
 * (debug_runs_pop()) and nothing recorded; or not lean (owner tracking,
 * a kmalloc red zone, runs of bytes, KASAN): checked out of line
 * (debug_mag_pop()), the allocation recorded, the kmalloc red zone set.
 */
static __always_inline void *cpu_alloc_checked_as(struct kslab_cache *s,
						  struct kslab_cpu *c, gfp_t gfp,
						  int node, unsigned long caller,
						  size_t size, bool lean)
{
	struct kslab_mag *mag = c->loaded;
	void *obj;

	if (unlikely(!mag->count ||
		     (node != NUMA_NO_NODE && node != cpu_mem_node()) ||
		     !(lean ? debug_runs_pop(s, mag->objs[mag->count - 1]) :
			      debug_mag_pop(s, mag->objs[mag->count - 1])))) {
		cpu_release(c, 0);
		if (size)
			return cpu_alloc_slow_kmalloc(s, gfp, node, caller, size);
		return cpu_alloc_slow(s, gfp, node, caller);
	}
	obj = mag->objs[--mag->count];
	cpu_release(c, 1);	/* counts the pop (kslab_int.h) */
	if (lean) {
		if (unlikely(!cpu_alloc_plain(s, gfp)))
			return cpu_alloc_finish(s, obj, gfp, node, caller);
		return obj;
	}
	debug_on_alloc(s, obj, caller);
	if (unlikely(!cpu_alloc_plain(s, gfp)))
		obj = cpu_alloc_finish(s, obj, gfp, node, caller);
	/* after the zeroing, which covers the whole object (as the slow path) */
	if (size)
		debug_kmalloc(s, obj, size);
	return obj;
}

/* cpu_alloc_checked() of a cache that is not lean: its own frame. */
static noinline void *cpu_alloc_checked_any(struct kslab_cache *s,
					    struct kslab_cpu *c, gfp_t gfp,
					    int node, unsigned long caller,
					    size_t size)
{
	return cpu_alloc_checked_as(s, c, gfp, node, caller, size, false);
}

/**
 * cpu_alloc_checked - the allocation fast path of a debug cache with red
 * zones (KSLAB_SLOW_CHECK): pop the loaded magazine, the object checked
 * and marked live first
 * @s: the cache
 * @c: this CPU's part, owned by cpu_alloc_sized()
 * @gfp: GFP flags
 * @node: NUMA_NO_NODE, or the node the object must come from
 * @caller: the caller's address, for the owner track
 * @size: kslab_kmalloc()'s size, or 0 (cpu_alloc_sized())
 *
 * A lean cache (@s->runs.lean: red zones and poison, no owner tracked)
 * checks inline and records nothing: a pop is a plain pop and the runs'
 * few words. Any other goes to cpu_alloc_checked_any(), by a tail call
 * (an owner track's stack is taken in its frame). An empty magazine,
 * another node, or an object found corrupt gives the CPU back to the
 * slow path, which pops, reports and quarantines.
 *
 * Context: as cpu_alloc(); gives the CPU back. Return: an object, or NULL.
 */
void *cpu_alloc_checked(struct kslab_cache *s, struct kslab_cpu *c, gfp_t gfp,
			int node, unsigned long caller, size_t size)
{
	if (KSLAB_KASAN || unlikely(!s->runs.lean))
		return cpu_alloc_checked_any(s, c, gfp, node, caller, size);
	return cpu_alloc_checked_as(s, c, gfp, node, caller, size, true);
}
EXPORT_SYMBOL_IF_KUNIT(cpu_alloc_checked);

/*
 * cpu_free_checked_as - cpu_free_checked()'s push, @lean a constant where
 * it is inlined: the object taken back inline (debug_runs_free()), and
 * when that finds anything wrong, or in a cache that is not lean, by the
 * whole check (debug_mag_free(), the owner track's stack taken in this
 * frame), which reports.
 */
static __always_inline void cpu_free_checked_as(struct kslab_cache *s,
						struct kslab_cpu *c,
						struct page *page, void *obj,
						unsigned long caller, bool wipe,
						bool lean)
{
	struct kslab_mag *mag = c->loaded;

	if (unlikely(!static_branch_likely(&kslab_hardened_key) ||
		     page_to_nid(page) != cpu_mem_node() ||
		     mag->count >= mag->size || mag_freed_last(mag, obj))) {
		cpu_release(c, 0);
		return cpu_free_slow(s, page, obj, caller);
	}
	if (!(lean && likely(debug_runs_free(s, obj))) &&
	    !(lean ? __debug_mag_free(s, page, obj, caller, NULL) :
		     debug_mag_free(s, page, obj, caller))) {
		cpu_release(c, 0);
		return;
	}
	if (unlikely(wipe))
		memset(obj, 0, s->object_size);
	mag->objs[mag->count++] = obj;
	cpu_release(c, 1);	/* counts the push (kslab_int.h) */
}

/* cpu_free_checked() of a cache that is not lean: its own frame. */
static noinline void cpu_free_checked_any(struct kslab_cache *s,
					  struct kslab_cpu *c,
					  struct page *page, void *obj,
					  unsigned long caller, bool wipe)
{
	cpu_free_checked_as(s, c, page, obj, caller, wipe, false);
}

/**
 * cpu_free_checked - the free fast path of a debug cache with red zones
 * (KSLAB_SLOW_CHECK): push to the loaded magazine, the object taken back,
 * checked and laid out free first
 * @s: the cache
 * @c: this CPU's part, owned by cpu_free_push()
 * @page: the head page of the slab holding @obj
 * @obj: the object, checked as cpu_free() checks (hardening), not wiped
 * @caller: the caller's address, for the owner track
 * @wipe: wipe @obj once the free is accepted (init_on_free)
 *
 * A lean cache takes the object back inline; any other goes to
 * cpu_free_checked_any() by a tail call. A full magazine, another node's
 * object, the object freed last, or no hardening (@obj not known to be
 * @s's) gives the CPU back to cpu_free_slow(). A free the checks refuse
 * (a double free on any CPU) is reported there and changes nothing.
 *
 * Context: as cpu_free(); gives the CPU back.
 */
void cpu_free_checked(struct kslab_cache *s, struct kslab_cpu *c,
		      struct page *page, void *obj, unsigned long caller,
		      bool wipe)
{
	if (KSLAB_KASAN || unlikely(!s->runs.lean))
		return cpu_free_checked_any(s, c, page, obj, caller, wipe);
	cpu_free_checked_as(s, c, page, obj, caller, wipe, true);
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
 * kslab_cache_alloc_lru - allocate an object that will go on a list_lru
 * @s: the cache
 * @lru: the list_lru the caller will add the object to (as
 *       alloc_inode_sb() does for an inode), or NULL
 * @gfp: GFP flags, as for kslab_cache_alloc()
 *
 * The kernel's kmem_cache_alloc_lru(). kslab charges objects to no memory
 * cgroup, so nothing is prepared in @lru: list_lru_add_obj() finds no
 * cgroup for the object and puts it on its node's root list.
 *
 * Context: as kslab_cache_alloc().
 * Return: an object, or NULL when memory is exhausted.
 */
void *kslab_cache_alloc_lru(struct kslab_cache *s, struct list_lru *lru,
			    gfp_t gfp)
{
	return cpu_alloc(s, gfp, NUMA_NO_NODE, _RET_IP_);
}
EXPORT_SYMBOL_GPL(kslab_cache_alloc_lru);

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

/**
 * cpu_free_traced - a free with kslab:kslab_free on: the event, then the
 * free as kslab_cache_free() does it
 * @s: the cache
 * @obj: the object, or NULL
 * @caller: the caller's address
 *
 * Out of line, so that the fast paths call nothing. Context: as cpu_free().
 */
noinline void cpu_free_traced(struct kslab_cache *s, void *obj,
			      unsigned long caller)
{
	trace_kslab_free(s->name, obj, caller);
	cpu_free_obj(s, obj, caller);
}

/**
 * cpu_free_any - kslab_cache_free() for a caller that found @s from the
 * object's page (kslab_kfree() of an object of a cache that is no kmalloc
 * class)
 * @s: the cache
 * @obj: the object
 * @caller: the caller's address
 *
 * Context: as kslab_cache_free().
 */
void cpu_free_any(struct kslab_cache *s, void *obj, unsigned long caller)
{
	if (trace_kslab_free_enabled())
		return cpu_free_traced(s, obj, caller);
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
		return cpu_free_traced(s, obj, _RET_IP_);
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
		node_free_objects(s, objs, fast + slow, _RET_IP_);
		stat_add(s, KSLAB_FREE_SLOWPATH, fast);
		stat(s, KSLAB_ALLOC_FAILED);
		return 0;
	}
	if (slow)
		stat_add(s, KSLAB_ALLOC_SLOWPATH, slow);
	if (unlikely((gfp & __GFP_ZERO) && s->ctor))
		cpu_alloc_zero_ctor(s);
	/* each test once for the whole call, not once per object */
	if (cpu_alloc_zero_only(s) && !cache_debug(s)) {
		for (i = 0; i < nr; i++)
			memset(objs[i], 0, s->object_size);
	} else if (unlikely(KSLAB_KASAN || cache_debug(s) ||
		     cache_want_init_on_alloc(s, gfp) ||
		     cache_want_init_on_free(s) || trace_kslab_alloc_enabled())) {
		for (i = 0; i < nr; i++) {
			if (cache_debug(s))
				debug_on_alloc(s, objs[i], _RET_IP_);
			kslab_kasan_alloc(s, objs[i]);
			cpu_alloc_init(s, objs[i], gfp);
			trace_kslab_alloc(s->name, objs[i], _RET_IP_, gfp,
					  NUMA_NO_NODE);
		}
	}
	return nr;
}
EXPORT_SYMBOL_GPL(kslab_cache_alloc_bulk);

/*
 * free_bulk_run - the bulk free's common case, in a loop of its own: push
 * @objs[@i], @objs[@i + 1], ... onto @mag while each lies in @run's block
 * (a slab of this node), is an object boundary there (hardening), is not
 * @last (the object pushed before it: a naive double free) and @mag has
 * room. A store to the magazine may alias anything to the compiler
 * (-fno-strict-aliasing), so every figure the loop needs is read before
 * it and kept in a register. Owner held.
 * Return: the index of the first object not pushed, for the caller's loop
 * to take through every check.
 */
static __always_inline size_t free_bulk_run(const struct kslab_cache *s,
					    struct kslab_mag *mag,
					    const struct slab_run *run,
					    void **objs, size_t i, size_t nr,
					    void *last)
{
	const unsigned long mask = s->slab_mask, block = run->block;
	const u64 pad = s->red_left_pad, mul = s->index_mul;
	const unsigned int shift = s->index_shift;
	const unsigned int objects = page_meta(run->page)->objects;
	unsigned int count = mag->count, size = mag->size;
	void **slots = mag->objs;
	void *obj;

	for (; i < nr && count < size; i++) {
		obj = objs[i];
		if (((unsigned long)obj & ~mask) != block || obj == last)
			break;
		if (static_branch_likely(&kslab_hardened_key) &&
		    slab_offset_quotient((unsigned long)obj & mask, pad, mul,
					 shift) >= objects)
			break;
		slots[count++] = obj;
		last = obj;
	}
	mag->count = count;
	return i;
}

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
	struct slab_run run = { };
	unsigned int slow = 0;
	struct page *page;
	int looked;
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
		for (i = 0; i < nr; i++)	/* cpu_free() tells KASAN */
			cpu_free_obj(s, objs[i], _RET_IP_);
		return;
	}
	/* KASAN: poisoned first; a refused one is skipped (set NULL, as SLUB's) */
	if (KSLAB_KASAN)
		for (i = 0; i < nr; i++)
			if (objs[i] && virt_addr_valid(objs[i]) &&
			    !kslab_kasan_free_obj(s, objs[i]))
				objs[i] = NULL;
	nid = cpu_mem_node();
	mark = cpu_stat_mark(c);
	for (i = 0; i < nr; i++) {
		obj = objs[i];
		if (unlikely(!obj))
			continue;
		/* a run of objects of one slab: its page is looked at once */
		looked = slab_run_next(s, &run, obj, false);
		if (unlikely(looked < 0)) {
			report_bad_free(s, NULL, obj, "pointer is not an object of this cache");
			continue;
		}
		page = run.page;
		if (looked)
			local = page_to_nid(page) == nid;
		/* a bad pointer, or one of a fallback slab: checked (and wiped) there */
		if (static_branch_likely(&kslab_hardened_key) &&
		    unlikely(slab_index_fast(s, page_meta(page), obj) ==
			     KSLAB_BAD_INDEX)) {
			slow += node_free_one(s, page, obj, _RET_IP_, init);
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
			cpu_push_remote(s, c, obj, page_to_nid(page));
			continue;
		}
		if (unlikely(mag_freed_last(mag, obj))) {
			report_double_free(s, obj);
			continue;
		}
		if (mag->count >= mag->size) {
			if (!cpu_make_room_bulk(s, c)) {
				slow += node_free_one(s, page, obj, _RET_IP_, init);
				continue;
			}
			mag = c->loaded;
		}
		if (unlikely(init))
			memset(obj, 0, s->object_size);
		mag->objs[mag->count++] = obj;
		/* the objects after it in its slab's block, in one loop */
		if (!init && run.block)
			i = free_bulk_run(s, mag, &run, objs, i + 1, nr, obj) - 1;
	}
	if (slow)
		stat_add(s, KSLAB_FREE_SLOWPATH, slow);
	cpu_release(c, mark - cpu_stat_mark(c));
}
EXPORT_SYMBOL_GPL(kslab_cache_free_bulk);
