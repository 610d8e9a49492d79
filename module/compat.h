/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - every difference between the kernels kslab supports (Debian's
 * 6.1 and 6.12 LTS lines, and 7.3 from trixie-backports) lives here,
 * behind LINUX_VERSION_CODE checks, so that the rest of kslab is written
 * once against one API.
 */
#ifndef _KSLAB_COMPAT_H
#define _KSLAB_COMPAT_H

#include <linux/version.h>
#include <linux/export.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

/* The largest page order the buddy allocator hands out. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define KSLAB_MAX_PAGE_ORDER	MAX_PAGE_ORDER
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define KSLAB_MAX_PAGE_ORDER	MAX_ORDER
#else
#define KSLAB_MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif

/*
 * The word of a slab's head page that holds its struct slab_meta
 * (kslab_int.h, where the choice of that word is argued): page->index up
 * to 6.15, renamed page->__folio_index in 6.16 to keep new users off it
 * (the page cache reaches it as folio->index). Same word, same offset; an
 * lvalue, so a freed slab can clear it.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
#define kslab_page_word(page)	((page)->__folio_index)
#else
#define kslab_page_word(page)	((page)->index)
#endif

/*
 * A stack variable the kernel's automatic initialisation
 * (CONFIG_INIT_STACK_ALL_ZERO) must leave alone: a buffer written before
 * it is read (debug.h's struct debug_stack, 200 bytes zeroed on every
 * call otherwise). The attribute is GCC 12's and Clang's.
 */
#ifndef __uninitialized
#define __uninitialized
#endif

/* SLAB_MEM_SPREAD went in 6.9, with nothing left for it to do. */
#ifndef SLAB_MEM_SPREAD
#define SLAB_MEM_SPREAD		0
#endif

/* SLAB_NO_MERGE appeared in 6.5; older kernels had no way to ask. */
#ifndef SLAB_NO_MERGE
#define SLAB_NO_MERGE		0
#endif

/*
 * Shrinkers: registered structs before 6.7, allocated ones since. The
 * caller gives its count and scan callbacks and a name.
 */
#include <linux/shrinker.h>

typedef unsigned long (*kslab_shrink_fn)(struct shrinker *shrinker,
					 struct shrink_control *sc);

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
static inline struct shrinker *kslab_shrinker_create(kslab_shrink_fn count,
						     kslab_shrink_fn scan,
						     const char *name)
{
	struct shrinker *shrinker = shrinker_alloc(0, "%s", name);

	if (!shrinker)
		return NULL;
	shrinker->count_objects = count;
	shrinker->scan_objects = scan;
	shrinker->seeks = DEFAULT_SEEKS;
	shrinker_register(shrinker);
	return shrinker;
}

static inline void kslab_shrinker_destroy(struct shrinker *shrinker)
{
	shrinker_free(shrinker);
}
#else
static struct shrinker kslab_shrinker_storage;

static inline struct shrinker *kslab_shrinker_create(kslab_shrink_fn count,
						     kslab_shrink_fn scan,
						     const char *name)
{
	kslab_shrinker_storage.count_objects = count;
	kslab_shrinker_storage.scan_objects = scan;
	kslab_shrinker_storage.seeks = DEFAULT_SEEKS;
	if (register_shrinker(&kslab_shrinker_storage, "%s", name))
		return NULL;
	return &kslab_shrinker_storage;
}

static inline void kslab_shrinker_destroy(struct shrinker *shrinker)
{
	unregister_shrinker(shrinker);
}
#endif

/*
 * Workqueues. 6.17 added the WQ_PERCPU flag, and system_percpu_wq and
 * system_dfl_wq as the names of system_wq and system_unbound_wq, ahead of
 * making unbound the default; 7.2 WARNs (and so taints) on an
 * alloc_workqueue() with neither WQ_PERCPU nor WQ_UNBOUND, and logs a
 * line for work queued on either old name. Before 6.17: no flag (bound
 * was the default) and the old names. A version check, not a feature
 * test, to keep one mechanism in this file: stable kernels that took the
 * new names (Debian's 6.12.118 has all three, its 6.1.192 none) never
 * warn, so the old names stay right on every 6.x. kslab's own names, not
 * the kernel's: where the kernel's exist they must not be shadowed.
 */
#include <linux/workqueue.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
#define KSLAB_WQ_PERCPU		WQ_PERCPU
#define kslab_percpu_wq		system_percpu_wq
#define kslab_dfl_wq		system_dfl_wq
#else
#define KSLAB_WQ_PERCPU		0
#define kslab_percpu_wq		system_wq
#define kslab_dfl_wq		system_unbound_wq
#endif

