/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kslab_test.h - helpers shared by kslab's KUnit suites: caches every test
 * creates under its own name and destroys itself (with a KUnit action as
 * the safety net when a test stops early), and byte stamps that prove
 * objects do not overlap and keep their contents.
 */
#ifndef _KSLAB_TEST_H
#define _KSLAB_TEST_H

#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/module.h>

#include "kslab.h"
#include "kslab_int.h"

static void ktest_destroy_action(void *s)
{
	kslab_cache_destroy(s);
}

/* Create a cache for this test; fail the test if that is refused. */
static inline struct kslab_cache *ktest_create(struct kunit *test,
					       const char *name,
					       unsigned int size,
					       unsigned int align,
					       slab_flags_t flags,
					       void (*ctor)(void *))
{
	struct kslab_cache *s = kslab_cache_create(name, size, align, flags, ctor);

	KUNIT_ASSERT_NOT_NULL_MSG(test, s, "creating cache %s", name);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ktest_destroy_action, s));
	return s;
}

/* Destroy a cache made by ktest_create() now. */
static inline void ktest_destroy(struct kunit *test, struct kslab_cache *s)
{
	kunit_release_action(test, ktest_destroy_action, s);
}

static inline u8 ktest_byte(u32 seed, size_t i)
{
	u32 x = seed * 0x9e3779b1u + (u32)i * 0x85ebca6bu;

	return (u8)(x ^ (x >> 15) ^ (x >> 24));
}

/* Fill every byte of an object with a pattern derived from @seed. */
static inline void ktest_stamp(void *obj, size_t size, u32 seed)
{
	u8 *p = obj;
	size_t i;

	for (i = 0; i < size; i++)
		p[i] = ktest_byte(seed, i);
}

/* Return: 0 when every byte still has its stamp, else 1 + first bad offset. */
static inline size_t ktest_check(const void *obj, size_t size, u32 seed)
{
	const u8 *p = obj;
	size_t i;

	for (i = 0; i < size; i++)
		if (p[i] != ktest_byte(seed, i))
			return i + 1;
	return 0;
}

/* Objects live in a cache by kslab's own accounting. */
static inline unsigned long ktest_active(struct kslab_cache *s)
{
	struct kslab_cache_info info;

	kslab_cache_info(s, &info);
	return info.active_objs;
}

static inline unsigned long ktest_slabs(struct kslab_cache *s)
{
	struct kslab_cache_info info;

	kslab_cache_info(s, &info);
	return info.num_slabs;
}

/* Write @val to a file such as /proc/sys/vm/drop_caches. Return: 0 or -errno. */
static inline int ktest_write_file(const char *path, const char *val)
{
	struct file *f = filp_open(path, O_WRONLY, 0);
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, val, strlen(val), &pos);
	filp_close(f, NULL);
	return n < 0 ? n : 0;
}

#endif /* _KSLAB_TEST_H */
