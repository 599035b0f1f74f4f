/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_LINK_H
#define OSVIF_LINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"
#include "util/error.h"

/*
 * Links, addresses, routes and per-device sysctls over rtnetlink (libnl-route-3).
 *
 * One kernel transaction per function. A `struct osvif_nl` is an rtnetlink socket bound to
 * the namespace that was current when it was opened; every function acts in that
 * namespace. Errors: -1 with *err set, code OSVIF_ERR_NETLINK (OSVIF_ERR_EXISTS for
 * EEXIST, OSVIF_ERR_NOT_FOUND for ENODEV/ENOENT), the message naming the operation and the
 * device: `add veth "tap3f2a9c6e-1b": file exists`; err->errnum holds the errno (libnl's
 * -NLE_* codes are mapped to errno values).
 */

struct osvif_nl;

/* Open an rtnetlink socket in the current netns. NULL with *err on failure. */
struct osvif_nl *osvif_nl_open(osvif_error_t *err);
/* NULL-safe. */
void osvif_nl_close(struct osvif_nl *nl);
static inline void osvif_nl_closep(struct osvif_nl **nl)
{
        osvif_nl_close(*nl);
}
#define _cleanup_nl_ __attribute__((cleanup(osvif_nl_closep)))

/* What osvif_link_get() reports. */
struct osvif_link_info {
        int ifindex;
        char name[IF_NAMESIZE];
        char kind[16];   /* "veth", "bridge", "macvlan", "" for none ... */
        char alias[256]; /* IFLA_IFALIAS, "" when unset */
        uint8_t mac[6];
        unsigned mtu;
        unsigned flags;   /* IFF_* */
        int master;       /* ifindex of the master, 0 when none */
        int link;         /* IFLA_LINK: the lower device (macvlan, vlan), 0 when none */
        int link_netnsid; /* IFLA_LINK_NETNSID, -1 when none */
};

/*
 * Look a link up by name (ifindex 0) or by index. Returns 1 and fills *ret when found,
 * 0 when there is no such link (no *err), -1 on error.
 */
int osvif_link_get(struct osvif_nl *nl, const char *name, int ifindex, struct osvif_link_info *ret,
                   osvif_error_t *err);

/*
 * Call fn for every link in the namespace (one RTM_GETLINK dump). fn returns 0 to go on, or
 * a negative errno to stop the walk: osvif_link_foreach() then fails with *err set from it.
 */
int osvif_link_foreach(struct osvif_nl *nl,
                       int (*fn)(const struct osvif_link_info *link, void *userdata),
                       void *userdata, osvif_error_t *err);

/* Options of a new veth pair. */
struct osvif_veth_opts {
        const char *name;        /* end in this namespace */
        const char *peer_name;   /* the other end */
        int peer_netns_fd;       /* -1: peer in this namespace; else IFLA_NET_NS_FD of the peer */
        const uint8_t *mac;      /* of `name`, NULL: kernel's choice */
        const uint8_t *peer_mac; /* of the peer, NULL: kernel's choice */
        unsigned mtu;            /* both ends, 0: default */
        int master;              /* ifindex of a bridge to put `name` on at creation, 0: none */
        bool up;                 /* `name` comes up at creation (the peer cannot: the kernel
                                    refuses to open it before its twin exists, ENOTCONN) */
        bool promisc;            /* both ends promiscuous (os-vif's qvb/qvo) */
};

/*
 * Create a veth pair in one RTM_NEWLINK (NLM_F_CREATE|NLM_F_EXCL), with everything the
 * kernel applies at creation: names, MACs, MTU, the peer's namespace (created directly
 * there: no udev race, no name clash on the host), the master, and the flags. An existing name gives OSVIF_ERR_EXISTS. 0, or -1.
 */
int osvif_link_add_veth(struct osvif_nl *nl, const struct osvif_veth_opts *o, osvif_error_t *err);

