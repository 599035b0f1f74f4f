/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/lldpad.h"
#include "backend/macvlan.h"
#include "backend/sysfs.h"
#include "plan/steps.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/lock.h"
#include "util/log.h"

/*
 * VIFDirect: a macvlan (or macvtap) on the lower device, created directly in the pod's
 * namespace, and the lower device's port-profile association (802.1Qbh). Nothing of the pod
 * side is on the host; what DEL must undo there without the netns (an association) is
 * recorded in a state file first.
 */

/* Kata opens /dev/tap<ifindex>: devtmpfs names are global, ifindexes per namespace. Kata's
 * own macvtaps take an index from 8192 up so as not to meet the host's; ours do too. */
#define MACVTAP_IFINDEX_BASE 8192
#define MACVTAP_IFINDEX_SPAN 65536
#define MACVTAP_TRIES 8

/* ---- the lower device ---- */

static int resolve_lower(struct osvif_exec *x, const struct osvif_step *s, osvif_error_t *err)
{
        struct osvif_link_info info;
        char name[IF_NAMESIZE];
        int r;

        if (x->lower_ifindex > 0)
                return 0;
        if (s->u.direct.lower[0])
                memcpy(name, s->u.direct.lower, sizeof(name));
        else if (osvif_sysfs_pci_netdev(s->u.direct.dev_address, name, err) < 0)
                return osvif_error_wrap(err, "vif.dev_address");
        r = osvif_link_get(x->host_nl, name, 0, &info, err);
        if (r < 0)
                return -1;
        if (r == 0)
                return osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                       "lower device \"%s\"%s%s%s is missing", name,
                                       s->u.direct.lower[0] ? "" : " (vif.dev_address \"",
                                       s->u.direct.lower[0] ? "" : s->u.direct.dev_address,
                                       s->u.direct.lower[0] ? "" : "\")");
        memcpy(x->lower, name, sizeof(x->lower));
        x->lower_ifindex = info.ifindex;
        x->lower_mtu = info.mtu;
        return 0;
}

/* ---- state files: "<owner>.<kind>.json" under the state dir, written atomically ---- */

static int state_path(const struct osvif_plan *p, const char *kind, char *buf, size_t size)
{
        int n = snprintf(buf, size, "%s/%s.%s.json", osvif_state_dir(), p->owner, kind);

        return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int state_write(const struct osvif_plan *p, const char *kind, const cJSON *doc,
                       osvif_error_t *err)
{
        _cleanup_free_ char *text = osvif_json_print(doc);
        char path[4096], tmp[4200];
        _cleanup_close_ int fd = -1;
        size_t len;

        if (!text || state_path(p, kind, path, sizeof(path)) < 0)
                return osvif_error_set(err, OSVIF_ERR_STATE, ENOMEM, "state file for \"%s\"",
                                       p->owner);
        if (mkdir(osvif_state_dir(), 0700) < 0 && errno != EEXIST)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno,
                                             "create state directory \"%s\"", osvif_state_dir());
        snprintf(tmp, sizeof(tmp), "%s.tmp", path);
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno, "write \"%s\"", tmp);
        len = strlen(text);
        /* complete on disk before it takes the real name: a reader sees all or nothing */
        if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0 || rename(tmp, path) < 0) {
                int e = errno;

                unlink(tmp);
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, e, "write \"%s\"", path);
        }
        return 0;
}

/* 1 and *ret when there is a state file, 0 when none, -1 when it cannot be read. */
static int state_read(const struct osvif_plan *p, const char *kind, cJSON **ret, osvif_error_t *err)
{
        _cleanup_fclose_ FILE *f = NULL;
        char path[4096], buf[8192];
        size_t n;

        if (state_path(p, kind, path, sizeof(path)) < 0)
                return 0;
        f = fopen(path, "re");
        if (!f)
                return errno == ENOENT ? 0
                                       : osvif_error_set_errno(err, OSVIF_ERR_STATE, errno,
                                                               "read \"%s\"", path);
        n = fread(buf, 1, sizeof(buf), f);
        *ret = osvif_json_parse(buf, n, err);
        if (!*ret) {
                err->code = OSVIF_ERR_STATE;
                return osvif_error_wrap(err, "state file \"%s\"", path);
        }
        return 1;
}

