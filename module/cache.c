// SPDX-License-Identifier: GPL-2.0
/*
 * cache.c - the life of a kslab cache, as mm/slab_common.c is SLUB's:
 * checking what a creator asks for, laying out its objects, creating,
 * shrinking, validating and destroying caches, the cache list and the
 * caches destroyed with live objects, and each cache's reasons to take
 * the slow path only. It prints only to explain a refused creation or a
 * cache left at unload; problems in caches go through report.c.
 */
#define pr_fmt(fmt) "kslab: " fmt

#include <linux/cpu.h>
#include <linux/ctype.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/stackdepot.h>
#include <linux/workqueue.h>

#include "kslab_int.h"
#include "kasan.h"
#include "debug.h"
#include "fastpath.h"
#include "report.h"

/* kslab_mutex: the cache list, creation and destruction (lock order 2) */
DEFINE_MUTEX(kslab_mutex);
LIST_HEAD(kslab_caches);		/* kslab_mutex */
static LIST_HEAD(kslab_zombies);	/* kslab_mutex: destroyed, objects live */
/* Caches on kslab_zombies (kslab_mutex; READ_ONCE): for kslab's tests. */
unsigned int cache_nr_zombies;
EXPORT_SYMBOL_IF_KUNIT(cache_nr_zombies);
/* The flags kslab_cache_create() accepts. */
#define KSLAB_CREATE_FLAGS (SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_NO_MERGE | \
			    SLAB_RECLAIM_ACCOUNT | SLAB_TYPESAFE_BY_RCU | \
			    SLAB_ACCOUNT | SLAB_MEM_SPREAD | \
			    SLAB_KMALLOC | KSLAB_DEBUG_FLAGS)

/* The largest object any slab order kslab uses can hold. */
#define KSLAB_MAX_SIZE	(PAGE_SIZE << KSLAB_MAX_ORDER)

/* Why a creation request is refused, or NULL when it is fine. */
static const char *cache_check_args(const char *name, unsigned int size,
				    unsigned int align, slab_flags_t flags)
{
	const char *p;

	if (!name || !*name)
		return "no name";
	for (p = name; *p; p++)
		if (isspace(*p) || !isprint(*p) || *p == '/')
			return "name has a space, a '/' or an unprintable character";
	if (!size)
		return "size is 0";
	if (size > KSLAB_MAX_SIZE)
		return "size is larger than the largest slab";
	if (align & (align - 1))
		return "align is not a power of two";
	if (align > KSLAB_MAX_SIZE)
		return "align is larger than the largest slab";
	if (flags & ~KSLAB_CREATE_FLAGS)
		return "unsupported flags";
	return NULL;
}

static struct kslab_cache *cache_find(const char *name)
{
	struct kslab_cache *s;