/* A new Linux bridge (one RTM_NEWLINK). The kernel ignores IFLA_IFALIAS on creation. */
struct osvif_bridge_create {
        const char *name;
        unsigned mtu;     /* 0: kernel default */
        bool ageing_zero; /* IFLA_BR_AGEING_TIME 0, as os-vif creates qbr bridges */
};
/* Returns the bridge's ifindex, or -1 with *err (an existing name: errnum EEXIST). */
int osvif_link_add_bridge(struct osvif_nl *nl, const struct osvif_bridge_create *b,
                          osvif_error_t *err);

/*
 * Change several properties of one link in one RTM_NEWLINK/SETLINK request. Fields left at
 * their "unset" value are not touched. Renames happen before the link is brought up, as
 * the kernel orders them in do_setlink().
 */
struct osvif_link_change {
        const char *name;   /* new name, NULL: keep */
        const uint8_t *mac; /* NULL: keep */
        unsigned mtu;       /* 0: keep */
        int master;         /* ifindex of a bridge to enslave to; 0: keep; -1: release */
        const char *alias;  /* NULL: keep; "": clear */
        int up;             /* 1: up, 0: down, -1: keep */
        int promisc;        /* 1/0, -1: keep */
        int netns_fd;       /* move to that namespace, -1: stay */
};
#define OSVIF_LINK_CHANGE_INIT                     \
        {                                          \
                NULL, NULL, 0, 0, NULL, -1, -1, -1 \
        }
int osvif_link_change(struct osvif_nl *nl, int ifindex, const struct osvif_link_change *c,
                      osvif_error_t *err);

/*
 * The same, for a link found by its name (the kernel looks it up): no index needed. A rename
 * is not possible this way (the name is the key).
 */
int osvif_link_change_by_name(struct osvif_nl *nl, const char *name,
                              const struct osvif_link_change *c, osvif_error_t *err);

/* Delete a link. Returns 0, 0 also when it is already gone (idempotent), -1 on error. */
int osvif_link_del(struct osvif_nl *nl, int ifindex, osvif_error_t *err);
int osvif_link_del_by_name(struct osvif_nl *nl, const char *name, osvif_error_t *err);

/* Addresses (RTM_NEWADDR). `nodad` sets IFA_F_NODAD on IPv6 addresses. EEXIST is success. */
int osvif_addr_add(struct osvif_nl *nl, int ifindex, const struct osvif_ipnet *addr, bool nodad,
                   osvif_error_t *err);
/* Whether the address is configured on the link: 1 yes, 0 no, -1 error. */
int osvif_addr_exists(struct osvif_nl *nl, int ifindex, const struct osvif_ipnet *addr,
                      osvif_error_t *err);

/* A route, with the CNI 1.1 attributes. Zero values mean "unset". */
struct osvif_route_spec {
        struct osvif_ipnet dst;
        struct osvif_ip gw; /* family 0: on-link (scope link unless scope is given) */
        int ifindex;
        unsigned mtu, advmss, priority;
        int table; /* 0: main */
        int scope; /* -1: default (universe with a gateway, link without) */
};
/* RTM_NEWROUTE with NLM_F_CREATE|NLM_F_EXCL; EEXIST is success. */
int osvif_route_add(struct osvif_nl *nl, const struct osvif_route_spec *r, osvif_error_t *err);
/* 1 when a route to dst (same table) via gw on ifindex exists, 0 when not, -1 on error. */
int osvif_route_exists(struct osvif_nl *nl, const struct osvif_route_spec *r, osvif_error_t *err);

/*
 * Write a per-device sysctl of the *current* namespace, e.g. ("ipv6", "accept_dad", ifname,
 * "0") -> /proc/sys/net/ipv6/conf/<ifname>/accept_dad. /proc/sys/net shows the namespace
 * of the process that opens it: enter the pod namespace first. A missing file for ipv6 (IPv6
 * disabled) returns 0. 0, or -1 with *err.
 */
int osvif_sysctl_dev_set(const char *family, const char *key, const char *ifname, const char *value,
                         osvif_error_t *err);

/* Map a libnl error (negative NLE_*) to an errno value. */
int osvif_nl_errno(int nle);

#endif
