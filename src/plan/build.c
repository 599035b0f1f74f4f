/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "plan/plan.h"
#include "util/cleanup.h"
#include "vif/names.h"

/*
 * The mapping (DESIGN.md): VIF type x port profile -> steps. Each row is a function that
 * appends its steps; the common head (IPAM) and tail (pod link, L3) are added
 * around it.
 */

static struct osvif_step *push(struct osvif_plan *p, enum osvif_step_kind kind)
{
        struct osvif_step *s;

        /* the rows below never come near the bound; a failure here is a bug */
        if (p->n_steps >= OSVIF_PLAN_MAX_STEPS)
                abort();
        s = &p->steps[p->n_steps++];
        memset(s, 0, sizeof(*s));
        s->kind = kind;
        return s;
}

/* Bounded copy that tolerates src and dst in the same plan (memmove, not snprintf). */
static void copy_name(char *dst, size_t size, const char *src)
{
        size_t n = src ? strnlen(src, size - 1) : 0;

        memmove(dst, src ? src : "", n);
        dst[n] = '\0';
}

/*
 * A host-side device name: vif_name when the VIF gives one (host-end names only), else
 * os-vif's (prefix + VIF id)[:14], else prefix + a hash of the attachment, so that a VIF
 * shared by every pod of a network config never collides.
 */
static void device_name(const struct osvif_plan *p, const char *prefix, const char *given,
                        char buf[IF_NAMESIZE])
{
        if (given && *given)
                copy_name(buf, IF_NAMESIZE, given);
        else if (p->vif->id && p->conf->vif_source != OSVIF_VIF_SOURCE_CONFIG)
                osvif_vif_device_name(prefix, p->vif->id, buf);
        else
                osvif_attachment_device_name(prefix, p->req->container_id, p->req->ifname, buf);
}

static const char *ovs_bridge(const struct osvif_vif *vif)
{
        if (vif->type == OSVIF_VIF_OPENVSWITCH && vif->bridge_name && *vif->bridge_name)
                return vif->bridge_name;
        return vif->network && vif->network->bridge ? vif->network->bridge : NULL;
}

static bool net_int(const struct osvif_network *n, const char *field, int64_t v)
{
        return n && osvif_obj_is_set(&n->obj, field) && !osvif_obj_is_null(&n->obj, field) && v > 0;
}

static int add_ovs_port(struct osvif_plan *p, const char *port, osvif_error_t *err)
{
        const struct osvif_vif *vif = p->vif;
        const struct osvif_port_profile *pp = vif->port_profile;
        const char *bridge = ovs_bridge(vif);
        struct osvif_step *s;

        if (!bridge)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "vif.network.bridge: missing: the OVS bridge of %s",
                                       osvif_vif_type_name(vif->type));
        s = push(p, OSVIF_STEP_OVS_PORT);
        copy_name(s->u.ovs_port.bridge, sizeof(s->u.ovs_port.bridge), bridge);
        copy_name(s->u.ovs_port.port, sizeof(s->u.ovs_port.port), port);
        if (pp && pp->datapath_type)
                copy_name(s->u.ovs_port.datapath_type, sizeof(s->u.ovs_port.datapath_type),
                          pp->datapath_type);
        s->u.ovs_port.tag = net_int(vif->network, "vlan", vif->network ? vif->network->vlan : 0)
                                    ? (int)vif->network->vlan
                                    : -1;
        s->u.ovs_port.isolate = p->conf->isolate_vif;
        s->u.ovs_port.mtu_request = p->mtu;
        return 0;
}

static void add_veth(struct osvif_plan *p, const char *master, bool host_up)
{
        struct osvif_step *s = push(p, OSVIF_STEP_VETH);

        copy_name(s->u.veth.host, sizeof(s->u.veth.host), p->host_ifname);
        copy_name(s->u.veth.master, sizeof(s->u.veth.master), master);
        s->u.veth.host_up = host_up;
}

static int row_generic(struct osvif_plan *p, osvif_error_t *err)
{
        add_veth(p, NULL, true);
        return 0;
}

