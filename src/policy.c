/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdarg.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "util/addr.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"
#include "vif/classes.h"
#include "vif/names.h"

/*
 * The per-pod VIF policy. The check works on the native form of both VIFs (whatever form
 * they came in), key by key: a key the rules below do not name must be absent from the pod's
 * VIF or equal to the config's. So a field added to the model later is denied until someone
 * decides otherwise here.
 */

/* ---- parsing "podVif" ---- */

static const char *const policy_keys[] = {
        "sources",          "types",    "portProfiles",  "bridges", "vlans",
        "allowInterfaceId", "allowMac", "allowFixedIps", NULL,
};

static int bad(osvif_error_t *err, const char *key, int i, const cJSON *v, const char *why)
{
        _cleanup_free_ char *r = osvif_json_repr(v);

        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0, "podVif.%s[%d]: %s %s", key, i,
                               r ? r : "", why);
}

/* A non-empty array of strings, each handed to `one`, which sets its bit in *mask. */
static int parse_names(const cJSON *v, const char *key, uint32_t *mask,
                       int (*one)(const char *s, uint32_t *mask), const char *known,
                       osvif_error_t *err)
{
        const cJSON *arr = NULL, *it;
        int r = osvif_json_get_array(v, "podVif", key, &arr, err), i = 0;

        if (r <= 0)
                return r;
        if (cJSON_GetArraySize(arr) == 0)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "podVif.%s: must not be empty", key);
        cJSON_ArrayForEach(it, arr) {
                if (!cJSON_IsString(it) || one(it->valuestring, mask) < 0)
                        return bad(err, key, i, it, known);
                i++;
        }
        return 1;
}

static int one_source(const char *s, uint32_t *mask)
{
        if (strcmp(s, "args") == 0)
                *mask |= OSVIF_POD_VIF_FROM_ARGS;
        else if (strcmp(s, "annotation") == 0)
                *mask |= OSVIF_POD_VIF_FROM_ANNOTATION;
        else
                return -1;
        return 0;
}

static int one_type(const char *s, uint32_t *mask)
{
        const struct osvif_class *c = osvif_class_by_short_name(s, &osvif_class_vif_base);

        if (!c || !c->short_name || c->type < 0)
                return -1;
        *mask |= 1u << c->type;
        return 0;
}

static int one_profile(const char *s, uint32_t *mask)
{
        const struct osvif_class *c = osvif_class_by_short_name(s, &osvif_class_profile_base);

        if (strcmp(s, "none") == 0) {
                *mask |= 1u << OSVIF_PROFILE_NONE;
                return 0;
        }
        if (!c || !c->short_name || c->type < 0)
                return -1;
        *mask |= 1u << c->type;
        return 0;
}

static int parse_bridges(const cJSON *v, struct osvif_pod_vif_policy *p, osvif_error_t *err)
{
        const cJSON *arr = NULL;
        int r = osvif_json_get_strv(v, "podVif", "bridges", &p->bridges, err);

        if (r <= 0)
                return r;
        arr = cJSON_GetObjectItemCaseSensitive(v, "bridges");
        for (size_t i = 0; p->bridges[i]; i++) {
                size_t n = strlen(p->bridges[i]);

                if (n == 0 || n >= IF_NAMESIZE || strpbrk(p->bridges[i], "/ \t\n:"))
                        return bad(err, "bridges", (int)i, cJSON_GetArrayItem(arr, (int)i),
                                   "is not a network device name");
        }
        return 1;
}

/* 100, "100" or "100-199", inside 0..4095. */
static int one_vlan(const cJSON *it, struct osvif_vlan_range *ret)
{
        char *end = NULL;
        long a, b;

        if (cJSON_IsNumber(it)) {
                if (it->valuedouble != (double)(long)it->valuedouble)
                        return -1;
                a = b = (long)it->valuedouble;
        } else if (cJSON_IsString(it) && *it->valuestring >= '0' && *it->valuestring <= '9') {
                a = b = strtol(it->valuestring, &end, 10);
                if (*end == '-' && end[1] >= '0' && end[1] <= '9')
                        b = strtol(end + 1, &end, 10);
                if (*end)
                        return -1;
        } else
                return -1;
        if (a < 0 || b > 4095 || a > b)
                return -1;
        ret->first = (int)a;
        ret->last = (int)b;
        return 0;
}

