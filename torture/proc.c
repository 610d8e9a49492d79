// SPDX-License-Identifier: GPL-2.0
/*
 * proc.c - what the torture reads and writes in /proc, as a user would:
 * /proc/kslabinfo's active objects of a cache (the final checks, and the
 * kmalloc caches' count before the run), and 2 written to
 * /proc/sys/vm/drop_caches every five seconds, which makes every
 * shrinker, kslab's included, run while the contexts allocate.
 */
#define pr_fmt(fmt) "kslab-torture: " fmt

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kfile.h"
#include "torture.h"

/* Written by the controller only. */
unsigned long nr_drops;

/* echo 2 > /proc/sys/vm/drop_caches, from the module. */
void drop_caches_write(void)
{
	struct file *f;
	loff_t pos = 0;
	ssize_t ret;

	f = filp_open("/proc/sys/vm/drop_caches", O_WRONLY, 0);
	if (IS_ERR(f)) {
		error_report("cannot open /proc/sys/vm/drop_caches: %ld", PTR_ERR(f));
		return;
	}
	ret = kernel_write(f, "2\n", 2, &pos);
	filp_close(f, NULL);
	if (ret != 2)
		error_report("writing /proc/sys/vm/drop_caches: %zd", ret);
	else
		nr_drops++;
}

/*
 * kslabinfo_active - active objects in /proc/kslabinfo of the caches named
 * @name (exactly), or, when @prefix, of every cache whose name starts so.
 * Return: the sum, or a negative errno.
 */
long kslabinfo_active(const char *name, bool prefix)
{
	char *buf, *line, *next;
	unsigned long active;
	char cname[48];
	long sum = 0;
	ssize_t n;

	buf = kvmalloc(SZ_64K, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	n = kfile_read("/proc/kslabinfo", buf, SZ_64K);
	for (line = buf; n > 0 && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (sscanf(line, "%47s %lu", cname, &active) != 2)
			continue;
		if (prefix ? !strncmp(cname, name, strlen(name)) : !strcmp(cname, name))
			sum += active;
	}
	kvfree(buf);
	return n < 0 ? n : sum;
}
