#!/bin/bash
# VIFDirect with an 802.1Qbg port profile against real lldpad: two lldpad daemons over a veth
# pair, the EVB station on the lower device's side (where osvif runs) and the EVB bridge on the
# other side, in netns "sw", each with its own mount namespace and /dev/shm (lldpad's
# "already running" check is /dev/shm/lldpad.state) and its own control socket (per netns).
# The bridge role is in the bridge's config file before it starts: set live, VDP would stay in
# station role. As in direct.sh, the "PCI NIC" is a veth named by a fake sysfs tree.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_cmd ip lldpad lldptool vdptool /usr/bin/python3
isolate "$0" "$@"
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /dev/shm   # the station's private /dev/shm (this mount namespace's)

T=/run/osvif-test
PCI=0000:03:00.0
# simulation of a PCI NIC: sysfs says the PCI function 0000:03:00.0 is the netdev eno1
export OSVIF_SYSFS_ROOT=$T/sys
mkdir -p "$OSVIF_SYSFS_ROOT/bus/pci/devices/$PCI/net/eno1"
make_netns sw
make_netns p1
ip link add eno1 type veth peer name swp netns sw
ip link set eno1 up
ip -n sw link set swp up

cat >$T/bridge.conf <<CONF
nearest_customer_bridge : { swp : { adminStatus = 3;
  tlvid0080c20d : { enableTx = true; evbmode = "bridge"; evbrrcap = true; }; }; };
CONF
ip netns exec sw unshare --mount --propagation private \
        sh -c 'mount -t tmpfs tmpfs /dev/shm && exec lldpad -p -t -V 7 -f '$T/bridge.conf >$T/bridge.log 2>&1 &
BRIDGE=$!
on_exit "kill $BRIDGE"
start_station() {
        lldpad -t -V 7 -f $T/station.conf >$T/station.log 2>&1 &
        STATION=$!
        on_exit "kill $STATION 2>/dev/null"
        for _ in $(seq 50); do [ -s /run/lldpad.pid ] && break; sleep 0.1; done
        [ "$(tr -d '\0\n' </run/lldpad.pid)" = "$STATION" ] || fail "station lldpad wrote no pid file"
        # the station role is lldpad's default: EVB on, nearest customer bridge agent up
        # lldpad writes its pid file before it serves its control socket: lldptool may be
        # refused for a moment after it
        for _ in $(seq 50); do
                lldptool -L -i eno1 -g ncb adminStatus=rxtx >/dev/null 2>&1 && break
                sleep 0.1
        done
        lldptool -L -i eno1 -g ncb adminStatus=rxtx >/dev/null || fail "lldptool adminStatus"
        lldptool -T -i eno1 -g ncb -V evb -c enabletx=yes >/dev/null || fail "lldptool evb"
}
start_station
# A station up for a while, as on a real host: the EVB exchange has ended, the bridge holds
# the station's TLV with the timers it agreed to ("r/l:1"). A request before that gets from
# the bridge a keep-alive timer of microseconds and is dropped at once (osvif asks again
# within its bound, but the bridge keeps those timers until the exchange ends).
evb_settled() {
        lldptool -t -n -i eno1 -g ncb -V evb 2>/dev/null | grep -q "mode:bridge" &&
                ip netns exec sw lldptool -t -n -i swp -g ncb -V evb 2>/dev/null | grep -q "mode:station r/l:1"
}
for _ in $(seq 100); do evb_settled && break; sleep 0.1; done  # about 0.5 s
evb_settled || fail "EVB never settled between the two lldpads"

UUID=8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
conf() { # MAC-LAST-BYTE [TOP-EXTRA] [VIF-EXTRA]
        cat <<JSON
{"cniVersion":"1.1.0","name":"qnet","type":"osvif"${2:-},
 "vif":{"type":"direct","dev_address":"$PCI","mode":"vepa","address":"02:00:00:00:50:$1",
        "network":{"vlan":0,"subnets":[{"cidr":"10.50.0.0/24","ips":["10.50.0.$1"]}]},
        "port_profile":{"type":"8021qbg","manager_id":1,"type_id":513,"type_id_version":3,"instance_id":"${UUID%??}$1"}${3:-}}}
JSON
}
station_vsis() { vdptool -t -i eno1 -V assoc 2>/dev/null || true; }
bridge_saw() { # VSI-MODE UUID: the bridge's lldpad received that request for that VSI
        grep -q "vsi_mode:$1,0 .* $2 " $T/bridge.log
}

