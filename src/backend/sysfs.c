/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/sysfs.h"
#include "util/cleanup.h"

static void closedirp(DIR **d)
{
        if (*d)
                closedir(*d);
}

const char *osvif_sysfs_root(void)
{
        const char *r = getenv("OSVIF_SYSFS_ROOT");

        return r && *r ? r : OSVIF_DEFAULT_SYSFS_ROOT;
}

int osvif_sysfs_pci_netdev(const char *pci_addr, char ret[IF_NAMESIZE], osvif_error_t *err)
{
        _cleanup_(closedirp) DIR *d = NULL;
        char path[4096], found[IF_NAMESIZE] = "";
        unsigned n = 0;
        struct dirent *e;

        snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/net", osvif_sysfs_root(), pci_addr);
        d = opendir(path);
        if (!d)
                return osvif_error_set(err, OSVIF_ERR_NOT_FOUND, errno,
                                       "PCI device \"%s\" has no network device (%s: %s)", pci_addr,
                                       path, strerror(errno));
        while ((e = readdir(d))) {
                if (e->d_name[0] == '.')
                        continue;
                if (strlen(e->d_name) >= IF_NAMESIZE)
                        continue;
                if (n++ == 0)
                        snprintf(found, sizeof(found), "%s", e->d_name);
        }
        if (n == 0)
                return osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                       "PCI device \"%s\" has no network device", pci_addr);
        /* a multi-port function: the address alone does not say which port is meant */
        if (n > 1)
                return osvif_error_set(err, OSVIF_ERR_UNSUPPORTED, 0,
                                       "PCI device \"%s\" has %u network devices; name the "
                                       "one to use with the config key \"master\"",
                                       pci_addr, n);
        memcpy(ret, found, IF_NAMESIZE);
        return 0;
}