	lockdep_assert_held(&kslab_mutex);
	list_for_each_entry(s, &kslab_caches, list)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

/* SLUB's calculate_alignment(). */
static unsigned int cache_alignment(slab_flags_t flags, unsigned int align,
				    unsigned int size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = cache_line_size();

		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	align = max_t(unsigned int, align, ARCH_SLAB_MINALIGN);
	return ALIGN(align, sizeof(void *));
}

/* Magazine capacity by object stride: SLUB's cpu_partial steps, rounded. */
static unsigned int cache_mag_size(unsigned int size)
{
	if (size >= PAGE_SIZE)
		return 8;
	if (size >= 1024)
		return 32;
	if (size >= 256)
		return 64;
	return 128;
}

/*
 * cache_layout - where everything goes in an object slot (see the layout
 * at the top of kslab_int.h), the slab order and the object index constants.
 * Return: 0, or -E2BIG when no supported slab order holds one object.
 */
static int cache_layout(struct kslab_cache *s, unsigned int align)
{
	slab_flags_t flags = s->flags;
	unsigned int size = ALIGN(s->object_size, sizeof(void *));
	int order;

	s->align = cache_alignment(flags, align, s->object_size);
	/* a right red zone of at least a word */
	if ((flags & SLAB_RED_ZONE) && size == s->object_size)
		size += sizeof(void *);
	s->inuse = size;
	s->poison = (flags & SLAB_POISON) && !s->ctor &&
		    !(flags & SLAB_TYPESAFE_BY_RCU);
	if (s->ctor || (flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON)) ||
	    ((flags & SLAB_RED_ZONE) && s->object_size < sizeof(void *))) {
		s->offset = size;
		size += sizeof(void *);
	} else {
		s->offset = ALIGN_DOWN(s->object_size / 2, sizeof(void *));
	}
	if (flags & SLAB_STORE_USER) {
		s->track_offset = size;
		size += 2 * sizeof(struct kslab_track);
	}
	/* the size kslab_kmalloc() was asked for (debug.c) */
	if ((flags & SLAB_KMALLOC) && (flags & SLAB_RED_ZONE))
		size += sizeof(void *);
	if (flags & SLAB_RED_ZONE) {
		/* a word of padding catches writes before the next slot */
		size += sizeof(void *);
		s->red_left_pad = ALIGN(sizeof(void *), s->align);
		size += s->red_left_pad;
	}
	/*
	 * on a KASAN kernel, KASAN's red zone ends the slot, as far as the
	 * largest slab allows (SLUB caps it at KMALLOC_MAX_SIZE)
	 */
	size = max_t(unsigned int, size,
		     min_t(unsigned long, KSLAB_MAX_SIZE,
			   s->object_size + kslab_kasan_redzone(s->object_size)));
	size = ALIGN(size, s->align);
	if (size > KSLAB_MAX_SIZE)
		return -E2BIG;
	s->size = size;

	order = slab_calculate_order(size);
	if (order < 0)
		return order;
	s->order = order;
	s->slab_mask = (PAGE_SIZE << order) - 1;
	s->objects = min_t(unsigned int, (PAGE_SIZE << order) / size,
			   KSLAB_MAX_OBJS);
	s->min_order = get_order(size);
	s->min_objects = min_t(unsigned int, (PAGE_SIZE << s->min_order) / size,
			       KSLAB_MAX_OBJS);

	/* size = odd << shift; index_mul = odd^-1 mod 2^64 (Newton) */
	s->index_shift = __ffs(size);
	s->index_mul = size >> s->index_shift;
	for (order = 0; order < 5; order++)
		s->index_mul *= 2 - (size >> s->index_shift) * s->index_mul;

	s->allocflags = __GFP_COMP;
	if (s->flags & SLAB_RECLAIM_ACCOUNT)
		s->allocflags |= __GFP_RECLAIMABLE;
	s->words = debug_layout_words(s);
	s->runs = debug_layout_runs(s);
	return 0;
}

/*
 * At unload, the slabs a destroyed cache kept only for quarantined objects
 * (cut off corrupt free lists; no one holds them legitimately) go back.
 */
static void cache_release_quarantine(struct kslab_cache *s)
{
	struct kslab_node *n;
	struct page *page, *tmp;
	int nid;

	for_each_node(nid) {
		n = s->node[nid];
		list_for_each_entry_safe(page, tmp, &n->partial, lru)
			slab_discard(s, page);
		list_for_each_entry_safe(page, tmp, &n->full, lru)
			slab_discard(s, page);
		INIT_LIST_HEAD(&n->partial);
		INIT_LIST_HEAD(&n->full);
	}
}

static void cache_free(struct kslab_cache *s)
{
	int nid;

	for_each_node(nid)
		kfree(s->node[nid]);
	fail_release(s);
	free_percpu(s->cpu);
	kfree(s->random_seq);
	kfree(s->name);
	kfree(s);
}

static int cache_init_nodes(struct kslab_cache *s)
{
	struct kslab_node *n;
	int nid;

	for_each_node(nid) {
		n = kzalloc_node(sizeof(*n), GFP_KERNEL,
				 node_state(nid, N_MEMORY) ? nid : NUMA_NO_NODE);
		if (!n)
			return -ENOMEM;
		spin_lock_init(&n->depot_lock);
		spin_lock_init(&n->list_lock);
		INIT_LIST_HEAD(&n->partial);
		INIT_LIST_HEAD(&n->full);
		INIT_LIST_HEAD(&n->empty);
		INIT_LIST_HEAD(&n->isolated);
		s->node[nid] = n;
	}
	return 0;
}

