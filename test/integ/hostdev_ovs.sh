#!/bin/bash
# VIFHostDevice with an OpenVSwitch profile: os-vif's switchdev offload. Simulations: "fake PCI
# tree" (OSVIF_SYSFS_ROOT: a PF and two VFs whose netdevs are veths) and "switchdev PF" (in
# the fake tree's class/net, the PF and the veths standing in for VF representors share a
# phys_switch_id, and each representor's phys_port_name names its VF, pf0vfN). The VF goes to
# the pod; its representor becomes a port of a real OVS (ovsdb-server + ovs-vswitchd; the
# userspace datapath, or OVS_DP when test/lib/ovs.sh sets one: test/vm/kernel.sh runs this
# with the kernel's, where the representor must be a port of ovs-system) with os-vif's
# external_ids, and is brought up. CHECK, DEL, GC and a fault before every step; a PF without a switch id (legacy
# mode) has no representor.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/lib/ovs.sh"
require_root
require_cmd ip /usr/bin/python3
/usr/bin/python3 -c 'import importlib.util as u, sys; sys.exit(not u.find_spec("os_vif"))' ||
        skip "needs python3-os-vif"
isolate "$0" "$@"
ovs_start

export OSVIF_SYSFS_ROOT=/run/osvif-test/sys
DEV=$OSVIF_SYSFS_ROOT/bus/pci/devices
NET=$OSVIF_SYSFS_ROOT/class/net
PF=0000:04:00.0
netdev() { # netdev NAME SWITCH_ID PORT_NAME: a veth and its class/net entry
        ip link add "$1" type veth peer name "${1}p"
        mkdir -p "$NET/$1"
        echo "$2" >"$NET/$1/phys_switch_id"
        echo "$3" >"$NET/$1/phys_port_name"
}
mkdir -p "$DEV/$PF/net/pf0"
netdev pf0 5a5a p0
for n in 0 1; do
        vf=0000:04:00.$((n + 1))
        mkdir -p "$DEV/$vf/net/vf$n"
        ln -s "../$vf" "$DEV/$PF/virtfn$n"
        ln -s "../$PF" "$DEV/$vf/physfn"
        ip link add "vf$n" type veth peer name "vf${n}p"
done
netdev rep1 5a5a pf0vf1
netdev rep0 5a5a pf0vf0
netdev decoy 7777 pf0vf0 # another switch's port for VF 0

IID=6a7b8c9d-0000-4000-8000-000000000001
conf() { # conf PCI [CONTAINER-PART-OF-IP]
        cat <<JSON
{"cniVersion":"1.1.0","name":"offload","type":"osvif","ovsdb":"$OVSDB",
 "vif":{"type":"hostdev","dev_type":"ethernet","dev_address":"$1","address":"fa:16:3e:04:00:0${1: -1}",
   "port_profile":{"type":"openvswitch","interface_id":"$IID","datapath_type":"${OVS_DP:-netdev}"},
   "network":{"bridge":"br-int","vlan":42,"mtu":1450,
     "subnets":[{"cidr":"10.70.0.0/24","gateway":"10.70.0.1","ips":["10.70.0.${1: -1}"]}]}}}
JSON
}
extid() { ovs_vsctl get Interface "$1" "external_ids:$2" | tr -d '"'; }
ports() { ovs_vsctl list-ports br-int 2>/dev/null | sort | tr '\n' ' '; }
# the ports of the kernel's ovs-system datapath (OVS_DP=system, in test/vm's guest)
dp_ports() { ovs-appctl -t "$OVS_DIR/ovs-vswitchd.ctl" dpctl/show | sed -n 's/^ *port [0-9]*: \([^ ]*\).*/\1/p' | sort | tr '\n' ' '; }

make_netns pod
# osvif plan: the steps, the port named once the representor is found
plan=$(conf 0000:04:00.1 | CNI_NETNS=/run/netns/pod CNI_IFNAME=eth0 CNI_CONTAINERID=o1 "$OSVIF_BIN" plan)
[ "$(echo "$plan" | json_get '" ".join(s["step"] for s in d["steps"])')" = "hostdev ovs-port pod-link pod-l3" ] ||
        fail "plan: $plan"
