#!/bin/bash
# The README's quick-start demo, with the binary under test.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_cmd ip ping unshare
out=$(OSVIF_DEMO_BIN=$OSVIF_BIN "$OSVIF_SRCDIR/examples/demo.sh" 2>&1) || { echo "$out" >&2; fail "the demo failed"; }
echo "$out"
echo "$out" | grep -q "3 packets transmitted, 3 received" || fail "the demo's ping did not get through"
echo "$out" | grep -q "CHECK: ok" || fail "the demo's CHECK"
echo "$out" | grep -q "links owned by osvif: 0" || fail "the demo left links"
