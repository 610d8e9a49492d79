#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# judge-pages.sh LOG - did every page kslab took come back? Two views of
# a guest console log: kslab's own count at each unload ("kslab:
# unloaded; 0 pages still held", exact), and the guest's free memory
# measured by kslab_memfree before a load of kslab and after its unload
# ("kslab-guest: memfree before|after N kB"), which must agree within
# $KSLAB_MEMFREE_SLACK kB (default 2048: the kernel's own caches move a
# little while modules load and unload).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

log=${1:?usage: judge-pages.sh LOG}
slack=${KSLAB_MEMFREE_SLACK:-2048}
held=$(tr -d '\r' <"$log" | sed -nE 's/.*kslab: unloaded; ([0-9]+) pages still held.*/\1/p')
[ -n "$held" ] || die pages "kslab never reported its unload" "$log"
# kslab's own words on what it kept (cache_exit()), for a one-line summary
kept=$(tr -d '\r' <"$log" | sed -nE 's/^(\[ *[0-9.]+\] )?kslab: (.*(destroyed with|never destroyed).*)/\2/p' |
	head -n 2 | paste -sd ';' -)
for n in $held; do
	[ "$n" -eq 0 ] || die pages "kslab still held $n pages at an unload${kept:+ ($kept)}" "$log"
done
before=$(tr -d '\r' <"$log" | sed -nE 's/.*kslab-guest: memfree before ([0-9]+) kB.*/\1/p' | tail -n 1)
after=$(tr -d '\r' <"$log" | sed -nE 's/.*kslab-guest: memfree after ([0-9]+) kB.*/\1/p' | tail -n 1)
if [ -n "$before" ] && [ -n "$after" ]; then
	echo "pages: free memory before kslab loaded ${before} kB, after it unloaded ${after} kB ($((after - before)) kB)"
	[ $((before - after)) -le "$slack" ] ||
		die pages "$((before - after)) kB fewer free after kslab unloaded (slack ${slack} kB)" "$log"
fi
echo "pages: kslab held 0 pages at each of its $(wc -w <<<"$held") unloads"
