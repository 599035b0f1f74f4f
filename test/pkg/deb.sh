#!/bin/bash
# The Debian package as an operator meets it: debian/ builds with dpkg-buildpackage from a copy
# of the tree, lintian finds nothing, `dpkg -i` installs it, Debian's podman finds the plugin
# in /usr/lib/cni with its default settings and runs a container on the packaged example
# network, and `dpkg --purge` leaves nothing behind.
#
# dpkg runs for real, on this machine's /usr, /etc and /var, seen through overlays private to
# this test's mount namespace: every file the package or its maintainer scripts create lands
# in the overlays' upper directories, which is how "nothing is left" is checked, and a failing
# run cannot leave a half-installed package on the machine.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/e2e/lib.sh"
require_root
require_cmd dpkg-buildpackage dh dpkg-parsechangelog lintian runuser podman runc ip tar
isolate "$0" "$@"

T=/run/osvif-test
S=$T/src

# A copy of the tree without build products: git's view when there is one, else (a dist tree)
# everything but build directories.
mkdir -p $S
# (a dist tree unpacked inside a clone, as distcheck does, is not that clone's top)
if [ "$(git -C "$OSVIF_SRCDIR" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$OSVIF_SRCDIR" && pwd -P)" ]; then
        git -C "$OSVIF_SRCDIR" ls-files -z --cached --others --exclude-standard |
                (cd "$OSVIF_SRCDIR" && tar --null -T - -cf -) | tar -xf - -C $S
else
        tar -C "$OSVIF_SRCDIR" --exclude=./build --exclude=./_build --exclude=./_inst --exclude='*.o' \
                --exclude=autom4te.cache -cf - . | tar -xf - -C $S
        chmod -R u+w $S # distcheck's tree is read-only
fi
# the unit tests run elsewhere in the suite; the package build only has to build
(cd $S && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) >$T/build.log 2>&1 ||
        { tail -n 30 $T/build.log >&2; fail "dpkg-buildpackage"; }
ver=$(dpkg-parsechangelog -l $S/debian/changelog -S Version)
arch=$(dpkg --print-architecture)
DEB=$T/osvif-cni_${ver}_$arch.deb
[ -f "$DEB" ] || fail "no $DEB after the build"

# lintian refuses to be trusted as root; warnings count, the overrides say why each is kept
chmod 0755 $T && chmod a+r $T/*.deb $T/*.changes $T/*.buildinfo
out=$(runuser -u nobody -- lintian --fail-on error,warning -E -I --pedantic $T/osvif-cni_${ver}_$arch.changes 2>&1) ||
        fail "lintian: $out"
echo "lintian: ${out:-clean}"

# Debian's rules: libnl and cJSON shared, through ${shlibs:Depends}
depends=$(dpkg-deb -f "$DEB" Depends)
for lib in libc6 libcjson1 libnl-3-200; do
        echo "$depends" | grep -q "$lib" || fail "Depends lacks $lib: $depends"
done
# libnl linked as a shared library (not the archives a source build prefers), and every
# library the binary loads named in Depends
x=$(mktemp -d)
dpkg-deb -x "$DEB" "$x"
needed=$(objdump -p "$x/usr/lib/cni/osvif" | awk '/NEEDED/ {print $2}')
rm -rf "$x"
echo "$needed" | grep -q '^libnl-3\.so' || fail "osvif does not load libnl-3 as a shared library: $needed"
for so in $needed; do
        pkg=$(dpkg -S "*/$so" 2>/dev/null | head -1 | cut -d: -f1)
        [ -n "$pkg" ] || fail "no package ships $so"
        echo "$depends" | grep -q "$pkg" || fail "Depends lacks $pkg (for $so): $depends"
