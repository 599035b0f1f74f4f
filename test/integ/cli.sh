#!/bin/bash
# The binary as people meet it: no CNI_COMMAND prints what it is; the sub-commands convert
# and validate VIFs; and with CNI_COMMAND set, arguments change nothing (runtimes never
# reach the sub-commands). Also the log file and prevResult passed through on ADD.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_cmd ip /usr/bin/python3
isolate "$0" "$@"

err=$(env -u CNI_COMMAND "$OSVIF_BIN" 2>&1 >/dev/null) || fail "about: non-zero exit"
echo "$err" | grep -q "CNI protocol versions supported: 0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0" ||
        fail "about text: $err"
[ -z "$(env -u CNI_COMMAND "$OSVIF_BIN" 2>/dev/null)" ] || fail "about writes to stdout"
"$OSVIF_BIN" --help | grep -q "osvif convert" || fail "--help"
"$OSVIF_BIN" --version | grep -q "1.1.0" || fail "--version"

# convert: native -> primitive -> native is stable; validate names the problem
prim=$("$OSVIF_BIN" convert --to primitive "$OSVIF_TEST_DATA/vif/native-ovs.json") || fail "convert to primitive"
echo "$prim" | grep -q '"versioned_object.name":\s*"VIFOpenVSwitch"' || fail "convert output: $prim"
a=$("$OSVIF_BIN" convert --to native "$OSVIF_TEST_DATA/vif/native-ovs.json")
b=$(echo "$prim" | "$OSVIF_BIN" convert --to native -)
[ "$a" = "$b" ] || fail "native -> primitive -> native changed the VIF"
old=$("$OSVIF_BIN" convert --manifest '{"VIFPortProfileOpenVSwitch":"1.0","Network":"1.0"}' "$OSVIF_TEST_DATA/vif/native-ovs.json")
echo "$old" | grep -q '"datapath_type"' && fail "manifest 1.0 kept datapath_type"
"$OSVIF_BIN" validate "$OSVIF_TEST_DATA/vif/native-hybrid.json" | grep -q "valid: VIFBridge with VIFPortProfileOpenVSwitch" ||
        fail "validate a good VIF"
out=$(echo '{"type":"ovs","bridge_name":"b","port_profile":{"type":"openvswitch","interface_id":"xyz"}}' |
        "$OSVIF_BIN" validate 2>&1) && fail "validate accepted a bad interface_id"
echo "$out" | grep -q 'vif.port_profile.interface_id: "xyz" is not a UUID' || fail "validate message: $out"

# with CNI_COMMAND, argv is ignored: VERSION answers, no sub-command runs
out=$(echo '{"cniVersion":"0.4.0"}' | CNI_COMMAND=VERSION "$OSVIF_BIN" convert --to native) || fail "VERSION with arguments"
[ "$(echo "$out" | json_get 'd["cniVersion"]')" = 0.4.0 ] || fail "VERSION answer: $out"

# the log file, and a prevResult passed through with our additions
make_netns pod
conf='{"cniVersion":"1.0.0","name":"lnet","type":"osvif","logFile":"'$OSVIF_RUN_DIR'-log","logLevel":"debug",
 "vif":{"type":"bridge","bridge_name":"brlog","network":{"subnets":[{"cidr":"10.66.0.0/24","ips":["10.66.0.2"]}]}},
 "prevResult":{"cniVersion":"1.0.0","interfaces":[{"name":"dummy0","sandbox":"/run/netns/pod"}],
               "ips":[{"interface":0,"address":"192.0.2.9/24"}],"dns":{"nameservers":["192.0.2.53"]}}}'
out=$(echo "$conf" | cni ADD /run/netns/pod eth0 lctr 2>/dev/null) || fail "ADD with prevResult: $out"
echo "$out" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
names = [i["name"] for i in d["interfaces"]]
assert names[0] == "dummy0" and names[-1] == "eth0", names      # passed through, then ours
assert d["ips"][0] == {"interface": 0, "address": "192.0.2.9/24"}, d
assert d["ips"][1]["interface"] == len(names) - 1, d            # ours points at our interface
assert d["dns"]["nameservers"] == ["192.0.2.53"], d
' || fail "prevResult not passed through and amended: $out"
grep -q "ADD lctr/eth0: VIFBridge from vif" "$OSVIF_RUN_DIR-log" || fail "log file: $(cat "$OSVIF_RUN_DIR-log")"
grep -q "debug: apply step" "$OSVIF_RUN_DIR-log" || fail "debug level not honoured"
echo "cli: ok"
