#!/bin/bash
# VIFOpenVSwitch and os-vif's hybrid plug against a real ovsdb-server and ovs-vswitchd (on the
# datapath test/lib/ovs.sh names) started for this test in its own netns: the port as os-vif
# writes it, VLAN isolation, MTU, isolate_vif, CHECK, DEL, GC, STATUS, and real os-vif primitives.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/lib/ovs.sh"
require_root
require_cmd ip ping /usr/bin/python3
isolate "$0" "$@"
ovs_start

UUID1=0a2b3c4d-0000-4000-8000-000000000001
UUID2=1b2c3d4e-0000-4000-8000-000000000002
UUID3=2c3d4e5f-0000-4000-8000-000000000003
UUID4=3d4e5f60-0000-4000-8000-000000000004
# ovs VIF for one pod, in args.cni.vif within the network's podVif: ovs_conf VIF_ID IP TAG [extra top-level keys]
ovs_conf() {
        cat <<JSON
{"cniVersion":"1.1.0","name":"onet","type":"osvif","ovsdb":"$OVSDB"${4:+,$4},
 "vif":{"type":"ovs","bridge_name":"br-int","port_profile":{"type":"openvswitch","datapath_type":"$OVS_DP"},
   "network":{"bridge":"br-int","mtu":1450,"subnets":[{"cidr":"10.80.0.0/24"}]}},
 "podVif":{"sources":["args"],"vlans":["100-200"],"allowInterfaceId":true,"allowMac":true,"allowFixedIps":true},
 "args":{"cni":{"vif":{"type":"ovs","id":"$1","address":"fa:16:3e:00:00:$(printf %02x "${2##*.}")",
   "bridge_name":"br-int",
   "port_profile":{"type":"openvswitch","interface_id":"$1","datapath_type":"$OVS_DP"},
   "network":{"bridge":"br-int","vlan":$3,"mtu":1450,"subnets":[{"cidr":"10.80.0.0/24","ips":["$2"]}]}}}}}
JSON
}
extid() { ovs_vsctl get Interface "$1" "external_ids:$2" | tr -d '"'; }

for p in p1 p2 p3; do make_netns $p; done
out=$(ovs_conf $UUID1 10.80.0.1 100 | cni ADD /run/netns/p1 eth0 ctr1) || fail "ADD p1: $out"
port=tap0a2b3c4d-00
[ "$(echo "$out" | json_get 'd["interfaces"][0]["name"]')" = $port ] || fail "host end is tap + id: $out"
ovs_vsctl br-exists br-int || fail "br-int was not created"
[ "$(ovs_vsctl get Bridge br-int datapath_type)" = "$OVS_DP" ] || fail "bridge datapath_type"
[ "$(ovs_vsctl port-to-br $port)" = br-int ] || fail "port not on br-int"
[ "$(extid $port iface-id)" = $UUID1 ] || fail "iface-id"
[ "$(extid $port iface-status)" = active ] || fail "iface-status"
[ "$(extid $port attached-mac)" = fa:16:3e:00:00:01 ] || fail "attached-mac"
[ "$(extid $port vm-uuid)" = ctr1 ] || fail "vm-uuid"
[ "$(extid $port osvif-network)" = onet ] || fail "owner network"
[ "$(extid $port osvif-container-id)" = ctr1 ] || fail "owner container"
[ "$(ovs_vsctl get Port $port tag)" = 100 ] || fail "tag"
[ "$(ovs_vsctl get Interface $port mtu_request)" = 1450 ] || fail "mtu_request"
[ "$(ovs_vsctl get Interface $port ofport)" -gt 0 ] || fail "no ofport"
ip -n p1 -o link show eth0 | grep -q "mtu 1450" || fail "pod MTU"
PREV1=$out

ovs_conf $UUID2 10.80.0.2 100 | cni ADD /run/netns/p2 eth0 ctr2 >/dev/null || fail "ADD p2"
ovs_conf $UUID3 10.80.0.3 200 | cni ADD /run/netns/p3 eth0 ctr3 >/dev/null || fail "ADD p3"
ip netns exec p1 ping -c 2 -W 2 10.80.0.2 >/dev/null || fail "p1 cannot reach p2 on VLAN 100"
ip netns exec p1 ping -c 2 -W 1 10.80.0.3 >/dev/null 2>&1 && fail "p1 (VLAN 100) reached p3 (VLAN 200)"

# CHECK: as added, then with the tag changed behind our back, then with the port gone
with_prev() { /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); c["prevResult"]=json.loads(sys.argv[1]); print(json.dumps(c))' "$1"; }
ovs_conf $UUID1 10.80.0.1 100 | with_prev "$PREV1" | cni CHECK /run/netns/p1 eth0 ctr1 || fail "CHECK p1"
ovs_vsctl set Port $port tag=300
out=$(ovs_conf $UUID1 10.80.0.1 100 | with_prev "$PREV1" | cni CHECK /run/netns/p1 eth0 ctr1) && fail "CHECK passed with tag 300"
expect_error 109 "$out" "CHECK with a changed tag"
ovs_vsctl set Port $port tag=100
# CHECK while ovs-vswitchd has not realized the port yet (no ofport; a vhost-user ADD returns
# before that): CHECK waits for it, as ADD does, within ovsPortTimeout. The port's rows are
# made again, the same, while ovs-vswitchd is stopped, so that their ofport is empty.
pids=$(ovs_vsctl get Port $port external_ids)
iids=$(ovs_vsctl get Interface $port external_ids)
ovs_stop_vswitchd
ovs_vsctl --no-wait -- del-port $port -- add-port br-int $port -- set Port $port tag=100 \
        external_ids="$pids" -- set Interface $port external_ids="$iids"
[ -z "$(ovs_vsctl get Interface $port ofport | tr -d '[]')" ] || fail "the re-made port has an ofport already"
ovs_conf $UUID1 10.80.0.1 100 | with_prev "$PREV1" | cni CHECK /run/netns/p1 eth0 ctr1 >/run/osvif-test/check.out &
check=$!
sleep 0.5
ovs_cont_vswitchd
wait $check || fail "CHECK of a port ovs-vswitchd was still realizing: $(cat /run/osvif-test/check.out)"

# a port name OVS already has (not ours): OVSDB's "constraint violation" becomes 103 naming the
# port, and the ADD leaves the host and OVS as they were
ovs_vsctl add-port br-int tapforeign0
make_netns pf
links_before=$(ip -o link show | cut -d: -f2 | sort)
ports_before=$(ovs_vsctl list-ports br-int | sort)
out=$(cat <<JSON | cni ADD /run/netns/pf eth0 ctrf
{"cniVersion":"1.1.0","name":"onet","type":"osvif","ovsdb":"$OVSDB",
 "vif":{"type":"ovs","vif_name":"tapforeign0","bridge_name":"br-int",
   "port_profile":{"type":"openvswitch","datapath_type":"$OVS_DP"}}}
JSON
) && fail "ADD took over a port OVS already has"
expect_error 103 "$out" "ADD onto a port name OVS already has"
echo "$out" | grep -q 'OVS port \\"tapforeign0\\" already exists' || fail "the error names the port: $out"
[ "$(ip -o link show | cut -d: -f2 | sort)" = "$links_before" ] || fail "a failed ADD left links"
[ "$(ovs_vsctl list-ports br-int | sort)" = "$ports_before" ] || fail "a failed ADD changed the ports"
ip -n pf -o link show | grep -qv ": lo:" && fail "a failed ADD left a link in the pod"
ovs_vsctl del-port br-int tapforeign0

# isolate_vif: the dead VLAN, trunked, until an agent sets the tag
make_netns p4
ovs_conf $UUID4 10.80.0.4 100 '"isolateVif":true' | cni ADD /run/netns/p4 eth0 ctr4 >/dev/null || fail "ADD isolated"
iport=tap3d4e5f60-00
[ "$(ovs_vsctl get Port $iport tag)" = 4095 ] || fail "isolated tag"
[ "$(ovs_vsctl get Port $iport vlan_mode)" = trunk ] || fail "isolated vlan_mode"
[ "$(ovs_vsctl get Port $iport trunks)" = "[4095]" ] || fail "isolated trunks"

# DEL without netns and without prevResult finds the port by its owner
ip netns del p4
ovs_conf $UUID4 10.80.0.4 100 | CNI_COMMAND=DEL CNI_CONTAINERID=ctr4 CNI_IFNAME=eth0 "$OSVIF_BIN" || fail "DEL without netns"
ovs_vsctl --if-exists get Port $iport name >/dev/null 2>&1 && [ -n "$(ovs_vsctl --if-exists get Port $iport name)" ] && fail "port of ctr4 left"
ip link show $iport >/dev/null 2>&1 && fail "veth of ctr4 left"

# GC: only ctr2 stays valid on this network
echo '{"cniVersion":"1.1.0","name":"onet","type":"osvif","ovsdb":"'"$OVSDB"'","cni.dev/valid-attachments":[{"containerID":"ctr2","ifname":"eth0"}]}' |
        CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN" || fail "GC"
ports=$(ovs_vsctl list-ports br-int | sort | tr '\n' ' ')
[ "$ports" = "tap1b2c3d4e-00 " ] || fail "after GC the ports are: $ports"
ip link show $port >/dev/null 2>&1 && fail "GC left ctr1's veth"

# STATUS: reachable, then not
out=$(echo '{"cniVersion":"1.1.0","name":"onet","type":"osvif","ovsdb":"'"$OVSDB"'","vif":{"type":"ovs","bridge_name":"br-int","port_profile":{"type":"openvswitch"}}}' |
        CNI_COMMAND=STATUS "$OSVIF_BIN") || fail "STATUS with OVS up: $out"
ovs_conf $UUID2 10.80.0.2 100 | cni DEL /run/netns/p2 eth0 ctr2 || fail "DEL p2"
[ -z "$(ovs_vsctl list-ports br-int)" ] || fail "ports left: $(ovs_vsctl list-ports br-int)"
[ -z "$(ip -d link show | grep 'alias osvif')" ] || fail "links of ours left"
# TCP targets (tcp:HOST:PORT and tcp:[V6]:PORT), as a remote ovsdb-server is reached: the same
# port written, checked and removed over TCP
ovs-appctl -t "$OVS_DIR/ovsdb-server.ctl" ovsdb-server/add-remote ptcp:6640:127.0.0.1 || fail "add ptcp remote"
ovs-appctl -t "$OVS_DIR/ovsdb-server.ctl" ovsdb-server/add-remote ptcp:6641:[::1] || fail "add ptcp6 remote"
make_netns p5
for target in tcp:127.0.0.1:6640 "tcp:[::1]:6641"; do
        out=$(OVSDB=$target ovs_conf $UUID4 10.80.0.5 100 | cni ADD /run/netns/p5 eth0 ctr5) || fail "ADD over $target: $out"
        [ "$(extid $iport iface-id)" = $UUID4 ] || fail "iface-id over $target"
        [ "$(ovs_vsctl get Port $iport tag)" = 100 ] || fail "tag over $target"
        OVSDB=$target ovs_conf $UUID4 10.80.0.5 100 | with_prev "$out" | cni CHECK /run/netns/p5 eth0 ctr5 ||
                fail "CHECK over $target"
        OVSDB=$target ovs_conf $UUID4 10.80.0.5 100 | cni DEL /run/netns/p5 eth0 ctr5 || fail "DEL over $target"
        [ -z "$(ovs_vsctl --if-exists get Port $iport name 2>/dev/null)" ] || fail "port left after DEL over $target"
done
# no "ovsdb" key: the default target, unix:/run/openvswitch/db.sock (this /run is the test's own)
mkdir -p /run/openvswitch
ovs-appctl -t "$OVS_DIR/ovsdb-server.ctl" ovsdb-server/add-remote punix:/run/openvswitch/db.sock || fail "add the default remote"
for _ in $(seq 1 100); do [ -S /run/openvswitch/db.sock ] && break; sleep 0.05; done
out=$(ovs_conf $UUID4 10.80.0.5 100 | sed 's|"ovsdb":"[^"]*",||' | cni ADD /run/netns/p5 eth0 ctr5) || fail "ADD with the default target: $out"
[ "$(extid $iport iface-id)" = $UUID4 ] || fail "iface-id through the default target"
ovs_conf $UUID4 10.80.0.5 100 | sed 's|"ovsdb":"[^"]*",||' | cni DEL /run/netns/p5 eth0 ctr5 || fail "DEL with the default target"
[ -z "$(ovs_vsctl --if-exists get Port $iport name 2>/dev/null)" ] || fail "port left after DEL through the default target"
# nothing listens on this port: a connection error (code 11), naming the target
out=$(OVSDB=tcp:127.0.0.1:6650 ovs_conf $UUID4 10.80.0.5 100 | cni ADD /run/netns/p5 eth0 ctr5) && fail "ADD with no server"
expect_error 11 "$out" "ADD with no server on the TCP target"
echo "$out" | grep -q "tcp:127.0.0.1:6650" || fail "the error does not name the target: $out"
ip -n p5 link show eth0 >/dev/null 2>&1 && fail "pod link left after a failed ADD"
ip -o link show | grep -q "$iport" && fail "host veth left after a failed ADD"
echo "ovs: ok"
