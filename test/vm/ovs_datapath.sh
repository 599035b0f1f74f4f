#!/bin/bash
# In test/vm's guest, what only the kernel datapath shows: two pods osvif plugs onto a
# datapath_type=system bridge appear as ports of the kernel's ovs-system datapath, the host
# ends take the MTU, the pods ping, and ovs-vswitchd handled every upcall (handler threads, no
# upcall lost: see the time namespace in test/vm/guest.sh).
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/lib/ovs.sh"
. "$OSVIF_SRCDIR/test/vm/kernel-lib.sh"
require_root
require_cmd ip ping /usr/bin/python3
require_vm
[ "$OVS_DP" = system ] || fail "run with OSVIF_OVS_DATAPATH=system"
isolate "$0" "$@"
ovs_start
# the bridge exists before the pods, as on a compute host, and so ovs-vswitchd opens the
# kernel datapath and sizes its upcall handlers as soon after its start as it can
ovs_vsctl add-br br-k -- set Bridge br-k datapath_type=system

conf() { # conf N VLAN
        cat <<JSON
{"cniVersion":"1.1.0","name":"knet","type":"osvif","ovsdb":"$OVSDB",
 "vif":{"type":"ovs","id":"6a7b8c9d-0000-4000-8000-00000000000$1","address":"fa:16:3e:0d:00:0$1",
   "bridge_name":"br-k","port_profile":{"type":"openvswitch","datapath_type":"system"},
   "network":{"vlan":$2,"mtu":1400,"subnets":[{"cidr":"10.81.0.0/24","ips":["10.81.0.$1"]}]}}}
JSON
}
dpctl() { ovs-appctl -t "$OVS_DIR/ovs-vswitchd.ctl" "dpctl/$1"; }
echo "ovs-vswitchd opened the datapath at CLOCK_MONOTONIC $(/usr/bin/python3 -c 'import time; print(int(time.monotonic()))') s"
for n in 1 2; do
        make_netns k$n
        conf $n 30 | cni ADD /run/netns/k$n eth0 kctr$n >/dev/null || fail "ADD k$n"
done
dpctl show | grep -q "^system@ovs-system:" || fail "no kernel datapath: $(dpctl show)"
ports=$(ovs_vsctl list-ports br-k | sort | tr '\n' ' ')
[ "$(echo "$ports" | wc -w)" = 2 ] || fail "ports on br-k: $ports"
for p in $ports; do
        dpctl show | grep -Eq "port [0-9]+: $p\$" || fail "$p is not a port of the kernel datapath: $(dpctl show)"
        ip -o link show "$p" | grep -q "mtu 1400" || fail "host end $p: $(ip -o link show "$p")"
        [ "$(ovs_vsctl get Interface "$p" mtu)" = 1400 ] || fail "$p: OVS reports mtu $(ovs_vsctl get Interface "$p" mtu)"
done
ip netns exec k1 ping -c 3 -W 5 10.81.0.2 >/dev/null || fail "k1 cannot reach k2: $(dpctl show | grep lookups)"
# handlers: ovs-vswitchd in per-CPU dispatch mode sizes them from the CPUs it counts
handlers=$(sed -n 's/.*Overriding n-handler-threads to \([0-9]*\).*/\1/p' "$OVS_DIR/ovs-vswitchd.log" | tail -n 1)
echo "ovs-vswitchd: ${handlers:-?} handler threads; $(dpctl show | grep lookups | xargs)"
[ -n "$handlers" ] || fail "ovs-vswitchd is not in per-CPU upcall dispatch mode"
[ "$handlers" -gt 0 ] || fail "ovs-vswitchd started 0 upcall handlers"
lost=$(dpctl show | sed -n 's/.*lost:\([0-9]*\).*/\1/p')
[ "$lost" = 0 ] || fail "the kernel datapath lost $lost upcalls"
for n in 1 2; do
        conf $n 30 | cni DEL /run/netns/k$n eth0 kctr$n || fail "DEL k$n"
done
[ -z "$(ovs_vsctl list-ports br-k)" ] || fail "ports left on br-k"
for p in $ports; do
        dpctl show | grep -q " $p\$" && fail "$p left in the kernel datapath"
done
echo "ovs_datapath: ok"
