#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# torture.sh - what `make torture` runs: build the test kernel and every
# module, boot the guest that loads kslab and then kslab_torture for
# $DURATION seconds (default 30; $KSLAB_TORTURE_PARAMS adds module
# parameters, e.g. "seed=42 hotplug=0"; $KSLAB_TOPOLOGY the guest's CPUs
# and NUMA nodes, see scripts/boot.sh), unload both, and judge the
# console log (build/torture-console.log). It passes only with the line
# "kslab-torture: N ops, 0 errors" (N > 0), no kernel splat and no failed
# guest step (scan.sh), every page back (judge-pages.sh), and the guest
# powered off.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KSLAB_TOP"

duration=${DURATION:-30}
[[ $duration =~ ^[1-9][0-9]{0,4}$ ]] ||
	die torture "DURATION=$duration: want whole seconds, 1 to 99999"
log=$KSLAB_BUILD/torture-console.log

bash scripts/deps.sh
kdir=$(bash scripts/kernel.sh test)
bash scripts/modules.sh "$kdir" >"$KSLAB_BUILD/modules.list"
mapfile -t built <"$KSLAB_BUILD/modules.list"
mods=()
for m in "${built[@]}"; do
	case "$m" in */module/kslab.ko|*/torture/kslab_torture.ko) mods+=("$m") ;; esac
done
[ ${#mods[@]} -eq 2 ] || die torture "kslab.ko or kslab_torture.ko was not built" "$KSLAB_LOGS/modules.log"

steps=$KSLAB_BUILD/torture-steps.sh
{
	echo "kslab_memfree before"
	echo "kslab_insmod kslab ${KSLAB_PARAMS:-}"
	echo "kslab_insmod kslab_torture duration=$duration ${KSLAB_TORTURE_PARAMS:-}"
	echo "kslab_rmmod kslab_torture"
	echo "kslab_rmmod kslab"
	echo "kslab_memfree after"
} >"$steps"
bash scripts/initramfs.sh "$KSLAB_BUILD/initramfs-torture.gz" "$steps" "${mods[@]}"

timeout_s=${KSLAB_TIMEOUT:-$((2 * duration + 300))}
echo "torture: booting the guest (topology ${KSLAB_TOPOLOGY:-default}) for ${duration}s of torture (timeout ${timeout_s}s; console: ${log#"$KSLAB_TOP"/})"
boot_ok=1
KSLAB_TIMEOUT=$timeout_s bash scripts/boot.sh "$kdir/arch/x86/boot/bzImage" \
	"$KSLAB_BUILD/initramfs-torture.gz" "$log" batch || boot_ok=0
[ -f "$log" ] || die torture "no console log" "$log.qemu"

# The torture's verdict, splats and failed steps, kslab's pages.
ok=1
bash scripts/judge-torture.sh "$log" || ok=0
bash scripts/scan.sh "$log" || ok=0
bash scripts/judge-pages.sh "$log" || ok=0
[ $boot_ok = 1 ] || { echo "torture: FAILED: the guest did not power off cleanly"; ok=0; }
[ $ok = 1 ] || die torture "see above" "$log"
echo "torture: PASSED in ${duration}s"
