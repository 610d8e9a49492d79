// SPDX-License-Identifier: GPL-2.0
/*
 * kslab_harness_hang.c - fixture for scripts/selftest.sh: a module whose
 * init sleeps until it gets a signal, which the guest never sends, so
 * insmod never returns and the guest never powers off. The harness must
 * kill it at its timeout and say so.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/sched/signal.h>

static int __init hang_init(void)
{
	pr_info("hanging on purpose: the guest must not power off\n");
	while (!signal_pending(current))
		msleep_interruptible(1000);
	return -EINTR;
}

module_init(hang_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Fixture: a module whose init never returns");
