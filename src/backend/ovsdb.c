/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "backend/ovs.h"
#include "backend/ovsdb.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/json.h"

/*
 * An OVSDB client (RFC 7047): one connection, JSON-RPC requests with ids, the server's
 * "echo" answered while we wait, every wait bounded by a deadline. Messages are JSON
 * objects back to back on the stream; each is cut out by tracking nesting outside strings,
 * then parsed strictly.
 */

/*
 * The receive buffer starts at 16 KiB and doubles as a message needs it: the replies of an
 * ADD or DEL are a few hundred bytes, and a first buffer of 128 KiB was an mmap of its own
 * (glibc's threshold), with its munmap and page faults, on every call. Each read asks for
 * at least READ_MIN bytes of room.
 */
#define READ_FIRST 16384
#define READ_MIN 4096

/* "unix:/path", "tcp:host:port", "tcp:[v6]:port" */
static int open_socket(const char *target, int *ret_family, struct sockaddr_storage *ss,
                       socklen_t *len)
{
        if (strncmp(target, "unix:", 5) == 0) {
                struct sockaddr_un *un = (struct sockaddr_un *)ss;

                if (strlen(target + 5) >= sizeof(un->sun_path))
                        return -ENAMETOOLONG;
                memset(un, 0, sizeof(*un));
                un->sun_family = AF_UNIX;
                strcpy(un->sun_path, target + 5);
                *len = sizeof(*un);
                *ret_family = AF_UNIX;
                return 0;
        }
        if (strncmp(target, "tcp:", 4) == 0) {
                char host[256];
                const char *h = target + 4, *port;
                struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
                struct addrinfo *ai = NULL;
                size_t hl;

                if (*h == '[') {
                        const char *close_br = strchr(h, ']');

                        if (!close_br || close_br[1] != ':')
                                return -EINVAL;
                        hl = (size_t)(close_br - h - 1);
                        h++;
                        port = close_br + 2;
                } else {
                        port = strrchr(h, ':');
                        if (!port)
                                return -EINVAL;
                        hl = (size_t)(port - h);
                        port++;
                }
                if (hl == 0 || hl >= sizeof(host))
                        return -EINVAL;
                memcpy(host, h, hl);
                host[hl] = '\0';
                if (getaddrinfo(host, port, &hints, &ai) != 0 || !ai)
                        return -EHOSTUNREACH;
                memcpy(ss, ai->ai_addr, ai->ai_addrlen);
                *len = ai->ai_addrlen;
                *ret_family = ai->ai_family;
                freeaddrinfo(ai);
                return 0;
        }
        return -EINVAL;
}

static int wait_fd(int fd, short events, int64_t deadline)
{
        for (;;) {
                int64_t left = deadline - osvif_now_ms();
                struct pollfd p = { fd, events, 0 };
                int r;

                if (left <= 0)
                        return -ETIMEDOUT;
                r = poll(&p, 1, (int)left);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return -errno;
                if (r > 0)
                        return 0;
        }
}

static int connect_one(const char *target, int timeout_ms, int *ret_fd)
{
        struct sockaddr_storage ss;
        _cleanup_close_ int fd = -1;
        socklen_t len = 0, elen = sizeof(int);
        int family = 0, r, e = 0;

        r = open_socket(target, &family, &ss, &len);
        if (r < 0)
                return r;
        fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
                if (errno != EINPROGRESS && errno != EAGAIN)
                        return -errno;
                r = wait_fd(fd, POLLOUT, osvif_now_ms() + timeout_ms);
                if (r < 0)
                        return r;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) < 0)
                        return -errno;
                if (e)
                        return -e;
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int osvif_ovsdb_connect(const char *target, int timeout_ms, struct osvif_ovsdb **ret,
                        osvif_error_t *err)
{
        const char *tried = target ? target : OSVIF_OVSDB_DEFAULT;
        struct osvif_ovsdb *db;
        int fd = -1, r;

        r = connect_one(tried, timeout_ms, &fd);
        /* os-vif's and ovs-vsctl's other usual place, when no target was configured */
        if (r < 0 && !target) {
                int r2 = connect_one(OSVIF_OVSDB_FALLBACK, timeout_ms, &fd);

                if (r2 == 0)
                        r = 0;
        }
        if (r < 0) {
                if (r == -EINVAL || r == -ENAMETOOLONG)
                        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, -r,
                                               "ovsdb: \"%s\" is not a usable target", tried);
                return osvif_error_set_errno(err, OSVIF_CNI_ERR_TRY_AGAIN, -r,
                                             "connect to ovsdb \"%s\"", tried);
        }
        db = calloc(1, sizeof(*db));
        if (!db) {
                close(fd);
                return osvif_error_oom(err);
        }
        db->fd = fd;
        db->target = strdup(tried);
        *ret = db;
        return 0;
}

