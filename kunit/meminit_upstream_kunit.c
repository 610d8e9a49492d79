// SPDX-License-Identifier: GPL-2.0
/*
 * meminit_upstream_kunit.c - KUnit suite kslab_meminit_upstream: Linux
 * 6.12's lib/test_meminit.c (a plain module there, "Test cases for
 * SL[AOU]B/page initialization at alloc/free time", as in Debian's
 * linux-source-6.12 6.12.118-1~deb12u1), ported to kslab.h by renaming
 * (kmem_cache_* -> kslab_cache_*, kmalloc/kfree -> kslab_kmalloc/kslab_kfree)
 * and made KUnit cases: each upstream test function is a case, whose
 * parameters are its sizes (test_kvmalloc, test_rcu_persistent) or its
 * kinds of cache (test_kmemcache, each kind at upstream's ten sizes), and
 * each check that upstream adds to its failure count is an expectation,
 * with the same condition.
 *
 * Upstream is meant for a kernel booted with init_on_alloc=1 or
 * init_on_free=1, and fails without. Here a check that only holds under
 * memory auto-init skips its parameter in a boot with neither, saying so:
 * the freshly allocated memory of test_kvmalloc, and of test_kmemcache's
 * "plain" (neither ctor, SLAB_TYPESAFE_BY_RCU nor __GFP_ZERO) and "bulk"
 * caches. The rest (constructors kept, __GFP_ZERO, RCU caches keeping their
 * contents) holds in every boot and runs in every boot. Under both options
 * at once, init_on_alloc zeroes what init_on_free missed: a boot with
 * init_on_free=1 alone tests that one.
 *
 * What does not map:
 * - test_pages (alloc_pages()) and the vmalloc() half of test_kvmalloc:
 *   kslab has no page allocator or vmalloc of its own to port them to.
 *   (kslab_kmalloc() above 8 KiB is alloc_pages() underneath, and
 *   test_kvmalloc's sizes up to 512 KiB cover it.)
 *
 * Upstream counts failures and goes on; here a cache (a size of a
 * parameter) stops at its first failed check, which says what it saw, and
 * an allocation that fails is a failed assertion where upstream counted it
 * or moved on.
 */
#include <linux/mm.h>
#include <linux/rcupdate.h>

#include "kslab_test.h"

#define GARBAGE_INT (0x09A7BA9E)
#define GARBAGE_BYTE (0x9E)

/* Calculate the number of uninitialized bytes in the buffer. */
static int count_nonzero_bytes(void *ptr, size_t size)
{
	int i, ret = 0;
	unsigned char *p = (unsigned char *)ptr;

	for (i = 0; i < size; i++)
		if (p[i])
			ret++;
	return ret;
}

/* Fill a buffer with garbage, skipping |skip| first bytes. */
static void fill_with_garbage_skip(void *ptr, int size, size_t skip)
{
	unsigned int *p = (unsigned int *)((char *)ptr + skip);
	int i = 0;

	WARN_ON(skip > size);
	size -= skip;

	while (size >= sizeof(*p)) {
		p[i] = GARBAGE_INT;
		i++;
		size -= sizeof(*p);
	}
	if (size)
		memset(&p[i], GARBAGE_BYTE, size);
}

static void fill_with_garbage(void *ptr, size_t size)
{
	fill_with_garbage_skip(ptr, size, 0);
}

/*
 * Not upstream: what upstream's module needs of its boot. Skip the
 * parameter when memory is not initialized at allocation or free.
 */
static void need_meminit(struct kunit *test)
{
	if (!want_init_on_alloc(GFP_KERNEL) && !want_init_on_free())
		kunit_skip(test, "needs init_on_alloc=1 or init_on_free=1 (memory auto-init)");
}

static const size_t kvmalloc_sizes[] = {
	1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 6, 1 << 7,
	1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12, 1 << 13, 1 << 14, 1 << 15,
	1 << 16, 1 << 17, 1 << 18, 1 << 19,
};

static void kvmalloc_desc(const size_t *size, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "kmalloc %zu", *size);
}

KUNIT_ARRAY_PARAM(kvmalloc, kvmalloc_sizes, kvmalloc_desc);

/* Test kmalloc() with given parameters: upstream's do_kmalloc_size(). */
static void test_kvmalloc(struct kunit *test)
{
	size_t size = *(const size_t *)test->param_value;
	void *buf;

	need_meminit(test);
	buf = kslab_kmalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	fill_with_garbage(buf, size);
	kslab_kfree(buf);

	buf = kslab_kmalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ_MSG(test, 0, count_nonzero_bytes(buf, size),
			    "nonzero bytes in a reallocated %zu-byte buffer", size);
	fill_with_garbage(buf, size);
	kslab_kfree(buf);
}

#define CTOR_BYTES (sizeof(unsigned int))
#define CTOR_PATTERN (0x41414141)
/* Initialize the first 4 bytes of the object. */
static void test_ctor(void *obj)
{
	*(unsigned int *)obj = CTOR_PATTERN;
}

