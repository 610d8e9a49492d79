#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stock.sh LINE... - install (when missing) Debian's current stock kernel
# of each LINE ("6.1" or "6.12", the -amd64 flavour; "6.1-rt" or "6.12-rt",
# the PREEMPT_RT -rt-amd64 flavour): its linux-image and
# linux-headers packages, whatever version the apt lists name for the
# line's metapackage, and print the kernel versions, one a line
# (/boot/vmlinuz-<version>, /lib/modules/<version>/build). Used by
# `make compat` and `make bench KERNEL=stock-6.12`.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -gt 0 ] || die stock "usage: stock.sh 6.1|6.12..."
metas=()
for line in "$@"; do
	case "$line" in
	6.1) metas+=(linux-image-amd64) ;;	# bookworm's own kernel line
	6.12) metas+=(linux-image-6.12-amd64) ;;	# bookworm's backported LTS
	6.1-rt) metas+=(linux-image-rt-amd64) ;;	# the same lines, PREEMPT_RT
	6.12-rt) metas+=(linux-image-6.12-rt-amd64) ;;
	*) die stock "unknown kernel line '$line' (6.1, 6.12, 6.1-rt or 6.12-rt; 7.3 is scripts/fetch-7.3.sh's)" ;;
	esac
done

# On a machine with no boot loader (CI, a container) these kernels only
# ever boot in QEMU with our initramfs: INITRD=No makes initramfs-tools'
# kernel hook skip /boot/initrd.img, about 1.5 min a kernel on 2 cores.
# (It reaches the hook when deps.sh runs as root; sudo drops it.)
bootloader=0
for b in /boot/grub /boot/efi/EFI /efi/EFI /boot/loader /boot/extlinux; do
	[ ! -e "$b" ] || bootloader=1
done
[ $bootloader = 1 ] || export INITRD=No

# The kernels: what each metapackage depends on in the apt lists (after
# deps.sh has made sure the lists and the metapackages are there).
bash "$KSLAB_TOP/scripts/deps.sh" "${metas[@]}" >&2
kvers=() pkgs=()
for m in "${metas[@]}"; do
	img=$(apt-cache depends "$m" | awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
	[ -n "$img" ] || die stock "apt-cache depends $m names no linux-image package"
	kvers+=("${img#linux-image-}")
	pkgs+=("$img" "linux-headers-${img#linux-image-}")
done
bash "$KSLAB_TOP/scripts/deps.sh" "${pkgs[@]}" >&2
for k in "${kvers[@]}"; do
	[ -f "/boot/vmlinuz-$k" ] && [ -d "/lib/modules/$k/build" ] ||
		die stock "linux-image-$k installed but /boot/vmlinuz-$k or /lib/modules/$k/build missing"
done
printf '%s\n' "${kvers[@]}"
