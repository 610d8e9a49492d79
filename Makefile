# SPDX-License-Identifier: GPL-2.0
#
# kslab: SLUB-style object caches as a loadable module. README.md tells
# the whole story; the two commands to start with:
#   make demo    set everything up and show kslab working in a QEMU guest
#   make check   set everything up and run every test (what CI runs)
# Plain `make` builds kslab.ko against the running kernel (or KDIR=...).

KDIR ?= /lib/modules/$(shell uname -r)/build

# Harness knobs, read by scripts/ (see README.md).
export KSLAB_EXTRA_TESTS KSLAB_GUEST_FILES KSLAB_GUEST_SCRIPT KSLAB_PARAMS
export KSLAB_TIMEOUT KSLAB_ICOUNT

.PHONY: all modules clean distclean check demo run shell lint help

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	@if [ -d $(KDIR) ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	@find . -path ./build -prune -o \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' -o -name '*.order' -o -name Module.symvers \) \
		-print | xargs rm -f

distclean: clean
	rm -rf build

check:
	@bash scripts/check.sh

demo:
	@bash scripts/run.sh demo

run:
	@bash scripts/run.sh run

shell:
	@bash scripts/run.sh shell

lint:
	@bash scripts/deps.sh && bash scripts/kernel.sh test >/dev/null && bash scripts/lint.sh

help:
	@sed -n '3,8p' Makefile | sed 's/^# \{0,1\}//'

# make bench [ICOUNT=1] [KERNEL=stock-6.12]: kslab against SLUB in one boot
# (scripts/bench.sh; results in build/bench/).
ICOUNT ?= $(KSLAB_ICOUNT)
KERNEL ?= test
.PHONY: bench
bench:
	@KSLAB_ICOUNT=$(ICOUNT) bash scripts/bench.sh $(KERNEL)
