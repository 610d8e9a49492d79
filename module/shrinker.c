// SPDX-License-Identifier: GPL-2.0
/*
 * shrinker.c - memory back under pressure: kslab's shrinker tells the
 * kernel how many pages its caches hold without needing them (empty
 * slabs, and slabs pinned only by free objects in magazines and depots)
 * and, when asked (reclaim, drop_caches), flushes and frees them, and
 * queues the defragmentation of movable caches that are fragmented. It
 * never waits for a lock a reclaiming task might hold: trylocks, or skips.
 * Without pressure, a work item trims every depot and every node's empty
 * slabs to their working sets every two seconds (depot_trim(),
 * node_trim()).
 */
#include <linux/cpu.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>

#include "kslab_int.h"

static struct shrinker *kslab_shrinker;

/* How often depots and nodes give back what they did not need. */
#define KSLAB_TRIM_INTERVAL	(2 * HZ)

static void trim_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(kslab_trim_work, trim_work_fn);

static void trim_work_fn(struct work_struct *work)
{
	struct kslab_cache *s;

	mutex_lock(&kslab_mutex);
	list_for_each_entry(s, &kslab_caches, list) {
		depot_trim(s);
		node_trim(s);
	}
	mutex_unlock(&kslab_mutex);
	schedule_delayed_work(&kslab_trim_work, KSLAB_TRIM_INTERVAL);
}

/**
 * trim_work_hold - stop the periodic depot trim
 *
 * For a KUnit test whose equations count on the depot trims it makes
 * itself: a trim from the work item between two of them moves the depot's
 * working-set marks. trim_work_release() starts it again.
 *
 * Context: process context, no kslab lock held (waits for a running trim).
 */
void trim_work_hold(void)
{
	cancel_delayed_work_sync(&kslab_trim_work);
}
EXPORT_SYMBOL_IF_KUNIT(trim_work_hold);

/**
 * trim_work_release - start the periodic depot trim again
 *
 * Context: any context.
 */
void trim_work_release(void)
{
	schedule_delayed_work(&kslab_trim_work, KSLAB_TRIM_INTERVAL);
}
EXPORT_SYMBOL_IF_KUNIT(trim_work_release);

/* Free objects in a cache's slabs. */
static unsigned long cache_free_room(struct kslab_cache *s)
{
	unsigned long total = 0, inuse = 0;
	int nid;

	for_each_node(nid) {
		total += READ_ONCE(s->node[nid]->total_objects);
		inuse += READ_ONCE(s->node[nid]->inuse);
	}
	return total > inuse ? total - inuse : 0;
}

/* Pages a cache holds that a reclaim could give back, estimated. */
static unsigned long cache_freeable(struct kslab_cache *s)
{
	unsigned long empty = 0, inuse = 0, cached;
	long live = stat_live_objects(s) + atomic_long_read(&s->quarantined);
	int nid;

	for_each_node(nid) {
		empty += READ_ONCE(s->node[nid]->nr_empty);
		inuse += READ_ONCE(s->node[nid]->inuse);
	}
	/* free objects held in magazines, remote buffers and depots */
	cached = live >= 0 && inuse > live ? inuse - live : 0;
	/* a movable, fragmented cache: the free room defragmentation frees */
	if (defrag_wanted(s))
		cached += cache_free_room(s);
	return (empty << s->order) + DIV_ROUND_UP(cached * s->size, PAGE_SIZE);
}

static unsigned long shrinker_count(struct shrinker *shrinker,
				    struct shrink_control *sc)
{
	unsigned long pages = 0;
	struct kslab_cache *s;

	if (!mutex_trylock(&kslab_mutex))
		return 0;
	list_for_each_entry(s, &kslab_caches, list)
		pages += cache_freeable(s);
	mutex_unlock(&kslab_mutex);
	return pages ? pages : SHRINK_EMPTY;
}

static unsigned long shrinker_scan(struct shrinker *shrinker,
				   struct shrink_control *sc)
{
	unsigned long freed = 0;
	struct kslab_cache *s;
	bool cpus;

	if (!mutex_trylock(&kslab_mutex))
		return SHRINK_STOP;
	cpus = cpus_read_trylock();
	list_for_each_entry(s, &kslab_caches, list) {
		if (!cache_freeable(s))
			continue;
		/*
		 * Never from reclaim itself: the move callback takes locks.
		 * Under kslab_mutex, which defrag_cancel() makes the cache
		 * unmovable under before its destruction waits for the work.
		 */
		if (defrag_wanted(s))
			queue_work(kslab_dfl_wq, &s->defrag_work);
		freed += cache_reclaim(s, cpus);
		if (freed >= sc->nr_to_scan)
			break;
	}
	if (cpus)
		cpus_read_unlock();
	mutex_unlock(&kslab_mutex);
	return freed;
}

/**
 * shrinker_init - register kslab's shrinker
 *
 * Context: module init. Return: 0 or -ENOMEM.
 */
int shrinker_init(void)
{
	kslab_shrinker = kslab_shrinker_create(shrinker_count, shrinker_scan,
					       "kslab");
	if (!kslab_shrinker)
		return -ENOMEM;
	schedule_delayed_work(&kslab_trim_work, KSLAB_TRIM_INTERVAL);
	return 0;
}

/**
 * shrinker_exit - unregister kslab's shrinker
 *
 * Context: module exit.
 */
void shrinker_exit(void)
{
	cancel_delayed_work_sync(&kslab_trim_work);
	kslab_shrinker_destroy(kslab_shrinker);
}