/*
 * Check the invariants for the buffer allocated from a slab cache.
 * If the cache has a test constructor, the first 4 bytes of the object must
 * always remain equal to CTOR_PATTERN.
 * If the cache isn't an RCU-typesafe one, or if the allocation is done with
 * __GFP_ZERO, then the object contents must be zeroed after allocation.
 * If the cache is an RCU-typesafe one, the object contents must never be
 * zeroed after the first use. This is checked by memcmp() in
 * do_kmem_cache_size().
 */
static bool check_buf(void *buf, int size, bool want_ctor,
		      bool want_rcu, bool want_zero)
{
	int bytes;
	bool fail = false;

	bytes = count_nonzero_bytes(buf, size);
	WARN_ON(want_ctor && want_zero);
	if (want_zero)
		return bytes;
	if (want_ctor) {
		if (*(unsigned int *)buf != CTOR_PATTERN)
			fail = 1;
	} else {
		if (bytes)
			fail = !want_rcu;
	}
	return fail;
}

/* Not upstream: check_buf() as an expectation. Return: true when it held. */
static bool expect_buf(struct kunit *test, const char *what, int iter,
		       void *buf, int size, bool want_ctor, bool want_rcu,
		       bool want_zero)
{
	bool fail = check_buf(buf, size, want_ctor, want_rcu, want_zero);

	KUNIT_EXPECT_FALSE_MSG(test, fail,
			       "%s, size %d, iteration %d: %d nonzero bytes, first word %#x",
			       what, size, iter, count_nonzero_bytes(buf, size),
			       *(unsigned int *)buf);
	return !fail;
}

#define BULK_SIZE 100

/*
 * A parameter of test_kmemcache, for every size upstream uses: caches
 *  want_ctor - use a constructor;
 *  want_rcu - use SLAB_TYPESAFE_BY_RCU;
 *  want_zero - use __GFP_ZERO;
 * or, with @bulk, upstream's do_kmem_cache_size_bulk().
 */
struct kmemcache_param {
	const char *desc;
	bool want_ctor, want_rcu, want_zero, bulk;
};

/* Upstream's flags 0 to 7 (bits ctor, rcu, zero) but ctor with zero; bulk. */
static const struct kmemcache_param kmemcache_params[] = {
	{ "plain", false, false, false, false },
	{ "ctor", true, false, false, false },
	{ "rcu", false, true, false, false },
	{ "ctor rcu", true, true, false, false },
	{ "zero", false, false, true, false },
	{ "rcu zero", false, true, true, false },
	{ "bulk", false, false, false, true },
};

static void kmemcache_desc(const struct kmemcache_param *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kmemcache, kmemcache_params, kmemcache_desc);

/* Test kmem_cache with given parameters: upstream's do_kmem_cache_size(). */
static void do_kmem_cache_size(struct kunit *test, size_t size, bool want_ctor,
			       bool want_rcu, bool want_zero)
{
	struct kslab_cache *c;
	int iter;
	gfp_t alloc_mask = GFP_KERNEL | (want_zero ? __GFP_ZERO : 0);
	void *buf, *buf_copy, **bulk_array;
	bool ok;

	bulk_array = ktest_ptrs(test, BULK_SIZE);
	c = ktest_create(test, "test_cache", size, 1,
			 want_rcu ? SLAB_TYPESAFE_BY_RCU : 0,
			 want_ctor ? test_ctor : NULL);
	for (iter = 0; iter < 10; iter++) {
		/* Do a test of bulk allocations */
		if (!want_rcu && !want_ctor) {
			int ret, i;

			ret = kslab_cache_alloc_bulk(c, alloc_mask, BULK_SIZE, bulk_array);
			KUNIT_ASSERT_NE_MSG(test, ret, 0,
					    "size %zu, iteration %d: bulk allocation failed",
					    size, iter);
			ok = true;
			for (i = 0; i < ret && ok; i++)
				ok = expect_buf(test, "bulk", iter, bulk_array[i], size,
						want_ctor, want_rcu, want_zero);
			kslab_cache_free_bulk(c, ret, bulk_array);
			if (!ok)
				break;
		}

		buf = kslab_cache_alloc(c, alloc_mask);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		/* Check that buf is zeroed, if it must be. */
		ok = expect_buf(test, "alloc", iter, buf, size, want_ctor,
				want_rcu, want_zero);
		fill_with_garbage_skip(buf, size, want_ctor ? CTOR_BYTES : 0);

		if (!want_rcu) {
			kslab_cache_free(c, buf);
			if (!ok)
				break;
			continue;
		}

		/*
		 * If this is an RCU cache, use a critical section to ensure we
		 * can touch objects after they're freed.
		 */
		rcu_read_lock();
		/*
		 * Copy the buffer to check that it's not wiped on
		 * free().
		 */
		buf_copy = kslab_kmalloc(size, GFP_ATOMIC);
		if (buf_copy)
			memcpy(buf_copy, buf, size);

		kslab_cache_free(c, buf);
		/*
		 * Check that |buf| is intact after kmem_cache_free().
		 * |want_zero| is false, because we wrote garbage to
		 * the buffer already.
		 */
		ok &= expect_buf(test, "after free", iter, buf, size, want_ctor,
				 want_rcu, false);
		if (buf_copy) {
			bool same = !memcmp(buf, buf_copy, size);

			KUNIT_EXPECT_TRUE_MSG(test, same,
					      "size %zu, iteration %d: contents changed by free",
					      size, iter);
			ok &= same;
			kslab_kfree(buf_copy);
		}
		rcu_read_unlock();
		if (!ok)
			break;
	}
	ktest_destroy(test, c);
}

