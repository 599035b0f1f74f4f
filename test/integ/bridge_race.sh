#!/bin/bash
# The shared bridge's lock (plan/steps_link.c): an ADD onto a bridge that is there and up
# waits for no other ADD (it holds the lock shared until its port is on the bridge); creating
# or bringing up the bridge, and undoing either, take it exclusively; and an undo never
# removes or downs a bridge that another pod uses, even one that is joining it at that moment.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_cmd ip flock strace /usr/bin/python3
isolate "$0" "$@"

OUT=/run/osvif-test/out
mkdir -p "$OUT"
mkdir -m 0700 -p "$OSVIF_RUN_DIR"
N=${OSVIF_RACE_PODS:-6}
ROUNDS=${OSVIF_RACE_ROUNDS:-4}

# conf BRIDGE IP: one pod's config, its address given (no IPAM, nothing else to serialise)
conf() {
        cat <<JSON
{"cniVersion":"1.1.0","name":"rnet","type":"osvif",
 "vif":{"type":"bridge","bridge_name":"$1","network":{"mtu":1500,
        "subnets":[{"cidr":"10.41.0.0/16","gateway":"10.41.0.1","ips":["$2"]}]}}}
JSON
}
lockfile() { echo "$OSVIF_RUN_DIR/bridge-$1.lock"; }
# hold MODE BRIDGE: hold the bridge's lock from outside, as another ADD would, until killed
hold() {
        flock "$1" "$(lockfile "$2")" sleep 600 &
        holder=$!
        for _ in $(seq 100); do
                flock --nonblock --exclusive "$(lockfile "$2")" true || return 0
                sleep 0.05
        done
        fail "could not hold the lock of $2 from outside"
}
release() {
        kill "$holder"
        wait "$holder" 2>/dev/null || true
        rm -f "$(lockfile "$1")"
}
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
is_up() { ip -o link show "$1" | grep -q '<[^>]*,UP'; }
ports() { ip -o link show master "$1" | wc -l; }

for i in $(seq 1 "$N"); do make_netns "p$i"; done
make_netns f

# 1. an existing bridge, an ADD between its bridge and veth steps (the lock held shared from
# outside): another ADD goes straight on. (The lock used to be exclusive: it waited 30 s.)
ip link add brr type bridge
ip link set brr up
hold --shared brr
start=$(date +%s%N)
out=$(conf brr 10.41.0.2 | cni ADD /run/netns/p1 eth0 c1) || fail "ADD beside a sharer: $out"
took=$(ms_since "$start")
[ "$took" -lt 5000 ] || fail "ADD onto an existing bridge waited ${took} ms for another ADD"
[ "$(ports brr)" = 1 ] || fail "the port is not on the bridge"
# the sharer outside is still there: the ADD must not have removed its lock file
[ -e "$(lockfile brr)" ] || fail "the ADD removed a lock file another holder still holds"
release brr
conf brr 10.41.0.2 | cni DEL /run/netns/p1 eth0 c1 >/dev/null || fail "DEL"
echo "an ADD onto an existing bridge beside a sharer: ${took} ms"

# 2. a bridge that is down must be brought up alone: the ADD waits for the sharer (who relies
# on the bridge as it is), and then goes on
ip link add brdown type bridge
hold --shared brdown
conf brdown 10.41.0.3 | cni ADD /run/netns/p2 eth0 c2 >"$OUT/add-brdown" 2>&1 &
pid=$!
sleep 1
kill -0 $pid 2>/dev/null || fail "ADD brought a bridge up while another held it: $(cat "$OUT/add-brdown")"
is_up brdown && fail "the bridge went up while another held its lock"
release brdown
wait $pid || fail "ADD after the sharer left: $(cat "$OUT/add-brdown")"
is_up brdown || fail "the ADD did not bring the bridge up"
conf brdown 10.41.0.3 | cni DEL /run/netns/p2 eth0 c2 >/dev/null || fail "DEL"
ip link del brdown

# 3. the race the lock exists for: an ADD creates the bridge (or brings it up), puts its
# port on it, and fails at the next step, while N other ADDs join the bridge: they have found
# it up and not yet put their ports on it when the first one undoes. Its undo must leave the
# bridge, up, to them. strace widens both windows to make the race certain: the failing ADD
# waits DELAY_F before its undo (its 6th netlink request: lookup, lookup, create or set up,
# veth, owner; then the undo's delete), each joiner DELAY_J between finding the bridge and
# creating its veth (its 2nd request). Odd rounds: the bridge is absent; even: down.
DELAY_F=${OSVIF_RACE_DELAY_F:-500000}
DELAY_J=${OSVIF_RACE_DELAY_J:-1500000}
slowly() { # slowly NTH_SENDMSG DELAY_US CMD...: CMD with a pause before that request
        local n=$1 d=$2
        shift 2
        strace -f -o /dev/null -e trace=sendmsg -e "inject=sendmsg:delay_enter=$d:when=$n" "$@"
}
for r in $(seq 1 "$ROUNDS"); do
        [ $((r % 2)) = 0 ] && ip link add brx type bridge
        conf brx 10.41.1.1 | OSVIF_FAULT_STEP=3 CNI_COMMAND=ADD CNI_NETNS=/run/netns/f CNI_IFNAME=eth0 \
                CNI_CONTAINERID=cf slowly 6 "$DELAY_F" "$OSVIF_BIN" >"$OUT/fault" 2>&1 &
        fpid=$!
        # the others start once the first has made the bridge, or brought it up
        for _ in $(seq 2000); do is_up brx 2>/dev/null && break; done
        pids=()
        for i in $(seq 1 "$N"); do
                conf brx "10.41.2.$i" | CNI_COMMAND=ADD CNI_NETNS=/run/netns/p$i CNI_IFNAME=eth0 \
                        CNI_CONTAINERID=c$i slowly 2 "$DELAY_J" "$OSVIF_BIN" >"$OUT/add$i" 2>&1 &
                pids+=($!)
        done
        wait $fpid && fail "round $r: the faulted ADD succeeded"
        grep -q "fault injected before step 3" "$OUT/fault" || fail "round $r: $(cat "$OUT/fault")"
        for i in $(seq 1 "$N"); do
                wait "${pids[$((i - 1))]}" || fail "round $r: ADD $i beside a failing ADD: $(cat "$OUT/add$i")"
        done
        ip link show brx >/dev/null 2>&1 || fail "round $r: the failing ADD removed the bridge the others use"
        is_up brx || fail "round $r: the failing ADD set down the bridge the others use"
        [ "$(ports brx)" = "$N" ] || fail "round $r: $(ports brx) ports on the bridge, want $N"
        [ "$r" = 1 ] && { ip netns exec p1 ping -c 1 -W 2 "10.41.2.$N" >/dev/null || fail "p1 cannot reach p$N"; }
        for i in $(seq 1 "$N"); do
                conf brx "10.41.2.$i" | cni DEL "/run/netns/p$i" eth0 "c$i" >/dev/null || fail "round $r: DEL $i"
        done
        ip link del brx
done
[ -z "$(ip -d link show | grep 'alias osvif')" ] || fail "links of ours left on the host"
[ -z "$(ls -A "$OSVIF_RUN_DIR")" ] || fail "lock files left: $(ls -A "$OSVIF_RUN_DIR")"
echo "bridge_race: $ROUNDS rounds of a failing first ADD beside $N joining ADDs ok"
