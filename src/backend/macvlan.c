/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <string.h>

#include <netlink/attr.h>

#include "backend/macvlan.h"
#include "backend/nl.h"
#include "util/cleanup.h"

/* macvlan/macvtap links and 802.1Qbh port profiles over rtnetlink (messages built by hand). */

const char *osvif_macvlan_mode_name(unsigned mode)
{
        switch (mode) {
        case OSVIF_MACVLAN_VEPA:
                return "vepa";
        case OSVIF_MACVLAN_BRIDGE:
                return "bridge";
        case OSVIF_MACVLAN_PASSTHRU:
                return "passthru";
        }
        return "other";
}

static struct nl_msg *link_msg(int type, int flags, int ifindex)
{
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
        struct nl_msg *m = nlmsg_alloc_simple(type, flags);

        if (m && nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
                nlmsg_free(m);
                return NULL;
        }
        return m;
}

const char *osvif_macvlan_kind(const struct osvif_macvlan_opts *o)
{
        return o->vlan_id ? "vlan" : o->macvtap ? "macvtap" : "macvlan";
}

static int put_macvlan(struct nl_msg *m, const struct osvif_macvlan_opts *o)
{
        struct nlattr *li, *data;

        if (nla_put_string(m, IFLA_IFNAME, o->name) < 0 ||
            nla_put_u32(m, IFLA_LINK, (uint32_t)o->lower) < 0 ||
            (o->mac && nla_put(m, IFLA_ADDRESS, 6, o->mac) < 0) ||
            (o->mtu && nla_put_u32(m, IFLA_MTU, o->mtu) < 0) ||
            (o->netns_fd >= 0 && nla_put_u32(m, IFLA_NET_NS_FD, (uint32_t)o->netns_fd) < 0) ||
            !(li = nla_nest_start(m, IFLA_LINKINFO)) ||
            nla_put_string(m, IFLA_INFO_KIND, osvif_macvlan_kind(o)) < 0 ||
            !(data = nla_nest_start(m, IFLA_INFO_DATA)) ||
            (o->vlan_id ? nla_put_u16(m, IFLA_VLAN_ID, (uint16_t)o->vlan_id)
                        : nla_put_u32(m, IFLA_MACVLAN_MODE, o->mode)) < 0)
                return -1;
        nla_nest_end(m, data);
        nla_nest_end(m, li);
        return 0;
}

int osvif_macvlan_add(struct osvif_nl *nl, const struct osvif_macvlan_opts *o,
                      const char *lower_name, osvif_error_t *err)
{
        _cleanup_nlmsg_ struct nl_msg *m = link_msg(RTM_NEWLINK,
                                                    NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK,
                                                    o->ifindex);
        const char *kind = osvif_macvlan_kind(o);
        struct ifinfomsg *ifi;
        int r;

        if (!m || put_macvlan(m, o) < 0)
                return osvif_error_oom(err);
        ifi = nlmsg_data(nlmsg_hdr(m));
        ifi->ifi_flags = ifi->ifi_change = o->up ? IFF_UP : 0;
        r = osvif_nl_transact(nl, m);
        /* macvlan_common_newlink: passthru wants the lower device to itself, and no one
         * joins a lower device held in passthru */
        if (r == -EINVAL && !nl->ext_msg[0] && !o->vlan_id)
                return osvif_error_set(err, OSVIF_ERR_EXISTS, EINVAL,
                                       "add %s \"%s\" on \"%s\" in mode %s: refused (a lower "
                                       "device in passthrough mode is held by one link only, "
                                       "and passthrough needs a device no other macvlan uses)",
                                       kind, o->name, lower_name, osvif_macvlan_mode_name(o->mode));
        if (r < 0)
                return osvif_nl_error(nl, -r, err, "add %s \"%s\" on \"%s\"", kind, o->name,
                                      lower_name);
        return 0;
}

struct mode_reply {
        unsigned mode;
        int found;
};

