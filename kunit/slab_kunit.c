// SPDX-License-Identifier: GPL-2.0
/*
 * slab_kunit.c - KUnit suite kslab_slab, for module/slab.c: the slab
 * order and objects per slab against SLUB's for the same object (a kernel
 * cache made in the same test, read back from /proc/slabinfo), shuffled
 * free lists of new slabs, slab_index() over every byte of a slab, the
 * empty slabs a node keeps, the checks of a run of frees into one slab,
 * the list a slab validation repairs goes to, and node walks: interrupts
 * let in on a big cache, the cursor a walk leaves while it waits, and
 * the page reference the kernel's kfree() of a kslab object puts. Each
 * test creates and destroys its own caches.
 */
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>

#include "kslab_test.h"

struct layout_case {
	unsigned int size;
	unsigned int align;
	slab_flags_t flags;
	bool ctor;
};

static const struct layout_case layout_cases[] = {
	{ 8 }, { 16 }, { 24 }, { 32 }, { 40 }, { 48 }, { 64 }, { 72 }, { 96 },
	{ 100 }, { 128 }, { 192 }, { 256 }, { 500 }, { 512 }, { 700 },
	{ 1024 }, { 2048 }, { 3000 }, { 4096 }, { 5000 }, { 8192 },
	{ 10000 }, { 16384 }, { 65536 },
	{ 40, 0, SLAB_HWCACHE_ALIGN }, { 100, 64 }, { 24, 0, 0, true },
	{ 3000, 0, 0, true },
};

static void layout_desc(const struct layout_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "size %u align %u%s%s", c->size,
		 c->align, c->flags & SLAB_HWCACHE_ALIGN ? " hwcache" : "",
		 c->ctor ? " ctor" : "");
}

KUNIT_ARRAY_PARAM(layout, layout_cases, layout_desc);

static void slub_destroy_action(void *k)
{
	kmem_cache_destroy(k);
}

/*
 * kslab lays out objects and chooses slab orders as SLUB does: for the
 * same object, /proc/kslabinfo and /proc/slabinfo agree on objsize (the
 * stride), objperslab and pagesperslab.
 */
static void slab_order_as_slub(struct kunit *test)
{
	const struct layout_case *c = test->param_value;
	const char *name = "kunit_slab_vs_slub";
	void (*ctor)(void *) = c->ctor ? ktest_ctor_nop : NULL;
	struct ktest_row ours, slub;
	struct kmem_cache *k;
	struct kslab_cache *s;

	if (IS_ENABLED(CONFIG_KASAN))
		kunit_skip(test, "SLUB adds KASAN metadata; kslab only a red zone");
	s = ktest_create(test, name, c->size, c->align, c->flags, ctor);
	k = kmem_cache_create(name, c->size, c->align, c->flags | SLAB_NO_MERGE, ctor);
	KUNIT_ASSERT_NOT_NULL(test, k);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, slub_destroy_action, k));

	ktest_read_row(test, "/proc/kslabinfo", name, &ours);
	ktest_read_row(test, "/proc/slabinfo", name, &slub);
	KUNIT_EXPECT_EQ(test, slub.objsize, ours.objsize);
	KUNIT_EXPECT_EQ(test, slub.objperslab, ours.objperslab);
	KUNIT_EXPECT_EQ(test, slub.pagesperslab, ours.pagesperslab);
	kunit_release_action(test, slub_destroy_action, k);
	ktest_destroy(test, s);
}

/* The objects of @s's slab that holds @objs[0..objects), as indices. */
static void slab_indices(struct kunit *test, struct kslab_cache *s,
			 void **objs, unsigned int objects, u16 *idx,
			 unsigned long *map)
{
	struct page *page = virt_to_head_page(objs[0]);
	void *base = page_address(page);
	unsigned long off;
	unsigned int i;

	bitmap_zero(map, objects);
	for (i = 0; i < objects; i++) {
		KUNIT_ASSERT_PTR_EQ(test, page, virt_to_head_page(objs[i]));
		off = objs[i] - base;
		KUNIT_ASSERT_EQ(test, 0UL, off % s->size);
		idx[i] = off / s->size;
		KUNIT_ASSERT_LT(test, (unsigned int)idx[i], objects);
		KUNIT_EXPECT_FALSE_MSG(test, test_and_set_bit(idx[i], map),
				       "object %u handed out twice", idx[i]);
	}
}