static void state_remove(const struct osvif_plan *p, const char *kind)
{
        char path[4096];

        if (state_path(p, kind, path, sizeof(path)) == 0)
                (void)unlink(path); /* gone already is as good */
}

/* ---- MACVLAN ---- */

static bool is_passthru(const struct osvif_plan *p)
{
        for (size_t k = 0; k < p->n_steps; k++)
                if (p->steps[k].ops == &osvif_step_macvlan_ops)
                        return p->steps[k].u.direct.mode == OSVIF_MACVLAN_PASSTHRU;
        return false;
}

static unsigned direct_mtu(const struct osvif_exec *x)
{
        return x->plan->mtu ? x->plan->mtu : x->lower_mtu;
}

static int create_link(struct osvif_exec *x, const struct osvif_step *s, osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        bool passthru = s->u.direct.mode == OSVIF_MACVLAN_PASSTHRU;
        struct osvif_macvlan_opts o = {
                .name = p->pod_tmpname,
                .macvtap = s->u.direct.macvtap,
                .vlan_id = s->u.direct.vlan_id,
                .lower = x->lower_ifindex,
                .mode = s->u.direct.mode,
                .netns_fd = x->pod_ns,
                /* passthru: the kernel gives the link the lower device's MAC whatever we ask */
                .mac = passthru ? NULL : p->mac,
                .mtu = direct_mtu(x),
        };

        for (int t = 0;; t++) {
                uint32_t rnd = 0;

                if (o.macvtap) {
                        if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
                                rnd = (uint32_t)getpid() + (uint32_t)t;
                        o.ifindex = MACVTAP_IFINDEX_BASE + (int)(rnd % MACVTAP_IFINDEX_SPAN);
                }
                if (osvif_macvlan_add(x->host_nl, &o, x->lower, err) == 0)
                        return 0;
                /* that index is taken in the pod, or its /dev/tapN on the host: another */
                if (!o.macvtap || t + 1 >= MACVTAP_TRIES ||
                    (err->errnum != EEXIST && err->errnum != EBUSY))
                        return -1;
                osvif_error_clear(err);
        }
}

static void macvlan_undo(struct osvif_exec *x, const struct osvif_step *s, size_t i);

static int macvlan_apply(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                         osvif_error_t *err)
{
        struct osvif_plan *p = x->plan;
        struct osvif_link_change c = OSVIF_LINK_CHANGE_INIT;
        struct osvif_link_info info;
        struct osvif_nl *nl;
        int r;

        if (resolve_lower(x, s, err) < 0)
                return -1;
        if (p->mtu > x->lower_mtu)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "vif.network.mtu: %u is above the MTU of lower device "
                                       "\"%s\" (%u)",
                                       p->mtu, x->lower, x->lower_mtu);
        nl = osvif_exec_pod_nl(x, err);
        if (!nl || create_link(x, s, err) < 0)
                return -1;
        x->created[i] = true;
        r = osvif_link_get(nl, p->pod_tmpname, 0, &info, err);
        if (r <= 0) {
                if (r == 0)
                        osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                        "new link \"%s\" vanished from \"%s\"", p->pod_tmpname,
                                        p->req->netns);
                goto fail;
        }
        x->pod_ifindex = info.ifindex;
        /* the owner at once (the kernel ignores an alias at creation): a DEL finds it */
        c.alias = p->owner;
        /* passthru: setting the MAC sets the lower device's; the kernel gives the lower
         * device its own back when the link goes, with the pod's netns or by DEL */
        if (s->u.direct.mode == OSVIF_MACVLAN_PASSTHRU && p->has_mac &&
            memcmp(info.mac, p->mac, 6) != 0)
                c.mac = p->mac;
        if (osvif_link_change(nl, info.ifindex, &c, err) < 0)
                goto fail;
        memcpy(x->pod_mac, c.mac ? c.mac : info.mac, 6);
        x->pod_mtu = info.mtu;
        return 0;
fail:
        macvlan_undo(x, s, i);
        return -1;
}

