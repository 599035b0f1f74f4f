#!/bin/bash
# VIFDirect: a macvlan (or macvtap) created in the pod on a lower device, in every mode.
#
# Simulated hardware, and only that: the "PCI NIC" is a veth. A fake sysfs tree under
# OSVIF_SYSFS_ROOT says that PCI device 0000:03:00.0 has the netdev "eno1", which is one end
# of a veth whose other end ("swp") sits in netns "sw", where the physical switch would be.
# Everything else is the real kernel: real macvlan/macvtap links, modes, namespaces.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_cmd ip ping /usr/bin/python3
isolate "$0" "$@"
mount -t sysfs sysfs /sys   # this namespace's links in /sys/class/net

T=/run/osvif-test
PCI=0000:03:00.0
# simulation of a PCI NIC: sysfs says the PCI function 0000:03:00.0 is the netdev eno1
export OSVIF_SYSFS_ROOT=$T/sys
mkdir -p "$OSVIF_SYSFS_ROOT/bus/pci/devices/$PCI/net/eno1" "$OSVIF_SYSFS_ROOT/bus/pci/devices/0000:04:00.0"
make_netns sw
ip link add eno1 type veth peer name swp netns sw
ip link set eno1 up
ip -n sw link set swp up
for p in p1 p2 p3; do make_netns $p; done
ENO1_MAC=$(cat /sys/class/net/eno1/address)

# conf MODE IP [VIF-EXTRA] [TOP-EXTRA]: a VIFDirect on 0000:03:00.0 with a fixed address
conf() {
        cat <<JSON
{"cniVersion":"1.1.0","name":"dnet","type":"osvif",
 "vif":{"type":"direct","id":"3f2a9c6e-1b4d-4c8e-9a7f-0d2e5b6c7a$2","dev_address":"$PCI","mode":"$1",
        "address":"02:00:00:00:40:$2","network":{"mtu":1400,"subnets":[{"cidr":"10.40.0.0/24","ips":["10.40.0.$2"]}]}${3:-}}${4:-}}
JSON
}
add() { conf "$@" | cni ADD /run/netns/$POD eth0 c$POD; }
del() { conf "$@" | cni DEL /run/netns/$POD eth0 c$POD; }
link_of() { ip -n "$1" -d -o link show eth0; }

# ---- bridge mode: two pods on one lower device reach each other ----
before=$(snapshot --netns p1 --netns p2 --netns sw)
POD=p1 out=$(add bridge 11) || fail "ADD bridge p1: $out"
echo "$out" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [i["name"] for i in d["interfaces"]] == ["eth0"], d   # nothing of ours on the host
i = d["interfaces"][0]
assert i["sandbox"] == "/run/netns/p1" and i["mac"] == "02:00:00:00:40:11" and i["mtu"] == 1400, d
assert d["ips"][0]["address"] == "10.40.0.11/24" and d["ips"][0]["interface"] == 0, d
' || fail "ADD result: $out"
l=$(link_of p1)
echo "$l" | grep -q "eth0@if[0-9]*:.*mtu 1400 .*state UP.*02:00:00:00:40:11.*macvlan mode bridge" || fail "pod link: $l"
echo "$l" | grep -q "alias osvif dnet cp1 eth0" || fail "pod link has no owner: $l"
ip -n p1 -o addr show eth0 | grep -q "10.40.0.11/24" || fail "no address in p1"
POD=p2 out=$(add bridge 12) || fail "ADD bridge p2: $out"
ip netns exec p1 ping -c 2 -W 2 10.40.0.12 >/dev/null || fail "bridge mode: p1 cannot reach p2"
# and they reach the wire too: the switch side sees p1
ip -n sw addr add 10.40.0.1/24 dev swp
ip netns exec sw ping -c 1 -W 2 10.40.0.11 >/dev/null || fail "the switch side cannot reach p1"
ip -n sw addr del 10.40.0.1/24 dev swp
[ -z "$(ip -d link show | grep 'alias osvif')" ] || fail "a link of ours on the host"

