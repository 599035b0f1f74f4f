/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "backend/bridge.h"

/* Linux bridges: ensure, count ports, remove when empty. (Ports join at creation: link.c.) */

int osvif_bridge_lookup(struct osvif_nl *nl, const char *name, struct osvif_link_info *ret,
                        osvif_error_t *err)
{
        struct osvif_link_info info;
        int r = osvif_link_get(nl, name, 0, &info, err);

        if (r < 0)
                return -1;
        if (r == 0)
                return 0;
        if (strcmp(info.kind, "bridge") != 0)
                return osvif_error_set(err, OSVIF_ERR_EXISTS, EEXIST,
                                       "bridge \"%s\": a %s link of that name exists", name,
                                       info.kind[0] ? info.kind : "non-bridge");
        if (ret)
                *ret = info;
        return info.ifindex;
}

/* Settings os-vif gives the qbr bridges it creates (vif_plug_ovs/linux_net.py). */
static int os_vif_sysctls(const char *name, osvif_error_t *err)
{
        if (osvif_sysctl_dev_set("ipv6", "disable_ipv6", name, "1", err) < 0 ||
            osvif_sysctl_dev_set("ipv4", "arp_ignore", name, "1", err) < 0 ||
            osvif_sysctl_dev_set("ipv4", "arp_announce", name, "2", err) < 0)
                return -1;
        return 0;
}

/* A bridge we have just created (up already): sysctls, and the owner of a per-VIF one. */
static int configure_new(struct osvif_nl *nl, const struct osvif_bridge_opts *o, osvif_error_t *err)
{
        struct osvif_link_change c = OSVIF_LINK_CHANGE_INIT;

        /* router advertisements must not configure the host through a pod bridge */
        if (osvif_sysctl_dev_set("ipv6", "accept_ra", o->name, "0", err) < 0)
                return -1;
        if (o->os_vif_settings && os_vif_sysctls(o->name, err) < 0)
                return -1;
        if (!o->alias)
                return 0;
        c.alias = o->alias;
        return osvif_link_change_by_name(nl, o->name, &c, err);
}

static int create(struct osvif_nl *nl, const struct osvif_bridge_opts *o,
                  struct osvif_bridge_changes *ret, osvif_error_t *err)
{
        struct osvif_bridge_create b = { o->name, o->mtu, o->os_vif_settings };
        osvif_error_t ignored = OSVIF_ERROR_INIT;
        int ifindex = osvif_link_add_bridge(nl, &b, err);

        if (ifindex < 0)
                return ifindex;
        if (configure_new(nl, o, err) < 0) {
                osvif_link_del(nl, ifindex, &ignored);
                osvif_error_clear(&ignored);
                return -1;
        }
        ret->created = true;
        ret->brought_up = false;
        ret->mtu = o->mtu ? o->mtu : 1500;
        return ifindex;
}

int osvif_bridge_ensure(struct osvif_nl *nl, const struct osvif_bridge_opts *o,
                        struct osvif_bridge_changes *ret, osvif_error_t *err)
{
        struct osvif_link_change up = OSVIF_LINK_CHANGE_INIT;
        struct osvif_link_info info = { 0 };
        int ifindex = osvif_bridge_lookup(nl, o->name, &info, err);

        if (ifindex < 0)
                return -1;
        if (ifindex == 0) {
                ifindex = create(nl, o, ret, err);
                /* someone else created it between our look and our create: use theirs */
                if (ifindex >= 0 || err->errnum != EEXIST)
                        return ifindex;
                osvif_error_clear(err);
                ifindex = osvif_bridge_lookup(nl, o->name, &info, err);
                if (ifindex <= 0)
                        return ifindex < 0 ? -1
                                           : osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                                             "bridge \"%s\" vanished", o->name);
        }
        /* a per-VIF bridge someone else made, or one a killed ADD left without its owner */
        if (o->owned && strcmp(info.alias, o->alias ? o->alias : "") != 0)
                return osvif_error_set(err, OSVIF_ERR_EXISTS, EEXIST,
                                       "bridge \"%s\" exists and does not belong to this "
                                       "attachment (alias \"%s\")",
                                       o->name, info.alias);
        ret->created = false;
        ret->brought_up = !(info.flags & IFF_UP);
        ret->mtu = info.mtu;
        memcpy(ret->mac, info.mac, 6);
        if (!ret->brought_up)
                return ifindex;
        up.up = 1;
        return osvif_link_change(nl, ifindex, &up, err) < 0 ? -1 : ifindex;
}

struct count {
        int master;
        int n;
};

static int count_port(const struct osvif_link_info *link, void *data)
{
        struct count *c = data;

        if (link->master == c->master)
                c->n++;
        return 0;
}

int osvif_bridge_count_ports(struct osvif_nl *nl, int bridge_ifindex, osvif_error_t *err)
{
        struct count c = { bridge_ifindex, 0 };

        if (osvif_link_foreach(nl, count_port, &c, err) < 0)
                return -1;
        return c.n;
}

int osvif_bridge_del_if_empty(struct osvif_nl *nl, const char *name, osvif_error_t *err)
{
        int ifindex = osvif_bridge_lookup(nl, name, NULL, err), n;

        if (ifindex <= 0)
                return ifindex;
        n = osvif_bridge_count_ports(nl, ifindex, err);
        if (n != 0)
                return n < 0 ? -1 : 0;
        return osvif_link_del(nl, ifindex, err) < 0 ? -1 : 1;
}
