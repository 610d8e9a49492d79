// SPDX-License-Identifier: GPL-2.0
/*
 * node_kunit.c - KUnit suite kslab_node, for module/node.c: objects of
 * the node asked for, a node without memory served by the nearest one
 * with some, a node out of memory by the nearest node's partial slabs,
 * and each node's counts equal to its slab lists as objects are taken
 * from them and given back (of every node at once, in any order). Each
 * test creates and destroys its own caches.
 */
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/workqueue.h>

#include "kslab_test.h"

/* kslab_cache_alloc_node() returns memory of the node asked for. */
static void node_local(struct kunit *test)
{
	enum { NR = 200 };
	struct kslab_cache *s;
	void **objs;
	int nid, i;

	objs = kunit_kcalloc(test, NR, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	s = ktest_create(test, "kunit_node_local", 128, 0, 0, NULL);
	for_each_node_state(nid, N_MEMORY) {
		for (i = 0; i < NR; i++) {
			objs[i] = kslab_cache_alloc_node(s, GFP_KERNEL, nid);
			KUNIT_ASSERT_NOT_NULL(test, objs[i]);
			KUNIT_EXPECT_EQ(test, nid, page_to_nid(virt_to_page(objs[i])));
		}
		for (i = 0; i < NR; i++)
			kslab_cache_free(s, objs[i]);
	}
	/* No node, and a node that does not exist: any memory will do. */
	objs[0] = kslab_cache_alloc_node(s, GFP_KERNEL, NUMA_NO_NODE);
	objs[1] = kslab_cache_alloc_node(s, GFP_KERNEL, nr_node_ids + 3);
	KUNIT_EXPECT_NOT_NULL(test, objs[0]);
	KUNIT_EXPECT_NOT_NULL(test, objs[1]);
	kslab_cache_free(s, objs[0]);
	kslab_cache_free(s, objs[1]);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	ktest_destroy(test, s);
}

struct memless_run {
	struct kslab_cache *s;
	void **objs;
	unsigned int nr;
	int node;		/* for kslab_cache_alloc_node() */
	unsigned int cpu;	/* where the calls ran */
	unsigned int got;
	unsigned long slabs;	/* new slabs the calls made */
	unsigned long remote;	/* frees of the objects counted as remote */
};

/* @nr allocations for @node, on one CPU (migration off or a bound worker). */
static long node_memless_fn(void *arg)
{
	struct memless_run *r = arg;
	unsigned long slabs = stat_sum(r->s, KSLAB_ALLOC_SLAB);
	unsigned int i;

	r->cpu = raw_smp_processor_id();
	for (i = 0; i < r->nr; i++) {
		r->objs[i] = kslab_cache_alloc_node(r->s, GFP_KERNEL, r->node);
		r->got += !!r->objs[i];
	}
	r->slabs = stat_sum(r->s, KSLAB_ALLOC_SLAB) - slabs;
	return 0;
}

/* Free what a run got, on the CPU it ran on, counting remote frees. */
static long node_memless_free_fn(void *arg)
{
	struct memless_run *r = arg;
	unsigned long remote = stat_sum(r->s, KSLAB_FREE_REMOTE);
	unsigned int i;

	for (i = 0; i < r->nr; i++) {
		if (r->objs[i])
			kslab_cache_free(r->s, r->objs[i]);
		r->objs[i] = NULL;
	}
	kslab_cache_shrink(r->s);	/* remote buffers go home, counted */
	r->remote = stat_sum(r->s, KSLAB_FREE_REMOTE) - remote;
	return 0;
}

/*
 * A node with CPUs and no memory: kslab_cache_alloc_node() for it takes
 * objects of a node that has memory, as SLUB does, and so does any
 * allocation on its CPUs. 1,000 calls make no more slabs than 1,000
 * objects need: not a new slab each, left on a list the next call never
 * searches. Runs only in a guest with such a node (KSLAB_TOPOLOGY=
 * memoryless): from this CPU for the node, then on the node's CPU for
 * it and for no node. That CPU's objects are of the node it allocates
 * from, so its frees of them are local, never remote.
 */
static void node_memoryless(struct kunit *test)
{
	enum { NR = 1000 };
	void **objs = ktest_ptrs(test, 3 * NR);
	struct memless_run r[3];
	int nid, node = NUMA_NO_NODE;
	unsigned int cpu, i, runs = 1, need;
	struct kslab_cache *s;

	for_each_online_node(nid) {
		if (!node_state(nid, N_MEMORY)) {
			node = nid;
			break;
		}
	}
	if (node == NUMA_NO_NODE)
		kunit_skip(test, "no memoryless node here (KSLAB_TOPOLOGY=memoryless has one)");
	s = ktest_create(test, "kunit_node_memless", 64, 0, 0, NULL);
	for (i = 0; i < 3; i++)
		r[i] = (struct memless_run){ s, objs + i * NR, NR, node };
	r[2].node = NUMA_NO_NODE;
	migrate_disable();	/* one CPU's magazines: the bound is exact */
	node_memless_fn(&r[0]);
	migrate_enable();
	cpu = cpumask_first_and(cpumask_of_node(node), cpu_online_mask);
	if (cpu < nr_cpu_ids) {
		KUNIT_EXPECT_EQ(test, 0L, work_on_cpu(cpu, node_memless_fn, &r[1]));
		KUNIT_EXPECT_EQ(test, 0L, work_on_cpu(cpu, node_memless_fn, &r[2]));
		KUNIT_EXPECT_EQ(test, 0L, work_on_cpu(cpu, node_memless_free_fn, &r[1]));
		KUNIT_EXPECT_EQ(test, 0L, work_on_cpu(cpu, node_memless_free_fn, &r[2]));
		KUNIT_EXPECT_EQ_MSG(test, 0UL, r[1].remote + r[2].remote,
				    "CPU %u frees its own objects as remote", cpu);
		runs = 3;
	}
	need = DIV_ROUND_UP(NR, s->min_objects);
	for (i = 0; i < runs; i++) {
		kunit_info(test, "run %u (node %d, CPU %u): %lu new slabs for %u objects\n",
			   i, r[i].node, r[i].cpu, r[i].slabs, r[i].got);
		KUNIT_EXPECT_EQ_MSG(test, NR, r[i].got, "run %u", i);
		KUNIT_EXPECT_LE_MSG(test, r[i].slabs, (unsigned long)need,
				    "run %u (node %d, CPU %u): %u objects, %u a slab",
				    i, r[i].node, r[i].cpu, NR, s->min_objects);
	}
	ktest_free_n(s, objs, 3 * NR);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/*
 * kslab_cache_alloc_node() for a node out of memory takes objects of the
 * nearest node's partial slabs, as SLUB does, before it asks for a new
 * slab: here every page allocation fails (fail_page_alloc), and the calls
 * for this CPU's node still get objects, from another node's slabs.
 */
static void node_out_of_memory(struct kunit *test)
{
	enum { NR = 200, OOM = 20 };
	void **objs = ktest_ptrs(test, NR + OOM);
	unsigned int i, other_nr = 0;
	int here, other = NUMA_NO_NODE, nid;
	struct kslab_cache *s;
	unsigned long slabs;

	if (!ktest_fpa_armed())
		kunit_skip(test, "no fail_page_alloc in debugfs: no node can run out of memory");
	s = ktest_create(test, "kunit_node_oom", 64, 0, 0, NULL);
	migrate_disable();
	here = numa_mem_id();
	for_each_node_state(nid, N_MEMORY)
		if (nid != here && other == NUMA_NO_NODE)
			other = nid;
	if (other == NUMA_NO_NODE || !node_state(here, N_MEMORY)) {
		migrate_enable();
		kunit_skip(test, "no two nodes with memory, this CPU's one of them");
	}
	/* partial slabs on the other node: half their objects freed */
	for (i = 0; i < NR; i++)
		objs[i] = kslab_cache_alloc_node(s, GFP_KERNEL, other);
	for (i = 1; i < NR; i += 2) {
		kslab_cache_free(s, objs[i]);
		objs[i] = NULL;
	}
	kslab_cache_shrink(s);		/* magazines and depots back to slabs */
	slabs = stat_sum(s, KSLAB_ALLOC_SLAB);
	current->make_it_fail = 1;
	for (i = NR; i < NR + OOM; i++)
		objs[i] = kslab_cache_alloc_node(s, GFP_KERNEL | __GFP_NOWARN, here);
	current->make_it_fail = 0;
	migrate_enable();

	for (i = NR; i < NR + OOM; i++) {
		KUNIT_EXPECT_NOT_NULL_MSG(test, objs[i], "call %u for node %d", i - NR, here);
		other_nr += objs[i] && page_to_nid(virt_to_page(objs[i])) == other;
	}
	KUNIT_EXPECT_EQ(test, (unsigned int)OOM, other_nr);
	KUNIT_EXPECT_EQ(test, slabs, stat_sum(s, KSLAB_ALLOC_SLAB));
	ktest_free_n(s, objs, NR + OOM);
	KUNIT_EXPECT_EQ(test, 0UL, ktest_active(s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/* A node's counts, and the same things counted on its lists. */
struct node_census {
	unsigned long nr[SLAB_STATE_ISOLATED + 1];	/* nr_partial, ... */
	unsigned long listed[SLAB_STATE_ISOLATED + 1];	/* slabs on each list */
	unsigned long nr_slabs, total_objects, nr_pages, inuse;	/* the counts */
	unsigned long objects, pages, slab_inuse;	/* the lists' slabs' */
	unsigned long misfiled;	/* slabs whose state or counts are not their list's */
};

/* The list a slab's counts call for. */
static unsigned int node_state_for(const struct slab_meta *m)
{
	if (!m->inuse)
		return SLAB_STATE_EMPTY;
	return m->inuse == m->objects ? SLAB_STATE_FULL : SLAB_STATE_PARTIAL;
}

/* Take @n's census, in one hold of its list_lock. */
static void node_count(struct kslab_node *n, struct node_census *c)
{
	struct list_head *lists[] = {
		[SLAB_STATE_PARTIAL] = &n->partial, [SLAB_STATE_FULL] = &n->full,
		[SLAB_STATE_EMPTY] = &n->empty, [SLAB_STATE_ISOLATED] = &n->isolated,
	};
	unsigned long *counts[] = {
		[SLAB_STATE_PARTIAL] = &n->nr_partial, [SLAB_STATE_FULL] = &n->nr_full,
		[SLAB_STATE_EMPTY] = &n->nr_empty, [SLAB_STATE_ISOLATED] = &n->nr_isolated,
	};
	unsigned int state;
	unsigned long flags;
	struct slab_meta *m;
	struct page *page;

	memset(c, 0, sizeof(*c));
	spin_lock_irqsave(&n->list_lock, flags);
	for (state = SLAB_STATE_PARTIAL; state <= SLAB_STATE_ISOLATED; state++) {
		c->nr[state] = *counts[state];
		list_for_each_entry(page, lists[state], lru) {
			m = page_meta(page);
			c->listed[state]++;
			c->objects += m->objects;
			c->pages += compound_nr(page);
			c->slab_inuse += m->inuse;
			c->misfiled += m->state != state ||
				       (state != SLAB_STATE_ISOLATED &&
					node_state_for(m) != state);
		}
	}
	c->nr_slabs = n->nr_slabs;
	c->total_objects = n->total_objects;
	c->nr_pages = n->nr_pages;
	c->inuse = n->inuse;
	spin_unlock_irqrestore(&n->list_lock, flags);
}

/*
 * Node @nid of @s has @inuse objects off its slabs' free lists, and its
 * counts are what its lists hold; @c gets its census.
 */
static void node_expect_counted(struct kunit *test, struct kslab_cache *s,
				int nid, unsigned long inuse, struct node_census *c)
{
	static const char *const names[] = {
		[SLAB_STATE_PARTIAL] = "partial", [SLAB_STATE_FULL] = "full",
		[SLAB_STATE_EMPTY] = "empty", [SLAB_STATE_ISOLATED] = "isolated",
	};
	unsigned long slabs = 0;
	unsigned int state;

	node_count(s->node[nid], c);
	for (state = SLAB_STATE_PARTIAL; state <= SLAB_STATE_ISOLATED; state++) {
		KUNIT_EXPECT_EQ_MSG(test, c->nr[state], c->listed[state],
				    "node %d: nr_%s and its list", nid, names[state]);
		slabs += c->listed[state];
	}
	KUNIT_EXPECT_EQ_MSG(test, c->nr_slabs, slabs, "node %d: nr_slabs", nid);
	KUNIT_EXPECT_EQ_MSG(test, c->total_objects, c->objects, "node %d: total_objects", nid);
	KUNIT_EXPECT_EQ_MSG(test, c->nr_pages, c->pages, "node %d: nr_pages", nid);
	KUNIT_EXPECT_EQ_MSG(test, c->inuse, c->slab_inuse, "node %d: inuse and its slabs'", nid);
	KUNIT_EXPECT_EQ_MSG(test, inuse, c->inuse, "node %d: inuse", nid);
	KUNIT_EXPECT_EQ_MSG(test, 0UL, c->misfiled, "node %d: slabs on another list", nid);
}

/*
 * node_alloc_objects() and node_free_objects() move exactly the objects
 * asked for between the caller and a node's slabs, and keep every count
 * of each node equal to its lists: slabs on each list and in all, pages,
 * objects, objects in use, and each slab on the list its counts call for.
 * Objects are taken for each node with memory, all of that node; then
 * they are given back shuffled, a half at a time, the objects of every
 * node in one call: each goes home to its own node's slabs. At the end
 * no node has a slab in use, and none more empty ones than slab_empty_max();
 * after two trims, than min_partial.
 */
static void node_lists_counted(struct kunit *test)
{
	unsigned int per, nr = 0, half, got, i, j;
	unsigned long *inuse;
	struct node_census c;
	struct kslab_cache *s;
	void **objs;
	int nid;

	inuse = kunit_kcalloc(test, nr_node_ids, sizeof(*inuse), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, inuse);
	s = ktest_create(test, "kunit_node_lists", 256, 0, 0, NULL);
	per = 3 * s->objects + s->objects / 2;
	objs = ktest_ptrs(test, per * num_node_state(N_NORMAL_MEMORY));
	for_each_node_state(nid, N_NORMAL_MEMORY) {
		got = node_alloc_objects(s, GFP_KERNEL, nid, objs + nr, per);
		for (i = nr; i < nr + got; i++)
			inuse[page_to_nid(virt_to_page(objs[i]))]++;
		nr += got;
		KUNIT_EXPECT_EQ_MSG(test, per, got, "node %d", nid);
		KUNIT_EXPECT_EQ_MSG(test, (unsigned long)per, inuse[nid], "of node %d", nid);
	}
	for_each_node(nid)
		node_expect_counted(test, s, nid, inuse[nid], &c);

	for (i = nr - 1; i > 0; i--) {
		j = get_random_u32_below(i + 1);
		swap(objs[i], objs[j]);
	}
	half = nr / 2;
	for (i = 0; i < half; i++)
		inuse[page_to_nid(virt_to_page(objs[i]))]--;
	KUNIT_EXPECT_EQ(test, half, node_free_objects(s, objs, half, _RET_IP_));
	for_each_node(nid)
		node_expect_counted(test, s, nid, inuse[nid], &c);

	KUNIT_EXPECT_EQ(test, nr - half, node_free_objects(s, objs + half, nr - half, _RET_IP_));
	for_each_node(nid) {
		node_expect_counted(test, s, nid, 0, &c);
		KUNIT_EXPECT_EQ_MSG(test, c.nr_slabs, c.nr[SLAB_STATE_EMPTY], "node %d", nid);
		KUNIT_EXPECT_LE_MSG(test, c.nr[SLAB_STATE_EMPTY], slab_empty_max(s),
				    "node %d", nid);
	}
	ktest_trim_twice(s);
	for_each_node(nid) {
		node_expect_counted(test, s, nid, 0, &c);
		KUNIT_EXPECT_LE_MSG(test, c.nr[SLAB_STATE_EMPTY], (unsigned long)s->min_partial,
				    "node %d", nid);
	}
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
}

/*
 * The empty slabs a burst leaves stay on its node (up to slab_empty_max())
 * for the next burst, which takes them instead of new slabs; node_trim()
 * keeps as many as allocations took from the empty list since the last
 * trim (min_partial at least) and gives back the rest, so an idle node is
 * down to min_partial after two.
 */
static void node_empty_working_set(struct kunit *test)
{
	unsigned long slabs, new_slabs, freed, keep;
	struct node_census c;
	struct kslab_cache *s;
	unsigned int nr, got;
	void **objs;
	int nid = first_node(node_states[N_NORMAL_MEMORY]);

	trim_work_hold();	/* the test's trims are the only ones */
	s = ktest_create(test, "kunit_node_empty", 256, 0, 0, NULL);
	nr = (s->min_partial + 8) * s->objects;
	KUNIT_ASSERT_LE(test, (unsigned long)s->min_partial + 8, slab_empty_max(s));
	objs = ktest_ptrs(test, nr);
	got = node_alloc_objects(s, GFP_KERNEL, nid, objs, nr);
	KUNIT_ASSERT_EQ(test, nr, got);
	node_expect_counted(test, s, nid, nr, &c);
	slabs = c.nr_slabs;
	KUNIT_EXPECT_EQ(test, 0UL, c.nr[SLAB_STATE_EMPTY]);
	KUNIT_EXPECT_EQ(test, nr, node_free_objects(s, objs, nr, _RET_IP_));
	node_expect_counted(test, s, nid, 0, &c);
	/* every slab kept, none given back */
	KUNIT_EXPECT_EQ(test, slabs, c.nr[SLAB_STATE_EMPTY]);
	KUNIT_EXPECT_EQ(test, 0UL, stat_sum(s, KSLAB_FREE_SLAB));

	/* the next burst takes them: no new slab */
	new_slabs = stat_sum(s, KSLAB_ALLOC_SLAB);
	KUNIT_ASSERT_EQ(test, nr, node_alloc_objects(s, GFP_KERNEL, nid, objs, nr));
	KUNIT_EXPECT_EQ(test, new_slabs, stat_sum(s, KSLAB_ALLOC_SLAB));
	KUNIT_EXPECT_EQ(test, nr, node_free_objects(s, objs, nr, _RET_IP_));

	/* needed since the last trim (there was none): all kept */
	KUNIT_EXPECT_EQ(test, 0UL, node_trim(s));
	node_expect_counted(test, s, nid, 0, &c);
	KUNIT_EXPECT_EQ(test, slabs, c.nr[SLAB_STATE_EMPTY]);
	/* no allocation since: all but min_partial given back */
	keep = s->min_partial;
	KUNIT_EXPECT_EQ(test, slabs - keep, node_trim(s));
	node_expect_counted(test, s, nid, 0, &c);
	KUNIT_EXPECT_EQ(test, keep, c.nr[SLAB_STATE_EMPTY]);
	freed = stat_sum(s, KSLAB_FREE_SLAB);
	KUNIT_EXPECT_EQ(test, slabs - keep, freed);
	KUNIT_EXPECT_EQ(test, 0UL, node_trim(s));
	KUNIT_EXPECT_EQ(test, 0L, kslab_cache_validate(s));
	KUNIT_EXPECT_EQ(test, 0UL, kslab_cache_errors(s));
	ktest_destroy(test, s);
	trim_work_release();
}

static struct kunit_case node_cases[] = {
	KUNIT_CASE(node_local),
	KUNIT_CASE(node_memoryless),
	KUNIT_CASE(node_out_of_memory),
	KUNIT_CASE(node_lists_counted),
	KUNIT_CASE(node_empty_working_set),
	{}
};

static struct kunit_suite node_suite = {
	.name = "kslab_node",
	.test_cases = node_cases,
};

kunit_test_suite(node_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite kslab_node: the node lists");
KSLAB_IMPORT_FOR_KUNIT();
