/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kslab_int.h - kslab's private header: the design in one place, then the
 * cache, node, per-CPU and magazine structures (every shared field names
 * the lock that protects it), the slab metadata kept in struct page, the
 * statistics, and the calls the layers make of each other, one block a
 * file. The files, by layer:
 *
 *   kslab.h, cache.c    the API; the caches' lifecycle (mm/slab_common.c)
 *   fastpath.h, core.c  per-CPU: the fast path, inline in the exported
 *                       calls; the slow paths, the remote buffer, bulk
 *   cpu.c               per-CPU parts from outside: flushes, hotplug,
 *                       each CPU's memory node
 *   magazine.[ch]       magazines and the per-node depots
 *   node.c              the node lists: objects to and from slabs
 *   slab.c              slabs: pages, free lists, walks, validation
 *   kmalloc.c           kslab_kmalloc() on caches of size classes
 *   defrag.c            movable objects: isolating and emptying slabs
 *   shrinker.c, rcu.c, pagemap.c   memory pressure, RCU frees, the
 *                       record of kslab's pages
 *   debug.c, report.c, fail.c, stat.c   debug flags, reports, fault
 *                       injection, statistics
 *   proc.c, sysfs.c, debugfs.c, trace.c   the views
 *   compat.h            every difference between kernel versions
 *
 * HOW AN ALLOCATION IS SATISFIED (the first step that can, does)
 *
 *   1. pop this CPU's loaded magazine         cpu_alloc() (fastpath.h):
 *                                             no lock, no atomic
 *   2. swap in this CPU's previous magazine   cpu_alloc_slow() (core.c)
 *   3. trade the empty magazine for a full    the node's depot_lock
 *      one from the node's depot              (magazine.c)
 *   4. refill the magazine from the node's    the node's list_lock
 *      partial slabs, then its empty ones     (node.c, slab.c)
 *   5. a new slab from the buddy allocator,   no lock; may sleep if gfp
 *      which refills the magazine without     allows (slab_new(),
 *      touching the objects' memory           cpu_alloc_new_slab())
 *
 *   A free is the mirror image: push to the loaded magazine; swap with an
 *   empty previous one; give the full magazine to the depot for an empty
 *   one; drain it into its slabs (keeping the slabs that empty, up to
 *   slab_empty_max(), for the next burst: node_trim() gives back those
 *   unused since the last trim). Objects of another node never enter a
 *   magazine: they wait in the CPU's remote buffer and go home as one
 *   magazine into their node's depot. Some calls skip the magazines and
 *   take steps 4-5 for exactly the objects asked for: calls on a cache with
 *   a slow-path reason (KSLAB_SLOW_DEBUG: debug flags without red zones;
 *   _FAIL: fault injection configured; _DEFRAG: a defragmentation running;
 *   _DEAD: destroyed with live objects; _VALIDATE: see below), allocations
 *   for another node, and calls that find their CPU owned (an interrupt in
 *   the middle of steps 1-4).
 *
 *   DEBUG CACHES WITH RED ZONES (KSLAB_SLOW_CHECK) keep steps 1-5: the
 *   fast paths hand step 1 to cpu_alloc_checked() and cpu_free_checked()
 *   of core.c, the CPU still owned, and they and the slow paths check each
 *   object at the magazine's edge with the CPU owned: a pop checks that
 *   the object is still laid out free (red zones, poison) and marks it
 *   live; a push takes the object back by one cmpxchg of its left red
 *   zone's first word from live to free (so that of two frees of one
 *   object, on any CPUs, exactly one wins and the other is a double free),
 *   checks it and lays it out free. In a lean cache (whole-word runs, no
 *   owner tracked: struct debug_runs) both run inline there, from the
 *   runs kept at creation; its push reads the red zones and padding before
 *   the claim, and anything wrong, or a claim lost, runs the whole check,
 *   which claims, reports and repairs. An object in a magazine, depot or
 *   remote buffer is laid out as one on a free list, so refills, drains
 *   and flushes check nothing but what needs the slab
 *   (SLAB_CONSISTENCY_CHECKS, under its list_lock). Calls that skip the
 *   magazines check under the list_lock, as above. kslab_cache_validate()
 *   sets _VALIDATE and waits (synchronize_rcu()) for owners that did not
 *   see it, so that no object changes layout outside a list_lock while it
 *   reads them.
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
 *   hardened. The red zones, the track records (SLAB_STORE_USER), the
 *   size kslab_kmalloc() was asked for (a word after the tracks, in a
 *   SLAB_KMALLOC cache with SLAB_RED_ZONE: the object's bytes past it are
 *   red zone too) and the left pad exist only with debug flags (debug.c).
 *   On a generic KASAN kernel the slot is at least object_size plus
 *   KASAN's red zone for that size (kasan.h), so a read past an object
 *   never reaches its neighbour.
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
 *     empty    inuse == 0           up to slab_empty_max() a node; the
 *                                   rest go back to the buddy allocator,
 *                                   and node_trim() gives back those no
 *                                   allocation needed (min_partial stay)
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
 *   1. kslab_cache.defrag_mutex     one defragmentation of a cache at a
 *                                   time, and its move callback (read
 *                                   under it); inside it, defrag takes
 *                                   4, 2 and 3 in turn and calls move()
 *                                   with no other kslab lock held
 *   2. slowpath_key_mutex (cache.c) turning kslab_slowpath_used on or off;
 *                                   taken with neither 3 nor 4 held: the
 *                                   static key takes cpu_hotplug_lock
 *                                   inside itself
 *   3. cpu_hotplug_lock             cpus_read_lock(): create, destroy,
 *                                   shrink, defrag: anything that flushes
 *                                   every CPU
 *   4. kslab_mutex                  the cache list, each cache's slow-path
 *                                   reasons; /proc, sysfs
 *   5. cpu_flush_mutex (cpu.c)      one flush of all CPUs at a time
 *   6. CPU ownership (fastpath.h)   preemption off, never sleeps; not a
 *                                   lock lockdep can see (on PREEMPT_RT:
 *                                   migration off and a per-CPU
 *                                   spinlock_t, compat.h)
 *   7. kslab_node.depot_lock,       irq-safe leaves, never nested in each
 *      kslab_node.list_lock         other
 *   8. report_lock (report.c)       innermost, irq-safe: one report block
 *                                   printed at a time, taken under
 *                                   list_lock
 *
 *   Page allocation happens with no kslab lock held and no CPU owned;
 *   pages are freed outside the list_lock. Removing a cache's sysfs
 *   directory waits for its files' handlers (kernfs drains them), which
 *   take kslab_mutex and cpus_read_lock(): it is never done with either
 *   held. The shrinker never waits: it gives up when kslab_mutex is taken
 *   and leaves CPUs alone when cpus_read_trylock() fails.
 */
