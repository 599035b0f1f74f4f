/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <netlink/attr.h>

#include "backend/nl.h"
#include "backend/vhostuser.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/lock.h"
#include "util/state.h"

/* ---- paths ---- */

int osvif_vhu_path_check(const char *path, const char *field, osvif_error_t *err)
{
        size_t n = path ? strlen(path) : 0;

        if (!path || path[0] != '/')
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: \"%s\" is not an absolute path", field,
                                       path ? path : "");
        if (n >= OSVIF_VHU_PATH_MAX)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: \"%s\" is too long for a UNIX socket (%zu bytes, at "
                                       "most %d)",
                                       field, path, n, OSVIF_VHU_PATH_MAX - 1);
        /* every component between slashes must be a name: not empty, ".", ".." */
        for (const char *c = path + 1;;) {
                size_t len = strcspn(c, "/");

                if (len == 0 || (len == 1 && c[0] == '.') ||
                    (len == 2 && c[0] == '.' && c[1] == '.'))
                        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                               "%s: \"%s\" is not a normalized path (empty, "
                                               "\".\" or \"..\" component, or trailing \"/\")",
                                               field, path);
                if (!c[len])
                        break;
                c += len + 1;
        }
        return 0;
}

static bool owner_ok(const struct stat *st)
{
        return st->st_uid == 0 || st->st_uid == geteuid();
}

static bool dir_ok(const struct stat *st, gid_t gid, bool has_gid)
{
        mode_t others = S_IWOTH | (has_gid && st->st_gid == gid ? 0 : S_IWGRP);

        /* in a sticky directory nobody else can replace what root owns */
        return owner_ok(st) && (!(st->st_mode & others) || (st->st_mode & S_ISVTX));
}

static int untrusted(osvif_error_t *err, const char *field, const char *path, const char *at,
                     const char *why)
{
        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                               "%s: \"%s\" passes through \"%s\", which %s", field, path, at, why);
}

/* `leaf`: path's last component is the socket (else a directory a symlink led to) */
static int trusted(const char *path, const char *field, const char *orig, gid_t gid, bool has_gid,
                   bool leaf, int depth, osvif_error_t *err)
{
        char cur[PATH_MAX] = "";
        size_t n = 0;

        for (const char *c = path + 1; *c;) {
                size_t len = strcspn(c, "/");
                bool last = !c[len];
                struct stat st;

                if (n + 1 + len >= sizeof(cur))
                        return untrusted(err, field, orig, path, "is too long");
                n += (size_t)snprintf(cur + n, sizeof(cur) - n, "/%.*s", (int)len, c);
                c += len + !last;
                if (lstat(cur, &st) < 0) {
                        if (errno == ENOENT)
                                return 0; /* the rest is made by us, OVS or QEMU */
                        return osvif_error_set_errno(err, OSVIF_CNI_ERR_INVALID_CONFIG, errno,
                                                     "%s: \"%s\": cannot inspect \"%s\"", field,
                                                     orig, cur);
                }
                if (S_ISLNK(st.st_mode)) {
                        char real[PATH_MAX];

                        if (!owner_ok(&st))
                                return untrusted(err, field, orig, cur,
                                                 "is a symlink owned by another user");
                        if (depth >= 8 || !realpath(cur, real))
                                return untrusted(err, field, orig, cur,
                                                 "is a symlink that does not resolve");
                        if (trusted(real, field, orig, gid, has_gid, leaf && last, depth + 1, err) <
                            0)
                                return -1;
                        n = (size_t)snprintf(cur, sizeof(cur), "%s", strcmp(real, "/") ? real : "");
                        continue;
                }
                if (last && leaf) /* the socket itself may be QEMU's, owned by its user */
                        return S_ISSOCK(st.st_mode) || S_ISDIR(st.st_mode)
                                       ? 0
                                       : untrusted(err, field, orig, cur, "is not a socket");
                if (!S_ISDIR(st.st_mode))
                        return untrusted(err, field, orig, cur, "is not a directory");
                if (!owner_ok(&st))
                        return untrusted(err, field, orig, cur,
                                         "is a directory owned by another user");
                if (!dir_ok(&st, gid, has_gid))
                        return untrusted(err, field, orig, cur,
                                         "is a directory that other users can write");
        }
        return 0;
}

