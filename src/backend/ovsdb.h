/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_OVSDB_H
#define OSVIF_OVSDB_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "util/error.h"

/* Internal to the OVS backend: the connection and raw JSON-RPC calls. */

struct osvif_ovsdb {
        int fd;
        char *target;
        char *buf; /* bytes received and not yet consumed */
        size_t len, cap;
        uint64_t next_id;
};

/*
 * One JSON-RPC request: `params` is consumed. Returns the reply's "result" (owned by the
 * caller), or NULL with *err: OSVIF_ERR_OVSDB for an error reply, OSVIF_CNI_ERR_TRY_AGAIN
 * for a lost connection or timeout.
 */
cJSON *osvif_ovsdb_call(struct osvif_ovsdb *db, const char *method, cJSON *params, int timeout_ms,
                        osvif_error_t *err);

/* Read more bytes into db->buf, waiting until the monotonic deadline (ms). */
int osvif_ovsdb_fill(struct osvif_ovsdb *db, long deadline, osvif_error_t *err);

#endif
