# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - sourced by kslab's scripts: where things live, the one way a
# step fails (a line naming the step and the log to read, then exit 1),
# and the set-up every guest boot starts with.

KSLAB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KSLAB_BUILD=${KSLAB_BUILD:-$KSLAB_TOP/build}
KSLAB_LOGS=$KSLAB_BUILD/logs
mkdir -p "$KSLAB_LOGS"
# The kernel cache: the extracted source and the guest kernels, keyed by
# configuration and source version (scripts/kernel.sh), shared by every
# clone on the machine; `make distclean` leaves it.
KSLAB_CACHE=${KSLAB_CACHE:-/var/cache/kslab}

# die STEP MESSAGE [LOG]: report a failed step and stop.
die() {
	echo "$1: FAILED: $2" >&2
	if [ -n "${3:-}" ]; then
		echo "$1: see $3" >&2
		[ -f "$3" ] && tail -n 15 "$3" | sed 's/^/    /' >&2
	fi
	exit 1
}

# kernel_src: the tree scripts/kernel.sh extracts Debian's installed
# linux-source-6.12 to (empty when the package is not installed).
kernel_src() {
	local ver
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) || return 0
	echo "$KSLAB_CACHE/src/linux-$ver"
}

# copy_with_libs ELF OUT LOG: the shared libraries and the loader that
# ldd names for ELF (not ELF itself), at their own paths under OUT,
# symbolic links followed; one already there is left. ldd's output goes
# to LOG. Return: 1 when ldd fails on ELF.
copy_with_libs() {
	local lib
	ldd "$1" >>"$3" 2>&1 || return 1
	for lib in $(ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		[ -f "$2$lib" ] && continue
		mkdir -p "$2$(dirname "$lib")"
		cp -L --preserve=timestamps "$lib" "$2$lib"
	done
}

# modules_copy DIR KDIR: every module built for KDIR (scripts/modules.sh)
# in a copy of the tree under DIR, so that the tree keeps its modules for
# the test kernel; their paths in DIR/modules.list, the log in
# DIR/logs/modules.log. Return: modules.sh's status.
modules_copy() {
	mkdir -p "$1"
	rsync -a --delete --filter=':- .gitignore' --exclude=/.git "$KSLAB_TOP/" "$1/tree/"
	KSLAB_BUILD=$1 bash "$1/tree/scripts/modules.sh" "$2" >"$1/modules.list"
}

# check_knobs: refuse a bad KSLAB_* setting before any work is done.
check_knobs() {
	local d

	for d in ${KSLAB_EXTRA_TESTS:-}; do
		[ -f "$d/Kbuild" ] || die setup "KSLAB_EXTRA_TESTS: $d has no Kbuild file"
	done
	[ -z "${KSLAB_GUEST_FILES:-}" ] || [ -d "$KSLAB_GUEST_FILES" ] ||
		die setup "KSLAB_GUEST_FILES=$KSLAB_GUEST_FILES is not a directory"
	[ -z "${KSLAB_GUEST_SCRIPT:-}" ] || [ -f "$KSLAB_GUEST_SCRIPT" ] ||
		die setup "KSLAB_GUEST_SCRIPT=$KSLAB_GUEST_SCRIPT is not a file"
	[[ ${KSLAB_TIMEOUT:-1} =~ ^[1-9][0-9]*$ ]] ||
		die setup "KSLAB_TIMEOUT=$KSLAB_TIMEOUT is not a whole number of seconds"
}

# setup_guest: check the knobs, install what is missing, build (or reuse)
# the test kernel and build every module; sets $kdir and $mods (kslab.ko
# first).
setup_guest() {
	local list=$KSLAB_BUILD/modules.list

	check_knobs
	bash "$KSLAB_TOP/scripts/deps.sh"
	kdir=$(bash "$KSLAB_TOP/scripts/kernel.sh" test)
	bash "$KSLAB_TOP/scripts/modules.sh" "$kdir" >"$list"
	mapfile -t mods <"$list"
}
