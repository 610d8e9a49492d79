// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs.c - /sys/kernel/kslab/<cache>/: the attribute names, formats and
 * permissions of SLUB's /sys/kernel/slab/<cache>/, so a tool written for
 * SLUB (the kernel's tools/mm/slabinfo) reads kslab unchanged when this
 * directory is bind-mounted over /sys/kernel/slab; kslab's always-on
 * statistics, one file per counter, as SLUB prints them with
 * CONFIG_SLUB_STATS; and a few figures only kslab has. It only formats
 * what the allocator hands it, and passes writes to the public calls.
 *
 * Where SLUB's concepts differ: kslab has no per-CPU slabs but per-CPU
 * magazines, so cpu_slabs counts magazines holding objects,
 * slabs_cpu_partial shows "objects(magazines)" per CPU, and cpu_partial
 * is the magazine capacity; objects counts objects off slab free lists
 * (live ones and those held in CPUs' magazines), as SLUB counts objects
 * of CPU slabs in use; objects_live is the exact number of live objects.
 */
#define pr_fmt(fmt) "kslab: " fmt

#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "kslab_int.h"

struct cache_kobj {
	struct kobject kobj;
	struct kslab_cache *cache;
};

struct kslab_attr {
	struct attribute attr;
	ssize_t (*show)(struct kslab_cache *s, char *buf);
	ssize_t (*store)(struct kslab_cache *s, const char *buf, size_t len);
};

#define KSLAB_ATTR_RO(_name) \
	static struct kslab_attr _name##_attr = __ATTR_RO_MODE(_name, 0400)
#define KSLAB_ATTR_RW(_name) \
	static struct kslab_attr _name##_attr = __ATTR_RW_MODE(_name, 0600)
#define KSLAB_ATTR_WO(_name) \
	static struct kslab_attr _name##_attr = __ATTR_WO(_name)

static struct kset *kslab_kset;

/* The figures SLUB prints with a per-node breakdown. */
enum node_figure {
	NF_SLABS, NF_PARTIAL, NF_TOTAL_OBJECTS, NF_OBJECTS, NF_OBJECTS_PARTIAL,
	NF_CPU_SLABS,
};

/* slab_walk_node() callback adding up the objects in use of slabs. */
static unsigned int add_inuse(struct kslab_cache *s, struct kslab_node *n,
			      struct page *page, unsigned int state, void *arg)
{
	*(unsigned long *)arg += page_meta(page)->inuse;
	return 1;
}

static unsigned long node_figure(struct kslab_cache *s, int nid,
				 enum node_figure what)
{
	struct kslab_node *n = s->node[nid];
	unsigned long x = 0, inuse, depot;

	switch (what) {
	case NF_SLABS:
		return READ_ONCE(n->nr_slabs);
	case NF_PARTIAL:
		return READ_ONCE(n->nr_partial);
	case NF_TOTAL_OBJECTS:
		return READ_ONCE(n->total_objects);
	case NF_OBJECTS:
		inuse = READ_ONCE(n->inuse);
		depot = READ_ONCE(n->depot_objects);
		return inuse > depot ? inuse - depot : 0;
	case NF_OBJECTS_PARTIAL:
		/* a few hundred slabs at a time: not all with interrupts off */
		slab_walk_node(s, n, BIT(SLAB_STATE_PARTIAL), add_inuse, &x);
		return x;
	case NF_CPU_SLABS:
		cpu_objects(s, nid, &x);
		return x;
	}
	return 0;
}

/* "<total> N0=<n> N1=<n>\n", nodes with a nonzero figure only. */
static ssize_t show_by_node(struct kslab_cache *s, char *buf,
			    enum node_figure what)
{
	unsigned long total = 0, x;
	int nid, len;

	for_each_node(nid)
		total += node_figure(s, nid, what);
	len = sysfs_emit(buf, "%lu", total);
	if (nr_node_ids > 1)
		for_each_node(nid) {
			x = node_figure(s, nid, what);
			if (x)
				len += sysfs_emit_at(buf, len, " N%d=%lu", nid, x);
		}
	return len + sysfs_emit_at(buf, len, "\n");
}

#define NODE_ATTR(_name, _what)						\
static ssize_t _name##_show(struct kslab_cache *s, char *buf)		\
{									\
	return show_by_node(s, buf, _what);				\
}									\
KSLAB_ATTR_RO(_name)

NODE_ATTR(slabs, NF_SLABS);
NODE_ATTR(partial, NF_PARTIAL);
NODE_ATTR(total_objects, NF_TOTAL_OBJECTS);
NODE_ATTR(objects, NF_OBJECTS);
NODE_ATTR(objects_partial, NF_OBJECTS_PARTIAL);
NODE_ATTR(cpu_slabs, NF_CPU_SLABS);

#define UINT_ATTR(_name, _expr)						\
static ssize_t _name##_show(struct kslab_cache *s, char *buf)		\
{									\
	return sysfs_emit(buf, "%u\n", (unsigned int)(_expr));		\
}									\
KSLAB_ATTR_RO(_name)

/*
 * A write-only trigger: writing "1" runs @_call; its negative return is
 * the write's error, any other return is the write's success.
 */
#define TRIGGER_ATTR(_name, _call)					\
static ssize_t _name##_store(struct kslab_cache *s, const char *buf,	\
			     size_t len)				\
{									\
	long ret;							\
									\
	if (!sysfs_streq(buf, "1"))					\
		return -EINVAL;						\
	ret = _call;							\
	return ret < 0 ? ret : len;					\
}									\
KSLAB_ATTR_WO(_name)

UINT_ATTR(object_size, s->object_size);
UINT_ATTR(slab_size, s->size);
UINT_ATTR(objs_per_slab, s->objects);
UINT_ATTR(order, s->order);
UINT_ATTR(align, s->align);
UINT_ATTR(aliases, 0);
UINT_ATTR(cache_dma, 0);
UINT_ATTR(hwcache_align, !!(s->flags & SLAB_HWCACHE_ALIGN));
UINT_ATTR(reclaim_account, !!(s->flags & SLAB_RECLAIM_ACCOUNT));
UINT_ATTR(destroy_by_rcu, !!(s->flags & SLAB_TYPESAFE_BY_RCU));
UINT_ATTR(sanity_checks, !!(s->flags & SLAB_CONSISTENCY_CHECKS));
UINT_ATTR(red_zone, !!(s->flags & SLAB_RED_ZONE));
UINT_ATTR(poison, !!(s->flags & SLAB_POISON));
UINT_ATTR(store_user, !!(s->flags & SLAB_STORE_USER));
UINT_ATTR(trace, !!(s->flags & SLAB_TRACE));

static ssize_t ctor_show(struct kslab_cache *s, char *buf)
{
	return s->ctor ? sysfs_emit(buf, "%pS\n", s->ctor) : 0;
}
KSLAB_ATTR_RO(ctor);

/* "<objects>(<magazines>) C<cpu>=<objects>(<magazines>) ..." */
static ssize_t slabs_cpu_partial_show(struct kslab_cache *s, char *buf)
{
	unsigned long objs, mags;
	int cpu, len;

	objs = cpu_objects(s, NUMA_NO_NODE, &mags);
	len = sysfs_emit(buf, "%lu(%lu)", objs, mags);
	for_each_online_cpu(cpu) {
		struct kslab_cpu *c = per_cpu_ptr(s->cpu, cpu);
		struct kslab_mag *l, *p;

		rcu_read_lock();
		l = READ_ONCE(c->loaded);
		p = READ_ONCE(c->previous);
		objs = READ_ONCE(l->count) + READ_ONCE(p->count);
		mags = (l->size && READ_ONCE(l->count)) + (p->size && READ_ONCE(p->count));
		rcu_read_unlock();
		if (objs)
			len += sysfs_emit_at(buf, len, " C%d=%lu(%lu)", cpu, objs, mags);
	}
	return len + sysfs_emit_at(buf, len, "\n");
}
KSLAB_ATTR_RO(slabs_cpu_partial);

/* Parse a decimal in [@min, @max] into *@x. Return: 0 or -EINVAL. */
static int parse_uint(const char *buf, unsigned int min, unsigned int max,
		      unsigned int *x)
{
	if (kstrtouint(buf, 10, x) || *x < min || *x > max)
		return -EINVAL;
	return 0;
}

/*
 * A knob: the unsigned int field at @off in @s, read and written whole
 * (READ_ONCE(), WRITE_ONCE()), a write refused outside [@min, @max].
 */
static ssize_t knob_show(struct kslab_cache *s, size_t off, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(*(unsigned int *)((void *)s + off)));
}

