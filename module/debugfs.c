// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs.c - /sys/kernel/debug/kslab/<cache>/alloc_traces and
 * free_traces, for caches with SLAB_STORE_USER, in SLUB's format: the live
 * objects grouped by the call stack that allocated them, or by the one
 * that last freed them before they were allocated again
 * ("<not-available>" for objects never freed), each group with its count,
 * age min/avg/max (jiffies), pid range, CPUs and nodes, then the stack.
 * The table is built when the file is opened, from each slab under its
 * node's lock (slab_walk_node(): a few hundred objects at a time).
 */
#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/nodemask.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/stackdepot.h>

#include "kslab_int.h"
#include "debug.h"

static struct dentry *kslab_debugfs_root;

struct location {
	unsigned long count;
	unsigned long addr;
	u32 handle;
	long long sum_time;
	long min_time, max_time;
	long min_pid, max_pid;
	struct cpumask cpus;
	nodemask_t nodes;
};

struct loc_track {
	unsigned long max;
	unsigned long count;
	struct location *loc;
	enum kslab_track_item item;
	int nid;
	unsigned long *map;	/* a slab's free objects, for loc_slab() */
};

static bool loc_grow(struct loc_track *t, unsigned long max, gfp_t gfp)
{
	struct location *l = kmalloc_array(max, sizeof(*l), gfp | __GFP_NOWARN);

	if (!l)
		return false;
	if (t->count)
		memcpy(l, t->loc, t->count * sizeof(*l));
	kfree(t->loc);
	t->loc = l;
	t->max = max;
	return true;
}

/* Find or insert the location of @track in the table kept sorted. */
static void loc_add(struct loc_track *t, struct kslab_track *track)
{
	long age = jiffies - track->when;
	unsigned long lo = 0, hi = t->count, mid;
	struct location *l;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		l = &t->loc[mid];
		if (l->handle == track->handle && l->addr == track->addr) {
			l->count++;
			l->sum_time += age;
			l->min_time = min(l->min_time, age);
			l->max_time = max(l->max_time, age);
			l->min_pid = min_t(long, l->min_pid, track->pid);
			l->max_pid = max_t(long, l->max_pid, track->pid);
			cpumask_set_cpu(track->cpu, &l->cpus);
			node_set(t->nid, l->nodes);
			return;
		}
		if (l->handle < track->handle ||
		    (l->handle == track->handle && l->addr < track->addr))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (t->count >= t->max && !loc_grow(t, 2 * t->max, GFP_ATOMIC))
		return;		/* out of memory: the table stays incomplete */
	l = &t->loc[lo];
	memmove(l + 1, l, (t->count - lo) * sizeof(*l));
	t->count++;
	memset(l, 0, sizeof(*l));
	l->count = 1;
	l->addr = track->addr;
	l->handle = track->handle;
	l->sum_time = age;
	l->min_time = age;
	l->max_time = age;
	l->min_pid = track->pid;
	l->max_pid = track->pid;
	cpumask_set_cpu(track->cpu, &l->cpus);
	node_set(t->nid, l->nodes);
}

/* As SLUB: live objects, by their last allocation or their last free. */
static void loc_collect(struct kslab_cache *s, void *obj, bool free, void *arg)
{
	struct loc_track *t = arg;
	struct kslab_track *track;

	if (free)
		return;
	track = debug_track(s, obj, t->item);
	if (track)
		loc_add(t, track);
}

/* slab_walk_node() callback: the live objects of one slab. */
static unsigned int loc_slab(struct kslab_cache *s, struct kslab_node *n,
			     struct page *page, unsigned int state, void *arg)
{
	struct loc_track *t = arg;

	slab_walk_objects(s, page, t->map, loc_collect, t);
	return page_meta(page)->objects;
}

static int loc_build(struct kslab_cache *s, struct loc_track *t)
{
	int nid;

	t->map = bitmap_zalloc(max(s->objects, s->min_objects), GFP_KERNEL);
	if (!t->map || !loc_grow(t, PAGE_SIZE / sizeof(struct location), GFP_KERNEL)) {
		bitmap_free(t->map);
		return -ENOMEM;
	}
	for_each_node(nid) {
		t->nid = nid;
		slab_walk_node(s, s->node[nid], BIT(SLAB_STATE_PARTIAL) |
			       BIT(SLAB_STATE_FULL) | BIT(SLAB_STATE_EMPTY),
			       loc_slab, t);
	}
	bitmap_free(t->map);
	return 0;
}

