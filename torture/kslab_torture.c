// SPDX-License-Identifier: GPL-2.0
/*
 * kslab_torture.c - the kslab torture test, in the style of the kernel's
 * locktorture and rcutorture: loading it hammers kslab for @duration
 * seconds and reports whether kslab ever lost, duplicated or corrupted an
 * object. It uses only kslab.h and ordinary kernel APIs, so it runs on any
 * kernel kslab builds for; it needs no KUnit.
 *
 * WHO RUNS
 *
 *   A kthread per online CPU (or @threads of them), and, with @irq, an
 *   hrtimer in hardirq mode (softirq on PREEMPT_RT, where no allocator may
 *   run in hard interrupt context) and a timer_list (softirq) pinned to
 *   each online CPU. Each of these contexts runs random steps on a set of caches
 *   of mixed sizes (8 B .. 64 KiB), with and without constructors, debug
 *   flags and SLAB_TYPESAFE_BY_RCU, and on kslab_kmalloc() of 1 .. 20000
 *   bytes: single, bulk (all or nothing) and node-targeted allocations,
 *   single and bulk frees. Threads mostly use GFP_KERNEL, sometimes with
 *   interrupts (on PREEMPT_RT: migration) or bottom halves off; interrupt contexts use
 *   GFP_ATOMIC | __GFP_NOWARN and tolerate NULL (counted).
 *   Meanwhile the module's init (the controller) validates a cache every
 *   half second, shrinks one every two, writes 2 to /proc/sys/vm/drop_caches
 *   every five and prints a stats line every @stat_interval seconds, and a
 *   kthread takes a random non-boot CPU offline and back online every
 *   @onoff_interval milliseconds (@hotplug).
 *
 * HOW OBJECTS ARE CHECKED
 *
 *   Every object a context takes gets a record (pointer, id, length,
 *   cache, CPU) that lives outside the object, and a stamp over its whole
 *   length (kslab_ksize() bytes for kslab_kmalloc()): word 0 is
 *   tag | cache | id, every other word a pattern derived from the id.
 *   Before a free, the whole stamp is checked against the record; then
 *   word 0 becomes a "freed" tag, or a constructed object gets its
 *   constructed state back (kslab's contract: ctors run once per slab).
 *   On allocation, a constructed object must be in its constructed state
 *   over its whole length; any other object must not carry a live stamp
 *   (two holders of one pointer); a zeroed one must be zero.
 *
 * HOW OBJECTS MOVE
 *
 *   Each context has a mailbox, a ring of records under an irq-safe lock.
 *   Contexts hand records to the mailbox of a context that last ran on
 *   another CPU and free what they find in their own, so most objects are
 *   freed on another CPU than the one that allocated them (counted).
 *   Objects of typesafe-by-RCU caches are sometimes published in a slot
 *   that readers look at under rcu_read_lock(); the owner unpublishes
 *   before the free, and a reader must always find memory that is an
 *   object of the same cache (live, freed or constructed), never anything
 *   else.
 *
 * MOVABLE CACHES
 *
 *   Two movable caches (kslab_cache_set_movable()) are owned through
 *   tables of slots: one under bucket spinlocks, one (with debug flags,
 *   so kslab checks every free) by xchg()/cmpxchg() on the slot. An owner
 *   thread per @threads, each kept to an online CPU, runs waves on its
 *   own slots: fill them all, free 15 in 16 (keeping a scattered few
 *   that pin sparse slabs), churn at low occupancy. Objects are stamped
 *   like the others, by slot and generation (never by address), and the
 *   stamp is checked at allocation (no live stamp), in place, and before
 *   each free. Meanwhile a thread calls kslab_cache_defrag() in a loop,
 *   hopping to a random online CPU every few calls (an offline moves it
 *   too). move() finds @old's slot from its stamp, sometimes sleeps (to
 *   widen the window in which the owner frees @old), and answers -ENOENT
 *   unless the slot still holds @old; then it checks @old's stamp (and
 *   that @new carries no live one), copies, repoints the slot and returns
 *   0, or answers -EBUSY 1 in 64 times on purpose. At the end kslab must
 *   count as active exactly the objects the slots hold, and its
 *   defrag_moved and defrag_refused (sysfs) must match what move()
 *   answered.
 *
 * WHAT FAILS
 *
 *   A bad stamp, a broken constructed state, an object handed out twice, a
 *   non-zero zeroed object, kslab_ksize() below the size asked for, a bulk
 *   allocation that is not all or nothing, kslab_cache_validate() != 0,
 *   kslab_cache_errors() growing, a reader finding foreign memory, a CPU
 *   that does not come back online, and at the end any cache that keeps
 *   an active object or a slab (/proc/kslabinfo, kslab_cache_shrink()),
 *   a movable cache whose defragmentation moved nothing, or whose objects
 *   kslab counts otherwise than its slots hold them.
 *   Each is counted; the first few are printed. The last line is always
 *   "kslab-torture: N ops, M errors" (N: allocation and free calls).
 *   @inject makes the torture itself break the rules once (a flipped byte,
 *   an object with two holders, a move that leaves the slot on the old
 *   object), to show that such a run fails.
 *   Init returns 0 after the whole run and leaves no thread or timer.
 */
#define pr_fmt(fmt) "kslab-torture: " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>

#include "kslab.h"

static int torture_duration = 30;
module_param_named(duration, torture_duration, int, 0444);
MODULE_PARM_DESC(duration, "seconds of torture (default 30)");

static int torture_threads = -1;
module_param_named(threads, torture_threads, int, 0444);
MODULE_PARM_DESC(threads, "worker kthreads, 1..64 (default -1: one per online CPU)");

static ulong torture_seed;
module_param_named(seed, torture_seed, ulong, 0444);
MODULE_PARM_DESC(seed, "random seed (default 0: pick one and print it)");

static bool torture_hotplug = true;
module_param_named(hotplug, torture_hotplug, bool, 0444);
MODULE_PARM_DESC(hotplug, "take random non-boot CPUs offline and online (default 1)");

static bool torture_drop_caches = true;
module_param_named(drop_caches, torture_drop_caches, bool, 0444);
MODULE_PARM_DESC(drop_caches, "write 2 to /proc/sys/vm/drop_caches every 5 s (default 1)");

static bool torture_irq = true;
module_param_named(irq, torture_irq, bool, 0444);
MODULE_PARM_DESC(irq, "run an hrtimer (hardirq) and a timer_list (softirq) on each CPU (default 1)");

static int stat_interval = 10;
module_param(stat_interval, int, 0444);
MODULE_PARM_DESC(stat_interval, "seconds between stats lines, 0: none (default 10)");

static int onoff_interval = 1000;
module_param(onoff_interval, int, 0444);
MODULE_PARM_DESC(onoff_interval, "milliseconds between CPU hotplug cycles (default 1000)");

static int irq_period_us = 1000;
module_param(irq_period_us, int, 0444);
MODULE_PARM_DESC(irq_period_us, "hrtimer period in microseconds (default 1000)");

static int live_mb = 128;
module_param(live_mb, int, 0444);
MODULE_PARM_DESC(live_mb, "MiB of live objects above which contexts only free (default 128)");

static int torture_inject;
module_param_named(inject, torture_inject, int, 0444);
MODULE_PARM_DESC(inject, "test the test after 1 s: 1 flips a byte of a held object, 2 gives an object two holders, 3 makes a move leave its slot on the old object; the run must then fail (default 0)");

#define TORTURE_MAX_THREADS	64
#define TORTURE_MAX_CTXS	(TORTURE_MAX_THREADS + 2 * 64)
#define TORTURE_BOX		256	/* records a mailbox holds */
#define TORTURE_HOLD_THREAD	512	/* records a thread holds */
#define TORTURE_HOLD_IRQ	64	/* records an interrupt context holds */
#define TORTURE_BULK_MAX	16
#define TORTURE_THREAD_STEPS	64	/* steps between cond_resched() */
#define TORTURE_IRQ_STEPS	3	/* steps per timer callback */
/* the "hardirq" context's timer: softirq on RT (no allocator in hardirq) */
#define TORTURE_HRTIMER_MODE	(IS_ENABLED(CONFIG_PREEMPT_RT) ? \
				 HRTIMER_MODE_REL_PINNED_SOFT : HRTIMER_MODE_REL_PINNED_HARD)
#define TORTURE_DRAIN		8	/* mailbox records one step frees */
#define TORTURE_RCU_SLOTS	32	/* published pointers per RCU cache */
#define TORTURE_KMALLOC_MAX	20000
#define TORTURE_ERRORS_SHOWN	20
#define TORTURE_TICK_MS		100	/* the controller's sleep */

/* Word 0 of a stamp: tag (8 bits) | cache index (8 bits) | id (48 bits). */
#define TAG_LIVE		0xa7
#define TAG_FREED		0xf3
#define TAG_CTOR		0xc5
#define KMALLOC_CI		0xfe	/* "cache index" of kslab_kmalloc() memory */
#define ID_MASK			GENMASK_ULL(47, 0)
#define SEQ_BITS		40	/* id = context index << 40 | sequence */
#define CTOR_KEY		0x6b736c6162637472ULL

#define TORTURE_DEBUG	(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | \
			 SLAB_CONSISTENCY_CHECKS)

/* The caches; the name says what each one has. */
enum {
	TC_8, TC_16_CTOR, TC_24_DEBUG, TC_40, TC_64_HWALIGN, TC_96_DEBUG_CTOR,
	TC_128, TC_192_RCU_CTOR, TC_256_RCU, TC_328_CTOR, TC_512_DEBUG,
	TC_1000, TC_2048_CTOR, TC_3000_DEBUG, TC_4096, TC_8192_DEBUG_CTOR,
	TC_16384, TC_40000_DEBUG, TC_65536, NR_TCACHES
};

static void ctor_16(void *obj);
static void ctor_96(void *obj);
static void ctor_192(void *obj);
static void ctor_328(void *obj);
static void ctor_2048(void *obj);
static void ctor_8192(void *obj);

struct tcache_def {
	const char *name;
	unsigned int size;
	unsigned int align;
	slab_flags_t flags;
	void (*ctor)(void *obj);
};

static const struct tcache_def tcache_defs[NR_TCACHES] = {
	[TC_8] = { "tort-8", 8, 0, 0, NULL },
	[TC_16_CTOR] = { "tort-16-ctor", 16, 0, 0, ctor_16 },
	[TC_24_DEBUG] = { "tort-24-debug", 24, 0, TORTURE_DEBUG, NULL },
	[TC_40] = { "tort-40", 40, 8, 0, NULL },
	[TC_64_HWALIGN] = { "tort-64-hwalign", 64, 0, SLAB_HWCACHE_ALIGN, NULL },
	[TC_96_DEBUG_CTOR] = { "tort-96-debug-ctor", 96, 0, TORTURE_DEBUG, ctor_96 },
	[TC_128] = { "tort-128", 128, 0, 0, NULL },
	[TC_192_RCU_CTOR] = { "tort-192-rcu-ctor", 192, 0, SLAB_TYPESAFE_BY_RCU, ctor_192 },
	[TC_256_RCU] = { "tort-256-rcu", 256, 0, SLAB_TYPESAFE_BY_RCU, NULL },
	[TC_328_CTOR] = { "tort-328-ctor", 328, 0, 0, ctor_328 },
	[TC_512_DEBUG] = { "tort-512-debug", 512, 0, TORTURE_DEBUG, NULL },
	[TC_1000] = { "tort-1000", 1000, 0, 0, NULL },
	[TC_2048_CTOR] = { "tort-2048-ctor", 2048, 0, 0, ctor_2048 },
	[TC_3000_DEBUG] = { "tort-3000-debug", 3000, 0, TORTURE_DEBUG, NULL },
	[TC_4096] = { "tort-4096", 4096, 0, 0, NULL },
	[TC_8192_DEBUG_CTOR] = { "tort-8192-debug-ctor", 8192, 0, TORTURE_DEBUG, ctor_8192 },
	[TC_16384] = { "tort-16384", 16384, 64, 0, NULL },
	[TC_40000_DEBUG] = { "tort-40000-debug", 40000, 0, TORTURE_DEBUG, NULL },
	[TC_65536] = { "tort-65536", 65536, 0, 0, NULL },
};

