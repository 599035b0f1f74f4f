/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backend/bridge.h"
#include "plan/steps.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/log.h"

/* Host-side steps: Linux bridges and veths. Pod-side steps are in steps_pod.c. */

#define BRIDGE_LOCK_TIMEOUT_MS 30000

/*
 * A shared bridge's lock ("bridge-<name>") has two modes:
 *
 * - shared: "I rely on this bridge and have no port on it yet". Held by an ADD from the
 *   moment it finds the bridge up until its port is on it (end of VETH). Any number of ADDs
 *   hold it at once: an ADD onto a bridge that is there waits for nobody.
 * - exclusive: "I change whether the bridge exists or is up". Held to create the bridge or
 *   bring it up (until our port is on it, so that no one sees it before it is usable and a
 *   failure can still remove it), and to undo either.
 *
 * Why an undo never removes or downs a bridge another pod uses: every pod that uses the
 * bridge either has a port on it or is between finding it and putting its port on it, and
 * then holds the lock shared. The undo holds it exclusively, so the second kind does not
 * exist while it looks, and counts the first kind before it changes anything.
 */
static void bridge_key(const char *name, char *key, size_t size)
{
        snprintf(key, size, "bridge-%s", name);
}

static int lock_bridge(struct osvif_exec *x, const char *name, bool shared, osvif_error_t *err)
{
        char key[64];

        if (x->lock.fd >= 0 && (shared || !x->lock.shared))
                return 0;
        /* no upgrade in place: two sharers upgrading would wait for each other */
        osvif_lock_release(&x->lock);
        bridge_key(name, key, sizeof(key));
        if (shared)
                return osvif_lock_take_shared(&x->lock, key, BRIDGE_LOCK_TIMEOUT_MS, err);
        return osvif_lock_take(&x->lock, key, BRIDGE_LOCK_TIMEOUT_MS, err);
}

/* ---- BRIDGE ---- */

static void bridge_undo(struct osvif_exec *x, const struct osvif_step *s, size_t i);

/* The usual case: the shared bridge is there and up; nothing to change, the lock shared. */
static int use_existing(struct osvif_exec *x, const struct osvif_step *s, osvif_error_t *err)
{
        struct osvif_link_info info;
        int ifindex;

        if (lock_bridge(x, s->u.bridge.name, true, err) < 0)
                return -1;
        ifindex = osvif_bridge_lookup(x->host_nl, s->u.bridge.name, &info, err);
        if (ifindex <= 0 || !(info.flags & IFF_UP)) {
                osvif_lock_release(&x->lock);
                return ifindex < 0 ? -1 : 0;
        }
        x->bridge_brought_up = false;
        memcpy(x->bridge_mac, info.mac, 6);
        x->bridge_ifindex = ifindex;
        x->bridge_mtu = info.mtu;
        return 1;
}

static int bridge_apply(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                        osvif_error_t *err)
{
        struct osvif_bridge_opts o = {
                .name = s->u.bridge.name,
                .mtu = s->u.bridge.mtu,
                .os_vif_settings = s->u.bridge.os_vif_settings,
                .alias = s->u.bridge.owned ? x->plan->owner : NULL,
                .owned = s->u.bridge.owned,
        };
        struct osvif_bridge_changes changes = { 0 };
        int ifindex;

        if (!s->u.bridge.owned) {
                int r = use_existing(x, s, err);

                if (r != 0)
                        return r < 0 ? -1 : 0;
                /* absent or down: create or bring it up alone (see lock_bridge) */
                if (lock_bridge(x, s->u.bridge.name, false, err) < 0)
                        return -1;
        }
        ifindex = osvif_bridge_ensure(x->host_nl, &o, &changes, err);
        if (ifindex < 0)
                goto fail;
        x->created[i] = changes.created;
        x->bridge_brought_up = changes.brought_up;
        memcpy(x->bridge_mac, changes.mac, 6);
        x->bridge_ifindex = ifindex;
        x->bridge_mtu = changes.mtu;
        /* another ADD made it while we waited: nothing of ours to guard, share it */
        if (!changes.created && !changes.brought_up)
                osvif_lock_downgrade(&x->lock);
        return 0;
fail:
        bridge_undo(x, s, i);
        return -1;
}

/*
 * Only what this ADD changed, and only while no other pod uses the bridge: remove it if we
 * created it; else set it down again if we brought it up, and give it back the MAC it had
 * (the kernel takes a bridge's MAC from its ports when none was set, and our port has left).
 * Our port is gone already (VETH is undone first). A bridge with ports needs nothing: they
 * are other pods', and its MAC is theirs to set. Else the lock, exclusive, and a recount.
 */