static void macvlan_undo(struct osvif_exec *x, const struct osvif_step *s, size_t i)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;
        struct osvif_nl *nl;

        if (!x->created[i])
                return;
        nl = osvif_exec_pod_nl(x, &ignored);
        /* by index: POD_LINK may have renamed it already */
        if (nl && x->pod_ifindex > 0)
                osvif_link_del(nl, x->pod_ifindex, &ignored);
        else if (nl)
                osvif_link_del_by_name(nl, x->plan->pod_tmpname, &ignored);
        x->created[i] = false;
        osvif_error_clear(&ignored);
}

static int macvlan_check(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                         osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        const char *kind = s->u.direct.vlan_id   ? "vlan"
                           : s->u.direct.macvtap ? "macvtap"
                                                 : "macvlan";
        struct osvif_link_info info;
        struct osvif_nl *nl;
        unsigned mode = 0;
        int r;

        if (resolve_lower(x, s, err) < 0 || !(nl = osvif_exec_pod_nl(x, err)))
                return -1;
        r = osvif_link_get(nl, p->pod_ifname, 0, &info, err);
        if (r < 0)
                return -1;
        if (r == 0 || strcmp(info.kind, kind) != 0)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "interface \"%s\" in \"%s\" is %s%s, not a %s",
                                       p->pod_ifname, p->req->netns, r ? "a " : "missing",
                                       r ? (info.kind[0] ? info.kind : "device") : "", kind);
        if (osvif_macvlan_get_mode(nl, info.ifindex, &mode, err) < 0)
                return -1;
        if (s->u.direct.vlan_id && mode != s->u.direct.vlan_id)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "vlan \"%s\" has VLAN id %u, not %u", p->pod_ifname, mode,
                                       s->u.direct.vlan_id);
        if (!s->u.direct.vlan_id && mode != s->u.direct.mode)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0, "%s \"%s\" is in mode %s, not %s",
                                       kind, p->pod_ifname, osvif_macvlan_mode_name(mode),
                                       osvif_macvlan_mode_name(s->u.direct.mode));
        /* IFLA_LINK is the lower device's index in its own (our) namespace */
        if (info.link != x->lower_ifindex)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "%s \"%s\" is not on lower device \"%s\"", kind,
                                       p->pod_ifname, x->lower);
        if (p->has_mac && memcmp(info.mac, p->mac, 6) != 0)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "%s \"%s\" does not have the VIF's MAC", kind,
                                       p->pod_ifname);
        if (info.mtu != direct_mtu(x))
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0, "%s \"%s\" has MTU %u, not %u",
                                       kind, p->pod_ifname, info.mtu, direct_mtu(x));
        return 0;
}

static int direct_describe(const struct osvif_plan *p, const struct osvif_step *s, cJSON *o)
{
        int r = 0;

        if (s->u.direct.lower[0])
                r |= osvif_json_add_string(o, "lower", s->u.direct.lower);
        else
                r |= osvif_json_add_string(o, "devAddress", s->u.direct.dev_address);
        if (s->ops == &osvif_step_qbh_ops || s->ops == &osvif_step_qbg_ops)
                return r;
        if (s->u.direct.vlan_dev[0])
                r |= osvif_json_add_string(o, "vlanDevice", s->u.direct.vlan_dev);
        if (s->ops == &osvif_step_vlan_dev_ops)
                return r | (s->u.direct.vlan ? osvif_json_add_int(o, "vlan", s->u.direct.vlan) : 0);
        if (s->u.direct.vlan_id) {
                r |= osvif_json_add_string(o, "kind", "vlan");
                r |= osvif_json_add_int(o, "vlan", s->u.direct.vlan_id);
        } else {
                r |= osvif_json_add_string(o, "kind", s->u.direct.macvtap ? "macvtap" : "macvlan");
                r |= osvif_json_add_string(o, "mode", osvif_macvlan_mode_name(s->u.direct.mode));
        }
        r |= osvif_json_add_string(o, "pod", p->pod_tmpname);
        r |= osvif_json_add_string(o, "netns", p->req->netns);
        return r;
}

/* the pod link goes by owner with POD_LINK on DEL, or with the pod's netns */
const struct osvif_step_ops osvif_step_macvlan_ops = {
        .name = "macvlan",
        .describe = direct_describe,
        .apply = macvlan_apply,
        .undo = macvlan_undo,
        .check = macvlan_check,
};

