/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/ovs.h"
#include "backend/ovsdb.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/json.h"

/*
 * The port operations of os-vif's ovs plugin (os-vif.md §6.1) as raw OVSDB transactions.
 * JSON values follow RFC 7047 §5.1: ["map", [[k, v], ...]], ["set", [...]],
 * ["uuid", "..."], ["named-uuid", "..."].
 */

#define ADD_PORT_ATTEMPTS 4

static cJSON *pair(const char *tag, cJSON *v)
{
        cJSON *a = cJSON_CreateArray();

        if (osvif_json_append(a, cJSON_CreateString(tag)) < 0 || osvif_json_append(a, v) < 0) {
                cJSON_Delete(a);
                return NULL;
        }
        return a;
}

static cJSON *named_uuid(const char *name)
{
        return pair("named-uuid", cJSON_CreateString(name));
}

/* ["map", [[k, v], ...]] from NULL-terminated key/value pairs; NULL values are skipped. */
static cJSON *omap(const char *const *kv)
{
        cJSON *list = cJSON_CreateArray();

        for (size_t i = 0; list && kv[i]; i += 2) {
                cJSON *p;

                if (!kv[i + 1])
                        continue;
                p = cJSON_CreateArray();
                if (osvif_json_append(p, cJSON_CreateString(kv[i])) < 0 ||
                    osvif_json_append(p, cJSON_CreateString(kv[i + 1])) < 0 ||
                    osvif_json_append(list, p) < 0) {
                        cJSON_Delete(list);
                        return NULL;
                }
        }
        return pair("map", list);
}

/* [[column, "==", value]] */
static cJSON *where_eq(const char *column, cJSON *value)
{
        cJSON *cond = cJSON_CreateArray(), *where = cJSON_CreateArray();

        if (osvif_json_append(cond, cJSON_CreateString(column)) < 0 ||
            osvif_json_append(cond, cJSON_CreateString("==")) < 0 ||
            osvif_json_append(cond, value) < 0 || osvif_json_append(where, cond) < 0) {
                cJSON_Delete(where);
                return NULL;
        }
        return where;
}

static cJSON *op(const char *name, const char *table)
{
        cJSON *o = cJSON_CreateObject();

        if (osvif_json_add_string(o, "op", name) < 0 ||
            osvif_json_add_string(o, "table", table) < 0) {
                cJSON_Delete(o);
                return NULL;
        }
        return o;
}

/* Our owner keys, written on the Port and the Interface. */
static void owner_kv(const struct osvif_ovs_owner *o, const char *kv[7])
{
        kv[0] = OSVIF_OVS_EXTID_NETWORK;
        kv[1] = o->network;
        kv[2] = OSVIF_OVS_EXTID_CONTAINER;
        kv[3] = o->container_id;
        kv[4] = OSVIF_OVS_EXTID_IFNAME;
        kv[5] = o->ifname;
        kv[6] = NULL;
}

/* Attach a finished row to a new insert operation. */
static cJSON *insert(const char *table, const char *uuid_name, cJSON *row, int r)
{
        cJSON *o = op("insert", table);

        if (!o || !row || r < 0 || osvif_json_add_string(o, "uuid-name", uuid_name) < 0) {
                cJSON_Delete(o);
                cJSON_Delete(row);
                return NULL;
        }
        return osvif_json_add_item(o, "row", row) < 0 ? (cJSON_Delete(o), NULL) : o;
}

static cJSON *insert_interface(const struct osvif_ovs_port_spec *s)
{
        const char *kv[] = {
                "iface-id",
                s->iface_id,
                "iface-status",
                "active",
                "attached-mac",
                s->attached_mac,
                "vm-uuid",
                s->vm_uuid,
                OSVIF_OVS_EXTID_NETWORK,
                s->owner.network,
                OSVIF_OVS_EXTID_CONTAINER,
                s->owner.container_id,
                OSVIF_OVS_EXTID_IFNAME,
                s->owner.ifname,
                NULL,
        };
        const char *opts[] = { "vhost-server-path", s->vhost_server_path, NULL };
        cJSON *row = cJSON_CreateObject();
        int r = -ENOMEM;

        if (row) {
                r = osvif_json_add_string(row, "name", s->port) |
                    osvif_json_add_string(row, "type", s->iface_type) |
                    osvif_json_add_item(row, "external_ids", omap(kv));
                if (s->vhost_server_path)
                        r |= osvif_json_add_item(row, "options", omap(opts));
                if (s->mtu_request)
                        r |= osvif_json_add_int(row, "mtu_request", s->mtu_request);
        }
        return insert("Interface", "iface", row, r);
}

