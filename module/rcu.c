// SPDX-License-Identifier: GPL-2.0
/*
 * rcu.c - RCU and kslab: kslab_kfree_rcu() (free any kslab object after a
 * grace period, through an rcu_head inside it), and the deferred return
 * of slab pages of SLAB_TYPESAFE_BY_RCU caches, whose objects may be
 * reused at once but whose memory must stay a slab of that cache until
 * every reader that might still look at it is gone.
 */
#include <linux/rcupdate.h>

#include "kslab_int.h"
#include "fastpath.h"
#include "report.h"

/* The slab page's list link doubles as its rcu_head once off the lists. */
static_assert(sizeof(struct rcu_head) <= sizeof(struct list_head));

static void rcu_free_slab(struct rcu_head *head)
{
	struct page *page = container_of((struct list_head *)head,
					 struct page, lru);

	slab_free_pages(page_cache(page), page);
}

/**
 * rcu_discard_slab - free a slab of a SLAB_TYPESAFE_BY_RCU cache after a
 * grace period
 * @page: the slab, off every list
 *
 * Context: any context.
 */
void rcu_discard_slab(struct page *page)
{
	call_rcu((struct rcu_head *)&page->lru, rcu_free_slab);
}

static void rcu_free_object(struct rcu_head *head)
{
	struct page *page = virt_to_head_page(head);
	struct kslab_cache *s = page_cache(page);
	void *base = page_address(page);
	unsigned int idx;

	if (page_meta(page)->magic == KSLAB_MAGIC_LARGE) {
		kslab_kfree(base);
		return;
	}
	idx = ((void *)head - base - s->red_left_pad) / s->size;
	/*
	 * Free first, count out after: kslab_cache_destroy() waits for these
	 * frees only while the count is not zero. The reaper frees a destroyed
	 * cache left without pages even while the count is not zero yet.
	 */
	cpu_free(s, page, slab_object(s, base, idx), _RET_IP_);
	atomic_long_dec(&s->rcu_pending);
}

/**
 * kslab_free_rcu - free a kslab object after an RCU grace period
 * @head: an rcu_head inside the object, which must not be in use
 *
 * Works for objects of any kslab cache and for kslab_kmalloc() memory;
 * see kslab_kfree_rcu(). kslab_cache_destroy() waits for such frees of
 * its cache still in flight.
 *
 * Context: any context.
 */
void kslab_free_rcu(struct rcu_head *head)
{
	struct page *page = virt_to_head_page(head);
	u8 magic;

	/* the page says what it is only once it is known to be kslab's */
	if (unlikely(!pagemap_has(page)))
		return report_orphan_free(head);
	magic = page_meta(page)->magic;
	if (magic == KSLAB_MAGIC_SLAB)
		atomic_long_inc(&page_cache(page)->rcu_pending);
	call_rcu(head, rcu_free_object);
}
EXPORT_SYMBOL_GPL(kslab_free_rcu);
