#!/bin/bash
# VIFHostDevice without SR-IOV hardware. Simulation "fake PCI tree": OSVIF_SYSFS_ROOT points at
# a directory shaped like /sys/bus/pci/devices (a PF 0000:03:00.0 with virtfnN links, VFs with
# physfn links and net/<name> entries), and veths stand in for the VF netdevs and the PF's
# netdev. A veth PF reports no VFs, so PF-side settings are off (and refused when asked for;
# test/vm/guest/hostdev_pf.sh makes them through netdevsim). Covered: discovery, deviceID,
# the move and rename, MAC, MTU, L3, pciID, the claim (one pod per VF, under a lock), CHECK,
# DEL (twice, without netns: sriov-cni#126), a stale DEL (#219), GC (#349), faults at every
# step, dev_type generic, and the primitive form from python3-os-vif.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_cmd ip flock /usr/bin/python3
/usr/bin/python3 -c 'import os_vif' 2>/dev/null || skip "needs python3-os-vif"
isolate "$0" "$@"

export OSVIF_SYSFS_ROOT=/run/osvif-test/sys
DEV=$OSVIF_SYSFS_ROOT/bus/pci/devices
PF=0000:03:00.0
# fake_vf N NETDEV: VF N of the PF at 0000:03:00.<N+1>, its netdev a veth (NETDEV "" : none)
fake_vf() {
        local pci=0000:03:00.$(($1 + 1))
        mkdir -p "$DEV/$pci"
        ln -s "../$pci" "$DEV/$PF/virtfn$1"
        ln -s "../$PF" "$DEV/$pci/physfn"
        if [ -n "$2" ]; then
                mkdir -p "$DEV/$pci/net/$2"
                ip link add "$2" mtu 1500 type veth peer name "${2}p"
        fi
}
mkdir -p "$DEV/$PF/net/pf0"
ip link add pf0 type veth peer name pf0p
fake_vf 0 vf0
fake_vf 1 vf1
fake_vf 2 "" # bound to vfio-pci: no netdev
fake_vf 3 vf3
ip link set vf1 up # a VF up on the host before ADD is up again after DEL

conf() { # conf PCI [EXTRA-JSON-MEMBERS] [DEV_TYPE]
        cat <<JSON
{"cniVersion":"1.1.0","name":"sriovnet","type":"osvif"${2:+,$2},
 "vif":{"type":"hostdev","dev_type":"${3:-ethernet}","dev_address":"$1","address":"fa:16:3e:00:00:0${1: -1}",
   "network":{"mtu":1450,"subnets":[{"cidr":"10.40.0.0/24","gateway":"10.40.0.1","ips":["10.40.0.1${1: -1}"]}]}}}
JSON
}
with_prev() { # with_prev RESULT < CONF
        /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); c["prevResult"]=json.loads(sys.argv[1]); print(json.dumps(c))' "$1"
}
mac_of() { ip -o link show "$1" | sed -E 's/.*link\/ether ([0-9a-f:]+).*/\1/'; }
state() { cat "$OSVIF_STATE_DIR/hostdev/$1.json" 2>/dev/null; }

make_netns pod
before=$(snapshot --netns pod --dir "$OSVIF_SYSFS_ROOT")
mac0=$(mac_of vf0)

