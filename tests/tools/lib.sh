# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - sourced by the guest scripts of tests/tools/ (busybox sh), after
# they set TAG (their message prefix): where kslab's files are, one way to
# fail, a snapshot of every cache's figures from /proc/kslabinfo and
# /sys/kernel/kslab, running a tool while those figures stand still, and
# judging its output against them with awk.

T=/tmp/$TAG
PROC=${KSLAB_PROC:-/proc/kslabinfo}	# overridable to try the checks on a fake
SYS=${KSLAB_SYS:-/sys/kernel/kslab}
DBG=${KSLAB_DEBUGFS:-/sys/kernel/debug/kslab}
P=4096			# the guest is x86-64
CACHE=example_session
loaded=0
mkdir -p "$T"

fail() {
	echo "$TAG: FAILED: $*"
	exit 1
}

# example_load: load the example client (busy caches) unless it is loaded.
# Its workload runs at load, pinned to CPU 3 (node 1 of the guest's two),
# so that the slabs files have a node other than 0 to break down.
example_load() {
	grep -q "^$CACHE " "$PROC" && return
	taskset -c 3 insmod /lib/kslab/kslab_example.ko sessions=4000 rounds=20000 ||
		fail "insmod kslab_example"
	loaded=1
}

# example_unload: unload it again if example_load loaded it.
example_unload() {
	[ $loaded = 0 ] || rmmod kslab_example || echo "$TAG: FAILED: rmmod kslab_example"
	loaded=0
}

# first FILE: the leading number of a sysfs file ("<total> N0=..." too).
first() {
	read -r v _ <"$1" && [ -n "$v" ] && echo "$v" && return
	echo "$TAG: cannot read $1" >&2
	return 1
}

# snapshot FILE: one line per kslab cache, /proc/kslabinfo's figures then
# sysfs' (the column numbers the checks use are in the comments).
snapshot() {
	sed 1,2d "$PROC" |
	while read -r name active objs size perslab pps _ _ _ _ _ _ _ _ slabs _; do
		d=$SYS/$name
		#    1     2       3     4     5        6    7
		echo "$name $active $objs $size $perslab $pps $slabs" \
		     "$(first $d/objects) $(first $d/object_size) $(first $d/slab_size)" \
		     "$(first $d/order) $(first $d/align) $(first $d/alloc_fastpath)" \
		     "$(first $d/alloc_slowpath) $(first $d/free_fastpath)" \
		     "$(first $d/free_slowpath) $(first $d/alloc_slab)" \
		     "$(first $d/store_user) $(first $d/total_objects)" \
		     "$(first $d/partial) $(first $d/cpu_slabs) $(first $d/slabs)" \
		     "$(first $d/objects_live) $(first $d/pages) $(first $d/free_remote)"
		#     8 objects  9 object_size  10 slab_size  11 order  12 align
		#    13 alloc_fastpath  14 alloc_slowpath  15 free_fastpath
		#    16 free_slowpath  17 alloc_slab  18 store_user
		#    19 total_objects  20 partial  21 cpu_slabs  22 slabs
		#    23 objects_live  24 pages  25 free_remote
	done >"$1"
	awk '{ ok = NF == 25; for (i = 2; i <= NF; i++) if ($i !~ /^[0-9]+$/) ok = 0 }
	     !ok { print "'"$TAG"': not all numbers: " $0; bad = 1 }
	     END { exit bad }' "$1" ||
		fail "cannot read kslab's figures (see above)"
}

# run NAME CMD...: run a tool into $T/NAME.out while kslab's figures stand
# still (a snapshot before and after agree; three tries), show its output.
# The snapshot it ran against is $T/snap.
run() {
	name=$1
	shift
	for try in 1 2 3; do
		snapshot "$T/before"
		rc=0
		"$@" >"$T/$name.out" 2>&1 || rc=$?
		snapshot "$T/snap"
		cmp -s "$T/before" "$T/snap" && break
		[ "$try" != 3 ] || fail "kslab's figures kept changing while $name ran"
	done
	echo "$TAG: \$ $*"
	cat "$T/$name.out"
	[ $rc = 0 ] || fail "$* exited $rc"
}

# check WHAT AWK-PROGRAM: run the program over $T/snap and $T/WHAT.out;
# it prints one line per mismatch, and any line fails the step.
check() {
	awk -v P="$P" "$2" "$T/snap" "$T/$1.out" >"$T/$1.bad" ||
		fail "checking $1 (awk)"
	if [ -s "$T/$1.bad" ]; then
		echo "$TAG: kslab's figures (name, /proc/kslabinfo, sysfs):"
		cat "$T/snap"
		sed "s/^/$TAG: mismatch: /" "$T/$1.bad"
		fail "$1 misreads kslab's files"
	fi
	echo "$TAG: ok: $1 reads kslab's figures"
}
