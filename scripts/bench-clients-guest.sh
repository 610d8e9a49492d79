#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench-clients-guest.sh - (in the guest, with kslab loaded) make bench's
# client group: make clients' ext2 workload (the fill of
# scripts/clients-guest.sh, sourced) on the in-tree ext2.ko, whose caches
# are SLUB's (/lib/kslab/slub/ext2.ko), and on the same source built with
# the redirect line, whose caches are kslab's (/lib/kslab/ext2.ko),
# $CLIENT_ROUNDS (default 3) rounds of four runs in the order SLUB, kslab,
# kslab, SLUB, so that a drift over the boot weighs on both alike. A run: blkdiscard /dev/ram0, insmod, mke2fs,
# drop_caches, then timed from mount to umount: $CLIENTS_FILES files
# (default 5,000) and 10 large ones written (the same bytes every run),
# checksummed, synced, the caches dropped, verified, unlinked; then e2fsck
# -fn and rmmod (kslab's: after every object is back, no error caught).
# Time: the guest's clock (the timestamps of the kernel log's lines, to
# the microsecond; under -icount one ns is one instruction), less the
# reading of the page figures. Pages, at
# the peak (every file checksummed, before drop_caches), from each
# allocator's own table (/proc/slabinfo for SLUB, /proc/kslabinfo for
# kslab, num_slabs x pagesperslab): ext2_inode_cache's, and what the
# kmalloc-* caches grew by since before mount (kslab's serve ext2 alone
# here, SLUB's the whole kernel). Prints "bench-client: run ..." for each
# run, then "bench-client: result ..." lines (the means of each
# allocator's runs) as kslab_bench prints its own, and "bench-client: done";
# exits 1 on the first failure.
export CLIENTS_FILES=${CLIENTS_FILES:-5000}
rounds=${CLIENT_ROUNDS:-3}
CLIENTS_LIB=1 . /etc/kslab/clients.sh
fs=ext2 # fail() and settle() of clients.sh use fs and cache
dev=/dev/ram0
cache=ext2_inode_cache

# mark NAME: a line in the kernel's log (below the console's level), whose
# timestamp is the guest's clock to the microsecond; at NAME in the ns
# prints it (the latest mark of that name).
mark() {
	echo "<7>bench-client: mark $1" >/dev/kmsg
}

at() {
	dmesg | sed -n "s/^\[ *\([0-9]*\)\.\([0-9]*\)\] bench-client: mark $1\$/\1 \2/p" |
		tail -n 1 | awk '{ printf "%.0f\n", ($1 * 1000000 + $2) * 1000 }'
}

# pages FILE RE: the pages held by the caches whose name matches RE in the
# slabinfo-format table FILE.
pages() {
	awk -v re="$2" '$1 ~ re { p += $6 * $15 } END { print p + 0 }' "$1"
}

# ratio A B: A/B to three places, or - when B is not positive.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f\n", a / b; else print "-" }'
}

# run N ALLOC: run N of the workload on ALLOC's ext2 (slub or kslab); adds
# its figures to ALLOC's sums.
run() {
	alloc=$2
	case $alloc in
	slub) ko=/lib/kslab/slub/ext2.ko info=/proc/slabinfo ;;
	kslab) ko=/lib/kslab/ext2.ko info=/proc/kslabinfo ;;
	esac
	blkdiscard $dev || fail "blkdiscard $dev"
	insmod "$ko" || fail "insmod $ko"
	case $alloc in
	slub) [ ! -d /sys/kernel/kslab/$cache ] && grep -q "^$cache " /proc/slabinfo ||
		fail "$ko: $cache is not SLUB's" ;;
	kslab) [ -d /sys/kernel/kslab/$cache ] || fail "$ko: $cache is not kslab's" ;;
	esac
	/sbin/mke2fs -q -F -t ext2 -b 1024 -N $((files + 5000)) -m 0 $dev || fail "mke2fs $dev"
	sync
	echo 3 >/proc/sys/vm/drop_caches
	k0=$(pages "$info" '^kmalloc-')
	mark t0
	mount -t ext2 $dev /mnt || fail "mount -t ext2 $dev"
	fill
	for d in /mnt/d*/e*; do
		md5sum "$d"/* || fail "md5sum of the files in $d"
	done >/tmp/sums
	md5sum /mnt/d*/big >>/tmp/sums || fail "md5sum of the large files"
	mark t1
	inode=$(pages "$info" "^$cache\$")
	kmalloc=$(($(pages "$info" '^kmalloc-') - k0))
	objs=$(awk -v c=$cache '$1 == c { print $2 }' "$info")
	mark t2
	sync
	echo 3 >/proc/sys/vm/drop_caches
	md5sum -c /tmp/sums >/tmp/check 2>&1 || fail "verify: $(grep -v ': OK$' /tmp/check | head -n 3)"
	rm -rf /mnt/d* || fail "unlinking everything"
	umount /mnt || fail "umount"
	mark t3
	ns=$(($(at t3) - $(at t0) - ($(at t2) - $(at t1))))
	verified=$(grep -c ': OK$' /tmp/check)
	[ "$verified" -eq "$n" ] || fail "$verified of $n files verified"
	[ "$objs" -ge "$files" ] || fail "$cache: $objs objects live with $files files cached"
	/sbin/e2fsck.static -fn $dev >/tmp/fsck 2>&1 || fail "e2fsck -fn: $(tail -n 3 /tmp/fsck)"
	if [ "$alloc" = kslab ]; then
		after=$(settle 0)
		[ "$after" -eq 0 ] || fail "$cache: $after objects live after umount"
		errors=$(cat /sys/kernel/kslab/$cache/kslab_errors)
		[ "$errors" -eq 0 ] || fail "$cache: kslab caught $errors errors"
	fi
	rmmod ext2 || fail "rmmod ext2"
	rm -f /tmp/files /tmp/sums /tmp/check /tmp/fsck
	echo "bench-client: run $1 $alloc: $ns ns, $verified files verified;" \
		"at the peak $objs $cache objects in $inode pages, kmalloc caches +$kmalloc pages"
	eval "ns_$alloc=\$((ns_$alloc + ns)) inode_$alloc=\$((inode_$alloc + inode))" \
		"kmalloc_$alloc=\$((kmalloc_$alloc + kmalloc))"
}

ns_slub=0 ns_kslab=0 inode_slub=0 inode_kslab=0 kmalloc_slub=0 kmalloc_kslab=0
echo "bench-client: ext2, $files files and 10 large ones," \
	"$rounds rounds of the runs SLUB kslab kslab SLUB"
# (fill() of clients.sh sets i, a, b, c, d, n and per)
round=0
while [ $round -lt "$rounds" ]; do
	run $((4 * round + 1)) slub
	run $((4 * round + 2)) kslab
	run $((4 * round + 3)) kslab
	run $((4 * round + 4)) slub
	round=$((round + 1))
done
r=$((2 * rounds))
for row in "ext2 $((ns_kslab / r)) $((ns_slub / r)) ns" \
	"ext2-inode $((inode_kslab / r)) $((inode_slub / r)) pages" \
	"ext2-kmalloc $((kmalloc_kslab / r)) $((kmalloc_slub / r)) pages"; do
	set -- $row
	echo "bench-client: result workload=client param=$1 size=${files}f kslab=$2 slub=$3" \
		"ratio=$(ratio "$2" "$3") unit=$4"
done
echo "bench-client: done"
