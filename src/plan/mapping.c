/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "backend/macvlan.h"
#include "backend/vhostuser.h"
#include "plan/build.h"
#include "plan/mapping.h"

/*
 * The mapping's rows and the steps each builds. A new VIF type is a row here, its steps in
 * plan/steps_<kind>.c and its backend in backend/<kind>.c.
 */

static bool has(const struct osvif_obj *o, const char *field)
{
        return o && osvif_obj_is_set(o, field) && !osvif_obj_is_null(o, field);
}

static const char *ovs_bridge(const struct osvif_vif *vif)
{
        if (vif->type == OSVIF_VIF_OPENVSWITCH && has(&vif->obj, "bridge_name"))
                return vif->bridge_name;
        return vif->network && has(&vif->network->obj, "bridge") ? vif->network->bridge : NULL;
}

static int add_ovs_port(struct osvif_plan *p, const char *port, osvif_error_t *err)
{
        const struct osvif_vif *vif = p->vif;
        const struct osvif_port_profile *pp = vif->port_profile;
        const struct osvif_network *net = vif->network;
        struct osvif_step *s = osvif_plan_push(p, &osvif_step_ovs_port_ops);
        const char *bridge_field = vif->type == OSVIF_VIF_OPENVSWITCH &&
                                                   has(&vif->obj, "bridge_name")
                                           ? "vif.bridge_name"
                                           : "vif.network.bridge";

        if (osvif_plan_set_name(s->u.ovs_port.bridge, sizeof(s->u.ovs_port.bridge), ovs_bridge(vif),
                                bridge_field, err) < 0 ||
            osvif_plan_set_name(s->u.ovs_port.port, sizeof(s->u.ovs_port.port), port, "port", err) <
                    0 ||
            (pp &&
             osvif_plan_set_name(s->u.ovs_port.datapath_type, sizeof(s->u.ovs_port.datapath_type),
                                 pp->datapath_type, "vif.port_profile.datapath_type", err) < 0))
                return -1;
        s->u.ovs_port.tag = net && has(&net->obj, "vlan") && net->vlan > 0 ? (int)net->vlan : -1;
        s->u.ovs_port.isolate = p->conf->isolate_vif;
        s->u.ovs_port.mtu_request = p->mtu;
        return 0;
}

static void add_veth(struct osvif_plan *p, const char *master, bool host_up)
{
        struct osvif_step *s = osvif_plan_push(p, &osvif_step_veth_ops);

        /* both names are interface names already: the host's was made, the bridge's checked */
        snprintf(s->u.veth.host, sizeof(s->u.veth.host), "%s", p->host_ifname);
        snprintf(s->u.veth.master, sizeof(s->u.veth.master), "%s", master ? master : "");
        s->u.veth.host_up = host_up;
}

static int build_generic(struct osvif_plan *p, osvif_error_t *err)
{
        add_veth(p, NULL, true);
        return 0;
}

static int build_bridge(struct osvif_plan *p, osvif_error_t *err)
{
        struct osvif_step *s = osvif_plan_push(p, &osvif_step_bridge_ops);

        if (osvif_plan_set_name(s->u.bridge.name, sizeof(s->u.bridge.name), p->vif->bridge_name,
                                "vif.bridge_name", err) < 0)
                return -1;
        s->u.bridge.mtu = p->mtu;
        add_veth(p, s->u.bridge.name, false);
        return 0;
}

/*
 * os-vif's hybrid plug: a per-VIF Linux bridge qbr, a veth qvb/qvo whose qvo end is the OVS
 * port, and the pod's veth on qbr where the VM's tap would be.
 */
static int build_hybrid(struct osvif_plan *p, osvif_error_t *err)
{
        struct osvif_step *br = osvif_plan_push(p, &osvif_step_bridge_ops);
        struct osvif_step *v = osvif_plan_push(p, &osvif_step_qvb_qvo_ops);

        osvif_plan_device_name(p, "qbr",
                               p->conf->vif_source == OSVIF_VIF_SOURCE_CONFIG ? NULL
                                                                              : p->vif->bridge_name,
                               br->u.bridge.name);
        br->u.bridge.owned = true;
        br->u.bridge.os_vif_settings = true;
        br->u.bridge.mtu = p->mtu;
        osvif_plan_device_name(p, "qvb", NULL, v->u.qvb_qvo.qvb);
        osvif_plan_device_name(p, "qvo", NULL, v->u.qvb_qvo.qvo);
        memcpy(v->u.qvb_qvo.master, br->u.bridge.name, sizeof(v->u.qvb_qvo.master));
        v->u.qvb_qvo.mtu = p->mtu;
        if (add_ovs_port(p, v->u.qvb_qvo.qvo, err) < 0)
                return -1;
        add_veth(p, br->u.bridge.name, false);
        return 0;
}

