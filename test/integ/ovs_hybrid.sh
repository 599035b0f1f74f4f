#!/bin/bash
# os-vif's hybrid plug (VIFBridge with an OpenVSwitch profile) and plain VIFOpenVSwitch, both
# given as real os-vif primitives produced by Debian's python3-os-vif, plugged, then inspected
# with ovs-vsctl; a hybrid pod and a plain OVS pod on one VLAN reach each other.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/lib/ovs.sh"
require_root
require_cmd ip ping /usr/bin/python3
/usr/bin/python3 -c 'import os_vif' 2>/dev/null || skip "needs python3-os-vif"
isolate "$0" "$@"
ovs_start

# primitive CLASS VIF_ID IP: what os-vif's obj_to_primitive() gives for such a VIF
primitive() {
        /usr/bin/python3 - "$OVS_DP" "$@" <<'PY'
import json, sys
import os_vif.objects as O
O.register_all()
dp, cls, vif_id, ip = sys.argv[1:5]
net = O.network.Network(id="8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", bridge="br-int", label="pods", vlan=42, mtu=1400,
    subnets=O.subnet.SubnetList(objects=[O.subnet.Subnet(cidr="10.90.0.0/24",
        ips=O.fixed_ip.FixedIPList(objects=[O.fixed_ip.FixedIP(address=ip)]),
        routes=O.route.RouteList(objects=[]))]))
profile = O.vif.VIFPortProfileOpenVSwitch(interface_id=vif_id, datapath_type=dp)
common = dict(id=vif_id, address="fa:16:3e:5a:00:%02x" % int(ip.split(".")[-1]), network=net, plugin="ovs",
              port_profile=profile, vif_name=("tap" + vif_id)[:14], active=True)
if cls == "VIFBridge":
    vif = O.vif.VIFBridge(bridge_name=("qbr" + vif_id)[:14], has_traffic_filtering=True, **common)
else:
    vif = O.vif.VIFOpenVSwitch(bridge_name="br-int", **common)
print(json.dumps(vif.obj_to_primitive()))
PY
}
# conf PRIMITIVE: the pod's VIF in args.cni.vif, within podVif; the network config's VIF of the
# same type and profile holds what pods may not choose (bridge, VLAN, MTU, subnet, datapath)
conf() {
        local vif
        case "$1" in
        *'"VIFBridge"'*) vif='"type":"bridge"' ;;
        *) vif='"type":"ovs","bridge_name":"br-int"' ;;
        esac
        echo '{"cniVersion":"1.1.0","name":"hnet","type":"osvif","ovsdb":"'"$OVSDB"'",
         "vif":{'"$vif"',"port_profile":{"type":"openvswitch","datapath_type":"'"$OVS_DP"'"},
           "network":{"bridge":"br-int","vlan":42,"mtu":1400,"subnets":[{"cidr":"10.90.0.0/24"}]}},
         "podVif":{"sources":["args"],"types":["bridge","ovs"],"allowInterfaceId":true,"allowMac":true,"allowFixedIps":true},
         "args":{"cni":{"vif":'"$1"'}}}'
}
H=4e5f6071-0000-4000-8000-000000000001
O=5f607182-0000-4000-8000-000000000002
make_netns hyb
make_netns plain
phyb=$(primitive VIFBridge $H 10.90.0.1)
pplain=$(primitive VIFOpenVSwitch $O 10.90.0.2)
out=$(conf "$phyb" | cni ADD /run/netns/hyb eth0 hctr) || fail "ADD hybrid: $out"
out=$(conf "$pplain" | cni ADD /run/netns/plain eth0 pctr) || fail "ADD plain: $out"

# hybrid: qbr (os-vif's settings), qvb on it, qvo the OVS port, the pod's tap on qbr
qbr=qbr4e5f6071-00 qvb=qvb4e5f6071-00 qvo=qvo4e5f6071-00 tap=tap4e5f6071-00
ip -d link show $qbr | grep -q "ageing_time 0" || fail "qbr ageing_time is not 0"
[ "$(cat /proc/sys/net/ipv6/conf/$qbr/disable_ipv6 2>/dev/null || echo 1)" = 1 ] || fail "qbr disable_ipv6"
[ "$(cat /proc/sys/net/ipv4/conf/$qbr/arp_ignore)" = 1 ] || fail "qbr arp_ignore"
[ "$(cat /proc/sys/net/ipv4/conf/$qbr/arp_announce)" = 2 ] || fail "qbr arp_announce"
ip -o link show $qvb | grep -q "master $qbr" || fail "qvb not on qbr"
ip -o link show $tap | grep -q "master $qbr" || fail "pod tap not on qbr"
ip -o link show $qvb | grep -q PROMISC || fail "qvb not promiscuous"
[ "$(ovs_vsctl port-to-br $qvo)" = br-int ] || fail "qvo not on br-int"
[ "$(ovs_vsctl get Interface $qvo external_ids:iface-id | tr -d '"')" = $H ] || fail "qvo iface-id"
[ "$(ovs_vsctl get Interface $qvo external_ids:attached-mac | tr -d '"')" = fa:16:3e:5a:00:01 ] || fail "qvo attached-mac"
[ "$(ovs_vsctl get Port $qvo tag)" = 42 ] || fail "qvo tag"
# plain
[ "$(ovs_vsctl get Interface tap5f607182-00 external_ids:iface-id | tr -d '"')" = $O ] || fail "plain iface-id"
ip -n plain -o link show eth0 | grep -q "fa:16:3e:5a:00:02" || fail "plain pod MAC"

ip netns exec hyb ping -c 2 -W 2 10.90.0.2 >/dev/null || fail "hybrid pod cannot reach the plain OVS pod"

conf "$phyb" | cni DEL /run/netns/hyb eth0 hctr || fail "DEL hybrid"
conf "$pplain" | cni DEL /run/netns/plain eth0 pctr || fail "DEL plain"
for l in $qbr $qvb $qvo $tap tap5f607182-00; do
        ip link show $l >/dev/null 2>&1 && fail "$l left after DEL"
done
[ -z "$(ovs_vsctl list-ports br-int)" ] || fail "OVS ports left: $(ovs_vsctl list-ports br-int)"
echo "ovs_hybrid: ok"
