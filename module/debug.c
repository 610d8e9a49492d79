// SPDX-License-Identifier: GPL-2.0
/*
 * debug.c - red zones, poisoning, owner tracking and consistency checks
 * for caches created with debug flags, and the kslab.debug= parameter
 * that turns them on by cache name. Every object a caller gets or gives
 * back passes through the checks here once: at the edge of a magazine,
 * with the CPU owned, in a cache with red zones (KSLAB_SLOW_CHECK: the
 * left red zone's first word says live or free, and a free takes it by
 * cmpxchg, so that a double free on any CPU is seen); at the edge of its
 * slab, under the node's list_lock, in the other debug caches and on the
 * paths that skip the magazines. The checks that need the slab (the
 * free list, SLAB_CONSISTENCY_CHECKS) run at the slab's edge always.
 * Problems go to report.c and are contained: bytes restored, bad frees
 * refused, corrupt objects quarantined.
 *
 * Patterns (the kernel's, from poison.h, as SLUB uses them):
 *   red zone of a live object 0xcc, of a free object 0xbb; a free,
 *   poisoned object 0x6b with its last byte 0xa5; padding 0x5a.
 */
#define pr_fmt(fmt) "kslab: " fmt

#include <linux/jiffies.h>
#include <linux/kasan.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/poison.h>
#include <linux/sched.h>
#include <linux/stackdepot.h>
#include <linux/stacktrace.h>
#include <linux/string.h>

#include "kslab_int.h"
#include "debug.h"
#include "kasan.h"
#include "report.h"

/* kslab.debug=: slub_debug's syntax, applied to caches created after load. */
static char *debug_param = "";
module_param_named(debug, debug_param, charp, 0444);
MODULE_PARM_DESC(debug,
		 "debug flags by cache, slub_debug syntax: F Z P U T or -, then ,name,prefix* ; next group");

/* Bytes from the object pointer to the next slot. */
static unsigned int size_from_object(struct kslab_cache *s)
{
	return s->size - s->red_left_pad;
}

/*
 * A kmalloc cache with red zones keeps, after the object's metadata, the
 * size each kslab_kmalloc() asked for, and red-zones the object's bytes
 * from there on (SLUB's orig_size).
 */
static bool has_orig_size(const struct kslab_cache *s)
{
	return (s->flags & (SLAB_KMALLOC | SLAB_RED_ZONE)) ==
	       (SLAB_KMALLOC | SLAB_RED_ZONE);
}

/* Where the free pointer and the tracks end: the requested size's word. */
static unsigned int orig_size_offset(struct kslab_cache *s)
{
	unsigned int end = s->offset >= s->inuse ? s->offset + sizeof(void *) : s->inuse;

	if (s->flags & SLAB_STORE_USER)
		end = s->track_offset + 2 * sizeof(struct kslab_track);
	return end;
}

/* Where the metadata after the object ends (free pointer, tracks, size). */
static unsigned int info_end(struct kslab_cache *s)
{
	return orig_size_offset(s) + (has_orig_size(s) ? sizeof(void *) : 0);
}

static unsigned int *obj_orig_size(struct kslab_cache *s, void *obj)
{
	return obj + orig_size_offset(s);
}

/* The bytes of a live object its caller asked for (a wild word: all). */
static unsigned int orig_size(struct kslab_cache *s, void *obj)
{
	/* pairs with debug_kmalloc(): the red zone past it is filled first */
	unsigned int size = smp_load_acquire(obj_orig_size(s, obj));

	return size < s->object_size ? size : s->object_size;
}

/**
 * debug_kmalloc - a live object of a kmalloc cache is @size bytes long
 * @s: the cache
 * @obj: the object
 * @size: the size kslab_kmalloc() was asked for, or the object size
 *	  (kslab_ksize(): all of it is the caller's)
 *
 * With red zones, the bytes past @size are red zone from now on: checked
 * at free and validation. Without, nothing is done.
 *
 * Context: any context; the caller owns @obj.
 */
