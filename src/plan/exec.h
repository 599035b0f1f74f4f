/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_EXEC_H
#define OSVIF_EXEC_H

#include <net/if.h>
#include <stdbool.h>

#include "backend/link.h"
#include "backend/ovs.h"
#include "cni/result.h"
#include "plan/plan.h"
#include "util/error.h"
#include "util/lock.h"

struct osvif_hostdev_state;

/*
 * The executor: carries a plan out on the host and in the pod's network namespace.
 *
 * ADD applies the steps in order; when one fails, the steps already applied are undone in
 * reverse and the host is as it was before. CHECK verifies every step against the host and
 * prevResult. DEL tears every step down in reverse, by owner, continuing past errors, and
 * succeeds when things are already gone (no netns, no prevResult, repeated DEL).
 *
 * One attachment (network, container id, ifname) is served by one verb at a time: ADD,
 * CHECK and DEL hold its lock (in the run directory) from start to end, so a DEL racing an
 * ADD of the same pod runs before it or after it, never in the middle. A kill at any point
 * of ADD is covered by its intent record (plan/intent.h): DEL, GC and the next ADD of the
 * attachment remove what it left.
 *
 * Fault injection for the robustness tests: in a build configured with
 * --enable-fault-injection and OSVIF_FAULT_STEP=<n> in the environment, ADD fails just before
 * applying step n (0-based) with OSVIF_ERR_INTERNAL, so that every undo path can be exercised
 * against the real kernel. Other builds ignore the variable.
 */

/* Runtime state shared by the steps of one invocation. */
struct osvif_exec {
        struct osvif_plan *plan;

        int host_ns; /* the namespace we were started in */
        int pod_ns;  /* -1 when there is no netns (DEL) */
        struct osvif_nl *host_nl;
        struct osvif_nl *pod_nl;       /* opened lazily, inside the pod namespace */
        struct osvif_ovsdb *ovsdb;     /* connected lazily */
        struct osvif_lock lock;        /* held around shared-bridge changes */
        struct osvif_lock attach_lock; /* the attachment's own: held for the whole verb */

        struct osvif_cni_result *l3; /* what POD_L3 configures: IPAM's, else the plan's */
        bool ipam_done;

        int bridge_ifindex;
        unsigned bridge_mtu;
        bool bridge_brought_up; /* an existing bridge was down until this ADD */
        uint8_t bridge_mac[6];  /* an existing bridge's MAC before this ADD */
        bool host_created;      /* the host end of the pod link exists (for the result) */
        uint8_t host_mac[6];
        int pod_ifindex; /* the pod link, in the pod namespace, once a step has found it */
        bool pod_named;  /* the pod link was created as CNI_IFNAME (a veth's, a placeholder) */
        uint8_t pod_mac[6];
        unsigned pod_mtu;
        /* VIFDirect: the lower device, resolved once per invocation */
        char lower[IF_NAMESIZE];
        int lower_ifindex;
        unsigned lower_mtu;

        /* HOSTDEV (steps_hostdev.c): the VF's claim and what was found; NULL when none */
        struct osvif_hostdev_state *vf;
        struct osvif_lock vf_lock;        /* held from the claim to the end of the invocation */
        int vf_pod_ifindex;               /* the VF in the pod, 0 until moved there */
        char pci_id[32];                  /* the result's pciID, "" when none */
        char *vhost_sock_dir;             /* OVS's, read by OVS_PORT's transaction, or NULL */
        char socket_path[108];            /* vhost-user: the real socket (VHOSTUSER) */
        char socket_name[IF_NAMESIZE];    /* and the port that serves it, for the result */
        const char *pod_link_kind;        /* the placeholder's kind (PLACEHOLDER) */
        struct osvif_link_info fp_before; /* the fast path's netdev before FP_NETDEV */

        /* per step: whether ADD created what undo must remove */
        bool created[OSVIF_PLAN_MAX_STEPS];
};

/*
 * ADD. On success *ret is the CNI result (prevResult, if any, with our interfaces, IPs,
 * routes and DNS added). On failure the host is left as it was found.
 */
int osvif_exec_add(struct osvif_plan *plan, struct osvif_cni_result **ret, osvif_error_t *err);

/* CHECK against the host and req->prev_result. OSVIF_ERR_CHECK naming what is wrong. */
int osvif_exec_check(struct osvif_plan *plan, osvif_error_t *err);

/* DEL. Idempotent; the first error is reported after every step has been tried. */
int osvif_exec_del(struct osvif_plan *plan, osvif_error_t *err);

/*
 * GC helpers: every attachment (containerID, ifname) of `network` that owns something on
 * the host (links by alias, OVS ports by external_ids, intent records of interrupted ADDs).
 * fn is called once per attachment and returns 0, or a negative errno that stops the walk
 * with *err set from it. OVSDB is read only when the network may use OVS
 * (osvif_conf_may_use_ovs()); when it cannot be read, *ovsdb_err is set (code 11) and the
 * walk goes on with the links and records.
 */
int osvif_exec_foreach_attachment(const struct osvif_conf *conf, const char *network,
                                  int (*fn)(const char *container_id, const char *ifname,
                                            void *userdata),
                                  void *userdata, osvif_error_t *ovsdb_err, osvif_error_t *err);

/* STATUS: 0 when an ADD with this config could be served, else code 50 with the reason. */
int osvif_exec_status(const struct osvif_cni_request *req, const struct osvif_conf *conf,
                      osvif_error_t *err);

#endif
