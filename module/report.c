// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - kslab's reports of problems it caught. Each report counts one
 * error on the cache and taints the kernel (TAINT_BAD_PAGE, as SLUB does,
 * but leaving lockdep on: kslab contains what it reports), then prints
 * one rate-limited block headed "kslab: <cache>: <what>", never "BUG:",
 * and ending "kslab: <cache>: fixed: <what was done>". The counting is
 * never rate-limited, only the printing.
 */
#define pr_fmt(fmt) "kslab: " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/panic.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>

#include "kslab_int.h"
#include "report.h"

static DEFINE_RATELIMIT_STATE(report_rs, 5 * HZ, 20);

/* Count the error; return true when the report may be printed. */
static bool report_begin(struct kslab_cache *s)
{
	atomic_long_inc(&s->errors);
	add_taint(TAINT_BAD_PAGE, LOCKDEP_STILL_OK);
	return __ratelimit(&report_rs);
}

void report_freelist(struct kslab_cache *s, struct page *page, void *obj,
		     void *next, unsigned int lost)
{
	if (!report_begin(s))
		return;
	pr_err("%s: free list corrupt: object %p (slab %p) holds next pointer %p, not an object of its slab\n",
	       s->name, obj, page_address(page), next);
	pr_err("%s: fixed: free list cut at %p; %u free objects isolated, never handed out\n",
	       s->name, obj, lost);
}

void report_bad_free(struct kslab_cache *s, struct page *page, void *obj,
		     const char *what)
{
	if (!report_begin(s))
		return;
	if (page)
		pr_err("%s: invalid free: %s: %p (slab %p, offset %lu)\n",
		       s->name, what, obj, page_address(page),
		       (unsigned long)(obj - page_address(page)));
	else
		pr_err("%s: invalid free: %s: %p\n", s->name, what, obj);
	pr_err("%s: fixed: free of %p refused\n", s->name, obj);
}

void report_double_free(struct kslab_cache *s, void *obj)
{
	if (!report_begin(s))
		return;
	pr_err("%s: double free: object %p freed again right after it was freed\n",
	       s->name, obj);
	pr_err("%s: fixed: second free of %p refused\n", s->name, obj);
}

void report_slab(struct kslab_cache *s, struct page *page, const char *what)
{
	struct slab_meta *m = page_meta(page);

	if (!report_begin(s))
		return;
	pr_err("%s: %s: slab %p (objects %u, inuse %u)\n", s->name, what,
	       page_address(page), m->objects, m->inuse);
	pr_err("%s: fixed: nothing changed; the slab keeps its objects\n", s->name);
}

void report_node(struct kslab_cache *s, struct kslab_node *n, const char *what)
{
	if (!report_begin(s))
		return;
	pr_err("%s: %s: slabs %lu (partial %lu, full %lu, empty %lu), objects %lu, inuse %lu\n",
	       s->name, what, n->nr_slabs, n->nr_partial, n->nr_full,
	       n->nr_empty, n->total_objects, n->inuse);
	pr_err("%s: fixed: nothing changed\n", s->name);
}

void report_leaks(struct kslab_cache *s, unsigned long nr, void **objs,
		  unsigned int shown)
{
	unsigned int i;

	if (!report_begin(s))
		return;
	pr_err("%s: destroyed with %lu live objects\n", s->name, nr);
	for (i = 0; i < shown; i++)
		pr_err("%s: leaked object %p\n", s->name, objs[i]);
	pr_err("%s: fixed: slabs with live objects kept; the cache is gone from the list\n",
	       s->name);
}
