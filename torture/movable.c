// SPDX-License-Identifier: GPL-2.0
/*
 * movable.c - the movable caches, from their creation to their verdict:
 * owners on every CPU fill their slots in waves and free most of each,
 * while a thread on another CPU defragments.
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
 */
#define pr_fmt(fmt) "kslab-torture: " fmt

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "kfile.h"
#include "torture.h"

#define MOV_BUCKET		64	/* slots under one bucket lock */
#define MOV_KEEP		16	/* a wave keeps 1 in 16 objects */
#define MOV_BUSY		64	/* move() answers -EBUSY 1 in 64 times */
#define MOV_GEN_BITS		20	/* movable id = slot << 20 | generation */
#define MOV_HOP			8	/* defragmentations between CPU hops */

const struct mcache_def mcache_defs[NR_MCACHES] = {
	[MC_192_LOCKED] = { "tort-mov-192-locked", 192, 0, false },
	[MC_320_DEBUG_CAS] = { "tort-mov-320-debug-cas", 320, TORTURE_DEBUG, true },
};

struct mcache mcaches[NR_MCACHES];

/* What an owner counts, per movable cache. */
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
 * mworker_wave - fill every empty slot of the owner's, free 15 in 16 of them
 * (keeping a scattered few, which pin sparse slabs), then churn at a low
 * occupancy: what defragmentation is for.
 */
static void mworker_wave(struct mworker *w, struct mcache *mc)
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
		mworker_wave(w, &mcaches[torture_rand(&w->rnd, NR_MCACHES)]);
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
int mcaches_create(unsigned int nowners)
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
void mcaches_destroy(void)
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
int mcaches_start(unsigned int nowners)
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

/* Stop the defragmentation thread, then the owners. */
void mcaches_stop(void)
{
	unsigned int i;

	torture_kthread_stop(&mdefrag_task);
	for (i = 0; i < nr_mworkers; i++)
		torture_kthread_stop(&mworkers[i].task);
}

/*
 * mcaches_drain - owners and defragmentation stopped: make each cache
 * unmovable (which waits for a defragmentation the shrinker queued), see
 * that kslab counts as active exactly the objects the slots hold (none
 * lost or duplicated by a move), then free them all, checking each.
 */
void mcaches_drain(void)
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

/*
 * mcaches_finish - every object freed: each movable cache must give back
 * every slab, validate clean, show no active object, have moved objects,
 * and kslab's counters must agree with what move() answered.
 */
void mcaches_finish(unsigned int *idle)
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
			mkstats[k][j] = kfile_ulong(KFILE_KSLAB "/%s/%s", name, kstat_names[j]);
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
u64 mcaches_ops(void)
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

/* The "phase movable" lines: what the owners, move() and kslab counted. */
void mcaches_print(unsigned int idle)
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

