/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/vhostuser.h"
#include "plan/steps.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/log.h"

/*
 * vhost-user steps (backend/vhostuser.h):
 * VHOSTUSER    the socket's real path (OVS's socket dir for mode client, vif.path for mode
 *              server), checked, and Kata's /tmp/vhostuser_<IP>/vhu.sock entries leading to
 *              it, recorded in a state file before they are made. For OVS's socket (mode
 *              client) all of it is done by settle, once OVS_PORT's transaction has answered
 *              where the socket is: the pod's side is made while ovsdb-server commits;
 * PLACEHOLDER  the link in the pod that carries the VIF's MAC, MTU and (by POD_LINK and
 *              POD_L3 after it) its name, owner and L3, so that Kata finds the socket.
 */

static const char *owner_net(const struct osvif_plan *p)
{
        return p->req->name;
}

/*
 * OVS's run directory: the config's ovsRunDir, else the directory of the ovsdb unix socket
 * (ovsdb-server's db.sock lives in OVS's run dir: /run/openvswitch on Debian).
 */
static int ovs_run_dir(const struct osvif_conf *conf, char buf[PATH_MAX], osvif_error_t *err)
{
        const char *target = conf->ovsdb ? conf->ovsdb : OSVIF_OVSDB_DEFAULT;
        const char *slash;

        if (conf->ovs_run_dir) {
                snprintf(buf, PATH_MAX, "%s", conf->ovs_run_dir);
                return 0;
        }
        if (strncmp(target, "unix:", 5) != 0 || !(slash = strrchr(target + 5, '/')))
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "ovsRunDir: missing, and ovsdb \"%s\" is not a unix "
                                       "socket whose directory would be OVS's run directory",
                                       target);
        snprintf(buf, PATH_MAX, "%.*s", (int)(slash - (target + 5)), target + 5);
        return 0;
}

/*
 * Where ovs-vswitchd puts a dpdkvhostuser port's socket: <rundir>/<vhost-sock-dir>/<port>
 * (OVS's dpdk.c: other_config:vhost-sock-dir, relative to its run directory, "" by default).
 */
static int ovs_socket_path(struct osvif_exec *x, const char *port, char buf[OSVIF_VHU_PATH_MAX],
                           osvif_error_t *err)
{
        const struct osvif_conf *conf = x->plan->conf;
        _cleanup_free_ char *sub = NULL;
        char dir[PATH_MAX];
        int r, n;

        if (ovs_run_dir(conf, dir, err) < 0)
                return -1;
        /* ADD's OVS_PORT read it with the port's transaction; CHECK reads it now */
        if (x->vhost_sock_dir) {
                sub = strdup(x->vhost_sock_dir);
                r = sub ? 1 : osvif_error_oom(err);
        } else {
                struct osvif_ovsdb *db = osvif_exec_ovsdb(x, err);

                r = db ? osvif_ovs_get_other_config(db, "vhost-sock-dir", conf->ovsdb_timeout_ms,
                                                    &sub, err)
                       : -1;
        }
        if (r < 0)
                return -1;
        n = snprintf(buf, OSVIF_VHU_PATH_MAX, "%s%s%s/%s", dir, r > 0 && *sub ? "/" : "",
                     r > 0 ? sub : "", port);
        if (n < 0 || n >= OSVIF_VHU_PATH_MAX)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "OVS's vhost-user socket \"%s%s%s/%s\" is too long for a "
                                       "UNIX socket (at most %d bytes)",
                                       dir, r > 0 ? "/" : "", r > 0 ? sub : "", port,
                                       OSVIF_VHU_PATH_MAX - 1);
        return 0;
}

/*
 * mode client: ovs-vswitchd serves the socket, and QEMU (Kata's too) connects to it once ADD
 * has returned, so ADD returns once it listens. OVS makes it while it constructs the port's
 * netdev (netdev_dpdk_vhost_construct: DPDK binds, then listens), before it adds the port to
 * the datapath, reconfigures its PMD threads and mempools and only then writes the ofport
 * (about 10 ms later here): that ofport is what ADD does not wait for. A socket that exists
 * but that no listener of this network namespace is seen to hold (a stale file, an
 * ovs-vswitchd in another namespace, no sock_diag) falls back to the ofport, as other ports.
 */
