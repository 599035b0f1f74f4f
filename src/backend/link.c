/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include "backend/nl.h"
#include "util/cleanup.h"

/* Links over rtnetlink, in backend/nl.c's one netlink style. */

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

/* The attributes of an RTM_NEWLINK message we report (linux/if_link.h). */
static int parse_link(struct nlmsghdr *h, struct osvif_link_info *ret)
{
        struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1];
        struct ifinfomsg *ifi = nlmsg_data(h);

        if (h->nlmsg_type != RTM_NEWLINK || nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
                return -1;
        memset(ret, 0, sizeof(*ret));
        ret->ifindex = ifi->ifi_index;
        ret->flags = ifi->ifi_flags;
        ret->link_netnsid = -1;
        if (tb[IFLA_IFNAME])
                nla_strlcpy(ret->name, tb[IFLA_IFNAME], sizeof(ret->name));
        if (tb[IFLA_IFALIAS])
                nla_strlcpy(ret->alias, tb[IFLA_IFALIAS], sizeof(ret->alias));
        if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == 6)
                memcpy(ret->mac, nla_data(tb[IFLA_ADDRESS]), 6);
        if (tb[IFLA_MTU])
                ret->mtu = nla_get_u32(tb[IFLA_MTU]);
        if (tb[IFLA_MASTER])
                ret->master = (int)nla_get_u32(tb[IFLA_MASTER]);
        if (tb[IFLA_LINK])
                ret->link = (int)nla_get_u32(tb[IFLA_LINK]);
        if (tb[IFLA_LINK_NETNSID])
                ret->link_netnsid = (int)nla_get_s32(tb[IFLA_LINK_NETNSID]);
        if (tb[IFLA_LINKINFO] &&
            nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) == 0 && li[IFLA_INFO_KIND])
                nla_strlcpy(ret->kind, li[IFLA_INFO_KIND], sizeof(ret->kind));
        return 0;
}

struct link_reply {
        struct osvif_link_info *one; /* a get: the link */
        struct osvif_link_info *all; /* a dump: every link, grown by doubling */
        size_t n_all, cap_all;
        int found;
};

static int on_link(struct nlmsghdr *h, void *arg)
{
        struct link_reply *rep = arg;
        struct osvif_link_info info;

        if (parse_link(h, rep->one ? rep->one : &info) < 0)
                return 0;
        rep->found++;
        if (rep->one)
                return 0;
        if (rep->n_all == rep->cap_all) {
                size_t cap = rep->cap_all ? rep->cap_all * 2 : 64;
                struct osvif_link_info *all = reallocarray(rep->all, cap, sizeof(*all));

                if (!all)
                        return -ENOMEM;
                rep->all = all;
                rep->cap_all = cap;
        }
        rep->all[rep->n_all++] = info;
        return 0;
}

/*
 * RTM_GETLINK for one link (ifindex, else name) or all (dump), without the statistics the
 * kernel would otherwise fill in for every link (RTEXT_FILTER_SKIP_STATS).
 */