/*
 * hrtimers: hrtimer_setup() (6.13) stores the callback that hrtimer_init()
 * left to its caller, and hrtimer_init() is gone (7.3 has none).
 */
#include <linux/hrtimer.h>

static inline void kslab_hrtimer_setup(struct hrtimer *timer,
				       enum hrtimer_restart (*fn)(struct hrtimer *),
				       clockid_t clock, enum hrtimer_mode mode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(timer, fn, clock, mode);
#else
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
#endif
}

/* Trace events: __assign_str() takes only the field since 6.10. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define kslab_assign_str(field, src)	do { (void)(src); __assign_str(field); } while (0)
#else
#define kslab_assign_str(field, src)	__assign_str(field, src)
#endif

/*
 * Internals kslab's own KUnit suites call: VISIBLE_IF_KUNIT on what would
 * otherwise be static, EXPORT_SYMBOL_IF_KUNIT() after each one the suites
 * use, and KSLAB_IMPORT_FOR_KUNIT() in each suite: the kernel's mechanism,
 * include/kunit/visibility.h (6.2 and later). The kernel's macros export
 * whenever it has CONFIG_KUNIT, which a distribution's kernel may have;
 * kslab takes them only when its suites are built with it (KSLAB_KUNIT,
 * which the top-level Kbuild sets when it adds kunit/), so that make
 * install and DKMS, which build module/ alone, export the API of kslab.h
 * and nothing else, whatever the kernel's configuration. The namespace
 * is a string since 6.13.
 */
#ifdef KSLAB_KUNIT
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
#error "kslab's KUnit suites need kunit/visibility.h (Linux 6.2 or later)"
#endif
#include <kunit/visibility.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define KSLAB_IMPORT_FOR_KUNIT()	MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define KSLAB_IMPORT_FOR_KUNIT()	MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif
#else
#define VISIBLE_IF_KUNIT		static
/* not exported: what is left is a check that @symbol exists (and a ';') */
#define EXPORT_SYMBOL_IF_KUNIT		KSLAB_NOT_EXPORTED
#define KSLAB_NOT_EXPORTED(symbol)	static_assert(sizeof(typeof(symbol) *) != 0)
#endif
/* The same for a per-CPU variable, as the kernel's EXPORT_PER_CPU_SYMBOL(). */
#define EXPORT_PER_CPU_SYMBOL_IF_KUNIT(var)	EXPORT_SYMBOL_IF_KUNIT(var)

/*
 * Owning a CPU's part of a cache (fastpath.h). Without PREEMPT_RT the
 * owner runs with preemption off, so nothing but an interrupt on the same
 * CPU can come between it and its magazines, and the busy mark alone
 * keeps the interrupt out. On PREEMPT_RT the slow paths take spinlock_t
 * locks, which sleep there: the owner may only disable migration, and
 * holds a per-CPU lock as local_lock does on RT (a sleeping spinlock with
 * priority inheritance). A task that preempts the owner (a threaded
 * interrupt, a softirq, a higher-priority task) fails the trylock and goes
 * to the node's slabs; a CPU flush blocks on the lock until the owner is
 * done. Without RT the lock is an empty struct and compiles to nothing.
 * Hard interrupt context may not allocate or free on RT (as with SLUB).
 */
#ifdef CONFIG_PREEMPT_RT
struct kslab_cpu_lock {
	spinlock_t lock;	/* held by the owner of the CPU's part */
};

static inline void kslab_cpu_lock_init(struct kslab_cpu_lock *l)
{
	spin_lock_init(&l->lock);
}

static __always_inline void kslab_cpu_pin(void)
{
	migrate_disable();
}

static __always_inline void kslab_cpu_unpin(void)
{
	migrate_enable();
}

static __always_inline bool kslab_cpu_trylock(struct kslab_cpu_lock *l)
{
	return spin_trylock(&l->lock);
}

static __always_inline void kslab_cpu_lock(struct kslab_cpu_lock *l)
{
	spin_lock(&l->lock);
}

static __always_inline void kslab_cpu_unlock(struct kslab_cpu_lock *l)
{
	spin_unlock(&l->lock);
}
#else
struct kslab_cpu_lock { };

static inline void kslab_cpu_lock_init(struct kslab_cpu_lock *l) { }

static __always_inline void kslab_cpu_pin(void)
{
	preempt_disable();
}

static __always_inline void kslab_cpu_unpin(void)
{
	preempt_enable();
}

