# SPDX-License-Identifier: GPL-2.0
# Fixture for scripts/selftest.sh, copied over the guest's root by
# `make check KSLAB_GUEST_FILES=tests/harness/no-tests`: it replaces the
# steps check.sh wrote, so the guest loads kslab and no test module, and
# make check must fail with "no test ran".
kslab_insmod kslab
kslab_rmmod kslab
