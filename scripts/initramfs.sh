#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# initramfs.sh OUT STEPS MODULE.ko... - pack the guest's initramfs: busybox,
# scripts/guest-init as /init, STEPS as /etc/kslab/steps.sh, the modules in
# /lib/kslab/, and the tree $KSLAB_GUEST_FILES (when set) over the root.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:?usage: initramfs.sh OUT STEPS MODULE.ko...}
steps=${2:?usage: initramfs.sh OUT STEPS MODULE.ko...}
shift 2
root=$KSLAB_BUILD/initramfs
[ -x /bin/busybox ] || die initramfs "no /bin/busybox (package busybox-static)"

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,etc/kslab,lib/kslab,proc,sys,dev,tmp,root}
cp /bin/busybox "$root/bin/busybox"
install -m 0755 "$KSLAB_TOP/scripts/guest-init" "$root/init"
install -m 0644 "$steps" "$root/etc/kslab/steps.sh"
for m in "$@"; do
	cp "$m" "$root/lib/kslab/"
done
if [ -n "${KSLAB_GUEST_FILES:-}" ]; then
	cp -a "$KSLAB_GUEST_FILES/." "$root/"
fi
(cd "$root" && find . -print0 | cpio --null -o -H newc --owner=0:0 --quiet) | gzip -1 >"$out"
