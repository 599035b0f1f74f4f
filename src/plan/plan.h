/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_PLAN_H
#define OSVIF_PLAN_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "cni/request.h"
#include "cni/result.h"
#include "conf.h"
#include "util/error.h"
#include "vif/model.h"

/*
 * VIF type x port profile -> an ordered plan of backend steps (DESIGN.md, "The mapping").
 *
 * A plan is data: built from the request, the plugin config and the VIF without touching
 * the host, printable (osvif_plan_to_json) for a dry run, and then carried out by the
 * executor (plan/exec.h): ADD applies the steps in order and undoes the completed ones in
 * reverse when one fails; CHECK verifies each step; DEL tears each step down in reverse,
 * idempotently and by owner, without needing the pod netns or prevResult.
 *
 * A plan borrows the request, config and VIF it was built from; they must outlive it.
 */

#define OSVIF_PLAN_MAX_STEPS 16
#define OSVIF_OVS_NAME_MAX 64

struct osvif_step_ops;    /* plan/steps.h: what a step does, one vtable per kind */
struct osvif_mapping_row; /* plan/mapping.h: the row of the mapping a plan follows */

/*
 * One step of a plan: its kind (the vtable of plan/steps_<kind>.c) and its parameters. Each
 * step kind owns one member of the union; a new kind adds its vtable and its member.
 */
struct osvif_step {
        const struct osvif_step_ops *ops;
        union {
                struct {
                        char name[IF_NAMESIZE];
                        bool owned;           /* per-VIF (qbr): carries the owner, removed on DEL */
                        bool os_vif_settings; /* ageing 0, disable_ipv6, arp_ignore/announce */
                        unsigned mtu;         /* on creation, 0: kernel default */
                } bridge;
                struct {
                        char host[IF_NAMESIZE];
                        char master[IF_NAMESIZE]; /* the BRIDGE step's bridge, "": none */
                        bool host_up;             /* up without a bridge (VIFGeneric, OVS) */
                } veth;
                struct {
                        char qvb[IF_NAMESIZE];    /* goes on the Linux bridge */
                        char qvo[IF_NAMESIZE];    /* becomes the OVS port */
                        char master[IF_NAMESIZE]; /* qbr, from the BRIDGE step */
                        unsigned mtu;
                } qvb_qvo;
                struct {
                        char bridge[OSVIF_OVS_NAME_MAX];
                        char port[IF_NAMESIZE];
                        char datapath_type[OSVIF_OVS_NAME_MAX]; /* "" : OVS default */
                        int tag;                                /* -1: none */
                        bool isolate;
                        unsigned mtu_request;
                        char iface_type[24];         /* "": system; "dpdkvhostuser"... */
                        char vhost_server_path[108]; /* options:vhost-server-path, "" none */
                        bool socket_wait; /* VHOSTUSER waits for its socket, not the ofport */
                } ovs_port;
                struct {
                        char pci[32];     /* runtimeConfig.deviceID, else vif.dev_address; "": a
                                          sweep (every claim of the owner) */
                        bool ethernet;    /* dev_type ethernet: the VF netdev goes to the pod */
                        bool representor; /* an OVS profile: the VF's representor, a port */
                        char representor_name[IF_NAMESIZE]; /* given by the profile; "": found
                                                                in sysfs */
                        /* PF-side settings (sriov-cni's keys, network.vlan); -1: leave alone */
                        int vlan, qos, spoofchk, trust, link_state, min_tx_rate, max_tx_rate;
                } hostdev;
                struct {
                        char lower[IF_NAMESIZE];    /* config "master"; "": from dev_address */
                        char dev_address[16];       /* PCI address of the lower device */
                        char vlan_dev[IF_NAMESIZE]; /* VIFDirect vlan_name: a shared VLAN
                                                       device on the lower one, "": none */
                        unsigned vlan;              /* its id, when osvif creates it */
                        unsigned mode;              /* enum osvif_macvlan_mode */
                        unsigned vlan_id;           /* VIFVlanNested: a VLAN device in the pod */
                        bool macvtap;               /* config "macvtap": for VM sandboxes */
                } direct;                           /* QBH, QBG, VLAN and MACVLAN steps */
                struct {
                        char port[IF_NAMESIZE]; /* the OVS port that serves it, "" sweep */
                        char path[108];         /* the socket; "": OVS's, in its socket dir */
                        bool kata;              /* make /tmp/vhostuser_<IP>/vhu.sock */
                } vhostuser;
                struct {
                        char name[IF_NAMESIZE];   /* the fast path's netdev, vif_name */
                        char master[IF_NAMESIZE]; /* the BRIDGE step's bridge, "": routed */
                        bool set_mac;             /* FPTap: the profile's mac_address */
                        uint8_t mac[6];
                } fp_netdev;
        } u;
};

