#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# judge-clients.sh LOG - did the real clients' workload pass in the guest
# whose console is LOG? Each file system (ext2, minix) must have said
# "clients: FS: PASSED: ..." (scripts/clients-guest.sh): a step that failed
# or never ran fails. Prints the PASSED lines.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

log=${1:?usage: judge-clients.sh LOG}
[ -f "$log" ] || die clients "no console log at $log"
lines=$(tr -d '\r' <"$log" | sed -nE 's/^.*(clients: [a-z0-9]+: (PASSED|FAILED).*)$/\1/p')
bad=$(grep ': FAILED' <<<"$lines" || true)
[ -z "$bad" ] || die clients "$(head -n 1 <<<"$bad")" "$log"
for fs in ext2 minix; do
	grep -q "^clients: $fs: PASSED" <<<"$lines" ||
		die clients "$fs: the workload did not finish (no PASSED line)" "$log"
done
echo "$lines"
