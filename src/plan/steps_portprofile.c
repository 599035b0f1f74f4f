/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/lldpad.h"
#include "backend/macvlan.h"
#include "plan/direct.h"
#include "plan/steps.h"
#include "util/cleanup.h"
#include "util/json.h"

/*
 * VIFDirect's port profiles: the association of the lower device's port with the switch,
 * 802.1Qbh through the kernel, 802.1Qbg (VDP) through lldpad. Each is recorded in a state file
 * before the switch hears of it, so that DEL and GC can disassociate without the VIF or the pod.
 */

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
        if (osvif_direct_resolve_lower(x, s, err) < 0)
                return -1;
        /* recorded before the switch hears of it: a DEL after a kill disassociates */
        if (!st || osvif_json_add_string(st, "lower", x->lower) < 0 ||
            osvif_json_add_string(st, "profile", profile) < 0)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        if (osvif_direct_state_write(p, "qbh", st, err) < 0)
                return -1;
        if (qbh_send(x, x->lower, profile, instance, OSVIF_PORT_ASSOCIATE, err) < 0) {
                osvif_direct_state_remove(p, "qbh");
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
        osvif_direct_state_remove(x->plan, "qbh");
        osvif_error_clear(&ignored);
}

static int qbh_check(struct osvif_exec *x, const struct osvif_step *s, size_t i, osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *st = NULL;
        int r = osvif_direct_state_read(x->plan, "qbh", &st, err);

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
        int r = osvif_direct_state_read(x->plan, "qbh", &st, err);

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
        osvif_direct_state_remove(x->plan, "qbh");
        return 0;
}

const struct osvif_step_ops osvif_step_qbh_ops = {
        .name = "qbh",
        .describe = osvif_direct_describe,
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
        memcpy(mac, p->has_mac || !osvif_direct_is_passthru(p) ? p->mac : lower.mac, 6);
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
        return osvif_direct_state_write(p, "qbg", st, err);
}

static int qbg_apply(struct osvif_exec *x, const struct osvif_step *s, size_t i, osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        struct osvif_qbg_request q;
        uint8_t mac[6], uuid[16];

        if (osvif_direct_resolve_lower(x, s, err) < 0 || qbg_request(x, mac, uuid, &q, err) < 0)
                return -1;
        /* recorded before lldpad hears of it: a DEL after a kill disassociates */
        if (qbg_record(p, &q, err) < 0)
                return -1;
        if (osvif_qbg_associate(lldpad_pid_file(p), &q, p->conf->lldpad_timeout_ms, err) < 0) {
                osvif_direct_state_remove(p, "qbg");
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
        osvif_direct_state_remove(x->plan, "qbg");
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
        int r = osvif_direct_state_read(x->plan, "qbg", &st, err);

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
        osvif_direct_state_remove(x->plan, "qbg");
        return 0;
bad:
        return osvif_error_set(err, OSVIF_ERR_STATE, EINVAL,
                               "802.1Qbg state of \"%s\" is incomplete or malformed",
                               x->plan->owner);
}

static int qbg_check(struct osvif_exec *x, const struct osvif_step *s, size_t i, osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *st = NULL;
        int r = osvif_direct_state_read(x->plan, "qbg", &st, err);

        if (r < 0)
                return -1;
        if (r == 0)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "no 802.1Qbg association is recorded for this attachment");
        return 0;
}

const struct osvif_step_ops osvif_step_qbg_ops = {
        .name = "qbg",
        .describe = osvif_direct_describe,
        .apply = qbg_apply,
        .undo = qbg_undo,
        .check = qbg_check,
        .teardown = qbg_teardown,
};
