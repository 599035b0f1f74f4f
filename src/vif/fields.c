/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "vif/classes.h"
#include "vif/fields.h"

/*
 * Scalar field values, shared by the native and primitive forms: JSON -> C with os-vif's
 * coercions and checks, and back. JSON types are taken strictly: oslo's coercions of other
 * types ("false" -> True, 1.5 -> 1) would hide mistakes in a config written by hand.
 */

static int invalid(const char *path, const cJSON *v, const char *what, osvif_error_t *err)
{
        _cleanup_free_ char *r = osvif_json_repr(v);

        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0, "%s: %s %s", path, r ? r : "?",
                               what);
}

static int wrong_type(const char *path, const cJSON *v, const char *want, osvif_error_t *err)
{
        _cleanup_free_ char *r = osvif_json_repr(v);

        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0, "%s: expected %s, got %s %s",
                               path, want, osvif_json_type_name(v), r ? r : "");
}

bool osvif_is_uuid(const char *s)
{
        static const int groups[] = { 8, 4, 4, 4, 12 };
        const char *p = s;

        /* oslo's pattern: hex groups 8-4-4-4-12, the dashes optional (uuid.UUID accepts both) */
        if (!s)
                return false;
        for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
                for (int i = 0; i < groups[g]; i++, p++)
                        if (!isxdigit((unsigned char)*p))
                                return false;
                if (g + 1 < ARRAY_SIZE(groups) && *p == '-')
                        p++;
        }
        return *p == '\0';
}

bool osvif_is_pci_address(const char *s)
{
        /* dddd:bb:ss.f with the slot's first digit 0 or 1 and the function 0-7 */
        static const char shape[] = "xxxx:xx:sx.f";

        if (!s || strlen(s) != sizeof(shape) - 1)
                return false;
        for (size_t i = 0; shape[i]; i++) {
                char c = (char)tolower((unsigned char)s[i]);

                switch (shape[i]) {
                case 'x':
                        if (!isxdigit((unsigned char)c))
                                return false;
                        break;
                case 's':
                        if (c != '0' && c != '1')
                                return false;
                        break;
                case 'f':
                        if (c < '0' || c > '7')
                                return false;
                        break;
                default:
                        if (c != shape[i])
                                return false;
                }
        }
        return true;
}

static char *lower_dup(const char *s, bool dash_to_colon)
{
        char *c = strdup(s);

        for (char *p = c; c && *p; p++) {
                *p = (char)tolower((unsigned char)*p);
                if (dash_to_colon && *p == '-')
                        *p = ':';
        }
        return c;
}

/* A string field, checked and normalised per kind. */
static int parse_string_kind(const struct osvif_field *f, const cJSON *v, const char *path,
                             char **ret, osvif_error_t *err)
{
        const char *s;
        uint8_t mac[6];

        if (!cJSON_IsString(v))
                return wrong_type(path, v, "a string", err);
        s = v->valuestring;
        switch (f->kind) {
        case OSVIF_FK_UUID:
                if (!osvif_is_uuid(s))
                        return invalid(path, v, "is not a UUID", err);
                *ret = strdup(s);
                break;
        case OSVIF_FK_MAC:
                if (osvif_mac_parse(s, mac) < 0)
                        return invalid(path, v, "is not a MAC address", err);
                *ret = lower_dup(s, true);
                break;
        case OSVIF_FK_PCI:
                if (!osvif_is_pci_address(s))
                        return invalid(path, v, "is not a PCI address (dddd:bb:ss.f)", err);
                *ret = lower_dup(s, false);
                break;
        default:
                *ret = strdup(s);
                break;
        }
        return *ret ? 0 : osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
}

static int parse_enum(const struct osvif_field *f, const cJSON *v, const char *path, int *ret,
                      osvif_error_t *err)
{
        _cleanup_free_ char *list = NULL;
        size_t len = 0;
        FILE *m;

        if (!cJSON_IsString(v))
                return wrong_type(path, v, "a string", err);
        for (int i = 0; f->enum_values[i]; i++)
                if (strcmp(v->valuestring, f->enum_values[i]) == 0) {
                        *ret = i;
                        return 0;
                }
        m = open_memstream(&list, &len);
        if (!m)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        for (int i = 0; f->enum_values[i]; i++)
                fprintf(m, "%s\"%s\"", i ? ", " : "", f->enum_values[i]);
        fclose(m);
        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0, "%s: \"%s\" is not one of %s",
                               path, v->valuestring, list ? list : "");
}

