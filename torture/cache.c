// SPDX-License-Identifier: GPL-2.0
/*
 * cache.c - the torture's caches and how it checks their objects: the
 * table of nineteen caches of mixed sizes (8 B .. 64 KiB), with and
 * without constructors, debug flags and SLAB_TYPESAFE_BY_RCU; their
 * constructors; the stamps written over every object; and the records
 * (struct trec) that take an object in after its allocation and check
 * it before its free.
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
 *   (two holders of one pointer); a zeroed one must be zero. Objects of
 *   typesafe-by-RCU caches are sometimes published in a slot that readers
 *   look at under rcu_read_lock() (step.c); the owner unpublishes before
 *   the free.
 */
#define pr_fmt(fmt) "kslab-torture: " fmt

#include <linux/atomic.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "torture.h"

#define CTOR_KEY		0x6b736c6162637472ULL

struct tcache tcaches[NR_TCACHES];
unsigned int nr_rcu_caches;
unsigned int nr_rcu_refused;
atomic_long_t live_bytes = ATOMIC_LONG_INIT(0);

static void ctor_16(void *obj);
static void ctor_96(void *obj);
static void ctor_192(void *obj);
static void ctor_328(void *obj);
static void ctor_2048(void *obj);
static void ctor_8192(void *obj);

const struct tcache_def tcache_defs[NR_TCACHES] = {
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

/* The name of cache index @ci: a torture cache, a movable one, or kmalloc. */
const char *tcache_name(unsigned int ci)
{
	if (ci >= MOV_CI && ci < MOV_CI + NR_MCACHES)
		return mcache_defs[ci - MOV_CI].name;
	return ci == KMALLOC_CI ? "kmalloc" : tcache_defs[ci].name;
}

/* The key of the constructed state of cache @ci. */
static u64 ctor_key(unsigned int ci)
{
	return ci ^ CTOR_KEY ^ torture_key;
}

/* Stamp @obj over @len bytes: @w0, then the pattern of @key. */
void stamp_fill(void *obj, unsigned int len, u64 w0, u64 key)
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
unsigned int stamp_check(const void *obj, unsigned int len, u64 w0,
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

/* Report why @obj, which should carry @w0's stamp, does not. */
void obj_report(const char *when, unsigned int ci, const void *obj,
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

/* A record with no slot may be kslab_kmalloc()'s: no tcaches[] entry. */
static void slot_unpublish(struct trec *r)
{
	struct tcache *tc;

	if (r->slot < 0)
		return;
	tc = &tcaches[r->ci];
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
bool rec_accept(struct tctx *c, struct trec *r, unsigned int ci,
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
bool rec_release(struct tctx *c, struct trec *r)
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

void rec_free(struct tctx *c, struct trec *r)
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

/* Create every cache; a refused SLAB_TYPESAFE_BY_RCU falls back (counted). */
int tcaches_create(void)
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

void tcaches_destroy(void)
{
	unsigned int ci;

	for (ci = 0; ci < NR_TCACHES; ci++) {
		kslab_cache_destroy(tcaches[ci].s);
		tcaches[ci].s = NULL;
	}
}

/* kslab_cache_validate() of cache @ci: anything found is an error. */
void tcache_validate(unsigned int ci)
{
	long ret = kslab_cache_validate(tcaches[ci].s);

	if (ret)
		error_report("%s: kslab_cache_validate() returned %ld",
			     tcache_defs[ci].name, ret);
}

