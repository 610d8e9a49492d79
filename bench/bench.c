// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - kslab's benchmark, kslab_bench.ko (make bench), run once when
 * the module loads: each workload on a kslab cache and on a kernel
 * kmem_cache of the same object size, alignment and flags (SLAB_NO_MERGE,
 * and for the debug workload the same debug flags on both sides, which
 * SLUB honours per cache with CONFIG_SLUB_DEBUG), in the same boot, the
 * two alternating over several rounds.
 * It prints one "result" line per measurement (median ns per operation of
 * each side, min and max, and the ratio kslab/SLUB; pages for the memory
 * workload) and one "stats" line with kslab's slow-path counters over the
 * timed rounds (the debug workload adds a "self" line a row: kslab with
 * the debug flags against kslab without, both medians of this boot),
 * which scripts/bench.sh turns into a table, a CSV file and a chart. An
 * operation is one object allocated or one freed. The clock is
 * ktime_get_ns(): under QEMU's TCG only ratios within one boot mean
 * anything. It uses only kslab.h: kslab's counters and pages, like
 * SLUB's, it reads from sysfs (kfile.c, shared with the torture), before
 * and after the timed rounds, never during them. It is not a test:
 * loading fails only when it cannot run.
 */
#define pr_fmt(fmt) "kslab_bench: " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/topology.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "kfile.h"
#include "kslab.h"

/* SLAB_NO_MERGE appeared in 6.5; before it, SLUB could not be asked. */
#ifndef SLAB_NO_MERGE
#define SLAB_NO_MERGE		0
#endif

#define BENCH_MAX_ROUNDS	31
#define BENCH_FAILED		U64_MAX
#define BENCH_RING		256	/* W4: objects handed over per trip */
#define BENCH_PARALLEL_N	1000	/* W5: W2's batch size */
#define BENCH_MIX_LEN		64	/* W6: sizes in the kmalloc mix */
#define BENCH_MIX_BATCH		16	/* W6: objects live at once */
#define BENCH_MEM_BYTES		(4UL << 20)	/* M: bytes of live objects */

static char *workloads = "all";
module_param(workloads, charp, 0444);
MODULE_PARM_DESC(workloads,
		 "comma-separated list of pair,batch,bulk,remote,parallel,kmalloc,memory,defrag,debug, or all (default)");

static unsigned int rounds = 7;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "timed rounds per measurement, each side once a round (1-31, default 7)");

static unsigned long ops = 200000;
module_param(ops, ulong, 0444);
MODULE_PARM_DESC(ops, "operations (allocs + frees) per timed sample (default 200000)");

static bool quick;
module_param(quick, bool, 0444);
MODULE_PARM_DESC(quick, "run every workload once for a tiny count: proves the benchmark works");

enum bench_workload {
	W_PAIR, W_BATCH, W_BULK, W_REMOTE, W_PARALLEL, W_KMALLOC, W_MEMORY,
	W_DEFRAG, W_DEBUG, W_NR
};

static const char *const workload_names[W_NR] = {
	"pair", "batch", "bulk", "remote", "parallel", "kmalloc", "memory",
	"defrag", "debug"
};

/*
 * The kslab counters a "stats" line reports, deltas over the timed rounds:
 * files of /sys/kernel/kslab/<cache>/, read before and after the rounds.
 */
static const char *const bench_stats[] = {
	"alloc_fastpath", "alloc_slowpath", "free_fastpath", "free_slowpath",
	"free_remote", "alloc_refill", "alloc_from_partial", "alloc_slab",
	"free_slab", "cpu_partial_alloc", "cpu_partial_free",
	"cpu_partial_drain", "depot_get", "depot_put",
};

/*
 * struct bench_row - one measurement: a workload at one parameter and
 * object size, and the two caches it runs on.
 */
struct bench_row {
	enum bench_workload w;
	char param[24];
	unsigned int size;	/* object size; 0 for the kmalloc mix */
	unsigned int n;		/* objects per batch, bulk call or trip */
	unsigned int ncpus;	/* W5: CPUs running at once */
	unsigned int cpu_b;	/* W4: the CPU that frees */
	slab_flags_t flags;	/* debug flags, the same on both sides */
	u64 iters;		/* repetitions in one sample */
	u64 ops;		/* allocs + frees in one sample, per CPU */
	u64 (*sample)(struct bench_row *r, bool k);
	struct kslab_cache *ks;
	struct kmem_cache *kc;
	char kname[24];		/* their names: /sys/kernel/kslab/<kname>/ */
	char sname[24];		/* and /sys/kernel/slab/<sname>/ */
	void **objs;		/* n objects per CPU */
	unsigned int *perm;	/* the order frees take (identity or shuffled) */
	u64 med[2];		/* row_print(): median ps an op, kslab and SLUB */
};

static unsigned int bench_cpu;		/* where single-CPU workloads run */
static unsigned int cache_serial;	/* unique cache names */
static unsigned int mix_sizes[BENCH_MIX_LEN];
static struct workqueue_struct *bench_wq;

/* xorshift32: the same "random" sequences in every boot and on both sides. */
static u32 bench_rand(u32 *state)
{
	u32 x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static __always_inline void *obj_alloc(struct bench_row *r, bool k)
{
	return k ? kslab_cache_alloc(r->ks, GFP_KERNEL) :
		   kmem_cache_alloc(r->kc, GFP_KERNEL);
}

static __always_inline void obj_free(struct bench_row *r, bool k, void *p)
{
	if (k)
		kslab_cache_free(r->ks, p);
	else
		kmem_cache_free(r->kc, p);
}

/* Allocate @n objects into @objs, writing a word to each, as a caller would. */
static __always_inline bool objs_alloc(struct bench_row *r, bool k,
				       void **objs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		objs[i] = obj_alloc(r, k);
		if (unlikely(!objs[i])) {
			while (i--)
				obj_free(r, k, objs[i]);
			return false;
		}
		*(unsigned long *)objs[i] = i;
	}
	return true;
}

