// SPDX-License-Identifier: GPL-2.0
/*
 * slab.c - kslab's slabs: a cache's slab order, slab pages taken from the
 * buddy allocator and given back, and every read or write of a slab's
 * free list, which happen here and only here, under the node's list_lock.
 * node.c picks the slabs objects go to and come from; no other file
 * touches a free list. Problems found here go to report.c.
 */

#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/swab.h>

#include "kslab_int.h"
#include "debug.h"
#include "kasan.h"
#include "report.h"

/* The caller's gfp bits that mean something to the page allocator. */
#define KSLAB_GFP_PAGE_MASK (__GFP_RECLAIM | __GFP_HIGH | __GFP_IO | __GFP_FS | \
			     __GFP_NOWARN | __GFP_RETRY_MAYFAIL | __GFP_NOFAIL | \
			     __GFP_NORETRY | __GFP_MEMALLOC | __GFP_NOMEMALLOC | \
			     __GFP_THISNODE | __GFP_HARDWALL | __GFP_NOLOCKDEP)

/* Orders SLUB prefers not to exceed for the sake of objects per slab. */
#define KSLAB_PREFERRED_MAX_ORDER	PAGE_ALLOC_COSTLY_ORDER

/*
 * Free pointers, stored SLUB's way: the next free object's address XOR the
 * cache's secret XOR the byte-swapped address of the slot holding it.
 */
static inline void freeptr_set(struct kslab_cache *s, void *obj, void *next)
{
	unsigned long addr = (unsigned long)obj + s->offset;
	unsigned long v = (unsigned long)next;

	if (s->random)
		v ^= s->random ^ swab(addr);
	*(unsigned long *)addr = v;
}

static inline void *freeptr_get(struct kslab_cache *s, void *obj)
{
	unsigned long addr = (unsigned long)obj + s->offset;
	unsigned long v = *(unsigned long *)addr;

	if (s->random)
		v ^= s->random ^ swab(addr);
	return (void *)v;
}

static unsigned int order_objects(unsigned int order, unsigned int size)
{
	return ((unsigned int)PAGE_SIZE << order) / size;
}

/* SLUB's calc_slab_order(): the smallest order wasting at most 1/fract. */
static unsigned int calc_slab_order(unsigned int size, unsigned int min_order,
				    unsigned int max_order, unsigned int fract)
{
	unsigned int order;

	for (order = min_order; order <= max_order; order++) {
		unsigned int slab_size = (unsigned int)PAGE_SIZE << order;

		if (slab_size % size <= slab_size / fract)
			break;
	}
	return order;
}

/**
 * slab_calculate_order - choose the slab order for objects of a stride
 * @size: the object stride in bytes
 *
 * SLUB's calculate_order(): enough objects per slab for the CPU count,
 * at most 1/16 of the slab left over, relaxing the waste bound before the
 * order, and the smallest order that fits when nothing else does.
 *
 * Return: the order, or -E2BIG when even KSLAB_MAX_ORDER is too small.
 */
int slab_calculate_order(unsigned int size)
{
	unsigned int nr_cpus = num_present_cpus();
	unsigned int min_objects, max_objects, min_order, order, fraction;

	if (nr_cpus <= 1)
		nr_cpus = nr_cpu_ids;
	min_objects = 4 * (fls(nr_cpus) + 1);
	max_objects = max(order_objects(KSLAB_PREFERRED_MAX_ORDER, size), 1U);
	min_objects = min(min_objects, max_objects);
	min_order = get_order(min_objects * size);
	if (order_objects(min_order, size) > KSLAB_MAX_OBJS)
		return get_order(size * KSLAB_MAX_OBJS) - 1;

	for (fraction = 16; fraction > 1; fraction /= 2) {
		order = calc_slab_order(size, min_order,
					KSLAB_PREFERRED_MAX_ORDER, fraction);
		if (order <= KSLAB_PREFERRED_MAX_ORDER)
			return order;
	}
	order = get_order(size);
	return order <= KSLAB_MAX_ORDER ? order : -E2BIG;
}

/**
 * slab_init_random_seq - give a cache a shuffled order for new slabs
 * @s: the cache, with @objects set
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOMEM.
 */
int slab_init_random_seq(struct kslab_cache *s)
{
	unsigned int i, j;

	if (s->objects < 2)
		return 0;
	s->random_seq = kcalloc(s->objects, sizeof(*s->random_seq), GFP_KERNEL);
	if (!s->random_seq)
		return -ENOMEM;
	for (i = 0; i < s->objects; i++)
		s->random_seq[i] = i;
	for (i = s->objects - 1; i > 0; i--) {
		j = get_random_u32_below(i + 1);	/* swap() reads it twice */
		swap(s->random_seq[i], s->random_seq[j]);
	}
	return 0;
}