#ifndef _KSLAB_INT_H
#define _KSLAB_INT_H

#include <linux/bitops.h>
#include <linux/cache.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/static_key.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "kslab.h"

/* Objects in one slab are counted in u16 fields (SLUB: u15). */
#define KSLAB_MAX_OBJS		32767
/* slab_meta.free when the slab's free list is empty. */
#define KSLAB_NO_FREE		0xffff
/* Order used when the cache's preferred order would waste too much. */
#define KSLAB_MAX_ORDER		KSLAB_MAX_PAGE_ORDER
/* The largest magazine capacity sysfs's cpu_partial accepts. */
#define KSLAB_MAG_MAX		1024
/* Frees of other nodes' objects batched per CPU before they go home. */
#define KSLAB_REMOTE_BATCH	32

/*
 * struct kslab_track - who last allocated or freed an object
 * (SLAB_STORE_USER): two of these follow each object, alloc then free.
 */
struct kslab_track {
	unsigned long addr;	/* the caller */
	u32 handle;		/* stack depot handle of the stack, or 0 */
	int cpu;
	int pid;
	unsigned long when;	/* jiffies */
};

enum kslab_track_item { KSLAB_TRACK_ALLOC, KSLAB_TRACK_FREE };

/* slab_meta.magic: what kslab made of this page. */
#define KSLAB_MAGIC_SLAB	0xa5
#define KSLAB_MAGIC_LARGE	0x5a

/* enum kslab_stat - per-cache event counters, per CPU, summed on read.
 *
 * Accounting rule (what makes /proc/kslabinfo's active_objs exact): every
 * object handed out counts once in exactly one of ALLOC_FASTPATH and
 * ALLOC_SLOWPATH, every object taken back once in exactly one of
 * FREE_FASTPATH and FREE_SLOWPATH; so live = allocs - frees. The other
 * counters are events. Names are SLUB's (CONFIG_SLUB_STATS) where the
 * event is the same; stat_names[] must follow this order.
 */
enum kslab_stat {
	KSLAB_ALLOC_FASTPATH,	/* popped from this CPU's loaded magazine */
	KSLAB_ALLOC_SLOWPATH,	/* handed out any other way */
	KSLAB_FREE_FASTPATH,	/* pushed to this CPU's loaded magazine */
	KSLAB_FREE_SLOWPATH,	/* taken back any other way */
	KSLAB_FREE_REMOTE,	/* freed on another node: batched home */
	KSLAB_ALLOC_FROM_PARTIAL,	/* objects taken from partial slabs */
	KSLAB_ALLOC_SLAB,	/* new slab from the page allocator */
	KSLAB_ALLOC_REFILL,	/* a magazine refilled from slabs */
	KSLAB_ALLOC_NODE_MISMATCH,	/* alloc for a node not this CPU's */
	KSLAB_ALLOC_FAILED,	/* an allocation returned NULL */
	KSLAB_FREE_ADD_PARTIAL,	/* a free made a full slab partial */
	KSLAB_FREE_REMOVE_PARTIAL,	/* a free made a partial slab empty */
	KSLAB_FREE_SLAB,	/* slab given back to the page allocator */
	KSLAB_CPUSLAB_FLUSH,	/* a CPU's magazines flushed to slabs */
	KSLAB_ORDER_FALLBACK,	/* new slab at the smaller order */
	KSLAB_CPU_PARTIAL_ALLOC,	/* refill by magazine swap or depot */
	KSLAB_CPU_PARTIAL_FREE,	/* room made by magazine swap or depot */
	KSLAB_CPU_PARTIAL_DRAIN,	/* a full magazine emptied into slabs */
	KSLAB_DEPOT_GET,	/* magazine taken from the node's depot */
	KSLAB_DEPOT_PUT,	/* magazine given to the node's depot */
	KSLAB_DEPOT_TRIM,	/* magazine the depot did not need, given back */
	KSLAB_ALLOC_BULK,	/* kslab_cache_alloc_bulk() calls */
	KSLAB_FREE_BULK,	/* kslab_cache_free_bulk() calls */
	KSLAB_DEFRAG_MOVED,	/* objects moved by defragmentation */
	KSLAB_DEFRAG_REFUSED,	/* moves the owner refused (-EBUSY, -ENOENT) */
	KSLAB_DEFRAG_SLABS,	/* slabs defragmentation emptied */
	KSLAB_DEFRAG_PAGES,	/* pages defragmentation gave back */
	KSLAB_NR_STATS
};

