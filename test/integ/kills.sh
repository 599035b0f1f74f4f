#!/bin/bash
# A kill at any point of ADD leaves nothing that nothing removes (issue 10, section 1).
#
# ADD is killed with SIGKILL (strace's syscall injection) at each of its netlink sends
# (sendmsg: libnl) and then at each of its OVSDB sends (sendto: backend/ovsdb.c), for the
# bridge VIF, VIFDirect (a macvlan made in the pod), OVS, the hybrid plug and a per-pod VIF
# (hybrid, names from the VIF id). After each kill, three ways out must each give back
# exactly the host as it was before the ADD (host links, pod links, addresses, routes,
# host-local leases, lock files, intent records, OVS ports and interfaces):
#   1. GC with no valid attachment;
#   2. (killed again) DEL, then GC;
#   3. (killed again) a re-ADD of the same attachment, which must succeed, then DEL.
# The sweep of a shape ends at the first send count that ADD gets through without a kill.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/lib/ovs.sh"
require_root
require_cmd ip strace /usr/bin/python3
isolate "$0" "$@"
ovs_start
ovs_vsctl add-br br-int -- set Bridge br-int datapath_type=netdev
ip link add brkill type bridge # shared bridges outlive their pods: it exists before and after

T=/run/osvif-test
IPAM=$T/ipam
mkdir -p "$IPAM"
make_netns pod
POD=/run/netns/pod
VIF_ID=7a1b2c3d-0000-4000-8000-00000000000a

ipam() { echo '"ipam":{"type":"host-local","dataDir":"'"$IPAM"'","ranges":[[{"subnet":"10.44.0.0/24"}]]}'; }
conf_bridge() {
        echo '{"cniVersion":"1.1.0","name":"knet","type":"osvif",'"$(ipam)"',
         "vif":{"type":"bridge","bridge_name":"brkill"}'"$1"'}'
}
conf_ovs() {
        echo '{"cniVersion":"1.1.0","name":"knet","type":"osvif","ovsdb":"'"$OVSDB"'",'"$(ipam)"',
         "vif":{"type":"ovs","bridge_name":"br-int","port_profile":{"type":"openvswitch","datapath_type":"netdev",
                "interface_id":"'"$VIF_ID"'"}}'"$1"'}'
}
conf_hybrid() {
        echo '{"cniVersion":"1.1.0","name":"knet","type":"osvif","ovsdb":"'"$OVSDB"'",'"$(ipam)"',
         "vif":{"type":"bridge","port_profile":{"type":"openvswitch","datapath_type":"netdev"},
                "network":{"bridge":"br-int"}}'"$1"'}'
}
# the pod's own VIF in args.cni.vif: qbr/qvb/qvo/tap named from its id (a Neutron port's)
conf_podvif() {
        echo '{"cniVersion":"1.1.0","name":"knet","type":"osvif","ovsdb":"'"$OVSDB"'",'"$(ipam)"',
         "vif":{"type":"bridge","port_profile":{"type":"openvswitch","datapath_type":"netdev"},
                "network":{"bridge":"br-int"}},
         "podVif":{"sources":["args"],"allowInterfaceId":true},
         "args":{"cni":{"vif":{"type":"bridge","id":"'"$VIF_ID"'","network":{"bridge":"br-int"},
                "port_profile":{"type":"openvswitch","datapath_type":"netdev","interface_id":"'"$VIF_ID"'"}}}}'"$1"'}'
}
# VIFDirect: a macvlan made in the pod on a lower device. Simulation of a PCI NIC: the fake
# sysfs says PCI function 0000:03:00.0 is the netdev eno1 (a veth, the real kernel's)
conf_direct() {
        echo '{"cniVersion":"1.1.0","name":"knet","type":"osvif",'"$(ipam)"',
         "vif":{"type":"direct","dev_address":"0000:03:00.0","mode":"bridge"}'"$1"'}'
}
mkdir -p "$T/sys/bus/pci/devices/0000:03:00.0/net/eno1"
ip link add eno1 type veth peer name eno1p
ip link set eno1 up
gc_extra=',"cni.dev/valid-attachments":[]'

state() {
        snapshot --netns pod --dir "$IPAM"
        echo "== ovs"
        ovs_vsctl --format=csv --data=bare --no-headings --columns=name,external_ids list Port | sort
        ovs_vsctl --format=csv --data=bare --no-headings --columns=name,external_ids list Interface | sort
}