/* The next object index of a new slab: shuffled, or in address order. */
static unsigned int seq_next(struct kslab_cache *s, unsigned int *pos,
			     unsigned int objects)
{
	unsigned int idx;

	if (!s->random_seq)
		return (*pos)++;
	do {
		idx = s->random_seq[*pos];
		if (++*pos >= s->objects)
			*pos = 0;
	} while (idx >= objects);
	return idx;
}

/**
 * slab_new - take a slab from the page allocator, objects constructed
 * @s: the cache
 * @gfp: the caller's GFP flags (only page-allocator bits are used)
 * @node: the node to allocate on (a hint unless @gfp has __GFP_THISNODE)
 *
 * Tries the cache's order without retrying hard, then the smallest order
 * that holds one object with the caller's flags. The slab is on no list
 * and all its objects are free but not yet on its free list: the caller
 * hands it to slab_take_new() under the node's list_lock.
 *
 * Context: no kslab lock held; sleeps only if @gfp allows.
 * Return: the slab's head page, or NULL.
 */
struct page *slab_new(struct kslab_cache *s, gfp_t gfp, int node)
{
	gfp_t flags = (gfp & KSLAB_GFP_PAGE_MASK) | s->allocflags;
	unsigned int order = s->order, objects = s->objects, i;
	struct page *page = NULL;
	struct slab_meta *m;
	void *base;

	if (s->order != s->min_order)
		page = alloc_pages_node(node, (flags | __GFP_NOWARN | __GFP_NORETRY) &
					~__GFP_NOFAIL, order);
	if (!page) {
		order = s->min_order;
		objects = s->min_objects;
		page = alloc_pages_node(node, flags, order);
		if (!page)
			return NULL;
		if (s->order != s->min_order)
			stat(s, KSLAB_ORDER_FALLBACK);
	}
	if (pagemap_add(page, gfp)) {
		__free_pages(page, order);
		return NULL;
	}
	page_hold(page);
	/*
	 * Every field, the quarantine bit too: page->index keeps what the
	 * page's last user left there (a SLUB slab's free pointer sets the
	 * bit it overlays, and defragmentation then skipped the slab).
	 */
	m = page_meta(page);
	*m = (struct slab_meta) {
		.free = KSLAB_NO_FREE,
		.objects = objects,
		.magic = KSLAB_MAGIC_SLAB,
		.state = SLAB_STATE_NONE,
	};
	set_page_private(page, (unsigned long)s);
	atomic_long_add(1L << order, &kslab_pages);
	stat(s, KSLAB_ALLOC_SLAB);

	base = page_address(page);
	debug_slab_init(s, page);
	if (s->ctor)
		for (i = 0; i < objects; i++)
			s->ctor(slab_object(s, base, i));
	kslab_kasan_slab_new(s, page);
	return page;
}

static struct list_head *state_list(struct kslab_node *n, unsigned int state,
				    unsigned long **count)
{
	switch (state) {
	case SLAB_STATE_PARTIAL:
		*count = &n->nr_partial;
		return &n->partial;
	case SLAB_STATE_FULL:
		*count = &n->nr_full;
		return &n->full;
	case SLAB_STATE_EMPTY:
		*count = &n->nr_empty;
		return &n->empty;
	case SLAB_STATE_ISOLATED:
		*count = &n->nr_isolated;
		return &n->isolated;
	}
	*count = NULL;
	return NULL;
}

/*
 * slab_move - put a slab on the node list its counts call for. Partial
 * slabs join the tail, so allocation keeps filling the oldest (fullest)
 * ones and sparse slabs get the time to empty. An isolated slab stays
 * where it is until defragmentation releases it, and a node walk's cursor
 * until the walk lets go of it (slab_walk_list()).
 */
void slab_move(struct kslab_node *n, struct page *page)
{
	struct slab_meta *m = page_meta(page);
	unsigned int state;
	unsigned long *count;
	struct list_head *list;

	lockdep_assert_held(&n->list_lock);
	if (m->state == SLAB_STATE_ISOLATED ||
	    (m->walk && m->state != SLAB_STATE_NONE))
		return;
	if (!m->inuse)
		state = SLAB_STATE_EMPTY;
	else if (m->inuse == m->objects)
		state = SLAB_STATE_FULL;
	else
		state = SLAB_STATE_PARTIAL;
	if (state == m->state)
		return;
	list = state_list(n, m->state, &count);
	if (list) {
		list_del(&page->lru);
		(*count)--;
		/* allocated from: node_trim() keeps as many */
		if (m->state == SLAB_STATE_EMPTY)
			n->empty_used++;
	}
	list = state_list(n, state, &count);
	list_add_tail(&page->lru, list);
	(*count)++;
	m->state = state;
	n->gen++;
}

/* slab_unlink - take a slab off the node for good, onto @discard. */
void slab_unlink(struct kslab_node *n, struct page *page,
		 struct list_head *discard)
{
	struct slab_meta *m = page_meta(page);
	unsigned long *count;

