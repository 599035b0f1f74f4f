/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>

#include "backend/nl.h"
#include "util/cleanup.h"

/* Addresses and routes over rtnetlink, with the CNI 1.1 route attributes. */

OSVIF_DEFINE_TRIVIAL_CLEANUP(struct nl_cache *, nl_cache_free)

static int oom(osvif_error_t *err)
{
        return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
}

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
                return oom(err);
        if (addr->ip.family == AF_INET6 && nodad && nla_put_u32(m, IFA_FLAGS, IFA_F_NODAD) < 0)
                return oom(err);
        if (addr->ip.family == AF_INET && addr->prefixlen < 31) {
                struct osvif_ip brd = addr->ip;
                uint32_t host = addr->prefixlen ? (uint32_t)(0xffffffffu >> addr->prefixlen)
                                                : 0xffffffffu;

                /* `ip addr add ... brd +`: the subnet's broadcast address */
                for (int i = 0; i < 4; i++)
                        brd.addr[i] |= (uint8_t)(host >> (24 - 8 * i));
                if (put_ip(m, IFA_BROADCAST, &brd) < 0)
                        return oom(err);
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

static void match_addr(struct nl_object *o, void *arg)
{
        struct addr_match *m = arg;
        struct rtnl_addr *a = (struct rtnl_addr *)o;
        struct nl_addr *local = rtnl_addr_get_local(a);

        if (m->found || rtnl_addr_get_ifindex(a) != m->ifindex || !local ||
            rtnl_addr_get_family(a) != m->want->ip.family ||
            rtnl_addr_get_prefixlen(a) != m->want->prefixlen ||
            nl_addr_get_len(local) != osvif_ip_len(&m->want->ip))
                return;
        m->found = memcmp(nl_addr_get_binary_addr(local), m->want->ip.addr,
                          osvif_ip_len(&m->want->ip)) == 0;
}

int osvif_addr_exists(struct osvif_nl *nl, int ifindex, const struct osvif_ipnet *addr,
                      osvif_error_t *err)
{
        _cleanup_(nl_cache_freep) struct nl_cache *cache = NULL;
        struct addr_match m = { ifindex, addr, false };
        int r = -NLE_DUMP_INTR;

        /* a dump interrupted by a concurrent change is asked again (see link.c) */
        for (int i = 0; i <= OSVIF_NL_DUMP_RETRIES && r == -NLE_DUMP_INTR; i++) {
                nl_cache_free(cache);
                cache = NULL;
                r = rtnl_addr_alloc_cache(nl->sk, &cache);
        }

        if (r < 0)
                return osvif_nl_error(nl, osvif_nl_errno(r), err, "list addresses");
        nl_cache_foreach(cache, match_addr, &m);
        return m.found ? 1 : 0;
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
                return oom(err);
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

static bool nl_addr_is(struct nl_addr *a, const struct osvif_ip *ip, unsigned prefixlen)
{
        if (!a)
                return ip->family == 0 || prefixlen == 0;
        if (nl_addr_get_prefixlen(a) != prefixlen && prefixlen != osvif_ip_maxprefix(ip->family))
                return false;
        return nl_addr_get_len(a) == osvif_ip_len(ip) &&
               memcmp(nl_addr_get_binary_addr(a), ip->addr, osvif_ip_len(ip)) == 0;
}

static void match_route(struct nl_object *o, void *arg)
{
        struct route_match *m = arg;
        struct rtnl_route *rt = (struct rtnl_route *)o;
        struct nl_addr *dst = rtnl_route_get_dst(rt);
        struct rtnl_nexthop *nh = rtnl_route_nexthop_n(rt, 0);
        int table = m->want->table ? m->want->table : RT_TABLE_MAIN;

        if (m->found || (int)rtnl_route_get_table(rt) != table ||
            rtnl_route_get_family(rt) != m->want->dst.ip.family ||
            (dst ? nl_addr_get_prefixlen(dst) : 0) != m->want->dst.prefixlen)
                return;
        if (m->want->dst.prefixlen && !nl_addr_is(dst, &m->want->dst.ip, m->want->dst.prefixlen))
                return;
        if (m->want->gw.family && (!nh || !nl_addr_is(rtnl_route_nh_get_gateway(nh), &m->want->gw,
                                                      osvif_ip_maxprefix(m->want->gw.family))))
                return;
        if (m->want->ifindex && (!nh || rtnl_route_nh_get_ifindex(nh) != m->want->ifindex))
                return;
        m->found = true;
}

int osvif_route_exists(struct osvif_nl *nl, const struct osvif_route_spec *r, osvif_error_t *err)
{
        _cleanup_(nl_cache_freep) struct nl_cache *cache = NULL;
        struct route_match m = { r, false };
        int ret = -NLE_DUMP_INTR;

        for (int i = 0; i <= OSVIF_NL_DUMP_RETRIES && ret == -NLE_DUMP_INTR; i++) {
                nl_cache_free(cache);
                cache = NULL;
                ret = rtnl_route_alloc_cache(nl->sk, r->dst.ip.family, 0, &cache);
        }

        if (ret < 0)
                return osvif_nl_error(nl, osvif_nl_errno(ret), err, "list routes");
        nl_cache_foreach(cache, match_route, &m);
        return m.found ? 1 : 0;
}
