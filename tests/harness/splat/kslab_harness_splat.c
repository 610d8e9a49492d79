// SPDX-License-Identifier: GPL-2.0
/*
 * kslab_harness_splat.c - fixture for scripts/selftest.sh: a module that
 * splats as it loads and loads fine otherwise, so that only the harness's
 * scan of the console log can fail the run. It raises a WARNING (printed
 * only when the kernel has CONFIG_BUG) and calls a function that may sleep
 * with preemption off, which DEBUG_ATOMIC_SLEEP reports as "BUG: sleeping
 * function called from invalid context" in any case.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/preempt.h>

static int __init splat_init(void)
{
	pr_info("splatting on purpose\n");
	WARN(1, "a WARNING on purpose\n");
	preempt_disable();
	might_sleep();
	preempt_enable();
	return 0;
}

static void __exit splat_exit(void)
{
}

module_init(splat_init);
module_exit(splat_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Fixture: a module that splats as it loads");
