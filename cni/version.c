/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "cni/version.h"

static const char *const versions[OSVIF_CNI_V_COUNT] = {
        "0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0",
};

const char *osvif_cni_version_string(enum osvif_cni_version v)
{
        return (unsigned)v < OSVIF_CNI_V_COUNT ? versions[v] : NULL;
}

int osvif_cni_version_parse(const char *s)
{
        for (int v = 0; s && v < OSVIF_CNI_V_COUNT; v++)
                if (strcmp(s, versions[v]) == 0)
                        return v;
        return -1;
}

/* "X.Y.Z": up to three non-negative decimal components; missing ones are 0. */
static bool parse_semver(const char *s, long out[3])
{
        const char *p = s;

        out[0] = out[1] = out[2] = 0;
        for (int i = 0; i < 3; i++) {
                char *end;

                if (*p < '0' || *p > '9')
                        return false;
                out[i] = strtol(p, &end, 10);
                p = end;
                if (*p == '\0')
                        return true;
                if (*p != '.' || i == 2)
                        return false;
                p++;
        }
        return false;
}

int osvif_cni_version_compare(const char *a, const char *b, bool *ok)
{
        long va[3], vb[3];

        *ok = a && b && parse_semver(a, va) && parse_semver(b, vb);
        if (!*ok)
                return 0;
        for (int i = 0; i < 3; i++)
                if (va[i] != vb[i])
                        return va[i] < vb[i] ? -1 : 1;
        return 0;
}
