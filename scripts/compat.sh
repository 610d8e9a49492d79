#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# compat.sh - what `make compat` runs: kslab on Debian's stock kernels,
# the current 6.1 and 6.12 releases and their PREEMPT_RT flavours
# (whatever linux-image-amd64, linux-image-6.12-amd64, linux-image-rt-amd64
# and linux-image-6.12-rt-amd64 name in the apt lists), and 7.3 from
# trixie-backports. It installs what is missing (those 6.x images, their
# headers, dkms); 7.3 is not installed but fetched into the kernel cache
# (scripts/fetch-7.3.sh: the packages unpacked, and a tree prepared for
# external modules with this machine's gcc, since Debian's 7.3 headers
# want trixie's gcc 14 and glibc). Then for each kernel:
#   1. builds kslab, the example client and the torture module against
#      its headers with W=1, a warning failing (scripts/modules.sh, run in
#      a copy of the tree under build/compat/<kernel>/tree);
#   2. DKMS, `make install` and the client skeleton (compat-install.sh);
#      7.3 skips DKMS, with a line saying so: DKMS would build and
#      install into this host's /lib/modules/<kernel> for a kernel it
#      does not run; its guest gets the kslab.ko that `make install` put
#      in its scratch root instead;
#   3. boots /boot/vmlinuz-<kernel> on one QEMU thread (see boot_kernel;
#      7.3: the image in the cache, its guest's modules.order and
#      modules.builtin* from the unpacked modules; no driver module is
#      needed: the console and initramfs are built in) in QEMU (boot.sh)
#      with the steps of scripts/compat-guest.sh: modprobe kslab (DKMS's),
#      the example client and the skeleton, /proc/kslabinfo and
#      /sys/kernel/kslab, $DURATION seconds (default 20) of kslab_torture
#      (with $KSLAB_TORTURE_PARAMS, e.g. "inject=1" to see a run fail),
#      unload everything, free memory before and after;
#   4. judges the console with the harness's judges: no splat and no
#      failed guest step (scan.sh), "kslab-torture: N ops, 0 errors" with
#      N > 0 (judge-torture.sh), "kslab: unloaded; 0 pages still held" and
#      free memory back within $KSLAB_MEMFREE_SLACK kB (judge-pages.sh;
#      default 4096 here: the kernel's own slab caches grow by about
#      1.2 MiB over such a run, task_struct, mm_struct ...).
# One line per kernel, then "N passed, N failed"; exit 1 on any failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KSLAB_TOP"

duration=${DURATION:-20}
[[ $duration =~ ^[1-9][0-9]{0,3}$ ]] || die compat "DURATION=$duration: want whole seconds, 1 to 9999"
slack=${KSLAB_MEMFREE_SLACK:-4096}
[[ $slack =~ ^[0-9]+$ ]] || die compat "KSLAB_MEMFREE_SLACK=$slack: want kB"
torture_params=${KSLAB_TORTURE_PARAMS:-}
[[ $torture_params =~ ^[a-z0-9_=\ ]*$ ]] ||
	die compat "KSLAB_TORTURE_PARAMS='$torture_params': want name=value words"
out=$KSLAB_BUILD/compat

# The kernels and what the packages need: the 6.x lines installed when
# missing (scripts/stock.sh's names), 7.3 fetched (scripts/fetch-7.3.sh),
# in that order. $KSLAB_COMPAT_LINES picks some of them. For each kernel:
# its headers, image, config, package version, and for 7.3 the directory
# it was fetched into (empty for an installed kernel).
read -r -a lines <<<"${KSLAB_COMPAT_LINES:-6.1 6.12 6.1-rt 6.12-rt 7.3}"
stock=() kvers=()
declare -A kdir image config pkgver fetched
for l in "${lines[@]}"; do
	[ "$l" = 7.3 ] || stock+=("$l")
