/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_JSON_H
#define OSVIF_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "util/error.h"

/*
 * Strict JSON reading with cJSON, and typed getters that name the field on error.
 *
 * `path` is the dotted path of the object being read ("" or NULL for the top level, e.g.
 * "vif.port_profile"); messages name `<path>.<key>` and quote the offending value, e.g.
 * `vif.network.mtu: expected an integer, got "abc"`. All failures give
 * OSVIF_CNI_ERR_INVALID_CONFIG unless said otherwise. Getters return 0 when the key is absent
 * (leaving *ret untouched), 1 when it was read, and -1 with *err set on a type error.
 * A JSON null counts as absent unless the getter says otherwise.
 */

/*
 * Parse exactly one JSON document from buf[0..len). Trailing non-space garbage, NUL bytes
 * and nesting deeper than cJSON's limit are errors. On error: OSVIF_CNI_ERR_DECODE with the
 * byte offset, line and column ("invalid JSON at offset 12 (line 2, column 3)"), and NULL is
 * returned; callers say what was being decoded. The caller owns the tree.
 */
cJSON *osvif_json_parse(const char *buf, size_t len, osvif_error_t *err);

/* Compact, size-bounded rendering of a value for messages: `"abc"`, `42`, `{...}`. Heap string. */
char *osvif_json_repr(const cJSON *v);

/* Join a path and a key: "vif" + "id" -> "vif.id"; "" + "id" -> "id". Heap string or NULL. */
char *osvif_json_path(const char *path, const char *key);

/* The JSON type name of v, for messages ("string", "object", ...). */
const char *osvif_json_type_name(const cJSON *v);

int osvif_json_get_string(const cJSON *obj, const char *path, const char *key, const char **ret,
                          osvif_error_t *err);
int osvif_json_dup_string(const cJSON *obj, const char *path, const char *key, char **ret,
                          osvif_error_t *err);
int osvif_json_get_bool(const cJSON *obj, const char *path, const char *key, bool *ret,
                        osvif_error_t *err);
/* An integral number in [min, max]. */
int osvif_json_get_int(const cJSON *obj, const char *path, const char *key, int64_t min,
                       int64_t max, int64_t *ret, osvif_error_t *err);
int osvif_json_get_object(const cJSON *obj, const char *path, const char *key, const cJSON **ret,
                          osvif_error_t *err);
int osvif_json_get_array(const cJSON *obj, const char *path, const char *key, const cJSON **ret,
                         osvif_error_t *err);
/* An array of strings, copied into a new NULL-terminated vector. */
int osvif_json_get_strv(const cJSON *obj, const char *path, const char *key, char ***ret,
                        osvif_error_t *err);

/* Fail on the first key of obj not in the NULL-terminated `allowed` list. */
int osvif_json_check_keys(const cJSON *obj, const char *path, const char *const *allowed,
                          osvif_error_t *err);

/*
 * Emitting. These add to `obj` and return 0, or -ENOMEM (the value is freed on failure).
 * A NULL string is skipped (returns 0), matching Go's `omitempty` for the fields we emit.
 */
int osvif_json_add_string(cJSON *obj, const char *key, const char *s);
int osvif_json_add_int(cJSON *obj, const char *key, int64_t v);
int osvif_json_add_bool(cJSON *obj, const char *key, bool v);
/* Takes ownership of item in every case. */
int osvif_json_add_item(cJSON *obj, const char *key, cJSON *item);
int osvif_json_append(cJSON *array, cJSON *item);
int osvif_json_add_strv(cJSON *obj, const char *key, char *const *v);

/* Render compactly (a heap string, NULL on ENOMEM). */
char *osvif_json_print(const cJSON *v);

#endif
