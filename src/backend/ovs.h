/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_OVS_H
#define OSVIF_OVS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "util/error.h"

/*
 * Open vSwitch over OVSDB (RFC 7047 JSON-RPC), with no ovs-vsctl and no IDL: a connection,
 * `transact`, and the port operations os-vif's ovs plugin performs (os-vif.md §6.1).
 *
 * Errors: an unreachable server (connect refused, no socket, timeout while connecting) is
 * OSVIF_CNI_ERR_TRY_AGAIN (11) so runtimes retry; a transaction OVSDB refuses is
 * OSVIF_ERR_OVSDB with the server's error and details; a port ovs-vswitchd does not realize
 * in time (or realizes with an Interface `error`) is OSVIF_ERR_OVS_PORT.
 */

struct osvif_ovsdb;

#define OSVIF_OVSDB_DEFAULT "unix:/run/openvswitch/db.sock"
#define OSVIF_OVSDB_FALLBACK "unix:/var/run/openvswitch/db.sock"

/*
 * Whether `target` has a form osvif can connect to ("unix:<path>", "tcp:<host>:<port>").
 * 0, or -1 with code 7 naming the "ovsdb" key and the value.
 */
int osvif_ovsdb_target_check(const char *target, osvif_error_t *err);

/*
 * Whether OVS is surely not running here: `target` (NULL: the default and the fallback) is a
 * unix socket that does not exist. Never true of a TCP target, which only a connection tells.
 * DEL and GC of a network that may have OVS ports use it to go on without OVS.
 */
bool osvif_ovsdb_absent(const char *target);

/*
 * Connect to "unix:<path>" or "tcp:<host>:<port>" ("tcp:[v6]:port" too), bounded by
 * timeout_ms. `target` NULL means the default, then the fallback path.
 */
int osvif_ovsdb_connect(const char *target, int timeout_ms, struct osvif_ovsdb **ret,
                        osvif_error_t *err);
void osvif_ovsdb_close(struct osvif_ovsdb *db); /* NULL-safe */
static inline void osvif_ovsdb_closep(struct osvif_ovsdb **db)
{
        osvif_ovsdb_close(*db);
}
#define _cleanup_ovsdb_ __attribute__((cleanup(osvif_ovsdb_closep)))

/*
 * One "transact" on database Open_vSwitch. `ops` (a JSON array of operations) is consumed.
 * Waits for the reply, answering the server's "echo" requests meanwhile, up to timeout_ms.
 * On success returns the reply's result array (owned by the caller). When any operation
 * failed (an error object in the result, or fewer results than operations) it returns NULL
 * with OSVIF_ERR_OVSDB naming the failed operation, the error and its details, and the
 * error as errnum: ETIMEDOUT a `wait` that did not hold, EEXIST a unique name taken, ENOENT a
 * referential integrity violation, ENOSPC resources exhausted, EIO an I/O error, EPROTO others.
 */
cJSON *osvif_ovsdb_transact(struct osvif_ovsdb *db, cJSON *ops, int timeout_ms, osvif_error_t *err);

/*
 * The same transaction in two halves, so that the caller works while the server commits:
 * _start sends it (0, or -1 with *err; `ops` is consumed), _finish reads its reply as
 * osvif_ovsdb_transact() would (its timeout counted from _start). One pending at a time;
 * other calls may be made meanwhile (a reply they read first is kept for _finish).
 */
int osvif_ovsdb_transact_start(struct osvif_ovsdb *db, cJSON *ops, int timeout_ms,
                               osvif_error_t *err);
cJSON *osvif_ovsdb_transact_finish(struct osvif_ovsdb *db, osvif_error_t *err);
/* Whether a transaction is pending on db (NULL: no). */
bool osvif_ovsdb_pending(const struct osvif_ovsdb *db);

/* Who owns a port: stored in the Port's and Interface's external_ids. */
struct osvif_ovs_owner {
        const char *network;
        const char *container_id;
        const char *ifname;
};

#define OSVIF_OVS_EXTID_NETWORK "osvif-network"
#define OSVIF_OVS_EXTID_CONTAINER "osvif-container-id"
#define OSVIF_OVS_EXTID_IFNAME "osvif-ifname"

struct osvif_ovs_port_spec {
        const char *bridge;
        const char *datapath_type; /* set when the bridge is created; NULL: OVS default */
        const char *port;          /* Port and Interface name */
        const char *iface_type;    /* NULL: system; "dpdkvhostuser", "dpdkvhostuserclient", ... */
        /* os-vif's Interface external_ids */
        const char *iface_id;     /* profile.interface_id */
        const char *attached_mac; /* vif.address */
        const char *vm_uuid;      /* the container id */
        struct osvif_ovs_owner owner;
        int tag;              /* access VLAN 0..4095, -1: none */
        bool isolate;         /* os-vif's isolate_vif: tag 4095, vlan_mode trunk, trunks [4095] */
        unsigned mtu_request; /* 0: not set */
        const char *vhost_server_path; /* options:vhost-server-path, or NULL */
        /* also read Open_vSwitch other_config:<key> in the same transaction (saving a round
         * trip to a server busy with the commit): *other_config_value, malloc'ed, "" when
         * unset, left NULL when it could not be read */
        const char *other_config_key;
        char **other_config_value;
};