void debug_kmalloc(struct kslab_cache *s, void *obj, size_t size)
{
	if (!has_orig_size(s))
		return;
	if (size > s->object_size)
		size = s->object_size;
	memset(obj + size, SLUB_RED_ACTIVE, s->object_size - size);
	/*
	 * The object is live and no lock is held: a validation may be reading
	 * it. The size goes last, so that one reading it (orig_size()) finds
	 * the red zone past it filled; the bytes between the old size and the
	 * new are SLUB_RED_ACTIVE already when it grows.
	 */
	smp_store_release(obj_orig_size(s, obj), size);
}
EXPORT_SYMBOL_IF_KUNIT(debug_kmalloc);

/*
 * memchr_inv() of kslab's own bytes: red zones, poison and padding are
 * KASAN red zone or freed memory, and lib/string.c is instrumented; as
 * SLUB's metadata_access_enable().
 */
static void *meta_memchr_inv(const void *start, int c, size_t bytes)
{
	void *p;

	kasan_disable_current();
	p = memchr_inv(start, c, bytes);
	kasan_enable_current();
	return p;
}

static struct kslab_track *obj_track(struct kslab_cache *s, void *obj,
				     enum kslab_track_item item)
{
	return (struct kslab_track *)(obj + s->track_offset) + item;
}

/**
 * debug_stack_walk - the stack for an owner track, from the caller of the
 * function whose frame is @fp (compat_stack_walk())
 * @entries: where to store it
 * @size: at most this many entries
 * @fp: __builtin_frame_address(0) of that function (debug_stack_save())
 *
 * Context: any context. Return: the number of entries stored.
 */
unsigned int debug_stack_walk(unsigned long *entries, unsigned int size,
			      unsigned long *fp)
{
	return compat_stack_walk(entries, size, fp);
}

/*
 * track_set - record who allocated or freed @obj: @st, less kslab's own
 * frames at its start (its first entry is then kslab's caller), at most
 * KSLAB_TRACK_DEPTH entries, in the stack depot.
 */
static void track_set(struct kslab_cache *s, void *obj,
		      enum kslab_track_item item, unsigned long caller,
		      struct debug_stack *st)
{
	struct kslab_track *t = obj_track(s, obj, item);
	unsigned int first = 0;

	while (first < st->nr && within_module(st->entries[first], THIS_MODULE))
		first++;
	t->handle = stack_depot_save(st->entries + first,
				     min(st->nr - first, KSLAB_TRACK_DEPTH),
				     GFP_NOWAIT);
	t->addr = caller;
	t->cpu = raw_smp_processor_id();
	t->pid = current->pid;
	t->when = jiffies;
}

/**
 * debug_track - what kslab knows of who last allocated or freed an object
 * @s: the cache
 * @obj: the object
 * @item: KSLAB_TRACK_ALLOC or KSLAB_TRACK_FREE
 *
 * Context: any context. Return: the track, or NULL without SLAB_STORE_USER.
 */
struct kslab_track *debug_track(struct kslab_cache *s, void *obj,
				enum kslab_track_item item)
{
	return s->flags & SLAB_STORE_USER ? obj_track(s, obj, item) : NULL;
}

/*
 * bytes_all - are @len bytes at @start all @value? Word by word, with no
 * branch but the loops': the answer is almost always yes, and a red zone
 * of a word costs a compare, not memchr_inv()'s loop of bytes. This file
 * is not instrumented by KASAN (module/Kbuild), so it reads red zones and
 * poison as they are.
 */
static __always_inline bool bytes_all(const u8 *start, u8 value,
				      unsigned int len)
{
	unsigned long word = RED_WORD(value), diff = 0;

	for (; len && !IS_ALIGNED((unsigned long)start, sizeof(long)); len--)
		diff |= *start++ ^ value;
	for (; len >= sizeof(long); len -= sizeof(long), start += sizeof(long))
		diff |= *(const unsigned long *)start ^ word;
	for (; len; len--)
		diff |= *start++ ^ value;
	return !diff;
}

