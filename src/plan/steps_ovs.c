/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "plan/hostdev_state.h"
#include "plan/steps.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/log.h"

/* OVS_PORT: the port os-vif's ovs plugin creates, in one OVSDB transaction. */

/* How long DEL lets ovs-vswitchd take to release a port before its device is deleted. */
#define OVS_SYNC_MS 1000

static const char *iface_id(const struct osvif_plan *p)
{
        const struct osvif_port_profile *pp = p->vif ? p->vif->port_profile : NULL;

        if (pp && pp->interface_id)
                return pp->interface_id;
        return p->vif ? p->vif->id : NULL;
}

/* The step's port; a VF's representor (VIFHostDevice) is known once HOSTDEV has found it. */
static const char *port_of(const struct osvif_exec *x, const struct osvif_step *s)
{
        return s->u.ovs_port.port[0] || !x->vf ? s->u.ovs_port.port : x->vf->representor;
}

/* attached-mac: the plan's, or the VF's own when the VIF gives none */
static const uint8_t *mac_of(const struct osvif_exec *x)
{
        return x->vf && !x->plan->has_mac ? x->pod_mac : x->plan->mac;
}

static struct osvif_ovs_owner owner_of(const struct osvif_plan *p)
{
        return (struct osvif_ovs_owner){ p->req->name, p->container_id, p->pod_ifname };
}

/* The port as os-vif makes it, from the step (spec's strings point into x, s and the plan) */
static struct osvif_ovs_port_spec port_spec(struct osvif_exec *x, const struct osvif_step *s,
                                            char mac[OSVIF_MAC_STRLEN])
{
        const struct osvif_plan *p = x->plan;

        return (struct osvif_ovs_port_spec){
                .bridge = s->u.ovs_port.bridge,
                .datapath_type = s->u.ovs_port.datapath_type[0] ? s->u.ovs_port.datapath_type
                                                                : NULL,
                .port = port_of(x, s),
                .iface_id = iface_id(p),
                .attached_mac = osvif_mac_format(mac_of(x), mac),
                .vm_uuid = p->container_id,
                .owner = owner_of(p),
                .tag = s->u.ovs_port.tag,
                .isolate = s->u.ovs_port.isolate,
                .mtu_request = s->u.ovs_port.mtu_request,
                .iface_type = s->u.ovs_port.iface_type[0] ? s->u.ovs_port.iface_type : NULL,
                .vhost_server_path = s->u.ovs_port.vhost_server_path[0]
                                             ? s->u.ovs_port.vhost_server_path
                                             : NULL,
                /* where OVS puts the socket, for VHOSTUSER (steps_vhostuser.c) */
                .other_config_key = s->u.ovs_port.socket_wait ? "vhost-sock-dir" : NULL,
                .other_config_value = &x->vhost_sock_dir,
        };
}

/*
 * How long undo lets ovs-vswitchd take to let go of the port: a DPDK vhost-user port re-added
 * before ovs-vswitchd-dpdk has removed the old one (a retried ADD) stays unrealized, and a
 * representor's flags come back from ovs-vswitchd when it lets go of it, which HOSTDEV's undo
 * must follow. Bounded, so a stuck ovs-vswitchd costs a rollback 1 s.
 */
static int release_ms(const struct osvif_exec *x, const struct osvif_step *s)
{
        return x->vf || s->u.ovs_port.iface_type[0] ? OVS_SYNC_MS : 0;
}

/*
 * The answer to the port's transaction is lost: the connection went (ovsdb-server restarted,
 * or something between us dropped it) after the request was sent, so the server may have
 * committed the port. Under the attachment's lock a port that carries our owner is this
 * ADD's (an interrupted earlier ADD was finished before this one began), so it is deleted by
 * owner, over a new connection. A server that stops answering (ETIMEDOUT) is not asked
 * again, which would double the wait: a port it commits later is found by owner by DEL and
 * GC (race.sh).
 */