/*
 * A new slab hands out its objects in its free list's order: shuffled
 * when kslab's freelist_random is on (so four slabs are not all in the
 * same order, and none in address order), address order when it is off.
 * A bulk allocation of one slab's worth from a new cache takes exactly
 * one new slab, in that order.
 */
static void slab_shuffle(struct kunit *test)
{
	enum { SLABS = 4 };
	bool random = ktest_kslab_param(test, "freelist_random")[0] == 'Y';
	unsigned int objects, k, i, in_order, same = 0;
	struct kslab_cache *s;
	unsigned long *map;
	void **objs;
	u16 *idx;

	s = ktest_create(test, "kunit_slab_shuffle", 8, 0, 0, NULL);
	objects = s->objects;
	/* KASAN's red zone makes an 8-byte object's slot 24 bytes */
	KUNIT_ASSERT_GE(test, objects, KSLAB_KASAN ? 128U : 256U);
	objs = ktest_ptrs(test, SLABS * objects);
	idx = kunit_kcalloc(test, SLABS * objects, sizeof(*idx), GFP_KERNEL);
	map = kunit_kcalloc(test, BITS_TO_LONGS(objects), sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, idx);
	KUNIT_ASSERT_NOT_NULL(test, map);

	for (k = 0; k < SLABS; k++) {
		KUNIT_ASSERT_EQ(test, (int)objects,
				kslab_cache_alloc_bulk(s, GFP_KERNEL, objects,
						       objs + k * objects));
		slab_indices(test, s, objs + k * objects, objects,
			     idx + k * objects, map);
		for (i = 0, in_order = 1; i < objects; i++)
			in_order &= idx[k * objects + i] == i;
		KUNIT_EXPECT_EQ_MSG(test, !random, in_order,
				    "slab %u: freelist_random %d", k, random);
		if (k)
			same += !memcmp(idx, idx + k * objects, objects * sizeof(*idx));
	}
	if (random)
		KUNIT_EXPECT_LT(test, same, SLABS - 1U);
	kslab_cache_free_bulk(s, SLABS * objects, objs);
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/* What slab_index() must say of the byte at @off of a slab. */
static unsigned int index_expected(struct kslab_cache *s, unsigned int objects,
				   unsigned long off)
{
	if (off < s->red_left_pad)
		return KSLAB_BAD_INDEX;
	off -= s->red_left_pad;
	if (off % s->size || off / s->size >= objects)
		return KSLAB_BAD_INDEX;
	return off / s->size;
}

/*
 * slab_index() over every byte of a full slab: each object's start maps
 * to its index (and slab_object() maps it back), every other byte,
 * inside an object or in the leftover, to KSLAB_BAD_INDEX.
 */
static void slab_index_map(struct kunit *test)
{
	const struct layout_case *c = test->param_value;
	unsigned long off, bad = 0, first_bad = 0, bytes;
	unsigned int objects, i, idx, want;
	struct slab_meta *m;
	struct kslab_cache *s;
	struct page *page;
	void *base, **objs;

	s = ktest_create(test, "kunit_slab_index", c->size, c->align, c->flags,
			 c->ctor ? ktest_ctor_nop : NULL);
	objects = s->objects;
	objs = ktest_ptrs(test, objects);
	KUNIT_ASSERT_EQ(test, (int)objects,
			kslab_cache_alloc_bulk(s, GFP_KERNEL, objects, objs));
	page = virt_to_head_page(objs[0]);
	base = page_address(page);
	m = page_meta(page);
	bytes = page_size(page);
	KUNIT_EXPECT_EQ(test, objects, (unsigned int)m->objects);

	for (i = 0; i < objects; i++) {
		KUNIT_ASSERT_PTR_EQ(test, page, virt_to_head_page(objs[i]));
		idx = slab_index(s, m, base, objs[i]);
		KUNIT_EXPECT_EQ(test, index_expected(s, objects, objs[i] - base), idx);
		if (idx != KSLAB_BAD_INDEX)
			KUNIT_EXPECT_PTR_EQ(test, objs[i], slab_object(s, base, idx));
	}
	for (off = 0; off < bytes; off++) {
		want = index_expected(s, objects, off);
		if (slab_index(s, m, base, base + off) != want && !bad++)
			first_bad = off;
	}
	KUNIT_EXPECT_EQ_MSG(test, 0UL, bad, "first wrong index at offset %lu of %lu",
			    first_bad, bytes);
	kslab_cache_free_bulk(s, objects, objs);
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/* Empty slabs on a node, by its list and by its count (which must agree). */
static unsigned long node_empty(struct kunit *test, struct kslab_node *n)
{
	unsigned long listed, counted, flags;

	spin_lock_irqsave(&n->list_lock, flags);
	listed = list_count_nodes(&n->empty);
	counted = n->nr_empty;
	spin_unlock_irqrestore(&n->list_lock, flags);
	KUNIT_EXPECT_EQ(test, listed, counted);
	return listed;
}

/*
 * Frees never leave more than min_partial empty slabs on a node: the
 * rest go back to the page allocator at once (single and bulk frees,
 * local and remote objects, on both nodes). A shrink leaves none.
 */
static void slab_min_partial(struct kunit *test)
{
	enum { PER_NODE = 4000, BULK = 50 };
	unsigned long peak, freed;
	unsigned int nr = 0, i;
	struct kslab_cache *s;
	void **objs;
	int nid;

	objs = ktest_ptrs(test, PER_NODE * num_node_state(N_MEMORY));
	s = ktest_create(test, "kunit_slab_partial", 256, 0, 0, NULL);
	for_each_node_state(nid, N_MEMORY) {
		for (i = 0; i < PER_NODE; i++, nr++) {
			objs[nr] = kslab_cache_alloc_node(s, GFP_KERNEL, nid);
			KUNIT_ASSERT_NOT_NULL(test, objs[nr]);
		}
	}
	peak = cache_pages(s);
	/* in allocation order: most slabs empty, few held in magazines */
	for (i = 0; i < nr; i += 2 * BULK) {
		ktest_free_n(s, objs + i, min_t(unsigned int, BULK, nr - i));
		if (i + BULK < nr)
			kslab_cache_free_bulk(s, min_t(unsigned int, BULK, nr - i - BULK),
					      objs + i + BULK);
	}
	/* what the depots keep goes back to the slabs after two trims */
	ktest_trim_twice(s);
	freed = stat_sum(s, KSLAB_FREE_SLAB);
	KUNIT_EXPECT_GT(test, freed, 0UL);
	KUNIT_EXPECT_LT(test, cache_pages(s), peak);
	for_each_node(nid)
		KUNIT_EXPECT_LE_MSG(test, node_empty(test, s->node[nid]),
				    (unsigned long)s->min_partial, "node %d", nid);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));

	KUNIT_EXPECT_EQ(test, 0, kslab_cache_shrink(s));
	for_each_node(nid)
		KUNIT_EXPECT_EQ(test, 0UL, node_empty(test, s->node[nid]));
	KUNIT_EXPECT_EQ(test, 0UL, cache_pages(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/*
 * A new slab's metadata owes nothing to the page's last user: pages handed
 * back with every bit of page->index set (a SLUB slab's free pointer, which
 * that word holds, sets most of them) come back as slabs without the
 * quarantine bit, so defragmentation and the debug checks see them as new.
 * Pinned, so the page allocator's per-CPU lists hand the same pages back.
 */
static void slab_fresh_meta(struct kunit *test)
{
	enum { NR_PAGES = 32 };
	unsigned int i, j, nr, reused = 0, stale = 0;
	struct page *pages[NR_PAGES], *page;
	struct kslab_cache *s;
	void **objs;

	s = ktest_create(test, "kunit_slab_fresh_meta", 256, 0, 0, NULL);
	nr = NR_PAGES * s->objects;
	objs = ktest_ptrs(test, nr);
	migrate_disable();
	for (i = 0; i < NR_PAGES; i++) {
		pages[i] = alloc_pages(GFP_KERNEL, s->order);
		if (pages[i])
			kslab_page_word(pages[i]) = ~0UL;
	}
	for (i = 0; i < NR_PAGES; i++)
		if (pages[i])
			__free_pages(pages[i], s->order);
	for (i = 0; i < nr; i++)
		objs[i] = kslab_cache_alloc(s, GFP_KERNEL);
	migrate_enable();
	for (i = 0; i < nr; i++) {
		if (!objs[i])
			continue;
		page = virt_to_head_page(objs[i]);
		for (j = 0; j < NR_PAGES; j++)
			reused += page == pages[j];
		stale += page_meta(page)->quarantine;
	}
	ktest_free_n(s, objs, nr);
	KUNIT_EXPECT_GT(test, reused, 0U);	/* the test saw old pages */
	KUNIT_EXPECT_EQ(test, 0U, stale);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	ktest_destroy(test, s);
}

/*
 * A run of frees into one slab (slab_put_batch() keeps the free list's
 * head and the counts in registers) refuses what one free at a time does.
 * Without debug flags: a pointer into an object and an object freed twice
 * in a row are reported and skipped, the rest of the run is linked. With
 * SLAB_CONSISTENCY_CHECKS, a double free further down the run is caught
 * too: the debug check walks the free list the run has built so far.
 */
static void slab_put_batch_refuses(struct kunit *test)
{
	static const slab_flags_t flags[] = { 0, SLAB_CONSISTENCY_CHECKS };
	unsigned int nr, i, f;
	struct kslab_cache *s;
	void **objs, *a, *b, *run[4];
	unsigned long e;

	for (f = 0; f < ARRAY_SIZE(flags); f++) {
		s = ktest_create(test, "kunit_slab_put_batch", 256, 0, flags[f], NULL);
		nr = 2 * s->objects;
		objs = ktest_ptrs(test, nr);
		ktest_alloc_n(test, s, objs, nr);
		a = objs[0];
		b = NULL;
		for (i = 1; i < nr && !b; i++)
			if (virt_to_head_page(objs[i]) == virt_to_head_page(a))
				b = objs[i];
		KUNIT_ASSERT_NOT_NULL(test, b);
		objs[i - 1] = objs[--nr];
		objs[0] = objs[--nr];
		e = kslab_cache_errors(s);
		if (!flags[f]) {
			run[0] = a;
			run[1] = a + 1;		/* not an object's start */
			run[2] = a;		/* the head: freed twice in a row */
			run[3] = b;
			KUNIT_EXPECT_EQ(test, 2U, node_free_objects(s, run, 4, _RET_IP_));
		} else {
			run[0] = a;
			run[1] = b;
			run[2] = a;		/* on the list, not its head */
			KUNIT_EXPECT_EQ(test, 2U, node_free_objects(s, run, 3, _RET_IP_));
		}
		KUNIT_EXPECT_EQ(test, e + 2 - f, kslab_cache_errors(s));
		KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
		/* the rest freed, every slab empties: a and b went back once */
		ktest_free_n(s, objs, nr);
		KUNIT_EXPECT_EQ(test, 0, kslab_cache_shrink(s));
		KUNIT_EXPECT_EQ(test, 0UL, ktest_slabs(s));
		KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
		ktest_destroy(test, s);
	}
}

/* The node list @page is on, as enum slab_state; SLAB_STATE_NONE if none. */
static unsigned int slab_list_of(struct kslab_node *n, struct page *page)
{
	struct list_head *lists[] = {
		[SLAB_STATE_PARTIAL] = &n->partial, [SLAB_STATE_FULL] = &n->full,
		[SLAB_STATE_EMPTY] = &n->empty, [SLAB_STATE_ISOLATED] = &n->isolated,
	};
	unsigned int state, found = SLAB_STATE_NONE;
	unsigned long flags;
	struct page *p;

	spin_lock_irqsave(&n->list_lock, flags);
	for (state = SLAB_STATE_PARTIAL; state < ARRAY_SIZE(lists); state++)
		list_for_each_entry(p, lists[state], lru)
			if (p == page)
				found = state;
	spin_unlock_irqrestore(&n->list_lock, flags);
	return found;
}

/* The list a slab's counts call for. */
static unsigned int slab_state_for(struct slab_meta *m)
{
	if (!m->inuse)
		return SLAB_STATE_EMPTY;
	return m->inuse == m->objects ? SLAB_STATE_FULL : SLAB_STATE_PARTIAL;
}

/*
 * A slab whose counts validation repairs goes to the list its new counts
 * call for, as after any other change of them: an empty slab whose free
 * list is cut (the objects beyond quarantined) is partial; once the list is
 * whole again and validation gives those objects back, empty again.
 */
static void slab_validate_relists(struct kunit *test)
{
	struct kslab_cache *s;
	unsigned long tmp, *ptr;
	struct kslab_node *n;
	struct slab_meta *m;
	struct page *page;
	void *p;

	s = ktest_create(test, "kunit_slab_relist", 64, 0, SLAB_POISON, NULL);
	p = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	page = virt_to_head_page(p);
	m = page_meta(page);
	n = s->node[page_to_nid(page)];
	kslab_cache_free(s, p);		/* empty, kept: min_partial */
	KUNIT_ASSERT_EQ(test, SLAB_STATE_EMPTY, slab_list_of(n, page));
	ptr = p + s->offset;
	tmp = *ptr;
	*(u8 *)ptr = ~*(u8 *)ptr;
	KUNIT_EXPECT_EQ(test, 1L, kslab_cache_validate(s));
	KUNIT_EXPECT_NE(test, 0U, (unsigned int)m->inuse);
	KUNIT_EXPECT_EQ(test, slab_state_for(m), slab_list_of(n, page));
	KUNIT_EXPECT_EQ(test, (unsigned int)m->state, slab_list_of(n, page));

	*ptr = tmp;
	KUNIT_EXPECT_EQ(test, 1L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, 0U, (unsigned int)m->inuse);
	KUNIT_EXPECT_EQ(test, SLAB_STATE_EMPTY, slab_list_of(n, page));
	KUNIT_EXPECT_EQ(test, (unsigned int)m->state, slab_list_of(n, page));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	ktest_destroy(test, s);
}

/*
 * irq_watch - counts the times one task turns interrupts back on, from the
 * preemptirq tracepoint irq_enable (CONFIG_PREEMPTIRQ_TRACEPOINTS, which
 * lockdep brings): a walk that keeps them off from start to end of a node
 * turns them on once a node, one that lets them in every so often, often.
 */
struct irq_watch {
	struct tracepoint *tp;
	struct task_struct *task;
	atomic_long_t enables;
};

static void irq_watch_find(struct tracepoint *tp, void *priv)
{
	struct irq_watch *w = priv;

	if (!strcmp(tp->name, "irq_enable"))
		w->tp = tp;
}

static void irq_watch_probe(void *data, unsigned long ip,
			    unsigned long parent_ip)
{
	struct irq_watch *w = data;

	if (in_task() && current == READ_ONCE(w->task))
		atomic_long_inc(&w->enables);
}

static void irq_watch_stop(void *data)
{
	struct irq_watch *w = data;

	tracepoint_probe_unregister(w->tp, (void *)irq_watch_probe, w);
	tracepoint_synchronize_unregister();
}

static void irq_watch_start(struct kunit *test, struct irq_watch *w)
{
	for_each_kernel_tracepoint(irq_watch_find, w);
	if (!w->tp)
		kunit_skip(test, "no irq_enable tracepoint (CONFIG_PREEMPTIRQ_TRACEPOINTS)");
	w->task = current;
	KUNIT_ASSERT_EQ(test, 0, tracepoint_probe_register(w->tp, (void *)irq_watch_probe, w));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, irq_watch_stop, w));
}

/* Work a walk may do with interrupts off, at most: objects or slabs. */
#define WALK_IRQ_OFF_MAX	1024

/*
 * A big cache (thousands of partial slabs, about 100000 objects): its
 * validation and sysfs's objects_partial turn interrupts back on every few
 * thousand objects or slabs, not once a node, and still give exact
 * answers: validation finds nothing on the quiet cache but the one node
 * count the test bends (the node-wide checks still run when the node did
 * not change during the walk), objects_partial is what one walk under the
 * lock counts.
 */
static void slab_walk_big(struct kunit *test)
{
	enum { NR = 192000 };
	unsigned long x, base, e, flags;
	struct cache_info info;
	struct kslab_cache *s;
	struct kslab_node *n;
	unsigned int i;
	void **objs;
	struct irq_watch *w;
	char *buf;
	int nid;

	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	objs = ktest_ptrs(test, NR);
	s = ktest_create(test, "kunit_slab_walk_big", 256, 0, 0, NULL);
	ktest_alloc_n(test, s, objs, NR);
	for (i = 1; i < NR; i += 2)
		kslab_cache_free(s, objs[i]);
	KUNIT_EXPECT_EQ(test, 1, kslab_cache_shrink(s));	/* into the slabs */
	cache_info(s, &info);
	KUNIT_EXPECT_GT(test, info.partial_slabs, (unsigned long)WALK_IRQ_OFF_MAX);
	e = kslab_cache_errors(s);

	irq_watch_start(test, w);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	x = atomic_long_xchg(&w->enables, 0);
	kunit_info(test, "validation: %lu enables", x);
	KUNIT_EXPECT_GE_MSG(test, x, info.num_objs / WALK_IRQ_OFF_MAX,
			    "validation of %lu objects", info.num_objs);

	/*
	 * a sysfs read that walks nothing, for what any read costs: the
	 * fewest of three, as one may also have slept or taken a fault
	 */
	base = ULONG_MAX;
	for (i = 0; i < 3; i++) {
		buf = ktest_read_file(test, "/sys/kernel/kslab/kunit_slab_walk_big/objects");
		kunit_kfree(test, buf);
		base = min_t(unsigned long, base, atomic_long_xchg(&w->enables, 0));
	}
	buf = ktest_read_file(test, "/sys/kernel/kslab/kunit_slab_walk_big/objects_partial");
	x = atomic_long_xchg(&w->enables, 0);
	kunit_info(test, "objects_partial: %lu enables, a read %lu", x, base);
	KUNIT_EXPECT_GE_MSG(test, x, base + info.partial_slabs / WALK_IRQ_OFF_MAX,
			    "objects_partial of %lu partial slabs", info.partial_slabs);
	x = 0;
	for_each_node(nid)
		x += ktest_node_partial_inuse(s->node[nid]);
	buf[strcspn(buf, "\n ")] = 0;
	KUNIT_EXPECT_EQ(test, 0, kstrtoul(buf, 10, &base));
	KUNIT_EXPECT_EQ(test, x, base);
	kunit_kfree(test, buf);

	for_each_node(nid) {
		n = s->node[nid];
		if (!READ_ONCE(n->nr_partial))
			continue;
		spin_lock_irqsave(&n->list_lock, flags);
		n->nr_partial++;
		spin_unlock_irqrestore(&n->list_lock, flags);
		KUNIT_EXPECT_EQ_MSG(test, 1L, kslab_cache_validate(s), "node %d", nid);
		spin_lock_irqsave(&n->list_lock, flags);
		n->nr_partial--;
		spin_unlock_irqrestore(&n->list_lock, flags);
		e++;
	}
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, e, kslab_cache_errors(s));
	for (i = 0; i < NR; i += 2)
		kslab_cache_free(s, objs[i]);
	ktest_destroy(test, s);
}

