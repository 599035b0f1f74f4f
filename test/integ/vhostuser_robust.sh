#!/bin/bash
# VIFVHostUser's refusals and failures against a real OVS-DPDK (no guest: no traffic here,
# test/integ/vhostuser.sh has it), with OVS's vhost-sock-dir set to a sub-directory: socket
# paths that are relative, not normalized, too long for sun_path or that pass through symlinks
# or directories other users control (code 7, the field named, nothing made); a Kata entry
# that already exists (103); a port of that name that is not ours (103, after the placeholder
# was made meanwhile); a fault before every step and a SIGKILL at every send (host,
# OVS, /tmp and state exactly as before); OVSDB down (11); the answer to the port lost after
# its commit (11, the port deleted by owner); a tcp: OVSDB target with and without ovsRunDir; vhostuserGroup;
# a VIF that Debian's python3-os-vif serialized; STATUS; repeated DEL.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/lib/ovs_dpdk.sh"
require_root
require_cmd ip /usr/bin/python3 setpriv strace
isolate "$0" "$@"
private_tmp
OVS_DPDK_SOCK_DIR=vhu ovs_dpdk_start
mkdir -p "$OVS_DIR/vhu"
# on failure, what ovs-vswitchd said last
on_exit '[ "${VHU_OK:-}" = 1 ] || tail -40 "$OVS_DIR/ovs-vswitchd.log" >&2' 

UUID=7182a3b4-0000-4000-8000-000000000001
PORT=vhu7182a3b4-00
# conf MODE PATH [extra top-level keys] [IP]
conf_args() {
        cat <<JSON
{"cniVersion":"1.1.0","name":"rnet","type":"osvif","ovsdb":"${OVSDB_T:-$OVSDB}"${3:+,$3},
 "args":{"cni":{"vif":{"type":"vhostuser","id":"$UUID","address":"fa:16:3e:00:02:01",
   "vif_name":"tap7182a3b4-00","path":"$2","mode":"$1",
   "port_profile":{"type":"openvswitch","interface_id":"$UUID"},
   "network":{"bridge":"br-r","mtu":1500,"subnets":[{"cidr":"10.91.0.0/24","ips":["${4:-10.91.0.7}"]},{"cidr":"fd00:91::/64","ips":["fd00:91::7"]}]}}}}}
JSON
}
conf() { conf_args "$@" | pod_vif_trusted; }
ports() { ovs_vsctl --columns=name --bare list Interface | sort | tr '\n' ' '; }
state() { snapshot --netns pod --dir /tmp; ports; }
make_netns pod
# the bridge exists before the snapshots (a failed ADD that created it removes it only with
# its last port, which OVS keeps; the faults suite shows the bridge rules for Linux bridges)
ovs_vsctl add-br br-r -- set Bridge br-r datapath_type=netdev

# ---- mode client: the socket under vhost-sock-dir, an entry per IP (v4 and v6) ----
out=$(conf client /run/x | cni ADD /run/netns/pod eth0 c1) || fail "ADD: $out"
sock=$(echo "$out" | json_get '[i for i in d["interfaces"] if "socketPath" in i][0]["socketPath"]')
[ "$sock" = "$OVS_DIR/vhu/$PORT" ] || fail "socketPath $sock is not under vhost-sock-dir"
[ -S "$sock" ] || fail "no socket at $sock"
[ "$(readlink /tmp/vhostuser_10.91.0.7/vhu.sock)" = "$sock" ] || fail "IPv4 entry"
[ "$(readlink /tmp/vhostuser_fd00:91::7/vhu.sock)" = "$sock" ] || fail "IPv6 entry"
conf client /run/x | cni DEL /run/netns/pod eth0 c1 || fail "DEL"
[ -z "$(ports | grep $PORT)" ] || fail "DEL left $PORT"
[ -z "$(tmp_left)" ] || fail "DEL left $(tmp_left)"
# the state file went, and with the last one its directory
[ -e "$OSVIF_STATE_DIR/vhostuser" ] && fail "DEL left $OSVIF_STATE_DIR/vhostuser: $(ls -A "$OSVIF_STATE_DIR/vhostuser")"
# CHECK right after ADD: ADD returns once OVS listens on the socket, before ovs-vswitchd has
# the port in its datapath and writes the ofport; CHECK waits for that as ADD used to
for i in 1 2 3 4 5 6; do
        out=$(conf client /run/x | cni ADD /run/netns/pod eth0 c1) || fail "ADD $i: $out"
        chk=$(conf client /run/x | /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); c["prevResult"]=json.loads(sys.argv[1]); print(json.dumps(c))' "$out" |
                cni CHECK /run/netns/pod eth0 c1) || fail "CHECK right after ADD ($i): $chk"
        conf client /run/x | cni DEL /run/netns/pod eth0 c1 || fail "DEL $i"
