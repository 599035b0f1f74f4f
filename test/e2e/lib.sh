# Helpers for the end-to-end suites: the plugin installed in a temporary CNI bin dir (with
# Debian's reference plugins beside it), and a minimal image built from busybox-static.
#   e2e_bin_dir            prints a bin dir holding osvif, host-local, static, tuning, loopback
#   e2e_rootfs DIR         a root filesystem: /bin/busybox and its applets, nothing else
#   e2e_image_tar TAR      that rootfs as a tar archive (for podman import)

e2e_bin_dir() {
        local d=/run/osvif-test/cni-bin
        mkdir -p "$d"
        install -m 0755 "$OSVIF_BIN" "$d/osvif"
        for p in host-local static tuning loopback; do
                [ -x "/usr/lib/cni/$p" ] && ln -sf "/usr/lib/cni/$p" "$d/$p"
        done
        echo "$d"
}

e2e_rootfs() {
        local root=$1
        require_cmd busybox
        [ -x /bin/busybox ] || skip "needs busybox-static"
        file -L /bin/busybox 2>/dev/null | grep -q dynamically && skip "needs a static busybox (busybox-static)"
        mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/etc" "$root/tmp" "$root/run"
        cp /bin/busybox "$root/bin/busybox"
        for a in $(/bin/busybox --list); do
                [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
        done
        echo "root:x:0:0:root:/:/bin/sh" >"$root/etc/passwd"
        echo "root:x:0:" >"$root/etc/group"
}

e2e_image_tar() {
        local root=/run/osvif-test/rootfs
        [ -d "$root/bin" ] || e2e_rootfs "$root"
        tar -C "$root" -cf "$1" .
}
