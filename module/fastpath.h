/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastpath.h - kslab's fast paths, inline in the exported calls of core.c
 * and kmalloc.c: pop or push this CPU's loaded magazine and nothing else;
 * every other case is a tail call, so a fast path saves no register.
 * Everything else (swaps, the depot, slabs, debug caches, other nodes)
 * is cpu_alloc_slow() and cpu_free_slow() in core.c, but for a debug
 * cache with red zones, whose pops and pushes go to cpu_alloc_checked()
 * and cpu_free_checked() there with the CPU owned.
 */
#ifndef _KSLAB_FASTPATH_H
#define _KSLAB_FASTPATH_H

#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/string.h>
#include <linux/topology.h>

#include "kslab_int.h"
#include "kasan.h"
#include "trace.h"

/*
 * Owning this CPU's part of a cache: two pairs, nothing else.
 *
 * cpu_own() and cpu_release(), the counted fast path. Ownership is
 * preemption off plus a per-CPU busy mark, as local_trylock() of newer
 * kernels: no interrupt is disabled and nothing atomic is done. The mark
 * is @seq being odd. An interrupt that arrives while it is odd takes the
 * slow path straight to the node's slabs and leaves @seq alone, so the
 * owner's magazines never change under it. An interrupt between the test
 * and the set runs to completion before the owner goes on, so it leaves a
 * consistent state (if it popped or pushed, the owner's set may lose that
 * one count: the statistics, not the live count, see stat.c). On
 * PREEMPT_RT, migration off and the per-CPU lock instead (compat.h): a
 * task that preempts the owner fails the trylock as an interrupt fails
 * the mark. cpu_release() gives the CPU back counting the pops or pushes
 * done meanwhile (kslab_int.h): 1 for a fast path, 0 for one that gave
 * up, a bulk call's number.
 *
 * cpu_get() and cpu_put(), the bracketed slow paths: they may change the
 * loaded magazine in any way in between, and cpu_stat_begin() and
 * cpu_stat_end() keep the fast-path counters right.
 *
 * Both refuse the CPU when the cache has a slow-path reason (s->slowpath,
 * read with the CPU owned, once cache_sync_slowpath_key() has turned the
 * static key on). What each reason asks of the magazines:
 *   DEFRAG  none used once it is set: defragmentation flushes every CPU
 *           next (cpu_flush_all()), which waits for each owner, so none
 *           is used once the flush is done (a task preempted before
 *           owning reads the reason after it).
 *   DEAD    set by kslab_cache_destroy() after its last flush, when no
 *           call but frees of the cache's live objects may come.
 *   FAIL    no flush (kslab_cache_set_fail()): an owner that read no
 *           reason finishes its pop or push; what the magazines hold then
 *           stays there, unused, until a flush (kslab_cache_shrink(), the
 *           shrinker) or the fault injection's end.
 *   DEBUG   set at creation, before the cache has an object.
 *   CHECK   set at creation too; cpu_own_fast() and cpu_get() take the
 *           CPU all the same: a debug cache with red zones uses its
 *           magazines in cpu_alloc_checked(), cpu_free_checked() and the
 *           slow paths, which check each object (core.c, debug.c); the
 *           bulk calls' cpu_own() refuses it.
 *   VALIDATE  cpu_get() refuses it too; kslab_cache_validate() waits
 *           with synchronize_rcu() for owners that read no reason (an
 *           owner is inside an RCU read-side section on every preemption
 *           model: preemption off, or on PREEMPT_RT a spinlock_t held).
 */
static __always_inline void cpu_release(struct kslab_cpu *c, unsigned long nr)
{
	barrier();
	c->seq += 2 * nr - 1;	/* back to even, two a pop or push */
	kslab_cpu_unlock(&c->lock);
	kslab_cpu_unpin();
}