static cJSON *insert_port(const struct osvif_ovs_port_spec *s)
{
        const char *kv[7];
        cJSON *row = cJSON_CreateObject();
        int r = -ENOMEM;

        owner_kv(&s->owner, kv);
        if (row) {
                r = osvif_json_add_string(row, "name", s->port) |
                    osvif_json_add_item(row, "interfaces", named_uuid("iface")) |
                    osvif_json_add_item(row, "external_ids", omap(kv));
                /* os-vif's isolate_vif: the dead VLAN, trunked, until an agent sets the tag */
                if (s->isolate)
                        r |= osvif_json_add_int(row, "tag", 4095) |
                             osvif_json_add_string(row, "vlan_mode", "trunk") |
                             osvif_json_add_int(row, "trunks", 4095);
                else if (s->tag >= 0)
                        r |= osvif_json_add_int(row, "tag", s->tag);
        }
        return insert("Port", "port", row, r);
}

/* Bridge `name` exists (until "!=" []) or does not (until "==" []), checked at once. */
static cJSON *wait_bridge(const char *name, bool exists)
{
        cJSON *o = op("wait", "Bridge"), *cols = cJSON_CreateArray();
        int r;

        if (!o || osvif_json_append(cols, cJSON_CreateString("name")) < 0) {
                cJSON_Delete(o);
                cJSON_Delete(cols);
                return NULL;
        }
        r = osvif_json_add_item(o, "where", where_eq("name", cJSON_CreateString(name))) |
            osvif_json_add_item(o, "columns", cols) |
            osvif_json_add_string(o, "until", exists ? "!=" : "==") |
            osvif_json_add_item(o, "rows", cJSON_CreateArray()) |
            osvif_json_add_int(o, "timeout", 0);
        if (r < 0) {
                cJSON_Delete(o);
                return NULL;
        }
        return o;
}

static cJSON *mutation(const char *column, const char *mutator, cJSON *value)
{
        cJSON *m = cJSON_CreateArray(), *list = cJSON_CreateArray();

        if (osvif_json_append(m, cJSON_CreateString(column)) < 0 ||
            osvif_json_append(m, cJSON_CreateString(mutator)) < 0 ||
            osvif_json_append(m, value) < 0 || osvif_json_append(list, m) < 0) {
                cJSON_Delete(list);
                return NULL;
        }
        return list;
}

static cJSON *set_of(cJSON *item)
{
        cJSON *l = cJSON_CreateArray();

        if (osvif_json_append(l, item) < 0) {
                cJSON_Delete(l);
                return NULL;
        }
        return pair("set", l);
}

static cJSON *mutate_bridge_ports(const char *bridge, const char *mutator, cJSON *ports)
{
        cJSON *o = op("mutate", "Bridge");
        int r = osvif_json_add_item(o, "where",
                                    bridge ? where_eq("name", cJSON_CreateString(bridge))
                                           : cJSON_CreateArray()) |
                osvif_json_add_item(o, "mutations", mutation("ports", mutator, ports));

        if (!o || r < 0) {
                cJSON_Delete(o);
                return NULL;
        }
        return o;
}

/* Our Interface and Port, and the mutation that puts the Port on the bridge. */
static int append_port_ops(cJSON *ops, const struct osvif_ovs_port_spec *s)
{
        return osvif_json_append(ops, insert_interface(s)) | osvif_json_append(ops, insert_port(s));
}

