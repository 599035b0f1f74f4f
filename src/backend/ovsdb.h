/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_OVSDB_H
#define OSVIF_OVSDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "util/error.h"

/* Internal to the OVS backend: the connection and raw JSON-RPC calls. */

/* The largest message we accept from the server; a larger one fails the call (106). */
#define OSVIF_OVSDB_MAX_MESSAGE (8 * 1024 * 1024)

struct osvif_ovsdb {
        int fd;
        char *target;
        char *buf;    /* bytes received: buf[start, len) are not consumed yet */
        size_t start; /* where the next message begins */
        size_t len, cap;
        /* how far the framer got in the message at `start`, so that no byte is scanned twice */
        struct {
                size_t pos;
                int depth;
                bool in_string, escaped, started;
        } scan;
        uint64_t next_id;
        /*
         * A transaction sent by osvif_ovsdb_transact_start() whose reply is read later, by
         * osvif_ovsdb_transact_finish(): one at a time. Another call made meanwhile keeps
         * that reply here when it reads it first.
         */
        struct {
                bool active;
                double id;
                int n_ops;
                int64_t deadline;
                cJSON *reply;
        } pending;
};

/*
 * One JSON-RPC request: `params` is consumed. Returns the reply's "result" (owned by the
 * caller), or NULL with *err: OSVIF_ERR_OVSDB for an error reply, OSVIF_CNI_ERR_TRY_AGAIN
 * for a lost connection or timeout.
 */
cJSON *osvif_ovsdb_call(struct osvif_ovsdb *db, const char *method, cJSON *params, int timeout_ms,
                        osvif_error_t *err);

/*
 * Read more bytes into db->buf, waiting until the monotonic deadline (ms). The deadline holds
 * even while the server keeps sending (OSVIF_CNI_ERR_TRY_AGAIN, ETIMEDOUT), and a message
 * that grows past OSVIF_OVSDB_MAX_MESSAGE fails with OSVIF_ERR_OVSDB (EMSGSIZE).
 */
int osvif_ovsdb_fill(struct osvif_ovsdb *db, int64_t deadline, osvif_error_t *err);

#endif
