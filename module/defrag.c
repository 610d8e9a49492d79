// SPDX-License-Identifier: GPL-2.0
/*
 * defrag.c - movable objects, so memory held follows memory used. A cache
 * whose owner can relocate its objects (kslab_cache_set_movable()) lets
 * kslab empty its sparse slabs into denser ones and give the pages back:
 * on kslab_cache_defrag(), on a write to sysfs's defrag, and from a work
 * item the shrinker queues under memory pressure (never from reclaim
 * itself: the owner's move callback may take locks a reclaiming task
 * holds).
 *
 * THE PROTOCOL (who owns an object at each step)
 *
 *   1. The cache goes to the slow path (KSLAB_SLOW_DEFRAG) and every
 *      CPU's magazines and the depots are flushed: from now on every
 *      free goes straight to its slab's free list and every allocation
 *      comes from a slab, under the node's lock.
 *   2. Sparse partial slabs (at most defrag_ratio % in use) are isolated:
 *      nothing is allocated from them any more. Frees into them go on.
 *      So an object of an isolated slab that its owner frees stays free,
 *      is never handed to anyone else, and its memory stays readable:
 *      that is what lets the move callback read @old without a kslab lock.
 *   3. For each isolated slab, kslab lists its live objects (a snapshot
 *      under the lock; any may be freed by its owner right after). For
 *      each one, kslab allocates @new from a non-isolated slab of the
 *      same node and calls move(@old, @new) with no kslab lock held.
 *      Until move returns, @old belongs to the owner (who decides, under
 *      its own lock, whether it still holds it) and @new to kslab.
 *        0        the owner copied and repointed: @new is the owner's,
 *                 @old is kslab's, which frees it.
 *        -EBUSY   nothing changed: @old stays the owner's; kslab frees @new.
 *        -ENOENT  the owner is freeing @old (or has): @old is the owner's to
 *                 free; kslab frees @new.
 *   4. Isolated slabs that emptied go back to the buddy allocator; the rest
 *      return to the partial or full lists. The cache leaves the slow path.
 *
 * Only one defragmentation of a cache runs at a time (defrag_mutex), and
 * the move callback is read under it: kslab_cache_set_movable() waits for
 * a running one. Destroying a cache first makes it unmovable under
 * kslab_mutex, which the shrinker queues under, then cancels and waits for
 * a queued one (defrag_cancel()).
 */
#define pr_fmt(fmt) "kslab: " fmt

#include <linux/cpu.h>
#include <linux/kasan.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "kslab_int.h"
#include "debug.h"
#include "kasan.h"

#define KSLAB_DEFRAG_RATIO	30	/* default: slabs at most 30% in use */

/**
 * defrag_release_isolated - end a node's defragmentation
 * @s: the cache
 * @n: the node
 * @discard: where emptied slabs go (NULL: keep them as empty slabs)
 *
 * Context: @n->list_lock held.
 */
static void defrag_release_isolated(struct kslab_cache *s, struct kslab_node *n,
				    struct list_head *discard)
{
	struct page *page, *tmp;

	lockdep_assert_held(&n->list_lock);
	list_for_each_entry_safe(page, tmp, &n->isolated, lru) {
		if (discard && !page_meta(page)->inuse && !page_meta(page)->walk) {
			slab_unlink(n, page, discard);
			stat(s, KSLAB_DEFRAG_SLABS);
			continue;
		}
		list_del(&page->lru);
		n->nr_isolated--;
		page_meta(page)->state = SLAB_STATE_NONE;
		slab_move(n, page);
	}
}

/**
 * defrag_isolate_sparse - take a node's sparse partial slabs off allocation
 * @s: the cache
 * @n: the node
 * @ratio: a slab with at most @ratio percent of its objects in use is sparse
 *
 * Isolated slabs stay on the node (frees into them go on) but nothing is
 * allocated from them until defrag_release_isolated(). A lone sparse slab
 * with no other partial slab to take its objects is left alone: moving
 * them would only fill a new slab.
 *
 * Context: @n->list_lock held.
 * Return: the number of slabs isolated.
 */
static unsigned int defrag_isolate_sparse(struct kslab_cache *s, struct kslab_node *n,
					  unsigned int ratio)
{
	struct page *page, *tmp;
	struct slab_meta *m;
	unsigned int nr = 0;

	lockdep_assert_held(&n->list_lock);
	list_for_each_entry_safe(page, tmp, &n->partial, lru) {
		m = page_meta(page);
		if (m->quarantine || m->walk || m->inuse * 100 > ratio * m->objects)
			continue;
		list_move_tail(&page->lru, &n->isolated);
		n->nr_partial--;
		n->nr_isolated++;
		m->state = SLAB_STATE_ISOLATED;
		n->gen++;
		nr++;
	}
	if (nr == 1 && !n->nr_partial) {
		defrag_release_isolated(s, n, NULL);
		nr = 0;
	}
	return nr;
}

