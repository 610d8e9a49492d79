/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kslab.h - the public API of kslab, SLUB-style object caches in a module.
 *
 * This header is the whole contract with client modules: they include it,
 * build against kslab's Module.symvers and call nothing else. The calls
 * mirror the kernel's kmem_cache_* and kmalloc family one for one, so a
 * client can switch by search-and-replace. The flags are the kernel's own
 * SLAB_* flags. See README.md for a worked example.
 */
#ifndef _KSLAB_H
#define _KSLAB_H

#include <linux/gfp.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>

struct kslab_cache;
struct list_lru;

/*
 * Flags a client may pass to kslab_cache_create() and what kslab does
 * with them (the kernel's SLAB_* flags, as SLUB's callers pass them):
 *
 * SLAB_HWCACHE_ALIGN: objects aligned to the cache line, as SLUB.
 * SLAB_PANIC: a refused creation panics instead of returning NULL.
 * SLAB_TYPESAFE_BY_RCU: slab pages go back to the buddy allocator only
 *	after an RCU grace period; an object may be reused at once.
 * SLAB_RECLAIM_ACCOUNT: slab pages are counted as reclaimable in kslab's
 *	statistics (the kernel's NR_SLAB_RECLAIMABLE_B counts SLUB's only).
 * SLAB_NO_MERGE, SLAB_MEM_SPREAD (gone in 6.9): accepted, no effect:
 *	kslab never merges caches, and spreads nothing over cpusets.
 * SLAB_ACCOUNT, and __GFP_ACCOUNT in any allocation's GFP flags: accepted,
 *	nothing is charged to any memory cgroup. kslab's slab pages are
 *	charged to no one (the page allocator never sees __GFP_ACCOUNT for
 *	them) and objects carry no cgroup; a cgroup's memory.max does not
 *	limit what its tasks allocate from kslab. Only kslab_kmalloc()
 *	sizes above 8192, whole pages from the buddy allocator, are charged
 *	to the allocating task's cgroup with __GFP_ACCOUNT, and uncharged
 *	when freed, as the kernel's kmalloc() charges its large sizes.
 * A usercopy region (kslab_cache_create_usercopy()): accepted and checked
 *	to lie inside the object, not enforced: kslab's pages are not slab
 *	pages to the kernel, so CONFIG_HARDENED_USERCOPY checks a copy to or
 *	from a kslab object only against the bounds of its pages.
 * A list_lru (kslab_cache_alloc_lru()): nothing is prepared in it; on a
 *	kernel with memory cgroups, list_lru_add_obj() finds no cgroup for a
 *	kslab object and puts it on the node's root list.
 * The debug flags (SLAB_CONSISTENCY_CHECKS, SLAB_RED_ZONE, SLAB_POISON,
 *	SLAB_STORE_USER, SLAB_TRACE): docs/debugging.md.
 * Any other flag: the creation is refused (NULL, and one line in the log).
 */

/*
 * Contexts: the allocation calls run in process, softirq or hardirq
 * context, as their GFP flags allow, and the free calls in any of those;
 * none in NMI. On PREEMPT_RT, as with SLUB, none in hard interrupt
 * context. The calls that manage a cache (create, destroy, shrink,
 * validate, ...) may sleep. Each call's kernel-doc in kslab's sources
 * names its context. __GFP_ZERO on a cache with a constructor: see
 * kslab_cache_zalloc().
 */
struct kslab_cache *kslab_cache_create(const char *name, unsigned int size,
				       unsigned int align, slab_flags_t flags,
				       void (*ctor)(void *));

/**
 * struct kslab_cache_args - what kslab_cache_create_args() is asked for
 * @align: alignment of each object: 0 or a power of two
 * @useroffset: start of the usercopy region, inside the object
 * @usersize: size of the usercopy region; 0: no region
 * @ctor: constructor (see kslab_cache_create()), or NULL
 *
 * The kernel's struct kmem_cache_args (6.12) without its free pointer
 * offset: kslab keeps the free pointer of a SLAB_TYPESAFE_BY_RCU cache
 * outside its objects, always.
 */