# ---- CHECK: kind, mode, lower device, MAC, MTU, L3 ----
POD=p1 conf bridge 11 | cni CHECK /run/netns/p1 eth0 cp1 || fail "CHECK of a good attachment"
checkfail() { # what, then the conf on stdin
        local out
        out=$(cni CHECK /run/netns/p1 eth0 cp1) && fail "CHECK passed: $1"
        expect_error 109 "$out" "CHECK $1"
        echo "$out" | grep -q "$2" || fail "CHECK $1: $out"
}
conf vepa 11 | checkfail "mode" "is in mode bridge, not vepa"
ip -n p1 link set eth0 mtu 1300
conf bridge 11 | checkfail "mtu" "has MTU 1300, not 1400"
ip -n p1 link set eth0 mtu 1400
ip -n p1 addr del 10.40.0.11/24 dev eth0
res=$(POD=p1 conf bridge 11 | /usr/bin/python3 -c '
import json, sys
c = json.load(sys.stdin)
c["prevResult"] = {"cniVersion": "1.1.0", "interfaces": [{"name": "eth0", "sandbox": "/run/netns/p1", "mac": "02:00:00:00:40:11"}],
                   "ips": [{"address": "10.40.0.11/24", "interface": 0}]}
print(json.dumps(c))')
out=$(echo "$res" | cni CHECK /run/netns/p1 eth0 cp1) && fail "CHECK passed without the address"
echo "$out" | grep -q "address 10.40.0.11/24 is missing" || fail "CHECK L3: $out"
ip -n p1 addr add 10.40.0.11/24 dev eth0
echo "$res" | cni CHECK /run/netns/p1 eth0 cp1 || fail "CHECK with prevResult"
ip link add eno2 type veth peer name eno2p
out=$(conf bridge 11 "" ',"master":"eno2"' | cni CHECK /run/netns/p1 eth0 cp1) && fail "CHECK passed on another lower device"
echo "$out" | grep -q 'is not on lower device \\"eno2\\"' || fail "CHECK lower: $out"
ip link del eno2

# ---- DEL with and without the netns ----
POD=p1 del bridge 11 >/dev/null || fail "DEL p1"
ip -n p1 link show eth0 >/dev/null 2>&1 && fail "DEL left the pod link"
conf bridge 12 | cni DEL "" eth0 cp2 || fail "DEL without netns"
ip netns del p2 && make_netns p2   # the runtime removes the netns: the macvlan goes with it
POD=p1 del bridge 11 >/dev/null || fail "DEL twice"
assert_same_snapshot "$before" "$(snapshot --netns p1 --netns p2 --netns sw)" "after DEL"

# ---- VEPA: pod to pod only through the switch (hairpin) ----
POD=p1 add vepa 21 >/dev/null || fail "ADD vepa p1"
POD=p2 add vepa 22 >/dev/null || fail "ADD vepa p2"
link_of p1 | grep -q "macvlan mode vepa" || fail "vepa: $(link_of p1)"
ip netns exec p1 ping -c 1 -W 1 10.40.0.22 >/dev/null 2>&1 && fail "vepa: pods met inside the host"
ip -n sw link add br0 type bridge
ip -n sw link set swp master br0
ip -n sw link set br0 up
ip -n sw link set swp type bridge_slave hairpin on
ip netns exec p1 ping -c 2 -W 2 10.40.0.22 >/dev/null || fail "vepa: no path through a hairpin switch"
ip -n sw link del br0
POD=p1 del vepa 21 >/dev/null && POD=p2 del vepa 22 >/dev/null || fail "DEL vepa"

# ---- passthrough: the lower device for one pod only ----
POD=p1 out=$(add passthrough 31) || fail "ADD passthrough: $out"
link_of p1 | grep -q "macvlan mode passthru" || fail "passthru: $(link_of p1)"
grep -q 02:00:00:00:40:31 /sys/class/net/eno1/address || fail "passthru: the lower device does not carry the VIF's MAC"
taken=$(snapshot --netns p2 --netns sw)
POD=p2 out=$(add passthrough 32) && fail "a second passthrough on one lower device"
expect_error 103 "$out" "second passthrough"
echo "$out" | grep -q 'on \\"eno1\\" in mode passthru: refused' || fail "second passthrough: $out"
POD=p2 out=$(add bridge 32) && fail "bridge mode on a device held in passthrough"
expect_error 103 "$out" "bridge on passthrough"
assert_same_snapshot "$taken" "$(snapshot --netns p2 --netns sw)" "refused passthrough"
POD=p1 del passthrough 31 >/dev/null || fail "DEL passthrough"
[ "$(cat /sys/class/net/eno1/address)" = "$ENO1_MAC" ] || fail "the lower device did not get its MAC back"
# passthrough refuses a device that has a macvlan already
POD=p1 add bridge 11 >/dev/null || fail "ADD bridge before passthrough"
POD=p2 out=$(add passthrough 32) && fail "passthrough on a device in use"
expect_error 103 "$out" "passthrough on a used device"
POD=p1 del bridge 11 >/dev/null

# ---- macvtap, for VM sandboxes: its /dev/tapN, at an index Kata's scheme keeps clear ----
POD=p1 out=$(add bridge 41 "" ',"macvtap":true') || fail "ADD macvtap: $out"
l=$(link_of p1)
echo "$l" | grep -q "macvtap mode bridge" || fail "macvtap: $l"
idx=$(ip netns exec p1 cat /sys/class/net/eth0/ifindex)
[ "$idx" -ge 8192 ] || fail "macvtap ifindex $idx below 8192"
[ -c "/dev/tap$idx" ] || fail "no /dev/tap$idx"
conf bridge 41 "" ',"macvtap":true' | cni CHECK /run/netns/p1 eth0 cp1 || fail "CHECK macvtap"
out=$(conf bridge 41 | cni CHECK /run/netns/p1 eth0 cp1) && fail "CHECK of a macvtap as a macvlan passed"
echo "$out" | grep -q "is a macvtap, not a macvlan" || fail "CHECK kind: $out"
# Kata's path: QEMU gets /dev/tap<ifindex> of the link it finds in the pod. A frame written
# into it leaves on the lower device (a packet socket on the wire side sees it), and a frame
# from the wire to the pod's MAC comes out of it.
F="/usr/bin/python3 $OSVIF_SRCDIR/test/integ/macvtap_frames.py"
SWP_MAC=$(ip netns exec sw cat /sys/class/net/swp/address)
expect_frame() { # RECEIVER-COMMAND... ; then run $SEND; the receiver must print "got"
        local fifo=$T/frames.out
        "$@" >$fifo 2>&1 &
        local pid=$!
        for _ in $(seq 50); do grep -q ready $fifo && break; sleep 0.1; done
        eval "$SEND" || fail "send: $SEND"
        wait $pid || fail "frame not received by $*: $(cat $fifo)"
        grep -q got $fifo || fail "receiver: $(cat $fifo)"
}
SEND="$F tap-send /dev/tap$idx $SWP_MAC 02:00:00:00:40:41 kata-out-$$"
expect_frame ip netns exec sw $F sock-recv swp kata-out-$$
SEND="ip netns exec sw $F sock-send swp 02:00:00:00:40:41 $SWP_MAC kata-in-$$"
expect_frame $F tap-recv /dev/tap$idx kata-in-$$
POD=p1 del bridge 41 "" ',"macvtap":true' >/dev/null || fail "DEL macvtap"
[ -e "/dev/tap$idx" ] && fail "/dev/tap$idx left"

# ---- the lower device by name ("master"), without dev_address ----
mconf='{"cniVersion":"1.1.0","name":"dnet","type":"osvif","master":"eno1",
        "vif":{"type":"direct","mode":"bridge","network":{"subnets":[{"cidr":"10.40.0.0/24","ips":["10.40.0.51"]}]}}}'
