// SPDX-License-Identifier: GPL-2.0
/*
 * pagemap.c - the record of the pages kslab holds: one bit for the head
 * page of every slab and of every large kmalloc allocation, by page frame
 * number. The calls that are handed a bare pointer (kslab_kfree(),
 * kslab_ksize(), kslab_free_rcu()) ask it, with pagemap_has(), before they
 * believe anything the page says: page->index and page->private are
 * whatever a page's owner left there, so only a page found here is read
 * as kslab's.
 *
 * The bits are in chunks of one page each (32,768 page frames, 128 MiB of
 * memory with 4 KiB pages), found through a directory indexed by pfn >>
 * PAGEMAP_CHUNK_SHIFT: a lookup is two loads and a bit test, no lock.
 * Chunks and the directory are made on demand when a page beyond them is
 * recorded, under pagemap_lock, and live until module exit: a directory
 * outgrown by a larger copy is retired, not freed, since lookups may still
 * read it (a handful of them in the module's life, the directory doubling
 * each time).
 */
#include <linux/bitops.h>
#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "kslab_int.h"

struct pagemap_dir *pagemap_dir;	/* pagemap_lock to change, none to read */
EXPORT_SYMBOL_IF_KUNIT(pagemap_dir);

static DEFINE_SPINLOCK(pagemap_lock);	/* growth: chunks and directories */

/* What of a caller's GFP flags the record's own allocations may use. */
#define PAGEMAP_GFP	(__GFP_HIGH | __GFP_IO | __GFP_FS | __GFP_RECLAIM | \
			 __GFP_NOWARN)

/* A directory of at least @nr chunks. Return: it, empty, or NULL. */
static struct pagemap_dir *dir_alloc(unsigned long nr, gfp_t gfp)
{
	struct pagemap_dir *dir;

	nr = roundup_pow_of_two(nr);
	dir = kzalloc(struct_size(dir, chunks, nr), gfp);
	if (dir)
		dir->nr = nr;
	return dir;
}

/*
 * The chunk holding @pfn's bit, made (and the directory grown) if need
 * be, with memory @gfp allows. Return: the chunk, or NULL.
 */
static noinline unsigned long *pagemap_grow(unsigned long pfn, gfp_t gfp)
{
	unsigned long i = pfn >> PAGEMAP_CHUNK_SHIFT, flags, *chunk;
	unsigned long *fresh = (unsigned long *)get_zeroed_page(gfp);
	struct pagemap_dir *dir, *big = NULL;

	if (!fresh)
		return NULL;
	for (;;) {
		spin_lock_irqsave(&pagemap_lock, flags);
		dir = pagemap_dir;
		if (dir && i < dir->nr)
			break;
		if (big && i < big->nr) {
			if (dir) {
				memcpy(big->chunks, dir->chunks,
				       dir->nr * sizeof(*dir->chunks));
				big->retired = dir;
			}
			/* lockless readers see the copied chunks */
			smp_store_release(&pagemap_dir, big);
			dir = big;
			big = NULL;
			break;
		}
		spin_unlock_irqrestore(&pagemap_lock, flags);
		kfree(big);
		big = dir_alloc(max(i + 1, dir ? 2 * dir->nr : 0), gfp);
		if (!big) {
			free_page((unsigned long)fresh);
			return NULL;
		}
	}
	chunk = dir->chunks[i];
	if (!chunk) {
		/* lockless readers see the zeroed page */
		smp_store_release(&dir->chunks[i], fresh);
		chunk = fresh;
		fresh = NULL;
	}
	spin_unlock_irqrestore(&pagemap_lock, flags);
	kfree(big);
	if (fresh)
		free_page((unsigned long)fresh);
	return chunk;
}

/**
 * pagemap_add - record @page, the head page of a slab or large allocation
 * @page: the page, just taken from the page allocator
 * @gfp: the caller's GFP flags (the record may need memory)
 *
 * Context: as the page allocation it follows.
 * Return: 0, or -ENOMEM (the caller gives the page back).
 */
int pagemap_add(struct page *page, gfp_t gfp)
{
	unsigned long pfn = page_to_pfn(page);
	unsigned long *chunk = pagemap_chunk(pfn);

	if (unlikely(!chunk)) {
		chunk = pagemap_grow(pfn, gfp & PAGEMAP_GFP);
		if (!chunk)
			return -ENOMEM;
	}
	set_bit(pfn & PAGEMAP_CHUNK_MASK, chunk);
	return 0;
}

/**
 * pagemap_del - forget @page before it goes back to the page allocator
 * @page: a page pagemap_add() recorded
 *
 * Context: any context kslab frees pages in. Never allocates.
 */
void pagemap_del(struct page *page)
{
	unsigned long pfn = page_to_pfn(page);
	unsigned long *chunk = pagemap_chunk(pfn);

	if (!WARN_ON_ONCE(!chunk))
		clear_bit(pfn & PAGEMAP_CHUNK_MASK, chunk);
}

/**
 * pagemap_exit - free the record at module exit
 *
 * Pages still held (large allocations never freed) stay recorded until
 * then; nobody asks after exit.
 *
 * Context: module exit.
 */
void pagemap_exit(void)
{
	struct pagemap_dir *dir = pagemap_dir, *next;
	unsigned long i;

	if (!dir)
		return;
	for (i = 0; i < dir->nr; i++)
		free_page((unsigned long)dir->chunks[i]);
	for (; dir; dir = next) {
		next = dir->retired;
		kfree(dir);
	}
	pagemap_dir = NULL;
}
