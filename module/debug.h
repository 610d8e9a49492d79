/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debug.h - the hooks the allocator calls for caches created with debug
 * flags (red zones, poisoning, owner tracking, consistency checks). Each
 * hook is an inline that costs one flag test for a cache without them;
 * the work itself lives in debug.c. The fast paths have no hook at all:
 * debug caches leave them (kslab_cache.slowpath), those with red zones
 * for cpu_alloc_checked() and cpu_free_checked() of core.c, which use
 * the magazines and check each object at their edge (cache_checked()):
 * in a lean cache inline, with the word runs here (debug_runs_pop(),
 * debug_runs_free()), which debug.c's checks use too.
 */
#ifndef _KSLAB_DEBUG_H
#define _KSLAB_DEBUG_H

#include <linux/poison.h>
#include <linux/stacktrace.h>

#include "kslab_int.h"

#define KSLAB_DEBUG_FLAGS (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
			   SLAB_POISON | SLAB_STORE_USER | SLAB_TRACE)

static inline bool cache_debug(const struct kslab_cache *s)
{
	return s->flags & KSLAB_DEBUG_FLAGS;
}

/*
 * Does @s check its objects at the magazines' edges (KSLAB_SLOW_CHECK,
 * set at creation when debug_mag_ok())?
 */
static inline bool cache_checked(const struct kslab_cache *s)
{
	return READ_ONCE(s->slowpath) & KSLAB_SLOW_CHECK;
}

void __debug_slab_init(struct kslab_cache *s, struct page *page);
bool __debug_alloc_check(struct kslab_cache *s, struct page *page, void *obj);
bool __debug_free_check(struct kslab_cache *s, struct page *page, void *obj,
			unsigned long caller);
long __debug_validate_object(struct kslab_cache *s, struct page *page,
			     void *obj, bool free);
long __debug_validate_slab(struct kslab_cache *s, struct page *page);
/* Frames an owner track keeps, and how many kslab's own may add. */
#define KSLAB_TRACK_DEPTH	16
#define KSLAB_TRACK_OWN		8

/*
 * struct debug_stack - a stack trace for an owner track (SLAB_STORE_USER),
 * taken from the frame of the path that records it: each of kslab's
 * frames would cost the unwinder a search of the module's ORC table (a
 * frame of the kernel's costs a lookup in its table), so the walk starts
 * at that path's caller (compat_stack_walk()): kslab's caller when kslab
 * was entered by a tail call into it, as its fast paths' tails are; debug.c
 * drops whatever kslab frames come first otherwise.
 */
struct debug_stack {
	unsigned long entries[KSLAB_TRACK_DEPTH + KSLAB_TRACK_OWN];
	unsigned int nr;
};

unsigned int debug_stack_walk(unsigned long *entries, unsigned int size,
			      unsigned long *fp);

/* Inline: __builtin_frame_address(0) is the frame of the function it is in. */
static __always_inline void debug_stack_save(struct debug_stack *st)
{
	st->nr = debug_stack_walk(st->entries, ARRAY_SIZE(st->entries),
				  __builtin_frame_address(0));
}

void __debug_slab_free(struct kslab_cache *s, struct page *page);
bool __debug_held_check(struct kslab_cache *s, struct page *page, void *obj);
bool __debug_mag_free(struct kslab_cache *s, struct page *page, void *obj,
		      unsigned long caller, struct debug_stack *st);
bool debug_mag_pop(struct kslab_cache *s, void *obj);
bool debug_mag_ok(const struct kslab_cache *s);
bool debug_layout_words(struct kslab_cache *s);
struct debug_runs debug_layout_runs(struct kslab_cache *s);

void __debug_on_alloc(struct kslab_cache *s, void *obj, unsigned long caller,
		      struct debug_stack *st);
void debug_kmalloc(struct kslab_cache *s, void *obj, size_t size);
struct kslab_track *debug_track(struct kslab_cache *s, void *obj,
				enum kslab_track_item item);
slab_flags_t debug_flags_for(const char *name);
long debug_parse(const char *param, const char *name);
int debug_init(void);

/* A byte's value in every byte of a word: red zones, poison, padding. */
#define RED_WORD(v)	(0x0101010101010101UL * (v))