void osvif_ovsdb_close(struct osvif_ovsdb *db)
{
        if (!db)
                return;
        if (db->fd >= 0)
                close(db->fd);
        cJSON_Delete(db->pending.reply);
        free(db->buf);
        free(db->target);
        free(db);
}

static int send_json(struct osvif_ovsdb *db, const cJSON *msg, int64_t deadline, osvif_error_t *err)
{
        _cleanup_free_ char *s = cJSON_PrintUnformatted(msg);
        size_t len, off = 0;

        if (!s)
                return osvif_error_oom(err);
        len = strlen(s);
        while (off < len) {
                ssize_t n = send(db->fd, s + off, len - off, MSG_NOSIGNAL);

                if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                        int r = wait_fd(db->fd, POLLOUT, deadline);

                        if (r < 0)
                                return osvif_error_set_errno(err, OSVIF_CNI_ERR_TRY_AGAIN, -r,
                                                             "send to ovsdb \"%s\"", db->target);
                        continue;
                }
                if (n < 0)
                        return osvif_error_set_errno(err, OSVIF_CNI_ERR_TRY_AGAIN, errno,
                                                     "send to ovsdb \"%s\"", db->target);
                off += (size_t)n;
        }
        return 0;
}

/*
 * Where the message at db->start ends (an offset into buf), 0 when it is not complete yet,
 * -1 if it is not a JSON object. The scan resumes where the previous call stopped, so a
 * message that arrives in many pieces is read in linear time.
 */
