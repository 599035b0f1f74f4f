# Shared helpers for the shell test suites. Source it; it sets `set -eu`.
#
#   isolate "$0" "$@"   re-run the calling script in a new network and mount namespace with a
#                       private /run (and /var/lib/cni, /etc/cni/net.d, /opt/cni/bin), so the
#                       host's interfaces, routes, /run/netns and CNI dirs are never touched;
#                       sets OSVIF_RUN_DIR and OSVIF_STATE_DIR inside it
#   skip "why"          exit 77, or exit 1 when OSVIF_TEST_STRICT=1 (CI: a skip is a failure)
#   require_root, require_cmd CMD...
#   require_fault_injection   the build honours OSVIF_FAULT_STEP (--enable-fault-injection)
#   on_exit "cmd"       run cmd at exit (last registered first)
#   fail "msg"          print and exit 1
set -eu

: "${OSVIF_SRCDIR:?run the tests through make check (OSVIF_SRCDIR unset)}"
: "${OSVIF_BIN:?run the tests through make check (OSVIF_BIN unset)}"

skip() {
        if [ "${OSVIF_TEST_STRICT:-0}" = 1 ]; then
                echo "FAIL (strict mode, would skip): $*" >&2
                exit 1
        fi
        echo "SKIP: $*" >&2
        exit 77
}

fail() {
        echo "FAIL: $*" >&2
        exit 1
}

require_root() {
        [ "$(id -u)" = 0 ] || skip "needs root"
}

require_cmd() {
        for c in "$@"; do
                command -v "$c" >/dev/null 2>&1 || skip "needs $c"
        done
}

# OSVIF_FAULT_STEP is a test hook compiled in only with --enable-fault-injection (test/run.sh and
# .ci/run turn it on); without it a fault test would see every ADD succeed
fault_injection_built() {
        grep -q '^#define OSVIF_FAULT_INJECTION 1' "${OSVIF_BUILDDIR:?}/config.h"
}
require_fault_injection() {
        fault_injection_built || skip "needs a build configured with --enable-fault-injection (this one ignores OSVIF_FAULT_STEP)"
}

_exit_cmds=""
on_exit() {
        _exit_cmds="$1; $_exit_cmds"
        # shellcheck disable=SC2064
        trap "set +e; $_exit_cmds" EXIT
}

isolate() {
        if [ "${OSVIF_ISOLATED:-}" != 1 ]; then
                command -v unshare >/dev/null || skip "needs unshare"
                export OSVIF_ISOLATED=1
                exec unshare --net --mount --propagation private -- bash "$@"
        fi
        mount -t tmpfs -o mode=0755 tmpfs /run
        # host directories that exist are hidden behind private tmpfs; missing ones are left
        # alone (a test that needs one calls shadow_dir)
        for d in /var/lib/cni /etc/cni/net.d /opt/cni/bin; do
                [ -d "$d" ] && mount -t tmpfs -o mode=0755 tmpfs "$d"
        done
        mkdir -p /run/netns /run/osvif-test
        ip link set lo up
        export OSVIF_RUN_DIR=/run/osvif OSVIF_STATE_DIR=/run/osvif-state
}

# shadow_dir DIR: a private, empty DIR for this test (ctr only looks in /etc/cni/net.d and
# /opt/cni/bin). A directory the host lacks is created for the test and removed at its end.
shadow_dir() {
        local d=$1 top=$1
        if [ ! -d "$d" ]; then
                while [ ! -d "$(dirname "$top")" ]; do top=$(dirname "$top"); done
                mkdir -p "$d"
                # every mount stacked on it first (a test may bind-mount over the tmpfs)
                on_exit "while mountpoint -q '$d'; do umount '$d' || break; done; rm -rf --one-file-system '$top'"
        fi
        mountpoint -q "$d" || mount -t tmpfs -o mode=0755 tmpfs "$d"
}

# A pod network namespace at /run/netns/$1, loopback up.
make_netns() {
        ip netns add "$1"
        ip -n "$1" link set lo up
}

# Run the plugin as a runtime would: cni VERB NETNS_PATH IFNAME CONTAINERID < config
cni() {
        CNI_COMMAND="$1" CNI_NETNS="$2" CNI_IFNAME="$3" CNI_CONTAINERID="$4" \
                CNI_PATH="${CNI_PATH:-/usr/lib/cni}" "$OSVIF_BIN"
}

# Read a value from JSON on stdin with a Python expression over `d`: json_get 'd["ips"][0]["address"]'
json_get() {
        /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); v=eval(sys.argv[1]); print(v if not isinstance(v,(dict,list)) else json.dumps(v))' "$1"
}

# Everything a test must find unchanged after a failed or undone operation: links (name,
# kind, master, alias, state) and addresses in this namespace and in each netns given, and the
# files under osvif's run and state directories and any extra directories named.
#   snapshot [--netns NAME]... [--dir DIR]...
snapshot() {
        local ns=() dirs=("$OSVIF_RUN_DIR" "$OSVIF_STATE_DIR")
        while [ $# -gt 0 ]; do
                case "$1" in
                --netns) ns+=("$2"); shift 2 ;;
                --dir) dirs+=("$2"); shift 2 ;;
                *) fail "snapshot: unknown argument $1" ;;
                esac
        done
        for n in "" "${ns[@]}"; do
                echo "== netns ${n:-host}"
                # carrier and operational state settle asynchronously (linkwatch): compare
                # what was configured, not what the kernel has got round to reporting
                ip ${n:+-n "$n"} -o link show | sed -E 's/^[0-9]+: //; s/ qdisc [^ ]+//; s/ qlen [0-9]+//;
                        s/link-netnsid [0-9]+//; s/NO-CARRIER,//; s/,LOWER_UP//; s/,M-DOWN//; s/ state [A-Z]+//' | sort
                ip ${n:+-n "$n"} -o addr show | awk '{print $2, $3, $4}' | grep -v ' fe80::' | sort
                ip ${n:+-n "$n"} route show table all 2>/dev/null | grep -v -E '^(local|broadcast|multicast|fe80)|proto kernel' | sort
        done
        for d in "${dirs[@]}"; do
                echo "== dir $d"
                [ -d "$d" ] && (cd "$d" && find . -mindepth 1 | sort) | drop_kept "$d"
        done
        return 0
}

