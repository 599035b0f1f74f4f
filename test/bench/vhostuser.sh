#!/bin/bash
# Benchmark: ADD and DEL of a vhost-user port on OVS-DPDK, osvif against os-vif's ovs-vsctl
# sequence for the same port (ovs_plug's add-port with type dpdkvhostuser, os-vif's
# external_ids, tag and mtu_request, in one ovs-vsctl call that waits for ovs-vswitchd; del-port).
# osvif does more in its ADD (the pod's placeholder with its address, Kata's entry): the
# comparison is the whole ADD against the OVS part alone. Every invocation is a fresh process
# measured from outside by test/bench/runner. Needs root, openvswitch-switch-dpdk and
# librte-mempool-ring23; the DPDK poll thread keeps one core busy while it runs.
#
#   make bench-vhostuser            (from a build dir; results in test/bench/results/)
#   OSVIF_BENCH_RUNS (cycles per subject, default 300), OSVIF_BENCH_OUT (results directory),
#   OSVIF_BENCH_BASE (another osvif binary, e.g. an older build, timed interleaved as "base")
set -euo pipefail

BUILD=$(cd "${1:?usage: vhostuser.sh BUILD_DIR}" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
export OSVIF_SRCDIR=$SRC OSVIF_BIN=$BUILD/osvif
RUNNER=$BUILD/test/bench/runner
RUNS=${OSVIF_BENCH_RUNS:-300}
OUT=${OSVIF_BENCH_OUT:-$BUILD/test/bench/results}
. "$SRC/test/lib/common.sh"
. "$SRC/test/lib/ovs_dpdk.sh"
require_root
[ -x "$RUNNER" ] || fail "build the harness first: make -C $BUILD test/bench/runner"
mkdir -p "$OUT"
isolate "$0" "$@"
private_tmp
ovs_dpdk_start
ovs_vsctl add-br br-bench -- set Bridge br-bench datapath_type=netdev
make_netns bpod
T=/run/osvif-test
RAW=$T/vhostuser-raw.csv
echo "subject,verb,wall_us,cpu_us,maxrss_kb" >$RAW
ID=3f2a9c6e-1b4d-4c8e-9a7f-0d2e5b6c7a81
PORT=vhu3f2a9c6e-1b
# the VIF as Kuryr passes it (args.cni.vif, which the network must trust): the port is then
# named as os-vif names it, vhu + the VIF id, the very port the sequence below makes
cat <<JSON | pod_vif_trusted >$T/vhu.json
{"cniVersion":"1.1.0","name":"bench","type":"osvif","ovsdb":"$OVSDB",
 "args":{"cni":{"vif":{"type":"vhostuser","id":"$ID","address":"02:00:00:00:00:01",
  "path":"/run/openvswitch/$PORT","mode":"client",
  "port_profile":{"type":"openvswitch","interface_id":"$ID"},
  "network":{"bridge":"br-bench","vlan":10,"mtu":1500,"subnets":[{"cidr":"10.96.0.0/16","ips":["10.96.0.5"]}]}}}}}
JSON
rec() { # SUBJECT VERB -- COMMAND...
        local s=$1 v=$2 m
        shift 3
        # a failed run fails the benchmark (not timed as if it had worked)
        m=$("$RUNNER" -i $T/vhu.json -o $T/out.json -- "$@" 3>&1 >/dev/null) || fail "$s $v: $(cat $T/out.json)"
        set -- $m
        echo "\"$s\",$v,$1,$2,$3" >>$RAW
}
vsctl() { ovs-vsctl --db="$OVSDB" --timeout=120 "$@"; }
export -f vsctl
export OVSDB PORT ID
# one ADD and DEL of each subject
osvif_pair() { # LABEL BINARY
        CNI_COMMAND=ADD CNI_CONTAINERID=bench CNI_NETNS=/run/netns/bpod CNI_IFNAME=eth0 \
                rec "$1" ADD -- "$2"
        CNI_COMMAND=DEL CNI_CONTAINERID=bench CNI_NETNS=/run/netns/bpod CNI_IFNAME=eth0 \
                rec "$1" DEL -- "$2"
}
sequence_pair() {
        rec "ovs-vsctl sequence" ADD -- ovs-vsctl --db="$OVSDB" --timeout=120 \
                -- --may-exist add-br br-bench -- set Bridge br-bench datapath_type=netdev \
                -- --may-exist add-port br-bench $PORT -- set Port $PORT tag=10 \
                -- set Interface $PORT type=dpdkvhostuser external_ids:iface-id=$ID \
                external_ids:iface-status=active external_ids:attached-mac=02:00:00:00:00:01 \
                external_ids:vm-uuid=bench mtu_request=1500
        rec "ovs-vsctl sequence" DEL -- ovs-vsctl --db="$OVSDB" --timeout=120 --if-exists del-port br-bench $PORT
}
subjects=(osvif base sequence)
[ -n "${OSVIF_BENCH_BASE:-}" ] || subjects=(osvif sequence)
echo "== osvif and the ovs-vsctl sequence, $RUNS cycles each, interleaved" >&2
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 0; i < RUNS; i++)); do
        # the order turns every cycle, so that each subject follows the others' DEL (and
        # whatever ovs-vswitchd still does after it) as often as they follow its own
        for ((k = 0; k < ${#subjects[@]}; k++)); do
                case ${subjects[(i + k) % ${#subjects[@]}]} in
                osvif) osvif_pair "osvif vhost-user" "$OSVIF_BIN" ;;
                base) osvif_pair "base vhost-user" "$OSVIF_BENCH_BASE" ;;
                sequence) sequence_pair ;;
                esac
        done
done
cp $RAW "$OUT/"
/usr/bin/python3 - "$RAW" "$LOAD0" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY' | tee "$OUT/vhostuser.md"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def med(s, v, k):
    return statistics.median(int(r[k]) / 1000.0 for r in rows if r["subject"] == s and r["verb"] == v)
print("| subject | verb | wall median (ms) | CPU median (ms) |")
print("|---|---|---|---|")
for s in ("osvif vhost-user", "base vhost-user", "ovs-vsctl sequence"):
    if not any(r["subject"] == s for r in rows):
        continue
    for v in ("ADD", "DEL"):
        print("| %s | %s | %.2f | %.2f |" % (s, v, med(s, v, "wall_us"), med(s, v, "cpu_us")))
r = med("ovs-vsctl sequence", "ADD", "wall_us") / med("osvif vhost-user", "ADD", "wall_us")
print("\nADD wall time: osvif is %.1fx the speed of the ovs-vsctl sequence (target: 5x): %s"
      % (r, "met" if r >= 5 else "missed"))
print("load average at start: %s, at end: %s" % (sys.argv[2], sys.argv[3]))
PY
