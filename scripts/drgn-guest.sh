#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# drgn-guest.sh OUT VMLINUX - lay out in OUT (a tree to copy over the
# guest's root, KSLAB_GUEST_FILES) what the dump boot needs to run the
# post-mortem helpers live in the guest, on its /proc/kcore: Debian's
# python3, the standard library modules the helpers import (those
# `python3 -v` loads for them on the host: the same files at the same
# paths), python3-drgn's package, every shared library ldd names for the
# interpreter and the extension modules, tools/kslab_drgn.py as
# /usr/share/kslab/kslab_drgn.py and VMLINUX as /boot/vmlinux, its
# DWARF cut to what drgn reads (see below). The guest runs
# `python3 -S /usr/share/kslab/kslab_drgn.py ...` with
# PYTHONPATH=/usr/lib/python3/dist-packages; kslab's modules are in
# /lib/kslab/ already. Log: build/logs/drgn-guest.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:?usage: drgn-guest.sh OUT VMLINUX}
vmlinux=${2:?usage: drgn-guest.sh OUT VMLINUX}
log=$KSLAB_LOGS/drgn-guest.log
py=/usr/bin/python3.11
dist=/usr/lib/python3/dist-packages
[ -x "$py" ] && [ -d "$dist/drgn" ] || die drgn-guest "no $py or python3-drgn on the host (scripts/deps.sh)"
: >"$log"

# put FILE: the same path under OUT, symbolic links followed
put() {
	mkdir -p "$out$(dirname "$1")"
	cp -L --preserve=timestamps "$1" "$out$1"
}

# the interpreter under its Debian name and as python3
put "$py"
ln -sf python3.11 "$out/usr/bin/python3"
# what it loads for the helpers' command line: sources, their bytecode
# (timestamps kept, so the guest does not compile) and extension modules
PYTHONPATH=$dist "$py" -S -v "$KSLAB_TOP/tools/kslab_drgn.py" --help >/dev/null 2>"$log.v" ||
	die drgn-guest "$py -v tools/kslab_drgn.py --help" "$log.v"
mapfile -t files < <(grep -oE "/usr/lib/python3[^ ']*\.(py|pyc|so)" "$log.v" | sort -u)
# the interpreter finds its prefix by os.py (os itself is frozen)
files+=(/usr/lib/python3.11/os.py)
for f in "${files[@]}"; do
	[ -f "$f" ] && put "$f"
done
mkdir -p "$out/usr/lib/python3.11/lib-dynload"
# python3-drgn's package whole (the helpers' imports are most of it)
mkdir -p "$out$dist"
cp -a "$dist/drgn" "$out$dist/"
put "$dist"/_drgn.cpython-311-*.so
# the libraries of the interpreter and of every extension module
for elf in "$py" $(find "$out/usr/lib" -name '*.so'); do
	copy_with_libs "$elf" "$out" "$log" || die drgn-guest "ldd $elf" "$log"
done

install -D -m 0755 "$KSLAB_TOP/tools/kslab_drgn.py" "$out/usr/share/kslab/kslab_drgn.py"
mkdir -p "$out/boot"
cp "$vmlinux" "$out/boot/vmlinux"
echo "drgn-guest: python3, $(grep -c '\.py$' <(printf '%s\n' "${files[@]}")) library modules," \
	"drgn, $(find "$out" -name '*.so*' | wc -l) shared objects," \
	"vmlinux of $(($(stat -c %s "$out/boot/vmlinux") >> 20)) MiB in $out ($(du -sm "$out" | cut -f1) MiB)"
