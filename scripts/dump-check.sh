#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dump-check.sh - `make check`'s dump boot: the post-mortem helpers
# (tools/kslab_drgn.py) against a real dump. Boots the test kernel (it
# has DWARF, fw_cfg and /proc/kcore: kunit/drgn.config) with QEMU's
# vmcoreinfo device, loads kslab, the example client and tests/dump's
# kslab_dumpstate (a known state: live, freed, magazine-, depot- and
# remote-held objects, a quarantined one, an address outside kslab, a
# debug cache), prints /proc/kslabinfo and the addresses, runs the helpers
# live in the guest on its /proc/kcore (python3, drgn and vmlinux ride in
# its initramfs: scripts/drgn-guest.sh), prints /proc/kslabinfo again and
# has QEMU dump the guest's memory (scripts/boot.sh's dump mode). Then, on
# the host, the helpers read the dump with drgn and must print the same
# /proc/kslabinfo, classify every address as the guest said, count as
# many live objects in dump_plain as kslabinfo says, and name the
# allocating function in a debug object's allocation stack; the live
# run's slabinfo must equal the /proc/kslabinfo printed just before it,
# and its `info` of one address of each kind what the dump says of them.
# Those seven checks are the dump boot's tests: each counts one passed or
# one failed in the line "dump: N passed, N failed, 0 skipped", which
# check.sh adds to its totals (a build or boot that fails before them
# counts all seven failed). Prints "dump: PASSED: ..." or, after every
# check ran, fails with the first failure.
# KSLAB_DUMP_REUSE=1 skips the build and the boot and reads the last dump
# again (build/dump/guest.core, kept): for work on the helpers.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KSLAB_TOP"

out=$KSLAB_BUILD/dump
mkdir -p "$out"
log=$KSLAB_BUILD/console-dump.log
core=$out/guest.core

