/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"

#define REPR_MAX 64

static void position_of(const char *buf, size_t off, size_t *line, size_t *col)
{
        *line = 1;
        *col = 1;
        for (size_t i = 0; i < off; i++) {
                if (buf[i] == '\n') {
                        (*line)++;
                        *col = 1;
                } else {
                        (*col)++;
                }
        }
}

cJSON *osvif_json_parse(const char *buf, size_t len, osvif_error_t *err)
{
        _cleanup_free_ char *copy = NULL;
        const char *end = NULL;
        size_t line, col, off;
        cJSON *root;

        if (memchr(buf, '\0', len)) {
                off = (size_t)((const char *)memchr(buf, '\0', len) - buf);
                position_of(buf, off, &line, &col);
                osvif_error_set(err, OSVIF_CNI_ERR_DECODE, 0,
                                "NUL byte at offset %zu (line %zu, column %zu)", off, line, col);
                return NULL;
        }
        /*
         * require_null_terminated=1 makes trailing garbage an error and reports where, but
         * cJSON wants the terminating NUL inside the length it is given: parse a copy.
         */
        copy = malloc(len + 1);
        if (!copy) {
                osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
                return NULL;
        }
        memcpy(copy, buf, len);
        copy[len] = '\0';
        root = cJSON_ParseWithLengthOpts(copy, len + 1, &end, 1);
        if (end)
                end = buf + (end - copy);
        if (!root) {
                off = end && end >= buf ? (size_t)(end - buf) : 0;
                if (off > len)
                        off = len;
                position_of(buf, off, &line, &col);
                if (strspn(copy, " \t\r\n") == len)
                        osvif_error_set(err, OSVIF_CNI_ERR_DECODE, 0, "empty input, not JSON");
                else
                        osvif_error_set(err, OSVIF_CNI_ERR_DECODE, 0,
                                        "invalid JSON at offset %zu (line %zu, column %zu)", off,
                                        line, col);
                return NULL;
        }
        return root;
}

const char *osvif_json_type_name(const cJSON *v)
{
        if (!v || cJSON_IsNull(v))
                return "null";
        if (cJSON_IsBool(v))
                return "boolean";
        if (cJSON_IsNumber(v))
                return "number";
        if (cJSON_IsString(v))
                return "string";
        if (cJSON_IsArray(v))
                return "array";
        if (cJSON_IsObject(v))
                return "object";
        return "invalid";
}

char *osvif_json_repr(const cJSON *v)
{
        _cleanup_free_ char *s = NULL;
        char *out;

        if (!v)
                return strdup("null");
        if (cJSON_IsObject(v))
                return strdup("{...}");
        if (cJSON_IsArray(v))
                return strdup("[...]");
        s = cJSON_PrintUnformatted(v);
        if (!s)
                return NULL;
        if (strlen(s) <= REPR_MAX)
                return TAKE_PTR(s);
        if (asprintf(&out, "%.*s...", REPR_MAX, s) < 0)
                return NULL;
        return out;
}

char *osvif_json_path(const char *path, const char *key)
{
        char *p;

        if (!path || !*path)
                return strdup(key);
        if (asprintf(&p, "%s.%s", path, key) < 0)
                return NULL;
        return p;
}

static int type_error(const char *path, const char *key, const char *want, const cJSON *v,
                      osvif_error_t *err)
{
        _cleanup_free_ char *p = osvif_json_path(path, key);
        _cleanup_free_ char *r = osvif_json_repr(v);

        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0, "%s: expected %s, got %s %s",
                               p ? p : key, want, osvif_json_type_name(v), r ? r : "");
}

static const cJSON *lookup(const cJSON *obj, const char *key)
{
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

        return cJSON_IsNull(v) ? NULL : v;
}

int osvif_json_get_string(const cJSON *obj, const char *path, const char *key, const char **ret,
                          osvif_error_t *err)
{
        const cJSON *v = lookup(obj, key);

        if (!v)
                return 0;
        if (!cJSON_IsString(v))
                return type_error(path, key, "a string", v, err);
        *ret = v->valuestring;
        return 1;
}

int osvif_json_dup_string(const cJSON *obj, const char *path, const char *key, char **ret,
                          osvif_error_t *err)
{
        const char *s = NULL;
        char *copy;
        int r;

        r = osvif_json_get_string(obj, path, key, &s, err);
        if (r <= 0)
                return r;
        copy = strdup(s);
        if (!copy)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        free(*ret);
        *ret = copy;
        return 1;
}

int osvif_json_get_bool(const cJSON *obj, const char *path, const char *key, bool *ret,
                        osvif_error_t *err)
{
        const cJSON *v = lookup(obj, key);

        if (!v)
                return 0;
        if (!cJSON_IsBool(v))
                return type_error(path, key, "a boolean", v, err);
        *ret = cJSON_IsTrue(v);
        return 1;
}