static int wait_served(struct osvif_exec *x, const struct osvif_step *s, osvif_error_t *err)
{
        int timeout_ms = x->plan->conf->ovs_port_timeout_ms;
        int64_t deadline = osvif_now_ms() + timeout_ms;
        struct osvif_ovsdb *db;

        if (!osvif_vhu_socket_wait(x->socket_path, timeout_ms))
                return osvif_error_set(err, OSVIF_ERR_OVS_PORT, ETIMEDOUT,
                                       "ovs-vswitchd did not create vhost-user socket \"%s\" "
                                       "within %d ms",
                                       x->socket_path, timeout_ms);
        if (osvif_vhu_socket_listening(x->socket_path) > 0)
                return 0;
        log_debug("vhost-user socket \"%s\" not seen listening: waiting for the ofport",
                  x->socket_path);
        db = osvif_exec_ovsdb(x, err);
        if (!db)
                return -1;
        timeout_ms = (int)(deadline - osvif_now_ms());
        if (osvif_ovs_wait_port(db, s->u.vhostuser.port, timeout_ms > 0 ? timeout_ms : 1, err) < 0)
                return -1;
        return 0;
}

/* The socket's path for this step, checked: the field named is where it came from. */
static int resolve_socket(struct osvif_exec *x, const struct osvif_step *s, osvif_error_t *err)
{
        const struct osvif_conf *conf = x->plan->conf;
        const char *field = s->u.vhostuser.path[0] ? "vif.path" : "OVS vhost-sock-dir";

        if (s->u.vhostuser.path[0])
                snprintf(x->socket_path, sizeof(x->socket_path), "%s", s->u.vhostuser.path);
        else if (ovs_socket_path(x, s->u.vhostuser.port, x->socket_path, err) < 0)
                return -1;
        snprintf(x->socket_name, sizeof(x->socket_name), "%s", s->u.vhostuser.port);
        return osvif_vhu_path_trusted(x->socket_path, field, (gid_t)conf->vhostuser_gid,
                                      conf->has_vhostuser_gid, err);
}

/* Kata's entries for every address of the attachment. */
static void kata_dirs(const struct osvif_exec *x, struct osvif_vhu_state *st)
{
        for (size_t k = 0; x->l3 && k < x->l3->n_ips && st->n_dirs < OSVIF_VHU_MAX_ENTRIES; k++)
                osvif_vhu_kata_dir(&x->l3->ips[k].address.ip, st->dirs[st->n_dirs++]);
}

static void remove_entries(const struct osvif_vhu_state *st)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;

        for (size_t k = 0; k < st->n_dirs; k++)
                osvif_vhu_kata_del(st->dirs[k], st->socket, &ignored);
        osvif_error_clear(&ignored);
}

/* The state without what was just removed: rewritten while it records more, else gone. */
static int forget(const struct osvif_plan *p, const struct osvif_vhu_state *st)
{
        osvif_error_t e = OSVIF_ERROR_INIT;
        int r = osvif_vhu_state_used(st)
                        ? osvif_vhu_state_write(owner_net(p), p->container_id, p->pod_ifname, st,
                                                &e)
                        : osvif_vhu_state_remove(owner_net(p), p->container_id, p->pod_ifname, &e);

        osvif_error_clear(&e);
        return r;
}