static int on_mode(struct nlmsghdr *h, void *arg)
{
        struct mode_reply *rep = arg;
        struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1], *d[IFLA_MACVLAN_MAX + 1];
        bool vlan;

        if (h->nlmsg_type != RTM_NEWLINK ||
            nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0 ||
            !tb[IFLA_LINKINFO] ||
            nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) < 0 ||
            !li[IFLA_INFO_KIND] || !li[IFLA_INFO_DATA] ||
            nla_parse_nested(d, IFLA_MACVLAN_MAX, li[IFLA_INFO_DATA], NULL) < 0)
                return 0;
        /* IFLA_VLAN_ID and IFLA_MACVLAN_MODE are both attribute 1 of their kind's data */
        vlan = strcmp(nla_get_string(li[IFLA_INFO_KIND]), "vlan") == 0;
        if (!d[vlan ? IFLA_VLAN_ID : IFLA_MACVLAN_MODE])
                return 0;
        rep->mode = vlan ? nla_get_u16(d[IFLA_VLAN_ID]) : nla_get_u32(d[IFLA_MACVLAN_MODE]);
        rep->found = 1;
        return 0;
}

int osvif_macvlan_get_mode(struct osvif_nl *nl, int ifindex, unsigned *ret_mode, osvif_error_t *err)
{
        _cleanup_nlmsg_ struct nl_msg *m = link_msg(RTM_GETLINK, 0, ifindex);
        struct mode_reply rep = { 0 };
        int r;

        if (!m || nla_put_u32(m, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0)
                return osvif_error_oom(err);
        r = osvif_nl_request(nl, m, on_mode, &rep);
        if (r < 0)
                return osvif_nl_error(nl, -r, err, "get link %d", ifindex);
        if (rep.found)
                *ret_mode = rep.mode;
        return rep.found;
}

/* ---- 802.1Qbh ---- */

struct nl_msg *osvif_qbh_msg(const struct osvif_qbh_request *q)
{
        _cleanup_nlmsg_ struct nl_msg *m = link_msg(RTM_SETLINK, NLM_F_ACK, q->ifindex);
        struct nlattr *port;

        if (!m)
                return NULL;
        /*
         * No IFLA_VFINFO_LIST{IFLA_VF_MAC} as libvirt sends for VF -1: the kernel refuses VF
         * numbers from INT_MAX up with EINVAL (do_setvfinfo), and the driver takes the port's
         * own MAC for IFLA_PORT_SELF.
         */
        if (!(port = nla_nest_start(m, IFLA_PORT_SELF)) ||
            (q->profile && nla_put_string(m, IFLA_PORT_PROFILE, q->profile) < 0) ||
            (q->instance_uuid && nla_put(m, IFLA_PORT_INSTANCE_UUID, 16, q->instance_uuid) < 0) ||
            (q->host_uuid && nla_put(m, IFLA_PORT_HOST_UUID, 16, q->host_uuid) < 0) ||
            nla_put_u8(m, IFLA_PORT_REQUEST, q->request) < 0)
                return NULL;
        nla_nest_end(m, port);
        return TAKE_PTR(m);
}

int osvif_qbh_send(struct osvif_nl *nl, const struct osvif_qbh_request *q, const char *lower_name,
                   osvif_error_t *err)
{
        _cleanup_nlmsg_ struct nl_msg *m = osvif_qbh_msg(q);
        const char *what = q->request == OSVIF_PORT_DISASSOCIATE ? "disassociate" : "associate";
        int r;

        if (!m)
                return osvif_error_oom(err);
        r = osvif_nl_transact(nl, m);
        if (r == -EOPNOTSUPP)
                return osvif_error_set(err, OSVIF_ERR_UNSUPPORTED, EOPNOTSUPP,
                                       "802.1Qbh %s port profile \"%s\" on \"%s\": the device's "
                                       "driver does not implement port profiles "
                                       "(ndo_set_vf_port; Cisco enic does): operation not "
                                       "supported",
                                       what, q->profile ? q->profile : "", lower_name);
        if (r < 0)
                return osvif_nl_error(nl, -r, err, "802.1Qbh %s on \"%s\"", what, lower_name);
        return 0;
}