/* What __cpu_own() found. */
enum cpu_owned {
	CPU_REFUSED,	/* owned already, or a slow-path reason: not owned */
	CPU_OWNED,	/* owned */
	CPU_CHECKED,	/* owned, the cache's one reason being @keep's */
};

/*
 * __cpu_own - own this CPU's part of @s, *@cp set: CPU_OWNED; or not:
 * CPU_REFUSED, when it is owned already or the cache has a slow-path
 * reason not in @allow (the fast paths test no pointer then); or
 * CPU_CHECKED, owned all the same, when that reason is exactly @keep.
 * The reason is tested only once some cache has one (the static key), and
 * each outcome is a constant on its own path: inlined, the callers' tests
 * of it cost nothing on the common one.
 */
static __always_inline enum cpu_owned __cpu_own(struct kslab_cache *s,
						struct kslab_cpu **cp,
						unsigned int allow,
						unsigned int keep)
{
	struct kslab_cpu *c;
	unsigned int why;

	kslab_cpu_pin();
	c = this_cpu_ptr(s->cpu);
	if (unlikely(!kslab_cpu_trylock(&c->lock)))
		goto busy;
	if (unlikely(READ_ONCE(c->seq) & 1)) {
		kslab_cpu_unlock(&c->lock);
		goto busy;
	}
	c->seq++;
	barrier();
	if (static_branch_unlikely(&kslab_slowpath_used)) {
		why = READ_ONCE(s->slowpath) & ~allow;
		if (unlikely(why)) {
			if (keep && why == keep) {
				*cp = c;
				return CPU_CHECKED;
			}
			cpu_release(c, 0);
			return CPU_REFUSED;
		}
	}
	*cp = c;
	return CPU_OWNED;
busy:
	kslab_cpu_unpin();
	return CPU_REFUSED;
}

/* __cpu_own() for the bulk calls: no reason allowed. */
static __always_inline bool cpu_own(struct kslab_cache *s,
				    struct kslab_cpu **cp)
{
	return __cpu_own(s, cp, 0, 0) == CPU_OWNED;
}

/*
 * __cpu_own() for the fast paths: no reason allowed, but a debug cache
 * with red zones (KSLAB_SLOW_CHECK alone) is owned all the same, as
 * CPU_CHECKED: its pops and pushes check each object (cpu_alloc_checked(),
 * cpu_free_checked()).
 */
static __always_inline enum cpu_owned cpu_own_fast(struct kslab_cache *s,
						   struct kslab_cpu **cp)
{
	return __cpu_own(s, cp, 0, KSLAB_SLOW_CHECK);
}

/*
 * cpu_own() for the slow paths: the part, or NULL, bracketed; a debug
 * cache with red zones (KSLAB_SLOW_CHECK) gets it, and checks each object
 * it pops or pushes, as its fast paths do.
 */
static __always_inline struct kslab_cpu *cpu_get(struct kslab_cache *s)
{
	struct kslab_cpu *c;

	if (__cpu_own(s, &c, KSLAB_SLOW_CHECK, 0) != CPU_OWNED)
		return NULL;
	cpu_stat_begin(c);
	return c;
}

static __always_inline void cpu_put(struct kslab_cpu *c)
{
	cpu_stat_end(c);
	cpu_release(c, 0);
}

/*
 * The naive double free: @obj is the object this CPU freed last, on top of
 * the loaded magazine (this node's objects) or of the remote buffer
 * (other nodes'). Owner held.
 */
static __always_inline bool mag_freed_last(const struct kslab_mag *mag,
					   const void *obj)
{
	return mag->count && mag->objs[mag->count - 1] == obj;
}

static __always_inline bool cpu_remote_freed_last(const struct kslab_cpu *c,
						  const void *obj)
{
	return c->nr_remote && c->remote[c->nr_remote - 1] == obj;
}

/*
 * Can @obj, of node @nid, join the remote buffer as it is: room left, the
 * batch (if any) @nid's, and @obj not the object batched last? Owner held.
 */