/* The socket's path, checked, and Kata's entries to it (recorded first). */
static int make_entries(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                        osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        const struct osvif_conf *conf = p->conf;
        struct osvif_vhu_state st = { 0 };

        /* Kata's entries may lead to OVS's socket before it exists: settle waits for it */
        if (resolve_socket(x, s, err) < 0)
                return -1;
        if (!s->u.vhostuser.kata)
                return 0;
        /* FP_NETDEV may have recorded its netdev already: keep it */
        if (osvif_vhu_state_read(owner_net(p), p->container_id, p->pod_ifname, &st, err) < 0)
                return -1;
        snprintf(st.socket, sizeof(st.socket), "%s", x->socket_path);
        kata_dirs(x, &st);
        if (st.n_dirs == 0)
                return 0; /* L2 only: Kata skips links without an IP anyway */
        /* recorded before anything exists, so that a kill at any point leaves it findable */
        if (osvif_vhu_state_write(owner_net(p), p->container_id, p->pod_ifname, &st, err) < 0)
                return -1;
        x->created[i] = true;
        for (size_t k = 0; k < st.n_dirs; k++)
                if (osvif_vhu_kata_add(st.dirs[k], st.socket, (gid_t)conf->vhostuser_gid,
                                       conf->has_vhostuser_gid, err) < 0) {
                        /* the one that failed may be someone else's: only ours go */
                        st.n_dirs = k;
                        remove_entries(&st);
                        st.n_dirs = 0;
                        forget(p, &st);
                        x->created[i] = false;
                        return -1;
                }
        return 0;
}

/* A socket at vif.path (mode server, the fast path's): checked and its entries made now. */
static int vhostuser_apply(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                           osvif_error_t *err)
{
        return s->u.vhostuser.path[0] ? make_entries(x, s, i, err) : 0;
}

/*
 * OVS's socket (mode client), once OVS_PORT's settle has read where it is: its entries, and
 * ADD returns only once ovs-vswitchd listens on it.
 */
static int vhostuser_settle(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                            osvif_error_t *err)
{
        if (s->u.vhostuser.path[0])
                return 0;
        if (make_entries(x, s, i, err) < 0)
                return -1;
        return wait_served(x, s, err);
}

static int teardown_owned(const struct osvif_plan *p, osvif_error_t *err)
{
        struct osvif_vhu_state st;
        osvif_error_t first = OSVIF_ERROR_INIT;
        int r = osvif_vhu_state_read(owner_net(p), p->container_id, p->pod_ifname, &st, err);

        if (r <= 0)
                return r;
        for (size_t k = 0; k < st.n_dirs; k++) {
                osvif_error_t e = OSVIF_ERROR_INIT;

                if (osvif_vhu_kata_del(st.dirs[k], st.socket, &e) < 0 &&
                    !osvif_error_is_set(&first))
                        osvif_error_move(&first, &e);
                osvif_error_clear(&e);
        }
        if (osvif_error_is_set(&first)) {
                /* the state stays: the next DEL or GC tries again */
                osvif_error_move(err, &first);
                return -1;
        }
        st.n_dirs = 0;
        if (osvif_vhu_state_used(&st))
                return osvif_vhu_state_write(owner_net(p), p->container_id, p->pod_ifname, &st,
                                             err);
        return osvif_vhu_state_remove(owner_net(p), p->container_id, p->pod_ifname, err);
}

static void vhostuser_undo(struct osvif_exec *x, const struct osvif_step *s, size_t i)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;

        if (x->created[i])
                teardown_owned(x->plan, &ignored);
        osvif_error_clear(&ignored);
}

static int vhostuser_teardown(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                              osvif_error_t *err)
{
        return teardown_owned(x->plan, err);
}

static int vhostuser_check(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                           osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        const struct osvif_cni_result *prev = p->req->prev_result;
        struct osvif_vhu_state st = { 0 };

        if (resolve_socket(x, s, err) < 0)
                return -1;
        /* mode server: the socket is QEMU's, and exists only while QEMU runs */
        if (!s->u.vhostuser.path[0] && !osvif_vhu_socket_exists(x->socket_path))
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "vhost-user socket \"%s\" is missing", x->socket_path);
        for (size_t k = 0; prev && k < prev->n_interfaces; k++) {
                const char *sp = prev->interfaces[k].socket_path;

                if (sp && *sp && strcmp(sp, x->socket_path) != 0)
                        return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                               "prevResult has socketPath \"%s\", the socket is "
                                               "\"%s\"",
                                               sp, x->socket_path);
        }
        if (!s->u.vhostuser.kata)
                return 0;
        /* Kata's entries for the addresses prevResult gave the pod */
        for (size_t k = 0; prev && k < prev->n_ips && st.n_dirs < OSVIF_VHU_MAX_ENTRIES; k++)
                osvif_vhu_kata_dir(&prev->ips[k].address.ip, st.dirs[st.n_dirs++]);
        for (size_t k = 0; k < st.n_dirs; k++)
                if (!osvif_vhu_kata_ok(st.dirs[k], x->socket_path))
                        return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                               "kata vhost-user entry \"%s/%s\" does not lead to "
                                               "\"%s\"",
                                               st.dirs[k], OSVIF_VHU_KATA_SOCKET, x->socket_path);
        return 0;
}

