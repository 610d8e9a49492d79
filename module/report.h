/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - how kslab tells about a problem it caught: every call counts
 * one error on the cache (kslab_cache_errors()), taints the kernel as
 * SLUB does, and prints one rate-limited block headed "kslab: <cache>:"
 * that ends with what was done about it. The allocator calls these and
 * never printk() itself.
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
void report_misuse(struct kslab_cache *s, const char *what);

/* Not errors: the closing line of a report, and SLAB_TRACE lines. */
__printf(2, 3) void report_fixed(struct kslab_cache *s, const char *fmt, ...);
void report_trace(struct kslab_cache *s, void *obj, const char *op,
		  unsigned long caller);

#endif /* _KSLAB_REPORT_H */
