/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_STEPS_H
#define OSVIF_STEPS_H

#include "plan/exec.h"
#include "plan/intent.h"

/*
 * One vtable per step kind (plan/steps_*.c); the executor (plan/exec.c) alone decides the
 * order and when to undo. `i` is the step's index in the plan, for per-step state in
 * struct osvif_exec. apply/check/teardown return 0 or -1 with *err; undo is best effort
 * and must not fail loudly: it runs on the way out of a failed ADD. describe adds the step's
 * parameters to `o` for `osvif plan` (0, or a negative errno when out of memory).
 *
 * intent (optional) names every link the step's apply may create, on the host and in the pod
 * (plan/intent.h): ADD records them before its first change, so that DEL, GC or the next
 * ADD can remove what a killed ADD left without an owner. A step that creates links must
 * have one; objects that carry their owner from the start (an OVS port: one transaction
 * with its external_ids) need none.
 */
struct osvif_step_ops {
        const char *name;
        int (*describe)(const struct osvif_plan *p, const struct osvif_step *s, cJSON *o);
        int (*apply)(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                     osvif_error_t *err);
        void (*undo)(struct osvif_exec *x, const struct osvif_step *s, size_t i);
        int (*check)(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                     osvif_error_t *err);
        int (*teardown)(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                        osvif_error_t *err);
        void (*intent)(const struct osvif_plan *p, const struct osvif_step *s,
                       struct osvif_intent *in);
        /*
         * After every step has applied, in step order: wait for what this step set going
         * elsewhere to be done (OVS making a vhost-user socket), so that the later steps' work
         * overlaps the wait instead of following it. A failure undoes every step. Or NULL.
         */
        int (*settle)(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                      osvif_error_t *err);
};

extern const struct osvif_step_ops osvif_step_ipam_ops;
extern const struct osvif_step_ops osvif_step_bridge_ops;
extern const struct osvif_step_ops osvif_step_veth_ops;
extern const struct osvif_step_ops osvif_step_qvb_qvo_ops;
extern const struct osvif_step_ops osvif_step_ovs_port_ops;
extern const struct osvif_step_ops osvif_step_pod_link_ops;
extern const struct osvif_step_ops osvif_step_pod_l3_ops;
extern const struct osvif_step_ops osvif_step_hostdev_ops;
extern const struct osvif_step_ops osvif_step_macvlan_ops;
extern const struct osvif_step_ops osvif_step_qbh_ops;
extern const struct osvif_step_ops osvif_step_qbg_ops;
extern const struct osvif_step_ops osvif_step_vlan_dev_ops;
extern const struct osvif_step_ops osvif_step_vhostuser_ops;
extern const struct osvif_step_ops osvif_step_placeholder_ops;
extern const struct osvif_step_ops osvif_step_fp_netdev_ops;

/* The pod namespace's netlink socket, opened on first use. NULL with *err when no netns. */
struct osvif_nl *osvif_exec_pod_nl(struct osvif_exec *x, osvif_error_t *err);
/* Run fn inside the pod namespace and come back. */
int osvif_exec_in_pod(struct osvif_exec *x,
                      int (*fn)(struct osvif_exec *x, void *data, osvif_error_t *err), void *data,
                      osvif_error_t *err);
/* The OVSDB connection, opened on first use. */
struct osvif_ovsdb *osvif_exec_ovsdb(struct osvif_exec *x, osvif_error_t *err);

/*
 * Undo of a link ADD made in the pod (a macvlan, a placeholder): deleted by index once known
 * (POD_LINK may have renamed it), else by its temporary name. Best effort, like every undo.
 */
void osvif_exec_undo_pod_link(struct osvif_exec *x);

/* Link helpers shared by the steps: look up by name and check that the alias is ours. */
int osvif_exec_find_owned(struct osvif_exec *x, struct osvif_nl *nl, const char *name,
                          struct osvif_link_info *ret, osvif_error_t *err);
/* Delete the link `name` when it carries our owner: 1 deleted, 0 none of ours, -1. */
int osvif_exec_del_owned(struct osvif_exec *x, struct osvif_nl *nl, const char *name,
                         osvif_error_t *err);

#endif
