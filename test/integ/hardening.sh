#!/bin/bash
# Hostile surroundings (issue 10): IPAM plugins that hang, CNI_NETNS that is not a network
# namespace, an OVSDB server that never stops talking, a planted run directory or state
# subdirectory. Each case must end in a bounded time with the documented code, and leave the
# host exactly as before: no link, no process, no file.
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
require_root
require_cmd ip /usr/bin/python3 setsid
isolate "$0" "$@"

make_netns pod
BIN=/run/osvif-test/bin
mkdir -p "$BIN"

# whether a process still runs (a killed orphan may stay a zombie until init reaps it)
alive() {
        local st
        st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
        [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# ms since the epoch
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ADD and DEL of a bridge VIF whose IPAM is the plugin $1, bounded to $2 ms; $3 pads the
# config (bytes) so that a plugin that never reads stdin fills the pipe
hang_conf() {
        local pad=""
        [ "${3:-0}" -gt 0 ] && pad=$(head -c "$3" /dev/zero | tr '\0' 'x')
        cat <<JSON
{"cniVersion":"1.0.0","name":"hnet","type":"osvif","ipamTimeout":$2,"padding":"$pad",
 "vif":{"type":"bridge","bridge_name":"brhang","vif_name":"taphang0"},
 "ipam":{"type":"$1"}}
JSON
}

# A fake IPAM plugin: body $2, which may record pids in /run/osvif-test/$1.pids
fake_ipam() {
        printf '#!/bin/sh\n%s\n' "$2" >"$BIN/$1"
        chmod +x "$BIN/$1"
}

RESULT='{"cniVersion":"1.0.0","ips":[{"address":"10.40.0.5/24"}]}'
fake_ipam never-reads 'echo $$ >>/run/osvif-test/never-reads.pids; exec sleep 600'
fake_ipam closes-stdout 'echo $$ >>/run/osvif-test/closes-stdout.pids; cat >/dev/null; exec >&-; exec sleep 600'
fake_ipam leaves-child "echo \$\$ >>/run/osvif-test/leaves-child.pids; cat >/dev/null; echo '$RESULT'
sleep 600 & echo \$! >>/run/osvif-test/leaves-child.pids; exit 0"

ip link add brhang type bridge
before=$(snapshot --netns pod)
for plugin in never-reads closes-stdout leaves-child; do
        pad=0
        [ "$plugin" = never-reads ] && pad=300000 # more than a pipe holds
        start=$(now_ms)
        out=$(hang_conf "$plugin" 1500 $pad | CNI_PATH=$BIN timeout 30 bash -c \
                'CNI_COMMAND=ADD CNI_NETNS=/run/netns/pod CNI_IFNAME=eth0 CNI_CONTAINERID=ctr-hang "$OSVIF_BIN"') &&
                fail "$plugin: ADD succeeded: $out"
        took=$(($(now_ms) - start))
        expect_error 105 "$out" "$plugin"
        case "$out" in *"ipam plugin \\\"$plugin\\\""*"ipamTimeout 1500 ms"*) ;;
        *) fail "$plugin: the message names neither the plugin nor the bound: $out" ;; esac
        [ "$took" -ge 1500 ] && [ "$took" -lt 4500 ] || fail "$plugin: ADD took $took ms, bound 1500"
        # the plugin and anything it left behind were killed
        sleep 0.2
        while read -r pid; do
                alive "$pid" && fail "$plugin: process $pid survived the timeout"
        done <"/run/osvif-test/$plugin.pids"
        assert_same_snapshot "$before" "$(snapshot --netns pod)" "$plugin: ADD timed out"
        # DEL delegates too, and is bounded the same way
        start=$(now_ms)
        out=$(hang_conf "$plugin" 1500 | CNI_PATH=$BIN timeout 30 bash -c \
                'CNI_COMMAND=DEL CNI_NETNS=/run/netns/pod CNI_IFNAME=eth0 CNI_CONTAINERID=ctr-hang "$OSVIF_BIN"') &&
                fail "$plugin: DEL succeeded"
        took=$(($(now_ms) - start))
        expect_error 105 "$out" "$plugin DEL"
        [ "$took" -lt 4500 ] || fail "$plugin: DEL took $took ms, bound 1500"
        echo "ok - IPAM plugin that $plugin: 105 in $took ms, nothing left"
