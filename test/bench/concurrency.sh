#!/bin/bash
# The benchmark's concurrency runs: osvif and the reference bridge plugin (Debian's
# containernetworking-plugins), each with static addresses (given per pod: os-vif's fixed IPs
# for osvif, the `static` IPAM plugin for the reference) and each with host-local, N pods on
# one Linux bridge at parallelism 1, 2, 8 and 32, subjects interleaved so that each ratio is
# measured under the same load; then a mixed run: pods added and deleted at once, 50/50.
#
#   test/bench/concurrency.sh BUILD_DIR OUT_DIR     as root (bench.sh runs it)
#
# Environment: OSVIF_BENCH_PODS (default 100), OSVIF_BENCH_PAR (default "1 2 8 32"),
# OSVIF_BENCH_REPS (repetitions of each point, default 3). Every invocation is timed from
# outside by test/bench/conc (fork to reaped, no shell in between). After every run the host
# is checked for leftovers: ports on the bridge, links of ours, lock files, leases.
set -euo pipefail

BUILD=$(cd "${1:?usage: concurrency.sh BUILD_DIR OUT_DIR}" && pwd)
OUT=${2:?usage: concurrency.sh BUILD_DIR OUT_DIR}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
export OSVIF_SRCDIR=$SRC OSVIF_BIN=$BUILD/osvif
CONC=$BUILD/test/bench/conc
PODS=${OSVIF_BENCH_PODS:-100}
PARS=${OSVIF_BENCH_PAR:-1 2 8 32}
REPS=${OSVIF_BENCH_REPS:-3}
. "$SRC/test/lib/common.sh"
require_root
require_cmd ip /usr/lib/cni/bridge /usr/lib/cni/host-local /usr/lib/cni/static
[ -x "$CONC" ] || fail "build the harness first: make -C $BUILD bench"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
isolate "$0" "$@"

T=/run/osvif-test
mkdir -p $T/bin $T/ipam
install -m 0755 "$OSVIF_BIN" $T/bin/osvif
for p in bridge host-local static; do ln -sf /usr/lib/cni/$p $T/bin/$p; done
export CNI_PATH=$T/bin
ip link add brconc type bridge
ip link set brconc up
for i in $(seq 1 "$PODS"); do make_netns "c$i"; done

SUBJECTS="osvif-static ref-static osvif-hostlocal ref-hostlocal"
addr() { echo "10.95.$(($1 / 250)).$(($1 % 250 + 2))"; }
hostlocal='{"type":"host-local","dataDir":"'$T'/ipam","ranges":[[{"subnet":"10.94.0.0/16","gateway":"10.94.0.1"}]]}'
# one config per pod and subject, as a runtime hands each pod its own
for s in $SUBJECTS; do
        mkdir -p "$T/$s"
        for i in $(seq 1 "$PODS"); do
                case $s in
                osvif-static) echo '{"cniVersion":"1.0.0","name":"conc","type":"osvif","vif":{"type":"bridge","bridge_name":"brconc",
                        "network":{"mtu":1500,"subnets":[{"cidr":"10.95.0.0/16","gateway":"10.95.0.1","ips":["'"$(addr "$i")"'"]}]}}}' ;;
                ref-static) echo '{"cniVersion":"1.0.0","name":"conc","type":"bridge","bridge":"brconc","mtu":1500,
                        "ipam":{"type":"static","addresses":[{"address":"'"$(addr "$i")"'/16","gateway":"10.95.0.1"}]}}' ;;
                osvif-hostlocal) echo '{"cniVersion":"1.0.0","name":"conc","type":"osvif","vif":{"type":"bridge","bridge_name":"brconc",
                        "network":{"mtu":1500}},"ipam":'"$hostlocal"'}' ;;
                ref-hostlocal) echo '{"cniVersion":"1.0.0","name":"conc","type":"bridge","bridge":"brconc","mtu":1500,"ipam":'"$hostlocal"'}' ;;
                esac >"$T/$s/c$i.json"
        done
