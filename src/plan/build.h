/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_BUILD_H
#define OSVIF_BUILD_H

#include <net/if.h>
#include <stddef.h>

#include "plan/plan.h"
#include "plan/steps.h"

/* What the mapping's rows (plan/mapping.c) build their steps with. Internal to plan/. */

/* Append a step of this kind, zeroed. The rows never come near OSVIF_PLAN_MAX_STEPS. */
struct osvif_step *osvif_plan_push(struct osvif_plan *p, const struct osvif_step_ops *ops);

/*
 * Copy a name into a step, refusing (code 7, naming `field` and the value) one that does not
 * fit instead of cutting it. src NULL copies "". dst and src may overlap.
 */
int osvif_plan_set_name(char *dst, size_t size, const char *src, const char *field,
                        osvif_error_t *err);

/*
 * A host-side device name: `given` when set, else os-vif's (prefix + VIF id)[:14] for a
 * per-pod VIF with an id, else prefix + a hash of the attachment, so that a VIF shared by
 * every pod of a network config never collides.
 */
void osvif_plan_device_name(const struct osvif_plan *p, const char *prefix, const char *given,
                            char buf[IF_NAMESIZE]);

#endif
