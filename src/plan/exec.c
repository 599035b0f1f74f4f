/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend/netns.h"
#include "plan/intent.h"
#include "plan/mapping.h"
#include "plan/steps.h"
#include "util/cleanup.h"
#include "util/log.h"

/* How long a verb waits for another verb of the same attachment (ADD's IPAM has its own bound) */
#define ATTACH_LOCK_TIMEOUT_MS 60000

static void exec_fini(struct osvif_exec *x)
{
        osvif_lock_release(&x->lock);
        osvif_lock_release(&x->attach_lock);
        osvif_lock_release(&x->vf_lock);
        free(x->vf);
        free(x->vhost_sock_dir);
        osvif_ovsdb_close(x->ovsdb);
        osvif_nl_close(x->pod_nl);
        osvif_nl_close(x->host_nl);
        if (x->pod_ns >= 0)
                close(x->pod_ns);
        if (x->host_ns >= 0)
                close(x->host_ns);
        osvif_cni_result_free(x->l3);
        memset(x, 0, sizeof(*x));
        x->host_ns = x->pod_ns = -1;
}

/* The attachment's lock: its owner string is its key (hashed if too long for a file name). */
static int lock_attachment(struct osvif_exec *x, osvif_error_t *err)
{
        char key[300];

        snprintf(key, sizeof(key), "attach %s", x->plan->owner);
        return osvif_lock_take(&x->attach_lock, key, ATTACH_LOCK_TIMEOUT_MS, err);
}

/*
 * Open what every verb needs: our own namespace, a netlink socket in it, and the pod's
 * namespace. `need_pod`: ADD and CHECK cannot do without it; DEL goes on without one.
 */
static int exec_init(struct osvif_exec *x, struct osvif_plan *plan, bool need_pod,
                     osvif_error_t *err)
{
        const char *netns = plan->req->netns;

        memset(x, 0, sizeof(*x));
        x->plan = plan;
        x->host_ns = x->pod_ns = -1;
        x->lock = (struct osvif_lock)OSVIF_LOCK_INIT;
        x->vf_lock = (struct osvif_lock)OSVIF_LOCK_INIT;
        x->attach_lock = (struct osvif_lock)OSVIF_LOCK_INIT;
        x->host_ns = osvif_netns_open_current(err);
        if (x->host_ns < 0)
                return -1;
        x->host_nl = osvif_nl_open(err);
        if (!x->host_nl)
                return -1;
        if (netns && *netns) {
                x->pod_ns = osvif_netns_open(netns, err);
                if (x->pod_ns < 0 && err->errnum == ENOENT && !need_pod) {
                        /* DEL goes on without a netns that is gone */
                        osvif_error_clear(err);
                        x->pod_ns = -1;
                } else if (x->pod_ns < 0) {
                        x->pod_ns = -1;
                        return -1;
                } else if (osvif_netns_same(x->pod_ns, x->host_ns)) {
                        return osvif_error_set(err, OSVIF_ERR_NETNS, 0,
                                               "CNI_NETNS \"%s\" is the plugin's own network "
                                               "namespace, not a pod's",
                                               netns);
                }
        } else if (need_pod) {
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_ENV, 0, "CNI_NETNS: missing");
        }
        return lock_attachment(x, err);
}

struct osvif_nl *osvif_exec_pod_nl(struct osvif_exec *x, osvif_error_t *err)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;

        if (x->pod_nl)
                return x->pod_nl;
        if (x->pod_ns < 0) {
                osvif_error_set(err, OSVIF_ERR_NETNS, 0, "no pod network namespace");
                return NULL;
        }
        if (osvif_netns_enter(x->pod_ns, err) < 0)
                return NULL;
        /* a netlink socket stays bound to the namespace it was opened in */
        x->pod_nl = osvif_nl_open(err);
        if (osvif_netns_enter(x->host_ns, &ignored) < 0) {
                /* we cannot return to our namespace: nothing else is safe to do */
                osvif_error_move(err, &ignored);
                osvif_nl_close(x->pod_nl);
                x->pod_nl = NULL;
                return NULL;
        }
        return x->pod_nl;
}

int osvif_exec_in_pod(struct osvif_exec *x,
                      int (*fn)(struct osvif_exec *x, void *data, osvif_error_t *err), void *data,
                      osvif_error_t *err)
{
        osvif_error_t back = OSVIF_ERROR_INIT;
        int r;

        if (x->pod_ns < 0)
                return osvif_error_set(err, OSVIF_ERR_NETNS, 0, "no pod network namespace");
        if (osvif_netns_enter(x->pod_ns, err) < 0)
                return -1;
        r = fn(x, data, err);
        if (osvif_netns_enter(x->host_ns, &back) < 0) {
                osvif_error_move(err, &back);
                return -1;
        }
        return r;
}

