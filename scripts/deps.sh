#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install the Debian packages kslab's harness needs, and only the
# missing ones. Idempotent: runs `apt-get update` once, and only when
# something is missing. Extra package names may be passed as arguments.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Beyond Debian's essential packages (bash, coreutils, grep, sed, tar,
# gzip, findutils, dpkg) and mawk (priority required):
pkgs=(
	# the test kernel and the modules (libc6-dev: gcc only recommends it)
	gcc libc6-dev make bc flex bison libelf-dev libssl-dev dwarves kmod rsync
	linux-source-6.12 xz-utils
	# the guest: its initramfs and QEMU
	busybox-static cpio qemu-system-x86
	# make clients: the file systems' tools in the guest (mke2fs,
	# mkfs.minix and fsck.minix with their libraries; e2fsck static)
	e2fsprogs e2fsck-static util-linux
	# kunit.py parse, parse.sh's JSON, checkpatch.pl, lint's file list
	python3 jq perl git
	# the post-mortem helpers (tools/kslab_drgn.py) and the dump test
	python3-drgn
	"$@"
)

missing=()
for p in "${pkgs[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

log=$KSLAB_LOGS/apt.log
echo "deps: installing ${missing[*]} (log: $log)"
start=$SECONDS
export DEBIAN_FRONTEND=noninteractive
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
if ! { "${sudo_cmd[@]}" apt-get update &&
       "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
	die deps "installing ${missing[*]}" "$log"
fi
echo "deps: installed ${#missing[@]} packages in $((SECONDS - start)) s"