static __always_inline bool cpu_remote_room(const struct kslab_cpu *c,
					    const void *obj, int nid)
{
	unsigned int nr = c->nr_remote;

	return !nr || (nr < KSLAB_REMOTE_BATCH && c->remote_nid == nid &&
		       c->remote[nr - 1] != obj);
}

/* core.c: the slow paths and the fast paths' out-of-line tails. */
void *cpu_alloc_slow_kmalloc(struct kslab_cache *s, gfp_t gfp, int node,
			     unsigned long caller, size_t size);
void *cpu_alloc_slow(struct kslab_cache *s, gfp_t gfp, int node,
		     unsigned long caller);
void *cpu_alloc_finish_any(struct kslab_cache *s, void *obj, gfp_t gfp,
			   int node, unsigned long caller);
void cpu_free_slow(struct kslab_cache *s, struct page *page, void *obj,
		   unsigned long caller);
void *cpu_alloc_checked(struct kslab_cache *s, struct kslab_cpu *c, gfp_t gfp,
			int node, unsigned long caller, size_t size);
void cpu_free_checked(struct kslab_cache *s, struct kslab_cpu *c,
		      struct page *page, void *obj, unsigned long caller,
		      bool wipe);
void cpu_free_remote(struct kslab_cache *s, struct kslab_cpu *c,
		     struct page *page, void *obj);
void cpu_free_wipe(struct kslab_cache *s, struct page *page, void *obj,
		   unsigned long caller);
void cpu_free_traced(struct kslab_cache *s, void *obj, unsigned long caller);
void cpu_free_any(struct kslab_cache *s, void *obj, unsigned long caller);

/*
 * The kernel's cache_want_init_on_alloc(), for a kslab cache, but never for
 * a cache with a constructor: __GFP_ZERO would wipe the state it built,
 * which kslab never builds again (SLUB zeroes it when init_on_alloc is
 * off and warns). cpu_alloc_finish() reports that __GFP_ZERO instead.
 */
static __always_inline bool cache_want_init_on_alloc(struct kslab_cache *s,
						     gfp_t gfp)
{
	if (static_branch_maybe(CONFIG_INIT_ON_ALLOC_DEFAULT_ON, &init_on_alloc)) {
		if (s->ctor)
			return false;
		if (s->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON))
			return gfp & __GFP_ZERO;
		return true;
	}
	return (gfp & __GFP_ZERO) && !s->ctor;
}

/*
 * Is @s kept out of init_on_alloc's and init_on_free's zeroing (as SLUB's
 * slab_want_init_on_*()): a constructor's state, a type-safe object a
 * reader may still look at, or poison?
 */
static __always_inline bool cache_init_exempt(struct kslab_cache *s)
{
	return s->ctor || (s->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON));
}

/* The kernel's cache_want_init_on_free(), for a kslab cache. */
static __always_inline bool cache_want_init_on_free(struct kslab_cache *s)
{
	if (static_branch_maybe(CONFIG_INIT_ON_FREE_DEFAULT_ON, &init_on_free))
		return !cache_init_exempt(s);
	return false;
}

/*
 * cpu_alloc_init - what every object gets on its way out: zeroing when
 * asked for (or init_on_alloc), and, under init_on_free, the free pointer
 * wiped that the slab layer may have left in it.
 */
static __always_inline void *cpu_alloc_init(struct kslab_cache *s, void *obj,
					    gfp_t gfp)
{
	if (unlikely(cache_want_init_on_alloc(s, gfp)))
		memset(obj, 0, s->object_size);
	else if (unlikely(cache_want_init_on_free(s)) && s->offset < s->object_size)
		*(unsigned long *)(obj + s->offset) = 0;
	return obj;
}

