/* SPDX-License-Identifier: GPL-2.0 */
/*
 * torture.h - the private header of kslab_torture.ko: the caches it
 * hammers, the records through which it checks every object, the
 * contexts that run, and the calls its files make of each other. The
 * module is one job a file, as kernel/torture.c keeps rcutorture's and
 * locktorture's generic parts apart:
 *
 *   control.c   parameters, the run from init to its last line, the controller
 *               and the kthread helpers
 *   cache.c     the caches, their constructors, stamps and object records
 *   context.c   contexts: threads and timers, their records and mailboxes
 *   step.c      what a context does: one random step on kslab
 *   movable.c   the movable caches: owners, move() and defragmentation
 *   hotplug.c   CPU hotplug, and keeping a thread to a CPU through it
 *   proc.c      what the torture reads and writes in /proc
 *   judge.c     errors, the final checks, the statistics lines
 *   kfile.c     reading /proc and /sys from a module (shared with bench/)
 */
#ifndef _KSLAB_TORTURE_H
#define _KSLAB_TORTURE_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/cpumask.h>
#include <linux/hrtimer.h>
#include <linux/numa.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/types.h>

#include "compat.h"
#include "kslab.h"

#define TORTURE_MAX_THREADS	64
#define TORTURE_MAX_CTXS	(TORTURE_MAX_THREADS + 2 * 64)
#define TORTURE_BOX		256	/* records a mailbox holds */
#define TORTURE_HOLD_THREAD	512	/* records a thread holds */
#define TORTURE_HOLD_IRQ	64	/* records an interrupt context holds */
#define TORTURE_BULK_MAX	16
#define TORTURE_THREAD_STEPS	64	/* steps between cond_resched() */
#define TORTURE_IRQ_STEPS	3	/* steps per timer callback */
/*
 * the "hardirq" context's timer: softirq on RT (no allocator in hardirq),
 * and where lockdep checks RT's lock nesting on any kernel (7.x with
 * PROVE_LOCKING on x86: a spinlock_t taken in hardirq is a splat there)
 */
#define TORTURE_HRTIMER_MODE	(IS_ENABLED(CONFIG_PREEMPT_RT) || \
				 IS_ENABLED(CONFIG_PROVE_RAW_LOCK_NESTING) ? \
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

#define TORTURE_DEBUG	(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | \
			 SLAB_CONSISTENCY_CHECKS)

/* The module's parameters that more than control.c reads (control.c). */
extern ulong torture_seed;
extern int torture_inject;
extern int onoff_interval;
extern int irq_period_us;

/* The run, as init set it up (control.c). */
extern u64 torture_key;			/* mixed into every stamp */
extern long live_max;			/* bytes of live objects above which steps only free */
extern int tnodes[MAX_NUMNODES];	/* the nodes with memory */
extern unsigned int nr_tnodes;
extern bool inject_armed;		/* @inject may act now */
extern atomic_t inject_done;		/* it did */
extern unsigned long nr_validations, nr_shrinks;

__printf(4, 5)
int torture_kthread_start(struct task_struct **task, int (*fn)(void *arg),
			  void *arg, const char *namefmt, ...);
void torture_kthread_stop(struct task_struct **task);

/* The caches; the name says what each one has. */
enum {
	TC_8, TC_16_CTOR, TC_24_DEBUG, TC_40, TC_64_HWALIGN, TC_96_DEBUG_CTOR,
	TC_128, TC_192_RCU_CTOR, TC_256_RCU, TC_328_CTOR, TC_512_DEBUG,
	TC_1000, TC_2048_CTOR, TC_3000_DEBUG, TC_4096, TC_8192_DEBUG_CTOR,
	TC_16384, TC_40000_DEBUG, TC_65536, NR_TCACHES
};

struct tcache_def {
	const char *name;
	unsigned int size;
	unsigned int align;
	slab_flags_t flags;
	void (*ctor)(void *obj);
};

/* A cache at run time. */
struct tcache {
	struct kslab_cache *s;
	bool rcu;		/* created with SLAB_TYPESAFE_BY_RCU */
	unsigned long errors;	/* kslab_cache_errors() accounted for */
	atomic_long_t slots[TORTURE_RCU_SLOTS];	/* published objects, if @rcu */
};

/* The caches, their stamps and the records of objects (cache.c). */
extern const struct tcache_def tcache_defs[NR_TCACHES];
extern struct tcache tcaches[NR_TCACHES];
extern unsigned int nr_rcu_caches;	/* typesafe by RCU, as asked */
extern unsigned int nr_rcu_refused;	/* asked, refused: created without */
extern atomic_long_t live_bytes;	/* bytes stamped in objects held */

/*
 * The movable caches, each with its own owner protocol: bucket locks, or
 * a cmpxchg on the slot (with debug flags, so kslab checks every free).
 */
#define MOV_SLOTS		2048	/* slots an owner has in each movable cache */
#define MOV_CI			0xe0	/* "cache index" of movable cache 0 */