done
plugin() { case $1 in osvif-*) echo $T/bin/osvif ;; *) echo $T/bin/bridge ;; esac; }

# leftovers: what a finished set of DELs must not leave behind
leftovers() {
        local n
        n=$(ip -o link show master brconc | wc -l)
        n=$((n + $(ip -d link show | grep -c 'alias osvif' || true)))
        n=$((n + $(ls -A "$OSVIF_RUN_DIR" 2>/dev/null | wc -l)))
        n=$((n + $(ls "$T/ipam/conc" 2>/dev/null | grep -c -v -E '^(lock|last_reserved_ip\.0)$' || true)))
        echo "$n"
}
# run SUBJECT PAR REP VERB: all pods at once; a line of concurrency.csv, latencies kept
run() {
        local s=$1 par=$2 rep=$3 verb=$4 res
        res=$(seq 1 "$PODS" | sed "s/^/$verb /" | "$CONC" -p "$par" -d "$T/$s" -o $T/lat -- "$(plugin "$s")")
        set -- $res
        if [ "$2" != 0 ]; then
                echo "$s $verb at $par: $2 failures, e.g. $(grep -l '"code"' "$T/$s"/out-* | head -1 | xargs cat)" >&2
        fi
        awk -v s="$s" -v p="$par" -v r="$rep" '{print s "," p "," r "," $1 "," $2 "," $3}' $T/lat >>"$OUT/concurrency-latency.csv"
        echo "$s,$par,$rep,$verb,$PODS,$1,$2"
}
echo "subject,parallelism,rep,verb,pods,seconds,failures,leftovers,load" >"$OUT/concurrency.csv"
echo "subject,parallelism,rep,verb,wall_us,status" >"$OUT/concurrency-latency.csv"
for rep in $(seq 1 "$REPS"); do
        for par in $PARS; do
                for s in $SUBJECTS; do
                        echo "== $s: $PODS pods at parallelism $par (repetition $rep)" >&2
                        load=$(cut -d' ' -f1 /proc/loadavg)
                        add=$(run "$s" "$par" "$rep" ADD)
                        del=$(run "$s" "$par" "$rep" DEL)
                        left=$(leftovers)
                        echo "$add,$left,$load" >>"$OUT/concurrency.csv"
                        echo "$del,$left,$load" >>"$OUT/concurrency.csv"
                done
        done
done

# mixed: half the pods on the bridge, then the other half added while the first is deleted,
# one ADD and one DEL in turn, at parallelism 8
MIXPAR=${OSVIF_BENCH_MIXED_PAR:-8}
echo "subject,parallelism,rep,operations,seconds,failures,leftovers,load" >"$OUT/mixed.csv"
half=$((PODS / 2))
for rep in $(seq 1 "$REPS"); do
        for s in $SUBJECTS; do
                echo "== $s: mixed, $half ADDs and $half DELs at parallelism $MIXPAR (repetition $rep)" >&2
                seq 1 $half | sed 's/^/ADD /' | "$CONC" -p "$MIXPAR" -d "$T/$s" -o $T/lat -- "$(plugin "$s")" >/dev/null
                load=$(cut -d' ' -f1 /proc/loadavg)
                set -- $(for i in $(seq 1 $half); do echo "ADD $((half + i))"; echo "DEL $i"; done |
                        "$CONC" -p "$MIXPAR" -d "$T/$s" -o $T/lat -- "$(plugin "$s")")
                secs=$1 fails=$2
                seq $((half + 1)) "$PODS" | sed 's/^/DEL /' | "$CONC" -p "$MIXPAR" -d "$T/$s" -o $T/lat -- "$(plugin "$s")" >/dev/null
                echo "$s,$MIXPAR,$rep,$((2 * half)),$secs,$fails,$(leftovers),$load" >>"$OUT/mixed.csv"
        done
done
cat "$OUT/concurrency.csv" "$OUT/mixed.csv" >&2