/* Free @n objects of @objs in the row's order (r->perm). */
static __always_inline void objs_free(struct bench_row *r, bool k,
				      void **objs, unsigned int n)
{
	const unsigned int *perm = r->perm;
	unsigned int i;

	for (i = 0; i < n; i++)
		obj_free(r, k, objs[perm[i]]);
}

static __always_inline u64 pair_run(struct bench_row *r, bool k)
{
	u64 t0 = ktime_get_ns(), i;
	void *p;

	for (i = 0; i < r->iters; i++) {
		p = obj_alloc(r, k);
		if (unlikely(!p))
			return BENCH_FAILED;
		*(unsigned long *)p = i;
		obj_free(r, k, p);
	}
	return ktime_get_ns() - t0;
}

static u64 pair_sample(struct bench_row *r, bool k)
{
	return k ? pair_run(r, true) : pair_run(r, false);
}

static __always_inline u64 batch_run(struct bench_row *r, bool k, void **objs)
{
	u64 t0 = ktime_get_ns(), i;

	for (i = 0; i < r->iters; i++) {
		if (unlikely(!objs_alloc(r, k, objs, r->n)))
			return BENCH_FAILED;
		objs_free(r, k, objs, r->n);
	}
	return ktime_get_ns() - t0;
}

static u64 batch_sample(struct bench_row *r, bool k)
{
	return k ? batch_run(r, true, r->objs) : batch_run(r, false, r->objs);
}

static u64 bulk_sample(struct bench_row *r, bool k)
{
	unsigned int n = r->n, j;
	u64 t0 = ktime_get_ns(), i;
	void **objs = r->objs;
	int got;

	for (i = 0; i < r->iters; i++) {
		/* SLUB's returns n or 0 up to 6.x, true or false on 7.x */
		got = k ? kslab_cache_alloc_bulk(r->ks, GFP_KERNEL, n, objs) :
			  (kmem_cache_alloc_bulk(r->kc, GFP_KERNEL, n, objs) ? n : 0);
		if (unlikely(got != n))
			return BENCH_FAILED;
		for (j = 0; j < n; j++)
			*(unsigned long *)objs[j] = j;
		if (k)
			kslab_cache_free_bulk(r->ks, n, objs);
		else
			kmem_cache_free_bulk(r->kc, n, objs);
	}
	return ktime_get_ns() - t0;
}

/* W4: one trip's work on one CPU, timed there; no waiting is timed. */
struct remote_trip {
	struct bench_row *r;
	bool k;
	u64 ns;
};

static int remote_fill(void *arg)
{
	struct remote_trip *t = arg;
	u64 t0 = ktime_get_ns();
	bool ok;

	ok = t->k ? objs_alloc(t->r, true, t->r->objs, t->r->n) :
		    objs_alloc(t->r, false, t->r->objs, t->r->n);
	t->ns += ktime_get_ns() - t0;
	return ok ? 0 : -ENOMEM;
}

static int remote_drain(void *arg)
{
	struct remote_trip *t = arg;
	u64 t0 = ktime_get_ns();

	if (t->k)
		objs_free(t->r, true, t->r->objs, t->r->n);
	else
		objs_free(t->r, false, t->r->objs, t->r->n);
	t->ns += ktime_get_ns() - t0;
	return 0;
}

/*
 * W4: bench_cpu allocates a ring of objects, r->cpu_b frees them all, and
 * again: only one CPU works at a time, so neither clock counts the other's
 * waiting (and under -icount the other's instructions).
 */
static u64 remote_sample(struct bench_row *r, bool k)
{
	struct remote_trip t = { .r = r, .k = k };
	u64 i;

	for (i = 0; i < r->iters; i++) {
		if (smp_call_on_cpu(bench_cpu, remote_fill, &t, false))
			return BENCH_FAILED;
		smp_call_on_cpu(r->cpu_b, remote_drain, &t, false);
	}
	return t.ns;
}

/* W5: one CPU's share of a parallel run. */
struct par_job {
	struct work_struct work;
	struct bench_row *r;
	bool k;
	void **objs;
	u64 ns;
};

static atomic_t par_arrived;
static unsigned int par_cpus;

static void par_work(struct work_struct *work)
{
	struct par_job *j = container_of(work, struct par_job, work);

	/* start together: nobody's clock runs while the others are queued */
	atomic_inc(&par_arrived);
	while (atomic_read(&par_arrived) < par_cpus)
		cpu_relax();
	j->ns = j->k ? batch_run(j->r, true, j->objs) :
		       batch_run(j->r, false, j->objs);
}

/* W5: W2 on r->ncpus CPUs at once; Return: the mean of their times. */
static u64 parallel_sample(struct bench_row *r, bool k)
{
	unsigned int i, nr = 0, cpu;
	struct par_job *jobs;
	u64 sum = 0;

	jobs = kcalloc(r->ncpus, sizeof(*jobs), GFP_KERNEL);
	if (!jobs)
		return BENCH_FAILED;
	cpus_read_lock();
	if (num_online_cpus() < r->ncpus) {
		cpus_read_unlock();
		kfree(jobs);
		return BENCH_FAILED;
	}
	atomic_set(&par_arrived, 0);
	par_cpus = r->ncpus;
	for_each_online_cpu(cpu) {
		if (nr == r->ncpus)
			break;
		jobs[nr].r = r;
		jobs[nr].k = k;
		jobs[nr].objs = r->objs + (size_t)nr * r->n;
		INIT_WORK(&jobs[nr].work, par_work);
		queue_work_on(cpu, bench_wq, &jobs[nr].work);
		nr++;
	}
	cpus_read_unlock();
	for (i = 0; i < nr; i++) {
		flush_work(&jobs[i].work);
		if (jobs[i].ns == BENCH_FAILED)
			sum = BENCH_FAILED;
		if (sum != BENCH_FAILED)
			sum += jobs[i].ns;
	}
	kfree(jobs);
	return sum == BENCH_FAILED ? sum : div_u64(sum, r->ncpus);
}

