#!/bin/bash
# VIFVHostUser with the fast-path profiles. The fast path is proprietary and absent here:
# test/vhu/fastpath-sim is a SIMULATION of it (it makes a tap named vif_name for the socket).
# FPBridge and FPTap in both modes, FPOpenVSwitch with hybrid_plug against a real ovsdb-server
# and ovs-vswitchd (userspace datapath); the bounded wait for the netdev; CHECK; DEL without
# netns (the netdev is the fast path's: taken off our bridge, never deleted); GC; a fault
# before every step of FPBridge, with the fast path's netdev given back as it was.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/lib/ovs.sh"
require_root
require_cmd ip /usr/bin/python3
isolate "$0" "$@"
private_tmp
SIM=$OSVIF_SRCDIR/test/vhu/fastpath-sim
mkdir -m 0755 /run/fp

UUID=8293b4c5-0000-4000-8000-00000000000
# fp_conf N PROFILE_JSON MODE [extra top-level keys]: attachment N, socket /run/fp/vmN.sock
fp_conf_args() {
        cat <<JSON
{"cniVersion":"1.1.0","name":"fpnet","type":"osvif","ovsdb":"${OVSDB:-unix:/nonexistent}"${4:+,$4},
 "args":{"cni":{"vif":{"type":"vhostuser","id":"$UUID$1","address":"fa:16:3e:00:03:0$1",
   "vif_name":"fpnd$1","path":"/run/fp/vm$1.sock","mode":"$3","port_profile":$2,
   "network":{"bridge":"br-fp","mtu":1400,"subnets":[{"cidr":"10.92.0.0/24","ips":["10.92.0.$1"]}]}}}}}
JSON
}
fp_conf() { fp_conf_args "$@" | pod_vif_trusted; }
BRIDGE='{"type":"fp_bridge","bridge_name":"brfp"}'
TAP='{"type":"fp_tap","mac_address":"fe:ff:ff:ff:ff:ff"}'
HYBRID='{"type":"fp_openvswitch","interface_id":"'$UUID'9","bridge_name":"br-fp","hybrid_plug":true,"datapath_type":"netdev"}'
sims=""
sim_start() { # N MODE [delay]
        FP_SIM_DELAY=${3:-0} "$SIM" "/run/fp/vm$1.sock" "fpnd$1" "$2" >/dev/null &
        eval "SIMPID$1=$!"
        sims="$sims $!"
}
sim_stop() { local v="SIMPID$1"; kill "${!v}" 2>/dev/null || true; wait "${!v}" 2>/dev/null || true; }
on_exit 'for p in $sims; do kill $p 2>/dev/null; done; wait 2>/dev/null'
# QEMU serving the socket (mode server), stood in for by a listening socket
qemu_serve() {
        /usr/bin/python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1); time.sleep(3600)' "/run/fp/vm$1.sock" &
        sims="$sims $!"
}
with_prev() { /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); c["prevResult"]=json.loads(sys.argv[1]); print(json.dumps(c))' "$1"; }
del_nonetns() { CNI_COMMAND=DEL CNI_CONTAINERID=$1 CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni "$OSVIF_BIN"; }
master_of() { ip -o link show "$1" | sed -n 's/.* master \([^ ]*\) .*/\1/p'; }

for n in 1 2 3 4 5 6; do make_netns fp$n; done

# ---- FPBridge, mode client: the fast path serves the socket and makes fpnd1 after 0.5 s ----
sim_start 1 client 0.5
out=$(fp_conf 1 "$BRIDGE" client | cni ADD /run/netns/fp1 eth0 c1) || fail "FPBridge ADD: $out"
PREV=$out
[ "$(master_of fpnd1)" = brfp ] || fail "fpnd1 is not on brfp: $(ip -o link show fpnd1)"
ip -o link show fpnd1 | grep -q "mtu 1400" || fail "fpnd1 MTU"
ip -o link show fpnd1 | grep -q "[<,]UP[,>]" || fail "fpnd1 is down"
[ "$(echo "$out" | json_get '[i for i in d["interfaces"] if "socketPath" in i][0]["name"]')" = fpnd1 ] || fail "result: $out"
[ "$(echo "$out" | json_get '[i for i in d["interfaces"] if "socketPath" in i][0]["socketPath"]')" = /run/fp/vm1.sock ] || fail "result: $out"
ip -n fp1 -o addr show eth0 | grep -q 10.92.0.1/24 || fail "placeholder address"
[ "$(readlink /tmp/vhostuser_10.92.0.1/vhu.sock)" = /run/fp/vm1.sock ] || fail "Kata entry"
fp_conf 1 "$BRIDGE" client | with_prev "$PREV" | cni CHECK /run/netns/fp1 eth0 c1 || fail "FPBridge CHECK"
ip link set fpnd1 nomaster
out=$(fp_conf 1 "$BRIDGE" client | with_prev "$PREV" | cni CHECK /run/netns/fp1 eth0 c1) && fail "CHECK with fpnd1 off the bridge"
expect_error 109 "$out" "CHECK off the bridge"
ip link set fpnd1 master brfp
ip netns del fp1
fp_conf 1 "$BRIDGE" client | del_nonetns c1 || fail "FPBridge DEL without netns"
ip link show fpnd1 >/dev/null || fail "DEL deleted the fast path's netdev"
[ -z "$(master_of fpnd1)" ] || fail "DEL left fpnd1 on $(master_of fpnd1)"
[ -e /tmp/vhostuser_10.92.0.1 ] && fail "DEL left the Kata entry"
[ -S /run/fp/vm1.sock ] || fail "DEL removed the fast path's socket"
[ -z "$(ls "$OSVIF_STATE_DIR/vhostuser")" ] || fail "DEL left state: $(ls "$OSVIF_STATE_DIR/vhostuser")"
sim_stop 1