static int parse_vlans(const cJSON *v, struct osvif_pod_vif_policy *p, osvif_error_t *err)
{
        const cJSON *arr = NULL, *it;
        int r = osvif_json_get_array(v, "podVif", "vlans", &arr, err), i = 0;

        if (r <= 0)
                return r;
        p->vlans = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*p->vlans));
        if (!p->vlans)
                return osvif_error_oom(err);
        cJSON_ArrayForEach(it, arr) {
                if (one_vlan(it, &p->vlans[p->n_vlans]) < 0)
                        return bad(err, "vlans", i, it,
                                   "is not a VLAN id or range (0..4095, e.g. 100 or \"100-199\")");
                p->n_vlans++;
                i++;
        }
        return 1;
}

int osvif_pod_vif_policy_parse(const cJSON *v, bool config_has_vif, struct osvif_pod_vif_policy *p,
                               osvif_error_t *err)
{
        uint32_t sources = 0;
        int r;

        memset(p, 0, sizeof(*p));
        if (!v || cJSON_IsNull(v))
                return 0;
        if (!cJSON_IsObject(v)) {
                _cleanup_free_ char *rep = osvif_json_repr(v);

                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "podVif: expected an object, got %s %s",
                                       osvif_json_type_name(v), rep ? rep : "");
        }
        if (osvif_json_check_keys(v, "podVif", policy_keys, err) < 0)
                return -1;
        r = parse_names(v, "sources", &sources, one_source, "is not \"args\" or \"annotation\"",
                        err);
        if (r < 0)
                return -1;
        if (r == 0)
                return osvif_error_set(
                        err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                        "podVif.sources: missing (\"args\", \"annotation\" or both)");
        p->sources = sources;
        if (parse_names(v, "types", &p->types, one_type, "is not a VIF type", err) < 0 ||
            parse_names(v, "portProfiles", &p->profiles, one_profile,
                        "is not a port profile (or \"none\")", err) < 0 ||
            parse_bridges(v, p, err) < 0 || parse_vlans(v, p, err) < 0 ||
            osvif_json_get_bool(v, "podVif", "allowInterfaceId", &p->allow_interface_id, err) < 0 ||
            osvif_json_get_bool(v, "podVif", "allowMac", &p->allow_mac, err) < 0 ||
            osvif_json_get_bool(v, "podVif", "allowFixedIps", &p->allow_fixed_ips, err) < 0)
                return -1;
        if (!config_has_vif && !p->types)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "podVif.types: missing, and there is no \"vif\" in the "
                                       "network config to take the VIF type from");
        return 0;
}

void osvif_pod_vif_policy_clear(struct osvif_pod_vif_policy *p)
{
        if (!p)
                return;
        osvif_strv_freep(&p->bridges);
        free(p->vlans);
        memset(p, 0, sizeof(*p));
}

/* ---- applying it ---- */

struct walk {
        const struct osvif_pod_vif_policy *p;
        const char *pod_id; /* the pod's own VIF id, when it may give one */
        bool hybrid;        /* VIFBridge with an OpenVSwitch profile: bridge_name is the qbr */
        osvif_error_t *err;
};

/* Absent, null, false and [] all mean "not set" (the model's zero values). */
static bool empty(const cJSON *j)
{
        return !j || cJSON_IsNull(j) || cJSON_IsFalse(j) ||
               (cJSON_IsArray(j) && cJSON_GetArraySize(j) == 0);
}

static bool same(const cJSON *a, const cJSON *b)
{
        if (empty(a) || empty(b))
                return empty(a) && empty(b);
        return cJSON_Compare(a, b, 1);
}

/* A pod's field that is not set, or set as the config has it: the config's value stands. */
static bool unchanged(const cJSON *v, const cJSON *base)
{
        return empty(v) || same(v, base);
}

/* out[key] = a copy of v. */
static int put(cJSON *out, const char *key, const cJSON *v, osvif_error_t *err)
{
        cJSON *dup = cJSON_Duplicate(v, 1);

        if (!dup)
                return osvif_error_oom(err);
        cJSON_DeleteItemFromObjectCaseSensitive(out, key);
        return osvif_json_add_item(out, key, dup) < 0 ? osvif_error_oom(err) : 0;
}