/* ---- VLAN: VIFDirect's vlan_name, a VLAN device on the host shared by its pods ---- */

#define VLAN_LOCK_TIMEOUT_MS 30000
#define VLAN_MARK "osvif-vlan" /* alias of the VLAN devices osvif made (not an owner: shared) */

/*
 * Who uses a shared VLAN device: one state file "<owner>.vlan.json" per attachment, naming
 * it. Each user's record is its own atomic file, so no count can be torn; the device goes when
 * the last record naming it goes. Both happen under the device's lock.
 */
struct vlan_users {
        const char *device;
        unsigned n;
};

static int count_user(const char *path, void *data)
{
        struct vlan_users *u = data;
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char buf[1024];
        size_t n;
        _cleanup_cjson_ cJSON *doc = NULL;
        const cJSON *d;

        if (!f)
                return 0;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = '\0';
        doc = cJSON_ParseWithLength(buf, n);
        d = cJSON_GetObjectItemCaseSensitive(doc, "device");
        if (cJSON_IsString(d) && strcmp(d->valuestring, u->device) == 0)
                u->n++;
        return 0;
}

static void foreach_vlan_record(int (*fn)(const char *path, void *data), void *data)
{
        DIR *d = opendir(osvif_state_dir());
        struct dirent *e;

        if (!d)
                return;
        while ((e = readdir(d))) {
                size_t n = strlen(e->d_name);
                char path[4096];

                if (n < 10 || strcmp(e->d_name + n - 10, ".vlan.json") != 0)
                        continue;
                snprintf(path, sizeof(path), "%s/%s", osvif_state_dir(), e->d_name);
                fn(path, data);
        }
        closedir(d);
}

static int lock_vlan(struct osvif_lock *l, const char *device, osvif_error_t *err)
{
        char key[64];

        snprintf(key, sizeof(key), "vlan-%s", device);
        return osvif_lock_take(l, key, VLAN_LOCK_TIMEOUT_MS, err);
}

/* Under the device's lock, after our record is gone: delete it if osvif made it and no one
 * else uses it. A device someone else made is never deleted. */
static int release_vlan(struct osvif_nl *nl, const char *device, osvif_error_t *err)
{
        struct vlan_users u = { device, 0 };
        struct osvif_link_info info;
        int r;

        foreach_vlan_record(count_user, &u);
        if (u.n > 0)
                return 0;
        r = osvif_link_get(nl, device, 0, &info, err);
        if (r <= 0)
                return r;
        if (strncmp(info.alias, VLAN_MARK " ", strlen(VLAN_MARK) + 1) != 0)
                return 0;
        return osvif_link_del(nl, info.ifindex, err);
}

static int vlan_record(const struct osvif_plan *p, const char *device, const char *lower,
                       osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *st = cJSON_CreateObject();

        if (!st || osvif_json_add_string(st, "device", device) < 0 ||
            osvif_json_add_string(st, "lower", lower) < 0)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        return state_write(p, "vlan", st, err);
}

/* Create the device, or join it: 0 with x->created[i] telling which. */
static int vlan_ensure(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                       struct osvif_link_info *ret, osvif_error_t *err)
{
        const char *dev = s->u.direct.vlan_dev;
        struct osvif_link_change c = OSVIF_LINK_CHANGE_INIT;
        struct osvif_macvlan_opts o = {
                .name = dev,
                .vlan_id = s->u.direct.vlan,
                .lower = x->lower_ifindex,
                .netns_fd = -1,
                .up = true,
        };
        char mark[256];
        int r = osvif_link_get(x->host_nl, dev, 0, ret, err);

        if (r != 0)
                return r < 0 ? -1 : 0;
        if (!s->u.direct.vlan)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "vif.vlan_name: \"%s\" does not exist, and without "
                                       "vif.network.vlan osvif cannot create it",
                                       dev);
        if (osvif_macvlan_add(x->host_nl, &o, x->lower, err) < 0)
                return -1;
        x->created[i] = true;
        snprintf(mark, sizeof(mark), VLAN_MARK " %s", x->plan->req->name);
        c.alias = mark;
        if (osvif_link_change_by_name(x->host_nl, dev, &c, err) < 0)
                return -1;
        r = osvif_link_get(x->host_nl, dev, 0, ret, err);
        if (r == 0)
                return osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                       "VLAN device \"%s\" vanished at once", dev);
        return r < 0 ? -1 : 0;
}

