/* SPDX-License-Identifier: Apache-2.0 */
#include "cni/delegate.h"
#include "plan/exec.h"
#include "plan/mapping.h"
#include "util/cleanup.h"

/*
 * STATUS: whether an ADD with this config could be served now. The row of the config's VIF
 * says what it needs (OVSDB); IPAM, when configured, is asked too.
 */

int osvif_exec_status(const struct osvif_cni_request *req, const struct osvif_conf *conf,
                      osvif_error_t *err)
{
        const struct osvif_mapping_row *row = conf->vif ? osvif_mapping_of(conf->vif) : NULL;
        _cleanup_nl_ struct osvif_nl *nl = osvif_nl_open(err);
        _cleanup_ovsdb_ struct osvif_ovsdb *db = NULL;

        if (row && !row->build)
                return osvif_error_set(err, OSVIF_CNI_ERR_NOT_AVAILABLE, 0,
                                       "%s with %s%s is not served by this version of osvif",
                                       osvif_vif_type_name(row->vif),
                                       row->profile ? "port profile " : "no port profile",
                                       row->profile ? osvif_profile_type_name(row->profile) : "");
        if (!nl)
                return osvif_error_wrap_code(err, OSVIF_CNI_ERR_NOT_AVAILABLE,
                                             "rtnetlink unavailable");
        if (row && (row->needs & OSVIF_NEEDS_OVSDB) &&
            (osvif_ovsdb_connect(conf->ovsdb, conf->ovsdb_timeout_ms, &db, err) < 0 ||
             osvif_ovsdb_ping(db, conf->ovsdb_timeout_ms, err) < 0))
                return osvif_error_wrap_code(err, OSVIF_CNI_ERR_NOT_AVAILABLE,
                                             "open vswitch unavailable");
        /* IPAM's own 51 is passed on as it is; any other failure makes us unavailable */
        if (req->ipam_type && osvif_cni_ipam_run(req, OSVIF_CNI_STATUS, err) < 0)
                return err->code == OSVIF_CNI_ERR_LIMITED_CONNECTIVITY
                               ? -1
                               : osvif_error_wrap_code(err, OSVIF_CNI_ERR_NOT_AVAILABLE,
                                                       "ipam \"%s\"", req->ipam_type);
        return 0;
}
