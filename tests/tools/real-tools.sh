#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# real-tools.sh - run in the guest with kslab loaded: bind-mount kslab's
# views over SLUB's (/proc/kslabinfo on /proc/slabinfo, /sys/kernel/kslab
# on /sys/kernel/slab, /sys/kernel/debug/kslab on /sys/kernel/debug/slab),
# run the kernel's tools/mm/slabinfo and procps' slabtop unchanged, and
# check that they list kslab's caches, and only those, with the figures
# kslab's own files hold. Loads the example client for busy caches when it
# is not loaded. Any tool that fails or misreads a figure ends the script
# with "real-tools: FAILED: ..." and status 1 (kslab_script then prints
# "kslab-guest: FAILED").
set -eu
set -o pipefail

TAG=real-tools
. "$(dirname "$0")/lib.sh"
mounts=""

cleanup() {
	for m in $mounts; do
		umount "$m" || echo "$TAG: FAILED: umount $m"
	done
	example_unload
}
trap cleanup EXIT

# bind FROM TO: mount FROM over TO (both must exist).
bind() {
	[ -e "$1" ] || fail "$1 does not exist"
	[ -e "$2" ] || fail "$2 does not exist (nothing to bind $1 over)"
	mount --bind "$1" "$2" || fail "mount --bind $1 $2"
	mounts="$2 $mounts"
}

example_load
[ -d "$SYS" ] || fail "no $SYS"
bind "$PROC" /proc/slabinfo
bind "$SYS" /sys/kernel/slab
bind "$DBG" /sys/kernel/debug/slab

# The views must agree among themselves before the tools are judged.
snapshot $T/snap
awk '$3 != $19 { print $1 ": num_objs " $3 " != total_objects " $19 }
     $7 != $22 { print $1 ": num_slabs " $7 " != slabs " $22 }
     $4 != $10 { print $1 ": objsize " $4 " != slab_size " $10 }
     { for (p = 1; p < $6; p *= 2) o++ }
     p != $6 || o != $11 { print $1 ": pagesperslab " $6 " != 2^order " $11 }
     { o = 0 }
     $2 > $8 || $8 > $3 { print $1 ": not active " $2 " <= objects " $8 " <= num_objs " $3 }
     $9 > $4 { print $1 ": object_size " $9 " > objsize " $4 }
     $23 != $2 { print $1 ": objects_live " $23 " != active_objs " $2 }
     $13 + $14 - $15 - $16 != $23 { print $1 ": allocs - frees " $13 + $14 - $15 - $16 " != objects_live " $23 }
     $24 < $7 * $6 { print $1 ": pages " $24 " < slabs x pages per slab " $7 * $6 }' $T/snap >$T/views.bad ||
	fail "checking the views (awk)"
if [ -s $T/views.bad ]; then
	cat $T/snap
	sed 's/^/real-tools: mismatch: /' $T/views.bad
	fail "/proc/kslabinfo and /sys/kernel/kslab disagree"
fi
grep -q "^$CACHE " /proc/slabinfo || fail "/proc/slabinfo does not show kslab's caches after the bind mount"

# procps slabtop: OBJS ACTIVE USE OBJ-SIZE SLABS OBJ/SLAB CACHE-SIZE NAME,
# sizes in KiB; its header sums the objects.
run slabtop slabtop --once
check slabtop '
FNR == NR { want[$1] = 1; n++; ta += $2; to += $3
	line[$1] = sprintf("%d %d %.2fK %d %d %dK", $3, $2, $4 / 1024, $7, $5, $7 * $6 * P / 1024)
	next }
/Active \/ Total Objects/ { split($0, h, ":"); split(h[2], v, " ")
	if (v[1] != ta || v[3] != to) print "header: objects " v[1] " / " v[3] ", want " ta " / " to }
/Active \/ Total Caches/ { split($0, h, ":"); split(h[2], v, " ")
	if (v[3] != n) print "header: " v[3] " caches, want " n }
NF == 8 && $1 ~ /^[0-9]+$/ { rows++
	if (!($8 in want)) { print "not a kslab cache: " $8; next }
	got = $1 " " $2 " " $4 " " $5 " " $6 " " $7
	if (got != line[$8]) print $8 ": \"" got "\", want \"" line[$8] "\""
	seen[$8] = 1 }
END { for (c in want) if (!(c in seen)) print c ": missing"
	if (rows != n) print rows " rows, want " n }'

# slabinfo -l: Name Objects Objsize Space Slabs/Part/Cpu O/S O %Fr %Ef Flg
# for caches with slabs; -B prints Space in bytes.
run slabinfo-l slabinfo -l -B
check slabinfo-l '
FNR == NR { want[$1] = 1; slabs[$1] = $7
	line[$1] = sprintf("%d %d %d %d/%d/%d %d %d", $8, $9, $7 * $6 * P,
			   $7 - $21, $20, $21, $5, $11)
	next }
$1 == "Name" { next }
NF >= 9 { if (!($1 in want)) { print "not a kslab cache: " $1; next }
	got = $2 " " $3 " " $4 " " $5 " " $6 " " $7
	if (got != line[$1]) print $1 ": \"" got "\", want \"" line[$1] "\""
	seen[$1] = 1 }
END { for (c in want) if (slabs[c] && !(c in seen)) print c ": missing" }'

# slabinfo -D: Name Objects Alloc Free %Fast Fallb O CmpX UL, the
# statistics ("<sum> C0=.. C1=..") summed.
run slabinfo-D slabinfo -D
check slabinfo-D '
FNR == NR { want[$1] = 1; slabs[$1] = $7
	line[$1] = sprintf("%d %d %d", $8, $13 + $14, $15 + $16)
	next }