/* A cache at run time. */
struct tcache {
	struct kslab_cache *s;
	bool rcu;		/* created with SLAB_TYPESAFE_BY_RCU */
	unsigned long errors;	/* kslab_cache_errors() accounted for */
	atomic_long_t slots[TORTURE_RCU_SLOTS];	/* published objects, if @rcu */
};

static struct tcache tcaches[NR_TCACHES];

/*
 * The movable caches, each with its own owner protocol: bucket locks, or
 * a cmpxchg on the slot (with debug flags, so kslab checks every free).
 */
#define MOV_SLOTS		2048	/* slots an owner has in each movable cache */
#define MOV_BUCKET		64	/* slots under one bucket lock */
#define MOV_KEEP		16	/* a wave keeps 1 in 16 objects */
#define MOV_BUSY		64	/* move() answers -EBUSY 1 in 64 times */
#define MOV_GEN_BITS		20	/* movable id = slot << 20 | generation */
#define MOV_HOP			8	/* defragmentations between CPU hops */
#define MOV_CI			0xe0	/* "cache index" of movable cache 0 */

enum { MC_192_LOCKED, MC_320_DEBUG_CAS, NR_MCACHES };

struct mcache_def {
	const char *name;
	unsigned int size;
	slab_flags_t flags;
	bool cas;		/* the cmpxchg owner, else bucket locks */
};

static const struct mcache_def mcache_defs[NR_MCACHES] = {
	[MC_192_LOCKED] = { "tort-mov-192-locked", 192, 0, false },
	[MC_320_DEBUG_CAS] = { "tort-mov-320-debug-cas", 320, TORTURE_DEBUG, true },
};

/* What the move callback and the defragmentation thread count. */
enum mstat {
	MS_MOVED,		/* move() returned 0 */
	MS_BUSY,		/* move() refused on purpose: -EBUSY */
	MS_ENOENT,		/* move() found @old no longer owned: -ENOENT */
	MS_GONE,		/* of which already freed when move() began */
	MS_BAD,			/* move() refused a bad object (an error) */
	MS_CALLS,		/* kslab_cache_defrag() calls */
	MS_PAGES,		/* the sum of what they returned */
	MS_NOMEM,		/* of which -ENOMEM, tolerated */
	NR_MSTATS
};

/*
 * struct mcache - a movable cache and the table of slots that owns its
 * objects. Slot i belongs to owner i / MOV_SLOTS, which alone makes it
 * NULL or not; move() repoints a non-NULL slot from @old to @new. With
 * bucket locks, locks[i / MOV_BUCKET] protects slots[i]; with cmpxchg,
 * slots[i] changes only by xchg() (the owner takes) and cmpxchg() (move),
 * or by a release store from NULL (the owner puts).
 */
struct mcache {
	struct kslab_cache *s;
	unsigned int idx;
	unsigned int size;
	bool cas;
	unsigned int nr;		/* slots */
	void **slots;
	u64 *ids;			/* the id stamped in slot i's object */
	spinlock_t *locks;		/* one per MOV_BUCKET slots, unless @cas */
	unsigned long errors;		/* kslab_cache_errors() accounted for */
	atomic_long_t stat[NR_MSTATS];
};

static struct mcache mcaches[NR_MCACHES];

/* struct trec - one object held by the torture, kept outside the object. */
struct trec {
	void *obj;
	u64 id;
	unsigned int len;	/* bytes stamped */
	u16 cpu;		/* the CPU that allocated it */
	u8 ci;			/* cache index, or KMALLOC_CI */
	s8 slot;		/* RCU slot it is published in, or -1 */
};

enum tkind { TK_THREAD, TK_HARDIRQ, TK_SOFTIRQ, TK_TEARDOWN, NR_TKINDS };

static const char *const tkind_names[NR_TKINDS] = {
	"threads", "hardirq", "softirq", "teardown"
};

/* Per-context counters: allocation and free calls, then events. */
enum tstat {
	TS_ALLOC,		/* kslab_cache_alloc() calls */
	TS_ALLOC_NODE,		/* kslab_cache_alloc_node() calls */
	TS_ALLOC_BULK,		/* kslab_cache_alloc_bulk() calls */
	TS_KMALLOC,		/* kslab_kmalloc() calls */
	TS_FREE,		/* kslab_cache_free() calls */
	TS_FREE_BULK,		/* kslab_cache_free_bulk() calls */
	TS_KFREE,		/* kslab_kfree() calls */
	NR_TS_OPS,
	TS_BULK_OBJS = NR_TS_OPS,	/* objects from bulk allocations */
	TS_BULK_FREED,		/* objects given to bulk frees */
	TS_OFF_NODE,		/* node-targeted objects from another node */
	TS_FREED,		/* objects freed */
	TS_REMOTE,		/* of which on another CPU than the allocation */
	TS_HANDOFF,		/* records put in another context's mailbox */
	TS_CHECKED,		/* objects checked (allocation and free) */
	TS_FAILED,		/* allocations that returned NULL, tolerated */
	TS_RCU_READ,		/* reads of published typesafe-by-RCU objects */
	TS_RUNS,		/* timer callbacks */
	TS_RUNS_AWAY,		/* of which not on the timer's own CPU */
	NR_TSTATS
};

/*
 * struct tctx - one context: a thread, a timer or the teardown. Only the
 * context itself touches @held and its counters (others read those
 * racily); @box is the mailbox others fill.
 */
struct tctx {
	unsigned int idx;
	enum tkind kind;
	int cpu;				/* last CPU it ran on: a hint */
	int home;				/* a timer's CPU */
	struct rnd_state rnd;
	u64 seq;
	struct trec *held;
	unsigned int nheld;
	unsigned int held_max;
	unsigned int bulk_max;
	unsigned long stat[NR_TSTATS];
	struct task_struct *task;
	struct hrtimer hrtimer;
	struct timer_list timer;
	spinlock_t box_lock;			/* protects the mailbox */
	unsigned int box_first;			/* box_lock */
	unsigned int box_count;			/* box_lock; racy reads */
	struct trec box[TORTURE_BOX];		/* box_lock */
};

static struct tctx *ctxs[TORTURE_MAX_CTXS];
static unsigned int nr_ctxs;
static struct tctx *teardown_ctx;
static struct task_struct *onoff_task;

/* Each context @c, in the order of ctxs[]; the teardown's is not one. */
#define for_each_ctx(c) \
	for (struct tctx **__pc = ctxs; __pc < ctxs + nr_ctxs && ((c) = *__pc); __pc++)

static bool torture_stopping;
static bool inject_armed;
static atomic_t inject_done = ATOMIC_INIT(0);
static u64 torture_key;
static long live_max;
static atomic_long_t live_bytes = ATOMIC_LONG_INIT(0);
static atomic_long_t nr_errors = ATOMIC_LONG_INIT(0);
static atomic_long_t nr_errors_shown = ATOMIC_LONG_INIT(0);
static unsigned long orphan_errors;
static int tnodes[MAX_NUMNODES];
static unsigned int nr_tnodes;
static unsigned int nr_rcu_caches;	/* typesafe by RCU, as asked */
static unsigned int nr_rcu_refused;	/* asked, refused: created without */

/* Controller and hotplug figures (each written by one thread only). */
static unsigned long nr_validations, nr_shrinks, nr_drops;
static unsigned long nr_onoff_cycles, nr_offline_refused;

static __printf(1, 2) void error_report(const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	atomic_long_inc(&nr_errors);
	if (atomic_long_inc_return(&nr_errors_shown) > TORTURE_ERRORS_SHOWN)
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("ERROR: %pV\n", &vaf);
	va_end(args);
}

/*
 * torture_kthread_start - run @fn(@arg) in a kthread named by @namefmt and
 * keep a reference to it in *@task for torture_kthread_stop(), as
 * kernel/torture.c's torture_create_kthread() does.
 * Return: 0, or a negative errno (and *@task NULL).
 */
static __printf(4, 5) int torture_kthread_start(struct task_struct **task,
						int (*fn)(void *arg), void *arg,
						const char *namefmt, ...)
{
	char name[32];
	va_list args;
	int ret;

	va_start(args, namefmt);
	vsnprintf(name, sizeof(name), namefmt, args);
	va_end(args);
	*task = kthread_run(fn, arg, "%s", name);
	if (IS_ERR(*task)) {
		ret = PTR_ERR(*task);
		*task = NULL;
		return ret;
	}
	get_task_struct(*task);
	return 0;
}

/* Stop the kthread of *@task, if it runs, and drop the reference. */
static void torture_kthread_stop(struct task_struct **task)
{
	if (!*task)
		return;
	kthread_stop(*task);
	put_task_struct(*task);
	*task = NULL;
}

static const char *tcache_name(unsigned int ci)
{
	if (ci >= MOV_CI && ci < MOV_CI + NR_MCACHES)
		return mcache_defs[ci - MOV_CI].name;
	return ci == KMALLOC_CI ? "kmalloc" : tcache_defs[ci].name;
}

static bool tcache_has_ctor(unsigned int ci)
{
	return ci != KMALLOC_CI && tcache_defs[ci].ctor;
}

/* Stamps: word 0, then a pattern of @key over the rest, bytes included. */
static u64 stamp_word0(unsigned int tag, unsigned int ci, u64 id)
{
	return (u64)tag << 56 | (u64)(ci & 0xff) << 48 | (id & ID_MASK);
}

static u64 stamp_word(u64 key, unsigned int i)
{
	u64 x = (key + i) * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 31);
}

static u64 live_key(u64 id)
{
	return id ^ torture_key;
}

static u64 ctor_key(unsigned int ci)
{
	return ci ^ CTOR_KEY ^ torture_key;
}

static void stamp_fill(void *obj, unsigned int len, u64 w0, u64 key)
{
	unsigned int i, nw = len / 8;
	u64 *w = obj;
	u64 last;

	if (len < 8) {
		memcpy(obj, &w0, len);
		return;
	}
	WRITE_ONCE(w[0], w0);
	for (i = 1; i < nw; i++)
		w[i] = stamp_word(key, i);
	if (len % 8) {
		last = stamp_word(key, nw);
		memcpy(obj + nw * 8, &last, len % 8);
	}
}

/* Return: 0 when @obj carries the stamp, else 1 + the first bad offset. */
static unsigned int stamp_check(const void *obj, unsigned int len, u64 w0,
				u64 key)
{
	unsigned int i, nw = len / 8;
	const u64 *w = obj;
	u64 last;

	if (len < 8)
		return memcmp(obj, &w0, len) ? 1 : 0;
	if (READ_ONCE(w[0]) != w0)
		return 1;
	for (i = 1; i < nw; i++)
		if (w[i] != stamp_word(key, i))
			return i * 8 + 1;
	if (len % 8) {
		last = stamp_word(key, nw);
		if (memcmp(obj + nw * 8, &last, len % 8))
			return nw * 8 + 1;
	}
	return 0;
}

/* Does @obj carry a live stamp of cache @ci (checked on two words)? */
static bool stamp_is_live(const void *obj, unsigned int len, unsigned int ci)
{
	const u64 *w = obj;
	u64 w0;

	if (len < 16)
		return false;
	w0 = READ_ONCE(w[0]);
	return w0 >> 48 == (TAG_LIVE << 8 | (ci & 0xff)) &&
	       w[1] == stamp_word(live_key(w0 & ID_MASK), 1);
}

/* The constructors: the constructed state is a stamp of the cache. */
static void ctor_fill(void *obj, unsigned int ci)
{
	stamp_fill(obj, tcache_defs[ci].size, stamp_word0(TAG_CTOR, ci, 0),
		   ctor_key(ci));
}

/* One constructor a constructed cache: a ctor is told only the object. */
#define DEFINE_CTOR(size, ci)				\
static void ctor_##size(void *obj)			\
{							\
	ctor_fill(obj, ci);				\
}