echo "$mconf" | cni ADD /run/netns/p1 eth0 cm >/dev/null || fail "ADD with master"
link_of p1 | grep -q "eth0@if$(cat /sys/class/net/eno1/ifindex).*mtu 1500" || fail "master: $(link_of p1)"
echo "$mconf" | cni DEL /run/netns/p1 eth0 cm >/dev/null || fail "DEL with master"

# ---- the primitive form, from Debian's python3-os-vif ----
prim=$(/usr/bin/python3 -c '
import json, os_vif
from os_vif import objects as O
os_vif.objects.register_all()
net = O.network.Network(id="8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", mtu=1450, subnets=O.subnet.SubnetList(objects=[
    O.subnet.Subnet(cidr="10.40.0.0/24", ips=O.fixed_ip.FixedIPList(objects=[O.fixed_ip.FixedIP(address="10.40.0.61")]))]))
v = O.vif.VIFDirect(id="3f2a9c6e-1b4d-4c8e-9a7f-0d2e5b6c7a81", address="fa:16:3e:00:00:61", plugin="noop",
                    vif_name="tap3f2a9c6e-1b", dev_address="0000:03:00.0", mode="vepa", network=net)
print(json.dumps({"cniVersion": "1.1.0", "name": "dnet", "type": "osvif", "vif": v.obj_to_primitive()}))') || fail "os-vif"
echo "$prim" | cni ADD /run/netns/p1 eth0 cprim >/dev/null || fail "ADD primitive"
link_of p1 | grep -q "mtu 1450 .*fa:16:3e:00:00:61.*macvlan mode vepa" || fail "primitive: $(link_of p1)"
echo "$prim" | cni CHECK /run/netns/p1 eth0 cprim || fail "CHECK primitive"
echo "$prim" | cni DEL /run/netns/p1 eth0 cprim >/dev/null || fail "DEL primitive"

# ---- kuryr-kubernetes' VIFMacvlanNested: a macvlan in bridge mode on the VM's NIC ----
# kuryr is not in Debian: its class is declared here as kuryr declares it (fields vif_name, on
# os-vif's VIFBase, version 1.0, namespace os_vif), and real oslo serialises it
kuryr=$(/usr/bin/python3 -c '
import json, os_vif
from os_vif import objects as O
from oslo_versionedobjects import base, fields
os_vif.objects.register_all()
@base.VersionedObjectRegistry.register
class VIFMacvlanNested(O.vif.VIFBase):
    VERSION = "1.0"
    fields = {"vif_name": fields.StringField()}
net = O.network.Network(id="8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", subnets=O.subnet.SubnetList(objects=[
    O.subnet.Subnet(cidr="10.40.0.0/24", ips=O.fixed_ip.FixedIPList(objects=[O.fixed_ip.FixedIP(address="10.40.0.65")]))]))
v = VIFMacvlanNested(id="3f2a9c6e-1b4d-4c8e-9a7f-0d2e5b6c7a65", address="fa:16:3e:00:00:65", plugin="noop",
                     vif_name="tap3f2a9c6e-1b", network=net)
print(json.dumps({"cniVersion": "1.1.0", "name": "dnet", "type": "osvif", "master": "eno1", "vif": v.obj_to_primitive()}))') || fail "kuryr class"
echo "$kuryr" | cni ADD /run/netns/p1 eth0 ckuryr >/dev/null || fail "ADD VIFMacvlanNested"
link_of p1 | grep -q "eth0@if$(cat /sys/class/net/eno1/ifindex):.*fa:16:3e:00:00:65.*macvlan mode bridge" || fail "VIFMacvlanNested: $(link_of p1)"
ip -n p1 -o addr show eth0 | grep -q 10.40.0.65/24 || fail "VIFMacvlanNested: no address"
echo "$kuryr" | cni CHECK /run/netns/p1 eth0 ckuryr || fail "CHECK VIFMacvlanNested"
echo "$kuryr" | cni DEL /run/netns/p1 eth0 ckuryr >/dev/null || fail "DEL VIFMacvlanNested"
ip -n p1 link show eth0 >/dev/null 2>&1 && fail "VIFMacvlanNested left its link"

# ---- refusals leave the host as it was ----
before=$(snapshot --netns p1 --netns sw)
refuse() { # CODE GREP, conf on stdin
        local out
        out=$(cni ADD /run/netns/p1 eth0 cbad) && fail "ADD accepted: $2"
        expect_error "$1" "$out" "$2"
        echo "$out" | grep -q "$2" || fail "message: $out"
        assert_same_snapshot "$before" "$(snapshot --netns p1 --netns sw)" "$2"
}
conf bridge 71 | sed 's/0000:03:00.0/0000:09:00.0/' | refuse 104 'vif.dev_address: PCI device \\"0000:09:00.0\\" has no network device'
conf bridge 71 | sed 's/0000:03:00.0/0000:04:00.0/' | refuse 104 'PCI device \\"0000:04:00.0\\" has no network device'
conf bridge 71 | sed 's/"mtu":1400/"mtu":9000/' | refuse 7 'vif.network.mtu: 9000 is above the MTU of lower device \\"eno1\\" (1500)'
conf bridge 71 "" ',"master":"nosuch0"' | refuse 104 'lower device \\"nosuch0\\" is missing'
conf bridge 71 | sed 's/"mode":"bridge",//' | refuse 7 'vif.mode: missing, VIFDirect needs it'

# ---- 802.1Qbh: the EOPNOTSUPP path end to end ----
# No driver here implements port profiles (only Cisco enic has ndo_set_vf_port): this, and the
# message's attributes in test/unit/test_portprofile.c, is all that can be tested without an
# enic NIC. The refusal must say so and leave nothing: no pod link, no state file.
conf vepa 81 ',"port_profile":{"type":"8021qbh","profile_id":"web"}' |
        refuse 110 'driver does not implement port profiles'

# ---- faults at every step: nothing left ----
inject() { # STEPS, conf on stdin
        local c n out
        c=$(cat)
        for ((n = 0; n < $1; n++)); do
                out=$(echo "$c" | OSVIF_FAULT_STEP=$n cni ADD /run/netns/p1 eth0 cf) && fail "ADD with a fault at step $n"
                expect_error 100 "$out" "fault $n"
                assert_same_snapshot "$before" "$(snapshot --netns p1 --netns sw)" "fault before step $n"
        done
        echo "$c" | OSVIF_FAULT_STEP=$1 cni ADD /run/netns/p1 eth0 cf >/dev/null || fail "ADD past the last step"
        echo "$c" | cni DEL /run/netns/p1 eth0 cf >/dev/null || fail "DEL after faults"
}
conf bridge 91 | inject 3                      # macvlan, pod-link, pod-l3
conf passthrough 91 "" ',"macvtap":true' | inject 3
# with host-local IPAM first: ipam, macvlan, pod-link, pod-l3
conf bridge 91 | /usr/bin/python3 -c '
import json, sys
c = json.load(sys.stdin)
del c["vif"]["network"]["subnets"]
c["ipam"] = {"type": "host-local", "dataDir": "/run/osvif-test/ipam", "ranges": [[{"subnet": "10.41.0.0/24"}]]}
print(json.dumps(c))' >$T/ipam.json
inject 4 <$T/ipam.json
left=$(ls $T/ipam/dnet 2>/dev/null | grep -v -E '^(lock|last_reserved_ip\.0)$' || true)
[ -z "$left" ] || fail "IPAM reservations left: $left"
[ "$(cat /sys/class/net/eno1/address)" = "$ENO1_MAC" ] || fail "lower device MAC changed by faults"

# ---- GC and DEL of a port-profile association recorded before a kill ----
# A kill between the state file and the association leaves "<owner>.qbh.json"; GC must find the
# attachment by it and DEL must clear it. The association itself cannot exist here (no enic):
# disassociating on a device without port profiles counts as done.
mkdir -p "$OSVIF_STATE_DIR"
echo '{"lower":"eno1","profile":"web"}' >"$OSVIF_STATE_DIR/osvif dnet cstale eth0.qbh.json"
echo '{"lower":"eno1","profile":"web"}' >"$OSVIF_STATE_DIR/osvif dnet ckeep eth0.qbh.json"
echo '{"lower":"eno1","profile":"web"}' >"$OSVIF_STATE_DIR/osvif othernet cstale eth0.qbh.json"
gc='{"cniVersion":"1.1.0","name":"dnet","type":"osvif","cni.dev/valid-attachments":[{"containerID":"ckeep","ifname":"eth0"}]}'
echo "$gc" | CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN" || fail "GC"
[ -e "$OSVIF_STATE_DIR/osvif dnet cstale eth0.qbh.json" ] && fail "GC kept a stale association"
[ -e "$OSVIF_STATE_DIR/osvif dnet ckeep eth0.qbh.json" ] || fail "GC removed a valid attachment's state"
[ -e "$OSVIF_STATE_DIR/osvif othernet cstale eth0.qbh.json" ] || fail "GC reached into another network"
conf vepa 81 ',"port_profile":{"type":"8021qbh","profile_id":"web"}' | cni DEL "" eth0 ckeep || fail "DEL qbh"
[ -e "$OSVIF_STATE_DIR/osvif dnet ckeep eth0.qbh.json" ] && fail "DEL left the association's state"
rm -f "$OSVIF_STATE_DIR/osvif othernet cstale eth0.qbh.json"
assert_same_snapshot "$before" "$(snapshot --netns p1 --netns sw)" "after GC"
echo "direct: ok"