static int build_ovs(struct osvif_plan *p, osvif_error_t *err)
{
        add_veth(p, NULL, true);
        return add_ovs_port(p, p->host_ifname, err);
}

/* os-vif's ovs plugin reads network.bridge, Nova's VIF bridge_name: one bridge, or refuse. */
static int check_ovs(const struct osvif_vif *vif, const char *path, osvif_error_t *err)
{
        if (has(&vif->obj, "bridge_name") && vif->network && has(&vif->network->obj, "bridge") &&
            strcmp(vif->bridge_name, vif->network->bridge) != 0)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s.bridge_name: \"%s\" and %s.network.bridge: \"%s\" name "
                                       "different OVS bridges",
                                       path, vif->bridge_name, path, vif->network->bridge);
        return 0;
}

/*
 * VIFHostDevice: an SR-IOV VF, from runtimeConfig.deviceID (the device plugin's allocation,
 * as Multus passes it) or else dev_address; PF-side settings from network.vlan and
 * sriov-cni's config keys. dev_type generic has no netdev: no pod link.
 */
static int hostdev_vlan(struct osvif_plan *p, bool representor, int *vlan, osvif_error_t *err)
{
        const struct osvif_network *net = p->vif->network;
        int conf = p->conf->vf.vlan;

        *vlan = conf;
        /* with a representor, network.vlan is the OVS port's tag, as os-vif makes it */
        if (!representor && net && has(&net->obj, "vlan")) {
                if (conf >= 0 && conf != (int)net->vlan)
                        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                               "vlan: %d and vif.network.vlan: %d differ", conf,
                                               (int)net->vlan);
                *vlan = (int)net->vlan;
        }
        if (p->conf->vf.vlan_qos > 0 && *vlan <= 0)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "vlanQoS: %d needs a non-zero VLAN (\"vlan\" or "
                                       "vif.network.vlan)",
                                       p->conf->vf.vlan_qos);
        return 0;
}

/*
 * A representor the profile names: VIFPortProfileOVSRepresentor's representor_name (os-vif's
 * older form), or a DatapathOffloadRepresentor's. Else HOSTDEV finds it in sysfs.
 */
static int representor_name(struct osvif_plan *p, struct osvif_step *s, osvif_error_t *err)
{
        const struct osvif_port_profile *pp = p->vif->port_profile;
        const struct osvif_datapath_offload *o = pp ? pp->datapath_offload : NULL;

        if (!pp)
                return 0;
        if (pp->type == OSVIF_PROFILE_OVS_REPRESENTOR && has(&pp->obj, "representor_name"))
                return osvif_plan_set_name(s->u.hostdev.representor_name,
                                           sizeof(s->u.hostdev.representor_name),
                                           pp->representor_name,
                                           "vif.port_profile.representor_name", err);
        if (o && o->type == OSVIF_OFFLOAD_REPRESENTOR && has(&o->obj, "representor_name"))
                return osvif_plan_set_name(s->u.hostdev.representor_name,
                                           sizeof(s->u.hostdev.representor_name),
                                           o->representor_name,
                                           "vif.port_profile.datapath_offload.representor_name",
                                           err);
        return 0;
}

static int build_hostdev(struct osvif_plan *p, osvif_error_t *err)
{
        struct osvif_step *s = osvif_plan_push(p, &osvif_step_hostdev_ops);
        const char *pci = p->req->device_id ? p->req->device_id : p->vif->dev_address;
        const char *field = p->req->device_id ? "runtimeConfig.deviceID" : "vif.dev_address";
        const struct osvif_conf *c = p->conf;
        const struct osvif_port_profile *pp = p->vif->port_profile;

        if (!pci || !osvif_is_pci_address(pci))
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: \"%s\" is not a PCI address (dddd:bb:ss.f)", field,
                                       pci ? pci : "");
        s->u.hostdev.representor = pp && (pp->type == OSVIF_PROFILE_OPENVSWITCH ||
                                          pp->type == OSVIF_PROFILE_OVS_REPRESENTOR);
        if (representor_name(p, s, err) < 0 ||
            osvif_plan_set_name(s->u.hostdev.pci, sizeof(s->u.hostdev.pci), pci, field, err) < 0 ||
            hostdev_vlan(p, s->u.hostdev.representor, &s->u.hostdev.vlan, err) < 0)
                return -1;
        s->u.hostdev.ethernet = p->vif->dev_type == OSVIF_HOSTDEV_ETHERNET;
        s->u.hostdev.qos = c->vf.vlan_qos > 0 ? c->vf.vlan_qos : 0;
        s->u.hostdev.spoofchk = c->vf.spoofchk;
        s->u.hostdev.trust = c->vf.trust;
        s->u.hostdev.link_state = c->vf.link_state;
        s->u.hostdev.min_tx_rate = c->vf.min_tx_rate;
        s->u.hostdev.max_tx_rate = c->vf.max_tx_rate;
        p->no_pod_link = !s->u.hostdev.ethernet;
        /* the port's name is the representor's, found by HOSTDEV when it runs */
        return s->u.hostdev.representor ? add_ovs_port(p, "", err) : 0;
}