$1 == "Name" { next }
NF >= 9 { if (!($1 in want)) { print "not a kslab cache: " $1; next }
	got = $2 " " $3 " " $4
	if (got != line[$1]) print $1 ": \"" got "\", want \"" line[$1] "\""
	seen[$1] = 1 }
END { for (c in want) if (slabs[c] && !(c in seen)) print c ": missing" }'

# slabinfo -T: totals over the caches that have slabs and objects.
run slabinfo-T slabinfo -T -B
check slabinfo-T '
FNR == NR { n++; if ($7 && $8) { used++; mem += $7 * $6 * P; objs += $8 }; next }
/^Slabcaches/ { if ($3 != n || $NF != used) print "caches " $3 " active " $NF ", want " n " active " used }
/^Memory used/ { if ($3 != mem) print "memory used " $3 ", want " mem }
/^# Objects/ { if ($4 != objs) print "objects " $4 ", want " objs }
END { if (!n) print "no caches" }'

# slabinfo -r on one cache: its report, perf counters included.
run slabinfo-r slabinfo -r "^$CACHE\$"
check slabinfo-r '
FNR == NR { if ($1 == "'$CACHE'") c = $0; next }
/^Slabcache:/ { split(c, s, " "); hdr = 1
	if ($2 != s[1] || $7 != s[11] || $9 != s[8])
		print "header \"" $2 " order " $7 " objects " $9 "\", want " s[1] " " s[11] " " s[8] }
/^Object :/ { if ($3 != s[9] || $6 != s[7]) print "object " $3 " slabs " $6 ", want " s[9] " " s[7] }
/^SlabObj:/ { if ($2 != s[10]) print "slab_size " $2 ", want " s[10] }
/^Align  :/ { if ($3 != s[12] || $5 != s[5]) print "align " $3 " objects " $5 ", want " s[12] " " s[5] }
/^Fastpath/ { perf = 1; if ($2 != s[13] || $3 != s[15]) print "fastpath " $2 " " $3 ", want " s[13] " " s[15] }
/^Slowpath/ { if ($2 != s[14] || $3 != s[16]) print "slowpath " $2 " " $3 ", want " s[14] " " s[16] }
END { if (!hdr) print "no report"
	if (s[17] && s[13] + s[14] && !perf) print "no perf counters" }'

# slabinfo -n: slabs per NUMA node, from the "N<node>=" breakdown; its
# header row numbers the nodes. Compared as sorted "cache node slabs".
run slabinfo-n slabinfo -n -B
for c in $(awk '{ print $1 }' $T/snap); do
	echo "$c $(cat "$SYS/$c/slabs")"
done >$T/numa
awk '{ for (i = 3; i <= NF; i++) { split(substr($i, 2), kv, "="); sum += kv[2] } }
     sum != $2 { print "real-tools: " $0 ": the nodes do not add up" }
     { sum = 0 }' $T/numa | grep . && fail "$SYS/*/slabs: N<node>= breakdown != total"
awk '{ for (i = 3; i <= NF; i++) { split(substr($i, 2), kv, "=")
		if (kv[2]) print $1, kv[1], kv[2] } }' $T/numa | sort >$T/numa.want
awk 'FNR == NR { want[$1] = 1; next }
     $1 == "Slab" { for (i = 3; i <= NF; i++) node[i - 1] = $i; next }
     $1 in want { for (i = 2; i <= NF; i++) if ($i) print $1, node[i], $i }' \
	$T/snap $T/slabinfo-n.out | sort >$T/numa.got
if grep -q "No NUMA information" $T/slabinfo-n.out; then
	! awk '$2 != 0' $T/numa.want | grep -q . ||
		fail "slabinfo -n sees one node, kslab's slabs files show more"
elif ! cmp -s $T/numa.want $T/numa.got; then
	echo "real-tools: per-node slabs, sysfs:"; cat $T/numa.want
	echo "real-tools: per-node slabs, slabinfo -n:"; cat $T/numa.got
	fail "slabinfo -n misreads kslab's N<node>= breakdown"
fi
echo "real-tools: ok: slabinfo-n reads kslab's figures"

# slabinfo -a: kslab has no aliases.
run slabinfo-a slabinfo -a
! grep -q -- '<-' $T/slabinfo-a.out || fail "slabinfo -a shows aliases kslab does not have"

# slabinfo -t: alloc/free traces from debugfs (store_user caches only).
run slabinfo-t slabinfo -t "^$CACHE\$"
grep -q "^$CACHE: Kernel object allocation" $T/slabinfo-t.out ||
	fail "slabinfo -t printed no allocation section"
if [ "$(awk -v c=$CACHE '$1 == c { print $18 }' $T/snap)" = 1 ]; then
	# Live objects by allocating stack: the counts add up to objects_live.
	f=$DBG/$CACHE/alloc_traces
	live=$(awk -v c=$CACHE '$1 == c { print $23 }' $T/snap)
	sum=$(awk '/^ *[0-9]+ / { n += $1 } END { print n + 0 }' $f)
	[ "$sum" = "$live" ] || fail "$f: counts add up to $sum, objects_live is $live"
	# Its first group as slabinfo shows it (ages move on between reads).
	want=$(head -n 1 $f | sed 's/ age=[^ ]*//')
	[ -n "$want" ] || fail "$f is empty for a store_user cache with objects"
	sed 's/ age=[^ ]*//' $T/slabinfo-t.out | grep -qxF "$want" ||
		fail "slabinfo -t does not show $f"
	echo "$TAG: ok: slabinfo-t shows kslab's alloc traces ($sum objects)"
else
	echo "$TAG: $CACHE has no store_user: slabinfo -t shows no traces, as for SLUB"
fi
echo "real-tools: slabinfo and slabtop read kslab's files unchanged"
