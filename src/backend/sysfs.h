/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_SYSFS_H
#define OSVIF_SYSFS_H

#include <net/if.h>

#include "util/error.h"

/*
 * sysfs, read through a root that tests can move: $OSVIF_SYSFS_ROOT, default /sys (DESIGN.md,
 * "Ownership and state"), so that a fake PCI tree can point a PCI address at a veth.
 */

#define OSVIF_DEFAULT_SYSFS_ROOT "/sys"

/* The sysfs root: $OSVIF_SYSFS_ROOT when set and not empty, else /sys. */
const char *osvif_sysfs_root(void);

/*
 * The netdev of the PCI device `pci_addr` (dddd:bb:ss.f): the one entry of
 * <root>/bus/pci/devices/<addr>/net/. Returns 0 with ret filled; -1 with *err:
 * OSVIF_ERR_NOT_FOUND when the device or its netdev is absent, OSVIF_ERR_UNSUPPORTED when it
 * has several netdevs (which one to use cannot be told from the address).
 */
int osvif_sysfs_pci_netdev(const char *pci_addr, char ret[IF_NAMESIZE], osvif_error_t *err);

#endif
