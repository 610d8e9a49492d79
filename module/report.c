// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - kslab's reports of problems it caught. Each report counts one
 * error on the cache and taints the kernel (TAINT_BAD_PAGE, as SLUB does,
 * but leaving lockdep on: kslab contains what it reports), then prints
 * one block, in the shape SLUB's reports have, headed
 * "kslab: <cache>: <what>" (never "BUG:": a contained problem is not a
 * kernel bug) and ending "kslab: <cache>: fixed: <what was done>". The
 * counting is never rate-limited, only the printing. Blocks never
 * interleave: they are printed under one lock.
 */
#define pr_fmt(fmt) "kslab: " fmt

#include <linux/jiffies.h>
#include <linux/kasan.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/panic.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/spinlock.h>
#include <linux/stackdepot.h>

#include "kslab_int.h"
#include "debug.h"
#include "report.h"

static DEFINE_RATELIMIT_STATE(report_rs, 5 * HZ, 20);
/* Serializes the printing of report blocks and guards report_buf. */
static DEFINE_SPINLOCK(report_lock);
static char report_buf[1024];

/* Count the error; return true (report_lock held) when it may be printed. */
static bool report_begin(struct kslab_cache *s, unsigned long *flags)
{
	atomic_long_inc(&s->errors);
	add_taint(TAINT_BAD_PAGE, LOCKDEP_STILL_OK);
	if (!__ratelimit(&report_rs))
		return false;
	spin_lock_irqsave(&report_lock, *flags);
	return true;
}

static void report_end(unsigned long flags)
{
	spin_unlock_irqrestore(&report_lock, flags);
}

/*
 * Track @t of an object of cache @name, when it holds one: who, where,
 * when, and the stack, formatted in @buf (@size bytes), which the caller
 * owns.
 */
static void print_track_of(const char *name, const struct kslab_track *t,
			   enum kslab_track_item item, char *buf, size_t size)
{
	char *line;

	if (!t || !t->addr)
		return;
	pr_err("%s: %s by %pS age=%ums cpu=%d pid=%d\n", name,
	       item == KSLAB_TRACK_ALLOC ? "allocated" : "freed", (void *)t->addr,
	       jiffies_to_msecs(jiffies - t->when), t->cpu, t->pid);
	if (!t->handle || !stack_depot_snprint(t->handle, buf, size, 1))
		return;
	while ((line = strsep(&buf, "\n")) && *line)
		pr_err("%s: %s\n", name, line);
}

/* An object's track, under report_lock. */
static void print_track(struct kslab_cache *s, void *obj,
			enum kslab_track_item item)
{
	print_track_of(s->name, debug_track(s, obj, item), item, report_buf,
		       sizeof(report_buf));
}

static void print_section(struct kslab_cache *s, const char *what, void *p,
			  unsigned int len)
{
	char prefix[48];

	if (!len)
		return;
	snprintf(prefix, sizeof(prefix), "kslab: %s: %s ", s->name, what);
	/* free objects and red zones are poisoned; hexdump.c is instrumented */
	kasan_disable_current();
	print_hex_dump(KERN_ERR, prefix, DUMP_PREFIX_OFFSET, 16, 1, p, len, true);
	kasan_enable_current();
}

/*
 * The object's place, owners and bytes, red zones included. A pointer into
 * the middle of an object (or its metadata) is shown as the object that
 * holds it: its tracks are only there.
 */
static void print_object(struct kslab_cache *s, struct page *page, void *obj)
{
	void *base = page_address(page);
	unsigned long off = obj - base;
	unsigned int idx = off / s->size;

	if (off >= (unsigned long)page_meta(page)->objects * s->size) {
		pr_err("%s: %p lies past the last object of slab %p\n", s->name,
		       obj, base);
		return;
	}
	if (obj != slab_object(s, base, idx)) {
		pr_err("%s: %p is %ld bytes into object %p\n", s->name, obj,
		       (long)(obj - slab_object(s, base, idx)), slab_object(s, base, idx));
		obj = slab_object(s, base, idx);
	}
	pr_err("%s: object %p: slab %p, offset %lu, object size %u, stride %u\n",
	       s->name, obj, base, (unsigned long)(obj - base), s->object_size,
	       s->size);
	print_track(s, obj, KSLAB_TRACK_ALLOC);
	print_track(s, obj, KSLAB_TRACK_FREE);
	if (s->flags & SLAB_RED_ZONE)
		print_section(s, "redzone", obj - s->red_left_pad, s->red_left_pad);
	print_section(s, "object ", obj, min(s->object_size, 128U));
	if (s->flags & SLAB_RED_ZONE)
		print_section(s, "redzone", obj + s->object_size,
			      s->inuse - s->object_size);
}

