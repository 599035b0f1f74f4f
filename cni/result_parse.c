/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/result.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"

/*
 * Results of every version into the 1.1.0 model. A malformed result is a decoding failure
 * (code 6) naming the field, e.g. `prevResult.ips[0].address: "10.0.0.300/24" is not an
 * address with a prefix`. Unknown keys are ignored, as Go's decoder ignores them.
 */

/* A field of the right name with the wrong shape: the result cannot be decoded (code 6). */
static int decode_error(osvif_error_t *err)
{
        return osvif_error_recode(err, OSVIF_CNI_ERR_DECODE);
}

static int bad_value(const char *path, const char *key, const cJSON *v, const char *what,
                     osvif_error_t *err)
{
        _cleanup_free_ char *r = osvif_json_repr(v);

        return osvif_error_set(err, OSVIF_CNI_ERR_DECODE, 0, "%s.%s: %s is not %s", path, key,
                               r ? r : "?", what);
}

static int get_ipnet(const cJSON *o, const char *path, const char *key, bool required,
                     struct osvif_ipnet *ret, osvif_error_t *err)
{
        const char *s = NULL;
        int r = osvif_json_get_string(o, path, key, &s, err);

        if (r < 0)
                return decode_error(err);
        if (r == 0)
                return required ? osvif_error_set(err, OSVIF_CNI_ERR_DECODE, 0, "%s.%s: missing",
                                                  path, key)
                                : 0;
        if (osvif_ipnet_parse(s, false, ret) < 0)
                return bad_value(path, key, cJSON_GetObjectItemCaseSensitive(o, key),
                                 "an address with a prefix", err);
        return 1;
}

static int get_ip(const cJSON *o, const char *path, const char *key, struct osvif_ip *ret,
                  osvif_error_t *err)
{
        const char *s = NULL;
        int r = osvif_json_get_string(o, path, key, &s, err);

        if (r < 0)
                return decode_error(err);
        if (r > 0 && osvif_ip_parse(s, ret) < 0)
                return bad_value(path, key, cJSON_GetObjectItemCaseSensitive(o, key),
                                 "an IP address", err);
        return r;
}

/* An integer within what the kernel attribute it becomes can hold: never cast out of range. */
static int get_int(const cJSON *o, const char *path, const char *key, int64_t lo, int64_t hi,
                   int *ret, bool *has, osvif_error_t *err)
{
        int64_t v = 0;
        int r = osvif_json_get_int(o, path, key, lo, hi, &v, err);

        if (r < 0)
                return decode_error(err);
        if (r > 0) {
                *ret = (int)v;
                if (has)
                        *has = true;
        }
        return r;
}

static int parse_dns(const cJSON *j, const char *path, struct osvif_cni_dns *d, osvif_error_t *err)
{
        _cleanup_free_ char *p = osvif_json_path(path, "dns");
        const cJSON *o = NULL;
        int r = osvif_json_get_object(j, path, "dns", &o, err);

        if (r <= 0)
                return r < 0 ? decode_error(err) : 0;
        if (osvif_json_get_strv(o, p, "nameservers", &d->nameservers, err) < 0 ||
            osvif_json_dup_string(o, p, "domain", &d->domain, err) < 0 ||
            osvif_json_get_strv(o, p, "search", &d->search, err) < 0 ||
            osvif_json_get_strv(o, p, "options", &d->options, err) < 0)
                return decode_error(err);
        return 0;
}

static int parse_route(const cJSON *o, const char *path, struct osvif_cni_route *rt,
                       osvif_error_t *err)
{
        if (!cJSON_IsObject(o))
                return osvif_error_set(err, OSVIF_CNI_ERR_DECODE, 0, "%s: expected an object",
                                       path);
        if (get_ipnet(o, path, "dst", true, &rt->dst, err) < 0 ||
            get_ip(o, path, "gw", &rt->gw, err) < 0 ||
            /* RTAX_MTU and RTAX_ADVMSS: the kernel caps both at 65535 */
            get_int(o, path, "mtu", 0, 65535, &rt->mtu, NULL, err) < 0 ||
            get_int(o, path, "advmss", 0, 65535, &rt->advmss, NULL, err) < 0 ||
            /* RTA_PRIORITY and RTA_TABLE are u32; Go's int in the spec's types: 0..2^31-1 */
            get_int(o, path, "priority", 0, INT32_MAX, &rt->priority, NULL, err) < 0 ||
            get_int(o, path, "table", 0, INT32_MAX, &rt->table, &rt->has_table, err) < 0 ||
            /* rtm_scope is a u8 */
            get_int(o, path, "scope", 0, 255, &rt->scope, &rt->has_scope, err) < 0)
                return -1;
        return 0;
}

/* Call fn for each element of the array `key` (absent: nothing), with a path like "x.ips[2]". */
static int each(const cJSON *j, const char *path, const char *key,
                int (*fn)(const cJSON *item, const char *path, void *data, osvif_error_t *err),
                void *data, osvif_error_t *err)
{
        const cJSON *arr = NULL, *it;
        int r = osvif_json_get_array(j, path, key, &arr, err), i = 0;

        if (r <= 0)
                return r < 0 ? decode_error(err) : 0;
        cJSON_ArrayForEach(it, arr) {
                char p[256];

                snprintf(p, sizeof(p), "%s.%s[%d]", path, key, i++);
                if (fn(it, p, data, err) < 0)
                        return -1;
        }
        return 0;
}

