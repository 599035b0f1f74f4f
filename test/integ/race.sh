#!/bin/bash
# Races on one attachment (issue 10, section 3).
#  - 40 ADD/DEL pairs of the same container started together: whatever order they end up in,
#    the pod has a live interface exactly when host-local holds its lease (before the
#    per-attachment lock, 21 of 40 left an interface whose lease DEL had released).
#  - The OVSDB transaction that commits after ADD gave up: ovsdb-server is stopped, ADD times
#    out (11) and undoes its links; ovsdb-server continues and applies the port anyway. The
#    port carries its owner, and the next GC (not listing the attachment), or DEL, removes it.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/lib/ovs.sh"
require_root
require_cmd ip /usr/bin/python3
isolate "$0" "$@"

IPAM=/run/osvif-test/ipam
mkdir -p "$IPAM"
make_netns pod
conf() {
        echo '{"cniVersion":"1.1.0","name":"rnet","type":"osvif",
         "ipam":{"type":"host-local","dataDir":"'"$IPAM"'","ranges":[[{"subnet":"10.45.0.0/24"}]]},
         "vif":{"type":"bridge","bridge_name":"brrace"}}'
}
lease() { grep -rls "^rctr" "$IPAM/rnet" 2>/dev/null | grep -v -e lock -e last_reserved || true; }

bad=0
for i in $(seq 1 40); do
        conf | cni ADD /run/netns/pod eth0 rctr >/dev/null 2>&1 &
        a=$!
        # the DEL lands anywhere from before the ADD's first step to after its last
        sleep "0.0$((RANDOM % 4))"
        conf | cni DEL /run/netns/pod eth0 rctr >/dev/null 2>&1 &
        d=$!
        wait $a || true
        wait $d || fail "DEL $i failed"
        live=0
        ip -n pod link show eth0 >/dev/null 2>&1 && live=1
        held=0
        [ -n "$(lease)" ] && held=1
        if [ $live != $held ]; then
                echo "pair $i: pod interface $live, lease $held" >&2
                bad=$((bad + 1))
        fi
        conf | cni DEL /run/netns/pod eth0 rctr >/dev/null || fail "clean-up DEL $i"
        [ -z "$(lease)" ] || fail "pair $i: a lease after DEL"
done
[ $bad = 0 ] || fail "$bad of 40 racing ADD/DEL pairs left a pod interface and its lease out of step"
ls -A "$OSVIF_RUN_DIR" | grep -q . && fail "run directory not empty: $(ls -A "$OSVIF_RUN_DIR")"

# the late OVSDB commit
ovs_start
ovs_vsctl add-br br-int -- set Bridge br-int datapath_type=netdev
make_netns opod
oconf() {
        echo '{"cniVersion":"1.1.0","name":"onet","type":"osvif","ovsdb":"'"$OVSDB"'","ovsdbTimeout":800,
         "vif":{"type":"ovs","bridge_name":"br-int","port_profile":{"type":"openvswitch","datapath_type":"netdev",
                "interface_id":"9b1b2c3d-0000-4000-8000-00000000000b"}}'"${1:-}"'}'
}
owned_ports() { ovs_vsctl --format=csv --data=bare --no-headings --columns=name,external_ids list Port | grep -c "osvif-container-id=octr" || true; }
late() { # late GC|DEL: ADD gives up on a stopped ovsdb-server, which then commits; $1 removes it
        local out
        kill -STOP "$(_ovs_pid ovsdb-server)"
        out=$(oconf | cni ADD /run/netns/opod eth0 octr) && fail "ADD succeeded with ovsdb-server stopped"
        expect_error 11 "$out" "ADD on a stopped ovsdb-server"
        ip -d link show | grep -q "alias osvif onet octr" && fail "ADD that gave up left its veth"
        kill -CONT "$(_ovs_pid ovsdb-server)"
        for _ in $(seq 1 50); do [ "$(owned_ports)" != 0 ] && break; sleep 0.1; done
        [ "$(owned_ports)" = 1 ] || fail "the transaction ADD gave up on did not commit later: nothing to prove"
        ovs_vsctl --format=csv --data=bare --no-headings --columns=external_ids list Interface | grep -q "iface-id=9b1b2c3d" ||
                fail "the late port has no iface-id"
        if [ "$1" = GC ]; then
                out=$(oconf ',"cni.dev/valid-attachments":[]' | CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN") || fail "GC: $out"
        else
                out=$(oconf | cni DEL /run/netns/opod eth0 octr) || fail "DEL: $out"
        fi
        [ "$(owned_ports)" = 0 ] || fail "$1 left the late OVS port"
        ovs_vsctl list-ports br-int | grep -q . && fail "$1 left a port on br-int: $(ovs_vsctl list-ports br-int)"
        return 0
}
late GC
late DEL
echo "race: ok"
