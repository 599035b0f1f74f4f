/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_CONF_H
#define OSVIF_CONF_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "cni/request.h"
#include "util/error.h"
#include "vif/model.h"

/*
 * The plugin's own configuration keys (README, "Configuration reference"), read from the
 * network config tree while it is alive, and the per-attachment VIF chosen by precedence:
 * args.cni.vif, then the pod annotation, then the config's "vif".
 */

#define OSVIF_DEFAULT_VIF_ANNOTATION "osvif.openstack.org/vif"
#define OSVIF_DEFAULT_OVSDB_TIMEOUT_MS 5000
#define OSVIF_DEFAULT_OVS_PORT_TIMEOUT_MS 10000
#define OSVIF_DEFAULT_FAST_PATH_TIMEOUT_MS 10000

enum osvif_vif_source {
        OSVIF_VIF_SOURCE_NONE,
        OSVIF_VIF_SOURCE_ARGS,       /* args.cni.vif */
        OSVIF_VIF_SOURCE_ANNOTATION, /* runtimeConfig["io.kubernetes.cri.pod-annotations"] */
        OSVIF_VIF_SOURCE_CONFIG,     /* "vif" */
};

struct osvif_conf {
        struct osvif_vif *vif; /* NULL only where the verb does not need one (DEL, GC, STATUS) */
        enum osvif_vif_source vif_source;
        char *vif_annotation; /* the annotation key */
        char *ovsdb;          /* NULL: OSVIF_OVSDB_DEFAULT, then the fallback */
        int ovsdb_timeout_ms;
        int ovs_port_timeout_ms;
        bool isolate_vif; /* os-vif's isolate_vif: new OVS ports in VLAN 4095 */
        bool enable_dad;  /* keep IPv6 duplicate address detection in the pod */
        char *log_file;
        int log_level; /* enum osvif_log_level */
        /* vhost-user */
        char *ovs_run_dir;        /* OVS's run dir ("ovsRunDir"), NULL: the ovsdb socket's */
        int fast_path_timeout_ms; /* how long ADD waits for a fast path's netdev */
        bool has_vhostuser_gid;   /* "vhostuserGroup" given */
        unsigned vhostuser_gid;   /* group of the directories osvif creates for sockets */
};

/*
 * The osvif_cni_plugin.conf_parse callback: reads our keys from `tree` and the VIF from its
 * source. An ADD or CHECK without any VIF is an error (code 7, "vif: missing"); so is a
 * malformed VIF in any source. Returns a struct osvif_conf *, or NULL with *err set.
 */
void *osvif_conf_parse(const cJSON *tree, const struct osvif_cni_request *req, osvif_error_t *err);
void osvif_conf_free(void *conf);

const char *osvif_vif_source_name(enum osvif_vif_source s);

#endif
