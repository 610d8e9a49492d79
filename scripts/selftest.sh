#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftest.sh - `make selftest`: prove that `make check` fails when it
# must, with the fixtures in tests/harness/: a KUnit case that fails, a
# module that splats, a guest that never powers off (loading only kslab
# and the module that hangs, with a short $KSLAB_TIMEOUT) and a guest
# that runs no test. Each run must exit non-zero and say why. Then the splat scan must pass the real console
# log of that run (this kernel's boot, lockdep on) and kslab's own
# reports, and catch each kind of splat added to it. One guest at a time.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KSLAB_TOP"
# The stock kernels are not what these runs prove: make check alone runs them.
export KSLAB_COMPAT=0
# One boot a run is enough to prove a failure is seen (make check: three).
export KSLAB_CHECK_BOOTS=${KSLAB_CHECK_BOOTS:-test}

fx=tests/harness
bad=0

# expect NAME PATTERN CMD...: CMD must exit non-zero and print a line
# matching PATTERN (an extended regex).
expect() {
	local name=$1 pattern=$2 out=$KSLAB_LOGS/selftest-$1.log rc=0
	shift 2
	"$@" >"$out" 2>&1 || rc=$?
	if [ $rc -eq 0 ]; then
		echo "selftest: $name: FAILED: '$*' exited 0 (see $out)"
		bad=$((bad + 1))
	elif ! grep -qE -- "$pattern" "$out"; then
		echo "selftest: $name: FAILED: no line matches /$pattern/ (see $out)"
		bad=$((bad + 1))
	else
		echo "selftest: $name: ok, exit $rc: $(grep -m 1 -E -- "$pattern" "$out")"
	fi
}

echo "selftest: four runs of make check, each must fail (logs: build/logs/selftest-*.log)"
expect failing-test '^[0-9]+ passed, 1 failed' make check KSLAB_EXTRA_TESTS=$fx/fail
cp "$KSLAB_BUILD/console.log" "$KSLAB_BUILD/selftest-clean.log"
expect splat 'scan: FAILED: the console shows kernel splats' \
	make check KSLAB_EXTRA_TESTS=$fx/splat
expect hang "did not power off within 60s \(hung\)" make check \
	KSLAB_EXTRA_TESTS=$fx/hang KSLAB_GUEST_FILES=$fx/hang/guest KSLAB_TIMEOUT=60
grep -q 'kslab_harness_hang: hanging on purpose' "$KSLAB_BUILD/console.log" || {
	echo "selftest: hang: FAILED: the guest was killed before it reached the hang"
	bad=$((bad + 1))
}
expect no-tests 'parse: FAILED: no test ran' make check KSLAB_GUEST_FILES=$fx/no-tests

# The scan on a real log: clean as it is, and with each splat added.
clean=$KSLAB_BUILD/selftest-clean.log
lines=("[   12.345678] kslab: kunit_core_x: invalid free: BUG: not an object of this cache"
       "[   12.345679] kslab: kunit_core_x: fixed: free of 00000000deadbeef refused")
printf '%s\n' "${lines[@]}" >>"$clean"
if bash scripts/scan.sh "$clean" >"$KSLAB_LOGS/selftest-scan.log"; then
	echo "selftest: scan: ok, a real console log with kslab's own reports passes"
else
	echo "selftest: scan: FAILED: false alarm on a clean log (see $KSLAB_LOGS/selftest-scan.log)"
	bad=$((bad + 1))
fi
splats=("WARNING: CPU: 1 PID: 80 at mm/slub.c:100 f+0x1/0x2"
	"BUG: sleeping function called from invalid context at mm/slub.c:100"
	"BUG: kernel NULL pointer dereference, address: 0000000000000008"
	"Oops: general protection fault, probably for non-canonical address 0xdead"
	"general protection fault, probably for non-canonical address 0xdead: 0000 [#1]"
	"Kernel panic - not syncing: Fatal exception"
	"kernel BUG at mm/slub.c:100!"
	"WARNING: possible circular locking dependency detected"
	"WARNING: inconsistent lock state"
	"WARNING: suspicious RCU usage"
	"rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:"
	"BUG: scheduling while atomic: insmod/80/0x00000002"
	"kslab-guest: FAILED: insmod kslab")
missed=0
for s in "${splats[@]}"; do
	{ cat "$clean"; echo "[   13.000000] $s"; } >"$KSLAB_BUILD/selftest-splat.log"
	if bash scripts/scan.sh "$KSLAB_BUILD/selftest-splat.log" >/dev/null; then
		echo "selftest: scan: FAILED: missed '$s'"
		missed=$((missed + 1))
	fi
done
[ $missed -eq 0 ] && echo "selftest: scan: ok, caught all ${#splats[@]} kinds of splat"
bad=$((bad + missed))

[ $bad -eq 0 ] || die selftest "$bad checks failed (logs: build/logs/selftest-*.log)"
echo "selftest: all checks passed"
