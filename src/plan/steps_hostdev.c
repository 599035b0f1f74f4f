/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/netns.h"
#include "backend/sriov.h"
#include "plan/hostdev_state.h"
#include "plan/steps.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/log.h"
#include "util/sysfs.h"

/*
 * HOSTDEV: an SR-IOV VF lent to one pod (VIFHostDevice). ADD finds the VF in sysfs, claims it
 * under a lock with a state file that records what DEL restores (the netdev's name, MAC, MTU,
 * alias and state, the PF-side settings found), makes the PF-side settings, and moves the
 * netdev into the pod under the temporary name with the owner as its alias (POD_LINK renames
 * it, POD_L3 addresses it). DEL and GC restore from the claim alone: without the pod netns,
 * without prevResult, and never for a claim that another attachment now holds.
 */

#define VF_LOCK_TIMEOUT_MS 30000

static int lock_vf(struct osvif_exec *x, const char *pci, osvif_error_t *err)
{
        char key[64];

        osvif_lock_release(&x->vf_lock);
        snprintf(key, sizeof(key), "vf-%s", pci);
        return osvif_lock_take(&x->vf_lock, key, VF_LOCK_TIMEOUT_MS, err);
}

/* "attachment <cid>/<ifname> of network <net>", for messages about a claim. */
static void describe_owner(const char *owner, char *buf, size_t size)
{
        char copy[256], *net, *cid, *ifname;

        snprintf(copy, sizeof(copy), "%s", owner);
        if (osvif_owner_parse(copy, &net, &cid, &ifname))
                snprintf(buf, size, "attachment %s/%s of network \"%s\"", cid, ifname, net);
        else
                snprintf(buf, size, "\"%s\"", owner);
}

struct by_alias {
        const char *alias;
        struct osvif_link_info *ret;
        int found;
};

static int match_alias(const struct osvif_link_info *l, void *data)
{
        struct by_alias *b = data;

        if (strcmp(l->alias, b->alias) != 0)
                return 0;
        *b->ret = *l;
        return b->found = 1;
}

/* The link of this namespace whose alias is `owner`: 1, 0 when none, -1. */
static int find_by_alias(struct osvif_nl *nl, const char *owner, struct osvif_link_info *ret,
                         osvif_error_t *err)
{
        struct by_alias b = { owner, ret, 0 };

        if (osvif_link_foreach(nl, match_alias, &b, err) < 0)
                return -1;
        return b.found;
}

/* The PF-side settings the step asks for; mac from the plan. */
static struct osvif_vf_config wanted(const struct osvif_exec *x, const struct osvif_step *s,
                                     int index)
{
        struct osvif_vf_config c = OSVIF_VF_CONFIG_INIT(index);

        c.mac = x->plan->has_mac ? x->plan->mac : NULL;
        c.vlan = s->u.hostdev.vlan;
        c.qos = s->u.hostdev.qos;
        c.spoofchk = s->u.hostdev.spoofchk;
        c.trust = s->u.hostdev.trust;
        c.link_state = s->u.hostdev.link_state;
        c.min_tx_rate = s->u.hostdev.min_tx_rate;
        c.max_tx_rate = s->u.hostdev.max_tx_rate;
        return c;
}

/* What the claim restores on the PF: the settings found, those the driver reports. */
static struct osvif_vf_config original(const struct osvif_hostdev_state *st)
{
        struct osvif_vf_config c = OSVIF_VF_CONFIG_INIT(st->vf_index);

        c.mac = st->vf.mac;
        c.vlan = st->vf.vlan;
        c.qos = st->vf.qos;
        c.spoofchk = st->vf.spoofchk;
        c.trust = st->vf.trust;
        c.link_state = st->vf.link_state;
        c.min_tx_rate = st->vf.min_tx_rate;
        c.max_tx_rate = st->vf.max_tx_rate;
        return c;
}

/* ---- restoring a claim (undo, DEL, GC) ---- */

/* The VF's netdev on the host: by its PCI address (sysfs), else by our alias. */
static int find_on_host(struct osvif_exec *x, const struct osvif_hostdev_state *st,
                        struct osvif_link_info *ret, osvif_error_t *err)
{
        struct osvif_vf_dev d;
        osvif_error_t ignored = OSVIF_ERROR_INIT;
        int r;