static void *traces_start(struct seq_file *seq, loff_t *pos)
{
	struct loc_track *t = seq->private;

	return *pos < t->count ? &t->loc[*pos] : NULL;
}

static void *traces_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return traces_start(seq, pos);
}

static void traces_stop(struct seq_file *seq, void *v)
{
}

static int traces_show(struct seq_file *seq, void *v)
{
	struct location *l = v;
	unsigned long *entries;
	unsigned int nr, i;

	seq_printf(seq, "%7ld ", l->count);
	if (l->addr)
		seq_printf(seq, "%pS", (void *)l->addr);
	else
		seq_puts(seq, "<not-available>");
	if (l->min_time != l->max_time)
		seq_printf(seq, " age=%ld/%llu/%ld", l->min_time,
			   div_u64(l->sum_time, l->count), l->max_time);
	else
		seq_printf(seq, " age=%ld", l->min_time);
	if (l->min_pid != l->max_pid)
		seq_printf(seq, " pid=%ld-%ld", l->min_pid, l->max_pid);
	else
		seq_printf(seq, " pid=%ld", l->min_pid);
	if (num_online_cpus() > 1)
		seq_printf(seq, " cpus=%*pbl", cpumask_pr_args(&l->cpus));
	if (nr_online_nodes > 1)
		seq_printf(seq, " nodes=%*pbl", nodemask_pr_args(&l->nodes));
	seq_puts(seq, "\n");
	if (l->handle) {
		nr = stack_depot_fetch(l->handle, &entries);
		for (i = 0; i < nr; i++)
			seq_printf(seq, "        %pS\n", (void *)entries[i]);
	}
	seq_puts(seq, "\n");
	return 0;
}

static const struct seq_operations traces_ops = {
	.start = traces_start,
	.next = traces_next,
	.stop = traces_stop,
	.show = traces_show,
};

static int traces_open(struct inode *inode, struct file *file,
		       enum kslab_track_item item)
{
	struct loc_track *t = __seq_open_private(file, &traces_ops, sizeof(*t));
	int ret;

	if (!t)
		return -ENOMEM;
	t->item = item;
	ret = loc_build(inode->i_private, t);
	if (ret) {
		kfree(t->loc);
		seq_release_private(inode, file);
	}
	return ret;
}

static int alloc_traces_open(struct inode *inode, struct file *file)
{
	return traces_open(inode, file, KSLAB_TRACK_ALLOC);
}

static int free_traces_open(struct inode *inode, struct file *file)
{
	return traces_open(inode, file, KSLAB_TRACK_FREE);
}

static int traces_release(struct inode *inode, struct file *file)
{
	struct seq_file *seq = file->private_data;

	kfree(((struct loc_track *)seq->private)->loc);
	return seq_release_private(inode, file);
}

/*
 * .owner: an open file holds a reference on the module, so rmmod is
 * refused until it is closed (its close runs traces_release()).
 */
static const struct file_operations alloc_traces_fops = {
	.owner = THIS_MODULE,
	.open = alloc_traces_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = traces_release,
};

static const struct file_operations free_traces_fops = {
	.owner = THIS_MODULE,
	.open = free_traces_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = traces_release,
};

/**
 * debugfs_cache_add - give a cache with SLAB_STORE_USER its trace files
 * @s: the cache
 *
 * Context: process context; no kslab lock held.
 */
void debugfs_cache_add(struct kslab_cache *s)
{
	if (!(s->flags & SLAB_STORE_USER) || IS_ERR_OR_NULL(kslab_debugfs_root))
		return;
	s->debugfs = debugfs_create_dir(s->name, kslab_debugfs_root);
	debugfs_create_file("alloc_traces", 0400, s->debugfs, s, &alloc_traces_fops);
	debugfs_create_file("free_traces", 0400, s->debugfs, s, &free_traces_fops);
}

/**
 * debugfs_cache_del - remove them (waits for readers to finish)
 * @s: the cache
 *
 * Context: process context; no kslab lock held.
 */
void debugfs_cache_del(struct kslab_cache *s)
{
	debugfs_remove_recursive(s->debugfs);
	s->debugfs = NULL;
}

/**
 * debugfs_init - create /sys/kernel/debug/kslab
 *
 * Context: module init. Return: 0 (kslab works without debugfs).
 */
int debugfs_init(void)
{
	kslab_debugfs_root = debugfs_create_dir("kslab", NULL);
	return 0;
}

/**
 * debugfs_exit - remove it
 *
 * Context: module exit.
 */
void debugfs_exit(void)
{
	debugfs_remove_recursive(kslab_debugfs_root);
}