static ssize_t knob_store(struct kslab_cache *s, size_t off, const char *buf,
			  size_t len, unsigned int min, unsigned int max)
{
	unsigned int x;

	if (parse_uint(buf, min, max, &x))
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)((void *)s + off), x);
	return len;
}

static ssize_t min_partial_show(struct kslab_cache *s, char *buf)
{
	return knob_show(s, offsetof(struct kslab_cache, min_partial), buf);
}

static ssize_t min_partial_store(struct kslab_cache *s, const char *buf, size_t len)
{
	return knob_store(s, offsetof(struct kslab_cache, min_partial), buf, len, 0, 1024);
}
KSLAB_ATTR_RW(min_partial);

/*
 * The empty slabs a node keeps after frees, for the next burst, until a
 * trim gives back those it did not use (slab_empty_max(): min_partial at
 * least). Set at creation to 16 MiB of slabs.
 */
static ssize_t empty_max_show(struct kslab_cache *s, char *buf)
{
	return knob_show(s, offsetof(struct kslab_cache, empty_max), buf);
}

static ssize_t empty_max_store(struct kslab_cache *s, const char *buf, size_t len)
{
	return knob_store(s, offsetof(struct kslab_cache, empty_max), buf, len, 0, 65536);
}
KSLAB_ATTR_RW(empty_max);