static void bridge_undo(struct osvif_exec *x, const struct osvif_step *s, size_t i)
{
        struct osvif_link_change c = OSVIF_LINK_CHANGE_INIT;
        osvif_error_t ignored = OSVIF_ERROR_INIT;
        struct osvif_link_info info;

        if (x->bridge_ifindex <= 0)
                goto out;
        if (!s->u.bridge.owned) {
                if (osvif_bridge_count_ports(x->host_nl, x->bridge_ifindex, &ignored) != 0 ||
                    lock_bridge(x, s->u.bridge.name, false, &ignored) < 0)
                        goto out;
        }
        if (x->created[i]) {
                osvif_bridge_del_if_empty(x->host_nl, s->u.bridge.name, &ignored);
                goto out;
        }
        if (osvif_bridge_count_ports(x->host_nl, x->bridge_ifindex, &ignored) != 0 ||
            osvif_link_get(x->host_nl, NULL, x->bridge_ifindex, &info, &ignored) <= 0)
                goto out;
        if (x->bridge_brought_up)
                c.up = 0;
        if (memcmp(info.mac, x->bridge_mac, 6) != 0)
                c.mac = x->bridge_mac;
        if (c.up == 0 || c.mac)
                osvif_link_change(x->host_nl, x->bridge_ifindex, &c, &ignored);
out:
        osvif_lock_release(&x->lock);
        osvif_error_clear(&ignored);
}

static int bridge_check(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                        osvif_error_t *err)
{
        struct osvif_link_info info;
        int r = osvif_link_get(x->host_nl, s->u.bridge.name, 0, &info, err);

        if (r < 0)
                return -1;
        if (r == 0 || strcmp(info.kind, "bridge") != 0)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0, "bridge \"%s\" is missing",
                                       s->u.bridge.name);
        if (s->u.bridge.owned && strcmp(info.alias, x->plan->owner) != 0)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "bridge \"%s\" does not belong to this attachment",
                                       s->u.bridge.name);
        x->bridge_ifindex = info.ifindex;
        return 0;
}

static int bridge_teardown(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                           osvif_error_t *err)
{
        /* shared bridges outlive their pods, as with the reference bridge plugin */
        if (!s->u.bridge.owned)
                return 0;
        return osvif_exec_del_owned(x, x->host_nl, s->u.bridge.name, err) < 0 ? -1 : 0;
}

static int bridge_describe(const struct osvif_plan *p, const struct osvif_step *s, cJSON *o)
{
        int r = osvif_json_add_string(o, "name", s->u.bridge.name);

        r |= osvif_json_add_bool(o, "perVif", s->u.bridge.owned);
        if (s->u.bridge.mtu)
                r |= osvif_json_add_int(o, "mtu", s->u.bridge.mtu);
        return r;
}

/* a per-VIF bridge is ours; a shared one outlives its pods and is never recorded */
static void bridge_intent(const struct osvif_plan *p, const struct osvif_step *s,
                          struct osvif_intent *in)
{
        if (s->u.bridge.owned)
                osvif_intent_add_host(in, s->u.bridge.name);
}

const struct osvif_step_ops osvif_step_bridge_ops = {
        .name = "bridge",
        .intent = bridge_intent,
        .describe = bridge_describe,
        .apply = bridge_apply,
        .undo = bridge_undo,
        .check = bridge_check,
        .teardown = bridge_teardown,
};

/* ---- VETH: host end here, pod end created directly in the pod namespace ---- */

static unsigned veth_mtu(const struct osvif_exec *x)
{
        return x->plan->mtu ? x->plan->mtu : x->bridge_mtu;
}

/* The owner goes on in a second request: the kernel ignores IFLA_IFALIAS at creation. */
static int set_owner(struct osvif_exec *x, const char *name, osvif_error_t *err)
{
        struct osvif_link_change c = OSVIF_LINK_CHANGE_INIT;

        c.alias = x->plan->owner;
        return osvif_link_change_by_name(x->host_nl, name, &c, err);
}

/* EEXIST from the veth's creation: the host end's name, or CNI_IFNAME in the pod? */
static void which_exists(struct osvif_exec *x, const struct osvif_step *s, osvif_error_t *err)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;
        struct osvif_link_info info;

        if (osvif_link_get(x->host_nl, s->u.veth.host, 0, &info, &ignored) == 0) {
                osvif_error_clear(err);
                osvif_error_set(err, OSVIF_ERR_EXISTS, EEXIST,
                                "interface \"%s\" already exists in \"%s\"", x->plan->pod_ifname,
                                x->plan->req->netns);
        }
        osvif_error_clear(&ignored);
}

