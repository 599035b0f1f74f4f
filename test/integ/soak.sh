#!/bin/bash
# Soak (issue 10): OSVIF_SOAK_CYCLES (default 1000, about 100 s on 2 busy cores) ADD/DEL
# cycles of one pod, each on a Linux bridge or on OVS at random, with random kills (ADD
# SIGKILLed after a random 1 to 30 ms, by `timeout -s KILL`, in 2 cycles of 5) and random
# IPAM failures (a wrapper IPAM plugin that fails 1 ADD or DEL in 8 and otherwise hands over
# to host-local). DEL is repeated until it succeeds, as a runtime does. Every 50 cycles and
# at the end: 0 links, leases, lock files, intent records or OVS rows left. Prints its
# figures (cycles, kills, IPAM failures, time).
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/lib/ovs.sh"
require_root
require_cmd ip timeout /usr/bin/python3
isolate "$0" "$@"
ovs_start
ovs_vsctl add-br br-int -- set Bridge br-int datapath_type=netdev
ip link add brsoak type bridge

CYCLES=${OSVIF_SOAK_CYCLES:-1000}
T=/run/osvif-test
IPAM=$T/ipam
BIN=$T/bin
mkdir -p "$IPAM" "$BIN"
cat >"$BIN/flaky" <<'SH'
#!/bin/bash
# fails 1 ADD or DEL in 8 (before host-local sees it), else is host-local
case "$CNI_COMMAND" in
ADD | DEL)
        if [ $((RANDOM % 8)) = 0 ]; then
                cat >/dev/null
                echo "$CNI_COMMAND" >>/run/osvif-test/ipam-failures
                echo '{"cniVersion":"1.0.0","code":11,"msg":"flaky: a random failure"}'
                exit 1
        fi ;;
esac
exec /usr/lib/cni/host-local
SH
chmod +x "$BIN/flaky"
: >$T/ipam-failures
make_netns pod

conf() { # conf bridge|ovs
        local vif='"type":"bridge","bridge_name":"brsoak"'
        [ "$1" = ovs ] && vif='"type":"ovs","bridge_name":"br-int","port_profile":{"type":"openvswitch","datapath_type":"netdev"}'
        echo '{"cniVersion":"1.0.0","name":"snet","type":"osvif","ovsdb":"'"$OVSDB"'",
         "ipam":{"type":"flaky","dataDir":"'"$IPAM"'","ranges":[[{"subnet":"10.47.0.0/24"}]]},"vif":{'"$vif"'}}'
}
run() { # run VERB SHAPE [PREFIX...]
        local verb=$1 shape=$2
        shift 2
        conf "$shape" | CNI_COMMAND=$verb CNI_NETNS=/run/netns/pod CNI_IFNAME=eth0 CNI_CONTAINERID=sctr \
                CNI_PATH="$BIN" "$@" "$OSVIF_BIN"
}
leftovers() {
        local l
        l=$(ip -d link show | grep -c "alias osvif snet" || true)
        [ "$l" = 0 ] || echo "links: $l"
        ip -n pod -o link show | grep -v ": lo:" | grep . && echo "pod links left"
        l=$(grep -rl "^sctr" "$IPAM/snet" 2>/dev/null || true)
        [ -z "$l" ] || echo "leases: $l"
        l=$(ls -A "$OSVIF_RUN_DIR" 2>/dev/null)
        [ -z "$l" ] || echo "run dir: $l"
        l=$(ovs_vsctl --format=csv --data=bare --no-headings --columns=name list Port | grep -v '^br-int$' || true)
        [ -z "$l" ] || echo "OVS ports: $l"
        l=$(ovs_vsctl --format=csv --data=bare --no-headings --columns=name list Interface | grep -v '^br-int$' || true)
        [ -z "$l" ] || echo "OVS interfaces: $l"
        ip link show | grep -c "^[0-9]*: tap" | grep -qx 0 || echo "tap links: $(ip -o link show | grep -o 'tap[^:@]*')"
}

kills=0 adds=0 start=$SECONDS
for i in $(seq 1 "$CYCLES"); do
        shape=bridge
        [ $((RANDOM % 2)) = 0 ] && shape=ovs
        if [ $((RANDOM % 5)) -lt 2 ]; then
                rc=0
                run ADD $shape timeout -s KILL "$(printf '0.%03d' $((1 + RANDOM % 30)))" >/dev/null 2>&1 || rc=$?
                [ $rc = 137 ] && kills=$((kills + 1))
        else
                run ADD $shape >/dev/null 2>&1 && adds=$((adds + 1))
        fi
        # a killed ADD's IPAM plugin runs on in its own process group: let it finish
        ok=0
        for _ in $(seq 1 20); do
                if run DEL $shape >/dev/null 2>&1; then
                        ok=1
                        break
                fi
        done
        [ $ok = 1 ] || fail "cycle $i: DEL failed 20 times: $(run DEL $shape 2>&1)"
        if [ $((i % 50)) = 0 ] || [ "$i" = "$CYCLES" ]; then
                left=$(leftovers)
                [ -z "$left" ] || fail "after cycle $i ($shape): $left"
        fi
done
failures=$(wc -l <$T/ipam-failures)
echo "soak: ok: $CYCLES cycles, $kills ADDs killed, $adds ADDs completed, $failures IPAM failures, $((SECONDS - start)) s, 0 leftovers"
