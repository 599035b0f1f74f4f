#!/bin/bash
# podman's CNI backend (the same libcni every Go runtime uses) runs containers on an osvif
# network: the container sees its interface and address, two containers on one bridge reach
# each other, and removing them leaves nothing on the host (no link, no IPAM reservation).
. "${OSVIF_SRCDIR:?}/test/lib/common.sh"
. "$OSVIF_SRCDIR/test/e2e/lib.sh"
require_root
require_cmd podman runc ip /usr/bin/python3
isolate "$0" "$@"

T=/run/osvif-test
BIN=$(e2e_bin_dir)
mkdir -p $T/cniconf $T/podman $T/ipam
# podman's libcni keeps its cache in /var/lib/cni and a lock in /etc/cni/net.d
shadow_dir /var/lib/cni
shadow_dir /etc/cni/net.d
cat >$T/cniconf/osvifnet.conflist <<JSON
{"cniVersion":"1.0.0","name":"osvifnet","plugins":[{"type":"osvif",
 "vif":{"type":"bridge","bridge_name":"brpodman","network":{"mtu":1450}},
 "ipam":{"type":"host-local","dataDir":"$T/ipam","ranges":[[{"subnet":"10.88.5.0/24","gateway":"10.88.5.1"}]],
         "routes":[{"dst":"0.0.0.0/0"}]}}]}
JSON
cat >$T/containers.conf <<TOML
[network]
network_backend = "cni"
cni_plugin_dirs = ["$BIN"]
network_config_dir = "$T/cniconf"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
TOML
export CONTAINERS_CONF=$T/containers.conf
P=(podman --root $T/podman/root --runroot $T/podman/run --storage-driver vfs --network-backend cni
   --runtime runc --cgroup-manager cgroupfs --events-backend file)
# the ulimits podman would raise need CAP_SYS_RESOURCE, which this machine's root lacks
RUN=(run --ulimit nofile=10000:10000 --ulimit nproc=4096:4096 --network osvifnet)
e2e_image_tar $T/img.tar
"${P[@]}" import $T/img.tar localhost/osvif-busybox:latest >/dev/null || fail "podman import"
on_exit '"${P[@]}" rm -af -t 0 >/dev/null 2>&1'

out=$("${P[@]}" "${RUN[@]}" --rm localhost/osvif-busybox ip -o addr show eth0) || fail "podman run: $out"
echo "$out" | grep -q "inet 10.88.5.2/24" || fail "the container does not see its address: $out"
"${P[@]}" "${RUN[@]}" --rm localhost/osvif-busybox ip -o link show eth0 | grep -q "mtu 1450" || fail "MTU in the container"

"${P[@]}" "${RUN[@]}" -d --name server localhost/osvif-busybox sleep 300 >/dev/null || fail "podman run -d"
ip=$("${P[@]}" inspect server --format '{{.NetworkSettings.Networks.osvifnet.IPAddress}}')
[ -n "$ip" ] || fail "podman reports no address for the server"
"${P[@]}" "${RUN[@]}" --rm localhost/osvif-busybox ping -c 2 -W 2 "$ip" >/dev/null || fail "container cannot reach $ip"
ip -d link show | grep -q "alias osvif osvifnet" || fail "no host link of ours while the server runs"

"${P[@]}" rm -f -t 0 server >/dev/null || fail "podman rm"
[ -z "$(ip -d link show | grep 'alias osvif')" ] || fail "links of ours left after podman rm"
left=$(ls $T/ipam/osvifnet | grep -v -E '^(lock|last_reserved_ip\.0)$' || true)
[ -z "$left" ] || fail "addresses still reserved after removal: $left"
echo "podman: ok"