struct osvif_ovsdb *osvif_exec_ovsdb(struct osvif_exec *x, osvif_error_t *err)
{
        if (!x->ovsdb && osvif_ovsdb_connect(x->plan->conf->ovsdb, x->plan->conf->ovsdb_timeout_ms,
                                             &x->ovsdb, err) < 0)
                return NULL;
        return x->ovsdb;
}

void osvif_exec_undo_pod_link(struct osvif_exec *x)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;
        struct osvif_nl *nl = osvif_exec_pod_nl(x, &ignored);

        if (nl && x->pod_ifindex > 0)
                osvif_link_del(nl, x->pod_ifindex, &ignored);
        else if (nl)
                osvif_link_del_by_name(nl,
                                       x->pod_named ? x->plan->pod_ifname : x->plan->pod_tmpname,
                                       &ignored);
        osvif_error_clear(&ignored);
}

int osvif_exec_find_owned(struct osvif_exec *x, struct osvif_nl *nl, const char *name,
                          struct osvif_link_info *ret, osvif_error_t *err)
{
        int r;

        if (!name || !*name)
                return 0;
        r = osvif_link_get(nl, name, 0, ret, err);
        if (r <= 0)
                return r;
        return strcmp(ret->alias, x->plan->owner) == 0 ? 1 : 0;
}

int osvif_exec_del_owned(struct osvif_exec *x, struct osvif_nl *nl, const char *name,
                         osvif_error_t *err)
{
        struct osvif_link_info info;
        int r = osvif_exec_find_owned(x, nl, name, &info, err);

        if (r <= 0)
                return r;
        return osvif_link_del(nl, info.ifindex, err) < 0 ? -1 : 1;
}

static int fault_step(void)
{
#ifdef OSVIF_FAULT_INJECTION
        const char *s = getenv("OSVIF_FAULT_STEP");
        char *end;
        long n;

        if (!s || !*s)
                return -1;
        n = strtol(s, &end, 10);
        return *end || n < 0 ? -1 : (int)n;
#else
        return -1; /* a test hook: built only with --enable-fault-injection */
#endif
}

static void undo_from(struct osvif_exec *x, size_t n)
{
        while (n-- > 0) {
                const struct osvif_step *s = &x->plan->steps[n];

                log_debug("undo step %zu (%s)", n, osvif_step_name(s));
                if (s->ops->undo)
                        s->ops->undo(x, s, n);
        }
}

static int apply_all(struct osvif_exec *x, osvif_error_t *err)
{
        int fault = fault_step();

        for (size_t i = 0; i < x->plan->n_steps; i++) {
                const struct osvif_step *s = &x->plan->steps[i];

                log_debug("apply step %zu (%s)", i, osvif_step_name(s));
                if ((int)i == fault)
                        osvif_error_set(err, OSVIF_ERR_INTERNAL, 0,
                                        "fault injected before step %zu (%s)", i,
                                        osvif_step_name(s));
                else if (s->ops->apply(x, s, i, err) >= 0)
                        continue;
                undo_from(x, i);
                return -1;
        }
        for (size_t i = 0; i < x->plan->n_steps; i++) {
                const struct osvif_step *s = &x->plan->steps[i];

                if (!s->ops->settle || s->ops->settle(x, s, i, err) >= 0)
                        continue;
                undo_from(x, x->plan->n_steps);
                return -1;
        }
        return 0;
}

