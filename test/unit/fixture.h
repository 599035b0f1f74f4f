/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_TEST_FIXTURE_H
#define OSVIF_TEST_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "cni/request.h"
#include "conf.h"
#include "plan/plan.h"

/*
 * A request as a runtime would make it, its config and, for ADD and CHECK, the plan: what the
 * plan and policy tests look at, without touching the kernel.
 */
struct fixture {
        struct osvif_cni_request *req;
        struct osvif_conf *conf;
        struct osvif_plan *plan;
};

static inline void fixture_free(struct fixture *f)
{
        osvif_plan_free(f->plan);
        osvif_conf_free(f->conf);
        osvif_cni_request_free(f->req);
        memset(f, 0, sizeof(*f));
}

/* Parse a `verb` request with `conf` as stdin, then the config, then (ADD, CHECK) the plan. */
static inline int build(const char *verb, const char *conf, struct fixture *f, osvif_error_t *err)
{
        char cmd[32];
        char *env[] = { cmd,
                        "CNI_CONTAINERID=ctr1",
                        "CNI_NETNS=/run/netns/p",
                        "CNI_IFNAME=eth0",
                        "CNI_PATH=/usr/lib/cni",
                        NULL };
        enum osvif_cni_version v;
        cJSON *tree = NULL;

        memset(f, 0, sizeof(*f));
        snprintf(cmd, sizeof(cmd), "CNI_COMMAND=%s", verb);
        if (osvif_cni_request_parse(env, conf, strlen(conf), &f->req, &tree, &v, err) < 0)
                return -1;
        f->conf = osvif_conf_parse(tree, f->req, err);
        cJSON_Delete(tree);
        if (!f->conf)
                return -1;
        if (f->conf->vif && (f->req->verb == OSVIF_CNI_ADD || f->req->verb == OSVIF_CNI_CHECK))
                return osvif_plan_build(f->req, f->conf, f->conf->vif, &f->plan, err);
        return 0;
}

#endif
