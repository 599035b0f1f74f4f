/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "backend/netns.h"
#include "util/cleanup.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif
#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

int osvif_netns_open(const char *path, osvif_error_t *err)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct statfs sfs;

        if (fd < 0 && errno == ENOENT)
                return -ENOENT;
        if (fd < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_NETNS, errno, "open netns \"%s\"",
                                             path);
        /* a bind-mounted namespace lives on nsfs; /proc/<pid>/ns/net is a proc magic link */
        if (fstatfs(fd, &sfs) < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_NETNS, errno, "open netns \"%s\"",
                                             path);
        if ((unsigned long)sfs.f_type != NSFS_MAGIC &&
            (unsigned long)sfs.f_type != PROC_SUPER_MAGIC)
                return osvif_error_set(err, OSVIF_ERR_NETNS, EINVAL,
                                       "open netns \"%s\": not a network namespace", path);
        if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET)
                return osvif_error_set(err, OSVIF_ERR_NETNS, EINVAL,
                                       "open netns \"%s\": not a network namespace", path);
        return TAKE_FD(fd);
}

int osvif_netns_open_current(osvif_error_t *err)
{
        int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

        if (fd < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_NETNS, errno,
                                             "open our own netns \"/proc/self/ns/net\"");
        return fd;
}

int osvif_netns_enter(int fd, osvif_error_t *err)
{
        if (setns(fd, CLONE_NEWNET) < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_NETNS, errno, "enter netns");
        return 0;
}

bool osvif_netns_same(int fd_a, int fd_b)
{
        struct stat a, b;

        return fstat(fd_a, &a) == 0 && fstat(fd_b, &b) == 0 && a.st_dev == b.st_dev &&
               a.st_ino == b.st_ino;
}