done
# socketPath exists from spec 1.0.0 on (libcni's types100); a 0.4.0 result drops it
out=$(conf client /run/x | sed 's/"1.1.0"/"0.4.0"/' | cni ADD /run/netns/pod eth0 c1) || fail "ADD 0.4.0: $out"
echo "$out" | grep -q socketPath && fail "a 0.4.0 result with socketPath: $out"
echo "$out" | grep -q '"cniVersion":"0.4.0"' || fail "not a 0.4.0 result: $out"
conf client /run/x | cni DEL /run/netns/pod eth0 c1 || fail "DEL"
conf client /run/x | cni DEL /run/netns/pod eth0 c1 || fail "DEL again"

# ---- a stale socket at OVS's path, which nobody listens on: ADD waits for a listener, not a
# file, so it is not fooled; OVS cannot bind there and ADD reports its error ----
before=$(state)
/usr/bin/python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.close()' \
        "$OVS_DIR/vhu/$PORT"
out=$(conf client /run/x | cni ADD /run/netns/pod eth0 s1) && fail "ADD over a stale socket succeeded: $out"
expect_error 107 "$out" "ADD over a stale socket"
echo "$out" | grep -qF "could not add port" || fail "ADD over a stale socket: not OVS's error: $out"
rm "$OVS_DIR/vhu/$PORT"
assert_same_snapshot "$before" "$(state)" "ADD over a stale socket"