static int get_links(struct osvif_nl *nl, int ifindex, const char *name, struct link_reply *rep)
{
        _cleanup_nlmsg_ struct nl_msg *m = NULL;
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
        bool dump = !ifindex && !name;

        m = nlmsg_alloc_simple(RTM_GETLINK, dump ? NLM_F_DUMP : 0);
        if (!m || nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
            nla_put_u32(m, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0 ||
            (!dump && !ifindex && nla_put_string(m, IFLA_IFNAME, name) < 0))
                return -ENOMEM;
        return osvif_nl_request(nl, m, on_link, rep);
}

int osvif_link_get(struct osvif_nl *nl, const char *name, int ifindex, struct osvif_link_info *ret,
                   osvif_error_t *err)
{
        struct link_reply rep = { .one = ret };
        int r;

        if (!ifindex && (!name || !*name || strlen(name) >= IF_NAMESIZE))
                return 0;
        r = get_links(nl, ifindex, ifindex ? NULL : name, &rep);
        if (r == -ENODEV || r == -ENOENT)
                return 0;
        if (r < 0)
                return osvif_nl_error(nl, -r, err, "get link \"%s\"", name ? name : "?");
        return rep.found ? 1 : 0;
}

/*
 * The whole dump is collected before fn sees any of it: a dump the kernel marks interrupted
 * (links came or went meanwhile, as they do beside a busy runtime) is thrown away and asked
 * again, and fn never sees a link twice or acts on half a table.
 */
int osvif_link_foreach(struct osvif_nl *nl,
                       int (*fn)(const struct osvif_link_info *link, void *userdata),
                       void *userdata, osvif_error_t *err)
{
        struct link_reply rep = { 0 };
        int64_t start = osvif_now_ms();
        int r = -EINTR, tries = 0;

        while (osvif_nl_dump_again(r, tries, start)) {
                rep.n_all = 0;
                rep.found = 0;
                r = get_links(nl, 0, NULL, &rep);
                tries++;
        }
        if (r < 0) {
                free(rep.all);
                if (r == -EINTR)
                        return osvif_error_set(err, OSVIF_ERR_NETLINK, EINTR,
                                               "list links: the dump was interrupted %d times "
                                               "in %d ms (links kept changing)",
                                               tries, (int)(osvif_now_ms() - start));
                return osvif_nl_error(nl, -r, err, "list links");
        }
        for (size_t i = 0; i < rep.n_all && r == 0; i++)
                r = fn(&rep.all[i], userdata);
        free(rep.all);
        if (r < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_INTERNAL, -r, "list links");
        return 0;
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

static unsigned veth_flags(bool up, bool promisc)
{
        return (up ? IFF_UP : 0) | (promisc ? IFF_PROMISC : 0);
}

/*
 * One queue each way, asked for at creation: left unsaid, the kernel allocates a queue per CPU
 * and then trims the device to one (veth_init_queues), waiting for an RCU grace period while
 * it holds RTNL, once for each end; every other netlink request on the host waits with it.
 */
static int put_queues(struct nl_msg *m)
{
        if (nla_put_u32(m, IFLA_NUM_TX_QUEUES, 1) < 0 || nla_put_u32(m, IFLA_NUM_RX_QUEUES, 1) < 0)
                return -1;
        return 0;
}

static int put_veth(struct nl_msg *m, const struct osvif_veth_opts *o)
{
        struct ifinfomsg peer = {
                .ifi_family = AF_UNSPEC,
                .ifi_flags = veth_flags(false, o->promisc),
                .ifi_change = veth_flags(false, o->promisc),
        };
        struct nlattr *info, *data, *p;

        if (put_basics(m, o->name, o->mac, o->mtu) < 0 || put_queues(m) < 0 ||
            (o->master > 0 && nla_put_u32(m, IFLA_MASTER, (uint32_t)o->master) < 0) ||
            !(info = nla_nest_start(m, IFLA_LINKINFO)) ||
            nla_put_string(m, IFLA_INFO_KIND, "veth") < 0 ||
            !(data = nla_nest_start(m, IFLA_INFO_DATA)) ||
            !(p = nla_nest_start(m, VETH_INFO_PEER)) ||
            nlmsg_append(m, &peer, sizeof(peer), NLMSG_ALIGNTO) < 0 ||
            put_basics(m, o->peer_name, o->peer_mac, o->mtu) < 0 || put_queues(m) < 0 ||
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
        struct ifinfomsg *ifi;
        int r;

        if (!m || put_veth(m, o) < 0)
                return osvif_error_oom(err);
        /* the kernel applies these flags to the new device (rtnl_configure_link) */
        ifi = nlmsg_data(nlmsg_hdr(m));
        ifi->ifi_flags = ifi->ifi_change = veth_flags(o->up, o->promisc);
        r = osvif_nl_transact(nl, m);
        if (r < 0)
                return osvif_nl_error(nl, -r, err, "add veth \"%s\"", o->name);
        return 0;
}

int osvif_link_add_bridge(struct osvif_nl *nl, const struct osvif_bridge_create *b,
                          osvif_error_t *err)
{
        _cleanup_nlmsg_ struct nl_msg *m = link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
        struct osvif_link_info info;
        struct nlattr *li, *data;
        struct ifinfomsg *ifi;
        int r;

        if (!m || put_basics(m, b->name, NULL, b->mtu) < 0 ||
            !(li = nla_nest_start(m, IFLA_LINKINFO)) ||
            nla_put_string(m, IFLA_INFO_KIND, "bridge") < 0 ||
            !(data = nla_nest_start(m, IFLA_INFO_DATA)) ||
            (b->ageing_zero && nla_put_u32(m, IFLA_BR_AGEING_TIME, 0) < 0))
                return osvif_error_oom(err);
        nla_nest_end(m, data);
        nla_nest_end(m, li);
        ifi = nlmsg_data(nlmsg_hdr(m));
        ifi->ifi_flags = ifi->ifi_change = IFF_UP; /* up from the start */
        r = osvif_nl_transact(nl, m);
        if (r < 0)
                return osvif_nl_error(nl, -r, err, "add bridge \"%s\"", b->name);
        /* the kernel does not return the index; a port will need it (IFLA_MASTER) */
        r = osvif_link_get(nl, b->name, 0, &info, err);
        if (r <= 0)
                return r < 0 ? -1
                             : osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                               "add bridge \"%s\": vanished at once", b->name);
        return info.ifindex;
}

static int put_change(struct nl_msg *m, const struct osvif_link_change *c)
{
        struct ifinfomsg *ifi = nlmsg_data(nlmsg_hdr(m));

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
                return -1;
        return 0;
}

int osvif_link_change(struct osvif_nl *nl, int ifindex, const struct osvif_link_change *c,
                      osvif_error_t *err)
{
        _cleanup_nlmsg_ struct nl_msg *m = link_msg(RTM_NEWLINK, 0, ifindex);
        int r;

        if (!m || put_change(m, c) < 0)
                return osvif_error_oom(err);
        r = osvif_nl_transact(nl, m);
        if (r < 0)
                return osvif_nl_error(nl, -r, err, "change link %d%s%s%s", ifindex,
                                      c->name ? " (to \"" : "", c->name ? c->name : "",
                                      c->name ? "\")" : "");
        return 0;
}

int osvif_link_change_by_name(struct osvif_nl *nl, const char *name,
                              const struct osvif_link_change *c, osvif_error_t *err)
{
        _cleanup_nlmsg_ struct nl_msg *m = link_msg(RTM_NEWLINK, 0, 0);
        int r;

        if (c->name)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, EINVAL,
                                       "change link \"%s\": cannot rename by name", name);
        if (!m || nla_put_string(m, IFLA_IFNAME, name) < 0 || put_change(m, c) < 0)
                return osvif_error_oom(err);
        r = osvif_nl_transact(nl, m);
        if (r < 0)
                return osvif_nl_error(nl, -r, err, "change link \"%s\"", name);
        return 0;
}

int osvif_link_del(struct osvif_nl *nl, int ifindex, osvif_error_t *err)
{
        _cleanup_nlmsg_ struct nl_msg *m = link_msg(RTM_DELLINK, 0, ifindex);
        int r;

        if (!m)
                return osvif_error_oom(err);
        r = osvif_nl_transact(nl, m);
        if (r == -ENODEV || r == -ENOENT)
                return 0;
        if (r < 0)
                return osvif_nl_error(nl, -r, err, "delete link %d", ifindex);
        return 0;
}

int osvif_link_del_by_name(struct osvif_nl *nl, const char *name, osvif_error_t *err)
{
        _cleanup_nlmsg_ struct nl_msg *m = link_msg(RTM_DELLINK, 0, 0);
        int r;

        if (!m || nla_put_string(m, IFLA_IFNAME, name) < 0)
                return osvif_error_oom(err);
        r = osvif_nl_transact(nl, m);
        if (r == -ENODEV || r == -ENOENT)
                return 0;
        if (r < 0)
                return osvif_nl_error(nl, -r, err, "delete link \"%s\"", name);
        return 0;
}
