#!/bin/bash
# Every example is checked and every example conflist is run.
#  - examples.py: the schema accepts every example, rejects the corpus's invalid configs and
#    agrees with `osvif validate` (see there).
#  - each examples/*.conflist, unchanged, through libcni (Debian's golang-github-appc-cni-dev,
#    as every Go runtime drives plugins): ADD into a pod netns, CHECK, DEL; the pod has its
#    interface and address in between, and the host has nothing of ours after DEL. A conflist
#    that needs Open vSwitch gets a private ovsdb-server and ovs-vswitchd (userspace datapath)
#    with its bridge, reached at the default /run/openvswitch/db.sock of this test's own /run.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/e2e/lib.sh"
. "$OSVIF_SRCDIR/test/lib/ovs.sh"
require_root
require_cmd go ip /usr/bin/python3
/usr/bin/python3 -c 'import jsonschema, yaml' 2>/dev/null || skip "needs python3-jsonschema and python3-yaml"
[ -d /usr/share/gocode/src/github.com/containernetworking/cni/libcni ] || skip "needs golang-github-appc-cni-dev"
isolate "$0" "$@"

/usr/bin/python3 "$OSVIF_SRCDIR/test/pkg/examples.py" "$OSVIF_SRCDIR" "$OSVIF_BIN" || fail "the schema and the examples"

T=/run/osvif-test
H=$T/harness
GOCACHE=$T/gocache GOPATH=/usr/share/gocode GO111MODULE=off go build -o $H "$OSVIF_SRCDIR/test/e2e/libcni/harness.go" ||
        fail "build the libcni harness"
BIN=$(e2e_bin_dir)
# host-local keeps its leases in /var/lib/cni/networks
shadow_dir /var/lib/cni

# What an example needs on the host before its ADD, by the VIF type and port profile of its
# osvif plugin: "none", or "ovs BRIDGE". A VIF type without a set-up here fails the test: an
# example of a new VIF type brings its set-up (a fast path, a fake PCI tree...) with it.
needs() {
        /usr/bin/python3 - "$1" <<'PY'
import json, sys
conf = json.load(open(sys.argv[1]))
for p in conf["plugins"]:
    if p.get("type") != "osvif":
        continue
    vif = p.get("vif") or {}
    t = vif.get("type")
    prof = (vif.get("port_profile") or {}).get("type")
    net = vif.get("network") or {}
    if t in ("generic", "VIFGeneric") or (t in ("bridge", "VIFBridge") and not prof):
        print("none")
    elif prof in ("openvswitch", "VIFPortProfileOpenVSwitch") and t in ("ovs", "VIFOpenVSwitch", "bridge", "VIFBridge"):
        print("ovs", net.get("bridge") or vif.get("bridge_name"))
    else:
        print("unknown", t, prof)
PY
}

# a snapshot without the bridges ADD may create and leave (and OVS's own devices)
no_bridges() {
        grep -v -E "^(osvifbr0|${1:-osvifbr0}|ovs-netdev|ovs-system)[@: ]|dev (osvifbr0|${1:-osvifbr0}) " || true
}

n=0
for conf in "$OSVIF_SRCDIR"/examples/*.conflist; do
        ex=$(basename "$conf")
        n=$((n + 1))
        need=$(needs "$conf")
        br=""
        case "$need" in
        none) ;;
        "ovs "*) br=${need#ovs } ;;
        *) fail "$ex: no set-up for it in test/pkg/examples.sh ($need)" ;;
        esac
        if [ -n "$br" ] && [ -z "${OVSDB:-}" ]; then
                ovs_start
                mkdir -p /run/openvswitch
                ln -sf "$OVS_DIR/db.sock" /run/openvswitch/db.sock
        fi
        # this machine has no openvswitch kernel module: the bridge uses the userspace datapath
        # (the example's datapath_type only applies to a bridge osvif creates)
        [ -n "$br" ] && ovs_vsctl --may-exist add-br "$br" -- set Bridge "$br" datapath_type=netdev
        before=$(snapshot | no_bridges "$br")
        make_netns "pod$n"
        out=$($H add "$conf" "/run/netns/pod$n" "ctr$n" eth0 "$BIN" $T/cache) || fail "$ex: ADD: $out"
        addr=$(echo "$out" | json_get 'd["ips"][0]["address"]') || fail "$ex: no address in the result: $out"
        ip -n "pod$n" -o addr show eth0 | grep -q "inet ${addr%/*}/" || fail "$ex: the pod lacks $addr"
        ip -d link show | grep -q "alias osvif $(json_get 'd["name"]' <"$conf") ctr$n eth0" ||
                fail "$ex: no host link owned by this attachment"
        [ -z "$br" ] || ovs_vsctl list-ports "$br" | grep -q . || fail "$ex: no port on OVS bridge $br"
        $H check "$conf" "/run/netns/pod$n" "ctr$n" eth0 "$BIN" $T/cache || fail "$ex: CHECK"
        $H del "$conf" "/run/netns/pod$n" "ctr$n" eth0 "$BIN" $T/cache || fail "$ex: DEL"
        ip -n "pod$n" link show eth0 >/dev/null 2>&1 && fail "$ex: eth0 still in the pod after DEL"
        ip netns del "pod$n"
        [ -z "$br" ] || [ -z "$(ovs_vsctl list-ports "$br")" ] || fail "$ex: ports left on $br: $(ovs_vsctl list-ports "$br")"
        # what ADD created on the host is gone; a bridge it created may stay, as os-vif's does
        after=$(snapshot | no_bridges "$br")
        assert_same_snapshot "$before" "$after" "$ex: after DEL"
        echo "examples: $ex: ADD, CHECK, DEL in a pod netns: ok"
done
[ "$n" -ge 4 ] || fail "only $n example conflists found"