static __always_inline u64 kmalloc_run(struct bench_row *r, bool k)
{
	unsigned int n = r->n, j, size;
	void **objs = r->objs;
	u64 t0 = ktime_get_ns(), i;

	for (i = 0; i < r->iters; i++) {
		for (j = 0; j < n; j++) {
			size = mix_sizes[(i * n + j) % BENCH_MIX_LEN];
			objs[j] = k ? kslab_kmalloc(size, GFP_KERNEL) :
				      kmalloc(size, GFP_KERNEL);
			if (unlikely(!objs[j])) {
				while (j--) {
					if (k)
						kslab_kfree(objs[j]);
					else
						kfree(objs[j]);
				}
				return BENCH_FAILED;
			}
			*(unsigned long *)objs[j] = j;
		}
		for (j = 0; j < n; j++) {
			if (k)
				kslab_kfree(objs[j]);
			else
				kfree(objs[j]);
		}
	}
	return ktime_get_ns() - t0;
}

static u64 kmalloc_sample(struct bench_row *r, bool k)
{
	return k ? kmalloc_run(r, true) : kmalloc_run(r, false);
}

/* Create the row's two caches (none for the kmalloc mix). */
static int row_caches_create(struct bench_row *r)
{
	if (!r->size)
		return 0;
	cache_serial++;
	snprintf(r->kname, sizeof(r->kname), "kbench_k%u", cache_serial);
	r->ks = kslab_cache_create(r->kname, r->size, 0, SLAB_NO_MERGE | r->flags, NULL);
	snprintf(r->sname, sizeof(r->sname), "kbench_s%u", cache_serial);
	r->kc = kmem_cache_create(r->sname, r->size, 0, SLAB_NO_MERGE | r->flags, NULL);
	if (r->ks && r->kc)
		return 0;
	pr_err("%s: cannot create caches of %u bytes\n",
	       workload_names[r->w], r->size);
	kslab_cache_destroy(r->ks);
	kmem_cache_destroy(r->kc);
	return -ENOMEM;
}

static void row_caches_destroy(struct bench_row *r)
{
	kslab_cache_destroy(r->ks);
	kmem_cache_destroy(r->kc);
	r->ks = NULL;
	r->kc = NULL;
}

static void row_size_str(const struct bench_row *r, char *buf, size_t len)
{
	if (r->size)
		snprintf(buf, len, "%u", r->size);
	else
		snprintf(buf, len, "8-4096");
}

static int u64_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Picoseconds per operation of a sample that took @ns for @nops. */
static u64 per_op_ps(u64 ns, u64 nops)
{
	return div64_u64(ns * 1000, nops);
}

/* Sorts @ns; Return: the median. */
static u64 median(u64 *ns, unsigned int nr)
{
	sort(ns, nr, sizeof(*ns), u64_cmp, NULL);
	return nr & 1 ? ns[nr / 2] : (ns[nr / 2 - 1] + ns[nr / 2]) / 2;
}

static void row_print(struct bench_row *r, u64 ns[2][BENCH_MAX_ROUNDS])
{
	u64 med[2], lo[2], hi[2], ratio;
	char size[16];
	int side;

	for (side = 0; side < 2; side++) {
		med[side] = per_op_ps(median(ns[side], rounds), r->ops);
		lo[side] = per_op_ps(ns[side][0], r->ops);
		hi[side] = per_op_ps(ns[side][rounds - 1], r->ops);
	}
	ratio = med[1] ? div64_u64(med[0] * 1000 + med[1] / 2, med[1]) : 0;
	r->med[0] = med[0];
	r->med[1] = med[1];
	row_size_str(r, size, sizeof(size));
	pr_info("result workload=%s param=%s size=%s kslab=%llu.%02llu slub=%llu.%02llu ratio=%llu.%03llu unit=ns/op kslab_min=%llu.%02llu kslab_max=%llu.%02llu slub_min=%llu.%02llu slub_max=%llu.%02llu\n",
		workload_names[r->w], r->param, size,
		med[0] / 1000, med[0] % 1000 / 10, med[1] / 1000, med[1] % 1000 / 10,
		ratio / 1000, ratio % 1000,
		lo[0] / 1000, lo[0] % 1000 / 10, hi[0] / 1000, hi[0] % 1000 / 10,
		lo[1] / 1000, lo[1] % 1000 / 10, hi[1] / 1000, hi[1] % 1000 / 10);
}

/*
 * stats_read - the row's kslab counters (none for the kmalloc mix), from
 * sysfs, never while a sample runs. Return: 0 or a negative errno.
 */
static int stats_read(const struct bench_row *r, unsigned long *v)
{
	unsigned int i;
	long x;

	for (i = 0; i < ARRAY_SIZE(bench_stats); i++) {
		x = r->ks ? kfile_ulong(KFILE_KSLAB "/%s/%s", r->kname, bench_stats[i]) : 0;
		if (x < 0) {
			pr_err("cannot read %s/%s/%s: %ld\n", KFILE_KSLAB, r->kname,
			       bench_stats[i], x);
			return x;
		}
		v[i] = x;
	}
	return 0;
}