static void vlan_undo(struct osvif_exec *x, const struct osvif_step *s, size_t i);

static int vlan_apply(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                      osvif_error_t *err)
{
        _cleanup_lock_ struct osvif_lock l = OSVIF_LOCK_INIT;
        struct osvif_link_info info;

        if (resolve_lower(x, s, err) < 0 || lock_vlan(&l, s->u.direct.vlan_dev, err) < 0)
                return -1;
        /* the record first: a DEL after a kill releases what this ADD may have made */
        if (vlan_record(x->plan, s->u.direct.vlan_dev, x->lower, err) < 0)
                return -1;
        if (vlan_ensure(x, s, i, &info, err) < 0) {
                osvif_lock_release(&l);
                vlan_undo(x, s, i);
                return -1;
        }
        /* the macvlan goes on the VLAN device */
        memcpy(x->lower, info.name, sizeof(x->lower));
        x->lower_ifindex = info.ifindex;
        x->lower_mtu = info.mtu;
        return 0;
}

static void vlan_undo(struct osvif_exec *x, const struct osvif_step *s, size_t i)
{
        _cleanup_lock_ struct osvif_lock l = OSVIF_LOCK_INIT;
        osvif_error_t ignored = OSVIF_ERROR_INIT;

        if (lock_vlan(&l, s->u.direct.vlan_dev, &ignored) == 0) {
                state_remove(x->plan, "vlan");
                release_vlan(x->host_nl, s->u.direct.vlan_dev, &ignored);
        }
        osvif_error_clear(&ignored);
}

static int vlan_check(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                      osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *st = NULL;
        struct osvif_link_info info;
        unsigned id = 0;
        int r;

        if (resolve_lower(x, s, err) < 0)
                return -1;
        r = osvif_link_get(x->host_nl, s->u.direct.vlan_dev, 0, &info, err);
        if (r < 0)
                return -1;
        if (r == 0 || strcmp(info.kind, "vlan") != 0 || info.link != x->lower_ifindex)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "VLAN device \"%s\" on \"%s\" is missing",
                                       s->u.direct.vlan_dev, x->lower);
        if (s->u.direct.vlan && (osvif_macvlan_get_mode(x->host_nl, info.ifindex, &id, err) < 0 ||
                                 id != s->u.direct.vlan))
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "VLAN device \"%s\" has VLAN id %u, not %u",
                                       s->u.direct.vlan_dev, id, s->u.direct.vlan);
        r = state_read(x->plan, "vlan", &st, err);
        if (r <= 0)
                return r < 0 ? -1
                             : osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                               "this attachment is not recorded as a user of "
                                               "VLAN device \"%s\"",
                                               s->u.direct.vlan_dev);
        memcpy(x->lower, info.name, sizeof(x->lower));
        x->lower_ifindex = info.ifindex;
        x->lower_mtu = info.mtu;
        return 0;
}

/* By the record alone (no VIF on a sweep): which device, then release it. */
static int vlan_teardown(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                         osvif_error_t *err)
{
        _cleanup_lock_ struct osvif_lock l = OSVIF_LOCK_INIT;
        _cleanup_cjson_ cJSON *st = NULL;
        const char *dev = NULL;
        int r = state_read(x->plan, "vlan", &st, err);

        if (r <= 0)
                return r;
        if (osvif_json_get_string(st, "state", "device", &dev, err) < 0 || !dev ||
            strlen(dev) >= IF_NAMESIZE)
                return osvif_error_set(err, OSVIF_ERR_STATE, EINVAL,
                                       "VLAN state of \"%s\" names no device", x->plan->owner);
        if (lock_vlan(&l, dev, err) < 0)
                return -1;
        state_remove(x->plan, "vlan");
        return release_vlan(x->host_nl, dev, err);
}

const struct osvif_step_ops osvif_step_vlan_dev_ops = {
        .name = "vlan",
        .describe = direct_describe,
        .apply = vlan_apply,
        .undo = vlan_undo,
        .check = vlan_check,
        .teardown = vlan_teardown,
};

