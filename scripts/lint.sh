#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh - run the kernel's checkpatch.pl --strict over every C source and
# header of the project; any error, warning or check fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$(kernel_src)
[ -n "$src" ] || die lint "no kernel source tree under $KSLAB_BUILD/src (run scripts/kernel.sh test)"
log=$KSLAB_LOGS/lint.log
cd "$KSLAB_TOP"
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.c' '*.h' | sort)
[ ${#files[@]} -gt 0 ] || die lint "no source files found"
# module/compat.h is the one place allowed to test LINUX_VERSION_CODE.
cp=(perl "$src/scripts/checkpatch.pl" --strict --no-tree --terse --show-types)
compat=(--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON)
rc=0
{
	"${cp[@]}" -f $(printf '%s\n' "${files[@]}" | grep -vx module/compat.h) || rc=1
	"${cp[@]}" "${compat[@]}" -f module/compat.h || rc=1
} >"$log" 2>&1
if [ $rc -ne 0 ]; then
	grep -E 'ERROR|WARNING|CHECK' "$log" | head -n 30
	die lint "checkpatch --strict found problems in ${#files[@]} files" "$log"
fi
echo "lint: checkpatch --strict clean on ${#files[@]} files"
