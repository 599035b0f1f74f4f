#!/bin/bash
# DEL in every situation a runtime produces: the netns deleted first, the pod interface
# deleted first, no prevResult, no CNI_NETNS, repeated, an unknown container, a config whose
# per-pod VIF is gone. Each exits 0, releases the IPAM reservation and leaves nothing.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_cmd ip /usr/bin/python3
isolate "$0" "$@"

IPAM_DIR=/run/osvif-test/ipam
mkdir -p "$IPAM_DIR"
conf() {
        cat <<JSON
{"cniVersion":"1.1.0","name":"dnet","type":"osvif",
 "vif":{"type":"bridge","bridge_name":"brdel"},
 "ipam":{"type":"host-local","dataDir":"$IPAM_DIR","ranges":[[{"subnet":"10.50.0.0/24"}]]}}
JSON
}
reserved() { ls "$IPAM_DIR/dnet" 2>/dev/null | grep -c -v -E '^(lock|last_reserved_ip\.0)$' || true; }
clean() { # clean CONTEXT
        [ -z "$(ip -d link show | grep 'alias osvif')" ] || fail "$1: links of ours left on the host"
        [ "$(reserved)" = 0 ] || fail "$1: the address is still reserved"
}
add() { # add NETNS CTR
        make_netns "$1"
        conf | cni ADD "/run/netns/$1" eth0 "$2" >/dev/null || fail "ADD $2"
        [ "$(reserved)" = 1 ] || fail "ADD $2 reserved no address"
}
del() { # del NETNS_PATH CTR CONTEXT
        local out
        out=$(conf | cni DEL "$1" eth0 "$2") || fail "$3: DEL failed: $out"
}

add pa ctra
ip netns del pa
del /run/netns/pa ctra "netns deleted first"
clean "netns deleted first"

add pb ctrb
ip -n pb link del eth0
del /run/netns/pb ctrb "interface deleted first"
clean "interface deleted first"

add pc ctrc
out=$(conf | CNI_COMMAND=DEL CNI_CONTAINERID=ctrc CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni "$OSVIF_BIN") ||
        fail "DEL without CNI_NETNS: $out"
clean "no CNI_NETNS"
ip -n pc -o link show eth0 >/dev/null 2>&1 && fail "the pod end lives on without its host end"

add pd ctrd
del /run/netns/pd ctrd "plain"
del /run/netns/pd ctrd "repeated"
del /run/netns/pd ctrd "repeated again"
clean "repeated"

del /run/netns/pd never-added "unknown container"
del /run/netns/does-not-exist never-added "unknown container and netns"
clean "unknown container"

# the VIF came from args.cni.vif at ADD and is missing at DEL: found by owner all the same
make_netns pe
args_conf=$(conf | /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); c["podVif"]={"sources":["args"],"types":["generic"],"allowInterfaceId":True}; c["args"]={"cni":{"vif":{"type":"generic","id":"d0d0d0d0-0000-4000-8000-000000000001"}}}; print(json.dumps(c))')
echo "$args_conf" | cni ADD /run/netns/pe eth0 ctre >/dev/null || fail "ADD with a per-pod VIF"
ip link show tapd0d0d0d0-00 >/dev/null || fail "per-pod VIF not used"
echo '{"cniVersion":"1.1.0","name":"dnet","type":"osvif","ipam":{"type":"host-local","dataDir":"'"$IPAM_DIR"'","ranges":[[{"subnet":"10.50.0.0/24"}]]}}' |
        cni DEL /run/netns/pe eth0 ctre >/dev/null || fail "DEL without any VIF"
clean "per-pod VIF gone at DEL"

# with prevResult (libcni's cached result) as well as without
make_netns pf
res=$(conf | cni ADD /run/netns/pf eth0 ctrf) || fail "ADD pf"
conf | /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); c["prevResult"]=json.loads(sys.argv[1]); print(json.dumps(c))' "$res" |
        cni DEL /run/netns/pf eth0 ctrf >/dev/null || fail "DEL with prevResult"
clean "with prevResult"
[ -z "$(ls -A "$OSVIF_RUN_DIR" 2>/dev/null)" ] || fail "files left in the run dir"
echo "delmatrix: ok"