# The checks (check_* below): each counts one passed or one failed.
checks=(kslabinfo classified quarantined alloc_stack live_walk live_slabinfo live_info)
passed=0 failed=0 first= counted=0
# count_line: the count line, once, also when a step before the checks
# died (every check that did not pass counts as failed)
count_line() {
	[ $counted = 1 ] || echo "dump: $passed passed, $((${#checks[@]} - passed)) failed, 0 skipped"
	counted=1
}
trap count_line EXIT
pick_mods() {
	mapfile -t mods < <(grep -E '/(kslab|kslab_example|kslab_dumpstate)\.ko$' "$out/modules.list")
	[ ${#mods[@]} -eq 3 ] || die dump "kslab, kslab_example or kslab_dumpstate not built" "$out/modules.list"
}

# boot_and_dump: build the test kernel and kslab's modules for it (in a
# copy of the tree), boot it to the known state and dump it.
boot_and_dump() {
	local steps=$out/steps.sh

	bash scripts/deps.sh
	kdir=$(bash scripts/kernel.sh test)
	modules_copy "$out" "$kdir" ||
		die dump "building the modules for the test kernel" "$out/logs/modules.log"
	pick_mods
	rm -rf "$out/guest-files"
	bash scripts/drgn-guest.sh "$out/guest-files" "$kdir/vmlinux"
	cat >"$steps" <<'EOF'
kslab_insmod kslab
kslab_insmod kslab_example sessions=2000 rounds=20000
kslab_insmod kslab_dumpstate
dmesg | grep 'kslab_dumpstate: ' | sed 's/^.*kslab_dumpstate: /kslab-dump: /'
# the helpers live on /proc/kcore, /proc/kslabinfo just before them
drgn_live() {
	t0=$(date +%s)
	PYTHONPATH=/usr/lib/python3/dist-packages python3 -S /usr/share/kslab/kslab_drgn.py \
		-s /boot/vmlinux -m /lib/kslab/kslab.ko -e /lib/kslab/kslab_example.ko \
		-e /lib/kslab/kslab_dumpstate.ko "$@" 2>/tmp/drgn.err
	rc=$?
	sed 's/^/kslab-drgn-stderr: /' /tmp/drgn.err
	[ $rc = 0 ] || say "FAILED: kslab_drgn.py $1 exited $rc"
	say "kslab_drgn.py $1 took $(($(date +%s) - t0)) s"
}
say "memory: $(awk '/^(MemTotal|MemFree|MemAvailable):/ { printf "%s %d MiB ", $1, $2 / 1024 }' /proc/meminfo)"
say "kslabinfo live begin"
cat /proc/kslabinfo
say "kslabinfo live end"
say "drgn slabinfo begin"
drgn_live slabinfo
say "drgn slabinfo end"
# one address of each cache and state the module printed
addrs=$(dmesg | awk '/kslab_dumpstate: obj / && !seen[$(NF-2) $NF]++ { print $(NF-1) }')
say "drgn info begin"
drgn_live info $addrs
say "drgn info end"
say "kslabinfo begin"
cat /proc/kslabinfo
say "kslabinfo end"
say "dump now"
sleep 3600
EOF
	KSLAB_GUEST_FILES=$out/guest-files bash scripts/initramfs.sh "$out/initramfs.gz" "$steps" "${mods[@]}"
	echo "dump: initramfs of $(($(stat -c %s "$out/initramfs.gz") >> 20)) MiB"
	echo "dump: booting ${kdir#"$KSLAB_TOP"/} with -device vmcoreinfo (console: ${log#"$KSLAB_TOP"/})"
	KSLAB_DUMP=$core bash scripts/boot.sh "$kdir/arch/x86/boot/bzImage" \
		"$out/initramfs.gz" "$log" dump
}

if [ "${KSLAB_DUMP_REUSE:-0}" = 1 ]; then
	kdir=$(cat "$out/modules.kdir")
	pick_mods
else
	boot_and_dump
fi
tr -d '\r' <"$log" >"$out/console.txt"
grep -q '^kslab-dump: ready' "$out/console.txt" ||
	die dump "kslab_dumpstate did not build its state" "$log"
# between BEGIN END: the console lines between two of the guest's marker
# lines, without the markers, the guest's other lines or the kernel's
between() {
	sed -n "/^kslab-guest: $1\$/,/^kslab-guest: $2\$/p" "$out/console.txt" |
		grep -vE '^kslab-[a-z-]+: |^\[ *[0-9]+\.[0-9]+\] ' || true
}

# drgn on the host: the dump, vmlinux and every module's debug info
drgn_cmd=(/usr/bin/python3 tools/kslab_drgn.py -c "$core" -s "$kdir/vmlinux"
	  -m "${mods[0]}" -e "${mods[1]}" -e "${mods[2]}")
: >"$out/drgn.log"

# run_check NAME: run check_NAME and count it. All run, whatever failed
# before; a check returns 1 with $why saying what failed and $see the
# file to read.
run_check() {
	why= see=
	if "check_$1"; then
		passed=$((passed + 1))
		echo "dump: ok: $1"
	else
		failed=$((failed + 1))
		echo "dump: FAILED: $1: $why" >&2
		if [ -n "$see" ]; then
			echo "dump: see $see" >&2
			[ -f "$see" ] && tail -n 15 "$see" | sed 's/^/    /' >&2
		fi
		[ -n "$first" ] || first="$1: $why"
	fi
}

# /proc/kslabinfo as the guest printed it just before the dump
check_kslabinfo() {
	between "kslabinfo begin" "kslabinfo end" >"$out/kslabinfo.guest"
	"${drgn_cmd[@]}" slabinfo >"$out/kslabinfo.drgn" 2>>"$out/drgn.log" ||
		{ why="kslab_drgn.py slabinfo" see=$out/drgn.log; return 1; }
	diff -u "$out/kslabinfo.guest" "$out/kslabinfo.drgn" >"$out/kslabinfo.diff" ||
		{ why="/proc/kslabinfo from the dump differs from the guest's" see=$out/kslabinfo.diff; return 1; }
	ncaches=$(grep -vc '^#\|^slabinfo' "$out/kslabinfo.guest")
}

# every address the guest printed, classified
check_classified() {
	grep '^kslab-dump: obj ' "$out/console.txt" | cut -d' ' -f3- >"$out/objects.guest"
	mapfile -t addrs < <(cut -d' ' -f2 "$out/objects.guest")
	"${drgn_cmd[@]}" info "${addrs[@]}" >"$out/info.drgn" 2>>"$out/drgn.log" ||
		{ why="kslab_drgn.py info" see=$out/drgn.log; return 1; }
	# objects.guest: CACHE ADDR WANT; info.drgn: "ADDR: cache CACHE slab ... STATE..."
	awk '
		NR == FNR { cache[$2] = $1; want[$2] = $3; next }
		/^0x/ {
			a = substr($1, 1, length($1) - 1)
			if (!(a in want)) next
			seen[a] = 1
			if ($0 ~ /not in a kslab slab/) { got = "none"; c = "-" }
			else {
				c = $3; got = $0
				sub(/^.* index [0-9-]+ object 0x[0-9a-f]+ /, "", got)
			}
			w = want[a]; ok = 0
			if (w == "live" || w == "free-list" || w == "quarantined" || w == "live-or-quarantined")
				ok = (got == w)
			else if (w == "none") ok = (got == "none")
			else if (w == "magazine") ok = (got ~ /^magazine \(cpu 0 /)
			else if (w == "remote") ok = (got ~ /^remote \(cpu 0 remote\)/)
			else if (w == "depot-or-magazine") {
				ok = (got ~ /^depot \(node 0 / || got ~ /^magazine \(cpu 0 /)
				if (got ~ /^depot/) depot++
			}
			if (c != cache[a]) ok = 0
			if (!ok) { printf "%s %s: want %s in %s, drgn says %s in %s\n", a, cache[a], w, cache[a], got, c; bad++ }
			n++
		}
		END {
			for (a in want) if (!(a in seen)) { printf "%s: not classified\n", a; bad++ }
			if (!depot) { print "no object found in a depot"; bad++ }
			printf "dump: %d addresses classified, %d wrong, %d in a depot\n", n, bad, depot
			exit bad ? 1 : 0
		}' "$out/objects.guest" "$out/info.drgn" >"$out/compare.txt" ||
		{ why="addresses misclassified" see=$out/compare.txt; return 1; }
}

# the object debug.c quarantined is named so (its mark), not live
check_quarantined() {
	local q

	q=$(awk '$3 == "quarantined" { print $2; exit }' "$out/objects.guest" 2>/dev/null)
	[ -n "$q" ] || { why="the guest printed no quarantined object" see=$out/console.txt; return 1; }
	grep -q "^$q: .* quarantined\$" "$out/info.drgn" 2>/dev/null ||
		{ why="drgn does not say $q is quarantined" see=$out/info.drgn; return 1; }
}

# a debug cache's live object: its allocation stack names the allocator
check_alloc_stack() {
	local dbg

	dbg=$(awk '$1 == "dump_debug" && $3 == "live" { print $2; exit }' "$out/objects.guest" 2>/dev/null)
	[ -n "$dbg" ] && sed -n "/^$dbg: /,/^0x/p" "$out/info.drgn" 2>/dev/null |
		grep -q 'dumpstate_debug_alloc' ||
		{ why="${dbg:-no live dump_debug object}: its allocation stack does not name dumpstate_debug_alloc" \
			see=$out/info.drgn; return 1; }
}

# the live objects drgn walks are as many as kslabinfo counts
check_live_walk() {
	want_live=$(between "kslabinfo begin" "kslabinfo end" | awk '$1 == "dump_plain" { print $2 }')
	"${drgn_cmd[@]}" objects dump_plain >"$out/objects.drgn" 2>>"$out/drgn.log" ||
		{ why="kslab_drgn.py objects" see=$out/drgn.log; return 1; }
	got_live=$(wc -l <"$out/objects.drgn")
	[ -n "$want_live" ] && [ "$got_live" = "$want_live" ] ||
		{ why="drgn walks $got_live live dump_plain objects, kslabinfo says ${want_live:-nothing}" \
			see=$out/objects.drgn; return 1; }
}

# live, in the guest: slabinfo equal to /proc/kslabinfo just before it
check_live_slabinfo() {
	between "kslabinfo live begin" "kslabinfo live end" >"$out/kslabinfo.live-guest"
	between "drgn slabinfo begin" "drgn slabinfo end" >"$out/kslabinfo.live-drgn"
	grep '^kslab-drgn-stderr: ' "$out/console.txt" >"$out/drgn-live.log" || true
	! grep -q '^kslab-guest: FAILED: kslab_drgn.py slabinfo' "$out/console.txt" ||
		{ why="kslab_drgn.py slabinfo failed live in the guest" see=$out/drgn-live.log; return 1; }
	[ -s "$out/kslabinfo.live-drgn" ] &&
		diff -u "$out/kslabinfo.live-guest" "$out/kslabinfo.live-drgn" >"$out/kslabinfo.live.diff" ||
		{ why="live slabinfo differs from the guest's /proc/kslabinfo" see=$out/kslabinfo.live.diff; return 1; }
}

# live info of one address of each kind: what the dump says of them
check_live_info() {
	between "drgn info begin" "drgn info end" >"$out/info.live"
	! grep -q '^kslab-guest: FAILED: kslab_drgn.py info' "$out/console.txt" ||
		{ why="kslab_drgn.py info failed live in the guest" see=$out/drgn-live.log; return 1; }
	mapfile -t live_addrs < <(grep -oE '^0x[0-9a-f]+' "$out/info.live")
	[ ${#live_addrs[@]} -ge 8 ] ||
		{ why="live info printed ${#live_addrs[@]} addresses, not one of each kind" see=$out/info.live; return 1; }
	"${drgn_cmd[@]}" info "${live_addrs[@]}" >"$out/info.live-dump" 2>>"$out/drgn.log" ||
		{ why="kslab_drgn.py info" see=$out/drgn.log; return 1; }
	diff -u "$out/info.live-dump" "$out/info.live" >"$out/info.live.diff" ||
		{ why="live info differs from the dump's" see=$out/info.live.diff; return 1; }
}

for c in "${checks[@]}"; do
	run_check "$c"
done
count_line
[ "$failed" = 0 ] || die dump "$failed of ${#checks[@]} checks, the first: $first"
echo "dump: PASSED: kslabinfo of $ncaches caches equal," \
	"$(tail -n 1 "$out/compare.txt" | cut -d' ' -f2-), quarantined named," \
	"alloc stack names dumpstate_debug_alloc, $got_live live objects walked;" \
	"live: slabinfo equal, info of ${#live_addrs[@]} addresses as in the dump"