/* The bridge exists: one transaction, no read beforehand. */
static cJSON *ops_existing_bridge(const struct osvif_ovs_port_spec *s)
{
        cJSON *ops = cJSON_CreateArray();
        int r = ops ? append_port_ops(ops, s) |
                                osvif_json_append(ops, wait_bridge(s->bridge, true)) |
                                osvif_json_append(ops,
                                                  mutate_bridge_ports(s->bridge, "insert",
                                                                      set_of(named_uuid("port"))))
                    : -ENOMEM;

        if (r < 0) {
                cJSON_Delete(ops);
                return NULL;
        }
        return ops;
}

/*
 * The bridge is missing: create it as `ovs-vsctl add-br` does (with its internal port and
 * interface of the same name, and datapath_type), guarded by a wait that it still does not
 * exist, so that two creators cannot make two bridges of one name.
 */
static cJSON *ops_new_bridge(const struct osvif_ovs_port_spec *s)
{
        cJSON *ops = cJSON_CreateArray(), *iface = cJSON_CreateObject(),
              *port = cJSON_CreateObject();
        cJSON *br = cJSON_CreateObject(), *ports = cJSON_CreateArray(),
              *ovs = op("mutate", "Open_vSwitch");
        int r = osvif_json_add_string(iface, "name", s->bridge) |
                osvif_json_add_string(iface, "type", "internal") |
                osvif_json_add_string(port, "name", s->bridge) |
                osvif_json_add_item(port, "interfaces", named_uuid("briface")) |
                osvif_json_append(ports, named_uuid("brport")) |
                osvif_json_append(ports, named_uuid("port")) |
                osvif_json_add_string(br, "name", s->bridge) |
                osvif_json_add_string(br, "datapath_type", s->datapath_type) |
                osvif_json_add_item(br, "ports", pair("set", ports)) |
                osvif_json_add_item(ovs, "where", cJSON_CreateArray()) |
                osvif_json_add_item(ovs, "mutations",
                                    mutation("bridges", "insert", set_of(named_uuid("br"))));

        r |= osvif_json_append(ops, wait_bridge(s->bridge, false)) |
             osvif_json_append(ops, insert("Interface", "briface", iface, r)) |
             osvif_json_append(ops, insert("Port", "brport", port, r)) |
             osvif_json_append(ops, insert("Bridge", "br", br, r)) | append_port_ops(ops, s) |
             osvif_json_append(ops, ovs);
        if (r < 0) {
                cJSON_Delete(ops);
                return NULL;
        }
        return ops;
}

static cJSON *select_op(const char *table, cJSON *where, const char *const *columns);
static cJSON *map_to_object(const cJSON *m);

/* The other_config select appended to an add-port transaction, when asked for. */
static int append_read_other_config(cJSON *ops, const struct osvif_ovs_port_spec *s)
{
        static const char *const cols[] = { "other_config", NULL };

        if (!ops || !s->other_config_key)
                return 0;
        return osvif_json_append(ops, select_op("Open_vSwitch", cJSON_CreateArray(), cols));
}

/* Its answer, the transaction's last result: *value, "" when unset, NULL when out of memory. */
static void other_config_of(const cJSON *res, const struct osvif_ovs_port_spec *s)
{
        const cJSON *rows = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetArrayItem(res, cJSON_GetArraySize(res) - 1), "rows");
        _cleanup_cjson_ cJSON *map = map_to_object(
                cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(rows, 0), "other_config"));
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(map, s->other_config_key);

        *s->other_config_value = map ? strdup(cJSON_IsString(v) ? v->valuestring : "") : NULL;
}

/* A `wait` with timeout 0 whose condition does not hold fails with "timed out". */
static bool failed_wait(const osvif_error_t *err)
{
        return err->code == OSVIF_ERR_OVSDB && err->errnum == ETIMEDOUT;
}

/* A Port or Interface name already taken: "constraint violation" of the unique index. */
static bool duplicate_name(const osvif_error_t *err)
{
        return err->code == OSVIF_ERR_OVSDB && err->errnum == EEXIST;
}