# ---- FPBridge, mode server: QEMU serves, the fast path connects; no Kata entry ----
qemu_serve 2
sim_start 2 server
out=$(fp_conf 2 "$BRIDGE" server | cni ADD /run/netns/fp2 eth0 c2) || fail "FPBridge server ADD: $out"
[ "$(master_of fpnd2)" = brfp ] || fail "fpnd2 is not on brfp"
[ -e /tmp/vhostuser_10.92.0.2 ] && fail "a Kata entry for mode server"
fp_conf 2 "$BRIDGE" server | cni DEL /run/netns/fp2 eth0 c2 || fail "DEL"
[ -S /run/fp/vm2.sock ] || fail "DEL removed QEMU's socket"

# ---- FPTap: routed, the profile's MAC, up ----
sim_start 3 client
out=$(fp_conf 3 "$TAP" client | cni ADD /run/netns/fp3 eth0 c3) || fail "FPTap ADD: $out"
ip -o link show fpnd3 | grep -q "link/ether fe:ff:ff:ff:ff:ff" || fail "fpnd3 MAC: $(ip -o link show fpnd3)"
ip -o link show fpnd3 | grep -q "[<,]UP[,>]" || fail "fpnd3 is down"
[ -z "$(master_of fpnd3)" ] || fail "fpnd3 is bridged"
fp_conf 3 "$TAP" client | with_prev "$out" | cni CHECK /run/netns/fp3 eth0 c3 || fail "FPTap CHECK"
fp_conf 3 "$TAP" client | cni DEL /run/netns/fp3 eth0 c3 || fail "FPTap DEL"

# ---- no fast path: the wait is bounded (code 104), nothing is left ----
before=$(snapshot --netns fp4 --dir /tmp)
t0=$(date +%s%N)
out=$(fp_conf 4 '{"type":"fp_bridge","bridge_name":"brfp4"}' client '"fastPathTimeout":300' | cni ADD /run/netns/fp4 eth0 c4) &&
        fail "ADD without a fast path"
expect_error 104 "$out" "no fast path"
echo "$out" | grep -q 'fpnd4' || fail "the error does not name the netdev: $out"
[ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 3000 ] || fail "the wait was not bounded by fastPathTimeout"
assert_same_snapshot "$before" "$(snapshot --netns fp4 --dir /tmp)" "no fast path"

# ---- a fault before every step of FPBridge: bridge, vhostuser, fp-netdev, placeholder,
# pod-link, pod-l3; the fast path's netdev down and on no bridge, as it was ----
sim_start 5 client
for _ in $(seq 1 100); do ip link show fpnd5 >/dev/null 2>&1 && break; sleep 0.05; done
before=$(snapshot --netns fp5 --dir /tmp)
for n in 0 1 2 3 4 5; do
        out=$(fp_conf 5 "$BRIDGE" client | OSVIF_FAULT_STEP=$n cni ADD /run/netns/fp5 eth0 c5) && fail "fault $n: ADD succeeded"
        expect_error 100 "$out" "fault $n"
        assert_same_snapshot "$before" "$(snapshot --netns fp5 --dir /tmp)" "FPBridge fault before step $n"
done
# GC of a stale FPBridge attachment: off the bridge, entry and state gone
fp_conf 5 "$BRIDGE" client | cni ADD /run/netns/fp5 eth0 c5 >/dev/null || fail "ADD c5"
echo '{"cniVersion":"1.1.0","name":"fpnet","type":"osvif","cni.dev/valid-attachments":[]}' |
        CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN" || fail "GC"
[ -z "$(master_of fpnd5)" ] || fail "GC left fpnd5 on the bridge"
[ -e /tmp/vhostuser_10.92.0.5 ] && fail "GC left the Kata entry"
[ -z "$(ls "$OSVIF_STATE_DIR/vhostuser")" ] || fail "GC left state"
ip link show fpnd5 >/dev/null || fail "GC deleted the fast path's netdev"
sim_stop 5

# ---- FPOpenVSwitch with hybrid_plug: fpnd6 on qbr, qvb/qvo, qvo on the OVS bridge ----
ovs_start
sim_start 6 client
out=$(fp_conf 6 "$HYBRID" client | cni ADD /run/netns/fp6 eth0 c6) || fail "hybrid ADD: $out"
qbr=qbr8293b4c5-00; qvo=qvo8293b4c5-00
[ "$(master_of fpnd6)" = $qbr ] || fail "fpnd6 is not on $qbr: $(ip -o link show fpnd6)"
[ "$(master_of qvb8293b4c5-00)" = $qbr ] || fail "qvb is not on $qbr"
[ "$(ovs_vsctl port-to-br $qvo)" = br-fp ] || fail "$qvo is not on br-fp"
[ "$(ovs_vsctl get Interface $qvo external_ids:attached-mac | tr -d '"')" = fa:16:3e:00:03:06 ] || fail "attached-mac"
fp_conf 6 "$HYBRID" client | with_prev "$out" | cni CHECK /run/netns/fp6 eth0 c6 || fail "hybrid CHECK"
ip netns del fp6
fp_conf 6 "$HYBRID" client | del_nonetns c6 || fail "hybrid DEL"
ip link show $qbr >/dev/null 2>&1 && fail "DEL left $qbr"
[ -z "$(ovs_vsctl list-ports br-fp)" ] || fail "DEL left $(ovs_vsctl list-ports br-fp)"
ip link show fpnd6 >/dev/null || fail "DEL deleted the fast path's netdev"
[ -z "$(master_of fpnd6)" ] || fail "fpnd6 still on a bridge"
echo "vhostuser_fp: ok"
