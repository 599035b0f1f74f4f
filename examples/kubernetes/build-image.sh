#!/bin/sh
# Build the installer image (Containerfile) with podman from what is on this machine:
#
#   examples/kubernetes/build-image.sh OSVIF_BINARY [IMAGE] [PODMAN ARGS...]
#
# IMAGE defaults to localhost/osvif-installer:latest. Extra arguments go to podman before
# `build` (the tests pass --root, --runroot, --storage-driver). Needs busybox-static and
# patchelf. Then push IMAGE to your registry and name it in daemonset.yaml.
#
# The binary installed on the nodes finds the libraries it brings through its RUNPATH
# ($ORIGIN/osvif.libs) and uses the node's C library: nodes need glibc at least as new as the
# version printed below.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:?usage: build-image.sh OSVIF_BINARY [IMAGE] [PODMAN ARGS...]}
image=${2:-localhost/osvif-installer:latest}
shift; [ $# -gt 0 ] && shift

for c in patchelf podman ldd; do
        command -v $c >/dev/null || { echo "build-image.sh: needs $c" >&2; exit 1; }
done
[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 || { echo "build-image.sh: needs busybox-static" >&2; exit 1; }

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/bin" "$ctx/opt/osvif/osvif.libs" "$ctx/lib" "$ctx/lib64"
cp /bin/busybox "$ctx/bin/busybox"
cp "$here/install.sh" "$ctx/install.sh"
cp "$bin" "$ctx/opt/osvif/osvif"
patchelf --set-rpath '$ORIGIN/osvif.libs' "$ctx/opt/osvif/osvif"

# every library ldd resolves: the C library's own into the image, the rest for the node
ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | while read -r lib; do
        case "${lib##*/}" in
        ld-linux*) cp -L "$lib" "$ctx/lib64/${lib##*/}" ;;
        libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*)
                mkdir -p "$ctx${lib%/*}"; cp -L "$lib" "$ctx$lib" ;;
        *) cp -L "$lib" "$ctx/opt/osvif/osvif.libs/${lib##*/}" ;;
        esac
done
# the loader is at /lib64 in the image; libc may live under /lib or /usr/lib on this machine
[ -d "$ctx/usr" ] && { cp -a "$ctx/usr/lib/." "$ctx/lib/"; rm -rf "$ctx/usr"; }

glibc=$(objdump -T "$bin" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)
echo "build-image.sh: nodes need ${glibc:-glibc} or newer; bundled: $(ls "$ctx/opt/osvif/osvif.libs" | tr '\n' ' ')"
podman "$@" build --quiet -t "$image" -f "$here/Containerfile" "$ctx"