/* The interfaces the row reports; *ret_pod: the pod link's index, -1 when it has none. */
static int add_interfaces(struct osvif_exec *x, struct osvif_cni_result *r, int *ret_pod,
                          osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        unsigned want = p->row->result;
        char mac[OSVIF_MAC_STRLEN];
        int idx = -1;

        *ret_pod = -1;
        if ((want & OSVIF_RESULT_HOST_LINK) && x->host_created &&
            osvif_cni_result_add_interface(r, p->host_ifname, osvif_mac_format(x->host_mac, mac),
                                           NULL, err) < 0)
                return -1;
        if ((want & OSVIF_RESULT_SOCKET) && x->socket_path[0]) {
                int k = osvif_cni_result_add_interface(r, x->socket_name,
                                                       osvif_mac_format(p->mac, mac), NULL, err);

                if (k < 0)
                        return -1;
                /* 1.1.0's socketPath; results for older versions drop it (cni/result_emit.c) */
                r->interfaces[k].socket_path = strdup(x->socket_path);
                if (!r->interfaces[k].socket_path)
                        return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        }
        if (want & OSVIF_RESULT_POD_LINK) {
                static const uint8_t none[6];

                /* a VF without a netdev (dev_type generic) may have no MAC to report */
                idx = osvif_cni_result_add_interface(r, p->pod_ifname,
                                                     memcmp(x->pod_mac, none, 6) == 0
                                                             ? NULL
                                                             : osvif_mac_format(x->pod_mac, mac),
                                                     p->req->netns, err);
                if (idx < 0)
                        return -1;
                r->interfaces[idx].mtu = (int)x->pod_mtu;
                /* spec 1.1.0; the conversion to older versions drops it */
                if (x->pci_id[0]) {
                        r->interfaces[idx].pci_id = strdup(x->pci_id);
                        if (!r->interfaces[idx].pci_id)
                                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM,
                                                       "out of memory");
                }
        }
        *ret_pod = idx;
        return 0;
}

/* prevResult (if any) passed through, with our interfaces, addresses, routes and DNS added. */
static int build_result(struct osvif_exec *x, struct osvif_cni_result **ret, osvif_error_t *err)
{
        const struct osvif_cni_request *req = x->plan->req;
        _cleanup_(osvif_cni_result_freep) struct osvif_cni_result *r = NULL;
        const struct osvif_cni_result *l3 = x->l3;
        _cleanup_cjson_ cJSON *probe = NULL;
        int pod = -1;

        r = req->prev_result ? osvif_cni_result_copy(req->prev_result)
                             : osvif_cni_result_new(req->version);
        if (!r)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        r->version = req->version;
        if (add_interfaces(x, r, &pod, err) < 0)
                return -1;
        for (size_t i = 0; l3 && i < l3->n_ips; i++)
                if (osvif_cni_result_add_ip(r, &l3->ips[i].address, &l3->ips[i].gateway, pod, err) <
                    0)
                        return -1;
        for (size_t i = 0; l3 && i < l3->n_routes; i++)
                if (osvif_cni_result_add_route(r, &l3->routes[i], err) < 0)
                        return -1;
        if (l3 && osvif_cni_result_merge_dns(r, &l3->dns, err) < 0)
                return -1;
        /* a result the request's version cannot express (no address for 0.1/0.2) fails now,
         * while the ADD can still be undone, not after it has been reported done */
        probe = osvif_cni_result_to_json(r, req->version, err);
        if (!probe)
                return -1;
        *ret = TAKE_PTR(r);
        return 0;
}

/* ---- intent records (plan/intent.h) ---- */

/* A recorded link, removed when it carries our owner or no owner at all. */
static int del_recorded(struct osvif_exec *x, struct osvif_nl *nl, const char *name,
                        osvif_error_t *err)
{
        struct osvif_link_info info;
        int r = osvif_link_get(nl, name, 0, &info, err);

        if (r <= 0)
                return r;
        if (info.alias[0] && strcmp(info.alias, x->plan->owner) != 0)
                return 0;
        log_info("removing \"%s\", left by an interrupted ADD", name);
        return osvif_link_del(nl, info.ifindex, err);
}

/* The pod's namespace for a record's pod names: the request's, else the recorded one. */
static struct osvif_nl *recorded_pod_nl(struct osvif_exec *x, const struct osvif_intent *in)
{
        osvif_error_t e = OSVIF_ERROR_INIT;
        struct osvif_nl *nl;

        if (x->pod_ns < 0 && in->netns[0]) {
                int fd = osvif_netns_open(in->netns, &e);

                /* gone (its links with it) or not a namespace any more: nothing of ours there */
                if (fd < 0 || osvif_netns_same(fd, x->host_ns)) {
                        if (fd >= 0)
                                close(fd);
                        osvif_error_clear(&e);
                        return NULL;
                }
                x->pod_ns = fd;
        }
        if (x->pod_ns < 0)
                return NULL;
        nl = osvif_exec_pod_nl(x, &e);
        osvif_error_clear(&e);
        return nl;
}

/*
 * Remove what the attachment's record names (an interrupted or failed ADD's: a completed
 * one's links carry their owner), then the record. The record stays when something could
 * not be removed, so that the next DEL or GC tries again.
 */
