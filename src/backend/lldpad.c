/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <netlink/attr.h>

#include "backend/lldpad.h"
#include "backend/macvlan.h"
#include "backend/nl.h"
#include "util/cleanup.h"

/*
 * Our own rtnetlink socket, not libnl's request/ack helper: the peer is lldpad's port, not the
 * kernel, its status replies come as NLMSG_DONE with a payload, and only its messages count.
 */

#define POLL_INTERVAL_MS 125 /* libvirt's, so lldpad sees the load it is used to */

const char *osvif_port_response_name(unsigned code)
{
        static const char *const vdp[] = {
                "success",     "invalid format", "insufficient resources",
                "unused VTID", "VTID violation", "VTID version violation",
                "out of sync"
        };
        static const char *const profile[] = {
                "success", "in progress", "invalid", "bad state", "insufficient resources", "error"
        };

        if (code < ARRAY_SIZE(vdp))
                return vdp[code];
        if (code >= 0x100 && code - 0x100 < ARRAY_SIZE(profile))
                return profile[code - 0x100];
        return "unknown";
}

static struct nl_msg *ifi_msg(int type, int ifindex)
{
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
        struct nl_msg *m = nlmsg_alloc_simple(type, NLM_F_REQUEST);

        if (m && nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
                nlmsg_free(m);
                return NULL;
        }
        return m;
}

struct nl_msg *osvif_qbg_msg(const struct osvif_qbg_request *q)
{
        _cleanup_nlmsg_ struct nl_msg *m = ifi_msg(RTM_SETLINK, q->ifindex);
        struct ifla_vf_mac vm = { .vf = PORT_SELF_VF };
        struct ifla_vf_vlan vv = { .vf = PORT_SELF_VF, .vlan = q->vlan, .qos = 0 };
        struct ifla_port_vsi vsi = {
                .vsi_mgr_id = q->manager_id,
                .vsi_type_id = { (uint8_t)q->type_id, (uint8_t)(q->type_id >> 8),
                                 (uint8_t)(q->type_id >> 16) },
                .vsi_type_version = q->type_version,
        };
        struct nlattr *list, *info, *ports, *port;

        if (!m)
                return NULL;
        memcpy(vm.mac, q->mac, 6);
        if (nla_put_string(m, IFLA_IFNAME, q->ifname) < 0 ||
            !(list = nla_nest_start(m, IFLA_VFINFO_LIST)) ||
            !(info = nla_nest_start(m, IFLA_VF_INFO)) ||
            nla_put(m, IFLA_VF_MAC, sizeof(vm), &vm) < 0 ||
            nla_put(m, IFLA_VF_VLAN, sizeof(vv), &vv) < 0)
                return NULL;
        nla_nest_end(m, info);
        nla_nest_end(m, list);
        if (!(ports = nla_nest_start(m, IFLA_VF_PORTS)) ||
            !(port = nla_nest_start(m, IFLA_VF_PORT)) ||
            nla_put(m, IFLA_PORT_VSI_TYPE, sizeof(vsi), &vsi) < 0 ||
            nla_put(m, IFLA_PORT_INSTANCE_UUID, 16, q->instance_uuid) < 0 ||
            nla_put_u8(m, IFLA_PORT_REQUEST, q->request) < 0)
                return NULL;
        nla_nest_end(m, port);
        nla_nest_end(m, ports);
        return TAKE_PTR(m);
}

struct conn {
        int fd;
        uint32_t self, peer, seq;
        const char *pid_file;
};

