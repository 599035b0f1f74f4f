#!/bin/bash
# Every example is checked and every example conflist is run.
#  - examples.py: the schema accepts every example, rejects the corpus's invalid configs and
#    agrees with `osvif validate` (see there).
#  - each examples/*.conflist, unchanged, through libcni (Debian's golang-github-appc-cni-dev,
#    as every Go runtime drives plugins): ADD into a pod netns, CHECK, DEL; the pod has its
#    interface and address in between, a link owned by the attachment exists (on the host or
#    in the pod), and the host has nothing of ours after DEL (links, addresses, routes, OVS
#    ports, osvif's run and state directories, Kata's entries in /tmp).
#  - the host set-up each example needs (needs() below), as the suites make it:
#      a private Open vSwitch (userspace datapath; OVS-DPDK for vhost-user, test/lib/ovs_dpdk.sh,
#      started once, when the first vhost-user example comes, and stopped at the end), reached
#      at the default /run/openvswitch of this test's own /run;
#      SIMULATION "fake PCI tree" (as test/integ/hostdev.sh, hostdev_ovs.sh and direct.sh):
#      OSVIF_SYSFS_ROOT says that PCI device 0000:03:00.0 is the NIC eno1 (a veth whose peer is
#      in netns "sw", where the switch would be), a PF whose VFs 0000:03:02.1-3 have veths as
#      netdevs, and (SIMULATION "switchdev PF") veths with the PF's switch id as their
#      representors; the VM's NIC ens3 of kuryr's nested VIFs is a veth too;
#      two real lldpad daemons for 802.1Qbg (as test/integ/qbg.sh);
#      test/vhu/fastpath-sim, a SIMULATION of the proprietary fast path, for the FP profiles.
#  - what this host cannot run is in NOT_RUN_HERE, with the reason and the suite that does run
#    it; it is printed, and not counted as run.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/e2e/lib.sh"
. "$OSVIF_SRCDIR/test/lib/ovs.sh"
. "$OSVIF_SRCDIR/test/lib/ovs_dpdk.sh"
require_root
require_cmd go ip /usr/bin/python3 lldpad lldptool vdptool
/usr/bin/python3 -c 'import jsonschema, yaml' 2>/dev/null || skip "needs python3-jsonschema and python3-yaml"
[ -d /usr/share/gocode/src/github.com/containernetworking/cni/libcni ] || skip "needs golang-github-appc-cni-dev"
isolate "$0" "$@"
mount -t sysfs sysfs /sys                # this namespace's links in /sys/class/net
private_tmp   # Kata's /tmp/vhostuser_<IP> entries, private
mount -t tmpfs tmpfs /dev/shm            # lldpad's "already running" state, private

/usr/bin/python3 "$OSVIF_SRCDIR/test/pkg/examples.py" "$OSVIF_SRCDIR" "$OSVIF_BIN" || fail "the schema and the examples"

T=/run/osvif-test
H=$T/harness
GOCACHE=$T/gocache GOPATH=/usr/share/gocode GO111MODULE=off go build -o $H "$OSVIF_SRCDIR/test/e2e/libcni/harness.go" ||
        fail "build the libcni harness"
BIN=$(e2e_bin_dir)
# host-local keeps its leases in /var/lib/cni/networks
shadow_dir /var/lib/cni

# Examples this host cannot run: the reason, and the suite that runs them.
declare -A NOT_RUN_HERE=(
        [51-osvif-sriov-vlan.conflist]="PF-side VF settings (VLAN 100, QoS, spoofchk, trust, link state, rate) need a PF that has VFs: no SR-IOV NIC and no netdevsim here, a veth PF reports none (error 110) | run by test/vm/hostdev_pf.sh (a netdevsim PF, in the kernel-feature VM of test/vm)"
        [64-osvif-direct-8021qbh.conflist]="802.1Qbh port profiles need a Cisco enic NIC (ndo_set_vf_port); every driver here answers EOPNOTSUPP (error 110) | test/integ/direct.sh checks that refusal; no suite has an enic NIC"
        [66-osvif-direct-vlan.conflist]="vlan_name makes a VLAN device: the 8021q module, which this kernel lacks | run by test/integ/direct_vlan.sh in the kernel-feature VM (test/vm/run.sh test/integ/direct_vlan.sh)"
        [67-osvif-kuryr-nested.conflist]="VIFVlanNested makes a VLAN device in the pod: the 8021q module, which this kernel lacks | run by test/integ/direct_vlan.sh in the kernel-feature VM (test/vm/run.sh test/integ/direct_vlan.sh)"
)
for ex in "${!NOT_RUN_HERE[@]}"; do
        [ -f "$OSVIF_SRCDIR/examples/$ex" ] || fail "NOT_RUN_HERE names $ex, which is not in examples/"
