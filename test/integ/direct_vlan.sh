#!/bin/bash
# VLAN devices: VIFDirect's vlan_name (a VLAN device on the lower device, shared by the pods of
# that VLAN, made by osvif when absent and removed with its last user) and kuryr-kubernetes'
# VIFVlanNested (a VLAN device of the pod's own on the VM's NIC).
#
# Needs the 8021q module, which the development host's kernel lacks: this is a guest-side
# script for the kernel-feature VM suite (test/vm/run.sh test/integ/direct_vlan.sh). It is not
# in the host's `make check` list. Without 8021q it reports "not run" (exit 77; a failure under
# OSVIF_TEST_STRICT=1), never "passed".
#
# Simulated hardware, as in direct.sh: a fake sysfs tree (OSVIF_SYSFS_ROOT) says that PCI device
# 0000:03:00.0 is the netdev eno1, one end of a veth whose other end "swp" is in netns "sw".
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_cmd ip ping /usr/bin/python3
isolate "$0" "$@"
mount -t sysfs sysfs /sys

T=/run/osvif-test
PCI=0000:03:00.0
export OSVIF_SYSFS_ROOT=$T/sys
mkdir -p "$OSVIF_SYSFS_ROOT/bus/pci/devices/$PCI/net/eno1"
make_netns sw
ip link add eno1 type veth peer name swp netns sw
ip link set eno1 up
ip -n sw link set swp up
ip link add link eno1 name probe.9 type vlan id 9 2>/dev/null ||
        skip "needs 802.1Q VLAN devices (the 8021q module): run in test/vm's guest"
ip link del probe.9
# the switch side: VLANs 100 and 300 on swp
ip -n sw link add link swp name swp.100 type vlan id 100
ip -n sw link add link swp name swp.300 type vlan id 300
ip -n sw addr add 10.60.0.1/24 dev swp.100
ip -n sw addr add 10.61.0.1/24 dev swp.300
ip -n sw link set swp.100 up
ip -n sw link set swp.300 up

