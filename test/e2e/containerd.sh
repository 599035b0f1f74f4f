#!/bin/bash
# containerd's `ctr run --cni`, with a containerd started here (own root, state and socket)
# and our conflist and bin dir mounted over /etc/cni/net.d and /opt/cni/bin in this private
# mount namespace. First a Linux bridge network, then an Open vSwitch one (private
# ovsdb-server and ovs-vswitchd). Containers see their address, reach each other, and their
# removal (ctr's DEL when a container run with --rm exits) leaves nothing.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/lib/ovs.sh"
. "$OSVIF_SRCDIR/test/e2e/lib.sh"
require_root
require_cmd containerd ctr runc ip nsenter /usr/bin/python3
isolate "$0" "$@"

T=/run/osvif-test
C=$T/containerd
mkdir -p $C $T/ipam $T/shared
shadow_dir /etc/cni/net.d
shadow_dir /opt/cni/bin
mount --bind "$(e2e_bin_dir)" /opt/cni/bin
cat >$C/config.toml <<TOML
version = 2
root = "$C/root"
state = "$C/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$C/containerd.sock"
[ttrpc]
  address = "$C/containerd.sock.ttrpc"
TOML
containerd --config $C/config.toml >$C/log 2>&1 &
cpid=$!
on_exit "kill $cpid"
for _ in $(seq 100); do [ -S $C/containerd.sock ] && break; sleep 0.1; done
[ -S $C/containerd.sock ] || fail "containerd did not start: $(tail -5 $C/log)"
e2e_rootfs $T/rootfs
CTR=(ctr --address $C/containerd.sock)
RUN=(run --rm --cni --env PATH=/bin --mount "type=bind,src=$T/shared,dst=/shared,options=rbind:rw" --rootfs $T/rootfs)

# network NAME: a server container that waits for /shared/stop-NAME, a client that pings it
exercise() {
        local net=$1 server_ip
        rm -f $T/shared/stop-$net
        "${CTR[@]}" "${RUN[@]}" "srv-$net" /bin/sh -c \
                "ip -4 -o addr show eth0 > /shared/addr-$net; while [ ! -e /shared/stop-$net ]; do sleep 0.1; done" \
                >$T/srv-$net.out 2>&1 &
        local spid=$!
        for _ in $(seq 100); do [ -s $T/shared/addr-$net ] && break; sleep 0.1; done
        server_ip=$(awk '{print $4}' $T/shared/addr-$net | cut -d/ -f1)
        [ -n "$server_ip" ] || fail "$net: the server container has no address: $(cat $T/srv-$net.out)"
        ip -d link show | grep -q "alias osvif $net " || fail "$net: no host link of ours while the server runs"
        out=$("${CTR[@]}" "${RUN[@]}" "cli-$net" /bin/ping -c 2 -W 2 "$server_ip" 2>&1) ||
                fail "$net: the client cannot reach $server_ip: $out"
        touch $T/shared/stop-$net
        wait $spid || fail "$net: server container: $(cat $T/srv-$net.out)"
        [ -z "$(ip -d link show | grep "alias osvif $net ")" ] || fail "$net: links of ours left after the containers ended"
}

cat >/etc/cni/net.d/10-osvif.conflist <<JSON
{"cniVersion":"1.0.0","name":"ctrbr","plugins":[{"type":"osvif",
 "vif":{"type":"bridge","bridge_name":"brctr"},
 "ipam":{"type":"host-local","dataDir":"$T/ipam","ranges":[[{"subnet":"10.88.6.0/24","gateway":"10.88.6.1"}]]}}]}
JSON
exercise ctrbr
left=$(ls $T/ipam/ctrbr | grep -v -E '^(lock|last_reserved_ip\.0)$' || true)
[ -z "$left" ] || fail "ctrbr: addresses still reserved: $left"

ovs_start
rm /etc/cni/net.d/10-osvif.conflist
cat >/etc/cni/net.d/20-ovs.conflist <<JSON
{"cniVersion":"1.0.0","name":"ctrovs","plugins":[{"type":"osvif","ovsdb":"$OVSDB",
 "vif":{"type":"ovs","bridge_name":"br-ctr","port_profile":{"type":"openvswitch","datapath_type":"netdev"},
        "network":{"vlan":30,"mtu":1450}},
 "ipam":{"type":"host-local","dataDir":"$T/ipam","ranges":[[{"subnet":"10.88.7.0/24","gateway":"10.88.7.1"}]]}}]}
JSON
exercise ctrovs
[ -z "$(ovs_vsctl list-ports br-ctr)" ] || fail "ctrovs: OVS ports left: $(ovs_vsctl list-ports br-ctr)"
echo "containerd: ok"