extern const char *const stat_names[KSLAB_NR_STATS];

/*
 * struct kslab_mag - a magazine: a stack of free objects of one cache,
 * all from one node. Owned by one CPU (loaded/previous) or by a node's
 * depot; never shared, so its fields need no lock of their own.
 */
struct kslab_mag {
	struct kslab_mag *next;		/* in a depot list */
	unsigned int count;		/* objects in @objs */
	unsigned int size;		/* capacity; 0 for mag_empty */
	struct rcu_head rcu;		/* freed after readers of other CPUs */
	void *objs[];
};

/* The shared, never-written magazine a CPU starts with (size 0). */
extern struct kslab_mag mag_empty;

/*
 * struct kslab_cpu - one CPU's share of a cache. Owner: the CPU itself,
 * between cpu_own() and cpu_release(), or cpu_get() and cpu_put()
 * (fastpath.h: preemption off, @seq odd;
 * on PREEMPT_RT migration off and @lock held instead of preemption off);
 * a CPU that is offline is flushed by the hotplug callback, and flush work
 * runs on the CPU it flushes.
 */
struct kslab_cpu {
	struct kslab_cpu_lock lock;	/* PREEMPT_RT: held by the owner (compat.h) */
	struct kslab_mag *loaded;	/* owner: pop on alloc, push on free */
	struct kslab_mag *previous;	/* owner: full or empty, for swaps */
	unsigned long seq;		/* owner: odd while owned; see stat.c */
	long fast_diff;			/* owner: see cpu_stat_begin() */
	unsigned int nr_remote;		/* owner: objects in @remote */
	int remote_nid;			/* owner: the node they all belong to */
	void *remote[KSLAB_REMOTE_BATCH];	/* owner: other nodes' frees */
	unsigned long stat[KSLAB_NR_STATS];	/* this CPU writes, any reads */
};

/*
 * struct kslab_node - a cache's slabs on one NUMA node, and its depot of
 * magazines of objects from this node.
 */
struct kslab_node {
	spinlock_t depot_lock;		/* protects the depot_* fields */
	struct kslab_mag *depot_full;	/* depot_lock: full magazines */
	struct kslab_mag *depot_empty;	/* depot_lock: empty magazines */
	unsigned int nr_depot_full;	/* depot_lock */
	unsigned int nr_depot_empty;	/* depot_lock */
	unsigned int min_full;		/* depot_lock: fewest full since the trim */
	unsigned int min_empty;		/* depot_lock: fewest empty since the trim */
	unsigned long depot_objects;	/* depot_lock: objects in depot_full */

	/* list_lock protects the slab lists and counts below */
	spinlock_t list_lock ____cacheline_aligned_in_smp;
	struct list_head partial;	/* list_lock: 0 < inuse < objects */
	struct list_head full;		/* list_lock: inuse == objects */
	struct list_head empty;		/* list_lock: inuse == 0 */
	struct list_head isolated;	/* list_lock: being defragmented */
	unsigned long nr_partial;	/* list_lock */
	unsigned long nr_full;		/* list_lock */
	unsigned long nr_empty;		/* list_lock */
	unsigned long empty_used;	/* list_lock: empty slabs allocated from since the trim */
	unsigned long nr_isolated;	/* list_lock */
	unsigned long nr_slabs;		/* list_lock; racy READ_ONCE reads */
	unsigned long total_objects;	/* list_lock; racy READ_ONCE reads */
	unsigned long nr_pages;		/* list_lock; racy READ_ONCE reads */
	unsigned long inuse;		/* list_lock: sum of slab inuse */
	unsigned long gen;		/* list_lock: bumped by every change of lists or counts */
};

/* Why a cache's calls all go through the slow path (kslab_cache.slowpath). */
#define KSLAB_SLOW_DEBUG	BIT(0)	/* debug flags: checks on every call */
#define KSLAB_SLOW_DEAD		BIT(1)	/* destroyed with live objects */
#define KSLAB_SLOW_FAIL		BIT(2)	/* fault injection configured */
#define KSLAB_SLOW_DEFRAG	BIT(3)	/* being defragmented */
#define KSLAB_SLOW_CHECK	BIT(4)	/* red zones: slow paths check, with magazines */
#define KSLAB_SLOW_VALIDATE	BIT(5)	/* a validation of a _CHECK cache runs */

/*
 * struct debug_runs - where the runs a magazine's edge checks and fills lie
 * in a slot of a red-zoned cache, in words from the object (debug.h): set
 * at creation when every run is whole words, all zero otherwise; @lean
 * when no owner is tracked either (and no KASAN): checked inline then.
 */