	lockdep_assert_held(&n->list_lock);
	if (state_list(n, m->state, &count))
		(*count)--;
	list_move(&page->lru, discard);
	m->state = SLAB_STATE_NONE;
	/* read without the lock (READ_ONCE), so written whole */
	WRITE_ONCE(n->nr_slabs, n->nr_slabs - 1);
	WRITE_ONCE(n->nr_pages, n->nr_pages - compound_nr(page));
	WRITE_ONCE(n->total_objects, n->total_objects - m->objects);
	n->inuse -= m->inuse;
	n->gen++;
}

/* Quarantine the objects of @objs failing debug checks; return those left. */
static unsigned int slab_debug_filter(struct kslab_cache *s, struct page *page,
				      void **objs, unsigned int nr)
{
	unsigned int i, kept = 0;

	for (i = 0; i < nr; i++) {
		if (debug_alloc_check(s, page, objs[i]))
			objs[kept++] = objs[i];
		else
			page_meta(page)->quarantine = 1;
	}
	return kept;
}

/* Mark @lost objects of a slab as quarantined: in use for good. */
static void slab_quarantine(struct kslab_cache *s, struct kslab_node *n,
			    struct page *page, unsigned int lost)
{
	struct slab_meta *m = page_meta(page);

	m->inuse += lost;
	n->inuse += lost;
	n->gen++;
	m->quarantine = 1;
	atomic_long_add(lost, &s->quarantined);
}

/**
 * slab_take_new - take objects from a new slab and add it to its node
 * @s: the cache
 * @n: the slab's node (page_to_nid() of @page)
 * @page: a slab from slab_new()
 * @objs: where the objects go
 * @want: how many the caller wants
 * @live: they go to a caller, checked as debug flags ask; false: to a
 *	  magazine, laid out free as they are (checked when popped)
 *
 * The first objects of the slab's (shuffled) order go straight to @objs,
 * without touching their memory; the rest are linked as its free list.
 *
 * Context: @n->list_lock held.
 * Return: the number of objects placed in @objs.
 */
unsigned int slab_take_new(struct kslab_cache *s, struct kslab_node *n,
			   struct page *page, void **objs, unsigned int want,
			   bool live)
{
	struct slab_meta *m = page_meta(page);
	unsigned int objects = m->objects, got = min(want, objects);
	unsigned int pos = 0, i, idx;
	void *base = page_address(page), *prev = NULL, *obj;

	lockdep_assert_held(&n->list_lock);
	if (s->random_seq)
		pos = get_random_u32_below(s->objects);
	for (i = 0; i < got; i++)
		objs[i] = slab_object(s, base, seq_next(s, &pos, objects));
	for (; i < objects; i++) {
		idx = seq_next(s, &pos, objects);
		obj = slab_object(s, base, idx);
		if (prev)
			freeptr_set(s, prev, obj);
		else
			m->free = idx;
		prev = obj;
	}
	if (prev)
		freeptr_set(s, prev, NULL);
	/* those the debug checks quarantine stay in use, for slab and node */
	m->inuse = got;
	n->inuse += got;
	if (live && cache_debug(s))
		got = slab_debug_filter(s, page, objs, got);
	WRITE_ONCE(n->nr_slabs, n->nr_slabs + 1);
	WRITE_ONCE(n->nr_pages, n->nr_pages + compound_nr(page));
	WRITE_ONCE(n->total_objects, n->total_objects + objects);
	slab_move(n, page);
	return got;
}

/*
 * slab_pop - take up to @want objects off a slab's free list. A free
 * pointer that does not decode to an object of this slab is reported and
 * never followed: the list is cut there and the objects beyond it stay
 * counted as in use, isolated, so no one is handed out twice.
 */
static unsigned int slab_pop(struct kslab_cache *s, struct kslab_node *n,
			     struct page *page, void **objs, unsigned int want,
			     bool live)
{
	struct slab_meta *m = page_meta(page);
	void *base = page_address(page), *obj, *next;
	unsigned int idx = m->free, got = 0;

	lockdep_assert_held(&n->list_lock);
	n->gen++;
	if (unlikely(idx == KSLAB_NO_FREE)) {
		/* listed as having free objects, but its free list is empty */
		report_slab(s, page, "counts disagree with the free list");
		slab_quarantine(s, n, page, m->objects - m->inuse);
		slab_move(n, page);
		return 0;
	}
	while (idx != KSLAB_NO_FREE && got < want) {
		obj = slab_object(s, base, idx);
		next = freeptr_get(s, obj);
		idx = next ? slab_index(s, m, base, next) : KSLAB_NO_FREE;
		m->inuse++;
		n->inuse++;
		if (unlikely(idx == KSLAB_BAD_INDEX)) {
			report_freelist(s, page, obj, next, m->objects - m->inuse);
			slab_quarantine(s, n, page, m->objects - m->inuse);
			idx = KSLAB_NO_FREE;
		}
		/* An object failing its checks stays off both lists, in use. */
		if (!live || debug_alloc_check(s, page, obj))
			objs[got++] = obj;
		else
			m->quarantine = 1;
	}
	m->free = idx;
	slab_move(n, page);
	return got;
}

