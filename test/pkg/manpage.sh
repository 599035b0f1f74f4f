#!/bin/bash
# osvif(8): groff renders it without a single warning (-ww: all of them), man-db's own check
# agrees, and the page cannot fall behind the code: every config key (src/conf.c), sub-command
# (src/cli.c), error code (src/util/error.h) and environment variable (src/, cni/) that the
# code knows is documented in its section. The lists are read from the code, not written here.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_cmd groff man /usr/bin/python3
PAGE=$OSVIF_SRCDIR/doc/osvif.8

out=$(groff -ww -man -z "$PAGE" 2>&1) || fail "groff failed: $out"
[ -z "$out" ] || fail "groff warnings: $out"
out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$PAGE" 2>&1 >/dev/null) || fail "man failed: $out"
[ -z "$out" ] || fail "man --warnings: $out"

/usr/bin/python3 "$OSVIF_SRCDIR/test/pkg/manpage.py" "$OSVIF_SRCDIR" "$PAGE"
