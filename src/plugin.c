/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "cni/delegate.h"
#include "conf.h"
#include "plan/exec.h"
#include "plan/plan.h"
#include "plugin.h"
#include "util/cleanup.h"
#include "util/lock.h"
#include "util/log.h"

/* The verb handlers: request -> VIF model -> plan -> executor -> result. */

/* Logging is set up by the config parse (osvif_conf_parse_cni), before anything is logged. */

static int handle_add(const struct osvif_cni_request *req, void *c, struct osvif_cni_result **ret,
                      osvif_error_t *err)
{
        struct osvif_conf *conf = c;
        _cleanup_plan_ struct osvif_plan *plan = NULL;

        if (osvif_plan_build(req, conf, conf->vif, &plan, err) < 0 ||
            osvif_exec_add(plan, ret, err) < 0) {
                log_info("ADD %s/%s failed: %s", req->container_id, req->ifname, err->msg);
                return -1;
        }
        log_info("ADD %s/%s: %s from %s", req->container_id, req->ifname,
                 osvif_vif_type_name(conf->vif->type), osvif_vif_source_name(conf->vif_source));
        return 0;
}

static int handle_del(const struct osvif_cni_request *req, void *c, osvif_error_t *err)
{
        struct osvif_conf *conf = c;
        _cleanup_plan_ struct osvif_plan *plan = NULL;
        osvif_error_t build = OSVIF_ERROR_INIT;
        int r;

        /* a VIF this version cannot plan still had nothing created for it: sweep by owner */
        if (!conf->vif || osvif_plan_build(req, conf, conf->vif, &plan, &build) < 0) {
                if (build.code && build.code != OSVIF_ERR_UNSUPPORTED) {
                        osvif_error_move(err, &build);
                        return -1;
                }
                osvif_error_clear(&build);
                if (osvif_plan_build_sweep(req, conf, req->container_id, req->ifname, true, &plan,
                                           err) < 0)
                        return -1;
        }
        r = osvif_exec_del(plan, err);
        log_info("DEL %s/%s: %s", req->container_id, req->ifname, r < 0 ? err->msg : "done");
        return r;
}

static int handle_check(const struct osvif_cni_request *req, void *c, osvif_error_t *err)
{
        struct osvif_conf *conf = c;
        _cleanup_plan_ struct osvif_plan *plan = NULL;

        if (osvif_plan_build(req, conf, conf->vif, &plan, err) < 0)
                return -1;
        return osvif_exec_check(plan, err);
}

struct gc_ctx {
        const struct osvif_cni_request *req;
        const struct osvif_conf *conf;
        unsigned flags;             /* of the sweeps: IPAM DEL when IPAM has no GC */
        const osvif_error_t *ovsdb; /* set: OVSDB did not answer, the sweeps leave OVS alone */
        osvif_error_t first;
        unsigned removed;
};

/*
 * The request as a DEL of one stale attachment would see it, for the IPAM plugin: our
 * environment with CNI_CONTAINERID and CNI_IFNAME of that attachment (and no CNI_NETNS).
 * The strings stay borrowed; *env is the caller's to free (its vector only).
 */
static int attachment_request(const struct osvif_cni_request *req, const char *container_id,
                              const char *ifname, struct osvif_cni_request *ret, char ***env,
                              char bufs[2][320])
{
        size_t n = 0, k = 0;

        while (req->envp && req->envp[n])
                n++;
        *env = calloc(n + 3, sizeof(char *));
        if (!*env)
                return -ENOMEM;
        snprintf(bufs[0], 320, "CNI_CONTAINERID=%s", container_id);
        snprintf(bufs[1], 320, "CNI_IFNAME=%s", ifname);
        (*env)[k++] = bufs[0];
        (*env)[k++] = bufs[1];
        for (size_t i = 0; i < n; i++)
                if (strncmp(req->envp[i], "CNI_CONTAINERID=", 16) != 0 &&
                    strncmp(req->envp[i], "CNI_IFNAME=", 11) != 0 &&
                    strncmp(req->envp[i], "CNI_NETNS=", 10) != 0)
                        (*env)[k++] = req->envp[i];
        *ret = *req;
        ret->envp = *env;
        ret->container_id = (char *)container_id;
        ret->ifname = (char *)ifname;
        ret->netns = NULL;
        return 0;
}