done
# a plugin that cannot be run yet ("text file busy": something holds it open for writing, as
# while it is being installed) is tried again a second apart, as libcni does, but within
# ipamTimeout, not five seconds past it
fake_ipam busy "cat >/dev/null; echo '$RESULT'"
exec 9>>"$BIN/busy"
start=$(now_ms)
out=$(hang_conf busy 1500 | CNI_PATH=$BIN timeout 30 bash -c \
        'CNI_COMMAND=ADD CNI_NETNS=/run/netns/pod CNI_IFNAME=eth0 CNI_CONTAINERID=ctr-busy "$OSVIF_BIN"') &&
        fail "ADD with a busy IPAM plugin succeeded: $out"
took=$(($(now_ms) - start))
exec 9>&-
expect_error 105 "$out" "busy IPAM plugin"
case "$out" in *"ipam plugin \\\"busy\\\""*"busy"*) ;; *) fail "the message names neither the plugin nor why: $out" ;; esac
[ "$took" -lt 4500 ] || fail "ADD with a busy IPAM plugin took $took ms, ipamTimeout 1500"
assert_same_snapshot "$before" "$(snapshot --netns pod)" "busy IPAM plugin"
echo "ok - a busy IPAM plugin: tried within ipamTimeout ($took ms), nothing left"
ip link del brhang

# a bound out of range is refused with code 7 naming the key
out=$(hang_conf never-reads 0 | CNI_PATH=$BIN cni ADD /run/netns/pod eth0 c1) && fail "ipamTimeout 0 accepted"
expect_error 7 "$out" "ipamTimeout 0"
case "$out" in *ipamTimeout*) ;; *) fail "ipamTimeout 0: the message does not name the key: $out" ;; esac
echo "ok - ipamTimeout out of range: 7"

# CNI_NETNS that is not a network namespace: refused at once (a FIFO must not block open()),
# a device node never opened, for ADD and for DEL
mkfifo /run/osvif-test/fifo
: >/run/osvif-test/plain
mkdir -p /run/osvif-test/dir
plain_conf='{"cniVersion":"1.0.0","name":"nsnet","type":"osvif","vif":{"type":"bridge","bridge_name":"brns","vif_name":"tapns0"}}'
before=$(snapshot --netns pod)
for path in /run/osvif-test/fifo /dev/null /run/osvif-test/plain /run/osvif-test/dir; do
        for verb in ADD DEL; do
                start=$(now_ms)
                out=$(echo "$plain_conf" | timeout 10 bash -c \
                        "CNI_COMMAND=$verb CNI_NETNS=$path CNI_IFNAME=eth0 CNI_CONTAINERID=ctr-ns \"\$OSVIF_BIN\"") &&
                        rc=0 || rc=$?
                took=$(($(now_ms) - start))
                [ $rc = 124 ] && fail "$verb with CNI_NETNS=$path blocked"
                [ $rc != 0 ] || fail "$verb with CNI_NETNS=$path succeeded"
                expect_error 102 "$out" "$verb CNI_NETNS=$path"
                case "$out" in *"not a network namespace"*) ;; *) fail "$verb $path: $out" ;; esac
                [ "$took" -lt 2000 ] || fail "$verb with CNI_NETNS=$path took $took ms"
        done
        echo "ok - CNI_NETNS=$path refused at once for ADD and DEL"
done
assert_same_snapshot "$before" "$(snapshot --netns pod)" "CNI_NETNS refused"
# what is a network namespace keeps working: /proc/<pid>/ns/net of another process
ip netns exec pod sleep 60 &
sleeper=$!
sleep 0.2
out=$(echo "$plain_conf" | cni ADD "/proc/$sleeper/ns/net" eth0 ctr-proc) || fail "ADD via /proc/$sleeper/ns/net: $out"
ip -n pod link show eth0 >/dev/null || fail "ADD via /proc/<pid>/ns/net: no eth0 in the pod"
echo "$plain_conf" | cni DEL "/proc/$sleeper/ns/net" eth0 ctr-proc >/dev/null || fail "DEL via /proc/<pid>/ns/net"
kill "$sleeper"
wait "$sleeper" 2>/dev/null || true
echo "ok - /proc/<pid>/ns/net of another process works"

