#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-7.3.sh - Debian's Linux 7.3 from trixie-backports, for `make
# compat`, without touching this machine's apt configuration and without
# installing anything: a private sources list and apt state under
# build/apt-7.3/ (the machine's own Debian mirror, trixie-backports main),
# `apt-get download` of the kernel image (linux-image-<release> and the
# linux-{base,binary,modules}-<release> it depends on), its headers
# (linux-headers-<release>, -common, linux-kbuild) and linux-source-7.3,
# each unpacked with `dpkg-deb -x` into the kernel cache, keyed by the
# packages' version: $KSLAB_CACHE/stock-<version>/ holds
#   root/           the packages but the source, as unpacked
#   vmlinuz, config, modules   links to the image, its config and its
#                   /usr/lib/modules/<release> in root/
#   kernel.release  <release>, e.g. 7.3.4+deb13-amd64
#   build/          the tree external modules build against (KDIR), below
# and the source goes to $KSLAB_CACHE/src/linux-<version>/.
#
# Debian's headers are not a KDIR on bookworm: they name trixie's gcc-14
# and a config made with it (-fmin-function-alignment and other flags
# gcc 12 refuses), linux-kbuild's modpost and objtool need glibc 2.38
# (bookworm has 2.36), and their Makefile names /usr/src. So build/ is
# the source configured with the headers' .config run through
# olddefconfig with this machine's gcc (only toolchain options change:
# compiler versions and capabilities, and Rust, which needs a rustc
# bookworm lacks; any other change fails this script, the list is in
# config.diff), `modules_prepare` with LOCALVERSION giving Debian's
# release (the host tools built here), and the headers' Module.symvers.
# Modules built there carry Debian's vermagic and load on its image.
# Prints the cache directory. Log: build/logs/fetch-7.3.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

line=7.3
suite=trixie-backports
apt=$KSLAB_BUILD/apt-$line
log=$KSLAB_LOGS/fetch-$line.log
: >"$log"
# Bump recipe when the way the cache directory is made changes.
recipe=1

# The machine's Debian archive mirror (the first deb or URIs: entry of
# its sources whose path is .../debian), else deb.debian.org.
mirror=$(sed -E 's/\[[^]]*\]//' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
	/etc/apt/sources.list.d/*.sources 2>/dev/null |
	awk '$1 == "deb" || $1 == "URIs:" { for (i = 2; i <= NF; i++)
		if ($i ~ /^[a-z]+:\/\/.*\/debian\/?$/) { print $i; exit } }' || true)
mirror=${mirror:-http://deb.debian.org/debian}
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs" "$apt/none"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" \
	>"$apt/sources.list"
aptopts=(-o Dir::Etc::sourcelist="$apt/sources.list" -o Dir::Etc::sourceparts="$apt/none"
	-o Dir::Etc::preferences="$apt/none/preferences" -o Dir::Etc::preferencesparts="$apt/none"
	-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache"
	-o APT::Architectures::=amd64 -o Acquire::Languages=none -o APT::Sandbox::User=root)

# candidate PACKAGE: the version apt would take, empty when none.
candidate() {
	apt-cache "${aptopts[@]}" policy "$1" 2>>"$log" | awk '$1 == "Candidate:" && $2 != "(none)" { print $2 }'
}

ver=
if apt-get "${aptopts[@]}" update >>"$log" 2>&1; then
	ver=$(candidate "linux-source-$line")
fi
if [ -z "$ver" ]; then
	# Offline, or the line left the suite: the newest one fetched before.
	dir=$(ls -d "$KSLAB_CACHE/stock-$line".*/.kslab-done 2>/dev/null | sort -V | tail -n 1 || true)
	[ -n "$dir" ] || die fetch-$line "apt-get update of $mirror $suite failed, or it has no linux-source-$line" "$log"
	dir=${dir%/.kslab-done}
	echo "fetch-$line: $suite names no linux-source-$line now; using $dir" >&2
	echo "$dir"
	exit 0
fi
dir=$KSLAB_CACHE/stock-$ver
if [ "$(cat "$dir/.kslab-done" 2>/dev/null)" = "$recipe" ]; then
	echo "$dir"
	exit 0
fi

# One build or extraction at a time in the cache (as scripts/kernel.sh),
# taken only when there is work: then check again.
mkdir -p "$KSLAB_CACHE"
exec 9>"$KSLAB_CACHE/.lock"
flock 9
if [ "$(cat "$dir/.kslab-done" 2>/dev/null)" = "$recipe" ]; then
	echo "$dir"
	exit 0
fi

# The packages of that version: the amd64 headers, then what they and
# the image depend on of the same release.
rel=
for p in $(apt-cache "${aptopts[@]}" search --names-only "^linux-headers-$line\.[0-9]+\+deb[0-9]+-amd64\$" |
	   awk '{ print $1 }'); do
	[ "$(candidate "$p")" = "$ver" ] && rel=${p#linux-headers-}
done
[ -n "$rel" ] || die fetch-$line "no linux-headers-$line.*-amd64 of version $ver in $suite" "$log"
abi=${rel%-amd64}
pkgs=("linux-image-$rel" "linux-headers-$rel")
for p in "${pkgs[@]}"; do
	pkgs+=($(apt-cache "${aptopts[@]}" depends "$p" |
		 awk -v abi="$abi" '$1 ~ /Depends:$/ && index($2, abi) { print $2 }'))
done
mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | sort -u)