/*
 * VIFDirect: the lower device named by the config ("master") or found from dev_address; the
 * port profile's association (802.1Qbh, or 802.1Qbg through lldpad) first, so that a switch or driver that refuses it leaves nothing to
 * undo in the pod.
 */
static int build_direct(struct osvif_plan *p, osvif_error_t *err)
{
        static const unsigned modes[] = {
                [OSVIF_DIRECT_VEPA] = OSVIF_MACVLAN_VEPA,
                [OSVIF_DIRECT_PASSTHROUGH] = OSVIF_MACVLAN_PASSTHRU,
                [OSVIF_DIRECT_BRIDGE] = OSVIF_MACVLAN_BRIDGE,
        };
        const struct osvif_vif *vif = p->vif;
        struct osvif_step *s, proto;

        memset(&proto, 0, sizeof(proto));
        if (p->conf->direct_master)
                snprintf(proto.u.direct.lower, sizeof(proto.u.direct.lower), "%s",
                         p->conf->direct_master);
        else if (has(&vif->obj, "dev_address"))
                snprintf(proto.u.direct.dev_address, sizeof(proto.u.direct.dev_address), "%s",
                         vif->dev_address);
        else
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "vif.dev_address: missing, and the config names no "
                                       "\"master\": VIFDirect needs its lower device");
        proto.u.direct.mode = modes[vif->mode_direct];
        proto.u.direct.macvtap = p->conf->macvtap;
        if (vif->port_profile && (vif->port_profile->type == OSVIF_PROFILE_8021QBH ||
                                  vif->port_profile->type == OSVIF_PROFILE_8021QBG)) {
                s = osvif_plan_push(p, vif->port_profile->type == OSVIF_PROFILE_8021QBH
                                               ? &osvif_step_qbh_ops
                                               : &osvif_step_qbg_ops);
                s->u = proto.u;
        }
        if (has(&vif->obj, "vlan_name")) {
                const struct osvif_network *net = vif->network;

                if (osvif_plan_set_name(proto.u.direct.vlan_dev, sizeof(proto.u.direct.vlan_dev),
                                        vif->vlan_name, "vif.vlan_name", err) < 0)
                        return -1;
                if (net && has(&net->obj, "vlan") && net->vlan > 0)
                        proto.u.direct.vlan = (unsigned)net->vlan;
                s = osvif_plan_push(p, &osvif_step_vlan_dev_ops);
                s->u = proto.u;
        }
        s = osvif_plan_push(p, &osvif_step_macvlan_ops);
        s->u = proto.u;
        return 0;
}

/* kuryr-kubernetes' nested VIFs: the pod's link on the VM's own NIC, which only the config
 * can name (kuryr's own config calls it link_iface) */
static int nested_lower(struct osvif_plan *p, struct osvif_step *s, osvif_error_t *err)
{
        if (!p->conf->direct_master)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "master: missing, %s needs the VM's NIC named",
                                       osvif_vif_type_name(p->vif->type));
        snprintf(s->u.direct.lower, sizeof(s->u.direct.lower), "%s", p->conf->direct_master);
        return 0;
}

static int build_macvlan_nested(struct osvif_plan *p, osvif_error_t *err)
{
        struct osvif_step *s = osvif_plan_push(p, &osvif_step_macvlan_ops);

        s->u.direct.mode = OSVIF_MACVLAN_BRIDGE;
        return nested_lower(p, s, err);
}

static int build_vlan_nested(struct osvif_plan *p, osvif_error_t *err)
{
        struct osvif_step *s = osvif_plan_push(p, &osvif_step_macvlan_ops);

        s->u.direct.vlan_id = (unsigned)p->vif->vlan_id;
        return nested_lower(p, s, err);
}

/*
 * VIFVHostUser on OVS-DPDK (os-vif's _plug_vhostuser): port vhu<id[:11]>, datapath netdev
 * unless the profile says otherwise. mode client (QEMU is the client): OVS serves the socket
 * (dpdkvhostuser) in its vhost socket directory, and Kata can use it. mode server (QEMU
 * serves): OVS connects to vif.path (dpdkvhostuserclient); Kata cannot (its QEMU is always
 * the client), so no Kata entry is made. Then the socket step and the pod's placeholder.
 */