# GC while links come and go (pods starting and stopping beside it): the kernel marks link
# dumps interrupted, and GC must dump again rather than fail with "list links: input/output
# error" (seen 20 times in 60 runs before). 600 links make each dump span several messages.
for i in $(seq 600); do echo "link add gcb$i type bridge"; done | ip -batch -
gc_conf='{"cniVersion":"1.1.0","name":"gcnet","type":"osvif","vif":{"type":"bridge","bridge_name":"brgcc"},"cni.dev/valid-attachments":[]}'
make_netns gcpod
echo "$gc_conf" | cni ADD /run/netns/gcpod eth0 ctr-gone >/dev/null || fail "ADD before GC"
# its own process group (setsid), so that the whole pipeline can be stopped by its id
setsid bash -c 'while :; do echo "link add churn type bridge"; echo "link del churn"; done | ip -force -batch - >/dev/null 2>&1' &
churner=$!
on_exit "kill -- -$churner 2>/dev/null"
sleep 0.2
failed=0
for i in $(seq 30); do
        out=$(echo "$gc_conf" | CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN") || { failed=$((failed + 1)); echo "GC $i: $out" >&2; }
done
[ "$failed" = 0 ] || fail "$failed of 30 GCs failed while links changed"
ip -d link show | grep -q "alias osvif gcnet" && fail "GC left the stale attachment's links"
kill -- -"$churner"
echo "ok - 30 GCs while links change: all succeed, the stale attachment is gone"

# An OVSDB server that never stops talking: a reply that never ends, one of 64 MiB, an
# endless flood of messages that are not the reply. ADD must give up within ovsdbTimeout
# (2000 ms here) however fast the bytes come, keep at most 8 MiB of a message, and leave
# nothing behind.
# run_measured OUT CMD...: CMD's stdout into OUT (stdin passed on); prints "rc ms maxrss_kb"
run_measured() {
        /usr/bin/python3 -c '
import resource, subprocess, sys, time
t = time.monotonic()
with open(sys.argv[1], "w") as out:
    p = subprocess.run(sys.argv[2:], stdout=out)
ms = int((time.monotonic() - t) * 1000)
print(p.returncode, ms, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}
FAKE=/run/osvif-test/fake-ovsdb.sock
ovs_conf='{"cniVersion":"1.0.0","name":"onet","type":"osvif","ovsdb":"unix:'$FAKE'","ovsdbTimeout":2000,
 "vif":{"type":"ovs","bridge_name":"br-int","vif_name":"tapfake0","port_profile":{"type":"openvswitch"}}}'
before=$(snapshot --netns pod)
for mode in stream huge chatter; do
        rm -f "$FAKE.ready" "$FAKE.log"
        setsid /usr/bin/python3 "$OSVIF_SRCDIR/test/integ/fake_ovsdb.py" "$FAKE" "$mode" &
        server=$!
        on_exit "kill $server 2>/dev/null"
        for _ in $(seq 50); do [ -e "$FAKE.ready" ] && break; sleep 0.1; done
        read -r rc ms rss < <(echo "$ovs_conf" | CNI_COMMAND=ADD CNI_NETNS=/run/netns/pod CNI_IFNAME=eth0 \
                CNI_CONTAINERID=ctr-ovsdb CNI_PATH=/usr/lib/cni run_measured /run/osvif-test/out timeout 60 "$OSVIF_BIN")
        out=$(cat /run/osvif-test/out)
        kill "$server"
        wait "$server" 2>/dev/null || true
        [ "$rc" != 0 ] || fail "ovsdb $mode: ADD succeeded: $out"
        [ "$rc" != 124 ] || fail "ovsdb $mode: ADD still running after 60 s"
        # an endless reply ends at whichever comes first, the size cap or the bound
        case $mode in
        huge) expect_error 106 "$out" "ovsdb $mode" ;;
        stream) case "$out" in *'"code":106'*) expect_error 106 "$out" "ovsdb $mode" ;;
                *) expect_error 11 "$out" "ovsdb $mode" ;; esac ;;
        chatter) expect_error 11 "$out" "ovsdb $mode" ;;
        esac
        case "$out" in *"larger than 8 MiB"* | *"timed out"*) ;; *) fail "ovsdb $mode: $out" ;; esac
        [ "$ms" -lt 4000 ] || fail "ovsdb $mode: ADD took $ms ms with ovsdbTimeout 2000"
        [ "$rss" -lt 40000 ] || fail "ovsdb $mode: ADD peaked at $rss KiB"
        assert_same_snapshot "$before" "$(snapshot --netns pod)" "ovsdb $mode"
        echo "ok - OVSDB server that sends $mode: code $(echo "$out" | json_get 'd["code"]') in $ms ms, peak RSS $rss KiB, nothing left"
done