/*
 * bytes_fill - memset() of red zones, poison and padding: words stored in
 * a loop, as bytes_all() reads them. These runs are short (a word or two
 * of red zone, an object's poison); a call to memset() and its rep stos
 * cost more than they do. Long runs go to memset().
 */
static __always_inline void bytes_fill(u8 *start, u8 value, unsigned int len)
{
	unsigned long word = RED_WORD(value);

	if (len >= 256) {
		memset(start, value, len);
		return;
	}
	for (; len && !IS_ALIGNED((unsigned long)start, sizeof(long)); len--)
		*start++ = value;
	for (; len >= sizeof(long); len -= sizeof(long), start += sizeof(long))
		*(unsigned long *)start = word;
	for (; len; len--)
		*start++ = value;
}

/*
 * words_all(), words_fill() - bytes_all() and bytes_fill() of a run that
 * starts on a word and is whole words long: no byte loops to test. The
 * hot paths take them when debug_words() says every run is so.
 */
static __always_inline bool words_all(const u8 *start, u8 value,
				      unsigned int len)
{
	return !words_diff((const unsigned long *)start, len / sizeof(long),
			   RED_WORD(value));
}

static __always_inline void words_fill(u8 *start, u8 value, unsigned int len)
{
	words_set((unsigned long *)start, len / sizeof(long), RED_WORD(value));
}

/* The one or the other, @words a constant where it is inlined. */
static __always_inline bool run_all(bool words, const u8 *start, u8 value,
				    unsigned int len)
{
	return words ? words_all(start, value, len) : bytes_all(start, value, len);
}

static __always_inline void run_fill(bool words, u8 *start, u8 value,
				     unsigned int len)
{
	if (words && len < 256)
		words_fill(start, value, len);
	else
		bytes_fill(start, value, len);
}

/*
 * An object's poison, a word at a time when its size allows (@words: it
 * does, and the object starts on a word).
 */
static __always_inline bool poison_intact(struct kslab_cache *s, u8 *obj,
					  bool words)
{
	unsigned int last = s->object_size - sizeof(long);

	if (words || IS_ALIGNED(s->object_size, sizeof(long)))
		return run_all(words, obj, POISON_FREE, last) &&
		       *(unsigned long *)(obj + last) == poison_last_word();
	return bytes_all(obj, POISON_FREE, s->object_size - 1) &&
	       obj[s->object_size - 1] == POISON_END;
}

static __always_inline void poison_fill(struct kslab_cache *s, u8 *obj,
					bool words)
{
	unsigned int last = s->object_size - sizeof(long);

	if (words || IS_ALIGNED(s->object_size, sizeof(long))) {
		run_fill(words, obj, POISON_FREE, last);
		*(unsigned long *)(obj + last) = poison_last_word();
		return;
	}
	bytes_fill(obj, POISON_FREE, s->object_size - 1);
	obj[s->object_size - 1] = POISON_END;
}

/**
 * debug_layout_words - is every run the hot paths check and fill of @s
 * whole words on word boundaries: red zones, poison, padding?
 * @s: a cache with its layout done
 *
 * So when the object size is (cache_layout() aligns the rest), but for a
 * kmalloc cache's red zone past the size asked for, which may start
 * anywhere. cache_layout() keeps the answer in @s->words.
 *
 * Context: any context. Return: true if they are.
 */
bool debug_layout_words(struct kslab_cache *s)
{
	return IS_ALIGNED(s->object_size | info_end(s), sizeof(long)) &&
	       !has_orig_size(s);
}

/**
 * debug_layout_runs - the runs of @s in words, for the lean pop and push
 * (debug_runs_pop(), debug_runs_free())
 * @s: a cache with its layout done, @s->words set
 *
 * Kept for a cache whose magazines are checked (debug_mag_ok()) and
 * whose every run is whole words: debug_mag_pop() checks them. Lean, so
 * checked inline in core.c too, when no owner is tracked (its stack is
 * taken in the push's frame, debug_mag_free()) and without KASAN (core.c
 * is instrumented, and red zones and poison are KASAN's).
 *
 * Context: any context. Return: the runs, all zero if none are kept.
 */
