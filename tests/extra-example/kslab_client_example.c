// SPDX-License-Identifier: GPL-2.0
/*
 * kslab_client_example.c - KUnit suite kslab_client_example: how a client
 * module tests its own use of kslab in kslab's harness, through kslab.h
 * alone. A cache of requests with a constructor: objects come back
 * constructed, distinct and aligned; bulk calls; kslab_kmalloc() sizes;
 * and kslab finds nothing wrong. Each test creates and destroys its own
 * cache.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "kslab.h"

#define REQUEST_MAGIC	0x52455131u
#define NR_REQUESTS	1000

struct request {
	u32 magic;
	u32 id;
	u8 payload[120];
};

static void request_ctor(void *p)
{
	struct request *rq = p;

	rq->magic = REQUEST_MAGIC;
	rq->id = 0;
}

KUNIT_DEFINE_ACTION_WRAPPER(request_cache_destroy, kslab_cache_destroy,
			    struct kslab_cache *);

/* The test's own cache, destroyed by KUnit when the test ends however. */
static struct kslab_cache *request_cache(struct kunit *test, const char *name)
{
	struct kslab_cache *s;

	s = kslab_cache_create(name, sizeof(struct request), 0, 0, request_ctor);
	KUNIT_ASSERT_NOT_NULL_MSG(test, s, "creating cache %s", name);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, request_cache_destroy, s));
	return s;
}

/* Constructed, distinct objects; after all are freed kslab finds no fault. */
static void client_requests(struct kunit *test)
{
	struct kslab_cache *s = request_cache(test, "client_example_req");
	struct request **rq;
	unsigned int i;

	rq = kunit_kcalloc(test, NR_REQUESTS, sizeof(*rq), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rq);
	for (i = 0; i < NR_REQUESTS; i++) {
		rq[i] = kslab_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, rq[i]);
		KUNIT_EXPECT_EQ(test, REQUEST_MAGIC, rq[i]->magic);
		KUNIT_EXPECT_EQ(test, 0UL, (unsigned long)rq[i] % sizeof(void *));
		rq[i]->id = i;
	}
	/* every object kept its own id: no two objects overlap */
	for (i = 0; i < NR_REQUESTS; i++)
		KUNIT_EXPECT_EQ(test, i, rq[i]->id);
	for (i = 0; i < NR_REQUESTS; i++)
		kslab_cache_free(s, rq[i]);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
}

/* A bulk allocation hands out all it was asked for, or nothing. */
static void client_bulk(struct kunit *test)
{
	struct kslab_cache *s = request_cache(test, "client_example_bulk");
	void *objs[64];

	KUNIT_ASSERT_EQ(test, (int)ARRAY_SIZE(objs),
			kslab_cache_alloc_bulk(s, GFP_KERNEL, ARRAY_SIZE(objs), objs));
	kslab_cache_free_bulk(s, ARRAY_SIZE(objs), objs);
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
}

/* kslab_kmalloc() gives at least the size asked for, all of it usable. */
static void client_kmalloc(struct kunit *test)
{
	static const size_t sizes[] = { 1, 24, 100, 1000, 4096, 10000 };
	unsigned long orphans = kslab_cache_errors(NULL);
	unsigned int i;
	u8 *p;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = kslab_kmalloc(sizes[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_GE(test, kslab_ksize(p), sizes[i]);
		memset(p, 0xa5, kslab_ksize(p));
		kslab_kfree(p);
	}
	KUNIT_EXPECT_EQ(test, orphans, kslab_cache_errors(NULL));
}

static struct kunit_case client_cases[] = {
	KUNIT_CASE(client_requests),
	KUNIT_CASE(client_bulk),
	KUNIT_CASE(client_kmalloc),
	{}
};

static struct kunit_suite client_suite = {
	.name = "kslab_client_example",
	.test_cases = client_cases,
};

kunit_test_suite(client_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_client_example: a client tests its use of kslab");