/*
 * Add the Port and its Interface to the bridge in one transaction; the bridge is created
 * (with datapath_type) when missing, like os-vif's `add-br --may-exist`. An existing port of
 * that name is OSVIF_ERR_EXISTS.
 */
int osvif_ovs_add_port(struct osvif_ovsdb *db, const struct osvif_ovs_port_spec *spec,
                       int timeout_ms, osvif_error_t *err);
/*
 * The same in two halves (osvif_ovsdb_transact_start): _start sends the transaction, _finish
 * reads its answer (and makes the further attempts a bridge that appears or vanishes
 * meanwhile needs). Between them the connection must not be closed; `spec` must be the same.
 */
int osvif_ovs_add_port_start(struct osvif_ovsdb *db, const struct osvif_ovs_port_spec *spec,
                             int timeout_ms, osvif_error_t *err);
int osvif_ovs_add_port_finish(struct osvif_ovsdb *db, const struct osvif_ovs_port_spec *spec,
                              int timeout_ms, osvif_error_t *err);

/*
 * Wait until ovs-vswitchd has realized the interface: ofport assigned (> 0) and no `error`.
 * Bounded by timeout_ms. Returns the ofport, or -1 with OSVIF_ERR_OVS_PORT (naming the
 * Interface error when there is one).
 */
int osvif_ovs_wait_port(struct osvif_ovsdb *db, const char *port, int timeout_ms,
                        osvif_error_t *err);

/*
 * Remove a port (and its interfaces) by name from whatever bridge holds it; idempotent.
 * With sync_ms > 0, then wait up to that long for ovs-vswitchd to apply the change (as
 * ovs-vsctl does), so that the port's device can be deleted next without ovs-vswitchd
 * tripping over it; a daemon that does not catch up in time is not an error. 0: no wait
 * (rollback, where ovs-vswitchd may be the very thing that failed).
 */
int osvif_ovs_del_port(struct osvif_ovsdb *db, const char *port, int timeout_ms, int sync_ms,
                       osvif_error_t *err);

/* What CHECK and GC read back. Strings point into storage owned by the info. */
struct osvif_ovs_port_info {
        char *bridge;
        char *port;
        int tag;             /* -1: none */
        int ofport;          /* -1: none/failed */
        char *error;         /* Interface error, or NULL */
        cJSON *external_ids; /* Interface external_ids as a JSON object {key: value} */
        char *type;          /* Interface type, NULL: "" (system) */
        cJSON *options;      /* Interface options as a JSON object {key: value} */
};
void osvif_ovs_port_info_clear(struct osvif_ovs_port_info *info);

/* Read one port by name: 1 found, 0 not found, -1 error. */
int osvif_ovs_get_port(struct osvif_ovsdb *db, const char *port, int timeout_ms,
                       struct osvif_ovs_port_info *ret, osvif_error_t *err);

/*
 * Every port whose external_ids carry our owner keys for `owner.network` (and, when set,
 * container_id and ifname). fn is called once per port and returns 0, or a negative errno
 * that stops the walk. Returns the number of ports, or -1 with *err.
 */
int osvif_ovs_foreach_owned(struct osvif_ovsdb *db, const struct osvif_ovs_owner *owner,
                            int timeout_ms,
                            int (*fn)(const struct osvif_ovs_port_info *port, void *userdata),
                            void *userdata, osvif_error_t *err);

/* Delete every port owned by `owner` (all three keys) in one transaction. Idempotent.
 * sync_ms as for osvif_ovs_del_port(). */
int osvif_ovs_del_owned(struct osvif_ovsdb *db, const struct osvif_ovs_owner *owner, int timeout_ms,
                        int sync_ms, osvif_error_t *err);

/*
 * One key of the Open_vSwitch row's other_config (e.g. "vhost-sock-dir"): 1 with *ret (the
 * caller frees it), 0 when the key is not set, -1 on error.
 */
int osvif_ovs_get_other_config(struct osvif_ovsdb *db, const char *key, int timeout_ms, char **ret,
                               osvif_error_t *err);

/* Quick liveness probe for STATUS: ["Open_vSwitch"] from list_dbs. 0, or -1 (code 11). */
int osvif_ovsdb_ping(struct osvif_ovsdb *db, int timeout_ms, osvif_error_t *err);

#endif