/*
 * The first slab of @list to allocate from. A node walk's cursor stays on
 * its list whatever its counts say (slab_walk_list()): passed over when it
 * has no free object left.
 */
static struct page *slab_first_free(struct list_head *list)
{
	struct page *page;

	list_for_each_entry(page, list, lru)
		if (likely(!page_meta(page)->walk) ||
		    page_meta(page)->free != KSLAB_NO_FREE)
			return page;
	return NULL;
}

/**
 * slab_take - take objects from a node's partial slabs, then its empty ones
 * @s: the cache
 * @n: the node
 * @objs: where the objects go
 * @want: how many the caller wants
 * @live: as for slab_take_new()
 *
 * Context: @n->list_lock held.
 * Return: the number of objects placed in @objs (0 when the node has none).
 */
unsigned int slab_take(struct kslab_cache *s, struct kslab_node *n,
		       void **objs, unsigned int want, bool live)
{
	unsigned int got = 0, from_partial = 0, nr;
	struct page *page;
	bool partial;

	lockdep_assert_held(&n->list_lock);
	while (got < want) {
		page = slab_first_free(&n->partial);
		if (!page)
			page = slab_first_free(&n->empty);
		if (!page)
			break;
		partial = page_meta(page)->state == SLAB_STATE_PARTIAL;
		nr = slab_pop(s, n, page, objs + got, want - got, live);
		if (partial)
			from_partial += nr;
		got += nr;
	}
	if (from_partial)
		stat_add(s, KSLAB_ALLOC_FROM_PARTIAL, from_partial);
	return got;
}

/*
 * slab_put_check - the checks of an object coming back to its slab, out of
 * slab_put_batch()'s loop: a pointer that is no object start of the slab,
 * an object at the head of the free list or of a slab with nothing in use
 * (a double free), and the debug checks. The slab's counts are current.
 * Return: true when the object may be linked.
 */
static bool slab_put_check(struct kslab_cache *s, struct page *page,
			   void *obj, unsigned int idx, unsigned long caller)
{
	struct slab_meta *m = page_meta(page);

	if (idx == KSLAB_BAD_INDEX) {
		report_bad_free(s, page, obj, "pointer is not the start of an object");
		return false;
	}
	if (idx == m->free || !m->inuse) {
		report_bad_free(s, page, obj, "object already free");
		return false;
	}
	/* one kslab held: checked on its way into the magazine (debug.h) */
	if (!caller && cache_checked(s))
		return debug_held_check(s, page, obj);
	return debug_free_check(s, page, obj, caller);
}

/*
 * slab_put_settle - the list a slab belongs on after a run of frees that
 * started with it full (@was_full) or left it empty, the two cases in
 * which it changes lists (put_run_end() calls it for no other): a slab
 * that stops being full becomes partial; one that empties stays while its
 * node keeps fewer than slab_empty_max() empty slabs (node_trim() gives
 * back the ones no allocation needed), or goes to @discard. The
 * statistics count what one free at a time would have: a move to partial
 * when a full slab of more than one object lost one, a removal when it
 * emptied.
 */
static void slab_put_settle(struct kslab_cache *s, struct kslab_node *n,
			    struct page *page, bool was_full,
			    struct list_head *discard)
{
	struct slab_meta *m = page_meta(page);

	if (m->state == SLAB_STATE_ISOLATED)
		return;		/* defragmentation decides */
	if (was_full && m->objects > 1)
		stat(s, KSLAB_FREE_ADD_PARTIAL);
	if (!m->inuse) {
		if (m->objects > 1)
			stat(s, KSLAB_FREE_REMOVE_PARTIAL);
		if ((n->nr_empty >= slab_empty_max(s) ||
		     (s->slowpath & KSLAB_SLOW_DEAD)) && !m->walk) {
			slab_unlink(n, page, discard);
			return;
		}
	}
	slab_move(n, page);
}

/*
 * A run of frees into one slab, as slab_put_batch() keeps it: the slab's
 * free list head and counts live here, in registers, until the run ends.
 */
struct put_run {
	struct page *page;	/* the slab, or NULL before the first run */
	void *base;		/* page_address(page) */
	void *head;		/* the free list's first object, or NULL */
	unsigned int free;	/* its index, or KSLAB_NO_FREE */
	unsigned int inuse;
	unsigned int put;	/* objects linked in this run */
};

