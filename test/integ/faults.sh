#!/bin/bash
# Fault injection: every step of an ADD fails in turn (OSVIF_FAULT_STEP=n makes the executor
# fail just before step n), and conflicting objects make real steps fail. After each failure
# the host is exactly as before: links, addresses, routes, bridge membership, IPAM
# reservations, osvif's state and lock files.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_fault_injection
require_cmd ip /usr/bin/python3
isolate "$0" "$@"

make_netns pod
IPAM_DIR=/run/osvif-test/ipam
mkdir -p "$IPAM_DIR"

bridge_conf() {
        cat <<JSON
{"cniVersion":"1.1.0","name":"fnet","type":"osvif",
 "vif":{"type":"bridge","bridge_name":"${1:-brfault}","vif_name":"${2:-tapfault0}","network":{"mtu":1450}},
 "ipam":{"type":"host-local","dataDir":"$IPAM_DIR","ranges":[[{"subnet":"10.30.0.0/24","gateway":"10.30.0.1"}]],
         "routes":[{"dst":"0.0.0.0/0"}]}}
JSON
}
generic_conf() {
        cat <<JSON
{"cniVersion":"1.1.0","name":"fnet","type":"osvif",
 "vif":{"type":"generic","vif_name":"tapgen0","network":{"subnets":[{"cidr":"10.31.0.0/24","gateway":"10.31.0.1","ips":["10.31.0.9"],
        "routes":[{"cidr":"198.51.100.0/24","gateway":"10.31.0.1"}]}]}}}
JSON
}

# host-local keeps a lock file and its last reservation in its data dir after the first
# use; they are its bookkeeping, not a reservation: let them exist before the snapshots
bridge_conf | cni ADD /run/netns/pod eth0 warmup >/dev/null || fail "warm-up ADD"
bridge_conf | cni DEL /run/netns/pod eth0 warmup >/dev/null || fail "warm-up DEL"
ip link del brfault

# inject CONF_FN N_STEPS: fail before each step in turn, host unchanged each time
inject() {
        local fn=$1 steps=$2 before after out
        before=$(snapshot --netns pod --dir "$IPAM_DIR")
        for ((n = 0; n < steps; n++)); do
                out=$($fn | OSVIF_FAULT_STEP=$n cni ADD /run/netns/pod eth0 fctr) && fail "$fn: ADD succeeded with a fault at step $n"
                expect_error 100 "$out" "$fn step $n"
                echo "$out" | grep -q "fault injected before step $n" || fail "$fn step $n: $out"
                after=$(snapshot --netns pod --dir "$IPAM_DIR")
                assert_same_snapshot "$before" "$after" "$fn: fault before step $n"
        done
        # past the last step there is no fault: the ADD goes through (and is undone by DEL)
        out=$($fn | OSVIF_FAULT_STEP=$steps cni ADD /run/netns/pod eth0 fctr) || fail "$fn: ADD without fault: $out"
        out=$($fn | cni DEL /run/netns/pod eth0 fctr) || fail "$fn: DEL: $out"
}

# bridge plan: ipam, bridge, veth (onto the bridge), pod-link, pod-l3
inject bridge_conf 5
ip link show brfault >/dev/null 2>&1 && ip link del brfault
# the bridge created by a failed ADD is removed again; one that existed before is kept
ip link add brfault type bridge
inject bridge_conf 5
ip link show brfault >/dev/null || fail "a bridge that existed before the ADD was removed"
ip link del brfault
inject generic_conf 3

# real failures, from conflicting objects placed beforehand
before=$(snapshot --netns pod --dir "$IPAM_DIR")
ip link add tapfault0 type dummy 2>/dev/null || ip link add tapfault0 type bridge
taken=$(snapshot --netns pod --dir "$IPAM_DIR")
out=$(bridge_conf | cni ADD /run/netns/pod eth0 fctr) && fail "ADD over a taken host name succeeded"
expect_error 103 "$out" "host name taken"
assert_same_snapshot "$taken" "$(snapshot --netns pod --dir "$IPAM_DIR")" "host name taken"
ip link del tapfault0

ip -n pod link add eth0 type veth peer name other0
taken=$(snapshot --netns pod --dir "$IPAM_DIR")
out=$(bridge_conf | cni ADD /run/netns/pod eth0 fctr) && fail "ADD over a taken pod ifname succeeded"
expect_error 103 "$out" "pod ifname taken"
assert_same_snapshot "$taken" "$(snapshot --netns pod --dir "$IPAM_DIR")" "pod ifname taken"
ip -n pod link del eth0

ip link add brnotabridge type veth peer name brnotabridgep
taken=$(snapshot --netns pod --dir "$IPAM_DIR")
out=$(bridge_conf brnotabridge | cni ADD /run/netns/pod eth0 fctr) && fail "ADD onto a non-bridge succeeded"
expect_error 103 "$out" "bridge name taken by a veth"
assert_same_snapshot "$taken" "$(snapshot --netns pod --dir "$IPAM_DIR")" "bridge name taken"
ip link del brnotabridge

# a route that cannot be added (its gateway is not on-link) fails L3 late in the plan
cat >/run/osvif-test/badroute.json <<JSON
{"cniVersion":"1.1.0","name":"fnet","type":"osvif",
 "vif":{"type":"bridge","bridge_name":"brfault","network":{"subnets":[{"cidr":"10.32.0.0/24","ips":["10.32.0.9"],
        "routes":[{"cidr":"198.51.100.0/24","gateway":"203.0.113.1"}]}]}}}
JSON
out=$(cni ADD /run/netns/pod eth0 fctr </run/osvif-test/badroute.json) && fail "ADD with an unreachable gateway succeeded"
expect_error 101 "$out" "unreachable gateway"
assert_same_snapshot "$before" "$(snapshot --netns pod --dir "$IPAM_DIR")" "unreachable gateway"
echo "faults: ok"