# run VERB SHAPE [STRACE-ARGS...]: the plugin, optionally under strace; prints its stdout
run() {
        local verb=$1 shape=$2 extra=""
        shift 2
        [ "$verb" = GC ] && extra=$gc_extra
        "conf_$shape" "$extra" | CNI_COMMAND=$verb CNI_NETNS=$POD CNI_IFNAME=eth0 CNI_CONTAINERID=kctr \
                CNI_PATH=/usr/lib/cni OSVIF_SYSFS_ROOT=$T/sys "$@" "$OSVIF_BIN"
}
killed_add() { # killed_add SHAPE SYSCALL N: 137 when killed, 0 when ADD got through
        local rc=0
        run ADD "$1" strace -o /dev/null -qq -e trace="$2" -e inject="$2":signal=KILL:when="$3" >/dev/null 2>&1 || rc=$?
        return $rc
}
must() { # must WHAT CMD...: the command succeeds
        local out
        out=$("${@:2}" 2>&1) || fail "$1: $out"
}

kills=0
sweep() { # sweep SHAPE SYSCALL
        local shape=$1 sc=$2 n=1 rc before after
        # host-local's own bookkeeping (its lock, last reservation) exists after a first use
        must "$shape warm-up ADD" run ADD "$shape"
        must "$shape warm-up DEL" run DEL "$shape"
        before=$(state)
        while :; do
                rc=0
                killed_add "$shape" "$sc" "$n" || rc=$?
                if [ $rc = 0 ]; then
                        must "$shape: DEL after a complete ADD" run DEL "$shape"
                        assert_same_snapshot "$before" "$(state)" "$shape: ADD+DEL"
                        break
                fi
                [ $rc = 137 ] || fail "$shape: ADD under strace ($sc #$n) exited $rc, not killed"
                kills=$((kills + 1))
                must "$shape $sc #$n: GC" run GC "$shape"
                assert_same_snapshot "$before" "$(state)" "$shape: killed at $sc #$n, then GC"

                killed_add "$shape" "$sc" "$n" && fail "$shape: not killed at $sc #$n the second time"
                must "$shape $sc #$n: DEL" run DEL "$shape"
                must "$shape $sc #$n: GC after DEL" run GC "$shape"
                assert_same_snapshot "$before" "$(state)" "$shape: killed at $sc #$n, then DEL and GC"

                killed_add "$shape" "$sc" "$n" && fail "$shape: not killed at $sc #$n the third time"
                result=$(run ADD "$shape") || fail "$shape $sc #$n: re-ADD: $result"
                # what the re-ADD built is whole and its own (a half-made qbr reused answered 109)
                out=$("conf_$shape" "" | /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); c["prevResult"]=json.loads(sys.argv[1]); print(json.dumps(c))' "$result" |
                        CNI_COMMAND=CHECK CNI_NETNS=$POD CNI_IFNAME=eth0 CNI_CONTAINERID=kctr CNI_PATH=/usr/lib/cni OSVIF_SYSFS_ROOT=$T/sys "$OSVIF_BIN") ||
                        fail "$shape $sc #$n: CHECK after the re-ADD: $out"
                must "$shape $sc #$n: DEL after re-ADD" run DEL "$shape"
                assert_same_snapshot "$before" "$(state)" "$shape: killed at $sc #$n, then re-ADD and DEL"
                n=$((n + 1))
        done
        echo "$shape: $((n - 1)) ${sc} point(s)"
}

start=$SECONDS
sweep bridge sendmsg
sweep direct sendmsg
for shape in ovs hybrid podvif; do
        sweep $shape sendmsg
        sweep $shape sendto
done
# a per-VIF bridge of this attachment's name that is not its own is refused, never taken over
ip link add qbr7a1b2c3d-00 type bridge
taken=$(state)
out=$(run ADD podvif) && fail "ADD took over a qbr it does not own"
expect_error 103 "$out" "foreign qbr"
assert_same_snapshot "$taken" "$(state)" "ADD refused over a foreign qbr"
must "DEL after the refused ADD" run DEL podvif
ip link show qbr7a1b2c3d-00 >/dev/null 2>&1 || fail "DEL removed a qbr that was not the attachment's"
ip link del qbr7a1b2c3d-00

[ $kills -gt 40 ] || fail "only $kills kills: the injection did not reach ADD's sends"
echo "kills: ok ($kills kills in $((SECONDS - start)) s)"
