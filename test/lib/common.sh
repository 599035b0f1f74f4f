# Shared helpers for the shell test suites. Source it; it sets `set -eu`.
#
#   isolate "$0" "$@"   re-run the calling script in a new network and mount namespace with a
#                       private /run (and /var/lib/cni, /etc/cni/net.d, /opt/cni/bin), so the
#                       host's interfaces, routes, /run/netns and CNI dirs are never touched;
#                       sets OSVIF_RUN_DIR and OSVIF_STATE_DIR inside it
#   skip "why"          exit 77, or exit 1 when OSVIF_TEST_STRICT=1 (CI: a skip is a failure)
#   require_root, require_cmd CMD...
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
        for d in /var/lib/cni /etc/cni/net.d /opt/cni/bin /var/run/netns; do
                if [ -d "$d" ] || mkdir -p "$d" 2>/dev/null; then
                        mount -t tmpfs -o mode=0755 tmpfs "$d"
                fi
        done
        mkdir -p /run/netns /run/osvif-test
        ip link set lo up
        export OSVIF_RUN_DIR=/run/osvif OSVIF_STATE_DIR=/run/osvif-state
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
