#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh [KERNEL] - what `make bench` runs: build the benchmark kernel
# (scripts/kernel.sh bench) and every module, boot a guest that loads
# kslab and then bench/kslab_bench.ko (which measures kslab against SLUB
# in that one boot), turn its console lines into a table on stdout,
# build/bench/results.csv and build/bench/stats-MODE.csv, and draw
# build/bench/ratios.png (scripts/bench-plot.sh). With KERNEL "test", one
# more boot runs the client group: make clients' ext2 workload on the
# in-tree ext2.ko (SLUB) and on the same source with the redirect line
# (kslab), scripts/bench-clients-guest.sh; "workloads=client" in
# $KSLAB_BENCH_PARAMS selects it. KERNEL is "test" (the
# harness's tinyconfig kernel, default), "7.3" (the same built from Linux
# 7.3, scripts/kernel.sh bench-7.3: kslab against SLUB with sheaves; its
# results go to build/bench/7.3/) or "stock-6.12": Debian's stock 6.12
# kernel as users run it (its hardening, init_on_alloc and KFENCE
# defaults, which both sides honour), installed by scripts/stock.sh; its
# results go to build/bench/stock-6.12/. For those two the modules are
# built in a copy of the tree.
# $KSLAB_ICOUNT=1 selects the deterministic clock (-icount shift=0);
# $KSLAB_BENCH_PARAMS passes parameters to kslab_bench.ko (e.g.
# "workloads=pair,batch rounds=3" or "quick=1"); $KSLAB_PARAMS to kslab.ko;
# $KSLAB_NO_STATS=y builds kslab without its statistics (their cost).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KSLAB_TOP"

kernel=${1:-test}
mode=wall
[ "${KSLAB_ICOUNT:-0}" = 1 ] && mode=icount
out=$KSLAB_BUILD/bench
bash scripts/deps.sh gnuplot-nox

# build_copy KDIR: every module, built for KDIR in a copy of the tree
# under $out (the tree keeps its modules for the test kernel); sets $mods.
build_copy() {
	KSLAB_EXTRA_TESTS='' modules_copy "$out" "$1" || die bench "building the modules for $1" "$out/logs/modules.log"
	mapfile -t mods <"$out/modules.list"
}

# bench_kernel VARIANT OPTION...: the kernel of scripts/kernel.sh VARIANT,
# which must carry the SLUB distributions ship (and OPTIONs) and no lock
# debugging; sets $kdir and $image.
bench_kernel() {
	local opt

	kdir=$(bash scripts/kernel.sh "$1")
	image=$kdir/arch/x86/boot/bzImage
	shift
	for opt in CONFIG_SLUB=y CONFIG_SLAB_FREELIST_HARDENED=y CONFIG_SLAB_FREELIST_RANDOM=y \
		   CONFIG_CC_OPTIMIZE_FOR_PERFORMANCE=y "$@"; do
		grep -qx "$opt" "$kdir/.config" || die bench "the bench kernel lacks $opt" "$kdir/.config"
	done
	for opt in CONFIG_SLUB_TINY CONFIG_PROVE_LOCKING CONFIG_LOCKDEP CONFIG_DEBUG_SPINLOCK; do
		! grep -q "^$opt=y" "$kdir/.config" || die bench "the bench kernel has $opt" "$kdir/.config"
	done
}

case "$kernel" in
test|"") bench_kernel bench CONFIG_SLUB_CPU_PARTIAL=y CONFIG_PREEMPT_VOLUNTARY=y ;;
7.3)
	# SLUB with sheaves, which every cache without debug flags has (no
	# option), and lazy preemption, what 7.3 offers on x86 in place of
	# voluntary (kunit/v7.config).
	bench_kernel bench-7.3 CONFIG_PREEMPT_LAZY=y
	grep -q '^7\.' "$kdir/include/config/kernel.release" ||
		die bench "the 7.3 bench kernel is $(cat "$kdir/include/config/kernel.release")"
	out=$out/7.3
	;;
stock-6.12)
	k=$(bash scripts/stock.sh 6.12)
	kdir=/lib/modules/$k/build
	image=/boot/vmlinuz-$k
	out=$out/stock-6.12
	;;
*) die bench "unknown KERNEL '$kernel' (test, 7.3 or stock-6.12)" ;;
esac
# KSLAB_NO_STATS=y: kslab built without its statistics, to measure their
# cost (scripts/bench-stats.sh); results under .../nostats/.
[ "${KSLAB_NO_STATS:-}" != y ] || out=$out/nostats
mkdir -p "$out"
if [ "$kernel" = test ] && [ "${KSLAB_NO_STATS:-}" != y ]; then
	bash scripts/modules.sh "$kdir" >"$KSLAB_BUILD/modules.list"
	mapfile -t mods <"$KSLAB_BUILD/modules.list"
