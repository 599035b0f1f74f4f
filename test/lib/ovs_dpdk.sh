# A private Open vSwitch with DPDK (Debian's openvswitch-switch-dpdk) for the vhost-user
# suites, in the test's own network and mount namespace, under a temporary directory. No
# hugepages, no PCI devices: DPDK runs on --no-huge memory and only vhost-user ports exist.
# The DPDK poll thread keeps one core busy while it runs: suites start it only for the tests
# that need it and ovs_dpdk_stop (registered with on_exit) ends it.
#   ovs_dpdk_start     sets OVS_DIR, OVSDB (the unix: target), OVS_CTL (ovs-vswitchd's unixctl)
#   ovs_vsctl ARGS...  ovs-vsctl against it;  ovs_appctl ARGS...: ovs-appctl -t $OVS_CTL
OVS_DPDK_BIN=${OVS_DPDK_BIN:-/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk}

ovs_dpdk_start() {
        require_cmd ovsdb-server ovsdb-tool ovs-vsctl ovs-appctl
        [ -x "$OVS_DPDK_BIN" ] || skip "needs $OVS_DPDK_BIN (openvswitch-switch-dpdk)"
        # without the ring mempool driver DPDK's mempools fail with "Invalid argument" and a
        # vhost-user port silently drops out of the datapath while it says "connected"
        ls /usr/lib/x86_64-linux-gnu/dpdk/pmds-*/librte_mempool_ring.so* >/dev/null 2>&1 ||
                skip "needs librte-mempool-ring23"
        OVS_DIR=$(mktemp -d /run/osvif-test/ovsdpdk.XXXXXX)
        export OVS_RUNDIR=$OVS_DIR OVS_DBDIR=$OVS_DIR OVS_LOGDIR=$OVS_DIR OVS_SYSCONFDIR=$OVS_DIR
        OVSDB="unix:$OVS_DIR/db.sock"
        OVS_CTL=$OVS_DIR/ovs-vswitchd.ctl
        ovsdb-tool create "$OVS_DIR/conf.db" /usr/share/openvswitch/vswitch.ovsschema
        ovsdb-server "$OVS_DIR/conf.db" --remote="punix:$OVS_DIR/db.sock" \
                --pidfile="$OVS_DIR/ovsdb-server.pid" --unixctl="$OVS_DIR/ovsdb-server.ctl" \
                --log-file="$OVS_DIR/ovsdb-server.log" --detach --no-chdir
        on_exit ovs_dpdk_stop
        ovs_vsctl --no-wait init
        ovs_vsctl --no-wait set Open_vSwitch . other_config:dpdk-init=true \
                other_config:dpdk-extra="--no-huge -m 512 --no-pci --legacy-mem" \
                other_config:per-port-memory=true ${OVS_DPDK_SOCK_DIR:+other_config:vhost-sock-dir=$OVS_DPDK_SOCK_DIR}
        # DPDK wants a private /dev/shm-like runtime dir: it lives under OVS_RUNDIR's XDG
        XDG_RUNTIME_DIR=$OVS_DIR "$OVS_DPDK_BIN" "$OVSDB" --pidfile="$OVS_DIR/ovs-vswitchd.pid" \
                --unixctl="$OVS_CTL" --log-file="$OVS_DIR/ovs-vswitchd.log" -vconsole:off --detach --no-chdir
        timeout 60 sh -c "until [ \"\$(ovs-vsctl --db=$OVSDB get Open_vSwitch . dpdk_initialized 2>/dev/null)\" = true ]; do sleep 0.2; done" ||
                fail "ovs-vswitchd-dpdk did not initialize DPDK: $(tail -5 "$OVS_DIR/ovs-vswitchd.log")"
}

ovs_vsctl() {
        ovs-vsctl --db="$OVSDB" --timeout=20 "$@"
}

ovs_appctl() {
        ovs-appctl -t "$OVS_CTL" "$@"
}

_ovs_dpdk_pid() { cat "$OVS_DIR/$1.pid" 2>/dev/null; }

ovs_dpdk_stop() {
        local p d
        for d in ovs-vswitchd ovsdb-server; do
                p=$(_ovs_dpdk_pid $d)
                [ -n "$p" ] || continue
                kill -CONT "$p" 2>/dev/null
                kill "$p" 2>/dev/null
                for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
                kill -9 "$p" 2>/dev/null || true
        done
        return 0
}
