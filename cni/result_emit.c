/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "cni/result.h"
#include "util/cleanup.h"
#include "util/json.h"

/*
 * The 1.1.0 model rendered as any version, the way libcni converts and prints results
 * (pkg/types/{020,040,100}): keys in Go's field order, empty values omitted as `omitempty`
 * omits them, and "dns" always present (a struct, which omitempty never omits).
 *
 * - 1.0.0 and 1.1.0 share one shape; nothing is dropped.
 * - 0.3.0, 0.3.1, 0.4.0: interfaces keep name, mac and sandbox; ips gain "version".
 * - 0.1.0, 0.2.0: "ip4" and "ip6" from the first address of each family, routes by family
 *   with dst and gw only, no interfaces; no address at all cannot be converted.
 */

/* OR-ed emitter return values stay negative when any failed. */
static int emit_dns(cJSON *o, const struct osvif_cni_dns *d)
{
        cJSON *dns = cJSON_CreateObject();
        int r = osvif_json_add_item(o, "dns", dns);

        if (r < 0)
                return r;
        if (d->nameservers)
                r |= osvif_json_add_strv(dns, "nameservers", d->nameservers);
        r |= osvif_json_add_string(dns, "domain", d->domain && *d->domain ? d->domain : NULL);
        if (d->search)
                r |= osvif_json_add_strv(dns, "search", d->search);
        if (d->options)
                r |= osvif_json_add_strv(dns, "options", d->options);
        return r;
}

static const char *nonempty(const char *s)
{
        return s && *s ? s : NULL;
}

static int emit_interface(cJSON *arr, const struct osvif_cni_interface *in, bool v1)
{
        cJSON *o = cJSON_CreateObject();
        int r = osvif_json_append(arr, o);

        if (r < 0)
                return r;
        r |= osvif_json_add_string(o, "name", in->name ? in->name : "");
        r |= osvif_json_add_string(o, "mac", nonempty(in->mac));
        if (v1 && in->mtu > 0)
                r |= osvif_json_add_int(o, "mtu", in->mtu);
        r |= osvif_json_add_string(o, "sandbox", nonempty(in->sandbox));
        if (v1) {
                r |= osvif_json_add_string(o, "socketPath", nonempty(in->socket_path));
                r |= osvif_json_add_string(o, "pciID", nonempty(in->pci_id));
        }
        return r;
}

static int emit_ip(cJSON *arr, const struct osvif_cni_ipconfig *ip, bool with_version)
{
        char a[OSVIF_IPNET_STRLEN], g[OSVIF_IP_STRLEN];
        cJSON *o = cJSON_CreateObject();
        int r = osvif_json_append(arr, o);

        if (r < 0)
                return r;
        if (with_version)
                r |= osvif_json_add_string(o, "version",
                                           ip->address.ip.family == AF_INET6 ? "6" : "4");
        if (ip->interface >= 0)
                r |= osvif_json_add_int(o, "interface", ip->interface);
        r |= osvif_json_add_string(o, "address", osvif_ipnet_format(&ip->address, a));
        if (ip->gateway.family)
                r |= osvif_json_add_string(o, "gateway", osvif_ip_format(&ip->gateway, g));
        return r;
}

static int emit_route(cJSON *arr, const struct osvif_cni_route *rt, bool attributes)
{
        char d[OSVIF_IPNET_STRLEN], g[OSVIF_IP_STRLEN];
        cJSON *o = cJSON_CreateObject();
        int r = osvif_json_append(arr, o);

        if (r < 0)
                return r;
        r |= osvif_json_add_string(o, "dst", osvif_ipnet_format(&rt->dst, d));
        if (rt->gw.family)
                r |= osvif_json_add_string(o, "gw", osvif_ip_format(&rt->gw, g));
        if (!attributes)
                return r;
        if (rt->mtu)
                r |= osvif_json_add_int(o, "mtu", rt->mtu);
        if (rt->advmss)
                r |= osvif_json_add_int(o, "advmss", rt->advmss);
        if (rt->priority)
                r |= osvif_json_add_int(o, "priority", rt->priority);
        if (rt->has_table)
                r |= osvif_json_add_int(o, "table", rt->table);
        if (rt->has_scope)
                r |= osvif_json_add_int(o, "scope", rt->scope);
        return r;
}