struct osvif_plan {
        const struct osvif_cni_request *req;
        const struct osvif_conf *conf;
        const struct osvif_vif *vif;
        const struct osvif_mapping_row *row; /* NULL for a sweep (no VIF) */

        /* "osvif <network> <containerID> <ifname>": the owner of everything ADD creates */
        char owner[256];
        const char *container_id; /* of the attachment (GC: not the request's, it has none) */

        char pod_ifname[IF_NAMESIZE];
        /* a pod link's name until POD_LINK renames it (a veth's pod end is born pod_ifname) */
        char pod_tmpname[IF_NAMESIZE];
        char host_ifname[IF_NAMESIZE]; /* host end of the pod's link, "" when none */
        bool has_mac;                  /* mac came from vif.address or the mac capability */
        uint8_t mac[6];                /* pod interface MAC; chosen at random when not given */
        unsigned mtu;                  /* network.mtu; 0: the bridge's, else the kernel default */
        bool dad;                      /* keep IPv6 DAD (config "enableDad") */
        bool no_pod_link;              /* the row's build decided: no POD_LINK/POD_L3 steps */

        /* L3 when no IPAM is configured: vif.network.subnets (or the ips capability) */
        struct osvif_cni_result *l3;

        struct osvif_step steps[OSVIF_PLAN_MAX_STEPS];
        size_t n_steps;
};

/*
 * Build the plan for the request's VIF by its row of the mapping (plan/mapping.h). Refuses
 * with code 7 a VIF that no row plugs, and with OSVIF_ERR_UNSUPPORTED (naming the VIF type
 * and profile) a row this version does not serve yet. The caller owns *ret.
 */
int osvif_plan_build(const struct osvif_cni_request *req, const struct osvif_conf *conf,
                     const struct osvif_vif *vif, struct osvif_plan **ret, osvif_error_t *err);

/*
 * The plan DEL and GC use when the VIF is not known: tear down, by owner, everything any
 * plan could have created (host links, OVS ports, the pod interface), plus IPAM with
 * OSVIF_SWEEP_IPAM (DEL; GC when the IPAM plugin has no GC of its own). OVS ports only on a
 * network whose VIFs may use OVS (osvif_conf_may_use_ovs()), and not with
 * OSVIF_SWEEP_NO_OVS (GC with OVSDB down).
 */
#define OSVIF_SWEEP_IPAM 1u
#define OSVIF_SWEEP_NO_OVS 2u
int osvif_plan_build_sweep(const struct osvif_cni_request *req, const struct osvif_conf *conf,
                           const char *container_id, const char *ifname, unsigned flags,
                           struct osvif_plan **ret, osvif_error_t *err);

/*
 * Whether an attachment of this network may have an OVS port: the config's VIF, or a VIF
 * type x port profile that podVif lets pods choose, has a mapping row that needs OVSDB; or
 * the config names no VIF and no podVif (nothing to tell by). GC and the sweeps of other
 * networks never touch OVSDB.
 */
bool osvif_conf_may_use_ovs(const struct osvif_conf *conf);

/*
 * The L3 configuration os-vif's network describes, as a CNI result: each subnet's fixed IPs
 * with the subnet's prefix and gateway, its routes, a default route per family via the first
 * gateway (unless a route to the default destination is listed), and the subnets' DNS
 * servers. The `ips` capability replaces the addresses (taking prefix and gateway from the
 * subnet that contains each). *ret is NULL-free: an empty result for an L2-only VIF.
 */
int osvif_plan_l3_from_vif(const struct osvif_plan *p, struct osvif_cni_result **ret,
                           osvif_error_t *err);

void osvif_plan_free(struct osvif_plan *plan); /* NULL-safe */
static inline void osvif_plan_freep(struct osvif_plan **p)
{
        osvif_plan_free(*p);
}
#define _cleanup_plan_ __attribute__((cleanup(osvif_plan_freep)))

/* The step's kind as people read it ("bridge", "veth", ...). */
const char *osvif_step_name(const struct osvif_step *s);

/* A description of the plan for people (`osvif plan`). New tree, or NULL on ENOMEM. */
cJSON *osvif_plan_to_json(const struct osvif_plan *plan);

/*
 * Owner strings. The alias is "osvif <network> <containerID> <ifname>" (none of the three
 * may contain a space, by CNI's validation rules). Returns 0, or -1 with code 7 when it does
 * not fit IFALIASZ.
 */
int osvif_owner_format(const char *network, const char *container_id, const char *ifname,
                       char buf[256], osvif_error_t *err);
/* Split an alias of ours: 1 when it is ours (pointers into buf are written), else 0. */
int osvif_owner_parse(char *buf, char **network, char **container_id, char **ifname);

#endif