struct debug_runs {
	bool lean;		/* debug_runs_pop() and debug_runs_free() apply */
	bool poisoned;		/* the object is poisoned (@s->poison) */
	u16 poison;		/* its words of POISON_FREE; POISON_END ends the next */
	u16 left;		/* left red zone: words before the object (0: no runs kept) */
	u16 right;		/* right red zone: its first word */
	u16 right_words;	/* ... and its length (>= 1) */
	u16 pad;		/* padding: its first word */
	u16 pad_words;		/* ... and its length (0 without SLAB_POISON) */
};

/*
 * struct kslab_cache - one cache. The fields up to @name are read by the
 * fast path and constant after kslab_cache_create() unless noted.
 */
struct kslab_cache {
	struct kslab_cpu __percpu *cpu;
	unsigned int slowpath;		/* kslab_mutex writes: KSLAB_SLOW_* */
	unsigned int object_size;	/* bytes the creator asked for */
	unsigned int size;		/* stride: object and metadata, aligned */
	unsigned int offset;		/* free pointer offset in an object */
	unsigned long random;		/* free pointer secret; 0: not hardened */
	slab_flags_t flags;		/* the creator's SLAB_* flags */
	unsigned int kmalloc_index;	/* kslab_kmalloc class (1...), 0 if none */
	void (*ctor)(void *object);
	unsigned int mag_size;		/* WRITE_ONCE: new magazines' capacity */
	unsigned int order;		/* preferred slab order */
	unsigned int objects;		/* objects in a slab of @order */
	unsigned int min_order;		/* fallback order */
	unsigned int min_objects;	/* objects in a slab of @min_order */
	unsigned int align;		/* object alignment */
	unsigned int min_partial;	/* WRITE_ONCE: empty slabs a node keeps after trims */
	unsigned int empty_max;		/* WRITE_ONCE: ... and after frees (slab_empty_max()) */
	unsigned int depot_max;		/* full magazines a node's depot keeps */
	unsigned int red_left_pad;	/* bytes before each object (red zone) */
	unsigned int inuse;		/* object + right red zone: metadata after */
	unsigned int track_offset;	/* struct kslab_track[2] from the object */
	bool poison;			/* SLAB_POISON poisons the object itself */
	bool words;			/* debug_layout_words(): whole-word runs */
	struct debug_runs runs;		/* debug_layout_runs(): the checked runs */
	unsigned int index_shift;	/* trailing zero bits of @size */
	u64 index_mul;			/* inverse of @size's odd part mod 2^64 */
	unsigned long slab_mask;	/* (PAGE_SIZE << @order) - 1 */
	gfp_t allocflags;		/* added to every slab allocation */
	unsigned int *random_seq;	/* shuffled object order, or NULL */
	const char *name;

	struct list_head list;		/* kslab_mutex: kslab_caches */
	struct kobject *kobj;		/* its sysfs directory, or NULL */
	struct dentry *debugfs;		/* its debugfs directory, or NULL */
	atomic_long_t errors;		/* problems detected so far */
	atomic_long_t quarantined;	/* objects isolated after corruption */
	atomic_long_t rcu_pending;	/* kslab_kfree_rcu() frees in flight */
	unsigned long leaked;		/* kslab_mutex: live at destroy */
	struct kslab_fail __rcu *fail;	/* kslab_mutex writes: fault injection */
	const struct kslab_move_ops *move_ops;	/* defrag_mutex: NULL if not movable */
	void *move_priv;		/* defrag_mutex */
	unsigned int defrag_ratio;	/* WRITE_ONCE: % in use under which a slab is sparse */
	struct mutex defrag_mutex;	/* one defragmentation at a time */
	struct work_struct defrag_work;	/* defragmentation asked by the shrinker */
	long live_bias;			/* kslab_mutex: see stat_live_objects() */
	unsigned int validating;	/* kslab_mutex: validations running */
	struct kslab_node *node[];	/* one per possible node */
};

/*
 * struct slab_meta - a slab's state, kept in its head page's struct page
 * (no memory of its own, as SLUB's struct slab): the owning cache in
 * page->private, the node-list link in page->lru, and this packed word in
 * the index word, kslab_page_word() (page->index, page->__folio_index
 * since 6.16). kslab_kmalloc's large allocations carry KSLAB_MAGIC_LARGE.
 *
 * Why that word, now that 6.16 renamed it to keep new users off: the
 * alternatives cost more and last no longer. folio->index is the same
 * word, but reached through page_folio() (a load of the compound head
 * and a test on every free) or by calling a slab a folio, which it is
 * not: a plain compound allocation, that the memdesc work will not give a
 * folio at all. Metadata outside struct page (a header in the slab, whose
 * start obj & ~slab_mask already finds, or a table by pfn) is what kslab
 * will need when memdescs shrink struct page to a flags word and a
 * pointer: page->private and page->lru go then with this word, so the
 * move is one redesign of the slab layout and the free path, done then,
 * not now for a rename. Until then the renamed word keeps the layout and
 * every access as it was (the fast path's code on 6.12 is unchanged).
 */
