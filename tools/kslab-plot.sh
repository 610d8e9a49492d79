#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kslab-plot.sh INPUT CACHE OUT.png - the host half (kslab-sample.sh is the
# guest half): draw one kslab cache over time with gnuplot, as the
# kernel's tools/mm/slabinfo-gnuplot.sh does for SLUB: memory held and
# live bytes (MiB, left axis) and the fast-path share of allocations and
# frees in each sampling interval (%, right axis). INPUT is a file of
# kslab-sample.sh lines or a console log where they carry the prefix
# "kslab-sample: ". Needs gnuplot (scripts/deps.sh gnuplot-nox).
set -euo pipefail

usage="usage: kslab-plot.sh INPUT CACHE OUT.png"
in=${1:?$usage}
cache=${2:?$usage}
out=${3:?$usage}
die() { echo "kslab-plot: FAILED: $*" >&2; exit 1; }

[ -r "$in" ] || die "cannot read $in"
command -v gnuplot >/dev/null || die "no gnuplot (bash scripts/deps.sh gnuplot-nox)"
dat=$(mktemp)
trap 'rm -f "$dat"' EXIT

# seconds from the first sample, MiB held, MiB live, fast-path % of the
# interval since the previous sample ("?" when nothing happened in it).
strip=p
grep -q '^kslab-sample: ' "$in" && strip='s/^kslab-sample: //p'
tr -d '\r' <"$in" | sed -n "$strip" |
awk -v c="$cache" '$1 == c && NF == 8 {
	ops = $5 + $6 + $7 + $8; fast = $5 + $7
	if (!n++) t0 = $2
	d = ops - last_ops
	rate = n > 1 && d > 0 ? sprintf("%.2f", 100 * (fast - last_fast) / d) : "?"
	printf "%.2f %.4f %.4f %s\n", $2 - t0, $3 / 1048576, $4 / 1048576, rate
	last_ops = ops; last_fast = fast }' >"$dat"
samples=$(wc -l <"$dat")
[ "$samples" -ge 2 ] || die "fewer than 2 samples of cache '$cache' in $in"
# Without counters (no sysfs in the guest) there is no rate to draw.
rate=", \"$dat\" using 1:4 axes x1y2 with points pt 7 ps 0.5 title \"fast path %\""
awk '$4 != "?"' "$dat" | grep -q . || rate=

gnuplot <<EOF || die "gnuplot could not draw $out"
set terminal pngcairo noenhanced size 1000,560 font "sans,10"
set output "$out"
set title "kslab cache $cache: $samples samples"
set datafile missing "?"
set xlabel "seconds"
set ylabel "MiB"
set y2label "fast path (% of allocs + frees per interval)"
set yrange [0:*]
set y2range [0:105]
set ytics nomirror
set y2tics 0,20,100
set grid
set offsets 0, 0, graph 0.08, 0
set key outside bottom center horizontal
plot "$dat" using 1:2 with lines lw 2 title "held (pages)", \
     "$dat" using 1:3 with lines lw 2 title "live (objects x size)" $rate
EOF
echo "kslab-plot: $out ($samples samples of $cache)"