DEFINE_CTOR(16, TC_16_CTOR)
DEFINE_CTOR(96, TC_96_DEBUG_CTOR)
DEFINE_CTOR(192, TC_192_RCU_CTOR)
DEFINE_CTOR(328, TC_328_CTOR)
DEFINE_CTOR(2048, TC_2048_CTOR)
DEFINE_CTOR(8192, TC_8192_DEBUG_CTOR)

/* A number below @n from @rnd. */
static u32 torture_rand(struct rnd_state *rnd, u32 n)
{
	return ((u64)prandom_u32_state(rnd) * n) >> 32;
}

static u32 ctx_rand(struct tctx *c, u32 n)
{
	return torture_rand(&c->rnd, n);
}

/* Report why @obj, which should carry @w0's stamp, does not. */
static void obj_report(const char *when, unsigned int ci, const void *obj,
		       unsigned int bad, u64 w0)
{
	u64 found = READ_ONCE(*(const u64 *)obj);

	if (found >> 56 == TAG_LIVE && found != w0)
		error_report("%s: %s: object %p is live elsewhere (id %llx, not %llx): duplicate",
			     tcache_name(ci), when, obj, found & ID_MASK, w0 & ID_MASK);
	else
		error_report("%s: %s: object %p differs at byte %u (word 0 %llx, expected %llx)",
			     tcache_name(ci), when, obj, bad - 1, found, w0);
}

/* RCU slots: objects of typesafe caches that readers may look at. */
static void slot_publish(struct tctx *c, struct trec *r)
{
	struct tcache *tc = &tcaches[r->ci];
	unsigned int slot = ctx_rand(c, TORTURE_RCU_SLOTS);

	if (!atomic_long_read(&tc->slots[slot]) &&
	    !atomic_long_cmpxchg(&tc->slots[slot], 0, (long)r->obj))
		r->slot = slot;
}

static void slot_unpublish(struct trec *r)
{
	struct tcache *tc = &tcaches[r->ci];

	if (r->slot < 0)
		return;
	if (atomic_long_cmpxchg(&tc->slots[r->slot], (long)r->obj, 0) != (long)r->obj)
		error_report("%s: RCU slot %d lost object %p", tcache_name(r->ci),
			     r->slot, r->obj);
	r->slot = -1;
}

/*
 * rec_accept - check an object just allocated and take it into @r
 * @c: the context
 * @r: the record to fill
 * @ci: its cache index, or KMALLOC_CI
 * @obj: the object
 * @len: the bytes to stamp
 * @zlen: the bytes that must be zero (a zeroing allocation), or 0
 *
 * Return: false when the object is bad: reported, and dropped (never freed).
 */
static bool rec_accept(struct tctx *c, struct trec *r, unsigned int ci,
		       void *obj, unsigned int len, unsigned int zlen)
{
	unsigned int bad;
	u64 w0;

	c->stat[TS_CHECKED]++;
	if (tcache_has_ctor(ci)) {
		w0 = stamp_word0(TAG_CTOR, ci, 0);
		bad = stamp_check(obj, len, w0, ctor_key(ci));
		if (bad) {
			obj_report("allocated, not in its constructed state", ci, obj, bad, w0);
			return false;
		}
	} else if (stamp_is_live(obj, len, ci)) {
		error_report("%s: allocated object %p still carries live id %llx: duplicate",
			     tcache_name(ci), obj, *(u64 *)obj & ID_MASK);
		return false;
	}
	if (zlen && memchr_inv(obj, 0, zlen)) {
		error_report("%s: zeroed allocation %p is not zero", tcache_name(ci), obj);
		return false;
	}
	r->obj = obj;
	r->id = (u64)c->idx << SEQ_BITS | (++c->seq & GENMASK_ULL(SEQ_BITS - 1, 0));
	r->len = len;
	r->ci = ci;
	r->cpu = raw_smp_processor_id();
	r->slot = -1;
	stamp_fill(obj, len, stamp_word0(TAG_LIVE, ci, r->id), live_key(r->id));
	atomic_long_add(len, &live_bytes);
	if (ci != KMALLOC_CI && tcaches[ci].rcu && !ctx_rand(c, 2))
		slot_publish(c, r);
	return true;
}

/*
 * rec_release - check @r's object before it is freed and mark it freed
 * (a constructed one gets its constructed state back).
 * Return: false when it is bad: reported, and it must not be freed.
 */
static bool rec_release(struct tctx *c, struct trec *r)
{
	u64 w0 = stamp_word0(TAG_LIVE, r->ci, r->id);
	unsigned int bad;
	size_t ks;

	slot_unpublish(r);
	c->stat[TS_CHECKED]++;
	bad = stamp_check(r->obj, r->len, w0, live_key(r->id));
	if (bad) {
		obj_report("before free", r->ci, r->obj, bad, w0);
		return false;
	}
	if (r->ci == KMALLOC_CI) {
		ks = kslab_ksize(r->obj);
		if (ks != r->len)
			error_report("kmalloc: kslab_ksize(%p) changed from %u to %zu",
				     r->obj, r->len, ks);
	}
	if (tcache_has_ctor(r->ci))
		ctor_fill(r->obj, r->ci);
	else if (r->len >= 8)
		WRITE_ONCE(*(u64 *)r->obj, stamp_word0(TAG_FREED, r->ci, r->id));
	c->stat[TS_FREED]++;
	if (r->cpu != raw_smp_processor_id())
		c->stat[TS_REMOTE]++;
	atomic_long_sub(r->len, &live_bytes);
	return true;
}

static void rec_free(struct tctx *c, struct trec *r)
{
	if (!rec_release(c, r))
		return;
	if (r->ci == KMALLOC_CI) {
		kslab_kfree(r->obj);
		c->stat[TS_KFREE]++;
	} else {
		kslab_cache_free(tcaches[r->ci].s, r->obj);
		c->stat[TS_FREE]++;
	}
}

static void held_add(struct tctx *c, const struct trec *r)
{
	c->held[c->nheld++] = *r;
}

static void held_take(struct tctx *c, unsigned int i, struct trec *r)
{
	*r = c->held[i];
	c->held[i] = c->held[--c->nheld];
}

/* Keep @r if there is room, else free it. */
static void held_keep(struct tctx *c, struct trec *r)
{
	if (c->nheld < c->held_max)
		held_add(c, r);
	else
		rec_free(c, r);
}

static bool box_push(struct tctx *to, const struct trec *r)
{
	unsigned long flags;
	bool done = false;

	spin_lock_irqsave(&to->box_lock, flags);
	if (to->box_count < TORTURE_BOX) {
		to->box[(to->box_first + to->box_count) % TORTURE_BOX] = *r;
		WRITE_ONCE(to->box_count, to->box_count + 1);
		done = true;
	}
	spin_unlock_irqrestore(&to->box_lock, flags);
	return done;
}

static bool box_pop(struct tctx *c, struct trec *r)
{
	unsigned long flags;
	bool done = false;

	spin_lock_irqsave(&c->box_lock, flags);
	if (c->box_count) {
		*r = c->box[c->box_first];
		c->box_first = (c->box_first + 1) % TORTURE_BOX;
		WRITE_ONCE(c->box_count, c->box_count - 1);
		done = true;
	}
	spin_unlock_irqrestore(&c->box_lock, flags);
	return done;
}

/* A context other than @c, preferably one that last ran on another CPU. */
static struct tctx *ctx_pick_other(struct tctx *c)
{
	int cpu = raw_smp_processor_id();
	struct tctx *t = NULL;
	unsigned int i;

	if (nr_ctxs < 2)
		return NULL;
	for (i = 0; i < 4; i++) {
		t = ctxs[ctx_rand(c, nr_ctxs)];
		if (t != c && READ_ONCE(t->cpu) != cpu)
			return t;
	}
	return t != c ? t : NULL;
}

/* Hand @r to another context's mailbox, or free it here. */
static void rec_pass(struct tctx *c, struct trec *r)
{
	struct tctx *t = ctx_pick_other(c);

	if (t && box_push(t, r))
		c->stat[TS_HANDOFF]++;
	else
		rec_free(c, r);
}

/* A cache; those of objects above a page a quarter as often as the rest. */
static unsigned int ctx_pick_cache(struct tctx *c)
{
	unsigned int ci = ctx_rand(c, NR_TCACHES);

	while (tcache_defs[ci].size > PAGE_SIZE && ctx_rand(c, 4))
		ci = ctx_rand(c, NR_TCACHES);
	return ci;
}

/* Zero some allocations of caches whose objects may be zeroed. */
static bool ctx_want_zero(struct tctx *c, unsigned int ci)
{
	return !tcache_has_ctor(ci) && !tcaches[ci].rcu && !ctx_rand(c, 8);
}

static void op_alloc(struct tctx *c, gfp_t gfp)
{
	unsigned int ci = ctx_pick_cache(c), len = tcache_defs[ci].size;
	bool zero = ctx_want_zero(c, ci);
	struct trec r;
	void *obj;

	obj = kslab_cache_alloc(tcaches[ci].s, gfp | (zero ? __GFP_ZERO : 0));
	c->stat[TS_ALLOC]++;
	if (!obj) {
		c->stat[TS_FAILED]++;
		return;
	}
	if (rec_accept(c, &r, ci, obj, len, zero ? len : 0))
		held_keep(c, &r);
}

static void op_alloc_node(struct tctx *c, gfp_t gfp)
{
	unsigned int ci = ctx_pick_cache(c);
	int node = NUMA_NO_NODE;
	struct trec r;
	void *obj;

	if (nr_tnodes && ctx_rand(c, 8))
		node = tnodes[ctx_rand(c, nr_tnodes)];
	obj = kslab_cache_alloc_node(tcaches[ci].s, gfp, node);
	c->stat[TS_ALLOC_NODE]++;
	if (!obj) {
		c->stat[TS_FAILED]++;
		return;
	}
	if (node != NUMA_NO_NODE && page_to_nid(virt_to_page(obj)) != node)
		c->stat[TS_OFF_NODE]++;
	if (rec_accept(c, &r, ci, obj, tcache_defs[ci].size, 0))
		held_keep(c, &r);
}

/* Release @nr records of cache @ci and give their objects to one bulk free. */
static void recs_free_bulk(struct tctx *c, unsigned int ci, struct trec *recs,
			   unsigned int nr)
{
	void *objs[TORTURE_BULK_MAX];
	unsigned int i, n = 0;

	for (i = 0; i < nr; i++)
		if (rec_release(c, &recs[i]))
			objs[n++] = recs[i].obj;
	if (!n)
		return;
	kslab_cache_free_bulk(tcaches[ci].s, n, objs);
	c->stat[TS_FREE_BULK]++;
	c->stat[TS_BULK_FREED] += n;
}

static void op_alloc_bulk(struct tctx *c, gfp_t gfp)
{
	unsigned int ci = ctx_pick_cache(c), len = tcache_defs[ci].size;
	unsigned int nr = 1 + ctx_rand(c, c->bulk_max), i, n = 0;
	struct trec recs[TORTURE_BULK_MAX];
	void *objs[TORTURE_BULK_MAX];
	bool zero = ctx_want_zero(c, ci);
	int got;

	memset(objs, 0, sizeof(objs));
	got = kslab_cache_alloc_bulk(tcaches[ci].s, gfp | (zero ? __GFP_ZERO : 0),
				     nr, objs);
	c->stat[TS_ALLOC_BULK]++;
	if (!got) {
		c->stat[TS_FAILED]++;
		return;
	}
	if (got != (int)nr)
		error_report("%s: kslab_cache_alloc_bulk(%u) returned %d: not all or nothing",
			     tcache_name(ci), nr, got);
	c->stat[TS_BULK_OBJS] += nr;
	for (i = 0; i < nr; i++) {
		if (!objs[i]) {
			error_report("%s: kslab_cache_alloc_bulk() left object %u of %u NULL",
				     tcache_name(ci), i, nr);
			continue;
		}
		if (rec_accept(c, &recs[n], ci, objs[i], len, zero ? len : 0))
			n++;
	}
	/* keep some; hand the rest on, or give it straight back in bulk */
	for (i = 0; i < n && c->nheld < c->held_max && ctx_rand(c, 4); i++)
		held_add(c, &recs[i]);
	if (!ctx_rand(c, 4)) {
		recs_free_bulk(c, ci, recs + i, n - i);
		return;
	}
	for (; i < n; i++)
		rec_pass(c, &recs[i]);
}

