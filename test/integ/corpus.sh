#!/bin/sh
# The malformed-input corpus (test/data/corpus/*.json), each case run through the real osvif
# binary as a runtime would run it, inside a private network and mount namespace.
# See corpus.py for what is checked.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_cmd /usr/bin/python3
isolate "$0" "$@"
exec /usr/bin/python3 "$OSVIF_SRCDIR/test/integ/corpus.py" "$OSVIF_TEST_DATA/corpus"
