/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The config parser: a network config on stdin as ADD sees it, through the protocol layer,
 * the plugin's keys, the VIF (either form) and the plan, without touching the kernel.
 */
#include <stdint.h>
#include <stdlib.h>

#include "cni/request.h"
#include "conf.h"
#include "plan/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static char *const env[] = { (char *)"CNI_COMMAND=ADD",
                                     (char *)"CNI_CONTAINERID=fuzz",
                                     (char *)"CNI_NETNS=/run/netns/fuzz",
                                     (char *)"CNI_IFNAME=eth0",
                                     (char *)"CNI_PATH=/nonexistent",
                                     (char *)"CNI_ARGS=IgnoreUnknown=1",
                                     NULL };
        struct osvif_cni_request *req = NULL;
        struct osvif_conf *conf = NULL;
        struct osvif_plan *plan = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;
        enum osvif_cni_version v;
        cJSON *tree = NULL, *desc;

        if (osvif_cni_request_parse(env, (const char *)data, size, &req, &tree, &v, &err) == 0) {
                conf = osvif_conf_parse(tree, req, &err);
                if (conf && conf->vif && osvif_plan_build(req, conf, conf->vif, &plan, &err) == 0) {
                        desc = osvif_plan_to_json(plan);
                        cJSON_Delete(desc);
                }
        }
        /* every failure must leave a message: it reaches the runtime */
        if (!plan && !err.msg)
                abort();
        osvif_plan_free(plan);
        osvif_conf_free(conf);
        cJSON_Delete(tree);
        osvif_cni_request_free(req);
        osvif_error_clear(&err);
        return 0;
}
