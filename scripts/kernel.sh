#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel.sh VARIANT - build (or reuse) the QEMU guest kernel for VARIANT.
#   test:   tinyconfig + kunit/kslab.config + kunit/debug.config (lockdep)
#   rt:     the test kernel with PREEMPT_RT (+ kunit/rt.config)
#   kasan:  the test kernel with generic KASAN (+ kunit/kasan.config)
#   bench:  tinyconfig + kunit/kslab.config (no lock debugging)
#   source: only extract the source (checkpatch.pl, kunit.py); prints it
# The kernel is built from Debian's linux-source-6.12 tarball in the
# kernel cache ($KSLAB_CACHE, default /var/cache/kslab: outside the
# clone, so a fresh clone on the same machine reuses it), in a directory
# keyed on a hash of the fragments and the source version, so an
# unchanged fragment reuses the kernel already built. A later fragment's
# line overrides an earlier one's for the same option. Prints the kernel
# build directory on stdout.
set -euo pipefail

variant=${1:?usage: kernel.sh test|rt|kasan|bench|source}
. "$(dirname "$0")/lib.sh"
top=$KSLAB_TOP
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n 1)
[ -n "$tarball" ] || die kernel "no /usr/src/linux-source-6.12 tarball (scripts/deps.sh installs it)"

case "$variant" in
test)   frags=("$top/kunit/kslab.config" "$top/kunit/debug.config") ;;
rt)     frags=("$top/kunit/kslab.config" "$top/kunit/debug.config" "$top/kunit/rt.config") ;;
kasan)  frags=("$top/kunit/kslab.config" "$top/kunit/debug.config" "$top/kunit/kasan.config") ;;
bench)  frags=("$top/kunit/kslab.config") ;;
source) frags=() ;;
*) die kernel "unknown variant '$variant' (test, rt, kasan, bench or source)" ;;
esac

# One build of a kernel (or extraction of the source) at a time in the
# cache, whichever clone asks.
mkdir -p "$KSLAB_CACHE"
exec 9>"$KSLAB_CACHE/.lock"
flock 9

src=$(kernel_src)
if [ ! -f "$src/.kslab-extracted" ]; then
	echo "kernel: extracting $tarball" >&2
	rm -rf "$src" && mkdir -p "$src"
	tar -xf "$tarball" -C "$src" --strip-components=1 ||
		die kernel "extracting $tarball into $src"
	touch "$src/.kslab-extracted"
fi
if [ "$variant" = source ]; then
	echo "$src"
	exit 0
fi

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
# Bump recipe when the way the kernel is built changes (not for edits of
# this script that leave the kernel as it is).
recipe=1
key=$({ cat "${frags[@]}"; echo "$srcver $recipe"; } | sha256sum | cut -c1-12)
obj=$KSLAB_CACHE/kernel-$variant-$key
log=$KSLAB_LOGS/kernel-$variant.log

if [ -f "$obj/.kslab-done" ]; then
	echo "$obj"
	exit 0
fi

echo "kernel: building the $variant kernel in $obj (log: $log)" >&2
rm -rf "$obj" && mkdir -p "$obj"
{
	make -C "$src" O="$obj" tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "${frags[@]}"
	make -C "$src" O="$obj" olddefconfig
} >"$log" 2>&1 || die kernel "configuring the $variant kernel" "$log"

# Every option the fragments ask for must have stuck: for each option,
# the line of the last fragment that names it.
declare -A want from
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) opt=${line%%=*} ;;
		"# CONFIG_"*" is not set") opt=${line#"# "}; opt=${opt%% *} ;;
		*) continue ;;
		esac
		want[$opt]=$line
		from[$opt]=$(basename "$f")
	done <"$f"
done
bad=0
for opt in "${!want[@]}"; do
	line=${want[$opt]}
	case "$line" in
	CONFIG_*) grep -qx -- "$line" "$obj/.config" || { echo "kernel: $line did not stick (from ${from[$opt]})" >&2; bad=1; } ;;
	*) ! grep -q "^$opt=" "$obj/.config" || { echo "kernel: '$line' did not stick (from ${from[$opt]})" >&2; bad=1; } ;;
	esac
done
[ $bad -eq 0 ] || die kernel "required options missing in $obj/.config"

make -C "$src" O="$obj" -j"$(nproc)" bzImage modules >>"$log" 2>&1 ||
	die kernel "building the $variant kernel" "$log"
touch "$obj/.kslab-done"
echo "$obj"
