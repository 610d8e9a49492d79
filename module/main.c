// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - kslab's module entry and exit, its module parameters, and the
 * global state every file shares. The design opens kslab_int.h.
 */
#define pr_fmt(fmt) "kslab: " fmt

#include <linux/module.h>
#include <linux/rcupdate.h>

#include "kslab_int.h"
#include "kasan.h"
#include "debug.h"

atomic_long_t kslab_pages = ATOMIC_LONG_INIT(0);
atomic_long_t kslab_orphan_errors = ATOMIC_LONG_INIT(0);
DEFINE_STATIC_KEY_FALSE(kslab_slowpath_used);
EXPORT_SYMBOL_IF_KUNIT(kslab_slowpath_used);
DEFINE_STATIC_KEY_FALSE(kslab_hardened_key);

bool kslab_freelist_hardened = IS_ENABLED(CONFIG_SLAB_FREELIST_HARDENED);
module_param_named(freelist_hardened, kslab_freelist_hardened, bool, 0444);
MODULE_PARM_DESC(freelist_hardened,
		 "obfuscate free pointers and check frees (default: as the kernel's CONFIG_SLAB_FREELIST_HARDENED)");
EXPORT_SYMBOL_IF_KUNIT(kslab_freelist_hardened);

bool kslab_freelist_random = IS_ENABLED(CONFIG_SLAB_FREELIST_RANDOM);
module_param_named(freelist_random, kslab_freelist_random, bool, 0444);
MODULE_PARM_DESC(freelist_random,
		 "shuffle each new slab's free list (default: as the kernel's CONFIG_SLAB_FREELIST_RANDOM)");

/**
 * held_pages - pages kslab holds from the buddy allocator right now
 *
 * Slabs of every cache (destroyed ones with live objects included) and
 * kslab_kmalloc()'s large allocations. For kslab's own tests.
 *
 * Context: any context. Return: the count.
 */
long held_pages(void)
{
	return atomic_long_read(&kslab_pages);
}
EXPORT_SYMBOL_IF_KUNIT(held_pages);

static int __init kslab_init(void)
{
	int ret;

	/* slab_index_fast(): a slab's address is aligned to its size */
	if (!IS_ALIGNED((unsigned long)PAGE_OFFSET, PAGE_SIZE << KSLAB_MAX_ORDER)) {
		pr_err("the direct map (%#lx) is not aligned to the largest slab\n",
		       (unsigned long)PAGE_OFFSET);
		return -EINVAL;
	}
	ret = debug_init();
	if (ret)
		return ret;
	ret = kslab_kasan_init();
	if (ret)
		return ret;
	if (kslab_freelist_hardened)
		static_branch_enable(&kslab_hardened_key);
	ret = cpu_layer_init();
	if (ret)
		goto out_kasan;
	ret = sysfs_init();
	if (ret)
		goto out_cpu;
	debugfs_init();
	ret = kmalloc_init();
	if (ret)
		goto out_sysfs;
	ret = proc_init();
	if (ret)
		goto out_kmalloc;
	ret = shrinker_init();
	if (ret)
		goto out_proc;
	pr_info("loaded (freelist hardening %s, randomization %s)\n",
		kslab_freelist_hardened ? "on" : "off",
		kslab_freelist_random ? "on" : "off");
	return 0;

out_proc:
	proc_exit();
out_kmalloc:
	kmalloc_exit();
out_sysfs:
	debugfs_exit();
	sysfs_exit();
out_cpu:
	cache_exit();
	cpu_layer_exit();
	pagemap_exit();
out_kasan:
	kslab_kasan_exit();
	return ret;
}

static void __exit kslab_exit(void)
{
	shrinker_exit();
	proc_exit();
	rcu_barrier();	/* kslab_kfree_rcu() callbacks run kslab code */
	kmalloc_exit();
	cache_exit();
	cpu_layer_exit();
	debugfs_exit();
	sysfs_exit();
	pagemap_exit();
	kslab_kasan_exit();
	pr_info("unloaded; %ld pages still held\n", atomic_long_read(&kslab_pages));
}

module_init(kslab_init);
module_exit(kslab_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kslab: SLUB-style object caches for other modules");