# ---- ADD: found by PCI address, moved, renamed, addressed; pciID in the result ----
out=$(conf 0000:03:00.1 | cni ADD /run/netns/pod eth0 c1) || fail "ADD: $out"
[ "$(echo "$out" | json_get 'd["interfaces"][0]["pciID"]')" = 0000:03:00.1 ] || fail "pciID: $out"
[ "$(echo "$out" | json_get 'd["interfaces"][0]["sandbox"]')" = /run/netns/pod ] || fail "sandbox: $out"
ip link show vf0 >/dev/null 2>&1 && fail "the VF netdev is still on the host"
ip -n pod -d link show eth0 | grep -q "alias osvif sriovnet c1 eth0" || fail "owner alias in the pod"
ip -n pod link show eth0 | grep -q "link/ether fa:16:3e:00:00:01" || fail "MAC"
ip -n pod link show eth0 | grep -q "mtu 1450" || fail "MTU"
ip -n pod link show eth0 | grep -q ",UP" || fail "not up"
ip -n pod -o addr show eth0 | grep -q "inet 10.40.0.11/24" || fail "address"
ip -n pod route | grep -q "default via 10.40.0.1 dev eth0" || fail "default route"
# the VF is reachable through its stand-in's peer
ip link set vf0p up
ip addr add 10.40.0.1/24 dev vf0p
ping -c 1 -W 2 10.40.0.11 >/dev/null || fail "the pod's VF does not answer"
ip addr flush dev vf0p
ip link set vf0p down
# the claim records what DEL restores
st=$(state 0000:03:00.1)
[ "$(echo "$st" | json_get 'd["owner"]')" = "osvif sriovnet c1 eth0" ] || fail "claim owner: $st"
[ "$(echo "$st" | json_get 'd["name"]')" = vf0 ] || fail "claim name: $st"
[ "$(echo "$st" | json_get 'd["mac"]')" = "$mac0" ] || fail "claim MAC: $st"
[ "$(echo "$st" | json_get 'd["mtu"]')" = 1500 ] || fail "claim MTU: $st"
[ "$(echo "$st" | json_get 'd["pf"]')" = pf0 ] || fail "claim PF: $st"
[ "$(echo "$st" | json_get 'd["vfIndex"]')" = 0 ] || fail "claim VF index: $st"
# a 0.4.0 result has no pciID (1.x results carry it, as libcni's types/100 does)
old=$(conf 0000:03:00.2 | sed 's/"1.1.0"/"0.4.0"/' | cni ADD /run/netns/pod eth1 c1b) || fail "ADD 0.4.0: $old"
echo "$old" | grep -q pciID && fail "pciID in a 0.4.0 result: $old"
conf 0000:03:00.2 | sed 's/"1.1.0"/"0.4.0"/' | cni DEL /run/netns/pod eth1 c1b || fail "DEL 0.4.0"

# ---- CHECK ----
conf 0000:03:00.1 | with_prev "$out" | cni CHECK /run/netns/pod eth0 c1 || fail "CHECK"
ip -n pod addr del 10.40.0.11/24 dev eth0
o=$(conf 0000:03:00.1 | with_prev "$out" | cni CHECK /run/netns/pod eth0 c1) && fail "CHECK without the address"
expect_error 109 "$o" "CHECK without the address"
ip -n pod addr add 10.40.0.11/24 dev eth0
ip -n pod link set eth0 name other
o=$(conf 0000:03:00.1 | with_prev "$out" | cni CHECK /run/netns/pod eth0 c1) && fail "CHECK with the VF renamed"
expect_error 109 "$o" "CHECK with the VF renamed"
ip -n pod link set eth0 name eth0 2>/dev/null || ip -n pod link set other name eth0

# ---- one pod per VF ----
make_netns pod2
before2=$(snapshot --netns pod --netns pod2)
o=$(conf 0000:03:00.1 | cni ADD /run/netns/pod2 eth0 c2) && fail "a second ADD took a VF in use"
expect_error 103 "$o" "second ADD"
echo "$o" | grep -q 'VF \\"0000:03:00.1\\" is in use by attachment c1/eth0 of network \\"sriovnet\\"' || fail "message: $o"
assert_same_snapshot "$before2" "$(snapshot --netns pod --netns pod2)" "refused second ADD"

# ---- DEL: restored, idempotent, without prevResult ----
conf 0000:03:00.1 | cni DEL /run/netns/pod eth0 c1 || fail "DEL"
conf 0000:03:00.1 | cni DEL /run/netns/pod eth0 c1 || fail "second DEL"
assert_same_snapshot "$before" "$(snapshot --netns pod --dir "$OSVIF_SYSFS_ROOT")" "after DEL"
[ "$(mac_of vf0)" = "$mac0" ] || fail "MAC not restored"

# ---- runtimeConfig.deviceID (the device plugin's choice) wins over dev_address ----
out=$(conf 0000:03:00.3 '"runtimeConfig":{"deviceID":"0000:03:00.2"}' | cni ADD /run/netns/pod eth0 c3) || fail "ADD deviceID: $out"
[ "$(echo "$out" | json_get 'd["interfaces"][0]["pciID"]')" = 0000:03:00.2 ] || fail "deviceID: $out"
ip link show vf1 >/dev/null 2>&1 && fail "deviceID's VF not moved"
# DEL finds the claim by owner: no deviceID needed
conf 0000:03:00.3 | cni DEL /run/netns/pod eth0 c3 || fail "DEL deviceID"
ip -o link show vf1 | grep -q ",UP" || fail "vf1 was up before ADD and is down after DEL"
o=$(conf 0000:03:00.1 '"runtimeConfig":{"deviceID":"03:00.1"}' | cni ADD /run/netns/pod eth0 c3) && fail "bad deviceID"
expect_error 7 "$o" "bad deviceID"
echo "$o" | grep -q 'runtimeConfig.deviceID: \\"03:00.1\\" is not a PCI address' || fail "deviceID message: $o"