static int row_bridge(struct osvif_plan *p, osvif_error_t *err)
{
        struct osvif_step *s = push(p, OSVIF_STEP_BRIDGE);

        copy_name(s->u.bridge.name, sizeof(s->u.bridge.name), p->vif->bridge_name);
        s->u.bridge.mtu = p->mtu;
        add_veth(p, s->u.bridge.name, false);
        return 0;
}

/*
 * os-vif's hybrid plug: a per-VIF Linux bridge qbr, a veth qvb/qvo whose qvo end is the OVS
 * port, and the pod's veth on qbr where the VM's tap would be.
 */
static int row_bridge_hybrid(struct osvif_plan *p, osvif_error_t *err)
{
        struct osvif_step *br = push(p, OSVIF_STEP_BRIDGE), *hv;

        device_name(p, "qbr",
                    p->conf->vif_source == OSVIF_VIF_SOURCE_CONFIG ? NULL : p->vif->bridge_name,
                    br->u.bridge.name);
        br->u.bridge.owned = true;
        br->u.bridge.os_vif_settings = true;
        br->u.bridge.mtu = p->mtu;
        hv = push(p, OSVIF_STEP_HOST_VETH);
        device_name(p, "qvb", NULL, hv->u.host_veth.a);
        device_name(p, "qvo", NULL, hv->u.host_veth.b);
        copy_name(hv->u.host_veth.master, sizeof(hv->u.host_veth.master), br->u.bridge.name);
        hv->u.host_veth.mtu = p->mtu;
        if (add_ovs_port(p, hv->u.host_veth.b, err) < 0)
                return -1;
        add_veth(p, br->u.bridge.name, false);
        return 0;
}

static int row_ovs(struct osvif_plan *p, osvif_error_t *err)
{
        add_veth(p, NULL, true);
        return add_ovs_port(p, p->host_ifname, err);
}

static int add_rows(struct osvif_plan *p, osvif_error_t *err)
{
        const struct osvif_vif *vif = p->vif;
        enum osvif_profile_type prof = vif->port_profile ? vif->port_profile->type
                                                         : OSVIF_PROFILE_NONE;

        switch (vif->type) {
        case OSVIF_VIF_GENERIC:
                return row_generic(p, err);
        case OSVIF_VIF_BRIDGE:
                return prof == OSVIF_PROFILE_OPENVSWITCH ? row_bridge_hybrid(p, err)
                                                         : row_bridge(p, err);
        case OSVIF_VIF_OPENVSWITCH:
                return row_ovs(p, err);
        default:
                break;
        }
        return osvif_error_set(err, OSVIF_ERR_UNSUPPORTED, 0,
                               "vif.type: %s with port profile %s is valid but not served by "
                               "this version of osvif yet",
                               osvif_vif_type_name(vif->type),
                               prof ? osvif_profile_type_name(prof) : "none");
}

/*
 * The pod interface's MAC: the mac capability, else vif.address, else one chosen now, so that
 * every step knows it from the start (the hybrid plug writes it into OVS as attached-mac
 * before the pod's veth exists).
 */
static int pick_mac(struct osvif_plan *p, osvif_error_t *err)
{
        const char *mac = p->req->mac ? p->req->mac : p->vif->address;
        const char *what = p->req->mac ? "runtimeConfig.mac" : "vif.address";

        if (!mac) {
                if (osvif_mac_random(p->mac) < 0)
                        return osvif_error_set(err, OSVIF_ERR_INTERNAL, errno, "no random source");
                return 0;
        }
        if (osvif_mac_parse(mac, p->mac) < 0)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: \"%s\" is not a MAC address", what, mac);
        if (p->mac[0] & 0x01)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: \"%s\" is a multicast address", what, mac);
        p->has_mac = true;
        return 0;
}