static int intent_sweep(struct osvif_exec *x, osvif_error_t *err)
{
        osvif_error_t first = OSVIF_ERROR_INIT;
        struct osvif_intent in;
        struct osvif_nl *pod;
        int r = osvif_intent_read(x->plan->owner, &in, err);

        /* none, or one whose first writing was killed before its rename: its temporary goes */
        if (r <= 0)
                return r < 0 ? -1 : osvif_intent_remove(x->plan->owner, err);
        /* a completed ADD's links carry their owner: the teardowns have removed them */
        for (size_t i = 0; !in.done && i < in.n_host; i++) {
                osvif_error_t e = OSVIF_ERROR_INIT;

                if (del_recorded(x, x->host_nl, in.host[i], &e) < 0 && !osvif_error_is_set(&first))
                        osvif_error_move(&first, &e);
                osvif_error_clear(&e);
        }
        pod = !in.done ? recorded_pod_nl(x, &in) : NULL;
        for (size_t i = 0; pod && i < in.n_pod; i++) {
                osvif_error_t e = OSVIF_ERROR_INIT;

                if (del_recorded(x, pod, in.pod[i], &e) < 0 && !osvif_error_is_set(&first))
                        osvif_error_move(&first, &e);
                osvif_error_clear(&e);
        }
        /* killed after POD_LINK renamed a link of its own: CNI_IFNAME, when it carries our owner
         * (what DEL removes in a netns it is given; GC is given none) */
        if (pod) {
                osvif_error_t e = OSVIF_ERROR_INIT;
                int f = osvif_exec_del_owned(x, pod, x->plan->pod_ifname, &e);

                if (f > 0)
                        log_info("removed \"%s\", left by an interrupted ADD", x->plan->pod_ifname);
                if (f < 0 && !osvif_error_is_set(&first))
                        osvif_error_move(&first, &e);
                osvif_error_clear(&e);
        }
        if (osvif_error_is_set(&first)) {
                osvif_error_move(err, &first);
                return -1;
        }
        /* an ADD killed while it held a shared bridge's lock left the (unlocked) file */
        if (!in.done)
                osvif_lock_sweep_stale();
        return osvif_intent_remove(x->plan->owner, err);
}

/* Every step's teardown in reverse, past errors; the first error in *first. */
static void teardown_all(struct osvif_exec *x, osvif_error_t *first)
{
        for (size_t i = x->plan->n_steps; i-- > 0;) {
                const struct osvif_step *s = &x->plan->steps[i];
                osvif_error_t e = OSVIF_ERROR_INIT;

                if (!s->ops->teardown || s->ops->teardown(x, s, i, &e) >= 0)
                        continue;
                log_debug("teardown of step %zu (%s) failed: %s", i, osvif_step_name(s), e.msg);
                if (!osvif_error_is_set(first))
                        osvif_error_move(first, &e);
                osvif_error_clear(&e);
        }
}

/* DEL's work, with the lock held and the sockets open. */
static int del_locked(struct osvif_exec *x, osvif_error_t *err)
{
        osvif_error_t first = OSVIF_ERROR_INIT, e = OSVIF_ERROR_INIT;

        teardown_all(x, &first);
        if (intent_sweep(x, &e) < 0 && !osvif_error_is_set(&first))
                osvif_error_move(&first, &e);
        osvif_error_clear(&e);
        if (osvif_error_is_set(&first)) {
                osvif_error_move(err, &first);
                return -1;
        }
        return 0;
}

/*
 * An earlier ADD of this attachment was interrupted: first undo all of it as DEL would (its
 * IPAM reservation included), so that this ADD starts from a clean host.
 */
static int finish_interrupted(struct osvif_exec *x, osvif_error_t *err)
{
        struct osvif_plan *plan = x->plan;
        _cleanup_plan_ struct osvif_plan *sweep = NULL;
        int r;

        log_info("an earlier ADD of %s/%s was interrupted: removing what it left",
                 plan->container_id, plan->pod_ifname);
        if (osvif_plan_build_sweep(plan->req, plan->conf, plan->container_id, plan->pod_ifname,
                                   true, &sweep, err) < 0)
                return -1;
        x->plan = sweep;
        r = del_locked(x, err);
        x->plan = plan;
        return r;
}

/*
 * Before ADD changes anything: the record of every link name the plan may create that does
 * not exist yet (an existing one is not ours to remove should ADD be killed).
 */