        /* ours only with our alias: another device may have taken the VF's name meanwhile */
        if (osvif_sriov_find_vf(st->pci, &d, &ignored) == 0 && d.netdev[0]) {
                r = osvif_link_get(x->host_nl, d.netdev, 0, ret, err);
                if (r < 0 || (r > 0 && strcmp(ret->alias, st->owner) == 0))
                        return r;
        }
        osvif_error_clear(&ignored);
        return find_by_alias(x->host_nl, st->owner, ret, err);
}

/*
 * Bring the VF netdev back from the pod, if it is there: 1 when it is home with everything
 * restored, 0 when restore_netdev() must look for it on the host, -1 on error.
 */
static int return_from_pod(struct osvif_exec *x, const struct osvif_hostdev_state *st,
                           osvif_error_t *err)
{
        struct osvif_link_change c = OSVIF_LINK_CHANGE_INIT;
        struct osvif_link_info info;
        struct osvif_nl *nl;
        int r;

        /* GC has no CNI_NETNS: the ADD's, if it still exists (a stale pod may live on) */
        if (x->pod_ns < 0 && !x->pod_nl && st->netns[0]) {
                int fd = osvif_netns_open(st->netns, err);

                if (fd < 0 && err->errnum != ENOENT)
                        return -1;
                if (fd < 0)
                        osvif_error_clear(err); /* gone with its netns */
                if (fd >= 0 && osvif_netns_same(fd, x->host_ns))
                        close(fd);
                else
                        x->pod_ns = fd;
        }
        if (x->pod_ns < 0)
                return 0; /* gone with its netns: the kernel returned the VF to the host */
        nl = osvif_exec_pod_nl(x, err);
        if (!nl)
                return -1;
        if (x->vf_pod_ifindex > 0) {
                r = osvif_link_get(nl, NULL, x->vf_pod_ifindex, &info, err);
        } else {
                /* where ADD left it (one request), else wherever our alias is (a dump) */
                r = x->plan->pod_ifname[0] ? osvif_link_get(nl, x->plan->pod_ifname, 0, &info, err)
                                           : 0;
                if (r > 0 && strcmp(info.alias, st->owner) != 0)
                        r = 0;
                if (r == 0)
                        r = find_by_alias(nl, st->owner, &info, err);
        }
        if (r <= 0)
                return r;
        /* by index: this invocation saw it go there (perhaps before our alias went on) */
        if (x->vf_pod_ifindex <= 0 && strcmp(info.alias, st->owner) != 0)
                return 0;
        /* one request: home under its name, with its MAC, MTU, alias and state (the kernel
         * applies them in the host's namespace, after the move) */
        c.netns_fd = x->host_ns;
        c.name = st->name;
        c.mac = memcmp(info.mac, st->mac, 6) != 0 ? st->mac : NULL;
        c.mtu = st->mtu && info.mtu != st->mtu ? st->mtu : 0;
        c.alias = st->alias;
        c.up = st->up ? 1 : 0;
        r = osvif_link_change(nl, info.ifindex, &c, err);
        x->vf_pod_ifindex = 0;
        if (r == 0)
                return 1;
        if (err->errnum != EEXIST)
                return -1;
        /*
         * Its name was taken on the host meanwhile. The kernel may have moved it before the
         * rename failed: then restore_netdev() finds it by our alias (still on it) and says
         * what is in the way. Else home under a name the kernel picks, for the same.
         */
        osvif_error_clear(err);
        r = osvif_link_get(nl, NULL, info.ifindex, &info, err);
        if (r <= 0)
                return r;
        c = (struct osvif_link_change)OSVIF_LINK_CHANGE_INIT;
        c.netns_fd = x->host_ns;
        c.name = "osvf%d";
        c.up = 0;
        return osvif_link_change(nl, info.ifindex, &c, err);
}

/* Name, MAC, MTU, alias and state as the claim found them. */
static int restore_netdev(struct osvif_exec *x, const struct osvif_hostdev_state *st,
                          osvif_error_t *err)
{
        struct osvif_link_change c = OSVIF_LINK_CHANGE_INIT;
        struct osvif_link_info info;
        int r;

        r = return_from_pod(x, st, err);
        if (r != 0)
                return r < 0 ? -1 : 0;
        r = find_on_host(x, st, &info, err);
        if (r < 0)
                return -1;
        if (r == 0) {
                log_info("VF %s: netdev \"%s\" not found on the host; nothing to restore", st->pci,
                         st->name);
                return 0;
        }
        if (strcmp(info.name, st->name) != 0)
                c.name = st->name;
        if (memcmp(info.mac, st->mac, 6) != 0)
                c.mac = st->mac;
        if (st->mtu && info.mtu != st->mtu)
                c.mtu = st->mtu;
        c.alias = st->alias;
        c.up = st->up ? 1 : 0;
        return osvif_link_change(x->host_nl, info.ifindex, &c, err);
}