else
	build_copy "$kdir"
fi

bench_ko=$(printf '%s\n' "${mods[@]}" | grep '/bench/kslab_bench\.ko$' || true)
[ -n "$bench_ko" ] || die bench "bench/kslab_bench.ko was not built" "$KSLAB_LOGS/modules.log"

# One boot a group of workloads, unless KSLAB_BENCH_PARAMS names them:
# fewer instructions a boot (QEMU's -icount mode has double-faulted in a
# long run), and a group that fails names itself. "client" is not
# kslab_bench's: it is the boot of the client group, which needs the
# test source's fs/ext2 and kslab built in the tree (KERNEL test, with
# the statistics).
groups=("workloads=pair,batch,bulk,remote,parallel" "workloads=kmalloc,memory,defrag"
	"workloads=debug")
client_ok=0
[ "$kernel" != test ] || [ "${KSLAB_NO_STATS:-}" = y ] || client_ok=1
[ $client_ok = 0 ] || groups+=(client)
params=${KSLAB_BENCH_PARAMS:-}
if [[ $params == *workloads=* ]]; then
	wl=$(grep -oE 'workloads=[^ ]*' <<<"$params" | head -n 1)
	rest=$(tr , '\n' <<<"${wl#workloads=}" | grep -vx client | paste -sd , - || true)
	groups=()
	[ -z "$rest" ] || groups=("")
	params=${params/"$wl"/${rest:+workloads=$rest}}
	if [ "$rest" != "${wl#workloads=}" ]; then
		[ $client_ok = 1 ] || die bench "the client group runs on KERNEL=test with statistics only"
		groups+=(client)
	fi
fi
# The client group: fewer files with quick=1, the same on both sides.
client_files=5000
[[ " $params " != *" quick=1 "* ]] || client_files=1000
if [[ " ${groups[*]} " == *" client "* ]]; then
	cfiles=$out/client-files
	rm -rf "$cfiles" && mkdir -p "$cfiles/lib/kslab/slub"
	bash scripts/clients-build.sh "$kdir" "$cfiles" >"$out/clients.list" ||
		die bench "building the client group's ext2 on kslab" "$KSLAB_LOGS/clients-build.log"
	client_ko=$(grep '/ext2\.ko$' "$out/clients.list") ||
		die bench "clients-build.sh built no ext2.ko" "$KSLAB_LOGS/clients-build.log"
	[ -f "$kdir/fs/ext2/ext2.ko" ] ||
		die bench "the bench kernel has no in-tree fs/ext2/ext2.ko (kunit/clients.config)" "$kdir/.config"
	cp "$kdir/fs/ext2/ext2.ko" "$cfiles/lib/kslab/slub/"
	install -m 0644 scripts/bench-clients-guest.sh "$cfiles/etc/kslab/bench-clients.sh"
