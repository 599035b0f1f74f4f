/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backend/vhostuser.h"
#include "cni/delegate.h"
#include "plan/exec.h"
#include "plan/mapping.h"
#include "util/cleanup.h"
#include "util/log.h"

/*
 * GC and STATUS. GC finds attachments by owner only: the alias on host links and the
 * external_ids on OVS ports, so it needs neither the runtime's cache nor the pods' netns.
 */

struct attachments {
        const char *network;
        struct osvif_cni_attachment *list;
        size_t n;
        int oom;
};

static int remember(struct attachments *a, const char *cid, const char *ifname)
{
        struct osvif_cni_attachment *l;

        for (size_t i = 0; i < a->n; i++)
                if (strcmp(a->list[i].container_id, cid) == 0 &&
                    strcmp(a->list[i].ifname, ifname) == 0)
                        return 0;
        l = realloc(a->list, (a->n + 1) * sizeof(*l));
        if (!l)
                return a->oom = -ENOMEM;
        a->list = l;
        l[a->n].container_id = strdup(cid);
        l[a->n].ifname = strdup(ifname);
        a->n++;
        if (!l[a->n - 1].container_id || !l[a->n - 1].ifname)
                return a->oom = -ENOMEM;
        return 0;
}

static int from_link(const struct osvif_link_info *link, void *data)
{
        struct attachments *a = data;
        char alias[sizeof(link->alias)];
        char *net, *cid, *ifname;

        memcpy(alias, link->alias, sizeof(alias));
        if (osvif_owner_parse(alias, &net, &cid, &ifname) && strcmp(net, a->network) == 0)
                return remember(a, cid, ifname);
        return 0;
}

static int from_port(const struct osvif_ovs_port_info *port, void *data)
{
        const cJSON *cid = cJSON_GetObjectItemCaseSensitive(port->external_ids,
                                                            OSVIF_OVS_EXTID_CONTAINER);
        const cJSON *ifname = cJSON_GetObjectItemCaseSensitive(port->external_ids,
                                                               OSVIF_OVS_EXTID_IFNAME);

        if (!cJSON_IsString(cid) || !cJSON_IsString(ifname))
                return 0;
        return remember(data, cid->valuestring, ifname->valuestring);
}

static int from_state(const char *cid, const char *ifname, void *data)
{
        return remember(data, cid, ifname);
}

static bool ovs_socket_present(const struct osvif_conf *conf)
{
        struct stat st;

        if (conf->ovsdb)
                return strncmp(conf->ovsdb, "unix:", 5) != 0 || stat(conf->ovsdb + 5, &st) == 0;
        return stat(OSVIF_OVSDB_DEFAULT + 5, &st) == 0 || stat(OSVIF_OVSDB_FALLBACK + 5, &st) == 0;
}

static int collect(const struct osvif_conf *conf, struct attachments *a, osvif_error_t *err)
{
        _cleanup_nl_ struct osvif_nl *nl = osvif_nl_open(err);
        _cleanup_ovsdb_ struct osvif_ovsdb *db = NULL;
        struct osvif_ovs_owner owner = { a->network, NULL, NULL };

        if (!nl || osvif_link_foreach(nl, from_link, a, err) < 0)
                return -1;
        /* vhost-user: Kata's entries recorded in state files */
        if (osvif_vhu_state_foreach(a->network, from_state, a, err) < 0)
                return -1;
        if (!ovs_socket_present(conf))
                return 0;
        if (osvif_ovsdb_connect(conf->ovsdb, conf->ovsdb_timeout_ms, &db, err) < 0 ||
            osvif_ovs_foreach_owned(db, &owner, conf->ovsdb_timeout_ms, from_port, a, err) < 0)
                return -1;
        return 0;
}

int osvif_exec_foreach_attachment(const struct osvif_conf *conf, const char *network,
                                  int (*fn)(const char *container_id, const char *ifname,
                                            void *userdata),
                                  void *userdata, osvif_error_t *err)
{
        struct attachments a = { .network = network };
        int r = collect(conf, &a, err);

        if (r >= 0 && a.oom)
                r = osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        for (size_t i = 0; r >= 0 && i < a.n; i++)
                r = fn(a.list[i].container_id, a.list[i].ifname, userdata);
        for (size_t i = 0; i < a.n; i++) {
                free(a.list[i].container_id);
                free(a.list[i].ifname);
        }
        free(a.list);
        return r < 0 ? -1 : 0;
}

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
        if (!nl) {
                err->code = OSVIF_CNI_ERR_NOT_AVAILABLE;
                return osvif_error_wrap(err, "rtnetlink unavailable");
        }
        if (row && (row->needs & OSVIF_NEEDS_OVSDB) &&
            (osvif_ovsdb_connect(conf->ovsdb, conf->ovsdb_timeout_ms, &db, err) < 0 ||
             osvif_ovsdb_ping(db, conf->ovsdb_timeout_ms, err) < 0)) {
                err->code = OSVIF_CNI_ERR_NOT_AVAILABLE;
                return osvif_error_wrap(err, "open vswitch unavailable");
        }
        if (req->ipam_type && osvif_cni_ipam_run(req, OSVIF_CNI_STATUS, err) < 0) {
                /* IPAM's own 50/51 are passed on as they are */
                if (err->code != OSVIF_CNI_ERR_LIMITED_CONNECTIVITY)
                        err->code = OSVIF_CNI_ERR_NOT_AVAILABLE;
                return -1;
        }
        return 0;
}
