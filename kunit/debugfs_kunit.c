// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs_kunit.c - KUnit suite kslab_debugfs, for module/debugfs.c: the
 * alloc_traces and free_traces of a cache with SLAB_STORE_USER group its
 * live objects by the call that allocated them, or that last freed them
 * before they came back, with the right counts, in SLUB's format; a
 * cache without it has no directory.
 */
#include "kslab_test.h"

#define DIR "/sys/kernel/debug/kslab/"

static noinline void alloc_here(struct kslab_cache *s, void **objs,
				unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		objs[i] = kslab_cache_alloc(s, GFP_KERNEL);
}

/* Not the same code as alloc_here(), or the compiler folds the two. */
static noinline void alloc_there(struct kslab_cache *s, void **objs,
				 unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		objs[i] = kslab_cache_alloc(s, GFP_KERNEL | __GFP_ZERO);
}

/* Returns a value so that no call to kslab_cache_free() is a tail call. */
static noinline unsigned int free_here(struct kslab_cache *s, void **objs,
				       unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		kslab_cache_free(s, objs[i]);
	return i;
}

/*
 * The objects of every trace group whose caller is @func (the compiler
 * may rename it "func.constprop.0", or unroll a loop into several call
 * sites, each its own group).
 */
static unsigned long traces_count(struct kunit *test, const char *buf,
				  const char *func)
{
	char *copy = kunit_kstrdup(test, buf, GFP_KERNEL), *p, *line, *name;
	size_t len = strlen(func);
	unsigned long sum = 0, count;

	KUNIT_ASSERT_NOT_NULL(test, copy);
	p = copy;
	while ((line = strsep(&p, "\n"))) {
		line = skip_spaces(line);
		name = strchr(line, ' ');
		if (!name)
			continue;
		*name++ = 0;
		if (!strncmp(name, func, len) && strchr("+. ", name[len]) &&
		    !kstrtoul(line, 10, &count))
			sum += count;
	}
	kunit_kfree(test, copy);
	return sum;
}

static void debugfs_traces(struct kunit *test)
{
	void **objs = ktest_ptrs(test, 15);
	struct kslab_cache *s;
	char *buf;

	s = ktest_create(test, "kunit_debugfs_traces", 72, 0, SLAB_STORE_USER, NULL);
	alloc_here(s, objs, 10);
	alloc_there(s, objs + 10, 5);
	buf = ktest_read_file(test, DIR "kunit_debugfs_traces/alloc_traces");
	KUNIT_EXPECT_EQ_MSG(test, 10UL, traces_count(test, buf, "alloc_here"), "%s", buf);
	KUNIT_EXPECT_EQ_MSG(test, 5UL, traces_count(test, buf, "alloc_there"), "%s", buf);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " age="));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " pid="));
	kunit_kfree(test, buf);

	KUNIT_EXPECT_EQ(test, 3U, free_here(s, objs, 3));
	buf = ktest_read_file(test, DIR "kunit_debugfs_traces/alloc_traces");
	KUNIT_EXPECT_EQ(test, 7UL, traces_count(test, buf, "alloc_here"));
	kunit_kfree(test, buf);
	/* the three come back (a debug cache's free list is LIFO) */
	alloc_there(s, objs, 3);
	buf = ktest_read_file(test, DIR "kunit_debugfs_traces/free_traces");
	KUNIT_EXPECT_EQ_MSG(test, 3UL, traces_count(test, buf, "free_here"), "%s", buf);
	KUNIT_EXPECT_EQ_MSG(test, 12UL, traces_count(test, buf, "<not-available>"), "%s", buf);
	kunit_kfree(test, buf);

	ktest_free_n(s, objs, 15);
	ktest_destroy(test, s);
}

/*
 * The traces of a big cache (thousands of slabs, which the table is built
 * from in many holds of each node's lock) count every live object once.
 */
static void debugfs_traces_big(struct kunit *test)
{
	enum { NR = 20000 };
	void **objs = ktest_ptrs(test, NR);
	struct kslab_cache *s;
	unsigned int i, freed = 0;
	char *buf;

	s = ktest_create(test, "kunit_debugfs_big", 72, 0, SLAB_STORE_USER, NULL);
	alloc_here(s, objs, NR);
	for (i = 0; i < NR; i++)
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	for (i = 1; i < NR; i += 2)
		freed += free_here(s, objs + i, 1);
	buf = ktest_read_file(test, DIR "kunit_debugfs_big/alloc_traces");
	KUNIT_EXPECT_EQ_MSG(test, (unsigned long)NR - freed,
			    traces_count(test, buf, "alloc_here"), "%s", buf);
	kunit_kfree(test, buf);
	buf = ktest_read_file(test, DIR "kunit_debugfs_big/free_traces");
	KUNIT_EXPECT_EQ_MSG(test, (unsigned long)NR - freed,
			    traces_count(test, buf, "<not-available>"), "%s", buf);
	kunit_kfree(test, buf);
	for (i = 0; i < NR; i += 2)
		kslab_cache_free(s, objs[i]);
	ktest_destroy(test, s);
}

static void debugfs_only_store_user(struct kunit *test)
{
	struct kslab_cache *s;
	struct file *f;

	s = ktest_create(test, "kunit_debugfs_none", 72, 0, 0, NULL);
	f = compat_filp_open(DIR "kunit_debugfs_none/alloc_traces", O_RDONLY, 0);
	KUNIT_EXPECT_EQ(test, -ENOENT, PTR_ERR_OR_ZERO(f));
	if (!IS_ERR(f))
		filp_close(f, NULL);
	ktest_destroy(test, s);
}

static struct kunit_case debugfs_cases[] = {
	KUNIT_CASE(debugfs_traces),
	KUNIT_CASE(debugfs_only_store_user),
	KUNIT_CASE_SLOW(debugfs_traces_big),
	{}
};

static struct kunit_suite debugfs_suite = {
	.name = "kslab_debugfs",
	.test_cases = debugfs_cases,
};

kunit_test_suite(debugfs_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_debugfs: alloc_traces and free_traces");
KSLAB_IMPORT_FOR_KUNIT();