/**
 * defrag_next_isolated - the isolated slab after @after (or the first)
 * @n: the node
 * @after: an isolated slab, or NULL
 *
 * Context: @n->list_lock held. Return: the slab, or NULL at the end.
 */
static struct page *defrag_next_isolated(struct kslab_node *n, struct page *after)
{
	lockdep_assert_held(&n->list_lock);
	if (!after)
		return list_first_entry_or_null(&n->isolated, struct page, lru);
	if (list_is_last(&after->lru, &n->isolated))
		return NULL;
	return list_next_entry(after, lru);
}

/* Move the live objects of one isolated slab; stop early without memory. */
static bool defrag_slab(struct kslab_cache *s, struct kslab_node *n, int nid,
			struct page *page, void **objs, unsigned int max)
{
	unsigned long flags;
	void *old, *new;
	int nr, i, ret;

	spin_lock_irqsave(&n->list_lock, flags);
	nr = slab_live_objects(s, page, objs, max);
	spin_unlock_irqrestore(&n->list_lock, flags);
	for (i = 0; i < nr; i++) {
		old = objs[i];
		if (!node_alloc_objects(s, GFP_KERNEL | __GFP_NOWARN, nid, &new, 1))
			return false;
		if (cache_debug(s))	/* its owner track, as any allocation */
			debug_on_alloc(s, new, _RET_IP_);
		kslab_kasan_alloc(s, new);
		/*
		 * @old stays readable even once its owner freed it (step 2),
		 * but KASAN poisoned it then: the callback is not checked
		 */
		kasan_disable_current();
		ret = s->move_ops->move(s, old, new, s->move_priv);
		kasan_enable_current();
		if (!ret) {
			if (kslab_kasan_free_obj(s, old))
				node_free_objects(s, &old, 1, _RET_IP_);
			stat(s, KSLAB_DEFRAG_MOVED);
		} else {
			if (kslab_kasan_free_obj(s, new))
				node_free_objects(s, &new, 1, _RET_IP_);
			stat(s, KSLAB_DEFRAG_REFUSED);
		}
		cond_resched();
	}
	return true;
}

static void defrag_node(struct kslab_cache *s, int nid, void **objs,
			unsigned int max)
{
	struct kslab_node *n = s->node[nid];
	struct page *page = NULL;
	unsigned long flags;
	LIST_HEAD(discard);
	bool more = true;

	spin_lock_irqsave(&n->list_lock, flags);
	if (!defrag_isolate_sparse(s, n, READ_ONCE(s->defrag_ratio))) {
		spin_unlock_irqrestore(&n->list_lock, flags);
		return;
	}
	while (more && (page = defrag_next_isolated(n, page))) {
		spin_unlock_irqrestore(&n->list_lock, flags);
		more = defrag_slab(s, n, nid, page, objs, max);
		spin_lock_irqsave(&n->list_lock, flags);
	}
	defrag_release_isolated(s, n, &discard);
	spin_unlock_irqrestore(&n->list_lock, flags);
	slab_discard_list(s, &discard);
}

/*
 * Steps 1 and 4: the cache on and off the slow path. Once the key is on,
 * every fast path sees the reason; the flush then empties what CPUs hold.
 */
static void defrag_slowpath(struct kslab_cache *s, bool on)
{
	mutex_lock(&kslab_mutex);
	cache_set_slowpath(s, KSLAB_SLOW_DEFRAG, on);
	mutex_unlock(&kslab_mutex);
	cache_sync_slowpath_key();
	if (!on)
		return;
	cpus_read_lock();
	cpu_flush_all(s);
	cpus_read_unlock();
	depot_drain(s);
}

/**
 * kslab_cache_defrag - move the objects of sparse slabs into denser ones
 * @s: a cache made movable with kslab_cache_set_movable()
 *
 * Slabs with at most defrag_ratio percent (sysfs; default 30) of their
 * objects in use are emptied through the cache's move callback, and their
 * pages given back. The cache works on meanwhile, on its slow path. See
 * the protocol at the top of defrag.c.
 *
 * Context: process context; may sleep. Not with a lock the move callback
 * takes.
 * Return: the pages given back, or -EINVAL when @s is not movable, or
 * -ENOMEM.
 */