conf() { # HOST-BYTE [VLAN_NAME] [NETWORK-VLAN-JSON]
        cat <<JSON
{"cniVersion":"1.1.0","name":"vnet","type":"osvif",
 "vif":{"type":"direct","dev_address":"$PCI","mode":"bridge","vlan_name":"${2:-eno1.100}",
        "network":{${3-\"vlan\":100,}"subnets":[{"cidr":"10.60.0.0/24","ips":["10.60.0.$1"]}]}}}
JSON
}
for p in p1 p2 p3; do make_netns $p; done
before=$(snapshot --netns p1 --netns p2 --netns sw)

# ---- a VLAN device made for the first pod, shared by the second, gone with the last ----
conf 11 | cni ADD /run/netns/p1 eth0 c1 >/dev/null || fail "ADD p1"
v=$(ip -d -o link show eno1.100) || fail "no eno1.100"
echo "$v" | grep -q "eno1.100@eno1:.*UP.*vlan protocol 802.1Q id 100" || fail "eno1.100: $v"
echo "$v" | grep -q "alias osvif-vlan vnet" || fail "eno1.100 has no owner mark: $v"
idx=$(cat /sys/class/net/eno1.100/ifindex)
ip -n p1 -d -o link show eth0 | grep -q "eth0@if$idx:.*macvlan mode bridge" || fail "p1 not on eno1.100"
ip netns exec p1 ping -c 2 -W 3 10.60.0.1 >/dev/null || fail "p1 cannot reach VLAN 100 on the wire"
conf 12 | cni ADD /run/netns/p2 eth0 c2 >/dev/null || fail "ADD p2"
[ "$(cat /sys/class/net/eno1.100/ifindex)" = "$idx" ] || fail "p2 made a second eno1.100"
[ "$(ip -o link show type vlan | wc -l)" = 1 ] || fail "more than one VLAN device: $(ip -o link show type vlan)"
ip netns exec p1 ping -c 1 -W 3 10.60.0.12 >/dev/null || fail "p1 cannot reach p2"
conf 11 | cni CHECK /run/netns/p1 eth0 c1 || fail "CHECK p1"
conf 11 | sed 's/"vlan":100/"vlan":101/' | cni CHECK /run/netns/p1 eth0 c1 >$T/out && fail "CHECK passed with another VLAN id"
grep -q 'VLAN device \\"eno1.100\\" has VLAN id 100, not 101' $T/out || fail "CHECK vlan id: $(cat $T/out)"
conf 11 | cni DEL /run/netns/p1 eth0 c1 >/dev/null || fail "DEL p1"
ip link show eno1.100 >/dev/null 2>&1 || fail "DEL of one user removed the shared VLAN device"
conf 12 | cni DEL "" eth0 c2 || fail "DEL p2 without netns"
ip link show eno1.100 >/dev/null 2>&1 && fail "the last user's DEL left eno1.100"
ip netns del p2 && make_netns p2
assert_same_snapshot "$before" "$(snapshot --netns p1 --netns p2 --netns sw)" "after the last DEL"

# ---- a VLAN device osvif did not make is used, never removed ----
ip link add link eno1 name vl100 type vlan id 100
ip link set vl100 up
conf 13 vl100 "" | cni ADD /run/netns/p1 eth0 c3 >/dev/null || fail "ADD on an existing VLAN device"
ip netns exec p1 ping -c 1 -W 3 10.60.0.1 >/dev/null || fail "p1 on vl100 cannot reach VLAN 100"
conf 13 vl100 "" | cni DEL /run/netns/p1 eth0 c3 >/dev/null || fail "DEL c3"
ip link show vl100 >/dev/null 2>&1 || fail "osvif removed a VLAN device it did not make"
ip link del vl100
out=$(conf 14 eno1.77 "" | cni ADD /run/netns/p1 eth0 c4) && fail "ADD without the device or network.vlan"
expect_error 7 "$out" "no VLAN id"
echo "$out" | grep -q 'vif.vlan_name: \\"eno1.77\\" does not exist, and without vif.network.vlan' || fail "no VLAN id: $out"
assert_same_snapshot "$before" "$(snapshot --netns p1 --netns p2 --netns sw)" "refused ADD"

# ---- concurrent ADDs of one VLAN: one device, every ADD succeeds; then concurrent DELs ----
N=${OSVIF_CONCURRENCY:-8}
for i in $(seq 1 "$N"); do make_netns "r$i"; done
for i in $(seq 1 "$N"); do (conf $((100 + i)) | cni ADD "/run/netns/r$i" eth0 "r$i" >$T/r$i.out 2>&1; echo $? >$T/r$i.rc) & done
wait
for i in $(seq 1 "$N"); do [ "$(cat $T/r$i.rc)" = 0 ] || fail "concurrent ADD r$i: $(cat $T/r$i.out)"; done
[ "$(ip -o link show type vlan | wc -l)" = 1 ] || fail "concurrent ADDs made $(ip -o link show type vlan | wc -l) VLAN devices"
for i in $(seq 1 "$N"); do (conf $((100 + i)) | cni DEL "/run/netns/r$i" eth0 "r$i" >$T/r$i.out 2>&1; echo $? >$T/r$i.rc) & done
wait
for i in $(seq 1 "$N"); do [ "$(cat $T/r$i.rc)" = 0 ] || fail "concurrent DEL r$i: $(cat $T/r$i.out)"; ip netns del "r$i"; done
ip link show eno1.100 >/dev/null 2>&1 && fail "concurrent DELs left eno1.100"

# ---- a fault before every step: nothing left, the device included ----
for n in 0 1 2 3; do # vlan, macvlan, pod-link, pod-l3
        out=$(conf 21 | OSVIF_FAULT_STEP=$n cni ADD /run/netns/p1 eth0 cf) && fail "fault $n: ADD succeeded"
        expect_error 100 "$out" "fault $n"
        assert_same_snapshot "$before" "$(snapshot --netns p1 --netns p2 --netns sw)" "fault before step $n"
done

# ---- GC: a stale attachment's record goes, and the device with its last user ----
conf 31 | cni ADD /run/netns/p1 eth0 c31 >/dev/null || fail "ADD c31"
conf 32 | cni ADD /run/netns/p2 eth0 c32 >/dev/null || fail "ADD c32"
gc() { echo '{"cniVersion":"1.1.0","name":"vnet","type":"osvif","cni.dev/valid-attachments":['"$1"']}' |
        CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN"; }
gc '{"containerID":"c32","ifname":"eth0"}' || fail "GC"
ip link show eno1.100 >/dev/null 2>&1 || fail "GC removed a device a valid attachment uses"
ls "$OSVIF_STATE_DIR" | grep -q "c31" && fail "GC kept the stale record"
gc '' || fail "GC of all"
ip link show eno1.100 >/dev/null 2>&1 && fail "GC left eno1.100 without users"
ip netns del p1 && make_netns p1
ip netns del p2 && make_netns p2
assert_same_snapshot "$before" "$(snapshot --netns p1 --netns p2 --netns sw)" "after GC"

# ---- kuryr-kubernetes' VIFVlanNested: a VLAN device of its own in the pod ----
# kuryr is not in Debian: its class is declared as kuryr declares it (vif_name, vlan_id on
# os-vif's VIFBase, version 1.0, namespace os_vif) and real oslo serialises it
nested=$(/usr/bin/python3 -c '
import json, os_vif
from os_vif import objects as O
from oslo_versionedobjects import base, fields
os_vif.objects.register_all()
@base.VersionedObjectRegistry.register
class VIFVlanNested(O.vif.VIFBase):
    VERSION = "1.0"
    fields = {"vif_name": fields.StringField(), "vlan_id": fields.IntegerField()}
net = O.network.Network(id="8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", subnets=O.subnet.SubnetList(objects=[
    O.subnet.Subnet(cidr="10.61.0.0/24", ips=O.fixed_ip.FixedIPList(objects=[O.fixed_ip.FixedIP(address="10.61.0.41")]))]))
v = VIFVlanNested(id="3f2a9c6e-1b4d-4c8e-9a7f-0d2e5b6c7a41", address="fa:16:3e:00:00:41", plugin="noop",
                  vif_name="tap3f2a9c6e-1b", vlan_id=300, network=net)
print(json.dumps({"cniVersion": "1.1.0", "name": "vnet", "type": "osvif", "master": "eno1", "vif": v.obj_to_primitive()}))') || fail "kuryr class"
for n in 0 1 2; do # macvlan (the VLAN device), pod-link, pod-l3
        out=$(echo "$nested" | OSVIF_FAULT_STEP=$n cni ADD /run/netns/p1 eth0 cn) && fail "nested fault $n"
        expect_error 100 "$out" "nested fault $n"
        assert_same_snapshot "$before" "$(snapshot --netns p1 --netns p2 --netns sw)" "nested fault before step $n"
done
echo "$nested" | cni ADD /run/netns/p1 eth0 cn >/dev/null || fail "ADD VIFVlanNested"
l=$(ip -n p1 -d -o link show eth0)
echo "$l" | grep -q "eth0@if$(cat /sys/class/net/eno1/ifindex):.*fa:16:3e:00:00:41.*vlan protocol 802.1Q id 300" || fail "VIFVlanNested: $l"
echo "$l" | grep -q "alias osvif vnet cn eth0" || fail "VIFVlanNested: no owner: $l"
ip netns exec p1 ping -c 2 -W 3 10.61.0.1 >/dev/null || fail "VIFVlanNested cannot reach VLAN 300"
[ -z "$(ip -o link show type vlan)" ] || fail "VIFVlanNested left a VLAN device on the host"
echo "$nested" | cni CHECK /run/netns/p1 eth0 cn || fail "CHECK VIFVlanNested"
echo "$nested" | sed 's/"vlan_id": 300/"vlan_id": 301/' | cni CHECK /run/netns/p1 eth0 cn >$T/out && fail "CHECK passed with another vlan_id"
grep -q 'has VLAN id 300, not 301' $T/out || fail "CHECK vlan_id: $(cat $T/out)"
# one VLAN id per NIC (the kernel's rule, across namespaces): a second pod is refused, cleanly
out=$(echo "$nested" | cni ADD /run/netns/p2 eth0 cn2) && fail "two VLAN devices with one id on eno1"
expect_error 103 "$out" "VLAN id taken"
ip -n p2 -o link show | grep -q -v " lo:" && fail "the refused ADD left a link in p2"
echo "$nested" | cni DEL /run/netns/p1 eth0 cn >/dev/null || fail "DEL VIFVlanNested"
assert_same_snapshot "$before" "$(snapshot --netns p1 --netns p2 --netns sw)" "after VIFVlanNested"
echo "direct_vlan: ok"
