#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - what `make check` (and CI) runs: install what is missing,
# build the test kernel and every module, lint, boot the guest that loads
# kslab and every KUnit module (the project's, then $KSLAB_EXTRA_TESTS),
# then loads kslab afresh for the example client and a short torture
# ($KSLAB_TORTURE_DURATION, default 30 s), and judge the console log:
# tests, splats, the torture, and every page back after the unload. Its last line is "N passed, N failed,
# N skipped"; it exits 1 when a test failed, no test ran, lint failed,
# the guest did not power off by itself or the console shows a splat.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KSLAB_TOP"

setup_guest
failures=()
bash scripts/lint.sh || failures+=("checkpatch (see build/logs/lint.log)")

steps=$KSLAB_BUILD/check-steps.sh
{
	echo "kslab_insmod kslab ${KSLAB_PARAMS:-}"
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
	echo "kslab_insmod kslab_torture duration=${KSLAB_TORTURE_DURATION:-30}"
	echo "kslab_rmmod kslab_torture"
	echo "kslab_rmmod kslab"
	echo "kslab_memfree after"
} >"$steps"

bash scripts/initramfs.sh "$KSLAB_BUILD/initramfs-check.gz" "$steps" "${mods[@]}"
echo "check: booting the guest ($(grep -c kslab_test "$steps") test modules; console: build/console.log)"
bash scripts/boot.sh "$kdir/arch/x86/boot/bzImage" "$KSLAB_BUILD/initramfs-check.gz" \
	"$KSLAB_BUILD/console.log" batch ||
	failures+=("the guest did not finish by itself (see build/console.log)")

# parse.sh names each of its failures in a "FAILED:" line of its own.
report=$KSLAB_LOGS/parse.log
parse_ok=1
bash scripts/parse.sh "$KSLAB_BUILD/console.log" >"$report" || parse_ok=0
grep -vE '^[0-9]+ passed, ' "$report" || true
bash scripts/judge-torture.sh "$KSLAB_BUILD/console.log" ||
	failures+=("the torture (see build/console.log)")
bash scripts/judge-pages.sh "$KSLAB_BUILD/console.log" ||
	failures+=("pages not all back after kslab unloaded (see build/console.log)")
for f in "${failures[@]}"; do
	echo "check: FAILED: $f"
done
grep -E '^[0-9]+ passed, ' "$report" || echo "0 passed, 0 failed, 0 skipped"
[ ${#failures[@]} -eq 0 ] && [ $parse_ok = 1 ]
