/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_BRIDGE_H
#define OSVIF_BRIDGE_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/link.h"
#include "util/error.h"

/*
 * Linux bridges, shared by VIFBridge, the hybrid plug's qbr and FPBridge.
 *
 * Bridges are shared between pods, so callers serialise creation, enslaving and removal of
 * one bridge with osvif_lock (util/lock.h, key "bridge-<name>"). Creation tolerates EEXIST.
 */

struct osvif_bridge_opts {
        const char *name;
        unsigned mtu;         /* on creation; 0: kernel default */
        bool os_vif_settings; /* os-vif's qbr settings: ageing_time 0, disable_ipv6=1,
                                  arp_ignore=1, arp_announce=2 (os-vif.md §6.1) */
        const char *alias;    /* owner alias set on creation (per-VIF bridges), or NULL */
        bool owned;           /* per-VIF: an existing bridge must carry `alias`, or it is
                                 refused (OSVIF_ERR_EXISTS) rather than taken over */
};

/* What osvif_bridge_ensure() changed, so that an undo can put it back. */
struct osvif_bridge_changes {
        bool created;    /* the bridge did not exist */
        bool brought_up; /* it existed, but was down */
        uint8_t mac[6];  /* its MAC before: a bridge whose last port leaves may change it */
        unsigned mtu;    /* its MTU */
};

/*
 * Make sure the bridge exists and is up. Returns its ifindex; *ret says what this call
 * changed (so an undo may remove the bridge or set it down again). An existing link of another kind by that name
 * is an error (OSVIF_ERR_EXISTS). accept_ra is turned off on bridges we create, as the
 * reference bridge plugin does. Sysctls of a new bridge are written in the current netns.
 */
int osvif_bridge_ensure(struct osvif_nl *nl, const struct osvif_bridge_opts *o,
                        struct osvif_bridge_changes *ret, osvif_error_t *err);

/*
 * A bridge by name: its ifindex with *ret filled (ret may be NULL), 0 when there is no link of
 * that name, -1 when the name belongs to a link of another kind (OSVIF_ERR_EXISTS) or on error.
 */
int osvif_bridge_lookup(struct osvif_nl *nl, const char *name, struct osvif_link_info *ret,
                        osvif_error_t *err);

/* Number of ports enslaved to the bridge (a link dump), or -1. */
int osvif_bridge_count_ports(struct osvif_nl *nl, int bridge_ifindex, osvif_error_t *err);

/* Delete the bridge if it has no ports. 1 deleted, 0 kept (has ports or gone), -1 error. */
int osvif_bridge_del_if_empty(struct osvif_nl *nl, const char *name, osvif_error_t *err);

#endif