/* Write a run's counts back and move its slab to the list they call for. */
static __always_inline unsigned int put_run_end(struct kslab_cache *s,
						struct kslab_node *n,
						struct put_run *run,
						struct list_head *discard)
{
	struct slab_meta *m = page_meta(run->page);
	bool was_full = run->inuse + run->put == m->objects;

	m->free = run->free;
	m->inuse = run->inuse;
	if (unlikely(was_full || !run->inuse) && run->put)
		slab_put_settle(s, n, run->page, was_full, discard);
	return run->put;
}

/* Start a run on @page. */
static __always_inline void put_run_begin(struct kslab_cache *s,
					  struct put_run *run,
					  struct page *page)
{
	struct slab_meta *m = page_meta(page);

	run->page = page;
	run->base = page_address(page);
	run->free = m->free;
	run->inuse = m->inuse;
	run->head = run->free == KSLAB_NO_FREE ? NULL :
		    slab_object(s, run->base, run->free);
	run->put = 0;
}

/**
 * slab_put_batch - give objects of one node back to their slabs' free lists
 * @s: the cache
 * @n: their node
 * @pages: the head page of each object's slab
 * @objs: the objects; those of one slab next to each other make a run
 * @nr: how many
 * @discard: where a slab goes when it empties and its node keeps enough
 * @caller: who freed them (recorded by SLAB_STORE_USER)
 *
 * Over a run of objects of one slab, the free list's head and the counts
 * stay in registers and the slab changes lists at most once, at the end.
 * Refuses, reports and counts a pointer that is not the start of an object
 * of its slab, and an object already at the head of the free list or of a
 * slab with nothing in use (a double free): neither is ever linked.
 *
 * Context: @n->list_lock held.
 * Return: how many were taken back.
 */
unsigned int slab_put_batch(struct kslab_cache *s, struct kslab_node *n,
			    struct page **pages, void **objs, unsigned int nr,
			    struct list_head *discard, unsigned long caller)
{
	struct put_run run = { .page = NULL };
	unsigned int i, idx, done = 0;
	void *obj;

	lockdep_assert_held(&n->list_lock);
	for (i = 0; i < nr; i++) {
		if (pages[i] != run.page) {
			if (run.page)
				done += put_run_end(s, n, &run, discard);
			put_run_begin(s, &run, pages[i]);
		}
		obj = objs[i];
		idx = slab_index(s, page_meta(run.page), run.base, obj);
		if (unlikely(idx == KSLAB_BAD_INDEX || idx == run.free ||
			     !run.inuse || cache_debug(s))) {
			/* the checks read the slab's counts: bring them up */
			page_meta(run.page)->free = run.free;
			page_meta(run.page)->inuse = run.inuse;
			if (!slab_put_check(s, run.page, obj, idx, caller))
				continue;
		}
		freeptr_set(s, obj, run.head);
		run.head = obj;
		run.free = idx;
		run.inuse--;
		run.put++;
	}
	if (run.page)
		done += put_run_end(s, n, &run, discard);
	n->inuse -= done;
	n->gen++;
	return done;
}

/**
 * slab_trim - move a node's empty slabs beyond @keep onto @discard
 * @s: the cache
 * @n: the node
 * @keep: empty slabs to leave on the node
 * @discard: the list for slab_discard_list()
 *
 * Context: @n->list_lock held.
 */
void slab_trim(struct kslab_cache *s, struct kslab_node *n, unsigned int keep,
	       struct list_head *discard)
{
	struct page *page, *tmp;

	lockdep_assert_held(&n->list_lock);
	list_for_each_entry_safe(page, tmp, &n->empty, lru) {
		if (n->nr_empty <= keep)
			break;
		if (!page_meta(page)->walk)	/* a walk's cursor stays */
			slab_unlink(n, page, discard);
	}
}

/**
 * slab_discard - give a slab unlinked from its node back to the buddy allocator
 * @s: the cache
 * @page: the slab's head page
 *
 * A slab of a SLAB_TYPESAFE_BY_RCU cache goes back after a grace period.
 *
 * Context: no kslab lock held (pages are freed outside the node's lock).
 */
void slab_discard(struct kslab_cache *s, struct page *page)
{
	debug_slab_free(s, page);
	if (s->flags & SLAB_TYPESAFE_BY_RCU)
		rcu_discard_slab(page);
	else
		slab_free_pages(s, page);
}

/**
 * slab_free_pages - the end of a slab: its pages back to the buddy allocator
 * @s: the cache
 * @page: the slab's head page
 *
 * Context: any context.
 */
void slab_free_pages(struct kslab_cache *s, struct page *page)
{
	unsigned int order = compound_order(page);

	pagemap_del(page);
	kslab_page_word(page) = 0;
	set_page_private(page, 0);
	INIT_LIST_HEAD(&page->lru);
	atomic_long_sub(1L << order, &kslab_pages);
	stat(s, KSLAB_FREE_SLAB);
	if (unlikely(!page_unhold(page)))
		report_page_ref(s, page, page_ref_count(page));
	__free_pages(page, order);
}