static int vhostuser_describe(const struct osvif_plan *p, const struct osvif_step *s, cJSON *o)
{
        int r = osvif_json_add_string(o, "port", s->u.vhostuser.port);

        r |= osvif_json_add_string(o, "socket",
                                   s->u.vhostuser.path[0] ? s->u.vhostuser.path
                                                          : "(OVS's vhost socket directory)");
        r |= osvif_json_add_bool(o, "kataEntries", s->u.vhostuser.kata);
        return r;
}

const struct osvif_step_ops osvif_step_vhostuser_ops = {
        .name = "vhostuser",
        .describe = vhostuser_describe,
        .apply = vhostuser_apply,
        .settle = vhostuser_settle,
        .undo = vhostuser_undo,
        .check = vhostuser_check,
        .teardown = vhostuser_teardown,
};

/* ---- PLACEHOLDER ---- */

static int placeholder_apply(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                             osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        struct osvif_nl *nl = osvif_exec_pod_nl(x, err);
        struct osvif_link_info info;
        int r;

        if (!nl)
                return -1;
        /*
         * Created in the pod, by the pod's socket (osvif_vhu_add_placeholder says why), under
         * its final name, down: no rename (which waits for an RCU grace period holding RTNL).
         * The intent record names it when ADD began without one of that name in the pod.
         */
        if (osvif_vhu_add_placeholder(nl, p->pod_ifname, p->mac, p->mtu, &x->pod_link_kind, err) <
            0) {
                if (err->errnum == EEXIST) {
                        osvif_error_clear(err);
                        osvif_error_set(err, OSVIF_ERR_EXISTS, EEXIST,
                                        "interface \"%s\" already exists in \"%s\"", p->pod_ifname,
                                        p->req->netns);
                }
                return -1;
        }
        x->created[i] = x->pod_named = true;
        r = osvif_link_get(nl, p->pod_ifname, 0, &info, err);
        if (r <= 0)
                return r < 0 ? -1
                             : osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                               "placeholder \"%s\" vanished from \"%s\"",
                                               p->pod_ifname, p->req->netns);
        x->pod_ifindex = info.ifindex;
        memcpy(x->pod_mac, info.mac, 6);
        x->pod_mtu = info.mtu;
        return 0;
}

static void placeholder_undo(struct osvif_exec *x, const struct osvif_step *s, size_t i)
{
        if (!x->created[i])
                return;
        osvif_exec_undo_pod_link(x);
}

static int placeholder_check(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                             osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        struct osvif_nl *nl = osvif_exec_pod_nl(x, err);
        struct osvif_link_info info;
        char mac[OSVIF_MAC_STRLEN];
        int r;

        if (!nl)
                return -1;
        r = osvif_exec_find_owned(x, nl, p->pod_ifname, &info, err);
        if (r < 0)
                return -1;
        if (r == 0)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "placeholder \"%s\" is missing from \"%s\"", p->pod_ifname,
                                       p->req->netns);
        if (!osvif_vhu_placeholder_kind(info.kind))
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "interface \"%s\" is a %s, not a vhost-user placeholder",
                                       p->pod_ifname, info.kind[0] ? info.kind : "device");
        if (p->has_mac && memcmp(info.mac, p->mac, 6) != 0)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "placeholder \"%s\" has MAC %s, the VIF's is %s",
                                       p->pod_ifname, osvif_mac_format(info.mac, mac),
                                       p->vif->address ? p->vif->address : "");
        if (p->mtu && info.mtu != p->mtu)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "placeholder \"%s\" has MTU %u, the network's is %u",
                                       p->pod_ifname, info.mtu, p->mtu);
        return 0;
}