int osvif_vhu_path_trusted(const char *path, const char *field, gid_t gid, bool has_gid,
                           osvif_error_t *err)
{
        struct stat st;

        if (osvif_vhu_path_check(path, field, err) < 0)
                return -1;
        if (lstat("/", &st) < 0 || !dir_ok(&st, gid, has_gid))
                return untrusted(err, field, path, "/",
                                 "is a directory that other users can write");
        return trusted(path, field, path, gid, has_gid, true, 0, err);
}

int osvif_vhu_socket_exists(const char *path)
{
        struct stat st;

        return stat(path, &st) == 0 && S_ISSOCK(st.st_mode) ? 1 : 0;
}

/*
 * Polled, not watched: closing an inotify descriptor waits for an SRCU grace period (the
 * kernel's fsnotify_destroy_group), 15 to 30 ms measured here, longer than the whole wait.
 * A stat costs about a microsecond. OVS makes the socket 0.2 to 2 ms after its transaction
 * (in a quarter of the ADDs it is not there yet when ADD has made the pod's side): a sleep
 * of 0.5 ms added 0.25 ms on average to those; every 0.1 ms for the first 20 ms (some 10 us
 * of CPU a round), every 0.5 ms to 100 ms, every 5 ms after that.
 */
int osvif_vhu_socket_wait(const char *path, int timeout_ms)
{
        int64_t start = osvif_now_ms(), deadline = start + timeout_ms;

        while (!osvif_vhu_socket_exists(path)) {
                int64_t now = osvif_now_ms();
                struct timespec pause = { 0, now - start < 20    ? 100000
                                             : now - start < 100 ? 500000
                                                                 : 5000000 };

                if (now >= deadline)
                        return 0;
                nanosleep(&pause, NULL);
        }
        return 1;
}

/* NLMSG_NEXT and RTA_NEXT without their casts from char * (clang's -Wcast-align) */
static const struct nlmsghdr *next_msg(const struct nlmsghdr *h, size_t *n)
{
        size_t step = NLMSG_ALIGN(h->nlmsg_len);

        *n = step < *n ? *n - step : 0;
        return (const void *)((const unsigned char *)h + step);
}

static const struct rtattr *next_attr(const struct rtattr *a, size_t *n)
{
        size_t step = RTA_ALIGN(a->rta_len);

        *n = step < *n ? *n - step : 0;
        return (const void *)((const unsigned char *)a + step);
}

/* One answer of a sock_diag dump: 1 on a listener bound to ino on dev, 0, or -errno. */
static int listener_in(const struct nlmsghdr *h, size_t n, const struct stat *st, bool *done)
{
        int found = 0;

        for (; NLMSG_OK(h, n); h = next_msg(h, &n)) {
                const struct unix_diag_msg *m = NLMSG_DATA(h);
                const struct rtattr *a;
                size_t len;

                if (h->nlmsg_type == NLMSG_DONE) {
                        *done = true;
                        return found;
                }
                if (h->nlmsg_type == NLMSG_ERROR) {
                        const struct nlmsgerr *e = NLMSG_DATA(h);

                        *done = true;
                        return e->error ? e->error : -EPROTO;
                }
                if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) || m->udiag_state != 10 /* LISTEN */)
                        continue;
                len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
                for (a = (const void *)(m + 1); RTA_OK(a, len); a = next_attr(a, &len)) {
                        const struct unix_diag_vfs *v = RTA_DATA(a);

                        /* the kernel's dev_t: major above bit 20 */
                        if (a->rta_type == UNIX_DIAG_VFS && RTA_PAYLOAD(a) >= sizeof(*v) &&
                            v->udiag_vfs_ino == st->st_ino &&
                            v->udiag_vfs_dev >> 20 == major(st->st_dev) &&
                            (v->udiag_vfs_dev & 0xfffff) == minor(st->st_dev))
                                found = 1;
                }
        }
        return found;
}

