#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kslab-sample.sh CACHE FILE [INTERVAL [MAX]] - the guest half of
# kslab-plot.sh: sample one kslab cache every INTERVAL seconds (default
# 0.1) into FILE, from when the cache appears until it is destroyed or
# MAX samples were taken (default 3000). One line per sample:
#   CACHE seconds held_bytes live_bytes alloc_fast alloc_slow free_fast free_slow
# seconds from /proc/uptime; held = pages the cache holds x page size;
# live = live objects x object size; the four counters are cumulative
# (kslab-plot.sh turns them into a rate). The files are read one after
# the other, live objects before pages, so that a growing cache cannot
# show more live bytes than it holds. Without /sys/kernel/kslab it
# falls back to /proc/kslabinfo (held = slabs, live = active objects x
# slab stride, counters 0). Runs under busybox sh; print FILE with the
# prefix "kslab-sample: " on the console for the host to pick up.
set -eu
set -o pipefail

cache=${1:?usage: kslab-sample.sh CACHE FILE [INTERVAL [MAX]]}
file=${2:?usage: kslab-sample.sh CACHE FILE [INTERVAL [MAX]]}
interval=${3:-0.1}
max=${4:-3000}
sys=/sys/kernel/kslab/$cache
page=4096			# the guest is x86-64

# val FILE: the leading number of a sysfs file into $v; 1 when it is gone.
val() {
	read -r v _ <"$1" 2>/dev/null
}

# sample: one line for the cache, or status 1 when it does not exist.
sample() {
	read -r now _ </proc/uptime
	if [ -d "$sys" ]; then
		val "$sys/objects_live" && objs=$v &&
		val "$sys/pages" && pages=$v &&
		val "$sys/object_size" && size=$v &&
		val "$sys/alloc_fastpath" && af=$v && val "$sys/alloc_slowpath" && as=$v &&
		val "$sys/free_fastpath" && ff=$v && val "$sys/free_slowpath" && fs=$v ||
			return 1
		echo "$cache $now $((pages * page)) $((objs * size)) $af $as $ff $fs"
		return 0
	fi
	awk -v c="$cache" -v t="$now" -v p=$page '$1 == c {
		print c, t, $15 * $6 * p, $2 * $4, 0, 0, 0, 0; found = 1 }
		END { exit !found }' /proc/kslabinfo
}

n=0
seen=0
: >"$file"
while [ $n -lt "$max" ]; do
	n=$((n + 1))
	if sample >>"$file"; then
		seen=1
	elif [ $seen = 1 ]; then
		break
	fi
	sleep "$interval"
done
[ $seen = 1 ] || { echo "kslab-sample: $cache never appeared" >&2; exit 1; }
