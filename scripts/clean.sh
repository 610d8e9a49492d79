#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# clean.sh - remove the module build products of the source tree (objects,
# .ko files, kbuild's records), leaving build/ alone. Not kbuild's own
# M= clean: with the kernels under build/ inside the tree, that one would
# empty them too.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

find "$KSLAB_TOP" -path "$KSLAB_BUILD" -prune -o \( -name '*.o' -o -name '*.ko' \
	-o -name '*.mod' -o -name '*.mod.c' -o -name '.*.cmd' -o -name '*.order' \
	-o -name Module.symvers -o -name '.module-common.o' \) -print0 | xargs -0 rm -f