done
contents=$(dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|')
for f in /usr/lib/cni/osvif /usr/sbin/osvif /usr/share/man/man8/osvif.8.gz \
        /usr/share/doc/osvif-cni/examples/10-osvif-bridge.conflist \
        /usr/share/doc/osvif-cni/examples/kubernetes/daemonset.yaml \
        /usr/share/osvif-cni/schemas/osvif-netconf.schema.json; do
        echo "$contents" | grep -qx "$f" || fail "the package lacks $f"
done

# /usr, /etc and /var through private overlays (see the top)
for d in usr etc var; do
        mkdir -p $T/ov/$d/upper $T/ov/$d/work
        mount -t overlay overlay -o lowerdir=/$d,upperdir=$T/ov/$d/upper,workdir=$T/ov/$d/work /$d
done
# the overlays cover isolate's private CNI dirs: shadow them again, and any other directory
# in podman's default plugin path, so that the only osvif podman can find is the package's
for d in /var/lib/cni /etc/cni/net.d /opt/cni/bin /usr/local/libexec/cni /usr/libexec/cni /usr/local/lib/cni; do
        [ -d "$d" ] && mount -t tmpfs -o mode=0755 tmpfs "$d"
done
shadow_dir /etc/cni/net.d
shadow_dir /var/lib/cni
dpkg-query -W -f='${Status}' osvif-cni 2>/dev/null | grep -q "ok installed" &&
        fail "osvif-cni is already installed on this machine: the test would not prove a fresh install"

out=$(dpkg -i "$DEB" 2>&1) || fail "dpkg -i: $out"
[ -x /usr/lib/cni/osvif ] || fail "no /usr/lib/cni/osvif after dpkg -i"
CNI_COMMAND=VERSION /usr/lib/cni/osvif </dev/null | grep -q '"1.1.0"' || fail "the installed plugin's VERSION"
osvif --version | grep -q "^osvif $ver" || fail "osvif on PATH is not the packaged $ver"
man -w osvif | grep -q '^/usr/share/man/man8/osvif.8.gz$' || fail "man osvif does not find the packaged page"

# podman with Debian's defaults (cni_plugin_dirs, network_config_dir /etc/cni/net.d); only
# what this machine needs is set: the CNI backend, cgroupfs, runc
cp /usr/share/doc/osvif-cni/examples/10-osvif-bridge.conflist /etc/cni/net.d/
cat >$T/containers.conf <<TOML
[network]
network_backend = "cni"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
TOML
export CONTAINERS_CONF=$T/containers.conf
P=(podman --root $T/podman/root --runroot $T/podman/run --storage-driver vfs --network-backend cni
   --runtime runc --cgroup-manager cgroupfs --events-backend file)
RUN=(run --ulimit nofile=10000:10000 --ulimit nproc=4096:4096 --network osvif-bridge)
e2e_image_tar $T/img.tar
"${P[@]}" import $T/img.tar localhost/osvif-busybox:latest >/dev/null || fail "podman import"
on_exit '"${P[@]}" rm -af -t 0 >/dev/null 2>&1'
"${P[@]}" "${RUN[@]}" -d --name pod1 localhost/osvif-busybox sleep 300 >/dev/null || fail "podman run on osvif-bridge"
out=$("${P[@]}" exec pod1 ip -o addr show eth0) || fail "podman exec: $out"
echo "$out" | grep -q "inet 10.88.0.2/24" || fail "the container does not see its address: $out"
ip -d link show master osvifbr0 | grep -q "alias osvif osvif-bridge" || fail "no veth of the package's osvif on osvifbr0"
"${P[@]}" rm -f -t 0 pod1 >/dev/null || fail "podman rm"
[ -z "$(ip -d link show | grep 'alias osvif')" ] || fail "links of ours left after podman rm"
rm /etc/cni/net.d/10-osvif-bridge.conflist

# remove, then purge: not a file of the package left, and nothing else it made
out=$(dpkg -r osvif-cni 2>&1) || fail "dpkg -r: $out"
for f in $contents; do
        [ -d "$f" ] && continue
        [ -e "$f" ] || [ -L "$f" ] && fail "$f is left after dpkg -r"
done
out=$(dpkg -P osvif-cni 2>&1) || fail "dpkg -P: $out"
dpkg-query -W osvif-cni >/dev/null 2>&1 && fail "dpkg still knows osvif-cni after the purge"
left=$( (cd $T/ov/usr/upper && find . ! -type d; cd $T/ov/etc/upper && find . ! -type d) )
[ -z "$left" ] || fail "left in /usr or /etc after the purge: $left"
left=$(cd $T/ov/var/upper && find . ! -type d -name '*osvif*')
[ -z "$left" ] || fail "left in /var after the purge: $left"
echo "deb: ok"