static int build_vhostuser_on_ovs(struct osvif_plan *p, const char *bridge, const char *field,
                                  osvif_error_t *err)
{
        const struct osvif_vif *vif = p->vif;
        bool server = vif->mode_vhostuser == OSVIF_VHOSTUSER_SERVER;
        struct osvif_step *port, *sock = NULL;
        char name[IF_NAMESIZE];

        if (osvif_vhu_path_check(vif->path, "vif.path", err) < 0)
                return -1;
        /* OVS's run dir (where its sockets are) is found from a unix OVSDB target only */
        if (!server && !p->conf->ovs_run_dir && p->conf->ovsdb &&
            strncmp(p->conf->ovsdb, "unix:", 5) != 0)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "ovsRunDir: missing, and ovsdb \"%s\" is not a unix socket "
                                       "whose directory would be OVS's run directory",
                                       p->conf->ovsdb);
        osvif_plan_device_name(p, "vhu", NULL, name);
        /* a path of the VIF's is checked before anything is made; OVS's once it exists */
        if (server)
                sock = osvif_plan_push(p, &osvif_step_vhostuser_ops);
        if (add_ovs_port(p, name, err) < 0)
                return -1;
        port = &p->steps[p->n_steps - 1];
        if (bridge && osvif_plan_set_name(port->u.ovs_port.bridge, sizeof(port->u.ovs_port.bridge),
                                          bridge, field, err) < 0)
                return -1;
        if (!port->u.ovs_port.datapath_type[0])
                snprintf(port->u.ovs_port.datapath_type, sizeof(port->u.ovs_port.datapath_type),
                         "netdev");
        snprintf(port->u.ovs_port.iface_type, sizeof(port->u.ovs_port.iface_type), "%s",
                 server ? "dpdkvhostuserclient" : "dpdkvhostuser");
        /* mode client: what QEMU needs is OVS's listening socket, which VHOSTUSER waits for
         * once every step has applied (its settle: the placeholder is made meanwhile) */
        port->u.ovs_port.socket_wait = !server;
        if (!server)
                sock = osvif_plan_push(p, &osvif_step_vhostuser_ops);
        memcpy(sock->u.vhostuser.port, name, sizeof(name));
        if (server) {
                snprintf(port->u.ovs_port.vhost_server_path,
                         sizeof(port->u.ovs_port.vhost_server_path), "%s", vif->path);
                snprintf(sock->u.vhostuser.path, sizeof(sock->u.vhostuser.path), "%s", vif->path);
        }
        sock->u.vhostuser.kata = !server;
        osvif_plan_push(p, &osvif_step_placeholder_ops);
        return 0;
}

static int build_vhostuser_ovs(struct osvif_plan *p, osvif_error_t *err)
{
        return build_vhostuser_on_ovs(p, NULL, NULL, err);
}

/*
 * The fast path's side (6WIND's Virtual Accelerator in OpenStack): it serves or connects to
 * the socket at vif.path and makes a kernel netdev vif_name for it, which osvif waits for and
 * puts on `bridge` (the BRIDGE step's) or, routed, sets up with `mac`. Then the socket step
 * (Kata's entries for mode client) and the pod's placeholder.
 */
static int add_fast_path(struct osvif_plan *p, const char *bridge, const char *mac,
                         osvif_error_t *err)
{
        const struct osvif_vif *vif = p->vif;
        struct osvif_step *fp, *sock;

        if (osvif_vhu_path_check(vif->path, "vif.path", err) < 0)
                return -1;
        /* the socket's path is checked (and Kata's entries made) before the netdev is touched */
        sock = osvif_plan_push(p, &osvif_step_vhostuser_ops);
        fp = osvif_plan_push(p, &osvif_step_fp_netdev_ops);
        if (osvif_plan_set_name(fp->u.fp_netdev.name, sizeof(fp->u.fp_netdev.name), vif->vif_name,
                                "vif.vif_name", err) < 0 ||
            osvif_plan_set_name(fp->u.fp_netdev.master, sizeof(fp->u.fp_netdev.master), bridge,
                                "vif.port_profile.bridge_name", err) < 0)
                return -1;
        if (mac) {
                if (osvif_mac_parse(mac, fp->u.fp_netdev.mac) < 0)
                        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                               "vif.port_profile.mac_address: \"%s\" is not a "
                                               "MAC address",
                                               mac);
                fp->u.fp_netdev.set_mac = true;
        }
        memcpy(sock->u.vhostuser.port, fp->u.fp_netdev.name, sizeof(sock->u.vhostuser.port));
        snprintf(sock->u.vhostuser.path, sizeof(sock->u.vhostuser.path), "%s", vif->path);
        sock->u.vhostuser.kata = vif->mode_vhostuser == OSVIF_VHOSTUSER_CLIENT;
        osvif_plan_push(p, &osvif_step_placeholder_ops);
        return 0;
}