struct debug_runs debug_layout_runs(struct kslab_cache *s)
{
	struct debug_runs r = {};
	unsigned int end = info_end(s);

	if (!debug_mag_ok(s) || !s->words || s->size / sizeof(long) > U16_MAX)
		return r;
	r.lean = !KSLAB_KASAN && !(s->flags & SLAB_STORE_USER);
	r.left = s->red_left_pad / sizeof(long);
	r.right = s->object_size / sizeof(long);
	r.right_words = (s->inuse - s->object_size) / sizeof(long);
	r.poisoned = s->poison;
	r.poison = s->object_size / sizeof(long) - 1;
	if (s->flags & SLAB_POISON) {
		r.pad = end / sizeof(long);
		r.pad_words = (size_from_object(s) - end) / sizeof(long);
	}
	return r;
}

/* debug_layout_words(), kept at creation: the pop and free ask it. */
static __always_inline bool debug_words(const struct kslab_cache *s)
{
	return s->words;
}

static unsigned long *obj_claim_word(struct kslab_cache *s, void *obj)
{
	return obj - s->red_left_pad;
}

/**
 * debug_mag_ok - can a debug cache check its objects at the magazines'
 * edges (KSLAB_SLOW_CHECK)?
 * @s: a cache with its layout done
 *
 * It needs red zones (a free is taken by a cmpxchg of the left red zone's
 * first word: cache_layout() makes it an aligned word, the pad being
 * ALIGN(sizeof(void *), align) and every stride a multiple of the
 * alignment, itself of a word) and no SLAB_TRACE (a line printed on every
 * call: no fast path to keep).
 *
 * Context: any context. Return: true if it can.
 */
bool debug_mag_ok(const struct kslab_cache *s)
{
	return (s->flags & SLAB_RED_ZONE) && !(s->flags & SLAB_TRACE);
}

/* Both red zones of @obj, less the first @skip bytes of the left one. */
static __always_inline void object_set_redzone_from(struct kslab_cache *s,
						    void *obj, u8 value,
						    unsigned int skip,
						    bool words)
{
	if (!(s->flags & SLAB_RED_ZONE))
		return;
	if (s->red_left_pad > skip)
		run_fill(words, obj - s->red_left_pad + skip, value,
			 s->red_left_pad - skip);
	run_fill(words, obj + s->object_size, value, s->inuse - s->object_size);
}

static __always_inline void object_set_redzone(struct kslab_cache *s,
					       void *obj, u8 value)
{
	object_set_redzone_from(s, obj, value, 0, false);
}

/* Lay out an object as free: red zones inactive, poison, padding. */
static void object_init_free(struct kslab_cache *s, void *obj)
{
	unsigned int end = info_end(s);

	object_set_redzone(s, obj, SLUB_RED_INACTIVE);
	if (s->poison)
		poison_fill(s, obj, false);
	if (s->flags & SLAB_POISON)
		bytes_fill(obj + end, POISON_INUSE, size_from_object(s) - end);
}

/* check_bytes() once bytes_all() said no: find, report, restore. */
static noinline bool check_bytes_report(struct kslab_cache *s,
					struct page *page, void *obj,
					const char *what, u8 *start, u8 value,
					unsigned int len)
{
	u8 *fault, *end = start + len;

	fault = meta_memchr_inv(start, value, len);
	if (!fault)
		return true;
	while (end > fault && end[-1] == value)
		end--;
	/* KASAN reported the write: counted and repaired, not reported again */
	if (obj && kslab_kasan_reported(obj - s->red_left_pad,
					obj - s->red_left_pad + s->size))
		atomic_long_inc(&s->errors);
	else
		report_bytes(s, page, obj, what, fault, end, value);
	memset(fault, value, end - fault);
	return false;
}

/* check_bytes() of a run of whole words when @words (run_all()). */
static __always_inline bool check_run(struct kslab_cache *s,
				      struct page *page, void *obj,
				      const char *what, u8 *start, u8 value,
				      unsigned int len, bool words)
{
	if (likely(run_all(words, start, value, len)))
		return true;
	return check_bytes_report(s, page, obj, what, start, value, len);
}