done
if [ ${#stock[@]} -gt 0 ]; then
	mapfile -t kvers < <(bash scripts/stock.sh "${stock[@]}")
	[ ${#kvers[@]} -eq ${#stock[@]} ] || die compat "scripts/stock.sh did not name ${#stock[@]} kernels"
	bash scripts/deps.sh dkms
fi
for k in "${kvers[@]}"; do
	kdir[$k]=/lib/modules/$k/build image[$k]=/boot/vmlinuz-$k config[$k]=/boot/config-$k
	fetched[$k]=
	pkgver[$k]=$(dpkg-query -W -f='${Version}' "linux-image-$k")
done
if [ ${#stock[@]} -lt ${#lines[@]} ]; then
	f=$(bash scripts/fetch-7.3.sh) || die compat "fetching Debian's 7.3 (scripts/fetch-7.3.sh)"
	k=$(cat "$f/kernel.release")
	kvers+=("$k")
	kdir[$k]=$f/build image[$k]=$f/vmlinuz config[$k]=$f/config
	fetched[$k]=$f pkgver[$k]=${f##*/stock-}
fi

# judge DIR LOG: why the guest run failed, one reason a line (nothing
# when it passed), from the harness's judges; their reports go to DIR.
judge() {
	local d=$1 log=$2 j
	grep -q "kslab-guest: done, 0 failed steps" "$log" || echo "the guest's steps did not all run"
	for j in scan judge-torture judge-pages; do
		KSLAB_MEMFREE_SLACK=$slack bash "scripts/$j.sh" "$log" >"$d/$j.txt" 2>&1 && continue
		# The FAILED line (scan.sh: each, with its first hit under it).
		grep -E 'FAILED|^    [0-9]+:' "$d/$j.txt" | head -n 4 | tr -d '\r' ||
			echo "$j.sh failed (see $d/$j.txt)"
	done
}

# summary DIR: the figures of a passed run.
summary() {
	local d=$1 sysfs ops mem
	sysfs=$(sed -nE 's/.*kslab-guest: compat sysfs: ([0-9]+) files read, .* ([0-9]+) caches validated.*/\1 sysfs files read, \2 caches validated/p' "$d/console.log")
	ops=$(sed -nE 's/^torture: PASSED: //p' "$d/judge-torture.txt")
	mem=$(sed -nE 's/^pages: free memory before .* \((-?[0-9]+ kB)\)$/\1/p' "$d/judge-pages.txt")
	echo "$sysfs; torture $ops; 0 pages held; free memory $mem"
}

# boot_kernel K DIR: pack the guest of kernel K from what DIR holds, boot
# it and judge its console: the reasons it failed, one a line.
boot_kernel() {
	local k=$1 d=$2 m mods=() built cmdline timeout_s thread
	mapfile -t built <"$d/modules.list"
	for m in "${built[@]}"; do
		case "$m" in */examples/kslab_example.ko|*/torture/kslab_torture.ko) mods+=("$m") ;; esac
	done
	mods+=("$d/client/kslab_hello.ko" "$d/redirect-client/kslab_plain.ko")
	{ echo "duration=$duration torture_params='$torture_params'"; cat scripts/compat-guest.sh; } >"$d/steps.sh"
	KSLAB_BUILD=$d KSLAB_GUEST_FILES=$d/guest bash scripts/initramfs.sh \
		"$d/initramfs.gz" "$d/steps.sh" "${mods[@]}" >&2 || { echo "packing the initramfs"; return; }
	cmdline=${KSLAB_CMDLINE:-}
	# KFENCE is built into 6.12 and 7.3 but samples nothing unless asked to.
	if grep -q '^CONFIG_KFENCE=y' "${config[$k]}"; then
		cmdline+=" kfence.sample_interval=100"
	fi
	# One QEMU thread for all vCPUs. With a thread each, QEMU 7.2
	# (bookworm's) lost code-patching IPIs: 7.3 oopsed on an int3 of its
	# own code patching in 4 of 43 boots (in none of 40 on one thread),
	# and 6.1 once hung in early boot in text_poke_bp_batch(), waiting
	# for a CPU that never answered, before kslab was loaded.
	thread=single
	timeout_s=${KSLAB_TIMEOUT:-$((2 * duration + 900))}
	echo "compat: $k: booting ${image[$k]} (timeout ${timeout_s}s; console: ${d#"$KSLAB_TOP"/}/console.log)" >&2
	KSLAB_BUILD=$d KSLAB_TIMEOUT=$timeout_s KSLAB_CMDLINE=$cmdline KSLAB_TCG_THREAD=$thread \
		bash scripts/boot.sh "${image[$k]}" "$d/initramfs.gz" "$d/console.log" batch >&2 ||
		echo "the guest did not finish cleanly"
	[ ! -f "$d/console.log" ] || judge "$d" "$d/console.log"
}

passed=0 failed=0 lines=()
for k in "${kvers[@]}"; do
	d=$out/$k
	mkdir -p "$d"
	start=$SECONDS
	name="$k (${pkgver[$k]})"
	why=()
	echo "compat: $k: building kslab, the example and the torture with W=1"
	if ! KSLAB_EXTRA_TESTS='' modules_copy "$d" "${kdir[$k]}"; then
		why+=("W=1 build (see ${d#"$KSLAB_TOP"/}/logs/modules.log)")
	elif ! bash scripts/compat-install.sh "$d" "$k" "${fetched[$k]}"; then
		why+=("DKMS, make install or the client skeleton (see ${d#"$KSLAB_TOP"/}/*.log)")
	else
		boot_kernel "$k" "$d" >"$d/why.txt"
		mapfile -t why <"$d/why.txt"
	fi
	if [ ${#why[@]} -eq 0 ]; then
		passed=$((passed + 1))
		lines+=("compat: $name: PASSED in $((SECONDS - start)) s: $(summary "$d")")
	else
		failed=$((failed + 1))
		lines+=("compat: $name: FAILED: $(IFS=';'; echo "${why[*]}" | sed 's/;/; /g')")
	fi
	echo "${lines[-1]}"
done
echo
printf '%s\n' "${lines[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
