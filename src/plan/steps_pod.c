/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plan/steps.h"
#include "plan/mapping.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/log.h"

/* Pod-side steps: the interface's final name and state, its addresses and routes. */

/* ---- POD_LINK ---- */

static bool l3_has(const struct osvif_exec *x, int family)
{
        for (size_t k = 0; x->l3 && k < x->l3->n_ips; k++)
                if (x->l3->ips[k].address.ip.family == family)
                        return true;
        return false;
}

static int pod_sysctls(struct osvif_exec *x, void *data, osvif_error_t *err)
{
        const char *name = data;
        bool v6 = l3_has(x, AF_INET6);

        /*
         * DAD would hold our IPv6 addresses "tentative" for seconds. arp_notify and
         * ndisc_notify make the kernel announce the addresses itself (gratuitous ARP when the
         * link comes up, unsolicited NA when an address is ready) and later MAC changes too:
         * no packet socket of ours, whose release costs an RCU grace period. Each only for a
         * family the pod has addresses of: with none of IPv6, the kernel's defaults stand
         * (an NA for the link-local address alone would be flooded to every port of the
         * bridge for nothing).
         */
        if (v6 && !x->plan->dad && osvif_sysctl_dev_set("ipv6", "accept_dad", name, "0", err) < 0)
                return -1;
        if (v6 && osvif_sysctl_dev_set("ipv6", "ndisc_notify", name, "1", err) < 0)
                return -1;
        if (l3_has(x, AF_INET))
                return osvif_sysctl_dev_set("ipv4", "arp_notify", name, "1", err);
        return 0;
}

static int pod_link_apply(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                          osvif_error_t *err)
{
        struct osvif_plan *p = x->plan;
        struct osvif_link_change c = OSVIF_LINK_CHANGE_INIT;
        struct osvif_link_info info;
        struct osvif_nl *nl = osvif_exec_pod_nl(x, err);
        /* a veth's pod end has its final name already; other kinds come in under pod_tmpname */
        const char *name = x->pod_named ? p->pod_ifname : p->pod_tmpname;
        int r;

        if (!nl)
                return -1;
        /* the step that put it there found it just now (HOSTDEV, MACVLAN, PLACEHOLDER); a
         * veth's pod end is looked up by name */
        info.ifindex = x->pod_ifindex;
        r = x->pod_ifindex > 0 ? 1 : osvif_link_get(nl, name, 0, &info, err);
        if (r == 0)
                return osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                       "pod interface \"%s\" vanished from \"%s\"", name,
                                       p->req->netns);
        if (r < 0 || osvif_exec_in_pod(x, pod_sysctls, (void *)name, err) < 0)
                return -1;
        x->pod_ifindex = info.ifindex;
        /* born under its name: the owner goes on with "up" (POD_L3), one request fewer */
        if (x->pod_named)
                return 0;
        /* up only once the addresses are on it (POD_L3): bringing it up announces them */
        c.name = p->pod_ifname;
        c.alias = p->owner;
        if (osvif_link_change(nl, info.ifindex, &c, err) < 0) {
                if (err->errnum == EEXIST)
                        return osvif_error_set(err, OSVIF_ERR_EXISTS, EEXIST,
                                               "interface \"%s\" already exists in \"%s\"",
                                               p->pod_ifname, p->req->netns);
                return -1;
        }
        return 0;
}

/* The interface's entry in prevResult: name and sandbox match. -1 when absent. */
static int prev_interface(const struct osvif_exec *x)
{
        const struct osvif_cni_result *prev = x->plan->req->prev_result;

        for (size_t k = 0; prev && k < prev->n_interfaces; k++) {
                const struct osvif_cni_interface *in = &prev->interfaces[k];

                if (in->name && strcmp(in->name, x->plan->pod_ifname) == 0 && in->sandbox &&
                    x->plan->req->netns && strcmp(in->sandbox, x->plan->req->netns) == 0)
                        return (int)k;
        }
        return -1;
}

static int pod_link_check(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                          osvif_error_t *err)
{
        const struct osvif_cni_result *prev = x->plan->req->prev_result;
        struct osvif_nl *nl = osvif_exec_pod_nl(x, err);
        struct osvif_link_info info;
        int r, k = prev_interface(x);
        char mac[OSVIF_MAC_STRLEN];

        if (!nl)
                return -1;
        if (prev && k < 0)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "prevResult has no interface \"%s\" in \"%s\"",
                                       x->plan->pod_ifname, x->plan->req->netns);
        r = osvif_link_get(nl, x->plan->pod_ifname, 0, &info, err);
        if (r < 0)
                return -1;
        if (r == 0)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "interface \"%s\" is missing from \"%s\"",
                                       x->plan->pod_ifname, x->plan->req->netns);
        if (!(info.flags & IFF_UP))
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0, "interface \"%s\" is down",
                                       x->plan->pod_ifname);
        osvif_mac_format(info.mac, mac);
        if (k >= 0 && prev->interfaces[k].mac && strcasecmp(prev->interfaces[k].mac, mac) != 0)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "interface \"%s\" has MAC %s, prevResult says %s",
                                       x->plan->pod_ifname, mac, prev->interfaces[k].mac);
        x->pod_ifindex = info.ifindex;
        return 0;
}

