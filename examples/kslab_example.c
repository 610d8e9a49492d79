// SPDX-License-Identifier: GPL-2.0
/*
 * kslab_example.c - an example client of kslab, using only kslab.h: a
 * table of network sessions, each with a queue of packets, kept in two
 * kslab caches (and names in kslab_kmalloc memory). Loading it runs a
 * workload with churn, as a server would see it, and with wave=1 a wave:
 * a burst of short-lived sessions of which a few stay, scattered. The
 * session table is movable: kslab may relocate sessions to defragment
 * (session_move() below). Unloading frees everything and destroys the
 * caches. `make demo` shows it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/rculist.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "kslab.h"

static unsigned int sessions = 20000;
module_param(sessions, uint, 0444);
MODULE_PARM_DESC(sessions, "sessions created at load (default 20000)");

static unsigned int rounds = 200000;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "churn operations after that (default 200000)");

static unsigned int wave;
module_param(wave, uint, 0444);
MODULE_PARM_DESC(wave, "then a wave: 40000 new sessions, 1 in 40 kept (default 0: no)");

static unsigned int bug;
module_param(bug, uint, 0444);
MODULE_PARM_DESC(bug, "1: show kslab catching a one-byte overflow, then load nothing");

struct packet {
	struct packet *next;
	u32 len;
	u8 data[244];
};

struct session {
	struct hlist_node node;
	u64 id;
	char *peer;		/* kslab_kmalloc()ed */
	struct packet *queue;
	unsigned int queued;
	u64 bytes;
};

static struct kslab_cache *session_cache;
static struct kslab_cache *packet_cache;
static DEFINE_HASHTABLE(table, 12);
static DEFINE_SPINLOCK(table_lock);
static u64 next_id;
static unsigned long live;

static struct session *session_new(void)
{
	struct session *se = kslab_cache_zalloc(session_cache, GFP_KERNEL);

	if (!se)
		return NULL;
	se->id = next_id++;
	se->peer = kslab_kmalloc(16 + get_random_u32_below(48), GFP_KERNEL);
	if (!se->peer) {
		kslab_cache_free(session_cache, se);
		return NULL;
	}
	snprintf(se->peer, 16, "10.%u.%u.%u", (u8)(se->id >> 16),
		 (u8)(se->id >> 8), (u8)se->id);
	spin_lock(&table_lock);
	hash_add(table, &se->node, se->id);
	live++;
	spin_unlock(&table_lock);
	return se;
}

static void session_free(struct session *se)
{
	struct packet *p;

	while ((p = se->queue)) {
		se->queue = p->next;
		kslab_cache_free(packet_cache, p);
	}
	kslab_kfree(se->peer);
	kslab_cache_free(session_cache, se);
}

static struct session *session_find(u64 id)
{
	struct session *se;

	hash_for_each_possible(table, se, node, id)
		if (se->id == id)
			return se;
	return NULL;
}

/*
 * kslab's move callback: if @old is still in the table, copy it to @new
 * and relink @new in its place, all under the table's lock. @old may have
 * been freed meanwhile: it is looked up by address, never trusted.
 */
static int session_move(struct kslab_cache *s, void *old, void *new, void *priv)
{
	struct session *o = old, *n = new, *se;

	spin_lock(&table_lock);
	hash_for_each_possible(table, se, node, READ_ONCE(o->id))
		if (se == o)
			break;
	if (se != o) {
		spin_unlock(&table_lock);
		return -ENOENT;
	}
	*n = *o;
	hlist_replace_rcu(&o->node, &n->node);
	spin_unlock(&table_lock);
	return 0;
}

static const struct kslab_move_ops session_move_ops = { .move = session_move };

/*
 * A wave: a burst of sessions, of which one in 40 stays for good and the
 * rest close. The survivors pin sparse slabs: what defragmentation is for.
 */
