// SPDX-License-Identifier: GPL-2.0
/*
 * kslab_example.c - an example client of kslab, using only kslab.h: a
 * table of network sessions, each with a queue of packets, kept in two
 * kslab caches (and names in kslab_kmalloc memory). Loading it runs a
 * workload with churn, as a server would see it; unloading frees
 * everything and destroys the caches. `make demo` shows it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
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

static int __init example_init(void)
{
	unsigned int i;

	session_cache = kslab_cache_create("example_session", sizeof(struct session),
					   0, SLAB_HWCACHE_ALIGN, NULL);
	packet_cache = kslab_cache_create("example_packet", sizeof(struct packet),
					  0, 0, NULL);
	if (!session_cache || !packet_cache) {
		kslab_cache_destroy(session_cache);
		kslab_cache_destroy(packet_cache);
		return -ENOMEM;
	}
	for (i = 0; i < sessions; i++)
		if (!session_new())
			break;
	for (i = 0; i < rounds; i++) {
		churn();
		if (!(i % 1024))
			cond_resched();
	}
	pr_info("%lu sessions live after %u churn steps\n", live, rounds);
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