/**
 * slab_discard_list - slab_discard() every slab on @list
 * @s: the cache
 * @list: slabs unlinked by slab_put_batch(), slab_trim(), defragmentation
 *        or a shutdown
 *
 * Context: no kslab lock held.
 */
void slab_discard_list(struct kslab_cache *s, struct list_head *list)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, list, lru) {
		list_del(&page->lru);
		slab_discard(s, page);
	}
}

/*
 * slab_free_map - mark the free objects of a slab in @map by walking its
 * free list. Return: the number of free objects, or -1 when the list is
 * corrupt (a pointer to no object of the slab, or a loop); then *@last is
 * the last object the list reached, the one holding the bad link (NULL:
 * the head index itself is no object of the slab). *@last was reached
 * through good links: it is free, and so is every object before it.
 */
static int slab_free_map(struct kslab_cache *s, struct page *page,
			 unsigned long *map, void **last)
{
	struct slab_meta *m = page_meta(page);
	void *base = page_address(page), *obj, *next;
	unsigned int idx = m->free, nr = 0;

	*last = NULL;
	if (idx != KSLAB_NO_FREE && idx >= m->objects)
		return -1;
	while (idx != KSLAB_NO_FREE) {
		if (test_and_set_bit(idx, map))
			return -1;	/* *last links back into the list */
		nr++;
		obj = slab_object(s, base, idx);
		*last = obj;
		next = freeptr_get(s, obj);
		if (!next)
			break;
		idx = slab_index(s, m, base, next);
		if (idx == KSLAB_BAD_INDEX)
			return -1;
	}
	return nr;
}

/**
 * slab_free_count - walk a slab's free list looking for an object
 * @s: the cache
 * @page: the slab
 * @obj: the object to look for, or NULL
 *
 * Context: the slab's node list_lock held.
 * Return: the number of free objects; -EEXIST when @obj is on the list;
 * -EINVAL when the list is corrupt.
 */
int slab_free_count(struct kslab_cache *s, struct page *page, void *obj)
{
	struct slab_meta *m = page_meta(page);
	void *base = page_address(page), *cur, *next;
	unsigned int idx = m->free, nr = 0;

	lockdep_assert_held(&s->node[page_to_nid(page)]->list_lock);
	while (idx != KSLAB_NO_FREE) {
		if (nr++ >= m->objects)
			return -EINVAL;
		cur = slab_object(s, base, idx);
		if (cur == obj)
			return -EEXIST;
		next = freeptr_get(s, cur);
		if (!next)
			break;
		idx = slab_index(s, m, base, next);
		if (idx == KSLAB_BAD_INDEX)
			return -EINVAL;
	}
	return nr;
}

/*
 * Check one slab of a node list against its own counts and its list, and
 * repair what is reported: a corrupt free list is cut at the object
 * holding the bad link (it stays free) and the objects beyond are
 * quarantined; counts that disagree with the list are set from it, and the
 * slab moves to the list they then call for. So a second validation finds
 * the slab clean. Called by slab_walk_list(), which allows the move.
 */
static long slab_validate(struct kslab_cache *s, struct kslab_node *n,
			  struct page *page, unsigned int state,
			  unsigned long *map)
{
	struct slab_meta *m = page_meta(page);
	void *base = page_address(page), *last, *bad, *next = NULL;
	long errors = 0;
	unsigned int i;
	int nr_free;

	if (!slab_of(page, s)) {
		report_slab(s, page, "slab on this cache's list is not its own");
		return 1;
	}
	if (m->state != state) {
		report_slab(s, page, "slab on the wrong node list");
		errors++;
	}
	bitmap_zero(map, m->objects);
	nr_free = slab_free_map(s, page, map, &last);
	if (nr_free < 0) {
		bad = last;
		if (bad) {
			next = freeptr_get(s, bad);
			freeptr_set(s, bad, NULL);
		} else {
			m->free = KSLAB_NO_FREE;
		}
		bitmap_zero(map, m->objects);
		nr_free = slab_free_map(s, page, map, &last);
		if (bad)
			report_freelist(s, page, bad, next,
					m->objects - min(m->objects, m->inuse + nr_free));
		else
			report_slab(s, page, "free list head is no object of the slab");
		errors++;
	}
	/* objects == inuse + |free list| */
	if (m->inuse + nr_free != m->objects) {
		if (!errors)
			report_slab(s, page, "counts disagree with the free list");
		errors += !errors;
		if (m->inuse + nr_free < m->objects) {
			slab_quarantine(s, n, page, m->objects - nr_free - m->inuse);
		} else {
			n->inuse -= m->inuse - (m->objects - nr_free);
			n->gen++;
		}
		m->inuse = m->objects - nr_free;
		/* as after any change of its counts: the list they call for */
		if (m->state == state)
			slab_move(n, page);
	}
	for (i = 0; i < m->objects; i++)
		errors += debug_validate_object(s, page, slab_object(s, base, i),
						test_bit(i, map));
	return errors + debug_validate_slab(s, page);
}