/* Send the transaction that adds the port, to a bridge that exists or one it creates. */
static int add_port_send(struct osvif_ovsdb *db, const struct osvif_ovs_port_spec *spec,
                         bool bridge_exists, int timeout_ms, osvif_error_t *err)
{
        cJSON *ops = bridge_exists ? ops_existing_bridge(spec) : ops_new_bridge(spec);

        if (!ops || append_read_other_config(ops, spec) < 0) {
                cJSON_Delete(ops);
                return osvif_error_oom(err);
        }
        if (osvif_ovsdb_transact_start(db, ops, timeout_ms, err) < 0)
                return osvif_error_wrap(err, "add OVS port \"%s\" to bridge \"%s\"", spec->port,
                                        spec->bridge);
        return 0;
}

int osvif_ovs_add_port_start(struct osvif_ovsdb *db, const struct osvif_ovs_port_spec *spec,
                             int timeout_ms, osvif_error_t *err)
{
        return add_port_send(db, spec, true, timeout_ms, err);
}

int osvif_ovs_add_port_finish(struct osvif_ovsdb *db, const struct osvif_ovs_port_spec *spec,
                              int timeout_ms, osvif_error_t *err)
{
        bool bridge_exists = true;

        /* the loser of a race to create the bridge finds it existing on the next round */
        for (int attempt = 0; attempt < ADD_PORT_ATTEMPTS; attempt++) {
                _cleanup_cjson_ cJSON *res = NULL;

                if (attempt > 0 && add_port_send(db, spec, bridge_exists, timeout_ms, err) < 0)
                        return -1;
                res = osvif_ovsdb_transact_finish(db, err);
                if (res && spec->other_config_key)
                        other_config_of(res, spec);
                if (res)
                        return 0;
                if (duplicate_name(err))
                        return osvif_error_set(err, OSVIF_ERR_EXISTS, EEXIST,
                                               "OVS port \"%s\" already exists", spec->port);
                if (!failed_wait(err))
                        return osvif_error_wrap(err, "add OVS port \"%s\" to bridge \"%s\"",
                                                spec->port, spec->bridge);
                osvif_error_clear(err);
                bridge_exists = !bridge_exists;
        }
        return osvif_error_set(err, OSVIF_CNI_ERR_TRY_AGAIN, 0,
                               "add OVS port \"%s\": bridge \"%s\" kept appearing and vanishing",
                               spec->port, spec->bridge);
}

int osvif_ovs_add_port(struct osvif_ovsdb *db, const struct osvif_ovs_port_spec *spec,
                       int timeout_ms, osvif_error_t *err)
{
        if (osvif_ovs_add_port_start(db, spec, timeout_ms, err) < 0)
                return -1;
        return osvif_ovs_add_port_finish(db, spec, timeout_ms, err);
}

static cJSON *select_op(const char *table, cJSON *where, const char *const *columns)
{
        cJSON *o = op("select", table), *cols = cJSON_CreateArray();
        int r = 0;

        for (size_t i = 0; columns[i]; i++)
                r |= osvif_json_append(cols, cJSON_CreateString(columns[i]));
        r |= osvif_json_add_item(o, "where", where) | osvif_json_add_item(o, "columns", cols);
        if (!o || r < 0) {
                cJSON_Delete(o);
                return NULL;
        }
        return o;
}

/* rows[] of the i-th result of a transaction */
static const cJSON *rows_of(const cJSON *res, int i)
{
        return cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(res, i), "rows");
}

/* An optional integer column: a bare number, or ["set", []] when empty. */
static int opt_int(const cJSON *row, const char *col, int empty)
{
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, col);

        return cJSON_IsNumber(v) ? v->valueint : empty;
}

static const char *opt_string(const cJSON *row, const char *col)
{
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, col);

        return cJSON_IsString(v) && *v->valuestring ? v->valuestring : NULL;
}