static void stats_print(struct bench_row *r, const unsigned long *before,
			const unsigned long *after)
{
	char line[512], size[16];
	unsigned int i;
	int len;

	if (!r->ks)
		return;
	row_size_str(r, size, sizeof(size));
	len = scnprintf(line, sizeof(line), "stats workload=%s param=%s size=%s ops=%llu",
			workload_names[r->w], r->param, size,
			r->ops * r->ncpus * rounds);
	for (i = 0; i < ARRAY_SIZE(bench_stats); i++)
		len += scnprintf(line + len, sizeof(line) - len, " %s=%lu",
				 bench_stats[i], after[i] - before[i]);
	pr_info("%s\n", line);
}

/* Fill in what every row needs from its workload and n; the identity order. */
static int row_prepare(struct bench_row *r, bool shuffle)
{
	unsigned int i, j, nobjs = max(r->n, 1U) * max(r->ncpus, 1U);
	u32 seed = 2463534242U ^ r->n;

	r->ncpus = max(r->ncpus, 1U);
	r->objs = kvcalloc(nobjs, sizeof(void *), GFP_KERNEL);
	r->perm = kvcalloc(max(r->n, 1U), sizeof(unsigned int), GFP_KERNEL);
	if (!r->objs || !r->perm)
		return -ENOMEM;
	for (i = 0; i < r->n; i++)
		r->perm[i] = i;
	for (i = r->n; shuffle && i > 1; i--) {
		j = bench_rand(&seed) % i;
		swap(r->perm[i - 1], r->perm[j]);
	}
	/* allocs + frees per repetition: 2 per object */
	r->iters = max_t(u64, 1, div_u64(ops, 2 * max(r->n, 1U)));
	r->ops = r->iters * 2 * max(r->n, 1U);
	return 0;
}

static void row_release(struct bench_row *r)
{
	kvfree(r->objs);
	kvfree(r->perm);
	r->objs = NULL;
	r->perm = NULL;
}

/*
 * row_run - one measurement: a warm-up sample of each side, then as many
 * rounds as the rounds parameter says, each side timed once a round, the
 * side going first alternating.
 */
static int row_run(struct bench_row *r, bool shuffle)
{
	unsigned long before[ARRAY_SIZE(bench_stats)], after[ARRAY_SIZE(bench_stats)];
	static u64 ns[2][BENCH_MAX_ROUNDS];
	unsigned int i, j, side;
	int ret;

	ret = row_prepare(r, shuffle);
	if (!ret)
		ret = row_caches_create(r);
	if (ret) {
		row_release(r);
		return ret;
	}
	ret = -ENOMEM;
	if (r->sample(r, true) == BENCH_FAILED || r->sample(r, false) == BENCH_FAILED)
		goto out;
	ret = stats_read(r, before);
	if (ret)
		goto out;
	ret = -ENOMEM;
	for (i = 0; i < rounds; i++) {
		for (j = 0; j < 2; j++) {
			side = (i + j) & 1;	/* side 0 is kslab */
			ns[side][i] = r->sample(r, side == 0);
			if (ns[side][i] == BENCH_FAILED)
				goto out;
			cond_resched();
		}
	}
	ret = stats_read(r, after);
	if (ret)
		goto out;
	row_print(r, ns);
	stats_print(r, before, after);
out:
	if (ret == -ENOMEM)
		pr_err("%s %s size %u: allocation failed\n",
		       workload_names[r->w], r->param, r->size);
	row_caches_destroy(r);
	row_release(r);
	return ret;
}

/* Run the row @tmpl once for each object size of @sizes. */
static int row_sizes(const struct bench_row *tmpl, const unsigned int *sizes,
		     unsigned int nr, bool shuffle)
{
	struct bench_row r;
	unsigned int i;
	int ret;

	for (i = 0; i < nr; i++) {
		r = *tmpl;
		r.size = sizes[i];
		ret = row_run(&r, shuffle);
		if (ret)
			return ret;
	}
	return 0;
}

static const unsigned int two_sizes[] = { 64, 256 };

static int bench_pair(void)
{
	struct bench_row t = { .w = W_PAIR, .n = 1, .param = "-",
			       .sample = pair_sample };

	return row_sizes(&t, two_sizes, ARRAY_SIZE(two_sizes), false);
}

static int bench_batch(void)
{
	static const unsigned int sizes[] = { 64, 256, 1024 };
	static const unsigned int ns[] = { 10, 100, 1000, 10000 };
	unsigned int i, sh;
	int ret = 0;

	for (sh = 0; sh < 2 && !ret; sh++) {
		for (i = 0; i < ARRAY_SIZE(ns) && !ret; i++) {
			struct bench_row t = { .w = W_BATCH, .n = ns[i],
					       .sample = batch_sample };

			snprintf(t.param, sizeof(t.param), "%u%s", ns[i],
				 sh ? "-shuffled" : "");
			ret = row_sizes(&t, sizes, ARRAY_SIZE(sizes), sh);
		}
	}
	return ret;
}

static int bench_bulk(void)
{
	static const unsigned int ns[] = { 16, 64, 256 };
	unsigned int i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(ns) && !ret; i++) {
		struct bench_row t = { .w = W_BULK, .n = ns[i],
				       .sample = bulk_sample };

		snprintf(t.param, sizeof(t.param), "%u", ns[i]);
		ret = row_sizes(&t, two_sizes, ARRAY_SIZE(two_sizes), false);
	}
	return ret;
}

/* The first online CPU other than bench_cpu on (or off) bench_cpu's node. */
static int remote_cpu(bool same_node)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
		if (cpu != bench_cpu &&
		    (cpu_to_node(cpu) == cpu_to_node(bench_cpu)) == same_node)
			return cpu;
	return -1;
}

