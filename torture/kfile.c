// SPDX-License-Identifier: GPL-2.0
/*
 * kfile.c - reading a file of /proc or /sys from inside a module, as
 * kernel_read() of the file a user would cat: the torture reads
 * /proc/kslabinfo and kslab's sysfs counters with it, the benchmark
 * kslab's and SLUB's sysfs counters. Built into both modules.
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/string.h>

#include "kfile.h"

/**
 * kfile_read - read a file of /proc or /sys whole
 * @path: the file
 * @buf: where to read it; NUL-terminated
 * @size: the size of @buf: a longer file is cut at @size - 1 bytes
 *
 * Context: process context; may sleep.
 * Return: the bytes read, or a negative errno.
 */
ssize_t kfile_read(const char *path, char *buf, size_t size)
{
	struct file *f;
	size_t len = 0;
	loff_t pos = 0;
	ssize_t n;

	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	do {
		n = kernel_read(f, buf + len, size - 1 - len, &pos);
		if (n > 0)
			len += n;
	} while (n > 0 && len < size - 1);
	filp_close(f, NULL);
	buf[len] = '\0';
	return n < 0 ? n : len;
}

/**
 * kfile_ulong - the number a file of /proc or /sys starts with
 * @fmt: printf format of the file's path, then its arguments
 *
 * The first word only: what sysfs prints before a per-CPU or per-node
 * breakdown ("1234 C0=1000 C1=234", "12 N0=8 N1=4").
 *
 * Context: process context; may sleep.
 * Return: the number, or a negative errno: -ENODATA for an empty file,
 * -EINVAL for one that does not start with a number of 0 to LONG_MAX.
 */
long kfile_ulong(const char *fmt, ...)
{
	char path[128], buf[64];
	unsigned long v;
	va_list args;
	ssize_t n;
	int len;

	va_start(args, fmt);
	len = vsnprintf(path, sizeof(path), fmt, args);
	va_end(args);
	if (len >= (int)sizeof(path))
		return -ENAMETOOLONG;
	n = kfile_read(path, buf, sizeof(buf));
	if (n <= 0)
		return n ? n : -ENODATA;
	buf[strcspn(buf, "\t\n ")] = '\0';
	if (kstrtoul(buf, 10, &v) || v > LONG_MAX)
		return -EINVAL;
	return v;
}
