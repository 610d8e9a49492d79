#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# plot.sh - run in the guest with kslab loaded and the example client not
# loaded: sample example_packet and kmalloc-64 (kslab-sample) while the
# client's workload runs, the client unloads and kmalloc-64 is shrunk,
# then print the samples on the console as "kslab-sample: " lines, from
# which tools/kslab-plot.sh draws PNGs on the host. Fails when a sampler
# saw too few samples or never a live object.
set -eu
set -o pipefail

TAG=plot
. "$(dirname "$0")/lib.sh"
! grep -q "^$CACHE " "$PROC" || fail "the example client is loaded: its workload would go unseen"

kslab-sample example_packet $T/example_packet 0.05 &
packet=$!
kslab-sample kmalloc-64 $T/kmalloc-64 0.05 &
k64=$!
sleep 0.5
insmod /lib/kslab/kslab_example.ko || fail "insmod kslab_example"
sleep 1
rmmod kslab_example || fail "rmmod kslab_example"
sleep 1
if [ -e "$SYS/kmalloc-64/shrink" ]; then
	echo 1 >"$SYS/kmalloc-64/shrink" || fail "writing 1 to $SYS/kmalloc-64/shrink"
fi
sleep 1
kill $k64
wait $packet || fail "kslab-sample example_packet"
for c in example_packet kmalloc-64; do
	awk -v c=$c '$1 == c && NF == 8 { n++; if ($4 > 0) live = 1 }
		END { exit !(n >= 10 && live) }' $T/$c ||
		fail "$c: fewer than 10 samples or no live object in $T/$c"
	sed 's/^/kslab-sample: /' $T/$c
	echo "$TAG: $(grep -c . $T/$c) samples of $c"
done
