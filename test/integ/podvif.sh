#!/bin/bash
# Untrusted per-pod VIFs through the real binary: what a pod author can write in the pod
# annotation (the io.kubernetes.cri.pod-annotations capability) and in args.cni.vif (Multus
# cni-args). Without podVif in the network config, args.cni.vif is refused and the annotation
# ignored; with it, a per-pod VIF inside its limits is plugged and one outside any limit is
# refused with code 7 naming the field, the host exactly as before. The attacks: a host
# bridge the config does not list (the host's management address behind it), a new host
# bridge, another OVS bridge, VLAN or iface-id (against a real ovsdb-server/ovs-vswitchd).
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/lib/ovs.sh"
require_root
require_cmd ip ping /usr/bin/python3
isolate "$0" "$@"

LOG=/run/osvif-test/podvif.log
# the host's management bridge, which no pod may reach, and a second pod bridge an admin lists
ip link add br-mgmt type bridge
ip addr add 192.168.77.1/24 dev br-mgmt
ip link set br-mgmt up
ip link add br-alt type bridge
ip link set br-alt up
make_netns pod1

# conf PODVIF EXTRA...: a Linux-bridge network (br-pods, not there yet), with podVif when
# PODVIF is not empty, and more top-level keys
conf() {
        local extra="" e
        [ -n "$1" ] && extra=",\"podVif\":$1"
        shift
        for e in "$@"; do extra="$extra,$e"; done
        cat <<JSON
{"cniVersion":"1.1.0","name":"pnet","type":"osvif","logFile":"$LOG"$extra,
 "vif":{"type":"bridge","bridge_name":"br-pods","network":{"mtu":1400,
   "subnets":[{"cidr":"10.30.0.0/24","gateway":"10.30.0.1","ips":["10.30.0.4"]}]}}}
JSON
}
# the annotation as the runtime passes it: a string holding the VIF's JSON text
ann() {
        printf '"runtimeConfig":{"io.kubernetes.cri.pod-annotations":{"osvif.openstack.org/vif":%s}}' \
                "$(printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')"
}
args() { printf '"args":{"cni":{"vif":%s}}' "$1"; }

ovs_state() {
        [ -n "${OVSDB:-}" ] || return 0
        echo "== ovs"
        for b in $(ovs_vsctl list-br); do
                echo "bridge $b: $(ovs_vsctl list-ports "$b" | tr '\n' ' ')"
        done
        ovs_vsctl --columns=name,external_ids list Interface | sort
}

# refused CONTEXT CONFIG WANT...: ADD fails with code 7, the message holds each WANT, and the
# host (links, addresses, routes, run and state dirs, OVS rows) is exactly as before
refused() {
        local ctx=$1 c=$2 out msg before after
        shift 2
        before="$(snapshot --netns pod1)$(ovs_state)"
        out=$(echo "$c" | cni ADD /run/netns/pod1 eth0 ctr1) && fail "$ctx: ADD accepted: $out"
        expect_error 7 "$out" "$ctx"
        msg=$(echo "$out" | json_get 'd["msg"]')
        for w in "$@"; do
                printf '%s' "$msg" | grep -qF -- "$w" || fail "$ctx: the message lacks '$w': $msg"
        done
        after="$(snapshot --netns pod1)$(ovs_state)"
        assert_same_snapshot "$before" "$after" "$ctx"
}

del() { echo "$1" | cni DEL /run/netns/pod1 eth0 ctr1 >/dev/null || fail "DEL: $1"; }

# ---- without podVif: args refused, the annotation ignored ----
ATTACK='{"type":"bridge","bridge_name":"br-mgmt"}'
refused "args while off" "$(conf "" "$(args "$ATTACK")")" "args.cni.vif" "podVif.sources"

c=$(conf "" "$(ann "$ATTACK")" '"bogusKey":1')
out=$(echo "$c" | cni ADD /run/netns/pod1 eth0 ctr1) || fail "ADD with an annotation while off: $out"
host=$(echo "$out" | json_get 'd["interfaces"][0]["name"]')
ip -o link show "$host" | grep -q "master br-pods" || fail "the annotation was not ignored: $(ip -o link show "$host")"
[ -z "$(ip -o link show master br-mgmt)" ] || fail "a port on br-mgmt: $(ip -o link show master br-mgmt)"
# the test (not the plugin) gives the pod an address on the management subnet: still no way in
ip -n pod1 addr add 192.168.77.9/24 dev eth0
ip netns exec pod1 ping -c 1 -W 1 192.168.77.1 >/dev/null 2>&1 && fail "the pod reached the management address"
grep -q 'pod annotation "osvif.openstack.org/vif" ignored' "$LOG" || fail "the ignored annotation is not logged: $(cat "$LOG")"
grep -q 'config key "bogusKey" is not one of ours' "$LOG" || fail "the unknown key is not logged: $(cat "$LOG")"
del "$c"
ip link del br-pods

