/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_SRIOV_H
#define OSVIF_SRIOV_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include <netlink/msg.h>

#include "backend/link.h"
#include "util/error.h"

/*
 * SR-IOV virtual functions: discovery through sysfs (util/sysfs.h, a root tests can move)
 * and the PF-side settings of a VF over rtnetlink (IFLA_VFINFO_LIST on the PF). One kernel
 * transaction per function; errors as in backend/link.h.
 */

#define OSVIF_PCI_ADDR_MAX 32

/* What sysfs says about a VF. */
struct osvif_vf_dev {
        char pci[OSVIF_PCI_ADDR_MAX];
        char netdev[IF_NAMESIZE];        /* "" when none (vfio-pci, a DPDK driver) */
        char pf_pci[OSVIF_PCI_ADDR_MAX]; /* "" when not a VF (no physfn) */
        char pf_netdev[IF_NAMESIZE];     /* "" when the PF has none */
        int vf_index;                    /* the PF's virtfn<N> naming it, -1 when none */
};

/*
 * Find the device at PCI address `pci` under <root>/bus/pci/devices: its netdev (net/<name>),
 * its PF (the physfn link) and the PF's netdev, and its index (the PF's virtfn<N> link that
 * points back). OSVIF_ERR_NOT_FOUND when there is no such device. 0, or -1.
 */
int osvif_sriov_find_vf(const char *pci, struct osvif_vf_dev *ret, osvif_error_t *err);

/*
 * The switchdev representor of a VF: the netdev (under <root>/class/net) that shares the PF's
 * phys_switch_id and whose phys_port_name names this VF ("pf<P>vf<N>" with P the PF's PCI
 * function, or "vf<N>"). 1 and the name in ret, 0 when there is none, -1 on error.
 */
int osvif_sriov_find_representor(const struct osvif_vf_dev *vf, char ret[IF_NAMESIZE],
                                 osvif_error_t *err);

/* The PF-side settings of one VF, as the PF reports them (-1: not reported by the driver). */
struct osvif_vf_info {
        int index;
        uint8_t mac[6];
        int vlan; /* 0: none */
        int qos;
        int spoofchk;                 /* 0/1, -1 unknown */
        int trust;                    /* 0/1, -1 unknown */
        int link_state;               /* IFLA_VF_LINK_STATE_AUTO/ENABLE/DISABLE, -1 unknown */
        int min_tx_rate, max_tx_rate; /* Mbps, -1 unknown */
};

/*
 * Read VF `index` of PF `pf` (RTM_GETLINK with RTEXT_FILTER_VF). 1 and *ret filled, 0 when the
 * PF does not report that VF (no SR-IOV, fewer VFs), -1 on error.
 */
int osvif_sriov_vf_get(struct osvif_nl *nl, const char *pf, int index, struct osvif_vf_info *ret,
                       osvif_error_t *err);

/*
 * Settings to make: every member at -1 (mac NULL) is left alone. Rates go together in the
 * kernel (IFLA_VF_RATE): one of the two set takes the other from `cur`.
 */
struct osvif_vf_config {
        int index;
        const uint8_t *mac;
        int vlan, qos; /* vlan -1: keep; qos with it */
        int spoofchk, trust, link_state;
        int min_tx_rate, max_tx_rate;
};
#define OSVIF_VF_CONFIG_INIT(i)                                                               \
        {                                                                                     \
                .index = (i), .mac = NULL, .vlan = -1, .qos = 0, .spoofchk = -1, .trust = -1, \
                .link_state = -1, .min_tx_rate = -1, .max_tx_rate = -1                        \
        }

/* Whether c changes anything. */
bool osvif_sriov_vf_config_empty(const struct osvif_vf_config *c);

/*
 * The RTM_SETLINK request for PF `pf` (by name) with one IFLA_VF_INFO carrying c's settings,
 * `cur` giving the rate not set. New message owned by the caller, NULL when out of memory.
 * Exposed so that tests can parse what is sent without a kernel.
 */
struct nl_msg *osvif_sriov_vf_msg(const char *pf, const struct osvif_vf_config *c,
                                  const struct osvif_vf_info *cur);

/* Parse IFLA_VFINFO_LIST for VF `index`: 1 found, 0 not. Exposed for tests. */
int osvif_sriov_parse_vfinfo(struct nlattr *list, int index, struct osvif_vf_info *ret);

/* Send osvif_sriov_vf_msg(). 0, or -1 naming the PF and the VF. */
int osvif_sriov_vf_set(struct osvif_nl *nl, const char *pf, const struct osvif_vf_config *c,
                       const struct osvif_vf_info *cur, osvif_error_t *err);

#endif
