#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install the Debian packages kslab's harness needs, and only the
# missing ones. Idempotent: runs `apt-get update` once, and only when
# something is missing. Extra package names may be passed as arguments.
set -euo pipefail

pkgs=(gcc make bc flex bison libelf-dev libssl-dev dwarves cpio rsync
      python3 linux-source-6.12 busybox-static qemu-system-x86 xz-utils
      kmod "$@")

missing=()
for p in "${pkgs[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

log=${KSLAB_BUILD:-build}/logs/apt.log
mkdir -p "$(dirname "$log")"
echo "deps: installing ${missing[*]} (log: $log)"
export DEBIAN_FRONTEND=noninteractive
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
if ! { "${sudo_cmd[@]}" apt-get update &&
       "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
	echo "deps: FAILED installing ${missing[*]}; see $log" >&2
	tail -n 20 "$log" >&2
	exit 1
fi