/*
 * Is an object popped by the fast path ready as it is? Not when it must
 * be zeroed or wiped, or __GFP_ZERO is to be checked (a constructor), or
 * the tracepoint is on, or KASAN is to be told: cpu_alloc_finish() then.
 */
static __always_inline bool cpu_alloc_plain(struct kslab_cache *s, gfp_t gfp)
{
	return !KSLAB_KASAN && !(gfp & __GFP_ZERO) && !cache_want_init_on_alloc(s, gfp) &&
	       !cache_want_init_on_free(s) && !trace_kslab_alloc_enabled();
}

/*
 * Is init_on_alloc's zeroing all that a (non-debug) cache's object needs
 * on its way out, whatever @gfp? cache_want_init_on_alloc()'s first
 * branch, without __GFP_ZERO, so that the plain fast path keeps no copy
 * of it; and no KASAN and no tracepoint to tell.
 */
static __always_inline bool cpu_alloc_zero_only(struct kslab_cache *s)
{
	return static_branch_maybe(CONFIG_INIT_ON_ALLOC_DEFAULT_ON, &init_on_alloc) &&
	       !KSLAB_KASAN && !trace_kslab_alloc_enabled() &&
	       !cache_init_exempt(s);
}

/**
 * cpu_alloc_finish - what an object gets on its way out when
 * cpu_alloc_plain() is not true: the fast path's tail, and the slow path's
 * @s: the cache
 * @obj: the object
 * @gfp: GFP flags
 * @node: the node asked for, for the tracepoint
 * @caller: the caller's address, for the tracepoint
 *
 * init_on_alloc's zeroing (on by default in distribution kernels: every
 * allocation) is one tail call to memset(); the rest, __GFP_ZERO without
 * init_on_alloc included, is cpu_alloc_finish_any()'s.
 *
 * Context: as cpu_alloc(). Return: @obj.
 */
static __always_inline void *cpu_alloc_finish(struct kslab_cache *s,
					      void *obj, gfp_t gfp, int node,
					      unsigned long caller)
{
	if (cpu_alloc_zero_only(s))
		return memset(obj, 0, s->object_size);
	return cpu_alloc_finish_any(s, obj, gfp, node, caller);
}

/**
 * cpu_alloc_sized - the allocation fast path: pop this CPU's loaded magazine
 * @s: the cache
 * @gfp: GFP flags
 * @node: NUMA_NO_NODE, or the node the object must come from
 * @caller: the caller's address, for debug tracking
 * @size: kslab_kmalloc()'s size, for a debug cache's red zone (only the
 *	  slow path, where debug caches go, looks at it); 0 for cpu_alloc()
 *
 * Everything else is a tail call (cpu_alloc_slow(), memset(), cpu_alloc_finish_any(),
 * cpu_alloc_checked()): the fast path calls nothing, so it saves no
 * register.
 *
 * Context: as kslab_cache_alloc().
 * Return: an object, or NULL.
 */
static __always_inline void *cpu_alloc_sized(struct kslab_cache *s, gfp_t gfp,
					     int node, unsigned long caller,
					     size_t size)
{
	enum cpu_owned owned;
	struct kslab_cpu *c;
	struct kslab_mag *mag;
	void *obj;

	owned = cpu_own_fast(s, &c);
	if (unlikely(owned != CPU_OWNED)) {
		if (owned == CPU_REFUSED)
			goto slow;
		return cpu_alloc_checked(s, c, gfp, node, caller, size);
	}
	mag = c->loaded;
	if (unlikely(!mag->count ||
		     (node != NUMA_NO_NODE && node != cpu_mem_node()))) {
		cpu_release(c, 0);
		goto slow;
	}
	obj = mag->objs[--mag->count];
	cpu_release(c, 1);	/* counts the pop (kslab_int.h) */
	if (unlikely(!cpu_alloc_plain(s, gfp)))
		return cpu_alloc_finish(s, obj, gfp, node, caller);
	return obj;
slow:
	if (size)
		return cpu_alloc_slow_kmalloc(s, gfp, node, caller, size);
	return cpu_alloc_slow(s, gfp, node, caller);
}

