/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "plan/build.h"
#include "plan/mapping.h"
#include "util/cleanup.h"
#include "vif/names.h"

/*
 * Plans from the mapping's rows (plan/mapping.c): the common head (IPAM) and tail (the pod
 * link and its L3) around the row's own steps, and the sweep that DEL and GC use without a VIF.
 */

struct osvif_step *osvif_plan_push(struct osvif_plan *p, const struct osvif_step_ops *ops)
{
        struct osvif_step *s;

        /* the rows never come near the bound; a failure here is a bug */
        if (p->n_steps >= OSVIF_PLAN_MAX_STEPS)
                abort();
        s = &p->steps[p->n_steps++];
        memset(s, 0, sizeof(*s));
        s->ops = ops;
        return s;
}

int osvif_plan_set_name(char *dst, size_t size, const char *src, const char *field,
                        osvif_error_t *err)
{
        size_t n = src ? strlen(src) : 0;

        if (n >= size)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: \"%s\" is too long (%zu bytes, at most %zu)", field,
                                       src, n, size - 1);
        memmove(dst, src ? src : "", n);
        dst[n] = '\0';
        return 0;
}

void osvif_plan_device_name(const struct osvif_plan *p, const char *prefix, const char *given,
                            char buf[IF_NAMESIZE])
{
        /* `given` was checked as an interface name (1 to 15 bytes) while validating the VIF */
        if (given && *given)
                snprintf(buf, IF_NAMESIZE, "%s", given);
        else if (p->vif->id && p->conf->vif_source != OSVIF_VIF_SOURCE_CONFIG)
                osvif_vif_device_name(prefix, p->vif->id, buf);
        else
                osvif_attachment_device_name(prefix, p->req->container_id, p->req->ifname, buf);
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
        if (osvif_plan_set_name(p->pod_ifname, sizeof(p->pod_ifname), p->req->ifname, "CNI_IFNAME",
                                err) < 0)
                return -1;
        p->container_id = p->req->container_id;
        /* a fresh name inside the pod: it only has to differ from what the pod already has */
        if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
                rnd = (uint32_t)getpid();
        snprintf(p->pod_tmpname, sizeof(p->pod_tmpname), "osvtmp%08x", rnd);
        p->dad = p->conf->enable_dad;
        return 0;
}

static bool net_mtu(const struct osvif_network *n)
{
        return n && osvif_obj_is_set(&n->obj, "mtu") && !osvif_obj_is_null(&n->obj, "mtu") &&
               n->mtu > 0;
}

int osvif_plan_build(const struct osvif_cni_request *req, const struct osvif_conf *conf,
                     const struct osvif_vif *vif, struct osvif_plan **ret, osvif_error_t *err)
{
        _cleanup_plan_ struct osvif_plan *p = calloc(1, sizeof(*p));
        const struct osvif_mapping_row *row = NULL;

        if (!p)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        if (osvif_mapping_check(vif, "vif", &row, err) < 0)
                return -1;
        if (!row->build)
                return osvif_error_set(err, OSVIF_ERR_UNSUPPORTED, 0,
                                       "vif.type: %s with %s%s is valid but not served by this "
                                       "version of osvif yet",
                                       osvif_vif_type_name(vif->type),
                                       row->profile ? "port profile " : "no port profile",
                                       row->profile ? osvif_profile_type_name(row->profile) : "");
        p->req = req;
        p->conf = conf;
        p->vif = vif;
        p->row = row;
        if (plan_common(p, err) < 0 || pick_mac(p, err) < 0)
                return -1;
        if (net_mtu(vif->network))
                p->mtu = (unsigned)vif->network->mtu;
        osvif_plan_device_name(p, "tap", vif->vif_name, p->host_ifname);

        if (row->needs & OSVIF_NEEDS_L3) {
                if (req->ipam_type)
                        osvif_plan_push(p, &osvif_step_ipam_ops);
                else if (osvif_plan_l3_from_vif(p, &p->l3, err) < 0)
                        return -1;
        }
        if (row->build(p, err) < 0)
                return -1;
        if (row->pod_link != OSVIF_POD_LINK_NONE && !p->no_pod_link) {
                osvif_plan_push(p, &osvif_step_pod_link_ops);
                osvif_plan_push(p, &osvif_step_pod_l3_ops);
        }
        *ret = TAKE_PTR(p);
        return 0;
}