static int gc_one(const char *container_id, const char *ifname, void *data)
{
        struct gc_ctx *g = data;
        _cleanup_plan_ struct osvif_plan *plan = NULL;
        _cleanup_free_ char **env = NULL;
        osvif_error_t e = OSVIF_ERROR_INIT;
        struct osvif_cni_request del;
        char bufs[2][320];

        if (osvif_cni_request_attachment_valid(g->req, container_id, ifname))
                return 0;
        log_info("GC: removing stale attachment %s/%s", container_id, ifname);
        if (attachment_request(g->req, container_id, ifname, &del, &env, bufs) < 0)
                return -ENOMEM;
        if (osvif_plan_build_sweep(&del, g->conf, container_id, ifname,
                                   g->flags |
                                           (osvif_error_is_set(g->ovsdb) ? OSVIF_SWEEP_NO_OVS : 0),
                                   &plan, &e) < 0 ||
            osvif_exec_del(plan, &e) < 0) {
                /* GC goes on past errors and reports the first */
                if (!osvif_error_is_set(&g->first))
                        osvif_error_move(&g->first, &e);
                osvif_error_clear(&e);
                return 0;
        }
        g->removed++;
        return 0;
}

static int handle_gc(const struct osvif_cni_request *req, void *c, osvif_error_t *err)
{
        struct osvif_conf *conf = c;
        osvif_error_t ipam = OSVIF_ERROR_INIT, ovsdb = OSVIF_ERROR_INIT;
        struct gc_ctx g = { req, conf, 0, &ovsdb, OSVIF_ERROR_INIT, 0 };
        int r = 0;

        /*
         * IPAM's own GC first: a plugin without one (Debian's host-local speaks CNI 1.0.0)
         * gets a DEL for each stale attachment we find instead, or its leases would leak.
         */
        if (req->ipam_type) {
                r = osvif_cni_ipam_run(req, OSVIF_CNI_GC, &ipam);
                if (r > 0)
                        g.flags |= OSVIF_SWEEP_IPAM;
        }
        if (osvif_exec_foreach_attachment(conf, req->name, gc_one, &g, &ovsdb, err) < 0) {
                osvif_error_clear(&g.first);
                osvif_error_clear(&ipam);
                osvif_error_clear(&ovsdb);
                return -1;
        }
        /* OVSDB down: what the links and records say was swept; the OVS rows wait (code 11) */
        if (osvif_error_is_set(&ovsdb)) {
                osvif_error_clear(&g.first);
                osvif_error_move(&g.first, &ovsdb);
        }
        if (r < 0 && !osvif_error_is_set(&g.first))
                osvif_error_move(&g.first, &ipam);
        osvif_error_clear(&ipam);
        osvif_error_clear(&ovsdb);
        osvif_lock_sweep_stale();
        log_info("GC %s: %u stale attachment(s) removed", req->name, g.removed);
        if (osvif_error_is_set(&g.first)) {
                osvif_error_move(err, &g.first);
                return -1;
        }
        return 0;
}

static int handle_status(const struct osvif_cni_request *req, void *c, osvif_error_t *err)
{
        struct osvif_conf *conf = c;

        return osvif_exec_status(req, conf, err);
}

const struct osvif_cni_plugin osvif_plugin = {
        .name = "osvif",
        .version = PACKAGE_VERSION,
        .about = "osvif: plugs pods and Kata VM sandboxes into host networks from os-vif VIF "
                 "descriptions",
        .conf_parse = osvif_conf_parse_cni,
        .conf_free = osvif_conf_free,
        .add = handle_add,
        .del = handle_del,
        .check = handle_check,
        .gc = handle_gc,
        .status = handle_status,
};
