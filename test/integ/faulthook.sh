#!/bin/bash
# The fault-injection hook is a build option: a binary configured with
# --enable-fault-injection fails an ADD before step OSVIF_FAULT_STEP and leaves the host as it
# was; any other binary (a distribution's, a production one) does not contain the hook and
# ignores the variable. CI runs this suite in both kinds of build.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_cmd ip /usr/bin/python3
isolate "$0" "$@"

make_netns pod
conf='{"cniVersion":"1.1.0","name":"hnet","type":"osvif",
 "vif":{"type":"generic","vif_name":"taphook0","network":{"subnets":[{"cidr":"10.32.0.0/24","ips":["10.32.0.9"]}]}}}'

before=$(snapshot --netns pod)
if fault_injection_built; then
        grep -qa OSVIF_FAULT_STEP "$OSVIF_BIN" || fail "a fault-injection build without the hook in $OSVIF_BIN"
        out=$(echo "$conf" | OSVIF_FAULT_STEP=0 cni ADD /run/netns/pod eth0 hctr) && fail "the hook was ignored: $out"
        expect_error 100 "$out" "fault at step 0"
        echo "$out" | grep -q "fault injected before step 0" || fail "not the injected fault: $out"
        assert_same_snapshot "$before" "$(snapshot --netns pod)" "injected fault"
else
        grep -qa OSVIF_FAULT_STEP "$OSVIF_BIN" && fail "$OSVIF_BIN reads OSVIF_FAULT_STEP without --enable-fault-injection"
        out=$(echo "$conf" | OSVIF_FAULT_STEP=0 cni ADD /run/netns/pod eth0 hctr) || fail "ADD with OSVIF_FAULT_STEP set: $out"
        ip -n pod -o addr show eth0 | grep -q "inet 10.32.0.9/24" || fail "the ADD did not configure the pod"
        out=$(echo "$conf" | cni DEL /run/netns/pod eth0 hctr) || fail "DEL: $out"
        assert_same_snapshot "$before" "$(snapshot --netns pod)" "ADD then DEL"
fi
