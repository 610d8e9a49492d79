// SPDX-License-Identifier: GPL-2.0
/*
 * shrinker.c - memory back under pressure: kslab's shrinker tells the
 * kernel how many pages its caches hold without needing them (empty
 * slabs, and slabs pinned only by free objects in magazines and depots)
 * and, when asked (reclaim, drop_caches), flushes and frees them, and
 * queues the defragmentation of movable caches that are fragmented. It
 * never waits for a lock a reclaiming task might hold: trylocks, or skips.
 */
#include <linux/cpu.h>
#include <linux/mutex.h>

#include "kslab_int.h"

static struct shrinker *kslab_shrinker;

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
	long live = cache_live(s) + atomic_long_read(&s->quarantined);
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
		/* never from reclaim itself: the move callback takes locks */
		if (defrag_wanted(s))
			queue_work(system_unbound_wq, &s->defrag_work);
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
	return kslab_shrinker ? 0 : -ENOMEM;
}

/**
 * shrinker_exit - unregister kslab's shrinker
 *
 * Context: module exit.
 */
void shrinker_exit(void)
{
	kslab_shrinker_destroy(kslab_shrinker);
}