# ---- with podVif: inside the limits, or refused naming the field ----
PV='{"sources":["args","annotation"],"bridges":["br-alt"],"allowMac":true,"allowFixedIps":true}'
refused "a host bridge through the annotation" "$(conf "$PV" "$(ann "$ATTACK")")" \
        'annotation "osvif.openstack.org/vif".bridge_name' '"br-mgmt"' podVif.bridges
refused "a host bridge through args" "$(conf "$PV" "$(args "$ATTACK")")" \
        args.cni.vif.bridge_name '"br-mgmt"' podVif.bridges
refused "a new host bridge" "$(conf "$PV" "$(args '{"type":"bridge","bridge_name":"podbr9"}')")" \
        args.cni.vif.bridge_name '"podbr9"'
ip link show podbr9 >/dev/null 2>&1 && fail "podbr9 was created"
refused "a host device name" "$(conf "$PV" "$(args '{"type":"bridge","vif_name":"eth9"}')")" \
        args.cni.vif.vif_name '"eth9"'
refused "the MTU" "$(conf "$PV" "$(args '{"type":"bridge","network":{"mtu":9000}}')")" \
        args.cni.vif.network.mtu 9000
refused "a fixed IP outside the subnet" \
        "$(conf "$PV" "$(args '{"type":"bridge","network":{"subnets":[{"cidr":"10.30.0.0/24","ips":["10.9.9.9"]}]}}')")" \
        'args.cni.vif.network.subnets[0].ips[0]' 10.9.9.9
refused "a subnet of its own" \
        "$(conf "$PV" "$(args '{"type":"bridge","network":{"subnets":[{"cidr":"192.168.77.0/24","ips":["192.168.77.9"]}]}}')")" \
        'args.cni.vif.network.subnets[0].cidr' 192.168.77.0/24
refused "a MAC without allowMac" \
        "$(conf '{"sources":["args"]}' "$(args '{"type":"bridge","address":"02:00:00:00:30:05"}')")" \
        args.cni.vif.address podVif.allowMac

OK='{"type":"bridge","bridge_name":"br-alt","address":"02:00:00:00:30:05","network":{"subnets":[{"cidr":"10.30.0.0/24","ips":["10.30.0.5"]}]}}'
c=$(conf "$PV" "$(args "$OK")")
out=$(echo "$c" | cni ADD /run/netns/pod1 eth0 ctr1) || fail "ADD within the limits: $out"
host=$(echo "$out" | json_get 'd["interfaces"][0]["name"]')
ip -o link show "$host" | grep -q "master br-alt" || fail "not on the listed bridge: $(ip -o link show "$host")"
ip -n pod1 -o link show eth0 | grep -q "02:00:00:00:30:05" || fail "the pod's MAC"
ip -n pod1 -o link show eth0 | grep -q "mtu 1400" || fail "the config's MTU"
ip -n pod1 -o addr show eth0 | grep -q "inet 10.30.0.5/24" || fail "the pod's fixed IP with the config's prefix"
ip -n pod1 route | grep -q "default via 10.30.0.1" || fail "the config's gateway"
del "$c"
[ -z "$(ip -d link show | grep 'alias osvif')" ] || fail "links of ours left"
# the admin tightens podVif after an ADD: DEL (which never fails on the policy) still removes
# what that ADD made, by owner
out=$(echo "$c" | cni ADD /run/netns/pod1 eth0 ctr1) || fail "ADD before tightening: $out"
del "$(conf '{"sources":["args"]}' "$(args "$OK")")"
[ -z "$(ip -d link show | grep 'alias osvif')" ] || fail "links of ours left after a DEL under a tighter podVif"
[ -z "$(ip -n pod1 -o link show eth0 2>/dev/null)" ] || fail "the pod's interface left after a DEL under a tighter podVif"

