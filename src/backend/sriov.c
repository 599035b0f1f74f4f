/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include "backend/nl.h"
#include "backend/sriov.h"
#include "util/cleanup.h"
#include "util/sysfs.h"

/* ---- discovery (sysfs) ---- */

static int first_entry(const char *name, void *userdata)
{
        char *buf = userdata;

        if (strlen(name) >= IF_NAMESIZE)
                return 0;
        memcpy(buf, name, strlen(name) + 1);
        return 1;
}

/* The netdev of a PCI device: the one entry of its net/ directory; "" when none. */
static int pci_netdev(const char *pci, char ret[IF_NAMESIZE])
{
        char path[512];
        int r;

        ret[0] = '\0';
        if (osvif_sysfs_path(path, sizeof(path), "bus/pci/devices/%s/net", pci) < 0)
                return -ENAMETOOLONG;
        r = osvif_sysfs_list(path, first_entry, ret);
        return r == -ENOENT || r >= 0 ? 0 : r;
}

struct virtfn_walk {
        const char *pf_dir;
        const char *vf;
        int index;
};

static int match_virtfn(const char *name, void *userdata)
{
        struct virtfn_walk *w = userdata;
        char path[512], target[OSVIF_PCI_ADDR_MAX];
        char *end;
        long n;

        if (strncmp(name, "virtfn", 6) != 0)
                return 0;
        n = strtol(name + 6, &end, 10);
        if (end == name + 6 || *end || n < 0 || n > 65535)
                return 0;
        if (snprintf(path, sizeof(path), "%s/%s", w->pf_dir, name) >= (int)sizeof(path) ||
            osvif_sysfs_link_name(path, target, sizeof(target)) < 0 || strcmp(target, w->vf) != 0)
                return 0;
        w->index = (int)n;
        return 1;
}

int osvif_sriov_find_vf(const char *pci, struct osvif_vf_dev *ret, osvif_error_t *err)
{
        struct osvif_vf_dev d = { .vf_index = -1 };
        char dir[512], path[600];
        struct virtfn_walk w;
        int r;

        if (strlen(pci) >= sizeof(d.pci) ||
            osvif_sysfs_path(dir, sizeof(dir), "bus/pci/devices/%s", pci) < 0)
                return osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENAMETOOLONG,
                                       "PCI device \"%s\": name too long", pci);
        if (access(dir, F_OK) < 0)
                return osvif_error_set(err, OSVIF_ERR_NOT_FOUND, errno,
                                       "PCI device \"%s\": not found under %s", pci, dir);
        memcpy(d.pci, pci, strlen(pci) + 1);
        r = pci_netdev(pci, d.netdev);
        if (r < 0)
                return osvif_error_set(err, OSVIF_ERR_NOT_FOUND, -r,
                                       "PCI device \"%s\": cannot list its netdevs: %s", pci,
                                       strerror(-r));
        snprintf(path, sizeof(path), "%s/physfn", dir);
        r = osvif_sysfs_link_name(path, d.pf_pci, sizeof(d.pf_pci));
        if (r < 0 && r != -ENOENT)
                return osvif_error_set(err, OSVIF_ERR_NOT_FOUND, -r,
                                       "PCI device \"%s\": cannot read physfn: %s", pci,
                                       strerror(-r));
        if (r == 0) {
                if (pci_netdev(d.pf_pci, d.pf_netdev) < 0)
                        d.pf_netdev[0] = '\0';
                if (osvif_sysfs_path(dir, sizeof(dir), "bus/pci/devices/%s", d.pf_pci) == 0) {
                        w = (struct virtfn_walk){ dir, pci, -1 };
                        if (osvif_sysfs_list(dir, match_virtfn, &w) > 0)
                                d.vf_index = w.index;
                }
        }
        *ret = d;
        return 0;
}

struct rep_walk {
        const char *switch_id;
        int pf_func;
        int vf;
        char *ret;
};

/* "vf<N>", "<N>" or "pf<P>vf<N>" naming VF n of PF function pf_func. */
static bool names_vf(const char *port, int pf_func, int vf)
{
        int p = -1, n = -1, used = 0;

        if (sscanf(port, "pf%dvf%d%n", &p, &n, &used) == 2 && !port[used])
                return p == pf_func && n == vf;
        if (sscanf(port, "vf%d%n", &n, &used) == 1 && !port[used])
                return n == vf;
        if (sscanf(port, "%d%n", &n, &used) == 1 && !port[used])
                return n == vf;
        return false;
}

static int match_rep(const char *name, void *userdata)
{
        struct rep_walk *w = userdata;
        char path[512], v[64];

        if (osvif_sysfs_path(path, sizeof(path), "class/net/%s/phys_switch_id", name) < 0 ||
            osvif_sysfs_read(path, v, sizeof(v)) < 0 || strcmp(v, w->switch_id) != 0)
                return 0;
        if (osvif_sysfs_path(path, sizeof(path), "class/net/%s/phys_port_name", name) < 0 ||
            osvif_sysfs_read(path, v, sizeof(v)) < 0 || !names_vf(v, w->pf_func, w->vf) ||
            strlen(name) >= IF_NAMESIZE)
                return 0;
        memcpy(w->ret, name, strlen(name) + 1);
        return 1;
}