done

# What an example needs on the host before its ADD, by the VIF type and port profile of its
# osvif plugin:
#   none | ovs BRIDGE | ovsdpdk BRIDGE | sriov | sriov-ovs BRIDGE | direct (eno1 or ens3) | qbg
#   | fastpath VIF_NAME SOCKET MODE [LINUX_BRIDGE]
# A VIF type without a set-up here fails the test: an example of a new VIF type brings its
# set-up (a fast path, a fake PCI tree...) with it.
needs() {
        /usr/bin/python3 - "$1" <<'PY'
import json, sys
conf = json.load(open(sys.argv[1]))
SHORT = {"VIFGeneric": "generic", "VIFBridge": "bridge", "VIFOpenVSwitch": "ovs",
         "VIFDirect": "direct", "VIFVHostUser": "vhostuser", "VIFHostDevice": "hostdev",
         "VIFMacvlanNested": "macvlan_nested"}
PROF = {"VIFPortProfileOpenVSwitch": "openvswitch", "VIFPortProfileFPOpenVSwitch": "fp_openvswitch",
        "VIFPortProfileOVSRepresentor": "ovs_representor", "VIFPortProfileFPBridge": "fp_bridge",
        "VIFPortProfileFPTap": "fp_tap", "VIFPortProfile8021Qbg": "8021qbg"}
for p in conf["plugins"]:
    if p.get("type") != "osvif":
        continue
    vif = p.get("vif") or {}
    t = SHORT.get(vif.get("type"), vif.get("type"))
    pp = vif.get("port_profile") or {}
    prof = PROF.get(pp.get("type"), pp.get("type"))
    net = vif.get("network") or {}
    if t == "generic" or (t == "bridge" and not prof):
        print("none")
    elif prof == "openvswitch" and t in ("ovs", "bridge"):
        print("ovs", net.get("bridge") or vif.get("bridge_name"))
    elif t == "hostdev" and not prof:
        print("sriov")
    elif t == "hostdev" and prof in ("openvswitch", "ovs_representor"):
        print("sriov-ovs", net["bridge"])
    elif (t == "direct" and not prof and not vif.get("vlan_name")) or (t == "macvlan_nested" and not prof):
        print("direct")
    elif t == "direct" and prof == "8021qbg" and not vif.get("vlan_name"):
        print("qbg")
    elif t == "vhostuser" and (prof == "openvswitch" or (prof == "fp_openvswitch" and not pp.get("hybrid_plug"))):
        print("ovsdpdk", (pp.get("bridge_name") if prof == "fp_openvswitch" else None) or net["bridge"])
    elif t == "vhostuser" and prof in ("fp_bridge", "fp_tap"):
        print("fastpath", vif["vif_name"], vif["path"], vif["mode"], pp.get("bridge_name") or "")
    else:
        print("unknown", t, prof)
PY
}

# ---- SIMULATION "fake PCI tree" and "switchdev PF": no NIC, no SR-IOV here ----
export OSVIF_SYSFS_ROOT=$T/sys
DEV=$OSVIF_SYSFS_ROOT/bus/pci/devices
NET=$OSVIF_SYSFS_ROOT/class/net
PF=0000:03:00.0
# the NIC eno1 at 0000:03:00.0 (VIFDirect's dev_address, and the VFs' PF): a veth to the switch
mkdir -p "$DEV/$PF/net/eno1" "$NET/eno1"
make_netns sw
ip link add eno1 type veth peer name swp netns sw
ip link set eno1 up
ip -n sw link set swp up
echo 5a5a >"$NET/eno1/phys_switch_id"
echo p0 >"$NET/eno1/phys_port_name"
# kuryr's nested VIFs: the VM's NIC ens3 (a veth here)
ip link add ens3 type veth peer name ens3p
ip link set ens3 up
# VF N at 0000:03:02.(N+1), its netdev the veth vfN, its representor the veth repN (pf0vfN)
for n in 0 1 2; do
        vf=0000:03:02.$((n + 1))
        mkdir -p "$DEV/$vf/net/vf$n" "$NET/rep$n"
        ln -s "../$vf" "$DEV/$PF/virtfn$n"
        ln -s "../$PF" "$DEV/$vf/physfn"
        ip link add "vf$n" type veth peer name "vf${n}p"
        ip link add "rep$n" type veth peer name "rep${n}p"
        echo 5a5a >"$NET/rep$n/phys_switch_id"
        echo "pf0vf$n" >"$NET/rep$n/phys_port_name"
done

