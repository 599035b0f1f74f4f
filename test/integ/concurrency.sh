#!/bin/bash
# 50 concurrent ADDs of different pods onto one bridge that does not exist yet all succeed
# (host-local IPAM serialises itself, osvif's bridge creation must not fail on EEXIST), every
# pod gets its own address and port; then 50 concurrent DELs leave nothing.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_cmd ip /usr/bin/python3
isolate "$0" "$@"

N=${OSVIF_CONCURRENCY:-50}
IPAM_DIR=/run/osvif-test/ipam
OUT=/run/osvif-test/out
mkdir -p "$IPAM_DIR" "$OUT"
cat >/run/osvif-test/conf.json <<JSON
{"cniVersion":"1.1.0","name":"cnet","type":"osvif",
 "vif":{"type":"bridge","bridge_name":"brconc","network":{"mtu":1500}},
 "ipam":{"type":"host-local","dataDir":"$IPAM_DIR","ranges":[[{"subnet":"10.40.0.0/24","gateway":"10.40.0.1"}]]}}
JSON
for i in $(seq 1 "$N"); do make_netns "p$i"; done
ip link show brconc >/dev/null 2>&1 && fail "the bridge must not exist yet"

pids=()
for i in $(seq 1 "$N"); do
        cni ADD "/run/netns/p$i" eth0 "ctr$i" </run/osvif-test/conf.json >"$OUT/add$i" 2>&1 &
        pids+=($!)
done
failed=0
for i in $(seq 1 "$N"); do
        wait "${pids[$((i - 1))]}" || { failed=$((failed + 1)); echo "ADD $i: $(cat "$OUT/add$i")" >&2; }
done
[ "$failed" = 0 ] || fail "$failed of $N concurrent ADDs failed"

[ "$(ip -o link show master brconc | wc -l)" = "$N" ] || fail "the bridge has $(ip -o link show master brconc | wc -l) ports, want $N"
addrs=$(for i in $(seq 1 "$N"); do json_get 'd["ips"][0]["address"]' <"$OUT/add$i"; done | sort -u | wc -l)
[ "$addrs" = "$N" ] || fail "$addrs distinct addresses for $N pods"
ip netns exec p1 ping -c 1 -W 2 "$(json_get 'd["ips"][0]["address"].split("/")[0]' <"$OUT/add$N")" >/dev/null ||
        fail "p1 cannot reach p$N"

pids=()
for i in $(seq 1 "$N"); do
        cni DEL "/run/netns/p$i" eth0 "ctr$i" </run/osvif-test/conf.json >"$OUT/del$i" 2>&1 &
        pids+=($!)
done
for i in $(seq 1 "$N"); do
        wait "${pids[$((i - 1))]}" || { failed=$((failed + 1)); echo "DEL $i: $(cat "$OUT/del$i")" >&2; }
done
[ "$failed" = 0 ] || fail "$failed of $N concurrent DELs failed"
[ -z "$(ip -d link show | grep 'alias osvif')" ] || fail "links of ours left on the host"
[ "$(ip -o link show master brconc | wc -l)" = 0 ] || fail "ports left on the bridge"
[ -z "$(ls "$IPAM_DIR/cnet" | grep -v -E '^(lock|last_reserved_ip\.0)$')" ] || fail "addresses still reserved: $(ls "$IPAM_DIR/cnet")"
[ -z "$(ls -A "$OSVIF_RUN_DIR" 2>/dev/null)" ] || fail "lock files left: $(ls -A "$OSVIF_RUN_DIR")"
echo "concurrency: $N ADDs and $N DELs ok"