static int bench_remote(void)
{
	unsigned int i;
	int ret = 0, cpu;

	for (i = 0; i < 2 && !ret; i++) {
		struct bench_row t = { .w = W_REMOTE, .n = BENCH_RING,
				       .sample = remote_sample };

		strscpy(t.param, i ? "other-node" : "same-node", sizeof(t.param));
		cpu = remote_cpu(i == 0);
		if (cpu < 0) {
			pr_info("skip workload=remote param=%s: no such CPU online\n",
				t.param);
			continue;
		}
		t.cpu_b = cpu;
		ret = row_sizes(&t, two_sizes, ARRAY_SIZE(two_sizes), false);
	}
	return ret;
}

static int bench_parallel(void)
{
	unsigned int i, cpus[2] = { 1, num_online_cpus() };
	int ret = 0;

	for (i = 0; i < 2 && !ret; i++) {
		struct bench_row t = { .w = W_PARALLEL, .n = BENCH_PARALLEL_N,
				       .ncpus = cpus[i], .sample = parallel_sample };

		snprintf(t.param, sizeof(t.param), "%ucpu", cpus[i]);
		ret = row_sizes(&t, two_sizes, ARRAY_SIZE(two_sizes), false);
	}
	return ret;
}

static int bench_kmalloc(void)
{
	struct bench_row r = { .w = W_KMALLOC, .n = BENCH_MIX_BATCH,
			       .sample = kmalloc_sample };
	u32 seed = 88675123;
	unsigned int i, e;

	/* log-uniform: a power-of-two range, then a size inside it */
	for (i = 0; i < BENCH_MIX_LEN; i++) {
		e = bench_rand(&seed) % 10;
		mix_sizes[i] = max(8U, (8U << e) - bench_rand(&seed) % (4U << e));
	}
	snprintf(r.param, sizeof(r.param), "batch%u", BENCH_MIX_BATCH);
	return row_run(&r, false);
}

/*
 * slub_pages - pages SLUB holds for the cache @name: its slab count (every
 * slab of every node, the CPUs' included) times its pages a slab, as
 * /proc/slabinfo's num_slabs * pagesperslab (which a module cannot read).
 * Return: the count, or a negative errno.
 */
static long slub_pages(const char *name, unsigned int *objperslab,
		       unsigned int *pagesperslab)
{
	long slabs, order, objs;

	slabs = kfile_ulong(KFILE_SLUB "/%s/slabs", name);
	order = kfile_ulong(KFILE_SLUB "/%s/order", name);
	objs = kfile_ulong(KFILE_SLUB "/%s/objs_per_slab", name);
	if (slabs < 0 || order < 0 || objs < 0)
		return slabs < 0 ? slabs : order < 0 ? order : objs;
	*objperslab = objs;
	*pagesperslab = 1U << order;
	return slabs << order;
}

/*
 * M: @n live objects of @size in each; compare the pages each holds, and
 * (for information) the pages each still holds once they are all freed.
 */
static int bench_memory_one(unsigned int size, unsigned int n)
{
	struct bench_row r = { .w = W_MEMORY, .size = size, .n = n };
	unsigned int ratio, objperslab = 0, pagesperslab = 0;
	long kpages, kobjs, korder, kidle, spages, sidle;
	int ret;

	snprintf(r.param, sizeof(r.param), "%u", n);
	ret = row_prepare(&r, false);
	if (!ret)
		ret = row_caches_create(&r);
	if (ret) {
		row_release(&r);
		return ret;
	}
	ret = -ENOMEM;
	if (!objs_alloc(&r, true, r.objs, n))
		goto out;
	kpages = kfile_ulong(KFILE_KSLAB "/%s/pages", r.kname);
	kobjs = kfile_ulong(KFILE_KSLAB "/%s/objs_per_slab", r.kname);
	korder = kfile_ulong(KFILE_KSLAB "/%s/order", r.kname);
	objs_free(&r, true, r.objs, n);
	kidle = kfile_ulong(KFILE_KSLAB "/%s/pages", r.kname);
	if (!objs_alloc(&r, false, r.objs, n))
		goto out;
	spages = slub_pages(r.sname, &objperslab, &pagesperslab);
	objs_free(&r, false, r.objs, n);
	sidle = slub_pages(r.sname, &objperslab, &pagesperslab);
	ret = -ENOENT;
	if (kpages < 0 || kobjs < 0 || korder < 0 || kidle < 0) {
		pr_err("memory: cannot read kslab's counts of %s in %s\n",
		       r.kname, KFILE_KSLAB);
		goto out;
	}
	ret = 0;
	if (spages <= 0) {
		pr_err("memory: cannot read SLUB's counts of %s in %s (%ld)\n",
		       r.sname, KFILE_SLUB, spages);
		ret = spages ? (int)spages : -ENOENT;
		goto out;
	}
	ratio = div64_u64((u64)kpages * 1000 + spages / 2, spages);
	pr_info("result workload=memory param=%u size=%u kslab=%ld slub=%ld ratio=%u.%03u unit=pages kslab_objperslab=%ld kslab_order=%ld slub_objperslab=%u slub_pagesperslab=%u kslab_idle=%ld slub_idle=%ld\n",
		n, size, kpages, spages, ratio / 1000, ratio % 1000,
		kobjs, korder, objperslab, pagesperslab,
		kidle, sidle);
out:
	if (ret == -ENOMEM)
		pr_err("memory size %u: allocation failed\n", size);
	row_caches_destroy(&r);
	row_release(&r);
	return ret;
}

