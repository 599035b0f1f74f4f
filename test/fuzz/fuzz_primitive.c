/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The os-vif primitive parser: any object of any class. What parses must emit, in both forms,
 * and what we emit must parse again to the same thing.
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/json.h"
#include "vif/classes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_reparse(const struct osvif_obj *o)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        cJSON *p1 = osvif_obj_to_primitive(o, NULL, &err), *p2 = NULL;
        struct osvif_obj *again = NULL;

        if (!p1)
                abort();
        if (osvif_obj_from_primitive(p1, "", &again, &err) < 0)
                abort(); /* we emitted something we cannot read */
        p2 = osvif_obj_to_primitive(again, NULL, &err);
        if (!p2 || !cJSON_Compare(p1, p2, 1))
                abort(); /* not a fixed point */
        cJSON_Delete(p1);
        cJSON_Delete(p2);
        osvif_obj_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        cJSON *j = osvif_json_parse((const char *)data, size, &err), *native;
        struct osvif_obj *o = NULL;

        if (j && osvif_obj_from_primitive(j, "fuzz", &o, &err) == 0) {
                check_reparse(o);
                native = osvif_obj_to_native(o, &err);
                if (!native)
                        abort();
                cJSON_Delete(native);
        }
        osvif_obj_free(o);
        cJSON_Delete(j);
        osvif_error_clear(&err);
        return 0;
}
