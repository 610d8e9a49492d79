#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools.sh OUT - build the userspace tools the guest runs and lay them out
# in OUT (created, or added to), a tree to copy over the guest's root
# (KSLAB_GUEST_FILES): /usr/bin/kslabtop and the kernel's own
# tools/mm/slabinfo, both static;
# procps' /usr/bin/slabtop with the shared libraries and loader ldd names;
# /usr/bin/kslab-sample; the guest test scripts of tests/tools/ in
# /etc/kslab/tools/. Log: build/logs/tools.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:?usage: tools.sh OUT}
log=$KSLAB_LOGS/tools.log
src=$(kernel_src)
[ -n "$src" ] || die tools "no kernel source tree under $KSLAB_BUILD/src (run scripts/kernel.sh test)"
bash "$KSLAB_TOP/scripts/deps.sh" libc6-dev procps

mkdir -p "$out/usr/bin" "$out/etc/kslab/tools"
: >"$log"

# kslabtop is ours: warning-free. slabinfo is the kernel's, built as is.
gcc -static -O2 -Wall -Wextra -o "$out/usr/bin/kslabtop" "$KSLAB_TOP/tools/kslabtop.c" \
	>>"$log" 2>&1 || die tools "building tools/kslabtop.c" "$log"
! grep -q "warning:" "$log" || die tools "compiler warnings in tools/kslabtop.c" "$log"
gcc -static -O2 -o "$out/usr/bin/slabinfo" "$src/tools/mm/slabinfo.c" \
	>>"$log" 2>&1 || die tools "building $src/tools/mm/slabinfo.c" "$log"

# slabtop and everything its loader will ask for, at the same paths.
slabtop=$(command -v slabtop) || die tools "no slabtop on the host (package procps)"
cp "$slabtop" "$out/usr/bin/slabtop"
copy_with_libs "$slabtop" "$out" "$log" || die tools "ldd $slabtop" "$log"

install -m 0755 "$KSLAB_TOP/tools/kslab-sample.sh" "$out/usr/bin/kslab-sample"
install -m 0755 "$KSLAB_TOP"/tests/tools/*.sh "$out/etc/kslab/tools/"
echo "tools: kslabtop, slabinfo, slabtop (+$(find "$out" -name '*.so*' | wc -l) libraries) and $(ls "$out/etc/kslab/tools" | wc -l) guest scripts in $out"