# ---- refusals: code 7 naming the field, nothing made ----
before=$(state)
refuse() { # MODE PATH WORDS...
        local mode=$1 path=$2 out
        shift 2
        out=$(conf "$mode" "$path" | cni ADD /run/netns/pod eth0 c2) && fail "ADD with path $path succeeded"
        expect_error 7 "$out" "path $path"
        for w in "$@"; do echo "$out" | grep -qF -- "$w" || fail "path $path: no \"$w\" in $out"; done
        assert_same_snapshot "$before" "$(state)" "refused path $path"
}
refuse server relative/q.sock 'vif.path' 'not an absolute path'
refuse server /run/a/../q.sock 'vif.path' 'not a normalized path'
refuse client /run//q.sock 'vif.path' 'not a normalized path'
refuse server /run/q/ 'vif.path' 'not a normalized path'
refuse server "/run/$(printf 'x%.0s' $(seq 1 104))" 'vif.path' 'too long for a UNIX socket'
mkdir -m 0777 /run/open
refuse server /run/open/q.sock 'vif.path' 'through \"/run/open\"' 'other users can write'
mkdir -m 0755 /run/theirs && chown 65534 /run/theirs
refuse server /run/theirs/q.sock 'vif.path' 'owned by another user'
mkdir -m 0755 /run/real
ln -s /run/real /run/link && chown -h 65534 /run/link
refuse server /run/link/q.sock 'vif.path' 'symlink owned by another user'
ln -s /run/open /run/rootlink
refuse server /run/rootlink/q.sock 'vif.path' 'through \"/run/open\"' 'other users can write'
# refused before OVS was touched: ovs-vswitchd never heard of any of those sockets
grep -q "q.sock" "$OVS_DIR/ovs-vswitchd.log" && fail "a refused path reached OVS: $(grep q.sock "$OVS_DIR/ovs-vswitchd.log" | head -3)"
# a symlink root owns into a directory root owns is fine (like /var/run -> /run)
ln -s /run/real /run/goodlink
out=$(conf server /run/goodlink/q.sock | cni ADD /run/netns/pod eth0 c2) || fail "ADD through a good symlink: $out"
# CHECK reads the port's type and options and the placeholder back
with_prev() { /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); c["prevResult"]=json.loads(sys.argv[1]); print(json.dumps(c))' "$1"; }
conf server /run/goodlink/q.sock | with_prev "$out" | cni CHECK /run/netns/pod eth0 c2 || fail "CHECK"
ovs_vsctl set Interface $PORT options:vhost-server-path=/run/real/other.sock
bad=$(conf server /run/goodlink/q.sock | with_prev "$out" | cni CHECK /run/netns/pod eth0 c2) && fail "CHECK with another vhost-server-path"
expect_error 109 "$bad" "CHECK vhost-server-path"
echo "$bad" | grep -q vhost-server-path || fail "CHECK: $bad"
ovs_vsctl set Interface $PORT options:vhost-server-path=/run/goodlink/q.sock
ip -n pod link set eth0 mtu 1400
bad=$(conf server /run/goodlink/q.sock | with_prev "$out" | cni CHECK /run/netns/pod eth0 c2) && fail "CHECK with another MTU"
expect_error 109 "$bad" "CHECK placeholder MTU"
echo "$bad" | grep -q "placeholder" || fail "CHECK: $bad"
conf server /run/goodlink/q.sock | cni DEL /run/netns/pod eth0 c2 || fail "DEL"
# a tcp: target needs ovsRunDir for mode client
ovs-appctl -t "$OVS_DIR/ovsdb-server.ctl" ovsdb-server/add-remote ptcp:16641:127.0.0.1
for _ in $(seq 1 50); do ovs-vsctl --db=tcp:127.0.0.1:16641 --timeout=1 show >/dev/null 2>&1 && break; sleep 0.1; done
before=$(state)
out=$(OVSDB_T=tcp:127.0.0.1:16641 conf client /run/x | cni ADD /run/netns/pod eth0 c2) && fail "tcp without ovsRunDir"
expect_error 7 "$out" "tcp without ovsRunDir"
echo "$out" | grep -q ovsRunDir || fail "the error does not name ovsRunDir: $out"
assert_same_snapshot "$before" "$(state)" "tcp without ovsRunDir"
out=$(OVSDB_T=tcp:127.0.0.1:16641 conf client /run/x "\"ovsRunDir\":\"$OVS_DIR\"" | cni ADD /run/netns/pod eth0 c2) ||
        fail "tcp with ovsRunDir: $out"
[ "$(echo "$out" | json_get '[i for i in d["interfaces"] if "socketPath" in i][0]["socketPath"]')" = "$sock" ] ||
        fail "socketPath over tcp: $out"