int osvif_vhu_socket_listening(const char *path)
{
        struct {
                struct nlmsghdr h;
                struct unix_diag_req r;
        } req = {
                .h = { .nlmsg_len = sizeof(req),
                       .nlmsg_type = SOCK_DIAG_BY_FAMILY,
                       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
                       .nlmsg_seq = 1 },
                /* the kernel filters by state: listening sockets only, with their file */
                .r = { .sdiag_family = AF_UNIX,
                       .udiag_states = 1u << 10 /* TCP_LISTEN */,
                       .udiag_show = UDIAG_SHOW_VFS },
        };
        _cleanup_close_ int fd = -1;
        struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
        long buf[8192 / sizeof(long)];
        struct stat st;
        bool done = false;
        int found = 0;

        if (stat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
                return 0;
        fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        if (fd < 0)
                return -errno;
        if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
                return -errno;
        while (!done) {
                ssize_t n = recv(fd, buf, sizeof(buf), 0);
                int r;

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return n < 0 ? -errno : -EPROTO;
                r = listener_in((const struct nlmsghdr *)buf, (size_t)n, &st, &done);
                if (r < 0)
                        return r;
                found |= r;
        }
        return found;
}

/* ---- the placeholder ---- */

static const char *const placeholder_kinds[] = { "dummy", "ifb", NULL };

bool osvif_vhu_placeholder_kind(const char *kind)
{
        for (size_t i = 0; placeholder_kinds[i]; i++)
                if (strcmp(kind, placeholder_kinds[i]) == 0)
                        return true;
        return false;
}

static int add_link(struct osvif_nl *nl, const char *kind, const char *name, const uint8_t mac[6],
                    unsigned mtu)
{
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
        _cleanup_nlmsg_ struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE |
                                                                                   NLM_F_EXCL |
                                                                                   NLM_F_ACK);
        struct nlattr *li;

        if (!m || nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
            nla_put_string(m, IFLA_IFNAME, name) < 0 || nla_put(m, IFLA_ADDRESS, 6, mac) < 0 ||
            (mtu && nla_put_u32(m, IFLA_MTU, mtu) < 0) ||
            !(li = nla_nest_start(m, IFLA_LINKINFO)) || nla_put_string(m, IFLA_INFO_KIND, kind) < 0)
                return -ENOMEM;
        nla_nest_end(m, li);
        return osvif_nl_transact(nl, m);
}

int osvif_vhu_add_placeholder(struct osvif_nl *nl, const char *name, const uint8_t mac[6],
                              unsigned mtu, const char **ret_kind, osvif_error_t *err)
{
        int r = -EOPNOTSUPP;

        for (size_t i = 0; placeholder_kinds[i]; i++) {
                r = add_link(nl, placeholder_kinds[i], name, mac, mtu);
                /* a kernel without the driver answers EOPNOTSUPP: try the next kind */
                if (r == -EOPNOTSUPP)
                        continue;
                if (r == -ENOMEM)
                        return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
                if (r < 0)
                        return osvif_nl_error(nl, -r, err, "add placeholder %s \"%s\"",
                                              placeholder_kinds[i], name);
                *ret_kind = placeholder_kinds[i];
                return 0;
        }
        return osvif_error_set(err, OSVIF_ERR_UNSUPPORTED, EOPNOTSUPP,
                               "add placeholder \"%s\": the kernel has neither a dummy nor an "
                               "ifb driver",
                               name);
}

/* ---- Kata's entries ---- */

void osvif_vhu_kata_dir(const struct osvif_ip *ip, char buf[OSVIF_VHU_PATH_MAX])
{
        char a[OSVIF_IP_STRLEN];

        snprintf(buf, OSVIF_VHU_PATH_MAX, "%s%s", OSVIF_VHU_KATA_PREFIX, osvif_ip_format(ip, a));
}

