#!/bin/bash
# VIFGeneric: a veth whose host end is up and unattached, for the operator's routing; and the
# default host name from container id and interface name when the VIF has none.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_cmd ip ping /usr/bin/python3
isolate "$0" "$@"

make_netns pod
rm -f /run/osvif-test/ready
/usr/bin/python3 "$OSVIF_SRCDIR/test/integ/capture.py" 3 /run/osvif-test/ready >/run/osvif-test/announced &
capture=$!
while [ ! -e /run/osvif-test/ready ]; do sleep 0.05; done
cat >/run/osvif-test/generic.json <<'JSON'
{"cniVersion":"1.0.0","name":"gnet","type":"osvif",
 "vif":{"type":"VIFGeneric","network":{"mtu":1450,"subnets":[
   {"cidr":"10.31.0.0/24","gateway":"10.31.0.1","ips":["10.31.0.9"]},
   {"cidr":"fd31::/64","gateway":"fd31::1","ips":["fd31::9"]}]}}}
JSON
out=$(cni ADD /run/netns/pod eth0 genctr </run/osvif-test/generic.json) || fail "ADD: $out"
host=$(echo "$out" | json_get 'd["interfaces"][0]["name"]')
case "$host" in tap???????????) ;; *) fail "host name \"$host\" is not tap + 11 hex digits" ;; esac
ip -o link show "$host" | grep -q master && fail "a VIFGeneric host end must not be attached"
ip -o link show "$host" | grep -q "state UP" || fail "host end is not up"
ip -d link show "$host" | grep -q "alias osvif gnet genctr eth0" || fail "owner alias"
ip -n pod -o addr show eth0 | grep -q "inet6 fd31::9/64" || fail "IPv6 address"
ip -n pod -o addr show eth0 | grep "inet6 fd31::9/64" | grep -q tentative && fail "IPv6 address still tentative (DAD)"
ip -n pod -6 route | grep -q "default via fd31::1" || fail "IPv6 default route"
[ "$(echo "$out" | json_get 'len(d["ips"])')" = 2 ] || fail "dual stack result"

[ "$(ip netns exec pod cat /proc/sys/net/ipv6/conf/eth0/accept_dad)" = 0 ] || fail "accept_dad on a pod with IPv6"
[ "$(ip netns exec pod cat /proc/sys/net/ipv6/conf/eth0/ndisc_notify)" = 1 ] || fail "ndisc_notify on a pod with IPv6"
# the kernel announced both addresses with the pod's MAC (arp_notify, ndisc_notify)
mac=$(echo "$out" | json_get 'd["interfaces"][1]["mac"]')
wait $capture
grep -qx "garp 10.31.0.9 $mac" /run/osvif-test/announced || fail "no gratuitous ARP: $(cat /run/osvif-test/announced)"
grep -qx "na fd31::9 $mac" /run/osvif-test/announced || fail "no unsolicited NA: $(cat /run/osvif-test/announced)"

# the operator's routing: an address on the host end and a route to the pod
ip addr add 10.31.0.1/32 dev "$host"
ip route add 10.31.0.9/32 dev "$host"
ping -c 1 -W 2 10.31.0.9 >/dev/null || fail "host cannot reach the routed pod"

# the same config for another pod: another host name
make_netns pod2
out2=$(cni ADD /run/netns/pod2 eth0 genctr2 </run/osvif-test/generic.json) || fail "ADD pod2: $out2"
[ "$(echo "$out2" | json_get 'd["interfaces"][0]["name"]')" != "$host" ] || fail "two pods got the same host name"

cni DEL /run/netns/pod eth0 genctr </run/osvif-test/generic.json || fail "DEL"
cni DEL /run/netns/pod2 eth0 genctr2 </run/osvif-test/generic.json || fail "DEL pod2"
ip link show "$host" >/dev/null 2>&1 && fail "host end left"
echo "generic: ok"
