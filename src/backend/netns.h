/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_NETNS_H
#define OSVIF_NETNS_H

#include <stdbool.h>

#include "util/error.h"

/*
 * Network namespaces. osvif is single-threaded, so entering the pod's namespace with
 * setns() and coming back is cheap and safe; sockets opened while inside stay bound to it.
 */

/*
 * Open a netns path (e.g. /run/netns/x or /proc/<pid>/ns/net) O_RDONLY|O_CLOEXEC and check
 * that it is a network namespace (nsfs, then NS_GET_NSTYPE). The path is looked at with
 * O_PATH first, so a FIFO, a device node, a directory or a regular file is refused without
 * being opened (and without blocking). Returns the fd, or -1 with *err (OSVIF_ERR_NETNS
 * naming the path; errnum ENOENT when the path does not exist, which DEL takes as "gone").
 */
int osvif_netns_open(const char *path, osvif_error_t *err);

/* The fd of the namespace this process is in now (/proc/self/ns/net). */
int osvif_netns_open_current(osvif_error_t *err);

/* setns(fd, CLONE_NEWNET). 0, or -1 with *err (OSVIF_ERR_NETNS). */
int osvif_netns_enter(int fd, osvif_error_t *err);

/* Whether two namespace fds refer to the same namespace (same st_dev/st_ino). */
bool osvif_netns_same(int fd_a, int fd_b);

#endif