# ---- Open vSwitch: the plain one, or OVS-DPDK once a vhost-user example needs it ----
OVS_KIND=""
ovs_up() { # plain|dpdk
        [ "$OVS_KIND" = dpdk ] || [ "$OVS_KIND" = "$1" ] && return 0
        if [ "$OVS_KIND" = plain ]; then
                ovs_stop || true # its last kill -9 of a process gone fails
                umount /run/openvswitch
        fi
        if [ "$1" = dpdk ]; then
                ovs_dpdk_start
                on_exit '[ "${EXAMPLES_OK:-}" = 1 ] || tail -20 "$OVS_DIR/ovs-vswitchd.log" >&2'
        else
                ovs_start
        fi
        # the examples use OVS's default place, /run/openvswitch: its db.sock, its vhost-user
        # sockets (the OVS run directory osvif derives from the ovsdb socket's)
        mkdir -p /run/openvswitch
        mount --bind "$OVS_DIR" /run/openvswitch
        OVS_KIND=$1
}

# ---- 802.1Qbg: two lldpads over eno1/swp, the EVB bridge in netns sw (as test/integ/qbg.sh) ----
QBG_PIDS=""
qbg_start() {
        cat >$T/bridge.conf <<CONF
nearest_customer_bridge : { swp : { adminStatus = 3;
  tlvid0080c20d : { enableTx = true; evbmode = "bridge"; evbrrcap = true; }; }; };
CONF
        rm -f $T/station.conf
        ip netns exec sw unshare --mount --propagation private \
                sh -c 'mount -t tmpfs tmpfs /dev/shm && exec lldpad -p -t -V 7 -f '$T/bridge.conf >$T/bridge.log 2>&1 &
        QBG_PIDS="$!"
        lldpad -t -V 7 -f $T/station.conf >$T/station.log 2>&1 &
        QBG_PIDS="$QBG_PIDS $!"
        on_exit 'for p in $QBG_PIDS; do kill $p 2>/dev/null; done'
        for _ in $(seq 50); do [ -s /run/lldpad.pid ] && break; sleep 0.1; done
        [ -s /run/lldpad.pid ] || fail "the station's lldpad wrote no pid file: $(tail -3 $T/station.log)"
        lldptool -L -i eno1 -g ncb adminStatus=rxtx >/dev/null || fail "lldptool adminStatus"
        lldptool -T -i eno1 -g ncb -V evb -c enabletx=yes >/dev/null || fail "lldptool evb"
        for _ in $(seq 100); do
                lldptool -t -n -i eno1 -g ncb -V evb 2>/dev/null | grep -q "mode:bridge" &&
                        ip netns exec sw lldptool -t -n -i swp -g ncb -V evb 2>/dev/null | grep -q "mode:station r/l:1" &&
                        return 0
                sleep 0.1
        done
        fail "EVB never settled between the two lldpads"
}
qbg_stop() {
        for p in $QBG_PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
        QBG_PIDS=""
}

