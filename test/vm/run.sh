#!/bin/bash
# Run one script inside a QEMU guest booted from Debian 12's own kernel (linux-image-amd64, 6.1),
# for what this host's kernel lacks: openvswitch (the kernel datapath), 8021q, netdevsim,
# macvtap, vhost-net. The guest's root is the host's /, shared read-only over virtio-9p, with
# tmpfs overlays where the guest writes; nothing is downloaded and no disk image is built.
#
#   test/vm/run.sh SCRIPT [ARGS...]
#
# SCRIPT (run as it is if executable, else with bash) runs as root in the guest (through
# test/vm/guest.sh) with the caller's OSVIF_* environment and working directory; its output
# streams to stdout as it runs and its exit status is this script's.
# A guest that never reports a status (panic, OOM, timeout) fails with status 1.
#
# Environment: OSVIF_VM_TIMEOUT (seconds, default 1800), OSVIF_VM_SMP (default 2),
# OSVIF_VM_MEM (MiB, default 1024), OSVIF_VM_CACHE (default /var/cache/osvif-vm: the
# uncompressed kernel, the initramfs and the netdevsim module, per kernel build).
# Outside `make check` OSVIF_SRCDIR defaults to this checkout and OSVIF_BIN to its build/osvif.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export OSVIF_SRCDIR=${OSVIF_SRCDIR:-$(dirname "$(dirname "$here")")}
export OSVIF_BIN=${OSVIF_BIN:-$OSVIF_SRCDIR/build/osvif}
export OSVIF_BUILDDIR=${OSVIF_BUILDDIR:-$(dirname "$OSVIF_BIN")}
export OSVIF_TEST_DATA=${OSVIF_TEST_DATA:-$OSVIF_SRCDIR/test/data}
. "$OSVIF_SRCDIR/test/lib/common.sh"
. "$here/lib.sh"

# All in a function, read whole before it runs: editing this file under a running guest is safe.
main() {
        [ $# -ge 1 ] || fail "usage: $0 SCRIPT [ARGS...]"
        script=$(realpath "$1")
        shift
        [ -r "$script" ] || fail "no script $script"
        require_root
        vm_require

        t0=$(date +%s%N)
        vm_prepare # sets VM_VER, VM_CACHE: vmlinux, initrd.cpio, netdevsim.ko
        res=$(mktemp -d /tmp/osvif-vm.XXXXXX)
        on_exit "rm -rf '$res'"
        # What the guest runs, in which directory, with which environment (the kernel command
        # line is too small and too public for it)
        {
                printf 'cd %q\n' "$PWD"
                env | grep -E '^(OSVIF_[A-Z0-9_]*|CNI_PATH)=' | while IFS= read -r kv; do
                        printf 'export %q=%q\n' "${kv%%=*}" "${kv#*=}"
                done
                printf 'export OSVIF_VM=1 OSVIF_VM_NETDEVSIM=%q\n' "$VM_CACHE/netdevsim.ko"
                printf 'set -- %q' "$script"
                for a in "$@"; do printf ' %q' "$a"; done
                echo
        } >"$res/env"

        echo "vm: booting $VM_VER (prepared in $((($(date +%s%N) - t0) / 1000000)) ms)"
        # TCG only: /dev/kvm is not usable on the CI machines. -cpu max gives the guest RDRAND,
        # which random.trust_cpu=on needs to seed the pool at once. panic=-1 and -no-reboot turn
        # a guest panic, and the guest's final reboot, into QEMU's exit. sercon-port=0 keeps
        # SeaBIOS's screen control codes off the serial console (QEMU warns that the name lacks
        # "opt/": SeaBIOS reads it without). sed -u: the serial console's CRs go, line by line
        # even into make check's log.
        status=0
        timeout -k 10 "${OSVIF_VM_TIMEOUT:-1800}" qemu-system-x86_64 \
                -accel tcg -cpu max -smp "${OSVIF_VM_SMP:-2}" -m "${OSVIF_VM_MEM:-1024}" \
                -nographic -no-reboot -nodefaults -serial stdio -monitor none \
                -fw_cfg name=etc/sercon-port,string=0 \
                -kernel "$VM_CACHE/vmlinux" -initrd "$VM_CACHE/initrd.cpio" \
                -append "console=ttyS0 quiet panic=-1 random.trust_cpu=on osvif_guest=$here/guest.sh" \
                -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
                -virtfs "local,path=$res,mount_tag=results,security_model=none" \
                </dev/null 2> >(grep --line-buffered -v 'externally provided fw_cfg item names' >&2) |
                sed -u 's/\r$//' || status=$?
        secs=$((($(date +%s%N) - t0) / 1000000000))
        if [ ! -f "$res/status" ]; then
                [ "$status" = 124 ] && fail "vm: timed out after ${OSVIF_VM_TIMEOUT:-1800} s"
                fail "vm: the guest reported no status (QEMU exit $status) after $secs s"
        fi
        rc=$(cat "$res/status")
        echo "vm: $(basename "$script") exited $rc; boot $(cat "$res/boot" 2>/dev/null || echo ?) s, total $secs s"
        exit "$rc"
}
main "$@"
