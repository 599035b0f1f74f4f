#!/bin/bash
# VIFVHostUser with the OpenVSwitch profile against a real OVS-DPDK (ovs-vswitchd-dpdk, no
# hugepages, no PCI) and real QEMU guests whose NIC is the vhost-user port: the port as os-vif
# writes it in both modes, the socket's real path in the result, the pod's placeholder, Kata's
# discovery rule reproduced and used, traffic both ways with a VIFOpenVSwitch pod on the same
# bridge, CHECK, DEL without netns, GC. Bounded: each guest gets 90 s to answer.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/lib/ovs_dpdk.sh"
. "$OSVIF_SRCDIR/test/lib/vhu_guest.sh"
require_root
require_cmd ip ping ss /usr/bin/python3
isolate "$0" "$@"
# Kata's entries live in /tmp: a private one for this test
private_tmp
vhu_guest_prepare
ovs_dpdk_start
# on failure, what ovs-vswitchd said last
on_exit '[ "${VHU_OK:-}" = 1 ] || tail -40 "$OVS_DIR/ovs-vswitchd.log" >&2'

UUID1=4e5f6071-0000-4000-8000-000000000001
UUID2=5f607182-0000-4000-8000-000000000002
UUIDP=60718293-0000-4000-8000-000000000003
# vhu_conf VIF_ID IP MODE PATH [extra top-level keys]
vhu_conf_args() {
        cat <<JSON
{"cniVersion":"1.1.0","name":"vnet","type":"osvif","ovsdb":"$OVSDB"${5:+,$5},
 "args":{"cni":{"vif":{"type":"vhostuser","id":"$1","address":"fa:16:3e:00:01:$(printf %02x "${2##*.}")",
   "vif_name":"tap${1:0:11}","path":"$4","mode":"$3",
   "port_profile":{"type":"openvswitch","interface_id":"$1"},
   "network":{"bridge":"br-vhu","vlan":42,"mtu":1500,"subnets":[{"cidr":"10.90.0.0/24","ips":["$2"]}]}}}}}
JSON
}
vhu_conf() { vhu_conf_args "$@" | pod_vif_trusted; }
ovs_pod_conf_args() {
        cat <<JSON
{"cniVersion":"1.1.0","name":"vnet","type":"osvif","ovsdb":"$OVSDB",
 "args":{"cni":{"vif":{"type":"ovs","id":"$UUIDP","address":"fa:16:3e:00:01:0a","bridge_name":"br-vhu",
   "port_profile":{"type":"openvswitch","interface_id":"$UUIDP","datapath_type":"netdev"},
   "network":{"bridge":"br-vhu","vlan":42,"mtu":1500,"subnets":[{"cidr":"10.90.0.0/24","ips":["10.90.0.10"]}]}}}}}
JSON
}
ovs_pod_conf() { ovs_pod_conf_args "$@" | pod_vif_trusted; }
extid() { ovs_vsctl get Interface "$1" "external_ids:$2" | tr -d '"'; }
with_prev() { /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); c["prevResult"]=json.loads(sys.argv[1]); print(json.dumps(c))' "$1"; }
# Kata's rule (virtcontainers/network_linux.go, vhostuser_endpoint.go): for each link of the
# netns with addresses, the first of its IPs for which /tmp/vhostuser_<IP>/vhu.sock exists
# (os.Stat: symlinks followed) makes it a vhost-user endpoint. Prints "ifname mac path".
kata_discover() {
        ip -n "$1" -j addr show | /usr/bin/python3 -c '
import json, os, sys
for l in json.load(sys.stdin):
    if "LOOPBACK" in l["flags"] or not l.get("addr_info"):
        continue
    for a in l["addr_info"]:
        p = "/tmp/vhostuser_%s/vhu.sock" % a["local"]
        if os.path.exists(p):
            print(l["ifname"], l["address"], p)
            break'
}

make_netns pod0
make_netns kata1
make_netns vm2
out=$(ovs_pod_conf | cni ADD /run/netns/pod0 eth0 ctrp) || fail "ADD of the OVS pod: $out"

# ---- mode client: OVS serves the socket, Kata's QEMU connects to it ----
out=$(vhu_conf $UUID1 10.90.0.1 client /var/run/openvswitch/vhu4e5f6071-00 | cni ADD /run/netns/kata1 eth0 ctr1) ||
        fail "ADD client: $out"
PREV1=$out
port=vhu4e5f6071-00
[ "$(ovs_vsctl get Interface $port type)" = dpdkvhostuser ] || fail "type of $port"
[ "$(ovs_vsctl port-to-br $port)" = br-vhu ] || fail "$port not on br-vhu"
[ "$(ovs_vsctl get Bridge br-vhu datapath_type)" = netdev ] || fail "datapath_type"
[ "$(extid $port iface-id)" = $UUID1 ] || fail "iface-id"
[ "$(extid $port attached-mac)" = fa:16:3e:00:01:01 ] || fail "attached-mac"
[ "$(extid $port vm-uuid)" = ctr1 ] || fail "vm-uuid"
[ "$(ovs_vsctl get Port $port tag)" = 42 ] || fail "tag"
[ "$(ovs_vsctl get Interface $port mtu_request)" = 1500 ] || fail "mtu_request"
sock=$(echo "$out" | json_get '[i for i in d["interfaces"] if "socketPath" in i][0]["socketPath"]')
[ "$sock" = "$OVS_DIR/$port" ] || fail "socketPath $sock, OVS made $OVS_DIR/$port: $out"
[ -S "$sock" ] || fail "no socket at $sock"
# what ADD waits for, and all QEMU needs: OVS listening on it (not a stale file)
ss -xlH | grep -qF " $sock " || fail "nobody listens on $sock after ADD: $(ss -xlH)"
[ "$(echo "$out" | json_get '[i for i in d["interfaces"] if "socketPath" in i][0]["name"]')" = $port ] ||
        fail "the socket's interface is not named after the port: $out"
# the placeholder: the VIF's MAC, MTU and IP, owned, up
link=$(ip -n kata1 -d -o link show eth0) || fail "no placeholder eth0"
echo "$link" | grep -q "link/ether fa:16:3e:00:01:01" || fail "placeholder MAC: $link"
echo "$link" | grep -q "mtu 1500" || fail "placeholder MTU: $link"
echo "$link" | grep -qE " (dummy|ifb) " || fail "placeholder kind: $link"
echo "$link" | grep -q "alias osvif vnet ctr1 eth0" || fail "placeholder owner: $link"
ip -n kata1 -o addr show eth0 | grep -q "10.90.0.1/24" || fail "placeholder address"
# Kata's entry: a 0700 directory of ours, a symlink to the real socket
[ "$(stat -c %a /tmp/vhostuser_10.90.0.1)" = 700 ] || fail "entry directory mode"
[ "$(readlink /tmp/vhostuser_10.90.0.1/vhu.sock)" = "$sock" ] || fail "entry does not lead to $sock"
ls "$OSVIF_STATE_DIR/vhostuser/vnet+ctr1+eth0.json" >/dev/null || fail "no state file"

# Kata's discovery finds the placeholder and the socket
disc=$(kata_discover kata1)
[ "$disc" = "eth0 fa:16:3e:00:01:01 /tmp/vhostuser_10.90.0.1/vhu.sock" ] || fail "Kata's rule found: '$disc'"
read -r _ kmac kpath <<<"$disc"
# ... and QEMU, given that path as Kata gives it (a client), carries traffic
vhu_guest_start g1 "$kpath" "$kmac" 10.90.0.1/24 10.90.0.10
vhu_guest_wait g1 GUEST-PING-OK 90 || fail "guest 1 (mode client, through Kata's path) never reached the pod"
ip netns exec pod0 ping -c 3 -W 2 10.90.0.1 >/dev/null || fail "the pod cannot reach guest 1"
ovs_vsctl get Interface $port status | grep -q 'status=connected' || fail "$port not connected"

vhu_conf $UUID1 10.90.0.1 client /x | with_prev "$PREV1" | cni CHECK /run/netns/kata1 eth0 ctr1 ||
        fail "CHECK of the client port"
vhu_guest_stop g1

# ---- mode server: QEMU serves the socket at vif.path, OVS connects ----
mkdir -m 0755 /run/osvif-test/qemu
qsock=/run/osvif-test/qemu/vm2.sock
out=$(vhu_conf $UUID2 10.90.0.2 server $qsock | cni ADD /run/netns/vm2 eth0 ctr2) || fail "ADD server: $out"
PREV2=$out
port2=vhu5f607182-00
[ "$(ovs_vsctl get Interface $port2 type)" = dpdkvhostuserclient ] || fail "type of $port2"
[ "$(ovs_vsctl get Interface $port2 options:vhost-server-path | tr -d '"')" = $qsock ] || fail "vhost-server-path"
[ "$(echo "$out" | json_get '[i for i in d["interfaces"] if "socketPath" in i][0]["socketPath"]')" = $qsock ] ||
        fail "socketPath of mode server: $out"
# no Kata entry: Kata's QEMU is always a client and cannot serve
[ -e /tmp/vhostuser_10.90.0.2 ] && fail "a Kata entry for mode server"
[ -z "$(kata_discover vm2)" ] || fail "Kata's rule matched a mode server attachment"
vhu_guest_start g2 $qsock fa:16:3e:00:01:02 10.90.0.2/24 10.90.0.10 server
vhu_guest_wait g2 GUEST-PING-OK 90 || fail "guest 2 (mode server) never reached the pod"
ip netns exec pod0 ping -c 3 -W 2 10.90.0.2 >/dev/null || fail "the pod cannot reach guest 2"
vhu_conf $UUID2 10.90.0.2 server $qsock | with_prev "$PREV2" | cni CHECK /run/netns/vm2 eth0 ctr2 ||
        fail "CHECK of the server port"
# DEL without the netns while QEMU still serves: the port goes, QEMU's socket stays
ip netns del vm2
vhu_conf $UUID2 10.90.0.2 server $qsock | CNI_COMMAND=DEL CNI_CONTAINERID=ctr2 CNI_IFNAME=eth0 "$OSVIF_BIN" ||
        fail "DEL server without netns"
[ -z "$(ovs_vsctl --if-exists get Port $port2 name 2>/dev/null)" ] || fail "$port2 left after DEL"
[ -S $qsock ] || fail "DEL removed QEMU's socket"
vhu_guest_stop g2

# ---- CHECK finds a broken Kata entry; DEL without netns; GC ----
rm /tmp/vhostuser_10.90.0.1/vhu.sock
out=$(vhu_conf $UUID1 10.90.0.1 client /x | with_prev "$PREV1" | cni CHECK /run/netns/kata1 eth0 ctr1) &&
        fail "CHECK passed without Kata's entry"
expect_error 109 "$out" "CHECK without Kata's entry"
ln -s "$sock" /tmp/vhostuser_10.90.0.1/vhu.sock
ip netns del kata1
echo '{"cniVersion":"1.1.0","name":"vnet","type":"osvif","ovsdb":"'"$OVSDB"'","cni.dev/valid-attachments":[{"containerID":"ctrp","ifname":"eth0"}]}' |
        CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN" || fail "GC"
[ -z "$(ovs_vsctl --if-exists get Port $port name 2>/dev/null)" ] || fail "GC left $port"
[ -e /tmp/vhostuser_10.90.0.1 ] && fail "GC left Kata's entry"
[ -e "$OSVIF_STATE_DIR/vhostuser/vnet+ctr1+eth0.json" ] && fail "GC left the state file"
[ "$(ovs_vsctl list-ports br-vhu)" = tap60718293-00 ] || fail "GC removed the valid pod's port"
VHU_OK=1
echo "vhostuser: ok"
