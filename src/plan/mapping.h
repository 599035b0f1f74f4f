/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_MAPPING_H
#define OSVIF_MAPPING_H

#include <stdbool.h>
#include <stddef.h>

#include "plan/plan.h"
#include "util/error.h"
#include "vif/model.h"

/*
 * The mapping (DESIGN.md): one row per VIF type x port profile that osvif can plug. It is the
 * one answer to "is this VIF served, and how": validation, plan building, GC and STATUS, the
 * executor, `osvif plan` and the pod-side steps all read it, and a unit test holds the README's
 * table and the schema's enumerations to it.
 *
 * A pair with no row is not a valid VIF for osvif (code 7). A row without `build` is valid but
 * not served by this version (code 110): it is parsed, validated and converted, and DEL of it
 * sweeps by owner.
 */

/* What a row's plans need, beyond rtnetlink in the plugin's own namespace. */
enum osvif_mapping_need {
        OSVIF_NEEDS_OVSDB = 1u << 0,     /* OVSDB: STATUS pings it, GC lists its owned ports */
        OSVIF_NEEDS_STATE = 1u << 1,     /* state files that DEL restores from */
        OSVIF_NEEDS_POD_NETNS = 1u << 2, /* ADD and CHECK enter the pod's netns */
        OSVIF_NEEDS_L3 = 1u << 3,        /* IPAM (or vif.network) addresses go on the pod link */
};

/* The interfaces a row's ADD reports in the result. */
enum osvif_mapping_result {
        OSVIF_RESULT_HOST_LINK = 1u << 0, /* the host end, vif_name (no sandbox) */
        OSVIF_RESULT_POD_LINK = 1u << 1,  /* CNI_IFNAME in the sandbox */
        OSVIF_RESULT_SOCKET = 1u << 2,    /* the vhost-user socket, with socketPath */
};

/* How the pod's interface goes away on DEL. */
enum osvif_pod_link {
        OSVIF_POD_LINK_NONE,      /* the row puts no link in the pod */
        OSVIF_POD_LINK_VETH_PEER, /* the peer of a host veth: deleting the host end takes it */
        OSVIF_POD_LINK_OWNED,     /* a link of its own, deleted by owner in the pod */
        OSVIF_POD_LINK_LENT,      /* a host device lent to the pod (a VF): DEL gives it back */
};

struct osvif_mapping_row {
        enum osvif_vif_type vif;
        enum osvif_profile_type profile;
        const char *builds; /* what ADD builds, in a line (README, `osvif plan`) */
        /* appends the row's steps between the common head (IPAM) and tail (pod link, L3);
         * NULL: valid, not served yet */
        int (*build)(struct osvif_plan *p, osvif_error_t *err);
        /* fields the row cannot do without, relative to the VIF ("network.bridge"); an entry
         * "a|b" is satisfied by either */
        const char *required[4];
        /* rules across fields, or NULL; `path` names the VIF in messages */
        int (*check)(const struct osvif_vif *vif, const char *path, osvif_error_t *err);
        unsigned needs;  /* enum osvif_mapping_need */
        unsigned result; /* enum osvif_mapping_result */
        enum osvif_pod_link pod_link;
};

/* The rows, in the README's order. */
extern const struct osvif_mapping_row osvif_mapping[];
extern const size_t osvif_mapping_rows;

/* The row of a VIF type x port profile, or NULL. */
const struct osvif_mapping_row *osvif_mapping_find(enum osvif_vif_type vif,
                                                   enum osvif_profile_type profile);

/* The row of a VIF (its type and its port profile's type), or NULL. */
const struct osvif_mapping_row *osvif_mapping_of(const struct osvif_vif *vif);

/*
 * Whether osvif can take this VIF: it has a row, with the row's required fields and rules.
 * 0 (served or not: see row->build), or -1 with code 7 naming `path` and the field.
 * `*ret`, when not NULL, is set to the row on success.
 */
int osvif_mapping_check(const struct osvif_vif *vif, const char *path,
                        const struct osvif_mapping_row **ret, osvif_error_t *err);

/* "needs" as names ("ovsdb", "state", "pod-netns", "l3"), for `osvif plan`. */
const char *osvif_mapping_need_name(enum osvif_mapping_need need);

#endif