void report_freelist(struct kslab_cache *s, struct page *page, void *obj,
		     void *next, unsigned int lost)
{
	unsigned long flags;

	if (!report_begin(s, &flags))
		return;
	pr_err("%s: free list corrupt: object %p holds next pointer %p, not an object of its slab\n",
	       s->name, obj, next);
	print_object(s, page, obj);
	pr_err("%s: fixed: free list cut at %p; %u free objects quarantined, never handed out\n",
	       s->name, obj, lost);
	report_end(flags);
}

void report_bad_free(struct kslab_cache *s, struct page *page, void *obj,
		     const char *what)
{
	unsigned long flags;

	if (!report_begin(s, &flags))
		return;
	pr_err("%s: invalid free: %s: %p\n", s->name, what, obj);
	if (page)
		print_object(s, page, obj);
	pr_err("%s: fixed: free of %p refused\n", s->name, obj);
	report_end(flags);
}

void report_double_free(struct kslab_cache *s, void *obj)
{
	unsigned long flags;

	if (!report_begin(s, &flags))
		return;
	pr_err("%s: invalid free: object already free: %p was freed again right after it was freed\n",
	       s->name, obj);
	pr_err("%s: fixed: second free of %p refused\n", s->name, obj);
	report_end(flags);
}

void report_slab(struct kslab_cache *s, struct page *page, const char *what)
{
	struct slab_meta *m = page_meta(page);
	unsigned long flags;

	if (!report_begin(s, &flags))
		return;
	pr_err("%s: %s: slab %p, objects %u, inuse %u\n", s->name, what,
	       page_address(page), m->objects, m->inuse);
	pr_err("%s: fixed: objects off its free list stay in use (quarantined)\n",
	       s->name);
	report_end(flags);
}

void report_node(struct kslab_cache *s, struct kslab_node *n, const char *what)
{
	unsigned long flags;

	if (!report_begin(s, &flags))
		return;
	pr_err("%s: %s: slabs %lu (partial %lu, full %lu, empty %lu), objects %lu, inuse %lu\n",
	       s->name, what, n->nr_slabs, n->nr_partial, n->nr_full,
	       n->nr_empty, n->total_objects, n->inuse);
	pr_err("%s: fixed: nothing changed\n", s->name);
	report_end(flags);
}

void report_bytes(struct kslab_cache *s, struct page *page, void *obj,
		  const char *what, u8 *fault, u8 *end, u8 expected)
{
	unsigned long flags;

	if (!report_begin(s, &flags))
		return;
	pr_err("%s: %s at %p-%p (first byte 0x%02x instead of 0x%02x)\n",
	       s->name, what, fault, end - 1, *fault, expected);
	if (obj)
		print_object(s, page, obj);
	else
		pr_err("%s: slab %p, objects %u\n", s->name, page_address(page),
		       page_meta(page)->objects);
	pr_err("%s: fixed: %ld bytes restored to 0x%02x\n", s->name,
	       (long)(end - fault), expected);
	report_end(flags);
}

void report_leaks(struct kslab_cache *s, unsigned long nr, void **objs,
		  unsigned int shown)
{
	unsigned long flags;
	unsigned int i;

	if (!report_begin(s, &flags))
		return;
	pr_err("%s: destroyed with %lu live objects\n", s->name, nr);
	for (i = 0; i < shown; i++) {
		pr_err("%s: leaked object %p\n", s->name, objs[i]);
		print_track(s, objs[i], KSLAB_TRACK_ALLOC);
	}
	if (nr > shown)
		pr_err("%s: ... and %lu more\n", s->name, nr - shown);
	pr_err("%s: fixed: slabs with live objects kept; the cache is gone from the list\n",
	       s->name);
	report_end(flags);
}

void report_misuse(struct kslab_cache *s, const char *what)
{
	unsigned long flags;

	if (!report_begin(s, &flags))
		return;
	pr_err("%s: %s\n", s->name, what);
	pr_err("%s: fixed: refused\n", s->name);
	report_end(flags);
}

/**
 * report_orphan_free - kslab_kfree() of memory kslab never handed out
 * @p: the pointer
 *
 * Counted in kslab_cache_errors(NULL).
 */
