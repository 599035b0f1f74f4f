#!/bin/bash
# The OVS paths under failure and load: a fault before every step of the VIFOpenVSwitch and
# hybrid plans, OVSDB killed (code 11), ovs-vswitchd stopped (a bounded wait, code 107), and
# 50 concurrent ADDs onto one OVS bridge that does not exist yet. Every failure leaves the
# host and the OVS database as they were.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/lib/ovs.sh"
require_root
require_cmd ip /usr/bin/python3
isolate "$0" "$@"
ovs_start

ovs_conf() { # ovs_conf TYPE [extra keys]
        local vif
        case "$1" in
        ovs) vif='{"type":"ovs","bridge_name":"br-r","port_profile":{"type":"openvswitch","datapath_type":"netdev"},
                   "network":{"vlan":5,"subnets":[{"cidr":"10.85.0.0/24","ips":["10.85.0.9"]}]}}' ;;
        hybrid) vif='{"type":"bridge","port_profile":{"type":"openvswitch","datapath_type":"netdev"},
                   "network":{"bridge":"br-r","subnets":[{"cidr":"10.85.0.0/24","ips":["10.85.0.9"]}]}}' ;;
        esac
        echo '{"cniVersion":"1.1.0","name":"rnet","type":"osvif","ovsdb":"'"$OVSDB"'"'"${2:+,$2}"',"vif":'"$vif"'}'
}
ovs_state() { # the rows a test may compare: bridges, ports and interfaces with their ids
        ovs_vsctl --format=csv --columns=name,external_ids list Interface | sort
        ovs_vsctl --format=csv --columns=name,tag,external_ids list Port | sort
        ovs_vsctl list-br
}
make_netns pod

# a fault before each step; the bridge exists beforehand (one ADD/DEL), then it does not
ovs_conf ovs | cni ADD /run/netns/pod eth0 warm >/dev/null || fail "warm-up ADD"
ovs_conf ovs | cni DEL /run/netns/pod eth0 warm >/dev/null || fail "warm-up DEL"
for plan in "ovs 4" "hybrid 6"; do
        set -- $plan
        before="$(snapshot --netns pod)$(ovs_state)"
        for ((n = 0; n < $2; n++)); do
                out=$(ovs_conf $1 | OSVIF_FAULT_STEP=$n cni ADD /run/netns/pod eth0 fctr) && fail "$1: fault at $n ignored"
                expect_error 100 "$out" "$1 step $n"
                assert_same_snapshot "$before" "$(snapshot --netns pod)$(ovs_state)" "$1: fault before step $n"
        done
done

# OVSDB goes away mid-suite: try again later, nothing left
before=$(snapshot --netns pod)
ovs_kill_db
out=$(ovs_conf ovs | cni ADD /run/netns/pod eth0 nodb) && fail "ADD without OVSDB succeeded"
expect_error 11 "$out" "ADD without OVSDB"
assert_same_snapshot "$before" "$(snapshot --netns pod)" "ADD without OVSDB"
out=$(ovs_conf ovs | cni DEL /run/netns/pod eth0 nodb) && fail "DEL of an OVS VIF without OVSDB succeeded"
expect_error 11 "$out" "DEL without OVSDB"
ovsdb-server "$OVS_DIR/conf.db" --remote="punix:$OVS_DIR/db.sock" --pidfile="$OVS_DIR/ovsdb-server.pid" \
        --unixctl="$OVS_DIR/ovsdb-server.ctl" --log-file="$OVS_DIR/ovsdb-server.log" --detach --no-chdir
[ -z "$(ovs_vsctl --columns=name find Interface external_ids:osvif-container-id=nodb)" ] || fail "rows of the failed ADD"

# ovs-vswitchd stops answering: the wait is bounded, the error named, everything undone
before="$(snapshot --netns pod)$(ovs_state)"
ovs_stop_vswitchd
start=$(date +%s%N)
out=$(ovs_conf ovs '"ovsPortTimeout":1500' | cni ADD /run/netns/pod eth0 novsd) && fail "ADD with ovs-vswitchd stopped succeeded"
elapsed=$((($(date +%s%N) - start) / 1000000))
ovs_cont_vswitchd
expect_error 107 "$out" "ADD with ovs-vswitchd stopped"
echo "$out" | grep -q "within 1500 ms" || fail "the error names the bound: $out"
[ "$elapsed" -ge 1400 ] && [ "$elapsed" -lt 6000 ] || fail "waited $elapsed ms for a 1500 ms bound"
assert_same_snapshot "$before" "$(snapshot --netns pod)$(ovs_state)" "ovs-vswitchd stopped"

# 50 concurrent ADDs onto a bridge that does not exist yet
N=${OSVIF_CONCURRENCY:-50}
ovs_vsctl --if-exists del-br br-c
cat >/run/osvif-test/c.json <<JSON
{"cniVersion":"1.1.0","name":"cnet","type":"osvif","ovsdb":"$OVSDB","ovsPortTimeout":60000,
 "vif":{"type":"ovs","bridge_name":"br-c","port_profile":{"type":"openvswitch","datapath_type":"netdev"},"network":{"vlan":9}}}
JSON
pids=()
for i in $(seq 1 "$N"); do
        make_netns "c$i"
        cni ADD "/run/netns/c$i" eth0 "cc$i" </run/osvif-test/c.json >"/run/osvif-test/c$i.out" 2>&1 &
        pids+=($!)
done
failed=0
for i in $(seq 1 "$N"); do
        wait "${pids[$((i - 1))]}" || { failed=$((failed + 1)); cat "/run/osvif-test/c$i.out" >&2; }
done
[ "$failed" = 0 ] || fail "$failed of $N concurrent OVS ADDs failed"
[ "$(ovs_vsctl list-br | grep -c '^br-c$')" = 1 ] || fail "not exactly one br-c"
[ "$(ovs_vsctl list-ports br-c | wc -l)" = "$N" ] || fail "$(ovs_vsctl list-ports br-c | wc -l) ports on br-c, want $N"
pids=()
for i in $(seq 1 "$N"); do
        cni DEL "/run/netns/c$i" eth0 "cc$i" </run/osvif-test/c.json >"/run/osvif-test/d$i.out" 2>&1 &
        pids+=($!)
done
for i in $(seq 1 "$N"); do
        wait "${pids[$((i - 1))]}" || { failed=$((failed + 1)); cat "/run/osvif-test/d$i.out" >&2; }
done
[ "$failed" = 0 ] || fail "$failed of $N concurrent OVS DELs failed"
[ -z "$(ovs_vsctl list-ports br-c)" ] || fail "ports left on br-c"
[ -z "$(ip -d link show | grep 'alias osvif')" ] || fail "links of ours left"
echo "ovs_robust: ok"