[ "$(echo "$plan" | json_get 'd["steps"][1]["port"]')" = "(representor)" ] || fail "plan's port: $plan"
out=$(conf 0000:04:00.1 | cni ADD /run/netns/pod eth0 o1) || fail "ADD: $out"
[ "$(ports)" = "rep0 " ] || fail "ports of br-int: $(ports)"
[ "$(ovs_vsctl get Bridge br-int datapath_type)" = "$OVS_DP" ] || fail "bridge datapath_type"
# ovs-vswitchd opened the representor (an OpenFlow port number, no error)
[ "$(ovs_vsctl get Interface rep0 ofport)" -gt 0 ] || fail "rep0: ofport $(ovs_vsctl get Interface rep0 ofport)"
[ "$(ovs_vsctl get Interface rep0 error)" = "[]" ] || fail "rep0: $(ovs_vsctl get Interface rep0 error)"
if [ "$OVS_DP" = system ]; then
        dp_ports | grep -qw rep0 || fail "rep0 is not a port of the kernel datapath: $(dp_ports)"
        ip -d link show rep0 | grep -q openvswitch_slave || fail "rep0: $(ip -d link show rep0)"
fi
[ "$(extid rep0 iface-id)" = "$IID" ] || fail "iface-id"
[ "$(extid rep0 attached-mac)" = fa:16:3e:04:00:01 ] || fail "attached-mac"
[ "$(extid rep0 iface-status)" = active ] || fail "iface-status"
[ "$(extid rep0 osvif-container-id)" = o1 ] || fail "owner"
[ "$(ovs_vsctl get Port rep0 tag)" = 42 ] || fail "the VLAN is the port's tag"
ip -o link show rep0 | grep -q ",UP" || fail "representor not up"
ip link show decoy | grep -q ",UP" && fail "the other switch's port was taken"
ip -n pod link show eth0 | grep -q "fa:16:3e:04:00:01" || fail "the VF is not in the pod"
ip -n pod -o addr show eth0 | grep -q "10.70.0.1/24" || fail "the VF's address"
[ "$(echo "$out" | json_get 'd["interfaces"][0]["pciID"]')" = 0000:04:00.1 ] || fail "pciID: $out"
/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["representor"])' \
        "$OSVIF_STATE_DIR/hostdev/0000:04:00.1.json" | grep -qx rep0 || fail "claim's representor"
conf 0000:04:00.1 | cni CHECK /run/netns/pod eth0 o1 || fail "CHECK"
ovs_vsctl del-port br-int rep0
o=$(conf 0000:04:00.1 | cni CHECK /run/netns/pod eth0 o1) && fail "CHECK without the port"
expect_error 109 "$o" "CHECK without the port"
conf 0000:04:00.1 | cni DEL /run/netns/pod eth0 o1 || fail "DEL"

before=$(snapshot --netns pod --dir "$OSVIF_SYSFS_ROOT"; ports)
out=$(conf 0000:04:00.1 | cni ADD /run/netns/pod eth0 o2) || fail "ADD o2: $out"
[ "$OVS_DP" != system ] || dp_ports | grep -qw rep0 || fail "o2: rep0 not in the kernel datapath: $(dp_ports)"
conf 0000:04:00.1 | cni DEL /run/netns/pod eth0 o2 || fail "DEL o2"
if [ "$OVS_DP" = system ]; then
        dp_ports | grep -qw rep0 && fail "DEL o2 left rep0 in the kernel datapath: $(dp_ports)"
        ip -d link show rep0 | grep -q openvswitch_slave && fail "DEL o2 left rep0 enslaved: $(ip -d link show rep0)"
fi
conf 0000:04:00.1 | cni DEL /run/netns/pod eth0 o2 || fail "second DEL o2"
assert_same_snapshot "$before" "$(snapshot --netns pod --dir "$OSVIF_SYSFS_ROOT"; ports)" "after DEL"

# a fault before every step: host, pod, claims and OVS exactly as before
for n in 0 1 2 3; do
        o=$(conf 0000:04:00.2 | OSVIF_FAULT_STEP=$n cni ADD /run/netns/pod eth0 f) && fail "fault $n"
        expect_error 100 "$o" "fault $n"
        assert_same_snapshot "$before" "$(snapshot --netns pod --dir "$OSVIF_SYSFS_ROOT"; ports)" "fault $n"
done

# GC: the stale attachment's port goes, its representor down, its VF back
make_netns stale
out=$(conf 0000:04:00.2 | cni ADD /run/netns/stale eth0 ostale) || fail "ADD ostale: $out"
[ "$(ports)" = "rep1 " ] || fail "rep1 not a port: $(ports)"
conf 0000:04:00.2 | /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); del c["vif"]
c["cni.dev/valid-attachments"]=[]; print(json.dumps(c))' | CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN" || fail "GC"
[ "$(ports)" = "" ] || fail "GC left ports: $(ports)"
ip -o link show rep1 | grep -q ",UP" && fail "GC left the representor up"
ip -o link show vf1 >/dev/null || fail "GC did not take the VF back"