static void entry_path(const char *dir, char buf[PATH_MAX])
{
        snprintf(buf, PATH_MAX, "%s/%s", dir, OSVIF_VHU_KATA_SOCKET);
}

int osvif_vhu_kata_add(const char *dir, const char *socket, gid_t gid, bool has_gid,
                       osvif_error_t *err)
{
        char link[PATH_MAX];

        /* mode before anyone can open it: mkdir's mode is umask-filtered, never widened */
        if (mkdir(dir, 0700) < 0) {
                if (errno == EEXIST)
                        return osvif_error_set(err, OSVIF_ERR_EXISTS, EEXIST,
                                               "kata vhost-user entry \"%s\" already exists "
                                               "(another attachment has this IP?)",
                                               dir);
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno, "create \"%s\"", dir);
        }
        if (has_gid && (chown(dir, 0, gid) < 0 || chmod(dir, 0750) < 0))
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno, "give \"%s\" to group %u",
                                             dir, (unsigned)gid);
        entry_path(dir, link);
        if (symlink(socket, link) < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno, "link \"%s\" to \"%s\"",
                                             link, socket);
        return 0;
}

int osvif_vhu_kata_ok(const char *dir, const char *socket)
{
        char link[PATH_MAX], target[PATH_MAX];
        ssize_t n;

        entry_path(dir, link);
        n = readlink(link, target, sizeof(target) - 1);
        if (n < 0)
                return 0;
        target[n] = '\0';
        return strcmp(target, socket) == 0 ? 1 : 0;
}

int osvif_vhu_kata_del(const char *dir, const char *socket, osvif_error_t *err)
{
        char link[PATH_MAX];
        struct stat st;

        if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
                return 0; /* gone, or not ours */
        entry_path(dir, link);
        /* only our symlink: a socket or anything else there is someone else's */
        if (osvif_vhu_kata_ok(dir, socket) && unlink(link) < 0 && errno != ENOENT)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno, "remove \"%s\"", link);
        if (rmdir(dir) < 0 && errno != ENOENT && errno != ENOTEMPTY && errno != EEXIST)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno, "remove \"%s\"", dir);
        return 0;
}

/* ---- state files ---- */

#define STATE_SUBDIR "vhostuser"

/* Network names and container ids have no '+' (CNI's rules): the name splits back. */
static int state_name(const char *network, const char *cid, const char *ifname, char buf[PATH_MAX],
                      osvif_error_t *err)
{
        int n = snprintf(buf, PATH_MAX, STATE_SUBDIR "/%s+%s+%s.json", network, cid, ifname);

        if (n < 0 || n >= PATH_MAX)
                return osvif_error_set(err, OSVIF_ERR_STATE, ENAMETOOLONG,
                                       "state file name for \"%s\" is too long", cid);
        return 0;
}

static cJSON *state_json(const char *network, const char *cid, const char *ifname,
                         const struct osvif_vhu_state *st)
{
        cJSON *o = cJSON_CreateObject(), *dirs = cJSON_CreateArray();
        int r = osvif_json_add_string(o, "network", network) |
                osvif_json_add_string(o, "containerID", cid) |
                osvif_json_add_string(o, "ifname", ifname) |
                osvif_json_add_string(o, "socket", st->socket);

        if (st->fp_netdev[0])
                r |= osvif_json_add_string(o, "fpNetdev", st->fp_netdev) |
                     osvif_json_add_string(o, "fpMaster", st->fp_master);

        for (size_t i = 0; i < st->n_dirs; i++)
                r |= osvif_json_append(dirs, cJSON_CreateString(st->dirs[i]));
        r |= osvif_json_add_item(o, "dirs", dirs);
        if (!o || r < 0) {
                cJSON_Delete(o);
                return NULL;
        }
        return o;
}

int osvif_vhu_state_write(const char *network, const char *cid, const char *ifname,
                          const struct osvif_vhu_state *st, osvif_error_t *err)
{
        char name[PATH_MAX];
        _cleanup_cjson_ cJSON *o = state_json(network, cid, ifname, st);
        _cleanup_free_ char *text = o ? cJSON_PrintUnformatted(o) : NULL;

        if (!text)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        if (state_name(network, cid, ifname, name, err) < 0)
                return -1;
        return osvif_state_write(name, text, strlen(text), err);
}