# an annotation whose value is a JSON string holding the VIF (a string in a string)
c=$(conf '{"sources":["annotation"],"allowMac":true}' \
        "$(ann "$(printf '%s' '{"type":"bridge","bridge_name":"br-pods","address":"02:00:00:00:30:06"}' | /usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')")")
out=$(echo "$c" | cni ADD /run/netns/pod1 eth0 ctr1) || fail "ADD with a string-in-string annotation: $out"
ip -n pod1 -o link show eth0 | grep -q "02:00:00:00:30:06" || fail "the annotation's VIF was not used: $(ip -n pod1 -o link show eth0)"
del "$c"
ip link del br-pods

# ---- Open vSwitch: another bridge, VLAN or iface-id ----
ovs_start
ovs_vsctl add-br br-int -- set Bridge br-int datapath_type=netdev
ovs_vsctl add-br br-ex -- set Bridge br-ex datapath_type=netdev
TENANT=9e8d7c6b-0000-4000-8000-00000000000a
oconf() { # oconf PODVIF ANNOTATION_VIF
        cat <<JSON
{"cniVersion":"1.1.0","name":"onet","type":"osvif","ovsdb":"$OVSDB","podVif":$1,$(ann "$2"),
 "vif":{"type":"ovs","bridge_name":"br-int","port_profile":{"type":"openvswitch","datapath_type":"netdev"},
   "network":{"bridge":"br-int","vlan":100,"mtu":1450}}}
JSON
}
OPV='{"sources":["annotation"],"vlans":["100-199"]}'
refused "another OVS bridge" "$(oconf "$OPV" '{"type":"ovs","bridge_name":"br-ex","network":{"bridge":"br-ex"}}')" \
        '"br-ex"' podVif.bridges
refused "another OVS bridge (network.bridge)" "$(oconf "$OPV" '{"type":"ovs","network":{"bridge":"br-ex"}}')" \
        'annotation "osvif.openstack.org/vif".network.bridge' '"br-ex"'
refused "a new OVS bridge" "$(oconf "$OPV" '{"type":"ovs","bridge_name":"br-pod9","network":{"bridge":"br-pod9"}}')" \
        '"br-pod9"'
refused "a VLAN outside the range" "$(oconf "$OPV" '{"type":"ovs","network":{"vlan":300}}')" \
        'annotation "osvif.openstack.org/vif".network.vlan' 300 podVif.vlans
refused "another tenant's iface-id" \
        "$(oconf "$OPV" '{"type":"ovs","port_profile":{"type":"openvswitch","interface_id":"'$TENANT'"}}')" \
        'annotation "osvif.openstack.org/vif".port_profile.interface_id' "$TENANT" podVif.allowInterfaceId
refused "an id (the iface-id without a profile's)" "$(oconf "$OPV" '{"type":"ovs","id":"'$TENANT'"}')" \
        'annotation "osvif.openstack.org/vif".id' podVif.allowInterfaceId
refused "another datapath" \
        "$(oconf "$OPV" '{"type":"ovs","port_profile":{"type":"openvswitch","datapath_type":"system"}}')" \
        'annotation "osvif.openstack.org/vif".port_profile.datapath_type' '"system"'

before="$(snapshot --netns pod1)$(ovs_state)"
c=$(oconf "$OPV" '{"type":"ovs","network":{"vlan":150}}')
out=$(echo "$c" | cni ADD /run/netns/pod1 eth0 ctr1) || fail "OVS ADD within the limits: $out"
port=$(echo "$out" | json_get 'd["interfaces"][0]["name"]')
[ "$(ovs_vsctl port-to-br "$port")" = br-int ] || fail "the port is not on br-int"
[ "$(ovs_vsctl get Port "$port" tag)" = 150 ] || fail "the pod's VLAN"
[ "$(ovs_vsctl get Interface "$port" mtu_request)" = 1450 ] || fail "the config's MTU"
del "$c"
# the OVS side is the other half of the allowInterfaceId case: the admin lets pods name ports
c=$(oconf '{"sources":["annotation"],"allowInterfaceId":true}' \
        '{"type":"ovs","port_profile":{"type":"openvswitch","interface_id":"'$TENANT'"}}')
out=$(echo "$c" | cni ADD /run/netns/pod1 eth0 ctr1) || fail "OVS ADD with allowInterfaceId: $out"
port=$(echo "$out" | json_get 'd["interfaces"][0]["name"]')
[ "$(ovs_vsctl get Interface "$port" external_ids:iface-id | tr -d '"')" = "$TENANT" ] || fail "iface-id"
[ "$(ovs_vsctl get Port "$port" tag)" = 100 ] || fail "the config's VLAN"
del "$c"
after="$(snapshot --netns pod1)$(ovs_state)"
assert_same_snapshot "$before" "$after" "after the OVS ADDs and DELs"
echo "podvif: ok"