/*
 * check_bytes - are @len bytes at @start all @value? If not, report the
 * run of wrong bytes as @what, restore them and return false.
 */
static __always_inline bool check_bytes(struct kslab_cache *s,
					struct page *page, void *obj,
					const char *what, u8 *start, u8 value,
					unsigned int len)
{
	return check_run(s, page, obj, what, start, value, len, false);
}

/*
 * Red zones of @obj must hold @value; a live kmalloc object's too, past
 * the size asked for. Return: the number of problems.
 */
static __always_inline int check_redzones_as(struct kslab_cache *s,
					     struct page *page, void *obj,
					     u8 value, unsigned int skip,
					     bool words)
{
	unsigned int size;
	int bad = 0;

	if (!(s->flags & SLAB_RED_ZONE))
		return 0;
	if (s->red_left_pad > skip)
		bad += !check_run(s, page, obj, "left red zone overwritten",
				  obj - s->red_left_pad + skip, value,
				  s->red_left_pad - skip, words);
	bad += !check_run(s, page, obj, "right red zone overwritten",
			  obj + s->object_size, value, s->inuse - s->object_size,
			  words);
	if (value == SLUB_RED_ACTIVE && has_orig_size(s)) {
		size = orig_size(s, obj);
		bad += !check_bytes(s, page, obj, "kmalloc red zone overwritten",
				    obj + size, value, s->object_size - size);
	}
	return bad;
}

static int check_redzones(struct kslab_cache *s, struct page *page, void *obj,
			  u8 value)
{
	return check_redzones_as(s, page, obj, value, 0, false);
}

/* Checks of a free object: poison intact, padding intact. */
static int check_free_object(struct kslab_cache *s, struct page *page, void *obj)
{
	unsigned int end = info_end(s);
	int bad = 0;

	if (s->poison && unlikely(!poison_intact(s, obj, false))) {
		bad += !check_bytes(s, page, obj, "poison overwritten", obj,
				    POISON_FREE, s->object_size - 1);
		bad += !check_bytes(s, page, obj, "poison overwritten",
				    obj + s->object_size - 1, POISON_END, 1);
	}
	if (s->flags & SLAB_POISON)
		bad += !check_bytes(s, page, obj, "padding overwritten", obj + end,
				    POISON_INUSE, size_from_object(s) - end);
	return bad;
}

/* The area of a slab after its last object. */
static bool check_slab_padding(struct kslab_cache *s, struct page *page)
{
	void *base = page_address(page);
	unsigned int used = page_meta(page)->objects * s->size;

	if (!(s->flags & SLAB_POISON))
		return true;
	return check_bytes(s, page, NULL, "slab padding overwritten", base + used,
			   POISON_INUSE, page_size(page) - used);
}

void __debug_slab_init(struct kslab_cache *s, struct page *page)
{
	struct slab_meta *m = page_meta(page);
	void *base = page_address(page);
	unsigned int i, used = m->objects * s->size;

	if (s->flags & SLAB_POISON)
		memset(base + used, POISON_INUSE, page_size(page) - used);
	for (i = 0; i < m->objects; i++) {
		void *obj = slab_object(s, base, i);

		object_init_free(s, obj);
		if (s->flags & SLAB_STORE_USER)
			memset(obj_track(s, obj, KSLAB_TRACK_ALLOC), 0,
			       2 * sizeof(struct kslab_track));
	}
}

/*
 * Quarantine a corrupt object of @page: its red zones stay inactive (a
 * quarantine slab's validation accepts that) and its first word says
 * KSLAB_QUARANTINE_MAGIC, so a crash dump tells it from a live object.
 * The caller marks the slab, under its list_lock (slab_pop(),
 * node_quarantine()).
 */