/* The representor as ADD found it: up or down, its MTU (its OVS port goes with OVS_PORT). */
static int restore_representor(struct osvif_exec *x, const struct osvif_hostdev_state *st,
                               osvif_error_t *err)
{
        struct osvif_link_change c = OSVIF_LINK_CHANGE_INIT;
        struct osvif_link_info info;
        int r;

        if (!st->representor[0])
                return 0;
        r = osvif_link_get(x->host_nl, st->representor, 0, &info, err);
        if (r <= 0)
                return r;
        if (!st->representor_up && (info.flags & IFF_UP))
                c.up = 0;
        if (st->representor_mtu && info.mtu != st->representor_mtu)
                c.mtu = st->representor_mtu;
        if (c.up < 0 && !c.mtu)
                return 0;
        return osvif_link_change(x->host_nl, info.ifindex, &c, err);
}

static int restore_pf(struct osvif_exec *x, const struct osvif_hostdev_state *st,
                      osvif_error_t *err)
{
        struct osvif_vf_config c = original(st);

        if (!st->pf_set)
                return 0;
        if (osvif_sriov_vf_set(x->host_nl, st->pf, &c, &st->vf, err) < 0) {
                /* a PF that is gone has nothing left to restore */
                if (err->code == OSVIF_ERR_NOT_FOUND) {
                        osvif_error_clear(err);
                        return 0;
                }
                return -1;
        }
        return 0;
}

/*
 * Give the VF back and drop the claim. The claim stays when the restoring fails, so that a
 * retried DEL (or GC) can finish it. The caller holds the VF's lock.
 */
static int restore(struct osvif_exec *x, const struct osvif_hostdev_state *st, osvif_error_t *err)
{
        /* the PF first: a VF driver may refuse its own MAC while the PF enforces another */
        if (restore_representor(x, st, err) < 0 || restore_pf(x, st, err) < 0)
                return -1;
        if (st->ethernet && restore_netdev(x, st, err) < 0)
                return -1;
        return osvif_hostdev_state_remove(st->pci, err);
}

/* ---- ADD ---- */

static void hostdev_undo(struct osvif_exec *x, const struct osvif_step *s, size_t i)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;

        if (x->created[i] && x->vf && restore(x, x->vf, &ignored) < 0)
                log_warning("undo of VF %s: %s", x->vf->pci, ignored.msg);
        osvif_error_clear(&ignored);
        x->created[i] = false;
        osvif_lock_release(&x->vf_lock);
}

/* os-vif's switchdev offload: the VF's representor, which OVS_PORT makes a port. */
static int find_representor(struct osvif_exec *x, const struct osvif_step *s,
                            const struct osvif_vf_dev *d, struct osvif_hostdev_state *st,
                            osvif_error_t *err)
{
        struct osvif_link_info info;
        int r = 1;

        if (s->u.hostdev.representor_name[0])
                memcpy(st->representor, s->u.hostdev.representor_name, sizeof(st->representor));
        else
                r = osvif_sriov_find_representor(d, st->representor, err);

        if (r < 0)
                return -1;
        if (r == 0)
                return osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                       "VF \"%s\" has no representor: no netdev shares the "
                                       "phys_switch_id of PF \"%s\" with a phys_port_name naming "
                                       "VF %d (is the PF in switchdev mode?)",
                                       d->pci, d->pf_netdev[0] ? d->pf_netdev : "(none)",
                                       d->vf_index);
        r = osvif_link_get(x->host_nl, st->representor, 0, &info, err);
        if (r < 0)
                return -1;
        if (r == 0)
                return osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                       "representor \"%s\" of VF \"%s\" is not in the host's "
                                       "network namespace",
                                       st->representor, d->pci);
        st->representor_up = info.flags & IFF_UP;
        st->representor_mtu = info.mtu;
        return 0;
}

/* Discover, lock and check the claim; fill x->vf with what DEL will restore. */
static int claim(struct osvif_exec *x, const struct osvif_step *s, struct osvif_vf_dev *d,
                 struct osvif_vf_info *cur, bool *pf_has_vf, int *ifindex, osvif_error_t *err)
{
        struct osvif_vf_config want;
        struct osvif_hostdev_state *st;
        struct osvif_link_info info;
        char who[300];
        int r;

