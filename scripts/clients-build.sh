#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# clients-build.sh KDIR FILES - kslab's real clients: fs/ext2 and fs/minix
# of the kernel source the test kernel is built from, copied unmodified
# under build/clients/ but for the one line their Makefile gains
# (ccflags-y += -include .../kslab/redirect.h), built with W=1 against
# KDIR and kslab's Module.symvers (modules.sh built it). Each module must
# import none of the kernel's slab calls, only kslab's (nm). Puts what the
# guest needs into the tree FILES: scripts/clients-guest.sh as
# /etc/kslab/clients.sh, Debian's mke2fs, e2fsck.static, mkfs.minix and
# fsck.minix with their libraries. Prints the path of each module built.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir=${1:?usage: clients-build.sh KDIR FILES}
files=${2:?usage: clients-build.sh KDIR FILES}
src=$(kernel_src)
out=$KSLAB_BUILD/clients
log=$KSLAB_LOGS/clients-build.log
symvers=$KSLAB_TOP/Module.symvers
[ -f "$src/.kslab-extracted" ] || die clients "no kernel source tree at ${src:-build/src} (scripts/kernel.sh source extracts it)"
[ -f "$symvers" ] || die clients "no $symvers: build kslab first (scripts/modules.sh)"

rm -rf "$out" && mkdir -p "$out/include/kslab"
cp "$KSLAB_TOP/module/kslab.h" "$KSLAB_TOP/module/redirect.h" "$out/include/kslab/"
: >"$log"
# The slab calls of the kernel a redirected module must not import.
slab_calls='^_*(kmem_cache|kmalloc|kzalloc|kcalloc|krealloc|kfree|ksize|kmemdup|kstrdup|kstrndup|kvmalloc|kvzalloc|kvcalloc|kvfree)'
for fs in ext2 minix; do
	cp -a "$src/fs/$fs" "$out/$fs"
	# the one line a client's Kbuild gains (README)
	echo 'ccflags-y += -include $(KSLAB_INCLUDE)/kslab/redirect.h' >>"$out/$fs/Makefile"
	opt=CONFIG_${fs^^}_FS=m
	make -C "$kdir" M="$out/$fs" W=1 -j"$(nproc)" "$opt" KSLAB_INCLUDE="$out/include" \
		KBUILD_EXTRA_SYMBOLS="$symvers" modules >>"$log" 2>&1 ||
		die clients "building fs/$fs with the redirect line against $kdir" "$log"
	! grep -qiE "warning:" "$log" || die clients "compiler warnings building fs/$fs (W=1)" "$log"
	ko=$out/$fs/$fs.ko
	[ -f "$ko" ] || die clients "$ko was not built" "$log"
	bad=$(nm -u "$ko" | awk '{ print $2 }' | grep -E "$slab_calls" | grep -v '^kslab_' | paste -sd ' ' - || true)
	[ -z "$bad" ] || die clients "$fs.ko still calls the kernel's allocator: $bad"
	echo "clients: $fs.ko imports $(nm -u "$ko" | awk '{ print $2 }' | grep -c '^kslab_') kslab calls, none of the kernel's slab calls" >>"$log"
	echo "$ko"
done

# The guest's tools, with their libraries where the loader looks.
mkdir -p "$files/etc/kslab" "$files/sbin"
install -m 0644 "$KSLAB_TOP/scripts/clients-guest.sh" "$files/etc/kslab/clients.sh"
for t in /sbin/mke2fs /sbin/e2fsck.static /sbin/mkfs.minix /sbin/fsck.minix; do
	[ -x "$t" ] || die clients "no $t (scripts/deps.sh installs e2fsprogs, e2fsck-static, util-linux)"
	cp "$t" "$files/sbin/"
	# a static binary has none: ldd says so and fails
	[ "$t" = /sbin/e2fsck.static ] ||
		copy_with_libs "$t" "$files" "$log" || die clients "ldd $t" "$log"
done
[ ! -f /etc/mke2fs.conf ] || cp /etc/mke2fs.conf "$files/etc/"
