/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_SYSFS_H
#define OSVIF_SYSFS_H

#include <net/if.h>
#include <stddef.h>

#include "util/error.h"

/*
 * sysfs, read through a root that tests can move: $OSVIF_SYSFS_ROOT, default /sys (read like
 * OSVIF_RUN_DIR). A fake PCI tree (devices, physfn, virtfnN, net/) can then point at veths
 * standing in for SR-IOV hardware. Plain reads only: nothing here writes to sysfs.
 */

#define OSVIF_DEFAULT_SYSFS_ROOT "/sys"

/* The root: $OSVIF_SYSFS_ROOT when set and not empty, else /sys. */
const char *osvif_sysfs_root(void);

/*
 * "<root>/<rel>" into buf, rel being a printf format ("bus/pci/devices/%s/net"). Returns 0,
 * or -ENAMETOOLONG when it does not fit.
 */
int osvif_sysfs_path(char *buf, size_t size, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/*
 * The last component of what the symbolic link `path` points to ("physfn" ->
 * "0000:03:00.0"). 0, or a negative errno (-ENOENT: no such link).
 */
int osvif_sysfs_link_name(const char *path, char *buf, size_t size);

/*
 * Call fn for each entry of directory `path` but "." and "..", in readdir order. fn returning
 * non-zero stops the walk, and that value is returned; a missing directory is -ENOENT.
 */
int osvif_sysfs_list(const char *path, int (*fn)(const char *name, void *userdata), void *userdata);

/* The first line of a sysfs attribute, without its newline. 0, or a negative errno. */
int osvif_sysfs_read(const char *path, char *buf, size_t size);

/*
 * The netdev of the PCI device `pci_addr` (dddd:bb:ss.f): the one entry of
 * <root>/bus/pci/devices/<addr>/net/. Returns 0 with ret filled; -1 with *err:
 * OSVIF_ERR_NOT_FOUND when the device or its netdev is absent, OSVIF_ERR_UNSUPPORTED when it
 * has several netdevs (which one to use cannot be told from the address).
 */
int osvif_sysfs_pci_netdev(const char *pci_addr, char ret[IF_NAMESIZE], osvif_error_t *err);

#endif
