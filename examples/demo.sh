#!/bin/bash
# The quick start: on a fresh Debian 12 machine, as root, from the source tree:
#
#     examples/demo.sh
#
# installs what is missing, builds osvif, installs it into a temporary CNI bin dir, and, in a
# network namespace of its own (the machine's interfaces are not touched), plugs two pods
# into a Linux bridge with addresses from the os-vif network, prints the results, pings from
# one pod to the other, runs CHECK and DEL, and shows that nothing is left.
#
# OSVIF_DEMO_BIN=/path/to/osvif skips the install and the build (the test suite uses it).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
        echo "demo: run as root (it creates network namespaces)" >&2
        exit 1
fi
if [ -z "${OSVIF_DEMO_INNER:-}" ]; then
        if [ -z "${OSVIF_DEMO_BIN:-}" ]; then
                tools/install-deps.sh
                ./autogen.sh >/dev/null
                mkdir -p build
                (cd build && { [ -f Makefile ] || ../configure --quiet; } && make -j"$(nproc)" >/dev/null)
                OSVIF_DEMO_BIN=$PWD/build/osvif
        fi
        export OSVIF_DEMO_BIN OSVIF_DEMO_INNER=1
        # a private network and mount namespace: its own interfaces and /run
        exec unshare --net --mount --propagation private -- "$0" "$@"
fi

mount -t tmpfs tmpfs /run
mkdir -p /run/netns
ip link set lo up
BIN=$(mktemp -d /run/cni-bin.XXXXXX)
install -m 0755 "$OSVIF_DEMO_BIN" "$BIN/osvif"
export CNI_PATH=$BIN

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# One network config for both pods (a Linux bridge); each pod brings its own VIF, with its
# fixed IP, through args.cni.vif, as Multus cni-args or kuryr-style tooling would. Pod authors
# write those, so the network config says what they may set (podVif): their port id and a
# fixed IP in its subnet; the bridge, MTU, gateway and DNS stay the config's.
conf() { # conf NAME UUID IP
        cat <<JSON
{"cniVersion":"1.1.0","name":"demo","type":"osvif",
 "vif":{"type":"bridge","bridge_name":"osvifbr0",
   "network":{"mtu":1500,"subnets":[{"cidr":"10.88.0.0/24","gateway":"10.88.0.1","dns":["10.88.0.1"]}]}},
 "podVif":{"sources":["args"],"allowInterfaceId":true,"allowFixedIps":true},
 "args":{"cni":{"vif":{"type":"VIFBridge","id":"$2","bridge_name":"osvifbr0",
   "network":{"mtu":1500,"subnets":[{"cidr":"10.88.0.0/24","gateway":"10.88.0.1","ips":["$3"],"dns":["10.88.0.1"]}]}}}}}
JSON
}
cni() { # cni VERB POD [prevResult]
        local c
        c=$(conf "$2" "$(uuid_of "$2")" "$(ip_of "$2")")
        [ -n "${3:-}" ] && c=$(echo "$c" | sed "s|^{|{\"prevResult\":$3,|")
        echo "$c" | CNI_COMMAND=$1 CNI_CONTAINERID="$2" CNI_NETNS=/run/netns/$2 CNI_IFNAME=eth0 "$BIN/osvif"
}
uuid_of() { [ "$1" = pod-a ] && echo 3f2a9c6e-1b4d-4c8e-9a7f-0d2e5b6c7a81 || echo 7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f; }
ip_of() { [ "$1" = pod-a ] && echo 10.88.0.10 || echo 10.88.0.11; }

step "$("$BIN/osvif" --version)"
for pod in pod-a pod-b; do
        ip netns add $pod
        ip -n $pod link set lo up
        step "ADD $pod"
        result=$(cni ADD $pod)
        echo "$result"
        eval "result_${pod//-/_}='$result'"
done

step "the host: the bridge and the pods' host ends (alias = owner)"
ip -br link show master osvifbr0
ip -d link show tap3f2a9c6e-1b | grep -o 'alias .*'
step "inside pod-a"
ip -n pod-a -br addr show eth0
ip -n pod-a route

step "ping from pod-a to pod-b"
ip netns exec pod-a ping -c 3 -W 2 10.88.0.11

step "CHECK pod-a against its result"
cni CHECK pod-a "$result_pod_a" && echo "CHECK: ok"

for pod in pod-a pod-b; do
        step "DEL $pod (twice: DEL is idempotent)"
        cni DEL $pod && cni DEL $pod && echo "DEL: ok"
done

step "what is left of ours on the host"
left=$(ip -d link show | grep -c 'alias osvif' || true)
echo "links owned by osvif: $left"
ip -br link show master osvifbr0 | grep . && exit 1
echo "bridge osvifbr0 is shared and stays, with no ports"
[ "$left" = 0 ]
step "done"
