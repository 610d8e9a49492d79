#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - run inside the guest by `make demo`, with kslab.ko loaded:
# shows /proc/kslabinfo, loads the example client (its workload runs as
# it loads), shows /proc/kslabinfo again, unloads the client and shows
# what is left. Then a wave of short-lived sessions leaves a few survivors
# scattered over many slabs, and defragmentation gives the pages back.
# The harness unloads kslab afterwards.
set -e

total=4
[ ! -f /etc/kslab/demo-bug ] || total=5

step() {
	echo
	echo "== $*"
}

# caches: the caches of /proc/kslabinfo that hold slabs, in the columns
# that matter here, and what kslab holds in all (4 KiB pages).
caches() {
	awk '
	NR <= 2 { next }
	{ n++; inuse += $2; kib += $15 * $6 * 4 }
	$15 > 0 {
		if (!rows++)
			printf "   %-18s %9s %9s %6s %7s %9s\n", "cache", "in use",
			       "allocated", "size", "slabs", "memory"
		printf "   %-18s %9d %9d %6d %7d %6d KiB\n", $1, $2, $3, $4, $15, $15 * $6 * 4
	}
	END {
		if (!rows)
			print "   (no cache holds a slab yet)"
		printf "   %d caches, %d objects in use, %d KiB in slabs\n", n, inuse, kib
	}' /proc/kslabinfo
}

step "1/$total: kslab.ko is loaded. /proc/kslabinfo speaks /proc/slabinfo's format 2.1:"
head -n 2 /proc/kslabinfo
echo "   Its caches now (the kmalloc size classes that kslab_kmalloc() serves):"
caches

step "2/$total: loading examples/kslab_example.ko, a client that uses only kslab.h."
echo "   It keeps network sessions and their packets in two caches of its own"
echo "   (example_session, example_packet), peer names in kslab_kmalloc() memory,"
echo "   and runs its workload as it loads: sessions, then steps of churn."
insmod /lib/kslab/kslab_example.ko
p=/sys/module/kslab_example/parameters
echo "   Done: $(cat $p/sessions) sessions, $(cat $p/rounds) churn steps. /proc/kslabinfo now:"
caches

step "3/$total: unloading the client: it frees every object and destroys its caches."
rmmod kslab_example
caches
echo "   Empty slabs stay with their caches for the next allocation; kslab's"
echo "   'unloaded' line below says how many pages it still held when it left."

step "4/$total: a wave: 40000 new sessions, of which 1 in 40 stays, scattered."
insmod /lib/kslab/kslab_example.ko sessions=2000 rounds=0 wave=1
echo "   The survivors pin nearly every slab the wave filled:"
caches
echo "   The client's session table is movable: kslab moves the survivors into"
echo "   dense slabs through the client's move callback and frees the rest."
echo 1 >/sys/kernel/kslab/example_session/defrag
d=/sys/kernel/kslab/example_session
echo "   Moved $(cut -d' ' -f1 $d/defrag_moved) sessions, emptied $(cut -d' ' -f1 $d/defrag_slabs) slabs, gave back $(cut -d' ' -f1 $d/defrag_pages) pages:"
caches
rmmod kslab_example

# make demo KSLAB_DEMO_BUG=1: a bug caught, reported, counted, contained.
[ -f /etc/kslab/demo-bug ] || exit 0
step "5/$total (KSLAB_DEMO_BUG=1): a client writes one byte past a 60-byte record"
echo "   of a cache with red zones (SLAB_RED_ZONE | SLAB_STORE_USER), then frees it."
echo "   kslab's report follows, headed 'kslab: example_buggy:' (not 'BUG:'):"
insmod /lib/kslab/kslab_example.ko bug=1 2>/dev/null || true
sleep 1
