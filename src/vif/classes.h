/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_VIF_CLASSES_H
#define OSVIF_VIF_CLASSES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "util/error.h"
#include "vif/model.h"

/*
 * One descriptor per os-vif class: its fields, their oslo types, nullability, defaults and
 * the minor version that introduced them. Both input forms, both output forms, release and
 * field lookup walk these tables, so the forms cannot drift apart.
 */

enum osvif_field_kind {
        OSVIF_FK_STRING,
        OSVIF_FK_UUID,
        OSVIF_FK_MAC,
        OSVIF_FK_PCI,
        OSVIF_FK_BOOL,
        OSVIF_FK_INT,
        OSVIF_FK_IPADDR,
        OSVIF_FK_IPNET,
        OSVIF_FK_IPADDR_LIST, /* ListOfIPAddressField: struct osvif_ip array + count */
        OSVIF_FK_ENUM,        /* stored as an int (the index into enum_values) */
        OSVIF_FK_OBJECT,      /* ObjectField: a struct osvif_obj * */
        OSVIF_FK_OBJECT_LIST, /* ListOfObjectsField: struct osvif_obj ** array + count */
};

struct osvif_class;

struct osvif_field {
        const char *name;
        enum osvif_field_kind kind;
        size_t offset;       /* of the value */
        size_t count_offset; /* lists: of the size_t count */
        bool nullable;
        bool has_default;
        int64_t default_int; /* booleans and integers */
        uint8_t since;       /* class minor version that introduced it */
        const char *const *enum_values;
        const struct osvif_class *object_class; /* required class, or base with subclasses */
        bool subclasses;
};

struct osvif_class {
        const char *name;
        const char *short_name; /* native form alias, or NULL */
        uint8_t major, minor;
        const struct osvif_class *parent;
        size_t size;
        int type; /* enum osvif_vif_type / osvif_profile_type / osvif_offload_type, or -1 */
        const struct osvif_field *fields;
        size_t n_fields;
        /* a *List class: one "objects" field, given as a bare array in the native form */
        bool list_wrapper;
        /* what os-vif's __init__ sets on construction (Network's defaults) */
        void (*init)(struct osvif_obj *o);
};

/* All registered classes, NULL-terminated, in a stable order. */
extern const struct osvif_class *const osvif_classes[];

extern const struct osvif_class osvif_class_vif_base;
extern const struct osvif_class osvif_class_profile_base;
extern const struct osvif_class osvif_class_offload_base;
extern const struct osvif_class osvif_class_network;
extern const struct osvif_class osvif_class_subnet;
extern const struct osvif_class osvif_class_subnet_list;
extern const struct osvif_class osvif_class_fixed_ip;
extern const struct osvif_class osvif_class_fixed_ip_list;
extern const struct osvif_class osvif_class_route;
extern const struct osvif_class osvif_class_route_list;

/* By class name, or (native) by short name. NULL when unknown. */
const struct osvif_class *osvif_class_by_name(const char *name);
const struct osvif_class *osvif_class_by_short_name(const char *name,
                                                    const struct osvif_class *base);
/* Whether cls is base or derives from it. */
bool osvif_class_is_a(const struct osvif_class *cls, const struct osvif_class *base);
/* "VIFGeneric", "VIFBridge", ... : the names of the concrete classes deriving from base. */
char *osvif_class_list_names(const struct osvif_class *base);

/* A new zeroed object of cls (with cls->init applied), or NULL. */
struct osvif_obj *osvif_obj_new(const struct osvif_class *cls);
const struct osvif_field *osvif_class_field(const struct osvif_class *cls, const char *name,
                                            size_t *ret_index);

static inline void *osvif_field_ptr(const struct osvif_obj *o, const struct osvif_field *f)
{
        return (char *)o + f->offset;
}
static inline size_t *osvif_field_count(const struct osvif_obj *o, const struct osvif_field *f)
{
        /* the offset comes from offsetof() of a size_t member: aligned */
        return (size_t *)(void *)((char *)o + f->count_offset);
}

/*
 * The native form of any class: `cls` is the class expected (a base class takes `type`).
 * And back: with `type` where the class is one of several.
 */
int osvif_obj_from_native(const cJSON *j, const char *path, const struct osvif_class *cls,
                          struct osvif_obj **ret, osvif_error_t *err);
cJSON *osvif_obj_to_native(const struct osvif_obj *o, osvif_error_t *err);

/* A VIF from its primitive, not yet validated (osvif_vif_from_primitive() validates). */
int osvif_vif_parse_primitive(const cJSON *j, const char *path, struct osvif_vif **ret,
                              osvif_error_t *err);

/* Release the value of one field (and clear its set/null bits). */
void osvif_field_clear(struct osvif_obj *o, size_t index);

#endif