/* The capacity of new magazines; old ones retire as they empty. */
static ssize_t cpu_partial_show(struct kslab_cache *s, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(s->mag_size));
}

static ssize_t cpu_partial_store(struct kslab_cache *s, const char *buf,
				 size_t len)
{
	unsigned int x;

	if (parse_uint(buf, 1, KSLAB_MAG_MAX, &x))
		return -EINVAL;
	WRITE_ONCE(s->mag_size, x);
	return len;
}
KSLAB_ATTR_RW(cpu_partial);

/* kslab_cache_shrink() returns 0 or 1: the write always succeeds. */
TRIGGER_ATTR(shrink, kslab_cache_shrink(s));
/* Problems found are reported and counted in kslab_errors. */
TRIGGER_ATTR(validate, kslab_cache_validate(s));

UINT_ATTR(magazine_size, READ_ONCE(s->mag_size));

static ssize_t kslab_errors_show(struct kslab_cache *s, char *buf)
{
	return sysfs_emit(buf, "%lu\n", kslab_cache_errors(s));
}
KSLAB_ATTR_RO(kslab_errors);

static ssize_t objects_live_show(struct kslab_cache *s, char *buf)
{
	return sysfs_emit(buf, "%ld\n", max(stat_live_objects(s), 0L));
}
KSLAB_ATTR_RO(objects_live);

static ssize_t pages_show(struct kslab_cache *s, char *buf)
{
	return sysfs_emit(buf, "%lu\n", cache_pages(s));
}
KSLAB_ATTR_RO(pages);

static ssize_t quarantined_show(struct kslab_cache *s, char *buf)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&s->quarantined));
}
KSLAB_ATTR_RO(quarantined);

/* Fault injection: "<probability> <interval> <times>" (0 0 0: off). */
static ssize_t fail_show(struct kslab_cache *s, char *buf)
{
	unsigned int probability, interval;
	long times;

	fail_get(s, &probability, &interval, &times);
	return sysfs_emit(buf, "%u %u %ld\n", probability, interval, times);
}

static ssize_t fail_store(struct kslab_cache *s, const char *buf, size_t len)
{
	unsigned int probability, interval;
	long times;
	int ret;

	if (sscanf(buf, "%u %u %ld", &probability, &interval, &times) != 3)
		return -EINVAL;
	ret = kslab_cache_set_fail(s, probability, interval, times);
	return ret ? ret : len;
}
KSLAB_ATTR_RW(fail);

/* Defragmentation: write 1 to run it; defrag_ratio picks sparse slabs. */
TRIGGER_ATTR(defrag, kslab_cache_defrag(s));

static ssize_t defrag_ratio_show(struct kslab_cache *s, char *buf)
{
	return knob_show(s, offsetof(struct kslab_cache, defrag_ratio), buf);
}

static ssize_t defrag_ratio_store(struct kslab_cache *s, const char *buf, size_t len)
{
	return knob_store(s, offsetof(struct kslab_cache, defrag_ratio), buf, len, 0, 100);
}
KSLAB_ATTR_RW(defrag_ratio);

static struct attribute *cache_attrs[] = {
	&slabs_attr.attr, &partial_attr.attr, &total_objects_attr.attr,
	&objects_attr.attr, &objects_partial_attr.attr, &cpu_slabs_attr.attr,
	&object_size_attr.attr, &slab_size_attr.attr, &objs_per_slab_attr.attr,
	&order_attr.attr, &align_attr.attr, &aliases_attr.attr,
	&cache_dma_attr.attr, &hwcache_align_attr.attr,
	&reclaim_account_attr.attr, &destroy_by_rcu_attr.attr,
	&sanity_checks_attr.attr, &red_zone_attr.attr, &poison_attr.attr,
	&store_user_attr.attr, &trace_attr.attr, &ctor_attr.attr,
	&slabs_cpu_partial_attr.attr, &min_partial_attr.attr,
	&cpu_partial_attr.attr, &shrink_attr.attr, &validate_attr.attr,
	&magazine_size_attr.attr, &kslab_errors_attr.attr,
	&objects_live_attr.attr, &pages_attr.attr, &quarantined_attr.attr,
	&fail_attr.attr, &defrag_attr.attr, &defrag_ratio_attr.attr,
	&empty_max_attr.attr, NULL
};

