#!/bin/bash
# libcni (Debian's golang-github-appc-cni-dev) drives a two-plugin chain: osvif, then Debian's
# reference `tuning` plugin. ADD hands our result to tuning as prevResult (tuning changes
# the MAC and passes our interfaces and addresses on); CHECK and DEL hand the chain's final
# result back to us as prevResult, so our CHECK sees tuning's MAC. Two pods on one bridge
# reach each other. Then VIFDirect (macvlans in bridge mode) through the same client.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/e2e/lib.sh"
require_root
require_cmd go ip /usr/bin/python3
[ -d /usr/share/gocode/src/github.com/containernetworking/cni/libcni ] || skip "needs golang-github-appc-cni-dev"
[ -x /usr/lib/cni/tuning ] || skip "needs containernetworking-plugins"
isolate "$0" "$@"

T=/run/osvif-test
H=$T/harness
GOCACHE=$T/gocache GOPATH=/usr/share/gocode GO111MODULE=off go build -o $H "$OSVIF_SRCDIR/test/e2e/libcni/harness.go" ||
        fail "build the libcni harness"
BIN=$(e2e_bin_dir)
cat >$T/chain.conflist <<JSON
{"cniVersion":"1.0.0","name":"chain","plugins":[
 {"type":"osvif","vif":{"type":"bridge","bridge_name":"brchain"},
  "ipam":{"type":"host-local","dataDir":"$T/ipam","ranges":[[{"subnet":"10.88.8.0/24","gateway":"10.88.8.1"}]]}},
 {"type":"tuning","capabilities":{"mac":true},"sysctl":{"net.ipv4.conf.eth0.arp_filter":"1"}}]}
JSON
# harness VERB NETNS CONTAINER: each pod's MAC reaches tuning through the mac capability
harness() { $H "$1" $T/chain.conflist "/run/netns/$2" "$3" eth0 "$BIN" $T/cache "{\"mac\":\"02:11:22:33:44:$4\"}"; }
make_netns a
make_netns b
out=$(harness add a ctra 0a) || fail "ADD a: $out"
echo "$out" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
eth0 = [i for i in d["interfaces"] if i["name"] == "eth0"][0]
assert eth0["mac"] == "02:11:22:33:44:0a", d        # tuning amended our interface
assert eth0["sandbox"] == "/run/netns/a", d
assert d["ips"][0]["address"] == "10.88.8.2/24", d  # and passed our address on
' || fail "the chain's result lacks osvif's or tuning's part: $out"
ip -n a -o link show eth0 | grep -q 02:11:22:33:44:0a || fail "tuning did not act on our interface"
[ "$(ip netns exec a cat /proc/sys/net/ipv4/conf/eth0/arp_filter)" = 1 ] || fail "tuning's sysctl"
[ -f "$T/cache/results/chain-ctra-eth0" ] || fail "libcni cached no result"

harness add b ctrb 0b >/dev/null || fail "ADD b"
ip netns exec a ping -c 2 -W 2 10.88.8.3 >/dev/null || fail "a cannot reach b"

# CHECK: libcni gives us the final result (with tuning's MAC) as prevResult
harness check a ctra 0a || fail "CHECK a"
ip -n a link set eth0 address 02:99:99:99:99:99
harness check a ctra 0a 2>$T/check.err && fail "CHECK passed with the MAC changed behind the chain's back"
grep -q "02:99:99:99:99:99" $T/check.err || fail "CHECK does not name the MAC: $(cat $T/check.err)"

harness del a ctra 0a || fail "DEL a"
harness del b ctrb 0b || fail "DEL b"
harness del b ctrb 0b || fail "DEL b again"
[ -z "$(ip -d link show | grep 'alias osvif')" ] || fail "links of ours left"
left=$(ls $T/ipam/chain | grep -v -E '^(lock|last_reserved_ip\.0)$' || true)
[ -z "$left" ] || fail "addresses still reserved: $left"

# VIFDirect through libcni: macvlans in bridge mode on one lower device ("master"; a veth stands
# in for the NIC), host-local addresses, the mac capability; two pods reach each other
ip link add eno1 type veth peer name eno1p
ip link set eno1 up
ip link set eno1p up   # the wire: a macvlan has carrier only when its lower device has
cat >$T/direct.conflist <<JSON
{"cniVersion":"1.0.0","name":"direct","plugins":[
 {"type":"osvif","master":"eno1","capabilities":{"mac":true},"vif":{"type":"direct","mode":"bridge"},
  "ipam":{"type":"host-local","dataDir":"$T/ipam","ranges":[[{"subnet":"10.88.9.0/24"}]]}}]}
JSON
dharness() { $H "$1" $T/direct.conflist "/run/netns/$2" "$3" eth0 "$BIN" $T/cache "{\"mac\":\"02:11:22:33:55:$4\"}"; }
out=$(dharness add a dctra 0a) || fail "direct ADD a: $out"
ip -n a -d -o link show eth0 | grep -q "02:11:22:33:55:0a.*macvlan mode bridge" || fail "direct: $(ip -n a -d -o link show eth0)"
dharness add b dctrb 0b >/dev/null || fail "direct ADD b"
ip netns exec a ping -c 2 -W 2 10.88.9.3 >/dev/null || fail "direct: a cannot reach b"
dharness check a dctra 0a || fail "direct CHECK a"
dharness del a dctra 0a || fail "direct DEL a"
dharness del b dctrb 0b || fail "direct DEL b"
ip -n a link show eth0 >/dev/null 2>&1 && fail "direct: DEL left a's link"
echo "libcni: ok"
