// SPDX-License-Identifier: GPL-2.0
/*
 * proc_kunit.c - KUnit suite kslab_proc, for module/proc.c: reads
 * /proc/kslabinfo as a user would (compat_filp_open() and kernel_read()) and
 * checks it byte for byte against the kernel's slabinfo 2.1 format: the
 * header, each row's values against what the test allocated, one row per
 * cache, and the file's mode. Each test creates and destroys its own caches.
 */
#include <linux/kthread.h>
#include <linux/sort.h>

#include "kslab_test.h"

/* mm/slab_common.c print_slabinfo_header(), piece by piece, to the byte. */
static const char *const slabinfo_header[] = {
	"slabinfo - version: 2.1\n",
	"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>",
	" : tunables <limit> <batchcount> <sharedfactor>",
	" : slabdata <active_slabs> <num_slabs> <sharedavail>",
	"\n",
};

/* The two header lines are the kernel's, as /proc/slabinfo prints them too. */
static void proc_header(struct kunit *test)
{
	char *ours = ktest_read_file(test, "/proc/kslabinfo");
	char *slub = ktest_read_file(test, "/proc/slabinfo");
	size_t len = 0, piece;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(slabinfo_header); i++) {
		piece = strlen(slabinfo_header[i]);
		KUNIT_EXPECT_MEMEQ(test, ours + len, slabinfo_header[i], piece);
		len += piece;
	}
	KUNIT_EXPECT_MEMEQ(test, ours, slub, len);
	/* and the header is printed once */
	KUNIT_EXPECT_NULL(test, strstr(ours + len, "slabinfo - version"));
	KUNIT_EXPECT_NULL(test, strstr(ours + len, "# name"));
}

/* The row the kernel's cache_show() would print for these values. */
static void row_format(char *row, const char *name, unsigned long active,
		       unsigned long num, unsigned int objsize,
		       unsigned int objperslab, unsigned int pages,
		       unsigned long slabs)
{
	snprintf(row, KTEST_ROW_MAX,
		 "%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu",
		 name, active, num, objsize, objperslab, pages, 0, 0, 0, slabs,
		 slabs, 0UL);
}

/* The row of @name in /proc/kslabinfo now, in @row; fails the test if none. */
static void row_read(struct kunit *test, const char *name, char *row)
{
	char *buf = ktest_read_file(test, "/proc/kslabinfo");

	KUNIT_ASSERT_TRUE_MSG(test, ktest_find_row(buf, name, row), "no row %s", name);
	kunit_kfree(test, buf);
}

struct row_case {
	const char *name;
	unsigned int size;
	unsigned int align;
	slab_flags_t flags;
	bool ctor;
	unsigned int stride;	/* the object stride the layout must give */
};

static const struct row_case row_cases[] = {
	{ "kunit_proc_1", 1, 0, 0, false, 8 },
	{ "kunit_proc_100", 100, 0, 0, false, 104 },
	{ "kunit_proc_ctor", 24, 0, 0, true, 32 },
	{ "kunit_proc_hwalign", 40, 0, SLAB_HWCACHE_ALIGN, false, 64 },
	{ "kunit_proc_aligned", 3000, 64, 0, false, 3008 },
	{ "kunit_proc_a_name_longer_than_the_column", 512, 0, 0, false, 512 },
	{ "kunit_proc_64k", SZ_64K, 0, 0, false, SZ_64K },
};

