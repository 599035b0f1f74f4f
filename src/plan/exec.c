/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend/netns.h"
#include "plan/mapping.h"
#include "plan/steps.h"
#include "util/cleanup.h"
#include "util/log.h"

static void exec_fini(struct osvif_exec *x)
{
        osvif_lock_release(&x->lock);
        osvif_lock_release(&x->vf_lock);
        free(x->vf);
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
        return 0;
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

int osvif_exec_add(struct osvif_plan *plan, struct osvif_cni_result **ret, osvif_error_t *err)
{
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
        if (apply_all(&x, err) < 0)
                goto out;
        if (build_result(&x, ret, err) < 0) {
                undo_from(&x, plan->n_steps);
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
        osvif_error_t first = OSVIF_ERROR_INIT;
        struct osvif_exec x;

        if (exec_init(&x, plan, false, err) < 0) {
                exec_fini(&x);
                return -1;
        }
        /* every step is tried; the first failure is what the runtime hears about */
        for (size_t i = plan->n_steps; i-- > 0;) {
                const struct osvif_step *s = &plan->steps[i];
                osvif_error_t e = OSVIF_ERROR_INIT;

                if (!s->ops->teardown || s->ops->teardown(&x, s, i, &e) >= 0)
                        continue;
                log_debug("teardown of step %zu (%s) failed: %s", i, osvif_step_name(s), e.msg);
                if (!osvif_error_is_set(&first))
                        osvif_error_move(&first, &e);
                osvif_error_clear(&e);
        }
        exec_fini(&x);
        if (osvif_error_is_set(&first)) {
                osvif_error_move(err, &first);
                return -1;
        }
        return 0;
}
