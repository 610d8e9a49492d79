// SPDX-License-Identifier: GPL-2.0
/*
 * step.c - what a context does: one random step on kslab. Each step picks
 * a cache (caches of objects above a page a quarter as often) or
 * kslab_kmalloc() of 1 .. 20000 bytes, and allocates (single, bulk all or
 * nothing, node-targeted, sometimes zeroed), frees (single or bulk), hands
 * a record to the mailbox of a context that last ran on another CPU, frees
 * what others handed over, or reads published typesafe-by-RCU objects.
 * So most objects are freed on another CPU than the one that allocated
 * them (counted), and a reader must always find memory that is an object
 * of the same cache (live, freed or constructed), never anything else.
 * Here too: @inject, the torture breaking the rules once on purpose.
 */
#define pr_fmt(fmt) "kslab-torture: " fmt

#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "torture.h"

/* Keep @r if there is room, else free it. */
static void held_keep(struct tctx *c, struct trec *r)
{
	if (c->nheld < c->held_max)
		held_add(c, r);
	else
		rec_free(c, r);
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
void op_drain(struct tctx *c, unsigned int max)
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
void ctx_step(struct tctx *c, gfp_t gfp)
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
void ctx_inject(struct tctx *c)
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