static long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* 1 and c->peer, 0 when lldpad is not running (no pid file), -1 with *err. */
static int read_pid(struct conn *c, osvif_error_t *err)
{
        _cleanup_fclose_ FILE *f = fopen(c->pid_file, "re");
        long pid = 0;

        if (!f && errno == ENOENT)
                return 0;
        if (!f)
                return osvif_error_set_errno(err, OSVIF_ERR_UNSUPPORTED, errno,
                                             "read lldpad's pid file \"%s\"", c->pid_file);
        if (fscanf(f, "%ld", &pid) != 1 || pid <= 0 || pid > 0x7fffffffL)
                return osvif_error_set(err, OSVIF_ERR_UNSUPPORTED, 0,
                                       "lldpad's pid file \"%s\" holds no pid", c->pid_file);
        c->peer = (uint32_t)pid;
        return 1;
}

static int conn_open(struct conn *c, osvif_error_t *err)
{
        struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
        socklen_t len = sizeof(sa);

        c->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (c->fd < 0 || bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            getsockname(c->fd, (struct sockaddr *)&sa, &len) < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_NETLINK, errno,
                                             "open a netlink socket for lldpad");
        /* lldpad answers the port named in the request's header */
        c->self = sa.nl_pid;
        return 0;
}

/* -errno from sendto (ECONNREFUSED: no such port, lldpad is gone) */
static int conn_send(struct conn *c, struct nl_msg *m)
{
        struct nlmsghdr *h = nlmsg_hdr(m);
        struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_pid = c->peer };

        h->nlmsg_seq = ++c->seq;
        h->nlmsg_pid = c->self;
        if (sendto(c->fd, h, h->nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
                return -errno;
        return 0;
}

/* The next message from lldpad into buf: its length, -ETIMEDOUT, or -errno. */
static int conn_recv(struct conn *c, void *buf, size_t size, long deadline)
{
        for (;;) {
                struct pollfd p = { .fd = c->fd, .events = POLLIN };
                struct sockaddr_nl from;
                socklen_t fl = sizeof(from);
                long left = deadline - now_ms();
                ssize_t n;
                int r;

                if (left <= 0)
                        return -ETIMEDOUT;
                r = poll(&p, 1, (int)left);
                if (r < 0 && errno != EINTR)
                        return -errno;
                if (r <= 0)
                        continue;
                n = recvfrom(c->fd, buf, size, 0, (struct sockaddr *)&from, &fl);
                if (n < 0)
                        return -errno;
                /*
                 * Only lldpad's messages. Not by sequence number: its status replies carry the
                 * sequence number of the VSI's last SETLINK, not of the GETLINK. Each request
                 * waits for its one answer, so they cannot cross.
                 */
                if (from.nl_pid == c->peer && (size_t)n >= sizeof(struct nlmsghdr))
                        return (int)n;
        }
}

/* Send and take lldpad's acknowledgement: 0, or -errno as lldpad (or sendto) said. */
static int request(struct conn *c, struct nl_msg *m, long deadline)
{
        char buf[8192];
        struct nlmsghdr *h = (struct nlmsghdr *)buf;
        int r = conn_send(c, m);

        if (r < 0)
                return r;
        r = conn_recv(c, buf, sizeof(buf), deadline);
        if (r < 0)
                return r;
        if (h->nlmsg_type == NLMSG_ERROR && (size_t)r >= NLMSG_LENGTH(sizeof(struct nlmsgerr)))
                return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
        return 0; /* NLMSG_DONE: accepted */
}

#define VSI_PENDING (-1) /* listed, no response yet */
#define VSI_ABSENT (-2)  /* not listed: never made, or dropped by the bridge */

/* The VSI's IFLA_PORT_RESPONSE in a status reply: the code, VSI_PENDING or VSI_ABSENT. */
static int find_response(struct nlmsghdr *h, size_t len, const uint8_t *uuid)
{
        struct nlattr *tb[IFLA_MAX + 1], *pt[IFLA_PORT_MAX + 1], *a;
        int rem;

        if (len < NLMSG_LENGTH(sizeof(struct ifinfomsg)) || h->nlmsg_len > len ||
            nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0 || !tb[IFLA_VF_PORTS])
                return VSI_ABSENT;
        nla_for_each_nested(a, tb[IFLA_VF_PORTS], rem)
        {
                if (nla_type(a) != IFLA_VF_PORT || nla_parse_nested(pt, IFLA_PORT_MAX, a, NULL) < 0)
                        continue;
                if (!pt[IFLA_PORT_INSTANCE_UUID] || nla_len(pt[IFLA_PORT_INSTANCE_UUID]) < 16 ||
                    memcmp(nla_data(pt[IFLA_PORT_INSTANCE_UUID]), uuid, 16) != 0)
                        continue;
                return pt[IFLA_PORT_RESPONSE] ? nla_get_u16(pt[IFLA_PORT_RESPONSE]) : VSI_PENDING;
        }
        return VSI_ABSENT;
}

/* One status query: the response code, VSI_PENDING, VSI_ABSENT, or -errno. */
static int status(struct conn *c, const struct osvif_qbg_request *q, long deadline)
{
        _cleanup_nlmsg_ struct nl_msg *m = ifi_msg(RTM_GETLINK, q->ifindex);
        char buf[16384];
        int r;

        if (!m || nla_put_string(m, IFLA_IFNAME, q->ifname) < 0)
                return -ENOMEM;
        r = conn_send(c, m);
        if (r < 0)
                return r;
        r = conn_recv(c, buf, sizeof(buf), deadline);
        if (r < 0)
                return r;
        if (((struct nlmsghdr *)buf)->nlmsg_type == NLMSG_ERROR)
                return ((struct nlmsgerr *)NLMSG_DATA((struct nlmsghdr *)buf))->error ?: VSI_ABSENT;
        /* lldpad's unsolicited news of a VSI the bridge dropped (RTM_SETLINK): ask again */
        if (((struct nlmsghdr *)buf)->nlmsg_type == RTM_SETLINK)
                return VSI_ABSENT;
        return find_response((struct nlmsghdr *)buf, (size_t)r, q->instance_uuid);
}

static int refusal(const struct osvif_qbg_request *q, const char *what, int e, int timeout_ms,
                   osvif_error_t *err)
{
        switch (e) {
        case ECONNREFUSED:
                return osvif_error_set(err, OSVIF_ERR_UNSUPPORTED, e,
                                       "802.1Qbg %s on \"%s\": lldpad is not running", what,
                                       q->ifname);
        case ETIMEDOUT:
                return osvif_error_set(err, OSVIF_CNI_ERR_TRY_AGAIN, e,
                                       "802.1Qbg %s on \"%s\": no answer from lldpad in %d ms",
                                       what, q->ifname, timeout_ms);
        case EPROTONOSUPPORT:
                return osvif_error_set(err, OSVIF_CNI_ERR_TRY_AGAIN, e,
                                       "802.1Qbg %s on \"%s\": EVB is not negotiated with the "
                                       "bridge (after %d ms)",
                                       what, q->ifname, timeout_ms);
        case ENXIO:
                return osvif_error_set(err, OSVIF_CNI_ERR_TRY_AGAIN, e,
                                       "802.1Qbg %s on \"%s\": lldpad runs no VDP on that port "
                                       "(after %d ms; is EVB enabled on it?)",
                                       what, q->ifname, timeout_ms);
        case EOPNOTSUPP:
                return osvif_error_set(err, OSVIF_ERR_UNSUPPORTED, e,
                                       "802.1Qbg %s on \"%s\": lldpad runs that port in EVB "
                                       "bridge role, not station",
                                       what, q->ifname);
        }
        return osvif_nl_error(NULL, e, err, "802.1Qbg %s on \"%s\" (lldpad)", what, q->ifname);
}

static int send_request(struct conn *c, const struct osvif_qbg_request *q, long deadline)
{
        for (;;) {
                _cleanup_nlmsg_ struct nl_msg *m = osvif_qbg_msg(q);
                int r;

                if (!m)
                        return -ENOMEM;
                r = request(c, m, deadline);
                /* the EVB TLV exchange has not finished yet (EPROTONOSUPPORT), or lldpad has
                 * not set up VDP on the port yet (ENXIO): VDP comes after them */
                if ((r != -EPROTONOSUPPORT && r != -ENXIO) ||
                    now_ms() + POLL_INTERVAL_MS >= deadline)
                        return r;
                usleep(POLL_INTERVAL_MS * 1000);
        }
}

int osvif_qbg_associate(const char *pid_file, const struct osvif_qbg_request *q, int timeout_ms,
                        osvif_error_t *err)
{
        struct conn c = { .fd = -1, .pid_file = pid_file };
        _cleanup_close_ int fd = -1;
        long deadline = now_ms() + timeout_ms;
        int r = read_pid(&c, err);

        if (r < 0)
                return -1;
        if (r == 0)
                return osvif_error_set(err, OSVIF_ERR_UNSUPPORTED, ENOENT,
                                       "802.1Qbg associate on \"%s\": lldpad is not running (no "
                                       "pid file \"%s\")",
                                       q->ifname, pid_file);
        if (conn_open(&c, err) < 0)
                return -1;
        fd = c.fd;
        for (bool ask = true;;) {
                if (ask) {
                        r = send_request(&c, q, deadline);
                        if (r < 0)
                                return refusal(q, "associate", -r, timeout_ms, err);
                        ask = false;
                }
                r = status(&c, q, deadline);
                if (r == OSVIF_PORT_RESPONSE_VDP_SUCCESS || r == OSVIF_PORT_RESPONSE_SUCCESS)
                        return 0;
                if (r >= 0 && r != OSVIF_PORT_RESPONSE_INPROGRESS)
                        break;
                if (r < VSI_ABSENT || now_ms() + POLL_INTERVAL_MS >= deadline)
                        break;
                /*
                 * The bridge dropped the VSI before answering: it does so when the request
                 * came before the EVB exchange settled its keep-alive timers (seen with lldpad
                 * in bridge role right after start). Ask again, within the same bound.
                 */
                ask = r == VSI_ABSENT;
                usleep(POLL_INTERVAL_MS * 1000);
        }
        /* lldpad may still be talking to the bridge about it: withdraw, as libvirt does */
        {
                struct osvif_qbg_request d = *q;
                _cleanup_nlmsg_ struct nl_msg *m = NULL;

                d.request = OSVIF_PORT_DISASSOCIATE;
                m = osvif_qbg_msg(&d);
                if (m)
                        (void)request(&c, m, now_ms() + 1000);
        }
        if (r >= 0)
                return osvif_error_set(err, OSVIF_ERR_NETLINK, 0,
                                       "802.1Qbg associate on \"%s\": the bridge answered %#x "
                                       "(%s)",
                                       q->ifname, (unsigned)r,
                                       osvif_port_response_name((unsigned)r));
        return refusal(q, "associate", r < 0 && r >= VSI_ABSENT ? ETIMEDOUT : -r, timeout_ms, err);
}

int osvif_qbg_disassociate(const char *pid_file, const struct osvif_qbg_request *q, int timeout_ms,
                           osvif_error_t *err)
{
        struct conn c = { .fd = -1, .pid_file = pid_file };
        _cleanup_nlmsg_ struct nl_msg *m = NULL;
        _cleanup_close_ int fd = -1;
        int r = read_pid(&c, err);

        if (r <= 0)
                return r < 0 ? -1 : 1;
        if (conn_open(&c, err) < 0)
                return -1;
        fd = c.fd;
        m = osvif_qbg_msg(q);
        if (!m)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        r = request(&c, m, now_ms() + timeout_ms);
        if (r == -ECONNREFUSED)
                return 1; /* a stale pid file: lldpad and its associations are gone */
        if (r < 0)
                return refusal(q, "disassociate", -r, timeout_ms, err);
        return 0;
}
