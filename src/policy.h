/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_POLICY_H
#define OSVIF_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "util/error.h"
#include "vif/model.h"

/*
 * What a per-pod VIF may set: the network config's "podVif" object (README, "Per-pod VIFs
 * and trust"). Pod authors write both per-pod sources (their pod's annotations, and Multus
 * cni-args, which come from the pod's network-selection annotation), so everything is denied
 * unless listed here, and the config's own "vif" fills in the rest.
 */

enum {
        OSVIF_POD_VIF_FROM_ARGS = 1 << 0,       /* args.cni.vif */
        OSVIF_POD_VIF_FROM_ANNOTATION = 1 << 1, /* the pod annotation */
};

struct osvif_vlan_range {
        int first, last;
};

struct osvif_pod_vif_policy {
        unsigned sources; /* OSVIF_POD_VIF_FROM_* bits; 0: per-pod VIFs are off */
        /* bit per enum osvif_vif_type / osvif_profile_type; 0 when not given: the config's */
        uint32_t types;
        uint32_t profiles;
        char **bridges; /* NULL-terminated; NULL: only the config's */
        struct osvif_vlan_range *vlans;
        size_t n_vlans;
        bool allow_interface_id; /* "id" and port_profile.interface_id */
        bool allow_mac;          /* "address" */
        bool allow_fixed_ips;    /* network.subnets[].ips */
};

/*
 * Read "podVif" (`v`, may be NULL: off). `config_has_vif` says whether the network config
 * has a "vif" to take defaults from. Code 7 naming "podVif.<key>" and the value on error;
 * unknown keys are refused (a typo here would silently weaken the policy). On error *ret
 * may hold part of the policy: osvif_pod_vif_policy_clear() it in every case.
 */
int osvif_pod_vif_policy_parse(const cJSON *v, bool config_has_vif,
                               struct osvif_pod_vif_policy *ret, osvif_error_t *err);
void osvif_pod_vif_policy_clear(struct osvif_pod_vif_policy *p);

/*
 * The VIF an attachment gets from per-pod VIF `pod` (read at `path`, e.g. "args.cni.vif"):
 * the fields the policy lets a pod set, taken from `pod`; every other field the pod gives
 * must be absent or equal to the config's; the rest comes from `config_vif` (may be NULL)
 * when it has the pod's VIF type and port profile. A field outside the policy: code 7
 * naming "<path>.<field>", its value and the podVif key that governs it. The result is a
 * new, validated VIF owned by the caller.
 */
int osvif_pod_vif_policy_apply(const struct osvif_pod_vif_policy *p, const struct osvif_vif *pod,
                               const struct osvif_vif *config_vif, const char *path,
                               struct osvif_vif **ret, osvif_error_t *err);

#endif
