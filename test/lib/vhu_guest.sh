# A small QEMU guest with one vhost-user NIC, for the vhost-user suites (QEMU TCG: there is no
# KVM here). Debian's 6.1 kernel and a busybox-static initramfs whose /init (test/vhu/init)
# loads virtio and virtio-net and pings a peer. Guest RAM is a shared memfd, as vhost-user
# needs; virtio-net-pci runs with vectors=0 (QEMU 7.2 crashes under TCG in
# msix_set_vector_notifiers otherwise).
#   vhu_guest_prepare            sets VHU_KERNEL and VHU_INITRD (built under a temp dir)
#   vhu_guest_start NAME SOCK MAC ADDR/LEN PEER [server]
#                                QEMU in the background, console in $VHU_DIR/NAME.log;
#                                "server": QEMU serves the socket (mode server)
#   vhu_guest_wait NAME WHAT SECS  wait for a console line starting with WHAT
#   vhu_guest_stop NAME
vhu_kernel_version() {
        local v best=""
        for v in /boot/vmlinuz-*-amd64; do
                v=${v#/boot/vmlinuz-}
                [ -f "/lib/modules/$v/kernel/drivers/net/virtio_net.ko" ] || continue
                best=$(printf '%s\n%s\n' "$best" "$v" | sort -V | tail -n 1)
        done
        echo "$best"
}

vhu_guest_prepare() {
        local ver dir m
        require_cmd qemu-system-x86_64 cpio modprobe timeout
        [ -x /bin/busybox ] && busybox --list 2>/dev/null | grep -qx insmod || skip "needs busybox-static"
        ver=$(vhu_kernel_version)
        [ -n "$ver" ] || skip "needs linux-image-amd64 (Debian's kernel, for the guest)"
        VHU_DIR=$(mktemp -d /run/osvif-test/vhu.XXXXXX)
        VHU_KERNEL=/boot/vmlinuz-$ver
        dir=$VHU_DIR/initrd
        mkdir -p "$dir/bin" "$dir/lib/modules" "$dir/proc" "$dir/sys" "$dir/dev"
        cp /bin/busybox "$dir/bin/busybox"
        cp "$OSVIF_SRCDIR/test/vhu/init" "$dir/init"
        chmod 0755 "$dir/init"
        for m in $(modprobe -S "$ver" --show-depends -a virtio_pci virtio_net |
                awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++'); do
                cp "$m" "$dir/lib/modules/"
                basename "$m" >>"$dir/lib/modules/order"
        done
        (cd "$dir" && find . | cpio -o -H newc --quiet) >"$VHU_DIR/initrd.cpio"
        VHU_INITRD=$VHU_DIR/initrd.cpio
        on_exit vhu_guest_stop_all
}

vhu_guest_start() {
        local name=$1 sock=$2 mac=$3 addr=$4 peer=$5 server=${6:-}
        : >"$VHU_DIR/$name.log"
        qemu-system-x86_64 -machine q35,accel=tcg -nodefaults -display none -monitor none \
                -m 512 -object memory-backend-memfd,id=mem,size=512M,share=on -numa node,memdev=mem \
                -kernel "$VHU_KERNEL" -initrd "$VHU_INITRD" \
                -append "console=ttyS0 quiet panic=-1 osvif_ip=$addr osvif_peer=$peer" \
                -serial "file:$VHU_DIR/$name.log" -no-reboot \
                -chardev "socket,id=c0,path=$sock${server:+,server=on,wait=off}" \
                -netdev vhost-user,id=n0,chardev=c0,vhostforce=on \
                -device "virtio-net-pci,netdev=n0,mac=$mac,vectors=0" \
                -pidfile "$VHU_DIR/$name.pid" >"$VHU_DIR/$name.qemu.log" 2>&1 &
        echo $! >"$VHU_DIR/$name.bgpid"
}

vhu_guest_wait() {
        local name=$1 what=$2 secs=$3
        timeout "$secs" sh -c "until grep -q '^$what' '$VHU_DIR/$name.log'; do
                kill -0 \$(cat '$VHU_DIR/$name.bgpid') 2>/dev/null || exit 1; sleep 0.5; done" ||
                { tail -20 "$VHU_DIR/$name.log" "$VHU_DIR/$name.qemu.log" >&2; return 1; }
}

vhu_guest_stop() {
        local p
        p=$(cat "$VHU_DIR/$1.bgpid" 2>/dev/null) || return 0
        kill "$p" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
        rm -f "$VHU_DIR/$1.bgpid"
        return 0
}

vhu_guest_stop_all() {
        local f
        for f in "$VHU_DIR"/*.bgpid; do
                [ -e "$f" ] || continue
                f=${f##*/}
                vhu_guest_stop "${f%.bgpid}"
        done
        return 0
}
