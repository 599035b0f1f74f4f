/* SPDX-License-Identifier: Apache-2.0 */
/* The CNI_ARGS parser ("K=V;K=V", IgnoreUnknown), as the environment delivers it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cni/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = malloc(size + 1);
        struct osvif_cni_kv *kv = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;
        size_t n = 0;

        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0'; /* an environment string ends at its first NUL */
        if (osvif_cni_args_parse(s, &kv, &n, &err) == 0) {
                for (size_t i = 0; i < n; i++)
                        if (!kv[i].key || !kv[i].value || !*kv[i].key || strchr(kv[i].key, ';'))
                                abort();
                osvif_cni_kv_free(kv, n);
        } else if (!err.msg) {
                abort();
        }
        osvif_error_clear(&err);
        free(s);
        return 0;
}
