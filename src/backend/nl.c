/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "backend/nl.h"
#include "util/cleanup.h"

/*
 * The rtnetlink socket, one request/acknowledge exchange, and one get or dump request.
 *
 * One netlink style throughout the backends: every request is built by hand with libnl's
 * message and attribute API (nlmsg_*, nla_*) and every reply parsed the same way, one kernel
 * transaction per function. libnl-route's object caches are not used: a cache is a full dump
 * turned into allocated objects, to answer what one filtered walk over the reply answers, and
 * its objects hide which attributes a request carries. libnl folds kernel errnos into its own
 * NLE_* codes and loses some (ENETUNREACH becomes NLE_FAILURE), so the error callback keeps
 * the kernel's errno and its extended-ack message for our error text.
 */

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NLMSGERR_ATTR_MSG
#define NLMSGERR_ATTR_MSG 1
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif

struct osvif_nl *osvif_nl_open(osvif_error_t *err)
{
        struct osvif_nl *nl = calloc(1, sizeof(*nl));
        int one = 1, r;

        if (!nl) {
                osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
                return NULL;
        }
        nl->sk = nl_socket_alloc();
        if (!nl->sk) {
                free(nl);
                osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
                return NULL;
        }
        r = nl_connect(nl->sk, NETLINK_ROUTE);
        if (r < 0) {
                osvif_error_set(err, OSVIF_ERR_NETLINK, osvif_nl_errno(r),
                                "open rtnetlink socket: %s", nl_geterror(r));
                osvif_nl_close(nl);
                return NULL;
        }
        /* best effort: older kernels simply do not explain their refusals */
        (void)setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
        /* a buffer large enough for any reply, so libnl need not peek at each message first */
        nl_socket_set_msg_buf_size(nl->sk, 65536);
        nl_socket_disable_msg_peek(nl->sk);
        return nl;
}

void osvif_nl_close(struct osvif_nl *nl)
{
        if (!nl)
                return;
        nl_socket_free(nl->sk);
        free(nl);
}

int osvif_nl_errno(int nle)
{
        switch (nle < 0 ? -nle : nle) {
        case 0:
                return 0;
        case NLE_EXIST:
                return EEXIST;
        case NLE_OBJ_NOTFOUND:
                return ENODEV;
        case NLE_NOMEM:
                return ENOMEM;
        case NLE_PERM:
                return EPERM;
        case NLE_BUSY:
                return EBUSY;
        case NLE_INVAL:
                return EINVAL;
        case NLE_RANGE:
                return ERANGE;
        case NLE_OPNOTSUPP:
                return EOPNOTSUPP;
        case NLE_AF_NOSUPPORT:
                return EAFNOSUPPORT;
        case NLE_AGAIN:
                return EAGAIN;
        case NLE_NODEV:
                return ENODEV;
        case NLE_NOADDR:
                return EADDRNOTAVAIL;
        case NLE_MSGSIZE:
                return EMSGSIZE;
        case NLE_DUMP_INTR:
                return EINTR;
        default:
                return EIO;
        }
}

/* Kernel errno and extended-ack message of the last failed request. */
int osvif_nl_error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
        struct osvif_nl *nl = arg;
        struct nlmsghdr *h = (struct nlmsghdr *)e - 1;
        size_t off = sizeof(*h) + sizeof(*e);

        nl->kernel_errno = -e->error;
        nl->ext_msg[0] = '\0';
        if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
                return NL_STOP;
        /* the echoed request follows the error unless the kernel capped it */
        if (!(h->nlmsg_flags & NLM_F_CAPPED))
                off += NLMSG_ALIGN(e->msg.nlmsg_len) - sizeof(e->msg);
        while (off + sizeof(struct nlattr) <= h->nlmsg_len) {
                /* copied out, not cast: the header need not be aligned for a struct nlattr */
                struct nlattr a;

                memcpy(&a, (char *)h + off, sizeof(a));
                if (a.nla_len < sizeof(a) || off + a.nla_len > h->nlmsg_len)
                        break;
                if ((a.nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
                        size_t len = a.nla_len - sizeof(a);

                        if (len >= sizeof(nl->ext_msg))
                                len = sizeof(nl->ext_msg) - 1;
                        memcpy(nl->ext_msg, (char *)h + off + sizeof(a), len);
                        nl->ext_msg[len] = '\0';
                        break;
                }
                off += NLA_ALIGN(a.nla_len);
        }
        return NL_STOP;
}

