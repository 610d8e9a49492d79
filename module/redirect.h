/* SPDX-License-Identifier: GPL-2.0 */
/*
 * redirect.h - build an unmodified module's slab calls on kslab. Its
 * Kbuild gains one line, and nothing else of the module changes:
 *
 *	ccflags-y += -include /usr/local/include/kslab/redirect.h
 *
 * (with KBUILD_EXTRA_SYMBOLS naming kslab's Module.symvers). Every
 * kmem_cache_* call of the module, the 6.12 args form, usercopy and
 * kmem_cache_alloc_lru() (alloc_inode_sb()) included, and the kmalloc
 * family (kmalloc, kzalloc, kcalloc, kmalloc_array, krealloc, kmemdup,
 * kstrdup, kstrndup, kfree, kfree_sensitive, ksize, kfree_rcu, kvmalloc,
 * kvzalloc, kvmalloc_array, kvcalloc, kvfree, kvfree_sensitive, and the
 * __free(kfree) cleanups) become the kslab_* calls of kslab.h, which
 * mean the same; the module's caches are kslab caches, with kslab's debug
 * flags, sysfs, /proc/kslabinfo and tracepoints.
 *
 * Memory crosses the boundary one way safely: what the module frees may
 * be the core kernel's (kslab_kfree(), kslab_ksize(), kslab_krealloc()
 * and kslab_kvfree() pass memory that is not kslab's to the kernel), so
 * the calls left to the kernel (kmalloc_node(), kasprintf(),
 * kstrdup_const(), __getname()...) stay correct. The other way is not:
 * memory the module allocated here must not reach the kernel's kfree(),
 * to which kslab's page is a large kmalloc of its own to put (kslab holds
 * a second reference, so the page is not freed under it, and reports the
 * put when the slab goes back). The kernel does that by design only where
 * a module hands it memory to free for it: such a module is not a client
 * for kslab, nor one that passes its struct kmem_cache to the kernel
 * (mempool_create_slab_pool()). kfree_rcu() of memory that is not kslab's is
 * reported and leaked, not freed (kslab_free_rcu() has no object start to
 * pass on); kfree_rcu_mightsleep(), which would end in the kernel's
 * kvfree(), does not build. Inline functions of kernel headers that use
 * the core kernel's own caches (net/request_sock.h, jbd2.h) would be
 * redirected too: modules that use them are not clients either.
 *
 * The module's struct kmem_cache pointers are kslab caches in disguise:
 * they must reach no kernel function but these. And since this header
 * includes the kernel's headers ahead of the module's code, a module's
 * own "#define pr_fmt" draws a (harmless) "pr_fmt redefined" warning.
 */
#ifndef _KSLAB_REDIRECT_H
#define _KSLAB_REDIRECT_H

#include <linux/fs.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kslab.h"

static __always_inline struct kslab_cache *kslab_redirect_cache(struct kmem_cache *s)
{
	return (struct kslab_cache *)s;
}

/* __getname() and __putname(): the kernel's names_cache, not kslab. */
static inline char *kslab_redirect_getname(void)
{
	return __getname();
}

static inline void kslab_redirect_putname(const char *name)
{
	__putname(name);
}

#undef __getname
#define __getname()		kslab_redirect_getname()
#undef __putname
#define __putname(name)		kslab_redirect_putname(name)

static inline struct kmem_cache *
kslab_redirect_create(const char *name, unsigned int size, unsigned int align,
		      slab_flags_t flags, void (*ctor)(void *))
{
	return (struct kmem_cache *)kslab_cache_create(name, size, align, flags,
						       ctor);
}

static inline struct kmem_cache *
kslab_redirect_create_usercopy(const char *name, unsigned int size,
			       unsigned int align, slab_flags_t flags,
			       unsigned int useroffset, unsigned int usersize,
			       void (*ctor)(void *))
{
	return (struct kmem_cache *)kslab_cache_create_usercopy(name, size, align,
								flags, useroffset,
								usersize, ctor);
}

#undef kmem_cache_create_usercopy
#define kmem_cache_create_usercopy(name, size, align, flags, off, usize, ctor) \
	kslab_redirect_create_usercopy(name, size, align, flags, off, usize, ctor)

#ifdef kmem_cache_create
/*
 * 6.12's kmem_cache_create() is a macro that picks one of three calls by
 * the type of its third argument (struct kmem_cache_args, NULL or an
 * alignment): each is kslab's from here on, and so is what KMEM_CACHE()
 * and KMEM_CACHE_USERCOPY() call. The free pointer offset is kslab's own.
 */
static inline struct kmem_cache *
kslab_redirect_create_args(const char *name, unsigned int size,
			   struct kmem_cache_args *kargs, slab_flags_t flags)
{
	struct kslab_cache_args args = {};

	if (kargs) {
		args.align = kargs->align;
		args.useroffset = kargs->useroffset;
		args.usersize = kargs->usersize;
		args.ctor = kargs->ctor;
	}
	return (struct kmem_cache *)kslab_cache_create_args(name, size, &args,
							    flags);
}

static inline struct kmem_cache *
kslab_redirect_create_default(const char *name, unsigned int size,
			      void *unused, slab_flags_t flags)
{
	return kslab_redirect_create_args(name, size, NULL, flags);
}