static void placeholder_intent(const struct osvif_plan *p, const struct osvif_step *s,
                               struct osvif_intent *in)
{
        osvif_intent_add_pod(in, p->pod_ifname);
}

const struct osvif_step_ops osvif_step_placeholder_ops = {
        .name = "placeholder",
        .intent = placeholder_intent,
        .apply = placeholder_apply,
        .undo = placeholder_undo,
        .check = placeholder_check,
        /* DEL: POD_LINK removes the pod's owned link (the row's pod_link is OWNED) */
};

/* ---- FP_NETDEV ---- */

/* The fast path makes the netdev for the socket in its own time: bounded wait for it. */
static int wait_netdev(struct osvif_exec *x, const char *name, struct osvif_link_info *ret,
                       osvif_error_t *err)
{
        int timeout_ms = x->plan->conf->fast_path_timeout_ms;
        int64_t deadline = osvif_now_ms() + timeout_ms;
        struct timespec pause = { 0, 5000000 };

        for (;;) {
                int r = osvif_link_get(x->host_nl, name, 0, ret, err);

                if (r != 0)
                        return r < 0 ? -1 : 0;
                if (osvif_now_ms() >= deadline)
                        return osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                               "the fast path made no netdev \"%s\" within %d ms",
                                               name, timeout_ms);
                nanosleep(&pause, NULL);
        }
}

static int fp_netdev_apply(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                           osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        struct osvif_link_change c = OSVIF_LINK_CHANGE_INIT;
        struct osvif_vhu_state st = { 0 };
        struct osvif_link_info *info = &x->fp_before;

        if (wait_netdev(x, s->u.fp_netdev.name, info, err) < 0)
                return -1;
        if (info->master > 0 && (!s->u.fp_netdev.master[0] || info->master != x->bridge_ifindex))
                return osvif_error_set(err, OSVIF_ERR_EXISTS, EBUSY,
                                       "fast-path netdev \"%s\" is already on another bridge",
                                       s->u.fp_netdev.name);
        /* recorded first (beside Kata's entries): DEL and GC take it off the bridge again */
        if (osvif_vhu_state_read(owner_net(p), p->container_id, p->pod_ifname, &st, err) < 0)
                return -1;
        snprintf(st.fp_netdev, sizeof(st.fp_netdev), "%s", s->u.fp_netdev.name);
        snprintf(st.fp_master, sizeof(st.fp_master), "%s", s->u.fp_netdev.master);
        if (osvif_vhu_state_write(owner_net(p), p->container_id, p->pod_ifname, &st, err) < 0)
                return -1;
        x->created[i] = true;
        c.master = s->u.fp_netdev.master[0] ? x->bridge_ifindex : 0;
        c.mac = s->u.fp_netdev.set_mac ? s->u.fp_netdev.mac : NULL;
        c.mtu = p->mtu;
        c.up = 1;
        if (osvif_link_change(x->host_nl, info->ifindex, &c, err) < 0)
                return -1;
        /* a shared bridge was locked by BRIDGE until our port is on it */
        osvif_lock_release(&x->lock);
        return 0;
}

/* Give the fast path its netdev back as it was: off our bridge, its MAC, MTU and state. */
static void fp_restore(struct osvif_exec *x, const struct osvif_step *s)
{
        const struct osvif_link_info *b = &x->fp_before;
        struct osvif_link_change c = OSVIF_LINK_CHANGE_INIT;
        osvif_error_t ignored = OSVIF_ERROR_INIT;

        c.master = s->u.fp_netdev.master[0] && !b->master ? -1 : 0;
        c.mac = b->mac;
        c.mtu = b->mtu;
        c.up = (b->flags & IFF_UP) ? 1 : 0;
        osvif_link_change(x->host_nl, b->ifindex, &c, &ignored);
        osvif_error_clear(&ignored);
}

