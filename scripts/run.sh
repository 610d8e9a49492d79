#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh demo|run|shell - boot the test kernel with kslab loaded, then:
#   demo:  run examples/demo.sh (the example client's workload, shown);
#   run:   run $KSLAB_GUEST_SCRIPT (if set) with /bin/sh;
#   shell: an interactive busybox shell (only when stdin is a terminal).
# The guest powers off afterwards; its console goes to stdout and to
# build/console.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KSLAB_TOP"

mode=${1:?usage: run.sh demo|run|shell}
if [ "$mode" = shell ] && [ ! -t 0 ]; then
	die shell "make shell needs a terminal on stdin"
fi

bash scripts/deps.sh
kdir=$(bash scripts/kernel.sh test)
bash scripts/modules.sh "$kdir" >"$KSLAB_BUILD/modules.list"
mapfile -t mods <"$KSLAB_BUILD/modules.list"

steps=$KSLAB_BUILD/$mode-steps.sh
{
	echo "kslab_insmod kslab ${KSLAB_PARAMS:-}"
	case "$mode" in
	demo)  echo "kslab_script /etc/kslab/demo.sh" ;;
	run)   [ -z "${KSLAB_GUEST_SCRIPT:-}" ] || echo "kslab_script /etc/kslab/user.sh" ;;
	shell) echo 'say "interactive shell: type exit (or Ctrl-D) to power off"'
	       echo 'setsid cttyhack sh -l' ;;
	esac
} >"$steps"

files=$KSLAB_BUILD/guest-extra
rm -rf "$files" && mkdir -p "$files/etc/kslab"
cp examples/demo.sh "$files/etc/kslab/demo.sh"
if [ -n "${KSLAB_GUEST_SCRIPT:-}" ]; then
	[ -f "$KSLAB_GUEST_SCRIPT" ] || die run "KSLAB_GUEST_SCRIPT=$KSLAB_GUEST_SCRIPT is not a file"
	cp "$KSLAB_GUEST_SCRIPT" "$files/etc/kslab/user.sh"
fi
if [ -n "${KSLAB_GUEST_FILES:-}" ]; then
	[ -d "$KSLAB_GUEST_FILES" ] || die run "KSLAB_GUEST_FILES=$KSLAB_GUEST_FILES is not a directory"
	cp -a "$KSLAB_GUEST_FILES/." "$files/"
fi

KSLAB_GUEST_FILES=$files bash scripts/initramfs.sh "$KSLAB_BUILD/initramfs-$mode.gz" "$steps" "${mods[@]}"
bootmode=tee
[ "$mode" = shell ] && bootmode=interactive
bash scripts/boot.sh "$kdir/arch/x86/boot/bzImage" "$KSLAB_BUILD/initramfs-$mode.gz" \
	"$KSLAB_BUILD/console.log" "$bootmode"
