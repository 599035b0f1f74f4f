/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_CONF_H
#define OSVIF_CONF_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "cni/request.h"
#include "policy.h"
#include "util/error.h"
#include "vif/model.h"

/*
 * The plugin's own configuration keys (README, "Configuration reference"), read from the
 * network config tree while it is alive, and the per-attachment VIF chosen by precedence:
 * args.cni.vif, then the pod annotation, then the config's "vif". The two per-pod sources
 * are written by pod authors: they are read only when "podVif" turns them on, and bounded by
 * it (policy.h).
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
        struct osvif_pod_vif_policy pod_vif;
        char *ovsdb; /* NULL: OSVIF_OVSDB_DEFAULT, then the fallback */
        int ovsdb_timeout_ms;
        int ovs_port_timeout_ms;
        bool isolate_vif;    /* os-vif's isolate_vif: new OVS ports in VLAN 4095 */
        bool enable_dad;     /* keep IPv6 duplicate address detection in the pod */
        char *direct_master; /* VIFDirect: the lower device by name ("master"), NULL: dev_address */
        bool macvtap;        /* VIFDirect: a macvtap (VM sandboxes) instead of a macvlan */
        char *lldpad_pid_file; /* 802.1Qbg: lldpad's pid file, NULL: the default */
        int lldpad_timeout_ms; /* 802.1Qbg: bound on an association */
        char *log_file;
        int log_level; /* enum osvif_log_level */
        /* VIFHostDevice: PF-side VF settings, sriov-cni's keys and meanings; -1 when unset */
        struct {
                int vlan, vlan_qos;
                int spoofchk, trust;          /* "on" 1, "off" 0 */
                int link_state;               /* IFLA_VF_LINK_STATE_AUTO/ENABLE/DISABLE */
                int min_tx_rate, max_tx_rate; /* Mbps */
        } vf;
        /* vhost-user */
        char *ovs_run_dir;        /* OVS's run dir ("ovsRunDir"), NULL: the ovsdb socket's */
        int fast_path_timeout_ms; /* how long ADD waits for a fast path's netdev */
        bool has_vhostuser_gid;   /* "vhostuserGroup" given */
        unsigned vhostuser_gid;   /* group of the directories osvif creates for sockets */
};

/*
 * Reads our keys from `tree` and the VIF from its source. An ADD or CHECK without any VIF is
 * an error (code 7, "vif: missing"); so is a malformed VIF in any source, args.cni.vif when
 * podVif does not list "args", and a per-pod VIF outside podVif (code 7 naming the field).
 * DEL, GC and STATUS never fail on the policy: a per-pod VIF it refuses is dropped (and DEL
 * then removes by owner), so that tightening podVif cannot strand what an older ADD made.
 * A pod annotation whose source is off is ignored (logged at info). Returns a struct
 * osvif_conf *, or NULL with *err set. Does not touch the logging set-up.
 */
void *osvif_conf_parse(const cJSON *tree, const struct osvif_cni_request *req, osvif_error_t *err);

/*
 * The osvif_cni_plugin.conf_parse callback: osvif_conf_parse(), with logging set up from
 * logFile and logLevel as soon as they are read, so that what the parse itself has to say
 * (unknown keys, an ignored annotation) reaches the log file.
 */
void *osvif_conf_parse_cni(const cJSON *tree, const struct osvif_cni_request *req,
                           osvif_error_t *err);
void osvif_conf_free(void *conf);

const char *osvif_vif_source_name(enum osvif_vif_source s);

#endif
