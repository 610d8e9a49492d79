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

.PHONY: all modules clean distclean check demo run shell lint help install compat

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

# `make torture [DURATION=seconds]`: the torture test in the guest (default 30 s).
.PHONY: torture
torture:
	@DURATION=$(DURATION) bash scripts/torture.sh

# `make install [KDIR=...] [DESTDIR=...] [PREFIX=/usr/local]`: kslab.ko by
# kbuild's modules_install into /lib/modules/<kernel>/extra/ on every
# kernel (INSTALL_MOD_DIR; 6.12's kbuild would pick updates/), then
# depmod; kslab.h into $(PREFIX)/include/kslab/ and kslab's Module.symvers
# into $(PREFIX)/lib/kslab/<kernel>/, for client modules'
# KBUILD_EXTRA_SYMBOLS. <kernel> is the headers' UTS_RELEASE (Debian 6.1's
# kernel.release is not).
PREFIX ?= /usr/local
INSTALL_MOD_DIR ?= extra
KRELEASE = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"$$/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)

install:
	@[ -n "$(KRELEASE)" ] || { echo "install: FAILED: no kernel headers in KDIR=$(KDIR)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/module KERNELRELEASE=$(KRELEASE) modules
	$(MAKE) -C $(KDIR) M=$(CURDIR)/module KERNELRELEASE=$(KRELEASE) \
		INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	depmod $(if $(DESTDIR),-b $(DESTDIR)) $(KRELEASE)
	install -D -m 0644 module/kslab.h $(DESTDIR)$(PREFIX)/include/kslab/kslab.h
	install -D -m 0644 module/Module.symvers \
		$(DESTDIR)$(PREFIX)/lib/kslab/$(KRELEASE)/Module.symvers

# `make compat [DURATION=seconds]`: kslab on Debian's current stock 6.1 and
# 6.12 kernels: W=1 builds, DKMS, make install, a boot of each (default
# 20 s of torture). Ends with "N passed, N failed" (scripts/compat.sh).
compat:
	@DURATION=$(DURATION) bash scripts/compat.sh

help:
	@sed -n '3,8p' Makefile | sed 's/^# \{0,1\}//'
