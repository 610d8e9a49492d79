#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel.sh VARIANT - build (or reuse) the QEMU guest kernel for VARIANT.
#   test:   tinyconfig + kunit/kslab.config + kunit/debug.config (lockdep)
#           + kunit/clients.config (block layer, RAM disks, ext2, minix)
#           + kunit/drgn.config (DWARF, fw_cfg, /proc/kcore: the dump test)
#   rt:     the test kernel with PREEMPT_RT (+ kunit/rt.config)
#   kasan:  the test kernel with generic KASAN (+ kunit/kasan.config)
#   bench:  tinyconfig + kunit/kslab.config (no lock debugging)
#           + kunit/clients.config (make bench's client row: ext2 on
#           kslab against the in-tree ext2 on SLUB)
#   test-7.3, bench-7.3: test and bench built from Linux 7.3, with
#           kunit/v7.config last (what 7.x's Kconfig changed)
#   source: only extract the source (checkpatch.pl, kunit.py); prints it
# The 6.12 kernels are built from Debian's linux-source-6.12 tarball, the
# 7.3 ones from Debian's linux-source-7.3 as scripts/fetch-7.3.sh unpacked
# it (run when no 7.3 source is there yet; the newest one otherwise). All
# live in the kernel cache ($KSLAB_CACHE, default /var/cache/kslab:
# outside the clone, so a fresh clone on the same machine reuses them), in
# a directory keyed on a hash of the fragments and the source version, so
# an unchanged fragment reuses the kernel already built. A later
# fragment's line overrides an earlier one's for the same option; a
# fragment's "# unavailable: CONFIG_X" line says the kernel no longer
# offers an option an earlier fragment asks for, and then it must be
# absent. Prints the kernel build directory on stdout.
set -euo pipefail

variant=${1:?usage: kernel.sh test|rt|kasan|bench|test-7.3|bench-7.3|source}
. "$(dirname "$0")/lib.sh"
top=$KSLAB_TOP

case "$variant" in
test)   frags=("$top/kunit/kslab.config" "$top/kunit/debug.config" "$top/kunit/clients.config"
		"$top/kunit/drgn.config") ;;
rt)     frags=("$top/kunit/kslab.config" "$top/kunit/debug.config" "$top/kunit/rt.config") ;;
kasan)  frags=("$top/kunit/kslab.config" "$top/kunit/debug.config" "$top/kunit/kasan.config") ;;
bench)  frags=("$top/kunit/kslab.config" "$top/kunit/clients.config") ;;
test-7.3) frags=("$top/kunit/kslab.config" "$top/kunit/debug.config" "$top/kunit/v7.config") ;;
bench-7.3) frags=("$top/kunit/kslab.config" "$top/kunit/v7.config") ;;
source) frags=() ;;
*) die kernel "unknown variant '$variant' (test, rt, kasan, bench, test-7.3, bench-7.3 or source)" ;;
esac

# The source: 7.3's as fetch-7.3.sh unpacked it (before the lock below,
# which it takes itself), else 6.12's from the installed tarball.
tarball=
case "$variant" in
*-7.3)
	newest_src() {
		ls -d "$KSLAB_CACHE"/src/linux-7.3.*/.kslab-extracted 2>/dev/null | sort -V | tail -n 1 || true
	}
	src=$(newest_src)
	if [ -z "$src" ]; then
		bash "$top/scripts/fetch-7.3.sh" >/dev/null || die kernel "fetching Linux 7.3 (scripts/fetch-7.3.sh)"
		src=$(newest_src)
		[ -n "$src" ] || die kernel "scripts/fetch-7.3.sh left no source in $KSLAB_CACHE/src"
	fi
	src=${src%/.kslab-extracted}
	srcver=${src##*/linux-}
	;;
*)
	tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n 1 || true)
	[ -n "$tarball" ] || die kernel "no /usr/src/linux-source-6.12 tarball (scripts/deps.sh installs it)"
	src=$(kernel_src)
	srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	;;
esac

# Bump recipe when the way the kernel is built changes (not for edits of
# this script that leave the kernel as it is). A kernel built already is
# used without waiting for the lock below: .kslab-done is written last,
# once the build is whole (and tested again under the lock, for a build
# that ended while this one waited).
if [ "$variant" != source ]; then
	recipe=1
	key=$({ cat "${frags[@]}"; echo "$srcver $recipe"; } | sha256sum | cut -c1-12)
	obj=$KSLAB_CACHE/kernel-$variant-$key
	log=$KSLAB_LOGS/kernel-$variant.log
	if [ -f "$obj/.kslab-done" ]; then
		echo "$obj"
		exit 0
	fi
fi

# One build of a kernel (or extraction of the source) at a time in the
# cache, whichever clone asks.
mkdir -p "$KSLAB_CACHE"
exec 9>"$KSLAB_CACHE/.lock"
flock 9

if [ -n "$tarball" ] && [ ! -f "$src/.kslab-extracted" ]; then
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

if [ -f "$obj/.kslab-done" ]; then
	echo "$obj"
	exit 0
fi

# What the fragments ask for, checked once the kernel is configured: for
# each option, the line of the last fragment that names it. An option a
# later fragment calls unavailable must then be in no line of .config at
# all (not even "is not set", which would mean the kernel offers it and
# refused the request for another reason).
declare -A want from
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) opt=${line%%=*} ;;
		"# CONFIG_"*" is not set") opt=${line#"# "}; opt=${opt%% *} ;;
		"# unavailable: CONFIG_"*)
			opt=${line#"# unavailable: "}
			[[ ${want[$opt]:-} = "$opt=y" ]] ||
				die kernel "$(basename "$f"): '$line' names an option no earlier fragment sets to y"
			line="unavailable ${want[$opt]} (from ${from[$opt]})"
			;;
		*) continue ;;
		esac
		want[$opt]=$line
		from[$opt]=$(basename "$f")
	done <"$f"
done

echo "kernel: building the $variant kernel in $obj (log: $log)" >&2
rm -rf "$obj" && mkdir -p "$obj"
{
	make -C "$src" O="$obj" tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "${frags[@]}"
	make -C "$src" O="$obj" olddefconfig
} >"$log" 2>&1 || die kernel "configuring the $variant kernel" "$log"

# Every option must be as the fragments ask.
bad=0
for opt in "${!want[@]}"; do
	line=${want[$opt]}
	case "$line" in
	CONFIG_*) grep -qx -- "$line" "$obj/.config" || { echo "kernel: $line did not stick (from ${from[$opt]})" >&2; bad=1; } ;;
	unavailable*)
		! grep -qE "^(# )?$opt[= ]" "$obj/.config" ||
			{ echo "kernel: ${from[$opt]} calls $opt unavailable, but this kernel offers it: $(grep -E "^(# )?$opt[= ]" "$obj/.config")" >&2; bad=1; }
		;;
	*) ! grep -q "^$opt=" "$obj/.config" || { echo "kernel: '$line' did not stick (from ${from[$opt]})" >&2; bad=1; } ;;
	esac
done
[ $bad -eq 0 ] || die kernel "options not as the fragments ask in $obj/.config"

make -C "$src" O="$obj" -j"$(nproc)" bzImage modules >>"$log" 2>&1 ||
	die kernel "building the $variant kernel" "$log"
touch "$obj/.kslab-done"
echo "$obj"