static int deny(struct walk *w, const char *prefix, const char *key, const cJSON *v,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int deny(struct walk *w, const char *prefix, const char *key, const cJSON *v,
                const char *fmt, ...)
{
        _cleanup_free_ char *r = osvif_json_repr(v), *why = NULL;
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vasprintf(&why, fmt, ap);
        va_end(ap);
        if (n < 0)
                return osvif_error_oom(w->err);
        return osvif_error_set(w->err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                               "%s.%s: %s may not be set by a per-pod VIF (%s)", prefix, key,
                               r ? r : "", why);
}

/* Anything no rule names: as the config has it, or not at all. */
static int same_or_deny(struct walk *w, const char *prefix, const char *key, const cJSON *v,
                        const cJSON *base)
{
        _cleanup_free_ char *b = NULL;

        if (unchanged(v, base))
                return 0;
        b = empty(base) ? strdup("it unset") : osvif_json_repr(base);
        return deny(w, prefix, key, v,
                    "no podVif key allows it, and the network config's vif has %s",
                    b ? b : "another value");
}

static int flag(struct walk *w, const char *prefix, const char *key, const cJSON *v,
                const cJSON *base, bool allowed, const char *flag_name, cJSON *out)
{
        if (unchanged(v, base))
                return 0;
        if (!allowed)
                return deny(w, prefix, key, v, "podVif.%s is not true", flag_name);
        return put(out, key, v, w->err);
}

/* os-vif's own name for the pod's VIF id: a pod allowed to give the id implies it anyway. */
static bool os_vif_name(const struct walk *w, const cJSON *v, const char *prefix)
{
        char name[IF_NAMESIZE];

        if (!w->pod_id || !cJSON_IsString(v))
                return false;
        osvif_vif_device_name(prefix, w->pod_id, name);
        return strcmp(name, v->valuestring) == 0;
}

static int host_name(struct walk *w, const char *prefix, const char *key, const cJSON *v,
                     const cJSON *base, cJSON *out)
{
        if (unchanged(v, base))
                return 0;
        if (!os_vif_name(w, v, "tap"))
                return deny(w, prefix, key, v,
                            "a host device name is the network config's, or os-vif's for the "
                            "VIF id (\"tap\" + id) when podVif.allowInterfaceId is true");
        return put(out, key, v, w->err);
}

static int bridge(struct walk *w, const char *prefix, const char *key, const cJSON *v,
                  const cJSON *base, bool qbr, cJSON *out)
{
        if (unchanged(v, base))
                return 0;
        if (!(cJSON_IsString(v) && osvif_strv_contains(w->p->bridges, v->valuestring)) &&
            !(qbr && os_vif_name(w, v, "qbr")))
                return deny(w, prefix, key, v, "it is not in podVif.bridges%s",
                            qbr ? ", nor os-vif's \"qbr\" + VIF id" : "");
        return put(out, key, v, w->err);
}

static int vlan(struct walk *w, const char *prefix, const cJSON *v, const cJSON *base, cJSON *out)
{
        if (unchanged(v, base))
                return 0;
        for (size_t i = 0;
             cJSON_IsNumber(v) && v->valuedouble == (int)v->valuedouble && i < w->p->n_vlans; i++)
                if (v->valuedouble >= w->p->vlans[i].first && v->valuedouble <= w->p->vlans[i].last)
                        return put(out, "vlan", v, w->err);
        return deny(w, prefix, "vlan", v, "it is not in podVif.vlans");
}

/* Every fixed IP a plain address inside the subnet's cidr. */
static int fixed_ips(struct walk *w, const char *prefix, const cJSON *ips, const cJSON *cidr)
{
        struct osvif_ipnet net;
        const cJSON *it;
        int i = 0;

        if (!cJSON_IsString(cidr) || osvif_ipnet_parse(cidr->valuestring, false, &net) < 0)
                return deny(w, prefix, "ips", ips, "its subnet has no cidr");
        cJSON_ArrayForEach(it, ips) {
                const cJSON *a = cJSON_GetObjectItemCaseSensitive(it, "address"), *f;
                _cleanup_free_ char *key = NULL;
                struct osvif_ip ip;

                if (asprintf(&key, "ips[%d]", i++) < 0)
                        return osvif_error_oom(w->err);
                /* no floating IPs: they are another port's addresses */
                cJSON_ArrayForEach(f, it) {
                        _cleanup_free_ char *field = NULL;

                        if (strcmp(f->string, "address") == 0 || empty(f))
                                continue;
                        if (asprintf(&field, "%s.%s", key, f->string) < 0)
                                return osvif_error_oom(w->err);
                        return deny(w, prefix, field,
                                    cJSON_IsArray(f) && cJSON_GetArraySize(f) == 1 ? f->child : f,
                                    "a fixed IP from a pod is an address alone");
                }
                if (!cJSON_IsString(a))
                        return deny(w, prefix, key, it,
                                    "a fixed IP from a pod is an address alone");
                if (osvif_ip_parse(a->valuestring, &ip) < 0 || !osvif_ipnet_contains(&net, &ip))
                        return deny(w, prefix, key, a, "it is outside the subnet %s",
                                    cidr->valuestring);
        }
        return 0;
}

static const cJSON *subnet_by_cidr(const cJSON *subnets, const cJSON *cidr, cJSON *out_subnets,
                                   cJSON **ret_out)
{
        const cJSON *it;
        int i = 0;

        cJSON_ArrayForEach(it, subnets) {
                if (cidr && same(cJSON_GetObjectItemCaseSensitive(it, "cidr"), cidr)) {
                        *ret_out = cJSON_GetArrayItem(out_subnets, i);
                        return it;
                }
                i++;
        }
        return NULL;
}

/* Only the fixed IPs of subnets the config already has, and only with allowFixedIps. */
static int subnets(struct walk *w, const char *prefix, const cJSON *pod, const cJSON *base,
                   cJSON *out)
{
        cJSON *out_subnets = cJSON_GetObjectItemCaseSensitive(out, "subnets");
        const cJSON *ps;
        int i = 0;

        if (unchanged(pod, base))
                return 0;
        if (!cJSON_IsArray(pod))
                return same_or_deny(w, prefix, "subnets", pod, base);
        cJSON_ArrayForEach(ps, pod) {
                const cJSON *cidr = cJSON_GetObjectItemCaseSensitive(ps, "cidr"), *bs, *it;
                _cleanup_free_ char *sp = NULL;
                cJSON *os = NULL;

                if (asprintf(&sp, "%s.subnets[%d]", prefix, i++) < 0)
                        return osvif_error_oom(w->err);
                bs = subnet_by_cidr(base, cidr, out_subnets, &os);
                if (!bs || !os)
                        return deny(w, sp, "cidr", cidr,
                                    "it is not a subnet of the network config's vif");
                cJSON_ArrayForEach(it, ps) {
                        const cJSON *b = cJSON_GetObjectItemCaseSensitive(bs, it->string);
                        int r = 0;

                        if (strcmp(it->string, "cidr") == 0 || unchanged(it, b))
                                continue;
                        if (strcmp(it->string, "ips") != 0)
                                r = same_or_deny(w, sp, it->string, it, b);
                        else if (!w->p->allow_fixed_ips)
                                r = deny(w, sp, "ips", it, "podVif.%s is not true",
                                         "allowFixedIps");
                        else if (fixed_ips(w, sp, it, cidr) < 0 || put(os, "ips", it, w->err) < 0)
                                r = -1;
                        if (r < 0)
                                return -1;
                }
        }
        return 0;
}

/* The object `key` of out, made from base (or `init`) when missing. */
static cJSON *child(cJSON *out, const char *key, const cJSON *init, osvif_error_t *err)
{
        cJSON *c = cJSON_GetObjectItemCaseSensitive(out, key);

        if (cJSON_IsObject(c))
                return c;
        if (put(out, key, init, err) < 0)
                return NULL;
        return cJSON_GetObjectItemCaseSensitive(out, key);
}

/* A fresh os-vif Network, as its constructor makes it, in native form. */
static cJSON *default_network(osvif_error_t *err)
{
        struct osvif_obj *o = osvif_obj_new(&osvif_class_network);
        cJSON *j = o ? osvif_obj_to_native(o, err) : NULL;

        if (!o)
                osvif_error_oom(err);
        osvif_obj_free(o);
        return j;
}

static int network(struct walk *w, const char *prefix, const cJSON *pod, const cJSON *base,
                   cJSON *out)
{
        _cleanup_cjson_ cJSON *fresh = NULL;
        _cleanup_free_ char *np = osvif_json_path(prefix, "network");
        const cJSON *it;
        cJSON *on;

        if (!np)
                return osvif_error_oom(w->err);
        if (!cJSON_IsObject(pod))
                return same_or_deny(w, prefix, "network", pod, base);
        if (!cJSON_IsObject(base)) {
                fresh = default_network(w->err);
                if (!fresh)
                        return -1;
                base = fresh;
        }
        on = child(out, "network", base, w->err);
        if (!on)
                return -1;
        cJSON_ArrayForEach(it, pod) {
                const cJSON *b = cJSON_GetObjectItemCaseSensitive(base, it->string);
                const char *k = it->string;
                int r;

                if (strcmp(k, "bridge") == 0)
                        r = bridge(w, np, k, it, b, false, on);
                else if (strcmp(k, "vlan") == 0)
                        r = vlan(w, np, it, b, on);
                else if (strcmp(k, "subnets") == 0)
                        r = subnets(w, np, it, b, on);
                else if (strcmp(k, "id") == 0 || strcmp(k, "label") == 0)
                        r = put(on, k, it, w->err); /* Neutron's names: nothing on the host */
                else
                        r = same_or_deny(w, np, k, it, b);
                if (r < 0)
                        return -1;
        }
        return 0;
}

static int port_profile(struct walk *w, const char *prefix, const cJSON *pod, const cJSON *base,
                        cJSON *out)
{
        _cleanup_free_ char *pp = osvif_json_path(prefix, "port_profile");
        const cJSON *it;
        cJSON *op;

        if (!pp)
                return osvif_error_oom(w->err);
        if (!cJSON_IsObject(pod))
                return same_or_deny(w, prefix, "port_profile", pod, base);
        /* the type was checked, and base is the config's profile only when of that type */
        op = cJSON_IsObject(base) ? child(out, "port_profile", base, w->err) : NULL;
        if (!op) {
                cJSON_DeleteItemFromObjectCaseSensitive(out, "port_profile");
                op = cJSON_AddObjectToObject(out, "port_profile");
                if (!op ||
                    put(op, "type", cJSON_GetObjectItemCaseSensitive(pod, "type"), w->err) < 0)
                        return op ? -1 : osvif_error_oom(w->err);
        }
        cJSON_ArrayForEach(it, pod) {
                const cJSON *b = cJSON_GetObjectItemCaseSensitive(base, it->string);
                int r = 0;

                if (strcmp(it->string, "type") == 0)
                        continue;
                if (strcmp(it->string, "interface_id") == 0)
                        r = flag(w, pp, it->string, it, b, w->p->allow_interface_id,
                                 "allowInterfaceId", op);
                else
                        r = same_or_deny(w, pp, it->string, it, b);
                if (r < 0)
                        return -1;
        }
        return 0;
}

/* Fields that do nothing on the host: os-vif's bookkeeping, taken as the pod gives them. */
static bool inert(const char *k)
{
        return strcmp(k, "plugin") == 0 || strcmp(k, "active") == 0 ||
               strcmp(k, "preserve_on_delete") == 0 || strcmp(k, "has_traffic_filtering") == 0;
}

static int walk_vif(struct walk *w, const char *path, const cJSON *pod, const cJSON *base,
                    cJSON *out)
{
        const cJSON *it;

        cJSON_ArrayForEach(it, pod) {
                const cJSON *b = cJSON_GetObjectItemCaseSensitive(base, it->string);
                const char *k = it->string;
                int r;

                if (strcmp(k, "type") == 0)
                        r = 0;
                else if (inert(k))
                        r = put(out, k, it, w->err);
                else if (strcmp(k, "id") == 0)
                        r = flag(w, path, k, it, b, w->p->allow_interface_id, "allowInterfaceId",
                                 out);
                else if (strcmp(k, "address") == 0)
                        r = flag(w, path, k, it, b, w->p->allow_mac, "allowMac", out);
                else if (strcmp(k, "vif_name") == 0)
                        r = host_name(w, path, k, it, b, out);
                else if (strcmp(k, "bridge_name") == 0)
                        r = bridge(w, path, k, it, b, w->hybrid, out);
                else if (strcmp(k, "network") == 0)
                        r = network(w, path, it, b, out);
                else if (strcmp(k, "port_profile") == 0)
                        r = port_profile(w, path, it, b, out);
                else
                        r = same_or_deny(w, path, k, it, b);
                if (r < 0)
                        return -1;
        }
        return 0;
}

static enum osvif_profile_type profile_of(const struct osvif_vif *v)
{
        return v && v->port_profile ? v->port_profile->type : OSVIF_PROFILE_NONE;
}

static int check_kind(const struct osvif_pod_vif_policy *p, const struct osvif_vif *pod,
                      const struct osvif_vif *config_vif, enum osvif_profile_type prof,
                      const char *path, osvif_error_t *err)
{
        uint32_t types = p->types ? p->types : config_vif ? 1u << config_vif->type : 0;
        uint32_t profiles = p->profiles ? p->profiles : 1u << profile_of(config_vif);

        if (!(types & (1u << pod->type)))
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s.type: \"%s\" may not be set by a per-pod VIF (it is "
                                       "not in podVif.types%s)",
                                       path, osvif_vif_type_short_name(pod->type),
                                       p->types ? "" : ", which defaults to the config vif's type");
        if (!(profiles & (1u << prof)))
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s.port_profile.type: \"%s\" may not be set by a per-pod "
                                       "VIF (it is not in podVif.portProfiles%s)",
                                       path, osvif_profile_type_short_name(prof),
                                       p->profiles
                                               ? ""
                                               : ", which defaults to the config vif's profile");
        return 0;
}