/* Until the Interface's ofport is no longer the empty set, held by the server up to timeout. */
static cJSON *wait_ofport(const char *port, int timeout_ms)
{
        cJSON *o = op("wait", "Interface"), *cols = cJSON_CreateArray();
        cJSON *rows = cJSON_CreateArray(), *row = cJSON_CreateObject();
        int r;

        if (!o || !cols || !rows || !row) {
                cJSON_Delete(o);
                cJSON_Delete(cols);
                cJSON_Delete(rows);
                cJSON_Delete(row);
                return NULL;
        }
        r = osvif_json_append(cols, cJSON_CreateString("ofport"));
        r |= osvif_json_add_item(row, "ofport", pair("set", cJSON_CreateArray()));
        r |= osvif_json_append(rows, row);
        r |= osvif_json_add_item(o, "where", where_eq("name", cJSON_CreateString(port)));
        r |= osvif_json_add_item(o, "columns", cols);
        r |= osvif_json_add_string(o, "until", "!=");
        r |= osvif_json_add_item(o, "rows", rows);
        r |= osvif_json_add_int(o, "timeout", timeout_ms);
        if (r < 0) {
                cJSON_Delete(o);
                return NULL;
        }
        return o;
}

int osvif_ovs_wait_port(struct osvif_ovsdb *db, const char *port, int timeout_ms,
                        osvif_error_t *err)
{
        static const char *const cols[] = { "ofport", "error", NULL };
        cJSON *ops = cJSON_CreateArray();
        _cleanup_cjson_ cJSON *res = NULL;
        const cJSON *row;
        int ofport;

        /* ovsdb-server holds a `wait` until its condition holds: no polling on our side */
        if (osvif_json_append(ops, wait_ofport(port, timeout_ms)) < 0 ||
            osvif_json_append(ops, select_op("Interface",
                                             where_eq("name", cJSON_CreateString(port)), cols)) <
                    0) {
                cJSON_Delete(ops);
                return osvif_error_oom(err);
        }
        res = osvif_ovsdb_transact(db, ops, timeout_ms + 5000, err);
        if (!res) {
                if (failed_wait(err))
                        return osvif_error_set(
                                err, OSVIF_ERR_OVS_PORT, ETIMEDOUT,
                                "ovs-vswitchd did not realize port \"%s\" within %d ms", port,
                                timeout_ms);
                return -1;
        }
        row = cJSON_GetArrayItem(rows_of(res, 1), 0);
        ofport = opt_int(row, "ofport", -1);
        if (opt_string(row, "error") || ofport <= 0)
                return osvif_error_set(err, OSVIF_ERR_OVS_PORT, 0,
                                       "ovs-vswitchd could not add port \"%s\": %s", port,
                                       opt_string(row, "error") ? opt_string(row, "error")
                                                                : "no OpenFlow port number");
        return ofport;
}

/* The _uuid strings of the rows in a select result, as a ["set", [["uuid", u], ...]]. */
static cJSON *uuid_set(const cJSON *rows)
{
        cJSON *list = cJSON_CreateArray();
        const cJSON *row;

        cJSON_ArrayForEach(row, rows) {
                const cJSON *u = cJSON_GetObjectItemCaseSensitive(row, "_uuid");

                if (cJSON_GetArraySize(u) == 2 &&
                    osvif_json_append(list, cJSON_Duplicate(u, 1)) < 0) {
                        cJSON_Delete(list);
                        return NULL;
                }
        }
        return pair("set", list);
}

static const cJSON *select_rows(struct osvif_ovsdb *db, const char *table, cJSON *where,
                                const char *const *cols, int timeout_ms, cJSON **ret_res,
                                osvif_error_t *err);

/* Open_vSwitch next_cfg += 1, and read it back: ovs-vswitchd reports cur_cfg when applied. */
static int append_bump_cfg(cJSON *ops)
{
        static const char *const cols[] = { "next_cfg", NULL };
        cJSON *m = op("mutate", "Open_vSwitch");
        int r = osvif_json_add_item(m, "where", cJSON_CreateArray()) |
                osvif_json_add_item(m, "mutations",
                                    mutation("next_cfg", "+=", cJSON_CreateNumber(1)));

        if (r < 0) {
                cJSON_Delete(m);
                return r;
        }
        return osvif_json_append(ops, m) |
               osvif_json_append(ops, select_op("Open_vSwitch", cJSON_CreateArray(), cols));
}

