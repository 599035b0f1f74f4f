#!/bin/bash
# The OVS paths under failure and load: a fault before every step of the VIFOpenVSwitch and
# hybrid plans, OVSDB killed (code 11), the answer to a committed port lost (code 11, the port
# removed by owner), ovs-vswitchd stopped (a bounded wait, code 107), an
# error ovs-vswitchd reports on the Interface (code 107 and a rollback), OVSDB echo requests
# answered during a long wait, and 50 concurrent ADDs onto one OVS bridge that does not exist
# yet. Every failure leaves the host and the OVS database as they were.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/lib/ovs.sh"
require_root
require_fault_injection
require_cmd ip /usr/bin/python3
isolate "$0" "$@"
ovs_start

ovs_conf() { # ovs_conf TYPE [extra keys]
        local vif
        case "$1" in
        ovs) vif='{"type":"ovs","bridge_name":"br-r","port_profile":{"type":"openvswitch","datapath_type":"'"$OVS_DP"'"},
                   "network":{"vlan":5,"subnets":[{"cidr":"10.85.0.0/24","ips":["10.85.0.9"]}]}}' ;;
        hybrid) vif='{"type":"bridge","port_profile":{"type":"openvswitch","datapath_type":"'"$OVS_DP"'"},
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

# the answer to the port's transaction is lost: ovsdb-server commits the port and the
# connection goes before its answer arrives (a relay in front of the real ovsdb-server drops
# it, as a restart after the commit would). ADD cannot know the port was made; it fails with
# 11 and deletes the port by its owner over a new connection, so nothing is left.
before="$(snapshot --netns pod)$(ovs_state)"
lossy_ovsdb_start "$OVSDB"
out=$(ovs_conf ovs | sed "s|\"ovsdb\":\"[^\"]*\"|\"ovsdb\":\"$LOSSY_TARGET\"|" | cni ADD /run/netns/pod eth0 lost) &&
        fail "ADD succeeded although its answer was lost"
lossy_ovsdb_stop
expect_error 11 "$out" "ADD whose answer was lost"
assert_same_snapshot "$before" "$(snapshot --netns pod)$(ovs_state)" "lost answer"
echo "ok - the answer to the port's transaction lost after its commit: code 11, the port removed by owner"

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

# ovsdb-server's inactivity probe: through a Manager remote that probes after 1 s of silence
# and drops a client that does not answer within another, a 4 s wait only ends with its own
# timeout when the client answers each "echo" while it waits
ovs_vsctl --id=@m create Manager target='"ptcp:6642:127.0.0.1"' inactivity_probe=1000 -- \
        set Open_vSwitch . manager_options=@m >/dev/null || fail "create the Manager row"
ovs-appctl -t "$OVS_DIR/ovsdb-server.ctl" ovsdb-server/add-remote db:Open_vSwitch,Open_vSwitch,manager_options ||
        fail "add the manager remote"
for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/6642) 2>/dev/null && break; sleep 0.05; done
before="$(snapshot --netns pod)$(ovs_state)"
ovs_stop_vswitchd
out=$(ovs_conf ovs '"ovsPortTimeout":4000' | sed 's|"ovsdb":"[^"]*"|"ovsdb":"tcp:127.0.0.1:6642"|' |
        cni ADD /run/netns/pod eth0 echoer) && fail "ADD with ovs-vswitchd stopped succeeded"
ovs_cont_vswitchd
expect_error 107 "$out" "ADD through a probing remote"
echo "$out" | grep -q "within 4000 ms" || fail "the session was dropped before the wait ended: $out"
grep -q "no response to inactivity probe" "$OVS_DIR/ovsdb-server.log" &&
        fail "ovsdb-server dropped a client for not answering its echo"
assert_same_snapshot "$before" "$(snapshot --netns pod)$(ovs_state)" "probing remote"

# ovs-vswitchd reports an error on the Interface (its device vanished before it opened it):
# the error becomes code 107 with ovs-vswitchd's words, and everything is undone
before="$(snapshot --netns pod)$(ovs_state)"
ovs_stop_vswitchd
ovs_conf ovs '"ovsPortTimeout":20000' | cni ADD /run/netns/pod eth0 verr >/run/osvif-test/verr.out 2>/dev/null &
addpid=$!
port=""
for _ in $(seq 1 400); do
        port=$(ovs_vsctl --bare --columns=name find Interface external_ids:osvif-container-id=verr)
        [ -n "$port" ] && ip link show "$port" >/dev/null 2>&1 && break
        sleep 0.05
done
[ -n "$port" ] || { ovs_cont_vswitchd; fail "the ADD wrote no Interface row"; }
ip link del "$port" || fail "could not delete $port under the ADD"
ovs_cont_vswitchd
wait $addpid && fail "ADD succeeded although ovs-vswitchd could not open $port"
out=$(cat /run/osvif-test/verr.out)
expect_error 107 "$out" "ADD with an Interface error"
echo "$out" | grep -qF "could not add port" && echo "$out" | grep -qF "could not open network device $port" ||
        fail "the error is not ovs-vswitchd's: $out"
assert_same_snapshot "$before" "$(snapshot --netns pod)$(ovs_state)" "Interface error"

# 50 concurrent ADDs onto a bridge that does not exist yet
N=${OSVIF_CONCURRENCY:-50}
ovs_vsctl --if-exists del-br br-c
cat >/run/osvif-test/c.json <<JSON
{"cniVersion":"1.1.0","name":"cnet","type":"osvif","ovsdb":"$OVSDB","ovsPortTimeout":60000,
 "vif":{"type":"ovs","bridge_name":"br-c","port_profile":{"type":"openvswitch","datapath_type":"$OVS_DP"},"network":{"vlan":9}}}
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
