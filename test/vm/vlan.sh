#!/bin/bash
# In test/vm's guest: 802.1Q VLAN devices (this host's kernel has no 8021q), as VIFDirect's
# vlan_name and kuryr's VIFVlanNested need them: two namespaces on one veth pair reach each
# other over VLAN 100 and not across VLANs; and a VLAN-filtering bridge, which this host's
# kernel lacks too.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/vm/kernel-lib.sh"
require_root
require_vm
isolate "$0" "$@"

make_netns va
make_netns vb
ip link add ea netns va type veth peer name eb netns vb
ip -n va link set ea up
ip -n vb link set eb up
ip -n va link add link ea name ea.100 type vlan id 100 || fail "8021q: ea.100"
ip -n vb link add link eb name eb.100 type vlan id 100 || fail "8021q: eb.100"
ip -n vb link add link eb name eb.200 type vlan id 200 || fail "8021q: eb.200"
ip -n va -d link show ea.100 | grep -q "vlan protocol 802.1Q id 100" || fail "ea.100 is not 802.1Q id 100"
ip -n va addr add 10.100.0.1/24 dev ea.100
ip -n vb addr add 10.100.0.2/24 dev eb.100
ip -n vb addr add 10.200.0.2/24 dev eb.200
ip -n va link set ea.100 up
ip -n vb link set eb.100 up
ip -n vb link set eb.200 up
ip netns exec va ping -c 2 -W 5 10.100.0.2 >/dev/null || fail "no ping over VLAN 100"
ip -n va addr add 10.200.0.1/24 dev ea.100
ip netns exec va ping -c 1 -W 2 10.200.0.2 >/dev/null 2>&1 && fail "VLAN 100 reached VLAN 200"
# 802.1ad over 802.1Q, as a stacked VLAN
ip -n va link add link ea.100 name ea.100.5 type vlan id 5 || fail "stacked VLAN"

ip link add brv type bridge vlan_filtering 1 || fail "a VLAN-filtering bridge"
[ "$(cat /sys/class/net/brv/bridge/vlan_filtering 2>/dev/null || ip -d -j link show brv | json_get 'd[0]["linkinfo"]["info_data"]["vlan_filtering"]')" = 1 ] ||
        fail "brv does not filter VLANs"
ip link add vf0 type veth peer name vf1
ip link set vf0 master brv
bridge vlan add dev vf0 vid 100 pvid untagged || fail "bridge vlan add"
bridge vlan show dev vf0 | grep -q "100 PVID" || fail "vf0's PVID"
echo "vlan: ok"