        if (osvif_sriov_find_vf(s->u.hostdev.pci, d, err) < 0)
                return -1;
        if (s->u.hostdev.ethernet && !d->netdev[0])
                return osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                       "VF \"%s\" has no netdev (bound to vfio-pci or a DPDK "
                                       "driver?): dev_type \"generic\" hands over such a VF",
                                       d->pci);
        if (lock_vf(x, d->pci, err) < 0)
                return -1;
        st = calloc(1, sizeof(*st));
        if (!st)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        x->vf = st;
        r = osvif_hostdev_state_load(d->pci, st, err);
        if (r < 0)
                return -1;
        if (r > 0) {
                describe_owner(st->owner, who, sizeof(who));
                return osvif_error_set(err, OSVIF_ERR_EXISTS, EBUSY,
                                       "VF \"%s\" is in use by %s: one pod per VF", d->pci, who);
        }
        memset(st, 0, sizeof(*st));
        snprintf(st->owner, sizeof(st->owner), "%s", x->plan->owner);
        snprintf(st->netns, sizeof(st->netns), "%s",
                 x->plan->req->netns ? x->plan->req->netns : "");
        memcpy(st->pci, d->pci, sizeof(st->pci));
        st->ethernet = s->u.hostdev.ethernet;
        memcpy(st->pf, d->pf_netdev, sizeof(st->pf));
        st->vf_index = d->vf_index;
        if (st->ethernet) {
                r = osvif_link_get(x->host_nl, d->netdev, 0, &info, err);
                if (r < 0)
                        return -1;
                if (r == 0)
                        return osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                               "VF \"%s\": its netdev \"%s\" is not in the host's "
                                               "network namespace",
                                               d->pci, d->netdev);
                memcpy(st->name, info.name, sizeof(st->name));
                memcpy(st->mac, info.mac, 6);
                st->mtu = info.mtu;
                st->up = info.flags & IFF_UP;
                memcpy(st->alias, info.alias, sizeof(st->alias));
                *ifindex = info.ifindex;
        }
        if (s->u.hostdev.representor && find_representor(x, s, d, st, err) < 0)
                return -1;
        *pf_has_vf = false;
        /* nothing to set on the PF, nothing to read from it (the PF's VF list is its biggest
         * netlink answer) */
        want = wanted(x, s, d->vf_index);
        if (d->pf_netdev[0] && d->vf_index >= 0 && !osvif_sriov_vf_config_empty(&want)) {
                r = osvif_sriov_vf_get(x->host_nl, d->pf_netdev, d->vf_index, cur, err);
                if (r < 0)
                        return -1;
                *pf_has_vf = r > 0;
        }
        return 0;
}

/* The VF by its index in the pod after a move that failed half way, as the undo's hint. */
static void find_moved(struct osvif_exec *x, const struct osvif_link_info *host)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;
        struct osvif_nl *nl = osvif_exec_pod_nl(x, &ignored);
        struct osvif_link_info info;

        if (nl && osvif_link_get(nl, NULL, host->ifindex, &info, &ignored) > 0 &&
            (strcmp(info.name, host->name) == 0 || strcmp(info.name, x->plan->pod_tmpname) == 0))
                x->vf_pod_ifindex = info.ifindex;
        osvif_error_clear(&ignored);
}