enum { MC_192_LOCKED, MC_320_DEBUG_CAS, NR_MCACHES };

struct mcache_def {
	const char *name;
	unsigned int size;
	slab_flags_t flags;
	bool cas;		/* the cmpxchg owner, else bucket locks */
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

/* (movable.c) */
extern const struct mcache_def mcache_defs[NR_MCACHES];
extern struct mcache mcaches[NR_MCACHES];

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

/* (context.c) */
extern struct tctx *ctxs[TORTURE_MAX_CTXS];
extern unsigned int nr_ctxs;
extern struct tctx *teardown_ctx;

/* A number below @n from @rnd. */
static inline u32 torture_rand(struct rnd_state *rnd, u32 n)
{
	return ((u64)prandom_u32_state(rnd) * n) >> 32;
}

static inline u32 ctx_rand(struct tctx *c, u32 n)
{
	return torture_rand(&c->rnd, n);
}

static inline bool tcache_has_ctor(unsigned int ci)
{
	return ci != KMALLOC_CI && tcache_defs[ci].ctor;
}

/*
 * Stamps: word 0, then a pattern of a key over the rest, bytes included
 * (cache.c's stamp_fill() and stamp_check()). Here what the hot paths of
 * several files compute.
 */
static inline u64 stamp_word0(unsigned int tag, unsigned int ci, u64 id)
{
	return (u64)tag << 56 | (u64)(ci & 0xff) << 48 | (id & ID_MASK);
}

static inline u64 stamp_word(u64 key, unsigned int i)
{
	u64 x = (key + i) * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 31);
}

/* The key of a live object's stamp. */
static inline u64 live_key(u64 id)
{
	return id ^ torture_key;
}

/* Does @obj carry a live stamp of cache @ci (checked on two words)? */
static inline bool stamp_is_live(const void *obj, unsigned int len, unsigned int ci)
{
	const u64 *w = obj;
	u64 w0;

	if (len < 16)
		return false;
	w0 = READ_ONCE(w[0]);
	return w0 >> 48 == (TAG_LIVE << 8 | (ci & 0xff)) &&
	       w[1] == stamp_word(live_key(w0 & ID_MASK), 1);
}

static inline void held_add(struct tctx *c, const struct trec *r)
{
	c->held[c->nheld++] = *r;
}

static inline void held_take(struct tctx *c, unsigned int i, struct trec *r)
{
	*r = c->held[i];
	c->held[i] = c->held[--c->nheld];
}

/* cache.c */
const char *tcache_name(unsigned int ci);
void stamp_fill(void *obj, unsigned int len, u64 w0, u64 key);
unsigned int stamp_check(const void *obj, unsigned int len, u64 w0, u64 key);
void obj_report(const char *when, unsigned int ci, const void *obj,
		unsigned int bad, u64 w0);
bool rec_accept(struct tctx *c, struct trec *r, unsigned int ci, void *obj,
		unsigned int len, unsigned int zlen);
bool rec_release(struct tctx *c, struct trec *r);
void rec_free(struct tctx *c, struct trec *r);
int tcaches_create(void);
void tcaches_destroy(void);
void tcache_validate(unsigned int ci);

/* context.c */
bool box_push(struct tctx *to, const struct trec *r);
bool box_pop(struct tctx *c, struct trec *r);
int ctxs_create(unsigned int nthreads, const struct cpumask *cpus);
void ctxs_free(void);
int ctxs_start_threads(void);
int ctxs_start_timers(void);
void ctxs_rehome(int cpu);
void ctxs_stop(void);
void ctxs_drain(void);

/* step.c */
void op_drain(struct tctx *c, unsigned int max);
void ctx_step(struct tctx *c, gfp_t gfp);
void ctx_inject(struct tctx *c);

/* movable.c */
int mcaches_create(unsigned int nowners);
void mcaches_destroy(void);
int mcaches_start(unsigned int nowners);
void mcaches_stop(void);
void mcaches_drain(void);
void mcaches_finish(unsigned int *idle);
u64 mcaches_ops(void);
void mcaches_print(unsigned int idle);

/* hotplug.c */
extern unsigned long nr_onoff_cycles, nr_offline_refused;
const struct cpumask *torture_home_mask(int cpu);
bool torture_at_home(int cpu);
int onoff_start(void);
void onoff_stop(void);

/* proc.c */
extern unsigned long nr_drops;
void drop_caches_write(void);
long kslabinfo_active(const char *name, bool prefix);

/* judge.c */
extern atomic_long_t nr_errors;
extern unsigned long orphan_errors;	/* kslab_cache_errors(NULL) accounted for */
__printf(1, 2) void error_report(const char *fmt, ...);
void tcaches_poll_errors(void);
void tcaches_finish(long kmalloc_before, unsigned int *idle);
void stats_sum(int kind, unsigned long *sum);
u64 stats_ops(const unsigned long *sum);
void stats_print(unsigned long secs);
void torture_print_figures(unsigned int idle);

#endif /* _KSLAB_TORTURE_H */