static void del_after_lost_answer(struct osvif_exec *x, const struct osvif_step *s,
                                  const osvif_error_t *lost)
{
        osvif_error_t e = OSVIF_ERROR_INIT;
        struct osvif_ovs_owner owner = owner_of(x->plan);
        struct osvif_ovsdb *db;
        int n;

        if (lost->code != OSVIF_CNI_ERR_TRY_AGAIN || lost->errnum == ETIMEDOUT)
                return;
        osvif_ovsdb_close(x->ovsdb);
        x->ovsdb = NULL;
        db = osvif_exec_ovsdb(x, &e);
        n = db ? osvif_ovs_del_owned(db, &owner, x->plan->conf->ovsdb_timeout_ms, release_ms(x, s),
                                     &e)
               : -1;
        if (n > 0)
                log_info("OVS port \"%s\": the answer to its transaction was lost; the port "
                         "was removed by owner",
                         port_of(x, s));
        else if (n < 0)
                log_info("OVS port \"%s\": the answer to its transaction was lost, and removing "
                         "it by owner failed too (DEL and GC will): %s",
                         port_of(x, s), e.msg ? e.msg : "");
        osvif_error_clear(&e);
}

/*
 * A dpdkvhostuser port (socket_wait) is sent here and its answer read by settle, once the
 * later steps have made the pod's side while ovsdb-server commits (0.2-0.4 ms here, and
 * ovs-vswitchd then makes the socket, which VHOSTUSER's settle waits for). Meanwhile
 * created[i] is true: undo reads the answer before it deletes the port. Other ports are
 * added and waited for here (their ofport).
 */
static int ovs_port_apply(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                          osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        struct osvif_ovsdb *db = osvif_exec_ovsdb(x, err);
        osvif_error_t ignored = OSVIF_ERROR_INIT;
        char mac[OSVIF_MAC_STRLEN];
        struct osvif_ovs_port_spec spec = port_spec(x, s, mac);

        if (!db)
                return -1;
        if (s->u.ovs_port.socket_wait) {
                if (osvif_ovs_add_port_start(db, &spec, p->conf->ovsdb_timeout_ms, err) < 0)
                        return -1;
                x->created[i] = true;
                return 0;
        }
        if (osvif_ovs_add_port(db, &spec, p->conf->ovsdb_timeout_ms, err) < 0) {
                del_after_lost_answer(x, s, err);
                return -1;
        }
        x->created[i] = true;
        if (osvif_ovs_wait_port(db, spec.port, p->conf->ovs_port_timeout_ms, err) < 0) {
                osvif_ovs_del_port(db, spec.port, p->conf->ovsdb_timeout_ms, 0, &ignored);
                osvif_error_clear(&ignored);
                x->created[i] = false;
                return -1;
        }
        return 0;
}

/* The answer to apply's transaction (socket_wait): a port refused was not created. */
static int ovs_port_settle(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                           osvif_error_t *err)
{
        char mac[OSVIF_MAC_STRLEN];
        struct osvif_ovs_port_spec spec = port_spec(x, s, mac);

        if (!s->u.ovs_port.socket_wait || !osvif_ovsdb_pending(x->ovsdb))
                return 0;
        if (osvif_ovs_add_port_finish(x->ovsdb, &spec, x->plan->conf->ovsdb_timeout_ms, err) < 0) {
                x->created[i] = false;
                del_after_lost_answer(x, s, err);
                return -1;
        }
        return 0;
}

static void ovs_port_undo(struct osvif_exec *x, const struct osvif_step *s, size_t i)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;
        struct osvif_ovsdb *db;

        if (!x->created[i])
                return;
        db = osvif_exec_ovsdb(x, &ignored);
        /* apply's transaction not answered yet (a later step failed): a refused one made
         * nothing; the port is deleted by name only once the answer says it is ours */
        if (db && osvif_ovsdb_pending(db)) {
                cJSON *res = osvif_ovsdb_transact_finish(db, &ignored);

                cJSON_Delete(res);
                if (!res) {
                        del_after_lost_answer(x, s, &ignored);
                        db = NULL;
                }
        }
        if (db)
                osvif_ovs_del_port(db, port_of(x, s), x->plan->conf->ovsdb_timeout_ms,
                                   release_ms(x, s), &ignored);
        osvif_error_clear(&ignored);
}