/* FPBridge: the fast path's netdev on the Linux bridge bridge_name (created when absent). */
static int build_vhostuser_fp_bridge(struct osvif_plan *p, osvif_error_t *err)
{
        struct osvif_step *br = osvif_plan_push(p, &osvif_step_bridge_ops);

        if (osvif_plan_set_name(br->u.bridge.name, sizeof(br->u.bridge.name),
                                p->vif->port_profile->bridge_name, "vif.port_profile.bridge_name",
                                err) < 0)
                return -1;
        br->u.bridge.mtu = p->mtu;
        return add_fast_path(p, br->u.bridge.name, NULL, err);
}

/* FPTap: routed (Calico): the netdev up with the profile's mac_address. */
static int build_vhostuser_fp_tap(struct osvif_plan *p, osvif_error_t *err)
{
        const struct osvif_port_profile *pp = p->vif->port_profile;

        return add_fast_path(p, NULL, has(&pp->obj, "mac_address") ? pp->mac_address : NULL, err);
}

/*
 * FPOpenVSwitch with hybrid_plug: os-vif's hybrid plug with the fast path's netdev where the
 * VM's tap would be: bridge qbr…, veth qvb…/qvo…, qvo… an OVS port on the profile's
 * bridge_name (or network.bridge), vif_name on qbr.
 */
static int build_vhostuser_fp_hybrid(struct osvif_plan *p, osvif_error_t *err)
{
        const struct osvif_port_profile *pp = p->vif->port_profile;
        struct osvif_step *br = osvif_plan_push(p, &osvif_step_bridge_ops);
        struct osvif_step *v = osvif_plan_push(p, &osvif_step_qvb_qvo_ops), *port;

        osvif_plan_device_name(p, "qbr", NULL, br->u.bridge.name);
        br->u.bridge.owned = true;
        br->u.bridge.os_vif_settings = true;
        br->u.bridge.mtu = p->mtu;
        osvif_plan_device_name(p, "qvb", NULL, v->u.qvb_qvo.qvb);
        osvif_plan_device_name(p, "qvo", NULL, v->u.qvb_qvo.qvo);
        memcpy(v->u.qvb_qvo.master, br->u.bridge.name, sizeof(v->u.qvb_qvo.master));
        v->u.qvb_qvo.mtu = p->mtu;
        if (add_ovs_port(p, v->u.qvb_qvo.qvo, err) < 0)
                return -1;
        port = &p->steps[p->n_steps - 1];
        if (has(&pp->obj, "bridge_name") &&
            osvif_plan_set_name(port->u.ovs_port.bridge, sizeof(port->u.ovs_port.bridge),
                                pp->bridge_name, "vif.port_profile.bridge_name", err) < 0)
                return -1;
        return add_fast_path(p, br->u.bridge.name, NULL, err);
}

/* FPOpenVSwitch is an OpenVSwitch profile to os-vif's ovs plugin, on its own bridge_name */
static int build_vhostuser_fp_ovs(struct osvif_plan *p, osvif_error_t *err)
{
        const struct osvif_port_profile *pp = p->vif->port_profile;

        if (pp->hybrid_plug)
                return build_vhostuser_fp_hybrid(p, err);
        if (has(&pp->obj, "bridge_name"))
                return build_vhostuser_on_ovs(p, pp->bridge_name, "vif.port_profile.bridge_name",
                                              err);
        return build_vhostuser_on_ovs(p, NULL, NULL, err);
}

/* hybrid_plug needs vif_name (the fast path's netdev that goes on qbr) */
static int check_fp_ovs(const struct osvif_vif *vif, const char *path, osvif_error_t *err)
{
        if (vif->port_profile->hybrid_plug && !has(&vif->obj, "vif_name"))
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s.vif_name: missing, the fast path's netdev for "
                                       "hybrid_plug",
                                       path);
        return 0;
}

/* The rows served by a veth: the pod end goes with the host end */
#define VETH_ROW                                                  \
        .result = OSVIF_RESULT_HOST_LINK | OSVIF_RESULT_POD_LINK, \
        .pod_link = OSVIF_POD_LINK_VETH_PEER

/* The rows served by a macvlan/macvtap of their own in the pod */
#define DIRECT_ROW .result = OSVIF_RESULT_POD_LINK, .pod_link = OSVIF_POD_LINK_OWNED

