#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh demo|run|shell - boot the test kernel with kslab loaded, then:
#   demo:  run examples/demo.sh (the example client's workload, shown;
#          with KSLAB_DEMO_BUG=1 also a bug caught by kslab)
#          and unload kslab; the kernel's boot messages are left out of
#          stdout (they are in build/console.log);
#   run:   run $KSLAB_GUEST_SCRIPT (if set) with /bin/sh;
#   shell: an interactive busybox shell (only when stdin is a terminal).
# $KSLAB_GUEST_FILES is copied over the guest's root first. The guest
# powers off afterwards; its console goes to stdout and to
# build/console.log, which is then scanned for kernel splats.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KSLAB_TOP"

mode=${1:?usage: run.sh demo|run|shell}
case "$mode" in
demo|run|shell) ;;
*) die run "unknown mode '$mode' (demo, run or shell)" ;;
esac
if [ "$mode" = shell ] && [ ! -t 0 ]; then
	die shell "stdin is not a terminal; make shell is for a person at a terminal (to run a script in the guest: make run KSLAB_GUEST_SCRIPT=FILE)"
fi

setup_guest

steps=$KSLAB_BUILD/$mode-steps.sh
{
	echo "kslab_insmod kslab ${KSLAB_PARAMS:-}"
	case "$mode" in
	demo)  echo "kslab_script /etc/kslab/demo.sh"
	       echo "kslab_rmmod kslab" ;;
	run)   [ -z "${KSLAB_GUEST_SCRIPT:-}" ] || echo "kslab_script /etc/kslab/user.sh" ;;
	shell) echo 'say "interactive shell: type exit (or Ctrl-D) to power off"'
	       echo 'setsid cttyhack sh -l' ;;
	esac
} >"$steps"

files=$KSLAB_BUILD/guest-extra
rm -rf "$files" && mkdir -p "$files/etc/kslab"
cp examples/demo.sh "$files/etc/kslab/demo.sh"
# KSLAB_DEMO_BUG=1: the demo also shows a bug caught (an opt-in step).
[ "${KSLAB_DEMO_BUG:-0}" = 0 ] || touch "$files/etc/kslab/demo-bug"
[ -z "${KSLAB_GUEST_SCRIPT:-}" ] || cp "$KSLAB_GUEST_SCRIPT" "$files/etc/kslab/user.sh"
[ -z "${KSLAB_GUEST_FILES:-}" ] || cp -a "$KSLAB_GUEST_FILES/." "$files/"
KSLAB_GUEST_FILES=$files bash scripts/initramfs.sh "$KSLAB_BUILD/initramfs-$mode.gz" "$steps" "${mods[@]}"

boot=(bash scripts/boot.sh "$kdir/arch/x86/boot/bzImage" "$KSLAB_BUILD/initramfs-$mode.gz"
      "$KSLAB_BUILD/console.log")
case "$mode" in
demo)
	echo "demo: booting the test kernel in QEMU (TCG, 4 CPUs, 2 NUMA nodes);"
	echo "demo: its boot messages are in build/console.log, the rest follows."
	# Everything from the moment the kernel starts the guest's /init.
	"${boot[@]}" tee | awk '/Run \/init as init process/ { on = 1; next } on { print; fflush() }'
	;;
run)   "${boot[@]}" tee ;;
shell) "${boot[@]}" interactive ;;
esac
bash scripts/scan.sh "$KSLAB_BUILD/console.log"
echo "$mode: done; the whole console is in build/console.log"
