/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include <netlink/attr.h>

#include "backend/nl.h"
#include "util/cleanup.h"

/* Addresses over rtnetlink, in backend/nl.c's one netlink style. */

static int put_ip(struct nl_msg *m, int type, const struct osvif_ip *ip)
{
        return nla_put(m, type, (int)osvif_ip_len(ip), ip->addr);
}

int osvif_addr_add(struct osvif_nl *nl, int ifindex, const struct osvif_ipnet *addr, bool nodad,
                   osvif_error_t *err)
{
        struct ifaddrmsg ifa = {
                .ifa_family = (uint8_t)addr->ip.family,
                .ifa_prefixlen = addr->prefixlen,
                .ifa_index = (uint32_t)ifindex,
        };
        _cleanup_nlmsg_ struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWADDR, NLM_F_CREATE |
                                                                                   NLM_F_EXCL |
                                                                                   NLM_F_ACK);
        char buf[OSVIF_IPNET_STRLEN];
        int r;

        if (!m || nlmsg_append(m, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0 ||
            put_ip(m, IFA_LOCAL, &addr->ip) < 0 || put_ip(m, IFA_ADDRESS, &addr->ip) < 0)
                return osvif_error_oom(err);
        if (addr->ip.family == AF_INET6 && nodad && nla_put_u32(m, IFA_FLAGS, IFA_F_NODAD) < 0)
                return osvif_error_oom(err);
        if (addr->ip.family == AF_INET && addr->prefixlen < 31) {
                struct osvif_ip brd = addr->ip;
                uint32_t host = addr->prefixlen ? (uint32_t)(0xffffffffu >> addr->prefixlen)
                                                : 0xffffffffu;

                /* `ip addr add ... brd +`: the subnet's broadcast address */
                for (int i = 0; i < 4; i++)
                        brd.addr[i] |= (uint8_t)(host >> (24 - 8 * i));
                if (put_ip(m, IFA_BROADCAST, &brd) < 0)
                        return osvif_error_oom(err);
        }
        r = osvif_nl_transact(nl, m);
        if (r == -EEXIST)
                return 0;
        if (r < 0)
                return osvif_nl_error(nl, -r, err, "add address %s to link %d",
                                      osvif_ipnet_format(addr, buf), ifindex);
        return 0;
}

struct addr_match {
        int ifindex;
        const struct osvif_ipnet *want;
        bool found;
};

static int match_addr(struct nlmsghdr *h, void *arg)
{
        struct addr_match *m = arg;
        struct ifaddrmsg *ifa = nlmsg_data(h);
        struct nlattr *tb[IFA_MAX + 1], *local;
        size_t len = osvif_ip_len(&m->want->ip);

        if (m->found || h->nlmsg_type != RTM_NEWADDR ||
            nlmsg_parse(h, sizeof(*ifa), tb, IFA_MAX, NULL) < 0)
                return 0;
        /* IFA_LOCAL is the address itself; a point-to-point link's IFA_ADDRESS is the peer */
        local = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
        m->found = (int)ifa->ifa_index == m->ifindex && ifa->ifa_family == m->want->ip.family &&
                   ifa->ifa_prefixlen == m->want->prefixlen && local &&
                   (size_t)nla_len(local) == len &&
                   memcmp(nla_data(local), m->want->ip.addr, len) == 0;
        return 0;
}

static void restart_addr(void *arg)
{
        ((struct addr_match *)arg)->found = false;
}

int osvif_addr_exists(struct osvif_nl *nl, int ifindex, const struct osvif_ipnet *addr,
                      osvif_error_t *err)
{
        struct ifaddrmsg ifa = { .ifa_family = (uint8_t)addr->ip.family };
        struct addr_match match = { ifindex, addr, false };
        int r = osvif_nl_dump(nl, RTM_GETADDR, &ifa, sizeof(ifa), match_addr, restart_addr, &match);

        if (r < 0)
                return osvif_nl_error(nl, -r, err, "list addresses");
        return match.found ? 1 : 0;
}
