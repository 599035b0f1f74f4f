/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_NL_H
#define OSVIF_NL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "backend/link.h"
#include "util/clock.h"
#include "util/error.h"

/* Internal to the link backend: the socket and one acknowledged request. */

struct osvif_nl {
        struct nl_sock *sk;
        int kernel_errno;  /* errno of the last refused request */
        char ext_msg[200]; /* the kernel's extended-ack explanation, if any */
};

/*
 * How a dump is repeated when the kernel marks it interrupted (NLM_F_DUMP_INTR: the table
 * changed while it was being sent; libnl answers NLE_DUMP_INTR, which osvif_nl_errno() turns
 * into EINTR): at least OSVIF_NL_DUMP_RETRIES more times, and for as long as
 * OSVIF_NL_DUMP_PATIENCE_MS from the first try. On a busy host (pods starting and stopping,
 * the dumping process preempted between the dump's messages) a large table's dump can be
 * interrupted ten times running; a GC that waits a second more is better than one that fails.
 */
#define OSVIF_NL_DUMP_RETRIES 10
#define OSVIF_NL_DUMP_PATIENCE_MS 2000

/* Whether a dump that answered r, tried `tries` times since `start_ms`, is tried again. */
static inline bool osvif_nl_dump_again(int r, int tries, int64_t start_ms)
{
        return r == -EINTR && (tries <= OSVIF_NL_DUMP_RETRIES ||
                               osvif_now_ms() - start_ms < OSVIF_NL_DUMP_PATIENCE_MS);
}

/* The error callback behind osvif_nl_transact(): records errno and the ext-ack text in nl. */
int osvif_nl_error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg);

/* Send msg, wait for the kernel's acknowledgement. 0, or -errno as the kernel said it. */
int osvif_nl_transact(struct osvif_nl *nl, struct nl_msg *msg);

/*
 * Send a get or dump request and hand every reply message to on_msg, until the dump's end
 * (or a get's one answer). 0, or -errno (the kernel's refusal, ENOMEM...). on_msg returns 0,
 * or a negative errno: the rest of the replies is read and dropped, and that errno returned.
 */
int osvif_nl_request(struct osvif_nl *nl, struct nl_msg *msg,
                     int (*on_msg)(struct nlmsghdr *h, void *arg), void *arg);

/*
 * A dump of message `type` whose family header is `hdr` (hdr_len bytes), asked again while
 * the kernel marks it interrupted (see OSVIF_NL_DUMP_RETRIES); `restart` (or NULL)
 * runs before every try so that on_msg starts afresh. 0, or -errno as osvif_nl_request()
 * (-EINTR when every try was interrupted).
 */
int osvif_nl_dump(struct osvif_nl *nl, int type, const void *hdr, size_t hdr_len,
                  int (*on_msg)(struct nlmsghdr *h, void *arg), void (*restart)(void *arg),
                  void *arg);

/*
 * Set *err for a refused request: code from errnum (EEXIST -> OSVIF_ERR_EXISTS, ENODEV and
 * ENOENT -> OSVIF_ERR_NOT_FOUND, else OSVIF_ERR_NETLINK), message "<what>: <reason>" with
 * the kernel's extended-ack text when it gave one. Returns -1.
 */
int osvif_nl_error(struct osvif_nl *nl, int errnum, osvif_error_t *err, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static inline void osvif_nlmsg_freep(struct nl_msg **m)
{
        if (*m)
                nlmsg_free(*m);
}
#define _cleanup_nlmsg_ __attribute__((cleanup(osvif_nlmsg_freep)))

#endif
