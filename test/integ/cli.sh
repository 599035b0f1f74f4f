#!/bin/bash
# The binary as people meet it: no CNI_COMMAND prints what it is; the sub-commands convert
# and validate VIFs and show the plan of an ADD; and with CNI_COMMAND set, arguments change
# nothing (runtimes never reach the sub-commands). Also the log file and prevResult passed
# through on ADD.
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
"$OSVIF_BIN" validate "$OSVIF_TEST_DATA/vif/native-hybrid.json" | grep -qx "valid: VIFBridge with VIFPortProfileOpenVSwitch" ||
        fail "validate a good VIF"
# validate reads the mapping: a row not served yet says so, a pair without a row is refused
out=$(echo '{"type":"nested_dpdk","pci_address":"0000:00:05.0","dev_driver":"vfio-pci"}' | "$OSVIF_BIN" validate) ||
        fail "validate refused a VIFHostDevice"
[ "$out" = "valid: VIFNestedDPDK (not served by this version: ADD answers code 110)" ] ||
        fail "validate of a row not served: $out"
out=$(echo '{"type":"direct","dev_address":"0000:00:01.0","mode":"vepa","port_profile":{"type":"openvswitch"}}' |
        "$OSVIF_BIN" validate 2>&1) && fail "validate accepted VIFDirect with an OpenVSwitch profile"
echo "$out" | grep -q "(code 7): vif: VIFDirect with port profile VIFPortProfileOpenVSwitch cannot be served: no row of the mapping" ||
        fail "validate without a row: $out"
out=$(echo '{"type":"ovs","bridge_name":"b","port_profile":{"type":"openvswitch","interface_id":"xyz"}}' |
        "$OSVIF_BIN" validate 2>&1) && fail "validate accepted a bad interface_id"
echo "$out" | grep -q 'vif.port_profile.interface_id: "xyz" is not a UUID' || fail "validate message: $out"

# plan: the steps of an ADD, from the config as a runtime would pass it, and nothing done
before=$(ip -o link show)
out=$(echo '{"cniVersion":"1.1.0","name":"pnet","type":"osvif","ovsdb":"unix:/nonexistent",
 "vif":{"type":"bridge","bridge_name":"brp","vif_name":"tapplan0",
   "port_profile":{"type":"openvswitch","interface_id":"0a2b3c4d-0000-4000-8000-000000000001"},
   "network":{"bridge":"br-int","vlan":7}}}' | CNI_CONTAINERID=pc CNI_IFNAME=net1 "$OSVIF_BIN" plan) ||
        fail "plan of a hybrid plug: $out"
echo "$out" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [s["step"] for s in d["steps"]] == ["bridge", "qvb-qvo", "ovs-port", "veth", "pod-link", "pod-l3"], d
assert d["row"]["vifType"] == "VIFBridge" and d["row"]["portProfile"] == "VIFPortProfileOpenVSwitch", d
assert d["row"]["needs"] == ["ovsdb", "pod-netns", "l3"], d
assert d["steps"][1]["qvb"].startswith("qvb") and d["steps"][1]["qvo"] == d["steps"][2]["port"], d
assert d["owner"] == "osvif pnet pc net1", d
ovs = d["steps"][2]
assert ovs["bridge"] == "br-int" and ovs["tag"] == 7 and ovs["port"].startswith("qvo"), ovs
assert d["steps"][3]["host"] == "tapplan0" and d["steps"][4]["name"] == "net1", d
' || fail "plan steps: $out"
[ "$(ip -o link show)" = "$before" ] || fail "plan changed the host's links"
# CNI_ARGS of any length reaches the request whole: a bad MAC past byte 512 is still seen
long=$(printf 'x%.0s' $(seq 600))
out=$(echo '{"cniVersion":"1.1.0","name":"pnet","type":"osvif","vif":{"type":"generic"}}' |
        CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=$long;MAC=zz" "$OSVIF_BIN" plan 2>&1) &&
        fail "plan accepted a bad MAC at the end of a long CNI_ARGS: $out"
echo "$out" | grep -q '"zz"' || fail "plan error for a long CNI_ARGS: $out"
out=$(echo '{"cniVersion":"1.1.0","name":"pnet","type":"osvif","vif":{"type":"bridge"}}' | "$OSVIF_BIN" plan 2>&1) &&
        fail "plan accepted a VIFBridge without bridge_name"
echo "$out" | grep -q "vif.bridge_name: missing" || fail "plan error: $out"
out=$(echo '{"cniVersion":"1.1.0","name":"pnet","type":"osvif"}' | "$OSVIF_BIN" plan 2>&1) &&
        fail "plan accepted a config with no VIF"
echo "$out" | grep -q "code 7): vif: missing" || fail "plan error without a VIF: $out"

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
