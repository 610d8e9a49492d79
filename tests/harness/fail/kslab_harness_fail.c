// SPDX-License-Identifier: GPL-2.0
/*
 * kslab_harness_fail.c - fixture for scripts/selftest.sh: KUnit suite
 * kslab_harness_fail with one case that passes and one that fails on
 * purpose, so that the selftest can see `make check` count the failure
 * and exit non-zero.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "kslab.h"

KUNIT_DEFINE_ACTION_WRAPPER(fail_cache_destroy, kslab_cache_destroy,
			    struct kslab_cache *);

/* A real use of kslab that passes: one object in and out of a cache. */
static void harness_passes(struct kunit *test)
{
	struct kslab_cache *s = kslab_cache_create("harness_fail", 64, 0, 0, NULL);
	void *obj;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, fail_cache_destroy, s));
	obj = kslab_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	kslab_cache_free(s, obj);
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
}

static void harness_fails_on_purpose(struct kunit *test)
{
	KUNIT_FAIL(test, "fails on purpose: make check must count this and exit non-zero");
}

static struct kunit_case fail_cases[] = {
	KUNIT_CASE(harness_passes),
	KUNIT_CASE(harness_fails_on_purpose),
	{}
};

static struct kunit_suite fail_suite = {
	.name = "kslab_harness_fail",
	.test_cases = fail_cases,
};

kunit_test_suite(fail_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Fixture: a KUnit suite with a case that fails on purpose");