/*
 * The last word of a poisoned object whose size is a multiple of a word:
 * POISON_FREE bytes, then POISON_END.
 */
static __always_inline unsigned long poison_last_word(void)
{
	unsigned int shift = IS_ENABLED(CONFIG_CPU_BIG_ENDIAN) ? 0 : BITS_PER_LONG - 8;

	return RED_WORD(POISON_FREE) ^ ((unsigned long)(POISON_FREE ^ POISON_END) << shift);
}

/* The bits in which four words at @p differ from @word. */
static __always_inline unsigned long words_diff4(const unsigned long *p,
						 unsigned long word)
{
	return ((p[0] ^ word) | (p[1] ^ word)) | ((p[2] ^ word) | (p[3] ^ word));
}

/*
 * words_diff - the bits in which @n words at @p differ from @word: 0 when
 * all are @word. Four words a round, the last round at the run's end,
 * overlapping the one before (a word checked twice changes nothing), so
 * that no loop of single words follows; below four, three loads that
 * cover them. No branch but the loop's.
 */
static __always_inline unsigned long words_diff(const unsigned long *p,
						unsigned int n,
						unsigned long word)
{
	const unsigned long *last;
	unsigned long d = 0;

	if (n < 4)
		return n ? (p[0] ^ word) | (p[n / 2] ^ word) | (p[n - 1] ^ word) : 0;
	last = p + n - 4;
	for (; p < last; p += 4)
		d |= words_diff4(p, word);
	return d | words_diff4(last, word);
}

/* Four words at @p set to @word. */
static __always_inline void words_set4(unsigned long *p, unsigned long word)
{
	p[0] = word;
	p[1] = word;
	p[2] = word;
	p[3] = word;
}

/* @n words at @p set to @word, in words_diff()'s rounds. */
static __always_inline void words_set(unsigned long *p, unsigned int n,
				      unsigned long word)
{
	unsigned long *last;

	if (n < 4) {
		if (n) {
			p[0] = word;
			p[n / 2] = word;
			p[n - 1] = word;
		}
		return;
	}
	last = p + n - 4;
	for (; p < last; p += 4)
		words_set4(p, word);
	words_set4(last, word);
}

/*
 * run_diff(), run_set() - words_diff() and words_set() of a run of at
 * least a word, most often of one: red zones, padding.
 */
static __always_inline unsigned long run_diff(const unsigned long *p,
					      unsigned int n,
					      unsigned long word)
{
	unsigned long d = p[0] ^ word;

	if (unlikely(n > 1))
		d |= words_diff(p + 1, n - 1, word);
	return d;
}

static __always_inline void run_set(unsigned long *p, unsigned int n,
				    unsigned long word)
{
	p[0] = word;
	if (unlikely(n > 1))
		words_set(p + 1, n - 1, word);
}

/**
 * debug_runs_pop - check an object on top of a lean checked cache's
 * magazine (@s->runs.lean) and mark it live, inline in the pop
 * @s: the cache
 * @obj: the object
 *
 * debug_mag_pop()'s check, from the runs kept at creation: red zones
 * free, poison and padding intact; then the red zones say live.
 *
 * Context: the CPU owned. Return: true, @obj now live; false, @obj
 * changed in nothing (corrupt: the slow path pops it again and reports).
 */
static __always_inline bool debug_runs_pop(const struct kslab_cache *s,
					   void *obj)
{
	const struct debug_runs *r = &s->runs;
	unsigned long *w = obj, d;

	d = run_diff(w - r->left, r->left, RED_WORD(SLUB_RED_INACTIVE)) |
	    run_diff(w + r->right, r->right_words, RED_WORD(SLUB_RED_INACTIVE));
	if (r->pad_words)
		d |= run_diff(w + r->pad, r->pad_words, RED_WORD(POISON_INUSE));
	if (r->poisoned)
		d |= words_diff(w, r->poison, RED_WORD(POISON_FREE)) |
		     (w[r->poison] ^ poison_last_word());
	if (unlikely(d))
		return false;
	run_set(w - r->left, r->left, RED_WORD(SLUB_RED_ACTIVE));
	run_set(w + r->right, r->right_words, RED_WORD(SLUB_RED_ACTIVE));
	return true;
}