static int intent_begin(struct osvif_exec *x, struct osvif_intent *in, osvif_error_t *err)
{
        const struct osvif_plan *p = x->plan;
        struct osvif_intent want = { 0 };
        struct osvif_link_info info;
        int r = osvif_intent_read(p->owner, in, err);

        if (r < 0)
                return -1;
        /* ADD of a live attachment: refused before IPAM hands out (or takes back) anything */
        if (r > 0 && in->done)
                return osvif_error_set(err, OSVIF_ERR_EXISTS, EEXIST,
                                       "attachment %s/%s of network \"%s\" exists already (DEL "
                                       "it first)",
                                       p->container_id, p->pod_ifname, p->req->name);
        if (r > 0 && finish_interrupted(x, err) < 0)
                return -1;
        memset(in, 0, sizeof(*in));
        for (size_t i = 0; i < p->n_steps; i++)
                if (p->steps[i].ops->intent)
                        p->steps[i].ops->intent(p, &p->steps[i], &want);
        for (size_t i = 0; i < want.n_host; i++) {
                r = osvif_link_get(x->host_nl, want.host[i], 0, &info, err);
                if (r < 0)
                        return -1;
                if (r == 0)
                        osvif_intent_add_host(in, want.host[i]);
        }
        /* in the pod likewise: a temporary (osvtmp…) or the final name (a placeholder's) */
        if (want.n_pod) {
                struct osvif_nl *pod = osvif_exec_pod_nl(x, err);

                if (!pod)
                        return -1;
                for (size_t i = 0; i < want.n_pod; i++) {
                        r = osvif_link_get(pod, want.pod[i], 0, &info, err);
                        if (r < 0)
                                return -1;
                        if (r == 0)
                                osvif_intent_add_pod(in, want.pod[i]);
                }
        }
        snprintf(in->owner, sizeof(in->owner), "%s", p->owner);
        snprintf(in->netns, sizeof(in->netns), "%s", p->req->netns ? p->req->netns : "");
        return osvif_intent_write(in, err);
}

/* After a failed ADD, undone: what the record names goes too, then the record. */
static void intent_end(struct osvif_exec *x)
{
        osvif_error_t e = OSVIF_ERROR_INIT;

        if (intent_sweep(x, &e) < 0)
                log_info("intent record of %s/%s kept: %s", x->plan->container_id,
                         x->plan->pod_ifname, e.msg);
        osvif_error_clear(&e);
}

int osvif_exec_add(struct osvif_plan *plan, struct osvif_cni_result **ret, osvif_error_t *err)
{
        struct osvif_intent in;
        struct osvif_exec x;
        int r = -1;

        if (exec_init(&x, plan, plan->row->needs & OSVIF_NEEDS_POD_NETNS, err) < 0)
                goto out;
        if (plan->l3) {
                x.l3 = osvif_cni_result_copy(plan->l3);
                if (!x.l3) {
                        osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
                        goto out;
                }
        }
        if (intent_begin(&x, &in, err) < 0)
                goto out;
        if (apply_all(&x, err) < 0) {
                intent_end(&x);
                goto out;
        }
        /* done: the record stays for DEL and GC (a live attachment), marked as such */
        in.done = true;
        if (build_result(&x, ret, err) < 0) {
                undo_from(&x, plan->n_steps);
                intent_end(&x);
                goto out;
        }
        if (osvif_intent_write(&in, err) < 0) {
                osvif_cni_result_free(*ret);
                *ret = NULL;
                undo_from(&x, plan->n_steps);
                intent_end(&x);
                goto out;
        }
        r = 0;
out:
        exec_fini(&x);
        return r;
}

int osvif_exec_check(struct osvif_plan *plan, osvif_error_t *err)
{
        struct osvif_exec x;
        int r = -1;

        if (exec_init(&x, plan, plan->row->needs & OSVIF_NEEDS_POD_NETNS, err) < 0)
                goto out;
        for (size_t i = 0; i < plan->n_steps; i++) {
                const struct osvif_step *s = &plan->steps[i];

                if (s->ops->check && s->ops->check(&x, s, i, err) < 0)
                        goto out;
        }
        r = 0;
out:
        exec_fini(&x);
        return r;
}

int osvif_exec_del(struct osvif_plan *plan, osvif_error_t *err)
{
        struct osvif_exec x;
        int r = -1;

        if (exec_init(&x, plan, false, err) >= 0)
                r = del_locked(&x, err);
        exec_fini(&x);
        return r;
}