static void object_mark_quarantined(struct kslab_cache *s, struct page *page,
				    void *obj)
{
	atomic_long_inc(&s->quarantined);
	*(unsigned long *)obj = KSLAB_QUARANTINE_MAGIC;
	report_fixed(s, "object %p quarantined: never handed out again", obj);
}

/*
 * Is @obj, of a cache with red zones whose runs are not kept in words
 * (debug_runs_pop() checks the others), laid out free: red zones
 * inactive, poison and padding intact? Reports and changes nothing.
 */
static bool object_laid_out_free(struct kslab_cache *s, u8 *obj)
{
	unsigned int end = info_end(s);
	bool ok;

	ok = bytes_all(obj - s->red_left_pad, SLUB_RED_INACTIVE,
		       s->red_left_pad) &
	     bytes_all(obj + s->object_size, SLUB_RED_INACTIVE,
		       s->inuse - s->object_size);
	if (s->poison)
		ok &= poison_intact(s, obj, false);
	if (s->flags & SLAB_POISON)
		ok &= bytes_all(obj + end, POISON_INUSE, size_from_object(s) - end);
	return ok;
}

/* Mark a free object live: red zones active, all of it the caller's. */
static __always_inline void object_set_live(struct kslab_cache *s, void *obj,
					    bool words)
{
	object_set_redzone_from(s, obj, SLUB_RED_ACTIVE, 0, words);
	if (has_orig_size(s))	/* all of it, unless kslab_kmalloc() says */
		*obj_orig_size(s, obj) = s->object_size;
}

/**
 * debug_mag_pop - check an object popped from a magazine of a
 * KSLAB_SLOW_CHECK cache, and mark it live
 * @s: the cache
 * @obj: the object on top of the loaded magazine
 *
 * The check of __debug_alloc_check() without a report: the pop's fast
 * path (cpu_alloc_checked()) asks it before it pops.
 *
 * Context: the CPU owned. Return: true, @obj now live; false, @obj
 * changed in nothing (corrupt: the slow path pops it again and reports).
 */
bool debug_mag_pop(struct kslab_cache *s, void *obj)
{
	if (likely(s->runs.left))	/* runs kept in words */
		return debug_runs_pop(s, obj);
	if (unlikely(!object_laid_out_free(s, obj)))
		return false;
	object_set_live(s, obj, false);
	return true;
}

/*
 * An object leaving its free list: its red zones must say free and its
 * poison be intact. A corrupt object (a write after free) is reported,
 * repaired and quarantined: never handed out, since whoever wrote to it
 * may still hold it. Otherwise its red zones now say live.
 */
bool __debug_alloc_check(struct kslab_cache *s, struct page *page, void *obj)
{
	int bad = check_redzones(s, page, obj, SLUB_RED_INACTIVE) +
		  check_free_object(s, page, obj);

	if (bad) {
		object_mark_quarantined(s, page, obj);
		return false;
	}
	object_set_live(s, obj, false);
	return true;
}

/* debug_on_alloc()'s work, @st taken in its caller's frame. */
void __debug_on_alloc(struct kslab_cache *s, void *obj, unsigned long caller,
		      struct debug_stack *st)
{
	if (s->flags & SLAB_STORE_USER)
		track_set(s, obj, KSLAB_TRACK_ALLOC, caller, st);
	if (s->flags & SLAB_TRACE)
		report_trace(s, obj, "alloc", caller);
}

/*
 * object_claim - take a live object back for its free: one cmpxchg of its
 * left red zone's first word from live to free, so that of two frees of
 * one object, on any CPUs, exactly one gets it. A word overwritten is
 * reported and repaired first. Return: true if this free took it; false
 * (reported) if it was free already.
 */
static bool object_claim(struct kslab_cache *s, struct page *page, void *obj)
{
	unsigned long *word = obj_claim_word(s, obj), old;
	int tries;

	for (tries = 0; tries < 2; tries++) {
		kasan_disable_current();
		old = cmpxchg(word, RED_WORD(SLUB_RED_ACTIVE),
			      RED_WORD(SLUB_RED_INACTIVE));
		kasan_enable_current();
		if (old == RED_WORD(SLUB_RED_ACTIVE))
			return true;
		if (old == RED_WORD(SLUB_RED_INACTIVE))
			break;
		check_bytes(s, page, obj, "left red zone overwritten", (u8 *)word,
			    SLUB_RED_ACTIVE, sizeof(long));
	}
	report_bad_free(s, page, obj, "object already free");
	return false;
}

