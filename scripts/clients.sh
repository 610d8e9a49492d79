#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# clients.sh - what `make clients` runs: fs/ext2 and fs/minix of the test
# kernel's source, unmodified but for the redirect line in their Makefile,
# built on kslab (scripts/clients-build.sh), then one boot of the test
# kernel that loads kslab, runs their workload (scripts/clients-guest.sh)
# and unloads kslab. Judged: both file systems passed (judge-clients.sh),
# no splat (scan.sh), every page back (judge-pages.sh). The console is
# build/console-clients.log. `make check` runs the same step in its test
# boot.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KSLAB_TOP"

setup_guest
files=$KSLAB_BUILD/clients-files
rm -rf "$files" && mkdir -p "$files"
list=$KSLAB_BUILD/clients.list
bash scripts/clients-build.sh "$kdir" "$files" >"$list"
mapfile -t clients <"$list"
grep '^clients: ' "$KSLAB_LOGS/clients-build.log"

steps=$KSLAB_BUILD/clients-steps.sh
{
	echo "kslab_memfree before"
	echo "kslab_insmod kslab ${KSLAB_PARAMS:-}"
	echo "kslab_script /etc/kslab/clients.sh"
	echo "kslab_rmmod kslab"
	echo "kslab_memfree after"
} >"$steps"
KSLAB_GUEST_FILES=$files bash scripts/initramfs.sh "$KSLAB_BUILD/initramfs-clients.gz" \
	"$steps" "${mods[0]}" "${clients[@]}"
log=$KSLAB_BUILD/console-clients.log
echo "clients: booting the test kernel (console: ${log#"$KSLAB_TOP"/})"
start=$SECONDS
bash scripts/boot.sh "$kdir/arch/x86/boot/bzImage" "$KSLAB_BUILD/initramfs-clients.gz" \
	"$log" batch || die clients "the guest did not finish by itself" "$log"
echo "clients: the guest ran for $((SECONDS - start)) s"
bash scripts/judge-clients.sh "$log"
bash scripts/scan.sh "$log" || die clients "the console shows a splat or a failed step" "$log"
bash scripts/judge-pages.sh "$log"
echo "clients: PASSED"
