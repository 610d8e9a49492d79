#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-plot.sh DIR - draw DIR/ratios.png from DIR/results.csv with
# bench/ratios.gp: the ratio kslab/SLUB of every measurement, one bar per
# clock (wall, icount), time workloads above and memory (M, defrag, the
# client group's pages) below.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=${1:?usage: bench-plot.sh DIR}
csv=$dir/results.csv
[ -f "$csv" ] || die plot "no $csv (run make bench first)"
command -v gnuplot >/dev/null || die plot "no gnuplot (scripts/deps.sh gnuplot-nox)"

# One line per measurement: label, wall ratio, icount ratio ("?" if absent).
split_rows() {
	awk -F, -v want="$1" '
	NR > 1 && (($1 == "memory" || $1 == "defrag" || $1 == "client" && $2 != "ext2") == (want == "memory")) {
		k = $1 " " $2 " " $3
		if (!(k in seen)) { seen[k] = 1; order[++n] = k }
		r[k, $7] = $6 == "-" ? "?" : $6
	}
	END {
		for (i = 1; i <= n; i++) {
			k = order[i]; gsub(/ /, "/", k)
			w = (order[i], "wall") in r ? r[order[i], "wall"] : "?"
			c = (order[i], "icount") in r ? r[order[i], "icount"] : "?"
			printf "\"%s\" %s %s\n", k, w, c
		}
	}' "$csv"
}
split_rows time >"$dir/plot-time.dat"
split_rows memory >"$dir/plot-memory.dat"
meta=$(cat "$dir"/meta-*.txt 2>/dev/null | tr '\n' ' ')
gnuplot -e "timedat='$dir/plot-time.dat'; memdat='$dir/plot-memory.dat'; out='$dir/ratios.png'; meta='$meta'" \
	"$KSLAB_TOP/bench/ratios.gp" >"$KSLAB_LOGS/gnuplot.log" 2>&1 ||
	die plot "gnuplot failed" "$KSLAB_LOGS/gnuplot.log"