long kslab_cache_defrag(struct kslab_cache *s)
{
	unsigned long before, after;
	unsigned int max = max(s->objects, s->min_objects);
	void **objs;
	int nid;

	/* move_ops under the mutex: kslab_cache_set_movable() changes it so */
	mutex_lock(&s->defrag_mutex);
	if (!s->move_ops) {
		mutex_unlock(&s->defrag_mutex);
		return -EINVAL;
	}
	objs = kmalloc_array(max, sizeof(void *), GFP_KERNEL);
	if (!objs) {
		mutex_unlock(&s->defrag_mutex);
		return -ENOMEM;
	}
	defrag_slowpath(s, true);
	before = cache_pages(s);
	for_each_node(nid)
		defrag_node(s, nid, objs, max);
	after = cache_pages(s);
	defrag_slowpath(s, false);
	mutex_unlock(&s->defrag_mutex);
	kfree(objs);
	if (after >= before)
		return 0;
	stat_add(s, KSLAB_DEFRAG_PAGES, before - after);
	return before - after;
}
EXPORT_SYMBOL_GPL(kslab_cache_defrag);

/**
 * kslab_cache_set_movable - let kslab move a cache's objects
 * @s: the cache
 * @ops: the move callback (see struct kslab_move_ops), or NULL to make
 *       the cache unmovable again
 * @priv: passed to the callback
 *
 * Context: process context; may sleep (waits for a defragmentation).
 * Return: 0, or -EINVAL when @ops has no move callback.
 */
int kslab_cache_set_movable(struct kslab_cache *s,
			    const struct kslab_move_ops *ops, void *priv)
{
	if (ops && !ops->move) {
		pr_warn("%s: set_movable: no move callback\n", s->name);
		return -EINVAL;
	}
	mutex_lock(&s->defrag_mutex);
	s->move_priv = priv;
	WRITE_ONCE(s->move_ops, ops);
	mutex_unlock(&s->defrag_mutex);
	return 0;
}
EXPORT_SYMBOL_GPL(kslab_cache_set_movable);

/**
 * defrag_wanted - is a movable cache fragmented enough to defragment?
 * @s: the cache
 *
 * True when it has more than one partial slab (one alone has nowhere to
 * move its objects) and at most defrag_ratio percent of the objects of its
 * slabs are in use.
 *
 * Context: any context.
 */
bool defrag_wanted(struct kslab_cache *s)
{
	unsigned long total = 0, inuse = 0, partial = 0;
	int nid;

	if (!READ_ONCE(s->move_ops))
		return false;
	for_each_node(nid) {
		total += READ_ONCE(s->node[nid]->total_objects);
		inuse += READ_ONCE(s->node[nid]->inuse);
		partial += READ_ONCE(s->node[nid]->nr_partial);
	}
	return partial > 1 && inuse * 100 <= total * READ_ONCE(s->defrag_ratio);
}

static void defrag_work_fn(struct work_struct *work)
{
	kslab_cache_defrag(container_of(work, struct kslab_cache, defrag_work));
}

/**
 * defrag_init_cache - a new cache's defragmentation state
 * @s: the cache
 */
void defrag_init_cache(struct kslab_cache *s)
{
	mutex_init(&s->defrag_mutex);
	INIT_WORK(&s->defrag_work, defrag_work_fn);
	s->defrag_ratio = KSLAB_DEFRAG_RATIO;
}

/**
 * defrag_cancel - stop the defragmentation of a cache being destroyed
 * @s: the cache
 *
 * Makes @s unmovable, under defrag_mutex (after a defragmentation running
 * now) and kslab_mutex both, then waits for a defragmentation the shrinker
 * queued. The shrinker queues one only under kslab_mutex and only for a
 * movable cache, so none is queued after this: none runs on @s once it is
 * freed, and a destroyed cache kept for its live objects never calls a
 * move callback of its client, which may be gone. (Waiting first and
 * marking nothing let a shrinker scan queue the work again in between.)
 *
 * Context: process context, no kslab lock held.
 */
void defrag_cancel(struct kslab_cache *s)
{
	mutex_lock(&s->defrag_mutex);
	mutex_lock(&kslab_mutex);
	s->move_priv = NULL;
	WRITE_ONCE(s->move_ops, NULL);
	mutex_unlock(&kslab_mutex);
	mutex_unlock(&s->defrag_mutex);
	cancel_work_sync(&s->defrag_work);
}
EXPORT_SYMBOL_IF_KUNIT(defrag_cancel);
