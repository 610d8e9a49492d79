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
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/uio.h>

#include "kslab.h"
#include "kslab_int.h"

static inline void ktest_destroy_action(void *s)
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

/*
 * After a storm of failed allocations: @s still hands out and takes back
 * an object, validates clean and caught nothing; then it is destroyed.
 */
static inline void ktest_destroy_works(struct kunit *test, struct kslab_cache *s)
{
	void *p = kslab_cache_alloc(s, GFP_KERNEL);

	KUNIT_EXPECT_NOT_NULL(test, p);
	kslab_cache_free(s, p);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
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
	struct cache_info info;

	cache_info(s, &info);
	return info.active_objs;
}

static inline unsigned long ktest_slabs(struct kslab_cache *s)
{
	struct cache_info info;

	cache_info(s, &info);
	return info.num_slabs;
}

/* Write @val to a file such as /proc/sys/vm/drop_caches. Return: 0 or -errno. */
static inline int ktest_write_file(const char *path, const char *val)
{
	struct file *f = compat_filp_open(path, O_WRONLY, 0);
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, val, strlen(val), &pos);
	filp_close(f, NULL);
	return n < 0 ? n : 0;
}

/* A constructor that does nothing: having one moves the free pointer out of the object. */
static inline void ktest_ctor_nop(void *obj)
{
}

/* sort() comparison of pointers by address. */
static inline int ktest_ptr_cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* A zeroed array of @nr pointers that lives as long as the test. */
static inline void **ktest_ptrs(struct kunit *test, unsigned int nr)
{
	void **objs = kunit_kcalloc(test, nr, sizeof(void *), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, objs);
	return objs;
}

/* Allocate @nr objects of @s into @objs; fail the test if one is refused. */
static inline void ktest_alloc_n(struct kunit *test, struct kslab_cache *s,
				 void **objs, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		objs[i] = kslab_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL_MSG(test, objs[i], "object %u of %u", i, nr);
	}
}

/* Free the @nr objects at @objs, one call each. */
static inline void ktest_free_n(struct kslab_cache *s, void **objs,
				unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		kslab_cache_free(s, objs[i]);
}

/* Room for a whole /proc or sysfs file read by ktest_read_file(). */
#define KTEST_FILE_MAX	SZ_128K

/*
 * Read from a seq_file as seq_read() does, but into kernel memory: for
 * /proc/slabinfo, whose proc_ops have no proc_read_iter, so that
 * kernel_read() refuses it.
 */
static inline ssize_t ktest_seq_read(struct file *f, char *buf, size_t size,
				     loff_t *pos)
{
	struct kvec kv = { .iov_base = buf, .iov_len = size };
	struct iov_iter iter;
	struct kiocb kiocb;
	ssize_t n;

	init_sync_kiocb(&kiocb, f);
	kiocb.ki_pos = *pos;
	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, size);
	n = seq_read_iter(&kiocb, &iter);
	*pos = kiocb.ki_pos;
	return n;
}

/*
 * ktest_read_chunked - read a whole file (/proc/kslabinfo, /proc/slabinfo,
 * a module parameter), at most @chunk bytes a read, into a NUL-terminated
 * buffer that lives as long as the test (kunit_kfree() it sooner in
 * loops); fail the test when it cannot be read or does not fit.
 */
static inline char *ktest_read_chunked(struct kunit *test, const char *path,
				       size_t chunk)
{
	ssize_t n = 0;
	size_t len = 0;
	loff_t pos = 0;
	struct file *f;
	char *buf;

	buf = kunit_kzalloc(test, KTEST_FILE_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	f = compat_filp_open(path, O_RDONLY, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(f), "opening %s: error %ld", path,
			       PTR_ERR(f));
	do {
		chunk = min(chunk, KTEST_FILE_MAX - 1 - len);
		if (f->f_op->read_iter)
			n = kernel_read(f, buf + len, chunk, &pos);
		else	/* /proc/slabinfo: a seq_file behind plain proc_read */
			n = ktest_seq_read(f, buf + len, chunk, &pos);
		if (n > 0)
			len += n;
	} while (n > 0 && len < KTEST_FILE_MAX - 1);
	filp_close(f, NULL);
	KUNIT_ASSERT_GE_MSG(test, n, 0, "reading %s", path);
	KUNIT_ASSERT_LT_MSG(test, len, KTEST_FILE_MAX - 1, "%s does not fit", path);
	return buf;
}

static inline char *ktest_read_file(struct kunit *test, const char *path)
{
	return ktest_read_chunked(test, path, KTEST_FILE_MAX);
}

/* A module parameter of kslab, as sysfs shows it (e.g. "Y\n", "256\n"). */
static inline char *ktest_kslab_param(struct kunit *test, const char *param)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/module/kslab/parameters/%s", param);
	return ktest_read_file(test, path);
}

/* Room for one slabinfo row. */
#define KTEST_ROW_MAX	256

/*
 * ktest_find_row - the row of cache @name in slabinfo text @buf, copied
 * without its newline to @row (KTEST_ROW_MAX bytes).
 * Return: true when @buf has a row for @name.
 */
static inline bool ktest_find_row(const char *buf, const char *name, char *row)
{
	size_t nlen = strlen(name), len;
	const char *p, *eol;

	for (p = buf; *p; p = *eol ? eol + 1 : eol) {
		eol = strchrnul(p, '\n');
		if (strncmp(p, name, nlen) || p[nlen] != ' ')
			continue;
		len = min_t(size_t, eol - p, KTEST_ROW_MAX - 1);
		memcpy(row, p, len);
		row[len] = '\0';
		return true;
	}
	return false;
}