static const char *extid(const cJSON *ids, const char *key)
{
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(ids, key);

        return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool str_eq(const char *a, const char *b)
{
        return a && b && strcmp(a, b) == 0;
}

static int ovs_port_check(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                          osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        struct osvif_ovs_port_info info = { 0 };
        struct osvif_ovsdb *db = osvif_exec_ovsdb(x, err);
        const char *port = port_of(x, s);
        int r = db ? osvif_ovs_get_port(db, port, p->conf->ovsdb_timeout_ms, &info, err) : -1;

        if (r <= 0) {
                osvif_ovs_port_info_clear(&info);
                return r < 0 ? -1
                             : osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                               "OVS port \"%s\" is missing", port);
        }
        if (!str_eq(info.bridge, s->u.ovs_port.bridge))
                osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                "OVS port \"%s\" is on bridge \"%s\", not \"%s\"", port,
                                info.bridge ? info.bridge : "", s->u.ovs_port.bridge);
        else if (!str_eq(extid(info.external_ids, OSVIF_OVS_EXTID_CONTAINER), p->container_id) ||
                 !str_eq(extid(info.external_ids, OSVIF_OVS_EXTID_IFNAME), p->pod_ifname))
                osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                "OVS port \"%s\" does not belong to this attachment", port);
        else if (iface_id(p) && !str_eq(extid(info.external_ids, "iface-id"), iface_id(p)))
                osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                "OVS port \"%s\" has iface-id \"%s\", not \"%s\"", port,
                                extid(info.external_ids, "iface-id") ?: "", iface_id(p));
        else if (!s->u.ovs_port.isolate && info.tag != s->u.ovs_port.tag)
                osvif_error_set(err, OSVIF_ERR_CHECK, 0, "OVS port \"%s\" has VLAN tag %d, not %d",
                                port, info.tag, s->u.ovs_port.tag);
        else if (!str_eq(info.type ? info.type : "", s->u.ovs_port.iface_type))
                osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                "OVS port \"%s\" has type \"%s\", not \"%s\"", port,
                                info.type ? info.type : "", s->u.ovs_port.iface_type);
        else if (s->u.ovs_port.vhost_server_path[0] &&
                 !str_eq(extid(info.options, "vhost-server-path"), s->u.ovs_port.vhost_server_path))
                osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                "OVS port \"%s\" has vhost-server-path \"%s\", not \"%s\"", port,
                                extid(info.options, "vhost-server-path") ?: "",
                                s->u.ovs_port.vhost_server_path);
        else if (info.error)
                osvif_error_set(err, OSVIF_ERR_CHECK, 0, "OVS port \"%s\" is not realized: %s",
                                port, info.error);
        /* ovs-vswitchd may still be building it (a vhost-user ADD returns once the socket
         * listens, before the ofport): as long as ADD would have waited */
        else if (info.ofport <= 0 &&
                 osvif_ovs_wait_port(db, port, p->conf->ovs_port_timeout_ms, err) < 0)
                osvif_error_wrap_code(err, OSVIF_ERR_CHECK, "OVS port \"%s\" is not realized",
                                      port);
        else
                r = 0;
        osvif_ovs_port_info_clear(&info);
        return r == 0 ? 0 : -1;
}

static int ovs_port_teardown(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                             osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        struct osvif_ovs_owner owner = owner_of(p);
        struct osvif_ovsdb *db;

        /* without OVS on this host there is nothing of ours in it: the sweep goes on */
        if (!s->u.ovs_port.port[0] && osvif_ovsdb_absent(p->conf->ovsdb))
                return 0;
        db = osvif_exec_ovsdb(x, err);
        if (!db)
                return -1;
        /* by owner, not by name: a name can be reused, our external_ids cannot */
        return osvif_ovs_del_owned(db, &owner, p->conf->ovsdb_timeout_ms, OVS_SYNC_MS, err);
}

static int ovs_port_describe(const struct osvif_plan *p, const struct osvif_step *s, cJSON *o)
{
        int r = osvif_json_add_string(o, "bridge", s->u.ovs_port.bridge);

        /* "": a VF's representor, found when HOSTDEV runs */
        r |= osvif_json_add_string(o, "port",
                                   s->u.ovs_port.port[0] ? s->u.ovs_port.port : "(representor)");
        if (s->u.ovs_port.tag >= 0)
                r |= osvif_json_add_int(o, "tag", s->u.ovs_port.tag);
        if (s->u.ovs_port.iface_type[0])
                r |= osvif_json_add_string(o, "type", s->u.ovs_port.iface_type);
        if (s->u.ovs_port.vhost_server_path[0])
                r |= osvif_json_add_string(o, "vhostServerPath", s->u.ovs_port.vhost_server_path);
        return r;
}

const struct osvif_step_ops osvif_step_ovs_port_ops = {
        .name = "ovs-port",
        .describe = ovs_port_describe,
        .apply = ovs_port_apply,
        .settle = ovs_port_settle,
        .undo = ovs_port_undo,
        .check = ovs_port_check,
        .teardown = ovs_port_teardown,
};
