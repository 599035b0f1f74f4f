#!/bin/bash
# The Kubernetes installer image: examples/kubernetes/build-image.sh builds it FROM scratch with
# podman from this build's osvif, and running it as the DaemonSet's init container does, against
# a temporary directory standing in for a node's /opt/cni/bin, installs a plugin that runs
# there: VERSION answers, its bundled libraries are the ones it loads, nothing temporary is
# left, and a second run (an upgrade) replaces it in place.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_cmd podman runc patchelf ldd objdump
[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 || skip "needs busybox-static"
isolate "$0" "$@"

T=/run/osvif-test
NODE=$T/node/opt/cni/bin
mkdir -p $NODE
P=(--root $T/podman/root --runroot $T/podman/run --storage-driver vfs --cgroup-manager cgroupfs
   --runtime runc --events-backend file)
export CONTAINERS_CONF=$T/containers.conf
printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nruntime = "runc"\n' >$CONTAINERS_CONF
on_exit 'podman "${P[@]}" rm -af -t 0 >/dev/null 2>&1'

IMG=localhost/osvif-installer:test
out=$("$OSVIF_SRCDIR/examples/kubernetes/build-image.sh" "$OSVIF_BIN" $IMG "${P[@]}" 2>&1) || fail "build-image.sh: $out"
echo "$out"
# FROM scratch: the image holds what the Containerfile says and nothing else
files=$(podman "${P[@]}" image mount $IMG 2>/dev/null | xargs -I{} sh -c 'cd {} && find . -type f | sort') ||
        fail "cannot list the image"
podman "${P[@]}" image unmount $IMG >/dev/null 2>&1 || true
for f in ./bin/busybox ./install.sh ./opt/osvif/osvif ./lib64/ld-linux-x86-64.so.2; do
        echo "$files" | grep -qx "$f" || fail "the image lacks $f: $files"
done
extra=$(echo "$files" | grep -v -E '^\./(bin/busybox|install\.sh|opt/osvif/osvif|opt/osvif/osvif\.libs/[^/]+|lib64/ld-linux[^/]*|lib/[^/]+/lib[a-z]+\.so\.[0-9]+)$' || true)
[ -z "$extra" ] || fail "unexpected files in the image: $extra"

# as the DaemonSet runs it: the node's CNI bin dir mounted at /host/opt/cni/bin
run_installer() {
        podman "${P[@]}" run --rm --network none --ulimit nofile=10000:10000 --ulimit nproc=4096:4096 \
                --read-only --cap-drop all -v $NODE:/host/opt/cni/bin -e CNI_BIN_DIR=/host/opt/cni/bin $IMG
}
out=$(run_installer 2>&1) || fail "the installer: $out"
echo "$out"
[ -x $NODE/osvif ] || fail "no osvif in the node's CNI bin dir"
ver=$(CNI_COMMAND=VERSION $NODE/osvif </dev/null) || fail "the installed osvif's VERSION: $ver"
echo "$ver" | json_get 'd["supportedVersions"]' | grep -q '1.1.0' || fail "VERSION answered: $ver"
# it loads the libraries it brought, not this machine's
for lib in $(ls $NODE/osvif.libs); do
        ldd $NODE/osvif | grep -q "$lib => $NODE/osvif.libs/$lib" || fail "osvif does not load its own $lib: $(ldd $NODE/osvif)"
done
[ -n "$(ls $NODE/osvif.libs)" ] || fail "no libraries installed beside osvif"
left=$(find $T/node -name '.*osvif-install*')
[ -z "$left" ] || fail "temporary files left: $left"

# an upgrade: the same path, a new inode (renamed over, never rewritten in place)
ino=$(stat -c %i $NODE/osvif)
out=$(run_installer 2>&1) || fail "the installer, a second time: $out"
[ "$(stat -c %i $NODE/osvif)" != "$ino" ] || fail "osvif was rewritten in place, not renamed over"
CNI_COMMAND=VERSION $NODE/osvif </dev/null >/dev/null || fail "VERSION after the upgrade"
# no node dir: refused, nothing created
out=$(podman "${P[@]}" run --rm --network none --ulimit nofile=10000:10000 --ulimit nproc=4096:4096 \
        -e CNI_BIN_DIR=/nonexistent $IMG 2>&1) && fail "the installer succeeded without a CNI bin dir: $out"
echo "image: ok"
