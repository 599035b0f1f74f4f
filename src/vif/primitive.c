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
 * oslo.versionedobjects primitives: {"versioned_object.name", ".namespace", ".version",
 * ".data"[, ".changes"]}. Reading follows obj_from_primitive(): namespace os_vif, same
 * major and a minor up to ours, unknown data keys ignored. Writing follows
 * obj_to_primitive(): only set fields, nested envelopes, and fields newer than the version
 * asked for (by a manifest) dropped as obj_make_compatible() drops them.
 */

#define KEY_NAME "versioned_object.name"
#define KEY_NAMESPACE "versioned_object.namespace"
#define KEY_VERSION "versioned_object.version"
#define KEY_DATA "versioned_object.data"

/* "X.Y" only: oslo refuses "1.1.3" beyond what it registered, and we register X.Y. */
static int parse_version(const char *s, unsigned *major, unsigned *minor)
{
        char tail;

        if (!s || sscanf(s, "%u.%u%c", major, minor, &tail) != 2 || s[0] < '0' || s[0] > '9')
                return -1;
        return strchr(s, '+') || strchr(s, '-') || strchr(s, ' ') ? -1 : 0;
}

static int check_class(const cJSON *j, const char *path, const struct osvif_class *want,
                       bool subclasses, const struct osvif_class **ret, osvif_error_t *err)
{
        const char *name = NULL, *ns = NULL, *ver = NULL;
        const struct osvif_class *cls;
        unsigned major, minor;

        if (!cJSON_IsObject(j))
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: expected an os-vif object, got %s", path,
                                       osvif_json_type_name(j));
        if (osvif_json_get_string(j, path, KEY_NAME, &name, err) < 0 ||
            osvif_json_get_string(j, path, KEY_NAMESPACE, &ns, err) < 0 ||
            osvif_json_get_string(j, path, KEY_VERSION, &ver, err) < 0)
                return -1;
        if (!name || !ns || !ver || !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, KEY_DATA)))
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: not an os-vif primitive (needs %s, %s, %s and an "
                                       "object %s)",
                                       path, KEY_NAME, KEY_NAMESPACE, KEY_VERSION, KEY_DATA);
        if (strcmp(ns, "os_vif") != 0)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: namespace \"%s\" is not \"os_vif\"", path, ns);
        cls = osvif_class_by_name(name);
        if (!cls)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: unknown os-vif class \"%s\"", path, name);
        if (want && cls != want && !(subclasses && osvif_class_is_a(cls, want)))
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: expected %s%s, got \"%s\"", path, want->name,
                                       subclasses ? " or a subclass" : "", name);
        if (parse_version(ver, &major, &minor) < 0 || major != cls->major || minor > cls->minor)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: %s version \"%s\" is not compatible with ours "
                                       "(%u.%u): same major and a minor up to ours are accepted",
                                       path, name, ver, cls->major, cls->minor);
        *ret = cls;
        return 0;
}

static int parse_object(const cJSON *j, const char *path, const struct osvif_class *want,
                        bool subclasses, struct osvif_obj **ret, osvif_error_t *err);

/* An item of a list of objects: an envelope of its own. */
static int parse_item(const cJSON *it, const char *path, const struct osvif_field *f,
                      struct osvif_obj **ret, osvif_error_t *err)
{
        return parse_object(it, path, f->object_class, f->subclasses, ret, err);
}

static int parse_field(struct osvif_obj *o, size_t index, const cJSON *v, const char *path,
                       osvif_error_t *err)
{
        const struct osvif_field *f = &o->cls->fields[index];

        if (f->kind == OSVIF_FK_OBJECT_LIST)
                return osvif_field_parse_list(o, index, v, path, parse_item, err);
        if (f->kind != OSVIF_FK_OBJECT)
                return osvif_field_parse_scalar(o, index, v, path, err);
        osvif_field_clear(o, index);
        if (cJSON_IsNull(v))
                return osvif_field_parse_null(o, index, path, err);
        if (parse_object(v, path, f->object_class, f->subclasses, osvif_field_ptr(o, f), err) < 0)
                return -1;
        o->set |= 1ULL << index;
        return 0;
}

static int parse_object(const cJSON *j, const char *path, const struct osvif_class *want,
                        bool subclasses, struct osvif_obj **ret, osvif_error_t *err)
{
        const struct osvif_class *cls = NULL;

        if (check_class(j, path, want, subclasses, &cls, err) < 0)
                return -1;
        /* data keys that name no field are ignored, as obj_from_primitive() ignores them */
        return osvif_obj_parse_fields(cls, cJSON_GetObjectItemCaseSensitive(j, KEY_DATA), path,
                                      parse_field, ret, err);
}

