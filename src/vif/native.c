/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "vif/classes.h"
#include "vif/fields.h"

/*
 * The native form: os-vif's field names, plain JSON arrays instead of *List envelopes,
 * `type` naming the class (full or short name) where a field takes subclasses, fixed IPs
 * as plain address strings if wished. Unknown keys are refused: this form is written by
 * hand, and a typo must not pass silently.
 */

/* Where a `type` key picks the class: fields taking subclasses, and the three base classes. */
static bool polymorphic(const struct osvif_class *want, bool subclasses)
{
        return subclasses || want == &osvif_class_vif_base || want == &osvif_class_profile_base ||
               want == &osvif_class_offload_base;
}

static int pick_class(const cJSON *j, const char *path, const struct osvif_class *want,
                      bool subclasses, const struct osvif_class **ret, osvif_error_t *err)
{
        _cleanup_free_ char *known = NULL;
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "type");
        const struct osvif_class *cls;

        if (!polymorphic(want, subclasses)) {
                *ret = want;
                return 0;
        }
        if (!t || cJSON_IsNull(t) || !cJSON_IsString(t)) {
                _cleanup_free_ char *r = t ? osvif_json_repr(t) : NULL;

                known = osvif_class_list_names(want);
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s.type: %s%s (one of %s)", path,
                                       t ? "expected a string, got " : "missing", r ? r : "",
                                       known ? known : "");
        }
        cls = osvif_class_by_short_name(t->valuestring, want);
        if (!cls || !cls->short_name) {
                known = osvif_class_list_names(want);
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s.type: \"%s\" is not a known %s (one of %s)", path,
                                       t->valuestring,
                                       want == &osvif_class_vif_base       ? "VIF type"
                                       : want == &osvif_class_profile_base ? "port profile"
                                                                           : "class",
                                       known ? known : "");
        }
        *ret = cls;
        return 0;
}

static int check_keys(const cJSON *j, const char *path, const struct osvif_class *cls,
                      bool with_type, osvif_error_t *err)
{
        const cJSON *it;

        cJSON_ArrayForEach(it, j) {
                if ((with_type && strcmp(it->string, "type") == 0) ||
                    osvif_class_field(cls, it->string, NULL))
                        continue;
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s.%s: unknown field of %s", path, it->string, cls->name);
        }
        return 0;
}

static int parse_object(const cJSON *j, const char *path, const struct osvif_class *want,
                        bool subclasses, struct osvif_obj **ret, osvif_error_t *err);

/* An item of a list of objects; a fixed IP may be written as its address alone. */
static int parse_item(const cJSON *it, const char *path, const struct osvif_field *f,
                      struct osvif_obj **ret, osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *wrapped = NULL;

        if (f->object_class == &osvif_class_fixed_ip && cJSON_IsString(it)) {
                wrapped = cJSON_CreateObject();
                if (!wrapped || osvif_json_add_item(wrapped, "address",
                                                    cJSON_CreateString(it->valuestring)) < 0)
                        return osvif_error_oom(err);
                it = wrapped;
        }
        return parse_object(it, path, f->object_class, false, ret, err);
}

/* An ObjectField: a list wrapper is given as a bare array, anything else as an object. */
static int parse_object_field(struct osvif_obj *o, size_t index, const cJSON *v, const char *path,
                              osvif_error_t *err)
{
        const struct osvif_field *f = &o->cls->fields[index];
        struct osvif_obj **slot = osvif_field_ptr(o, f);

        osvif_field_clear(o, index);
        if (cJSON_IsNull(v))
                return osvif_field_parse_null(o, index, path, err);
        /* a *List's "objects" given as a bare array */
        if (f->object_class->list_wrapper) {
                *slot = osvif_obj_new(f->object_class);
                if (!*slot)
                        return osvif_error_oom(err);
                o->set |= 1ULL << index;
                return osvif_field_parse_list(*slot, 0, v, path, parse_item, err);
        }
        if (parse_object(v, path, f->object_class, f->subclasses, slot, err) < 0)
                return -1;
        o->set |= 1ULL << index;
        return 0;
}

static int parse_field(struct osvif_obj *o, size_t index, const cJSON *v, const char *path,
                       osvif_error_t *err)
{
        switch (o->cls->fields[index].kind) {
        case OSVIF_FK_OBJECT:
                return parse_object_field(o, index, v, path, err);
        case OSVIF_FK_OBJECT_LIST:
                return osvif_field_parse_list(o, index, v, path, parse_item, err);
        default:
                return osvif_field_parse_scalar(o, index, v, path, err);
        }
}

static int parse_object(const cJSON *j, const char *path, const struct osvif_class *want,
                        bool subclasses, struct osvif_obj **ret, osvif_error_t *err)
{
        const struct osvif_class *cls = NULL;

        if (!cJSON_IsObject(j))
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: expected an object, got %s", path,
                                       osvif_json_type_name(j));
        if (pick_class(j, path, want, subclasses, &cls, err) < 0 ||
            check_keys(j, path, cls, polymorphic(want, subclasses), err) < 0)
                return -1;
        return osvif_obj_parse_fields(cls, j, path, parse_field, ret, err);
}

int osvif_obj_from_native(const cJSON *j, const char *path, const struct osvif_class *cls,
                          struct osvif_obj **ret, osvif_error_t *err)
{
        return parse_object(j, path, cls, false, ret, err);
}

/* ---- emitting ---- */

static cJSON *emit_object(const struct osvif_obj *o, bool with_type);

static cJSON *emit_array(const struct osvif_obj *o, size_t index)
{
        const struct osvif_field *f = &o->cls->fields[index];
        struct osvif_obj **list = *(struct osvif_obj ***)osvif_field_ptr(o, f);
        cJSON *arr = cJSON_CreateArray();

        for (size_t k = 0; arr && k < *osvif_field_count(o, f); k++)
                if (osvif_json_append(arr, emit_object(list[k], false)) < 0) {
                        cJSON_Delete(arr);
                        return NULL;
                }
        return arr;
}

static cJSON *emit_field(const struct osvif_obj *o, size_t index)
{
        const struct osvif_field *f = &o->cls->fields[index];
        const struct osvif_obj *child;

        if (o->null & (1ULL << index))
                return cJSON_CreateNull();
        if (f->kind == OSVIF_FK_OBJECT_LIST)
                return emit_array(o, index);
        if (f->kind != OSVIF_FK_OBJECT)
                return osvif_field_emit_scalar(o, index);
        child = *(struct osvif_obj *const *)osvif_field_ptr(o, f);
        if (child->cls->list_wrapper)
                return (child->set & 1) ? emit_array(child, 0) : cJSON_CreateArray();
        return emit_object(child, f->subclasses);
}

static cJSON *emit_object(const struct osvif_obj *o, bool with_type)
{
        cJSON *j = cJSON_CreateObject();

        if (!j)
                return NULL;
        if (with_type &&
            osvif_json_add_string(j, "type",
                                  o->cls->short_name ? o->cls->short_name : o->cls->name) < 0)
                goto fail;
        for (size_t i = 0; i < o->cls->n_fields; i++)
                if ((o->set & (1ULL << i)) &&
                    osvif_json_add_item(j, o->cls->fields[i].name, emit_field(o, i)) < 0)
                        goto fail;
        return j;
fail:
        cJSON_Delete(j);
        return NULL;
}

cJSON *osvif_obj_to_native(const struct osvif_obj *o, osvif_error_t *err)
{
        cJSON *j = emit_object(o, o->cls->type >= 0);

        if (!j)
                osvif_error_oom(err);
        return j;
}
