#!/bin/bash
# The baseline for the OVS rows: what os-vif's vsctl driver (and kuryr's binding before it)
# does for one VIF: a veth, the pod end in the pod's netns, the host end added with
# `ovs-vsctl add-port` and os-vif's external_ids, then the pod's L3. Processes and all.
#   vsctl-plug.sh add BRIDGE HOST_IF NETNS IFNAME ADDR/PREFIX GATEWAY | del BRIDGE HOST_IF
set -e
vsctl() { ovs-vsctl --db="$OVSDB" --timeout=120 "$@"; }
case "$1" in
add)
        ns=$(basename "$4")
        ip link add "$3" type veth peer name vsctltmp netns "$ns"
        ip link set "$3" up
        vsctl -- --may-exist add-br "$2" -- set Bridge "$2" datapath_type="${OSVIF_OVS_DATAPATH:-netdev}" \
                -- --may-exist add-port "$2" "$3" -- set Port "$3" tag=10 \
                -- set Interface "$3" external_ids:iface-id=3f2a9c6e-1b4d-4c8e-9a7f-0d2e5b6c7a81 \
                external_ids:iface-status=active external_ids:attached-mac=02:00:00:00:00:01 \
                external_ids:vm-uuid=bench
        ip -n "$ns" link set vsctltmp name "$5" address 02:00:00:00:00:01 up
        ip -n "$ns" addr add "$6" dev "$5"
        ip -n "$ns" route add default via "$7"
        ;;
del)
        vsctl --if-exists del-port "$2" "$3"
        ip link del "$3"
        ;;
esac
