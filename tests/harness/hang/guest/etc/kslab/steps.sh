# SPDX-License-Identifier: GPL-2.0
# Fixture for scripts/selftest.sh, copied over the guest's root by
# `make check KSLAB_EXTRA_TESTS=tests/harness/hang
# KSLAB_GUEST_FILES=tests/harness/hang/guest`: it replaces the steps
# check.sh wrote, so the guest goes straight to the module that hangs and
# a short KSLAB_TIMEOUT suffices however long kslab's own suites take.
kslab_insmod kslab
kslab_test kslab_harness_hang
kslab_rmmod kslab
