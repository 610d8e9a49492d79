#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# plot.sh [CACHE...] - run in the guest with kslab loaded and the example
# client not loaded: sample each CACHE (default: example_packet and
# kmalloc-64) with kslab-sample while the client's workload runs, the
# client unloads and the caches left are shrunk, then print the samples on
# the console as "kslab-sample: " lines, from which tools/kslab-plot.sh
# draws a PNG per cache on the host. Fails when a sampler saw too few
# samples or never a live object.
set -eu
set -o pipefail

TAG=plot
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || set -- example_packet kmalloc-64
! grep -q "^$CACHE " "$PROC" || fail "the example client is loaded: its workload would go unseen"

pids=""
for c in "$@"; do
	kslab-sample "$c" "$T/$c" 0.05 &
	pids="$pids $!"
done
sleep 0.5
insmod /lib/kslab/kslab_example.ko || fail "insmod kslab_example"
sleep 1
rmmod kslab_example || fail "rmmod kslab_example"
sleep 1
for c in "$@"; do
	[ ! -e "$SYS/$c/shrink" ] || echo 1 >"$SYS/$c/shrink" || fail "writing 1 to $SYS/$c/shrink"
done
sleep 1
# The client's caches are gone and their samplers done; stop the others.
kill $pids 2>/dev/null || true
wait $pids || true
for c in "$@"; do
	awk -v c="$c" '$1 == c && NF == 8 { n++; if ($4 > 0) live = 1 }
		END { exit !(n >= 10 && live) }' "$T/$c" ||
		fail "$c: fewer than 10 samples or no live object in $T/$c"
	sed 's/^/kslab-sample: /' "$T/$c"
	echo "$TAG: $(grep -c . "$T/$c") samples of $c"
done
