/* SPDX-License-Identifier: GPL-2.0 */
/*
 * magazine.h - trading magazines at a node's depot: the four gets and
 * puts under the depot_lock, and freeing a magazine, inline in the per-CPU
 * slow paths of core.c (and in cpu.c's flush) as they were when one file
 * held both: a trade is a few loads and stores under one lock, and a call
 * each cost the ICOUNT batch rows of larger batches about 1%. The rest of
 * the magazine layer (making, trimming, draining, checking depots) is
 * magazine.c.
 */
#ifndef _KSLAB_MAGAZINE_H
#define _KSLAB_MAGAZINE_H

#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "kslab_int.h"

/* Magazines go after a grace period: other CPUs read their counts. */
static inline void mag_free(struct kslab_mag *mag)
{
	if (mag != &mag_empty)
		kfree_rcu(mag, rcu);
}

static inline struct kslab_mag *depot_get_full(struct kslab_cache *s,
					       struct kslab_node *n)
{
	struct kslab_mag *mag;
	unsigned long flags;

	if (!READ_ONCE(n->depot_full))
		return NULL;
	spin_lock_irqsave(&n->depot_lock, flags);
	mag = n->depot_full;
	if (mag) {
		n->depot_full = mag->next;
		n->nr_depot_full--;
		n->min_full = min(n->min_full, n->nr_depot_full);
		n->depot_objects -= mag->count;
	}
	spin_unlock_irqrestore(&n->depot_lock, flags);
	if (mag)
		stat(s, KSLAB_DEPOT_GET);
	return mag;
}

/* Return: false when the depot holds depot_max full magazines already. */
static inline bool depot_put_full(struct kslab_cache *s, struct kslab_node *n,
				  struct kslab_mag *mag)
{
	unsigned long flags;
	bool taken = false;

	spin_lock_irqsave(&n->depot_lock, flags);
	if (n->nr_depot_full < READ_ONCE(s->depot_max)) {
		mag->next = n->depot_full;
		n->depot_full = mag;
		n->nr_depot_full++;
		n->depot_objects += mag->count;
		taken = true;
	}
	spin_unlock_irqrestore(&n->depot_lock, flags);
	if (taken)
		stat(s, KSLAB_DEPOT_PUT);
	return taken;
}

static inline struct kslab_mag *depot_get_empty(struct kslab_node *n)
{
	struct kslab_mag *mag;
	unsigned long flags;

	if (!READ_ONCE(n->depot_empty))
		return NULL;
	spin_lock_irqsave(&n->depot_lock, flags);
	mag = n->depot_empty;
	if (mag) {
		n->depot_empty = mag->next;
		n->nr_depot_empty--;
		n->min_empty = min(n->min_empty, n->nr_depot_empty);
	}
	spin_unlock_irqrestore(&n->depot_lock, flags);
	return mag;
}

/* Keep an empty magazine for later, or free it when the depot has enough. */
static inline void depot_put_empty(struct kslab_cache *s, struct kslab_node *n,
				   struct kslab_mag *mag)
{
	unsigned long flags;

	if (mag == &mag_empty)
		return;
	spin_lock_irqsave(&n->depot_lock, flags);
	if (n->nr_depot_empty < READ_ONCE(s->depot_max) &&
	    mag->size == READ_ONCE(s->mag_size)) {
		mag->next = n->depot_empty;
		n->depot_empty = mag;
		n->nr_depot_empty++;
		mag = NULL;
	}
	spin_unlock_irqrestore(&n->depot_lock, flags);
	if (mag)
		mag_free(mag);
}

#endif /* _KSLAB_MAGAZINE_H */
