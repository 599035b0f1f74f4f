#!/bin/bash
# The benchmark harness: what a pod's network costs with osvif, side by side with the
# reference CNI plugins and with the floor (test/bench/floor.c: the same kernel operations
# and nothing else), in a network namespace of its own.
#
#   make bench                      (from a build dir; results in test/bench/results/)
#   test/bench/bench.sh BUILD_DIR   by hand, as root
#
# Environment: OSVIF_BENCH_RUNS (cycles per subject, default 200), OSVIF_BENCH_SCALE
# (existing pods for the scale runs, default "1 100 500 1000"), OSVIF_BENCH_OVS=0 to skip
# the Open vSwitch rows, OSVIF_BENCH_OUT (results directory), OSVIF_OVS_DATAPATH (the OVS
# bridges' datapath: netdev by default, system for the kernel's, in test/vm's guest); the
# concurrency runs read theirs (test/bench/concurrency.sh: OSVIF_BENCH_PODS, OSVIF_BENCH_PAR,
# OSVIF_BENCH_REPS).
#
# Each subject is ADD, CHECK (where the plugin has one) and DEL of one pod, RUNS times; every
# invocation is a fresh process measured from outside by test/bench/runner (wall time, CPU
# time of the process and the IPAM plugins it ran, peak RSS). Targets are checked at the
# end and reported; nothing here is a test that fails.
set -euo pipefail

BUILD=$(cd "${1:?usage: bench.sh BUILD_DIR}" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
export OSVIF_SRCDIR=$SRC OSVIF_BIN=$BUILD/osvif
RUNNER=$BUILD/test/bench/runner
FLOOR=$BUILD/test/bench/floor
RUNS=${OSVIF_BENCH_RUNS:-200}
SCALE=${OSVIF_BENCH_SCALE:-1 100 500 1000}
OUT=${OSVIF_BENCH_OUT:-$BUILD/test/bench/results}
. "$SRC/test/lib/common.sh"
. "$SRC/test/lib/ovs.sh"
require_root
require_cmd ip /usr/bin/python3
[ -x "$RUNNER" ] && [ -x "$FLOOR" ] || fail "build the harness first: make -C $BUILD bench"
mkdir -p "$OUT"
isolate "$0" "$@"

T=/run/osvif-test
mkdir -p $T/ipam $T/bin
install -m 0755 "$OSVIF_BIN" $T/bin/osvif
for p in bridge macvlan host-local static; do ln -sf /usr/lib/cni/$p $T/bin/$p; done
export CNI_PATH=$T/bin
RAW=$T/raw.csv
echo "subject,verb,wall_us,cpu_us,maxrss_kb" >$RAW
ip link add brbench type bridge
ip link set brbench up
make_netns bpod

# measure SUBJECT VERB CONFIG_FILE CONTAINER [PREV_RESULT_FILE]: one plugin invocation
measure() {
        local subject=$1 verb=$2 conf=$3 ctr=$4 in=$3 rec
        if [ -n "${5:-}" ]; then
                /usr/bin/python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); c["prevResult"]=json.load(open(sys.argv[2])); print(json.dumps(c))' \
                        "$conf" "$5" >$T/in.json
                in=$T/in.json
        fi
        rec=$(CNI_COMMAND=$verb CNI_CONTAINERID=$ctr CNI_NETNS=/run/netns/bpod CNI_IFNAME=eth0 \
                "$RUNNER" -i "$in" -o $T/out.json -- "$T/bin/$(plugin_of "$conf")" 3>&1 >/dev/null) ||
                fail "$subject $verb: $(cat $T/out.json)"
        set -- $rec
        echo "\"$subject\",$verb,$1,$2,$3" >>$RAW
}
plugin_of() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["type"])' "$1"; }

# cycle SUBJECT CONFIG_FILE [nocheck]: RUNS times ADD, CHECK, DEL
cycle() {
        local i
        echo "== $1 ($RUNS cycles)" >&2
        for ((i = 0; i < RUNS; i++)); do
                measure "$1" ADD "$2" bench
                cp $T/out.json $T/prev.json
                [ "${3:-}" = nocheck ] || measure "$1" CHECK "$2" bench $T/prev.json
                measure "$1" DEL "$2" bench $T/prev.json
        done
}

conf_osvif_net='{"cniVersion":"1.0.0","name":"bench","type":"osvif","vif":{"type":"bridge","bridge_name":"brbench",
 "network":{"mtu":1500,"subnets":[{"cidr":"10.99.0.0/16","gateway":"10.99.0.1","ips":["10.99.0.5"]}]}}}'