/*
 * Work a node walk does under the list_lock before it lets interrupts and
 * the other CPUs in: objects looked at, or slabs counted (what its
 * callback says each slab cost).
 */
#define KSLAB_WALK_BATCH	512

/* A walk's cursor let go of: now it goes where its counts call for. */
static void slab_walk_release(struct kslab_cache *s, struct kslab_node *n,
			      struct page *page, struct list_head *discard)
{
	struct slab_meta *m = page_meta(page);

	m->walk = 0;
	slab_move(n, page);
	if (m->state == SLAB_STATE_EMPTY &&
	    n->nr_empty > slab_empty_max(s))
		slab_unlink(n, page, discard);
}

/*
 * slab_walk_list - call @fn on each slab of one list of a node, dropping
 * the list_lock (and calling cond_resched()) whenever @fn has reported
 * KSLAB_WALK_BATCH of work since the last time: a walk of a big cache
 * never keeps interrupts off for long.
 *
 * Before dropping the lock, the walk makes the next slab its cursor
 * (slab_meta.walk): the cursor stays on its list, whatever its counts do
 * meanwhile, and is not freed (slab_move() and the paths that unlink
 * empty slabs leave it be; slab_take() passes it over when it is full), so
 * the walk goes on from it and then lets it go. So every slab that stays
 * on the list through the walk is visited exactly once; one that joins or
 * leaves it meanwhile may be visited or not. A slab that is already some
 * other walk's cursor is never taken as one (the mark is one bit): the
 * walk stops a slab later. Only defragmentation may take a cursor off the
 * isolated list, when it releases all of it at once: the walk of that
 * list then ends.
 *
 * Context: @n->list_lock held with interrupts saved in *@flags; dropped
 * and taken again. Return: how many times it was dropped.
 */
static unsigned long slab_walk_list(struct kslab_cache *s, struct kslab_node *n,
				    unsigned int state, slab_walk_fn fn,
				    void *arg, unsigned long *flags,
				    struct list_head *discard)
{
	struct page *page, *next, *cursor = NULL;
	unsigned long *count, drops = 0;
	unsigned int work = 0;
	struct list_head *list;

	lockdep_assert_held(&n->list_lock);
	list = state_list(n, state, &count);
	page = list_first_entry_or_null(list, struct page, lru);
	while (page) {
		/* before @fn, which may move @page (validation's repairs) */
		next = list_is_last(&page->lru, list) ? NULL :
		       list_next_entry(page, lru);
		work += fn(s, n, page, state, arg);
		if (page == cursor) {
			slab_walk_release(s, n, page, discard);
			cursor = NULL;
		}
		if (next && work >= KSLAB_WALK_BATCH && !page_meta(next)->walk) {
			cursor = next;
			page_meta(cursor)->walk = 1;
			spin_unlock_irqrestore(&n->list_lock, *flags);
			cond_resched();
			spin_lock_irqsave(&n->list_lock, *flags);
			drops++;
			work = 0;
			if (page_meta(cursor)->state != state) {
				slab_walk_release(s, n, cursor, discard);
				break;
			}
		}
		page = next;
	}
	return drops;
}

/**
 * slab_walk_node - call @fn on every slab of some of a node's lists
 * @s: the cache
 * @n: the node
 * @states: the lists, BIT(SLAB_STATE_*); walked in the order of the states
 * @fn: called with @n->list_lock held; returns the work it did (objects
 *	looked at, or 1 for a slab only counted)
 * @arg: passed to @fn
 *
 * The lock is dropped every so often (slab_walk_list()): on a quiet node
 * @fn sees every slab once, as in one walk under the lock; while the lists
 * change, every slab that stays on its list.
 *
 * Context: process context, no kslab lock held; may sleep.
 * Return: how many times the lock was dropped on the way.
 */
unsigned long slab_walk_node(struct kslab_cache *s, struct kslab_node *n,
			     unsigned int states, slab_walk_fn fn, void *arg)
{
	unsigned long flags, drops = 0;
	LIST_HEAD(discard);
	unsigned int state;

	might_sleep();
	spin_lock_irqsave(&n->list_lock, flags);
	for (state = SLAB_STATE_PARTIAL; state <= SLAB_STATE_ISOLATED; state++)
		if (states & BIT(state))
			drops += slab_walk_list(s, n, state, fn, arg, &flags,
						&discard);
	spin_unlock_irqrestore(&n->list_lock, flags);
	slab_discard_list(s, &discard);
	return drops;
}
EXPORT_SYMBOL_IF_KUNIT(slab_walk_node);