#define __kmem_cache_create_args	kslab_redirect_create_args
#define __kmem_cache_default_args	kslab_redirect_create_default
#define __kmem_cache_create		kslab_redirect_create
#else
#define kmem_cache_create(name, size, align, flags, ctor)		\
	kslab_redirect_create(name, size, align, flags, ctor)
#endif

#undef kmem_cache_destroy
#define kmem_cache_destroy(s)	kslab_cache_destroy(kslab_redirect_cache(s))
#undef kmem_cache_alloc
#define kmem_cache_alloc(s, gfp) kslab_cache_alloc(kslab_redirect_cache(s), gfp)
#undef kmem_cache_alloc_lru
#define kmem_cache_alloc_lru(s, lru, gfp)				\
	kslab_cache_alloc_lru(kslab_redirect_cache(s), lru, gfp)
#undef kmem_cache_zalloc
#define kmem_cache_zalloc(s, gfp) kslab_cache_zalloc(kslab_redirect_cache(s), gfp)
#undef kmem_cache_alloc_node
#define kmem_cache_alloc_node(s, gfp, node)				\
	kslab_cache_alloc_node(kslab_redirect_cache(s), gfp, node)
#undef kmem_cache_free
#define kmem_cache_free(s, obj)	kslab_cache_free(kslab_redirect_cache(s), obj)
#undef kmem_cache_alloc_bulk
#define kmem_cache_alloc_bulk(s, gfp, nr, objs)				\
	kslab_cache_alloc_bulk(kslab_redirect_cache(s), gfp, nr, objs)
#undef kmem_cache_free_bulk
#define kmem_cache_free_bulk(s, nr, objs)				\
	kslab_cache_free_bulk(kslab_redirect_cache(s), nr, objs)
#undef kmem_cache_shrink
#define kmem_cache_shrink(s)	kslab_cache_shrink(kslab_redirect_cache(s))
#undef kmem_cache_size
#define kmem_cache_size(s)	kslab_cache_size(kslab_redirect_cache(s))

#undef kmalloc
#define kmalloc(size, gfp)		kslab_kmalloc(size, gfp)
#undef kzalloc
#define kzalloc(size, gfp)		kslab_kzalloc(size, gfp)
#undef kmalloc_array
#define kmalloc_array(n, size, gfp)	kslab_kmalloc_array(n, size, gfp)
#undef kcalloc
#define kcalloc(n, size, gfp)		kslab_kcalloc(n, size, gfp)
#undef krealloc
#define krealloc(p, size, gfp)		kslab_krealloc(p, size, gfp)
#undef kmemdup
#define kmemdup(src, len, gfp)		kslab_kmemdup(src, len, gfp)
#undef kstrdup
#define kstrdup(str, gfp)		kslab_kstrdup(str, gfp)
#undef kstrndup
#define kstrndup(str, max, gfp)		kslab_kstrndup(str, max, gfp)
#undef kfree
#define kfree(p)			kslab_kfree(p)
#undef kfree_sensitive
#define kfree_sensitive(p)		kslab_kfree_sensitive(p)
#undef ksize
#define ksize(p)			kslab_ksize(p)
#undef kvmalloc
#define kvmalloc(size, gfp)		kslab_kvmalloc(size, gfp)
#undef kvzalloc
#define kvzalloc(size, gfp)		kslab_kvmalloc(size, (gfp) | __GFP_ZERO)
#undef kvmalloc_array
#define kvmalloc_array(n, size, gfp)	kslab_kvmalloc_array(n, size, gfp)
#undef kvcalloc
#define kvcalloc(n, size, gfp)		kslab_kvmalloc_array(n, size, (gfp) | __GFP_ZERO)
#undef kvfree
#define kvfree(p)			kslab_kvfree(p)
#undef kvfree_sensitive
#define kvfree_sensitive(p, len)	kslab_kvfree_sensitive(p, len)

#undef kfree_rcu
#define kfree_rcu(ptr, field)		kslab_kfree_rcu(ptr, field)
#undef kvfree_rcu
#define kvfree_rcu(ptr, field)		kslab_kfree_rcu(ptr, field)
#undef kfree_rcu_mightsleep
#define kfree_rcu_mightsleep(ptr)					\
	BUILD_BUG_ON_MSG(sizeof(ptr), "kslab: no kfree_rcu_mightsleep(): use kfree_rcu()")
#undef kvfree_rcu_mightsleep
#define kvfree_rcu_mightsleep(ptr)					\
	BUILD_BUG_ON_MSG(sizeof(ptr), "kslab: no kvfree_rcu_mightsleep(): use kfree_rcu()")

/* __free(kfree), __free(kvfree) and __free(kfree_sensitive): kslab's. */
#ifdef DEFINE_FREE
static inline void kslab_redirect_kfree(void *p)
{
	if (!IS_ERR_OR_NULL(p))
		kslab_kfree(p);
}

static inline void kslab_redirect_kvfree(void *p)
{
	if (!IS_ERR_OR_NULL(p))
		kslab_kvfree(p);
}

DEFINE_FREE(kslab_kfree, void *, kslab_redirect_kfree(_T))
DEFINE_FREE(kslab_kvfree, void *, kslab_redirect_kvfree(_T))
DEFINE_FREE(kslab_kfree_sensitive, void *, kslab_kfree_sensitive(_T))
#define __free_kfree			__free_kslab_kfree
#define __free_kvfree			__free_kslab_kvfree
#define __free_kfree_sensitive		__free_kslab_kfree_sensitive
#endif

#endif /* _KSLAB_REDIRECT_H */