struct slab_meta {
	u16 free;	/* list_lock: first free object's index, or KSLAB_NO_FREE */
	u16 inuse;	/* list_lock: objects off the free list */
	u16 objects;	/* constant: objects in this slab */
	u8 magic;	/* constant: KSLAB_MAGIC_SLAB or KSLAB_MAGIC_LARGE */
	u8 state : 4;	/* list_lock: enum slab_state */
	u8 quarantine : 1; /* list_lock: holds objects isolated after corruption */
	u8 walk : 1;	/* list_lock: a node walk's cursor; see slab_walk_node() */
};

static_assert(sizeof(struct slab_meta) == sizeof(pgoff_t));

/*
 * The first word of an object debug.c found corrupt and quarantined (its
 * red zones stay inactive): what tells it apart from a live object of a
 * slab with the quarantine bit. The post-mortem helpers
 * (tools/kslab_drgn.py) read it; "kslabQRN" in memory, little-endian.
 * Objects cut off a corrupt free list (slab_quarantine()) carry no mark:
 * kslab does not know which ones they are.
 */
#define KSLAB_QUARANTINE_MAGIC	0x4e525162616c736bUL

enum slab_state {
	SLAB_STATE_NONE,	/* on no list: being built or torn down */
	SLAB_STATE_PARTIAL,
	SLAB_STATE_FULL,
	SLAB_STATE_EMPTY,
	SLAB_STATE_ISOLATED,	/* defragmentation empties it: no allocation */
};

static inline struct slab_meta *page_meta(struct page *page)
{
	return (struct slab_meta *)&kslab_page_word(page);
}

static inline struct kslab_cache *page_cache(struct page *page)
{
	return (struct kslab_cache *)page_private(page);
}

/*
 * slab_of - is @page the head page of a slab of @s? slab_cache(): of
 * which cache, if any. (The fast path's hardened check tests page_cache()
 * alone, with the object's index: a cheaper filter, whose misses come
 * here.) Context: any.
 */
static __always_inline bool slab_of(struct page *page,
				    const struct kslab_cache *s)
{
	return page_meta(page)->magic == KSLAB_MAGIC_SLAB && page_cache(page) == s;
}

static __always_inline struct kslab_cache *slab_cache(struct page *page)
{
	return page_meta(page)->magic == KSLAB_MAGIC_SLAB ? page_cache(page) : NULL;
}

/* slab_index() of a pointer that is not the start of an object. */
#define KSLAB_BAD_INDEX		UINT_MAX

/* The object at index @idx of the slab at @base. */
static inline void *slab_object(const struct kslab_cache *s, void *base,
				unsigned int idx)
{
	return base + idx * s->size + s->red_left_pad;
}

/*
 * slab_offset_index - the index of the object starting @off bytes into a
 * slab, or KSLAB_BAD_INDEX when no object starts there; slab_index() is
 * that for @obj in the slab at @base, slab_index_fast() below without it.
 *
 * One multiply and a rotate instead of a division: with size = odd * 2^k,
 * an offset is a multiple of size exactly when ror64(offset * odd^-1, k)
 * is at most 2^64 / size, and that value is then the quotient. So any
 * result below the slab's object count is both the index and the proof
 * that @obj is an object boundary inside the slab.
 */
static __always_inline u64 slab_offset_quotient(u64 off, u64 pad, u64 mul,
						unsigned int shift)
{
	return ror64((off - pad) * mul, shift);
}

static __always_inline unsigned int slab_offset_index(const struct kslab_cache *s,
						      const struct slab_meta *m,
						      u64 off)
{
	u64 q = slab_offset_quotient(off, s->red_left_pad, s->index_mul,
				     s->index_shift);

	return q < m->objects ? (unsigned int)q : KSLAB_BAD_INDEX;
}

static inline unsigned int slab_index(const struct kslab_cache *s,
				      const struct slab_meta *m, void *base,
				      const void *obj)
{
	return slab_offset_index(s, m, (unsigned long)obj - (unsigned long)base);
}

/*
 * slab_index_fast - slab_index() for the fast paths, without computing
 * page_address(): a slab is a buddy block of 2^order pages in the direct
 * map, so its address is aligned to its size (kslab_init() checks that
 * PAGE_OFFSET is aligned to the largest), and @obj & @s->slab_mask is
 * @obj's offset in a slab of the cache's @order. In a smaller fallback
 * slab k blocks past that alignment the "offset" is at least k slabs' bytes:
 * never below the slab's objects * size, so the answer is then a false
 * KSLAB_BAD_INDEX (the slow path checks again with slab_index()), never a
 * wrong index.
 */
static __always_inline unsigned int slab_index_fast(const struct kslab_cache *s,
						    const struct slab_meta *m,
						    const void *obj)
{
	return slab_offset_index(s, m, (unsigned long)obj & s->slab_mask);
}

/*
 * slab_block - the size-aligned block a slab of the cache's order fills
 * (see slab_index_fast()): while the objects of a run stay in it they are
 * that slab's, without looking at their pages. 0 for a smaller fallback
 * slab, whose block may hold other slabs too.
 */
static inline unsigned long slab_block(const struct kslab_cache *s,
				       struct page *page, const void *obj)
{
	return compound_order(page) == s->order ?
		(unsigned long)obj & ~s->slab_mask : 0;
}

/*
 * struct slab_run - where a walk over a run of objects freed together (a
 * magazine, a bulk call's array) is: the slab of the object before, and
 * the block it fills, so that objects of one slab next to each other
 * share one page lookup (slab_run_next()). Start it zeroed.
 */
