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

# example_unload: unload it again if example_load loaded it, and shrink
# every cache, so that no test after this one finds pages left to reclaim.
example_unload() {
	[ $loaded = 1 ] || return 0
	loaded=0
	rmmod kslab_example || echo "$TAG: FAILED: rmmod kslab_example"
	for f in "$SYS"/*/shrink; do
		echo 1 >"$f" || echo "$TAG: FAILED: writing 1 to $f"
	done
}

# snapshot FILE: one line per kslab cache, /proc/kslabinfo's figures then
# the leading number of sysfs files, in this order (the checks use the
# column numbers); a file that cannot be read shows as "missing:<file>".
# One awk reads them all: a fork per file is slow in a TCG guest.
SNAP_FILES="objects object_size slab_size order align alloc_fastpath alloc_slowpath
	free_fastpath free_slowpath alloc_slab store_user total_objects partial
	cpu_slabs slabs objects_live pages free_remote"
#   1 name  2 active_objs  3 num_objs  4 objsize  5 objperslab
#   6 pagesperslab  7 num_slabs  8 objects  9 object_size  10 slab_size
#  11 order  12 align  13 alloc_fastpath  14 alloc_slowpath
#  15 free_fastpath  16 free_slowpath  17 alloc_slab  18 store_user
#  19 total_objects  20 partial  21 cpu_slabs  22 slabs  23 objects_live
#  24 pages  25 free_remote
snapshot() {
	awk -v sys="$SYS" -v files="$SNAP_FILES" '
	function first(f,   line, v) {
		if ((getline line < f) <= 0)
			return "missing:" f
		close(f)
		split(line, v, " ")
		return v[1]
	}
	NR > 2 { out = $1 " " $2 " " $3 " " $4 " " $5 " " $6 " " $15
		n = split(files, name, " ")
		for (i = 1; i <= n; i++)
			out = out " " first(sys "/" $1 "/" name[i])
		print out }' "$PROC" >"$1" || fail "reading $PROC and $SYS (awk)"
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