int osvif_json_get_int(const cJSON *obj, const char *path, const char *key, int64_t min,
                       int64_t max, int64_t *ret, osvif_error_t *err)
{
        const cJSON *v = lookup(obj, key);
        double d;

        if (!v)
                return 0;
        if (!cJSON_IsNumber(v))
                return type_error(path, key, "an integer", v, err);
        d = v->valuedouble;
        if (!isfinite(d) || d != floor(d) || d < (double)min || d > (double)max) {
                _cleanup_free_ char *p = osvif_json_path(path, key);
                _cleanup_free_ char *r = osvif_json_repr(v);

                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: %s is not an integer in [%lld, %lld]", p ? p : key,
                                       r ? r : "?", (long long)min, (long long)max);
        }
        *ret = (int64_t)d;
        return 1;
}

int osvif_json_get_object(const cJSON *obj, const char *path, const char *key, const cJSON **ret,
                          osvif_error_t *err)
{
        const cJSON *v = lookup(obj, key);

        if (!v)
                return 0;
        if (!cJSON_IsObject(v))
                return type_error(path, key, "an object", v, err);
        *ret = v;
        return 1;
}

int osvif_json_get_array(const cJSON *obj, const char *path, const char *key, const cJSON **ret,
                         osvif_error_t *err)
{
        const cJSON *v = lookup(obj, key);

        if (!v)
                return 0;
        if (!cJSON_IsArray(v))
                return type_error(path, key, "an array", v, err);
        *ret = v;
        return 1;
}

int osvif_json_get_strv(const cJSON *obj, const char *path, const char *key, char ***ret,
                        osvif_error_t *err)
{
        _cleanup_strv_ char **v = NULL;
        const cJSON *arr = NULL, *it;
        int r, i = 0;

        r = osvif_json_get_array(obj, path, key, &arr, err);
        if (r <= 0)
                return r;
        v = calloc(1, sizeof(char *));
        if (!v)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        cJSON_ArrayForEach(it, arr) {
                if (!cJSON_IsString(it)) {
                        _cleanup_free_ char *p = osvif_json_path(path, key);
                        _cleanup_free_ char *rep = osvif_json_repr(it);

                        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                               "%s[%d]: expected a string, got %s %s", p ? p : key,
                                               i, osvif_json_type_name(it), rep ? rep : "");
                }
                if (osvif_strv_push(&v, it->valuestring) < 0)
                        return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
                i++;
        }
        osvif_strv_free(*ret);
        *ret = TAKE_PTR(v);
        return 1;
}

int osvif_json_check_keys(const cJSON *obj, const char *path, const char *const *allowed,
                          osvif_error_t *err)
{
        const cJSON *it;

        cJSON_ArrayForEach(it, obj) {
                bool ok = false;

                for (size_t i = 0; allowed[i]; i++)
                        if (it->string && strcmp(it->string, allowed[i]) == 0) {
                                ok = true;
                                break;
                        }
                if (!ok) {
                        _cleanup_free_ char *p = osvif_json_path(path,
                                                                 it->string ? it->string : "?");

                        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                               "%s: unknown field", p ? p : "?");
                }
        }
        return 0;
}

int osvif_json_add_item(cJSON *obj, const char *key, cJSON *item)
{
        if (!item)
                return -ENOMEM;
        if (!cJSON_AddItemToObject(obj, key, item)) {
                cJSON_Delete(item);
                return -ENOMEM;
        }
        return 0;
}

int osvif_json_append(cJSON *array, cJSON *item)
{
        if (!item)
                return -ENOMEM;
        if (!cJSON_AddItemToArray(array, item)) {
                cJSON_Delete(item);
                return -ENOMEM;
        }
        return 0;
}

int osvif_json_add_string(cJSON *obj, const char *key, const char *s)
{
        if (!s)
                return 0;
        return osvif_json_add_item(obj, key, cJSON_CreateString(s));
}

int osvif_json_add_int(cJSON *obj, const char *key, int64_t v)
{
        return osvif_json_add_item(obj, key, cJSON_CreateNumber((double)v));
}

int osvif_json_add_bool(cJSON *obj, const char *key, bool v)
{
        return osvif_json_add_item(obj, key, cJSON_CreateBool(v));
}

int osvif_json_add_strv(cJSON *obj, const char *key, char *const *v)
{
        cJSON *arr = cJSON_CreateArray();

        if (!arr)
                return -ENOMEM;
        for (size_t i = 0; v && v[i]; i++)
                if (osvif_json_append(arr, cJSON_CreateString(v[i])) < 0) {
                        cJSON_Delete(arr);
                        return -ENOMEM;
                }
        return osvif_json_add_item(obj, key, arr);
}

char *osvif_json_print(const cJSON *v)
{
        return cJSON_PrintUnformatted(v);
}
