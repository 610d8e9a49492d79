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
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/types.h>

struct kslab_cache;

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
void kslab_cache_destroy(struct kslab_cache *s);
void *kslab_cache_alloc(struct kslab_cache *s, gfp_t gfp);
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

#endif /* _KSLAB_H */