hostlocal='{"type":"host-local","dataDir":"'$T'/ipam","ranges":[[{"subnet":"10.98.0.0/16","gateway":"10.98.0.1"}]],"routes":[{"dst":"0.0.0.0/0"}]}'
static='{"type":"static","addresses":[{"address":"10.97.0.5/16","gateway":"10.97.0.1"}],"routes":[{"dst":"0.0.0.0/0"}]}'
echo "$conf_osvif_net" >$T/osvif-net.json
echo '{"cniVersion":"1.0.0","name":"bench","type":"osvif","vif":{"type":"bridge","bridge_name":"brbench","network":{"mtu":1500}},"ipam":'"$hostlocal"'}' >$T/osvif-hl.json
echo '{"cniVersion":"1.0.0","name":"bench","type":"bridge","bridge":"brbench","mtu":1500,"ipam":'"$hostlocal"'}' >$T/ref-hl.json
echo '{"cniVersion":"1.0.0","name":"bench","type":"bridge","bridge":"brbench","mtu":1500,"ipam":'"$static"'}' >$T/ref-static.json

cycle "osvif bridge, os-vif addresses" $T/osvif-net.json
cycle "osvif bridge, host-local" $T/osvif-hl.json
cycle "reference bridge, host-local" $T/ref-hl.json
cycle "reference bridge, static" $T/ref-static.json

echo "== floor ($RUNS cycles)" >&2
for ((i = 0; i < RUNS; i++)); do
        set -- $("$RUNNER" -- "$FLOOR" add brbench tapfloor /run/netns/bpod eth0 10.99.0.5/16 10.99.0.1 1500 3>&1)
        echo "floor,ADD,$1,$2,$3" >>$RAW
        set -- $("$RUNNER" -- "$FLOOR" del tapfloor 3>&1)
        echo "floor,DEL,$1,$2,$3" >>$RAW
done

# ---- an SR-IOV VF (VIFHostDevice): osvif against Debian's host-device plugin and the floor ----
# Simulation "fake PCI tree": no SR-IOV hardware here, so a veth (vfbench) is the VF's netdev,
# found by osvif under OSVIF_SYSFS_ROOT at 0000:0b:00.1 (a VF of 0000:0b:00.0, whose veth PF
# reports no VFs: no PF-side settings); host-device moves the same veth by name.
export OSVIF_SYSFS_ROOT=$T/sys
mkdir -p $T/sys/bus/pci/devices/0000:0b:00.0/net/pfbench $T/sys/bus/pci/devices/0000:0b:00.1/net/vfbench
ln -sfn ../0000:0b:00.1 $T/sys/bus/pci/devices/0000:0b:00.0/virtfn0
ln -sfn ../0000:0b:00.0 $T/sys/bus/pci/devices/0000:0b:00.1/physfn
ip link add pfbench type veth peer name pfbenchp
ip link add vfbench mtu 1500 type veth peer name vfbenchp
echo '{"cniVersion":"1.0.0","name":"bench","type":"osvif","vif":{"type":"hostdev","dev_type":"ethernet","dev_address":"0000:0b:00.1",
 "network":{"mtu":1500,"subnets":[{"cidr":"10.94.0.0/16","gateway":"10.94.0.1","ips":["10.94.0.5"]}]}}}' >$T/osvif-vf.json
echo '{"cniVersion":"1.0.0","name":"bench","type":"host-device","device":"vfbench",
 "ipam":{"type":"static","addresses":[{"address":"10.94.0.5/16","gateway":"10.94.0.1"}],"routes":[{"dst":"0.0.0.0/0"}]}}' >$T/ref-vf.json
ln -sf /usr/lib/cni/host-device $T/bin/host-device
cycle "osvif hostdev, os-vif addresses" $T/osvif-vf.json
cycle "reference host-device, static" $T/ref-vf.json
echo "== floor vf ($RUNS cycles)" >&2
for ((i = 0; i < RUNS; i++)); do
        set -- $("$RUNNER" -- "$FLOOR" vfadd vfbench /run/netns/bpod eth0 10.94.0.5/16 10.94.0.1 1500 3>&1)
        echo "floor vf,ADD,$1,$2,$3" >>$RAW
        set -- $("$RUNNER" -- "$FLOOR" vfdel /run/netns/bpod eth0 vfbench 1500 3>&1)
        echo "floor vf,DEL,$1,$2,$3" >>$RAW
