#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - what `make check` (and CI) runs: install what is missing,
# build the test kernel and every module, lint, and run `make demo` as a
# user would, judging its output. Then boot the guest that loads kslab and
# every KUnit module (the project's, then tests/extra-example and
# $KSLAB_EXTRA_TESTS), then loads kslab afresh for the example client, a
# second of the benchmark and a short torture ($KSLAB_TORTURE_DURATION,
# default 30 s), and judge the console log: tests, splats, the torture,
# and every page back after the unload; the test boot also runs make
# clients' workload (ext2 and minix on kslab) before the first unload.
# It does that in five boots: the test kernel, the same with
# init_on_alloc=1 init_on_free=1 preempt=full on a guest with a
# memoryless node, the PREEMPT_RT test kernel, the
# KASAN test kernel and the test kernel built from Linux 7.3; a sixth,
# the dump boot, checks the post-mortem helpers tools/kslab_drgn.py
# against QEMU's dump of a guest in a known state and live in it
# (scripts/dump-check.sh: its seven checks count as tests)
# ($KSLAB_CHECK_BOOTS picks among demo, test, autoinit, rt, kasan, v7
# and dump). Last,
# `make compat` on Debian's stock kernels (KSLAB_COMPAT=0 skips it). Its
# last line is "N passed, N failed, N skipped" over every boot; it exits 1
# when a test failed, no test ran, lint failed, the demo failed, a guest
# did not power off by itself or a console shows a splat.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KSLAB_TOP"

# README's "Test your own module" command runs in every check: its example
# directory rides along with whatever KSLAB_EXTRA_TESTS names.
case " ${KSLAB_EXTRA_TESTS:-} " in
*" tests/extra-example "*) ;;
*) KSLAB_EXTRA_TESTS="tests/extra-example${KSLAB_EXTRA_TESTS:+ $KSLAB_EXTRA_TESTS}" ;;
esac
export KSLAB_EXTRA_TESTS

setup_guest
failures=()
bash scripts/lint.sh || failures+=("checkpatch (see build/logs/lint.log)")

# The guest's extra files: the userspace tools and their tests, then the user's.
files=$KSLAB_BUILD/check-files
rm -rf "$files" && mkdir -p "$files"
bash scripts/tools.sh "$files"
[ -z "${KSLAB_GUEST_FILES:-}" ] || cp -a "$KSLAB_GUEST_FILES/." "$files/"

