// SPDX-License-Identifier: GPL-2.0
/*
 * proc.c - /proc/kslabinfo: kslab's caches in exactly the format of the
 * kernel's /proc/slabinfo version 2.1, so existing parsers (slabtop, the
 * kernel's tools/mm/slabinfo, scripts) read it unchanged. It only formats
 * what cache_info() hands it.
 */

#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "kslab_int.h"

/* Mode of /proc/kslabinfo: 0400 as /proc/slabinfo; 0444 shares it. */
static unsigned int slabinfo_mode = 0400;
module_param(slabinfo_mode, uint, 0444);
MODULE_PARM_DESC(slabinfo_mode, "mode of /proc/kslabinfo (default 0400)");

static void *slabinfo_start(struct seq_file *m, loff_t *pos)
{
	mutex_lock(&kslab_mutex);
	return seq_list_start(&kslab_caches, *pos);
}

static void *slabinfo_next(struct seq_file *m, void *p, loff_t *pos)
{
	return seq_list_next(p, &kslab_caches, pos);
}

static void slabinfo_stop(struct seq_file *m, void *p)
{
	mutex_unlock(&kslab_mutex);
}

static int slabinfo_show(struct seq_file *m, void *p)
{
	struct kslab_cache *s = list_entry(p, struct kslab_cache, list);
	struct cache_info info;

	if (p == kslab_caches.next) {
		seq_puts(m, "slabinfo - version: 2.1\n");
		seq_puts(m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>");
		seq_puts(m, " : tunables <limit> <batchcount> <sharedfactor>");
		seq_puts(m, " : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	}
	cache_info(s, &info);
	seq_printf(m, "%-17s %6lu %6lu %6u %4u %4d", s->name, info.active_objs,
		   info.num_objs, info.objsize, info.objects_per_slab,
		   1 << info.order);
	seq_printf(m, " : tunables %4u %4u %4u", 0, 0, 0);
	seq_printf(m, " : slabdata %6lu %6lu %6lu\n", info.num_slabs,
		   info.num_slabs, 0UL);
	return 0;
}

static const struct seq_operations slabinfo_ops = {
	.start = slabinfo_start,
	.next = slabinfo_next,
	.stop = slabinfo_stop,
	.show = slabinfo_show,
};

/**
 * proc_init - create /proc/kslabinfo
 *
 * Context: module init. Return: 0 or -ENOMEM.
 */
int proc_init(void)
{
	if (!proc_create_seq("kslabinfo", slabinfo_mode & 0777, NULL, &slabinfo_ops))
		return -ENOMEM;
	return 0;
}

/**
 * proc_exit - remove /proc/kslabinfo
 *
 * Context: module exit.
 */
void proc_exit(void)
{
	remove_proc_entry("kslabinfo", NULL);
}