static void fp_netdev_undo(struct osvif_exec *x, const struct osvif_step *s, size_t i)
{
        const struct osvif_plan *p = x->plan;
        osvif_error_t ignored = OSVIF_ERROR_INIT;
        struct osvif_vhu_state st = { 0 };

        if (!x->created[i])
                return;
        fp_restore(x, s);
        /* Kata's entries stay recorded for VHOSTUSER's undo */
        if (osvif_vhu_state_read(owner_net(p), p->container_id, p->pod_ifname, &st, &ignored) > 0) {
                st.fp_netdev[0] = '\0';
                forget(p, &st);
        }
        osvif_error_clear(&ignored);
        osvif_lock_release(&x->lock);
}

static int fp_netdev_check(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                           osvif_error_t *err)
{
        struct osvif_link_info info, br;
        int r = osvif_link_get(x->host_nl, s->u.fp_netdev.name, 0, &info, err);

        if (r <= 0)
                return r < 0 ? -1
                             : osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                               "fast-path netdev \"%s\" is missing",
                                               s->u.fp_netdev.name);
        if (!(info.flags & IFF_UP))
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0, "fast-path netdev \"%s\" is down",
                                       s->u.fp_netdev.name);
        if (s->u.fp_netdev.set_mac && memcmp(info.mac, s->u.fp_netdev.mac, 6) != 0)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "fast-path netdev \"%s\" does not have the profile's MAC",
                                       s->u.fp_netdev.name);
        if (!s->u.fp_netdev.master[0])
                return 0;
        r = osvif_link_get(x->host_nl, s->u.fp_netdev.master, 0, &br, err);
        if (r < 0)
                return -1;
        if (r == 0 || info.master != br.ifindex)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "fast-path netdev \"%s\" is not on bridge \"%s\"",
                                       s->u.fp_netdev.name, s->u.fp_netdev.master);
        return 0;
}

/* DEL and GC, by the state file: off the recorded bridge; the netdev is the fast path's. */
static int fp_netdev_teardown(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                              osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        struct osvif_link_change c = OSVIF_LINK_CHANGE_INIT;
        struct osvif_link_info info, br;
        struct osvif_vhu_state st;
        int r = osvif_vhu_state_read(owner_net(p), p->container_id, p->pod_ifname, &st, err);

        if (r <= 0 || !st.fp_netdev[0])
                return r < 0 ? -1 : 0;
        r = osvif_link_get(x->host_nl, st.fp_netdev, 0, &info, err);
        if (r < 0)
                return -1;
        if (r > 0 && st.fp_master[0] && info.master > 0 &&
            osvif_link_get(x->host_nl, st.fp_master, 0, &br, err) > 0 &&
            br.ifindex == info.master) {
                c.master = -1;
                c.up = 0;
                if (osvif_link_change(x->host_nl, info.ifindex, &c, err) < 0)
                        return -1;
        }
        st.fp_netdev[0] = '\0';
        return forget(p, &st) < 0 ? osvif_error_set(err, OSVIF_ERR_STATE, 0,
                                                    "cannot update the vhost-user state of "
                                                    "\"%s\"",
                                                    p->owner)
                                  : 0;
}

static int fp_netdev_describe(const struct osvif_plan *p, const struct osvif_step *s, cJSON *o)
{
        int r = osvif_json_add_string(o, "name", s->u.fp_netdev.name);

        if (s->u.fp_netdev.master[0])
                r |= osvif_json_add_string(o, "master", s->u.fp_netdev.master);
        return r;
}

const struct osvif_step_ops osvif_step_fp_netdev_ops = {
        .name = "fp-netdev",
        .describe = fp_netdev_describe,
        .apply = fp_netdev_apply,
        .undo = fp_netdev_undo,
        .check = fp_netdev_check,
        .teardown = fp_netdev_teardown,
};