static __always_inline bool kslab_cpu_trylock(struct kslab_cpu_lock *l)
{
	return true;
}

static __always_inline void kslab_cpu_lock(struct kslab_cpu_lock *l) { }
static __always_inline void kslab_cpu_unlock(struct kslab_cpu_lock *l) { }
#endif

/*
 * KASAN (kasan.h): kslab tells generic KASAN which bytes of its slabs are
 * live through kasan_poison(), exported (GPL) by 6.12's mm/kasan/shadow.c
 * and declared only in mm/kasan/kasan.h, so declared here; and the shadow
 * byte values of that header, which the report reads to name the bug
 * ("slab-out-of-bounds", "slab-use-after-free"). Only generic KASAN: the
 * tag-based modes tag pointers, which kslab's index arithmetic does not
 * expect, and export nothing a module could tag with.
 */
#if defined(CONFIG_KASAN_GENERIC) && LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define KSLAB_KASAN		1
#define KSLAB_KASAN_GRANULE	8	/* KASAN_GRANULE_SIZE, generic */
#define KSLAB_KASAN_REDZONE	0xfc	/* KASAN_SLAB_REDZONE */
#define KSLAB_KASAN_FREE	0xfb	/* KASAN_SLAB_FREE */
#define KSLAB_KASAN_PAGE_REDZONE 0xfe	/* KASAN_PAGE_REDZONE: kmalloc_large */
void kasan_poison(const void *addr, size_t size, u8 value, bool init);
/* the same for the KUnit hooks of mm/kasan/report.c, for kslab's KASAN suite */
void kasan_kunit_test_suite_start(void);
void kasan_kunit_test_suite_end(void);
bool kasan_save_enable_multi_shot(void);
void kasan_restore_multi_shot(bool enabled);
#else
#define KSLAB_KASAN		0
#endif

/*
 * Opening a file of /proc, /sys or debugfs from a kthread (the KUnit
 * cases): on 7.x, where scoped_with_init_fs() is, a kthread resolves
 * paths from an empty root (nullfs), so the lookup takes init's view of
 * the filesystem, as the kernel's own tests do. Before, a kthread has
 * init's view already.
 * Return: as filp_open().
 */
#include <linux/fs.h>
#include <linux/fs_struct.h>

static inline struct file *compat_filp_open(const char *path, int flags,
					    umode_t mode)
{
#ifdef scoped_with_init_fs
	scoped_with_init_fs()
		return filp_open(path, flags, mode);
#endif
	return filp_open(path, flags, mode);
}

/*
 * compat_stack_walk - stack_trace_save() for an owner track, from the
 * caller of the function whose frame @fp is (its __builtin_frame_address(0),
 * taken in a function entered from outside kslab): that caller's return
 * address first, then the unwinder from the caller's frame on, as
 * stack_trace_save_regs() would (not exported) from registers at the
 * call. So none of kslab's own frames is unwound (each costs the ORC
 * unwinder a search of the module's table), and no address is looked up
 * once more as kernel text (arch_stack_walk() asks each entry). With the
 * ORC unwinder on x86-64, as every kernel kslab runs on; elsewhere
 * stack_trace_save(), whose leading kslab frames the caller drops.
 * Return: the number of entries stored, at most @size.
 */
#include <linux/stacktrace.h>
#if defined(CONFIG_X86_64) && defined(CONFIG_UNWINDER_ORC)
#include <asm/unwind.h>

static inline unsigned int compat_stack_walk(unsigned long *entries,
					     unsigned int size,
					     unsigned long *fp)
{
	/*
	 * The frame pointer's frame: the caller's rbp saved at fp[0], the
	 * return address at fp[1], the caller's stack from fp + 2. The ip
	 * given is the call instruction's last byte, whose stack layout the
	 * ORC table describes (after a call to a noreturn function, the
	 * return address may be another function's first byte).
	 */
	struct pt_regs regs = {
		.ip = fp[1] - 1,
		.sp = (unsigned long)(fp + 2),
		.bp = fp[0],
	};
	struct unwind_state state;
	unsigned int nr = 0;

	if (!size)
		return 0;
	entries[nr++] = fp[1];
	for (unwind_start(&state, current, &regs, NULL);
	     nr < size && !unwind_done(&state) && state.ip;
	     unwind_next_frame(&state))
		entries[nr++] = state.ip;
	return nr;
}
#else
static inline unsigned int compat_stack_walk(unsigned long *entries,
					     unsigned int size,
					     unsigned long *fp)
{
	return stack_trace_save(entries, size, 0);
}
#endif

#endif /* _KSLAB_COMPAT_H */
