#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - what `make check` (and CI) runs: install what is missing,
# build the test kernel and every module, lint, boot the guest that loads
# kslab and every KUnit module (the project's, then $KSLAB_EXTRA_TESTS),
# and judge the console log. Ends with "N passed, N failed, N skipped".
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KSLAB_TOP"

bash scripts/deps.sh
kdir=$(bash scripts/kernel.sh test)

lint_ok=1
bash scripts/lint.sh || lint_ok=0

bash scripts/modules.sh "$kdir" >"$KSLAB_BUILD/modules.list"
mapfile -t mods <"$KSLAB_BUILD/modules.list"

steps=$KSLAB_BUILD/check-steps.sh
{
	echo "kslab_insmod kslab ${KSLAB_PARAMS:-}"
	for m in "${mods[@]}"; do
		case "$m" in
		*/kunit/*|"$KSLAB_BUILD"/extra/*) echo "kslab_test $(basename "$m" .ko)" ;;
		esac
	done
	echo "kslab_rmmod kslab"
} >"$steps"

bash scripts/initramfs.sh "$KSLAB_BUILD/initramfs-check.gz" "$steps" "${mods[@]}"
echo "check: booting the guest ($(grep -c kslab_test "$steps") test modules; console: build/console.log)"
boot_ok=1
KSLAB_TIMEOUT=${KSLAB_TIMEOUT:-900} bash scripts/boot.sh "$kdir/arch/x86/boot/bzImage" \
	"$KSLAB_BUILD/initramfs-check.gz" "$KSLAB_BUILD/console.log" batch || boot_ok=0

[ -f "$KSLAB_BUILD/console.log" ] || die check "no console log" 
summary=$(bash scripts/parse.sh "$KSLAB_BUILD/console.log") && parse_ok=1 || parse_ok=0
echo "$summary" | sed '$d'
[ $lint_ok = 1 ] || echo "check: FAILED: checkpatch (see build/logs/lint.log)"
[ $boot_ok = 1 ] || echo "check: FAILED: the guest did not finish cleanly (see build/console.log)"
echo "$summary" | tail -n 1
[ $lint_ok = 1 ] && [ $boot_ok = 1 ] && [ $parse_ok = 1 ]