out=$(conf 11 | cni ADD /run/netns/p1 eth0 c1) || fail "ADD: $out"
vsis=$(station_vsis)
echo "$vsis" | grep -q "mode = assoc" || fail "station lldpad has no association: $vsis"
echo "$vsis" | grep -q "uuid = ${UUID%??}11" || fail "station: wrong instance: $vsis"
echo "$vsis" | grep -q "filter = 0-02:00:00:00:50:11" || fail "station: VLAN 0 and the VIF's MAC: $vsis"
echo "$vsis" | grep -q "typeid = 513" || fail "station: VSI type: $vsis"
for _ in $(seq 20); do bridge_saw 3 "${UUID%??}11" && grep -q "vdp22br_addvsi:swp" $T/bridge.log && break; sleep 0.1; done
bridge_saw 3 "${UUID%??}11" || fail "the bridge's lldpad never saw the association"
grep -q "vdp22br_addvsi:swp" $T/bridge.log || fail "the bridge's lldpad added no VSI"
ip -n p1 -d link show eth0 | grep -q "macvlan mode vepa" || fail "no macvlan in the pod"
ls "$OSVIF_STATE_DIR" | grep -q "^osvif qnet c1 eth0.qbg.json$" || fail "no state for DEL"
conf 11 | cni CHECK /run/netns/p1 eth0 c1 || fail "CHECK"

# DEL without the netns disassociates from the recorded state
conf 11 | cni DEL "" eth0 c1 || fail "DEL"
[ -z "$(station_vsis)" ] || fail "station still holds the VSI after DEL: $(station_vsis)"
for _ in $(seq 20); do bridge_saw 4 "${UUID%??}11" && break; sleep 0.1; done
bridge_saw 4 "${UUID%??}11" || fail "the bridge's lldpad never saw the disassociation"
[ -z "$(ls -A "$OSVIF_STATE_DIR")" ] || fail "state left: $(ls "$OSVIF_STATE_DIR")"
ip netns del p1 && make_netns p1

# a fault before every step: no VSI, no state, no link
before=$(snapshot --netns p1)
for n in 0 1 2 3; do # qbg, macvlan, pod-link, pod-l3
        out=$(conf 21 | OSVIF_FAULT_STEP=$n cni ADD /run/netns/p1 eth0 c2) && fail "fault $n: ADD succeeded"
        expect_error 100 "$out" "fault $n"
        assert_same_snapshot "$before" "$(snapshot --netns p1)" "fault before step $n"
        [ -z "$(station_vsis)" ] || fail "fault $n: station holds a VSI: $(station_vsis)"
done

# GC: an attachment the runtime no longer knows is disassociated by its state file
conf 31 ',"lldpadPidFile":"/run/lldpad.pid"' | cni ADD /run/netns/p1 eth0 c3 >/dev/null || fail "ADD c3"
station_vsis | grep -q "uuid = ${UUID%??}31" || fail "c3 not associated"
echo '{"cniVersion":"1.1.0","name":"qnet","type":"osvif","cni.dev/valid-attachments":[]}' |
        CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN" || fail "GC"
[ -z "$(station_vsis)" ] || fail "GC left the VSI: $(station_vsis)"
[ -z "$(ls -A "$OSVIF_STATE_DIR")" ] || fail "GC left state: $(ls "$OSVIF_STATE_DIR")"
ip netns del p1 && make_netns p1

# lldpad stopped: ADD says so and leaves nothing; DEL of an old association succeeds (lldpad
# and its VSIs are gone)
conf 41 | cni ADD /run/netns/p1 eth0 c4 >/dev/null || fail "ADD c4"
kill "$STATION"; wait "$STATION" 2>/dev/null || true
rm -f /run/lldpad.pid
conf 41 | cni DEL /run/netns/p1 eth0 c4 || fail "DEL with lldpad gone"
[ -z "$(ls -A "$OSVIF_STATE_DIR")" ] || fail "state left after DEL: $(ls "$OSVIF_STATE_DIR")"
before=$(snapshot --netns p1)
out=$(conf 42 | cni ADD /run/netns/p1 eth0 c5) && fail "ADD without lldpad succeeded"
expect_error 110 "$out" "no lldpad"
echo "$out" | grep -q 'lldpad is not running (no pid file \\"/var/run/lldpad.pid\\")' || fail "no lldpad: $out"
assert_same_snapshot "$before" "$(snapshot --netns p1)" "no lldpad"
echo "qbg: ok"