/*
 * One request creates the pair with everything: the pod end in the pod's namespace under its
 * final name (CNI_IFNAME), both MACs and the MTU, and the host end on its bridge and up.
 *
 * The final name at once spares a rename, which waits for an RCU grace period while it holds
 * RTNL, every other netlink request on the host waiting with it. Nothing of the pod end needs
 * a name of its own to be found again after a kill: deleting the host end (recorded in the
 * intent record before this request) deletes the pair, wherever the pod end is.
 */

static int veth_apply(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                      osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        struct osvif_veth_opts o = { 0 };
        osvif_error_t ignored = OSVIF_ERROR_INIT;

        /* chosen here rather than read back: the result needs both MACs */
        if (osvif_mac_random(x->host_mac) < 0)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, errno, "no random source");
        memcpy(x->pod_mac, p->mac, 6);
        o.name = s->u.veth.host;
        o.peer_name = p->pod_ifname;
        o.peer_netns_fd = x->pod_ns;
        o.mac = x->host_mac;
        o.peer_mac = x->pod_mac;
        o.mtu = veth_mtu(x);
        o.master = s->u.veth.master[0] ? x->bridge_ifindex : 0;
        o.up = s->u.veth.master[0] || s->u.veth.host_up;
        if (osvif_link_add_veth(x->host_nl, &o, err) < 0) {
                if (err->errnum == EEXIST)
                        which_exists(x, s, err);
                goto out;
        }
        x->pod_named = true;
        if (set_owner(x, o.name, err) < 0) {
                osvif_link_del_by_name(x->host_nl, o.name, &ignored);
                osvif_error_clear(&ignored);
                goto out;
        }
        x->created[i] = x->host_created = true;
        x->pod_mtu = o.mtu;
out:
        /* our port is on the shared bridge (or failed to get there): it counts for us now */
        osvif_lock_release(&x->lock);
        return x->created[i] ? 0 : -1;
}

static void veth_undo(struct osvif_exec *x, const struct osvif_step *s, size_t i)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;

        /* deleting one end deletes the pair, wherever the other end lives */
        if (x->created[i])
                osvif_link_del_by_name(x->host_nl, s->u.veth.host, &ignored);
        osvif_error_clear(&ignored);
}

static int veth_check(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                      osvif_error_t *err)
{
        struct osvif_link_info info, br;
        int r = osvif_exec_find_owned(x, x->host_nl, s->u.veth.host, &info, err);

        if (r < 0)
                return -1;
        if (r == 0 || strcmp(info.kind, "veth") != 0)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "host interface \"%s\" of this attachment is missing",
                                       s->u.veth.host);
        if (!(info.flags & IFF_UP))
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0, "host interface \"%s\" is down",
                                       s->u.veth.host);
        if (!s->u.veth.master[0])
                return 0;
        r = osvif_link_get(x->host_nl, s->u.veth.master, 0, &br, err);
        if (r < 0)
                return -1;
        if (r == 0 || info.master != br.ifindex)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "interface \"%s\" is not on bridge \"%s\"", s->u.veth.host,
                                       s->u.veth.master);
        return 0;
}

struct sweep {
        struct osvif_exec *x;
        int ifindex[64];
        size_t n;
};

static int collect_owned(const struct osvif_link_info *link, void *data)
{
        struct sweep *sw = data;

        if (strcmp(link->alias, sw->x->plan->owner) == 0 && sw->n < ARRAY_SIZE(sw->ifindex))
                sw->ifindex[sw->n++] = link->ifindex;
        return 0;
}

/* Without a name (DEL without a VIF, GC): every host link that carries our owner. */
static int sweep_links(struct osvif_exec *x, osvif_error_t *err)
{
        struct sweep sw = { .x = x };

        if (osvif_link_foreach(x->host_nl, collect_owned, &sw, err) < 0)
                return -1;
        for (size_t k = 0; k < sw.n; k++)
                if (osvif_link_del(x->host_nl, sw.ifindex[k], err) < 0)
                        return -1;
        return 0;
}

/*
 * By name when the link of that name is ours (the usual DEL: one lookup). Otherwise the
 * names this VIF implies are not the ones ADD used (the VIF changed in between, or there is
 * none): find what carries our owner instead.
 */
static int veth_teardown(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                         osvif_error_t *err)
{
        struct osvif_link_info info;
        int r;

        if (!s->u.veth.host[0])
                return sweep_links(x, err);
        r = osvif_exec_find_owned(x, x->host_nl, s->u.veth.host, &info, err);
        if (r < 0)
                return -1;
        if (r == 0)
                return sweep_links(x, err);
        return osvif_link_del(x->host_nl, info.ifindex, err);
}

