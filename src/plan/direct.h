/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_DIRECT_H
#define OSVIF_DIRECT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "plan/exec.h"

/*
 * Shared by VIFDirect's step kinds (plan/steps_direct.c: macvlan, VLAN device;
 * plan/steps_portprofile.c: 802.1Qbh, 802.1Qbg).
 */

/* The lower device of the step into x->lower (once per invocation): by the config's name, or
 * the netdev of dev_address in sysfs. OSVIF_ERR_NOT_FOUND when it is missing. */
int osvif_direct_resolve_lower(struct osvif_exec *x, const struct osvif_step *s,
                               osvif_error_t *err);

/*
 * Per-attachment state files, "<owner>.<kind>.json" in the state dir (GC finds attachments
 * by their names), through util/state.h: atomic, in the private directory only. read: 1 and
 * *ret (the caller's), 0 when there is none, -1.
 */
int osvif_direct_state_write(const struct osvif_plan *p, const char *kind, const cJSON *doc,
                             osvif_error_t *err);
int osvif_direct_state_read(const struct osvif_plan *p, const char *kind, cJSON **ret,
                            osvif_error_t *err);
void osvif_direct_state_remove(const struct osvif_plan *p, const char *kind);

/* Whether the plan's macvlan is in passthru mode (its MAC is then the lower device's). */
bool osvif_direct_is_passthru(const struct osvif_plan *p);

/* `osvif plan`'s description of the direct step kinds. */
int osvif_direct_describe(const struct osvif_plan *p, const struct osvif_step *s, cJSON *o);

#endif