/*
 * slab_walk_cursor: a node walk and what happens while it waits. The walk
 * callback wakes @other, a SCHED_FIFO thread bound to the walk's CPU, on
 * the first slab it visits; the callback's cost makes the walk drop its
 * lock after each slab, so @other runs exactly then, with the second slab
 * of the list marked as the walk's cursor, and changes that slab.
 */
struct cursor_case {
	const char *desc;
	unsigned int list;	/* the list walked */
	void (*act)(struct kunit *test, struct kslab_cache *s, void **objs,
		    struct page *cursor);
};

struct cursor_walk {
	struct kunit *test;
	const struct cursor_case *c;
	struct kslab_cache *s;
	void **objs;
	struct task_struct *other;
	struct completion done;
	struct page *cursor;
	bool woken, seen;
	struct slab_meta at_visit;	/* the cursor, when the walk got to it */
};

static int cursor_other(void *arg)
{
	struct cursor_walk *cw = arg;

	cw->c->act(cw->test, cw->s, cw->objs, cw->cursor);
	complete(&cw->done);
	return 0;
}

static unsigned int cursor_visit(struct kslab_cache *s, struct kslab_node *n,
				 struct page *page, unsigned int state, void *arg)
{
	struct cursor_walk *cw = arg;
	struct list_head *list = state == SLAB_STATE_FULL ? &n->full : &n->partial;

