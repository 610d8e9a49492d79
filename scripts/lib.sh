# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - sourced by kslab's scripts: where things live, and the one way a
# step fails (a line naming the step and the log to read, then exit 1).

KSLAB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KSLAB_BUILD=${KSLAB_BUILD:-$KSLAB_TOP/build}
KSLAB_LOGS=$KSLAB_BUILD/logs
mkdir -p "$KSLAB_LOGS"

# die STEP MESSAGE [LOG]: report a failed step and stop.
die() {
	echo "$1: FAILED: $2" >&2
	if [ -n "${3:-}" ]; then
		echo "$1: see $3" >&2
		[ -f "$3" ] && tail -n 15 "$3" | sed 's/^/    /' >&2
	fi
	exit 1
}

# kernel_src: the extracted linux-source-6.12 tree (scripts/kernel.sh makes it).
kernel_src() {
	ls -d "$KSLAB_BUILD"/src/linux-* 2>/dev/null | head -n 1
}
