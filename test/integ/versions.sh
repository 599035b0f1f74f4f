#!/bin/bash
# ADD, CHECK and DEL with every spec version: the result has that version's shape.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_cmd ip /usr/bin/python3
isolate "$0" "$@"

make_netns pod
for v in 0.1.0 0.2.0 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0; do
        conf='{"cniVersion":"'$v'","name":"vnet","type":"osvif","vif":{"type":"bridge","bridge_name":"brv",
               "network":{"mtu":1400,"subnets":[{"cidr":"10.60.0.0/24","gateway":"10.60.0.1","ips":["10.60.0.7"]}]}}}'
        out=$(echo "$conf" | cni ADD /run/netns/pod eth0 vctr) || fail "ADD $v: $out"
        echo "$out" | /usr/bin/python3 -c '
import json, sys
v, d = sys.argv[1], json.load(sys.stdin)
assert d["cniVersion"] == v, d
if v in ("0.1.0", "0.2.0"):
    assert set(d) == {"cniVersion", "ip4", "dns"}, d
    assert d["ip4"] == {"ip": "10.60.0.7/24", "gateway": "10.60.0.1",
                        "routes": [{"dst": "0.0.0.0/0", "gw": "10.60.0.1"}]}, d
else:
    assert set(d) == {"cniVersion", "interfaces", "ips", "routes", "dns"}, d
    eth0 = d["interfaces"][1]
    assert eth0["sandbox"] == "/run/netns/pod", d
    assert ("mtu" in eth0) == v.startswith("1."), d
    ip = d["ips"][0]
    assert ip["address"] == "10.60.0.7/24" and ip["interface"] == 1, d
    assert ("version" in ip) == v.startswith("0."), d
' "$v" || fail "result shape for $v: $out"
        if [ "$v" != 0.1.0 ] && [ "$v" != 0.2.0 ] && [ "$v" != 0.3.0 ] && [ "$v" != 0.3.1 ]; then
                echo "$conf" | /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); c["prevResult"]=json.loads(sys.argv[1]); print(json.dumps(c))' "$out" |
                        cni CHECK /run/netns/pod eth0 vctr || fail "CHECK $v"
        fi
        echo "$conf" | cni DEL /run/netns/pod eth0 vctr || fail "DEL $v"
done
# a result without addresses cannot be expressed in 0.1.0/0.2.0: refused, and rolled back
before=$(snapshot --netns pod)
out=$(echo '{"cniVersion":"0.2.0","name":"vnet","type":"osvif","vif":{"type":"bridge","bridge_name":"brv"}}' |
        cni ADD /run/netns/pod eth0 vctr) && fail "an L2-only ADD at 0.2.0 succeeded"
expect_error 1 "$out" "L2-only at 0.2.0"
assert_same_snapshot "$before" "$(snapshot --netns pod)" "L2-only at 0.2.0"
echo "versions: ok"