static int plan_common(struct osvif_plan *p, osvif_error_t *err)
{
        uint32_t rnd = 0;

        if (osvif_owner_format(p->req->name, p->req->container_id, p->req->ifname, p->owner, err) <
            0)
                return -1;
        copy_name(p->pod_ifname, sizeof(p->pod_ifname), p->req->ifname);
        p->container_id = p->req->container_id;
        /* a fresh name inside the pod: it only has to differ from what the pod already has */
        if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
                rnd = (uint32_t)getpid();
        snprintf(p->pod_tmpname, sizeof(p->pod_tmpname), "osvtmp%08x", rnd);
        p->dad = p->conf->enable_dad;
        return 0;
}

int osvif_plan_build(const struct osvif_cni_request *req, const struct osvif_conf *conf,
                     const struct osvif_vif *vif, struct osvif_plan **ret, osvif_error_t *err)
{
        _cleanup_plan_ struct osvif_plan *p = calloc(1, sizeof(*p));

        if (!p)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        p->req = req;
        p->conf = conf;
        p->vif = vif;
        if (plan_common(p, err) < 0 || pick_mac(p, err) < 0)
                return -1;
        if (vif->network && net_int(vif->network, "mtu", vif->network->mtu))
                p->mtu = (unsigned)vif->network->mtu;
        device_name(p, "tap", vif->vif_name, p->host_ifname);

        if (req->ipam_type)
                push(p, OSVIF_STEP_IPAM);
        else if (osvif_plan_l3_from_vif(p, &p->l3, err) < 0)
                return -1;
        if (add_rows(p, err) < 0)
                return -1;
        push(p, OSVIF_STEP_POD_LINK);
        push(p, OSVIF_STEP_POD_L3);
        *ret = TAKE_PTR(p);
        return 0;
}

int osvif_plan_build_sweep(const struct osvif_cni_request *req, const struct osvif_conf *conf,
                           const char *container_id, const char *ifname, bool with_ipam,
                           struct osvif_plan **ret, osvif_error_t *err)
{
        _cleanup_plan_ struct osvif_plan *p = calloc(1, sizeof(*p));

        if (!p)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        p->req = req;
        p->conf = conf;
        if (osvif_owner_format(req->name, container_id, ifname, p->owner, err) < 0)
                return -1;
        copy_name(p->pod_ifname, sizeof(p->pod_ifname), ifname);
        p->container_id = container_id;
        if (with_ipam && req->ipam_type)
                push(p, OSVIF_STEP_IPAM);
        /*
         * Empty names: tear down whatever carries the owner. Torn down in reverse: OVS ports
         * before the links they use, host links (a veth takes its pod end along) before
         * what may remain in the pod.
         */
        push(p, OSVIF_STEP_POD_LINK);
        push(p, OSVIF_STEP_VETH);
        push(p, OSVIF_STEP_OVS_PORT)->u.ovs_port.tag = -1;
        *ret = TAKE_PTR(p);
        return 0;
}

void osvif_plan_free(struct osvif_plan *plan)
{
        if (!plan)
                return;
        osvif_cni_result_free(plan->l3);
        free(plan);
}

int osvif_owner_format(const char *network, const char *container_id, const char *ifname,
                       char buf[256], osvif_error_t *err)
{
        int n = snprintf(buf, 256, "osvif %s %s %s", network ? network : "",
                         container_id ? container_id : "", ifname ? ifname : "");

        if (n < 0 || n >= 256)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "network name, container id and ifname are too long to "
                                       "record the owner (%d bytes, at most 249)",
                                       n - 6);
        return 0;
}

int osvif_owner_parse(char *buf, char **network, char **container_id, char **ifname)
{
        char *save = NULL, *tag, *n, *c, *i;

        tag = strtok_r(buf, " ", &save);
        if (!tag || strcmp(tag, "osvif") != 0)
                return 0;
        n = strtok_r(NULL, " ", &save);
        c = strtok_r(NULL, " ", &save);
        i = strtok_r(NULL, " ", &save);
        if (!n || !c || !i || strtok_r(NULL, " ", &save))
                return 0;
        *network = n;
        *container_id = c;
        *ifname = i;
        return 1;
}
