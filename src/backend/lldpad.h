/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_LLDPAD_H
#define OSVIF_LLDPAD_H

#include <stdint.h>

#include <netlink/msg.h>

#include "util/error.h"

/*
 * 802.1Qbg (VDP) through the lldpad daemon, the way libvirt asks it: rtnetlink messages sent
 * not to the kernel but to lldpad's netlink port (its pid, from its pid file). lldpad runs the
 * VDP exchange with the adjacent EVB bridge and reports the bridge's answer in
 * IFLA_PORT_RESPONSE.
 */

#define OSVIF_DEFAULT_LLDPAD_PID_FILE "/var/run/lldpad.pid"
#define OSVIF_DEFAULT_LLDPAD_TIMEOUT_MS 10000

/* IFLA_PORT_RESPONSE: VDP codes 0..6, port-profile codes 0x100..0x105 */
#define OSVIF_PORT_RESPONSE_VDP_SUCCESS 0
#define OSVIF_PORT_RESPONSE_SUCCESS 0x100
#define OSVIF_PORT_RESPONSE_INPROGRESS 0x101

/* The name of an IFLA_PORT_RESPONSE code ("invalid format"...), "unknown" for others. */
const char *osvif_port_response_name(unsigned code);

struct osvif_qbg_request {
        int ifindex;          /* the lower device */
        const char *ifname;   /* its name (IFLA_IFNAME: lldpad looks it up by name) */
        const uint8_t *mac;   /* the VSI's MAC */
        unsigned vlan;        /* 0: untagged; lldpad refuses a request without IFLA_VF_VLAN */
        uint8_t manager_id;   /* vsi_mgr_id */
        uint32_t type_id;     /* 24 bits, sent little-endian */
        uint8_t type_version; /* vsi_type_version */
        const uint8_t *instance_uuid; /* 16 bytes */
        uint8_t request;              /* enum osvif_port_request (backend/macvlan.h) */
};

/* The RTM_SETLINK of a request, built without sending it. NULL on ENOMEM; the caller frees. */
struct nl_msg *osvif_qbg_msg(const struct osvif_qbg_request *q);

/*
 * Associate: send the request to lldpad (pid from `pid_file`), wait for its acknowledgement,
 * then poll its RTM_GETLINK status every 125 ms until the VSI's IFLA_PORT_RESPONSE says
 * success (0 or 0x100), a failure (named in the message, OSVIF_ERR_NETLINK), or timeout_ms
 * passes (OSVIF_CNI_ERR_TRY_AGAIN). "EVB not negotiated yet" (EPROTONOSUPPORT) and "no VDP
 * on that port yet" (ENXIO) are retried within the same bound. lldpad not running: OSVIF_ERR_UNSUPPORTED naming the pid file.
 */
int osvif_qbg_associate(const char *pid_file, const struct osvif_qbg_request *q, int timeout_ms,
                        osvif_error_t *err);

/*
 * Disassociate, waiting for lldpad's acknowledgement only. Returns 1 when lldpad is not
 * running (it holds no association then), 0 when done, -1 with *err.
 */
int osvif_qbg_disassociate(const char *pid_file, const struct osvif_qbg_request *q, int timeout_ms,
                           osvif_error_t *err);

#endif