static struct kslab_cache *cache_new(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *), const char **why)
{
	struct kslab_cache *s;
	int cpu;

	s = kzalloc(struct_size(s, node, nr_node_ids), GFP_KERNEL);
	if (!s)
		goto nomem;
	s->object_size = size;
	s->flags = flags;
	s->ctor = ctor;
	if (cache_layout(s, align)) {
		*why = "size is larger than the largest slab";
		kfree(s);
		return NULL;
	}
	s->name = kstrdup(name, GFP_KERNEL);
	s->cpu = alloc_percpu(struct kslab_cpu);
	if (!s->name || !s->cpu || cache_init_nodes(s))
		goto fail;
	if (kslab_freelist_random && slab_init_random_seq(s))
		goto fail;
	for_each_possible_cpu(cpu) {
		struct kslab_cpu *c = per_cpu_ptr(s->cpu, cpu);

		kslab_cpu_lock_init(&c->lock);
		c->loaded = &mag_empty;
		c->previous = &mag_empty;
	}
	if (kslab_freelist_hardened)
		s->random = get_random_long() | 1;
	s->min_partial = clamp(ilog2(s->size) / 2, 5, 10);
	s->empty_max = KSLAB_EMPTY_KEEP >> (PAGE_SHIFT + s->order);
	s->mag_size = cache_mag_size(s->size);
	/* full magazines a depot may keep: about 2 MiB of objects, 8 to 128 */
	s->depot_max = clamp_t(unsigned long, SZ_2M / (s->mag_size * s->size), 8, 128);
	defrag_init_cache(s);
	atomic_long_set(&s->errors, 0);
	return s;
fail:
	cache_free(s);
nomem:
	*why = "out of memory";
	return NULL;
}

/* A refused creation: logged, or a panic with SLAB_PANIC. Return: NULL. */
static struct kslab_cache *cache_refuse(const char *name, slab_flags_t flags,
					const char *why)
{
	if (flags & SLAB_PANIC)
		panic("kslab: %s: cannot create cache: %s\n",
		      name ? name : "(null)", why);
	pr_warn("%s: cannot create cache: %s\n", name ? name : "(null)", why);
	return NULL;
}

/**
 * kslab_cache_create - create a cache of objects of one size
 * @name: the cache's name in /proc/kslabinfo: unique among live caches,
 *        no spaces; kslab keeps its own copy
 * @size: object size in bytes, 1 to the largest slab (4 MiB with 4 KiB
 *        pages)
 * @align: alignment of each object: 0 or a power of two
 * @flags: SLAB_HWCACHE_ALIGN, SLAB_PANIC, SLAB_NO_MERGE (kslab never
 *         merges caches anyway), SLAB_RECLAIM_ACCOUNT, SLAB_TYPESAFE_BY_RCU,
 *         SLAB_ACCOUNT and SLAB_MEM_SPREAD (accepted, no effect: kslab.h),
 *         SLAB_KMALLOC (kslab_kmalloc()'s caches: with SLAB_RED_ZONE
 *         they keep the size each kslab_kmalloc() asked for and red-zone
 *         the rest of the object; kslab_cache_alloc() objects are whole),
 *         and the debug flags SLAB_CONSISTENCY_CHECKS,
 *         SLAB_RED_ZONE, SLAB_POISON, SLAB_STORE_USER, SLAB_TRACE
 * @ctor: called once on each object when its slab is created, never on
 *        reuse: a freed object keeps its constructed state; or NULL
 *
 * A refused request changes nothing and logs one line naming the cache and
 * the reason; with SLAB_PANIC it panics with that line instead.
 *
 * Context: process context; may sleep.
 * Return: the cache, or NULL.
 */
