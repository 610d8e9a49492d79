#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# compat-install.sh OUT KVER [FETCHED] - exercise, for the stock kernel
# KVER (headers in /lib/modules/KVER/build), the ways README's "Use it on
# your machine" installs kslab, in the directory OUT where
# scripts/compat.sh has put OUT/tree (this tree, built there by
# scripts/modules.sh):
#   DKMS: `dkms add`, `dkms build -k KVER`, `dkms install -k KVER` on this
#     host (as root); the installed kslab.ko goes (decompressed) to
#     OUT/guest/lib/modules/KVER/updates/dkms/ with a modules.dep, for the
#     guest's modprobe; kslab leaves DKMS and /usr/src again on exit;
#   `make install` of OUT/tree into the scratch root OUT/root;
#   the client module of README.md, taken from it to OUT/client and built
#     with W=1 against that installed kslab: kslab.h and Module.symvers only;
#   the redirected client of README.md (kernel API only, the redirect
#     line), to OUT/redirect-client, built the same way with the installed
#     redirect.h: it must import none of the kernel's slab calls.
# A kernel that is not installed here (7.3: FETCHED is the directory
# scripts/fetch-7.3.sh made, its KDIR FETCHED/build and its modules
# FETCHED/modules) skips DKMS, which would build and install into this
# host's /lib/modules/KVER: the guest gets make install's kslab.ko (in
# OUT/guest/lib/modules/KVER/extra/) instead.
# Checks that every module was built for KVER (vermagic). Prints a line
# per step; the logs are OUT/{dkms,install,client}.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KSLAB_TOP"

out=${1:?usage: compat-install.sh OUT KVER [FETCHED]}
k=${2:?usage: compat-install.sh OUT KVER [FETCHED]}
fetched=${3:-}
kdir=/lib/modules/$k/build
moddir=/lib/modules/$k
[ -z "$fetched" ] || { kdir=$fetched/build; moddir=$fetched/modules; }
[ -d "$out/tree" ] || die compat-install "no built tree in $out/tree"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
[ -n "$ver" ] || die dkms "no PACKAGE_VERSION in dkms.conf"

# vermagic_is KO KVER STEP: KO was built for exactly the kernel KVER.
vermagic_is() {
	local magic
	magic=$(modinfo -F vermagic "$1")
	[ "${magic%% *}" = "$2" ] || die "$3" "$1 has vermagic '$magic', not for $2"
}

# dkms_remove: take kslab out of DKMS (every kernel) and /usr/src, when a
# run of this script put it there (its source has made-by-make-compat).
dkms_remove() {
	if [ -e "/var/lib/dkms/kslab/$ver" ] || [ -e "/usr/src/kslab-$ver" ]; then
		[ -e "/usr/src/kslab-$ver/made-by-make-compat" ] ||
			die dkms "kslab/$ver is in DKMS already, not by make compat: leaving it alone (dkms status kslab)"
		"${sudo_cmd[@]}" dkms remove "kslab/$ver" --all >>"$out/dkms.log" 2>&1 || true
	fi
	"${sudo_cmd[@]}" rm -rf "/usr/src/kslab-$ver"
}

