// SPDX-License-Identifier: GPL-2.0
/*
 * kslab_dumpstate.c - the known state of the dump test (scripts/
 * dump-check.sh): three caches, one plain, one with owner tracking and red
 * zones, and one with red zones and poison, whose objects are put where
 * the test wants them by the order of the calls alone: live, on a slab's
 * free list, in CPU 0's magazines, in node 0's depot (or CPU 0's
 * magazines), in CPU 0's remote buffer, quarantined (written after free:
 * kslab reports it, which is expected in this guest's console), and an
 * address outside kslab (a kmalloc() object). Each is printed as
 * "kslab_dumpstate: obj CACHE ADDRESS STATE"; the host then classifies the
 * addresses in QEMU's dump of the guest with tools/kslab_drgn.py and
 * compares. The periodic depot trim is held while it is loaded, so the
 * depot still holds its magazines when QEMU dumps the guest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "kslab_int.h"

#define NR_A	64	/* plain objects: even live, odd freed */
#define NR_R	2	/* node 1's objects freed on CPU 0 */
#define NR_D	4	/* debug objects: even live, odd freed */

static struct kslab_cache *plain, *debug, *quar;
static void *a[NR_A], *r[NR_R], *d[NR_D], **c, *outside, *qlive;
static u8 *qbad;
static unsigned int nr_c;
static bool trim_held;

static void show(struct kslab_cache *s, const void *obj, const char *state)
{
	/* the real address: the host looks it up in the dump */
	pr_info("obj %s 0x%lx %s\n", s ? s->name : "-", (unsigned long)obj, state);
}

/*
 * The function the test looks for in the debug objects' alloc tracks and
 * stacks: not inlined, and no tail call (the barrier), so that it is the
 * caller kslab records and a frame of the stack.
 */
static noinline void *dumpstate_debug_alloc(void)
{
	void *obj = kslab_cache_alloc(debug, GFP_KERNEL);

	barrier();
	return obj;
}

/*
 * A write after free in a poisoned cache: the object is found corrupt when
 * it heads the free list again, and quarantined; the next one is handed
 * out instead and stays live, on a slab that now holds a quarantined
 * object.
 */
static int quarantine_one(void)
{
	qbad = kslab_cache_alloc(quar, GFP_KERNEL);
	if (!qbad)
		return -ENOMEM;
	kslab_cache_free(quar, qbad);
	qbad[8] = 0x11;		/* one byte of the poison */
	qlive = kslab_cache_alloc(quar, GFP_KERNEL);
	return qlive ? 0 : -ENOMEM;
}

/* On CPU 0 (node 0), so that every free below lands where it says. */
static long build_state(void *unused)
{
	unsigned int i;

	for (i = 0; i < NR_A; i++) {
		a[i] = kslab_cache_alloc(plain, GFP_KERNEL);
		if (!a[i])
			return -ENOMEM;
	}
	for (i = 0; i < nr_c; i++) {
		c[i] = kslab_cache_alloc(plain, GFP_KERNEL);
		if (!c[i])
			return -ENOMEM;
	}
	for (i = 0; i < NR_R; i++) {
		r[i] = kslab_cache_alloc_node(plain, GFP_KERNEL, 1);
		if (!r[i])
			return -ENOMEM;
	}
	for (i = 0; i < NR_D; i++) {
		d[i] = dumpstate_debug_alloc();
		if (!d[i])
			return -ENOMEM;
	}

	/* freed, then every magazine flushed: on their slabs' free lists */
	for (i = 1; i < 16; i += 2)
		kslab_cache_free(plain, a[i]);
	kslab_cache_shrink(plain);
	/* three magazines' worth: CPU 0's magazines fill, then the depot */
	for (i = 0; i < nr_c; i++)
		kslab_cache_free(plain, c[i]);
	/* a few more: the loaded magazine */
	for (i = 17; i < 24; i += 2)
		kslab_cache_free(plain, a[i]);
	/* another node's objects: CPU 0's remote buffer */
	for (i = 0; i < NR_R; i++)
		kslab_cache_free(plain, r[i]);
	/* a debug cache with red zones keeps its magazines: CPU 0's loaded one */
	for (i = 1; i < NR_D; i += 2)
		kslab_cache_free(debug, d[i]);
	return quarantine_one();
}

static void free_live(void)
{
	unsigned int i;

	for (i = 0; i < NR_A; i++)
		if (a[i] && (i >= 24 || !(i & 1)))
			kslab_cache_free(plain, a[i]);
	for (i = 0; i < NR_D; i += 2)
		if (d[i])
			kslab_cache_free(debug, d[i]);
	if (qlive)
		kslab_cache_free(quar, qlive);
}

static void teardown(void)
{
	kslab_cache_destroy(quar);
	kslab_cache_destroy(debug);
	kslab_cache_destroy(plain);
	kfree(c);
	kfree(outside);
	if (trim_held)
		trim_work_release();
}

static int __init dumpstate_init(void)
{
	unsigned int i;
	long ret;

	if (!node_online(1) || !cpu_online(0)) {
		pr_err("needs CPU 0 and a second node\n");
		return -ENODEV;
	}
	plain = kslab_cache_create("dump_plain", 200, 0, 0, NULL);
	debug = kslab_cache_create("dump_debug", 96, 0,
				   SLAB_STORE_USER | SLAB_RED_ZONE, NULL);
	quar = kslab_cache_create("dump_quarantine", 64, 0,
				  SLAB_RED_ZONE | SLAB_POISON, NULL);
	outside = kmalloc(64, GFP_KERNEL);
	nr_c = 3 * (plain ? plain->mag_size : 0);
	c = kcalloc(nr_c, sizeof(*c), GFP_KERNEL);
	if (!plain || !debug || !quar || !outside || !c) {
		teardown();
		return -ENOMEM;
	}
	trim_work_hold();
	trim_held = true;
	ret = work_on_cpu(0, build_state, NULL);
	if (ret) {
		pr_err("building the state: %ld\n", ret);
		free_live();
		teardown();
		return ret;
	}
	for (i = 0; i < NR_A; i++)
		show(plain, a[i], i >= 24 || !(i & 1) ? "live" :
		     i < 16 ? "free-list" : "magazine");
	for (i = 0; i < nr_c; i++)
		show(plain, c[i], "depot-or-magazine");
	for (i = 0; i < NR_R; i++)
		show(plain, r[i], "remote");
	for (i = 0; i < NR_D; i++)
		show(debug, d[i], i & 1 ? "magazine" : "live");
	show(quar, qbad, "quarantined");
	/* unmarked, on a slab with the quarantine bit: drgn cannot tell */
	show(quar, qlive, "live-or-quarantined");
	show(NULL, outside, "none");
	pr_info("ready: mag_size %u, %u objects shown\n", plain->mag_size,
		NR_A + nr_c + NR_R + NR_D + 2 + 1);
	return 0;
}

static void __exit dumpstate_exit(void)
{
	free_live();
	teardown();
}

module_init(dumpstate_init);
module_exit(dumpstate_exit);
KSLAB_IMPORT_FOR_KUNIT();
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kslab dump test: a known state for tools/kslab_drgn.py");