static int parse_ip_list(const cJSON *v, const char *path, struct osvif_ip **ret, size_t *ret_n,
                         osvif_error_t *err)
{
        _cleanup_free_ struct osvif_ip *ips = NULL;
        const cJSON *it;
        size_t n = 0;

        if (!cJSON_IsArray(v))
                return wrong_type(path, v, "an array of addresses", err);
        ips = calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(*ips));
        if (!ips)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        cJSON_ArrayForEach(it, v) {
                char p[512];

                snprintf(p, sizeof(p), "%s[%zu]", path, n);
                if (!cJSON_IsString(it))
                        return wrong_type(p, it, "a string", err);
                if (osvif_ip_parse(it->valuestring, &ips[n]) < 0)
                        return invalid(p, it, "is not an IP address", err);
                n++;
        }
        *ret = TAKE_PTR(ips);
        *ret_n = n;
        return 0;
}

static int parse_int(const cJSON *v, const char *path, int64_t *ret, osvif_error_t *err)
{
        if (!cJSON_IsNumber(v))
                return wrong_type(path, v, "an integer", err);
        /* range first: casting a double outside int64_t's range is undefined */
        if (!(v->valuedouble <= 9.0e15 && v->valuedouble >= -9.0e15) ||
            v->valuedouble != (double)(int64_t)v->valuedouble)
                return invalid(path, v, "is not an integer", err);
        *ret = (int64_t)v->valuedouble;
        return 0;
}

int osvif_field_parse_null(struct osvif_obj *o, size_t index, const char *path, osvif_error_t *err)
{
        const struct osvif_field *f = &o->cls->fields[index];
        void *p = osvif_field_ptr(o, f);

        if (f->nullable) {
                o->set |= 1ULL << index;
                o->null |= 1ULL << index;
                return 0;
        }
        if (!f->has_default)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: null is not allowed", path);
        if (f->kind == OSVIF_FK_BOOL)
                *(bool *)p = f->default_int != 0;
        else
                *(int64_t *)p = f->default_int;
        o->set |= 1ULL << index;
        return 0;
}

int osvif_field_parse_scalar(struct osvif_obj *o, size_t index, const cJSON *v, const char *path,
                             osvif_error_t *err)
{
        const struct osvif_field *f = &o->cls->fields[index];
        void *p = osvif_field_ptr(o, f);
        char *s = NULL;
        int e = 0, r = 0;

        osvif_field_clear(o, index);
        if (cJSON_IsNull(v))
                return osvif_field_parse_null(o, index, path, err);
        switch (f->kind) {
        case OSVIF_FK_STRING:
        case OSVIF_FK_UUID:
        case OSVIF_FK_MAC:
        case OSVIF_FK_PCI:
                r = parse_string_kind(f, v, path, &s, err);
                *(char **)p = s;
                break;
        case OSVIF_FK_BOOL:
                if (!cJSON_IsBool(v))
                        return wrong_type(path, v, "a boolean", err);
                *(bool *)p = cJSON_IsTrue(v);
                break;
        case OSVIF_FK_INT:
                r = parse_int(v, path, (int64_t *)p, err);
                break;
        case OSVIF_FK_ENUM:
                r = parse_enum(f, v, path, &e, err);
                *(int *)p = e;
                break;
        case OSVIF_FK_IPADDR:
                if (!cJSON_IsString(v))
                        return wrong_type(path, v, "a string", err);
                if (osvif_ip_parse(v->valuestring, p) < 0)
                        return invalid(path, v, "is not an IP address", err);
                break;
        case OSVIF_FK_IPNET:
                if (!cJSON_IsString(v))
                        return wrong_type(path, v, "a string", err);
                /* netaddr.IPNetwork: no prefix means a host route */
                if (osvif_ipnet_parse(v->valuestring, true, p) < 0)
                        return invalid(path, v, "is not a CIDR", err);
                break;
        case OSVIF_FK_IPADDR_LIST:
                r = parse_ip_list(v, path, (struct osvif_ip **)p, osvif_field_count(o, f), err);
                break;
        case OSVIF_FK_OBJECT:
        case OSVIF_FK_OBJECT_LIST:
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, 0, "%s: not a scalar field", path);
        }
        if (r < 0)
                return -1;
        o->set |= 1ULL << index;
        return 0;
}