struct kslab_cache *kslab_cache_create(const char *name, unsigned int size,
				       unsigned int align, slab_flags_t flags,
				       void (*ctor)(void *))
{
	struct kslab_cache *s = NULL;
	const char *why;

	why = cache_check_args(name, size, align, flags);
	if (why)
		goto refuse;
	flags |= debug_flags_for(name);
	if ((flags & SLAB_STORE_USER) && stack_depot_init()) {
		why = "out of memory for the stack depot";
		goto refuse;
	}
	cpus_read_lock();
	mutex_lock(&kslab_mutex);
	if (cache_find(name)) {
		why = "a cache of that name exists";
	} else {
		s = cache_new(name, size, align, flags, ctor, &why);
		if (s) {
			list_add_tail(&s->list, &kslab_caches);
			if (cache_debug(s))
				cache_set_slowpath(s, debug_mag_ok(s) ?
						   KSLAB_SLOW_CHECK : KSLAB_SLOW_DEBUG,
						   true);
		}
	}
	mutex_unlock(&kslab_mutex);
	cpus_read_unlock();
	if (s) {
		cache_sync_slowpath_key();
		if (!sysfs_cache_add(s)) {
			debugfs_cache_add(s);
			return s;
		}
		kslab_cache_destroy(s);
		why = "cannot create its sysfs directory";
	}
refuse:
	return cache_refuse(name, flags, why);
}
EXPORT_SYMBOL_GPL(kslab_cache_create);

/**
 * kslab_cache_create_args - create a cache, the kernel's 6.12 form
 * @name: as kslab_cache_create()
 * @size: as kslab_cache_create()
 * @args: alignment, usercopy region and constructor, or NULL for none
 * @flags: as kslab_cache_create()
 *
 * The usercopy region must lie inside the object; it is not enforced
 * (kslab.h says why).
 *
 * Context: process context; may sleep.
 * Return: the cache, or NULL.
 */
struct kslab_cache *kslab_cache_create_args(const char *name,
					    unsigned int size,
					    const struct kslab_cache_args *args,
					    slab_flags_t flags)
{
	static const struct kslab_cache_args none;

	if (!args)
		args = &none;
	if (args->usersize && (args->useroffset > size ||
			       args->usersize > size - args->useroffset))
		return cache_refuse(name, flags,
				    "usercopy region outside the object");
	return kslab_cache_create(name, size, args->align, flags, args->ctor);
}
EXPORT_SYMBOL_GPL(kslab_cache_create_args);

/**
 * cache_reclaim - give back every page a cache holds and does not need
 * @s: the cache
 * @flush_cpus: flush every CPU's magazines too (needs cpus_read_lock())
 *
 * Flushes magazines (when asked) and the depots into the slabs, then
 * frees every empty slab.
 *
 * Context: process context, no kslab lock but kslab_mutex held.
 * Return: the pages given back.
 */
unsigned long cache_reclaim(struct kslab_cache *s, bool flush_cpus)
{
	unsigned long before = cache_pages(s), after;

	lockdep_assert_held(&kslab_mutex);
	if (flush_cpus)
		cpu_flush_all(s);
	depot_drain(s);
	node_trim_all(s);
	after = cache_pages(s);
	return before > after ? before - after : 0;
}

/* Caches with a reason to take the slow path only (kslab_mutex). */
static unsigned int slowpath_caches;
/* Serializes cache_sync_slowpath_key(). */
static DEFINE_MUTEX(slowpath_key_mutex);

/**
 * cache_set_slowpath - set or clear a reason for a cache to take the slow
 * path only
 * @s: the cache
 * @why: a KSLAB_SLOW_* bit
 * @on: set or clear it
 *
 * The fast path looks at the reasons only while kslab_slowpath_used is on:
 * after setting one, call cache_sync_slowpath_key() before relying on it.
 *
 * Context: process context, kslab_mutex held.
 */
