// SPDX-License-Identifier: GPL-2.0
/*
 * magazine.c - magazines and depots: a magazine is a stack of free objects
 * of one node, owned by one CPU (loaded, previous) or by its node's depot;
 * the depot keeps full and empty magazines under the node's depot_lock
 * for the CPUs of that node, is trimmed to its working set (Bonwick), and
 * is drained and validated here; the trades of magazine.h are inline in
 * core.c's slow paths. The CPUs' use of magazines is core.c's.
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "kslab_int.h"
#include "magazine.h"
#include "report.h"

struct kslab_mag mag_empty;
EXPORT_SYMBOL_IF_KUNIT(mag_empty);

/* A fresh, empty magazine with the cache's current capacity, or NULL. */
struct kslab_mag *mag_alloc(struct kslab_cache *s, int node)
{
	unsigned int size = READ_ONCE(s->mag_size);
	struct kslab_mag *mag;

	mag = kmalloc_node(struct_size(mag, objs, size),
			   GFP_NOWAIT | __GFP_NOWARN, node);
	if (mag) {
		mag->next = NULL;
		mag->count = 0;
		mag->size = size;
	}
	return mag;
}

/*
 * Free two chains of magazines taken off a depot, the full ones' objects
 * back to their slabs first. No depot_lock held. Return: magazines freed.
 */
static unsigned long depot_release(struct kslab_cache *s,
				   struct kslab_mag *full,
				   struct kslab_mag *empty)
{
	unsigned long nr = 0;
	struct kslab_mag *mag;

	while (full) {
		mag = full;
		full = mag->next;
		node_free_objects(s, mag->objs, mag->count, 0);
		mag_free(mag);
		nr++;
	}
	while (empty) {
		mag = empty;
		empty = mag->next;
		mag_free(mag);
		nr++;
	}
	return nr;
}

/**
 * depot_drain - give every magazine in the depots back
 * @s: the cache
 *
 * Objects of full magazines go back to their slabs; the magazines are
 * freed. Context: process context, no kslab lock held.
 */
void depot_drain(struct kslab_cache *s)
{
	struct kslab_mag *full, *empty;
	struct kslab_node *n;
	unsigned long flags;
	int nid;

	for_each_node(nid) {
		n = s->node[nid];
		spin_lock_irqsave(&n->depot_lock, flags);
		full = n->depot_full;
		empty = n->depot_empty;
		n->depot_full = NULL;
		n->depot_empty = NULL;
		n->nr_depot_full = 0;
		n->nr_depot_empty = 0;
		n->min_full = 0;
		n->min_empty = 0;
		n->depot_objects = 0;
		spin_unlock_irqrestore(&n->depot_lock, flags);
		depot_release(s, full, empty);
	}
}
EXPORT_SYMBOL_IF_KUNIT(depot_drain);

/* Take up to @nr magazines off a depot list; return the first. */
static struct kslab_mag *depot_take(struct kslab_mag **list, unsigned int nr)
{
	struct kslab_mag *first = *list, **tail = list;

	if (!nr)
		return NULL;
	while (nr-- && *tail)
		tail = &(*tail)->next;
	*list = *tail;
	*tail = NULL;
	return first;
}

/**
 * depot_trim - give back the magazines the depots did not need
 * @s: the cache
 *
 * Bonwick's working set: each node's depot remembers the fewest full and
 * the fewest empty magazines it held since the last trim; those were not
 * needed over that interval, so their objects go back to the slabs and the
 * magazines are freed. A busy cache keeps its depot, an idle one returns
 * it within two trims.
 *
 * Context: process context, no kslab lock held.
 * Return: the magazines given back.
 */
unsigned long depot_trim(struct kslab_cache *s)
{
	struct kslab_mag *full, *empty, *mag;
	unsigned long flags, trimmed = 0;
	struct kslab_node *n;
	int nid;

	for_each_node(nid) {
		n = s->node[nid];
		spin_lock_irqsave(&n->depot_lock, flags);
		full = depot_take(&n->depot_full, n->min_full);
		empty = depot_take(&n->depot_empty, n->min_empty);
		for (mag = full; mag; mag = mag->next) {
			n->nr_depot_full--;
			n->depot_objects -= mag->count;
		}
		for (mag = empty; mag; mag = mag->next)
			n->nr_depot_empty--;
		n->min_full = n->nr_depot_full;
		n->min_empty = n->nr_depot_empty;
		spin_unlock_irqrestore(&n->depot_lock, flags);
		trimmed += depot_release(s, full, empty);
	}
	if (trimmed)
		stat_add(s, KSLAB_DEPOT_TRIM, trimmed);
	return trimmed;
}
EXPORT_SYMBOL_IF_KUNIT(depot_trim);

/**
 * depot_validate - check a node's depot against its counts
 * @s: the cache
 * @n: the node
 *
 * The equations: |depot_full| == nr_depot_full, |depot_empty| ==
 * nr_depot_empty, the sum of the full magazines' counts == depot_objects,
 * 0 < count <= size for a full one, count == 0 for an empty one, and
 * min_full <= nr_depot_full, min_empty <= nr_depot_empty.
 *
 * Context: process context; takes the node's depot_lock.
 * Return: errors found (each reported).
 */
long depot_validate(struct kslab_cache *s, struct kslab_node *n)
{
	unsigned long flags, objects = 0;
	unsigned int full = 0, empty = 0;
	struct kslab_mag *mag;
	long errors = 0;

	spin_lock_irqsave(&n->depot_lock, flags);
	for (mag = n->depot_full; mag; mag = mag->next) {
		if (!mag->count || mag->count > mag->size)
			errors++;
		objects += mag->count;
		full++;
	}
	for (mag = n->depot_empty; mag; mag = mag->next) {
		if (mag->count)
			errors++;
		empty++;
	}
	if (full != n->nr_depot_full || empty != n->nr_depot_empty ||
	    objects != n->depot_objects || n->min_full > full ||
	    n->min_empty > empty)
		errors++;
	spin_unlock_irqrestore(&n->depot_lock, flags);
	if (errors)
		report_node(s, n, "depot counts disagree with its magazines");
	return errors;
}
EXPORT_SYMBOL_IF_KUNIT(depot_validate);
