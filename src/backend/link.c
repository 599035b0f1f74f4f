/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>

#include "backend/nl.h"
#include "util/cleanup.h"

/*
 * Links over rtnetlink. Requests are built by hand (libnl's message API) so that each one is
 * exactly one kernel transaction with exactly the attributes we mean; lookups are parsed
 * with libnl's link objects.
 */

/* RFC 2863 operational state "up" (linux/if.h, which clashes with net/if.h) */
#ifndef IF_OPER_UP
#define IF_OPER_UP 6
#endif

OSVIF_DEFINE_TRIVIAL_CLEANUP(struct rtnl_link *, rtnl_link_put)
OSVIF_DEFINE_TRIVIAL_CLEANUP(struct nl_cache *, nl_cache_free)

static struct nl_msg *link_msg(int type, int flags, int ifindex)
{
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
        struct nl_msg *m = nlmsg_alloc_simple(type, flags | NLM_F_ACK);

        if (m && nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
                nlmsg_free(m);
                return NULL;
        }
        return m;
}

static int oom(osvif_error_t *err)
{
        return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
}

static void fill_info(struct rtnl_link *l, struct osvif_link_info *ret)
{
        struct nl_addr *a = rtnl_link_get_addr(l);
        const char *s;
        int32_t nsid;

        memset(ret, 0, sizeof(*ret));
        ret->ifindex = rtnl_link_get_ifindex(l);
        snprintf(ret->name, sizeof(ret->name), "%s", rtnl_link_get_name(l) ?: "");
        s = rtnl_link_get_type(l);
        snprintf(ret->kind, sizeof(ret->kind), "%s", s ? s : "");
        s = rtnl_link_get_ifalias(l);
        snprintf(ret->alias, sizeof(ret->alias), "%s", s ? s : "");
        if (a && nl_addr_get_len(a) == 6)
                memcpy(ret->mac, nl_addr_get_binary_addr(a), 6);
        ret->mtu = rtnl_link_get_mtu(l);
        ret->flags = rtnl_link_get_flags(l);
        ret->master = rtnl_link_get_master(l);
        ret->link = rtnl_link_get_link(l);
        ret->link_netnsid = rtnl_link_get_link_netnsid(l, &nsid) == 0 ? nsid : -1;
        ret->oper_up = rtnl_link_get_operstate(l) == IF_OPER_UP;
}

int osvif_link_get(struct osvif_nl *nl, const char *name, int ifindex, struct osvif_link_info *ret,
                   osvif_error_t *err)
{
        _cleanup_(rtnl_link_putp) struct rtnl_link *l = NULL;
        int r;

        if (!ifindex && (!name || !*name || strlen(name) >= IF_NAMESIZE))
                return 0;
        r = rtnl_link_get_kernel(nl->sk, ifindex, ifindex ? NULL : name, &l);
        if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV)
                return 0;
        if (r < 0)
                return osvif_nl_error(nl, osvif_nl_errno(r), err, "get link \"%s\"",
                                      name ? name : "?");
        fill_info(l, ret);
        return 1;
}

struct foreach_ctx {
        int (*fn)(const struct osvif_link_info *link, void *userdata);
        void *userdata;
        int r;
};

static void foreach_one(struct nl_object *o, void *arg)
{
        struct foreach_ctx *c = arg;
        struct osvif_link_info info;

        if (c->r)
                return;
        fill_info((struct rtnl_link *)o, &info);
        c->r = c->fn(&info, c->userdata);
}

int osvif_link_foreach(struct osvif_nl *nl,
                       int (*fn)(const struct osvif_link_info *link, void *userdata),
                       void *userdata, osvif_error_t *err)
{
        _cleanup_(nl_cache_freep) struct nl_cache *cache = NULL;
        struct foreach_ctx c = { fn, userdata, 0 };
        int r = rtnl_link_alloc_cache(nl->sk, AF_UNSPEC, &cache);

        if (r < 0)
                return osvif_nl_error(nl, osvif_nl_errno(r), err, "list links");
        nl_cache_foreach(cache, foreach_one, &c);
        return c.r;
}

/* IFLA_* that name a device and its addresses, shared by the veth ends. */
static int put_basics(struct nl_msg *m, const char *name, const uint8_t *mac, unsigned mtu)
{
        if (name && nla_put_string(m, IFLA_IFNAME, name) < 0)
                return -1;
        if (mac && nla_put(m, IFLA_ADDRESS, 6, mac) < 0)
                return -1;
        if (mtu && nla_put_u32(m, IFLA_MTU, mtu) < 0)
                return -1;
        return 0;
}

