#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# parse.sh LOG - judge a guest console log. Splits it into its KTAP
# documents (every KUnit module prints its own, after the built-in run's
# empty one; kunit.py parse stops after the first), parses each with the
# kernel's own tools/testing/kunit/kunit.py, prints the summaries, scans
# for kernel splats (scan.sh) and ends with "N passed, N failed, N skipped".
# Exit status 0 only when tests ran, none failed and the log is clean.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

log=${1:?usage: parse.sh LOG}
src=$(kernel_src)
[ -f "$src/.kslab-extracted" ] || die parse "no kernel source tree at ${src:-build/src} (scripts/kernel.sh source extracts it)"
dir=$KSLAB_BUILD/ktap
rm -rf "$dir" && mkdir -p "$dir"

# One file per top-level KTAP document: it starts at an unindented
# "KTAP version 1" line (after the printk timestamp) and runs to the next.
# A guest line ("kslab-guest: ...") the console printed in front of a
# kernel line, before its own end of line, is split off first: on
# PREEMPT_RT the kernel prints from a thread, after the guest's next
# step has begun, and "kslab-guest: rmmod x[  1.2]     ok 1 y" hid a
# test's result from the parser.
tr -d '\r' <"$log" |
	sed -E 's/^(kslab-guest: [^[]*)(\[ *[0-9]+\.[0-9]+\] )/\1\n\2/' |
	awk -v dir="$dir" '
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
	# The built-in run's empty document ("1..0") is no failure, wherever
	# its plan line is: a driver's line ("input: ImExPS/2 ...") may come
	# between it and "KTAP version 1", and kunit.py then reports an error.
	if [ "$p$s$f" = 000 ] && grep -qE '^(\[ *[0-9]+\.[0-9]+\] )?1\.\.0$' "$doc" &&
		! grep -qE '^(\[ *[0-9]+\.[0-9]+\] )? *(not )?ok [0-9]' "$doc"; then
		continue
	fi
	# kunit.py's report less its line per passed case (still in *.out).
	grep -vE '^\[..:..:..\] (\[PASSED\] |Test results stored in)|^\s*$' "${doc%.log}.out" || true
	if [ "$prc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "parse: $(basename "$doc"): the parser reports an error (incomplete or crashed document); see ${doc%.log}.out"
		f=1
	fi
	passed=$((passed + p)) skipped=$((skipped + s)) failed=$((failed + f))
done

# A kernel splat or a failed guest step fails the run even when every
# test passed.
bash "$KSLAB_TOP/scripts/scan.sh" "$log" || bad=1

total=$((passed + failed + skipped))
[ "$total" -gt 0 ] || { echo "parse: FAILED: no test ran (see $log)"; bad=1; }
[ "$failed" -eq 0 ] || { echo "parse: FAILED: $failed test cases failed (report above; see $log)"; bad=1; }
echo "$passed passed, $failed failed, $skipped skipped"
[ "$bad" -eq 0 ]
