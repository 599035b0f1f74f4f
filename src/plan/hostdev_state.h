/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_HOSTDEV_STATE_H
#define OSVIF_HOSTDEV_STATE_H

#include <net/if.h>
#include <stdbool.h>

#include "backend/sriov.h"
#include "util/error.h"

/*
 * A VF's claim and what DEL restores: one file per VF, <OSVIF_STATE_DIR>/hostdev/<pci>.json,
 * written with util/state.h (atomically, in a private directory) before ADD changes anything. The file is the claim: it names its owner ("osvif <net> <cid> <ifname>"),
 * and only that owner's DEL (or GC of that attachment) restores the VF and removes it.
 */

struct osvif_hostdev_state {
        char owner[256];
        char netns[256]; /* CNI_NETNS of the ADD: GC, without one, looks for the VF there */
        char pci[OSVIF_PCI_ADDR_MAX];
        bool ethernet;                 /* dev_type ethernet: the netdev went to the pod */
        char name[IF_NAMESIZE];        /* the VF netdev's name before ADD, "" for generic */
        uint8_t mac[6];                /* its MAC */
        unsigned mtu;                  /* its MTU */
        bool up;                       /* it was up */
        char alias[256];               /* its alias */
        char pf[IF_NAMESIZE];          /* the PF's netdev, "" when none */
        int vf_index;                  /* -1 when unknown */
        bool pf_set;                   /* ADD changed PF-side settings: `vf` holds the originals */
        struct osvif_vf_info vf;       /* the PF-side settings found */
        char representor[IF_NAMESIZE]; /* the OVS port made of the representor, "" none */
        bool representor_up;           /* the representor was up before ADD */
        unsigned representor_mtu;      /* and its MTU (OVS sets mtu_request on it) */
};

/* Write s atomically. 0, or -1 with OSVIF_ERR_STATE naming the file. */
int osvif_hostdev_state_save(const struct osvif_hostdev_state *s, osvif_error_t *err);

/* Read the claim of VF `pci`: 1 and *ret, 0 when none, -1 on error (unreadable, corrupt). */
int osvif_hostdev_state_load(const char *pci, struct osvif_hostdev_state *ret, osvif_error_t *err);

/* Remove the claim of VF `pci` (0 also when it is already gone). */
int osvif_hostdev_state_remove(const char *pci, osvif_error_t *err);

/*
 * Call fn with each claim in the state dir (corrupt files are skipped and logged). fn
 * returning non-zero stops the walk and is returned; a missing directory is no claim.
 */
int osvif_hostdev_state_foreach(int (*fn)(const struct osvif_hostdev_state *s, void *userdata),
                                void *userdata, osvif_error_t *err);

#endif
