#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# modules.sh KDIR - build kslab, its KUnit suites and its example modules
# out of tree against the kernel in KDIR with W=1 (a warning fails the
# build), then every directory in $KSLAB_EXTRA_TESTS against kslab's
# Module.symvers with module/ (kslab.h) on the include path. Extra
# directories are copied under build/extra/ so the user's tree stays
# clean. Prints the path of every module built, kslab.ko first.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir=${1:?usage: modules.sh KDIR}
log=$KSLAB_LOGS/modules.log

# kbuild DIR [ARGS...]: W=1 out-of-tree build of DIR; fails on a warning.
kbuild() {
	local dir=$1; shift
	make -C "$kdir" M="$dir" W=1 -j"$(nproc)" "$@" modules >>"$log" 2>&1 ||
		die modules "building $dir against $kdir" "$log"
	if grep -qiE "warning:" "$log"; then
		# Objects that warned stay built; the next run must warn again.
		make -C "$kdir" M="$dir" clean >/dev/null 2>&1 || true
		grep -iE -A 3 "warning:" "$log" | head -n 20 >&2
		die modules "compiler warnings building $dir (W=1)" "$log"
	fi
}

: >"$log"
# Objects built against another kernel look up to date to kbuild.
stamp=$KSLAB_BUILD/modules.kdir
if [ "$(cat "$stamp" 2>/dev/null)" != "$kdir" ]; then
	bash "$KSLAB_TOP/scripts/clean.sh"
	echo "$kdir" >"$stamp"
fi
kbuild "$KSLAB_TOP"
[ -f "$KSLAB_TOP/module/kslab.ko" ] || die modules "module/kslab.ko was not built" "$log"
echo "$KSLAB_TOP/module/kslab.ko"
find "$KSLAB_TOP" -path "$KSLAB_BUILD" -prune -o -name '*.ko' ! -name kslab.ko -print | sort

# Copies are numbered: two directories may share a name.
rm -rf "$KSLAB_BUILD/extra"
n=0
for d in ${KSLAB_EXTRA_TESTS:-}; do
	n=$((n + 1))
	copy=$KSLAB_BUILD/extra/$n-$(basename "$(cd "$d" && pwd)")
	mkdir -p "$copy"
	cp -a "$d/." "$copy/"
	kbuild "$copy" KBUILD_EXTRA_SYMBOLS="$KSLAB_TOP/Module.symvers" \
		KCFLAGS="-I$KSLAB_TOP/module"
	find "$copy" -name '*.ko' | sort
done
