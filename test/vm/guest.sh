#!/bin/bash
# PID 1 of test/vm/run.sh's guest, on the host's root (read-only 9p): make the directories the
# tests write to writable, load the kernel features the tests are here for, run the script
# named in the results share's env file, write its exit status there and power off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
poweroff() {
        sync
        echo b >/proc/sysrq-trigger # -no-reboot: QEMU exits
        sleep 60
}
die() {
        echo "vm guest: $*"
        poweroff
}
# a tmpfs for what the guest writes; /etc, /var, /root and /tmp are overlays of the host's on it
mount -t tmpfs -o mode=0755 tmpfs /mnt || die "tmpfs on /mnt"
mkdir -p /mnt/results
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results /mnt/results || die "mount the results share"
for d in etc var root tmp; do
        mkdir -p "/mnt/ovl/$d/upper" "/mnt/ovl/$d/work"
        mount -t overlay overlay -o "lowerdir=/$d,upperdir=/mnt/ovl/$d/upper,workdir=/mnt/ovl/$d/work" "/$d" ||
                die "overlay on /$d"
done
mount -t tmpfs -o mode=0755 tmpfs /run

mkdir -p /dev/pts /dev/shm /run/lock
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup
ln -sf /proc/self/fd /dev/fd
hostname osvif-vm
ip link set lo up
awk '{ print $1 }' /proc/uptime >/mnt/results/boot

# What this host's kernel lacks; netdevsim is built by run.sh (psample first: netdevsim uses it)
for m in openvswitch 8021q macvtap vhost_net veth dummy psample; do
        modprobe "$m" || die "modprobe $m"
done
. /mnt/results/env # cd, the OSVIF_* environment, and the script with its arguments
insmod "$OSVIF_VM_NETDEVSIM" || die "insmod $OSVIF_VM_NETDEVSIM"

# Debian's ovs-vswitchd 3.1.0 counts CPUs only once its CLOCK_MONOTONIC has passed 10 s
# (count_cpu_cores() in lib/ovs-thread.c caches from last_updated = 0; fixed upstream in 3.1.1,
# fff04b838 "ovs-thread: Fix cpus not read for the first 10s."). Started earlier, as it is here
# seconds after boot, it sees 0 CPUs, creates 0 upcall handlers in per-CPU dispatch mode
# ("Overriding n-handler-threads to 0") and the kernel drops every upcall (lost == missed): no
# ping. The script runs in a time namespace whose monotonic and boot clocks are a day ahead
# (OSVIF_VM_TIMENS=0 runs it without, to see the failure).
timens=(unshare --time --monotonic 86400 --boottime 86400 --)
[ "${OSVIF_VM_TIMENS:-1}" = 0 ] && timens=()
echo "vm guest: up after $(cat /mnt/results/boot) s, running $*"
# an executable runs as it is, anything else as a bash script
[ -x "$1" ] || set -- /bin/bash "$@"
"${timens[@]}" "$@" </dev/null
rc=$?
echo "$rc" >/mnt/results/status
poweroff