/* ---- QBH: 802.1Qbh association of the lower device's port (IFLA_PORT_SELF) ---- */

static int parse_uuid(const char *s, uint8_t out[16])
{
        size_t n = 0;

        for (; *s && n < 32; s++) {
                char c = *s;
                int v;

                if (c == '-')
                        continue;
                if (c >= '0' && c <= '9')
                        v = c - '0';
                else if (c >= 'a' && c <= 'f')
                        v = c - 'a' + 10;
                else if (c >= 'A' && c <= 'F')
                        v = c - 'A' + 10;
                else
                        return -1;
                out[n / 2] = (uint8_t)((n % 2) ? (out[n / 2] | v) : (v << 4));
                n++;
        }
        return n == 32 && !*s ? 0 : -1;
}

/* The host's UUID for IFLA_PORT_HOST_UUID: /etc/machine-id (32 hex digits). */
static bool host_uuid(uint8_t out[16])
{
        _cleanup_fclose_ FILE *f = fopen("/etc/machine-id", "re");
        char buf[64] = "";

        if (!f || !fgets(buf, sizeof(buf), f))
                return false;
        buf[strcspn(buf, "\n")] = '\0';
        return parse_uuid(buf, out) == 0;
}

static int qbh_send(struct osvif_exec *x, const char *lower, const char *profile,
                    const uint8_t *instance, uint8_t request, osvif_error_t *err)
{
        uint8_t host[16];
        struct osvif_link_info info;
        struct osvif_qbh_request q = {
                .profile = request == OSVIF_PORT_DISASSOCIATE ? NULL : profile,
                .instance_uuid = request == OSVIF_PORT_DISASSOCIATE ? NULL : instance,
                .host_uuid = request != OSVIF_PORT_DISASSOCIATE && host_uuid(host) ? host : NULL,
                .request = request,
        };
        int r = osvif_link_get(x->host_nl, lower, 0, &info, err);

        if (r <= 0)
                return r;
        q.ifindex = info.ifindex;
        return osvif_qbh_send(x->host_nl, &q, lower, err);
}

static int qbh_apply(struct osvif_exec *x, const struct osvif_step *s, size_t i, osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        const char *profile = p->vif->port_profile->profile_id;
        _cleanup_cjson_ cJSON *st = cJSON_CreateObject();
        uint8_t instance[16];

        if (!p->vif->id || parse_uuid(p->vif->id, instance) < 0)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "vif.id: \"%s\" is not a UUID (802.1Qbh sends it as the "
                                       "instance UUID)",
                                       p->vif->id ? p->vif->id : "");
        if (resolve_lower(x, s, err) < 0)
                return -1;
        /* recorded before the switch hears of it: a DEL after a kill disassociates */
        if (!st || osvif_json_add_string(st, "lower", x->lower) < 0 ||
            osvif_json_add_string(st, "profile", profile) < 0)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        if (state_write(p, "qbh", st, err) < 0)
                return -1;
        if (qbh_send(x, x->lower, profile, instance, OSVIF_PORT_ASSOCIATE, err) < 0) {
                state_remove(p, "qbh");
                return -1;
        }
        x->created[i] = true;
        return 0;
}

static void qbh_undo(struct osvif_exec *x, const struct osvif_step *s, size_t i)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;

        if (!x->created[i])
                return;
        qbh_send(x, x->lower, NULL, NULL, OSVIF_PORT_DISASSOCIATE, &ignored);
        state_remove(x->plan, "qbh");
        osvif_error_clear(&ignored);
}

static int qbh_check(struct osvif_exec *x, const struct osvif_step *s, size_t i, osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *st = NULL;
        int r = state_read(x->plan, "qbh", &st, err);

        if (r < 0)
                return -1;
        if (r == 0)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "no 802.1Qbh association is recorded for this attachment");
        return 0;
}

/* By the state file alone: the VIF, the pod and even the PCI address may be gone. */
static int qbh_teardown(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                        osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *st = NULL;
        const char *lower = NULL;
        int r = state_read(x->plan, "qbh", &st, err);

        if (r <= 0)
                return r;
        if (osvif_json_get_string(st, "state", "lower", &lower, err) < 0 || !lower)
                return osvif_error_set(err, OSVIF_ERR_STATE, 0,
                                       "802.1Qbh state of \"%s\" names no lower device",
                                       x->plan->owner);
        /* a device without port profiles holds no association: nothing to undo there */
        if (qbh_send(x, lower, NULL, NULL, OSVIF_PORT_DISASSOCIATE, err) < 0 &&
            err->errnum != EOPNOTSUPP)
                return -1;
        osvif_error_clear(err);
        state_remove(x->plan, "qbh");
        return 0;
}

