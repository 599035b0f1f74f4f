/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/state.h"
#include "util/sysfs.h"

const char *osvif_sysfs_root(void)
{
        const char *d = getenv("OSVIF_SYSFS_ROOT");

        return d && *d ? d : OSVIF_DEFAULT_SYSFS_ROOT;
}

int osvif_sysfs_path(char *buf, size_t size, const char *fmt, ...)
{
        va_list ap;
        int n = snprintf(buf, size, "%s/", osvif_sysfs_root()), m;

        if (n < 0 || (size_t)n >= size)
                return -ENAMETOOLONG;
        va_start(ap, fmt);
        m = vsnprintf(buf + n, size - (size_t)n, fmt, ap);
        va_end(ap);
        if (m < 0 || (size_t)m >= size - (size_t)n)
                return -ENAMETOOLONG;
        return 0;
}

int osvif_sysfs_link_name(const char *path, char *buf, size_t size)
{
        char target[4096];
        const char *base;
        ssize_t n = readlink(path, target, sizeof(target) - 1);

        if (n < 0)
                return -errno;
        target[n] = '\0';
        base = strrchr(target, '/');
        base = base ? base + 1 : target;
        if (strlen(base) >= size)
                return -ENAMETOOLONG;
        memcpy(buf, base, strlen(base) + 1);
        return 0;
}

struct list_walk {
        int (*fn)(const char *name, void *userdata);
        void *userdata;
};

static int list_entry(const char *name, unsigned char type, void *data)
{
        struct list_walk *w = data;

        (void)type;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return 0;
        return w->fn(name, w->userdata);
}

int osvif_sysfs_list(const char *path, int (*fn)(const char *name, void *userdata), void *userdata)
{
        _cleanup_(osvif_closep) int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct list_walk w = { fn, userdata };
        int r, e;

        r = osvif_dir_list(fd, list_entry, &w, &e);
        return e ? -e : r;
}

int osvif_sysfs_read(const char *path, char *buf, size_t size)
{
        _cleanup_(osvif_closep) int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return -errno;
        n = read(fd, buf, size - 1);
        if (n < 0)
                return -errno;
        buf[n] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        return 0;
}

struct netdev_walk {
        char found[IF_NAMESIZE];
        unsigned n;
};

static int netdev_entry(const char *name, void *data)
{
        struct netdev_walk *w = data;

        if (name[0] == '.' || strlen(name) >= IF_NAMESIZE)
                return 0;
        if (w->n++ == 0)
                snprintf(w->found, sizeof(w->found), "%s", name);
        return 0;
}

int osvif_sysfs_pci_netdev(const char *pci_addr, char ret[IF_NAMESIZE], osvif_error_t *err)
{
        struct netdev_walk w = { "", 0 };
        char path[4096];
        int r;

        snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/net", osvif_sysfs_root(), pci_addr);
        r = osvif_sysfs_list(path, netdev_entry, &w);
        if (r < 0)
                return osvif_error_set(err, OSVIF_ERR_NOT_FOUND, -r,
                                       "PCI device \"%s\" has no network device (%s: %s)", pci_addr,
                                       path, strerror(-r));
        if (w.n == 0)
                return osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                       "PCI device \"%s\" has no network device", pci_addr);
        /* a multi-port function: the address alone does not say which port is meant */
        if (w.n > 1)
                return osvif_error_set(err, OSVIF_ERR_UNSUPPORTED, 0,
                                       "PCI device \"%s\" has %u network devices; name the "
                                       "one to use with the config key \"master\"",
                                       pci_addr, w.n);
        memcpy(ret, w.found, IF_NAMESIZE);
        return 0;
}