static void run_wave(void)
{
	enum { BURST = 40000, KEEP = 40 };
	u64 first = next_id, id;
	struct session *se;
	unsigned int i;

	for (i = 0; i < BURST; i++)
		if (!session_new())
			break;
	for (id = first; id < next_id; id++) {
		if (id % KEEP == 0)
			continue;
		spin_lock(&table_lock);
		se = session_find(id);
		if (se) {
			hash_del(&se->node);
			live--;
		}
		spin_unlock(&table_lock);
		if (se)
			session_free(se);
		if (!(id % 1024))
			cond_resched();
	}
}

/* One step of churn: a packet queued, a queue drained, a session closed. */
static void churn(void)
{
	u32 r = get_random_u32();
	struct session *se;
	struct packet *p;

	spin_lock(&table_lock);
	se = next_id ? session_find(get_random_u64() % next_id) : NULL;
	if (se && r % 8 == 0) {
		hash_del(&se->node);
		live--;
		spin_unlock(&table_lock);
		session_free(se);
		session_new();
		return;
	}
	if (se && se->queued < 8) {
		p = kslab_cache_alloc(packet_cache, GFP_ATOMIC);
		if (p) {
			p->len = 64 + r % (sizeof(p->data) - 64);
			memset(p->data, r, p->len);
			p->next = se->queue;
			se->queue = p;
			se->queued++;
			se->bytes += p->len;
		}
	} else if (se) {
		while ((p = se->queue)) {
			se->queue = p->next;
			kslab_cache_free(packet_cache, p);
		}
		se->queued = 0;
	}
	spin_unlock(&table_lock);
}

/*
 * A bug on purpose: one byte written past a 60-byte record of a cache
 * with red zones and owner tracking. kslab reports it when the record is
 * freed, counts it, repairs the red zone, and the cache works on.
 */
static int show_bug(void)
{
	struct kslab_cache *s;
	u8 *rec;

	s = kslab_cache_create("example_buggy", 60, 0,
			       SLAB_RED_ZONE | SLAB_STORE_USER, NULL);
	if (!s)
		return -ENOMEM;
	rec = kslab_cache_alloc(s, GFP_KERNEL);
	if (rec) {
		memset(rec, 0, 60);
		rec[60] = 0x88;			/* the overflow */
		kslab_cache_free(s, rec);
	}
	rec = kslab_cache_alloc(s, GFP_KERNEL);	/* the cache works on */
	kslab_cache_free(s, rec);
	pr_info("example_buggy: kslab_cache_errors() = %lu, validation finds %ld problems now\n",
		kslab_cache_errors(s), kslab_cache_validate(s));
	kslab_cache_destroy(s);
	return -ECANCELED;	/* nothing stays loaded */
}

static int __init example_init(void)
{
	unsigned int i;

	if (bug)
		return show_bug();

	session_cache = kslab_cache_create("example_session", sizeof(struct session),
					   0, SLAB_HWCACHE_ALIGN, NULL);
	packet_cache = kslab_cache_create("example_packet", sizeof(struct packet),
					  0, 0, NULL);
	if (!session_cache || !packet_cache) {
		kslab_cache_destroy(session_cache);
		kslab_cache_destroy(packet_cache);
		return -ENOMEM;
	}
	kslab_cache_set_movable(session_cache, &session_move_ops, NULL);
	for (i = 0; i < sessions; i++)
		if (!session_new())
			break;
	for (i = 0; i < rounds; i++) {
		churn();
		if (!(i % 1024))
			cond_resched();
	}
	if (wave)
		run_wave();
	pr_info("%lu sessions live after %u churn steps%s\n", live, rounds,
		wave ? " and a wave" : "");
	return 0;
}

static void __exit example_exit(void)
{
	struct hlist_node *tmp;
	struct session *se;
	unsigned int bkt;

	hash_for_each_safe(table, bkt, tmp, se, node) {
		hash_del(&se->node);
		session_free(se);
	}
	kslab_cache_destroy(packet_cache);
	kslab_cache_destroy(session_cache);
	pr_info("all sessions freed, caches destroyed\n");
}

module_init(example_init);
module_exit(example_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kslab example client: sessions and packets");
