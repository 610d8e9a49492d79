// SPDX-License-Identifier: GPL-2.0
/*
 * judge.c - the torture's verdict and its figures: every error is counted
 * here and the first few printed, kslab_cache_errors() is polled, the
 * caches are checked once every object is freed, and the periodic "t="
 * lines and the final "phase" lines are printed (the movable caches'
 * own checks and lines are in movable.c).
 *
 *   What fails: a bad stamp, a broken constructed state, an object handed
 *   out twice, a non-zero zeroed object, kslab_ksize() below the size
 *   asked for, a bulk allocation that is not all or nothing,
 *   kslab_cache_validate() != 0, kslab_cache_errors() growing, a reader
 *   finding foreign memory, a CPU that does not come back online, and at
 *   the end any cache that keeps an active object or a slab
 *   (/proc/kslabinfo, kslab_cache_shrink()), a movable cache whose
 *   defragmentation moved nothing, or whose objects kslab counts otherwise
 *   than its slots hold them. Each is counted; the first few are printed.
 *   The last line is always "kslab-torture: N ops, M errors" (N:
 *   allocation and free calls).
 */
#define pr_fmt(fmt) "kslab-torture: " fmt

#include <linux/atomic.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "torture.h"

atomic_long_t nr_errors = ATOMIC_LONG_INIT(0);
static atomic_long_t nr_errors_shown = ATOMIC_LONG_INIT(0);
unsigned long orphan_errors;

static const char *const tkind_names[NR_TKINDS] = {
	"threads", "hardirq", "softirq", "teardown"
};

/* Count an error; print it if it is among the first TORTURE_ERRORS_SHOWN. */
void error_report(const char *fmt, ...)
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
void tcaches_poll_errors(void)
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

/*
 * tcaches_finish - with every object freed: every cache must report no
 * active object and give back every slab, validate clean, and have caught
 * no error; the kmalloc caches must be back where they started.
 */
void tcaches_finish(long kmalloc_before, unsigned int *idle)
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

/* Sum the counters of every context of @kind (-1: all), the teardown's too. */
void stats_sum(int kind, unsigned long *sum)
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

/* The allocation and free calls among the counters @sum. */
u64 stats_ops(const unsigned long *sum)
{
	u64 ops = 0;
	unsigned int j;

	for (j = 0; j < NR_TS_OPS; j++)
		ops += sum[j];
	return ops;
}

/* The periodic line, as locktorture's "Writes: Total: ..." */
void stats_print(unsigned long secs)
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

/* Print every figure, phase by phase. */
void torture_print_figures(unsigned int idle)
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