static int copy_field(char *dst, const cJSON *o, const char *key)
{
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

        if (!cJSON_IsString(v) || strlen(v->valuestring) >= OSVIF_VHU_PATH_MAX)
                return -1;
        strcpy(dst, v->valuestring);
        return 0;
}

int osvif_vhu_state_read(const char *network, const char *cid, const char *ifname,
                         struct osvif_vhu_state *ret, osvif_error_t *err)
{
        char name[PATH_MAX];
        _cleanup_free_ char *buf = NULL;
        _cleanup_cjson_ cJSON *o = NULL;
        const cJSON *d;
        size_t n;
        int r;

        if (state_name(network, cid, ifname, name, err) < 0)
                return -1;
        r = osvif_state_read(name, &buf, &n, err);
        if (r <= 0)
                return r;
        o = cJSON_ParseWithLength(buf, n);
        memset(ret, 0, sizeof(*ret));
        if (!o || copy_field(ret->socket, o, "socket") < 0)
                return osvif_error_set(err, OSVIF_ERR_STATE, 0, "state file \"%s/%s\" is damaged",
                                       osvif_state_dir(), name);
        d = cJSON_GetObjectItemCaseSensitive(o, "fpNetdev");
        if (cJSON_IsString(d) && strlen(d->valuestring) < sizeof(ret->fp_netdev)) {
                const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "fpMaster");

                strcpy(ret->fp_netdev, d->valuestring);
                if (cJSON_IsString(m) && strlen(m->valuestring) < sizeof(ret->fp_master))
                        strcpy(ret->fp_master, m->valuestring);
        }
        cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(o, "dirs")) {
                if (ret->n_dirs >= OSVIF_VHU_MAX_ENTRIES || !cJSON_IsString(d) ||
                    osvif_vhu_path_check(d->valuestring, "dirs", err) < 0 ||
                    strncmp(d->valuestring, OSVIF_VHU_KATA_PREFIX, strlen(OSVIF_VHU_KATA_PREFIX)))
                        return osvif_error_set(err, OSVIF_ERR_STATE, 0,
                                               "state file \"%s/%s\" is damaged", osvif_state_dir(),
                                               name);
                strcpy(ret->dirs[ret->n_dirs++], d->valuestring);
        }
        return 1;
}

int osvif_vhu_state_remove(const char *network, const char *cid, const char *ifname,
                           osvif_error_t *err)
{
        char name[PATH_MAX];

        /* the vhostuser/ directory goes with the last state file (osvif_state_remove) */
        if (state_name(network, cid, ifname, name, err) < 0)
                return -1;
        return osvif_state_remove(name, err);
}

struct vhu_walk {
        const char *network;
        int (*fn)(const char *cid, const char *ifname, void *userdata);
        void *userdata;
};

static int on_state_file(const char *file, void *data)
{
        struct vhu_walk *w = data;
        size_t nlen = strlen(w->network);
        char name[256], *cid, *ifname, *dot;

        /* <network>+<cid>+<ifname>.json */
        if (strncmp(file, w->network, nlen) != 0 || file[nlen] != '+')
                return 0;
        snprintf(name, sizeof(name), "%s", file + nlen + 1);
        dot = strrchr(name, '.');
        cid = name;
        ifname = strchr(name, '+');
        if (!dot || strcmp(dot, ".json") != 0 || !ifname)
                return 0;
        *dot = '\0';
        *ifname++ = '\0';
        return w->fn(cid, ifname, w->userdata);
}

int osvif_vhu_state_foreach(const char *network,
                            int (*fn)(const char *cid, const char *ifname, void *userdata),
                            void *userdata, osvif_error_t *err)
{
        struct vhu_walk w = { network, fn, userdata };

        return osvif_state_foreach(STATE_SUBDIR, on_state_file, &w, err);
}
