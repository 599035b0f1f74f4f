/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "cni/delegate.h"
#include "conf.h"
#include "plan/exec.h"
#include "plan/plan.h"
#include "plugin.h"
#include "util/cleanup.h"
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
        osvif_error_t first;
        unsigned removed;
};

static int gc_one(const char *container_id, const char *ifname, void *data)
{
        struct gc_ctx *g = data;
        _cleanup_plan_ struct osvif_plan *plan = NULL;
        osvif_error_t e = OSVIF_ERROR_INIT;

        if (osvif_cni_request_attachment_valid(g->req, container_id, ifname))
                return 0;
        log_info("GC: removing stale attachment %s/%s", container_id, ifname);
        if (osvif_plan_build_sweep(g->req, g->conf, container_id, ifname, false, &plan, &e) < 0 ||
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
        struct gc_ctx g = { req, conf, OSVIF_ERROR_INIT, 0 };
        osvif_error_t ipam = OSVIF_ERROR_INIT;

        if (osvif_exec_foreach_attachment(conf, req->name, gc_one, &g, err) < 0) {
                osvif_error_clear(&g.first);
                return -1;
        }
        if (req->ipam_type && osvif_cni_ipam_run(req, OSVIF_CNI_GC, &ipam) < 0 &&
            !osvif_error_is_set(&g.first))
                osvif_error_move(&g.first, &ipam);
        osvif_error_clear(&ipam);
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
