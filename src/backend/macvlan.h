/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_MACVLAN_H
#define OSVIF_MACVLAN_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include <netlink/msg.h>

#include "backend/link.h"
#include "util/error.h"

/*
 * macvlan and macvtap links on a lower device, and port-profile association on that device
 * through IFLA_PORT_* (802.1Qbh to the kernel). One kernel transaction per function; errors
 * as in backend/link.h.
 */

/* linux/if_link.h MACVLAN_MODE_*, repeated so that callers need not include it */
enum osvif_macvlan_mode {
        OSVIF_MACVLAN_VEPA = 2,
        OSVIF_MACVLAN_BRIDGE = 4,
        OSVIF_MACVLAN_PASSTHRU = 8,
};

const char *osvif_macvlan_mode_name(unsigned mode);

struct osvif_macvlan_opts {
        const char *name;   /* in the target namespace */
        bool macvtap;       /* kind "macvtap" (a /dev/tapN character device) else "macvlan" */
        unsigned vlan_id;   /* not 0: an 802.1Q VLAN device (kind "vlan") with that id instead */
        bool up;            /* up from creation */
        int lower;          /* ifindex of the lower device, in the socket's namespace */
        unsigned mode;      /* enum osvif_macvlan_mode */
        int netns_fd;       /* created directly in that namespace (IFLA_NET_NS_FD), -1: here */
        int ifindex;        /* asked for at creation, 0: the kernel's choice */
        const uint8_t *mac; /* NULL: random (passthru: the kernel gives it the lower's) */
        unsigned mtu;       /* 0: the lower device's */
};

/*
 * One RTM_NEWLINK (NLM_F_CREATE|NLM_F_EXCL). The kernel refuses a second link on a lower
 * device held in passthru mode, and passthru on a device with links already, with EINVAL;
 * that is reported as OSVIF_ERR_EXISTS naming the lower device. 0, or -1.
 */
int osvif_macvlan_add(struct osvif_nl *nl, const struct osvif_macvlan_opts *o,
                      const char *lower_name, osvif_error_t *err);

/*
 * The mode of a macvlan/macvtap (IFLA_MACVLAN_MODE) or the id of a VLAN device
 * (IFLA_VLAN_ID): 1 and *ret, 0 when the link has neither, -1.
 */
int osvif_macvlan_get_mode(struct osvif_nl *nl, int ifindex, unsigned *ret, osvif_error_t *err);

/* The kind of link the options make ("macvlan", "macvtap", "vlan"). */
const char *osvif_macvlan_kind(const struct osvif_macvlan_opts *o);

/* IFLA_PORT_REQUEST values (linux/if_link.h PORT_REQUEST_*) */
enum osvif_port_request {
        OSVIF_PORT_PREASSOCIATE = 0,
        OSVIF_PORT_PREASSOCIATE_RR = 1,
        OSVIF_PORT_ASSOCIATE = 2,
        OSVIF_PORT_DISASSOCIATE = 3,
};

/* An 802.1Qbh request for the device's own port (IFLA_PORT_SELF, no VF). */
struct osvif_qbh_request {
        int ifindex;                  /* the lower device (a PF) */
        const char *profile;          /* IFLA_PORT_PROFILE, NULL on disassociate */
        const uint8_t *instance_uuid; /* 16 bytes, NULL: none */
        const uint8_t *host_uuid;     /* 16 bytes, NULL: none */
        uint8_t request;              /* enum osvif_port_request */
};

/*
 * The RTM_SETLINK message of an 802.1Qbh request, built without the kernel (for the unit
 * test of its attributes, and for osvif_qbh_send). NULL on ENOMEM. The caller frees it.
 */
struct nl_msg *osvif_qbh_msg(const struct osvif_qbh_request *q);

/*
 * Send an 802.1Qbh request to the kernel. Only drivers with ndo_set_vf_port (Cisco enic)
 * implement it: EOPNOTSUPP becomes OSVIF_ERR_UNSUPPORTED with a message that says so.
 */
int osvif_qbh_send(struct osvif_nl *nl, const struct osvif_qbh_request *q, const char *lower_name,
                   osvif_error_t *err);

#endif