int osvif_sriov_find_representor(const struct osvif_vf_dev *vf, char ret[IF_NAMESIZE],
                                 osvif_error_t *err)
{
        char path[512], switch_id[64];
        const char *dot = strrchr(vf->pf_pci, '.');
        struct rep_walk w = { switch_id, dot ? atoi(dot + 1) : 0, vf->vf_index, ret };
        int r;

        if (!vf->pf_netdev[0] || vf->vf_index < 0)
                return 0;
        if (osvif_sysfs_path(path, sizeof(path), "class/net/%s/phys_switch_id", vf->pf_netdev) <
                    0 ||
            osvif_sysfs_read(path, switch_id, sizeof(switch_id)) < 0 || !switch_id[0])
                return 0; /* the PF is not in switchdev mode */
        if (osvif_sysfs_path(path, sizeof(path), "class/net") < 0)
                return 0;
        r = osvif_sysfs_list(path, match_rep, &w);
        if (r < 0)
                return osvif_error_set(err, OSVIF_ERR_NOT_FOUND, -r, "list %s: %s", path,
                                       strerror(-r));
        return r > 0 ? 1 : 0;
}

/* ---- PF-side settings (rtnetlink) ---- */

static int get_u32_pair(struct nlattr *a, size_t size, uint32_t *vf, uint32_t *v)
{
        const uint32_t *p = nla_data(a);

        if ((size_t)nla_len(a) < size)
                return -1;
        *vf = p[0];
        *v = p[1];
        return 0;
}

static int parse_one(struct nlattr *info, struct osvif_vf_info *r)
{
        struct nlattr *tb[IFLA_VF_MAX + 1];
        uint32_t vf, v;

        if (nla_parse_nested(tb, IFLA_VF_MAX, info, NULL) < 0 || !tb[IFLA_VF_MAC] ||
            nla_len(tb[IFLA_VF_MAC]) < (int)sizeof(struct ifla_vf_mac))
                return -1;
        memset(r, 0, sizeof(*r));
        r->spoofchk = r->trust = r->link_state = r->min_tx_rate = r->max_tx_rate = -1;
        r->index = (int)((struct ifla_vf_mac *)nla_data(tb[IFLA_VF_MAC]))->vf;
        memcpy(r->mac, ((struct ifla_vf_mac *)nla_data(tb[IFLA_VF_MAC]))->mac, 6);
        if (tb[IFLA_VF_VLAN] && nla_len(tb[IFLA_VF_VLAN]) >= (int)sizeof(struct ifla_vf_vlan)) {
                struct ifla_vf_vlan *vl = nla_data(tb[IFLA_VF_VLAN]);

                r->vlan = (int)vl->vlan;
                r->qos = (int)vl->qos;
        }
        /* the kernel reports (u32)-1 for what the driver does not support */
        if (tb[IFLA_VF_SPOOFCHK] &&
            get_u32_pair(tb[IFLA_VF_SPOOFCHK], sizeof(struct ifla_vf_spoofchk), &vf, &v) == 0)
                r->spoofchk = v == UINT32_MAX ? -1 : (int)!!v;
        if (tb[IFLA_VF_TRUST] &&
            get_u32_pair(tb[IFLA_VF_TRUST], sizeof(struct ifla_vf_trust), &vf, &v) == 0)
                r->trust = v == UINT32_MAX ? -1 : (int)!!v;
        if (tb[IFLA_VF_LINK_STATE] &&
            get_u32_pair(tb[IFLA_VF_LINK_STATE], sizeof(struct ifla_vf_link_state), &vf, &v) == 0)
                r->link_state = (int)v;
        if (tb[IFLA_VF_RATE] && nla_len(tb[IFLA_VF_RATE]) >= (int)sizeof(struct ifla_vf_rate)) {
                struct ifla_vf_rate *rt = nla_data(tb[IFLA_VF_RATE]);

                r->min_tx_rate = (int)rt->min_tx_rate;
                r->max_tx_rate = (int)rt->max_tx_rate;
        }
        return 0;
}

int osvif_sriov_parse_vfinfo(struct nlattr *list, int index, struct osvif_vf_info *ret)
{
        struct nlattr *info;
        int rem;

        nla_for_each_nested(info, list, rem)
        {
                struct osvif_vf_info r;

                if (nla_type(info) != IFLA_VF_INFO || parse_one(info, &r) < 0 || r.index != index)
                        continue;
                *ret = r;
                return 1;
        }
        return 0;
}

struct vf_reply {
        int index;
        struct osvif_vf_info *ret;
        int found;
};