struct kslab_cache_args {
	unsigned int align;
	unsigned int useroffset;
	unsigned int usersize;
	void (*ctor)(void *obj);
};

struct kslab_cache *kslab_cache_create_args(const char *name,
					    unsigned int size,
					    const struct kslab_cache_args *args,
					    slab_flags_t flags);

/**
 * kslab_cache_create_usercopy - create a cache with a usercopy region
 * @name: as kslab_cache_create()
 * @size: as kslab_cache_create()
 * @align: as kslab_cache_create()
 * @flags: as kslab_cache_create()
 * @useroffset: start of the region copied to and from user space
 * @usersize: its size, 0 for none; the region must lie inside the object
 * @ctor: as kslab_cache_create()
 *
 * The kernel's kmem_cache_create_usercopy(); the region is checked, not
 * enforced (see the flags above).
 *
 * Context: process context; may sleep.
 * Return: the cache, or NULL.
 */
static inline struct kslab_cache *
kslab_cache_create_usercopy(const char *name, unsigned int size,
			    unsigned int align, slab_flags_t flags,
			    unsigned int useroffset, unsigned int usersize,
			    void (*ctor)(void *))
{
	struct kslab_cache_args args = {
		.align = align,
		.useroffset = useroffset,
		.usersize = usersize,
		.ctor = ctor,
	};

	return kslab_cache_create_args(name, size, &args, flags);
}

void kslab_cache_destroy(struct kslab_cache *s);
void *kslab_cache_alloc(struct kslab_cache *s, gfp_t gfp);
void *kslab_cache_alloc_lru(struct kslab_cache *s, struct list_lru *lru,
			    gfp_t gfp);
void *kslab_cache_alloc_node(struct kslab_cache *s, gfp_t gfp, int node);
void kslab_cache_free(struct kslab_cache *s, void *obj);
int kslab_cache_alloc_bulk(struct kslab_cache *s, gfp_t gfp, size_t nr,
			   void **objs);
void kslab_cache_free_bulk(struct kslab_cache *s, size_t nr, void **objs);
int kslab_cache_shrink(struct kslab_cache *s);
unsigned int kslab_cache_size(struct kslab_cache *s);
long kslab_cache_validate(struct kslab_cache *s);
unsigned long kslab_cache_errors(struct kslab_cache *s);

int kslab_cache_set_fail(struct kslab_cache *s, unsigned int probability,
			 unsigned int interval, long times);

/**
 * struct kslab_move_ops - how kslab moves the objects of a movable cache
 * @move: move the live object @old to @new (already allocated by kslab
 *	from a denser slab of the same cache): copy it, repoint every
 *	reference, then return 0, and kslab frees @old. Return -EBUSY to
 *	leave it where it is (kslab frees @new), or -ENOENT if @old is no
 *	longer the owner's (it is being freed: kslab frees @new and leaves
 *	@old to the owner). Called without any kslab lock held, in process
 *	context. @old's memory stays readable and is never handed out to
 *	anyone else while the call runs, even if the owner frees it.
 */
struct kslab_move_ops {
	int (*move)(struct kslab_cache *s, void *old, void *new, void *priv);
};

int kslab_cache_set_movable(struct kslab_cache *s,
			    const struct kslab_move_ops *ops, void *priv);
long kslab_cache_defrag(struct kslab_cache *s);

void *kslab_kmalloc(size_t size, gfp_t gfp);
void kslab_kfree(const void *p);
size_t kslab_ksize(const void *p);
void *kslab_krealloc(const void *p, size_t new_size, gfp_t gfp);
void kslab_kfree_sensitive(const void *p);
void *kslab_kmemdup(const void *src, size_t len, gfp_t gfp);
char *kslab_kstrdup(const char *str, gfp_t gfp);
char *kslab_kstrndup(const char *str, size_t max, gfp_t gfp);
void *kslab_kvmalloc(size_t size, gfp_t gfp);
void kslab_kvfree(const void *p);

void kslab_free_rcu(struct rcu_head *head);

