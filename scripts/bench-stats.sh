#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-stats.sh - what `make bench-stats` runs: the cost of kslab's
# always-on statistics. Two boots of the bench kernel on the instruction
# clock (ICOUNT: the same binary gives the same figures boot after boot):
# one with kslab as built, one with kslab built with KSLAB_NO_STATS=y
# (every statistics increment compiled out); the same workloads in both
# (default pair, batch, bulk, remote; $KSLAB_BENCH_PARAMS adds
# or overrides). Prints, per measurement, kslab's ns per op with and
# without the statistics and the difference in percent; writes
# build/bench/stats-cost.csv.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KSLAB_TOP"

params="workloads=pair,batch,bulk,remote ${KSLAB_BENCH_PARAMS:-}"
out=$KSLAB_BUILD/bench
log=$KSLAB_LOGS/bench-stats.log
: >"$log"
for v in with without; do
	echo "bench-stats: kslab $v statistics (ICOUNT; log: ${log#"$KSLAB_TOP"/})"
	nostats=
	[ $v = with ] || nostats=y
	KSLAB_ICOUNT=1 KSLAB_NO_STATS=$nostats KSLAB_BENCH_PARAMS=$params \
		bash scripts/bench.sh test >>"$log" 2>&1 || die bench-stats "the bench run $v statistics" "$log"
done

csv=$out/stats-cost.csv
echo "workload,param,size,kslab_ns_with,kslab_ns_without,cost_percent" >"$csv"
join -t, <(awk -F, '{ print $1 "/" $2 "/" $3 "," $4 }' "$out/results-icount.rows" | sort) \
	 <(awk -F, '{ print $1 "/" $2 "/" $3 "," $4 }' "$out/nostats/results-icount.rows" | sort) |
	awk -F, '$3 > 0 {
		split($1, k, "/")
		printf "%s,%s,%s,%s,%s,%.2f\n", k[1], k[2], k[3], $2, $3, 100 * ($2 - $3) / $3
	}' >>"$csv"
[ "$(wc -l <"$csv")" -gt 1 ] || die bench-stats "no rows to compare" "$log"
echo
echo "kslab's statistics: ns per op with and without them, ICOUNT clock, commit $(git describe --always --dirty)"
awk -F, '{ printf "%-9s %-16s %-6s %16s %16s %12s\n", $1, $2, $3, $4, $5, $6 }' "$csv"
sort -t, -k6 -g <(tail -n +2 "$csv") | awk -F, '
	{ c[NR] = $6 }
	END { printf "cost: median %.2f%%, largest %.2f%% over %d measurements\n", c[int((NR + 1) / 2)], c[NR], NR }'