static int add_route(const cJSON *it, const char *path, void *data, osvif_error_t *err)
{
        struct osvif_cni_result *res = data;
        struct osvif_cni_route rt = { 0 };

        if (parse_route(it, path, &rt, err) < 0)
                return -1;
        return osvif_cni_result_add_route(res, &rt, err) < 0 ? -1 : 0;
}

static int add_interface(const cJSON *it, const char *path, void *data, osvif_error_t *err)
{
        struct osvif_cni_result *res = data;
        struct osvif_cni_interface *in;
        bool has_mtu = false;
        int idx;

        if (!cJSON_IsObject(it))
                return osvif_error_set(err, OSVIF_CNI_ERR_DECODE, 0, "%s: expected an object",
                                       path);
        idx = osvif_cni_result_add_interface(res, NULL, NULL, NULL, err);
        if (idx < 0)
                return -1;
        in = &res->interfaces[idx];
        if (osvif_json_dup_string(it, path, "name", &in->name, err) < 0 ||
            osvif_json_dup_string(it, path, "mac", &in->mac, err) < 0 ||
            osvif_json_dup_string(it, path, "sandbox", &in->sandbox, err) < 0 ||
            osvif_json_dup_string(it, path, "socketPath", &in->socket_path, err) < 0 ||
            osvif_json_dup_string(it, path, "pciID", &in->pci_id, err) < 0)
                return decode_error(err);
        return get_int(it, path, "mtu", 0, INT32_MAX, &in->mtu, &has_mtu, err) < 0 ? -1 : 0;
}

static int add_ipconfig(const cJSON *it, const char *path, void *data, osvif_error_t *err)
{
        struct osvif_cni_result *res = data;
        struct osvif_cni_ipconfig ip = { .interface = -1 };
        int r;

        if (!cJSON_IsObject(it))
                return osvif_error_set(err, OSVIF_CNI_ERR_DECODE, 0, "%s: expected an object",
                                       path);
        if (get_ipnet(it, path, "address", true, &ip.address, err) < 0 ||
            get_ip(it, path, "gateway", &ip.gateway, err) < 0)
                return -1;
        r = get_int(it, path, "interface", 0, INT32_MAX, &ip.interface, NULL, err);
        if (r < 0)
                return -1;
        if (r > 0 && ip.interface < 0)
                return bad_value(path, "interface",
                                 cJSON_GetObjectItemCaseSensitive(it, "interface"),
                                 "an interface index", err);
        return osvif_cni_result_add_ip(res, &ip.address, &ip.gateway, ip.interface, err) < 0 ? -1
                                                                                             : 0;
}

/* 0.1.0/0.2.0: {"ip4": {"ip", "gateway", "routes"}, "ip6": {...}, "dns"} */
static int parse_020_family(const cJSON *j, const char *path, const char *key,
                            struct osvif_cni_result *res, osvif_error_t *err)
{
        _cleanup_free_ char *p = osvif_json_path(path, key);
        struct osvif_ipnet ip = { 0 };
        struct osvif_ip gw = { 0 };
        const cJSON *o = NULL;
        int r = osvif_json_get_object(j, path, key, &o, err);

        if (r <= 0)
                return r < 0 ? decode_error(err) : 0;
        if (get_ipnet(o, p, "ip", true, &ip, err) < 0 || get_ip(o, p, "gateway", &gw, err) < 0)
                return -1;
        if (osvif_cni_result_add_ip(res, &ip, &gw, -1, err) < 0)
                return -1;
        return each(o, p, "routes", add_route, res, err);
}

int osvif_cni_result_from_json(const cJSON *j, enum osvif_cni_version default_version,
                               const char *path, struct osvif_cni_result **ret, osvif_error_t *err)
{
        _cleanup_(osvif_cni_result_freep) struct osvif_cni_result *res = NULL;
        const char *vs = NULL;
        int v = (int)default_version;

        if (!cJSON_IsObject(j))
                return osvif_error_set(err, OSVIF_CNI_ERR_DECODE, 0, "%s: expected an object",
                                       path);
        if (osvif_json_get_string(j, path, "cniVersion", &vs, err) < 0)
                return decode_error(err);
        if (vs && *vs) {
                v = osvif_cni_version_parse(vs);
                if (v < 0)
                        return osvif_error_set(err, OSVIF_CNI_ERR_INCOMPATIBLE_VERSION, 0,
                                               "%s.cniVersion: \"%s\" is not a supported version",
                                               path, vs);
        }
        res = osvif_cni_result_new((enum osvif_cni_version)v);
        if (!res)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        if (v <= OSVIF_CNI_V020) {
                if (parse_020_family(j, path, "ip4", res, err) < 0 ||
                    parse_020_family(j, path, "ip6", res, err) < 0)
                        return -1;
        } else if (each(j, path, "interfaces", add_interface, res, err) < 0 ||
                   each(j, path, "ips", add_ipconfig, res, err) < 0 ||
                   each(j, path, "routes", add_route, res, err) < 0) {
                return -1;
        }
        if (parse_dns(j, path, &res->dns, err) < 0)
                return -1;
        *ret = TAKE_PTR(res);
        return 0;
}