/**
 * kslab_kfree_rcu - free a kslab object after an RCU grace period
 * @ptr: the object (from kslab_kmalloc() or any kslab cache)
 * @field: the name of a struct rcu_head member of *@ptr
 *
 * Readers under rcu_read_lock() that found @ptr before it was unpublished
 * may keep reading it until the grace period ends.
 *
 * Context: any context but NMI, hard interrupt context on PREEMPT_RT
 * included: it only calls call_rcu(), and the object is freed later, from
 * RCU's callback.
 */
#define kslab_kfree_rcu(ptr, field)					\
do {									\
	typeof(ptr) __kslab_p = (ptr);					\
									\
	kslab_free_rcu((struct rcu_head *)((void *)__kslab_p +		\
					   offsetof(typeof(*__kslab_p), field))); \
} while (0)

/**
 * kslab_cache_zalloc - allocate a zeroed object from a kslab cache
 * @s: the cache
 * @gfp: GFP flags for the allocation (see kslab_cache_alloc())
 *
 * A cache with a constructor never zeroes: zeroing would wipe the state
 * the constructor built, and kslab builds it only once, with the slab.
 * This call (or __GFP_ZERO to any allocation call) on such a cache is a
 * bug of the caller: it is reported, counted in kslab_cache_errors(), and
 * the object is handed out as constructed (SLUB zeroes it when
 * init_on_alloc is off, and warns).
 *
 * Context: as kslab_cache_alloc().
 * Return: a zeroed object, or NULL when memory is exhausted.
 */
static inline void *kslab_cache_zalloc(struct kslab_cache *s, gfp_t gfp)
{
	return kslab_cache_alloc(s, gfp | __GFP_ZERO);
}

/**
 * kslab_kzalloc - allocate zeroed memory from kslab's kmalloc caches
 * @size: bytes wanted
 * @gfp: GFP flags for the allocation (see kslab_kmalloc())
 *
 * Context: as kslab_kmalloc().
 * Return: zeroed memory of at least @size bytes, ZERO_SIZE_PTR for a size
 * of 0, or NULL when memory is exhausted.
 */
static inline void *kslab_kzalloc(size_t size, gfp_t gfp)
{
	return kslab_kmalloc(size, gfp | __GFP_ZERO);
}

/**
 * kslab_kcalloc - allocate a zeroed array from kslab's kmalloc caches
 * @n: number of elements
 * @size: bytes of each
 * @gfp: GFP flags for the allocation (see kslab_kmalloc())
 *
 * Context: as kslab_kmalloc().
 * Return: zeroed memory for @n elements, ZERO_SIZE_PTR when it is 0
 * bytes, or NULL when @n * @size overflows or memory is exhausted.
 */
static inline void *kslab_kcalloc(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return kslab_kmalloc(bytes, gfp | __GFP_ZERO);
}

/**
 * kslab_kmalloc_array - allocate an array from kslab's kmalloc caches
 * @n: number of elements
 * @size: bytes of each
 * @gfp: GFP flags for the allocation (see kslab_kmalloc())
 *
 * Context: as kslab_kmalloc().
 * Return: memory for @n elements, ZERO_SIZE_PTR when it is 0 bytes, or
 * NULL when @n * @size overflows or memory is exhausted.
 */
static inline void *kslab_kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return kslab_kmalloc(bytes, gfp);
}

/**
 * kslab_kvmalloc_array - kslab_kvmalloc() of an array
 * @n: number of elements
 * @size: bytes of each
 * @gfp: GFP flags for the allocation (see kslab_kvmalloc())
 *
 * Context: as kslab_kvmalloc().
 * Return: memory for @n elements (free it with kslab_kvfree()), or NULL
 * when @n * @size overflows or memory is exhausted.
 */
static inline void *kslab_kvmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return kslab_kvmalloc(bytes, gfp);
}

/**
 * kslab_kvfree_sensitive - zero memory from kslab_kvmalloc(), then free it
 * @p: the memory, or NULL
 * @len: the bytes to zero (those that held secrets)
 *
 * Context: as kslab_kvfree().
 */
static inline void kslab_kvfree_sensitive(const void *p, size_t len)
{
	if (likely(!ZERO_OR_NULL_PTR(p))) {
		memzero_explicit((void *)p, len);
		kslab_kvfree(p);
	}
}

#endif /* _KSLAB_H */