const struct osvif_mapping_row osvif_mapping[] = {
        {
                .vif = OSVIF_VIF_GENERIC,
                .profile = OSVIF_PROFILE_NONE,
                .builds = "a veth; the host end (`vif_name`) is up and unattached, for the "
                          "operator's routing",
                .build = build_generic,
                .needs = OSVIF_NEEDS_POD_NETNS | OSVIF_NEEDS_L3,
                VETH_ROW,
        },
        {
                .vif = OSVIF_VIF_BRIDGE,
                .profile = OSVIF_PROFILE_NONE,
                .builds = "a veth whose host end is on Linux bridge `bridge_name` (created when "
                          "absent)",
                .build = build_bridge,
                .required = { "bridge_name" },
                .needs = OSVIF_NEEDS_POD_NETNS | OSVIF_NEEDS_L3,
                VETH_ROW,
        },
        {
                .vif = OSVIF_VIF_BRIDGE,
                .profile = OSVIF_PROFILE_OPENVSWITCH,
                .builds = "os-vif's hybrid plug: bridge `qbr…`, veth `qvb…`/`qvo…`, `qvo…` an "
                          "OVS port on `network.bridge`, the pod's veth on `qbr…`",
                .build = build_hybrid,
                .required = { "network.bridge" },
                .needs = OSVIF_NEEDS_POD_NETNS | OSVIF_NEEDS_L3 | OSVIF_NEEDS_OVSDB,
                VETH_ROW,
        },
        {
                .vif = OSVIF_VIF_OPENVSWITCH,
                .profile = OSVIF_PROFILE_OPENVSWITCH,
                .builds = "a veth whose host end is an OVS port on `bridge_name` (or "
                          "`network.bridge`) with os-vif's `external_ids`, VLAN tag and "
                          "`mtu_request`",
                .build = build_ovs,
                .required = { "bridge_name|network.bridge" },
                .check = check_ovs,
                .needs = OSVIF_NEEDS_POD_NETNS | OSVIF_NEEDS_L3 | OSVIF_NEEDS_OVSDB,
                VETH_ROW,
        },
        {
                .vif = OSVIF_VIF_DIRECT,
                .profile = OSVIF_PROFILE_NONE,
                .builds = "a macvlan (macvtap with `\"macvtap\": true`) in the pod, in `mode` "
                          "vepa, bridge or passthrough, on the device at `dev_address` (or "
                          "`\"master\"`)",
                .build = build_direct,
                .required = { "mode" },
                .needs = OSVIF_NEEDS_POD_NETNS | OSVIF_NEEDS_L3,
                DIRECT_ROW,
        },
        {
                .vif = OSVIF_VIF_DIRECT,
                .profile = OSVIF_PROFILE_8021QBG,
                .builds = "the same, after an 802.1Qbg (VDP) association through lldpad: MAC, "
                          "VLAN (`network.vlan`), VSI type and instance UUID",
                .build = build_direct,
                .required = { "mode", "port_profile.instance_id" },
                .needs = OSVIF_NEEDS_POD_NETNS | OSVIF_NEEDS_L3 | OSVIF_NEEDS_STATE,
                DIRECT_ROW,
        },
        {
                .vif = OSVIF_VIF_DIRECT,
                .profile = OSVIF_PROFILE_8021QBH,
                .builds = "the same, after an 802.1Qbh association of the lower device's port "
                          "(`IFLA_PORT_SELF`: profile, instance and host UUIDs)",
                .build = build_direct,
                .required = { "mode", "port_profile.profile_id" },
                .needs = OSVIF_NEEDS_POD_NETNS | OSVIF_NEEDS_L3 | OSVIF_NEEDS_STATE,
                DIRECT_ROW,
        },
        /* kuryr-kubernetes' nested VIFs: a link of their own in the pod, on the VM's NIC */
        {
                .vif = OSVIF_VIF_VLAN_NESTED,
                .profile = OSVIF_PROFILE_NONE,
                .builds = "kuryr's nested VLAN: a VLAN device `vlan_id` on the VM's NIC "
                          "(`\"master\"`), created in the pod",
                .build = build_vlan_nested,
                .required = { "vlan_id" },
                .needs = OSVIF_NEEDS_POD_NETNS | OSVIF_NEEDS_L3,
                DIRECT_ROW,
        },
        {
                .vif = OSVIF_VIF_MACVLAN_NESTED,
                .profile = OSVIF_PROFILE_NONE,
                .builds = "kuryr's nested macvlan: a macvlan in bridge mode on the VM's NIC "
                          "(`\"master\"`), in the pod",
                .build = build_macvlan_nested,
                .needs = OSVIF_NEEDS_POD_NETNS | OSVIF_NEEDS_L3,
                DIRECT_ROW,
        },
        {
                .vif = OSVIF_VIF_VHOSTUSER,
                .profile = OSVIF_PROFILE_OPENVSWITCH,
                .builds = "an OVS-DPDK vhost-user port `vhu…` on `network.bridge` (mode client: "
                          "`dpdkvhostuser`, OVS serves the socket; mode server: "
                          "`dpdkvhostuserclient` to `path`), a placeholder link in the pod "
                          "with the VIF's MAC, MTU and IPs, and Kata's "
                          "`/tmp/vhostuser_<IP>/vhu.sock`; `socketPath` in the result",
                .build = build_vhostuser_ovs,
                .required = { "path", "mode", "network.bridge" },
                .needs = OSVIF_NEEDS_OVSDB | OSVIF_NEEDS_STATE | OSVIF_NEEDS_POD_NETNS |
                         OSVIF_NEEDS_L3,
                .result = OSVIF_RESULT_SOCKET | OSVIF_RESULT_POD_LINK,
                .pod_link = OSVIF_POD_LINK_OWNED,
        },
        {
                .vif = OSVIF_VIF_VHOSTUSER,
                .profile = OSVIF_PROFILE_FP_OPENVSWITCH,
                .builds = "as with OpenVSwitch, on the profile's `bridge_name` (or "
                          "`network.bridge`); with `hybrid_plug`, the fast path's netdev "
                          "`vif_name` on bridge `qbr…`, veth `qvb…`/`qvo…`, `qvo…` the OVS port",
                .build = build_vhostuser_fp_ovs,
                .required = { "path", "mode", "port_profile.bridge_name|network.bridge" },
                .check = check_fp_ovs,
                .needs = OSVIF_NEEDS_OVSDB | OSVIF_NEEDS_STATE | OSVIF_NEEDS_POD_NETNS |
                         OSVIF_NEEDS_L3,
                .result = OSVIF_RESULT_SOCKET | OSVIF_RESULT_POD_LINK,
                .pod_link = OSVIF_POD_LINK_OWNED,
        },
        {
                .vif = OSVIF_VIF_VHOSTUSER,
                .profile = OSVIF_PROFILE_FP_BRIDGE,
                .builds = "waits for the fast path's netdev `vif_name` and puts it on Linux "
                          "bridge `bridge_name` of the profile (created when absent); the "
                          "placeholder and Kata's entry as with OpenVSwitch, for the socket at "
                          "`path`",
                .build = build_vhostuser_fp_bridge,
                .required = { "path", "mode", "vif_name", "port_profile.bridge_name" },
                .needs = OSVIF_NEEDS_STATE | OSVIF_NEEDS_POD_NETNS | OSVIF_NEEDS_L3,
                .result = OSVIF_RESULT_SOCKET | OSVIF_RESULT_POD_LINK,
                .pod_link = OSVIF_POD_LINK_OWNED,
        },
        {
                .vif = OSVIF_VIF_VHOSTUSER,
                .profile = OSVIF_PROFILE_FP_TAP,
                .builds = "waits for the fast path's netdev `vif_name`, routed: up, with the "
                          "profile's `mac_address`; the placeholder and Kata's entry as with "
                          "OpenVSwitch, for the socket at `path`",
                .build = build_vhostuser_fp_tap,
                .required = { "path", "mode", "vif_name" },
                .needs = OSVIF_NEEDS_STATE | OSVIF_NEEDS_POD_NETNS | OSVIF_NEEDS_L3,
                .result = OSVIF_RESULT_SOCKET | OSVIF_RESULT_POD_LINK,
                .pod_link = OSVIF_POD_LINK_OWNED,
        },
        {
                .vif = OSVIF_VIF_HOSTDEVICE,
                .profile = OSVIF_PROFILE_NONE,
                .builds = "an SR-IOV VF handed to the pod",
                .build = build_hostdev,
                .required = { "dev_type", "dev_address" },
                .needs = OSVIF_NEEDS_POD_NETNS | OSVIF_NEEDS_L3 | OSVIF_NEEDS_STATE,
                .result = OSVIF_RESULT_POD_LINK,
                .pod_link = OSVIF_POD_LINK_LENT,
        },
        {
                .vif = OSVIF_VIF_HOSTDEVICE,
                .profile = OSVIF_PROFILE_OPENVSWITCH,
                .builds = "an SR-IOV VF handed to the pod, its representor an OVS port",
                .build = build_hostdev,
                .required = { "dev_type", "dev_address", "network.bridge" },
                .needs = OSVIF_NEEDS_POD_NETNS | OSVIF_NEEDS_L3 | OSVIF_NEEDS_STATE |
                         OSVIF_NEEDS_OVSDB,
                .result = OSVIF_RESULT_POD_LINK,
                .pod_link = OSVIF_POD_LINK_LENT,
        },
        {
                .vif = OSVIF_VIF_HOSTDEVICE,
                .profile = OSVIF_PROFILE_OVS_REPRESENTOR,
                .builds = "an SR-IOV VF handed to the pod, its representor (`representor_name`, "
                          "else found in sysfs) an OVS port",
                .build = build_hostdev,
                .required = { "dev_type", "dev_address", "network.bridge" },
                .needs = OSVIF_NEEDS_POD_NETNS | OSVIF_NEEDS_L3 | OSVIF_NEEDS_STATE |
                         OSVIF_NEEDS_OVSDB,
                .result = OSVIF_RESULT_POD_LINK,
                .pod_link = OSVIF_POD_LINK_LENT,
        },
        /* valid, and not served by this version: ADD answers 110, STATUS 50 */
        {
                .vif = OSVIF_VIF_NESTED_DPDK,
                .profile = OSVIF_PROFILE_NONE,
                .builds = "kuryr's nested DPDK: the VM's virtio NIC at `pci_address`, bound to "
                          "`dev_driver`, for the pod",
                .required = { "pci_address" },
        },
};