void cache_set_slowpath(struct kslab_cache *s, unsigned int why, bool on)
{
	unsigned int old = s->slowpath;
	unsigned int new = on ? old | why : old & ~why;

	lockdep_assert_held(&kslab_mutex);
	if (!old && new)
		slowpath_caches++;
	else if (old && !new)
		slowpath_caches--;
	WRITE_ONCE(s->slowpath, new);
}

/**
 * cache_sync_slowpath_key - turn kslab_slowpath_used on while any cache has
 * a reason to take the slow path, off when none has
 *
 * static_branch_enable() returns once every CPU runs the patched code, so
 * from then on every fast path sees the reasons.
 *
 * Context: process context, neither cpus_read_lock() nor kslab_mutex held
 * (the static key takes the hotplug lock itself: the _cpuslocked variants
 * are not exported on kernels with jump labels).
 */
void cache_sync_slowpath_key(void)
{
	lockdep_assert_not_held(&kslab_mutex);
	mutex_lock(&slowpath_key_mutex);
	if (READ_ONCE(slowpath_caches))
		static_branch_enable(&kslab_slowpath_used);
	else
		static_branch_disable(&kslab_slowpath_used);
	mutex_unlock(&slowpath_key_mutex);
}

/* The first live objects of a leaking cache, for its report. */
struct leak_sample {
	void *objs[16];
	unsigned int shown;
};

/* slab_walk_node() callback: live objects of one slab, while there is room. */
static unsigned int leak_sample_slab(struct kslab_cache *s,
				     struct kslab_node *n, struct page *page,
				     unsigned int state, void *arg)
{
	struct leak_sample *ls = arg;
	unsigned int room = ARRAY_SIZE(ls->objs) - ls->shown;
	int nr;

	if (!room)
		return 1;
	nr = slab_live_objects(s, page, ls->objs + ls->shown, room);
	ls->shown += clamp(nr, 0, (int)room);
	return page_meta(page)->objects;
}

/*
 * Live objects of a flushed cache (quarantined ones apart), the first few
 * listed in a report with their owners when tracked.
 */
static unsigned long cache_report_leaks(struct kslab_cache *s)
{
	struct leak_sample ls = { };
	unsigned long live = 0;
	int nid;

	for_each_node(nid) {
		slab_walk_node(s, s->node[nid], BIT(SLAB_STATE_PARTIAL) |
			       BIT(SLAB_STATE_FULL), leak_sample_slab, &ls);
		live += READ_ONCE(s->node[nid]->inuse);
	}
	live -= min_t(unsigned long, live, atomic_long_read(&s->quarantined));
	if (live)
		report_leaks(s, live, ls.objs, ls.shown);
	return live;
}

/**
 * kslab_cache_destroy - destroy a cache
 * @s: the cache, or NULL (nothing is done)
 *
 * With objects still live, reports them (count and first addresses),
 * keeps their slabs (memory in use is never freed) and drops the cache
 * from the list; its remaining objects may still be freed. Without, gives
 * every page back.
 *
 * Once the last of those objects is freed, the cache is freed as well.
 *
 * Context: process context; may sleep. No other call on @s may run.
 */
void kslab_cache_destroy(struct kslab_cache *s)
{
	bool rcu;

	/* a destroyed cache's struct is freed: KASAN reports a second destroy */
	if (!s || !kslab_kasan_check(s))
		return;
	/* before any lock: removal waits for its files' handlers */
	debugfs_cache_del(s);
	sysfs_cache_del(s);
	defrag_cancel(s);
	/* kslab_kfree_rcu() frees still in flight may be this cache's */
	if (atomic_long_read(&s->rcu_pending))
		rcu_barrier();
	cpus_read_lock();
	mutex_lock(&kslab_mutex);
	list_del(&s->list);
	cache_reclaim(s, true);
	s->leaked = cache_report_leaks(s);
	rcu = s->flags & SLAB_TYPESAFE_BY_RCU;
	if (s->leaked || cache_pages(s)) {
		/* kept, for its live or quarantined objects */
		cache_set_slowpath(s, KSLAB_SLOW_DEAD, true);
		list_add_tail(&s->list, &kslab_zombies);
		WRITE_ONCE(cache_nr_zombies, cache_nr_zombies + 1);
		s = NULL;
	} else {
		cache_set_slowpath(s, s->slowpath, false);
	}
	mutex_unlock(&kslab_mutex);
	cpus_read_unlock();
	cache_sync_slowpath_key();
	if (s) {
		/* slabs of an RCU cache are freed by RCU callbacks using @s */
		if (rcu)
			rcu_barrier();
		cache_free(s);
	}
}
EXPORT_SYMBOL_GPL(kslab_cache_destroy);