static int bench_memory(void)
{
	static const unsigned int sizes[] = {
		8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 700, 1024,
		2048, 3000, 4096
	};
	unsigned int i, n;
	int ret;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		n = clamp_t(unsigned long, BENCH_MEM_BYTES / sizes[i], 1024, 65536);
		ret = bench_memory_one(sizes[i], quick ? 64 : n);
		if (!ret)
			ret = bench_memory_one(sizes[i], 100);
		if (ret)
			return ret;
		cond_resched();
	}
	return 0;
}

/*
 * D: what defragmentation is for. Waves of short-lived objects leave a
 * few long-lived ones scattered over many slabs, each slab pinned by one
 * of them. On three caches of 192 B side by side: kslab with movable
 * objects, defragmented after each wave; kslab without; SLUB. A wave
 * allocates a burst, keeps every 40th object for good and frees the
 * rest, then each cache is shrunk. After each wave: the pages each holds
 * against the pages the live objects need.
 */
#define WAVES		6
#define WAVE_BURST	24000
#define WAVE_KEEP	40
#define WAVE_SIZE	192

enum { SIDE_MOVABLE, SIDE_KSLAB, SIDE_SLUB, NR_SIDES };

/* Every object knows its slot; the rest of it is a stamp of that slot. */
struct wave_obj {
	u32 slot;
	u32 stamp[WAVE_SIZE / 4 - 1];
};

/* The owner of one side's objects: lock protects slots. */
struct wave_table {
	spinlock_t lock;	/* the owner's: slots, bad */
	void **slots;
	unsigned int bad;	/* lock: objects found with a wrong stamp */
	bool movable;		/* the cache's move ops are ours */
	long returned;		/* pages kslab_cache_defrag() gave back */
};

static u32 wave_stamp(unsigned int slot, unsigned int i)
{
	return slot * 2654435761U + i;
}

static void wave_write(struct wave_obj *o, unsigned int slot)
{
	unsigned int i;

	o->slot = slot;
	for (i = 0; i < ARRAY_SIZE(o->stamp); i++)
		o->stamp[i] = wave_stamp(slot, i);
}

/* Return: true when @o carries the stamp of its slot. */
static bool wave_check(const struct wave_obj *o)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(o->stamp); i++)
		if (o->stamp[i] != wave_stamp(o->slot, i))
			return false;
	return true;
}

/* kslab_move_ops.move: under the owner's lock, copy and repoint. */
static int wave_move(struct kslab_cache *s, void *old, void *new, void *priv)
{
	struct wave_table *t = priv;
	struct wave_obj *o = old;
	int ret = -ENOENT;

	spin_lock(&t->lock);
	if (t->slots[o->slot] == old) {
		t->bad += !wave_check(o);
		memcpy(new, old, WAVE_SIZE);
		t->slots[o->slot] = new;
		ret = 0;
	}
	spin_unlock(&t->lock);
	return ret;
}

static const struct kslab_move_ops wave_ops = { .move = wave_move };

/*
 * One side's wave: slots [live, live + burst) filled, most freed, shrunk,
 * and defragmented when @ks is movable. @ks, or SLUB's @kc when @ks is NULL.
 */
static bool wave_run(struct kslab_cache *ks, struct kmem_cache *kc,
		     struct wave_table *t, unsigned int live, unsigned int burst)
{
	unsigned int i, to = live;
	bool k = ks;
	struct wave_obj *o;

	for (i = live; i < live + burst; i++) {
		o = k ? kslab_cache_alloc(ks, GFP_KERNEL) :
			kmem_cache_alloc(kc, GFP_KERNEL);
		if (!o)
			return false;
		wave_write(o, i);
		spin_lock(&t->lock);
		t->slots[i] = o;
		spin_unlock(&t->lock);
	}
	for (i = live; i < live + burst; i++) {
		if ((i - live) % WAVE_KEEP == WAVE_KEEP / 2)
			continue;
		spin_lock(&t->lock);
		o = t->slots[i];
		t->slots[i] = NULL;
		t->bad += !wave_check(o);
		spin_unlock(&t->lock);
		if (k)
			kslab_cache_free(ks, o);
		else
			kmem_cache_free(kc, o);
	}
	if (k)
		kslab_cache_shrink(ks);
	else
		kmem_cache_shrink(kc);
	if (k && t->movable)
		t->returned += max(kslab_cache_defrag(ks), 0L);
	/* the kept ones move down, so the next wave appends after them */
	spin_lock(&t->lock);
	for (i = live; i < live + burst; i++) {
		o = t->slots[i];
		if (!o)
			continue;
		t->slots[i] = NULL;
		t->bad += !wave_check(o);
		wave_write(o, to);
		t->slots[to++] = o;
	}
	spin_unlock(&t->lock);
	return true;
}

/* x100 of @held / @need, printed as "1.25". */
static unsigned int frag_x100(long held, unsigned long need)
{
	return held > 0 ? div64_u64((u64)held * 100, need) : 0;
}