const size_t osvif_mapping_rows = sizeof(osvif_mapping) / sizeof(osvif_mapping[0]);

const struct osvif_mapping_row *osvif_mapping_find(enum osvif_vif_type vif,
                                                   enum osvif_profile_type profile)
{
        for (size_t i = 0; i < osvif_mapping_rows; i++)
                if (osvif_mapping[i].vif == vif && osvif_mapping[i].profile == profile)
                        return &osvif_mapping[i];
        return NULL;
}

const struct osvif_mapping_row *osvif_mapping_of(const struct osvif_vif *vif)
{
        return osvif_mapping_find(vif->type,
                                  vif->port_profile ? vif->port_profile->type : OSVIF_PROFILE_NONE);
}

/* One required field, "field" or "network.field" or "port_profile.field". */
static bool has_path(const struct osvif_vif *vif, const char *field, size_t len)
{
        static const struct {
                const char *prefix;
                size_t off;
        } subs[] = { { "network.", 8 }, { "port_profile.", 13 } };
        const struct osvif_obj *o = &vif->obj;
        char name[64];

        for (size_t k = 0; k < sizeof(subs) / sizeof(subs[0]); k++)
                if (len > subs[k].off && strncmp(field, subs[k].prefix, subs[k].off) == 0) {
                        o = k == 0 ? (vif->network ? &vif->network->obj : NULL)
                                   : (vif->port_profile ? &vif->port_profile->obj : NULL);
                        field += subs[k].off;
                        len -= subs[k].off;
                        break;
                }
        snprintf(name, sizeof(name), "%.*s", (int)len, field);
        return has(o, name);
}