/*
 * object_free - the checks of an object its caller gives back that need
 * nothing but the object: with red zones, the claim (object_claim()) and
 * the zones intact (an overflow is reported and repaired; the free goes
 * on); the padding; the free track; then the object is laid out free.
 * Return: false to refuse the free.
 */
static __always_inline bool object_free_as(struct kslab_cache *s,
					   struct page *page, void *obj,
					   unsigned long caller,
					   struct debug_stack *st, bool words)
{
	unsigned int skip = 0;

	if (s->flags & SLAB_RED_ZONE) {
		if (!object_claim(s, page, obj))
			return false;
		skip = sizeof(long);
	}
	check_redzones_as(s, page, obj, SLUB_RED_ACTIVE, skip, words);
	if (s->flags & SLAB_POISON) {
		unsigned int end = info_end(s);

		check_run(s, page, obj, "padding overwritten", obj + end,
			  POISON_INUSE, size_from_object(s) - end, words);
	}
	if (s->flags & SLAB_STORE_USER)
		track_set(s, obj, KSLAB_TRACK_FREE, caller, st);
	if (s->flags & SLAB_TRACE)
		report_trace(s, obj, "free", caller);
	/*
	 * Laid out free as object_init_free() would, less what is so already:
	 * the claim word says free, and the padding was checked (and
	 * restored if it was not intact).
	 */
	object_set_redzone_from(s, obj, SLUB_RED_INACTIVE, skip, words);
	if (s->poison)
		poison_fill(s, obj, words);
	return true;
}

static bool object_free(struct kslab_cache *s, struct page *page, void *obj,
			unsigned long caller, struct debug_stack *st)
{
	if (likely(debug_words(s)))
		return object_free_as(s, page, obj, caller, st, true);
	return object_free_as(s, page, obj, caller, st, false);
}

/*
 * The checks that need the slab (SLAB_CONSISTENCY_CHECKS): the object
 * must not be on its free list already, and the slab's counts must agree
 * with the list. Return: false to refuse the free. list_lock held.
 */
bool __debug_held_check(struct kslab_cache *s, struct page *page, void *obj)
{
	struct slab_meta *m = page_meta(page);
	int nr_free = slab_free_count(s, page, obj);

	if (nr_free == -EEXIST) {
		report_bad_free(s, page, obj, "object already free");
		return false;
	}
	if (nr_free >= 0 && m->inuse + nr_free != m->objects)
		report_slab(s, page, "counts disagree with the free list");
	return true;
}

/*
 * An object coming back to its slab from its caller: the slab's checks,
 * then the object's.
 */
bool __debug_free_check(struct kslab_cache *s, struct page *page, void *obj,
			unsigned long caller)
{
	struct debug_stack st __uninitialized;

	if (!debug_held_check(s, page, obj))
		return false;
	st.nr = 0;
	if (s->flags & SLAB_STORE_USER)
		debug_stack_save(&st);
	return object_free(s, page, obj, caller, &st);
}

/* An object going into a magazine of a KSLAB_SLOW_CHECK cache. */
bool __debug_mag_free(struct kslab_cache *s, struct page *page, void *obj,
		      unsigned long caller, struct debug_stack *st)
{
	return object_free(s, page, obj, caller, st);
}

/*
 * Validation of one object. A free object must look free; a live one
 * must have live red zones, except in a slab holding quarantined objects
 * (they were cut off a free list still looking free).
 */
