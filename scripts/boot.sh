#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# boot.sh BZIMAGE INITRAMFS LOG MODE - boot the guest in QEMU (TCG: nested
# KVM hangs on these machines) with 1 GiB on the NUMA nodes below.
#   MODE batch:       console only to LOG; a hard timeout of
#                     $KSLAB_TIMEOUT seconds (default 900) kills a hung guest.
#   MODE interactive: console on the terminal too (stdin wired for shell).
#   MODE tee:         console on stdout and in LOG, with the timeout.
#   MODE dump:        batch, with QEMU's vmcoreinfo device; when the console
#                     says "kslab-guest: dump now", QEMU writes the guest's
#                     memory to $KSLAB_DUMP as an ELF core (QMP
#                     dump-guest-memory, scripts/qmp-dump.py) and quits.
# $KSLAB_ICOUNT=1 counts guest time in instructions (-icount shift=0);
# $KSLAB_TCG_THREAD=single runs every vCPU on one host thread (make
# compat's 7.3 boots: see compat.sh); $KSLAB_CMDLINE adds kernel
# parameters. $KSLAB_TOPOLOGY picks the CPUs and nodes:
#   default:     4 CPUs on two nodes of 512 MiB (CPUs 0-1, 2-3);
#   memoryless:  4 CPUs on three nodes: 0 (CPUs 0-1) and 1 (CPU 2) with
#                512 MiB each, and 2 (CPU 3) with CPUs and no memory;
#   8x4:         8 CPUs on four nodes of 256 MiB, two CPUs each.
# Exits 0 only when the guest powered itself off.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bz=${1:?usage: boot.sh BZIMAGE INITRAMFS LOG MODE}
initrd=${2:?}
log=${3:?}
mode=${4:-batch}
timeout_s=${KSLAB_TIMEOUT:-900}

case "${KSLAB_TCG_THREAD:-multi}" in
multi|single) accel=(-accel "tcg,thread=${KSLAB_TCG_THREAD:-multi}") ;;
*) die boot "KSLAB_TCG_THREAD=$KSLAB_TCG_THREAD: want multi or single" ;;
esac
[ "${KSLAB_ICOUNT:-0}" = 1 ] && accel=(-accel tcg -icount shift=0,sleep=off)

# No socket spans two nodes, so the CPUs sharing a last-level cache share
# a node too (QEMU's default puts all CPUs in one socket: the kernel
# warns). A node without a memdev has no memory (QEMU 7.2).
case "${KSLAB_TOPOLOGY:-default}" in
default)
	numa=(-smp 4,sockets=2,cores=2,threads=1
	      -object memory-backend-ram,id=m0,size=512M
	      -object memory-backend-ram,id=m1,size=512M
	      -numa node,nodeid=0,cpus=0-1,memdev=m0
	      -numa node,nodeid=1,cpus=2-3,memdev=m1) ;;
memoryless)
	numa=(-smp 4,sockets=4,cores=1,threads=1
	      -object memory-backend-ram,id=m0,size=512M
	      -object memory-backend-ram,id=m1,size=512M
	      -numa node,nodeid=0,cpus=0-1,memdev=m0
	      -numa node,nodeid=1,cpus=2,memdev=m1
	      -numa node,nodeid=2,cpus=3) ;;
8x4)
	numa=(-smp 8,sockets=4,cores=2,threads=1)
	for n in 0 1 2 3; do
		numa+=(-object "memory-backend-ram,id=m$n,size=256M"
		       -numa "node,nodeid=$n,cpus=$((2 * n))-$((2 * n + 1)),memdev=m$n")
	done ;;
*) die boot "KSLAB_TOPOLOGY=$KSLAB_TOPOLOGY: want default, memoryless or 8x4" ;;
esac
qemu=(qemu-system-x86_64 "${accel[@]}" -cpu max "${numa[@]}" -m 1G
	-kernel "$bz" -initrd "$initrd"
	-append "console=ttyS0 panic=-1 oops=panic ${KSLAB_CMDLINE:-}"
	-display none -monitor none -no-reboot)

rm -f "$log"
rc=0
case "$mode" in
batch)
	timeout -k 10 "$timeout_s" "${qemu[@]}" -serial "file:$log" </dev/null >/dev/null 2>"$log.qemu" || rc=$?
	;;
tee)
	timeout -k 10 "$timeout_s" "${qemu[@]}" \
		-chardev "stdio,id=con,logfile=$log,signal=off" -serial chardev:con </dev/null || rc=$?
	;;
interactive)
	"${qemu[@]}" -chardev "stdio,id=con,logfile=$log" -serial chardev:con || rc=$?
	;;
dump)
	[ -n "${KSLAB_DUMP:-}" ] || die boot "dump mode: set KSLAB_DUMP to the core file to write"
	qmp=$KSLAB_BUILD/qmp.sock
	rm -f "$qmp" "$KSLAB_DUMP"
	timeout -k 10 "$timeout_s" "${qemu[@]}" -device vmcoreinfo \
		-qmp "unix:$qmp,server=on,wait=off" \
		-serial "file:$log" </dev/null >/dev/null 2>"$log.qemu" &
	pid=$!
	while ! grep -q "kslab-guest: dump now" "$log" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 1
	done
	dumped=0
	if grep -q "kslab-guest: dump now" "$log" 2>/dev/null; then
		/usr/bin/python3 "$KSLAB_TOP/scripts/qmp-dump.py" "$qmp" "$KSLAB_DUMP" \
			>>"$log.qemu" 2>&1 && dumped=1
	fi
	[ $dumped = 1 ] || kill "$pid" 2>/dev/null || true
	wait "$pid" || rc=$?
	[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] ||
		die boot "the guest did not reach its dump within ${timeout_s}s (hung); killed" "$log"
	[ $dumped = 1 ] && [ -s "$KSLAB_DUMP" ] ||
		die boot "no dump written (guest stopped before 'dump now', or QMP failed)" "$log.qemu"
	exit 0
	;;
*) die boot "unknown mode '$mode'" ;;
esac

if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	die boot "the guest did not power off within ${timeout_s}s (hung); killed" "$log"
fi
[ "$rc" -eq 0 ] || die boot "qemu exited with status $rc" "$log.qemu"
grep -q "kslab-guest: done" "$log" ||
	die boot "the guest stopped before its steps were done (panic or crash?)" "$log"
exit 0
