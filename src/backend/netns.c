/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
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

static const char *file_kind(mode_t mode)
{
        switch (mode & S_IFMT) {
        case S_IFIFO:
                return "a fifo";
        case S_IFCHR:
                return "a character device";
        case S_IFBLK:
                return "a block device";
        case S_IFDIR:
                return "a directory";
        case S_IFSOCK:
                return "a socket";
        case S_IFLNK:
                return "a symbolic link";
        case S_IFREG:
                return "a regular file";
        default:
                return "not a file";
        }
}

int osvif_netns_open(const char *path, osvif_error_t *err)
{
        /*
         * O_PATH first: it neither blocks (a FIFO) nor opens anything (a device), yet it
         * follows symlinks and /proc's magic links, so /proc/<pid>/ns/net keeps working.
         * Only an nsfs inode is then opened for real, through our own fd so that the path
         * cannot be swapped in between.
         */
        _cleanup_close_ int pfd = open(path, O_PATH | O_CLOEXEC);
        _cleanup_close_ int fd = -1;
        char self[64];
        struct statfs sfs;
        struct stat st;

        if (pfd < 0 && errno == ENOENT)
                return osvif_error_set(err, OSVIF_ERR_NETNS, ENOENT,
                                       "open netns \"%s\": no such file or directory", path);
        if (pfd < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_NETNS, errno, "open netns \"%s\"",
                                             path);
        if (fstat(pfd, &st) < 0 || fstatfs(pfd, &sfs) < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_NETNS, errno, "open netns \"%s\"",
                                             path);
        if ((unsigned long)sfs.f_type != NSFS_MAGIC || !S_ISREG(st.st_mode))
                return osvif_error_set(err, OSVIF_ERR_NETNS, EINVAL,
                                       "open netns \"%s\": not a network namespace (%s)", path,
                                       file_kind(st.st_mode));
        snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
        fd = open(self, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_NETNS, errno, "open netns \"%s\"",
                                             path);
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