start=$SECONDS
echo "fetch-$line: downloading ${pkgs[*]} linux-source-$line ($ver) from $mirror (log: $log)" >&2
rm -f "$apt/debs"/*.deb
(cd "$apt/debs" && apt-get "${aptopts[@]}" download "${pkgs[@]}" "linux-source-$line=$ver") >>"$log" 2>&1 ||
	die fetch-$line "apt-get download" "$log"
mb=$(du -cm "$apt/debs"/*.deb | awk 'END { print $1 }')
t_dl=$((SECONDS - start))

start=$SECONDS
rm -rf "$dir" && mkdir -p "$dir/root"
for deb in "$apt/debs"/*.deb; do
	case "$deb" in */linux-source-*) continue ;; esac
	dpkg-deb -x "$deb" "$dir/root" >>"$log" 2>&1 || die fetch-$line "dpkg-deb -x $deb" "$log"
done
src=$KSLAB_CACHE/src/linux-$ver
if [ ! -f "$src/.kslab-extracted" ]; then
	rm -rf "$src" && mkdir -p "$src"
	dpkg-deb --fsys-tarfile "$apt/debs"/linux-source-"$line"_*.deb |
		tar -xO --wildcards './usr/src/linux-source-*.tar.*' |
		tar -xJ -C "$src" --strip-components=1 || die fetch-$line "extracting the source into $src" "$log"
	touch "$src/.kslab-extracted"
fi
rm -f "$apt/debs"/*.deb
t_x=$((SECONDS - start))

# The image, its config and modules: /usr/lib/modules/<release> on
# trixie's packages, /boot and /lib/modules on older ones.
echo "$rel" >"$dir/kernel.release"
for m in "$dir/root/usr/lib/modules/$rel" "$dir/root/lib/modules/$rel"; do
	[ ! -d "$m/kernel" ] || ln -sfn "${m#"$dir"/}" "$dir/modules"
done
for f in vmlinuz config; do
	for p in "$dir/modules/$f" "$dir/root/boot/$f-$rel"; do
		[ ! -f "$p" ] || ln -sfn "$(realpath --relative-to="$dir" "$p")" "$dir/$f"
	done
	[ -f "$dir/$f" ] || die fetch-$line "no $f of $rel in the packages" "$log"
done
hdr=$dir/root/usr/src/linux-headers-$rel
[ -f "$hdr/.config" ] && [ -f "$hdr/Module.symvers" ] ||
	die fetch-$line "no .config or Module.symvers in $hdr" "$log"

start=$SECONDS
echo "fetch-$line: preparing $dir/build for external modules with gcc $(gcc -dumpfullversion)" >&2
obj=$dir/build
mkdir -p "$obj"
cp "$hdr/.config" "$obj/.config"
make -C "$src" O="$obj" olddefconfig >>"$log" 2>&1 || die fetch-$line "make olddefconfig" "$log"
diff <(grep '^CONFIG_' "$hdr/.config" | sort) <(grep '^CONFIG_' "$obj/.config" | sort) |
	sed -nE 's/^([<>]) (CONFIG_[A-Za-z0-9_]+)=(.*)/\1 \2=\3/p' >"$dir/config.diff" || true
other=$(sed -E 's/^[<>] //; s/=.*//' "$dir/config.diff" | sort -u |
	grep -vE '^CONFIG_((CC|GCC|AS|LD|PAHOLE|RUSTC|BINDGEN|CLANG)_|RUST|OPENSSL_SUPPORTS_|DRM_PANIC_SCREEN_QR_|AMCC_QT2025_PHY$|AX88796B_RUST_PHY$)' |
	tr '\n' ' ' || true)
[ -z "$other" ] || die fetch-$line "this gcc changes options beyond the toolchain's: $other(see $dir/config.diff)"
localversion=${rel#"$(make -s -C "$src" kernelversion)"}
make -C "$src" O="$obj" LOCALVERSION="$localversion" -j"$(nproc)" modules_prepare >>"$log" 2>&1 ||
	die fetch-$line "make modules_prepare" "$log"
grep -qx "#define UTS_RELEASE \"$rel\"" "$obj/include/generated/utsrelease.h" ||
	die fetch-$line "$obj is not for $rel: $(cat "$obj/include/generated/utsrelease.h")"
cp "$hdr/Module.symvers" "$obj/Module.symvers"
t_p=$((SECONDS - start))

echo "$recipe" >"$dir/.kslab-done"
echo "fetch-$line: $rel ($ver): downloaded $mb MB in $t_dl s, unpacked in $t_x s, build tree in $t_p s" >&2
echo "$dir"