const struct osvif_step_ops osvif_step_qbh_ops = {
        .name = "qbh",
        .describe = direct_describe,
        .apply = qbh_apply,
        .undo = qbh_undo,
        .check = qbh_check,
        .teardown = qbh_teardown,
};

/* ---- QBG: 802.1Qbg (VDP) association through lldpad ---- */

static const char *lldpad_pid_file(const struct osvif_plan *p)
{
        return p->conf->lldpad_pid_file ? p->conf->lldpad_pid_file : OSVIF_DEFAULT_LLDPAD_PID_FILE;
}

/* The request of the VIF's profile: the VSI's MAC is the pod link's, its VLAN network.vlan. */
static int qbg_request(struct osvif_exec *x, uint8_t mac[6], uint8_t uuid[16],
                       struct osvif_qbg_request *q, osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        const struct osvif_port_profile *pp = p->vif->port_profile;
        const struct osvif_network *net = p->vif->network;
        struct osvif_link_info lower;
        int r;

        if (!pp->instance_id || parse_uuid(pp->instance_id, uuid) < 0)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "vif.port_profile.instance_id: \"%s\" is not a UUID",
                                       pp->instance_id ? pp->instance_id : "");
        r = osvif_link_get(x->host_nl, x->lower, 0, &lower, err);
        if (r <= 0)
                return r < 0 ? -1
                             : osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                               "lower device \"%s\" is missing", x->lower);
        /* passthru without a MAC of its own: the link carries the lower device's */
        memcpy(mac, p->has_mac || !is_passthru(p) ? p->mac : lower.mac, 6);
        *q = (struct osvif_qbg_request){
                .ifindex = lower.ifindex,
                .ifname = x->lower,
                .mac = mac,
                .vlan = net && osvif_obj_is_set(&net->obj, "vlan") &&
                                        !osvif_obj_is_null(&net->obj, "vlan") && net->vlan > 0
                                ? (unsigned)net->vlan
                                : 0,
                .manager_id = (uint8_t)pp->manager_id,
                .type_id = (uint32_t)pp->type_id,
                .type_version = (uint8_t)pp->type_id_version,
                .instance_uuid = uuid,
                .request = OSVIF_PORT_ASSOCIATE,
        };
        return 0;
}

static char *hex(const uint8_t *b, size_t n, char *out)
{
        for (size_t k = 0; k < n; k++)
                sprintf(out + 2 * k, "%02x", b[k]);
        return out;
}

static int unhex(const char *s, uint8_t *b, size_t n)
{
        for (size_t k = 0; k < n; k++) {
                unsigned v;

                if (!s[2 * k] || sscanf(s + 2 * k, "%2x", &v) != 1)
                        return -1;
                b[k] = (uint8_t)v;
        }
        return s[2 * n] ? -1 : 0;
}

/* Everything a disassociation needs, for DEL and GC without the VIF. */
static int qbg_record(const struct osvif_plan *p, const struct osvif_qbg_request *q,
                      osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *st = cJSON_CreateObject();
        char m[13], u[33];
        int r = 0;

        if (!st)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        r |= osvif_json_add_string(st, "lower", q->ifname);
        r |= osvif_json_add_string(st, "mac", hex(q->mac, 6, m));
        r |= osvif_json_add_int(st, "vlan", q->vlan);
        r |= osvif_json_add_int(st, "managerId", q->manager_id);
        r |= osvif_json_add_int(st, "typeId", q->type_id);
        r |= osvif_json_add_int(st, "typeIdVersion", q->type_version);
        r |= osvif_json_add_string(st, "instance", hex(q->instance_uuid, 16, u));
        r |= osvif_json_add_string(st, "lldpadPidFile", lldpad_pid_file(p));
        if (r)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        return state_write(p, "qbg", st, err);
}

