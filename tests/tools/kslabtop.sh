#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kslabtop.sh - run in the guest with kslab loaded: check that kslabtop
# shows every kslab cache with the figures of /proc/kslabinfo and
# /sys/kernel/kslab (table, header totals, JSON), sorts by the key asked,
# falls back to /proc/kslabinfo alone when sysfs files are missing,
# refreshes, and refuses bad options with one line and a non-zero status.
# Loads the example client for busy caches when it is not loaded. Ends
# with "kslabtop: FAILED: ..." and status 1 on the first wrong figure.
set -eu
set -o pipefail

TAG=kslabtop
. "$(dirname "$0")/lib.sh"
trap example_unload EXIT
example_load
[ -d "$SYS" ] || fail "no $SYS"

# kt ARGS...: kslabtop, on kslab's own files unless told other paths.
kt() {
	if [ -n "${KSLAB_PROC:-}${KSLAB_SYS:-}" ]; then
		kslabtop --proc "$PROC" --sysfs "$SYS" "$@"
	else
		kslabtop "$@"
	fi
}

# The rows, as kslabtop computes them from the snapshot's columns.
rows='
function pct(part, whole) { return whole ? sprintf("%.1f%%", 100 * part / whole) : "-" }
FNR == NR { want[$1] = 1; n++; ta += $23; to += $3
	bytes = $24 * P; live = $23 * $9; ops = $13 + $14 + $15 + $16
	line[$1] = sprintf("%d %d %d %dK %s %dK %s %s", $3, $23, $9, bytes / 1024,
			   pct(live, bytes), (bytes > live ? bytes - live : 0) / 1024,
			   pct($13 + $15, ops), pct($25, $15 + $16))
	next }
/Active \/ Total Objects/ { if ($6 != ta || $8 != to) print "header: " $6 " / " $8 ", want " ta " / " to }
/Active \/ Total Caches/ { if ($8 != n) print "header: " $8 " caches, want " n }
NF == 9 && $1 ~ /^[0-9]+$/ { rows++
	if (!($9 in want)) { print "not a kslab cache: " $9; next }
	got = $1 " " $2 " " $3 " " $4 " " $5 " " $6 " " $7 " " $8
	if (got != line[$9]) print $9 ": \"" got "\", want \"" line[$9] "\""
	seen[$9] = 1 }
END { for (c in want) if (!(c in seen)) print c ": missing"
	if (rows != n) print rows " rows, want " n }'
run table kt --once
check table "$rows"

run json kt --json
check json '
FNR == NR { want[$1] = sprintf("{\"name\":\"%s\",\"objects\":%d,\"active\":%d,\"slabs\":%d,\"objsize\":%d,\"cache_bytes\":%d,", $1, $3, $23, $7, $9, $24 * P); next }
{ for (c in want) if (index($0, want[c]) == 1) seen[c] = 1 }
END { for (c in want) if (!(c in seen)) print c ": no \"" want[c] "\"" }'

# -s c: CACHE never grows down the table; -s n: names in order.
run sort-c kt --once -s c
check sort-c 'FNR == NR { next }
NF == 9 && $1 ~ /^[0-9]+$/ { k = $4 + 0; if (rows++ && k > last) print "CACHE " k " after " last; last = k }'
run sort-n kt --once -s n
check sort-n 'FNR == NR { next }
NF == 9 && $1 ~ /^[0-9]+$/ { if (rows++ && $9 < last) print $9 " after " last; last = $9 }'

# Without sysfs: /proc/kslabinfo's active objects, "-" for the rates.
run nosysfs kt --once --sysfs /nonexistent
check nosysfs 'FNR == NR { want[$1] = $3 " " $2; next }
NF == 9 && $1 ~ /^[0-9]+$/ { if ($1 " " $2 != want[$9] || $7 != "-" || $8 != "-")
	print $9 ": " $0 ", want " want[$9] " and no rates" }'

# Two screens one second apart (not a terminal: no screen clearing).
run refresh kt -n 2 -d 1
[ "$(grep -c 'Active / Total Objects' $T/refresh.out)" = 2 ] || fail "-n 2 did not print two screens"

# Bad input: one line on stderr, status non-zero, nothing on stdout.
for bad in "-s x" "-d 0" "-n -1" "--proc /nonexistent --once" "--bogus" "extra"; do
	if kt $bad >$T/bad.out 2>$T/bad.err; then
		fail "kslabtop $bad succeeded"
	fi
	[ ! -s $T/bad.out ] && [ "$(grep -c . $T/bad.err)" = 1 ] ||
		fail "kslabtop $bad: want one line on stderr and nothing else"
	echo "$TAG: ok: kslabtop $bad -> $(head -n 1 $T/bad.err)"
done
echo "$TAG: kslabtop shows kslab's figures"