/*
 * Wait, bounded, until ovs-vswitchd has applied configuration `cfg` (cur_cfg >= cfg), as
 * ovs-vsctl does after a change: only then may the devices of deleted ports go away without
 * ovs-vswitchd tripping over them. A daemon that does not catch up in time is not an error:
 * the rows are gone, which is what DEL promises.
 */
static void sync_vswitchd(struct osvif_ovsdb *db, int cfg, int timeout_ms)
{
        static const char *const cols[] = { "cur_cfg", NULL };
        struct timespec pause = { 0, 500000 };
        int64_t deadline = osvif_now_ms() + timeout_ms;
        osvif_error_t err = OSVIF_ERROR_INIT;

        while (osvif_now_ms() < deadline) {
                _cleanup_cjson_ cJSON *res = NULL;
                const cJSON *rows = select_rows(db, "Open_vSwitch", cJSON_CreateArray(), cols,
                                                timeout_ms, &res, &err);

                if (!rows || opt_int(cJSON_GetArrayItem(rows, 0), "cur_cfg", 0) >= cfg)
                        break;
                nanosleep(&pause, NULL);
        }
        osvif_error_clear(&err);
}

/*
 * Remove the selected Port rows from every bridge; the rows and their Interfaces go with it.
 * sync_ms > 0 then waits up to that long for ovs-vswitchd to let go of the devices.
 */
static int delete_ports(struct osvif_ovsdb *db, const cJSON *rows, int timeout_ms, int sync_ms,
                        osvif_error_t *err)
{
        cJSON *ops;
        _cleanup_cjson_ cJSON *res = NULL;
        const cJSON *cfg_row;

        if (cJSON_GetArraySize(rows) == 0)
                return 0;
        ops = cJSON_CreateArray();
        if ((osvif_json_append(ops, mutate_bridge_ports(NULL, "delete", uuid_set(rows))) |
             append_bump_cfg(ops)) < 0) {
                cJSON_Delete(ops);
                return osvif_error_oom(err);
        }
        res = osvif_ovsdb_transact(db, ops, timeout_ms, err);
        if (!res)
                return -1;
        cfg_row = cJSON_GetArrayItem(rows_of(res, 2), 0);
        if (sync_ms > 0)
                sync_vswitchd(db, opt_int(cfg_row, "next_cfg", 0), sync_ms);
        return 0;
}

/* One select; returns its rows (owned by *ret_res). */
static const cJSON *select_rows(struct osvif_ovsdb *db, const char *table, cJSON *where,
                                const char *const *cols, int timeout_ms, cJSON **ret_res,
                                osvif_error_t *err)
{
        cJSON *ops = cJSON_CreateArray();

        if (osvif_json_append(ops, select_op(table, where, cols)) < 0) {
                cJSON_Delete(ops);
                osvif_error_oom(err);
                return NULL;
        }
        *ret_res = osvif_ovsdb_transact(db, ops, timeout_ms, err);
        return *ret_res ? rows_of(*ret_res, 0) : NULL;
}

int osvif_ovs_del_port(struct osvif_ovsdb *db, const char *port, int timeout_ms, int sync_ms,
                       osvif_error_t *err)
{
        static const char *const cols[] = { "_uuid", NULL };
        _cleanup_cjson_ cJSON *res = NULL;
        const cJSON *rows = select_rows(db, "Port", where_eq("name", cJSON_CreateString(port)),
                                        cols, timeout_ms, &res, err);

        if (!rows)
                return -1;
        return delete_ports(db, rows, timeout_ms, sync_ms, err);
}

/* [["external_ids", "includes", ["map", owner keys]]] */
static cJSON *where_owner(const struct osvif_ovs_owner *owner)
{
        const char *kv[7];
        cJSON *cond = cJSON_CreateArray(), *where = cJSON_CreateArray();

        owner_kv(owner, kv);
        if (osvif_json_append(cond, cJSON_CreateString("external_ids")) < 0 ||
            osvif_json_append(cond, cJSON_CreateString("includes")) < 0 ||
            osvif_json_append(cond, omap(kv)) < 0 || osvif_json_append(where, cond) < 0) {
                cJSON_Delete(where);
                return NULL;
        }
        return where;
}