/* "a|b": either will do. */
static bool has_any(const struct osvif_vif *vif, const char *alternatives)
{
        for (const char *p = alternatives; *p;) {
                size_t n = strcspn(p, "|");

                if (has_path(vif, p, n))
                        return true;
                p += n + (p[n] == '|');
        }
        return false;
}

static int missing(const struct osvif_vif *vif, const struct osvif_mapping_row *row,
                   const char *path, const char *field, osvif_error_t *err)
{
        char fields[128] = "";
        size_t n = 0;

        /* "vif.bridge_name", or "vif.bridge_name or vif.network.bridge" */
        for (const char *p = field; *p && n < sizeof(fields);) {
                size_t len = strcspn(p, "|");

                n += (size_t)snprintf(fields + n, sizeof(fields) - n, "%s%s.%.*s",
                                      p == field ? "" : " or ", path, (int)len, p);
                p += len + (p[len] == '|');
        }
        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0, "%s: missing, %s%s%s needs it",
                               fields, osvif_vif_type_name(vif->type), row->profile ? " with " : "",
                               row->profile ? osvif_profile_type_name(row->profile) : "");
}

int osvif_mapping_check(const struct osvif_vif *vif, const char *path,
                        const struct osvif_mapping_row **ret, osvif_error_t *err)
{
        const struct osvif_mapping_row *row = osvif_mapping_of(vif);
        enum osvif_profile_type prof = vif->port_profile ? vif->port_profile->type
                                                         : OSVIF_PROFILE_NONE;

        if (!row)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: %s with %s%s cannot be served: no row of the mapping "
                                       "plugs it",
                                       path, osvif_vif_type_name(vif->type),
                                       prof ? "port profile " : "no port profile",
                                       prof ? osvif_profile_type_name(prof) : "");
        for (size_t i = 0; i < sizeof(row->required) / sizeof(row->required[0]); i++)
                if (row->required[i] && !has_any(vif, row->required[i]))
                        return missing(vif, row, path, row->required[i], err);
        if (row->check && row->check(vif, path, err) < 0)
                return -1;
        if (ret)
                *ret = row;
        return 0;
}

const char *osvif_mapping_need_name(enum osvif_mapping_need need)
{
        switch (need) {
        case OSVIF_NEEDS_OVSDB:
                return "ovsdb";
        case OSVIF_NEEDS_STATE:
                return "state";
        case OSVIF_NEEDS_POD_NETNS:
                return "pod-netns";
        case OSVIF_NEEDS_L3:
                return "l3";
        }
        return "unknown";
}