done
ip link del vfbench
ip link del pfbench
# ---- VIFDirect: a macvlan in the pod on a lower device, beside the reference macvlan plugin
# with static IPAM and the floor's macvlan (the "NIC" is a veth, up at both ends: the cost
# measured is the plugins', not the wire's) ----
ip link add benchnic type veth peer name benchnicp
ip link set benchnicp up
ip link set benchnic up
echo '{"cniVersion":"1.0.0","name":"bench","type":"osvif","master":"benchnic","vif":{"type":"direct","mode":"bridge",
 "network":{"mtu":1500,"subnets":[{"cidr":"10.94.0.0/16","gateway":"10.94.0.1","ips":["10.94.0.5"]}]}}}' >$T/osvif-direct.json
echo '{"cniVersion":"1.0.0","name":"bench","type":"osvif","master":"benchnic","vif":{"type":"direct","mode":"bridge",
 "network":{"mtu":1500}},"ipam":'"$static"'}' >$T/osvif-direct-static.json
echo '{"cniVersion":"1.0.0","name":"bench","type":"macvlan","master":"benchnic","mode":"bridge","mtu":1500,"ipam":'"$static"'}' >$T/ref-macvlan.json
cycle "osvif direct, os-vif addresses" $T/osvif-direct.json
cycle "osvif direct, static" $T/osvif-direct-static.json
cycle "reference macvlan, static" $T/ref-macvlan.json
echo "== floor macvlan ($RUNS cycles)" >&2
for ((i = 0; i < RUNS; i++)); do
        set -- $("$RUNNER" -- "$FLOOR" addmv benchnic /run/netns/bpod eth0 10.94.0.5/16 10.94.0.1 1500 3>&1)
        echo "floor macvlan,ADD,$1,$2,$3" >>$RAW
        set -- $("$RUNNER" -- "$FLOOR" delmv /run/netns/bpod eth0 3>&1)
        echo "floor macvlan,DEL,$1,$2,$3" >>$RAW
done
ip link del benchnic

# ---- Open vSwitch: osvif against os-vif's vsctl sequence ----
ovs=0
if [ "${OSVIF_BENCH_OVS:-1}" = 1 ] && command -v ovs-vswitchd >/dev/null; then
        ovs=1
        ovs_start
        ovs_vsctl add-br br-bench -- set Bridge br-bench datapath_type="$OVS_DP"
        echo '{"cniVersion":"1.0.0","name":"bench","type":"osvif","ovsdb":"'"$OVSDB"'","vif":{"type":"ovs","bridge_name":"br-bench",
         "port_profile":{"type":"openvswitch","datapath_type":"'"$OVS_DP"'"},
         "network":{"vlan":10,"mtu":1500,"subnets":[{"cidr":"10.96.0.0/16","gateway":"10.96.0.1","ips":["10.96.0.5"]}]}}}' >$T/osvif-ovs.json
        cycle "osvif ovs, os-vif addresses" $T/osvif-ovs.json
        echo "== os-vif vsctl sequence ($RUNS cycles)" >&2
        export OVSDB
        for ((i = 0; i < RUNS; i++)); do
                set -- $("$RUNNER" -- bash "$SRC/test/bench/vsctl-plug.sh" add br-bench tapvsctl /run/netns/bpod eth0 10.96.0.5/16 10.96.0.1 3>&1)
                echo "ovs-vsctl sequence,ADD,$1,$2,$3" >>$RAW
                set -- $("$RUNNER" -- bash "$SRC/test/bench/vsctl-plug.sh" del br-bench tapvsctl 3>&1)
                echo "ovs-vsctl sequence,DEL,$1,$2,$3" >>$RAW
        done
fi

