#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# parse.sh LOG - judge a guest console log. Splits it into its KTAP
# documents (every KUnit module prints its own, after the built-in run's
# empty one; kunit.py parse stops after the first), parses each with the
# kernel's own tools/testing/kunit/kunit.py, prints the summaries, scans
# for kernel splats and ends with "N passed, N failed, N skipped".
# Exit status 0 only when tests ran, none failed and the log is clean.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

log=${1:?usage: parse.sh LOG}
src=$(kernel_src)
[ -n "$src" ] || die parse "no kernel source tree under $KSLAB_BUILD/src"
dir=$KSLAB_BUILD/ktap
rm -rf "$dir" && mkdir -p "$dir"

# One file per top-level KTAP document: it starts at an unindented
# "KTAP version 1" line (after the printk timestamp) and runs to the next.
tr -d '\r' <"$log" | awk -v dir="$dir" '
	/^(\[ *[0-9]+\.[0-9]+\] )?KTAP version 1$/ { n++; out = sprintf("%s/doc-%03d.log", dir, n) }
	n { print > out }'

passed=0 failed=0 skipped=0 bad=0
for doc in "$dir"/doc-*.log; do
	[ -e "$doc" ] || continue
	json=${doc%.log}.json
	prc=0
	python3 "$src/tools/testing/kunit/kunit.py" parse --json="$json" "$doc" >"${doc%.log}.out" 2>&1 || prc=$?
	[ -s "$json" ] || echo '{}' >"$json"
	counts=$(jq -r '[.. | objects | .test_cases? // empty | .[].status] |
		"\(map(select(. == "PASS")) | length) \(map(select(. == "SKIP")) | length) \(map(select(. != "PASS" and . != "SKIP")) | length)"' "$json")
	read -r p s f <<<"$counts"
	# The built-in run's empty document ("1..0") is no failure.
	if [ "$p$s$f" = 000 ] && sed -n 2p "$doc" | grep -qE '(^|\] )1\.\.0$'; then
		continue
	fi
	grep -v '^\s*$' "${doc%.log}.out" | grep -E '^\[..:..:..\] (=+|Testing complete|Ran|\[FAILED\]|\[CRASHED\]|\[ERROR\]|.*ERROR)' || true
	if [ "$prc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "parse: $(basename "$doc"): the parser reports an error (incomplete or crashed document); see ${doc%.log}.out"
		f=1
	fi
	passed=$((passed + p)) skipped=$((skipped + s)) failed=$((failed + f))
done

# A kernel splat fails the run even when every test passed. kslab's own
# contained reports start with "kslab: <cache>:" and never match these.
splats='WARNING:|BUG:|Oops|general protection fault|Kernel panic|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|INFO: task .* blocked|INFO: trying to register non-static key|INFO: lockdep is turned off|DEBUG_LOCKS_WARN_ON|list_(add|del) corruption|UBSAN:|stack-protector|watchdog: BUG|rcu: INFO'
if grep -nE "$splats" "$log" >"$dir/splats.txt"; then
	echo "parse: the console shows kernel splats ($log):"
	head -n 10 "$dir/splats.txt" | sed 's/^/    /'
	bad=1
fi
if grep -n "kslab-guest: FAILED" "$log" >"$dir/steps.txt"; then
	echo "parse: guest steps failed:"
	sed 's/^/    /' "$dir/steps.txt"
	bad=1
fi

total=$((passed + failed + skipped))
echo "$passed passed, $failed failed, $skipped skipped"
[ "$total" -gt 0 ] || { echo "parse: FAILED: no test ran (log: $log)"; exit 1; }
[ "$failed" -eq 0 ] && [ "$bad" -eq 0 ] || exit 1