static int hostdev_apply(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                         osvif_error_t *err)
{
        struct osvif_plan *p = x->plan;
        struct osvif_vf_dev d;
        struct osvif_vf_info cur;
        struct osvif_vf_config want = OSVIF_VF_CONFIG_INIT(-1);
        struct osvif_link_change c = OSVIF_LINK_CHANGE_INIT;
        struct osvif_link_info info;
        struct osvif_nl *nl;
        bool pf_has_vf = false;
        int r, ifindex = 0;

        if (claim(x, s, &d, &cur, &pf_has_vf, &ifindex, err) < 0)
                goto fail;
        want = wanted(x, s, d.vf_index);
        /*
         * Without a PF that reports this VF (a PF in legacy mode without its driver's VF
         * support, or the veth standing in for one in tests) nothing can be enforced from the
         * PF: a MAC still goes on the VF's netdev, anything else is refused rather than lost.
         */
        if (!pf_has_vf) {
                want.mac = NULL;
                if (!osvif_sriov_vf_config_empty(&want)) {
                        osvif_error_set(err, OSVIF_ERR_UNSUPPORTED, 0,
                                        "VF \"%s\": PF \"%s\" reports no VF %d, so its VLAN, "
                                        "spoofchk, trust, link_state and rates cannot be set",
                                        d.pci, d.pf_netdev[0] ? d.pf_netdev : "(none)", d.vf_index);
                        goto fail;
                }
        }
        x->vf->pf_set = pf_has_vf && !osvif_sriov_vf_config_empty(&want);
        if (x->vf->pf_set)
                x->vf->vf = cur;
        /* the claim is written before anything changes: from here on, DEL restores */
        if (osvif_hostdev_state_save(x->vf, err) < 0)
                goto fail;
        x->created[i] = true;
        snprintf(x->pci_id, sizeof(x->pci_id), "%s", d.pci);
        if (x->vf->pf_set && osvif_sriov_vf_set(x->host_nl, d.pf_netdev, &want, &cur, err) < 0)
                goto fail;
        if (x->vf->representor[0] && !x->vf->representor_up) {
                struct osvif_link_change up = OSVIF_LINK_CHANGE_INIT;

                up.up = 1;
                if (osvif_link_change_by_name(x->host_nl, x->vf->representor, &up, err) < 0)
                        goto fail;
        }
        if (!s->u.hostdev.ethernet)
                return 0;
        /* one request: into the pod under the temporary name, with MAC, MTU and the owner */
        c.netns_fd = x->pod_ns;
        c.name = p->pod_tmpname;
        c.mac = p->has_mac ? p->mac : NULL;
        c.mtu = p->mtu;
        c.alias = p->owner;
        /* the netdev as claim() found it, unless the PF-side settings made since may have had
         * its driver reset it: then found again */
        r = 1;
        info.ifindex = ifindex;
        snprintf(info.name, sizeof(info.name), "%s", x->vf->name);
        if (x->vf->pf_set)
                r = osvif_link_get(x->host_nl, x->vf->name, 0, &info, err);
        if (r == 0)
                osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                "VF \"%s\": netdev \"%s\" vanished", d.pci, x->vf->name);
        if (r <= 0)
                goto fail;
        if (osvif_link_change(x->host_nl, info.ifindex, &c, err) < 0) {
                /* the kernel moves first and may refuse the rest (a MAC the VF's driver will
                 * not take): then it is in the pod, maybe without our alias, for undo to fetch */
                find_moved(x, &info);
                goto fail;
        }
        nl = osvif_exec_pod_nl(x, err);
        r = nl ? osvif_link_get(nl, p->pod_tmpname, 0, &info, err) : -1;
        if (r <= 0) {
                if (r == 0)
                        osvif_error_set(err, OSVIF_ERR_NOT_FOUND, ENODEV,
                                        "VF \"%s\" vanished from \"%s\"", d.pci, p->req->netns);
                goto fail;
        }
        x->vf_pod_ifindex = x->pod_ifindex = info.ifindex;
        memcpy(x->pod_mac, info.mac, 6);
        x->pod_mtu = info.mtu;
        return 0;
fail:
        hostdev_undo(x, s, i);
        return -1;
}

/* ---- CHECK ---- */

static int hostdev_check(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                         osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        struct osvif_hostdev_state st;
        struct osvif_vf_config want;
        struct osvif_vf_info cur;
        struct osvif_link_info info;
        struct osvif_nl *nl;
        int r = osvif_hostdev_state_load(s->u.hostdev.pci, &st, err);

        if (r < 0)
                return -1;
        if (r == 0 || strcmp(st.owner, p->owner) != 0)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "VF \"%s\" is not claimed by this attachment",
                                       s->u.hostdev.pci);
        /* OVS_PORT checks the representor's port by the name the claim holds */
        free(x->vf);
        x->vf = malloc(sizeof(*x->vf));
        if (!x->vf)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        *x->vf = st;
        if (st.ethernet) {
                /* in the pod, as ours; POD_LINK checks its name, state and MAC */
                nl = osvif_exec_pod_nl(x, err);
                if (!nl)
                        return -1;
                r = find_by_alias(nl, p->owner, &info, err);
                if (r < 0)
                        return -1;
                if (r == 0 || strcmp(info.name, p->pod_ifname) != 0)
                        return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                               "VF \"%s\" is not \"%s\" in \"%s\"", st.pci,
                                               p->pod_ifname, p->req->netns);
                if (p->has_mac && memcmp(info.mac, p->mac, 6) != 0)
                        return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                               "VF \"%s\" has lost its MAC", st.pci);
        }
        if (!st.pf_set)
                return 0;
        want = wanted(x, s, st.vf_index);
        r = osvif_sriov_vf_get(x->host_nl, st.pf, st.vf_index, &cur, err);
        if (r < 0)
                return -1;
        if (r == 0)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0, "PF \"%s\" no longer reports VF %d",
                                       st.pf, st.vf_index);
        if (want.vlan >= 0 && (cur.vlan != want.vlan || cur.qos != want.qos))
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "VF %d of PF \"%s\" has VLAN %d QoS %d, not %d QoS %d",
                                       st.vf_index, st.pf, cur.vlan, cur.qos, want.vlan, want.qos);
        if (want.mac && memcmp(cur.mac, want.mac, 6) != 0)
                return osvif_error_set(err, OSVIF_ERR_CHECK, 0,
                                       "VF %d of PF \"%s\" has lost its MAC", st.vf_index, st.pf);
        return 0;
}

