#!/bin/bash
# Round trips of every os-vif class between osvif and Debian's python3-os-vif.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
/usr/bin/python3 -c 'import os_vif' 2>/dev/null || skip "needs python3-os-vif (/usr/bin/python3)"
exec /usr/bin/python3 "$OSVIF_SRCDIR/test/compat/roundtrip.py"
