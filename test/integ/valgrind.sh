#!/bin/bash
# The plugin under valgrind: no leak and no memory error on VERSION, on a rejected ADD, on
# ADD, CHECK, DEL and GC of a bridge attachment with delegated IPAM (host-local, itself not
# traced), and on an OVS attachment against a real ovsdb-server.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/lib/ovs.sh"
require_root
require_cmd valgrind ip /usr/bin/python3
isolate "$0" "$@"

T=/run/osvif-test
VG=(valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 --track-fds=no)
vg() { # vg NAME EXPECTED_EXIT VERB NETNS CONTAINER < config
        local rc=0
        CNI_COMMAND=$3 CNI_NETNS=$4 CNI_IFNAME=eth0 CNI_CONTAINERID=$5 CNI_PATH=/usr/lib/cni \
                "${VG[@]}" --log-file=$T/vg-$1.log "$OSVIF_BIN" >$T/out-$1 || rc=$?
        [ "$rc" != 99 ] || { cat $T/vg-$1.log >&2; fail "$1: valgrind found errors or leaks"; }
        [ "$rc" = "$2" ] || fail "$1: exit $rc, expected $2: $(cat $T/out-$1)"
        # anything but valgrind's note that it does not know the NS_GET_NSTYPE ioctl
        if grep -v -E 'unhandled ioctl 0xb703|could cause spurious value errors|README_MISSING_SYSCALL_OR_IOCTL' \
                $T/vg-$1.log | grep -q .; then
                cat $T/vg-$1.log >&2
                fail "$1: valgrind reported"
        fi
}
make_netns pod
echo '{"cniVersion":"1.1.0"}' | vg version 0 VERSION "" ""
echo '{"cniVersion":"1.1.0","name":"v","type":"osvif","vif":{"type":"bridge","id":"nope"}}' | vg rejected 1 ADD /run/netns/pod c1
echo '{"cniVersion":"1.1.0","name":"v","type":"osvif","vif":' | vg undecodable 1 ADD /run/netns/pod c1

conf='{"cniVersion":"1.1.0","name":"vnet","type":"osvif","vif":{"type":"bridge","bridge_name":"brvg","network":{"mtu":1400}},
 "ipam":{"type":"host-local","dataDir":"'$T'/ipam","ranges":[[{"subnet":"10.95.0.0/24","gateway":"10.95.0.1"}]],"routes":[{"dst":"0.0.0.0/0"}]}}'
echo "$conf" | vg add 0 ADD /run/netns/pod c1
prev=$(cat $T/out-add)
echo "$conf" | /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); c["prevResult"]=json.loads(sys.argv[1]); print(json.dumps(c))' "$prev" |
        vg check 0 CHECK /run/netns/pod c1
echo "$conf" | vg gc-keep 0 GC "" "" # no valid list: everything of vnet is stale
[ -z "$(ip -d link show | grep 'alias osvif')" ] || fail "GC under valgrind left links"
echo "$conf" | vg add2 0 ADD /run/netns/pod c2
echo "$conf" | vg del 0 DEL /run/netns/pod c2
echo "$conf" | vg del-again 0 DEL /run/netns/pod c2
echo "$conf" | vg del-no-netns 0 DEL "" c3

ovs_start
oconf='{"cniVersion":"1.1.0","name":"vo","type":"osvif","ovsdb":"'$OVSDB'","vif":{"type":"ovs","bridge_name":"br-vg",
 "port_profile":{"type":"openvswitch","datapath_type":"netdev"},"network":{"vlan":3,"subnets":[{"cidr":"10.96.0.0/24","ips":["10.96.0.2"]}]}}}'
echo "$oconf" | vg ovs-add 0 ADD /run/netns/pod o1
echo "$oconf" | vg ovs-del 0 DEL /run/netns/pod o1
echo "$oconf" | vg ovs-status 0 STATUS "" ""

# VIFHostDevice on a fake PCI tree (a veth is the VF's netdev): ADD, CHECK, a refused second
# ADD, DEL, and GC of a claim
export OSVIF_SYSFS_ROOT=$T/sys
mkdir -p $T/sys/bus/pci/devices/0000:0c:00.0/net/pfvg $T/sys/bus/pci/devices/0000:0c:00.1/net/vfvg
ln -s ../0000:0c:00.1 $T/sys/bus/pci/devices/0000:0c:00.0/virtfn0
ln -s ../0000:0c:00.0 $T/sys/bus/pci/devices/0000:0c:00.1/physfn
ip link add pfvg type veth peer name pfvgp
ip link add vfvg type veth peer name vfvgp
hconf='{"cniVersion":"1.1.0","name":"vh","type":"osvif","vif":{"type":"hostdev","dev_type":"ethernet",
 "dev_address":"0000:0c:00.1","network":{"mtu":1400,"subnets":[{"cidr":"10.97.0.0/24","ips":["10.97.0.2"]}]}}}'
echo "$hconf" | vg hostdev-add 0 ADD /run/netns/pod h1
echo "$hconf" | /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); c["prevResult"]=json.load(open(sys.argv[1])); print(json.dumps(c))' \
        $T/out-hostdev-add | vg hostdev-check 0 CHECK /run/netns/pod h1
echo "$hconf" | vg hostdev-in-use 1 ADD /run/netns/pod h2
echo "$hconf" | vg hostdev-del 0 DEL /run/netns/pod h1
echo "$hconf" | vg hostdev-add2 0 ADD /run/netns/pod h3
echo "$hconf" | vg hostdev-gc 0 GC "" ""
ip link show vfvg >/dev/null || fail "GC under valgrind did not give the VF back"
echo "valgrind: ok"
