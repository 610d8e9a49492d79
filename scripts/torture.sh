#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# torture.sh - what `make torture` runs: build the test kernel and every
# module, boot the guest that loads kslab and then kslab_torture for
# $DURATION seconds (default 30; $KSLAB_TORTURE_PARAMS adds module
# parameters, e.g. "seed=42 hotplug=0"), unload both, and judge the
# console log (build/torture-console.log). It passes only with the line
# "kslab-torture: N ops, 0 errors" (N > 0), no kernel splat (the patterns
# of scripts/parse.sh), kslab holding no page after its unload, no failed
# guest step, and the guest powered off.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KSLAB_TOP"

duration=${DURATION:-30}
[[ $duration =~ ^[1-9][0-9]{0,4}$ ]] ||
	die torture "DURATION=$duration: want whole seconds, 1 to 99999"
log=$KSLAB_BUILD/torture-console.log

bash scripts/deps.sh
kdir=$(bash scripts/kernel.sh test)
mapfile -t built < <(bash scripts/modules.sh "$kdir")
mods=()
for m in "${built[@]}"; do
	case "$m" in */module/kslab.ko|*/torture/kslab_torture.ko) mods+=("$m") ;; esac
done
[ ${#mods[@]} -eq 2 ] || die torture "kslab.ko or kslab_torture.ko was not built" "$KSLAB_LOGS/modules.log"

# The splat patterns are parse.sh's own: one list for every judge.
splats=$(sed -n "s/^splats='\(.*\)'\$/\1/p" scripts/parse.sh)
[ -n "$splats" ] || die torture "no splats='...' line found in scripts/parse.sh"

steps=$KSLAB_BUILD/torture-steps.sh
{
	echo "kslab_insmod kslab ${KSLAB_PARAMS:-}"
	echo "kslab_insmod kslab_torture duration=$duration ${KSLAB_TORTURE_PARAMS:-}"
	echo "kslab_rmmod kslab_torture"
	echo "kslab_rmmod kslab"
} >"$steps"
bash scripts/initramfs.sh "$KSLAB_BUILD/initramfs-torture.gz" "$steps" "${mods[@]}"

timeout_s=${KSLAB_TIMEOUT:-$((2 * duration + 300))}
echo "torture: booting the guest for ${duration}s of torture (timeout ${timeout_s}s; console: ${log#"$KSLAB_TOP"/})"
boot_ok=1
KSLAB_TIMEOUT=$timeout_s bash scripts/boot.sh "$kdir/arch/x86/boot/bzImage" \
	"$KSLAB_BUILD/initramfs-torture.gz" "$log" batch || boot_ok=0
[ -f "$log" ] || die torture "no console log" "$log.qemu"

# The module's own summary: start, phases, errors (the first few), end.
tr -d '\r' <"$log" | grep -E 'kslab-torture: (---|phase |ERROR|inject=|[0-9]+ (ops|caches))' | sed 's/^\[ *[0-9.]*\] //' || true

why=()
final=$(tr -d '\r' <"$log" |
	sed -nE 's/^(\[ *[0-9]+\.[0-9]+\] )?kslab-torture: ([0-9]+) ops, ([0-9]+) errors$/\2 \3/p' | tail -n 1)
if [ -z "$final" ]; then
	why+=("no final 'kslab-torture: N ops, M errors' line")
else
	read -r ops errors <<<"$final"
	[ "$ops" -gt 0 ] || why+=("the torture ran 0 ops")
	[ "$errors" -eq 0 ] || why+=("the torture counted $errors errors")
fi
if grep -nE "$splats" "$log" >"$KSLAB_LOGS/torture-splats.txt"; then
	head -n 10 "$KSLAB_LOGS/torture-splats.txt" | sed 's/^/    /'
	why+=("the console shows kernel splats")
fi
grep -q 'kslab: unloaded; 0 pages still held' "$log" ||
	why+=("kslab did not report 0 pages held after its unload")
! grep -q 'kslab-guest: FAILED' "$log" || why+=("a guest step failed")
[ $boot_ok = 1 ] || why+=("the guest did not power off cleanly")

if [ ${#why[@]} -gt 0 ]; then
	die torture "$(IFS=';'; echo "${why[*]}" | sed 's/;/; /g')" "$log"
fi
echo "torture: PASSED: $ops ops, 0 errors in ${duration}s"