static ssize_t frame(struct osvif_ovsdb *db)
{
        for (; db->scan.pos < db->len; db->scan.pos++) {
                char c = db->buf[db->scan.pos];

                if (db->scan.in_string) {
                        if (db->scan.escaped)
                                db->scan.escaped = false;
                        else if (c == '\\')
                                db->scan.escaped = true;
                        else if (c == '"')
                                db->scan.in_string = false;
                        continue;
                }
                if (!db->scan.started && (c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
                        db->start++; /* whitespace between messages */
                        continue;
                }
                if (!db->scan.started && c != '{')
                        return -1;
                db->scan.started = true;
                if (c == '"')
                        db->scan.in_string = true;
                else if (c == '{' || c == '[')
                        db->scan.depth++;
                else if ((c == '}' || c == ']') && --db->scan.depth == 0)
                        return (ssize_t)++db->scan.pos;
        }
        return 0;
}

/* The next message from the server, waiting until deadline. */
static cJSON *recv_json(struct osvif_ovsdb *db, int64_t deadline, osvif_error_t *err)
{
        for (;;) {
                ssize_t end = frame(db);

                if (end < 0) {
                        osvif_error_set(err, OSVIF_ERR_OVSDB, EPROTO,
                                        "ovsdb \"%s\" sent something that is not JSON-RPC",
                                        db->target);
                        return NULL;
                }
                if (end > 0) {
                        cJSON *msg = osvif_json_parse(db->buf + db->start, (size_t)end - db->start,
                                                      err);

                        /* consumed: the bytes stay until the next fill needs the room */
                        db->start = (size_t)end;
                        memset(&db->scan, 0, sizeof(db->scan));
                        db->scan.pos = db->start;
                        /* not JSON from the server: OVSDB's fault, not the config's */
                        if (!msg)
                                osvif_error_wrap_code(err, OSVIF_ERR_OVSDB, "ovsdb \"%s\"",
                                                      db->target);
                        return msg;
                }
                if (osvif_ovsdb_fill(db, deadline, err) < 0)
                        return NULL;
        }
}

/* Room for READ_MIN more bytes: consumed bytes dropped first, then the buffer doubled. */
static int make_room(struct osvif_ovsdb *db, osvif_error_t *err)
{
        size_t ncap;
        char *nb;

        if (db->cap - db->len >= READ_MIN)
                return 0;
        if (db->start > 0) {
                /* once per message at most: after this, start is 0 until it is consumed */
                memmove(db->buf, db->buf + db->start, db->len - db->start);
                db->len -= db->start;
                db->scan.pos -= db->start;
                db->start = 0;
                if (db->cap - db->len >= READ_MIN)
                        return 0;
        }
        if (db->len >= OSVIF_OVSDB_MAX_MESSAGE)
                return osvif_error_set(err, OSVIF_ERR_OVSDB, EMSGSIZE,
                                       "ovsdb \"%s\": a message larger than %d MiB", db->target,
                                       OSVIF_OVSDB_MAX_MESSAGE / (1024 * 1024));
        ncap = db->cap ? db->cap * 2 : READ_FIRST;
        if (ncap > OSVIF_OVSDB_MAX_MESSAGE + READ_MIN)
                ncap = OSVIF_OVSDB_MAX_MESSAGE + READ_MIN;
        nb = realloc(db->buf, ncap);
        if (!nb)
                return osvif_error_oom(err);
        db->buf = nb;
        db->cap = ncap;
        return 0;
}

int osvif_ovsdb_fill(struct osvif_ovsdb *db, int64_t deadline, osvif_error_t *err)
{
        ssize_t r;
        int w;

        if (make_room(db, err) < 0)
                return -1;
        for (;;) {
                /* checked before every read: a server that never stops sending gets no more time */
                if (osvif_now_ms() >= deadline)
                        return osvif_error_set_errno(err, OSVIF_CNI_ERR_TRY_AGAIN, ETIMEDOUT,
                                                     "wait for ovsdb \"%s\"", db->target);
                r = recv(db->fd, db->buf + db->len, db->cap - db->len, 0);
                if (r > 0) {
                        db->len += (size_t)r;
                        return 0;
                }
                if (r == 0)
                        return osvif_error_set(err, OSVIF_CNI_ERR_TRY_AGAIN, ECONNRESET,
                                               "ovsdb \"%s\" closed the connection", db->target);
                if (errno != EAGAIN && errno != EINTR)
                        return osvif_error_set_errno(err, OSVIF_CNI_ERR_TRY_AGAIN, errno,
                                                     "read from ovsdb \"%s\"", db->target);
                w = wait_fd(db->fd, POLLIN, deadline);
                if (w < 0)
                        return osvif_error_set_errno(err, OSVIF_CNI_ERR_TRY_AGAIN, -w,
                                                     "wait for ovsdb \"%s\"", db->target);
        }
}

static int answer_echo(struct osvif_ovsdb *db, const cJSON *msg, int64_t deadline,
                       osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *reply = cJSON_CreateObject();
        cJSON *params = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(msg, "params"), 1);

        if (!reply ||
            osvif_json_add_item(reply, "result", params ? params : cJSON_CreateArray()) < 0 ||
            osvif_json_add_item(reply, "error", cJSON_CreateNull()) < 0 ||
            osvif_json_add_item(reply, "id",
                                cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(msg, "id"), 1)) <
                    0)
                return osvif_error_oom(err);
        return send_json(db, reply, deadline, err);
}

/* Send one request; `params` is consumed. *ret_id: its id. */
static int send_request(struct osvif_ovsdb *db, const char *method, cJSON *params, int64_t deadline,
                        double *ret_id, osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *req = cJSON_CreateObject();
        double id = (double)++db->next_id;

        if (!req)
                cJSON_Delete(params);
        if (!req || osvif_json_add_string(req, "method", method) < 0 ||
            osvif_json_add_item(req, "params", params) < 0 ||
            osvif_json_add_item(req, "id", cJSON_CreateNumber(id)) < 0)
                return osvif_error_oom(err);
        if (send_json(db, req, deadline, err) < 0)
                return -1;
        *ret_id = id;
        return 0;
}

/*
 * The reply to request `id` (the whole message, owned by the caller), answering the server's
 * echoes meanwhile. The reply of the pending transaction, when it comes first, is kept.
 */
