/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend/vhostuser.h"
#include "cni/delegate.h"
#include "plan/exec.h"
#include "plan/hostdev_state.h"
#include "plan/intent.h"
#include "util/cleanup.h"
#include "util/state.h"

/*
 * GC finds attachments by owner only: the alias on host links, the external_ids on OVS
 * ports, the owners recorded in state files (VF claims, port-profile associations, Kata's
 * vhost-user entries) and the intent records of interrupted ADDs (plan/intent.h), so it needs
 * neither the runtime's cache nor the pods' netns. OVSDB is asked only on a network whose VIFs
 * may use OVS; when it does not answer, GC goes on with what the links and records say.
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

/*
 * State files "<owner>.<kind>.json" (plan/steps_direct.c): what an attachment left on the
 * host that no link or port shows, such as a port-profile association.
 */
static int from_state_file(const char *file, void *data)
{
        struct attachments *a = data;
        char name[256], *dot, *net, *cid, *ifname;
        size_t n = strlen(file);

        if (n < 6 || n >= sizeof(name) || strcmp(file + n - 5, ".json") != 0)
                return 0;
        memcpy(name, file, n - 5);
        name[n - 5] = '\0';
        dot = strrchr(name, '.');
        if (!dot)
                return 0;
        *dot = '\0';
        /* out of memory stops the walk; a->oom says so to the caller */
        if (osvif_owner_parse(name, &net, &cid, &ifname) && strcmp(net, a->network) == 0)
                return remember(a, cid, ifname) < 0;
        return 0;
}

/* A VF's claim (sriov-cni#349: no VF stays claimed by an attachment that is gone). */
static int from_claim(const struct osvif_hostdev_state *st, void *data)
{
        struct attachments *a = data;
        char owner[sizeof(st->owner)];
        char *net, *cid, *ifname;

        memcpy(owner, st->owner, sizeof(owner));
        if (osvif_owner_parse(owner, &net, &cid, &ifname) && strcmp(net, a->network) == 0)
                return remember(a, cid, ifname);
        return 0;
}

static int collect(const struct osvif_conf *conf, struct attachments *a, osvif_error_t *ovsdb_err,
                   osvif_error_t *err)
{
        _cleanup_nl_ struct osvif_nl *nl = osvif_nl_open(err);
        _cleanup_ovsdb_ struct osvif_ovsdb *db = NULL;
        struct osvif_ovs_owner owner = { a->network, NULL, NULL };

        if (!nl || osvif_link_foreach(nl, from_link, a, err) < 0 ||
            osvif_hostdev_state_foreach(from_claim, a, err) < 0 ||
            osvif_intent_foreach(a->network, from_state, a, err) < 0)
                return -1;
        if (osvif_state_foreach(NULL, from_state_file, a, err) < 0)
                return -1;
        /* vhost-user: Kata's entries recorded in state files */
        if (osvif_vhu_state_foreach(a->network, from_state, a, err) < 0)
                return -1;
        if (!osvif_conf_may_use_ovs(conf) || osvif_ovsdb_absent(conf->ovsdb))
                return 0;
        if (osvif_ovsdb_connect(conf->ovsdb, conf->ovsdb_timeout_ms, &db, ovsdb_err) < 0 ||
            osvif_ovs_foreach_owned(db, &owner, conf->ovsdb_timeout_ms, from_port, a, ovsdb_err) <
                    0) {
                /* the links and records are still ours to sweep; the caller reports this */
                if (ovsdb_err->code != OSVIF_CNI_ERR_TRY_AGAIN)
                        osvif_error_recode(ovsdb_err, OSVIF_CNI_ERR_TRY_AGAIN);
                return 0;
        }
        return 0;
}

int osvif_exec_foreach_attachment(const struct osvif_conf *conf, const char *network,
                                  int (*fn)(const char *container_id, const char *ifname,
                                            void *userdata),
                                  void *userdata, osvif_error_t *ovsdb_err, osvif_error_t *err)
{
        struct attachments a = { .network = network };
        int r = collect(conf, &a, ovsdb_err, err);

        if (r >= 0 && a.oom)
                r = osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        for (size_t i = 0; r >= 0 && i < a.n; i++) {
                r = fn(a.list[i].container_id, a.list[i].ifname, userdata);
                if (r < 0)
                        osvif_error_set_errno(err, OSVIF_ERR_INTERNAL, -r, "attachment %s/%s",
                                              a.list[i].container_id, a.list[i].ifname);
        }
        for (size_t i = 0; i < a.n; i++) {
                free(a.list[i].container_id);
                free(a.list[i].ifname);
        }
        free(a.list);
        return r < 0 ? -1 : 0;
}
