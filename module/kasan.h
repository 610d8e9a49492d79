/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kasan.h - what kslab tells generic KASAN about its objects: a new slab
 * is all red zone, an object handed out is made accessible (exactly the
 * bytes asked for, for kslab_kmalloc()), an object taken back is poisoned
 * as freed once the free is known to be of an object of the cache, before
 * any magazine, depot, remote buffer or free list holds it. Objects of
 * SLAB_TYPESAFE_BY_RCU caches stay readable until their slab goes back
 * (the page allocator poisons the pages then). Without KASAN (compat.h:
 * KSLAB_KASAN) every hook is an empty inline: the allocator's code is what
 * it is without this file. kslab's own accesses to memory it poisoned
 * (free pointers, red zones, debug checks, wipes) are in files KASAN does
 * not instrument (module/Kbuild), as mm/slub.c is not.
 */
#ifndef _KSLAB_KASAN_H
#define _KSLAB_KASAN_H

#include "kslab_int.h"
#include "report.h"

#if KSLAB_KASAN
/* kasan.c's last addition to a KASAN report, and how many, for KUnit. */
extern struct kslab_kasan_object kslab_kasan_last;
extern unsigned long kslab_kasan_reports;

void __kslab_kasan_slab_new(struct kslab_cache *s, struct page *page);
void __kslab_kasan_alloc(struct kslab_cache *s, void *obj, size_t size);
bool __kslab_kasan_free(struct kslab_cache *s, struct page *page, void *obj);
size_t __kslab_kasan_ksize(const void *p, size_t size);
bool __kslab_kasan_check(const void *p);
void __kslab_kasan_large(struct page *page, size_t size);
bool __kslab_kasan_reported(const void *start, const void *end);
int kslab_kasan_init(void);
void kslab_kasan_exit(void);
#else
static inline void __kslab_kasan_slab_new(struct kslab_cache *s,
					  struct page *page) { }

static inline void __kslab_kasan_alloc(struct kslab_cache *s, void *obj,
				       size_t size) { }
static inline bool __kslab_kasan_free(struct kslab_cache *s, struct page *page,
				      void *obj)
{
	return true;
}

static inline size_t __kslab_kasan_ksize(const void *p, size_t size)
{
	return size;
}

static inline bool __kslab_kasan_check(const void *p)
{
	return true;
}

static inline void __kslab_kasan_large(struct page *page, size_t size) { }

static inline bool __kslab_kasan_reported(const void *start, const void *end)
{
	return false;
}

static inline int kslab_kasan_init(void)
{
	return 0;
}

static inline void kslab_kasan_exit(void) { }
#endif

/*
 * The bytes of red zone generic KASAN wants after an object of
 * @object_size, so a read just past it never lands in the next object
 * (mm/kasan/generic.c's optimal_redzone(), which SLUB's layout gets from
 * kasan_cache_create()). Return: 0 without KASAN.
 */
static inline unsigned int kslab_kasan_redzone(unsigned int object_size)
{
	if (!KSLAB_KASAN)
		return 0;
	return object_size <= 64 - 16 ? 16 :
	       object_size <= 128 - 32 ? 32 :
	       object_size <= 512 - 64 ? 64 :
	       object_size <= 4096 - 128 ? 128 :
	       object_size <= (1 << 14) - 256 ? 256 :
	       object_size <= (1 << 15) - 512 ? 512 :
	       object_size <= (1 << 16) - 1024 ? 1024 : 2048;
}

/* A new slab, its objects built (constructors run): all of it red zone. */
static __always_inline void kslab_kasan_slab_new(struct kslab_cache *s,
						 struct page *page)
{
	if (KSLAB_KASAN)
		__kslab_kasan_slab_new(s, page);
}

/* @obj is handed out: its object_size bytes become accessible. */
static __always_inline void kslab_kasan_alloc(struct kslab_cache *s, void *obj)
{
	if (KSLAB_KASAN && obj)
		__kslab_kasan_alloc(s, obj, s->object_size);
}

/*
 * kslab_kmalloc() handed out @obj for @size bytes: those are accessible,
 * the rest of the object is red zone. Return: @obj.
 */
static __always_inline void *kslab_kasan_kmalloc(struct kslab_cache *s,
						 void *obj, size_t size)
{
	if (KSLAB_KASAN && obj)
		__kslab_kasan_alloc(s, obj, size);
	return obj;
}

/*
 * @obj comes back: poisoned as freed, unless it is not a live object of
 * @s (the free path reports that) or is free already (reported here as
 * kslab's double free). Return: false when the free must be refused.
 */
static __always_inline bool kslab_kasan_free(struct kslab_cache *s,
					     struct page *page, void *obj)
{
	return !KSLAB_KASAN || __kslab_kasan_free(s, page, obj);
}

/* kslab_kasan_free() of an object its caller knows by pointer only. */
static __always_inline bool kslab_kasan_free_obj(struct kslab_cache *s,
						 void *obj)
{
	return !KSLAB_KASAN || __kslab_kasan_free(s, virt_to_head_page(obj), obj);
}

/*
 * kslab_ksize() of @p, @size usable: those bytes become accessible, as
 * ksize() makes them (a freed @p was refused by kslab_kasan_check()
 * first). Return: @size.
 */
static __always_inline size_t kslab_kasan_ksize(const void *p, size_t size)
{
	return KSLAB_KASAN ? __kslab_kasan_ksize(p, size) : size;
}

/*
 * Is the byte at @p accessible? A KASAN report when not (a use after
 * free of memory the kernel's allocator gave, such as a destroyed
 * cache's struct). Return: false then.
 */
static __always_inline bool kslab_kasan_check(const void *p)
{
	return !KSLAB_KASAN || __kslab_kasan_check(p);
}

/* A large kmalloc of @size bytes in the pages at @page: the rest red zone. */
static __always_inline void kslab_kasan_large(struct page *page, size_t size)
{
	if (KSLAB_KASAN)
		__kslab_kasan_large(page, size);
}

/*
 * Did KASAN report an access to [@start, @end) since the last call that
 * saw it? Each report answers true once. debug.c's check of an object's
 * red zones and poison asks it about the object's slot: KASAN reported
 * the bug at the faulting access, so kslab repairs the bytes without a
 * report of its own (docs/debugging.md).
 */
static inline bool kslab_kasan_reported(const void *start, const void *end)
{
	return KSLAB_KASAN && __kslab_kasan_reported(start, end);
}

#endif /* _KSLAB_KASAN_H */