static int put_veth(struct nl_msg *m, const struct osvif_veth_opts *o)
{
        struct ifinfomsg peer = { .ifi_family = AF_UNSPEC };
        struct nlattr *info, *data, *p;

        if (put_basics(m, o->name, o->mac, o->mtu) < 0 ||
            !(info = nla_nest_start(m, IFLA_LINKINFO)) ||
            nla_put_string(m, IFLA_INFO_KIND, "veth") < 0 ||
            !(data = nla_nest_start(m, IFLA_INFO_DATA)) ||
            !(p = nla_nest_start(m, VETH_INFO_PEER)) ||
            nlmsg_append(m, &peer, sizeof(peer), NLMSG_ALIGNTO) < 0 ||
            put_basics(m, o->peer_name, o->peer_mac, o->mtu) < 0 ||
            (o->peer_netns_fd >= 0 &&
             nla_put_u32(m, IFLA_NET_NS_FD, (uint32_t)o->peer_netns_fd) < 0))
                return -1;
        nla_nest_end(m, p);
        nla_nest_end(m, data);
        nla_nest_end(m, info);
        return 0;
}

int osvif_link_add_veth(struct osvif_nl *nl, const struct osvif_veth_opts *o, osvif_error_t *err)
{
        _cleanup_nlmsg_ struct nl_msg *m = link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
        struct osvif_link_info info;
        int r;

        if (!m || put_veth(m, o) < 0)
                return oom(err);
        r = osvif_nl_transact(nl, m);
        if (r < 0)
                return osvif_nl_error(nl, -r, err, "add veth \"%s\"", o->name);
        /* the kernel does not return the index; one lookup of the new end does */
        r = osvif_link_get(nl, o->name, 0, &info, err);
        if (r <= 0)
                return r < 0 ? -1
                             : osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                               "add veth \"%s\": vanished at once", o->name);
        return info.ifindex;
}

int osvif_link_add_bridge(struct osvif_nl *nl, const struct osvif_bridge_create *b,
                          osvif_error_t *err)
{
        _cleanup_nlmsg_ struct nl_msg *m = link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
        struct osvif_link_info info;
        struct nlattr *li, *data;
        int r;

        if (!m || put_basics(m, b->name, NULL, b->mtu) < 0 ||
            !(li = nla_nest_start(m, IFLA_LINKINFO)) ||
            nla_put_string(m, IFLA_INFO_KIND, "bridge") < 0 ||
            !(data = nla_nest_start(m, IFLA_INFO_DATA)) ||
            (b->ageing_zero && nla_put_u32(m, IFLA_BR_AGEING_TIME, 0) < 0))
                return oom(err);
        nla_nest_end(m, data);
        nla_nest_end(m, li);
        r = osvif_nl_transact(nl, m);
        if (r == -EEXIST)
                return -EEXIST;
        if (r < 0)
                return osvif_nl_error(nl, -r, err, "add bridge \"%s\"", b->name);
        r = osvif_link_get(nl, b->name, 0, &info, err);
        if (r <= 0)
                return r < 0 ? -1
                             : osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                               "add bridge \"%s\": vanished at once", b->name);
        return info.ifindex;
}

int osvif_link_change(struct osvif_nl *nl, int ifindex, const struct osvif_link_change *c,
                      osvif_error_t *err)
{
        _cleanup_nlmsg_ struct nl_msg *m = link_msg(RTM_NEWLINK, 0, ifindex);
        struct ifinfomsg *ifi;
        int r;

        if (!m)
                return oom(err);
        ifi = nlmsg_data(nlmsg_hdr(m));
        if (c->up >= 0) {
                ifi->ifi_change |= IFF_UP;
                ifi->ifi_flags |= c->up ? IFF_UP : 0;
        }
        if (c->promisc >= 0) {
                ifi->ifi_change |= IFF_PROMISC;
                ifi->ifi_flags |= c->promisc ? IFF_PROMISC : 0;
        }
        if (put_basics(m, c->name, c->mac, c->mtu) < 0 ||
            (c->master > 0 && nla_put_u32(m, IFLA_MASTER, (uint32_t)c->master) < 0) ||
            (c->master < 0 && nla_put_u32(m, IFLA_MASTER, 0) < 0) ||
            (c->alias && nla_put_string(m, IFLA_IFALIAS, c->alias) < 0) ||
            (c->netns_fd >= 0 && nla_put_u32(m, IFLA_NET_NS_FD, (uint32_t)c->netns_fd) < 0))
                return oom(err);
        r = osvif_nl_transact(nl, m);
        if (r < 0)
                return osvif_nl_error(nl, -r, err, "change link %d%s%s%s", ifindex,
                                      c->name ? " (to \"" : "", c->name ? c->name : "",
                                      c->name ? "\")" : "");
        return 0;
}

int osvif_link_del(struct osvif_nl *nl, int ifindex, osvif_error_t *err)
{
        _cleanup_nlmsg_ struct nl_msg *m = link_msg(RTM_DELLINK, 0, ifindex);
        int r;

        if (!m)
                return oom(err);
        r = osvif_nl_transact(nl, m);
        if (r == -ENODEV || r == -ENOENT)
                return 0;
        if (r < 0)
                return osvif_nl_error(nl, -r, err, "delete link %d", ifindex);
        return 0;
}