/*
 * The config's VIF as the base of a pod's: without its id (a shared VIF's id would give every
 * pod the same host names) and, for the hybrid plug, without its qbr name, for the same reason.
 */
static cJSON *base_of(const struct osvif_vif *config_vif, const struct osvif_vif *pod, bool use,
                      bool hybrid, osvif_error_t *err)
{
        cJSON *b;

        if (!use) {
                b = cJSON_CreateObject();
                if (!b ||
                    osvif_json_add_string(b, "type", osvif_vif_type_short_name(pod->type)) < 0) {
                        cJSON_Delete(b);
                        osvif_error_oom(err);
                        return NULL;
                }
                return b;
        }
        b = osvif_vif_to_native(config_vif, err);
        if (!b)
                return NULL;
        cJSON_DeleteItemFromObjectCaseSensitive(b, "id");
        if (hybrid)
                cJSON_DeleteItemFromObjectCaseSensitive(b, "bridge_name");
        return b;
}

int osvif_pod_vif_policy_apply(const struct osvif_pod_vif_policy *p, const struct osvif_vif *pod,
                               const struct osvif_vif *config_vif, const char *path,
                               struct osvif_vif **ret, osvif_error_t *err)
{
        enum osvif_profile_type prof = profile_of(pod);
        _cleanup_cjson_ cJSON *pod_j = NULL, *base = NULL, *out = NULL;
        struct walk w = { .p = p, .err = err };
        bool use_config;

        /* a pod VIF without a profile takes the config's, as any field it leaves out */
        if (!pod->port_profile && config_vif && config_vif->type == pod->type)
                prof = profile_of(config_vif);
        if (check_kind(p, pod, config_vif, prof, path, err) < 0)
                return -1;
        use_config = config_vif && config_vif->type == pod->type && profile_of(config_vif) == prof;
        w.hybrid = pod->type == OSVIF_VIF_BRIDGE && prof == OSVIF_PROFILE_OPENVSWITCH;
        w.pod_id = p->allow_interface_id ? pod->id : NULL;
        pod_j = osvif_vif_to_native(pod, err);
        if (!pod_j)
                return -1;
        base = base_of(config_vif, pod, use_config, w.hybrid, err);
        if (!base)
                return -1;
        out = cJSON_Duplicate(base, 1);
        if (!out)
                return osvif_error_oom(err);
        if (walk_vif(&w, path, pod_j, base, out) < 0)
                return -1;
        return osvif_vif_from_native(out, path, ret, err);
}