int osvif_obj_from_primitive(const cJSON *j, const char *path, struct osvif_obj **ret,
                             osvif_error_t *err)
{
        return parse_object(j, path ? path : "", NULL, false, ret, err);
}

int osvif_vif_parse_primitive(const cJSON *j, const char *path, struct osvif_vif **ret,
                              osvif_error_t *err)
{
        struct osvif_obj *o = NULL;

        if (parse_object(j, path, &osvif_class_vif_base, true, &o, err) < 0)
                return -1;
        if (o->cls == &osvif_class_vif_base) {
                osvif_obj_free(o);
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: VIFBase is abstract; give a VIF class", path);
        }
        *ret = (struct osvif_vif *)o;
        return 0;
}

/* ---- emitting ---- */

/* The version to emit cls at: the manifest's, else ours. -1 for a manifest above ours. */
static int target_minor(const struct osvif_class *cls, const struct osvif_manifest *m,
                        osvif_error_t *err)
{
        unsigned major, minor;

        for (size_t i = 0; m && i < m->n_entries; i++) {
                if (strcmp(m->entries[i].class_name, cls->name) != 0)
                        continue;
                if (parse_version(m->entries[i].version, &major, &minor) < 0 ||
                    major != cls->major || minor > cls->minor)
                        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                               "manifest: %s cannot be emitted at version \"%s\" "
                                               "(ours is %u.%u)",
                                               cls->name, m->entries[i].version, cls->major,
                                               cls->minor);
                return (int)minor;
        }
        return cls->minor;
}

static cJSON *emit_object(const struct osvif_obj *o, const struct osvif_manifest *m,
                          osvif_error_t *err);

static cJSON *emit_field(const struct osvif_obj *o, size_t i, const struct osvif_manifest *m,
                         osvif_error_t *err)
{
        const struct osvif_field *f = &o->cls->fields[i];
        const void *p = osvif_field_ptr(o, f);
        cJSON *arr;

        if (o->null & (1ULL << i))
                return cJSON_CreateNull();
        if (f->kind == OSVIF_FK_OBJECT)
                return emit_object(*(struct osvif_obj *const *)p, m, err);
        if (f->kind != OSVIF_FK_OBJECT_LIST)
                return osvif_field_emit_scalar(o, i);
        arr = cJSON_CreateArray();
        for (size_t k = 0; arr && k < *osvif_field_count(o, f); k++) {
                cJSON *item = emit_object((*(struct osvif_obj * *const *)p)[k], m, err);

                if (!item || osvif_json_append(arr, item) < 0) {
                        cJSON_Delete(arr);
                        return NULL;
                }
        }
        return arr;
}

static cJSON *emit_object(const struct osvif_obj *o, const struct osvif_manifest *m,
                          osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *env = NULL;
        cJSON *data;
        char version[16];
        int minor = target_minor(o->cls, m, err);

        if (minor < 0)
                return NULL;
        snprintf(version, sizeof(version), "%u.%d", o->cls->major, minor);
        env = cJSON_CreateObject();
        data = cJSON_CreateObject();
        if (!env || osvif_json_add_string(env, KEY_NAME, o->cls->name) < 0 ||
            osvif_json_add_string(env, KEY_NAMESPACE, "os_vif") < 0 ||
            osvif_json_add_string(env, KEY_VERSION, version) < 0 ||
            osvif_json_add_item(env, KEY_DATA, data) < 0)
                goto oom;
        for (size_t i = 0; i < o->cls->n_fields; i++) {
                cJSON *v;

                /* obj_make_compatible(): what the target version does not know is dropped */
                if (!(o->set & (1ULL << i)) || o->cls->fields[i].since > minor)
                        continue;
                v = emit_field(o, i, m, err);
                if (!v) {
                        if (!osvif_error_is_set(err))
                                goto oom;
                        return NULL;
                }
                if (osvif_json_add_item(data, o->cls->fields[i].name, v) < 0)
                        goto oom;
        }
        return TAKE_PTR(env);
oom:
        osvif_error_oom(err);
        return NULL;
}

cJSON *osvif_obj_to_primitive(const struct osvif_obj *o, const struct osvif_manifest *m,
                              osvif_error_t *err)
{
        return emit_object(o, m, err);
}