static int bench_defrag(void)
{
	unsigned int burst = quick ? 1200 : WAVE_BURST, cap, w, i, live = 0;
	struct bench_row r = { .w = W_DEFRAG, .size = WAVE_SIZE };
	struct wave_table t[NR_SIDES] = {};
	unsigned int f[NR_SIDES], ratio;
	long held[NR_SIDES], moved, refused;
	unsigned int objperslab, pagesperslab;
	struct kslab_cache *plain;
	char name[32];
	unsigned long need;
	int side, ret;

	ret = row_caches_create(&r);
	if (ret)
		return ret;
	snprintf(name, sizeof(name), "kbench_d%u", cache_serial);
	plain = kslab_cache_create(name, WAVE_SIZE, 0, SLAB_NO_MERGE, NULL);
	cap = WAVES * burst / WAVE_KEEP + burst;
	ret = -ENOMEM;
	for (side = 0; side < NR_SIDES; side++) {
		spin_lock_init(&t[side].lock);
		t[side].slots = kvcalloc(cap, sizeof(void *), GFP_KERNEL);
		if (!t[side].slots)
			goto out;
	}
	if (!plain)
		goto out;
	ret = kslab_cache_set_movable(r.ks, &wave_ops, &t[SIDE_MOVABLE]);
	if (ret)
		goto out;
	t[SIDE_MOVABLE].movable = true;
	for (w = 1; w <= WAVES; w++) {
		ret = -ENOMEM;
		if (!wave_run(r.ks, NULL, &t[SIDE_MOVABLE], live, burst) ||
		    !wave_run(plain, NULL, &t[SIDE_KSLAB], live, burst) ||
		    !wave_run(NULL, r.kc, &t[SIDE_SLUB], live, burst))
			goto out;
		live += DIV_ROUND_UP(burst, WAVE_KEEP);
		need = DIV_ROUND_UP((unsigned long)live * WAVE_SIZE, PAGE_SIZE);
		held[SIDE_MOVABLE] = kfile_ulong(KFILE_KSLAB "/%s/pages", r.kname);
		held[SIDE_KSLAB] = kfile_ulong(KFILE_KSLAB "/%s/pages", name);
		held[SIDE_SLUB] = slub_pages(r.sname, &objperslab, &pagesperslab);
		moved = kfile_ulong(KFILE_KSLAB "/%s/defrag_moved", r.kname);
		refused = kfile_ulong(KFILE_KSLAB "/%s/defrag_refused", r.kname);
		if (held[SIDE_MOVABLE] < 0 || held[SIDE_KSLAB] < 0 || moved < 0 ||
		    refused < 0) {
			pr_err("defrag: cannot read kslab's counts of %s and %s in %s\n",
			       r.kname, name, KFILE_KSLAB);
			ret = -ENOENT;
			goto out;
		}
		if (held[SIDE_SLUB] <= 0) {
			pr_err("defrag: cannot read SLUB's counts of %s (%ld)\n",
			       r.sname, held[SIDE_SLUB]);
			ret = held[SIDE_SLUB] ? (int)held[SIDE_SLUB] : -ENOENT;
			goto out;
		}
		for (side = 0; side < NR_SIDES; side++)
			f[side] = frag_x100(held[side], need);
		ratio = div64_u64((u64)held[SIDE_MOVABLE] * 1000 + held[SIDE_SLUB] / 2,
				  held[SIDE_SLUB]);
		pr_info("result workload=defrag param=wave%u size=%u kslab=%ld slub=%ld ratio=%u.%03u unit=pages live=%u need=%lu kslab_nodefrag=%ld frag_kslab=%u.%02u frag_nodefrag=%u.%02u frag_slub=%u.%02u moved=%ld refused=%ld returned=%ld\n",
			w, WAVE_SIZE, held[SIDE_MOVABLE], held[SIDE_SLUB],
			ratio / 1000, ratio % 1000, live, need, held[SIDE_KSLAB],
			f[SIDE_MOVABLE] / 100, f[SIDE_MOVABLE] % 100,
			f[SIDE_KSLAB] / 100, f[SIDE_KSLAB] % 100,
			f[SIDE_SLUB] / 100, f[SIDE_SLUB] % 100,
			moved, refused, t[SIDE_MOVABLE].returned);
		cond_resched();
	}
	ret = 0;
out:
	for (side = 0; side < NR_SIDES; side++) {
		for (i = 0; t[side].slots && i < cap; i++) {
			void *o = t[side].slots[i];

			if (!o)
				continue;
			t[side].bad += !wave_check(o);
			if (side == SIDE_SLUB)
				kmem_cache_free(r.kc, o);
			else
				kslab_cache_free(side == SIDE_MOVABLE ? r.ks : plain, o);
		}
		kvfree(t[side].slots);
		if (t[side].bad) {
			pr_err("defrag: %u objects with a wrong stamp\n", t[side].bad);
			ret = -EIO;
		}
	}
	if (ret == -ENOMEM)
		pr_err("defrag: allocation failed\n");
	kslab_cache_destroy(plain);
	row_caches_destroy(&r);
	return ret;
}

/*
 * The debug workload: W1 pair, W2 batch (100 and 1000, freed in order) and
 * W4 remote (same node) on caches with each set of debug flags below,
 * kslab's and SLUB's created with the same flags, "none" first. Each row
 * with flags also prints a "self" line: kslab's median with the flags
 * against kslab's median of the same row without them, in this boot.
 */
static const struct {
	const char *name;
	slab_flags_t flags;
} debug_sets[] = {
	{ "none", 0 },
	{ "ZP", SLAB_RED_ZONE | SLAB_POISON },
	{ "ZPU", SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER },
	{ "FZPU", SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON |
		  SLAB_STORE_USER },
};

#define DEBUG_ROWS	8	/* rows a set of flags: see debug_rows() */

/* kslab's median ps an op of each row without debug flags ("none") */
static u64 debug_plain[DEBUG_ROWS];

/* Print @r's "self" line: its kslab median against @plain's. */
static void debug_self_print(const struct bench_row *r, u64 plain)
{
	u64 ratio = div64_u64(r->med[0] * 1000 + plain / 2, plain);

	pr_info("self workload=debug param=%s size=%u debug=%llu.%02llu plain=%llu.%02llu ratio=%llu.%03llu unit=ns/op\n",
		r->param, r->size, r->med[0] / 1000, r->med[0] % 1000 / 10,
		plain / 1000, plain % 1000 / 10, ratio / 1000, ratio % 1000);
}

/*
 * debug_rows - the rows of debug_sets[@set], in the same order for every
 * set: for 64 and then 256 B, pair, batch of 100, batch of 1000, remote.
 * Return: 0 or a negative errno.
 */