int osvif_ovs_del_owned(struct osvif_ovsdb *db, const struct osvif_ovs_owner *owner, int timeout_ms,
                        int sync_ms, osvif_error_t *err)
{
        /* all three keys, always: a partial owner would match other attachments' ports */
        if (!owner->network || !owner->container_id || !owner->ifname)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, EINVAL,
                                       "delete OVS ports: incomplete owner");
        static const char *const cols[] = { "_uuid", NULL };
        _cleanup_cjson_ cJSON *res = NULL;
        const cJSON *rows;

        rows = select_rows(db, "Port", where_owner(owner), cols, timeout_ms, &res, err);
        if (!rows)
                return -1;
        return delete_ports(db, rows, timeout_ms, sync_ms, err);
}

void osvif_ovs_port_info_clear(struct osvif_ovs_port_info *info)
{
        free(info->bridge);
        free(info->port);
        free(info->error);
        free(info->type);
        cJSON_Delete(info->external_ids);
        cJSON_Delete(info->options);
        memset(info, 0, sizeof(*info));
}

/* ["map", [[k, v], ...]] -> {k: v} */
static cJSON *map_to_object(const cJSON *m)
{
        cJSON *o = cJSON_CreateObject();
        const cJSON *p;

        cJSON_ArrayForEach(p, cJSON_GetArrayItem(m, 1)) {
                const cJSON *k = cJSON_GetArrayItem(p, 0), *v = cJSON_GetArrayItem(p, 1);

                if (cJSON_IsString(k) && cJSON_IsString(v) &&
                    osvif_json_add_string(o, k->valuestring, v->valuestring) < 0) {
                        cJSON_Delete(o);
                        return NULL;
                }
        }
        return o;
}

static bool same_uuid(const cJSON *a, const cJSON *b)
{
        const cJSON *x = cJSON_GetArrayItem(a, 1), *y = cJSON_GetArrayItem(b, 1);

        return cJSON_IsString(x) && cJSON_IsString(y) &&
               strcmp(x->valuestring, y->valuestring) == 0;
}

/* The bridge whose ports hold port_uuid: a bare ["uuid", u] or a ["set", [...]]. */
static const char *bridge_of(const cJSON *bridges, const cJSON *port_uuid)
{
        const cJSON *br;

        cJSON_ArrayForEach(br, bridges) {
                const cJSON *ports = cJSON_GetObjectItemCaseSensitive(br, "ports");
                const cJSON *tag = cJSON_GetArrayItem(ports, 0), *p;

                if (cJSON_IsString(tag) && strcmp(tag->valuestring, "uuid") == 0) {
                        if (same_uuid(ports, port_uuid))
                                return opt_string(br, "name");
                        continue;
                }
                cJSON_ArrayForEach(p, cJSON_GetArrayItem(ports, 1))
                        if (same_uuid(p, port_uuid))
                                return opt_string(br, "name");
        }
        return NULL;
}

static int fill_info(const cJSON *port_row, const cJSON *iface_row, const cJSON *bridges,
                     struct osvif_ovs_port_info *ret)
{
        const char *s;

        memset(ret, 0, sizeof(*ret));
        ret->port = (s = opt_string(port_row, "name")) ? strdup(s) : NULL;
        ret->bridge = (s = bridge_of(bridges, cJSON_GetObjectItemCaseSensitive(port_row, "_uuid")))
                              ? strdup(s)
                              : NULL;
        ret->tag = opt_int(port_row, "tag", -1);
        ret->ofport = opt_int(iface_row, "ofport", -1);
        ret->error = (s = opt_string(iface_row, "error")) ? strdup(s) : NULL;
        ret->external_ids = map_to_object(
                cJSON_GetObjectItemCaseSensitive(iface_row ? iface_row : port_row, "external_ids"));
        ret->type = (s = opt_string(iface_row, "type")) ? strdup(s) : NULL;
        ret->options = map_to_object(cJSON_GetObjectItemCaseSensitive(iface_row, "options"));
        return ret->external_ids && ret->options ? 0 : -ENOMEM;
}

