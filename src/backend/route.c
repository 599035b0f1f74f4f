/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include <netlink/attr.h>

#include "backend/nl.h"
#include "util/cleanup.h"

/* Routes over rtnetlink, with the CNI 1.1 route attributes, in backend/nl.c's netlink style. */

static int put_ip(struct nl_msg *m, int type, const struct osvif_ip *ip)
{
        return nla_put(m, type, (int)osvif_ip_len(ip), ip->addr);
}

static int put_route(struct nl_msg *m, const struct osvif_route_spec *r)
{
        int table = r->table ? r->table : RT_TABLE_MAIN;
        int scope = r->scope >= 0 ? r->scope : r->gw.family ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
        struct rtmsg rtm = {
                .rtm_family = (uint8_t)r->dst.ip.family,
                .rtm_dst_len = r->dst.prefixlen,
                .rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC,
                .rtm_protocol = RTPROT_BOOT,
                .rtm_scope = (uint8_t)scope,
                .rtm_type = RTN_UNICAST,
        };
        struct nlattr *metrics;

        if (nlmsg_append(m, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
            (r->dst.prefixlen && put_ip(m, RTA_DST, &r->dst.ip) < 0) ||
            (r->gw.family && put_ip(m, RTA_GATEWAY, &r->gw) < 0) ||
            (r->ifindex && nla_put_u32(m, RTA_OIF, (uint32_t)r->ifindex) < 0) ||
            (r->priority && nla_put_u32(m, RTA_PRIORITY, r->priority) < 0) ||
            (table >= 256 && nla_put_u32(m, RTA_TABLE, (uint32_t)table) < 0))
                return -1;
        if (!r->mtu && !r->advmss)
                return 0;
        metrics = nla_nest_start(m, RTA_METRICS);
        if (!metrics || (r->mtu && nla_put_u32(m, RTAX_MTU, r->mtu) < 0) ||
            (r->advmss && nla_put_u32(m, RTAX_ADVMSS, r->advmss) < 0))
                return -1;
        nla_nest_end(m, metrics);
        return 0;
}

int osvif_route_add(struct osvif_nl *nl, const struct osvif_route_spec *r, osvif_error_t *err)
{
        _cleanup_nlmsg_ struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWROUTE, NLM_F_CREATE |
                                                                                    NLM_F_EXCL |
                                                                                    NLM_F_ACK);
        char d[OSVIF_IPNET_STRLEN], g[OSVIF_IP_STRLEN];
        int ret;

        if (!m || put_route(m, r) < 0)
                return osvif_error_oom(err);
        ret = osvif_nl_transact(nl, m);
        if (ret == -EEXIST)
                return 0;
        if (ret < 0)
                return osvif_nl_error(nl, -ret, err, "add route to %s%s%s",
                                      osvif_ipnet_format(&r->dst, d), r->gw.family ? " via " : "",
                                      r->gw.family ? osvif_ip_format(&r->gw, g) : "");
        return 0;
}

struct route_match {
        const struct osvif_route_spec *want;
        bool found;
};

static bool attr_is(const struct nlattr *a, const struct osvif_ip *ip)
{
        size_t len = osvif_ip_len(ip);

        return a && (size_t)nla_len(a) == len && memcmp(nla_data(a), ip->addr, len) == 0;
}

/* The first next hop's gateway and interface: a plain route's, or a multipath route's first. */
static void first_hop(struct nlattr **tb, struct nlattr **gw, int *oif)
{
        struct rtnexthop *nh;
        struct nlattr *nhtb[RTA_MAX + 1];
        void *attrs;

        *gw = tb[RTA_GATEWAY];
        *oif = tb[RTA_OIF] ? (int)nla_get_u32(tb[RTA_OIF]) : 0;
        if (!tb[RTA_MULTIPATH] || (size_t)nla_len(tb[RTA_MULTIPATH]) < sizeof(*nh))
                return;
        nh = nla_data(tb[RTA_MULTIPATH]);
        /* its attributes follow it, RTNH_ALIGNTO-aligned: RTNH_DATA() without its char cast */
        attrs = (char *)nh + RTNH_LENGTH(0);
        *oif = nh->rtnh_ifindex;
        if (nh->rtnh_len > sizeof(*nh) &&
            nla_parse(nhtb, RTA_MAX, attrs, nh->rtnh_len - (int)sizeof(*nh), NULL) == 0)
                *gw = nhtb[RTA_GATEWAY];
}

static int match_route(struct nlmsghdr *h, void *arg)
{
        struct route_match *m = arg;
        const struct osvif_route_spec *w = m->want;
        struct rtmsg *rtm = nlmsg_data(h);
        struct nlattr *tb[RTA_MAX + 1], *gw;
        int table = w->table ? w->table : RT_TABLE_MAIN, oif;

        if (m->found || h->nlmsg_type != RTM_NEWROUTE ||
            nlmsg_parse(h, sizeof(*rtm), tb, RTA_MAX, NULL) < 0)
                return 0;
        if ((tb[RTA_TABLE] ? (int)nla_get_u32(tb[RTA_TABLE]) : rtm->rtm_table) != table ||
            rtm->rtm_family != w->dst.ip.family || rtm->rtm_dst_len != w->dst.prefixlen ||
            (w->dst.prefixlen && !attr_is(tb[RTA_DST], &w->dst.ip)))
                return 0;
        first_hop(tb, &gw, &oif);
        if ((w->gw.family && !attr_is(gw, &w->gw)) || (w->ifindex && oif != w->ifindex))
                return 0;
        m->found = true;
        return 0;
}

static void restart_route(void *arg)
{
        ((struct route_match *)arg)->found = false;
}

int osvif_route_exists(struct osvif_nl *nl, const struct osvif_route_spec *r, osvif_error_t *err)
{
        struct rtmsg rtm = { .rtm_family = (uint8_t)r->dst.ip.family };
        struct route_match match = { r, false };
        int ret = osvif_nl_dump(nl, RTM_GETROUTE, &rtm, sizeof(rtm), match_route, restart_route,
                                &match);

        if (ret < 0)
                return osvif_nl_error(nl, -ret, err, "list routes");
        return match.found ? 1 : 0;
}