conf client /run/x | cni DEL /run/netns/pod eth0 c2 || fail "DEL"
# a Kata entry that exists is not ours: refused (103), left alone
mkdir /tmp/vhostuser_10.91.0.7
before=$(state)
out=$(conf client /run/x | cni ADD /run/netns/pod eth0 c2) && fail "ADD over an existing Kata entry"
expect_error 103 "$out" "existing Kata entry"
assert_same_snapshot "$before" "$(state)" "existing Kata entry"
rmdir /tmp/vhostuser_10.91.0.7
# a port of that name that is not ours (mode client): OVSDB refuses the transaction, whose
# answer ADD reads after it has made the pod's placeholder and addresses; refused (103),
# the placeholder undone, the other port left alone, no Kata entry or state file made
ovs_vsctl add-port br-r $PORT -- set Interface $PORT type=dpdkvhostuser
before=$(state)
out=$(conf client /run/x | cni ADD /run/netns/pod eth0 c2) && fail "ADD over another's port"
expect_error 103 "$out" "another's port"
echo "$out" | grep -q "$PORT" || fail "the error does not name the port: $out"
assert_same_snapshot "$before" "$(state)" "another's port"
[ -e "$OSVIF_STATE_DIR/vhostuser" ] && fail "a refused ADD left $OSVIF_STATE_DIR/vhostuser"
# and with eth0 taken in the pod too: the placeholder fails while the answer is still pending,
# and the rollback must read it before it deletes anything (it says the port is not ours)
foreign=$(ovs_vsctl get Interface $PORT _uuid)
ip -n pod link add eth0 type veth peer name eth0x
before=$(state)
out=$(conf client /run/x | cni ADD /run/netns/pod eth0 c2) && fail "ADD over another's port and eth0"
expect_error 103 "$out" "another's port and eth0"
assert_same_snapshot "$before" "$(state)" "another's port and eth0"
[ "$(ovs_vsctl get Interface $PORT _uuid)" = "$foreign" ] || fail "the rollback deleted another's port"
ip -n pod link del eth0
ovs_vsctl del-port br-r $PORT
# the answer to the port's transaction lost after ovsdb-server committed it (a relay drops it
# and the connection): read in settle, 11, and the port deleted by owner over a new
# connection; then with eth0 taken in the pod, so that undo is the one that finds it lost
lost() { # lost CODE WHAT: an ADD through the relay fails with CODE and changes nothing
        local before out
        before=$(state)
        lossy_ovsdb_start "$OVSDB"
        out=$(OVSDB_T=$LOSSY_TARGET conf client /run/x | cni ADD /run/netns/pod eth0 c2) && fail "$2: ADD succeeded"
        lossy_ovsdb_stop
        expect_error "$1" "$out" "$2"
        assert_same_snapshot "$before" "$(state)" "$2"
}
lost 11 "lost answer"
ip -n pod link add eth0 type veth peer name eth0x
lost 103 "eth0 taken, answer lost"
ip -n pod link del eth0
[ -e "$OSVIF_STATE_DIR/vhostuser" ] && fail "an ADD that lost its answer left $OSVIF_STATE_DIR/vhostuser"

# ---- vhostuserGroup: the entries' directories are 0750 and that group's ----
groupadd -f -g 4242 osvifqemu 2>/dev/null || true
out=$(conf client /run/x '"vhostuserGroup":4242' | cni ADD /run/netns/pod eth0 c3) || fail "ADD with a group: $out"
[ "$(stat -c '%a %g' /tmp/vhostuser_10.91.0.7)" = "750 4242" ] || fail "group entry: $(stat -c '%a %g' /tmp/vhostuser_10.91.0.7)"
out=$(conf client /run/x '"vhostuserGroup":"no-such-group-x"' | cni CHECK /run/netns/pod eth0 c3) && fail "unknown group"
expect_error 7 "$out" "unknown group"
conf client /run/x | cni DEL /run/netns/pod eth0 c3 || fail "DEL"

# ---- a fault before every step: ovs-port, vhostuser, placeholder, pod-link, pod-l3 ----
before=$(state)
for n in 0 1 2 3 4; do
        out=$(conf client /run/x | OSVIF_FAULT_STEP=$n cni ADD /run/netns/pod eth0 f1) && fail "ADD with a fault at $n"
        expect_error 100 "$out" "fault $n"
        assert_same_snapshot "$before" "$(state)" "fault before step $n"
done
out=$(conf client /run/x | OSVIF_FAULT_STEP=5 cni ADD /run/netns/pod eth0 f1) || fail "ADD past the last step: $out"
conf client /run/x | cni DEL /run/netns/pod eth0 f1 || fail "DEL"
assert_same_snapshot "$before" "$(state)" "ADD then DEL"

# ---- killed (SIGKILL, strace's injection) at each netlink send (sendmsg) and then at each
# OVSDB or sock_diag send (sendto) of ADD: a GC that lists no attachment gives back the host
# exactly (the placeholder, born in the pod under CNI_IFNAME, is in the intent record) ----
gc() { conf client /run/x | /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); c["cni.dev/valid-attachments"]=[]; print(json.dumps(c))' |
        CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN"; }
