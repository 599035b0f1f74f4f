/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include "plan/mapping.h"
#include "plan/steps.h"
#include "util/cleanup.h"
#include "util/json.h"

/* The plan as people read it (`osvif plan`): its row, its steps and their parameters. */

const char *osvif_step_name(const struct osvif_step *s)
{
        return s->ops->name;
}

/* The row this plan follows: the VIF type, the profile, what it builds and what it needs. */
static int describe_row(const struct osvif_mapping_row *row, cJSON *o)
{
        cJSON *needs = cJSON_CreateArray();
        int r = osvif_json_add_item(o, "needs", needs);

        r |= osvif_json_add_string(o, "vifType", osvif_vif_type_name(row->vif));
        r |= osvif_json_add_string(o, "portProfile", osvif_profile_type_name(row->profile));
        r |= osvif_json_add_string(o, "builds", row->builds);
        for (unsigned bit = 1; r >= 0 && bit <= OSVIF_NEEDS_L3; bit <<= 1)
                if (row->needs & bit)
                        r |= osvif_json_append(needs, cJSON_CreateString(osvif_mapping_need_name(
                                                              (enum osvif_mapping_need)bit)));
        return r < 0 ? -1 : 0;
}

cJSON *osvif_plan_to_json(const struct osvif_plan *p)
{
        _cleanup_cjson_ cJSON *o = cJSON_CreateObject();
        cJSON *steps = cJSON_CreateArray();
        cJSON *row = p->row ? cJSON_CreateObject() : NULL;

        if (!o || osvif_json_add_item(o, "steps", steps) < 0 ||
            osvif_json_add_string(o, "owner", p->owner) < 0)
                return NULL;
        if (p->row && (osvif_json_add_item(o, "row", row) < 0 || describe_row(p->row, row) < 0))
                return NULL;
        for (size_t i = 0; i < p->n_steps; i++) {
                const struct osvif_step *s = &p->steps[i];
                cJSON *j = cJSON_CreateObject();

                if (osvif_json_append(steps, j) < 0 ||
                    osvif_json_add_string(j, "step", osvif_step_name(s)) < 0 ||
                    (s->ops->describe && s->ops->describe(p, s, j) < 0))
                        return NULL;
        }
        return TAKE_PTR(o);
}
