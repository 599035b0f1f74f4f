#!/bin/bash
# In test/vm's guest (not part of the host's make check): VIFHostDevice's PF-side settings
# through the real kernel and netdevsim's driver code. Simulations: "netdevsim PF" (netdevsim,
# simulated SR-IOV hardware, is the PF; it makes no VF netdevs) and "fake PCI tree"
# (OSVIF_SYSFS_ROOT at a directory whose VF PCI devices have veths as their netdevs and whose
# physfn is a PCI device with the netdevsim PF's netdev). ADD sets the VF's MAC, VLAN and QoS,
# spoofchk, trust, link state and rates on the PF; the test reads them back from the kernel
# (ip -j link show PF), and reads back their restoration after DEL, after a DEL without the
# netns, after GC, and after a fault before every step. Exit 77 without netdevsim.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
[ -r "$OSVIF_SRCDIR/test/vm/kernel-lib.sh" ] || skip "needs test/vm/kernel-lib.sh (the VM suite)"
. "$OSVIF_SRCDIR/test/vm/kernel-lib.sh"
require_root
require_vm
[ -d /sys/bus/netdevsim ] || modprobe netdevsim 2>/dev/null ||
        { [ -n "${OSVIF_VM_NETDEVSIM:-}" ] && insmod "$OSVIF_VM_NETDEVSIM" 2>/dev/null; } || true
[ -d /sys/bus/netdevsim ] || skip "no netdevsim in this kernel"
isolate "$0" "$@"

pf=$(nsim_new 9 2)
on_exit "nsim_del 9"
export OSVIF_SYSFS_ROOT=/run/osvif-test/sys
DEV=$OSVIF_SYSFS_ROOT/bus/pci/devices
mkdir -p "$DEV/0000:05:00.0/net/$pf"
for n in 0 1; do
        vf=0000:05:00.$((n + 1))
        mkdir -p "$DEV/$vf/net/vf$n"
        ln -s "../$vf" "$DEV/0000:05:00.0/virtfn$n"
        ln -s ../0000:05:00.0 "$DEV/$vf/physfn"
        ip link add "vf$n" type veth peer name "vf${n}p"
done

# The VF's PF-side entry as the kernel reports it, every field
vfinfo() { ip -j link show "$pf" | json_get '[v for v in d[0]["vfinfo_list"] if v["vf"] == '"$1"'][0]'; }
rate() { vfinfo "$1" | json_get 'd["rate"]["'"$2"'"]'; }
conf() { # conf PCI [EXTRA-MEMBERS]
        cat <<JSON
{"cniVersion":"1.1.0","name":"pfnet","type":"osvif"${2:+,$2},
 "vif":{"type":"hostdev","dev_type":"ethernet","dev_address":"$1","address":"fa:16:3e:09:00:0${1: -1}",
   "network":{"vlan":100,"mtu":1500,"subnets":[{"cidr":"10.60.0.0/24","ips":["10.60.0.${1: -1}"]}]}}}
JSON
}
SETTINGS='"vlanQoS":3,"spoofchk":"off","trust":"on","link_state":"disable","min_tx_rate":10,"max_tx_rate":500'

# a VF with settings of its own before the pod: they come back after DEL
ip link set "$pf" vf 0 mac 02:00:00:00:09:00 vlan 7 spoofchk on trust off state auto || fail "set up VF 0"
orig=$(vfinfo 0)
make_netns pod
before=$(snapshot --netns pod --dir "$OSVIF_SYSFS_ROOT")

out=$(conf 0000:05:00.1 "$SETTINGS" | cni ADD /run/netns/pod eth0 c1) || fail "ADD: $out"
vf_expect "$pf" 0 mac=fa:16:3e:09:00:01 vlan=100 qos=3 spoofchk=false trust=true link_state=disable
[ "$(rate 0 min_tx)" = 10 ] && [ "$(rate 0 max_tx)" = 500 ] || fail "rates: $(vfinfo 0)"
ip -n pod link show eth0 | grep -q fa:16:3e:09:00:01 || fail "the VF netdev's MAC"
st=$(cat "$OSVIF_STATE_DIR/hostdev/0000:05:00.1.json")
[ "$(echo "$st" | json_get 'd["pfSide"]["vlan"]')" = 7 ] || fail "the claim did not record VLAN 7: $st"

# CHECK reads the PF: a VLAN changed behind osvif's back is found
conf 0000:05:00.1 "$SETTINGS" | cni CHECK /run/netns/pod eth0 c1 || fail "CHECK"
ip link set "$pf" vf 0 vlan 5
o=$(conf 0000:05:00.1 "$SETTINGS" | cni CHECK /run/netns/pod eth0 c1) && fail "CHECK with VLAN 5"
expect_error 109 "$o" "CHECK with VLAN 5"
ip link set "$pf" vf 0 vlan 100 qos 3

conf 0000:05:00.1 "$SETTINGS" | cni DEL /run/netns/pod eth0 c1 || fail "DEL"
[ "$(vfinfo 0)" = "$orig" ] || fail "DEL did not restore VF 0: $(vfinfo 0), was $orig"
assert_same_snapshot "$before" "$(snapshot --netns pod --dir "$OSVIF_SYSFS_ROOT")" "after DEL"
conf 0000:05:00.1 "$SETTINGS" | cni DEL /run/netns/pod eth0 c1 || fail "second DEL"

# the pod's netns deleted first (sriov-cni#126): the PF side is restored all the same
make_netns gone
conf 0000:05:00.1 "$SETTINGS" | cni ADD /run/netns/gone net1 c2 >/dev/null || fail "ADD c2"
# as the kernel returns a real VF, keeping its name (a veth would die instead); the netdevsim
# PF is eth0 here, hence net1
ip -n gone link set net1 netns $$
ip netns del gone
conf 0000:05:00.1 "$SETTINGS" | cni DEL /run/netns/gone net1 c2 || fail "DEL without netns"
[ "$(vfinfo 0)" = "$orig" ] || fail "DEL without netns did not restore VF 0: $(vfinfo 0)"

# GC of a stale attachment restores its VF's PF side (sriov-cni#349)
conf 0000:05:00.2 "$SETTINGS" | cni ADD /run/netns/pod eth0 c3 >/dev/null || fail "ADD c3"
vf_expect "$pf" 1 vlan=100 qos=3
conf 0000:05:00.2 | /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); c["cni.dev/valid-attachments"]=[]; print(json.dumps(c))' |
        CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN" || fail "GC"
vf_expect "$pf" 1 mac=00:00:00:00:00:00 vlan=0 qos=0
[ -e "$OSVIF_STATE_DIR/hostdev/0000:05:00.2.json" ] && fail "GC left the claim"

# a fault before every step: the PF's settings exactly as before
for n in 0 1 2; do
        o=$(conf 0000:05:00.1 "$SETTINGS" | OSVIF_FAULT_STEP=$n cni ADD /run/netns/pod eth0 f) && fail "fault $n"
        expect_error 100 "$o" "fault $n"
        [ "$(vfinfo 0)" = "$orig" ] || fail "fault before step $n left VF 0 as $(vfinfo 0)"
        assert_same_snapshot "$before" "$(snapshot --netns pod --dir "$OSVIF_SYSFS_ROOT")" "fault $n"
done
echo "hostdev_pf: ok"
