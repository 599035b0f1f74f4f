/* SPDX-License-Identifier: Apache-2.0 */
#include "cni/delegate.h"
#include "plan/steps.h"
#include "util/json.h"

/* IPAM: delegated to the plugin the config names, with the same request. */

static int ipam_apply(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                      osvif_error_t *err)
{
        struct osvif_cni_result *r = NULL;

        if (osvif_cni_ipam_add(x->plan->req, &r, err) < 0)
                return -1;
        osvif_cni_result_free(x->l3);
        x->l3 = r;
        x->created[i] = true;
        return 0;
}

static void ipam_undo(struct osvif_exec *x, const struct osvif_step *s, size_t i)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;

        /* give the address back: a failed ADD must not hold a reservation */
        if (x->created[i])
                osvif_cni_ipam_run(x->plan->req, OSVIF_CNI_DEL, &ignored);
        osvif_error_clear(&ignored);
}

static int ipam_check(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                      osvif_error_t *err)
{
        return osvif_cni_ipam_run(x->plan->req, OSVIF_CNI_CHECK, err);
}

static int ipam_teardown(struct osvif_exec *x, const struct osvif_step *s, size_t i,
                         osvif_error_t *err)
{
        return osvif_cni_ipam_run(x->plan->req, OSVIF_CNI_DEL, err);
}

static int ipam_describe(const struct osvif_plan *p, const struct osvif_step *s, cJSON *o)
{
        return osvif_json_add_string(o, "type", p->req->ipam_type);
}

const struct osvif_step_ops osvif_step_ipam_ops = {
        .name = "ipam",
        .describe = ipam_describe,
        .apply = ipam_apply,
        .undo = ipam_undo,
        .check = ipam_check,
        .teardown = ipam_teardown,
};