static int veth_describe(const struct osvif_plan *p, const struct osvif_step *s, cJSON *o)
{
        int r = osvif_json_add_string(o, "host", s->u.veth.host);

        if (s->u.veth.master[0])
                r |= osvif_json_add_string(o, "bridge", s->u.veth.master);
        r |= osvif_json_add_string(o, "pod", p->pod_ifname);
        r |= osvif_json_add_string(o, "netns", p->req->netns);
        return r;
}

/* the host end only: the pod end goes with it, and its name (CNI_IFNAME) may be another's */
static void veth_intent(const struct osvif_plan *p, const struct osvif_step *s,
                        struct osvif_intent *in)
{
        osvif_intent_add_host(in, s->u.veth.host);
}

const struct osvif_step_ops osvif_step_veth_ops = {
        .name = "veth",
        .intent = veth_intent,
        .describe = veth_describe,
        .apply = veth_apply,
        .undo = veth_undo,
        .check = veth_check,
        .teardown = veth_teardown,
};

/* ---- QVB_QVO: the veth of the hybrid plug, both ends on the host ---- */

/* os-vif's qvb/qvo: both ends up and promiscuous, qvb on qbr; one request, then owners. */
static int qvb_qvo_apply(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                         osvif_error_t *err)
{
        struct osvif_link_change up = OSVIF_LINK_CHANGE_INIT;
        struct osvif_veth_opts o = { 0 };
        osvif_error_t ignored = OSVIF_ERROR_INIT;

        o.name = s->u.qvb_qvo.qvb;
        o.peer_name = s->u.qvb_qvo.qvo;
        o.peer_netns_fd = -1;
        o.mtu = s->u.qvb_qvo.mtu;
        o.master = s->u.qvb_qvo.master[0] ? x->bridge_ifindex : 0;
        o.up = o.promisc = true;
        if (osvif_link_add_veth(x->host_nl, &o, err) < 0)
                return -1;
        /* the kernel refuses to open a peer before its twin is registered: up afterwards */
        up.alias = x->plan->owner;
        up.up = 1;
        if (set_owner(x, o.name, err) < 0 ||
            osvif_link_change_by_name(x->host_nl, o.peer_name, &up, err) < 0) {
                osvif_link_del_by_name(x->host_nl, o.name, &ignored);
                osvif_error_clear(&ignored);
                return -1;
        }
        x->created[i] = true;
        return 0;
}

static void qvb_qvo_undo(struct osvif_exec *x, const struct osvif_step *s, size_t i)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;

        if (x->created[i])
                osvif_link_del_by_name(x->host_nl, s->u.qvb_qvo.qvb, &ignored);
        osvif_error_clear(&ignored);
}

static int qvb_qvo_check(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                         osvif_error_t *err)
{
        const char *names[2] = { s->u.qvb_qvo.qvb, s->u.qvb_qvo.qvo };

        for (size_t k = 0; k < 2; k++) {
                struct osvif_link_info info;
                int r = osvif_exec_find_owned(x, x->host_nl, names[k], &info, err);

                if (r < 0)
                        return -1;
                if (r == 0)
                        return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                               "host interface \"%s\" of this attachment is "
                                               "missing",
                                               names[k]);
        }
        return 0;
}

static int qvb_qvo_teardown(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                            osvif_error_t *err)
{
        if (osvif_exec_del_owned(x, x->host_nl, s->u.qvb_qvo.qvb, err) < 0)
                return -1;
        /* normally gone with its peer; a half-deleted pair from an old failure is not */
        return osvif_exec_del_owned(x, x->host_nl, s->u.qvb_qvo.qvo, err) < 0 ? -1 : 0;
}

static int qvb_qvo_describe(const struct osvif_plan *p, const struct osvif_step *s, cJSON *o)
{
        int r = osvif_json_add_string(o, "qvb", s->u.qvb_qvo.qvb);

        r |= osvif_json_add_string(o, "qvo", s->u.qvb_qvo.qvo);
        r |= osvif_json_add_string(o, "bridge", s->u.qvb_qvo.master);
        return r;
}

static void qvb_qvo_intent(const struct osvif_plan *p, const struct osvif_step *s,
                           struct osvif_intent *in)
{
        osvif_intent_add_host(in, s->u.qvb_qvo.qvb);
        osvif_intent_add_host(in, s->u.qvb_qvo.qvo);
}

const struct osvif_step_ops osvif_step_qvb_qvo_ops = {
        .name = "qvb-qvo",
        .intent = qvb_qvo_intent,
        .describe = qvb_qvo_describe,
        .apply = qvb_qvo_apply,
        .undo = qvb_qvo_undo,
        .check = qvb_qvo_check,
        .teardown = qvb_qvo_teardown,
};