/* Ports, their Interfaces (same names: one Interface per Port, as we create them) and bridges. */
static cJSON *read_ports(struct osvif_ovsdb *db, cJSON *port_where, cJSON *iface_where,
                         int timeout_ms, osvif_error_t *err)
{
        static const char *const pcols[] = { "_uuid", "name", "tag", "external_ids", NULL };
        static const char *const icols[] = { "name", "ofport",  "error", "external_ids",
                                             "type", "options", NULL };
        static const char *const bcols[] = { "name", "ports", NULL };
        cJSON *ops = cJSON_CreateArray();

        if ((osvif_json_append(ops, select_op("Port", port_where, pcols)) |
             osvif_json_append(ops, select_op("Interface", iface_where, icols)) |
             osvif_json_append(ops, select_op("Bridge", cJSON_CreateArray(), bcols))) < 0) {
                cJSON_Delete(ops);
                osvif_error_oom(err);
                return NULL;
        }
        return osvif_ovsdb_transact(db, ops, timeout_ms, err);
}

static const cJSON *row_named(const cJSON *rows, const char *name)
{
        const cJSON *row;

        cJSON_ArrayForEach(row, rows) {
                const char *n = opt_string(row, "name");

                if (n && name && strcmp(n, name) == 0)
                        return row;
        }
        return NULL;
}

int osvif_ovs_get_port(struct osvif_ovsdb *db, const char *port, int timeout_ms,
                       struct osvif_ovs_port_info *ret, osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *res = read_ports(db, where_eq("name", cJSON_CreateString(port)),
                                                where_eq("name", cJSON_CreateString(port)),
                                                timeout_ms, err);
        const cJSON *prow;

        if (!res)
                return -1;
        prow = cJSON_GetArrayItem(rows_of(res, 0), 0);
        if (!prow)
                return 0;
        if (fill_info(prow, row_named(rows_of(res, 1), port), rows_of(res, 2), ret) < 0)
                return osvif_error_oom(err);
        return 1;
}

int osvif_ovs_foreach_owned(struct osvif_ovsdb *db, const struct osvif_ovs_owner *owner,
                            int timeout_ms,
                            int (*fn)(const struct osvif_ovs_port_info *port, void *userdata),
                            void *userdata, osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *res = read_ports(db, where_owner(owner), where_owner(owner),
                                                timeout_ms, err);
        const cJSON *prow;
        int n = 0;

        if (!res)
                return -1;
        cJSON_ArrayForEach(prow, rows_of(res, 0)) {
                struct osvif_ovs_port_info info;
                int r;

                if (fill_info(prow, row_named(rows_of(res, 1), opt_string(prow, "name")),
                              rows_of(res, 2), &info) < 0) {
                        osvif_ovs_port_info_clear(&info);
                        return osvif_error_oom(err);
                }
                r = fn(&info, userdata);
                osvif_ovs_port_info_clear(&info);
                if (r < 0)
                        return osvif_error_set_errno(err, OSVIF_ERR_INTERNAL, -r,
                                                     "list OVS ports of network \"%s\"",
                                                     owner->network);
                n++;
        }
        return n;
}

int osvif_ovs_get_other_config(struct osvif_ovsdb *db, const char *key, int timeout_ms, char **ret,
                               osvif_error_t *err)
{
        static const char *const cols[] = { "other_config", NULL };
        _cleanup_cjson_ cJSON *res = NULL;
        _cleanup_cjson_ cJSON *map = NULL;
        const cJSON *rows = select_rows(db, "Open_vSwitch", cJSON_CreateArray(), cols, timeout_ms,
                                        &res, err);
        const cJSON *v;

        if (!rows)
                return -1;
        map = map_to_object(
                cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(rows, 0), "other_config"));
        if (!map)
                return osvif_error_oom(err);
        v = cJSON_GetObjectItemCaseSensitive(map, key);
        if (!cJSON_IsString(v))
                return 0;
        *ret = strdup(v->valuestring);
        return *ret ? 1 : osvif_error_oom(err);
}