# ---- a failure in a real step (the pod has an eth0 already) is undone ----
ip -n pod link add eth0 type veth peer name eth0p
b=$(snapshot --netns pod)
o=$(conf 0000:03:00.1 | cni ADD /run/netns/pod eth0 c4) && fail "ADD over an existing eth0"
expect_error 103 "$o" "ADD over an existing eth0"
assert_same_snapshot "$b" "$(snapshot --netns pod)" "failed rename"
ip -n pod link del eth0

# ---- PF-side settings cannot be made through a PF that reports no VFs: refused, unchanged ----
b=$(snapshot --netns pod)
o=$(conf 0000:03:00.1 '"vlan":100,"spoofchk":"on"' | cni ADD /run/netns/pod eth0 c5) && fail "VLAN through a veth PF"
expect_error 110 "$o" "VLAN through a veth PF"
echo "$o" | grep -q 'PF \\"pf0\\" reports no VF 0' || fail "PF message: $o"
assert_same_snapshot "$b" "$(snapshot --netns pod)" "refused PF-side settings"
o=$(conf 0000:03:00.1 '"vlanQoS":3' | cni ADD /run/netns/pod eth0 c5) && fail "QoS without a VLAN"
expect_error 7 "$o" "QoS without a VLAN"
o=$(conf 0000:03:00.1 '"spoofchk":"yes"' | cni ADD /run/netns/pod eth0 c5) && fail "spoofchk yes"
expect_error 7 "$o" "spoofchk yes"

# ---- dev_type generic: no netdev, no pod link; the claim and pciID ----
out=$(conf 0000:03:00.3 "" generic | cni ADD /run/netns/pod net1 g1) || fail "ADD generic: $out"
[ "$(echo "$out" | json_get 'd["interfaces"][0]["pciID"]')" = 0000:03:00.3 ] || fail "generic pciID: $out"
ip -n pod link show net1 >/dev/null 2>&1 && fail "generic made a pod link"
o=$(conf 0000:03:00.3 "" generic | cni ADD /run/netns/pod2 net1 g2) && fail "generic VF claimed twice"
expect_error 103 "$o" "generic VF claimed twice"
conf 0000:03:00.3 "" generic | cni DEL /run/netns/pod net1 g1 || fail "DEL generic"
[ -z "$(state 0000:03:00.3)" ] || fail "generic claim left"
o=$(conf 0000:03:00.3 | cni ADD /run/netns/pod eth0 g3) && fail "ethernet VF without netdev"
expect_error 104 "$o" "ethernet VF without netdev"
echo "$o" | grep -q "has no netdev" || fail "no-netdev message: $o"

# ---- sriov-cni#126: the pod's netns is gone first ----
# Simulation "netns teardown": a real VF goes back to the host when its netns dies, keeping
# its name, or dev<ifindex> when the name is taken (the kernel's default_device_exit); a veth
# would be destroyed instead, so the test moves it as the kernel would, under dev<ifindex>,
# and renames its fake sysfs entry as sysfs would.
make_netns gone
out=$(conf 0000:03:00.1 | cni ADD /run/netns/gone eth0 c6) || fail "ADD c6: $out"
idx=$(ip -n gone -o link show eth0 | cut -d: -f1)
ip -n gone link set eth0 netns $$
ip link set eth0 name "dev$idx"
mv "$DEV/0000:03:00.1/net/vf0" "$DEV/0000:03:00.1/net/dev$idx"
ip netns del gone
conf 0000:03:00.1 | cni DEL /run/netns/gone eth0 c6 || fail "DEL without netns"
mv "$DEV/0000:03:00.1/net/dev$idx" "$DEV/0000:03:00.1/net/vf0"
ip -o link show vf0 | grep -q "mtu 1500" || fail "#126: name or MTU not restored"
[ "$(mac_of vf0)" = "$mac0" ] || fail "#126: MAC not restored"
[ -z "$(state 0000:03:00.1)" ] || fail "#126: claim left"
conf 0000:03:00.1 | cni DEL /run/netns/gone eth0 c6 || fail "second DEL without netns"