struct slab_run {
	struct page *page;	/* the slab of the last object looked up */
	unsigned long prev;	/* the block of the object before, or 0 */
	unsigned long block;	/* a block @page is known to fill, or 0 */
};

/*
 * slab_run_next - the slab of @obj, the next object of a run: run->page.
 * An object in the block of the one before is that slab's when the slab
 * fills its block (slab_block()); any other object's head page is looked
 * up and checked to be a slab of @s. With @lazy (a constant), the block is
 * asked for once a run, at its second object, so a shuffled batch pays
 * one compare an object for it (node_free_objects()); without, at each
 * lookup, which costs least when the objects come in runs (the bulk free).
 * Return: 0 when run->page was not looked at, 1 when it was looked up
 * (it may be the same slab), -1 when @obj is no object of a slab of @s
 * (the caller reports it).
 */
static __always_inline int slab_run_next(struct kslab_cache *s,
					 struct slab_run *run, const void *obj,
					 bool lazy)
{
	unsigned long b = (unsigned long)obj & ~s->slab_mask;
	struct page *page;

	if (lazy) {
		if (b == run->prev && !run->block)
			run->block = slab_block(s, run->page, obj);
		run->prev = b;
	}
	if (b == run->block)
		return 0;
	run->block = 0;
	page = virt_to_head_page(obj);
	if (unlikely(!slab_of(page, s))) {
		run->prev = 0;
		return -1;
	}
	if (!lazy)
		run->block = slab_block(s, page, obj);
	run->page = page;
	return 1;
}

/*
 * struct cache_info - a cache's figures as /proc/kslabinfo prints them
 * (and kslab's tests read them): stat.c fills it, proc.c only formats it.
 * Lock-free reads: exact on a quiet cache.
 */
struct cache_info {
	unsigned long active_objs;
	unsigned long num_objs;
	unsigned long num_slabs;
	unsigned long partial_slabs;
	unsigned long inuse_objs;	/* objects off slab free lists */
	unsigned long depot_objs;	/* free objects in depot magazines */
	unsigned int objsize;
	unsigned int objects_per_slab;
	unsigned int order;
};

/* Global state (main.c, cache.c) */
extern struct mutex kslab_mutex;
extern struct list_head kslab_caches;
extern atomic_long_t kslab_pages;
extern atomic_long_t kslab_orphan_errors;
extern bool kslab_freelist_hardened;
extern bool kslab_freelist_random;
DECLARE_STATIC_KEY_FALSE(kslab_slowpath_used);
DECLARE_STATIC_KEY_FALSE(kslab_hardened_key);

long held_pages(void);

/*
 * stat.c. Built with KSLAB_NO_STATS=y (kbuild), every increment is
 * compiled out: only `make bench-stats` does that, to measure what the
 * always-on statistics cost.
 */
#ifdef KSLAB_NO_STATS
#define KSLAB_STATS	0
#else
#define KSLAB_STATS	1
#endif

static inline void stat(struct kslab_cache *s, enum kslab_stat item)
{
	if (KSLAB_STATS)
		this_cpu_inc(s->cpu->stat[item]);
}

static inline void stat_add(struct kslab_cache *s, enum kslab_stat item,
			    unsigned long n)
{
	if (KSLAB_STATS)
		this_cpu_add(s->cpu->stat[item], n);
}

/* stat() by the owner of the CPU's part: a plain increment. */
static __always_inline void cpu_stat(struct kslab_cpu *c, enum kslab_stat item)
{
	if (KSLAB_STATS)
		c->stat[item]++;
}

/*
 * The fast paths count nothing of their own. Every pop or push is one
 * cpu_own() and cpu_release(c, 1), which leave @seq two higher; an owner
 * that gives the CPU back with cpu_release(c, 0) or cpu_put() leaves it
 * where it found it, and a bulk call's cpu_release(c, nr) adds two for
 * each of its nr pops or pushes. A pop lowers loaded->count by one, a push
 * raises it; every other change to the loaded magazine (a slow path, a
 * bulk call's magazine swap, a flush) happens between cpu_stat_begin() and
 * cpu_stat_end() (inside cpu_get() and cpu_put()), which move @fast_diff
 * by the change. So on every CPU
 *   fast pops + fast pushes == seq / 2
 *   fast pops - fast pushes == fast_diff - loaded->count
 * and stat.c reads alloc_fastpath and free_fastpath off them (plus what
 * stat[] holds of those two: clearing).
 * Owner held, or the CPU is offline.
 */
static __always_inline void cpu_stat_begin(struct kslab_cpu *c)
{
	if (KSLAB_STATS)
		c->fast_diff -= c->loaded->count;
}

static __always_inline void cpu_stat_end(struct kslab_cpu *c)
{
	if (KSLAB_STATS)
		c->fast_diff += c->loaded->count;
}

/*
 * pops - pushes so far, the second equation above: what stat.c reads
 * (racily from other CPUs: exact on a quiet one, under rcu_read_lock()
 * since a magazine is freed after a grace period), and how a bulk free
 * counts its pushes, its value before the call less its value after.
 */
static __always_inline long cpu_stat_mark(struct kslab_cpu *c)
{
	return KSLAB_STATS ? READ_ONCE(c->fast_diff) -
			     (long)READ_ONCE(READ_ONCE(c->loaded)->count) : 0;
}