/*
 * Free destroyed caches whose last object has gone (kslab_reap_work).
 *
 * A cache without pages may still count kslab_kfree_rcu() frees in
 * rcu_pending: each frees its object before it counts itself out (so that
 * kslab_cache_destroy(), which waits only when the count is not zero, never
 * finds an object still live), and with no page left no object is either:
 * every such free is past its object and only has the count left to do.
 * The cache is freed all the same, after rcu_barrier() waits for them.
 * Skipping it left it forever: the last of those frees queues nothing.
 */
static void cache_reap(struct work_struct *work)
{
	struct kslab_cache *s, *tmp;
	LIST_HEAD(dead);
	bool rcu = false;

	cpus_read_lock();
	mutex_lock(&kslab_mutex);
	list_for_each_entry_safe(s, tmp, &kslab_zombies, list) {
		if (cache_pages(s))
			continue;
		list_move(&s->list, &dead);
		WRITE_ONCE(cache_nr_zombies, cache_nr_zombies - 1);
		cache_set_slowpath(s, s->slowpath, false);
		rcu |= (s->flags & SLAB_TYPESAFE_BY_RCU) ||
		       atomic_long_read(&s->rcu_pending);
	}
	mutex_unlock(&kslab_mutex);
	cpus_read_unlock();
	if (list_empty(&dead))
		return;
	cache_sync_slowpath_key();
	synchronize_rcu();	/* frees still inside cpu_free_slow() are done */
	if (rcu)
		rcu_barrier();	/* and so are slab and kslab_kfree_rcu() frees */
	list_for_each_entry_safe(s, tmp, &dead, list)
		cache_free(s);
}

static DECLARE_WORK(kslab_reap_work, cache_reap);

/**
 * cache_dead_freed - a destroyed cache got an object back
 * @s: the cache (KSLAB_SLOW_DEAD)
 *
 * When that was its last page, the cache itself is freed, from a work
 * item, after an RCU grace period: calling kslab with it after that is a
 * use after destroy.
 *
 * Context: any context, under rcu_read_lock().
 */
void cache_dead_freed(struct kslab_cache *s)
{
	/* not on cpu.c's flush queue: cpu_flush_all() waits on that one */
	if (!cache_pages(s))
		queue_work(kslab_percpu_wq, &kslab_reap_work);
}

/**
 * kslab_cache_shrink - give back every page a cache does not need
 * @s: the cache
 *
 * Flushes every CPU's magazines and the depots into the slabs, then frees
 * every empty slab. Afterwards, on a quiet cache, /proc/kslabinfo is exact.
 *
 * Context: process context; may sleep.
 * Return: 0 when the cache holds no slab any more, 1 when some remain.
 */
int kslab_cache_shrink(struct kslab_cache *s)
{
	unsigned long slabs = 0;
	int nid;

	cpus_read_lock();
	mutex_lock(&kslab_mutex);
	cache_reclaim(s, true);
	mutex_unlock(&kslab_mutex);
	cpus_read_unlock();
	for_each_node(nid)
		slabs += READ_ONCE(s->node[nid]->nr_slabs);
	return slabs ? 1 : 0;
}
EXPORT_SYMBOL_GPL(kslab_cache_shrink);

/*
 * A debug cache with red zones changes an object's layout (live or free)
 * with only its CPU owned (kslab_int.h). While validation reads the
 * objects, the slow paths keep off the magazines (KSLAB_SLOW_VALIDATE)
 * and change layouts under the list_lock only; synchronize_rcu() waits
 * for the owners that did not see the reason: an owner runs with
 * preemption off, or on PREEMPT_RT holds a spinlock_t, an RCU read-side
 * section either way.
 */
