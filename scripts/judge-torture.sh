#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# judge-torture.sh LOG - judge the kslab_torture run in a guest console
# log: print its summary lines, and pass only with a final line
# "kslab-torture: N ops, 0 errors" with N > 0.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

log=${1:?usage: judge-torture.sh LOG}
tr -d '\r' <"$log" | grep -E 'kslab-torture: (---|phase |ERROR|inject=|[0-9]+ (ops|caches))' |
	sed 's/^\[ *[0-9.]*\] //' || true
final=$(tr -d '\r' <"$log" |
	sed -nE 's/^(\[ *[0-9]+\.[0-9]+\] )?kslab-torture: ([0-9]+) ops, ([0-9]+) errors$/\2 \3/p' | tail -n 1)
[ -n "$final" ] || die torture "no final 'kslab-torture: N ops, M errors' line" "$log"
read -r ops errors <<<"$final"
[ "$ops" -gt 0 ] || die torture "the torture ran 0 ops" "$log"
# the first error's own line, so a one-line summary (make compat, CI) says what
first=$(tr -d '\r' <"$log" | sed -nE 's/^(\[ *[0-9.]+\] )?kslab-torture: ERROR: //p' | head -n 1)
[ "$errors" -eq 0 ] || die torture "the torture counted $errors errors${first:+ (first: $first)}" "$log"
echo "torture: PASSED: $ops ops, 0 errors"
