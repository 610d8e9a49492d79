# SPDX-License-Identifier: GPL-2.0
#
# compat-guest.sh - the steps `make compat` runs in a stock kernel's guest,
# sourced by scripts/guest-init after a line setting $duration and
# $torture_params: note the free memory, modprobe kslab (the DKMS-built
# one, or on a kernel not installed on the host the one `make install`
# put in its scratch root: the only kslab.ko in the guest's /lib/modules)
# with docs/install.md's parameters, load the example client and the
# client skeleton (kslab_hello) and the redirected client (kslab_plain:
# the kernel's API alone, README's redirect line), read /proc/kslabinfo
# and every readable
# file under /sys/kernel/kslab, validate every cache, check that the
# parameters took effect, unload the clients, run kslab_torture for
# $duration seconds, unload everything and note the free memory again
# ("kslab-guest: memfree before|after N kB", as scripts/judge-pages.sh
# reads it). The host judges.

# compat_modprobe MODULE [PARAMS...]: load MODULE from /lib/modules.
compat_modprobe() {
	say "modprobe $*"
	modprobe "$@" && return 0
	say "FAILED: modprobe $1"
	failed=$((failed + 1))
	return 1
}

# memfree: free memory once the page cache is dropped and every SLUB
# cache shrunk: MemFree plus the free pages parked in the per-CPU page
# lists (/proc/zoneinfo "count:"), which MemFree leaves out and which a
# run's allocations refill by megabytes; then, to explain a difference,
# what the kernel itself holds in slabs, per-CPU chunks and stacks.
memfree() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	for f in /sys/kernel/slab/*/shrink; do echo 1 >"$f"; done 2>/dev/null
	sleep 2
	awk '$1 == "MemFree:" { free = $2 } $1 == "count:" { pcp += $2 }
		$1 ~ /^(Slab|Percpu|KernelStack|PageTables|VmallocUsed):$/ {
			sub(":", "", $1); held = held ", " $1 " " $2 " kB" }
		END { print free + pcp * 4 " kB (per-CPU lists " pcp * 4 " kB" held ")" }' /proc/meminfo /proc/zoneinfo
}

# sysfs_walk: read every readable attribute of every cache, validate
# every cache through its validate file, add up kslab_errors.
sysfs_walk() {
	find /sys/kernel/kslab -type f -perm -0400 >/tmp/attrs
	xargs cat </tmp/attrs >/dev/null 2>/tmp/unreadable
	caches=0 invalid=0 errors=0
	for d in /sys/kernel/kslab/*/; do
		caches=$((caches + 1))
		echo 1 >"$d/validate" || { say "FAILED: validating $d"; invalid=$((invalid + 1)); }
		errors=$((errors + $(cat "$d/kslab_errors")))
	done
	say "compat sysfs: $(wc -l </tmp/attrs) files read, $(wc -l </tmp/unreadable) unreadable, $caches caches validated, $invalid failed, $errors kslab_errors"
	sed 's/^/kslab-guest: FAILED: /' /tmp/unreadable
	[ "$errors" -eq 0 ] || say "FAILED: kslab_errors add up to $errors"
	[ -s /tmp/unreadable ] || [ $((invalid + errors)) -ne 0 ] && failed=$((failed + 1))
}

# params_check: the parameters of docs/install.md's modprobe line took effect:
# kslab_hello has sanity checks, red zones, poison and owner tracking
# (debug=FZPU,kslab_hello) and /proc/kslabinfo is world-readable.
params_check() {
	h=/sys/kernel/kslab/kslab_hello
	flags=$(cat $h/sanity_checks $h/red_zone $h/poison $h/store_user | tr -d '\n')
	mode=$(stat -c %a /proc/kslabinfo)
	say "compat kslab_hello: object_size $(cat $h/object_size), slab_size $(cat $h/slab_size), debug flags FZPU $flags, /proc/kslabinfo mode $mode"
	[ "$flags" = 1111 ] && [ "$mode" = 444 ] && return 0
	say "FAILED: modprobe's debug= or slabinfo_mode= did not take effect"
	failed=$((failed + 1))
}

say "memfree before $(memfree)"
compat_modprobe kslab debug=FZPU,kslab_hello slabinfo_mode=0444
say "compat taint: $(cat /proc/sys/kernel/tainted)"
kslab_insmod kslab_example
kslab_insmod kslab_hello
# the module of the kernel's API alone, redirected: its cache is kslab's
kslab_insmod kslab_plain
say "compat /proc/kslabinfo:"
cat /proc/kslabinfo
for c in example_session example_packet kslab_hello plain_item; do
	grep -q "^$c " /proc/kslabinfo && [ -d "/sys/kernel/kslab/$c" ] ||
		{ say "FAILED: cache $c missing from /proc/kslabinfo or /sys/kernel/kslab"; failed=$((failed + 1)); }
done
sysfs_walk
params_check
kslab_rmmod kslab_plain
kslab_rmmod kslab_hello
kslab_rmmod kslab_example
kslab_insmod kslab_torture "duration=$duration" $torture_params
kslab_rmmod kslab_torture
say "compat /proc/kslabinfo after the clients:"
cat /proc/kslabinfo
kslab_rmmod kslab
say "memfree after $(memfree)"
