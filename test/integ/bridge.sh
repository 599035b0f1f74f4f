#!/bin/bash
# VIFBridge end to end through the real binary: two pods on one Linux bridge with addresses
# from the os-vif network (per-pod VIFs in args.cni.vif, which the network config's podVif
# lets set their id, MAC and fixed IPs), what ADD set up on both sides, ping,
# CHECK (and a CHECK that must fail), DEL, and nothing left.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_cmd ip ping /usr/bin/python3
isolate "$0" "$@"

make_netns pod1
make_netns pod2

conf() { # conf ID IP
        cat <<JSON
{"cniVersion":"1.1.0","name":"bnet","type":"osvif",
 "vif":{"type":"bridge","bridge_name":"brtest","network":{"mtu":1400,"subnets":[{"cidr":"10.20.0.0/24","gateway":"10.20.0.1",
   "dns":["10.20.0.53"],"routes":[{"cidr":"192.0.2.0/24","gateway":"10.20.0.254"}]}]}},
 "podVif":{"sources":["args"],"allowInterfaceId":true,"allowMac":true,"allowFixedIps":true},
 "args":{"cni":{"vif":{"type":"bridge","id":"$1","bridge_name":"brtest","address":"02:00:00:00:00:$(printf %02x "${2##*.}")",
   "network":{"mtu":1400,"subnets":[{"cidr":"10.20.0.0/24","gateway":"10.20.0.1","ips":["$2"],"dns":["10.20.0.53"],
     "routes":[{"cidr":"192.0.2.0/24","gateway":"10.20.0.254"}]}]}}}}}
JSON
}
ID1=a1111111-2222-4333-8444-555555555501
ID2=b2222222-2222-4333-8444-555555555502

out=$(conf $ID1 10.20.0.5 | cni ADD /run/netns/pod1 eth0 pod1ctr) || fail "ADD pod1: $out"
echo "$out" | json_get 'd' >/dev/null
[ "$(echo "$out" | json_get 'd["interfaces"][0]["name"]')" = "tapa1111111-22" ] || fail "host end named from the VIF id: $out"
[ "$(echo "$out" | json_get 'd["interfaces"][1]["sandbox"]')" = /run/netns/pod1 ] || fail "pod interface sandbox: $out"
[ "$(echo "$out" | json_get 'd["interfaces"][1]["mac"]')" = 02:00:00:00:00:05 ] || fail "MAC from vif.address: $out"
[ "$(echo "$out" | json_get 'd["interfaces"][1]["mtu"]')" = 1400 ] || fail "MTU in the 1.1.0 result: $out"
[ "$(echo "$out" | json_get 'd["ips"][0]["address"]')" = 10.20.0.5/24 ] || fail "address: $out"
[ "$(echo "$out" | json_get 'd["ips"][0]["interface"]')" = 1 ] || fail "ip points at the pod interface: $out"
[ "$(echo "$out" | json_get 'd["dns"]["nameservers"][0]')" = 10.20.0.53 ] || fail "dns: $out"
PREV1="$out"
# the pod end is born in the pod as eth0: no temporary name, no rename (a rename waits for an
# RCU grace period holding RTNL), and nothing watching the pod's links sees another name
ip -n pod2 monitor link >/run/osvif-test/pod2-links 2>&1 &
mon=$!
sleep 0.2
out=$(conf $ID2 10.20.0.6 | cni ADD /run/netns/pod2 eth0 pod2ctr) || fail "ADD pod2: $out"
PREV2="$out"
sleep 0.2
kill $mon
wait $mon 2>/dev/null || true
grep -q ": eth0@" /run/osvif-test/pod2-links || fail "no link event for eth0 in pod2: $(cat /run/osvif-test/pod2-links)"
if grep -v ": eth0@" /run/osvif-test/pod2-links | grep -q "^[0-9]*: "; then
        fail "pod2 saw a link under another name: $(cat /run/osvif-test/pod2-links)"
fi

# host side: on the bridge, up, owned
ip -o link show tapa1111111-22 | grep -q "master brtest" || fail "host end not on brtest"
ip -o link show tapa1111111-22 | grep -q "state UP" || fail "host end not up"
ip -d link show tapa1111111-22 | grep -q "alias osvif bnet pod1ctr eth0" || fail "host end lacks its owner alias"
[ "$(cat /sys/class/net/brtest/mtu 2>/dev/null || ip -o link show brtest | sed -E 's/.*mtu ([0-9]+).*/\1/')" = 1400 ] || fail "bridge MTU"
# pod side
ip -n pod1 -o addr show eth0 | grep -q "inet 10.20.0.5/24" || fail "pod1 address"
ip -n pod1 route | grep -q "default via 10.20.0.1 dev eth0" || fail "pod1 default route"
ip -n pod1 route | grep -q "192.0.2.0/24 via 10.20.0.254 dev eth0" || fail "pod1 subnet route"
[ "$(ip netns exec pod1 cat /proc/sys/net/ipv4/conf/eth0/arp_notify)" = 1 ] || fail "arp_notify"
# IPv4 only: the IPv6 sysctls keep the kernel's defaults (generic.sh has the dual-stack case)
if [ -e /proc/sys/net/ipv6 ]; then
        [ "$(ip netns exec pod1 cat /proc/sys/net/ipv6/conf/eth0/accept_dad)" = "$(ip netns exec pod1 cat /proc/sys/net/ipv6/conf/default/accept_dad)" ] ||
                fail "accept_dad changed on an IPv4-only pod"
        [ "$(ip netns exec pod1 cat /proc/sys/net/ipv6/conf/eth0/ndisc_notify)" = 0 ] || fail "ndisc_notify set on an IPv4-only pod"
fi
ip -n pod1 -o link show eth0 | grep -q "mtu 1400" || fail "pod MTU"
ip -n pod1 -d link show eth0 | grep -q "alias osvif bnet pod1ctr eth0" || fail "pod end lacks its owner alias"
ip -n pod1 -o link show eth0 | grep -q "state UP" || fail "pod end not up"
# one queue each way, asked for at creation (the kernel's default, a queue per CPU trimmed
# to one afterwards, costs an RCU grace period under RTNL per end)
ip -d link show tapa1111111-22 | grep -q "numtxqueues 1 numrxqueues 1 " || fail "host end: not created with one queue each way"
ip -n pod1 -d link show eth0 | grep -q "numtxqueues 1 numrxqueues 1 " || fail "pod end: not created with one queue each way"

ip netns exec pod1 ping -c 2 -W 2 10.20.0.6 >/dev/null || fail "pod1 cannot reach pod2"

# CHECK against prevResult, then with the address gone
with_prev() { /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); c["prevResult"]=json.loads(sys.argv[1]); print(json.dumps(c))' "$1"; }
check_conf=$(conf $ID1 10.20.0.5 | with_prev "$PREV1")
out=$(echo "$check_conf" | cni CHECK /run/netns/pod1 eth0 pod1ctr) || fail "CHECK pod1: $out"
ip -n pod1 addr del 10.20.0.5/24 dev eth0
out=$(echo "$check_conf" | cni CHECK /run/netns/pod1 eth0 pod1ctr) && fail "CHECK passed without the address"
expect_error 109 "$out" "CHECK without the address"
echo "$out" | grep -q "10.20.0.5/24" || fail "CHECK names the missing address: $out"
# CHECK verifies prevResult's routes too: pod2 without its subnet route, then without its default
check_conf=$(conf $ID2 10.20.0.6 | with_prev "$PREV2")
out=$(echo "$check_conf" | cni CHECK /run/netns/pod2 eth0 pod2ctr) || fail "CHECK pod2: $out"
ip -n pod2 route del 192.0.2.0/24
out=$(echo "$check_conf" | cni CHECK /run/netns/pod2 eth0 pod2ctr) && fail "CHECK passed without a route"
expect_error 109 "$out" "CHECK without a route"
echo "$out" | grep -q "route to 192.0.2.0/24 via 10.20.0.254 is missing" || fail "CHECK names the missing route: $out"
ip -n pod2 route add 192.0.2.0/24 via 10.20.0.254 dev eth0
ip -n pod2 route del default
out=$(echo "$check_conf" | cni CHECK /run/netns/pod2 eth0 pod2ctr) && fail "CHECK passed without the default route"
echo "$out" | grep -q "route to 0.0.0.0/0 via 10.20.0.1 is missing" || fail "CHECK names the default route: $out"

# DEL, twice each; the shared bridge stays, nothing of ours does
for i in 1 2; do
        out=$(conf $ID1 10.20.0.5 | cni DEL /run/netns/pod1 eth0 pod1ctr) || fail "DEL pod1 ($i): $out"
        [ -z "$out" ] || fail "DEL prints nothing: $out"
done
ip link show tapb2222222-22 >/dev/null || fail "DEL of pod1 touched pod2"
# pod2's VIF is not the one it was added with (another id, so other host names): DEL still
# finds what pod2 owns, by owner
for i in 1 2; do
        out=$(conf $ID1 10.20.0.6 | cni DEL /run/netns/pod2 eth0 pod2ctr) || fail "DEL pod2 ($i): $out"
done
[ -z "$(ip -d link show | grep 'alias osvif')" ] || fail "links of ours left on the host"
[ -z "$(ip -n pod1 -o link show eth0 2>/dev/null)" ] || fail "pod1 eth0 left"
ip link show brtest >/dev/null || fail "the shared bridge is kept"
[ -z "$(ls -A "$OSVIF_RUN_DIR" 2>/dev/null)" ] || fail "files left in the run dir: $(ls -A "$OSVIF_RUN_DIR")"
echo "bridge: ok"
