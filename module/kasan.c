// SPDX-License-Identifier: GPL-2.0
/*
 * kasan.c - the work behind kasan.h's hooks on a kernel with generic
 * KASAN: the shadow of kslab's slabs set through kasan_poison(), the one
 * shadow call 6.12 exports (GPL). Unpoisoning @size bytes is poisoning
 * the whole granules with 0 and the last, partial one with the count of
 * its accessible bytes, which is how generic KASAN encodes it. And the
 * addresses of KASAN's latest reports (its error_report_end tracepoint),
 * so that debug.c does not report again the red zone or poison bytes an
 * access KASAN reported already wrote. Built only when KSLAB_KASAN
 * (module/Kbuild), and not instrumented: it reads the shadow of freed
 * objects.
 */
#include <linux/kasan.h>
#include <linux/mm.h>
#include <linux/tracepoint.h>
#include <trace/events/error_report.h>

#include "kslab_int.h"
#include "kasan.h"
#include "report.h"

#if KSLAB_KASAN
static void kasan_set(const void *p, size_t size, u8 value)
{
	if (size)
		kasan_poison(p, ALIGN(size, KSLAB_KASAN_GRANULE), value, false);
}

static void __kslab_kasan_unpoison(const void *p, size_t size)
{
	size_t whole = ALIGN_DOWN(size, KSLAB_KASAN_GRANULE);

	if (!IS_ALIGNED((unsigned long)p, KSLAB_KASAN_GRANULE))
		return;
	kasan_set(p, whole, 0);
	if (size > whole)
		kasan_set(p + whole, KSLAB_KASAN_GRANULE, size - whole);
}

void __kslab_kasan_slab_new(struct kslab_cache *s, struct page *page)
{
	kasan_set(page_address(page), page_size(page), KSLAB_KASAN_REDZONE);
}

void __kslab_kasan_alloc(struct kslab_cache *s, void *obj, size_t size)
{
	size_t used = ALIGN(size, KSLAB_KASAN_GRANULE);
	size_t all = ALIGN(s->object_size, KSLAB_KASAN_GRANULE);

	__kslab_kasan_unpoison(obj, size);
	if (all > used)
		kasan_set(obj + used, all - used, KSLAB_KASAN_REDZONE);
}

void __kslab_kasan_large(struct page *page, size_t size)
{
	size_t used = ALIGN(size, KSLAB_KASAN_GRANULE), all = page_size(page);
	void *p = page_address(page);

	__kslab_kasan_unpoison(p, size);
	if (all > used)
		kasan_set(p + used, all - used, KSLAB_KASAN_PAGE_REDZONE);
}

/*
 * The addresses of KASAN's last KSLAB_KASAN_SEEN reports, 0 once matched;
 * one is enough for a test or a bug, a few for bugs close together.
 */
#define KSLAB_KASAN_SEEN	16
static unsigned long kasan_seen[KSLAB_KASAN_SEEN];
static atomic_t kasan_seen_next;

static void kasan_report_end(void *ignore, enum error_detector detector,
			     unsigned long id)
{
	if (detector == ERROR_DETECTOR_KASAN)
		WRITE_ONCE(kasan_seen[(unsigned int)atomic_inc_return(&kasan_seen_next) %
				      KSLAB_KASAN_SEEN], id);
}

bool __kslab_kasan_reported(const void *start, const void *end)
{
	unsigned long a;
	bool seen = false;
	int i;

	for (i = 0; i < KSLAB_KASAN_SEEN; i++) {
		a = READ_ONCE(kasan_seen[i]);
		if (a >= (unsigned long)start && a < (unsigned long)end &&
		    cmpxchg(&kasan_seen[i], a, 0) == a)
			seen = true;
	}
	return seen;
}

int kslab_kasan_init(void)
{
	return register_trace_error_report_end(kasan_report_end, NULL);
}

void kslab_kasan_exit(void)
{
	unregister_trace_error_report_end(kasan_report_end, NULL);
	tracepoint_synchronize_unregister();
}

bool __kslab_kasan_check(const void *p)
{
	return __kasan_check_read(p, 1);
}

size_t __kslab_kasan_ksize(const void *p, size_t size)
{
	__kslab_kasan_unpoison(p, size);
	return size;
}

/* Is @obj's first byte accessible: a live object? */
static bool kasan_live(const void *obj)
{
	return *(s8 *)kasan_mem_to_shadow(obj) >= 0;
}

bool __kslab_kasan_free(struct kslab_cache *s, struct page *page, void *obj)
{
	if (!slab_of(page, s) ||
	    slab_index(s, page_meta(page), page_address(page), obj) ==
	    KSLAB_BAD_INDEX)
		return true;	/* not an object: the free path reports it */
	if (s->flags & SLAB_TYPESAFE_BY_RCU)
		return true;	/* readable until the slab goes back */
	if (!kasan_live(obj)) {
		report_double_free(s, obj);
		return false;
	}
	kasan_set(obj, s->object_size, KSLAB_KASAN_FREE);
	return true;
}
#endif