# ---- sriov-cni#219: a stale DEL does not reset a VF another pod has now ----
out=$(conf 0000:03:00.1 | cni ADD /run/netns/pod eth0 a1) || fail "ADD a1"
conf 0000:03:00.1 | cni DEL /run/netns/pod eth0 a1 || fail "DEL a1"
out=$(conf 0000:03:00.1 | cni ADD /run/netns/pod2 eth0 b1) || fail "ADD b1: $out"
b=$(snapshot --netns pod --netns pod2)
conf 0000:03:00.1 | cni DEL /run/netns/pod eth0 a1 || fail "stale DEL a1"
conf 0000:03:00.1 | cni DEL "" eth0 a1 || fail "stale DEL a1 without netns"
assert_same_snapshot "$b" "$(snapshot --netns pod --netns pod2)" "#219: a stale DEL changed the host"
[ "$(state 0000:03:00.1 | json_get 'd["owner"]')" = "osvif sriovnet b1 eth0" ] || fail "#219: b1's claim lost"
conf 0000:03:00.1 | cni DEL /run/netns/pod2 eth0 b1 || fail "DEL b1"

# ---- the VF's name taken on the host while it was in the pod: DEL says so, keeps the claim,
# touches nothing else, and a DEL after the name is free again finishes ----
out=$(conf 0000:03:00.1 | cni ADD /run/netns/pod eth0 squat) || fail "ADD squat: $out"
ip link add vf0 type veth peer name squatp
squatter=$(ip -o link show vf0)
o=$(conf 0000:03:00.1 | cni DEL /run/netns/pod eth0 squat) && fail "DEL with the VF's name taken"
expect_error 103 "$o" "DEL with the VF's name taken"
[ "$(ip -o link show vf0)" = "$squatter" ] || fail "DEL changed the device that took the name"
[ -n "$(state 0000:03:00.1)" ] || fail "the claim went before the VF was restored"
ip -d link show | grep -q "alias osvif sriovnet squat eth0" || fail "the VF is not back on the host"
ip link del vf0
conf 0000:03:00.1 | cni DEL /run/netns/pod eth0 squat || fail "DEL once the name is free"
[ "$(mac_of vf0)" = "$mac0" ] || fail "squat: MAC not restored"
ip -d link show vf0 | grep -q alias && fail "squat: alias not restored"
[ -z "$(state 0000:03:00.1)" ] || fail "squat: claim left"

# ---- sriov-cni#349: GC releases the claims of stale attachments and restores their VFs ----
make_netns gc1
make_netns gc2
mac1=$(mac_of vf1)
out=$(conf 0000:03:00.1 | cni ADD /run/netns/gc1 eth0 gcstale) || fail "ADD gcstale"
out=$(conf 0000:03:00.2 | cni ADD /run/netns/gc2 eth0 gcalive) || fail "ADD gcalive"
out=$(conf 0000:03:00.4 | cni ADD /run/netns/pod eth0 gckept) || fail "ADD gckept"
out=$(conf 0000:03:00.3 "" generic | cni ADD /run/netns/pod net1 gcgeneric) || fail "ADD gcgeneric"
ip netns del gc1 # its VF (a veth) goes with it: the claim must not stay
conf 0000:03:00.1 | /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); del c["vif"]
c["cni.dev/valid-attachments"]=[{"containerID":"gckept","ifname":"eth0"}]; print(json.dumps(c))' |
        CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN" || fail "GC"
[ -z "$(state 0000:03:00.1)" ] || fail "#349: the stale claim stayed"
[ -z "$(state 0000:03:00.2)" ] || fail "#349: the stale claim of a live pod stayed"
[ -z "$(state 0000:03:00.3)" ] || fail "#349: the stale generic claim stayed"
# a stale pod still alive gives its VF back (GC has no CNI_NETNS: the claim knows the ADD's)
ip -n gc2 link show eth0 >/dev/null 2>&1 && fail "#349: the VF stayed in the stale pod"
ip -o link show vf1 | grep -q ",UP" || fail "#349: vf1 not back up on the host"
[ "$(mac_of vf1)" = "$mac1" ] || fail "#349: vf1's MAC not restored"
[ "$(state 0000:03:00.4 | json_get 'd["owner"]')" = "osvif sriovnet gckept eth0" ] || fail "GC released a valid claim"
ip -n pod link show eth0 >/dev/null || fail "GC took the valid attachment's VF"
conf 0000:03:00.4 | cni DEL /run/netns/pod eth0 gckept || fail "DEL gckept"
# the VF of the destroyed stand-in comes back as a new veth for the rest of the tests
ip link show vf0 >/dev/null 2>&1 || ip link add vf0 type veth peer name vf0p
mac0=$(mac_of vf0)

