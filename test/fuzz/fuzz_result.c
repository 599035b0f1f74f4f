/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Results of any version: parse, then convert to every version. A conversion that succeeds
 * must parse back and convert to the same document again.
 */
#include <stdint.h>
#include <stdlib.h>

#include "cni/result.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void convert_all(const struct osvif_cni_result *r)
{
        for (int v = 0; v < OSVIF_CNI_V_COUNT; v++) {
                osvif_error_t err = OSVIF_ERROR_INIT;
                cJSON *out = osvif_cni_result_to_json(r, (enum osvif_cni_version)v, &err), *again;
                struct osvif_cni_result *back = NULL;

                if (!out) {
                        if (!err.msg)
                                abort();
                        osvif_error_clear(&err);
                        continue;
                }
                if (osvif_cni_result_from_json(out, (enum osvif_cni_version)v, "r", &back, &err) <
                    0)
                        abort(); /* we printed a result we cannot read */
                again = osvif_cni_result_to_json(back, (enum osvif_cni_version)v, &err);
                if (!again || !cJSON_Compare(out, again, 1))
                        abort();
                cJSON_Delete(again);
                cJSON_Delete(out);
                osvif_cni_result_free(back);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        cJSON *j = osvif_json_parse((const char *)data, size, &err);
        struct osvif_cni_result *r = NULL;

        if (j && osvif_cni_result_from_json(j, OSVIF_CNI_V100, "r", &r, &err) == 0)
                convert_all(r);
        osvif_cni_result_free(r);
        cJSON_Delete(j);
        osvif_error_clear(&err);
        return 0;
}