static int qbg_apply(struct osvif_exec *x, const struct osvif_step *s, size_t i, osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        struct osvif_qbg_request q;
        uint8_t mac[6], uuid[16];

        if (resolve_lower(x, s, err) < 0 || qbg_request(x, mac, uuid, &q, err) < 0)
                return -1;
        /* recorded before lldpad hears of it: a DEL after a kill disassociates */
        if (qbg_record(p, &q, err) < 0)
                return -1;
        if (osvif_qbg_associate(lldpad_pid_file(p), &q, p->conf->lldpad_timeout_ms, err) < 0) {
                state_remove(p, "qbg");
                return -1;
        }
        x->created[i] = true;
        return 0;
}

static void qbg_undo(struct osvif_exec *x, const struct osvif_step *s, size_t i)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;
        struct osvif_qbg_request q;
        uint8_t mac[6], uuid[16];

        if (!x->created[i])
                return;
        if (qbg_request(x, mac, uuid, &q, &ignored) == 0) {
                q.request = OSVIF_PORT_DISASSOCIATE;
                osvif_qbg_disassociate(lldpad_pid_file(x->plan), &q,
                                       x->plan->conf->lldpad_timeout_ms, &ignored);
        }
        state_remove(x->plan, "qbg");
        osvif_error_clear(&ignored);
}

/* By the state file alone: the VIF and the pod may be gone. */
static int qbg_teardown(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                        osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *st = NULL;
        const char *lower = NULL, *m = NULL, *u = NULL, *pid_file = NULL;
        int64_t vlan = 0, mgr = 0, type = 0, ver = 0;
        struct osvif_link_info info;
        uint8_t mac[6], uuid[16];
        struct osvif_qbg_request q;
        int r = state_read(x->plan, "qbg", &st, err);

        if (r <= 0)
                return r;
        if (osvif_json_get_string(st, "state", "lower", &lower, err) < 0 ||
            osvif_json_get_string(st, "state", "mac", &m, err) < 0 ||
            osvif_json_get_string(st, "state", "instance", &u, err) < 0 ||
            osvif_json_get_string(st, "state", "lldpadPidFile", &pid_file, err) < 0 ||
            osvif_json_get_int(st, "state", "vlan", 0, 4095, &vlan, err) < 0 ||
            osvif_json_get_int(st, "state", "managerId", 0, 255, &mgr, err) < 0 ||
            osvif_json_get_int(st, "state", "typeId", 0, 0xffffff, &type, err) < 0 ||
            osvif_json_get_int(st, "state", "typeIdVersion", 0, 255, &ver, err) < 0)
                goto bad;
        if (!lower || !m || !u || !pid_file || unhex(m, mac, 6) < 0 || unhex(u, uuid, 16) < 0)
                goto bad;
        r = osvif_link_get(x->host_nl, lower, 0, &info, err);
        if (r < 0)
                return -1;
        q = (struct osvif_qbg_request){
                .ifindex = r ? info.ifindex : 0,
                .ifname = lower,
                .mac = mac,
                .vlan = (unsigned)vlan,
                .manager_id = (uint8_t)mgr,
                .type_id = (uint32_t)type,
                .type_version = (uint8_t)ver,
                .instance_uuid = uuid,
                .request = OSVIF_PORT_DISASSOCIATE,
        };
        if (osvif_qbg_disassociate(pid_file, &q, x->plan->conf->lldpad_timeout_ms, err) < 0)
                return -1;
        state_remove(x->plan, "qbg");
        return 0;
bad:
        return osvif_error_set(err, OSVIF_ERR_STATE, EINVAL,
                               "802.1Qbg state of \"%s\" is incomplete or malformed",
                               x->plan->owner);
}

static int qbg_check(struct osvif_exec *x, const struct osvif_step *s, size_t i, osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *st = NULL;
        int r = state_read(x->plan, "qbg", &st, err);

        if (r < 0)
                return -1;
        if (r == 0)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "no 802.1Qbg association is recorded for this attachment");
        return 0;
}

const struct osvif_step_ops osvif_step_qbg_ops = {
        .name = "qbg",
        .describe = direct_describe,
        .apply = qbg_apply,
        .undo = qbg_undo,
        .check = qbg_check,
        .teardown = qbg_teardown,
};
