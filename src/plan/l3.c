/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "plan/plan.h"
#include "util/cleanup.h"
#include "util/strv.h"

static bool subnet_has(const struct osvif_subnet *s, const char *field)
{
        return osvif_obj_is_set(&s->obj, field) && !osvif_obj_is_null(&s->obj, field);
}

/* The subnet containing ip, or NULL. */
static const struct osvif_subnet *subnet_of(const struct osvif_network *net,
                                            const struct osvif_ip *ip)
{
        for (size_t i = 0; net && net->subnets && i < net->subnets->n_objects; i++) {
                const struct osvif_subnet *s = net->subnets->objects[i];

                if (subnet_has(s, "cidr") && osvif_ipnet_contains(&s->cidr, ip))
                        return s;
        }
        return NULL;
}

static int add_address(struct osvif_cni_result *r, const struct osvif_network *net,
                       const struct osvif_ip *ip, int prefix, osvif_error_t *err)
{
        const struct osvif_subnet *s = subnet_of(net, ip);
        struct osvif_ipnet a = { *ip, 0 };
        const struct osvif_ip *gw = NULL;

        if (prefix >= 0)
                a.prefixlen = (uint8_t)prefix;
        else if (s)
                a.prefixlen = s->cidr.prefixlen;
        else
                a.prefixlen = (uint8_t)osvif_ip_maxprefix(ip->family);
        if (s && subnet_has(s, "gateway") && s->gateway.family == ip->family)
                gw = &s->gateway;
        return osvif_cni_result_add_ip(r, &a, gw, -1, err) < 0 ? -1 : 0;
}

static int add_fixed_ips(struct osvif_cni_result *r, const struct osvif_network *net,
                         osvif_error_t *err)
{
        for (size_t i = 0; net && net->subnets && i < net->subnets->n_objects; i++) {
                const struct osvif_subnet *s = net->subnets->objects[i];

                for (size_t j = 0; s->ips && j < s->ips->n_objects; j++) {
                        const struct osvif_fixed_ip *f = s->ips->objects[j];

                        if (!osvif_obj_is_set(&f->obj, "address"))
                                continue;
                        /* a fixed IP outside its subnet keeps that subnet's prefix */
                        if (add_address(r, net, &f->address,
                                        osvif_ipnet_contains(&s->cidr, &f->address)
                                                ? -1
                                                : (int)s->cidr.prefixlen,
                                        err) < 0)
                                return -1;
                }
        }
        return 0;
}

static bool has_default_route(const struct osvif_cni_result *r, int family)
{
        for (size_t i = 0; i < r->n_routes; i++)
                if (r->routes[i].dst.ip.family == family && r->routes[i].dst.prefixlen == 0)
                        return true;
        return false;
}

static int add_routes(struct osvif_cni_result *r, const struct osvif_network *net,
                      osvif_error_t *err)
{
        for (size_t i = 0; net && net->subnets && i < net->subnets->n_objects; i++) {
                const struct osvif_subnet *s = net->subnets->objects[i];

                for (size_t j = 0; s->routes && j < s->routes->n_objects; j++) {
                        const struct osvif_route *rt = s->routes->objects[j];
                        struct osvif_cni_route cr = { 0 };

                        if (!osvif_obj_is_set(&rt->obj, "cidr"))
                                continue;
                        cr.dst = osvif_ipnet_network(&rt->cidr);
                        if (osvif_obj_is_set(&rt->obj, "gateway"))
                                cr.gw = rt->gateway;
                        if (osvif_cni_result_add_route(r, &cr, err) < 0)
                                return -1;
                }
        }
        /* the first gateway of each family becomes the default route */
        for (size_t i = 0; net && net->subnets && i < net->subnets->n_objects; i++) {
                const struct osvif_subnet *s = net->subnets->objects[i];
                struct osvif_cni_route cr = { 0 };

                if (!subnet_has(s, "gateway") || has_default_route(r, s->gateway.family))
                        continue;
                cr.dst.ip.family = s->gateway.family;
                cr.gw = s->gateway;
                if (osvif_cni_result_add_route(r, &cr, err) < 0)
                        return -1;
        }
        return 0;
}

static int add_dns(struct osvif_cni_result *r, const struct osvif_network *net, osvif_error_t *err)
{
        _cleanup_strv_ char **servers = NULL;
        struct osvif_cni_dns dns = { 0 };

        for (size_t i = 0; net && net->subnets && i < net->subnets->n_objects; i++) {
                const struct osvif_subnet *s = net->subnets->objects[i];

                for (size_t j = 0; j < s->n_dns; j++) {
                        char buf[OSVIF_IP_STRLEN];

                        osvif_ip_format(&s->dns[j], buf);
                        if (!osvif_strv_contains(servers, buf) &&
                            osvif_strv_push(&servers, buf) < 0)
                                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM,
                                                       "out of memory");
                }
        }
        if (!servers)
                return 0;
        dns.nameservers = servers;
        return osvif_cni_result_merge_dns(r, &dns, err);
}

int osvif_plan_l3_from_vif(const struct osvif_plan *p, struct osvif_cni_result **ret,
                           osvif_error_t *err)
{
        _cleanup_(osvif_cni_result_freep) struct osvif_cni_result *r = NULL;
        const struct osvif_network *net = p->vif ? p->vif->network : NULL;

        r = osvif_cni_result_new(p->req->version);
        if (!r)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        if (p->req->n_ips > 0) {
                for (size_t i = 0; i < p->req->n_ips; i++) {
                        const struct osvif_ipnet *a = &p->req->ips[i];
                        bool full = a->prefixlen == osvif_ip_maxprefix(a->ip.family);

                        /* "10.0.0.5" from the capability: take the subnet's prefix */
                        if (add_address(r, net, &a->ip,
                                        full && subnet_of(net, &a->ip) ? -1 : a->prefixlen,
                                        err) < 0)
                                return -1;
                }
        } else if (add_fixed_ips(r, net, err) < 0) {
                return -1;
        }
        if (add_routes(r, net, err) < 0 || add_dns(r, net, err) < 0)
                return -1;
        *ret = TAKE_PTR(r);
        return 0;
}