/*
 * Frees of other nodes' objects are counted (free_remote, free_slowpath)
 * when their batch goes home: stat.c adds @nr_remote to both meanwhile.
 * Owner held, or the CPU is offline.
 */
static __always_inline void cpu_stat_remote(struct kslab_cpu *c, unsigned int nr)
{
	if (KSLAB_STATS) {
		c->stat[KSLAB_FREE_REMOTE] += nr;
		c->stat[KSLAB_FREE_SLOWPATH] += nr;
	}
}

unsigned long stat_cpu(struct kslab_cache *s, int cpu,
		       enum kslab_stat item);
unsigned long stat_sum(struct kslab_cache *s, enum kslab_stat item);
void stat_clear(struct kslab_cache *s, enum kslab_stat item);
long stat_live_objects(struct kslab_cache *s);
unsigned long cache_pages(struct kslab_cache *s);
void cache_info(struct kslab_cache *s, struct cache_info *info);

/*
 * cpu.c: the node whose objects this CPU's magazines hold, what
 * "local" means to the fast paths: the CPU's own node, or for a node
 * without memory the nearest one with some (node_mem_nearest()). Read with
 * raw_cpu_read() by a task pinned to its CPU.
 */
DECLARE_PER_CPU(int, cpu_mem_nid);

/*
 * The node this CPU's magazines hold objects of, which is what "local"
 * means to every path here: see node_mem_nearest() and cpu_mem_nid.
 */
static __always_inline int cpu_mem_node(void)
{
	return raw_cpu_read(cpu_mem_nid);
}

/* pagemap.c: the record of kslab's pages (see there) */
#define PAGEMAP_CHUNK_SHIFT	(PAGE_SHIFT + 3)	/* a page of bits a chunk */
#define PAGEMAP_CHUNK_MASK	((1UL << PAGEMAP_CHUNK_SHIFT) - 1)
struct pagemap_dir {
	unsigned long nr;		/* constant: entries of chunks[] */
	struct pagemap_dir *retired;	/* constant: the smaller one it replaced */
	unsigned long *chunks[];	/* pagemap_lock: set once, then constant */
};

extern struct pagemap_dir *pagemap_dir;
int pagemap_add(struct page *page, gfp_t gfp);
void pagemap_del(struct page *page);
void pagemap_exit(void);

/* The chunk holding @pfn's bit, or NULL if none was made. Context: any. */
static __always_inline unsigned long *pagemap_chunk(unsigned long pfn)
{
	/* pairs with pagemap_grow()'s release: the copy is filled first */
	const struct pagemap_dir *dir = smp_load_acquire(&pagemap_dir);
	unsigned long i = pfn >> PAGEMAP_CHUNK_SHIFT;

	if (unlikely(!dir || i >= dir->nr))
		return NULL;
	/* pairs with pagemap_grow()'s release: the chunk is zeroed first */
	return smp_load_acquire(&dir->chunks[i]);
}

/*
 * pagemap_has - is @page, any head page, the head page of a slab or large
 * allocation of kslab's? Context: any.
 */
static __always_inline bool pagemap_has(struct page *page)
{
	unsigned long pfn = page_to_pfn(page);
	const unsigned long *chunk = pagemap_chunk(pfn);

	return chunk && test_bit(pfn & PAGEMAP_CHUNK_MASK, chunk);
}

/* slab.c: slabs and their objects */
int slab_calculate_order(unsigned int size);
void slab_move(struct kslab_node *n, struct page *page);
void slab_unlink(struct kslab_node *n, struct page *page,
		 struct list_head *discard);
int slab_init_random_seq(struct kslab_cache *s);
struct page *slab_new(struct kslab_cache *s, gfp_t gfp, int node);
void slab_discard(struct kslab_cache *s, struct page *page);
void slab_free_pages(struct kslab_cache *s, struct page *page);
void slab_discard_list(struct kslab_cache *s, struct list_head *list);
unsigned int slab_take(struct kslab_cache *s, struct kslab_node *n,
		       void **objs, unsigned int want, bool live);
unsigned int slab_take_new(struct kslab_cache *s, struct kslab_node *n,
			   struct page *page, void **objs, unsigned int want,
			   bool live);
void slab_trim(struct kslab_cache *s, struct kslab_node *n,
	       unsigned int keep, struct list_head *discard);
/* Objects slab_put_batch() is handed at a time by node_free_objects(). */
#define KSLAB_PUT_BATCH		32
unsigned int slab_put_batch(struct kslab_cache *s, struct kslab_node *n,
			    struct page **pages, void **objs, unsigned int nr,
			    struct list_head *discard, unsigned long caller);
int slab_free_count(struct kslab_cache *s, struct page *page, void *obj);
long slab_validate_node(struct kslab_cache *s, struct kslab_node *n);
int slab_live_objects(struct kslab_cache *s, struct page *page, void **objs,
		      unsigned int max);
typedef void (*slab_object_fn)(struct kslab_cache *s, void *obj, bool free,
			       void *arg);
typedef unsigned int (*slab_walk_fn)(struct kslab_cache *s,
				     struct kslab_node *n, struct page *page,
				     unsigned int state, void *arg);
