/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_VHOSTUSER_H
#define OSVIF_VHOSTUSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "backend/link.h"
#include "util/addr.h"
#include "util/error.h"

/*
 * vhost-user: socket paths, the pod's placeholder link and Kata's discovery entries.
 *
 * Kata (shared/reference/cni.md §4) takes a link of the pod netns for a vhost-user NIC when
 * a path exists at /tmp/vhostuser_<IP>/vhu.sock for one of the link's IPs, and hands QEMU that
 * path as a client. osvif makes that entry a symlink to the real socket, in a directory it
 * creates (0700, or 0750 with a configured group), and records what it made in a state file
 * under OSVIF_STATE_DIR/vhostuser/ so that DEL and GC remove it by owner.
 */

/* sun_path holds 108 bytes with the NUL */
#define OSVIF_VHU_PATH_MAX 108
#define OSVIF_VHU_KATA_PREFIX "/tmp/vhostuser_"
#define OSVIF_VHU_KATA_SOCKET "vhu.sock"
#define OSVIF_VHU_MAX_ENTRIES 8

/*
 * A socket path as osvif accepts it: absolute, normalized (no "//", ".", ".." or trailing
 * "/") and short enough for sun_path (at most 107 bytes). 0, or -1 with code 7 naming
 * `field` and the value.
 */
int osvif_vhu_path_check(const char *path, const char *field, osvif_error_t *err);

/*
 * Whether the existing part of `path` can be trusted: every existing component is owned by
 * root (or us), every existing directory on the way is writable by nobody else (sticky
 * directories such as /tmp excepted, and group `gid` when gid >= 0), and a symlink on the
 * way is followed only when it passes the same rules. The last component may be a socket of
 * any owner (QEMU's) but not a symlink that others own. 0, or -1 with code 7 naming `field`.
 */
int osvif_vhu_path_trusted(const char *path, const char *field, gid_t gid, bool has_gid,
                           osvif_error_t *err);

/* Whether a UNIX socket exists at path: 1 yes, 0 no. */
int osvif_vhu_socket_exists(const char *path);

/* Wait until a UNIX socket exists at path, for at most timeout_ms: 1 it exists, 0 not in time. */
int osvif_vhu_socket_wait(const char *path, int timeout_ms);

/*
 * Whether the socket at path is bound by a listening socket of this network namespace, asked
 * of the kernel (sock_diag, AF_UNIX, listening sockets only, matched by the file's device and
 * inode): 1 it listens, 0 not seen listening (not yet, a stale file, or a listener in another
 * namespace), -errno when the kernel cannot be asked.
 */
int osvif_vhu_socket_listening(const char *path);

/*
 * The placeholder link Kata finds the vhost-user NIC by, created in nl's namespace (the
 * pod's socket: a kernel such as 6.1 looks a new link's name up in the requesting socket's
 * namespace, so IFLA_NET_NS_FD from the host's would clash with a host link of that name)
 * with its name, MAC and MTU, down. Kind "dummy" (what Kata expects), else "ifb" when the
 * kernel has no dummy driver: both are links without a peer or a file descriptor that the
 * kernel creates from one RTM_NEWLINK, and Kata's vhost-user test comes before its test of
 * the link's kind. *ret_kind names the kind made. 0, or -1.
 */
int osvif_vhu_add_placeholder(struct osvif_nl *nl, const char *name, const uint8_t mac[6],
                              unsigned mtu, const char **ret_kind, osvif_error_t *err);

/* Whether a link kind is one the placeholder can have. */
bool osvif_vhu_placeholder_kind(const char *kind);

/* "/tmp/vhostuser_<IP>" for an address, in Go's net.IP.String() form (= inet_ntop). */
void osvif_vhu_kata_dir(const struct osvif_ip *ip, char buf[OSVIF_VHU_PATH_MAX]);

/*
 * Kata's entry: create `dir` (0700, or 0750 owned by group gid) and in it a symlink
 * vhu.sock -> socket. An existing dir is refused (OSVIF_ERR_EXISTS): another attachment
 * holds that IP, or something not ours sits there. 0, or -1.
 */
int osvif_vhu_kata_add(const char *dir, const char *socket, gid_t gid, bool has_gid,
                       osvif_error_t *err);

/*
 * Remove Kata's entry if it is ours: the symlink only when it still leads to `socket` (a
 * socket is never removed), the directory only when it is then empty and owned by us.
 * Idempotent. 0, or -1.
 */
int osvif_vhu_kata_del(const char *dir, const char *socket, osvif_error_t *err);

/* Whether dir holds our symlink to socket: 1 yes, 0 no. */
int osvif_vhu_kata_ok(const char *dir, const char *socket);

/* What an attachment made, as recorded in its state file. */
struct osvif_vhu_state {
        char socket[OSVIF_VHU_PATH_MAX];
        char dirs[OSVIF_VHU_MAX_ENTRIES][OSVIF_VHU_PATH_MAX];
        size_t n_dirs;
        /* a fast path's netdev osvif put on a bridge (FPBridge, hybrid FPOpenVSwitch) */
        char fp_netdev[16];
        char fp_master[16];
};

/*
 * The state file of an attachment, OSVIF_STATE_DIR/vhostuser/<network>+<cid>+<ifname>.json,
 * written with util/state.h (atomically, in a private directory). 0, or -1 with
 * OSVIF_ERR_STATE.
 */
int osvif_vhu_state_write(const char *network, const char *cid, const char *ifname,
                          const struct osvif_vhu_state *st, osvif_error_t *err);
/* 1 read, 0 no state file, -1 error (an unreadable or foreign file is an error). */
int osvif_vhu_state_read(const char *network, const char *cid, const char *ifname,
                         struct osvif_vhu_state *ret, osvif_error_t *err);
/* 1 when the state still records something (entries or a fast-path netdev). */
static inline int osvif_vhu_state_used(const struct osvif_vhu_state *st)
{
        return st->n_dirs > 0 || st->fp_netdev[0];
}
/* Idempotent. */
int osvif_vhu_state_remove(const char *network, const char *cid, const char *ifname,
                           osvif_error_t *err);
/* Every attachment of `network` with a state file; fn's non-zero return stops the walk. */
int osvif_vhu_state_foreach(const char *network,
                            int (*fn)(const char *cid, const char *ifname, void *userdata),
                            void *userdata, osvif_error_t *err);

#endif
