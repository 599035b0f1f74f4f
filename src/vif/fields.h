/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_VIF_FIELDS_H
#define OSVIF_VIF_FIELDS_H

#include <cjson/cJSON.h>

#include "util/error.h"
#include "vif/model.h"

/*
 * Set scalar field `index` of o from v (any kind but objects), with os-vif's checks and
 * normalisation; null follows the field's nullability and default. `path` names the field
 * in messages. 0, or -1 with code 7.
 */
int osvif_field_parse_scalar(struct osvif_obj *o, size_t index, const cJSON *v, const char *path,
                             osvif_error_t *err);

/* The JSON value of a set scalar field (null when set to null). New tree, NULL on ENOMEM. */
cJSON *osvif_field_emit_scalar(const struct osvif_obj *o, size_t index);

#endif
