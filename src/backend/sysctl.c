/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend/link.h"
#include "util/cleanup.h"

/*
 * Per-device sysctls, in the namespace we are in (the caller enters the pod's first):
 * /proc/sys/net shows the namespace of whoever opens it.
 */

int osvif_sysctl_dev_set(const char *family, const char *key, const char *ifname, const char *value,
                         osvif_error_t *err)
{
        char path[256];
        _cleanup_close_ int fd = -1;
        size_t len = strlen(value);

        snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", family, ifname, key);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        /* no IPv6 in this namespace (disabled, or ipv6.disable=1): nothing to configure */
        if (fd < 0 && errno == ENOENT && strcmp(family, "ipv6") == 0)
                return 0;
        if (fd < 0 || write(fd, value, len) != (ssize_t)len)
                return osvif_error_set_errno(err, OSVIF_ERR_NETLINK, errno, "write \"%s\" to %s",
                                             value, path);
        return 0;
}
