#!/bin/bash
# GC removes what attachments not in cni.dev/valid-attachments own on this network (and only
# on this network), without their netns; STATUS says whether an ADD could be served.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_cmd ip /usr/bin/python3
isolate "$0" "$@"

conf() { echo '{"cniVersion":"1.1.0","name":"'"${1:-gnet}"'","type":"osvif","vif":{"type":"bridge","bridge_name":"brgc"}}'; }
for i in 1 2 3; do
        make_netns "p$i"
        conf | cni ADD "/run/netns/p$i" eth0 "ctr$i" >/dev/null || fail "ADD $i"
done
make_netns other
conf othernet | cni ADD /run/netns/other eth0 ctrother >/dev/null || fail "ADD on another network"
ip netns del p1 # GC must not need the netns

gc() { # gc JSON-LIST
        conf | /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); c["cni.dev/valid-attachments"]=json.loads(sys.argv[1]); print(json.dumps(c))' "$1" |
                CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN"
}
out=$(gc '[{"containerID":"ctr2","ifname":"eth0"}]') || fail "GC: $out"
[ -z "$out" ] || fail "GC prints nothing: $out"
owned() { ip -d link show | grep -c "alias osvif $1 " || true; }
[ "$(owned gnet)" = 1 ] || fail "GC kept $(owned gnet) links of gnet, want 1 (ctr2's)"
ip -d link show | grep -q "alias osvif gnet ctr2 eth0" || fail "GC removed the valid attachment"
[ "$(owned othernet)" = 1 ] || fail "GC touched another network"
ip -n p2 -o link show eth0 >/dev/null || fail "the valid pod lost its interface"
ip -n p3 -o link show eth0 >/dev/null 2>&1 && fail "the stale pod kept its interface"

out=$(gc '[]') || fail "GC with no valid attachment: $out"
[ "$(owned gnet)" = 0 ] || fail "GC with an empty list kept links"

# STATUS
out=$(conf | CNI_COMMAND=STATUS "$OSVIF_BIN") || fail "STATUS of a bridge network: $out"
[ -z "$out" ] || fail "STATUS prints nothing on success: $out"
out=$(echo '{"cniVersion":"1.1.0","name":"s","type":"osvif","ovsdb":"unix:/run/nothing/db.sock",
        "vif":{"type":"ovs","bridge_name":"br-int","port_profile":{"type":"openvswitch"}}}' | CNI_COMMAND=STATUS "$OSVIF_BIN") &&
        fail "STATUS without OVSDB succeeded"
expect_error 50 "$out" "STATUS without OVSDB"
echo "$out" | grep -q "/run/nothing/db.sock" || fail "STATUS names what is missing: $out"
# a row of the mapping this version does not serve: an ADD could not be served, so 50
out=$(echo '{"cniVersion":"1.1.0","name":"s","type":"osvif",
        "vif":{"type":"nested_dpdk","pci_address":"0000:00:05.0","dev_driver":"vfio-pci"}}' | CNI_COMMAND=STATUS "$OSVIF_BIN") &&
        fail "STATUS of a VIF not served succeeded"
expect_error 50 "$out" "STATUS of a VIF not served"
echo "$out" | grep -q "VIFNestedDPDK with no port profile is not served" || fail "STATUS names the row: $out"
echo "gcstatus: ok"
