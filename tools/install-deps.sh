#!/bin/sh
# Install, from Debian 12's archive, what building osvif and running its tests and demo need.
# test/vm boots Debian's own kernel (linux-image-amd64) under QEMU and builds netdevsim for it
# from linux-source-6.1 and its headers; it does not need to be the running kernel.
# Idempotent: only missing packages are installed. Run as root.
set -eu

PACKAGES="
  build-essential autoconf automake pkg-config clang clang-format valgrind
  libcjson-dev libnl-3-dev libnl-route-3-dev libcriterion-dev
  iproute2 iputils-ping procps kmod
  openvswitch-switch
  containernetworking-plugins python3 python3-os-vif
  podman runc containerd golang-go golang-github-appc-cni-dev busybox-static
  qemu-system-x86 linux-image-amd64 linux-headers-amd64 linux-source-6.1 cpio xz-utils
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
