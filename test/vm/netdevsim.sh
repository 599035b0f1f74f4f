#!/bin/bash
# In test/vm's guest: a PF with two VFs (netdevsim, simulated SR-IOV hardware), each VF's MAC,
# VLAN and QoS, spoofchk, trust and link state set through the PF and read back: what the
# VIFHostDevice plug does on a real host, through the same rtnetlink messages.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/vm/kernel-lib.sh"
require_root
require_vm
isolate "$0" "$@"

pf=$(nsim_new 7 2)
on_exit "nsim_del 7"
[ "$(cat /sys/bus/netdevsim/devices/netdevsim7/sriov_numvfs)" = 2 ] || fail "sriov_numvfs"
[ "$(ip -j link show "$pf" | json_get 'len(d[0]["vfinfo_list"])')" = 2 ] || fail "$pf does not list 2 VFs"
ip link set "$pf" vf 0 mac fa:16:3e:00:07:01 vlan 100 qos 3 spoofchk off trust on state disable ||
        fail "set VF 0 through $pf"
ip link set "$pf" vf 1 mac fa:16:3e:00:07:02 vlan 200 || fail "set VF 1 through $pf"
vf_expect "$pf" 0 mac=fa:16:3e:00:07:01 vlan=100 qos=3 spoofchk=false trust=true link_state=disable
vf_expect "$pf" 1 mac=fa:16:3e:00:07:02 vlan=200 qos=0
# and back, as a DEL would leave them
ip link set "$pf" vf 0 mac 00:00:00:00:00:00 vlan 0 spoofchk on trust off state auto || fail "reset VF 0"
vf_expect "$pf" 0 mac=00:00:00:00:00:00 vlan=0 qos=0 spoofchk=true trust=false link_state=auto
# a VF that does not exist is refused by the PF
ip link set "$pf" vf 2 mac fa:16:3e:00:07:03 2>/dev/null && fail "VF 2 of 2 accepted"
echo "netdevsim: ok"