# In a listing of /tmp, not the trees private_tmp kept reachable (a CI clone under /tmp, whose
# build directory other suites write their logs into meanwhile).
drop_kept() {
        if [ "$1" != /tmp ] || [ -z "${PRIVATE_TMP_KEPT:-}" ]; then
                cat
                return
        fi
        awk -v keep="$PRIVATE_TMP_KEPT" 'BEGIN { n = split(keep, k, "\n") }
                { for (i = 1; i <= n; i++)
                        if (k[i] != "" && ($0 == "./" k[i] || substr($0, 1, length(k[i]) + 3) == "./" k[i] "/"))
                                next
                  print }'
}

# assert_same_snapshot BEFORE AFTER CONTEXT: fail with a diff when they differ.
assert_same_snapshot() {
        if [ "$1" != "$2" ]; then
                diff <(echo "$1") <(echo "$2") >&2 || true
                fail "$3: the host changed"
        fi
}

# expect_error CODE OUTPUT CONTEXT: OUTPUT is exactly one CNI error document with CODE.
expect_error() {
        local got
        got=$(printf '%s' "$2" | /usr/bin/python3 -c '
import json, sys
s = sys.stdin.read()
d, end = json.JSONDecoder().raw_decode(s.lstrip())
assert not s.lstrip()[end:].strip(), "more than one document"
assert set(d) <= {"cniVersion", "code", "msg", "details"}, d
print(d["code"])') || fail "$3: stdout is not one CNI error document: $2"
        [ "$got" = "$1" ] || fail "$3: code $got, expected $1: $2"
}

# A network config whose per-pod VIF (args.cni.vif) the admin trusts as it is: the same VIF is
# the config's own, and podVif lets args give it. Per-pod, host names are os-vif's (prefix + the
# VIF's id); suites that test os-vif's naming of a pod's port use this. Reads and writes JSON.
pod_vif_trusted() {
        /usr/bin/python3 -c '
import json, sys
c = json.load(sys.stdin)
c.setdefault("vif", c["args"]["cni"]["vif"])
c["podVif"] = {"sources": ["args"], "allowInterfaceId": True, "allowMac": True,
               "allowFixedIps": True}
print(json.dumps(c))'
}

# A private, empty /tmp for this test (Kata's /tmp/vhostuser_<IP> entries, for instance),
# with the source and build trees still reachable when they live under /tmp, as a CI clone may.
private_tmp() {
        local keep=/run/osvif-test/host-tmp d
        mkdir -p "$keep"
        mount --bind /tmp "$keep"
        mount -t tmpfs -o mode=1777 tmpfs /tmp
        for d in "$OSVIF_SRCDIR" "${OSVIF_BUILDDIR:-}" "$(dirname "$OSVIF_BIN")"; do
                case "$d" in
                /tmp/*)
                        d=${d#/tmp/}
                        PRIVATE_TMP_KEPT="${PRIVATE_TMP_KEPT:-}${d%%/*}
"
                        mountpoint -q "/tmp/$d" 2>/dev/null && continue
                        mkdir -p "/tmp/$d"
                        mount --bind "$keep/$d" "/tmp/$d"
                        ;;
                esac
        done
}

# What is in the private /tmp besides the trees private_tmp kept reachable.
tmp_left() {
        local keep=(-e /) d
        for d in ${PRIVATE_TMP_KEPT:-}; do
                keep+=(-e "$d")
        done
        ls /tmp | grep -vxF "${keep[@]}" || true
}

# lossy_ovsdb_start UPSTREAM: test/integ/ovsdb_relay.py in front of the OVSDB unix target
# UPSTREAM (unix:PATH). It loses the answer to the first transaction that inserts a Port (after
# ovsdb-server has committed it) and closes that connection; everything else passes. Sets
# LOSSY_TARGET (its unix: target) and LOSSY_LOG (the lost answer is written there);
# lossy_ovsdb_stop ends it.
lossy_ovsdb_start() {
        local sock=/run/osvif-test/lossy-ovsdb.sock
        rm -f "$sock" "$sock.log"
        setsid /usr/bin/python3 "$OSVIF_SRCDIR/test/integ/ovsdb_relay.py" "$sock" "${1#unix:}" "$sock.log" &
        LOSSY_PID=$!
        on_exit "kill $LOSSY_PID 2>/dev/null"
        for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
        [ -S "$sock" ] || fail "the OVSDB relay did not start"
        LOSSY_TARGET=unix:$sock LOSSY_LOG=$sock.log
}
lossy_ovsdb_stop() {
        kill "$LOSSY_PID" 2>/dev/null
        wait "$LOSSY_PID" 2>/dev/null || true
        # the premise of a test that uses it: ovsdb-server committed what ADD never heard of
        grep -q '^lost {.*"uuid"' "$LOSSY_LOG" || fail "the relay lost no committed answer: nothing to prove"
}
