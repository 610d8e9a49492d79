#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - what `make check` (and CI) runs: install what is missing,
# build the test kernel and every module, lint, boot the guest that loads
# kslab and every KUnit module (the project's, then $KSLAB_EXTRA_TESTS),
# then loads kslab afresh for the example client, a second of the
# benchmark and a short torture ($KSLAB_TORTURE_DURATION, default 30 s),
# and judge the console log: tests, splats, the torture, and every page
# back after the unload; last, `make compat` on Debian's stock kernels
# (KSLAB_COMPAT=0 skips it). Its last line is "N passed, N failed,
# N skipped"; it exits 1 when a test failed, no test ran, lint failed,
# the guest did not power off by itself or the console shows a splat.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KSLAB_TOP"

setup_guest
failures=()
bash scripts/lint.sh || failures+=("checkpatch (see build/logs/lint.log)")

# The guest's extra files: the userspace tools and their tests, then the user's.
files=$KSLAB_BUILD/check-files
rm -rf "$files" && mkdir -p "$files"
bash scripts/tools.sh "$files"
[ -z "${KSLAB_GUEST_FILES:-}" ] || cp -a "$KSLAB_GUEST_FILES/." "$files/"

steps=$KSLAB_BUILD/check-steps.sh
{
	echo "kslab_insmod kslab ${KSLAB_PARAMS:-}"
	# first, while no counter was cleared: the real slabinfo and slabtop
	# on kslab's files through bind mounts, and kslabtop
	echo "kslab_script /etc/kslab/tools/real-tools.sh"
	echo "kslab_script /etc/kslab/tools/kslabtop.sh"
	for m in "${mods[@]}"; do
		case "$m" in
		*/kunit/*|"$KSLAB_BUILD"/extra/*) echo "kslab_test $(basename "$m" .ko)" ;;
		esac
	done
	echo "kslab_rmmod kslab"
	# A fresh load: the example client, the torture, every page back.
	echo "kslab_memfree before"
	echo "kslab_insmod kslab ${KSLAB_PARAMS:-}"
	echo "kslab_test kslab_example"
	# the benchmark, for a second: it still works (make bench measures)
	echo "kslab_insmod kslab_bench quick=1 && kslab_rmmod kslab_bench"
	echo "kslab_insmod kslab_torture duration=${KSLAB_TORTURE_DURATION:-30}"
	echo "kslab_rmmod kslab_torture"
	echo "kslab_rmmod kslab"
	echo "kslab_memfree after"
} >"$steps"

KSLAB_GUEST_FILES=$files bash scripts/initramfs.sh "$KSLAB_BUILD/initramfs-check.gz" \
	"$steps" "${mods[@]}"
echo "check: booting the guest ($(grep -c kslab_test "$steps") test modules; console: build/console.log)"
bash scripts/boot.sh "$kdir/arch/x86/boot/bzImage" "$KSLAB_BUILD/initramfs-check.gz" \
	"$KSLAB_BUILD/console.log" batch ||
	failures+=("the guest did not finish by itself (see build/console.log)")

# parse.sh names each of its failures in a "FAILED:" line of its own.
report=$KSLAB_LOGS/parse.log
parse_ok=1
bash scripts/parse.sh "$KSLAB_BUILD/console.log" >"$report" || parse_ok=0
grep -vE '^[0-9]+ passed, ' "$report" || true
# Repeated last, so the tail of a CI log names them.
[ $parse_ok = 1 ] || failures+=("$(grep -m1 FAILED "$report" || echo "parse.sh") (all in build/logs/parse.log)")
bash scripts/judge-torture.sh "$KSLAB_BUILD/console.log" ||
	failures+=("the torture (see build/console.log)")
grep -q "kslab_bench: done" "$KSLAB_BUILD/console.log" ||
	failures+=("the benchmark's quick run did not finish (see build/console.log)")
bash scripts/judge-pages.sh "$KSLAB_BUILD/console.log" ||
	failures+=("pages not all back after kslab unloaded (see build/console.log)")
# The stock kernels (scripts/compat.sh); KSLAB_COMPAT=0 skips them.
if [ "${KSLAB_COMPAT:-1}" = 1 ]; then
	echo "check: make compat: Debian's stock 6.1 and 6.12 kernels (log: build/logs/compat.log)"
	bash scripts/compat.sh >"$KSLAB_LOGS/compat.log" 2>&1 ||
		failures+=("make compat (see build/logs/compat.log)")
	grep -E '^compat: .*(PASSED|FAILED)|^[0-9]+ passed, [0-9]+ failed$' "$KSLAB_LOGS/compat.log" |
		sed 's/^\([0-9]* passed\)/compat: \1/' | awk '!seen[$0]++' || true
fi
for f in "${failures[@]}"; do
	echo "check: FAILED: $f"
done
grep -E '^[0-9]+ passed, ' "$report" || echo "0 passed, 0 failed, 0 skipped"
[ ${#failures[@]} -eq 0 ]