	if (!cw->woken) {
		cw->woken = true;
		if (!list_is_last(&page->lru, list))
			cw->cursor = list_next_entry(page, lru);
		wake_up_process(cw->other);
	} else if (page == cw->cursor) {
		cw->seen = true;
		cw->at_visit = *page_meta(page);
	}
	return 1U << 20;	/* more than a walk does between two drops */
}

/* The cursor, full, is emptied: it stays, and goes when the walk ends. */
static void cursor_empty(struct kunit *test, struct kslab_cache *s, void **objs,
			 struct page *cursor)
{
	unsigned int i;

	for (i = 0; i < 3 * s->objects; i++)
		if (virt_to_head_page(objs[i]) == cursor)
			kslab_cache_free(s, objs[i]);
}

/*
 * Partial slabs A, B (the cursor), C with a free object each: three
 * allocations fill A, then B, which stays partial, then C: the third one
 * passes B over, as it has no free object left.
 */
static void cursor_fill(struct kunit *test, struct kslab_cache *s, void **objs,
			struct page *cursor)
{
	unsigned int i;

	for (i = 0; i < 3; i++)
		objs[3 * s->objects + i] = kslab_cache_alloc(s, GFP_NOWAIT);
}

static const struct cursor_case cursor_cases[] = {
	{ "full cursor emptied", SLAB_STATE_FULL, cursor_empty },
	{ "partial cursor filled", SLAB_STATE_PARTIAL, cursor_fill },
};