/* An array member, omitted when empty (omitempty on a slice). */
static cJSON *add_array(cJSON *o, const char *key, size_t n, int *r)
{
        cJSON *arr;

        if (n == 0)
                return NULL;
        arr = cJSON_CreateArray();
        *r |= osvif_json_add_item(o, key, arr);
        return *r < 0 ? NULL : arr;
}

static int emit_current(cJSON *o, const struct osvif_cni_result *res, enum osvif_cni_version v)
{
        bool v1 = v >= OSVIF_CNI_V100;
        int r = 0;
        cJSON *arr;

        arr = add_array(o, "interfaces", res->n_interfaces, &r);
        for (size_t i = 0; arr && i < res->n_interfaces; i++)
                r |= emit_interface(arr, &res->interfaces[i], v1);
        arr = add_array(o, "ips", res->n_ips, &r);
        for (size_t i = 0; arr && i < res->n_ips; i++)
                r |= emit_ip(arr, &res->ips[i], !v1);
        /* libcni's Route.Copy() keeps the 1.1 attributes on the way down to 0.3/0.4 */
        arr = add_array(o, "routes", res->n_routes, &r);
        for (size_t i = 0; arr && i < res->n_routes; i++)
                r |= emit_route(arr, &res->routes[i], true);
        return r | emit_dns(o, &res->dns);
}

static int emit_020_family(cJSON *o, const struct osvif_cni_result *res, int family)
{
        const struct osvif_cni_ipconfig *ip = NULL;
        char a[OSVIF_IPNET_STRLEN], g[OSVIF_IP_STRLEN];
        cJSON *fam, *routes = NULL;
        int r;

        for (size_t i = 0; !ip && i < res->n_ips; i++)
                if (res->ips[i].address.ip.family == family)
                        ip = &res->ips[i];
        if (!ip)
                return 0;
        fam = cJSON_CreateObject();
        r = osvif_json_add_item(o, family == AF_INET ? "ip4" : "ip6", fam);
        if (r < 0)
                return r;
        r |= osvif_json_add_string(fam, "ip", osvif_ipnet_format(&ip->address, a));
        if (ip->gateway.family)
                r |= osvif_json_add_string(fam, "gateway", osvif_ip_format(&ip->gateway, g));
        for (size_t i = 0; r >= 0 && i < res->n_routes; i++) {
                if (res->routes[i].dst.ip.family != family)
                        continue;
                if (!routes) {
                        routes = cJSON_CreateArray();
                        r |= osvif_json_add_item(fam, "routes", routes);
                        if (r < 0)
                                break;
                }
                r |= emit_route(routes, &res->routes[i], false);
        }
        return r;
}

static bool has_family(const struct osvif_cni_result *res, int family)
{
        for (size_t i = 0; i < res->n_ips; i++)
                if (res->ips[i].address.ip.family == family)
                        return true;
        return false;
}

cJSON *osvif_cni_result_to_json(const struct osvif_cni_result *res, enum osvif_cni_version target,
                                osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *o = NULL;
        int r;

        if ((unsigned)target >= OSVIF_CNI_V_COUNT) {
                osvif_error_set(err, OSVIF_CNI_ERR_INCOMPATIBLE_VERSION, 0,
                                "cannot convert result to an unknown version");
                return NULL;
        }
        /*
         * libcni fails here with a plain error; code 1 says what it is: the requested
         * version cannot express a result without addresses.
         */
        if (target <= OSVIF_CNI_V020 && !has_family(res, AF_INET) && !has_family(res, AF_INET6)) {
                osvif_error_set(err, OSVIF_CNI_ERR_INCOMPATIBLE_VERSION, 0,
                                "cannot convert result to version %s: no valid IP addresses",
                                osvif_cni_version_string(target));
                return NULL;
        }
        o = cJSON_CreateObject();
        r = o ? osvif_json_add_string(o, "cniVersion", osvif_cni_version_string(target)) : -ENOMEM;
        if (r >= 0 && target <= OSVIF_CNI_V020)
                r = emit_020_family(o, res, AF_INET) | emit_020_family(o, res, AF_INET6) |
                    emit_dns(o, &res->dns);
        else if (r >= 0)
                r = emit_current(o, res, target);
        if (r < 0) {
                osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
                return NULL;
        }
        return TAKE_PTR(o);
}