static int pod_link_teardown(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                             osvif_error_t *err)
{
        struct osvif_nl *nl;

        /*
         * A veth's pod end goes with its host end (the VETH step, after OVS has let go of
         * it); what else of ours is in the pod goes here. Without a row (a sweep) there is
         * no telling: whatever of ours is left.
         */
        if (x->pod_ns < 0 || (x->plan->row && x->plan->row->pod_link != OSVIF_POD_LINK_OWNED))
                return 0;
        nl = osvif_exec_pod_nl(x, err);
        if (!nl)
                return -1;
        return osvif_exec_del_owned(x, nl, x->plan->pod_ifname, err) < 0 ? -1 : 0;
}

static int pod_link_describe(const struct osvif_plan *p, const struct osvif_step *s, cJSON *o)
{
        return osvif_json_add_string(o, "name", p->pod_ifname);
}

const struct osvif_step_ops osvif_step_pod_link_ops = {
        .name = "pod-link",
        .describe = pod_link_describe,
        .apply = pod_link_apply,
        .check = pod_link_check,
        .teardown = pod_link_teardown,
};

/* ---- POD_L3 ---- */

static int pod_l3_apply(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                        osvif_error_t *err)
{
        const struct osvif_cni_result *l3 = x->l3;
        struct osvif_nl *nl = osvif_exec_pod_nl(x, err);
        struct osvif_link_change up = OSVIF_LINK_CHANGE_INIT;

        if (!nl)
                return -1;
        for (size_t k = 0; l3 && k < l3->n_ips; k++)
                if (osvif_addr_add(nl, x->pod_ifindex, &l3->ips[k].address, !x->plan->dad, err) < 0)
                        return -1;
        /* with arp_notify set, the kernel sends a gratuitous ARP for each address now */
        up.up = 1;
        if (x->pod_named)
                up.alias = x->plan->owner;
        if (osvif_link_change(nl, x->pod_ifindex, &up, err) < 0)
                return -1;
        /* routes after: a gateway is only reachable through a link that is up */
        for (size_t k = 0; l3 && k < l3->n_routes; k++) {
                const struct osvif_cni_route *cr = &l3->routes[k];
                struct osvif_route_spec r = {
                        .dst = cr->dst,
                        .gw = cr->gw,
                        .ifindex = x->pod_ifindex,
                        .mtu = (unsigned)cr->mtu,
                        .advmss = (unsigned)cr->advmss,
                        .priority = (unsigned)cr->priority,
                        .table = cr->has_table ? cr->table : 0,
                        .scope = cr->has_scope ? cr->scope : -1,
                };

                if (osvif_route_add(nl, &r, err) < 0)
                        return -1;
        }
        return 0;
}

/* The route as the kernel holds it, from its CNI form (any interface: prevResult's routes
 * may belong to other plugins' interfaces, as the spec's CHECK allows). */
static struct osvif_route_spec route_spec(const struct osvif_cni_route *cr)
{
        return (struct osvif_route_spec){
                .dst = cr->dst,
                .gw = cr->gw,
                .table = cr->has_table ? cr->table : 0,
                .scope = cr->has_scope ? cr->scope : -1,
        };
}

/* Every address of ours and every route of prevResult is in the pod, as the spec's CHECK asks. */
static int pod_l3_check(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                        osvif_error_t *err)
{
        const struct osvif_cni_result *prev = x->plan->req->prev_result;
        struct osvif_nl *nl = osvif_exec_pod_nl(x, err);
        int k = prev_interface(x);
        char buf[OSVIF_IPNET_STRLEN], gw[OSVIF_IP_STRLEN];

        if (!nl)
                return -1;
        for (size_t j = 0; prev && j < prev->n_ips; j++) {
                int r;

                if (prev->ips[j].interface != k)
                        continue;
                r = osvif_addr_exists(nl, x->pod_ifindex, &prev->ips[j].address, err);
                if (r < 0)
                        return -1;
                if (r == 0)
                        return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                               "address %s is missing from \"%s\"",
                                               osvif_ipnet_format(&prev->ips[j].address, buf),
                                               x->plan->pod_ifname);
        }
        for (size_t j = 0; prev && j < prev->n_routes; j++) {
                struct osvif_route_spec want = route_spec(&prev->routes[j]);
                int r = osvif_route_exists(nl, &want, err);

                if (r < 0)
                        return -1;
                if (r == 0)
                        return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                               "route to %s%s%s is missing from \"%s\"",
                                               osvif_ipnet_format(&want.dst, buf),
                                               want.gw.family ? " via " : "",
                                               want.gw.family ? osvif_ip_format(&want.gw, gw) : "",
                                               x->plan->req->netns);
        }
        return 0;
}

const struct osvif_step_ops osvif_step_pod_l3_ops = {
        .name = "pod-l3",
        .apply = pod_l3_apply,
        .check = pod_l3_check,
};