/* Cache rows in slabinfo text: every line but the two header lines. */
static inline unsigned int ktest_count_rows(const char *buf)
{
	unsigned int rows = 0;
	const char *p, *eol;

	for (p = buf; *p; p = *eol ? eol + 1 : eol) {
		eol = strchrnul(p, '\n');
		if (*p != '#' && !str_has_prefix(p, "slabinfo - version:"))
			rows++;
	}
	return rows;
}

/* Rows in /proc/kslabinfo right now. */
static inline unsigned int ktest_kslabinfo_rows(struct kunit *test)
{
	char *buf = ktest_read_file(test, "/proc/kslabinfo");
	unsigned int rows = ktest_count_rows(buf);

	kunit_kfree(test, buf);
	return rows;
}

/* One slabinfo 2.1 row, field by field. */
struct ktest_row {
	unsigned long active_objs, num_objs;
	unsigned int objsize, objperslab, pagesperslab;
	unsigned int limit, batchcount, sharedfactor;
	unsigned long active_slabs, num_slabs, sharedavail;
};

/* Parse one slabinfo 2.1 row. Return: true when all 11 fields parse. */
static inline bool ktest_parse_row(const char *row, struct ktest_row *r)
{
	int n;

	n = sscanf(row, "%*s %lu %lu %u %u %u : tunables %u %u %u : slabdata %lu %lu %lu",
		   &r->active_objs, &r->num_objs, &r->objsize, &r->objperslab,
		   &r->pagesperslab, &r->limit, &r->batchcount, &r->sharedfactor,
		   &r->active_slabs, &r->num_slabs, &r->sharedavail);
	return n == 11;
}

/*
 * ktest_read_row - read slabinfo file @path and parse the row of @name
 * into @r; fail the test when there is none or it does not parse.
 */
static inline void ktest_read_row(struct kunit *test, const char *path,
				  const char *name, struct ktest_row *r)
{
	char *buf = ktest_read_file(test, path);
	char row[KTEST_ROW_MAX];

	KUNIT_ASSERT_TRUE_MSG(test, ktest_find_row(buf, name, row),
			      "no row %s in %s", name, path);
	kunit_kfree(test, buf);
	KUNIT_ASSERT_TRUE_MSG(test, ktest_parse_row(row, r),
			      "%s: row \"%s\" does not parse", path, row);
}

/*
 * Pages a cache may keep after all its objects were freed, before its
 * depot and nodes are trimmed: full depots, two magazines a CPU and
 * slab_empty_max() empty slabs a node. Objects rounded up to whole slabs of the cache's order.
 */
static inline unsigned long ktest_idle_pages_max(struct kslab_cache *s)
{
	unsigned long objs = (num_possible_nodes() * s->depot_max +
			      2 * num_possible_cpus()) * s->mag_size;

	return (DIV_ROUND_UP(objs, s->objects) +
		num_possible_nodes() * slab_empty_max(s)) << s->order;
}

/*
 * Two trims, as the periodic work makes them: what the depots and the
 * nodes' empty slabs did not need over an interval goes back.
 */
static inline void ktest_trim_twice(struct kslab_cache *s)
{
	depot_trim(s);
	node_trim(s);
	depot_trim(s);
	node_trim(s);
}

/*
 * fail_page_alloc, armed by the guest filtered by task (scripts/guest-init):
 * probability 100, interval 1, any order and gfp. Nothing fails unless a
 * task sets make_it_fail (every page allocation of it fails) or fail_nth
 * (its nth one fails).
 */
static inline bool ktest_fpa_armed(void)
{
	struct file *f = compat_filp_open("/sys/kernel/debug/fail_page_alloc/task-filter",
					 O_RDONLY, 0);

	if (IS_ERR(f))
		return false;
	filp_close(f, NULL);
	return true;
}

/* Objects in use in @n's partial slabs, counted in one go under its lock. */
static inline unsigned long ktest_node_partial_inuse(struct kslab_node *n)
{
	unsigned long flags, x = 0;
	struct page *page;

	spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry(page, &n->partial, lru)
		x += page_meta(page)->inuse;
	spin_unlock_irqrestore(&n->list_lock, flags);
	return x;
}

#if KSLAB_KASAN && IS_ENABLED(CONFIG_KASAN_KUNIT_TEST)
#include <linux/tracepoint.h>
#include <trace/events/printk.h>

typedef void (*ktest_console_fn)(void *ignore, const char *buf, size_t len);

/*
 * For a suite that makes KASAN report on purpose (kasan_kunit.c,
 * kasan_upstream_kunit.c), from its suite_init: KASAN's reports fail none
 * of its tests (mm/kasan/report.c's KUnit hook), every one is printed
 * (multi-shot; the setting before goes to @multishot), and @probe sees
 * each console line, to find them. Return: 0, or an error.
 */
static inline int ktest_kasan_suite_start(bool *multishot, ktest_console_fn probe)
{
	kasan_kunit_test_suite_start();
	*multishot = kasan_save_enable_multi_shot();
	return register_trace_console(probe, NULL);
}

/* The suite_exit of such a suite: all as it was before. */
static inline void ktest_kasan_suite_end(bool multishot, ktest_console_fn probe)
{
	kasan_kunit_test_suite_end();
	kasan_restore_multi_shot(multishot);
	unregister_trace_console(probe, NULL);
	tracepoint_synchronize_unregister();
}
#endif

#endif /* _KSLAB_TEST_H */