long __debug_validate_object(struct kslab_cache *s, struct page *page,
			     void *obj, bool free)
{
	if (!free && page_meta(page)->quarantine && (s->flags & SLAB_RED_ZONE) &&
	    !meta_memchr_inv(obj + s->object_size, SLUB_RED_INACTIVE,
			s->inuse - s->object_size))
		return 0;
	/*
	 * off the free list but laid out free: held in a magazine, depot or
	 * remote buffer (kslab_cache_validate() keeps every CPU off them)
	 */
	if (!free && cache_checked(s) &&
	    READ_ONCE(*obj_claim_word(s, obj)) == RED_WORD(SLUB_RED_INACTIVE))
		free = true;
	if (free)
		return check_redzones(s, page, obj, SLUB_RED_INACTIVE) +
		       check_free_object(s, page, obj);
	return check_redzones(s, page, obj, SLUB_RED_ACTIVE);
}

long __debug_validate_slab(struct kslab_cache *s, struct page *page)
{
	return !check_slab_padding(s, page);
}

void __debug_slab_free(struct kslab_cache *s, struct page *page)
{
	check_slab_padding(s, page);
}

/* Does @name match a kslab.debug= list entry (exact, or "prefix*")? */
static bool debug_name_match(const char *entry, size_t len, const char *name)
{
	if (len && entry[len - 1] == '*')
		return !strncmp(entry, name, len - 1);
	return strlen(name) == len && !strncmp(entry, name, len);
}

/* Flags of one group's letters, or -EINVAL naming no flag. */
static long debug_parse_letters(const char *p, size_t len)
{
	slab_flags_t flags = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		switch (p[i] | 0x20) {
		case 'f':
			flags |= SLAB_CONSISTENCY_CHECKS;
			break;
		case 'z':
			flags |= SLAB_RED_ZONE;
			break;
		case 'p':
			flags |= SLAB_POISON;
			break;
		case 'u':
			flags |= SLAB_STORE_USER;
			break;
		case 't':
			flags |= SLAB_TRACE;
			break;
		case '-' | 0x20:
			break;
		default:
			return -EINVAL;
		}
	}
	return (__force long)flags;
}

/*
 * debug_parse - the debug flags kslab.debug= gives a cache
 * @param: the parameter string
 * @name: the cache's name, or NULL only to check the syntax
 *
 * Groups are separated by ';'. A group is letters, optionally followed by
 * ",name" entries ("prefix*" matches a prefix). The first group naming the
 * cache wins; otherwise the last group naming none applies.
 *
 * Context: any context.
 * Return: the flags, or -EINVAL when @param is malformed.
 */
long debug_parse(const char *param, const char *name)
{
	long global = 0, flags;
	const char *group = param, *end, *comma, *entry;
	bool named;

	while (*group) {
		end = strchrnul(group, ';');
		comma = memchr(group, ',', end - group);
		flags = debug_parse_letters(group, (comma ? comma : end) - group);
		if (flags < 0)
			return flags;
		named = false;
		for (entry = comma; entry && entry < end; entry = comma) {
			entry++;
			comma = memchr(entry, ',', end - entry);
			if (!comma)
				comma = end;
			if (comma == entry)
				return -EINVAL;
			named = true;
			if (name && debug_name_match(entry, comma - entry, name))
				return flags;
		}
		if (!named)
			global = flags;
		group = *end ? end + 1 : end;
	}
	return global;
}
EXPORT_SYMBOL_IF_KUNIT(debug_parse);

/**
 * debug_flags_for - the debug flags kslab.debug= adds to a new cache
 * @name: the cache's name
 *
 * Context: process context. Return: SLAB_* debug flags (0 if none).
 */
slab_flags_t debug_flags_for(const char *name)
{
	long flags = debug_parse(debug_param, name);

	return flags < 0 ? 0 : (__force slab_flags_t)flags;
}

/**
 * debug_init - check kslab.debug= at module load
 *
 * Context: module init. Return: 0, or -EINVAL with one line saying why.
 */
int debug_init(void)
{
	if (debug_parse(debug_param, NULL) < 0) {
		pr_err("debug=%s: cannot parse: expected letters from FZPUT- then ,cache names, groups separated by ';'\n",
		       debug_param);
		return -EINVAL;
	}
	return 0;
}