/* A size from 1 to 20000 bytes, small ones the most likely. */
static unsigned int ctx_pick_size(struct tctx *c)
{
	u32 limit = min_t(u32, TORTURE_KMALLOC_MAX, 2U << ctx_rand(c, 15));

	return 1 + ctx_rand(c, limit);
}

static void op_kmalloc(struct tctx *c, gfp_t gfp)
{
	unsigned int size = ctx_pick_size(c), len;
	bool zero = !ctx_rand(c, 8);
	struct trec r;
	size_t ks;
	void *p;

	p = zero ? kslab_kzalloc(size, gfp) : kslab_kmalloc(size, gfp);
	c->stat[TS_KMALLOC]++;
	if (!p) {
		c->stat[TS_FAILED]++;
		return;
	}
	ks = kslab_ksize(p);
	len = ks;
	if (ks < size) {
		error_report("kmalloc: kslab_ksize(%p) = %zu for a size of %u", p, ks, size);
		len = size;
	}
	if (rec_accept(c, &r, KMALLOC_CI, p, len, zero ? size : 0))
		held_keep(c, &r);
}

/* Take a random held record into @r. Return: false when none is held. */
static bool held_take_any(struct tctx *c, struct trec *r)
{
	if (!c->nheld)
		return false;
	held_take(c, ctx_rand(c, c->nheld), r);
	return true;
}

static void op_free(struct tctx *c)
{
	struct trec r;

	if (held_take_any(c, &r))
		rec_free(c, &r);
}

/* Free up to 8 held objects of one cache in one bulk free. */
static void op_free_bulk(struct tctx *c)
{
	struct trec recs[8];
	unsigned int ci, i, n = 0;

	if (!c->nheld)
		return;
	ci = c->held[ctx_rand(c, c->nheld)].ci;
	if (ci == KMALLOC_CI) {
		op_free(c);
		return;
	}
	for (i = 0; i < c->nheld && n < ARRAY_SIZE(recs); ) {
		if (c->held[i].ci == ci)
			held_take(c, i, &recs[n++]);
		else
			i++;
	}
	recs_free_bulk(c, ci, recs, n);
}

/* Hand a held object to another context's mailbox (or free it here). */
static void op_handoff(struct tctx *c)
{
	struct trec r;

	if (held_take_any(c, &r))
		rec_pass(c, &r);
}

/* Free what others handed over; adopt some to free or pass on later. */
static void op_drain(struct tctx *c, unsigned int max)
{
	struct trec r;

	while (max-- && box_pop(c, &r)) {
		if (c->nheld < c->held_max && !ctx_rand(c, 2))
			held_add(c, &r);
		else
			rec_free(c, &r);
	}
}

/*
 * op_rcu_read - under rcu_read_lock(), read published objects of the
 * typesafe caches while their owners may unpublish, free and reuse them:
 * the memory must stay an object of the same cache.
 */
static void op_rcu_read(struct tctx *c)
{
	static const unsigned int rcu_cis[] = { TC_192_RCU_CTOR, TC_256_RCU };
	unsigned int ci, i, j, tag;
	u64 w0;
	void *p;

	if (!nr_rcu_caches)
		return;
	rcu_read_lock();
	for (i = 0; i < 4; i++) {
		ci = rcu_cis[ctx_rand(c, ARRAY_SIZE(rcu_cis))];
		if (!tcaches[ci].rcu)
			continue;
		p = (void *)atomic_long_read(&tcaches[ci].slots[ctx_rand(c, TORTURE_RCU_SLOTS)]);
		if (!p)
			continue;
		for (j = 0; j < 8; j++) {
			w0 = READ_ONCE(*(u64 *)p);
			tag = w0 >> 56;
			if ((tag != TAG_LIVE && tag != TAG_FREED && tag != TAG_CTOR) ||
			    ((w0 >> 48) & 0xff) != ci) {
				error_report("%s: RCU reader found %llx in %p: not this cache's",
					     tcache_name(ci), w0, p);
				break;
			}
			cpu_relax();
		}
		c->stat[TS_RCU_READ]++;
	}
	rcu_read_unlock();
}

/* One random step of context @c with allocation flags @gfp. */
static void ctx_step(struct tctx *c, gfp_t gfp)
{
	unsigned int r = ctx_rand(c, 100);

	WRITE_ONCE(c->cpu, raw_smp_processor_id());
	if (READ_ONCE(c->box_count) > TORTURE_BOX / 2 || r < 12) {
		op_drain(c, TORTURE_DRAIN);
		return;
	}
	if (c->nheld >= c->held_max ||
	    atomic_long_read(&live_bytes) > live_max) {
		if (r % 8)
			op_handoff(c);
		else
			op_free(c);
		return;
	}
	if (r < 30)
		op_alloc(c, gfp);
	else if (r < 36)
		op_alloc_node(c, gfp);
	else if (r < 42)
		op_alloc_bulk(c, gfp);
	else if (r < 52)
		op_kmalloc(c, gfp);
	else if (r < 84)
		op_handoff(c);
	else if (r < 88)
		op_free(c);
	else if (r < 92)
		op_free_bulk(c);
	else
		op_rcu_read(c);
}

/*
 * ctx_inject - @inject: break the rules once, as a buggy allocator would,
 * to show that the torture notices: flip a byte of a held object, or
 * give one object two holders.
 */
static void ctx_inject(struct tctx *c)
{
	struct trec *r, copy;

	if (!READ_ONCE(inject_armed) || torture_inject > 2 || !c->nheld ||
	    atomic_xchg(&inject_done, 1))
		return;
	r = &c->held[ctx_rand(c, c->nheld)];
	pr_info("inject=%d: %s object %p (id %llx)\n", torture_inject,
		torture_inject == 1 ? "flipping a byte of" : "giving two holders to",
		r->obj, r->id);
	if (torture_inject == 1) {
		((u8 *)r->obj)[r->len / 2] ^= 0x5a;
	} else {
		copy = *r;
		copy.slot = -1;
		rec_pass(c, &copy);
	}
}

/* A thread step, sometimes with interrupts or bottom halves off. */
static void thread_step(struct tctx *c)
{
	unsigned long flags;

	if (unlikely(torture_inject))
		ctx_inject(c);

	switch (ctx_rand(c, 16)) {
	case 0:
		/* on RT, spinlock_t sleeps: no allocator with interrupts off */
		if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
			migrate_disable();
			ctx_step(c, GFP_ATOMIC | __GFP_NOWARN);
			migrate_enable();
			break;
		}
		local_irq_save(flags);
		ctx_step(c, GFP_ATOMIC | __GFP_NOWARN);
		local_irq_restore(flags);
		break;
	case 1:
		local_bh_disable();
		ctx_step(c, GFP_ATOMIC | __GFP_NOWARN);
		local_bh_enable();
		break;
	case 2:
		ctx_step(c, GFP_NOWAIT | __GFP_NOWARN);
		break;
	default:
		ctx_step(c, GFP_KERNEL);
	}
}

static int thread_fn(void *arg)
{
	struct tctx *c = arg;
	unsigned int i;

	/* as locktorture's writers: the controller and hotplug go first */
	set_user_nice(current, MAX_NICE);
	while (!kthread_should_stop()) {
		for (i = 0; i < TORTURE_THREAD_STEPS; i++)
			thread_step(c);
		cond_resched();
	}
	return 0;
}

static void irq_steps(struct tctx *c)
{
	unsigned int i;

	c->stat[TS_RUNS]++;
	if (raw_smp_processor_id() != c->home)
		c->stat[TS_RUNS_AWAY]++;
	op_drain(c, 2 * TORTURE_DRAIN);
	for (i = 0; i < TORTURE_IRQ_STEPS; i++)
		ctx_step(c, GFP_ATOMIC | __GFP_NOWARN);
}

static enum hrtimer_restart hrtimer_fn(struct hrtimer *t)
{
	struct tctx *c = container_of(t, struct tctx, hrtimer);

