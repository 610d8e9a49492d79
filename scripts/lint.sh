#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh - run the kernel's checkpatch.pl --strict --no-tree over every
# C source, header, Kbuild file and Makefile of the project (any error,
# warning or check fails), and `sh -n` over its shell scripts, which
# checkpatch does not understand.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$(kernel_src)
[ -f "$src/.kslab-extracted" ] || die lint "no kernel source tree at ${src:-build/src} (scripts/kernel.sh source extracts it)"
log=$KSLAB_LOGS/lint.log
cd "$KSLAB_TOP"
mapfile -t files < <(git ls-files -co --exclude-standard -- \
	'*.c' '*.h' Kbuild '*/Kbuild' Makefile | sort)
mapfile -t shells < <(git ls-files -co --exclude-standard -- \
	'*.sh' scripts/guest-init .ci/run | sort)
[ ${#files[@]} -gt 0 ] || die lint "no source files found"
# module/compat.h is the one place allowed to test LINUX_VERSION_CODE.
cp=(perl "$src/scripts/checkpatch.pl" --strict --no-tree --terse --show-types)
compat=(--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON)
rc=0
{
	"${cp[@]}" -f $(printf '%s\n' "${files[@]}" | grep -vx module/compat.h) || rc=1
	"${cp[@]}" "${compat[@]}" -f module/compat.h || rc=1
	# The guest's scripts run in busybox sh, the host's in bash.
	for f in "${shells[@]}"; do
		case "$f" in
		scripts/guest-init|examples/*|tests/*) sh -n "$f" || rc=1 ;;
		*) bash -n "$f" || rc=1 ;;
		esac
	done
} >"$log" 2>&1
if [ $rc -ne 0 ]; then
	grep -E 'ERROR|WARNING|CHECK|syntax error' "$log" | head -n 30
	die lint "checkpatch --strict or sh -n found problems" "$log"
fi
echo "lint: checkpatch --strict clean on ${#files[@]} files, sh -n on ${#shells[@]} scripts"
