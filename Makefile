# SPDX-License-Identifier: GPL-2.0
#
# kslab: SLUB-style object caches as a loadable module. README.md starts
# the story, docs/ tells the rest; the two commands to start with:
#   make demo    set everything up and show kslab working in a QEMU guest
#   make check   set everything up and run every test (what CI runs)
# Plain `make` builds kslab.ko against the running kernel (or KDIR=...).

KDIR ?= /lib/modules/$(shell uname -r)/build

# Harness knobs, read by scripts/ (docs/testing.md lists them).
export KSLAB_EXTRA_TESTS KSLAB_GUEST_FILES KSLAB_GUEST_SCRIPT KSLAB_PARAMS
export KSLAB_TIMEOUT KSLAB_CMDLINE KSLAB_ICOUNT KSLAB_TORTURE_DURATION KSLAB_MEMFREE_SLACK
export KSLAB_DEMO_BUG KSLAB_COMPAT KSLAB_TORTURE_PARAMS KSLAB_COMPAT_LINES KSLAB_CHECK_BOOTS KSLAB_TOPOLOGY KSLAB_CACHE

.PHONY: all modules clean distclean check demo run shell lint selftest help install compat

all: modules

modules:
	@test -d $(KDIR) || { echo "modules: FAILED: no kernel build tree at $(KDIR)" \
		"(install linux-headers-$$(uname -r) or pass KDIR=DIR; make demo and" \
		"make check need neither)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# Not kbuild's M= clean: it would empty the kernels under build/ too.
clean:
	@bash scripts/clean.sh
	@rm -f build/modules.kdir

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
	@bash scripts/deps.sh && bash scripts/kernel.sh source >/dev/null && bash scripts/lint.sh

selftest:
	@bash scripts/selftest.sh

# `make torture [DURATION=seconds]`: the torture test in the guest (default 30 s).
.PHONY: torture
torture:
	@DURATION=$(DURATION) bash scripts/torture.sh

# `make install [KDIR=...] [DESTDIR=...] [PREFIX=/usr/local]`: kslab.ko by
# kbuild's modules_install into /lib/modules/<kernel>/extra/ on every
# kernel (INSTALL_MOD_DIR; 6.12's kbuild would pick updates/), then
# depmod; kslab.h and redirect.h (an unmodified module's slab calls on
# kslab, by one Kbuild line) into $(PREFIX)/include/kslab/ and kslab's Module.symvers
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
	install -D -m 0644 module/redirect.h $(DESTDIR)$(PREFIX)/include/kslab/redirect.h
	install -D -m 0644 module/Module.symvers \
		$(DESTDIR)$(PREFIX)/lib/kslab/$(KRELEASE)/Module.symvers

# `make clients`: fs/ext2 and fs/minix, unmodified but for the redirect
# line, on kslab in the guest: 20,000 files each, checksummed, fsck clean,
# every object and page back (scripts/clients.sh).
.PHONY: clients
clients:
	@bash scripts/clients.sh

# `make compat [DURATION=seconds]`: kslab on Debian's current stock 6.1 and
# 6.12 kernels and their PREEMPT_RT flavours, and its 7.3 from
# trixie-backports (fetched, not installed): W=1 builds, DKMS, make
# install, a boot of each (default 20 s of torture). Ends with "N passed, N failed" (scripts/compat.sh).
compat:
	@DURATION=$(DURATION) bash scripts/compat.sh

help:
	@echo "make demo      set everything up and show kslab working in a QEMU guest"
	@echo "make check     set everything up, lint and run every test (what CI runs)"
	@echo "make run       boot the guest with kslab loaded (KSLAB_GUEST_SCRIPT, KSLAB_GUEST_FILES)"
	@echo "make shell     boot the guest to an interactive shell (needs a terminal)"
	@echo "make lint      checkpatch --strict over every source file"
	@echo "make selftest  prove make check fails on a failing test, a hang, a splat, no tests"
	@echo "make           build kslab.ko against the running kernel (or KDIR=DIR)"
	@echo "make clean     remove build products (make distclean: also build/)"
	@echo "make torture   the torture test in the guest (DURATION=seconds, default 30)"
	@echo "make bench     kslab against SLUB in one boot (ICOUNT=1: instruction clock; KERNEL=7.3: sheaves)"
	@echo "make bench-stats  the cost of kslab's statistics (ICOUNT, with and without)"
	@echo "make clients   ext2 and minix, unmodified, on kslab in the guest (one Kbuild line)"
	@echo "make compat    kslab on Debian's stock 6.1 and 6.12 kernels (and -rt) and 7.3, DKMS and make install"
	@echo "make install   install kslab.ko, kslab.h and Module.symvers (KDIR, DESTDIR, PREFIX)"

# make bench [ICOUNT=1] [KERNEL=7.3|stock-6.12]: kslab against SLUB in one
# boot; KERNEL=7.3 against SLUB with sheaves (scripts/bench.sh; results in
# build/bench/).
ICOUNT ?= $(KSLAB_ICOUNT)
KERNEL ?= test
.PHONY: bench bench-stats
bench:
	@KSLAB_ICOUNT=$(ICOUNT) bash scripts/bench.sh $(KERNEL)

# make bench-stats: what kslab's always-on statistics cost (two ICOUNT
# boots, kslab with and without them; scripts/bench-stats.sh).
bench-stats:
	@bash scripts/bench-stats.sh