unsigned long slab_walk_node(struct kslab_cache *s, struct kslab_node *n,
			     unsigned int states, slab_walk_fn fn, void *arg);
int slab_walk_objects(struct kslab_cache *s, struct page *page,
		      unsigned long *map, slab_object_fn fn, void *arg);

/* magazine.c: magazines and depots (the trades: magazine.h) */
struct kslab_mag *mag_alloc(struct kslab_cache *s, int node);
void depot_drain(struct kslab_cache *s);
unsigned long depot_trim(struct kslab_cache *s);
long depot_validate(struct kslab_cache *s, struct kslab_node *n);

/* node.c: the node lists */
int node_mem_nearest(int nid);
unsigned int node_free_objects(struct kslab_cache *s, void **objs,
			       unsigned int nr, unsigned long caller);
unsigned int node_free_one(struct kslab_cache *s, struct page *page,
			   void *obj, unsigned long caller, bool wipe);
unsigned int node_alloc_objects(struct kslab_cache *s, gfp_t gfp, int node,
				void **objs, unsigned int nr);
void node_quarantine(struct kslab_cache *s, struct page *page);
unsigned long node_trim(struct kslab_cache *s);
unsigned long node_trim_all(struct kslab_cache *s);

/*
 * Bytes of empty slabs a node keeps after frees (@empty_max, set at
 * creation), for the next burst to take instead of the page allocator's:
 * as a depot keeps magazines, until node_trim() gives back the unused ones.
 */
#define KSLAB_EMPTY_KEEP	SZ_16M

/* The most empty slabs a node of @s keeps after frees. */
static inline unsigned long slab_empty_max(const struct kslab_cache *s)
{
	return max(READ_ONCE(s->min_partial), READ_ONCE(s->empty_max));
}

/* cpu.c: per-CPU parts from outside */
int cpu_layer_init(void);
void cpu_layer_exit(void);
unsigned int cpu_detach(struct kslab_cache *s, struct kslab_cpu *c,
			struct kslab_mag **mags, void **remote);
void cpu_drain_detached(struct kslab_cache *s, struct kslab_mag **mags,
			void **remote, unsigned int nr_remote);
void cpu_flush_all(struct kslab_cache *s);
void cpu_flush_offline(struct kslab_cache *s, unsigned int cpu);
unsigned long cpu_objects(struct kslab_cache *s, int node,
			  unsigned long *mags);

/* cache.c: lifecycle */
extern unsigned int cache_nr_zombies;	/* for kslab's tests: see cache.c */
void cache_exit(void);
unsigned long cache_reclaim(struct kslab_cache *s, bool flush_cpus);
void cache_set_slowpath(struct kslab_cache *s, unsigned int why, bool on);
void cache_sync_slowpath_key(void);
void cache_dead_freed(struct kslab_cache *s);

/* defrag.c */
void defrag_init_cache(struct kslab_cache *s);
void defrag_cancel(struct kslab_cache *s);
bool defrag_wanted(struct kslab_cache *s);

/* fail.c, rcu.c, shrinker.c */
bool fail_should(struct kslab_cache *s);
void fail_get(struct kslab_cache *s, unsigned int *probability,
	      unsigned int *interval, long *times);
void fail_release(struct kslab_cache *s);
void rcu_discard_slab(struct page *page);
int shrinker_init(void);
void shrinker_exit(void);
void trim_work_hold(void);
void trim_work_release(void);

/* kmalloc.c */
/*
 * kslab keeps two references on the head page of each slab and large
 * allocation. The kernel's kfree() of kslab memory (to which kslab's pages
 * are a large kmalloc of its own) then only puts one, where it would have
 * freed a page kslab still uses, and kslab sees it when the page goes back
 * (page_unhold() false: reported). More than two is no bug: a passing
 * speculative reference (compaction, GUP-fast), so kslab drops its own and
 * the last put frees the page. Return: false when one was short.
 */
static inline void page_hold(struct page *page)
{
	page_ref_inc(page);
}

static inline bool page_unhold(struct page *page)
{
	if (unlikely(page_ref_count(page) < 2))
		return false;
	page_ref_dec(page);
	return true;
}

/*
 * The kernel's allocator, for memory kslab_kfree() and its kin find is not
 * kslab's (kmalloc.c): kmalloc_kernel, which only the tests change.
 */
struct kmalloc_kernel_ops {
	void (*free)(const void *p);
	size_t (*size)(const void *p);
	void *(*realloc)(const void *p, size_t new_size, gfp_t gfp);
	void (*free_sensitive)(const void *p);
};

#ifdef KSLAB_KUNIT
extern const struct kmalloc_kernel_ops *kmalloc_kernel;
#endif

int kmalloc_init(void);
void *kmalloc_cache_alloc(struct kslab_cache *s, size_t size, gfp_t gfp);
void kmalloc_exit(void);

/* sysfs.c, debugfs.c */
int sysfs_init(void);
void sysfs_exit(void);
int sysfs_cache_add(struct kslab_cache *s);
void sysfs_cache_del(struct kslab_cache *s);
int debugfs_init(void);
void debugfs_exit(void);
void debugfs_cache_add(struct kslab_cache *s);
void debugfs_cache_del(struct kslab_cache *s);

/* proc.c */
int proc_init(void);
void proc_exit(void);

#endif /* _KSLAB_INT_H */