/* Upstream's do_kmem_cache_size_bulk(). */
static void do_kmem_cache_size_bulk(struct kunit *test, int size)
{
	struct kslab_cache *c;
	int i, iter, maxiter = 1024;
	int num, bytes;
	bool fail = false;
	void *objects[10];

	c = ktest_create(test, "test_cache", size, size, 0, NULL);
	for (iter = 0; (iter < maxiter) && !fail; iter++) {
		num = kslab_cache_alloc_bulk(c, GFP_KERNEL, ARRAY_SIZE(objects),
					     objects);
		for (i = 0; i < num; i++) {
			bytes = count_nonzero_bytes(objects[i], size);
			if (bytes && !fail) {
				fail = true;
				KUNIT_FAIL(test,
					   "size %d, iteration %d, object %d: %d nonzero bytes",
					   size, iter, i, bytes);
			}
			fill_with_garbage(objects[i], size);
		}

		if (num)
			kslab_cache_free_bulk(c, num, objects);
	}
	ktest_destroy(test, c);
}

/*
 * Test kmem_cache allocation by creating caches of different sizes, with and
 * without constructors, with and without SLAB_TYPESAFE_BY_RCU.
 */
static void test_kmemcache(struct kunit *test)
{
	const struct kmemcache_param *p = test->param_value;
	int i, size;

	/* Without ctor, RCU or __GFP_ZERO, only auto-init makes zeroes. */
	if (!p->want_ctor && !p->want_rcu && !p->want_zero)
		need_meminit(test);
	for (i = 0; i < 10; i++) {
		size = 8 << i;
		if (p->bulk)
			do_kmem_cache_size_bulk(test, size);
		else
			do_kmem_cache_size(test, size, p->want_ctor, p->want_rcu,
					   p->want_zero);
	}
}

static const int rcu_persistent_sizes[] = {
	8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096,
};

static void size_desc(const int *size, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "size %d", *size);
}

KUNIT_ARRAY_PARAM(rcu_persistent, rcu_persistent_sizes, size_desc);

/*
 * Check that the data written to an RCU-allocated object survives
 * reallocation: upstream's do_kmem_cache_rcu_persistent().
 */
static void test_rcu_persistent(struct kunit *test)
{
	int size = *(const int *)test->param_value;
	struct kslab_cache *c;
	void *buf, *buf_contents, *saved_ptr;
	void **used_objects;
	int i, iter, maxiter = 1024;

	/* the test's own memory first: an assertion then leaks no object */
	buf_contents = kunit_kmalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf_contents);
	used_objects = ktest_ptrs(test, maxiter);
	c = ktest_create(test, "test_cache", size, size, SLAB_TYPESAFE_BY_RCU,
			 NULL);
	buf = kslab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	saved_ptr = buf;
	fill_with_garbage(buf, size);
	memcpy(buf_contents, buf, size);
	kslab_cache_free(c, buf);
	/*
	 * Run for a fixed number of iterations. If we never hit saved_ptr,
	 * assume the test passes.
	 */
	for (iter = 0; iter < maxiter; iter++) {
		buf = kslab_cache_alloc(c, GFP_KERNEL);
		used_objects[iter] = buf;
		if (buf == saved_ptr) {
			KUNIT_EXPECT_EQ_MSG(test, 0, memcmp(buf_contents, buf, size),
					    "the object's contents did not survive its reallocation (after %d allocations)",
					    iter);
			for (i = 0; i <= iter; i++)
				kslab_cache_free(c, used_objects[i]);
			goto free_out;
		}
	}

	for (iter = 0; iter < maxiter; iter++)
		kslab_cache_free(c, used_objects[iter]);

free_out:
	ktest_destroy(test, c);
}

static struct kunit_case meminit_cases[] = {
	KUNIT_CASE_PARAM(test_kvmalloc, kvmalloc_gen_params),
	KUNIT_CASE_PARAM(test_kmemcache, kmemcache_gen_params),
	KUNIT_CASE_PARAM(test_rcu_persistent, rcu_persistent_gen_params),
	{}
};

static struct kunit_suite meminit_suite = {
	.name = "kslab_meminit_upstream",
	.test_cases = meminit_cases,
};

kunit_test_suite(meminit_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_meminit_upstream: Linux 6.12's lib/test_meminit.c on kslab");
KSLAB_IMPORT_FOR_KUNIT();
