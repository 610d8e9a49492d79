#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - run inside the guest by `make demo`: kslab is loaded; show
# /proc/kslabinfo, load the example client (its workload runs at load),
# show it again, unload the client and show that everything came back.
set -e

show() {
	echo
	echo "=== $1"
	grep -E '^(# name|kmalloc-(64|256|1k) |example_)' /proc/kslabinfo
}

show "/proc/kslabinfo with kslab loaded"
insmod /lib/kslab/kslab_example.ko
show "after the example client's workload (20000 sessions, 200000 churn steps)"
rmmod kslab_example
show "after the client unloaded (its caches destroyed)"