/* One file per statistics counter: "<sum> C<cpu>=<n> ...", write 0 clears. */
static struct kslab_attr stat_attrs[KSLAB_NR_STATS];
static struct attribute *stat_attr_list[KSLAB_NR_STATS + 1];

static ssize_t stat_show(struct kslab_cache *s, enum kslab_stat item, char *buf)
{
	unsigned long x;
	int cpu, len;

	len = sysfs_emit(buf, "%lu", stat_sum(s, item));
	for_each_online_cpu(cpu) {
		x = stat_cpu(s, cpu, item);
		if (x)
			len += sysfs_emit_at(buf, len, " C%d=%lu", cpu, x);
	}
	return len + sysfs_emit_at(buf, len, "\n");
}

static struct attribute_group cache_group = { .attrs = cache_attrs };
static struct attribute_group stat_group = { .attrs = stat_attr_list };
static const struct attribute_group *cache_groups[] = {
	&cache_group, &stat_group, NULL
};

static struct kslab_cache *kobj_cache(struct kobject *kobj)
{
	return container_of(kobj, struct cache_kobj, kobj)->cache;
}

static ssize_t cache_attr_show(struct kobject *kobj, struct attribute *attr,
			       char *buf)
{
	struct kslab_attr *a = container_of(attr, struct kslab_attr, attr);
	struct kslab_cache *s = kobj_cache(kobj);

	if (a >= stat_attrs && a < stat_attrs + KSLAB_NR_STATS)
		return stat_show(s, a - stat_attrs, buf);
	return a->show ? a->show(s, buf) : -EIO;
}

static ssize_t cache_attr_store(struct kobject *kobj, struct attribute *attr,
				const char *buf, size_t len)
{
	struct kslab_attr *a = container_of(attr, struct kslab_attr, attr);
	struct kslab_cache *s = kobj_cache(kobj);

	if (a >= stat_attrs && a < stat_attrs + KSLAB_NR_STATS) {
		if (!sysfs_streq(buf, "0"))
			return -EINVAL;
		stat_clear(s, a - stat_attrs);
		return len;
	}
	return a->store ? a->store(s, buf, len) : -EIO;
}

static const struct sysfs_ops cache_sysfs_ops = {
	.show = cache_attr_show,
	.store = cache_attr_store,
};

static void cache_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct cache_kobj, kobj));
}

static const struct kobj_type cache_ktype = {
	.sysfs_ops = &cache_sysfs_ops,
	.release = cache_kobj_release,
	.default_groups = cache_groups,
};

/**
 * sysfs_cache_add - give a new cache its directory
 * @s: the cache, already on the cache list
 *
 * Context: process context; no kslab lock held.
 * Return: 0 or a negative errno.
 */
int sysfs_cache_add(struct kslab_cache *s)
{
	struct cache_kobj *ck = kzalloc(sizeof(*ck), GFP_KERNEL);
	int ret;

	if (!ck)
		return -ENOMEM;
	ck->cache = s;
	ck->kobj.kset = kslab_kset;
	ret = kobject_init_and_add(&ck->kobj, &cache_ktype, NULL, "%s", s->name);
	if (ret) {
		kobject_put(&ck->kobj);
		return ret;
	}
	s->kobj = &ck->kobj;
	return 0;
}

/**
 * sysfs_cache_del - remove a cache's directory
 * @s: the cache
 *
 * Waits for readers and writers of its files to finish, so it must not be
 * called with a lock their handlers take (kslab_mutex, cpus_read_lock()).
 *
 * Context: process context; no kslab lock held.
 */
void sysfs_cache_del(struct kslab_cache *s)
{
	if (!s->kobj)
		return;
	kobject_del(s->kobj);
	kobject_put(s->kobj);
	s->kobj = NULL;
}

/**
 * sysfs_init - create /sys/kernel/kslab
 *
 * Context: module init. Return: 0 or -ENOMEM.
 */
int sysfs_init(void)
{
	unsigned int i;

	for (i = 0; i < KSLAB_NR_STATS; i++) {
		sysfs_attr_init(&stat_attrs[i].attr);
		stat_attrs[i].attr.name = stat_names[i];
		stat_attrs[i].attr.mode = 0600;
		stat_attr_list[i] = &stat_attrs[i].attr;
	}
	kslab_kset = kset_create_and_add("kslab", NULL, kernel_kobj);
	return kslab_kset ? 0 : -ENOMEM;
}

/**
 * sysfs_exit - remove /sys/kernel/kslab
 *
 * Context: module exit, every cache's directory gone.
 */
void sysfs_exit(void)
{
	kset_unregister(kslab_kset);
}
