/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debug.h - the hooks the allocator calls for caches created with debug
 * flags (red zones, poisoning, owner tracking, consistency checks). Each
 * hook is an inline that costs one flag test for a cache without them;
 * the work itself lives in debug.c. Debug caches never use magazines
 * (kslab_cache.slowpath), so the fast path has no hook at all.
 */
#ifndef _KSLAB_DEBUG_H
#define _KSLAB_DEBUG_H

#include "kslab_int.h"

#define KSLAB_DEBUG_FLAGS (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
			   SLAB_POISON | SLAB_STORE_USER | SLAB_TRACE)

static inline bool cache_debug(const struct kslab_cache *s)
{
	return s->flags & KSLAB_DEBUG_FLAGS;
}

void __debug_slab_init(struct kslab_cache *s, struct page *page);
bool __debug_alloc_check(struct kslab_cache *s, struct page *page, void *obj);
bool __debug_free_check(struct kslab_cache *s, struct page *page, void *obj,
			unsigned long caller);
long __debug_validate_object(struct kslab_cache *s, struct page *page,
			     void *obj, bool free);
long __debug_validate_slab(struct kslab_cache *s, struct page *page);
void __debug_slab_free(struct kslab_cache *s, struct page *page);

void debug_on_alloc(struct kslab_cache *s, void *obj, unsigned long caller);
void debug_kmalloc(struct kslab_cache *s, void *obj, size_t size);
struct kslab_track *debug_track(struct kslab_cache *s, void *obj,
				enum kslab_track_item item);
slab_flags_t debug_flags_for(const char *name);
long debug_parse(const char *param, const char *name);
int debug_init(void);

/* Lay out red zones and poison in every object of a new slab. */
static inline void debug_slab_init(struct kslab_cache *s, struct page *page)
{
	if (cache_debug(s))
		__debug_slab_init(s, page);
}

/*
 * Check an object leaving its slab's free list, and mark it live.
 * Return: false if it was corrupt (then it is quarantined).
 */
static inline bool debug_alloc_check(struct kslab_cache *s, struct page *page,
				     void *obj)
{
	return !cache_debug(s) || __debug_alloc_check(s, page, obj);
}

/* Check an object coming back, and mark it free. Return: false to refuse. */
static inline bool debug_free_check(struct kslab_cache *s, struct page *page,
				    void *obj, unsigned long caller)
{
	return !cache_debug(s) || __debug_free_check(s, page, obj, caller);
}

/* Check one object during validation. Return: problems found. */
static inline long debug_validate_object(struct kslab_cache *s,
					 struct page *page, void *obj, bool free)
{
	return cache_debug(s) ? __debug_validate_object(s, page, obj, free) : 0;
}

/* Check the parts of a slab outside its objects. Return: problems found. */
static inline long debug_validate_slab(struct kslab_cache *s, struct page *page)
{
	return cache_debug(s) ? __debug_validate_slab(s, page) : 0;
}

/* Last look at a slab going back to the page allocator. */
static inline void debug_slab_free(struct kslab_cache *s, struct page *page)
{
	if (cache_debug(s))
		__debug_slab_free(s, page);
}

#endif /* _KSLAB_DEBUG_H */