static cJSON *wait_reply(struct osvif_ovsdb *db, double id, int64_t deadline, osvif_error_t *err)
{
        if (db->pending.active && db->pending.id == id && db->pending.reply)
                return TAKE_PTR(db->pending.reply);
        for (;;) {
                _cleanup_cjson_ cJSON *msg = recv_json(db, deadline, err);
                const cJSON *mid, *m;

                if (!msg)
                        return NULL;
                m = cJSON_GetObjectItemCaseSensitive(msg, "method");
                if (cJSON_IsString(m) && strcmp(m->valuestring, "echo") == 0) {
                        if (answer_echo(db, msg, deadline, err) < 0)
                                return NULL;
                        continue;
                }
                mid = cJSON_GetObjectItemCaseSensitive(msg, "id");
                if (!cJSON_IsNumber(mid))
                        continue; /* a notification */
                if (mid->valuedouble == id)
                        return TAKE_PTR(msg);
                if (db->pending.active && mid->valuedouble == db->pending.id && !db->pending.reply)
                        db->pending.reply = TAKE_PTR(msg);
                /* else a reply to somebody else's id */
        }
}

/* A reply's "result" (detached, owned by the caller), or NULL with its error. */
static cJSON *result_of(struct osvif_ovsdb *db, const char *method, cJSON *msg, osvif_error_t *err)
{
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(msg, "error");

        if (e && !cJSON_IsNull(e)) {
                _cleanup_free_ char *r = osvif_json_repr(e);

                osvif_error_set(err, OSVIF_ERR_OVSDB, 0, "ovsdb \"%s\": %s failed: %s", db->target,
                                method, r ? r : "?");
                return NULL;
        }
        return cJSON_DetachItemFromObjectCaseSensitive(msg, "result");
}

cJSON *osvif_ovsdb_call(struct osvif_ovsdb *db, const char *method, cJSON *params, int timeout_ms,
                        osvif_error_t *err)
{
        int64_t deadline = osvif_now_ms() + timeout_ms;
        _cleanup_cjson_ cJSON *msg = NULL;
        double id;

        if (send_request(db, method, params, deadline, &id, err) < 0)
                return NULL;
        msg = wait_reply(db, id, deadline, err);
        return msg ? result_of(db, method, msg, err) : NULL;
}

/*
 * RFC 7047's transaction errors (section 4.1.3 and the operations' own) as errno values, so
 * that callers tell them apart by errnum rather than by the words of the message: a `wait`
 * whose condition does not hold in time, a unique index (a name) already taken, a row that a
 * reference needs gone.
 */
static int transact_errno(const char *error)
{
        static const struct {
                const char *error;
                int errnum;
        } known[] = {
                { "timed out", ETIMEDOUT },
                { "constraint violation", EEXIST },
                { "referential integrity violation", ENOENT },
                { "resources exhausted", ENOSPC },
                { "I/O error", EIO },
        };

        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
                if (strcmp(error, known[i].error) == 0)
                        return known[i].errnum;
        return EPROTO;
}

/* The failed operation of a transact result: its index and the error object, or -1. */
static int first_failure(const cJSON *result, const cJSON **ret)
{
        const cJSON *it;
        int i = 0;

        cJSON_ArrayForEach(it, result) {
                const cJSON *e = cJSON_GetObjectItemCaseSensitive(it, "error");

                if (cJSON_IsString(e)) {
                        *ret = it;
                        return i;
                }
                i++;
        }
        return -1;
}

/* ["Open_vSwitch", ops...]: `ops` is consumed. */
static cJSON *transact_params(cJSON *ops, osvif_error_t *err)
{
        cJSON *params = cJSON_CreateArray();

        if (!params || osvif_json_append(params, cJSON_CreateString("Open_vSwitch")) < 0) {
                cJSON_Delete(params);
                cJSON_Delete(ops);
                osvif_error_oom(err);
                return NULL;
        }
        /* move the operations into params, after the database name */
        while (cJSON_GetArraySize(ops) > 0)
                cJSON_AddItemToArray(params, cJSON_DetachItemFromArray(ops, 0));
        cJSON_Delete(ops);
        return params;
}

