#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# clients-guest.sh - (in the guest, with kslab loaded) make clients'
# workload on each real file system built on kslab with the redirect line
# (/lib/kslab/ext2.ko on /dev/ram0, minix.ko on /dev/ram1): make the file
# system, mount it, write $CLIENTS_FILES files (default 20,000) in nested
# directories and a few large ones (the same bytes every run), checksum
# them all, sync, drop the caches (the inodes go back to kslab), verify
# every checksum, unlink everything, unmount, check the file system
# (e2fsck -fn, fsck.minix -f), see that the inode cache has every object
# back, unload the module (its cache goes) and discard the RAM disk. One
# line per file system, "clients: FS: PASSED: ..." or "clients: FS:
# FAILED: what"; exits 1 on the first failure.
files=${CLIENTS_FILES:-20000}
ln -sf /proc/mounts /etc/mtab
mkdir -p /mnt

# fail WHAT: say so, and leave kslab free to unload (nothing mounted, the
# file system's module gone) for the steps after this one.
fail() {
	echo "clients: $fs: FAILED: $*"
	umount /mnt 2>/dev/null
	rmmod "$fs" 2>/dev/null
	exit 1
}

live() {
	cat "/sys/kernel/kslab/$cache/objects_live"
}

# settle MAX: wait up to a minute for the inode cache to have at most MAX
# objects live (evicted inodes are freed after an RCU grace period);
# prints the count.
settle() {
	n=0
	while [ "$(live)" -gt "$1" ] && [ $n -lt 60 ]; do
		sleep 1
		n=$((n + 1))
	done
	live
}

# fill: $files small files in 10 x 20 directories, and 10 large ones
# (indirect blocks); every name listed in /tmp/files.
fill() {
	per=$((files / 200))
	i=0
	for a in 0 1 2 3 4 5 6 7 8 9; do
		mkdir "/mnt/d$a" || fail "mkdir /mnt/d$a"
		for b in $(seq 0 19); do
			d=/mnt/d$a/e$b
			mkdir "$d" || fail "mkdir $d"
			c=0
			while [ $c -lt $per ]; do
				echo "$d/f$c $i $((i * 7919 % 104729))" >"$d/f$c" || fail "writing $d/f$c"
				i=$((i + 1))
				c=$((c + 1))
			done
		done
		# the same bytes every run (make bench compares two runs)
		yes "/mnt/d$a/big: a line of a large file" | head -c $(((200 + a * 100) * 1024)) \
			>"/mnt/d$a/big" || fail "writing /mnt/d$a/big"
	done
	find /mnt -type f | sort >/tmp/files
	n=$(wc -l </tmp/files)
	[ "$n" -eq $((per * 200 + 10)) ] || fail "$n files found, $((per * 200 + 10)) written"
}

run_fs() {
	fs=$1 dev=$2 cache=$3
	t0=$(date +%s)
	insmod "/lib/kslab/$fs.ko" || fail "insmod $fs.ko"
	[ -d "/sys/kernel/kslab/$cache" ] || fail "$cache is not a kslab cache"
	case $fs in
	ext2) /sbin/mke2fs -q -F -t ext2 -b 1024 -N $((files + 5000)) -m 0 "$dev" || fail "mke2fs $dev" ;;
	minix) /sbin/mkfs.minix -2 -n 30 -i $((files + 5000)) "$dev" >/dev/null || fail "mkfs.minix $dev" ;;
	esac
	mount -t "$fs" "$dev" /mnt || fail "mount -t $fs $dev"
	fill
	# a directory at a time: busybox 1.35's xargs splits some of these
	# 20,010 names wrongly (seen on SLUB's ext2 as on kslab's)
	for d in /mnt/d*/e*; do
		md5sum "$d"/* || fail "md5sum of the files in $d"
	done >/tmp/sums
	md5sum /mnt/d*/big >>/tmp/sums || fail "md5sum of the large files"
	[ "$(wc -l </tmp/sums)" -eq "$n" ] || fail "$(wc -l </tmp/sums) checksums for $n files"
	peak=$(live)
	[ "$peak" -ge "$files" ] || fail "$cache: $peak objects live with $files files cached"
	sync
	echo 3 >/proc/sys/vm/drop_caches
	dropped=$(settle 99)
	[ "$dropped" -lt 100 ] || fail "$cache: $dropped objects still live after drop_caches"
	md5sum -c /tmp/sums >/tmp/check 2>&1 || fail "verify: $(grep -v ': OK$' /tmp/check | head -n 3)"
	verified=$(grep -c ': OK$' /tmp/check)
	reread=$(live)
	rm -rf /mnt/d* || fail "unlinking everything"
	left=$(find /mnt -mindepth 1 ! -name lost+found | wc -l)
	[ "$left" -eq 0 ] || fail "$left names left after rm -rf"
	umount /mnt || fail "umount"
	case $fs in
	ext2) /sbin/e2fsck.static -fn "$dev" >/tmp/fsck 2>&1 || fail "e2fsck -fn: $(tail -n 3 /tmp/fsck)" ;;
	minix) /sbin/fsck.minix -f "$dev" </dev/null >/tmp/fsck 2>&1 || fail "fsck.minix -f: $(tail -n 3 /tmp/fsck)" ;;
	esac
	after=$(settle 0)
	[ "$after" -eq 0 ] || fail "$cache: $after objects live after umount"
	errors=$(cat "/sys/kernel/kslab/$cache/kslab_errors")
	[ "$errors" -eq 0 ] || fail "$cache: kslab caught $errors errors"
	rmmod "$fs" || fail "rmmod $fs"
	[ ! -d "/sys/kernel/kslab/$cache" ] || fail "$cache still there after rmmod"
	blkdiscard "$dev" || fail "blkdiscard $dev"
	rm -f /tmp/files /tmp/sums /tmp/check /tmp/fsck
	echo "clients: $fs: PASSED: $verified files verified ($files small, 10 large);" \
		"$cache objects live: $peak at peak, $dropped after drop_caches, $reread reread, $after after umount;" \
		"fsck clean; $(($(date +%s) - t0)) s"
}

# CLIENTS_LIB=1: only the functions above (make bench's client group,
# scripts/bench-clients-guest.sh, sources them).
[ -z "${CLIENTS_LIB:-}" ] || return 0
run_fs ext2 /dev/ram0 ext2_inode_cache
run_fs minix /dev/ram1 minix_inode_cache
