#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dump-check.sh - `make check`'s dump boot: the post-mortem helpers
# (tools/kslab_drgn.py) against a real dump. Boots the test kernel (it
# has DWARF, fw_cfg and /proc/kcore: kunit/drgn.config) with QEMU's
# vmcoreinfo device, loads kslab, the example client and tests/dump's
# kslab_dumpstate (a known state: live, freed, magazine-, depot- and
# remote-held objects, an address outside kslab, a debug cache), prints
# /proc/kslabinfo and the addresses, and has QEMU dump the guest's memory
# (scripts/boot.sh's dump mode). Then, on the host, the helpers read the
# dump with drgn and must print the same /proc/kslabinfo, classify every
# address as the guest said, count as many live objects in dump_plain as
# kslabinfo says, and name the allocating function in a debug object's
# allocation stack. Prints "dump: PASSED: ..." or fails with the reason.
# KSLAB_DUMP_REUSE=1 skips the build and the boot and reads the last dump
# again (build/dump/guest.core, kept): for work on the helpers.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KSLAB_TOP"

out=$KSLAB_BUILD/dump
mkdir -p "$out"
log=$KSLAB_BUILD/console-dump.log
core=$out/guest.core
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
	cat >"$steps" <<'EOF'
kslab_insmod kslab
kslab_insmod kslab_example sessions=2000 rounds=20000
kslab_insmod kslab_dumpstate
dmesg | grep 'kslab_dumpstate: ' | sed 's/^.*kslab_dumpstate: /kslab-dump: /'
say "kslabinfo begin"
cat /proc/kslabinfo
say "kslabinfo end"
say "dump now"
sleep 3600
EOF
	bash scripts/initramfs.sh "$out/initramfs.gz" "$steps" "${mods[@]}"
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

# drgn on the host: the dump, vmlinux and every module's debug info
drgn_cmd=(/usr/bin/python3 tools/kslab_drgn.py -c "$core" -s "$kdir/vmlinux"
	  -m "${mods[0]}" -e "${mods[1]}" -e "${mods[2]}")

# 1. /proc/kslabinfo as the guest printed it
sed -n '/kslab-guest: kslabinfo begin/,/kslab-guest: kslabinfo end/p' "$out/console.txt" |
	grep -v '^kslab-guest: ' >"$out/kslabinfo.guest"
"${drgn_cmd[@]}" slabinfo >"$out/kslabinfo.drgn" 2>"$out/drgn.log" ||
	die dump "kslab_drgn.py slabinfo" "$out/drgn.log"
diff -u "$out/kslabinfo.guest" "$out/kslabinfo.drgn" >"$out/kslabinfo.diff" ||
	die dump "/proc/kslabinfo from the dump differs from the guest's" "$out/kslabinfo.diff"

# 2. every address the guest printed, classified
grep '^kslab-dump: obj ' "$out/console.txt" | cut -d' ' -f3- >"$out/objects.guest"
mapfile -t addrs < <(cut -d' ' -f2 "$out/objects.guest")
"${drgn_cmd[@]}" info "${addrs[@]}" >"$out/info.drgn" 2>>"$out/drgn.log" ||
	die dump "kslab_drgn.py info" "$out/drgn.log"
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
	}' "$out/objects.guest" "$out/info.drgn" >"$out/compare.txt" || {
	cat "$out/compare.txt" >&2
	die dump "addresses misclassified" "$out/compare.txt"
}

# the object debug.c quarantined is named so (its mark), not live
qobj=$(awk '$3 == "quarantined" { print $2; exit }' "$out/objects.guest")
[ -n "$qobj" ] && grep -q "^$qobj: .* quarantined\$" "$out/info.drgn" ||
	die dump "no quarantined object printed, or drgn does not say quarantined" "$out/info.drgn"

# 3. a debug cache's live object: its allocation stack names the allocator
dbg=$(awk '$1 == "dump_debug" && $3 == "live" { print $2; exit }' "$out/objects.guest")
sed -n "/^$dbg: /,/^0x/p" "$out/info.drgn" | grep -q 'dumpstate_debug_alloc' ||
	die dump "$dbg's allocation stack does not name dumpstate_debug_alloc" "$out/info.drgn"

# 4. the live objects drgn walks are as many as kslabinfo counts
want_live=$(awk '$1 == "dump_plain" { print $2 }' "$out/kslabinfo.guest")
"${drgn_cmd[@]}" objects dump_plain >"$out/objects.drgn" 2>>"$out/drgn.log" ||
	die dump "kslab_drgn.py objects" "$out/drgn.log"
got_live=$(wc -l <"$out/objects.drgn")
[ "$got_live" = "$want_live" ] ||
	die dump "drgn walks $got_live live dump_plain objects, kslabinfo says $want_live" "$out/objects.drgn"

echo "dump: PASSED: kslabinfo of $(grep -vc '^#\|^slabinfo' "$out/kslabinfo.guest") caches equal," \
	"$(tail -n 1 "$out/compare.txt" | cut -d' ' -f2-), $got_live live objects walked," \
	"alloc stack names dumpstate_debug_alloc"