/* A transact result (consumed): returned when every operation succeeded. */
static cJSON *transact_result(struct osvif_ovsdb *db, cJSON *res, int n_ops, osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *result = res;
        const cJSON *failed = NULL;
        int i;

        if (!result)
                return NULL;
        if (!cJSON_IsArray(result)) {
                osvif_error_set(err, OSVIF_ERR_OVSDB, EPROTO,
                                "ovsdb \"%s\": transact: no result array", db->target);
                return NULL;
        }
        i = first_failure(result, &failed);
        if (i >= 0) {
                const cJSON *e = cJSON_GetObjectItemCaseSensitive(failed, "error");
                const cJSON *d = cJSON_GetObjectItemCaseSensitive(failed, "details");

                osvif_error_set(err, OSVIF_ERR_OVSDB, transact_errno(e->valuestring),
                                "ovsdb transaction failed at %s %d: %s%s%s",
                                i < n_ops ? "operation" : "commit after operation", i,
                                e->valuestring, cJSON_IsString(d) ? ": " : "",
                                cJSON_IsString(d) ? d->valuestring : "");
                return NULL;
        }
        return TAKE_PTR(result);
}

cJSON *osvif_ovsdb_transact(struct osvif_ovsdb *db, cJSON *ops, int timeout_ms, osvif_error_t *err)
{
        int n_ops = cJSON_GetArraySize(ops);
        cJSON *params = transact_params(ops, err);

        if (!params)
                return NULL;
        return transact_result(db, osvif_ovsdb_call(db, "transact", params, timeout_ms, err), n_ops,
                               err);
}

int osvif_ovsdb_transact_start(struct osvif_ovsdb *db, cJSON *ops, int timeout_ms,
                               osvif_error_t *err)
{
        int n_ops = cJSON_GetArraySize(ops);
        int64_t deadline = osvif_now_ms() + timeout_ms;
        cJSON *params;
        double id;

        if (db->pending.active) {
                cJSON_Delete(ops);
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, EBUSY,
                                       "ovsdb \"%s\": a transaction is already pending",
                                       db->target);
        }
        params = transact_params(ops, err);
        if (!params || send_request(db, "transact", params, deadline, &id, err) < 0)
                return -1;
        db->pending.active = true;
        db->pending.id = id;
        db->pending.n_ops = n_ops;
        db->pending.deadline = deadline;
        return 0;
}

bool osvif_ovsdb_pending(const struct osvif_ovsdb *db)
{
        return db && db->pending.active;
}

cJSON *osvif_ovsdb_transact_finish(struct osvif_ovsdb *db, osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *msg = NULL;

        if (!db->pending.active) {
                osvif_error_set(err, OSVIF_ERR_INTERNAL, EINVAL,
                                "ovsdb \"%s\": no transaction is pending", db->target);
                return NULL;
        }
        msg = wait_reply(db, db->pending.id, db->pending.deadline, err);
        db->pending.active = false;
        if (!msg)
                return NULL;
        return transact_result(db, result_of(db, "transact", msg, err), db->pending.n_ops, err);
}

int osvif_ovsdb_ping(struct osvif_ovsdb *db, int timeout_ms, osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *dbs = osvif_ovsdb_call(db, "list_dbs", cJSON_CreateArray(),
                                                      timeout_ms, err);
        const cJSON *it;

        if (!dbs)
                return -1;
        cJSON_ArrayForEach(it, dbs)
                if (cJSON_IsString(it) && strcmp(it->valuestring, "Open_vSwitch") == 0)
                        return 0;
        return osvif_error_set(err, OSVIF_CNI_ERR_TRY_AGAIN, 0,
                               "ovsdb \"%s\" serves no Open_vSwitch database", db->target);
}

int osvif_ovsdb_target_check(const char *target, osvif_error_t *err)
{
        if (strncmp(target, "unix:", 5) != 0 && strncmp(target, "tcp:", 4) != 0)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "ovsdb: \"%s\" is not a \"unix:<path>\" or "
                                       "\"tcp:<host>:<port>\" target",
                                       target);
        return 0;
}

static bool socket_absent(const char *target)
{
        struct stat st;

        return strncmp(target, "unix:", 5) == 0 && stat(target + 5, &st) < 0;
}

bool osvif_ovsdb_absent(const char *target)
{
        if (target)
                return socket_absent(target);
        return socket_absent(OSVIF_OVSDB_DEFAULT) && socket_absent(OSVIF_OVSDB_FALLBACK);
}