/* ---- DEL and GC ---- */

struct teardown {
        struct osvif_exec *x;
        char pcis[8][OSVIF_PCI_ADDR_MAX];
        size_t n;
};

static int ours(const struct osvif_hostdev_state *st, void *data)
{
        struct teardown *t = data;

        if (strcmp(st->owner, t->x->plan->owner) != 0)
                return 0;
        if (t->n < sizeof(t->pcis) / sizeof(t->pcis[0]))
                memcpy(t->pcis[t->n++], st->pci, sizeof(t->pcis[0]));
        return 0;
}

/*
 * Every claim of this attachment, found in the state dir by owner: DEL needs neither the
 * deviceID (the runtime may not pass it again) nor the netns. Under the VF's lock the claim is read again: a VF given to another
 * pod since (sriov-cni#219) has another owner and is left alone.
 */
static int hostdev_teardown(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                            osvif_error_t *err)
{
        struct teardown t = { .x = x };

        if (osvif_hostdev_state_foreach(ours, &t, err) < 0)
                return -1;
        for (size_t k = 0; k < t.n; k++) {
                struct osvif_hostdev_state st;
                int r;

                if (lock_vf(x, t.pcis[k], err) < 0)
                        return -1;
                r = osvif_hostdev_state_load(t.pcis[k], &st, err);
                if (r < 0)
                        goto fail;
                if (r > 0 && strcmp(st.owner, x->plan->owner) == 0 && restore(x, &st, err) < 0)
                        goto fail;
                osvif_lock_release(&x->vf_lock);
        }
        return 0;
fail:
        osvif_lock_release(&x->vf_lock);
        return -1;
}

static int hostdev_describe(const struct osvif_plan *p, const struct osvif_step *s, cJSON *o)
{
        int r = osvif_json_add_string(o, "pci", s->u.hostdev.pci);

        r |= osvif_json_add_string(o, "devType", s->u.hostdev.ethernet ? "ethernet" : "generic");
        if (s->u.hostdev.vlan >= 0)
                r |= osvif_json_add_int(o, "vlan", s->u.hostdev.vlan);
        if (s->u.hostdev.qos > 0)
                r |= osvif_json_add_int(o, "vlanQoS", s->u.hostdev.qos);
        if (s->u.hostdev.spoofchk >= 0)
                r |= osvif_json_add_bool(o, "spoofchk", s->u.hostdev.spoofchk);
        if (s->u.hostdev.trust >= 0)
                r |= osvif_json_add_bool(o, "trust", s->u.hostdev.trust);
        if (s->u.hostdev.link_state >= 0) /* IFLA_VF_LINK_STATE_AUTO, _ENABLE, _DISABLE */
                r |= osvif_json_add_string(o, "linkState",
                                           (const char *[]){
                                                   "auto", "enable",
                                                   "disable" }[s->u.hostdev.link_state % 3]);
        if (s->u.hostdev.min_tx_rate >= 0)
                r |= osvif_json_add_int(o, "minTxRate", s->u.hostdev.min_tx_rate);
        if (s->u.hostdev.max_tx_rate >= 0)
                r |= osvif_json_add_int(o, "maxTxRate", s->u.hostdev.max_tx_rate);
        if (s->u.hostdev.representor)
                r |= s->u.hostdev.representor_name[0]
                             ? osvif_json_add_string(o, "representor",
                                                     s->u.hostdev.representor_name)
                             : osvif_json_add_bool(o, "representor", true);
        return r;
}

const struct osvif_step_ops osvif_step_hostdev_ops = {
        .name = "hostdev",
        .describe = hostdev_describe,
        .apply = hostdev_apply,
        .undo = hostdev_undo,
        .check = hostdev_check,
        .teardown = hostdev_teardown,
};