/* What validation adds up over a node's slabs, for the node's own counts. */
struct node_sums {
	unsigned long *map;
	long errors;
	unsigned long slabs[SLAB_STATE_ISOLATED + 1];
	unsigned long objects, inuse;
};

static unsigned int slab_validate_one(struct kslab_cache *s,
				      struct kslab_node *n, struct page *page,
				      unsigned int state, void *arg)
{
	struct node_sums *sums = arg;
	struct slab_meta *m = page_meta(page);

	sums->errors += slab_validate(s, n, page, state, sums->map);
	sums->slabs[state]++;
	sums->objects += m->objects;
	sums->inuse += m->inuse;
	return m->objects;
}

/**
 * slab_validate_node - check every slab of one node of a cache
 * @s: the cache
 * @n: the node
 *
 * Checks each slab (see slab_validate()), walking the node's lists with
 * the lock dropped every so often (slab_walk_list()), and then the node's
 * own counts: nr_slabs == |partial| + |full| + |empty| + |isolated| and
 * inuse == sum of slab inuse. Those hold at every moment, so they are only
 * checked when the node did not change during the walk (its gen: always,
 * on a quiet cache); after a repair they wait for the next validation.
 *
 * Context: process context (allocates a bitmap); takes @n->list_lock.
 * Return: the number of problems found (each one reported).
 */
long slab_validate_node(struct kslab_cache *s, struct kslab_node *n)
{
	struct node_sums sums = {};
	unsigned long flags, gen, *count, slabs = 0;
	unsigned int state;
	LIST_HEAD(discard);

	sums.map = bitmap_zalloc(max(s->objects, s->min_objects), GFP_KERNEL);
	if (!sums.map)
		return -ENOMEM;
	spin_lock_irqsave(&n->list_lock, flags);
	gen = n->gen;
	for (state = SLAB_STATE_PARTIAL; state <= SLAB_STATE_ISOLATED; state++)
		slab_walk_list(s, n, state, slab_validate_one, &sums, &flags,
			       &discard);
	if (n->gen == gen) {
		for (state = SLAB_STATE_PARTIAL; state <= SLAB_STATE_ISOLATED; state++) {
			state_list(n, state, &count);
			if (sums.slabs[state] != *count) {
				report_node(s, n, "list count disagrees with the list");
				sums.errors++;
			}
			slabs += sums.slabs[state];
		}
		if (slabs != n->nr_slabs || sums.objects != n->total_objects ||
		    sums.inuse != n->inuse) {
			report_node(s, n, "node counts disagree with its slabs");
			sums.errors++;
		}
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	slab_discard_list(s, &discard);
	bitmap_free(sums.map);
	return sums.errors;
}

/**
 * slab_walk_objects - call @fn on every object of a slab, saying
 * whether it is on the slab's free list
 * @s: the cache
 * @page: the slab
 * @map: a bitmap with room for the slab's objects
 * @fn: the callback
 * @arg: passed to @fn
 *
 * Context: the slab's node list_lock held.
 * Return: 0, or -1 when its free list is corrupt (then @fn is not called).
 */
int slab_walk_objects(struct kslab_cache *s, struct page *page,
		      unsigned long *map, slab_object_fn fn, void *arg)
{
	struct slab_meta *m = page_meta(page);
	void *base = page_address(page), *last;
	unsigned int i;

	lockdep_assert_held(&s->node[page_to_nid(page)]->list_lock);
	bitmap_zero(map, m->objects);
	if (slab_free_map(s, page, map, &last) < 0)
		return -1;
	for (i = 0; i < m->objects; i++)
		fn(s, slab_object(s, base, i), test_bit(i, map), arg);
	return 0;
}

struct live_list {
	void **objs;
	unsigned int max, nr;
};

static void live_collect(struct kslab_cache *s, void *obj, bool free, void *arg)
{
	struct live_list *l = arg;

	if (free)
		return;
	if (l->nr < l->max)
		l->objs[l->nr] = obj;
	l->nr++;
}

/**
 * slab_live_objects - list the objects of a slab that are not free
 * @s: the cache
 * @page: the slab
 * @objs: where to put them
 * @max: room in @objs
 *
 * Context: the slab's node list_lock held.
 * Return: how many live objects the slab has (may exceed @max; only the
 * first @max are stored), or -1 when its free list is corrupt.
 */
int slab_live_objects(struct kslab_cache *s, struct page *page, void **objs,
		      unsigned int max)
{
	struct live_list l = { .objs = objs, .max = max };
	unsigned long *map;
	int ret;

	lockdep_assert_held(&s->node[page_to_nid(page)]->list_lock);
	map = bitmap_zalloc(page_meta(page)->objects, GFP_ATOMIC | __GFP_NOWARN);
	if (!map)
		return -1;
	ret = slab_walk_objects(s, page, map, live_collect, &l);
	bitmap_free(map);
	return ret < 0 ? ret : l.nr;
}