# ---- the claim lock: two ADDs race for one VF, one wins ----
make_netns r1
make_netns r2
(rc=0; conf 0000:03:00.1 | cni ADD /run/netns/r1 eth0 race1 >/run/osvif-test/race1 || rc=$?; echo $rc >/run/osvif-test/race1.rc) &
(rc=0; conf 0000:03:00.1 | cni ADD /run/netns/r2 eth0 race2 >/run/osvif-test/race2 || rc=$?; echo $rc >/run/osvif-test/race2.rc) &
wait
rcs=$(cat /run/osvif-test/race1.rc /run/osvif-test/race2.rc | sort | tr '\n' ' ')
[ "$rcs" = "0 1 " ] || fail "race: exit codes $rcs"
loser=$(grep -l '"code"' /run/osvif-test/race1 /run/osvif-test/race2)
expect_error 103 "$(cat "$loser")" "race loser"
[ "$(ip -n r1 -o link show eth0 2>/dev/null | wc -l)$(ip -n r2 -o link show eth0 2>/dev/null | wc -l)" != 11 ] || fail "the VF is in two pods"
conf 0000:03:00.1 | cni DEL /run/netns/r1 eth0 race1 || fail "DEL race1"
conf 0000:03:00.1 | cni DEL /run/netns/r2 eth0 race2 || fail "DEL race2"
# a claim lock held elsewhere makes ADD wait; released, the ADD goes on
mkdir -p "$OSVIF_RUN_DIR"
(flock 9; sleep 1) 9>"$OSVIF_RUN_DIR/vf-0000:03:00.1.lock" &
sleep 0.2
t0=$(date +%s%N)
out=$(conf 0000:03:00.1 | cni ADD /run/netns/pod eth0 locked) || fail "ADD after the lock: $out"
[ $((($(date +%s%N) - t0) / 1000000)) -ge 500 ] || fail "ADD did not wait for the VF's lock"
wait
conf 0000:03:00.1 | cni DEL /run/netns/pod eth0 locked || fail "DEL locked"
rm -f "$OSVIF_RUN_DIR/vf-0000:03:00.1.lock"

# ---- faults before every step: the host, the pod and the state exactly as before ----
b=$(snapshot --netns pod --dir "$OSVIF_SYSFS_ROOT")
steps=$(conf 0000:03:00.1 | CNI_NETNS=/run/netns/pod CNI_IFNAME=eth0 CNI_CONTAINERID=f "$OSVIF_BIN" plan |
        json_get 'len(d["steps"])')
[ "$steps" = 3 ] || fail "plan of an ethernet VF: $steps steps, expected hostdev, pod-link, pod-l3"
for ((n = 0; n < steps; n++)); do
        o=$(conf 0000:03:00.1 | OSVIF_FAULT_STEP=$n cni ADD /run/netns/pod eth0 fctr) && fail "ADD with a fault at $n"
        expect_error 100 "$o" "fault at step $n"
        assert_same_snapshot "$b" "$(snapshot --netns pod --dir "$OSVIF_SYSFS_ROOT")" "fault before step $n"
done
[ "$(mac_of vf0)" = "$mac0" ] || fail "a fault left the VF's MAC changed"

# ---- the primitive form, as Debian's python3-os-vif emits it ----
prim=$(/usr/bin/python3 - <<'PY'
import json
import os_vif.objects as O
O.register_all()
net = O.network.Network(id="8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", mtu=1400,
    subnets=O.subnet.SubnetList(objects=[O.subnet.Subnet(cidr="10.41.0.0/24", gateway="10.41.0.1",
        ips=O.fixed_ip.FixedIPList(objects=[O.fixed_ip.FixedIP(address="10.41.0.7")]),
        routes=O.route.RouteList(objects=[]))]))
vif = O.vif.VIFHostDevice(id="4e5f6071-0000-4000-8000-0000000000a1", address="fa:16:3e:41:00:07",
    network=net, plugin="sriov", dev_type="ethernet", dev_address="0000:03:00.1")
print(json.dumps(vif.obj_to_primitive()))
PY
)
out=$(echo '{"cniVersion":"1.1.0","name":"sriovnet","type":"osvif","vif":'"$prim"'}' |
        cni ADD /run/netns/pod eth0 prim) || fail "ADD primitive: $out"
ip -n pod -o addr show eth0 | grep -q "inet 10.41.0.7/24" || fail "primitive: address"
ip -n pod link show eth0 | grep -q "mtu 1400" || fail "primitive: MTU"
ip -n pod link show eth0 | grep -q "fa:16:3e:41:00:07" || fail "primitive: MAC"
echo '{"cniVersion":"1.1.0","name":"sriovnet","type":"osvif"}' | cni DEL /run/netns/pod eth0 prim || fail "DEL primitive (sweep)"
[ -z "$(state 0000:03:00.1)" ] || fail "primitive: claim left after a DEL without VIF"
ip link show vf0 >/dev/null || fail "primitive: VF not back"
echo "hostdev: ok"
