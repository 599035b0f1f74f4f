#!/bin/sh
# Install, from Debian 12's archive, what building osvif and running its tests and demo need.
# Idempotent: only missing packages are installed. Run as root.
set -eu

PACKAGES="
  build-essential autoconf automake pkg-config clang clang-format valgrind
  libcjson-dev libnl-3-dev libnl-route-3-dev libcriterion-dev
  iproute2 iputils-ping procps kmod strace
  openvswitch-switch
  containernetworking-plugins python3 python3-os-vif
  podman runc containerd golang-go golang-github-appc-cni-dev busybox-static
  dpkg-dev debhelper fakeroot lintian groff man-db python3-jsonschema python3-yaml
  python3-kubernetes patchelf
"
if [ "${OSVIF_DEPS_BENCH:-0}" = 1 ]; then
        PACKAGES="$PACKAGES gnuplot-nox hyperfine"
fi

missing=""
for p in $PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $missing
fi