kills=0
for sc in sendmsg sendto; do
        n=1
        while :; do
                rc=0
                conf client /run/x | CNI_COMMAND=ADD CNI_NETNS=/run/netns/pod CNI_IFNAME=eth0 CNI_CONTAINERID=k1 \
                        CNI_PATH=/usr/lib/cni strace -o /dev/null -qq -e trace=$sc -e inject=$sc:signal=KILL:when=$n \
                        "$OSVIF_BIN" >/dev/null 2>&1 || rc=$?
                if [ $rc = 0 ]; then
                        conf client /run/x | cni DEL /run/netns/pod eth0 k1 || fail "DEL after a complete ADD"
                        assert_same_snapshot "$before" "$(state)" "ADD ($sc #$n not reached) then DEL"
                        break
                fi
                [ $rc = 137 ] || fail "ADD under strace ($sc #$n) exited $rc, not killed"
                kills=$((kills + 1))
                out=$(gc) || fail "GC after a kill at $sc #$n: $out"
                assert_same_snapshot "$before" "$(state)" "killed at $sc #$n, then GC"
                n=$((n + 1))
        done
done
[ $kills -ge 6 ] || fail "only $kills kills: the injection did not reach ADD's sends"

# ---- STATUS, and a VIF python3-os-vif serialized ----
echo '{"cniVersion":"1.1.0","name":"rnet","type":"osvif","ovsdb":"'"$OVSDB"'","vif":'"$(conf client /x | json_get 'd["args"]["cni"]["vif"]')"'}' |
        CNI_COMMAND=STATUS "$OSVIF_BIN" || fail "STATUS"
prim=$(/usr/bin/python3 - "$UUID" <<'PY'
import json, sys
import os_vif.objects
from os_vif.objects import fixed_ip, network, route, subnet, vif
os_vif.objects.register_all()
uid = sys.argv[1]
sn = subnet.Subnet(cidr="10.91.0.0/24", dns=[], routes=route.RouteList(objects=[]),
                   ips=fixed_ip.FixedIPList(objects=[fixed_ip.FixedIP(address="10.91.0.8")]))
net = network.Network(id="8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", bridge="br-r", mtu=1500,
                      subnets=subnet.SubnetList(objects=[sn]))
v = vif.VIFVHostUser(id=uid, address="fa:16:3e:00:02:08", network=net, plugin="ovs",
                     vif_name="tap" + uid[:11], path="/var/run/openvswitch/vhu" + uid[:11],
                     mode="client",
                     port_profile=vif.VIFPortProfileOpenVSwitch(interface_id=uid))
print(json.dumps(v.obj_to_primitive()))
PY
) || fail "python3-os-vif"
# per pod (args.cni.vif), so the port is os-vif's vhu + id
out=$(echo '{"cniVersion":"1.1.0","name":"rnet","type":"osvif","ovsdb":"'"$OVSDB"'","args":{"cni":{"vif":'"$prim"'}}}' | pod_vif_trusted | cni ADD /run/netns/pod eth0 p1) ||
        fail "ADD of os-vif's primitive: $out"
[ "$(ovs_vsctl get Interface $PORT type)" = dpdkvhostuser ] || fail "primitive: type"
[ "$(ovs_vsctl get Interface $PORT external_ids:attached-mac | tr -d '"')" = fa:16:3e:00:02:08 ] || fail "primitive: mac"
[ "$(readlink /tmp/vhostuser_10.91.0.8/vhu.sock)" = "$sock" ] || fail "primitive: Kata entry"
# ---- OVSDB down: code 11, nothing made ----
echo '{"cniVersion":"1.1.0","name":"rnet","type":"osvif","ovsdb":"'"$OVSDB"'","args":{"cni":{"vif":'"$prim"'}}}' | pod_vif_trusted | cni DEL /run/netns/pod eth0 p1 || fail "DEL"
before=$(snapshot --netns pod --dir /tmp)
kill "$(cat "$OVS_DIR/ovsdb-server.pid")"
for _ in $(seq 1 50); do [ -S "$OVS_DIR/db.sock" ] || break; sleep 0.1; done
out=$(conf client /run/x | cni ADD /run/netns/pod eth0 d1) && fail "ADD with OVSDB down"
expect_error 11 "$out" "OVSDB down"
assert_same_snapshot "$before" "$(snapshot --netns pod --dir /tmp)" "OVSDB down"
VHU_OK=1
echo "vhostuser_robust: ok"