static void cache_validate_begin(struct kslab_cache *s)
{
	if (!cache_checked(s))
		return;
	mutex_lock(&kslab_mutex);
	if (!s->validating++)
		cache_set_slowpath(s, KSLAB_SLOW_VALIDATE, true);
	mutex_unlock(&kslab_mutex);
	synchronize_rcu();
}

static void cache_validate_end(struct kslab_cache *s)
{
	if (!cache_checked(s))
		return;
	mutex_lock(&kslab_mutex);
	if (!--s->validating)
		cache_set_slowpath(s, KSLAB_SLOW_VALIDATE, false);
	mutex_unlock(&kslab_mutex);
}

/**
 * kslab_cache_validate - check every slab and object of a cache
 * @s: the cache
 *
 * Walks every slab of every node: its free list (each pointer must decode
 * to an object of the slab, with no loop), its counts against the list
 * (objects == inuse + free), the node's counts against its slabs, and
 * with debug flags every object's red zones and poison. Each problem is
 * reported and counted in kslab_cache_errors(). Other CPUs may go on
 * using the cache meanwhile.
 *
 * Context: process context; may sleep.
 * Return: the number of problems found, or -ENOMEM.
 */
long kslab_cache_validate(struct kslab_cache *s)
{
	long errors = 0, ret = 0;
	int nid;

	cache_validate_begin(s);
	for_each_node(nid) {
		ret = slab_validate_node(s, s->node[nid]);
		if (ret < 0)
			break;
		errors += ret + depot_validate(s, s->node[nid]);
	}
	cache_validate_end(s);
	return ret < 0 ? ret : errors;
}
EXPORT_SYMBOL_GPL(kslab_cache_validate);

/**
 * kslab_cache_size - the usable size of a cache's objects
 * @s: the cache
 *
 * Context: any context.
 * Return: the object size the cache was created with.
 */
unsigned int kslab_cache_size(struct kslab_cache *s)
{
	return s->object_size;
}
EXPORT_SYMBOL_GPL(kslab_cache_size);

/**
 * kslab_cache_errors - problems kslab has caught in a cache so far
 * @s: the cache, or NULL for problems that belong to no cache (such as
 *     kslab_kfree() of memory kslab never handed out)
 *
 * Counts every corruption, invalid or double free, leak and validation
 * failure detected, whether or not its report was printed.
 *
 * Context: any context.
 * Return: the count.
 */
unsigned long kslab_cache_errors(struct kslab_cache *s)
{
	return atomic_long_read(s ? &s->errors : &kslab_orphan_errors);
}
EXPORT_SYMBOL_GPL(kslab_cache_errors);

/**
 * cache_exit - report caches still alive at unload, release the rest
 *
 * Caches destroyed with live objects keep their slabs: memory someone may
 * still use is never freed, even now.
 *
 * Context: module exit.
 */
void cache_exit(void)
{
	struct kslab_cache *s, *tmp;

	for (;;) {
		mutex_lock(&kslab_mutex);
		s = list_first_entry_or_null(&kslab_caches, struct kslab_cache, list);
		mutex_unlock(&kslab_mutex);
		if (!s)
			break;
		pr_warn("%s: never destroyed by its creator; destroying it at unload\n",
			s->name);
		kslab_cache_destroy(s);
	}
	flush_work(&kslab_reap_work);
	mutex_lock(&kslab_mutex);
	list_for_each_entry(s, &kslab_zombies, list) {
		if (s->leaked)
			pr_warn("%s: destroyed with %lu live objects; their %lu pages are kept\n",
				s->name, s->leaked, cache_pages(s));
		else
			cache_release_quarantine(s);
	}
	rcu_barrier();	/* RCU slab frees and kslab_kfree_rcu() use the caches */
	list_for_each_entry_safe(s, tmp, &kslab_zombies, list)
		cache_free(s);
	mutex_unlock(&kslab_mutex);
}
