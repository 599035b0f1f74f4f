# Helpers for the suites that run inside test/vm's guest (source after test/lib/common.sh).
#   require_vm               skip unless in the guest test/vm/run.sh boots (OSVIF_VM=1)
#   nsim_new ID NUM_VFS      a netdevsim device (simulated hardware: QEMU 7.2 has no NIC with
#                            SR-IOV) with one port and NUM_VFS VFs, in this network namespace;
#                            prints its PF's name. The VFs are settings on the PF only: netdevsim
#                            makes no VF netdevs.
#   nsim_del ID
#   vf_expect PF VF KEY=VALUE...
#                            fail unless VF's entry in `ip -j link show PF` has these values
#                            (mac, vlan, qos, spoofchk, trust, link_state; one Python start,
#                            which TCG makes slow)
require_vm() {
        [ "${OSVIF_VM:-}" = 1 ] || skip "runs in the guest test/vm/run.sh boots (test/vm/ovs_kernel.sh)"
}

nsim_new() {
        local dev=/sys/bus/netdevsim/devices/netdevsim$1 pf=""
        [ -d /sys/bus/netdevsim ] || fail "no netdevsim module loaded"
        echo "$1 1" >/sys/bus/netdevsim/new_device || fail "netdevsim: new device $1"
        echo "$2" >"$dev/sriov_numvfs" || fail "netdevsim$1: $2 VFs"
        # /sys/class/net shows the namespace /sys was mounted in, not ours: ask rtnetlink
        for _ in $(seq 1 100); do
                pf=$(ip -d -j link show | /usr/bin/python3 -c 'import json, sys
print(" ".join(l["ifname"] for l in json.load(sys.stdin) if l.get("parentdev") == sys.argv[1]))' "netdevsim$1")
                [ -n "$pf" ] && break
                sleep 0.1
        done
        [ -n "$pf" ] || fail "netdevsim$1 made no netdev"
        echo "$pf"
}

nsim_del() {
        echo "$1" >/sys/bus/netdevsim/del_device
}

vf_expect() {
        local pf=$1 vf=$2
        shift 2
        ip -j link show "$pf" | /usr/bin/python3 -c 'import json, sys
v = [v for v in json.load(sys.stdin)[0]["vfinfo_list"] if v["vf"] == int(sys.argv[1])][0]
vl = (v.get("vlan_list") or [{}])[0]
have = {"mac": v["address"], "vlan": vl.get("vlan", 0), "qos": vl.get("qos", 0),
        "spoofchk": v["spoofchk"], "trust": v["trust"], "link_state": v["link_state"]}
have = {k: str(x).lower() for k, x in have.items()}
bad = [a for a in sys.argv[2:] if have[a.split("=")[0]] != a.split("=", 1)[1]]
sys.exit("VF %s: want %s, have %s" % (sys.argv[1], " ".join(bad), have) if bad else 0)' "$vf" "$@" ||
                fail "$pf's VF $vf"
}
