# Host side of test/vm/run.sh: what the guest needs, and building it once per kernel build.
#   vm_require   skip (or fail in strict mode) without QEMU, Debian's 6.1 kernel and its
#                headers and source, busybox-static and the module build tools
#   vm_prepare   sets VM_VER and VM_CACHE, a directory holding vmlinux (uncompressed),
#                initrd.cpio and netdevsim.ko for that kernel, building what is missing

# The newest Debian 6.1 kernel that has its headers installed (linux-headers-amd64 follows
# linux-image-amd64, so this is the one the packages brought).
vm_kernel() {
        local v best=""
        for v in /boot/vmlinuz-6.1.*-amd64; do
                v=${v#/boot/vmlinuz-}
                [ -f "/lib/modules/$v/modules.dep" ] && [ -d "/lib/modules/$v/build" ] || continue
                best=$(printf '%s\n%s\n' "$best" "$v" | sort -V | tail -n 1)
        done
        echo "$best"
}

vm_require() {
        require_cmd qemu-system-x86_64 cpio xz make gcc timeout modprobe realpath
        dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' ||
                skip "needs busybox-static"
        [ -n "$(vm_kernel)" ] || skip "needs linux-image-amd64 and linux-headers-amd64 (Debian's 6.1 kernel)"
        [ -f /usr/src/linux-source-6.1.tar.xz ] || skip "needs linux-source-6.1 (to build netdevsim)"
}

# extract_vmlinux BZIMAGE OUT: the kernel's scripts/extract-vmlinux, for the one compression
# Debian uses (xz): TCG is slow at decompressing, and the uncompressed kernel boots ~5 s sooner.
extract_vmlinux() {
        local off
        for off in $(LC_ALL=C grep -aboP '\xfd7zXZ\x00' "$1" | cut -d: -f1); do
                tail -c +"$((off + 1))" "$1" | xz -dc --single-stream >"$2.tmp" 2>/dev/null || true
                if [ "$(head -c 4 "$2.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
                        mv "$2.tmp" "$2"
                        return 0
                fi
        done
        rm -f "$2.tmp"
        fail "no xz-compressed ELF kernel in $1"
}

# The initramfs: busybox, the virtio-pci, 9p and overlay modules with their dependencies in
# load order, and test/vm/init. It only mounts the host's root; test/vm/guest.sh does the rest.
build_initrd() {
        local out=$1 dir m
        dir=$(mktemp -d)
        mkdir -p "$dir/bin" "$dir/lib/modules" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/newroot"
        cp /bin/busybox "$dir/bin/busybox"
        cp "$OSVIF_SRCDIR/test/vm/init" "$dir/init"
        chmod 0755 "$dir/init"
        for m in $(modprobe -S "$VM_VER" --show-depends -a virtio_pci 9pnet_virtio 9p overlay |
                awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++'); do
                cp "$m" "$dir/lib/modules/"
                basename "$m" >>"$dir/lib/modules/order"
        done
        (cd "$dir" && find . | cpio -o -H newc --quiet) >"$out.tmp"
        rm -rf "$dir"
        mv "$out.tmp" "$out"
}

# netdevsim: Debian builds 6.1 without CONFIG_NETDEVSIM, so build drivers/net/netdevsim/ alone,
# out of tree, from linux-source-6.1 against this kernel's headers (~30 s, then cached).
build_netdevsim() {
        local out=$1 dir
        dir=$(mktemp -d)
        tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$dir" --strip-components=4 \
                --wildcards 'linux-source-6.1/drivers/net/netdevsim/*'
        make -s -C "/lib/modules/$VM_VER/build" M="$dir" CONFIG_NETDEVSIM=m modules >"$dir/build.log" 2>&1 ||
                { cat "$dir/build.log" >&2; rm -rf "$dir"; fail "building netdevsim for $VM_VER"; }
        mv "$dir/netdevsim.ko" "$out"
        rm -rf "$dir"
}

vm_prepare() {
        local pkgver
        VM_VER=$(vm_kernel)
        # keyed by the package version too: a new build of the same ABI replaces vmlinuz
        pkgver=$(dpkg-query -W -f='${Version}' "linux-image-$VM_VER" 2>/dev/null || echo unknown)
        VM_CACHE=${OSVIF_VM_CACHE:-/var/cache/osvif-vm}/$VM_VER-$pkgver
        mkdir -p "$VM_CACHE"
        exec 9>"$VM_CACHE/.lock"
        flock 9
        [ -f "$VM_CACHE/vmlinux" ] || extract_vmlinux "/boot/vmlinuz-$VM_VER" "$VM_CACHE/vmlinux"
        # the initramfs is cheap: rebuilt whenever test/vm/init or this file is newer
        [ "$VM_CACHE/initrd.cpio" -nt "$OSVIF_SRCDIR/test/vm/init" ] &&
                [ "$VM_CACHE/initrd.cpio" -nt "$OSVIF_SRCDIR/test/vm/lib.sh" ] || build_initrd "$VM_CACHE/initrd.cpio"
        [ -f "$VM_CACHE/netdevsim.ko" ] || build_netdevsim "$VM_CACHE/netdevsim.ko"
        flock -u 9
        exec 9>&-
}