static void row_case_desc(const struct row_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(row, row_cases, row_case_desc);

/*
 * Distinct slabs holding @objs, counted from their addresses alone; each
 * one must be a slab of @pages pages and @objects objects of @s.
 */
static unsigned long count_slabs(struct kunit *test, struct kslab_cache *s,
				 void **objs, unsigned int nr,
				 unsigned int pages, unsigned int objects)
{
	void **heads = ktest_ptrs(test, nr);
	unsigned long slabs = 0;
	struct page *page;
	unsigned int i;

	for (i = 0; i < nr; i++)
		heads[i] = virt_to_head_page(objs[i]);
	sort(heads, nr, sizeof(void *), ktest_ptr_cmp, NULL);
	for (i = 0; i < nr; i++) {
		if (i && heads[i] == heads[i - 1])
			continue;
		page = heads[i];
		slabs++;
		KUNIT_EXPECT_PTR_EQ(test, s, page_cache(page));
		KUNIT_EXPECT_EQ(test, (unsigned long)pages, compound_nr(page));
		KUNIT_EXPECT_EQ(test, objects, (unsigned int)page_meta(page)->objects);
	}
	kunit_kfree(test, heads);
	return slabs;
}

/*
 * A cache's row, byte for byte: after kslab_cache_shrink() on a quiet
 * cache, active_objs is the objects the test holds, the slabs are those
 * holding them, num_objs is objects per slab times slabs, objsize is the
 * stride, tunables are 0 and sharedavail 0. With nothing live, 0 slabs.
 */
static void proc_row(struct kunit *test)
{
	const struct row_case *c = test->param_value;
	unsigned int nr, held = 0, i, pages, objperslab, stride;
	char row[KTEST_ROW_MAX], want[KTEST_ROW_MAX];
	struct kslab_cache *s;
	unsigned long slabs;
	void **objs;

	s = ktest_create(test, c->name, c->size, c->align, c->flags,
			 c->ctor ? ktest_ctor_nop : NULL);
	pages = 1U << s->order;
	/* KASAN's red zone (kslab_kasan_redzone(), tested in kslab_kasan) */
	stride = KSLAB_KASAN ? s->size : c->stride;
	objperslab = (PAGE_SIZE << s->order) / stride;

	/* a new cache: nothing */
	row_read(test, c->name, row);
	row_format(want, c->name, 0, 0, stride, objperslab, pages, 0);
	KUNIT_EXPECT_STREQ(test, row, want);

	/* two and a half slabs' worth, every third freed again */
	nr = clamp(objperslab * 5 / 2, 20U, 600U);
	objs = ktest_ptrs(test, nr);
	ktest_alloc_n(test, s, objs, nr);
	for (i = 0; i < nr; i++) {
		if (i % 3)
			objs[held++] = objs[i];
		else
			kslab_cache_free(s, objs[i]);
	}
	KUNIT_EXPECT_EQ(test, 1, kslab_cache_shrink(s));
	slabs = count_slabs(test, s, objs, held, pages, objperslab);
	row_read(test, c->name, row);
	row_format(want, c->name, held, objperslab * slabs, stride,
		   objperslab, pages, slabs);
	KUNIT_EXPECT_STREQ(test, row, want);

	/* nothing live: no slab after a shrink */
	ktest_free_n(s, objs, held);
	KUNIT_EXPECT_EQ(test, 0, kslab_cache_shrink(s));
	row_read(test, c->name, row);
	row_format(want, c->name, 0, 0, stride, objperslab, pages, 0);
	KUNIT_EXPECT_STREQ(test, row, want);
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/* Rows of @name in slabinfo text @buf. */
static unsigned int rows_named(const char *buf, const char *name)
{
	size_t nlen = strlen(name);
	unsigned int n = 0;
	const char *p;

	for (p = buf; (p = strstr(p, name)); p += nlen)
		if ((p == buf || p[-1] == '\n') && p[nlen] == ' ')
			n++;
	return n;
}

/*
 * One row per cache: the kmalloc classes are listed, each cache a test
 * creates adds exactly its own row, and destroying it takes it away.
 */
static void proc_one_row_per_cache(struct kunit *test)
{
	static const char *const names[] = {
		"kunit_proc_rows_a", "kunit_proc_rows_b", "kunit_proc_rows_c",
	};
	static const char *const kmalloc_names[] = {
		"kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-96",
		"kmalloc-128", "kmalloc-192", "kmalloc-256", "kmalloc-512",
		"kmalloc-1k", "kmalloc-2k", "kmalloc-4k", "kmalloc-8k",
	};
	struct kslab_cache *s[ARRAY_SIZE(names)];
	unsigned int rows, i;
	char *buf;

	buf = ktest_read_file(test, "/proc/kslabinfo");
	rows = ktest_count_rows(buf);
	for (i = 0; i < ARRAY_SIZE(kmalloc_names); i++)
		KUNIT_EXPECT_EQ_MSG(test, 1U, rows_named(buf, kmalloc_names[i]),
				    "%s", kmalloc_names[i]);
	kunit_kfree(test, buf);

	for (i = 0; i < ARRAY_SIZE(names); i++)
		s[i] = ktest_create(test, names[i], 64 + 64 * i, 0, 0, NULL);
	buf = ktest_read_file(test, "/proc/kslabinfo");
	KUNIT_EXPECT_EQ(test, rows + (unsigned int)ARRAY_SIZE(names), ktest_count_rows(buf));
	for (i = 0; i < ARRAY_SIZE(names); i++)
		KUNIT_EXPECT_EQ_MSG(test, 1U, rows_named(buf, names[i]), "%s", names[i]);
	kunit_kfree(test, buf);

	for (i = 0; i < ARRAY_SIZE(names); i++)
		ktest_destroy(test, s[i]);
	buf = ktest_read_file(test, "/proc/kslabinfo");
	KUNIT_EXPECT_EQ(test, rows, ktest_count_rows(buf));
	for (i = 0; i < ARRAY_SIZE(names); i++)
		KUNIT_EXPECT_EQ_MSG(test, 0U, rows_named(buf, names[i]), "%s", names[i]);
}

/*
 * Reads of any size give the same text: the header once, every row
 * whole (seq_file restarts a record that did not fit).
 */
static void proc_partial_reads(struct kunit *test)
{
	static const size_t chunks[] = { 1, 7, 64, 100, 4096 };
	struct kslab_cache *s;
	char *whole, *bits;
	unsigned int k;

	s = ktest_create(test, "kunit_proc_partial", 200, 0, 0, NULL);
	whole = ktest_read_file(test, "/proc/kslabinfo");
	for (k = 0; k < ARRAY_SIZE(chunks); k++) {
		bits = ktest_read_chunked(test, "/proc/kslabinfo", chunks[k]);
		KUNIT_EXPECT_STREQ_MSG(test, whole, bits, "reads of %zu bytes", chunks[k]);
		kunit_kfree(test, bits);
	}
	ktest_destroy(test, s);
}

struct churn {
	struct completion done;
	bool stop;
	unsigned int rounds;
};

/* Create, use and destroy caches until told to stop. */
static int churn_fn(void *arg)
{
	struct churn *ch = arg;
	struct kslab_cache *s;
	void *obj;

	while (!READ_ONCE(ch->stop)) {
		s = kslab_cache_create("kunit_proc_churn", 64 + 8 * (ch->rounds % 64),
				       0, 0, NULL);
		if (s) {
			obj = kslab_cache_alloc(s, GFP_KERNEL);
			kslab_cache_free(s, obj);
			kslab_cache_destroy(s);
		}
		ch->rounds++;
		cond_resched();
	}
	complete(&ch->done);
	return 0;
}

/*
 * Reading /proc/kslabinfo while another thread creates and destroys
 * caches: every read has the header once and only whole rows that parse.
 */
static void proc_read_while_churning(struct kunit *test)
{
	unsigned int reads, rows, i;
	struct ktest_row r;
	struct churn *ch;
	struct task_struct *task;
	const char *p, *eol;
	char *buf, row[KTEST_ROW_MAX];

	ch = kunit_kzalloc(test, sizeof(*ch), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ch);
	init_completion(&ch->done);
	task = kthread_run(churn_fn, ch, "kslab_churn");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	for (reads = 0; reads < 50; reads++) {
		buf = ktest_read_file(test, "/proc/kslabinfo");
		KUNIT_EXPECT_TRUE(test, str_has_prefix(buf, slabinfo_header[0]));
		rows = ktest_count_rows(buf);
		KUNIT_EXPECT_GE(test, rows, 13U);
		for (p = buf, i = 0; *p; p = *eol ? eol + 1 : eol, i++) {
			eol = strchrnul(p, '\n');
			if (i < 2)
				continue;
			KUNIT_EXPECT_EQ(test, '\n', *eol);
			strscpy(row, p, min_t(size_t, eol - p + 1, sizeof(row)));
			KUNIT_EXPECT_TRUE_MSG(test, ktest_parse_row(row, &r),
					      "row \"%s\"", row);
		}
		kunit_kfree(test, buf);
	}
	WRITE_ONCE(ch->stop, true);
	wait_for_completion(&ch->done);
	kunit_info(test, "%u reads while %u caches came and went\n", reads, ch->rounds);
	KUNIT_EXPECT_GT(test, ch->rounds, 0U);
}

/*
 * /proc/kslabinfo is a root-owned regular file with the mode of kslab's
 * slabinfo_mode parameter: 0400 (as /proc/slabinfo) unless it was given.
 */
static void proc_mode(struct kunit *test)
{
	unsigned int param;
	struct inode *inode;
	struct file *f;
	umode_t mode;
	kuid_t uid;

	KUNIT_ASSERT_EQ(test, 0, kstrtouint(strim(ktest_kslab_param(test, "slabinfo_mode")),
					    0, &param));
	f = compat_filp_open("/proc/kslabinfo", O_RDONLY, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	inode = file_inode(f);
	mode = inode->i_mode;
	uid = inode->i_uid;
	filp_close(f, NULL);
	kunit_info(test, "slabinfo_mode %#o, /proc/kslabinfo mode %#o\n", param, mode & 07777);
	KUNIT_EXPECT_TRUE(test, S_ISREG(mode));
	KUNIT_EXPECT_EQ(test, param & 0777, (unsigned int)(mode & 07777));
	KUNIT_EXPECT_TRUE(test, uid_eq(uid, GLOBAL_ROOT_UID));
}

static struct kunit_case proc_cases[] = {
	KUNIT_CASE(proc_header),
	KUNIT_CASE_PARAM(proc_row, row_gen_params),
	KUNIT_CASE(proc_one_row_per_cache),
	KUNIT_CASE(proc_partial_reads),
	KUNIT_CASE_SLOW(proc_read_while_churning),
	KUNIT_CASE(proc_mode),
	{}
};

static struct kunit_suite proc_suite = {
	.name = "kslab_proc",
	.test_cases = proc_cases,
};

kunit_test_suite(proc_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_proc: /proc/kslabinfo");
KSLAB_IMPORT_FOR_KUNIT();
