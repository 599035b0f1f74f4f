#!/bin/sh
# The whole test suite, as CI runs it, on a Debian 12 machine as root: installs what is
# missing, builds in ./build and runs `make check` in strict mode (a skipped test fails).
set -eu
cd "$(dirname "$0")/.."
tools/install-deps.sh
./autogen.sh >/dev/null
mkdir -p build
cd build
# --enable-fault-injection: faults.sh and ovs_robust.sh drive the OSVIF_FAULT_STEP hook
[ -f Makefile ] || ../configure --enable-werror --enable-fault-injection
make -j"$(nproc)"
OSVIF_TEST_STRICT=1 make -j"$(nproc)" check || { cat test-suite.log >&2; exit 1; }
# make check passes with skips; strict mode turns them into failures, and this makes sure
grep -Eq '^# SKIP: +0$' test-suite.log || { echo "run.sh: skipped tests in strict mode" >&2; exit 1; }