# ---- the fast path: test/vhu/fastpath-sim, a SIMULATION (it makes a tap vif_name for the socket) ----
SIM_PID=""
on_exit '[ -z "$SIM_PID" ] || kill $SIM_PID 2>/dev/null'
sim_start() { # VIF_NAME SOCKET MODE
        mkdir -p -m 0755 "$(dirname "$2")"
        "$OSVIF_SRCDIR/test/vhu/fastpath-sim" "$2" "$1" "$3" >/dev/null &
        SIM_PID=$!
}
sim_stop() { kill "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null; SIM_PID=""; }

# a snapshot without the bridges ADD may create and leave (and OVS's own devices)
no_bridges() {
        grep -v -E "^(osvifbr0|${1:-osvifbr0}|ovs-netdev|ovs-system)[@: ]|dev (osvifbr0|${1:-osvifbr0}) " || true
}
snap() { snapshot --dir /tmp | no_bridges "${1:-}"; }

n=0
ran=0
skipped=""
for conf in "$OSVIF_SRCDIR"/examples/*.conflist; do
        ex=$(basename "$conf")
        n=$((n + 1))
        if [ -n "${NOT_RUN_HERE[$ex]:-}" ]; then
                # the reason holds: ADD is refused here, and leaves the host as it was
                before=$(snap)
                make_netns "pod$n"
                out=$($H add "$conf" "/run/netns/pod$n" "ctr$n" eth0 "$BIN" $T/cache 2>&1) &&
                        fail "$ex: ADD succeeded here: run it, and take it out of NOT_RUN_HERE"
                ip netns del "pod$n"
                assert_same_snapshot "$before" "$(snap)" "$ex: after the refused ADD"
                echo "examples: $ex: NOT RUN HERE: ${NOT_RUN_HERE[$ex]}"
                echo "examples: $ex: (ADD here: ${out#harness: add: })"
                skipped="$skipped $ex"
                continue
        fi
        need=$(needs "$conf")
        ovsbr="" keepbr=""
        case "$need" in
        none | sriov | direct | qbg) ;;
        "ovs "* | "sriov-ovs "*) ovsbr=${need#* }; ovs_up plain ;;
        "ovsdpdk "*) ovsbr=${need#* }; ovs_up dpdk ;;
        "fastpath "*)
                read -r _ fp_name fp_sock fp_mode keepbr <<<"$need"
                ;;
        *) fail "$ex: no set-up for it in test/pkg/examples.sh ($need)" ;;
        esac
        # this machine has no openvswitch kernel module: the bridge uses the userspace datapath
        # (the example's datapath_type only applies to a bridge osvif creates)
        [ -n "$ovsbr" ] && ovs_vsctl --may-exist add-br "$ovsbr" -- set Bridge "$ovsbr" datapath_type=netdev
        [ -n "$ovsbr" ] && keepbr=$ovsbr
        before=$(snap "$keepbr")
        case "$need" in
        qbg) qbg_start ;;
        fastpath*) sim_start "$fp_name" "$fp_sock" "$fp_mode" ;;
        esac
        make_netns "pod$n"
        out=$($H add "$conf" "/run/netns/pod$n" "ctr$n" eth0 "$BIN" $T/cache) || fail "$ex: ADD: $out"
        addr=$(echo "$out" | json_get 'd["ips"][0]["address"]') || fail "$ex: no address in the result: $out"
        ip -n "pod$n" -o addr show eth0 | grep -q "inet ${addr%/*}/" || fail "$ex: the pod lacks $addr"
        { ip -d link show; ip -n "pod$n" -d link show; } | grep -q "alias osvif $(json_get 'd["name"]' <"$conf") ctr$n eth0" ||
                fail "$ex: no link owned by this attachment, on the host or in the pod"
        [ -z "$ovsbr" ] || ovs_vsctl list-ports "$ovsbr" | grep -q . || fail "$ex: no port on OVS bridge $ovsbr"
        case "$need" in
        qbg)
                vdptool -t -i eno1 -V assoc 2>/dev/null | grep -q "mode = assoc" ||
                        fail "$ex: the station's lldpad has no association"
                ;;
        ovsdpdk* | fastpath*)
                # vhost-user, mode client: Kata's entry leads to the socket that OVS or the fast
                # path serves
                [ "$(json_get '[p for p in d["plugins"] if p["type"] == "osvif"][0]["vif"]["mode"]' <"$conf")" != client ] ||
                        [ -S "/tmp/vhostuser_${addr%/*}/vhu.sock" ] || fail "$ex: no socket at Kata's /tmp/vhostuser_${addr%/*}/vhu.sock"
                ;;
        esac
        $H check "$conf" "/run/netns/pod$n" "ctr$n" eth0 "$BIN" $T/cache || fail "$ex: CHECK"
        $H del "$conf" "/run/netns/pod$n" "ctr$n" eth0 "$BIN" $T/cache || fail "$ex: DEL"
        ip -n "pod$n" link show eth0 >/dev/null 2>&1 && fail "$ex: eth0 still in the pod after DEL"
        ip netns del "pod$n"
        [ -z "$ovsbr" ] || [ -z "$(ovs_vsctl list-ports "$ovsbr")" ] || fail "$ex: ports left on $ovsbr: $(ovs_vsctl list-ports "$ovsbr")"
        case "$need" in
        qbg)
                [ -z "$(vdptool -t -i eno1 -V assoc 2>/dev/null)" ] || fail "$ex: lldpad still holds the VSI after DEL"
                qbg_stop
                ;;
        fastpath*) sim_stop ;; # the fast path's netdev is its own: DEL leaves it, the fast path removes it
        esac
        # what ADD created on the host is gone; a bridge it created may stay, as os-vif's does
        after=$(snap "$keepbr")
        assert_same_snapshot "$before" "$after" "$ex: after DEL"
        # the next example starts without this one's bridges (two examples may name one bridge,
        # once in OVS and once in Linux)
        [ -z "$ovsbr" ] || ovs_vsctl del-br "$ovsbr"
        [ -z "$keepbr" ] || ! ip link show "$keepbr" >/dev/null 2>&1 || ip link del "$keepbr"
        ran=$((ran + 1))
        echo "examples: $ex: ADD, CHECK, DEL in a pod netns: ok"
done
echo "examples: $ran of $n example conflists run here; not run here (see above):${skipped:- none}"
[ "$ran" -ge 4 ] || fail "only $ran example conflists run"
[ $((ran + ${#NOT_RUN_HERE[@]})) -eq "$n" ] || fail "$n conflists, $ran run and ${#NOT_RUN_HERE[@]} not run here"
EXAMPLES_OK=1
