/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_CNI_VERSION_H
#define OSVIF_CNI_VERSION_H

#include <stdbool.h>

/* The published CNI spec versions, oldest first; comparisons use the enum order. */
enum osvif_cni_version {
        OSVIF_CNI_V010 = 0,
        OSVIF_CNI_V020,
        OSVIF_CNI_V030,
        OSVIF_CNI_V031,
        OSVIF_CNI_V040,
        OSVIF_CNI_V100,
        OSVIF_CNI_V110,
        OSVIF_CNI_V_COUNT,
};

#define OSVIF_CNI_V_LATEST OSVIF_CNI_V110

/* "0.1.0" ... "1.1.0"; NULL for out-of-range values. */
const char *osvif_cni_version_string(enum osvif_cni_version v);

/* Exact match of a supported version string; -1 when not supported (skel's rule). */
int osvif_cni_version_parse(const char *s);

/*
 * Compare two semantic versions "X.Y.Z" (numeric per component, missing components are 0).
 * Returns <0, 0, >0; sets *ok=false when either does not parse.
 */
int osvif_cni_version_compare(const char *a, const char *b, bool *ok);

#endif