# The run directory: root takes its locks there, so nobody else may steer it. A lock name
# planted as a symlink is not followed (its target is not created), and a run directory that
# others can write is refused, both with code 108 naming the path; the host stays as it was.
lock_conf='{"cniVersion":"1.0.0","name":"lnet","type":"osvif","vif":{"type":"bridge","bridge_name":"brlock","vif_name":"taplock0"}}'
mkdir -p "$OSVIF_RUN_DIR"
chmod 0700 "$OSVIF_RUN_DIR"
ln -s /run/osvif-test/victim "$OSVIF_RUN_DIR/bridge-brlock.lock"
before=$(snapshot --netns pod)
out=$(echo "$lock_conf" | cni ADD /run/netns/pod eth0 ctr-lock) && fail "ADD through a planted symlink succeeded"
expect_error 108 "$out" "planted symlink"
case "$out" in *"$OSVIF_RUN_DIR/bridge-brlock.lock"*) ;; *) fail "planted symlink: the path is not named: $out" ;; esac
[ ! -e /run/osvif-test/victim ] || fail "root created the planted symlink's target"
assert_same_snapshot "$before" "$(snapshot --netns pod)" "planted symlink"
rm "$OSVIF_RUN_DIR/bridge-brlock.lock"
echo "ok - a lock file planted as a symlink: 108, its target not created"
chmod 0777 "$OSVIF_RUN_DIR"
before=$(snapshot --netns pod)
out=$(echo "$lock_conf" | cni ADD /run/netns/pod eth0 ctr-lock) && fail "ADD with a world-writable run dir succeeded"
expect_error 108 "$out" "world-writable run dir"
case "$out" in *"\\\"$OSVIF_RUN_DIR\\\" is writable by others"*) ;; *) fail "world-writable run dir: $out" ;; esac
assert_same_snapshot "$before" "$(snapshot --netns pod)" "world-writable run dir"
chmod 0700 "$OSVIF_RUN_DIR"
echo "$lock_conf" | cni ADD /run/netns/pod eth0 ctr-lock >/dev/null || fail "ADD once the run dir is private again"
echo "$lock_conf" | cni DEL /run/netns/pod eth0 ctr-lock >/dev/null || fail "DEL"
echo "ok - a world-writable run directory: 108 naming it"

# The state directory's subdirectories (VIFHostDevice's hostdev/, vhost-user's vhostuser/) are
# held to the same rules as the state directory: a GC, which reads every state file, refuses
# one that is a symlink or that its group can write, with code 108 naming it, and acts on
# none of the records found through it.
gc_conf='{"cniVersion":"1.1.0","name":"lnet","type":"osvif","cni.dev/valid-attachments":[],"vif":{"type":"bridge","bridge_name":"brlock"}}'
gc_lnet() { echo "$gc_conf" | CNI_COMMAND=GC CNI_PATH=/usr/lib/cni "$OSVIF_BIN"; }
mkdir -p "$OSVIF_STATE_DIR" /run/osvif-test/planted
chmod 0700 "$OSVIF_STATE_DIR" /run/osvif-test/planted
echo '{"network":"lnet","containerID":"ctrx","ifname":"eth0","socket":"/tmp/x.sock","dirs":[]}' \
        >/run/osvif-test/planted/lnet+ctrx+eth0.json
ln -s /run/osvif-test/planted "$OSVIF_STATE_DIR/vhostuser"
out=$(gc_lnet) && fail "GC through a symlinked vhostuser/ succeeded"
expect_error 108 "$out" "symlinked vhostuser/"
case "$out" in *"\\\"$OSVIF_STATE_DIR/vhostuser\\\": a symlink"*) ;; *) fail "symlinked vhostuser/: $out" ;; esac
[ -e /run/osvif-test/planted/lnet+ctrx+eth0.json ] || fail "GC acted on a planted record"
rm "$OSVIF_STATE_DIR/vhostuser"
echo "ok - a state subdirectory planted as a symlink: 108 naming it"
mkdir -m 0700 "$OSVIF_STATE_DIR/hostdev"
chmod 0770 "$OSVIF_STATE_DIR/hostdev"
out=$(gc_lnet) && fail "GC with a group-writable hostdev/ succeeded"
expect_error 108 "$out" "group-writable hostdev/"
case "$out" in *"\\\"$OSVIF_STATE_DIR/hostdev\\\" is writable by its group"*) ;; *) fail "group-writable hostdev/: $out" ;; esac
chmod 0700 "$OSVIF_STATE_DIR/hostdev"
out=$(gc_lnet) || fail "GC once the state subdirectories are private: $out"
echo "ok - a state subdirectory its group can write: 108 naming it"