# a PF in legacy mode has no representor: 104, nothing changed
echo >"$NET/pf0/phys_switch_id"
o=$(conf 0000:04:00.1 | cni ADD /run/netns/pod eth0 o3) && fail "ADD without a representor"
expect_error 104 "$o" "ADD without a representor"
echo "$o" | grep -q "has no representor" || fail "message: $o"
assert_same_snapshot "$before" "$(snapshot --netns pod --dir "$OSVIF_SYSFS_ROOT"; ports)" "no representor"
echo 5a5a >"$NET/pf0/phys_switch_id"

# python3-os-vif's primitives, all made by one process (an import of os_vif takes seconds in
# test/vm's guest): a VIFHostDevice with an OpenVSwitch profile, and with an OVSRepresentor
# profile naming its representor (Nova's form), rep0 or one that does not exist
/usr/bin/python3 - "$IID" "${OVS_DP:-netdev}" /run/osvif-test <<'PY' || fail "python3-os-vif's primitives"
import json, sys
import os_vif.objects as O
O.register_all()
iid, dp, out = sys.argv[1:4]
def write(name, vif):
    with open(f"{out}/{name}.json", "w") as f:
        json.dump(vif.obj_to_primitive(), f)
net = O.network.Network(id="8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", bridge="br-int", mtu=1450,
    subnets=O.subnet.SubnetList(objects=[]))
write("prim", O.vif.VIFHostDevice(id=iid, address="fa:16:3e:04:00:09", network=net, plugin="ovs",
    dev_type="ethernet", dev_address="0000:04:00.2",
    port_profile=O.vif.VIFPortProfileOpenVSwitch(interface_id=iid, datapath_type=dp)))
for rep in ("rep0", "nosuchrep"):
    net = O.network.Network(id="8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", bridge="br-int",
        subnets=O.subnet.SubnetList(objects=[]))
    write("rprim-" + rep, O.vif.VIFHostDevice(id=iid, address="fa:16:3e:04:00:0a", network=net,
        plugin="ovs", dev_type="ethernet", dev_address="0000:04:00.1",
        port_profile=O.vif.VIFPortProfileOVSRepresentor(interface_id=iid, datapath_type=dp,
            representor_name=rep, representor_address="0000:04:00.1")))
PY

# the primitive form, as python3-os-vif emits a VIFHostDevice with an OpenVSwitch profile
prim=$(cat /run/osvif-test/prim.json)
out=$(echo '{"cniVersion":"1.1.0","name":"offload","type":"osvif","ovsdb":"'"$OVSDB"'","vif":'"$prim"'}' |
        cni ADD /run/netns/pod eth0 oprim) || fail "ADD primitive: $out"
[ "$(extid rep1 attached-mac)" = fa:16:3e:04:00:09 ] || fail "primitive: attached-mac"
echo '{"cniVersion":"1.1.0","name":"offload","type":"osvif","ovsdb":"'"$OVSDB"'"}' | cni DEL /run/netns/pod eth0 oprim ||
        fail "DEL primitive (sweep)"
[ "$(ports)" = "" ] || fail "sweep left ports: $(ports)"

# os-vif's VIFPortProfileOVSRepresentor naming the representor (Nova's form), from python3-os-vif
rprim() { cat "/run/osvif-test/rprim-$1.json"; } # rprim REPRESENTOR_NAME
rconf() { echo '{"cniVersion":"1.1.0","name":"offload","type":"osvif","ovsdb":"'"$OVSDB"'","vif":'"$1"'}'; }
out=$(rconf "$(rprim rep0)" | cni ADD /run/netns/pod eth0 orep) || fail "ADD OVSRepresentor: $out"
[ "$(ports)" = "rep0 " ] || fail "OVSRepresentor: ports $(ports)"
[ "$(extid rep0 attached-mac)" = fa:16:3e:04:00:0a ] || fail "OVSRepresentor: attached-mac"
rconf "$(rprim rep0)" | cni DEL /run/netns/pod eth0 orep || fail "DEL OVSRepresentor"
o=$(rconf "$(rprim nosuchrep)" | cni ADD /run/netns/pod eth0 orep2) && fail "ADD with a missing representor"
expect_error 104 "$o" "a missing representor"
echo "$o" | grep -q 'representor \\"nosuchrep\\"' || fail "message: $o"
assert_same_snapshot "$before" "$(snapshot --netns pod --dir "$OSVIF_SYSFS_ROOT"; ports)" "after OVSRepresentor"
echo "hostdev_ovs: ok"
