#!/bin/sh
# The osvif installer, run by the DaemonSet's init container (daemonset.yaml) with busybox's sh:
# copies osvif and the libraries it brings into the node's CNI bin dir, mounted at
# $CNI_BIN_DIR (default /host/opt/cni/bin).
#
# Atomic: each file is written under a temporary name in the same directory, then renamed over
# the old one, so a runtime executing osvif meanwhile runs either the old or the new binary,
# never a half-written one. The libraries go first, so a new binary never starts without them.
set -eu
SRC=/opt/osvif
DEST=${CNI_BIN_DIR:-/host/opt/cni/bin}

[ -d "$DEST" ] || { echo "osvif installer: $DEST is not a directory: mount the node's CNI bin dir there" >&2; exit 1; }
# a binary that cannot run here would not run on the node either
CNI_COMMAND=VERSION "$SRC/osvif" </dev/null >/dev/null || { echo "osvif installer: $SRC/osvif does not run" >&2; exit 1; }

tmp=""
trap '[ -z "$tmp" ] || rm -f "$tmp"' EXIT
put() { # put SRC DIR NAME: copy, then rename over DIR/NAME
        tmp="$2/.$3.osvif-install.$$"
        cp "$1" "$tmp"
        chmod "$4" "$tmp"
        mv -f "$tmp" "$2/$3"
        tmp=""
}
mkdir -p "$DEST/osvif.libs"
for lib in "$SRC"/osvif.libs/*; do
        put "$lib" "$DEST/osvif.libs" "${lib##*/}" 0644
done
put "$SRC/osvif" "$DEST" osvif 0755
sync
echo "osvif installer: $(CNI_COMMAND=VERSION "$DEST/osvif" </dev/null) installed in $DEST"
