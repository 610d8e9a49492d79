/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - how kslab tells about a problem it caught: every call counts
 * one error on the cache (kslab_cache_errors()), taints the kernel as
 * SLUB does, and prints one rate-limited block headed "kslab: <cache>:"
 * that ends with what was done about it. The allocator calls these and
 * never printk() itself. report_kasan() alone is no error of kslab's: it
 * adds kslab's knowledge to a report KASAN is printing.
 */
#ifndef _KSLAB_REPORT_H
#define _KSLAB_REPORT_H

#include "kslab_int.h"

void report_freelist(struct kslab_cache *s, struct page *page, void *obj,
		     void *next, unsigned int lost);
void report_bad_free(struct kslab_cache *s, struct page *page, void *obj,
		     const char *what);
void report_double_free(struct kslab_cache *s, void *obj);
void report_slab(struct kslab_cache *s, struct page *page, const char *what);
void report_node(struct kslab_cache *s, struct kslab_node *n, const char *what);
void report_bytes(struct kslab_cache *s, struct page *page, void *obj,
		  const char *what, u8 *fault, u8 *end, u8 expected);
void report_leaks(struct kslab_cache *s, unsigned long nr, void **objs,
		  unsigned int shown);
void report_orphan_free(const void *p);
void report_page_ref(struct kslab_cache *s, struct page *page, int refs);
void report_misuse(struct kslab_cache *s, const char *what);

/* Not errors: the closing line of a report, and SLAB_TRACE lines. */
__printf(2, 3) void report_fixed(struct kslab_cache *s, const char *fmt, ...);
void report_trace(struct kslab_cache *s, void *obj, const char *op,
		  unsigned long caller);

/*
 * What kslab adds to a KASAN report of an access into one of its slabs:
 * kasan.c reads it without a lock (the slab may be going away meanwhile)
 * into this copy, which report_kasan() prints. Not an error of kslab's:
 * KASAN reported the bug.
 */
enum kslab_obj_state {
	KSLAB_OBJ_LIVE,		/* handed out (KASAN: accessible) */
	KSLAB_OBJ_FREE,		/* taken back (KASAN: freed) */
	KSLAB_OBJ_UNUSED,	/* not handed out since its slab was made */
	KSLAB_OBJ_NONE,		/* the access is past the slab's last object */
};

struct kslab_kasan_object {
	const struct kslab_cache *cache; /* compared only: it may be gone */
	char name[32];			/* the cache's, maybe cut short */
	void *slab;			/* the slab's first byte */
	void *object;			/* the object, or NULL (KSLAB_OBJ_NONE) */
	unsigned int index;		/* its index, or KSLAB_BAD_INDEX */
	unsigned int objects;		/* objects in the slab */
	long offset;			/* of the access from @object (or @slab) */
	unsigned int object_size;
	slab_flags_t flags;		/* the cache's */
	enum kslab_obj_state state;
	bool tracked[2];		/* track[] holds a record (SLAB_STORE_USER) */
	struct kslab_track track[2];	/* by enum kslab_track_item */
};

void report_kasan(const struct kslab_kasan_object *o);

#endif /* _KSLAB_REPORT_H */