int osvif_plan_build_sweep(const struct osvif_cni_request *req, const struct osvif_conf *conf,
                           const char *container_id, const char *ifname, unsigned flags,
                           struct osvif_plan **ret, osvif_error_t *err)
{
        _cleanup_plan_ struct osvif_plan *p = calloc(1, sizeof(*p));

        if (!p)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        p->req = req;
        p->conf = conf;
        if (osvif_owner_format(req->name, container_id, ifname, p->owner, err) < 0)
                return -1;
        if (osvif_plan_set_name(p->pod_ifname, sizeof(p->pod_ifname), ifname, "ifname", err) < 0)
                return -1;
        p->container_id = container_id;
        if ((flags & OSVIF_SWEEP_IPAM) && req->ipam_type)
                osvif_plan_push(p, &osvif_step_ipam_ops);
        /*
         * Empty names: tear down whatever carries the owner. Torn down in reverse: OVS ports
         * before the links they use, host links (a veth takes its pod end along) before
         * what may remain in the pod.
         */
        /* port-profile associations, by their state files */
        osvif_plan_push(p, &osvif_step_qbh_ops);
        osvif_plan_push(p, &osvif_step_qbg_ops);
        osvif_plan_push(p, &osvif_step_vlan_dev_ops); /* shared VLAN devices: our records */
        osvif_plan_push(p, &osvif_step_pod_link_ops);
        osvif_plan_push(p, &osvif_step_veth_ops);
        /* a VF lent to the pod goes back before the pod's links go, after its representor's
         * OVS port (ovs-vswitchd restores the representor's flags when it lets go) */
        osvif_plan_push(p, &osvif_step_hostdev_ops);
        if (!(flags & OSVIF_SWEEP_NO_OVS) && osvif_conf_may_use_ovs(conf))
                osvif_plan_push(p, &osvif_step_ovs_port_ops)->u.ovs_port.tag = -1;
        /* by the vhost-user state file: a fast path's netdev, then Kata's entries */
        osvif_plan_push(p, &osvif_step_fp_netdev_ops);
        osvif_plan_push(p, &osvif_step_vhostuser_ops);
        *ret = TAKE_PTR(p);
        return 0;
}

bool osvif_conf_may_use_ovs(const struct osvif_conf *conf)
{
        const struct osvif_pod_vif_policy *pv = &conf->pod_vif;
        const struct osvif_vif *vif = conf->vif;
        const struct osvif_mapping_row *own = vif ? osvif_mapping_of(vif) : NULL;
        uint32_t types, profiles;

        if (own && (own->needs & OSVIF_NEEDS_OVSDB))
                return true;
        /* a config that names no VIF at all (a GC config cut down to the generic keys) says
         * nothing: OVS may hold its ports, as it did before this question was asked */
        if (!pv->sources)
                return !vif;
        /* as the policy reads them: unset means the config VIF's type and profile */
        types = pv->types ? pv->types : vif ? 1u << vif->type : 0;
        profiles = pv->profiles ? pv->profiles
                                : 1u << (vif && vif->port_profile ? vif->port_profile->type
                                                                  : OSVIF_PROFILE_NONE);
        for (size_t i = 0; i < osvif_mapping_rows; i++) {
                const struct osvif_mapping_row *row = &osvif_mapping[i];

                if ((row->needs & OSVIF_NEEDS_OVSDB) && (types & (1u << row->vif)) &&
                    (profiles & (1u << row->profile)))
                        return true;
        }
        return false;
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
