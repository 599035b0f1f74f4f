/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/lldpad.h"
#include "backend/macvlan.h"
#include "util/sysfs.h"
#include "plan/direct.h"
#include "plan/steps.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/lock.h"
#include "util/log.h"
#include "util/state.h"

/*
 * VIFDirect: a macvlan (or macvtap, or kuryr's VLAN device) on the lower device, created
 * directly in the pod's namespace, and the shared VLAN device of vlan_name under it. Nothing of
 * the pod side is on the host; what DEL must undo there without the netns (a share of a VLAN
 * device, a port-profile association: plan/steps_portprofile.c) is recorded in a state file
 * first.
 */

/* Kata opens /dev/tap<ifindex>: devtmpfs names are global, ifindexes per namespace. Kata's
 * own macvtaps take an index from 8192 up so as not to meet the host's; ours do too. */
#define MACVTAP_IFINDEX_BASE 8192
#define MACVTAP_IFINDEX_SPAN 65536
#define MACVTAP_TRIES 8

/* ---- the lower device ---- */

int osvif_direct_resolve_lower(struct osvif_exec *x, const struct osvif_step *s, osvif_error_t *err)
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

/* ---- state files: "<owner>.<kind>.json" in the state dir (util/state.h) ---- */

static int state_name(const struct osvif_plan *p, const char *kind, char *buf, size_t size)
{
        int n = snprintf(buf, size, "%s.%s.json", p->owner, kind);

        return n < 0 || (size_t)n >= size ? -1 : 0;
}

int osvif_direct_state_write(const struct osvif_plan *p, const char *kind, const cJSON *doc,
                             osvif_error_t *err)
{
        _cleanup_free_ char *text = osvif_json_print(doc);
        char name[512];

        if (!text || state_name(p, kind, name, sizeof(name)) < 0)
                return osvif_error_set(err, OSVIF_ERR_STATE, ENOMEM, "state file for \"%s\"",
                                       p->owner);
        return osvif_state_write(name, text, strlen(text), err);
}

/* 1 and *ret when there is a state file, 0 when none, -1 when it cannot be read. */
int osvif_direct_state_read(const struct osvif_plan *p, const char *kind, cJSON **ret,
                            osvif_error_t *err)
{
        _cleanup_free_ char *text = NULL;
        char name[512];
        size_t n;
        int r;

        if (state_name(p, kind, name, sizeof(name)) < 0)
                return 0;
        r = osvif_state_read(name, &text, &n, err);
        if (r <= 0)
                return r;
        *ret = osvif_json_parse(text, n, err);
        if (!*ret) {
                err->code = OSVIF_ERR_STATE;
                return osvif_error_wrap(err, "state file \"%s/%s\"", osvif_state_dir(), name);
        }
        return 1;
}

void osvif_direct_state_remove(const struct osvif_plan *p, const char *kind)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;
        char name[512];

        /* gone already is as good */
        if (state_name(p, kind, name, sizeof(name)) == 0)
                (void)osvif_state_remove(name, &ignored);
        osvif_error_clear(&ignored);
}

/* ---- MACVLAN ---- */

bool osvif_direct_is_passthru(const struct osvif_plan *p)
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

        if (osvif_direct_resolve_lower(x, s, err) < 0)
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
        if (!x->created[i])
                return;
        osvif_exec_undo_pod_link(x);
        x->created[i] = false;
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

        if (osvif_direct_resolve_lower(x, s, err) < 0 || !(nl = osvif_exec_pod_nl(x, err)))
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

int osvif_direct_describe(const struct osvif_plan *p, const struct osvif_step *s, cJSON *o)
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

/* created in the pod under its fresh temporary name, which is ours until the rename */
static void macvlan_intent(const struct osvif_plan *p, const struct osvif_step *s,
                           struct osvif_intent *in)
{
        osvif_intent_add_pod(in, p->pod_tmpname);
}

/* the pod link goes by owner with POD_LINK on DEL, or with the pod's netns */
const struct osvif_step_ops osvif_step_macvlan_ops = {
        .name = "macvlan",
        .intent = macvlan_intent,
        .describe = osvif_direct_describe,
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

static int count_user(const char *name, void *data)
{
        struct vlan_users *u = data;
        osvif_error_t ignored = OSVIF_ERROR_INIT;
        _cleanup_free_ char *text = NULL;
        _cleanup_cjson_ cJSON *doc = NULL;
        const cJSON *d;
        size_t n = strlen(name);

        if (n < 10 || strcmp(name + n - 10, ".vlan.json") != 0)
                return 0;
        if (osvif_state_read(name, &text, &n, &ignored) <= 0) {
                osvif_error_clear(&ignored);
                return 0;
        }
        doc = cJSON_ParseWithLength(text, n);
        d = cJSON_GetObjectItemCaseSensitive(doc, "device");
        if (cJSON_IsString(d) && strcmp(d->valuestring, u->device) == 0)
                u->n++;
        return 0;
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

        if (osvif_state_foreach(NULL, count_user, &u, err) < 0)
                return -1;
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
        return osvif_direct_state_write(p, "vlan", st, err);
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

        if (osvif_direct_resolve_lower(x, s, err) < 0 ||
            lock_vlan(&l, s->u.direct.vlan_dev, err) < 0)
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
                osvif_direct_state_remove(x->plan, "vlan");
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

        if (osvif_direct_resolve_lower(x, s, err) < 0)
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
        r = osvif_direct_state_read(x->plan, "vlan", &st, err);
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
        int r = osvif_direct_state_read(x->plan, "vlan", &st, err);

        if (r <= 0)
                return r;
        if (osvif_json_get_string(st, "state", "device", &dev, err) < 0 || !dev ||
            strlen(dev) >= IF_NAMESIZE)
                return osvif_error_set(err, OSVIF_ERR_STATE, EINVAL,
                                       "VLAN state of \"%s\" names no device", x->plan->owner);
        if (lock_vlan(&l, dev, err) < 0)
                return -1;
        osvif_direct_state_remove(x->plan, "vlan");
        return release_vlan(x->host_nl, dev, err);
}

const struct osvif_step_ops osvif_step_vlan_dev_ops = {
        .name = "vlan",
        .describe = osvif_direct_describe,
        .apply = vlan_apply,
        .undo = vlan_undo,
        .check = vlan_check,
        .teardown = vlan_teardown,
};
