# Start and stop a private Open vSwitch (ovsdb-server + ovs-vswitchd) for one test, inside the
# test's own network namespace, with everything under a temporary directory. Bridges use the
# datapath OVS_DP names: OSVIF_OVS_DATAPATH, by default netdev (userspace), since this host's
# kernel has no openvswitch module; test/vm runs the suites again with system (the kernel's).
#   ovs_start             sets OVS_DIR and OVSDB (the unix: target), exports OVS_RUNDIR etc.
#   ovs_vsctl ARGS...     ovs-vsctl against it (tests may; the plugin never does)
#   ovs_kill_db, ovs_stop_vswitchd, ovs_cont_vswitchd, ovs_stop
OVS_DP=${OSVIF_OVS_DATAPATH:-netdev}
case "$OVS_DP" in netdev | system) ;; *) fail "OSVIF_OVS_DATAPATH=$OVS_DP: netdev or system" ;; esac

ovs_start() {
        require_cmd ovsdb-server ovs-vswitchd ovsdb-tool ovs-vsctl
        OVS_DIR=$(mktemp -d /run/osvif-test/ovs.XXXXXX)
        export OVS_RUNDIR=$OVS_DIR OVS_DBDIR=$OVS_DIR OVS_LOGDIR=$OVS_DIR OVS_SYSCONFDIR=$OVS_DIR
        OVSDB="unix:$OVS_DIR/db.sock"
        ovsdb-tool create "$OVS_DIR/conf.db" /usr/share/openvswitch/vswitch.ovsschema
        ovsdb-server "$OVS_DIR/conf.db" --remote="punix:$OVS_DIR/db.sock" \
                --pidfile="$OVS_DIR/ovsdb-server.pid" --unixctl="$OVS_DIR/ovsdb-server.ctl" \
                --log-file="$OVS_DIR/ovsdb-server.log" --detach --no-chdir
        ovs_vsctl --no-wait init
        ovs-vswitchd "$OVSDB" --pidfile="$OVS_DIR/ovs-vswitchd.pid" --unixctl="$OVS_DIR/ovs-vswitchd.ctl" \
                --log-file="$OVS_DIR/ovs-vswitchd.log" --detach --no-chdir
        on_exit ovs_stop
}

ovs_vsctl() {
        ovs-vsctl --db="$OVSDB" --timeout=20 "$@"
}

_ovs_pid() { cat "$OVS_DIR/$1.pid" 2>/dev/null; }

ovs_kill_db() {
        local p; p=$(_ovs_pid ovsdb-server)
        [ -n "$p" ] && kill "$p" 2>/dev/null
        while [ -n "$p" ] && kill -0 "$p" 2>/dev/null; do sleep 0.05; done
        return 0
}
ovs_stop_vswitchd() { kill -STOP "$(_ovs_pid ovs-vswitchd)"; }
ovs_cont_vswitchd() { kill -CONT "$(_ovs_pid ovs-vswitchd)"; }

ovs_stop() {
        local p
        for d in ovs-vswitchd ovsdb-server; do
                p=$(_ovs_pid $d)
                [ -n "$p" ] || continue
                kill -CONT "$p" 2>/dev/null
                kill "$p" 2>/dev/null
                for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
                kill -9 "$p" 2>/dev/null
        done
        return 0
}
