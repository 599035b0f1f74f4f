/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_STRV_H
#define OSVIF_STRV_H

#include <stdbool.h>
#include <stddef.h>

/* NULL-terminated vectors of heap strings. osvif_strv_free() lives in cleanup.h's family. */

size_t osvif_strv_length(char *const *v);
bool osvif_strv_contains(char *const *v, const char *s);

/*
 * Append a copy of s to *v (which may be NULL). Returns 0, or -ENOMEM with *v unchanged.
 */
int osvif_strv_push(char ***v, const char *s);

/*
 * Split s at every character in seps, dropping empty fields. Returns a new vector (never
 * NULL on success; an empty vector for an empty string) or NULL on ENOMEM.
 */
char **osvif_strv_split(const char *s, const char *seps);

#endif