# write_steps FILE MODULE.ko...: the guest's steps for a boot with these
# modules (each boot's own build: kunit/ builds some suites only for
# some kernels).
write_steps() {
	local out=$1 m
	shift
	{
		echo "kslab_insmod kslab ${KSLAB_PARAMS:-}"
		# first, while no counter was cleared: the real slabinfo and slabtop
		# on kslab's files through bind mounts, and kslabtop
		echo "kslab_script /etc/kslab/tools/real-tools.sh"
		echo "kslab_script /etc/kslab/tools/kslabtop.sh"
		for m in "$@"; do
			case "$m" in
			*/kunit/*|*/extra/*) echo "kslab_test $(basename "$m" .ko)" ;;
			esac
		done
		# the real clients (make clients), in a boot that has them
		case " $* " in
		*/clients/*) echo "kslab_script /etc/kslab/clients.sh" ;;
		esac
		echo "kslab_rmmod kslab"
		# A fresh load: the example client, the torture, every page back.
		echo "kslab_memfree before"
		echo "kslab_insmod kslab ${KSLAB_PARAMS:-}"
		echo "kslab_test kslab_example"
		# the benchmark, for a second: it still works (make bench measures)
		echo "kslab_insmod kslab_bench quick=1 && kslab_rmmod kslab_bench"
		echo "kslab_insmod kslab_torture duration=${KSLAB_TORTURE_DURATION:-30}"
		echo "kslab_rmmod kslab_torture"
		echo "kslab_rmmod kslab"
		echo "kslab_memfree after"
	} >"$out"
}

# add_counts NAME "N passed, N failed, N skipped": a boot's counts, shown
# and added to the totals.
passed=0 failed_tests=0 skipped=0
add_counts() {
	local p f s

	echo "check: $1: $2"
	read -r p _ f _ s _ <<<"${2//,/}"
	passed=$((passed + p)) failed_tests=$((failed_tests + f)) skipped=$((skipped + s))
}

# check_boot NAME KDIR CMDLINE MODULE.ko...: boot KDIR's kernel with the
# steps for kslab's modules built for it, judge its console
# (build/console.log for the first boot, build/console-NAME.log for the
# others) and add its counts to the totals.
check_boot() {
	local name=$1 k=$2 cmdline=$3 log report counts parse_ok=1 steps
	shift 3
	log=$KSLAB_BUILD/console-$name.log
	[ "$name" != test ] || log=$KSLAB_BUILD/console.log
	steps=$KSLAB_BUILD/check-steps-$name.sh
	write_steps "$steps" "$@"
	KSLAB_GUEST_FILES=${CHECK_FILES:-$files} bash scripts/initramfs.sh "$KSLAB_BUILD/initramfs-$name.gz" \
		"$steps" "$@"
	echo "check: $name: booting ${k#"$KSLAB_TOP"/} (${cmdline:-default command line};" \
		"$(grep -c kslab_test "$steps") test modules; console: ${log#"$KSLAB_TOP"/})"
	KSLAB_CMDLINE=$cmdline bash scripts/boot.sh "$k/arch/x86/boot/bzImage" \
		"$KSLAB_BUILD/initramfs-$name.gz" "$log" batch ||
		failures+=("$name: the guest did not finish by itself (see ${log#"$KSLAB_TOP"/})")
	# parse.sh names each of its failures in a "FAILED:" line of its own.
	report=$KSLAB_LOGS/parse-$name.log
	bash scripts/parse.sh "$log" >"$report" || parse_ok=0
	grep -vE '^[0-9]+ passed, ' "$report" | sed "s/^/$name: /" || true
	[ $parse_ok = 1 ] || failures+=("$name: $(grep -m1 FAILED "$report" || echo "parse.sh") (all in ${report#"$KSLAB_TOP"/})")
	bash scripts/judge-torture.sh "$log" | sed "s/^/$name: /" ||
		failures+=("$name: the torture (see ${log#"$KSLAB_TOP"/})")
	grep -q "kslab_bench: done" "$log" ||
		failures+=("$name: the benchmark's quick run did not finish (see ${log#"$KSLAB_TOP"/})")
	bash scripts/judge-pages.sh "$log" | sed "s/^/$name: /" ||
		failures+=("$name: pages not all back after kslab unloaded (see ${log#"$KSLAB_TOP"/})")
	case " $* " in
	*/clients/*)
		bash scripts/judge-clients.sh "$log" | sed "s/^/$name: /" ||
			failures+=("$name: the real clients, ext2 and minix (see ${log#"$KSLAB_TOP"/})")
		;;
	esac
	counts=$(grep -E '^[0-9]+ passed, ' "$report" || echo "0 passed, 0 failed, 0 skipped")
	add_counts "$name" "$counts"
}

# check_demo: README's first command, `make demo`, as a user runs it; it
# must show every step, draw its plot and end with its own "done" line.
check_demo() {
	local log=$KSLAB_LOGS/demo.log png=$KSLAB_BUILD/kslab-plot.png

	echo "check: demo: make demo (log: ${log#"$KSLAB_TOP"/})"
	rm -f "$png"
	if ! bash scripts/run.sh demo >"$log" 2>&1; then
		failures+=("demo: make demo failed (see ${log#"$KSLAB_TOP"/})")
	elif ! grep -q '^== 5/5: ' "$log" || ! grep -q '^demo: done' "$log"; then
		failures+=("demo: make demo did not show all its steps (see ${log#"$KSLAB_TOP"/})")
	elif [ ! -s "$png" ]; then
		failures+=("demo: make demo drew no plot (${png#"$KSLAB_TOP"/})")
	else
		echo "check: demo: PASSED: 5 steps shown, $(grep -c '^   ' "$log") lines of output, plot drawn"
	fi
}

# build_copy NAME KDIR: every module, built for KDIR in a copy of the
# tree under build/NAME/ (the tree keeps its modules for the test
# kernel); sets $cmods.
build_copy() {
	local d=$KSLAB_BUILD/$1

	modules_copy "$d" "$2" ||
		die check "building the modules for ${2#"$KSLAB_CACHE"/}" "$d/logs/modules.log"
	mapfile -t cmods <"$d/modules.list"
}

# The boots: make demo first (it writes build/console.log, which the test
# boot then takes over); the test kernel as it boots by default; the same kernel with
# memory auto-init and full preemption, as hardened distributions run, on
# a guest with a memoryless node (scripts/boot.sh's KSLAB_TOPOLOGY); the
# PREEMPT_RT test kernel, its modules built in a copy of the tree; the
# KASAN test kernel and v7, the test kernel built from Linux 7.3
# (scripts/kernel.sh test-7.3), the same way; the dump boot
# (scripts/dump-check.sh, the test kernel again). KSLAB_CHECK_BOOTS picks
# some of them (default: all).
autoinit="init_on_alloc=1 init_on_free=1 preempt=full"
for b in ${KSLAB_CHECK_BOOTS:-demo test autoinit rt kasan v7 dump}; do
	case "$b" in
	demo) check_demo ;;
	test)
		# with the real clients of make clients: ext2 and minix on kslab
		cfiles=$KSLAB_BUILD/check-files-clients
		rm -rf "$cfiles" && mkdir -p "$cfiles" && cp -a "$files/." "$cfiles/"
		clients=()
		if bash scripts/clients-build.sh "$kdir" "$cfiles" >"$KSLAB_BUILD/clients.list"; then
			mapfile -t clients <"$KSLAB_BUILD/clients.list"
		else
			failures+=("test: building the real clients (see build/logs/clients-build.log)")
		fi
		CHECK_FILES=$cfiles check_boot test "$kdir" "${KSLAB_CMDLINE:-}" "${mods[@]}" "${clients[@]}"
		;;
	autoinit)
		KSLAB_TOPOLOGY=${KSLAB_TOPOLOGY:-memoryless} \
			check_boot autoinit "$kdir" "$autoinit ${KSLAB_CMDLINE:-}" "${mods[@]}"
		;;
	rt)
		rtdir=$(bash scripts/kernel.sh rt)
		build_copy rt "$rtdir"
		check_boot rt "$rtdir" "${KSLAB_CMDLINE:-}" "${cmods[@]}"
		;;
	kasan)
		# the test kernel with generic KASAN: unexpected reports are splats
		kasandir=$(bash scripts/kernel.sh kasan)
		build_copy kasan "$kasandir"
		# Instrumented code in an emulated guest runs several times
		# slower. With a host thread per vCPU, the first KASAN guest's
		# RCU grace periods stalled from 4 s on (a vCPU's timer never
		# fired) and it hung at a module unload: one thread for all.
		# Every KASAN report is printed (kasan_multi_shot), not only
		# the first. no5lvl: with 5-level paging, 6.12 reported a
		# wild-memory-access at boot, an interrupt during
		# identify_cpu() while its LA57 feature bit was cleared.
		KSLAB_TIMEOUT=${KSLAB_TIMEOUT:-2700} KSLAB_TCG_THREAD=${KSLAB_TCG_THREAD:-single} \
			check_boot kasan "$kasandir" "kasan_multi_shot no5lvl ${KSLAB_CMDLINE:-}" \
			"${cmods[@]}"
		;;
	v7)
		# Debian's 7.3 oopsed in its own code patching in 4 of 43
		# boots with QEMU's vCPUs on threads of their own, in none of
		# 40 on one (compat.sh's boot_kernel): one thread here too.
		v7dir=$(bash scripts/kernel.sh test-7.3)
		build_copy v7 "$v7dir"
		KSLAB_TCG_THREAD=single check_boot v7 "$v7dir" "${KSLAB_CMDLINE:-}" "${cmods[@]}"
		;;
	dump)
		echo "check: dump: the drgn helpers against a QEMU dump and live (log: build/logs/dump.log)"
		if bash scripts/dump-check.sh >"$KSLAB_LOGS/dump.log" 2>&1; then
			grep '^dump: PASSED' "$KSLAB_LOGS/dump.log" | sed 's/^/check: /'
		else
			grep -m1 'dump: FAILED' "$KSLAB_LOGS/dump.log" | sed 's/^/check: /' || true
			failures+=("dump: the drgn helpers against a QEMU dump (see build/logs/dump.log)")
		fi
		# its seven checks count as tests (dump-check.sh's count line)
		counts=$(grep -E '^dump: [0-9]+ passed, ' "$KSLAB_LOGS/dump.log" | tail -n 1 | cut -d' ' -f2-) || true
		add_counts dump "${counts:-0 passed, 0 failed, 0 skipped}"
		;;
	*) die check "KSLAB_CHECK_BOOTS: unknown boot '$b' (demo, test, autoinit, rt, kasan, v7 or dump)" ;;
	esac
done

# The stock kernels (scripts/compat.sh); KSLAB_COMPAT=0 skips them.
if [ "${KSLAB_COMPAT:-1}" = 1 ]; then
	echo "check: make compat: Debian's stock 6.1 and 6.12 kernels, their -rt flavours and 7.3 (log: build/logs/compat.log)"
	bash scripts/compat.sh >"$KSLAB_LOGS/compat.log" 2>&1 ||
		failures+=("make compat (see build/logs/compat.log)")
	grep -E '^compat: .*(PASSED|FAILED)|^[0-9]+ passed, [0-9]+ failed$' "$KSLAB_LOGS/compat.log" |
		sed 's/^\([0-9]* passed\)/compat: \1/' | awk '!seen[$0]++' || true
fi
for f in "${failures[@]}"; do
	echo "check: FAILED: $f"
done
echo "$passed passed, $failed_tests failed, $skipped skipped"
[ ${#failures[@]} -eq 0 ]