# client_write DIR TAG FILE...: a client of README.md, each FILE from the
# block README marks with "<!-- TAG: FILE -->": what README shows is what
# is built (TAG client: "Use kslab from a module"; redirect-client: "Put
# an unmodified module on kslab").
client_write() {
	local dir=$1 tag=$2 f
	shift 2
	for f in "$@"; do
		awk -v mark="<!-- $tag: $f -->" '
			$0 == mark { want = 1; next }
			want && /^```/ { if (inside) exit; inside = 1; next }
			inside { print }' README.md >"$dir/$f"
		[ -s "$dir/$f" ] || die client "README.md has no block marked '<!-- $tag: $f -->'"
	done
}

# guest_kslab KO DIR STEP: KO, decompressed, is the guest's only kslab.ko,
# in DIR under its /lib/modules/KVER, with a modules.dep for modprobe.
guest_kslab() {
	local mods=$out/guest/lib/modules/$k
	rm -rf "$out/guest" && mkdir -p "$mods/$2"
	case "$1" in
	*.xz) xz -dc "$1" >"$mods/$2/kslab.ko" ;;
	*) cp "$1" "$mods/$2/kslab.ko" ;;
	esac
	vermagic_is "$mods/$2/kslab.ko" "$k" "$3"
	cp "$moddir"/modules.{order,builtin,builtin.modinfo} "$mods/"
	depmod -b "$out/guest" "$k" >>"$log" 2>&1 || die "$3" "depmod of the guest's modules" "$log"
}

# DKMS gets a clean copy (no build products) of what it builds.
log=$out/dkms.log
: >"$log"
if [ -n "$fetched" ]; then
	echo "compat-install: $k: DKMS skipped: the kernel is not installed here (fetched into $fetched); dkms would build and install into this host's /lib/modules/$k"
else
	src=$out/dkms-src
	rm -rf "$src" && mkdir -p "$src"
	rsync -a --filter=':- .gitignore' dkms.conf module "$src/"
	touch "$src/made-by-make-compat"
	dkms_remove
	trap dkms_remove EXIT
	{ "${sudo_cmd[@]}" dkms add "$src" &&
	  "${sudo_cmd[@]}" dkms build -k "$k" "kslab/$ver" &&
	  "${sudo_cmd[@]}" dkms install -k "$k" "kslab/$ver"; } >>"$log" 2>&1 ||
		die dkms "dkms add, build or install -k $k (also /var/lib/dkms/kslab/$ver/build/make.log)" "$log"
	ko=$(ls "/lib/modules/$k/updates/dkms/kslab.ko"* 2>/dev/null | head -n 1 || true)
	[ -n "$ko" ] || die dkms "dkms install put no kslab.ko in /lib/modules/$k/updates/dkms" "$log"
	guest_kslab "$ko" updates/dkms dkms
	status=$(dkms status kslab -k "$k" 2>>"$log")
	[[ $status == *": installed"* ]] || die dkms "dkms status kslab -k $k says '$status'" "$log"
	echo "compat-install: $k: dkms add, build, install: $ko; dkms status: $status"
fi

root=$out/root
log=$out/install.log
rm -rf "$root" && mkdir -p "$root/lib/modules/$k"
cp "$moddir"/modules.{order,builtin,builtin.modinfo} "$root/lib/modules/$k/"
# W=1 as scripts/modules.sh built the tree: nothing is rebuilt.
make -C "$out/tree" install KDIR="$kdir" DESTDIR="$root" W=1 >"$log" 2>&1 ||
	die install "make install KDIR=$kdir DESTDIR=$root" "$log"
ko=$(ls "$root/lib/modules/$k/extra/kslab.ko"* 2>/dev/null | head -n 1 || true)
[ -n "$ko" ] || die install "no kslab.ko under $root/lib/modules/$k/extra" "$log"
grep -q '^extra/kslab.ko' "$root/lib/modules/$k/modules.dep" ||
	die install "depmod did not list extra/kslab.ko" "$log"
hdr=$root/usr/local/include/kslab/kslab.h
symvers=$root/usr/local/lib/kslab/$k/Module.symvers
[ -f "$hdr" ] && [ -f "$symvers" ] || die install "kslab.h or Module.symvers not installed" "$log"
[ -z "$fetched" ] || guest_kslab "$ko" extra install
echo "compat-install: $k: make install: ${ko#"$root"}, ${hdr#"$root"}, ${symvers#"$root"}"

client=$out/client
log=$out/client.log
rm -rf "$client" && mkdir -p "$client"
client_write "$client" client Kbuild kslab_hello.c
make -C "$kdir" M="$client" KSLAB_INCLUDE="$root/usr/local/include" \
	KBUILD_EXTRA_SYMBOLS="$symvers" W=1 modules >"$log" 2>&1 ||
	die client "building the client skeleton against the installed kslab" "$log"
! grep -qiE 'warning:' "$log" || die client "warnings building the client skeleton (W=1)" "$log"
vermagic_is "$client/kslab_hello.ko" "$k" client
[ "$(modinfo -F depends "$client/kslab_hello.ko")" = kslab ] ||
	die client "kslab_hello.ko does not depend on kslab" "$log"
echo "compat-install: $k: client skeleton built against the installed kslab"

# The module of the kernel's API alone, on kslab by the redirect line.
client=$out/redirect-client
log=$out/redirect-client.log
rm -rf "$client" && mkdir -p "$client"
client_write "$client" redirect-client Kbuild kslab_plain.c
make -C "$kdir" M="$client" KSLAB_INCLUDE="$root/usr/local/include" \
	KBUILD_EXTRA_SYMBOLS="$symvers" W=1 modules >"$log" 2>&1 ||
	die redirect-client "building the redirected client against the installed kslab" "$log"
! grep -qiE 'warning:' "$log" || die redirect-client "warnings building the redirected client (W=1)" "$log"
vermagic_is "$client/kslab_plain.ko" "$k" redirect-client
kernel_slab=$(nm -u "$client/kslab_plain.ko" | awk '{ print $2 }' |
	grep -E '^_*(kmem_cache|kmalloc|kzalloc|krealloc|kfree|ksize|kmemdup|kstr|kv)' |
	grep -v '^kslab_' | paste -sd ' ' - || true)
[ -z "$kernel_slab" ] || die redirect-client "kslab_plain.ko calls the kernel's allocator: $kernel_slab" "$log"
echo "compat-install: $k: redirected client built against the installed kslab, importing only kslab's slab calls"