fi
# impossible_eflags LOG: the first EFLAGS of an oops in LOG with a reserved
# bit set (15, 22-31), which only an emulator fault produces.
impossible_eflags() {
	local f
	for f in $(grep -oE "EFLAGS: [0-9a-f]{8}" "$1" | cut -d' ' -f2); do
		if (((16#$f & 0xffc08000) != 0)); then
			echo "EFLAGS $f"
			return
		fi
	done
}

log=$out/console-$mode.log
: >"$log"
for g in "${groups[@]}"; do
	steps=$out/steps.sh
	if [ "$g" = client ]; then
		{
			echo "kslab_insmod kslab ${KSLAB_PARAMS:-}"
			echo "export CLIENTS_FILES=$client_files"
			echo "kslab_script /etc/kslab/bench-clients.sh"
			echo "kslab_rmmod kslab"
		} >"$steps"
		KSLAB_BUILD=$out KSLAB_GUEST_FILES=$cfiles bash scripts/initramfs.sh "$out/initramfs.gz" \
			"$steps" "${mods[0]}" "$client_ko"
		done_line="bench-client: done"
	else
		{
			echo "kslab_insmod kslab ${KSLAB_PARAMS:-}"
			echo "kslab_insmod kslab_bench $g $params && kslab_rmmod kslab_bench"
			echo "kslab_rmmod kslab"
		} >"$steps"
		KSLAB_BUILD=$out bash scripts/initramfs.sh "$out/initramfs.gz" "$steps" "${mods[0]}" "$bench_ko"
		done_line="kslab_bench: done"
	fi
	glog=$out/console-$mode-${g#workloads=}.log
	[ -n "$g" ] || glog=$out/console-$mode-params.log
	echo "bench: booting the guest ($mode clock, ${g:-$params}; console: ${glog#"$KSLAB_TOP"/})"
	# QEMU's -icount mode has double-faulted a guest at a cmpxchg16b
	# inside SLUB (never without -icount): such a boot is tried again, up
	# to twice, with one more word on the kernel command line, which moves
	# where the guest's timer interrupts fall. Each retry is said.
	for try in 1 2 3; do
		ok=1
		KSLAB_BUILD=$out KSLAB_TIMEOUT=${KSLAB_TIMEOUT:-3600} \
			KSLAB_CMDLINE="${KSLAB_CMDLINE:-} kslab_bench_try=$try" bash scripts/boot.sh "$image" \
			"$out/initramfs.gz" "$glog" batch || ok=0
		# the same glitch also shows as a spurious debug trap (a trap flag
		# in the flags cmpxchg16b leaves): exc_debug_kernel's WARN; or as
		# an oops whose register dump holds flags no x86 CPU can have
		# (reserved bits 15 or 22-31 set, with DF or AC among the rest:
		# a backwards rep stos then wrecks the stack), seen both in
		# kslab's node_free_objects() (cache_free_objects() then) and
		# in SLUB's __put_partials()
		glitch=$(grep -m1 -oE "PANIC: double fault|WARNING: .* exc_debug_kernel" "$glog" || true)
		[ -n "$glitch" ] || glitch=$(impossible_eflags "$glog")
		[ -n "$glitch" ] || { [ $ok = 1 ] && break; }
		[ -n "$glitch" ] && [ "$mode" = icount ] && [ $try -lt 3 ] ||
			die bench "the guest did not finish cleanly (try $try)" "$glog"
		echo "bench: QEMU -icount glitch ($glitch) in $(grep -m1 -o 'RIP: 0010:[^ ]*' "$glog" | tail -n 1 | cut -d: -f3); booting again"
	done
	grep -q "kslab-guest: done, 0 failed steps" "$glog" ||
		die bench "a guest step failed" "$glog"
	if grep -nE "WARNING:|BUG:|Oops|kslab: .*(corrupt|invalid|double free)" "$glog" >"$out/splats.txt"; then
		die bench "the console shows a splat or a kslab report" "$out/splats.txt"
	fi
	grep -q "$done_line" "$glog" || die bench "the benchmark did not finish" "$glog"
	cat "$glog" >>"$log"
done

# result lines -> CSV rows; stats lines -> stats CSV
commit=$(git describe --always --dirty 2>/dev/null || echo unknown)
sed -nE 's/.*(kslab_bench|bench-client): result //p' "$log" | awk -v mode="$mode" '
{
	for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	printf "%s,%s,%s,%s,%s,%s,%s\n", v["workload"], v["param"], v["size"],
	       v["kslab"], v["slub"], v["ratio"], mode
}' >"$out/results-$mode.rows"
[ -s "$out/results-$mode.rows" ] || die bench "no result lines in the console" "$log"
sed -n 's/.*kslab_bench: stats //p' "$log" | awk '
NR == 1 {
	for (i = 1; i <= NF; i++) { split($i, kv, "="); h = h (i > 1 ? "," : "") kv[1] }
	print h
}
{
	r = ""
	for (i = 1; i <= NF; i++) { split($i, kv, "="); r = r (i > 1 ? "," : "") kv[2] }
	print r
}' >"$out/stats-$mode.csv"
echo "$commit $(date -u +%Y-%m-%dT%H:%MZ)" >"$out/meta-$mode.txt"

# results.csv: this run's rows, and the other clock's latest rows if any.
{
	echo "workload,param,size,kslab_ns,slub_ns,ratio,mode"
	for m in wall icount; do
		[ -f "$out/results-$m.rows" ] && cat "$out/results-$m.rows"
	done
} >"$out/results.csv"

echo
peer=SLUB
[ "$kernel" != 7.3 ] || peer="SLUB with sheaves"
echo "kslab against $peer, $mode clock, commit $commit (kernel: ${image#"$KSLAB_TOP"/})"
echo "Clock: ktime_get_ns() in the guest; QEMU TCG without KVM, so absolute ns"
echo "mean nothing: only the ratios kslab/SLUB, measured in this one boot, do."
[ $mode = icount ] && echo "ICOUNT: -icount shift=0, guest time = guest instructions (1 ns = 1 instruction)."
rounds=$(sed -n 's/.*kslab_bench: start: .*, \([0-9]*\) rounds.*/\1/p' "$log" | head -n 1)
[ -z "$rounds" ] ||
	echo "Medians of $rounds rounds; an op is one alloc or one free; memory rows count pages."
grep -q "bench-client: result" "$log" &&
	echo "client rows: ext2's workload, ns a run (mean of each side's runs), and pages at its peak (below)."
echo "slow% = kslab's alloc_slowpath + free_slowpath per 100 ops (stats-$mode.csv)."
echo
awk -F, -v mode="$mode" -v statf="$out/stats-$mode.csv" '
BEGIN {
	while ((getline line < statf) > 0) {
		n = split(line, f, ",")
		if (f[1] == "workload") { for (i = 1; i <= n; i++) col[f[i]] = i; continue }
		k = f[1] "," f[2] "," f[3]
		if (f[col["ops"]] > 0)
			slow[k] = sprintf("%.1f", 100 * (f[col["alloc_slowpath"]] + f[col["free_slowpath"]]) / f[col["ops"]])
	}
	printf "%-9s %-16s %-7s %10s %10s %7s %6s %5s %s\n", "workload", "param", "size", "kslab", "slub", "ratio", "slow%", "goal", ""
}
{
	w = $1; goal = ""
	if (w == "pair") goal = mode == "icount" ? 0.80 : 1.00
	else if (w == "batch" || w == "bulk" || w == "remote") goal = mode == "icount" ? 0.70 : 0.80
	else if (w == "parallel" && $2 != "1cpu") goal = 1.00
	else if (w == "kmalloc") goal = mode == "icount" ? 0.90 : 1.00
	else if (w == "memory") goal = 1.00
	else if (w == "client" && $2 == "ext2") goal = mode == "icount" ? 1.00 : ""
	else if (w == "debug") {
		# the goals of issue 18, on the instruction clock for the debug
		# flags; without them ("none"), the rows of the plain workloads
		split($2, pf, "-"); kind = pf[1]; fl = pf[2]
		if (kind ~ /^batch/) kind = "batch"
		if (fl == "none")
			goal = kind == "pair" ? (mode == "icount" ? 0.80 : 1.00) : (mode == "icount" ? 0.70 : 0.80)
		else if (mode == "icount" && kind != "remote")
			goal = fl == "ZP" ? 0.40 : fl == "ZPU" ? 0.70 : 0.80
	}
	verdict = goal == "" ? "" : ($6 + 0 <= goal + 0 ? "met" : "MISSED")
	s = ($1 "," $2 "," $3) in slow ? slow[$1 "," $2 "," $3] : "-"
	printf "%-9s %-16s %-7s %10s %10s %7s %6s %5s %s\n", $1, $2, $3, $4, $5, $6, s,
	       goal == "" ? "-" : sprintf("%.2f", goal), verdict
}' "$out/results-$mode.rows" | tee "$out/table-$mode.txt"
if grep -q "workload=defrag" "$log"; then
	echo
	echo "defrag: pages held / pages the live objects need after each wave (goal with defragmentation: 1.25 at most)"
	sed -n 's/.*kslab_bench: result workload=defrag //p' "$log" | awk '
	{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%-6s %6s live, %5s pages needed: kslab with defrag %5s (%s %s), without %5s (%s), SLUB %5s (%s)\n",
		       v["param"], v["live"], v["need"], v["kslab"], v["frag_kslab"],
		       v["frag_kslab"] + 0 <= 1.25 ? "met" : "MISSED", v["kslab_nodefrag"],
		       v["frag_nodefrag"], v["slub"], v["frag_slub"]
	}' | tee "$out/defrag-$mode.txt"
fi
if grep -q "bench-client: result" "$log"; then
	echo
	echo "client: $(sed -n 's/.*bench-client: \(ext2, .*\)/\1/p' "$log" | head -n 1 | tr -d '\r')"
	echo "(time: mount to umount; pages at the peak, num_slabs x pagesperslab in /proc/slabinfo"
	echo "for SLUB, /proc/kslabinfo for kslab: ext2_inode_cache's, and the kmalloc-* caches' growth"
	echo "since mount, which on SLUB's side counts the whole kernel's kmalloc)"
	sed -n 's/.*bench-client: \(run .*\)/\1/p' "$log" | tr -d '\r' | tee "$out/client-$mode.txt"
fi
if grep -q "kslab_bench: self " "$log"; then
	echo
	echo "debug: kslab with the debug flags against kslab without them, same row, same boot (goal: ZP pair 2.00 at most)"
	sed -n 's/.*kslab_bench: self //p' "$log" | awk '
	{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		goal = v["param"] ~ /^pair-ZP$/ ? 2.00 : ""
		printf "%-16s %-5s %10s %10s %7s %5s %s\n", v["param"], v["size"], v["debug"], v["plain"],
		       v["ratio"], goal == "" ? "-" : sprintf("%.2f", goal),
		       goal == "" ? "" : (v["ratio"] + 0 <= goal ? "met" : "MISSED")
	}' | tee "$out/debug-self-$mode.txt"
fi
echo
bash scripts/bench-plot.sh "$out"
echo "bench: results in ${out#"$KSLAB_TOP"/}/results.csv, chart ${out#"$KSLAB_TOP"/}/ratios.png"