/**
 * debug_runs_free - take back a live object of a lean checked cache for
 * its magazine, inline in the push: red zones and padding intact, the
 * claim (the left red zone's first word, live to free, by cmpxchg: of
 * two frees on any CPUs, one gets it), then laid out free
 * @s: the cache
 * @obj: the object its caller gives back
 *
 * Context: the CPU owned. Return: true, @obj taken and laid out free;
 * false, @obj changed in nothing: the caller runs the whole check
 * (__debug_mag_free()), which reports what is wrong.
 */
static __always_inline bool debug_runs_free(const struct kslab_cache *s,
					    void *obj)
{
	const struct debug_runs *r = &s->runs;
	unsigned long *w = obj, *claim = w - r->left, d;

	d = run_diff(w + r->right, r->right_words, RED_WORD(SLUB_RED_ACTIVE));
	if (unlikely(r->left > 1))
		d |= words_diff(claim + 1, r->left - 1, RED_WORD(SLUB_RED_ACTIVE));
	if (r->pad_words)
		d |= run_diff(w + r->pad, r->pad_words, RED_WORD(POISON_INUSE));
	if (unlikely(d) ||
	    unlikely(cmpxchg(claim, RED_WORD(SLUB_RED_ACTIVE),
			     RED_WORD(SLUB_RED_INACTIVE)) != RED_WORD(SLUB_RED_ACTIVE)))
		return false;
	if (unlikely(r->left > 1))
		words_set(claim + 1, r->left - 1, RED_WORD(SLUB_RED_INACTIVE));
	run_set(w + r->right, r->right_words, RED_WORD(SLUB_RED_INACTIVE));
	if (r->poisoned) {
		words_set(w, r->poison, RED_WORD(POISON_FREE));
		w[r->poison] = poison_last_word();
	}
	return true;
}

/* Lay out red zones and poison in every object of a new slab. */
static inline void debug_slab_init(struct kslab_cache *s, struct page *page)
{
	if (cache_debug(s))
		__debug_slab_init(s, page);
}

/*
 * Check an object leaving its slab's free list or a magazine, and mark it
 * live. Return: false if it was corrupt: the caller quarantines it (marks
 * its slab; it stays off the free list, in use).
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

/*
 * An object kslab held (a magazine's, a depot's, a remote buffer's)
 * reaching its slab: checked on its way in, it gets only the checks that
 * need the slab. Return: false to refuse it.
 */
static inline bool debug_held_check(struct kslab_cache *s, struct page *page,
				    void *obj)
{
	return !(s->flags & SLAB_CONSISTENCY_CHECKS) ||
	       __debug_held_check(s, page, obj);
}

/*
 * An object its caller gives back, going into a magazine of a
 * KSLAB_SLOW_CHECK cache: taken back, checked, laid out free. CPU owned.
 * Return: false to refuse the free.
 */
static __always_inline bool debug_mag_free(struct kslab_cache *s,
					   struct page *page, void *obj,
					   unsigned long caller)
{
	struct debug_stack st __uninitialized;

	if (!(s->flags & SLAB_STORE_USER))
		return __debug_mag_free(s, page, obj, caller, NULL);
	debug_stack_save(&st);
	return __debug_mag_free(s, page, obj, caller, &st);
}

/**
 * debug_on_alloc - record an allocation (SLAB_STORE_USER, SLAB_TRACE)
 * @s: the cache
 * @obj: the object handed out
 * @caller: who asked
 *
 * Inline: the stack is taken in the caller's frame (struct debug_stack).
 * Context: any context (no kslab lock needed).
 */
static __always_inline void debug_on_alloc(struct kslab_cache *s, void *obj,
					   unsigned long caller)
{
	struct debug_stack st __uninitialized;

	if (!(s->flags & SLAB_STORE_USER)) {
		if (s->flags & SLAB_TRACE)
			__debug_on_alloc(s, obj, caller, NULL);
		return;
	}
	debug_stack_save(&st);
	__debug_on_alloc(s, obj, caller, &st);
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
