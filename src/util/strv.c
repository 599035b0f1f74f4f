/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/strv.h"

void osvif_strv_free(char **v)
{
        if (!v)
                return;
        for (char **p = v; *p; p++)
                free(*p);
        free(v);
}

size_t osvif_strv_length(char *const *v)
{
        size_t n = 0;

        while (v && v[n])
                n++;
        return n;
}

bool osvif_strv_contains(char *const *v, const char *s)
{
        for (size_t i = 0; v && v[i]; i++)
                if (strcmp(v[i], s) == 0)
                        return true;
        return false;
}

int osvif_strv_push(char ***v, const char *s)
{
        size_t n = osvif_strv_length(*v);
        _cleanup_free_ char *copy = strdup(s);
        char **nv;

        if (!copy)
                return -ENOMEM;
        nv = realloc(*v, (n + 2) * sizeof(char *));
        if (!nv)
                return -ENOMEM;
        nv[n] = TAKE_PTR(copy);
        nv[n + 1] = NULL;
        *v = nv;
        return 0;
}

char **osvif_strv_split(const char *s, const char *seps)
{
        _cleanup_strv_ char **v = calloc(1, sizeof(char *));
        const char *p = s;

        if (!v)
                return NULL;
        while (*p) {
                size_t n = strcspn(p, seps);

                if (n > 0) {
                        _cleanup_free_ char *f = strndup(p, n);

                        if (!f || osvif_strv_push(&v, f) < 0)
                                return NULL;
                }
                p += n;
                if (*p)
                        p++;
        }
        return TAKE_PTR(v);
}
