#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scan.sh LOG - scan a guest console log for what fails a run whatever the
# tests say: kernel splats (WARNING:, BUG:, Oops, general protection
# fault, Kernel panic, lockdep and RCU splats, sleeping in atomic
# context, ...) and steps of the guest's init that failed. Prints what it
# found and exits 1 then. kslab's own reports ("kslab: <cache>: ...",
# provoked on purpose by tests) are left out: they never fail a run; so
# are the KASAN reports ("BUG: KASAN: ...") the KASAN suites provoke on
# purpose, each between their markers "kslab-kasan: report expected" and
# "kslab-kasan: end of expected report" (kunit/kasan_upstream_kunit.c,
# kunit/kasan_kunit.c).
# Any other KASAN report is a splat.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

log=${1:?usage: scan.sh LOG}
[ -f "$log" ] || die scan "no console log at $log"

# Matched anywhere in a line: console lines of the kernel and of the
# guest's shell can run into each other on the serial port.
splats='WARNING:|BUG:|kernel BUG at|Oops|general protection fault|Kernel panic'
splats+='|possible circular locking|possible recursive locking|inconsistent lock state'
splats+='|suspicious RCU usage|INFO: trying to register non-static key|DEBUG_LOCKS_WARN_ON'
splats+='|lockdep is turned off|sleeping function called from invalid context'
splats+='|scheduling while atomic|detected stalls? on CPU|INFO: task .* blocked for'
splats+='|list_(add|del) corruption|UBSAN:|ODEBUG:'
# kslab's reports: its pr_fmt, then the cache's name and a colon (after
# the line number grep -n puts first).
ours='^[0-9]+:(\[ *[0-9]+\.[0-9]+\] )?kslab: [^ ]+: '

# The log numbered as grep -n does, an expected KASAN report's first line
# replaced by a note.
numbered() {
	tr -d '\r' <"$log" | awk '
		/kslab-kasan: report expected/ { expect = 1 }
		/kslab-kasan: end of expected report/ { expect = 0 }
		expect && /BUG: KASAN: / { $0 = "(an expected KASAN report)" }
		{ print NR ":" $0 }'
}

rc=0
hits=$(numbered | grep -E "^[0-9]+:.*($splats)" | grep -vE "$ours" || true)
if [ -n "$hits" ]; then
	echo "scan: FAILED: the console shows kernel splats (see $log):"
	head -n 10 <<<"$hits" | sed 's/^/    /'
	rc=1
fi
steps=$(grep -n "kslab-guest: FAILED" "$log" || true)
if [ -n "$steps" ]; then
	echo "scan: FAILED: steps in the guest failed (see $log):"
	sed 's/^/    /' <<<"$steps"
	rc=1
fi
exit $rc