/* cpu_alloc_sized() for all of an object (kslab_cache_alloc()). */
static __always_inline void *cpu_alloc(struct kslab_cache *s, gfp_t gfp,
				       int node, unsigned long caller)
{
	return cpu_alloc_sized(s, gfp, node, caller, 0);
}

/*
 * cpu_free_push - the free fast path once @obj is known to be an object
 * of @s: push it to this CPU's loaded magazine, wiped first if @wipe
 * (init_on_free), or tail-call the slow path; another node's object goes
 * to the remote buffer, or, when it has no room for it (full, another
 * node's batch, the object batched last), to cpu_free_remote() with the
 * CPU still owned. The wipe comes after
 * the naive double free check, and the slow path and cpu_free_remote()
 * wipe after theirs: a free that is refused never writes the object (it
 * may be on its slab's free list, its free pointer in it).
 * Context: as cpu_free().
 */
static __always_inline void cpu_free_push(struct kslab_cache *s,
					  struct page *page, void *obj,
					  unsigned long caller, bool wipe)
{
	enum cpu_owned owned;
	struct kslab_cpu *c;
	struct kslab_mag *mag;
	int nid;

	owned = cpu_own_fast(s, &c);
	if (unlikely(owned != CPU_OWNED)) {
		if (owned == CPU_REFUSED)
			goto slow;
		return cpu_free_checked(s, c, page, obj, caller, wipe);
	}
	nid = page_to_nid(page);
	if (unlikely(nid != cpu_mem_node())) {
		if (unlikely(!cpu_remote_room(c, obj, nid)))
			return cpu_free_remote(s, c, page, obj);
		if (wipe)
			memset(obj, 0, s->object_size);
		c->remote_nid = nid;
		c->remote[c->nr_remote++] = obj;
		cpu_release(c, 0);	/* counted when it goes home */
		return;
	}
	mag = c->loaded;
	if (unlikely(mag->count >= mag->size || mag_freed_last(mag, obj))) {
		cpu_release(c, 0);
		goto slow;
	}
	if (wipe)
		memset(obj, 0, s->object_size);
	mag->objs[mag->count++] = obj;
	cpu_release(c, 1);	/* counts the push (kslab_int.h) */
	return;
slow:
	cpu_free_slow(s, page, obj, caller);
}

/**
 * cpu_free - the free fast path: push to this CPU's loaded magazine
 * @s: the cache
 * @page: the head page of the slab holding @obj
 * @obj: the object
 * @caller: the caller's address, for debug tracking
 *
 * With freelist hardening the slab must belong to @s and @obj must be the
 * start of one of its objects; freeing the object on top of the magazine
 * (the naive double free) is caught too: all without any debug flag.
 * Objects to wipe (init_on_free) take cpu_free_wipe(), out of line; the
 * ones sent to cpu_free_slow() (a pointer to check again, an object of a
 * fallback slab) are wiped there, once its checks have passed. On a KASAN
 * kernel the object is poisoned first, or the free refused (kasan.h).
 *
 * Context: as kslab_cache_free().
 */
static __always_inline void cpu_free(struct kslab_cache *s, struct page *page,
				     void *obj, unsigned long caller)
{
	if (!kslab_kasan_free(s, page, obj))
		return;
	if (static_branch_likely(&kslab_hardened_key) &&
	    unlikely(page_cache(page) != s ||
		     slab_index_fast(s, page_meta(page), obj) == KSLAB_BAD_INDEX))
		return cpu_free_slow(s, page, obj, caller);
	if (unlikely(cache_want_init_on_free(s)))
		return cpu_free_wipe(s, page, obj, caller);
	cpu_free_push(s, page, obj, caller, false);
}

#endif /* _KSLAB_FASTPATH_H */