static int debug_rows(unsigned int set)
{
	static const unsigned int batch_ns[] = { 100, 1000 };
	const char *name = debug_sets[set].name;
	static struct bench_row t[DEBUG_ROWS];	/* too big for the stack */
	int cpu = remote_cpu(true);
	unsigned int i, k, sz, nr = 0;
	int ret;

	BUILD_BUG_ON(ARRAY_SIZE(two_sizes) * (2 + ARRAY_SIZE(batch_ns)) != DEBUG_ROWS);
	memset(t, 0, sizeof(t));
	for (sz = 0; sz < ARRAY_SIZE(two_sizes); sz++) {
		t[nr].n = 1;
		t[nr].sample = pair_sample;
		snprintf(t[nr++].param, sizeof(t[0].param), "pair-%s", name);
		for (k = 0; k < ARRAY_SIZE(batch_ns); k++) {
			t[nr].n = batch_ns[k];
			t[nr].sample = batch_sample;
			snprintf(t[nr++].param, sizeof(t[0].param), "batch%u-%s",
				 batch_ns[k], name);
		}
		t[nr].n = BENCH_RING;
		t[nr].sample = remote_sample;
		t[nr].cpu_b = cpu;
		snprintf(t[nr++].param, sizeof(t[0].param), "remote-%s", name);
		for (i = nr - 2 - ARRAY_SIZE(batch_ns); i < nr; i++)
			t[i].size = two_sizes[sz];
	}
	for (i = 0; i < DEBUG_ROWS; i++) {
		t[i].w = W_DEBUG;
		t[i].flags = debug_sets[set].flags;
		if (t[i].sample == remote_sample && cpu < 0) {
			pr_info("skip workload=debug param=%s: no other CPU on the node\n",
				t[i].param);
			continue;
		}
		ret = row_run(&t[i], false);
		if (ret)
			return ret;
		if (!set)
			debug_plain[i] = t[i].med[0];
		else if (debug_plain[i])
			debug_self_print(&t[i], debug_plain[i]);
	}
	return 0;
}

static int bench_debug(void)
{
	unsigned int set;
	int ret = 0;

	memset(debug_plain, 0, sizeof(debug_plain));
	for (set = 0; set < ARRAY_SIZE(debug_sets) && !ret; set++)
		ret = debug_rows(set);
	return ret;
}

static int (*const workload_fns[W_NR])(void) = {
	bench_pair, bench_batch, bench_bulk, bench_remote, bench_parallel,
	bench_kmalloc, bench_memory, bench_defrag, bench_debug
};

/* Parse the workloads parameter. Return: a mask of workloads, or 0. */
static unsigned int workloads_parse(void)
{
	char *list, *cur, *tok;
	unsigned int mask = 0, i;

	list = kstrdup(workloads ? workloads : "", GFP_KERNEL);
	if (!list)
		return 0;
	cur = list;
	while ((tok = strsep(&cur, ",")) != NULL) {
		if (!*tok)
			continue;
		if (!strcmp(tok, "all")) {
			mask |= BIT(W_NR) - 1;
			continue;
		}
		for (i = 0; i < W_NR; i++)
			if (!strcmp(tok, workload_names[i]))
				break;
		if (i == W_NR) {
			pr_err("unknown workload '%s' (pair, batch, bulk, remote, parallel, kmalloc, memory, defrag, debug or all)\n",
			       tok);
			mask = 0;
			break;
		}
		mask |= BIT(i);
	}
	kfree(list);
	return mask;
}

static int __init kslab_bench_init(void)
{
	cpumask_var_t saved;
	unsigned int mask, i;
	int ret = 0;

	if (rounds < 1 || rounds > BENCH_MAX_ROUNDS) {
		pr_err("rounds=%u: must be 1 to %u\n", rounds, BENCH_MAX_ROUNDS);
		return -EINVAL;
	}
	if (!ops) {
		pr_err("ops=0: must be at least 1\n");
		return -EINVAL;
	}
	mask = workloads_parse();
	if (!mask) {
		pr_err("workloads='%s': nothing to run\n", workloads ? workloads : "");
		return -EINVAL;
	}
	if (quick) {
		rounds = 1;
		ops = 64;
	}
	if (!alloc_cpumask_var(&saved, GFP_KERNEL))
		return -ENOMEM;
	bench_wq = alloc_workqueue("kslab_bench", WQ_HIGHPRI | KSLAB_WQ_PERCPU, 0);
	if (!bench_wq) {
		free_cpumask_var(saved);
		return -ENOMEM;
	}
	bench_cpu = cpumask_first(cpu_online_mask);
	/* single-CPU workloads run here, on bench_cpu, the whole time */
	cpumask_copy(saved, current->cpus_ptr);
	set_cpus_allowed_ptr(current, cpumask_of(bench_cpu));
	pr_info("start: clock ktime_get_ns, %u rounds, %lu ops a sample%s, %u CPUs online, bench_cpu %u; under TCG absolute ns mean nothing, only ratios within one boot do\n",
		rounds, ops, quick ? " (quick)" : "", num_online_cpus(), bench_cpu);
	for (i = 0; i < W_NR && !ret; i++)
		if (mask & BIT(i))
			ret = workload_fns[i]();
	set_cpus_allowed_ptr(current, saved);
	free_cpumask_var(saved);
	destroy_workqueue(bench_wq);
	if (ret) {
		pr_err("stopped: a workload could not run (%d)\n", ret);
		return ret;
	}
	pr_info("done\n");
	return 0;
}

static void __exit kslab_bench_exit(void)
{
}

module_init(kslab_bench_init);
module_exit(kslab_bench_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kslab against the kernel's SLUB, side by side in one boot");
