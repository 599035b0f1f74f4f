#!/bin/bash
# GC (issue 10, section 5):
#  - host-local (CNI 1.0.0: no GC of its own) gets a DEL for each stale attachment, so the
#    leases of attachments GC removes do not leak; the valid attachment keeps its lease;
#  - a Linux-bridge network never touches OVSDB: with an OVSDB socket that accepts and never
#    answers, GC succeeds at once and removes the stale links;
#  - an OVS network with OVSDB stopped: GC removes the stale links, then answers 11; once
#    OVSDB answers again, GC removes the stale OVS ports too.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/lib/ovs.sh"
require_root
require_cmd ip /usr/bin/python3
isolate "$0" "$@"

T=/run/osvif-test
IPAM=$T/ipam
mkdir -p "$IPAM"
# an OVSDB that accepts connections and never says a word
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(64)
held = []
while True:
    c, _ = s.accept(); held.append(c)' $T/mute.sock &
mute=$!
on_exit "kill $mute"
for _ in $(seq 1 50); do [ -S $T/mute.sock ] && break; sleep 0.1; done

bconf() {
        echo '{"cniVersion":"1.1.0","name":"gnet","type":"osvif","ovsdb":"unix:'"$T"'/mute.sock","ovsdbTimeout":3000,
         "ipam":{"type":"host-local","dataDir":"'"$IPAM"'","ranges":[[{"subnet":"10.46.0.0/24"}]]},
         "vif":{"type":"bridge","bridge_name":"brgc"}'"${1:-}"'}'
}
leases() { grep -rho "^gctr[0-9]*" "$IPAM/gnet" 2>/dev/null | sort | tr "\n" " "; }
for i in 1 2 3; do
        make_netns "g$i"
        out=$(bconf | cni ADD /run/netns/g$i eth0 gctr$i) || fail "ADD $i: $out"
done
[ "$(leases)" = "gctr1 gctr2 gctr3 " ] || fail "leases after ADD: $(leases)"
ip netns del g1
start=$SECONDS
out=$(bconf ',"cni.dev/valid-attachments":[{"containerID":"gctr2","ifname":"eth0"}]' |
        CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN") || fail "GC of a bridge network with a mute OVSDB: $out"
[ $((SECONDS - start)) -lt 3 ] || fail "GC of a bridge network waited for OVSDB ($((SECONDS - start)) s)"
[ "$(ip -d link show | grep -c 'alias osvif gnet ')" = 1 ] || fail "GC left stale links: $(ip -d link show | grep 'alias osvif gnet ')"
ip -d link show | grep -q "alias osvif gnet gctr2 eth0" || fail "GC removed the valid attachment"
[ "$(leases)" = "gctr2 " ] || fail "leases after GC: $(leases) (want only gctr2's)"
out=$(bconf ',"cni.dev/valid-attachments":[]' | CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN") || fail "GC of all: $out"
[ -z "$(leases)" ] || fail "leases after GC of all: $(leases)"

# OVS with OVSDB stopped
ovs_start
ovs_vsctl add-br br-int -- set Bridge br-int datapath_type=netdev
oconf() {
        echo '{"cniVersion":"1.1.0","name":"onet","type":"osvif","ovsdb":"'"$OVSDB"'","ovsdbTimeout":800,
         "vif":{"type":"ovs","bridge_name":"br-int","port_profile":{"type":"openvswitch","datapath_type":"netdev"}}'"${1:-}"'}'
}
for i in 1 2; do
        make_netns "o$i"
        out=$(oconf | cni ADD /run/netns/o$i eth0 octr$i) || fail "OVS ADD $i: $out"
done
kill -STOP "$(_ovs_pid ovsdb-server)"
out=$(oconf ',"cni.dev/valid-attachments":[{"containerID":"octr2","ifname":"eth0"}]' |
        CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN") && fail "GC with OVSDB stopped answered 0"
expect_error 11 "$out" "GC with OVSDB stopped"
[ "$(ip -d link show | grep -c 'alias osvif onet ')" = 1 ] || fail "GC with OVSDB stopped did not remove the stale links"
ip -d link show | grep -q "alias osvif onet octr2 eth0" || fail "GC removed the valid OVS attachment"
kill -CONT "$(_ovs_pid ovsdb-server)"
[ "$(ovs_vsctl list-ports br-int | wc -l)" = 2 ] || fail "the ports changed while OVSDB was stopped"
out=$(oconf ',"cni.dev/valid-attachments":[{"containerID":"octr2","ifname":"eth0"}]' |
        CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN") || fail "GC with OVSDB back: $out"
[ "$(ovs_vsctl list-ports br-int | wc -l)" = 1 ] || fail "GC with OVSDB back left the stale port: $(ovs_vsctl list-ports br-int)"
ovs_vsctl --format=csv --data=bare --no-headings --columns=external_ids list Port | grep -q "osvif-container-id=octr2" ||
        fail "the valid OVS port went"
echo "gcfix: ok"