static int on_pf(struct nlmsghdr *h, void *arg)
{
        struct vf_reply *rep = arg;
        struct nlattr *tb[IFLA_MAX + 1];

        if (h->nlmsg_type != RTM_NEWLINK ||
            nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0)
                return 0;
        if (tb[IFLA_NUM_VF] && (int)nla_get_u32(tb[IFLA_NUM_VF]) > rep->index &&
            tb[IFLA_VFINFO_LIST])
                rep->found = osvif_sriov_parse_vfinfo(tb[IFLA_VFINFO_LIST], rep->index, rep->ret);
        return 0;
}

int osvif_sriov_vf_get(struct osvif_nl *nl, const char *pf, int index, struct osvif_vf_info *ret,
                       osvif_error_t *err)
{
        _cleanup_nlmsg_ struct nl_msg *m = nlmsg_alloc_simple(RTM_GETLINK, 0);
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
        struct vf_reply rep = { index, ret, 0 };
        int r;

        if (!m || nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
            nla_put_u32(m, IFLA_EXT_MASK, RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS) < 0 ||
            nla_put_string(m, IFLA_IFNAME, pf) < 0)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        r = osvif_nl_request(nl, m, on_pf, &rep);
        if (r < 0)
                return osvif_nl_error(nl, -r, err, "get VF %d of PF \"%s\"", index, pf);
        return rep.found > 0 ? 1 : 0;
}

bool osvif_sriov_vf_config_empty(const struct osvif_vf_config *c)
{
        return !c->mac && c->vlan < 0 && c->spoofchk < 0 && c->trust < 0 && c->link_state < 0 &&
               c->min_tx_rate < 0 && c->max_tx_rate < 0;
}

struct nl_msg *osvif_sriov_vf_msg(const char *pf, const struct osvif_vf_config *c,
                                  const struct osvif_vf_info *cur)
{
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
        struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_ACK);
        uint32_t vf = (uint32_t)c->index;
        struct nlattr *list, *info;

        if (!m || nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
            nla_put_string(m, IFLA_IFNAME, pf) < 0 ||
            !(list = nla_nest_start(m, IFLA_VFINFO_LIST)) ||
            !(info = nla_nest_start(m, IFLA_VF_INFO)))
                goto fail;
        if (c->mac) {
                struct ifla_vf_mac a = { .vf = vf };

                memcpy(a.mac, c->mac, 6);
                if (nla_put(m, IFLA_VF_MAC, sizeof(a), &a) < 0)
                        goto fail;
        }
        if (c->vlan >= 0) {
                struct ifla_vf_vlan a = { vf, (uint32_t)c->vlan, (uint32_t)c->qos };

                if (nla_put(m, IFLA_VF_VLAN, sizeof(a), &a) < 0)
                        goto fail;
        }
        if (c->spoofchk >= 0) {
                struct ifla_vf_spoofchk a = { vf, (uint32_t)c->spoofchk };

                if (nla_put(m, IFLA_VF_SPOOFCHK, sizeof(a), &a) < 0)
                        goto fail;
        }
        if (c->trust >= 0) {
                struct ifla_vf_trust a = { vf, (uint32_t)c->trust };

                if (nla_put(m, IFLA_VF_TRUST, sizeof(a), &a) < 0)
                        goto fail;
        }
        if (c->link_state >= 0) {
                struct ifla_vf_link_state a = { vf, (uint32_t)c->link_state };

                if (nla_put(m, IFLA_VF_LINK_STATE, sizeof(a), &a) < 0)
                        goto fail;
        }
        if (c->min_tx_rate >= 0 || c->max_tx_rate >= 0) {
                int lo = c->min_tx_rate >= 0 ? c->min_tx_rate : cur ? cur->min_tx_rate : 0;
                int hi = c->max_tx_rate >= 0 ? c->max_tx_rate : cur ? cur->max_tx_rate : 0;
                struct ifla_vf_rate a = { vf, (uint32_t)(lo < 0 ? 0 : lo),
                                          (uint32_t)(hi < 0 ? 0 : hi) };

                if (nla_put(m, IFLA_VF_RATE, sizeof(a), &a) < 0)
                        goto fail;
        }
        nla_nest_end(m, info);
        nla_nest_end(m, list);
        return m;
fail:
        nlmsg_free(m);
        return NULL;
}

int osvif_sriov_vf_set(struct osvif_nl *nl, const char *pf, const struct osvif_vf_config *c,
                       const struct osvif_vf_info *cur, osvif_error_t *err)
{
        _cleanup_nlmsg_ struct nl_msg *m = osvif_sriov_vf_msg(pf, c, cur);
        int r;

        if (!m)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        r = osvif_nl_transact(nl, m);
        if (r < 0)
                return osvif_nl_error(nl, -r, err, "set VF %d of PF \"%s\"", c->index, pf);
        return 0;
}