int osvif_nl_transact(struct osvif_nl *nl, struct nl_msg *msg)
{
        int r;

        nl->kernel_errno = 0;
        nl->ext_msg[0] = '\0';
        nl_socket_modify_err_cb(nl->sk, NL_CB_CUSTOM, osvif_nl_error_cb, nl);
        r = nl_send_auto(nl->sk, msg);
        if (r >= 0)
                r = nl_wait_for_ack(nl->sk);
        if (r >= 0 && nl->kernel_errno == 0)
                return 0;
        return -(nl->kernel_errno ? nl->kernel_errno : osvif_nl_errno(r));
}

int osvif_nl_error(struct osvif_nl *nl, int errnum, osvif_error_t *err, const char *fmt, ...)
{
        _cleanup_free_ char *what = NULL;
        int code = errnum == EEXIST                       ? OSVIF_ERR_EXISTS
                   : errnum == ENODEV || errnum == ENOENT ? OSVIF_ERR_NOT_FOUND
                                                          : OSVIF_ERR_NETLINK;
        char reason[256];
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&what, fmt, ap);
        va_end(ap);
        if (r < 0)
                what = NULL;
        /* strerror's capital first letter, lowered to match our messages */
        snprintf(reason, sizeof(reason), "%s", strerror(errnum));
        if (reason[0] >= 'A' && reason[0] <= 'Z')
                reason[0] = (char)(reason[0] - 'A' + 'a');
        if (nl && nl->ext_msg[0])
                return osvif_error_set(err, code, errnum, "%s: %s (%s)", what ? what : "netlink",
                                       reason, nl->ext_msg);
        return osvif_error_set(err, code, errnum, "%s: %s", what ? what : "netlink", reason);
}

struct request {
        int (*on_msg)(struct nlmsghdr *h, void *arg);
        void *arg;
        int r;
};

static int on_valid(struct nl_msg *m, void *arg)
{
        struct request *req = arg;

        /* after a failure the rest of a dump is still read, so the socket stays in step */
        if (req->r == 0)
                req->r = req->on_msg(nlmsg_hdr(m), req->arg);
        return NL_OK;
}

int osvif_nl_request(struct osvif_nl *nl, struct nl_msg *msg,
                     int (*on_msg)(struct nlmsghdr *h, void *arg), void *arg)
{
        struct request req = { on_msg, arg, 0 };
        bool dump = nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP;
        int r;

        nl->kernel_errno = 0;
        nl->ext_msg[0] = '\0';
        nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &req);
        nl_socket_modify_err_cb(nl->sk, NL_CB_CUSTOM, osvif_nl_error_cb, nl);
        r = nl_send_auto(nl->sk, msg);
        if (r >= 0)
                r = nl_recvmsgs_default(nl->sk);
        /* a get's answer comes without NLM_F_MULTI: its acknowledgement follows it */
        if (r >= 0 && !dump && nl->kernel_errno == 0)
                r = nl_wait_for_ack(nl->sk);
        nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_DEFAULT, NULL, NULL);
        if (nl->kernel_errno)
                return -nl->kernel_errno;
        if (r < 0)
                return -osvif_nl_errno(r);
        return req.r;
}

int osvif_nl_dump(struct osvif_nl *nl, int type, const void *hdr, size_t hdr_len,
                  int (*on_msg)(struct nlmsghdr *h, void *arg), void (*restart)(void *arg),
                  void *arg)
{
        int64_t start = osvif_now_ms();
        int r = -EINTR;

        /* a new message each time: a sent one carries its sequence number */
        for (int i = 0; osvif_nl_dump_again(r, i, start); i++) {
                _cleanup_nlmsg_ struct nl_msg *m = nlmsg_alloc_simple(type, NLM_F_DUMP);

                if (!m || nlmsg_append(m, (void *)hdr, hdr_len, NLMSG_ALIGNTO) < 0)
                        return -ENOMEM;
                if (restart)
                        restart(arg);
                r = osvif_nl_request(nl, m, on_msg, arg);
        }
        return r;
}
