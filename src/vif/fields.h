/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_VIF_FIELDS_H
#define OSVIF_VIF_FIELDS_H

#include <cjson/cJSON.h>

#include "util/error.h"
#include "vif/model.h"

struct osvif_class;
struct osvif_field;

/*
 * Set scalar field `index` of o from v (any kind but objects), with os-vif's checks and
 * normalisation; null follows the field's nullability and default. `path` names the field
 * in messages. 0, or -1 with code 7.
 */
int osvif_field_parse_scalar(struct osvif_obj *o, size_t index, const cJSON *v, const char *path,
                             osvif_error_t *err);

/* The JSON value of a set scalar field (null when set to null). New tree, NULL on ENOMEM. */
cJSON *osvif_field_emit_scalar(const struct osvif_obj *o, size_t index);

/*
 * The walk over a class's field descriptors that both forms (native.c, primitive.c) share;
 * each form brings its own parser of one field and of one item of a list of objects.
 */
typedef int (*osvif_field_parser)(struct osvif_obj *o, size_t index, const cJSON *v,
                                  const char *path, osvif_error_t *err);
typedef int (*osvif_item_parser)(const cJSON *it, const char *path, const struct osvif_field *f,
                                 struct osvif_obj **ret, osvif_error_t *err);

/*
 * A new object of class cls with every field that `data` has a member for, each parsed by
 * `parse` under the path "<path>.<field>". Members that name no field are the caller's
 * business. The caller owns *ret; 0, or -1 with *err set (nothing allocated).
 */
int osvif_obj_parse_fields(const struct osvif_class *cls, const cJSON *data, const char *path,
                           osvif_field_parser parse, struct osvif_obj **ret, osvif_error_t *err);

/* List field `index` of o from the array v, each item through `item` as "<path>[i]". */
int osvif_field_parse_list(struct osvif_obj *o, size_t index, const cJSON *v, const char *path,
                           osvif_item_parser item, osvif_error_t *err);

/* Field `index` of o given as JSON null: set to null when the field is nullable, to its
 * default when it has one, else code 7. */
int osvif_field_parse_null(struct osvif_obj *o, size_t index, const char *path, osvif_error_t *err);

#endif