cJSON *osvif_field_emit_scalar(const struct osvif_obj *o, size_t index)
{
        const struct osvif_field *f = &o->cls->fields[index];
        const void *p = osvif_field_ptr(o, f);
        char buf[OSVIF_IPNET_STRLEN];
        cJSON *arr;

        if (o->null & (1ULL << index))
                return cJSON_CreateNull();
        switch (f->kind) {
        case OSVIF_FK_STRING:
        case OSVIF_FK_UUID:
        case OSVIF_FK_MAC:
        case OSVIF_FK_PCI:
                return cJSON_CreateString(*(char *const *)p ? *(char *const *)p : "");
        case OSVIF_FK_BOOL:
                return cJSON_CreateBool(*(const bool *)p);
        case OSVIF_FK_INT:
                return cJSON_CreateNumber((double)*(const int64_t *)p);
        case OSVIF_FK_ENUM:
                return cJSON_CreateString(f->enum_values[*(const int *)p]);
        case OSVIF_FK_IPADDR:
                return cJSON_CreateString(osvif_ip_format(p, buf));
        case OSVIF_FK_IPNET:
                return cJSON_CreateString(osvif_ipnet_format(p, buf));
        case OSVIF_FK_IPADDR_LIST:
                arr = cJSON_CreateArray();
                for (size_t i = 0; arr && i < *osvif_field_count(o, f); i++)
                        if (osvif_json_append(arr, cJSON_CreateString(osvif_ip_format(
                                                           &(*(struct osvif_ip *const *)p)[i],
                                                           buf))) < 0) {
                                cJSON_Delete(arr);
                                return NULL;
                        }
                return arr;
        case OSVIF_FK_OBJECT:
        case OSVIF_FK_OBJECT_LIST:
                break;
        }
        return NULL;
}

int osvif_obj_parse_fields(const struct osvif_class *cls, const cJSON *data, const char *path,
                           osvif_field_parser parse, struct osvif_obj **ret, osvif_error_t *err)
{
        struct osvif_obj *o = osvif_obj_new(cls);

        if (!o)
                return osvif_error_oom(err);
        for (size_t i = 0; i < cls->n_fields; i++) {
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(data, cls->fields[i].name);
                _cleanup_free_ char *p = NULL;

                if (!v)
                        continue;
                p = osvif_json_path(path, cls->fields[i].name);
                if (!p || parse(o, i, v, p, err) < 0) {
                        osvif_obj_free(o);
                        return p ? -1 : osvif_error_oom(err);
                }
        }
        *ret = o;
        return 0;
}

int osvif_field_parse_list(struct osvif_obj *o, size_t index, const cJSON *v, const char *path,
                           osvif_item_parser item, osvif_error_t *err)
{
        const struct osvif_field *f = &o->cls->fields[index];
        struct osvif_obj ***list = osvif_field_ptr(o, f);
        size_t *n = osvif_field_count(o, f);
        const cJSON *it;

        if (!cJSON_IsArray(v))
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: expected an array, got %s", path,
                                       osvif_json_type_name(v));
        osvif_field_clear(o, index);
        *list = calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(**list));
        if (!*list)
                return osvif_error_oom(err);
        o->set |= 1ULL << index;
        cJSON_ArrayForEach(it, v) {
                char p[512];

                snprintf(p, sizeof(p), "%s[%zu]", path, *n);
                if (item(it, p, f, &(*list)[*n], err) < 0)
                        return -1;
                (*n)++;
        }
        return 0;
}
