// SPDX-License-Identifier: GPL-2.0
/*
 * kasan.c - the work behind kasan.h's hooks on a kernel with generic
 * KASAN: the shadow of kslab's slabs set through kasan_poison(), the one
 * shadow call 6.12 exports (GPL). Unpoisoning @size bytes is poisoning
 * the whole granules with 0 and the last, partial one with the count of
 * its accessible bytes, which is how generic KASAN encodes it. And, at
 * the end of each KASAN report (its error_report_end tracepoint), the
 * address it reported: remembered, so that debug.c does not report again
 * the red zone or poison bytes an access KASAN reported already wrote;
 * and when it lies in one of kslab's slabs, what kslab knows of it is
 * added to the report (report_kasan(): the cache, the object, its state
 * and owners), since 6.12's KASAN names only the page. Built only when
 * KSLAB_KASAN (module/Kbuild), and not instrumented: it reads the shadow
 * of freed objects, and their tracks.
 */
#include <linux/kasan.h>
#include <linux/mm.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
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

/* The record of kslab's last addition to a KASAN report, for KUnit. */
struct kslab_kasan_object kslab_kasan_last;
EXPORT_SYMBOL_IF_KUNIT(kslab_kasan_last);
unsigned long kslab_kasan_reports;
EXPORT_SYMBOL_IF_KUNIT(kslab_kasan_reports);

/*
 * kasan_read_object - what kslab knows of @addr, which KASAN just
 * reported an access to, when it lies in one of kslab's slabs: copied
 * into @o without a lock, since KASAN reports from any context with any
 * lock held (a spinlock_t sleeps on PREEMPT_RT), and without trusting a
 * byte read. The pagemap says whether the page is the head of one of
 * kslab's slabs; its cache's fields and the object's tracks are read with
 * the nofault accessors (the slab or the cache may be freed meanwhile),
 * and then the pagemap is asked again: slab_free_pages() takes a slab out
 * of it before the slab goes back, and a cache is freed after its last
 * slab, so a slab still there after the copies were made means they were
 * made while the slab was that cache's. The object's state is what kslab
 * told KASAN: the shadow of its first byte.
 *
 * Context: any; KASAN's report lock held. Return: true if @o holds it.
 */
static bool kasan_read_object(unsigned long addr, struct kslab_kasan_object *o)
{
	unsigned int size, pad, track_offset;
	struct kslab_cache *s;
	struct slab_meta m;
	unsigned long word, off;
	struct page *page;
	const char *name;
	unsigned int i;
	s8 shadow;

	if (!virt_addr_valid((void *)addr))
		return false;
	page = virt_to_head_page((void *)addr);
	if (!pagemap_has(page))
		return false;
	word = READ_ONCE(kslab_page_word(page));
	memcpy(&m, &word, sizeof(m));
	s = (struct kslab_cache *)READ_ONCE(page->private);
	if (m.magic != KSLAB_MAGIC_SLAB || !s || !m.objects)
		return false;	/* a large kmalloc, or a slab being made */
	if (get_kernel_nofault(size, &s->size) ||
	    get_kernel_nofault(pad, &s->red_left_pad) ||
	    get_kernel_nofault(track_offset, &s->track_offset) ||
	    get_kernel_nofault(o->object_size, &s->object_size) ||
	    get_kernel_nofault(o->flags, &s->flags) ||
	    get_kernel_nofault(name, &s->name) || !size)
		return false;
	/* strncpy_from_kernel_nofault() is not exported: a byte at a time */
	for (i = 0; i < sizeof(o->name) - 1; i++)
		if (get_kernel_nofault(o->name[i], name + i) || !o->name[i])
			break;
	o->name[i] = '\0';
	o->cache = s;
	o->slab = page_address(page);
	o->objects = m.objects;
	off = addr - (unsigned long)o->slab;
	if (addr < (unsigned long)o->slab || off >= page_size(page))
		return false;
	o->index = off / size;
	if (o->index >= m.objects) {
		o->index = KSLAB_BAD_INDEX;
		o->offset = off;
		o->state = KSLAB_OBJ_NONE;
	} else {
		o->object = o->slab + o->index * size + pad;
		o->offset = addr - (unsigned long)o->object;
		shadow = READ_ONCE(*(s8 *)kasan_mem_to_shadow(o->object));
		if (shadow >= 0)
			o->state = KSLAB_OBJ_LIVE;
		else if ((u8)shadow == KSLAB_KASAN_FREE)
			o->state = KSLAB_OBJ_FREE;
		else
			o->state = KSLAB_OBJ_UNUSED;
		if ((o->flags & SLAB_STORE_USER) &&
		    !copy_from_kernel_nofault(o->track, o->object + track_offset,
					      sizeof(o->track))) {
			o->tracked[KSLAB_TRACK_ALLOC] = o->track[KSLAB_TRACK_ALLOC].addr;
			o->tracked[KSLAB_TRACK_FREE] = o->track[KSLAB_TRACK_FREE].addr;
		}
	}
	/* the copies above, then the slab still the cache's */
	smp_rmb();
	word = READ_ONCE(kslab_page_word(page));
	memcpy(&m, &word, sizeof(m));
	return pagemap_has(page) && m.magic == KSLAB_MAGIC_SLAB &&
	       READ_ONCE(page->private) == (unsigned long)s;
}

/*
 * KASAN's report ends: remember where (kslab_kasan_reported()), and if
 * the address is in one of kslab's slabs, add what kslab knows of it
 * (report_kasan()) before KASAN's closing line.
 */
static void kasan_report_end(void *ignore, enum error_detector detector,
			     unsigned long id)
{
	struct kslab_kasan_object o = { };

	if (detector != ERROR_DETECTOR_KASAN)
		return;
	WRITE_ONCE(kasan_seen[(unsigned int)atomic_inc_return(&kasan_seen_next) %
			      KSLAB_KASAN_SEEN], id);
	if (!kasan_read_object(id, &o))
		return;
	/* KASAN's report lock serializes these */
	kslab_kasan_last = o;
	WRITE_ONCE(kslab_kasan_reports, kslab_kasan_reports + 1);
	report_kasan(&o);
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