void report_orphan_free(const void *p)
{
	atomic_long_inc(&kslab_orphan_errors);
	add_taint(TAINT_BAD_PAGE, LOCKDEP_STILL_OK);
	if (!__ratelimit(&report_rs))
		return;
	pr_err("kmalloc: invalid free: %p was not allocated by kslab_kmalloc\n", p);
	pr_err("kmalloc: fixed: free of %p refused\n", p);
}

/**
 * report_page_ref - a slab or large allocation went back with a page
 * reference short: someone else put kslab's
 * @s: the slab's cache, or NULL for a large kslab_kmalloc() allocation
 *     (counted in kslab_cache_errors(NULL) then)
 * @page: the head page
 * @refs: its reference count, which kslab keeps at 2 (page_hold())
 *
 * One short is what the kernel's kfree() of kslab memory leaves: it takes
 * kslab's page for a large kmalloc of its own and puts it.
 */
void report_page_ref(struct kslab_cache *s, struct page *page, int refs)
{
	const char *name = s ? s->name : "kmalloc";
	unsigned long flags;

	if (!s) {
		atomic_long_inc(&kslab_orphan_errors);
		add_taint(TAINT_BAD_PAGE, LOCKDEP_STILL_OK);
		if (!__ratelimit(&report_rs))
			return;
		spin_lock_irqsave(&report_lock, flags);
	} else if (!report_begin(s, &flags)) {
		return;
	}
	pr_err("%s: page reference count %d, not 2, when %s %p went back: the kernel's kfree() was given kslab memory (kslab_kfree()'s)\n",
	       name, refs, s ? "slab" : "large allocation", page_address(page));
	pr_err("%s: fixed: the pages go back to the buddy allocator when their last reference does\n",
	       name);
	report_end(flags);
}

void report_fixed(struct kslab_cache *s, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err_ratelimited("%s: fixed: %pV\n", s->name, &vaf);
	va_end(args);
}

#if KSLAB_KASAN
/* report_kasan()'s stacks: KASAN's report lock serializes its callers. */
static char kasan_buf[1024];

static const char *const obj_states[] = {
	[KSLAB_OBJ_LIVE] = "live",
	[KSLAB_OBJ_FREE] = "free",
	[KSLAB_OBJ_UNUSED] = "free, not handed out since the slab was made",
	[KSLAB_OBJ_NONE] = "none",
};

/**
 * report_kasan - what kslab knows of an address KASAN reported
 * @o: the slab, the object and its tracks there, as kasan.c copied them
 *
 * Printed within KASAN's report, before its closing line: the cache, the
 * object (its index in its slab, the offset of the access, its state)
 * and, with SLAB_STORE_USER, who allocated and freed it last. Not an
 * error of kslab's: nothing is counted, and report_lock (a spinlock_t,
 * which sleeps on PREEMPT_RT) is not taken.
 *
 * Context: any; KASAN's report lock (a raw spinlock) held, which keeps
 * these lines together.
 */
void report_kasan(const struct kslab_kasan_object *o)
{
	const char *name = o->name;
	enum kslab_track_item item;

	if (!o->object) {
		pr_err("%s: the access is %ld bytes into slab %p, past its %u objects\n",
		       name, o->offset, o->slab, o->objects);
		return;
	}
	pr_err("%s: the access is in object %u of %u in slab %p: %p, %s%s\n",
	       name, o->index, o->objects, o->slab, o->object,
	       obj_states[o->state],
	       o->state == KSLAB_OBJ_LIVE && (o->flags & SLAB_TYPESAFE_BY_RCU) ?
	       " (or freed: SLAB_TYPESAFE_BY_RCU)" : "");
	if (o->offset < 0)
		pr_err("%s: %ld bytes before the object, in its left red zone\n",
		       name, -o->offset);
	else if (o->offset < o->object_size)
		pr_err("%s: %ld bytes into the object (object size %u)\n",
		       name, o->offset, o->object_size);
	else
		pr_err("%s: %ld bytes past the end of the object (object size %u)\n",
		       name, o->offset - o->object_size, o->object_size);
	if (!(o->flags & SLAB_STORE_USER)) {
		pr_err("%s: no owner tracks: the cache has no SLAB_STORE_USER\n",
		       name);
		return;
	}
	for (item = KSLAB_TRACK_ALLOC; item <= KSLAB_TRACK_FREE; item++)
		if (o->tracked[item])
			print_track_of(name, &o->track[item], item, kasan_buf,
				       sizeof(kasan_buf));
}
#endif

void report_trace(struct kslab_cache *s, void *obj, const char *op,
		  unsigned long caller)
{
	pr_info("%s: trace: %s %p by %pS\n", s->name, op, obj, (void *)caller);
}