	irq_steps(c);
	if (READ_ONCE(torture_stopping))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime((u64)irq_period_us * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static void timer_fn(struct timer_list *t)
{
	struct tctx *c = from_timer(c, t, timer);

	irq_steps(c);
	if (!READ_ONCE(torture_stopping))
		mod_timer(&c->timer, jiffies + 1);
}

/* Started by IPI on the timer's CPU: HRTIMER_MODE_*_PINNED keeps it there. */
static void hrtimer_start_here(void *arg)
{
	struct tctx *c = arg;

	hrtimer_start(&c->hrtimer, ns_to_ktime((u64)irq_period_us * NSEC_PER_USEC),
		      TORTURE_HRTIMER_MODE);
}

static struct tctx *ctx_new(enum tkind kind, unsigned int held_max)
{
	struct tctx *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	c->held = kcalloc(max(held_max, 1U), sizeof(*c->held), GFP_KERNEL);
	if (!c->held) {
		kfree(c);
		return NULL;
	}
	c->kind = kind;
	c->held_max = held_max;
	c->bulk_max = kind == TK_THREAD ? TORTURE_BULK_MAX : 8;
	c->cpu = -1;
	spin_lock_init(&c->box_lock);
	return c;
}

static void ctx_free(struct tctx *c)
{
	if (!c)
		return;
	kfree(c->held);
	kfree(c);
}

static int ctx_add(enum tkind kind, unsigned int held_max, int home)
{
	struct tctx *c = ctx_new(kind, held_max);

	if (!c)
		return -ENOMEM;
	c->home = home;
	c->idx = nr_ctxs;
	prandom_seed_state(&c->rnd, torture_seed + nr_ctxs + 1);
	ctxs[nr_ctxs++] = c;
	return 0;
}

/* Every context, none of them running yet: timers for @cpus. */
static int ctxs_create(unsigned int nthreads, const struct cpumask *cpus)
{
	unsigned int i;
	int cpu, ret = 0;

	for (i = 0; i < nthreads && !ret; i++)
		ret = ctx_add(TK_THREAD, TORTURE_HOLD_THREAD, -1);
	for_each_cpu(cpu, cpus) {
		if (nr_ctxs + 2 > TORTURE_MAX_CTXS)
			break;
		if (!ret)
			ret = ctx_add(TK_HARDIRQ, TORTURE_HOLD_IRQ, cpu);
		if (!ret)
			ret = ctx_add(TK_SOFTIRQ, TORTURE_HOLD_IRQ, cpu);
	}
	if (ret)
		return ret;
	teardown_ctx = ctx_new(TK_TEARDOWN, 0);
	if (!teardown_ctx)
		return -ENOMEM;
	teardown_ctx->idx = nr_ctxs;
	prandom_seed_state(&teardown_ctx->rnd, torture_seed);
	return 0;
}

static void ctxs_free(void)
{
	unsigned int i;

	for (i = 0; i < nr_ctxs; i++) {
		ctx_free(ctxs[i]);
		ctxs[i] = NULL;
	}
	nr_ctxs = 0;
	ctx_free(teardown_ctx);
	teardown_ctx = NULL;
}

/* Start the threads. */
static int ctxs_start_threads(void)
{
	struct tctx *c;
	int ret = 0;

	for_each_ctx(c) {
		if (c->kind != TK_THREAD)
			continue;
		ret = torture_kthread_start(&c->task, thread_fn, c,
					    "kslab_torture/%u", c->idx);
		if (ret) {
			pr_err("cannot start thread %u: %d\n", c->idx, ret);
			break;
		}
	}
	return ret;
}

/* Start each timer on its CPU. Context: cpus_read_lock() held. */
static int ctxs_start_timers(void)
{
	struct tctx *c;
	int ret;

	for_each_ctx(c) {
		if (c->kind == TK_HARDIRQ) {
			hrtimer_init(&c->hrtimer, CLOCK_MONOTONIC,
				     TORTURE_HRTIMER_MODE);
			c->hrtimer.function = hrtimer_fn;
			ret = smp_call_function_single(c->home, hrtimer_start_here, c, 1);
			if (ret) {
				pr_err("cannot start the hrtimer of CPU %d: %d\n", c->home, ret);
				return ret;
			}
		} else if (c->kind == TK_SOFTIRQ) {
			timer_setup(&c->timer, timer_fn, TIMER_PINNED);
			c->timer.expires = jiffies + 1;
			add_timer_on(&c->timer, c->home);
		}
	}
	return 0;
}

/* Stop every context: no thread runs and no timer is pending afterwards. */
static void ctxs_stop(void)
{
	struct tctx *c;

	WRITE_ONCE(torture_stopping, true);
	for_each_ctx(c) {
		if (c->hrtimer.function)
			hrtimer_cancel(&c->hrtimer);
		if (c->timer.function)
			del_timer_sync(&c->timer);
		torture_kthread_stop(&c->task);
	}
}

/* Free every object still held or in a mailbox; all contexts stopped. */
static void ctxs_drain(void)
{
	struct tctx *t = teardown_ctx, *c;
	struct trec r;

	if (!t)
		return;
	for_each_ctx(c) {
		while (c->nheld) {
			held_take(c, c->nheld - 1, &r);
			rec_free(t, &r);
		}
		while (box_pop(c, &r))
			rec_free(t, &r);
		cond_resched();
	}
}

/* Create every cache; a refused SLAB_TYPESAFE_BY_RCU falls back (counted). */
static int tcaches_create(void)
{
	const struct tcache_def *d;
	struct tcache *tc;
	unsigned int ci, i;

	for (ci = 0; ci < NR_TCACHES; ci++) {
		d = &tcache_defs[ci];
		tc = &tcaches[ci];
		tc->s = kslab_cache_create(d->name, d->size, d->align, d->flags, d->ctor);
		tc->rcu = tc->s && (d->flags & SLAB_TYPESAFE_BY_RCU);
		if (!tc->s && (d->flags & SLAB_TYPESAFE_BY_RCU)) {
			nr_rcu_refused++;
			pr_info("%s: kslab refused SLAB_TYPESAFE_BY_RCU; created without it (fallback, no RCU readers)\n",
				d->name);
			tc->s = kslab_cache_create(d->name, d->size, d->align,
						   d->flags & ~SLAB_TYPESAFE_BY_RCU, d->ctor);
		}
		if (!tc->s) {
			pr_err("%s: cannot create the cache\n", d->name);
			return -ENOMEM;
		}
		nr_rcu_caches += tc->rcu;
		tc->errors = kslab_cache_errors(tc->s);
		for (i = 0; i < TORTURE_RCU_SLOTS; i++)
			atomic_long_set(&tc->slots[i], 0);
	}
	return 0;
}

static void tcaches_destroy(void)
{
	unsigned int ci;

	for (ci = 0; ci < NR_TCACHES; ci++) {
		kslab_cache_destroy(tcaches[ci].s);
		tcaches[ci].s = NULL;
	}
}

/*
 * errors_account - count as errors what kslab_cache_errors() of the cache
 * @name (NULL: of no cache) shows, @now, above what was seen, *@seen.
 */
static void errors_account(const char *name, unsigned long now,
			   unsigned long *seen)
{
	if (now == *seen)
		return;
	if (name)
		error_report("%s: kslab_cache_errors() grew from %lu to %lu",
			     name, *seen, now);
	else
		error_report("kslab_cache_errors(NULL) grew from %lu to %lu",
			     *seen, now);
	atomic_long_add(now - *seen - 1, &nr_errors);
	*seen = now;
}

/* Count what kslab_cache_errors() caught since the last look. */
static void tcaches_poll_errors(void)
{
	unsigned long orphans = kslab_cache_errors(NULL);
	struct mcache *mc;
	unsigned int ci;

	for (ci = 0; ci < NR_TCACHES; ci++)
		errors_account(tcache_defs[ci].name, kslab_cache_errors(tcaches[ci].s),
			       &tcaches[ci].errors);
	for (ci = 0; ci < NR_MCACHES; ci++) {
		mc = &mcaches[ci];
		errors_account(mcache_defs[ci].name,
			       mc->s ? kslab_cache_errors(mc->s) : mc->errors,
			       &mc->errors);
	}
	errors_account(NULL, orphans, &orphan_errors);
}

static void tcache_validate(unsigned int ci)
{
	long ret = kslab_cache_validate(tcaches[ci].s);

	if (ret)
		error_report("%s: kslab_cache_validate() returned %ld",
			     tcache_defs[ci].name, ret);
}

/* Validate cache @ci of the torture's caches, then of the movable ones. */
static void cache_validate_any(unsigned int ci)
{
	long ret;

	if (ci < NR_TCACHES) {
		tcache_validate(ci);
		return;
	}
	ci -= NR_TCACHES;
	ret = kslab_cache_validate(mcaches[ci].s);
	if (ret)
		error_report("%s: kslab_cache_validate() returned %ld",
			     mcache_defs[ci].name, ret);
}

/* echo 2 > /proc/sys/vm/drop_caches, from the module. */
static void caches_drop(void)
{
	struct file *f;
	loff_t pos = 0;
	ssize_t ret;

	f = filp_open("/proc/sys/vm/drop_caches", O_WRONLY, 0);
	if (IS_ERR(f)) {
		error_report("cannot open /proc/sys/vm/drop_caches: %ld", PTR_ERR(f));
		return;
	}
	ret = kernel_write(f, "2\n", 2, &pos);
	filp_close(f, NULL);
	if (ret != 2)
		error_report("writing /proc/sys/vm/drop_caches: %zd", ret);
	else
		nr_drops++;
}

/*
 * kslabinfo_active - active objects in /proc/kslabinfo of the caches named
 * @name (exactly), or, when @prefix, of every cache whose name starts so.
 * Return: the sum, or a negative errno.
 */
static long kslabinfo_active(const char *name, bool prefix)
{
	size_t size = SZ_64K, len = 0;
	char *buf, *line, *next;
	unsigned long active;
	char cname[48];
	long sum = 0;
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	f = filp_open("/proc/kslabinfo", O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	buf = kvmalloc(size, GFP_KERNEL);
	if (!buf) {
		filp_close(f, NULL);
		return -ENOMEM;
	}
	do {
		n = kernel_read(f, buf + len, size - 1 - len, &pos);
		if (n > 0)
			len += n;
	} while (n > 0 && len < size - 1);
	filp_close(f, NULL);
	buf[len] = '\0';
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (sscanf(line, "%47s %lu", cname, &active) != 2)
			continue;
		if (prefix ? !strncmp(cname, name, strlen(name)) : !strcmp(cname, name))
			sum += active;
	}
	kvfree(buf);
	return n < 0 ? n : sum;
}

/*
 * MOVABLE CACHES: owners on every CPU fill their slots in waves and free
 * most of each, while a thread on another CPU defragments.
 */
enum mwstat {
	MW_WAVES,		/* waves completed */
	MW_ALLOC,		/* kslab_cache_alloc() calls */
	MW_FREE,		/* kslab_cache_free() calls */
	MW_CHECKED,		/* stamps checked (allocation, free, in place) */
	MW_FAILED,		/* allocations that returned NULL, tolerated */
	NR_MWSTATS
};

/* An owner: a thread that keeps to its CPU while that CPU is online. */
struct mworker {
	unsigned int idx;
	int home;
	struct rnd_state rnd;
	u32 gen;
	struct task_struct *task;
	unsigned long rehomed;		/* back on @home after an offline */
	unsigned long stat[NR_MCACHES][NR_MWSTATS];
};

/* kslab's own counters of a movable cache, read back from sysfs. */
enum { KS_MOVED, KS_REFUSED, KS_SLABS, KS_PAGES, NR_KSTATS };

static const char *const kstat_names[NR_KSTATS] = {
	"defrag_moved", "defrag_refused", "defrag_slabs", "defrag_pages"
};

static struct mworker *mworkers;
static unsigned int nr_mworkers;
static struct mworker mteardown;	/* the teardown's frees */
static struct task_struct *mdefrag_task;
static unsigned long nr_mdefrag_hops, nr_mdefrag_displaced;
static struct cpumask mdefrag_cpus;	/* where kslab_cache_defrag() was called */
static long mkstats[NR_MCACHES][NR_KSTATS];

static unsigned int mcache_ci(const struct mcache *mc)
{
	return MOV_CI + mc->idx;
}

static u64 mcache_w0(const struct mcache *mc, u64 id)
{
	return stamp_word0(TAG_LIVE, mcache_ci(mc), id);
}

static spinlock_t *mslot_lock(struct mcache *mc, unsigned int i)
{
	return &mc->locks[i / MOV_BUCKET];
}

/* Return: 0 when @obj carries the stamp of @id, else 1 + the first bad offset. */
static unsigned int mobj_check(struct mcache *mc, const void *obj, u64 id)
{
	return stamp_check(obj, mc->size, mcache_w0(mc, id), live_key(id));
}

/* Before @obj goes back to kslab: leave no live stamp on it. */
static void mobj_kill(struct mcache *mc, void *obj, u64 id)
{
	WRITE_ONCE(*(u64 *)obj, stamp_word0(TAG_FREED, mcache_ci(mc), id));
}

/*
 * mcache_move_locked - move() for the bucket-lock owner: under the lock
 * the slot either holds @old, whose stamp must then be whole, or not.
 */
static int mcache_move_locked(struct mcache *mc, void *old, void *new,
			      unsigned int i)
{
	spinlock_t *lock = mslot_lock(mc, i);
	unsigned int bad;
	int ret = 0;
	u64 id;

	spin_lock(lock);
	if (mc->slots[i] != old) {
		ret = -ENOENT;
		goto out;
	}
	id = mc->ids[i];
	bad = mobj_check(mc, old, id);
	if (bad) {
		obj_report("move, before the copy", mcache_ci(mc), old, bad,
			   mcache_w0(mc, id));
		ret = -EIO;
	} else if (!get_random_u32_below(MOV_BUSY)) {
		ret = -EBUSY;
	} else {
		memcpy(new, old, mc->size);
		if (!(READ_ONCE(inject_armed) && torture_inject == 3 &&
		      !atomic_xchg(&inject_done, 1)))
			mc->slots[i] = new;
		else
			pr_info("inject=3: move of %p to %p leaves the slot on %p\n",
				old, new, old);
		mobj_kill(mc, old, id);
	}
out:
	spin_unlock(lock);
	return ret;
}

/*
 * mcache_move_cas - move() for the cmpxchg owner: the cmpxchg that
 * repoints the slot after the copy proves the owner still held @old. An
 * owner marks what it takes only after its xchg(), so a bad stamp is an
 * error only if the slot still holds @old when read after the stamp.
 */
static int mcache_move_cas(struct mcache *mc, void *old, void *new,
			   unsigned int i)
{
	unsigned int bad;
	u64 id;

	/* pairs with mslot_put()'s release: the id was written first */
	if (smp_load_acquire(&mc->slots[i]) != old)
		return -ENOENT;
	id = READ_ONCE(mc->ids[i]);
	bad = mobj_check(mc, old, id);
	if (bad) {
		smp_rmb();	/* the id and stamp read before the slot */
		if (READ_ONCE(mc->slots[i]) != old)
			return -ENOENT;
		obj_report("move, before the copy", mcache_ci(mc), old, bad,
			   mcache_w0(mc, id));
		return -EIO;
	}
	if (!get_random_u32_below(MOV_BUSY))
		return -EBUSY;
	memcpy(new, old, mc->size);
	if (cmpxchg(&mc->slots[i], old, new) != old) {
		mobj_kill(mc, new, id);		/* kslab frees @new */
		return -ENOENT;
	}
	mobj_kill(mc, old, id);
	return 0;
}

/* Sometimes widen the window in which an owner may free @old meanwhile. */
static void mcache_move_wait(void)
{
	if (!get_random_u32_below(4))
		usleep_range(50, 250);
}

/*
 * mcache_move - kslab's move callback. @old may have been freed by its
 * owner: its slot comes from its word 0 and counts only if the slot
 * still holds @old. The stamp is checked before the copy and survives it
 * unchanged (it follows the slot and a generation, not the address).
 * @new must not carry a live stamp: kslab would have handed out a live
 * object. A bad object is an error and stays where it is (-EBUSY).
 */
static int mcache_move(struct kslab_cache *s, void *old, void *new, void *priv)
{
	struct mcache *mc = priv;
	unsigned int ci = mcache_ci(mc), i;
	u64 w0 = READ_ONCE(*(u64 *)old);
	int ret;

	i = (w0 & ID_MASK) >> MOV_GEN_BITS;
	if (w0 >> 48 != (TAG_LIVE << 8 | ci) || i >= mc->nr) {
		atomic_long_inc(&mc->stat[MS_GONE]);
		ret = -ENOENT;
	} else if (stamp_is_live(new, mc->size, ci)) {
		error_report("%s: move: new object %p carries live id %llx: duplicate",
			     tcache_name(ci), new, *(u64 *)new & ID_MASK);
		ret = -EIO;
	} else {
		mcache_move_wait();
		ret = mc->cas ? mcache_move_cas(mc, old, new, i) :
				mcache_move_locked(mc, old, new, i);
	}
	switch (ret) {
	case 0:
		atomic_long_inc(&mc->stat[MS_MOVED]);
		return 0;
	case -EBUSY:
		atomic_long_inc(&mc->stat[MS_BUSY]);
		return -EBUSY;
	case -ENOENT:
		atomic_long_inc(&mc->stat[MS_ENOENT]);
		return -ENOENT;
	default:
		atomic_long_inc(&mc->stat[MS_BAD]);
		return -EBUSY;
	}
}

static const struct kslab_move_ops mcache_move_ops = { .move = mcache_move };

/* The owner puts @obj, stamped with @id, in its empty slot @i. */
static void mslot_put(struct mcache *mc, unsigned int i, void *obj, u64 id)
{
	spinlock_t *lock;	/* the slot's bucket lock */

	WRITE_ONCE(mc->ids[i], id);
	if (mc->cas) {
		/* the stamp and the id before the slot: move() reads them after */
		smp_store_release(&mc->slots[i], obj);
		return;
	}
	lock = mslot_lock(mc, i);
	spin_lock(lock);
	mc->slots[i] = obj;
	spin_unlock(lock);
}

/* The owner takes slot @i's object out of move()'s reach. */
static void *mslot_take(struct mcache *mc, unsigned int i)
{
	spinlock_t *lock;	/* the slot's bucket lock */
	void *obj;

	if (mc->cas)
		return xchg(&mc->slots[i], NULL);
	lock = mslot_lock(mc, i);
	spin_lock(lock);
	obj = mc->slots[i];
	mc->slots[i] = NULL;
	spin_unlock(lock);
	return obj;
}

static void mslot_alloc(struct mworker *w, struct mcache *mc, unsigned int i)
{
	unsigned long *st = w->stat[mc->idx];
	void *obj;
	u64 id;

	obj = kslab_cache_alloc(mc->s, GFP_KERNEL);
	st[MW_ALLOC]++;
	if (!obj) {
		st[MW_FAILED]++;
		return;
	}
	st[MW_CHECKED]++;
	if (stamp_is_live(obj, mc->size, mcache_ci(mc))) {
		error_report("%s: allocated object %p still carries live id %llx: duplicate",
			     tcache_name(mcache_ci(mc)), obj, *(u64 *)obj & ID_MASK);
		return;		/* dropped, never freed */
	}
	id = (u64)i << MOV_GEN_BITS | (++w->gen & GENMASK(MOV_GEN_BITS - 1, 0));
	stamp_fill(obj, mc->size, mcache_w0(mc, id), live_key(id));
	mslot_put(mc, i, obj, id);
}

/* Take slot @i's object, check its stamp, free it. */
static void mslot_free(struct mworker *w, struct mcache *mc, unsigned int i)
{
	unsigned long *st = w->stat[mc->idx];
	void *obj = mslot_take(mc, i);
	unsigned int bad;
	u64 id;

	if (!obj)
		return;
	id = READ_ONCE(mc->ids[i]);
	st[MW_CHECKED]++;
	bad = mobj_check(mc, obj, id);
	if (bad) {
		obj_report("before free", mcache_ci(mc), obj, bad, mcache_w0(mc, id));
		return;		/* not freed: it may be someone else's */
	}
	mobj_kill(mc, obj, id);
	kslab_cache_free(mc->s, obj);
	st[MW_FREE]++;
}

/* Check slot @i's object where it is, under its lock (bucket locks only). */
static void mslot_check(struct mworker *w, struct mcache *mc, unsigned int i)
{
	spinlock_t *lock;	/* the slot's bucket lock */
	unsigned int bad;
	void *obj;

	if (mc->cas)
		return;
	lock = mslot_lock(mc, i);
	spin_lock(lock);
	obj = mc->slots[i];
	if (obj) {
		bad = mobj_check(mc, obj, mc->ids[i]);
		if (bad)
			obj_report("in its slot", mcache_ci(mc), obj, bad,
				   mcache_w0(mc, mc->ids[i]));
	}
	spin_unlock(lock);
	if (obj)
		w->stat[mc->idx][MW_CHECKED]++;
}

static bool mworker_yield(unsigned int step)
{
	if (step % 32)
		return false;
	cond_resched();
	return kthread_should_stop();
}

/*
 * mwave - fill every empty slot of the owner's, free 15 in 16 of them
 * (keeping a scattered few, which pin sparse slabs), then churn at a low
 * occupancy: what defragmentation is for.
 */
static void mwave(struct mworker *w, struct mcache *mc)
{
	unsigned int first = w->idx * MOV_SLOTS, i, j;

	for (j = 0; j < MOV_SLOTS; j++) {
		i = first + j;
		if (!READ_ONCE(mc->slots[i]))
			mslot_alloc(w, mc, i);
		if (mworker_yield(j))
			return;
	}
	for (j = 0; j < MOV_SLOTS; j++) {
		i = first + j;
		if (torture_rand(&w->rnd, MOV_KEEP))
			mslot_free(w, mc, i);
		else
			mslot_check(w, mc, i);
		if (mworker_yield(j))
			return;
	}
	for (j = 0; j < MOV_SLOTS; j++) {
		i = first + torture_rand(&w->rnd, MOV_SLOTS);
		if (!READ_ONCE(mc->slots[i])) {
			if (!torture_rand(&w->rnd, 8))
				mslot_alloc(w, mc, i);
		} else if (torture_rand(&w->rnd, 2)) {
			mslot_free(w, mc, i);
		} else {
			mslot_check(w, mc, i);
		}
		if (mworker_yield(j))
			return;
	}
	w->stat[mc->idx][MW_WAVES]++;
}

/*
 * Keep this thread to @cpu; on PREEMPT_RT to @cpu's node. There every
 * spinlock_t disables migration, and when the one CPU a kthread keeps to
 * goes offline while it sleeps on such a lock, its affinity is broken under
 * it: Debian's 6.1-rt and 6.12-rt kernels then WARN in affine_move_task()
 * at migrate_enable(), whatever the lock (seen with list_lock, a plain
 * spinlock_t). The hotplug thread takes one CPU offline at a time, so a
 * node of two CPUs or more always keeps one for the thread.
 */
static const struct cpumask *torture_home_mask(int cpu)
{
	return IS_ENABLED(CONFIG_PREEMPT_RT) ? cpumask_of_node(cpu_to_node(cpu)) :
					       cpumask_of(cpu);
}

/* Is this thread where torture_home_mask(@cpu) keeps it? */
static bool torture_at_home(int cpu)
{
	return cpumask_test_cpu(raw_smp_processor_id(), torture_home_mask(cpu));
}

static int mworker_fn(void *arg)
{
	struct mworker *w = arg;

	set_user_nice(current, MAX_NICE);
	set_cpus_allowed_ptr(current, torture_home_mask(w->home));
	while (!kthread_should_stop()) {
		/* an offline of @home let it run anywhere: go back */
		if (!torture_at_home(w->home) &&
		    !set_cpus_allowed_ptr(current, torture_home_mask(w->home)))
			w->rehomed++;
		mwave(w, &mcaches[torture_rand(&w->rnd, NR_MCACHES)]);
	}
	return 0;
}

/* A random online CPU, the boot CPU included, or -1. */
static int mdefrag_pick(struct rnd_state *rnd)
{
	unsigned int cpu = cpumask_nth(torture_rand(rnd, num_online_cpus()), cpu_online_mask);

	return cpu < nr_cpu_ids ? cpu : -1;
}

/*
 * mdefrag_fn - kslab_cache_defrag() of a random movable cache in a loop,
 * hopping to a random online CPU every MOV_HOP calls; an offline of the
 * CPU it keeps to moves it elsewhere (counted).
 */
static int mdefrag_fn(void *arg)
{
	struct rnd_state rnd;
	unsigned long n = 0;
	struct mcache *mc;
	int want = -1, cpu;
	long ret;

	prandom_seed_state(&rnd, torture_seed ^ 0x6465667261670aULL);
	while (!kthread_should_stop()) {
		if (!(n++ % MOV_HOP)) {
			cpu = mdefrag_pick(&rnd);
			if (cpu >= 0 && cpu != want &&
			    !set_cpus_allowed_ptr(current, torture_home_mask(cpu))) {
				want = cpu;
				nr_mdefrag_hops++;
			}
		}
		cpu = raw_smp_processor_id();
		if (want >= 0 && !torture_at_home(want)) {
			nr_mdefrag_displaced++;
			want = -1;
		}
		cpumask_set_cpu(cpu, &mdefrag_cpus);
		mc = &mcaches[torture_rand(&rnd, NR_MCACHES)];
		ret = kslab_cache_defrag(mc->s);
		atomic_long_inc(&mc->stat[MS_CALLS]);
		if (ret >= 0)
			atomic_long_add(ret, &mc->stat[MS_PAGES]);
		else if (ret == -ENOMEM)
			atomic_long_inc(&mc->stat[MS_NOMEM]);
		else
			error_report("%s: kslab_cache_defrag() returned %ld",
				     tcache_name(mcache_ci(mc)), ret);
		schedule_timeout_interruptible(torture_rand(&rnd, 3));
	}
	return 0;
}

/* The movable caches and their tables: @nowners owners of MOV_SLOTS slots. */
static int mcaches_create(unsigned int nowners)
{
	const struct mcache_def *d;
	struct mcache *mc;
	unsigned int k, i;
	int ret;

	mworkers = kcalloc(nowners, sizeof(*mworkers), GFP_KERNEL);
	if (!mworkers)
		return -ENOMEM;
	for (k = 0; k < NR_MCACHES; k++) {
		d = &mcache_defs[k];
		mc = &mcaches[k];
		mc->idx = k;
		mc->size = d->size;
		mc->cas = d->cas;
		mc->nr = nowners * MOV_SLOTS;
		mc->slots = kvcalloc(mc->nr, sizeof(*mc->slots), GFP_KERNEL);
		mc->ids = kvcalloc(mc->nr, sizeof(*mc->ids), GFP_KERNEL);
		if (!mc->cas)
			mc->locks = kvcalloc(mc->nr / MOV_BUCKET, sizeof(*mc->locks),
					     GFP_KERNEL);
		if (!mc->slots || !mc->ids || (!mc->cas && !mc->locks))
			return -ENOMEM;
		for (i = 0; !mc->cas && i < mc->nr / MOV_BUCKET; i++)
			spin_lock_init(&mc->locks[i]);
		mc->s = kslab_cache_create(d->name, d->size, 0, d->flags, NULL);
		if (!mc->s) {
			pr_err("%s: cannot create the cache\n", d->name);
			return -ENOMEM;
		}
		mc->errors = kslab_cache_errors(mc->s);
		ret = kslab_cache_set_movable(mc->s, &mcache_move_ops, mc);
		if (ret) {
			pr_err("%s: kslab_cache_set_movable() returned %d\n", d->name, ret);
			return ret;
		}
	}
	return 0;
}

/* After every thread: kslab_cache_destroy() also waits for a queued defrag. */
static void mcaches_destroy(void)
{
	struct mcache *mc;
	unsigned int k;

	for (k = 0; k < NR_MCACHES; k++) {
		mc = &mcaches[k];
		kslab_cache_destroy(mc->s);
		mc->s = NULL;
		kvfree(mc->slots);
		kvfree(mc->ids);
		kvfree(mc->locks);
		mc->slots = NULL;
		mc->ids = NULL;
		mc->locks = NULL;
	}
	kfree(mworkers);
	mworkers = NULL;
	nr_mworkers = 0;
}

/* An owner per thread asked for, each kept to an online CPU, then defrag. */
static int mov_start(unsigned int nowners)
{
	struct mworker *w;
	int cpu = -1, ret;
	unsigned int i;

	for (i = 0; i < nowners; i++) {
		w = &mworkers[i];
		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
		w->idx = i;
		w->home = cpu;
		prandom_seed_state(&w->rnd, torture_seed ^ (0x6d6f766500ULL + i));
		ret = torture_kthread_start(&w->task, mworker_fn, w,
					    "kslab_torture_mov/%u", i);
		if (ret) {
			pr_err("cannot start movable owner %u: %d\n", i, ret);
			return ret;
		}
		nr_mworkers++;
	}
	ret = torture_kthread_start(&mdefrag_task, mdefrag_fn, NULL,
				    "kslab_torture_defrag");
	if (ret)
		pr_err("cannot start the defragmentation thread: %d\n", ret);
	return ret;
}

static void mov_stop(void)
{
	unsigned int i;

	torture_kthread_stop(&mdefrag_task);
	for (i = 0; i < nr_mworkers; i++)
		torture_kthread_stop(&mworkers[i].task);
}

/*
 * mov_drain - owners and defragmentation stopped: make each cache
 * unmovable (which waits for a defragmentation the shrinker queued), see
 * that kslab counts as active exactly the objects the slots hold (none
 * lost or duplicated by a move), then free them all, checking each.
 */
static void mov_drain(void)
{
	unsigned long held;
	struct mcache *mc;
	unsigned int k, i;
	long active;

	for (k = 0; k < NR_MCACHES; k++) {
		mc = &mcaches[k];
		if (!mc->s || !mc->slots)
			continue;
		kslab_cache_set_movable(mc->s, NULL, NULL);
		held = 0;
		for (i = 0; i < mc->nr; i++)
			held += !!mc->slots[i];
		active = kslabinfo_active(tcache_name(mcache_ci(mc)), false);
		if (active >= 0 && active != held)
			error_report("%s: /proc/kslabinfo: %ld active, the slots hold %lu",
				     tcache_name(mcache_ci(mc)), active, held);
		for (i = 0; i < mc->nr; i++) {
			mslot_free(&mteardown, mc, i);
			if (!(i % 256))
				cond_resched();
		}
	}
}

/* A counter of kslab's sysfs statistics of cache @name, or a negative errno. */
static long kslab_stat_read(const char *name, const char *item)
{
	char path[96], buf[32];
	unsigned long v;
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/kernel/kslab/%s/%s", name, item);
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
	filp_close(f, NULL);
	if (n < 0)
		return n;
	buf[n] = '\0';
	buf[strcspn(buf, "\t\n C")] = '\0';	/* the sum, before per-CPU counts */
	if (kstrtoul(buf, 10, &v))
		return -EINVAL;
	return v;
}

/*
 * mcaches_finish - every object freed: each movable cache must give back
 * every slab, validate clean, show no active object, have moved objects,
 * and kslab's counters must agree with what move() answered.
 */
static void mcaches_finish(unsigned int *idle)
{
	long active, moved, refused;
	struct mcache *mc;
	const char *name;
	unsigned int k, j;
	int kept;

	*idle = 0;
	for (k = 0; k < NR_MCACHES; k++) {
		mc = &mcaches[k];
		name = tcache_name(mcache_ci(mc));
		kept = kslab_cache_shrink(mc->s);
		if (kept)
			error_report("%s: kslab_cache_shrink() keeps slabs with every object freed",
				     name);
		active = kslab_cache_validate(mc->s);
		if (active)
			error_report("%s: kslab_cache_validate() returned %ld", name, active);
		active = kslabinfo_active(name, false);
		if (active < 0)
			error_report("cannot read /proc/kslabinfo: %ld", active);
		else if (active)
			error_report("%s: /proc/kslabinfo: %ld active objects, all were freed",
				     name, active);
		else if (!kept)
			(*idle)++;
		moved = atomic_long_read(&mc->stat[MS_MOVED]);
		refused = atomic_long_read(&mc->stat[MS_BUSY]) +
			  atomic_long_read(&mc->stat[MS_ENOENT]) +
			  atomic_long_read(&mc->stat[MS_BAD]);
		if (!moved)
			error_report("%s: defragmentation moved no object in %ld calls",
				     name, atomic_long_read(&mc->stat[MS_CALLS]));
		for (j = 0; j < NR_KSTATS; j++)
			mkstats[k][j] = kslab_stat_read(name, kstat_names[j]);
		if (mkstats[k][KS_MOVED] < 0)
			continue;	/* no sysfs: nothing to compare */
		if (mkstats[k][KS_MOVED] != moved || mkstats[k][KS_REFUSED] != refused)
			error_report("%s: kslab: %ld moved, %ld refused; move(): %ld, %ld",
				     name, mkstats[k][KS_MOVED], mkstats[k][KS_REFUSED],
				     moved, refused);
		if (mkstats[k][KS_PAGES] < atomic_long_read(&mc->stat[MS_PAGES]))
			error_report("%s: kslab: %ld defrag pages; kslab_cache_defrag(): %ld",
				     name, mkstats[k][KS_PAGES],
				     atomic_long_read(&mc->stat[MS_PAGES]));
	}
	tcaches_poll_errors();
}

/* The owners' allocation and free calls, for the final count of ops. */
static u64 mov_ops(void)
{
	struct mworker *w;
	unsigned int i, k;
	u64 ops = 0;

	for (i = 0; i <= nr_mworkers; i++) {
		w = i < nr_mworkers ? &mworkers[i] : &mteardown;
		for (k = 0; k < NR_MCACHES; k++)
			ops += w->stat[k][MW_ALLOC] + w->stat[k][MW_FREE];
	}
	return ops;
}

static void mov_print(unsigned int idle)
{
	unsigned long s[NR_MWSTATS], rehomed = 0;
	struct mworker *w;
	struct mcache *mc;
	unsigned int i, k, j;

	for (k = 0; k < NR_MCACHES; k++) {
		mc = &mcaches[k];
		memset(s, 0, sizeof(s));
		for (i = 0; i <= nr_mworkers; i++) {
			w = i < nr_mworkers ? &mworkers[i] : &mteardown;
			for (j = 0; j < NR_MWSTATS; j++)
				s[j] += w->stat[k][j];
		}
		pr_info("phase movable: %s: %lu waves, %lu allocs (%lu failed), %lu frees, %lu stamps checked; %ld defrag calls, %ld objects moved, %ld moves refused (-EBUSY), %ld -ENOENT races (%ld freed before the call), %ld pages returned, %ld bad objects left\n",
			tcache_name(mcache_ci(mc)), s[MW_WAVES], s[MW_ALLOC],
			s[MW_FAILED], s[MW_FREE], s[MW_CHECKED],
			atomic_long_read(&mc->stat[MS_CALLS]),
			atomic_long_read(&mc->stat[MS_MOVED]),
			atomic_long_read(&mc->stat[MS_BUSY]),
			atomic_long_read(&mc->stat[MS_ENOENT]),
			atomic_long_read(&mc->stat[MS_GONE]),
			atomic_long_read(&mc->stat[MS_PAGES]),
			atomic_long_read(&mc->stat[MS_BAD]));
		pr_info("phase movable: %s: kslab counts defrag_moved %ld, defrag_refused %ld, defrag_slabs %ld, defrag_pages %ld\n",
			tcache_name(mcache_ci(mc)), mkstats[k][KS_MOVED],
			mkstats[k][KS_REFUSED], mkstats[k][KS_SLABS], mkstats[k][KS_PAGES]);
	}
	for (i = 0; i < nr_mworkers; i++)
		rehomed += mworkers[i].rehomed;
	pr_info("phase movable: %u owners kept to their CPUs (back %lu times after an offline); defragmentation on %u CPUs, %lu hops, %lu times moved off by an offline\n",
		nr_mworkers, rehomed, cpumask_weight(&mdefrag_cpus),
		nr_mdefrag_hops, nr_mdefrag_displaced);
	pr_info("phase movable: %u of %u movable caches empty (no slab after shrink, validated, 0 active)\n",
		idle, NR_MCACHES);
}

/*
 * tcaches_finish - with every object freed: every cache must report no
 * active object and give back every slab, validate clean, and have caught
 * no error; the kmalloc caches must be back where they started.
 */
static void tcaches_finish(long kmalloc_before, unsigned int *idle)
{
	struct tcache *tc;
	unsigned int ci;
	long active;
	int kept;

	if (nr_rcu_caches)
		rcu_barrier();
	tcaches_poll_errors();
	*idle = 0;
	for (ci = 0; ci < NR_TCACHES; ci++) {
		tc = &tcaches[ci];
		kept = kslab_cache_shrink(tc->s);
		if (kept && tc->rcu) {
			/* slabs of a typesafe cache go back after a grace period */
			rcu_barrier();
			kept = kslab_cache_shrink(tc->s);
		}
		if (kept)
			error_report("%s: kslab_cache_shrink() keeps slabs with every object freed",
				     tcache_defs[ci].name);
		tcache_validate(ci);
		active = kslabinfo_active(tcache_defs[ci].name, false);
		if (active < 0)
			error_report("cannot read /proc/kslabinfo: %ld", active);
		else if (active)
			error_report("%s: /proc/kslabinfo: %ld active objects, all were freed",
				     tcache_defs[ci].name, active);
		else if (!kept)
			(*idle)++;
	}
	active = kslabinfo_active("kmalloc-", true);
	if (active != kmalloc_before)
		error_report("kmalloc-*: /proc/kslabinfo: %ld active objects, %ld at the start",
			     active, kmalloc_before);
	tcaches_poll_errors();
}

/* A random online CPU other than @boot_cpu, or -1. */
static int onoff_pick(struct rnd_state *rnd, int boot_cpu)
{
	unsigned int n = num_online_cpus(), k;
	int cpu;

	if (n < 2)
		return -1;
	k = torture_rand(rnd, n - 1);
	for_each_online_cpu(cpu)
		if (cpu != boot_cpu && !k--)
			return cpu;
	return -1;
}

/*
 * onoff_rehome - put the timers of @cpu, which the offline moved to
 * another CPU, back on it: cancel (waiting for a running callback), then
 * start again there. Only this thread does it, and it is stopped before
 * the timers are.
 */
static void onoff_rehome(int cpu)
{
	struct tctx *c;

	for_each_ctx(c) {
		if (c->home != cpu)
			continue;
		if (c->kind == TK_HARDIRQ) {
			hrtimer_cancel(&c->hrtimer);
			if (smp_call_function_single(cpu, hrtimer_start_here, c, 1))
				hrtimer_start_here(c);
		} else if (c->kind == TK_SOFTIRQ) {
			del_timer_sync(&c->timer);
			c->timer.expires = jiffies + 1;
			add_timer_on(&c->timer, cpu_online(cpu) ? cpu : raw_smp_processor_id());
		}
	}
}

/*
 * onoff_fn - CPU hotplug: every @onoff_interval ms take a random online
 * CPU other than the first one offline and bring it back, so at most one
 * CPU is ever offline, then put its timers back on it. A refused offline
 * is tolerated (counted); a CPU that will not come back is an error.
 */
static int onoff_fn(void *arg)
{
	int boot_cpu = (long)arg, cpu, ret, tries;
	struct rnd_state rnd;
	unsigned int ms;

	prandom_seed_state(&rnd, torture_seed ^ 0x686f74706c7567ULL);
	while (!kthread_should_stop()) {
		schedule_timeout_interruptible(msecs_to_jiffies(onoff_interval));
		if (kthread_should_stop())
			break;
		cpu = onoff_pick(&rnd, boot_cpu);
		if (cpu < 0)
			continue;
		ret = remove_cpu(cpu);
		if (ret) {
			nr_offline_refused++;
			continue;
		}
		ms = 50 + prandom_u32_state(&rnd) % 250;
		schedule_timeout_interruptible(msecs_to_jiffies(ms));
		for (tries = 0; tries < 5; tries++) {
			ret = add_cpu(cpu);
			if (!ret)
				break;
			schedule_timeout_interruptible(HZ / 10);
		}
		if (ret) {
			error_report("CPU %d did not come back online: %d", cpu, ret);
			continue;
		}
		nr_onoff_cycles++;
		onoff_rehome(cpu);
	}
	return 0;
}

static void stats_sum(int kind, unsigned long *sum)
{
	struct tctx *c;
	unsigned int i, j;

	memset(sum, 0, NR_TSTATS * sizeof(*sum));
	for (i = 0; i <= nr_ctxs; i++) {
		c = i < nr_ctxs ? ctxs[i] : teardown_ctx;
		if (!c || (kind >= 0 && c->kind != kind))
			continue;
		for (j = 0; j < NR_TSTATS; j++)
			sum[j] += data_race(c->stat[j]);	/* a snapshot */
	}
}

static u64 stats_ops(const unsigned long *sum)
{
	u64 ops = 0;
	unsigned int j;

	for (j = 0; j < NR_TS_OPS; j++)
		ops += sum[j];
	return ops;
}

/* The periodic line, as locktorture's "Writes: Total: ..." */
static void stats_print(unsigned long secs)
{
	unsigned long sum[NR_TSTATS];
	unsigned int k;

	stats_sum(-1, sum);
	pr_info("t=%lus: %llu ops, %lu checked, %lu/%lu frees remote, %lu failures tolerated, %lu validations, %lu shrinks, %lu drop_caches, %lu hotplug cycles, %lu KiB live, %ld errors\n",
		secs, stats_ops(sum), sum[TS_CHECKED], sum[TS_REMOTE], sum[TS_FREED],
		sum[TS_FAILED], nr_validations, nr_shrinks, nr_drops, nr_onoff_cycles,
		atomic_long_read(&live_bytes) >> 10, atomic_long_read(&nr_errors));
	for (k = 0; k < NR_MCACHES; k++)
		pr_info("t=%lus: %s: %ld defrag calls, %ld moved, %ld -EBUSY, %ld -ENOENT, %ld pages returned\n",
			secs, mcache_defs[k].name,
			atomic_long_read(&mcaches[k].stat[MS_CALLS]),
			atomic_long_read(&mcaches[k].stat[MS_MOVED]),
			atomic_long_read(&mcaches[k].stat[MS_BUSY]),
			atomic_long_read(&mcaches[k].stat[MS_ENOENT]),
			atomic_long_read(&mcaches[k].stat[MS_PAGES]));
}

/* The figures of one kind of context. */
static void stats_print_kind(enum tkind kind)
{
	unsigned long s[NR_TSTATS];

	stats_sum(kind, s);
	pr_info("phase %s: %llu ops: alloc %lu, alloc_node %lu (%lu off-node), alloc_bulk %lu (%lu objects), kmalloc %lu, free %lu, free_bulk %lu (%lu objects), kfree %lu\n",
		tkind_names[kind], stats_ops(s), s[TS_ALLOC], s[TS_ALLOC_NODE],
		s[TS_OFF_NODE], s[TS_ALLOC_BULK], s[TS_BULK_OBJS], s[TS_KMALLOC],
		s[TS_FREE], s[TS_FREE_BULK], s[TS_BULK_FREED], s[TS_KFREE]);
	pr_info("phase %s: %lu objects freed, %lu on another CPU than their allocation, %lu handed to another context, %lu checked, %lu allocation failures tolerated, %lu RCU reads\n",
		tkind_names[kind], s[TS_FREED], s[TS_REMOTE], s[TS_HANDOFF],
		s[TS_CHECKED], s[TS_FAILED], s[TS_RCU_READ]);
	if (kind == TK_HARDIRQ || kind == TK_SOFTIRQ)
		pr_info("phase %s: %lu timer callbacks, %lu of them away from the timer's CPU (moved by an offline)\n",
			tkind_names[kind], s[TS_RUNS], s[TS_RUNS_AWAY]);
}

/* Is the deadline @*next (ms from the start) reached? Then set the next one. */
static bool control_due(s64 now, s64 *next, s64 period)
{
	if (now < *next)
		return false;
	*next = now + period;
	return true;
}

/*
 * torture_control - the controller, run by init for @duration seconds:
 * validation, shrinking, drop_caches, error polling and stats lines.
 */
static void torture_control(void)
{
	s64 now = 0, end = (s64)torture_duration * MSEC_PER_SEC;
	s64 next_validate = 500, next_shrink = 2000, next_drop = 5000;
	s64 next_stat = (s64)stat_interval * MSEC_PER_SEC;
	ktime_t start = ktime_get();
	unsigned int vci = 0, ci;
	struct rnd_state rnd;

	prandom_seed_state(&rnd, torture_seed ^ 0x636f6e74726f6cULL);
	while (now < end) {
		msleep(TORTURE_TICK_MS);
		now = ktime_ms_delta(ktime_get(), start);
		if (torture_inject && now >= 1000)
			WRITE_ONCE(inject_armed, true);
		if (control_due(now, &next_validate, 500)) {
			cache_validate_any(vci++ % (NR_TCACHES + NR_MCACHES));
			nr_validations++;
		}
		if (control_due(now, &next_shrink, 2000)) {
			ci = prandom_u32_state(&rnd) % (NR_TCACHES + NR_MCACHES);
			kslab_cache_shrink(ci < NR_TCACHES ? tcaches[ci].s :
					   mcaches[ci - NR_TCACHES].s);
			nr_shrinks++;
		}
		if (torture_drop_caches && control_due(now, &next_drop, 5000))
			caches_drop();
		tcaches_poll_errors();
		if (stat_interval && control_due(now, &next_stat, stat_interval * MSEC_PER_SEC))
			stats_print(now / MSEC_PER_SEC);
	}
}

static int __init params_check(void)
{
	if (torture_duration < 1 || torture_duration > 86400) {
		pr_err("duration=%d: must be 1 to 86400 seconds\n", torture_duration);
		return -EINVAL;
	}
	if (torture_threads == 0 || torture_threads < -1 ||
	    torture_threads > TORTURE_MAX_THREADS) {
		pr_err("threads=%d: must be -1 (one per online CPU) or 1 to %d\n",
		       torture_threads, TORTURE_MAX_THREADS);
		return -EINVAL;
	}
	if (torture_inject < 0 || torture_inject > 3) {
		pr_err("inject=%d: must be 0, 1, 2 or 3\n", torture_inject);
		return -EINVAL;
	}
	if (stat_interval < 0 || onoff_interval < 1 || irq_period_us < 50 ||
	    live_mb < 1) {
		pr_err("stat_interval=%d onoff_interval=%d irq_period_us=%d live_mb=%d: need stat_interval >= 0, onoff_interval >= 1, irq_period_us >= 50, live_mb >= 1\n",
		       stat_interval, onoff_interval, irq_period_us, live_mb);
		return -EINVAL;
	}
	return 0;
}

static void __init torture_print_parms(const char *tag, unsigned int nthreads,
				       unsigned int nirq)
{
	pr_info("--- %s: duration=%d threads=%u seed=%lu hotplug=%d drop_caches=%d irq=%d (%u hardirq, %u softirq timers) stat_interval=%d onoff_interval=%d irq_period_us=%d live_mb=%d inject=%d\n",
		tag, torture_duration, nthreads, torture_seed, torture_hotplug,
		torture_drop_caches, torture_irq, nirq, nirq, stat_interval,
		onoff_interval, irq_period_us, live_mb, torture_inject);
}

/* Print every figure, phase by phase. */
static void torture_print_figures(unsigned int idle)
{
	unsigned int kind;

	for (kind = 0; kind < NR_TKINDS; kind++)
		stats_print_kind(kind);
	pr_info("phase maintenance: %lu validations, %lu shrinks, %lu drop_caches during the run\n",
		nr_validations, nr_shrinks, nr_drops);
	pr_info("phase hotplug: %lu offline/online cycles, %lu offlines refused\n",
		nr_onoff_cycles, nr_offline_refused);
	pr_info("phase teardown: %u of %u caches empty (no slab after shrink, validated, 0 active), %ld bytes live\n",
		idle, NR_TCACHES, atomic_long_read(&live_bytes));
}

static int __init torture_start(unsigned int nthreads, unsigned int *nirq)
{
	cpumask_var_t cpus;
	unsigned int i;
	int ret;

	if (!zalloc_cpumask_var(&cpus, GFP_KERNEL))
		return -ENOMEM;
	cpus_read_lock();
	if (torture_irq)
		cpumask_copy(cpus, cpu_online_mask);
	ret = ctxs_create(nthreads, cpus);
	if (!ret)
		ret = ctxs_start_timers();
	cpus_read_unlock();
	free_cpumask_var(cpus);
	for (i = 0; i < nr_ctxs; i++)
		*nirq += ctxs[i]->kind == TK_HARDIRQ;
	if (!ret)
		ret = ctxs_start_threads();
	if (!ret)
		ret = mov_start(nthreads);
	if (ret || !torture_hotplug || num_online_cpus() < 2)
		return ret;
	ret = torture_kthread_start(&onoff_task, onoff_fn,
				    (void *)(long)cpumask_first(cpu_online_mask),
				    "kslab_torture_onoff");
	if (ret)
		pr_err("cannot start the hotplug thread: %d\n", ret);
	return ret;
}

static void torture_stop(void)
{
	torture_kthread_stop(&onoff_task);
	ctxs_stop();
	mov_stop();
	ctxs_drain();
	mov_drain();
}

static int __init torture_init(void)
{
	unsigned int nthreads, nirq = 0, idle = 0, midle = 0;
	unsigned long sum[NR_TSTATS];
	u64 ops = 0;
	long kmalloc_before, errors;
	int ret, nid;

	ret = params_check();
	if (ret)
		return ret;
	if (!torture_seed)
		torture_seed = get_random_u64() ?: 1;
	torture_key = torture_seed * 0x9e3779b97f4a7c15ULL;
	live_max = (long)live_mb << 20;
	nthreads = torture_threads > 0 ? torture_threads : num_online_cpus();
	nthreads = min_t(unsigned int, nthreads, TORTURE_MAX_THREADS);
	for_each_node_state(nid, N_MEMORY)
		tnodes[nr_tnodes++] = nid;

	ret = tcaches_create();
	if (!ret)
		ret = mcaches_create(nthreads);
	if (ret)
		goto out_caches;
	orphan_errors = kslab_cache_errors(NULL);
	kmalloc_before = kslabinfo_active("kmalloc-", true);
	if (kmalloc_before < 0) {
		pr_err("cannot read /proc/kslabinfo: %ld\n", kmalloc_before);
		ret = kmalloc_before;
		goto out_caches;
	}
	ret = torture_start(nthreads, &nirq);
	torture_print_parms("Start of test", nthreads, nirq);
	pr_info("%u caches (%u typesafe by RCU, %u refused the flag), %u nodes with memory; %u movable caches, %u slots each\n",
		NR_TCACHES, nr_rcu_caches, nr_rcu_refused, nr_tnodes, NR_MCACHES,
		nthreads * MOV_SLOTS);
	if (!ret)
		torture_control();
	torture_stop();
	if (!ret) {
		tcaches_finish(kmalloc_before, &idle);
		mcaches_finish(&midle);
		torture_print_figures(idle);
		mov_print(midle);
	}
	stats_sum(-1, sum);
	ops = stats_ops(sum) + mov_ops();
	ctxs_free();
out_caches:
	mcaches_destroy();
	tcaches_destroy();
	if (ret)
		return ret;
	errors = atomic_long_read(&nr_errors);
	torture_print_parms(errors ? "End of test: FAILURE" : "End of test: SUCCESS",
			    nthreads, nirq);
	pr_info("%llu ops, %ld errors\n", ops, errors);
	return 0;
}

static void __exit torture_exit(void)
{
}

module_init(torture_init);
module_exit(torture_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kslab torture test: hammers kslab from threads and interrupts");