# ---- scale: ADD with K pods already on the bridge (and K OVS ports), beside the same ADD by
# the floor (Linux bridge) or by os-vif's ovs-vsctl sequence (OVS) at each K ----
SCALE_RAW=$T/scale.csv
echo "subject,existing,wall_us,cpu_us" >$SCALE_RAW
# the fill pods of subject NAME are netns f<prefix><i>, container ids <prefix><i>
fill_prefix() { echo "$1" | tr -c 'a-z0-9\n' '-'; }
fill() { # fill CONF NAME FROM TO: pods FROM..TO-1, each in a netns of its own as real pods are
        local i prefix
        prefix=$(fill_prefix "$2")
        for ((i = $3; i < $4; i++)); do
                ip netns add "f$prefix$i"
                CNI_COMMAND=ADD CNI_CONTAINERID=$prefix$i CNI_NETNS=/run/netns/f$prefix$i CNI_IFNAME=eth0 \
                        "$T/bin/osvif" <"$1" >$T/fill.out || fail "filling $2: pod $i: $(cat $T/fill.out)"
        done
}
# baseline SUBJECT K: one ADD and DEL of what osvif is compared with, on the same bridge
baseline() {
        local rec
        case "$1" in
        "osvif bridge")
                rec=$("$RUNNER" -- "$FLOOR" add brbench tapfloor /run/netns/bpod eth0 10.99.0.5/16 10.99.0.1 1500 3>&1)
                "$FLOOR" del tapfloor
                echo "\"floor\",$2,$(echo $rec | cut -d' ' -f1,2 --output-delimiter=,)" >>$SCALE_RAW ;;
        "osvif ovs")
                rec=$("$RUNNER" -- bash "$SRC/test/bench/vsctl-plug.sh" add br-bench tapvsctl /run/netns/bpod eth0 10.96.0.5/16 10.96.0.1 3>&1)
                bash "$SRC/test/bench/vsctl-plug.sh" del br-bench tapvsctl
                echo "\"ovs-vsctl sequence\",$2,$(echo $rec | cut -d' ' -f1,2 --output-delimiter=,)" >>$SCALE_RAW ;;
        esac
}
scale() { # scale SUBJECT CONF
        local have=0 k i
        echo '{"cniVersion":"1.0.0","name":"fill","type":"osvif","vif":'"$(/usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["vif"] | {"network": {"mtu": 1500}}))' "$2")"'}' |
                /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); s=json.load(open(sys.argv[1])); c.update({k:v for k,v in s.items() if k=="ovsdb"}); print(json.dumps(c))' "$2" >$T/fill.json
        for k in $SCALE; do
                fill $T/fill.json "$1" $have $((k - 1))
                have=$((k - 1))
                echo "== $1 with $k pods on the bridge" >&2
                for ((i = 0; i < ${OSVIF_BENCH_SCALE_RUNS:-50}; i++)); do
                        measure "$1 @$k" ADD "$2" bench
                        tail -1 $RAW | awk -F, -v s="$1" -v k=$k '{n = NF; print "\"" s "\"," k "," $(n-2) "," $(n-1)}' >>$SCALE_RAW
                        measure "$1 @$k" DEL "$2" bench
                        baseline "$1" $k
                done
        done
}
# unfill NAME: the pods fill made go with their namespaces (the kernel deletes each veth pair)
unfill() {
        local n
        for n in /run/netns/f"$(fill_prefix "$1")"*; do
                if [ -e "$n" ]; then ip netns del "$(basename "$n")"; fi
        done
        while [ "$(ip -o link show | wc -l)" -gt 20 ]; do sleep 0.5; done
}
scale "osvif bridge" $T/osvif-net.json
unfill "osvif bridge" # so that the OVS runs do not pay for a thousand links they do not use
[ $ovs = 1 ] && scale "osvif ovs" $T/osvif-ovs.json

# ---- concurrency, side by side with the reference bridge plugin, and the mixed run: in
# namespaces of their own (test/bench/concurrency.sh) ----
env -u OSVIF_ISOLATED bash "$SRC/test/bench/concurrency.sh" "$BUILD" "$OUT"

# ---- report ----
cp $RAW $SCALE_RAW "$OUT/"
{
        echo "kernel=$(uname -r)"
        echo "cpu=$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
        echo "cores=$(nproc)"
        echo "memory=$(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
        echo "os=$(. /etc/os-release; echo "$PRETTY_NAME")"
        echo "runs=$RUNS"
        echo "load_at_end=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/machine.txt"
/usr/bin/python3 "$SRC/test/bench/concurrency_report.py" "$OUT" >/dev/null
/usr/bin/python3 "$SRC/test/bench/report.py" "$OUT"
if command -v gnuplot >/dev/null; then
        gnuplot -e "outfile='$OUT/scale.png'; datafile='$OUT/scale-median.csv'" "$SRC/test/bench/scale.gp"
fi
echo "results in $OUT: results.md, results.csv, scale.csv, concurrency.csv, concurrency.md, mixed.csv, scale.png" >&2