static void cursor_desc(const struct cursor_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cursor, cursor_cases, cursor_desc);

/*
 * A node walk's cursor (the slab a walk goes on from after dropping the
 * lock) stays on its list and is not freed while the walk waits, whatever
 * its counts do; allocation passes it over once it is full; when the walk
 * has visited it, it goes to the list its counts call for (or back to the
 * page allocator: min_partial and empty_max are 0 here). Nothing is
 * reported, the cache validates clean.
 */
static void slab_walk_cursor(struct kunit *test)
{
	const struct cursor_case *c = test->param_value;
	struct page *slabs[3];
	struct cursor_walk *cw;
	struct kslab_cache *s;
	unsigned int i, nr;
	struct kslab_node *n;
	void **objs;

	cw = kunit_kzalloc(test, sizeof(*cw), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cw);
	s = ktest_create(test, "kunit_slab_cursor", 128, 0, SLAB_CONSISTENCY_CHECKS, NULL);
	WRITE_ONCE(s->min_partial, 0);
	WRITE_ONCE(s->empty_max, 0);
	nr = 3 * s->objects;
	objs = ktest_ptrs(test, nr + 3);
	migrate_disable();
	ktest_alloc_n(test, s, objs, nr);	/* three full slabs, in order */
	for (i = 0; i < 3; i++)
		slabs[i] = virt_to_head_page(objs[i * s->objects]);
	n = s->node[page_to_nid(slabs[0])];
	if (c->list == SLAB_STATE_PARTIAL)
		for (i = 0; i < 3; i++)
			kslab_cache_free(s, objs[i * s->objects]);
	cw->test = test;
	cw->c = c;
	cw->s = s;
	cw->objs = objs;
	init_completion(&cw->done);
	cw->other = kthread_create_on_cpu(cursor_other, cw, raw_smp_processor_id(),
					  "kslab_cursor/%u");
	if (IS_ERR(cw->other)) {
		migrate_enable();
		KUNIT_FAIL(test, "kthread_create_on_cpu: %ld", PTR_ERR(cw->other));
		return;
	}
	sched_set_fifo(cw->other);
	slab_walk_node(s, n, BIT(c->list), cursor_visit, cw);
	migrate_enable();
	if (!cw->woken) {
		kthread_stop(cw->other);
		KUNIT_FAIL(test, "the walk visited no slab");
		return;
	}
	wait_for_completion(&cw->done);

	KUNIT_EXPECT_PTR_EQ(test, slabs[1], cw->cursor);
	KUNIT_ASSERT_TRUE_MSG(test, cw->seen, "the walk did not visit its cursor");
	/* while the walk waited, it stayed where it was, marked */
	KUNIT_EXPECT_EQ(test, 1U, (unsigned int)cw->at_visit.walk);
	KUNIT_EXPECT_EQ(test, c->list, (unsigned int)cw->at_visit.state);
	KUNIT_EXPECT_EQ(test, (unsigned int)KSLAB_MAGIC_SLAB, (unsigned int)cw->at_visit.magic);
	if (c->act == cursor_empty) {
		KUNIT_EXPECT_EQ(test, 0U, (unsigned int)cw->at_visit.inuse);
		/* then given back: two slabs left */
		KUNIT_EXPECT_EQ(test, 2UL, ktest_slabs(s));
		for (i = 0; i < nr; i++)
			if (virt_to_head_page(objs[i]) != slabs[1])
				kslab_cache_free(s, objs[i]);
	} else {
		KUNIT_EXPECT_EQ(test, cw->at_visit.objects, cw->at_visit.inuse);
		for (i = 0; i < 3; i++) {
			KUNIT_ASSERT_NOT_NULL(test, objs[nr + i]);
			KUNIT_EXPECT_PTR_EQ(test, slabs[i], virt_to_head_page(objs[nr + i]));
		}
		KUNIT_EXPECT_EQ(test, 3UL, ktest_slabs(s));
		KUNIT_EXPECT_EQ(test, 0UL, READ_ONCE(n->nr_partial));
		KUNIT_EXPECT_EQ(test, 0U, (unsigned int)page_meta(slabs[1])->walk);
		for (i = 0; i < 3; i++)	/* each took the place freed in its slab */
			objs[i * s->objects] = objs[nr + i];
		ktest_free_n(s, objs, nr);
	}
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/*
 * A slab's page holds two references while it is kslab's: one put by
 * someone else (what the kernel's kfree() of a kslab object does, to a
 * page it takes for a large kmalloc of its own) leaves the page in use,
 * and is reported and counted when the slab goes back, which then frees
 * the page; untouched slabs go back without a word. The same for a large
 * kslab_kmalloc() allocation, counted in kslab_cache_errors(NULL).
 */
static void slab_foreign_put(struct kunit *test)
{
	unsigned long orphans = kslab_cache_errors(NULL);
	struct kslab_cache *s;
	struct page *page;
	long pages;
	void *obj;

	s = ktest_create(test, "kunit_slab_put", 256, 0, 0, NULL);
	obj = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	page = virt_to_head_page(obj);
	KUNIT_EXPECT_EQ(test, 2, page_ref_count(page));
	kslab_cache_free(s, obj);
	kslab_cache_shrink(s);
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));

	/*
	 * A passing reference (compaction's or GUP-fast's speculative
	 * get_page_unless_zero()) is no bug and no leak: kslab drops its own
	 * and the holder's put frees the page.
	 */
	obj = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	page = virt_to_head_page(obj);
	get_page(page);
	kslab_cache_free(s, obj);
	kslab_cache_shrink(s);
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	KUNIT_EXPECT_EQ(test, 1, page_ref_count(page));
	put_page(page);

	obj = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	pages = held_pages();
	put_page(virt_to_head_page(obj));
	kslab_cache_free(s, obj);
	kslab_cache_shrink(s);
	KUNIT_EXPECT_LT(test, held_pages(), pages);
	KUNIT_EXPECT_EQ(test, 1UL, kslab_cache_errors(s));
	ktest_destroy(test, s);

	obj = kslab_kmalloc(SZ_64K, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	put_page(virt_to_head_page(obj));
	kslab_kfree(obj);
	KUNIT_EXPECT_EQ(test, orphans + 1, kslab_cache_errors(NULL));
}

static struct kunit_case slab_cases[] = {
	KUNIT_CASE_PARAM(slab_order_as_slub, layout_gen_params),
	KUNIT_CASE(slab_shuffle),
	KUNIT_CASE(slab_foreign_put),
	KUNIT_CASE_PARAM(slab_index_map, layout_gen_params),
	KUNIT_CASE(slab_min_partial),
	KUNIT_CASE(slab_fresh_meta),
	KUNIT_CASE(slab_put_batch_refuses),
	KUNIT_CASE(slab_validate_relists),
	KUNIT_CASE_SLOW(slab_walk_big),
	KUNIT_CASE_PARAM(slab_walk_cursor, cursor_gen_params),
	{}
};

static struct kunit_suite slab_suite = {
	.name = "kslab_slab",
	.test_cases = slab_cases,
};

kunit_test_suite(slab_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_slab: slab orders, free lists and slab pages");
KSLAB_IMPORT_FOR_KUNIT();
