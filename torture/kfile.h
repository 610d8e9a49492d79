/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kfile.h - reading /proc and /sys from inside a module: the figures kslab
 * and the kernel show a user, read the way a user reads them, so the
 * torture and the benchmark need nothing of kslab but kslab.h. kfile.c is
 * built into both kslab_torture.ko and kslab_bench.ko (their Kbuild).
 */
#ifndef _KSLAB_KFILE_H
#define _KSLAB_KFILE_H

#include <linux/compiler_attributes.h>
#include <linux/types.h>

#define KFILE_KSLAB	"/sys/kernel/kslab"	/* kslab's caches (module/sysfs.c) */
#define KFILE_SLUB	"/sys/kernel/slab"	/* SLUB's caches */

ssize_t kfile_read(const char *path, char *buf, size_t size);
__printf(1, 2) long kfile_ulong(const char *fmt, ...);

#endif /* _KSLAB_KFILE_H */
