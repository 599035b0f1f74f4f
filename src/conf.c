/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ovs.h"
#include "backend/lldpad.h"
#include "backend/vhostuser.h"
#include "conf.h"
#include "plan/mapping.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/log.h"
#include "vif/classes.h"

/*
 * The top-level keys osvif knows: the spec's, the runtime's and the conventions' (cni/ reads
 * those a plugin acts on; dns, capabilities, disableCheck, disableGC and
 * loadOnlyInlinedPlugins are the runtime's business), then ours. Any other key is tolerated
 * (runtimes must preserve unknown keys, and Multus adds its own) and logged at debug level,
 * so that a typo in one of ours can be found.
 */
static const char *const known_keys[] = {
        "cniVersion",
        "cniVersions",
        "name",
        "type",
        "ipam",
        "dns",
        "args",
        "runtimeConfig",
        "capabilities",
        "prevResult",
        "cni.dev/valid-attachments",
        "cni.dev/attachments",
        "disableCheck",
        "disableGC",
        "loadOnlyInlinedPlugins",
        /* ours */
        "vif",
        "vifAnnotation",
        "podVif",
        "ovsdb",
        "ovsdbTimeout",
        "ovsPortTimeout",
        "isolateVif",
        "enableDad",
        "ipamTimeout", /* read by cni/ (request_conf.c), which runs IPAM */
        "master",
        "macvtap",
        "lldpadPidFile",
        "lldpadTimeout",
        "logFile",
        "logLevel",
        /* VIFHostDevice: PF-side VF settings, as sriov-cni spells them */
        "vlan",
        "vlanQoS",
        "spoofchk",
        "trust",
        "link_state",
        "min_tx_rate",
        "max_tx_rate",
        "ovsRunDir",
        "vhostuserGroup",
        "fastPathTimeout",
        NULL,
};

const char *osvif_vif_source_name(enum osvif_vif_source s)
{
        switch (s) {
        case OSVIF_VIF_SOURCE_ARGS:
                return "args.cni.vif";
        case OSVIF_VIF_SOURCE_ANNOTATION:
                return "annotation";
        case OSVIF_VIF_SOURCE_CONFIG:
                return "vif";
        case OSVIF_VIF_SOURCE_NONE:
                break;
        }
        return "none";
}

void osvif_conf_free(void *p)
{
        struct osvif_conf *conf = p;

        if (!conf)
                return;
        osvif_vif_free(conf->vif);
        free(conf->vif_annotation);
        osvif_pod_vif_policy_clear(&conf->pod_vif);
        free(conf->ovsdb);
        free(conf->log_file);
        free(conf->direct_master);
        free(conf->lldpad_pid_file);
        free(conf->ovs_run_dir);
        free(conf);
}

static void conf_freep(struct osvif_conf **c)
{
        osvif_conf_free(*c);
}

static const char *annotation_key(const struct osvif_conf *c)
{
        return c->vif_annotation ? c->vif_annotation : OSVIF_DEFAULT_VIF_ANNOTATION;
}

static bool needs_vif(const struct osvif_cni_request *req)
{
        return req->verb == OSVIF_CNI_ADD || req->verb == OSVIF_CNI_CHECK;
}

static int parse_options(const cJSON *tree, struct osvif_conf *c, osvif_error_t *err)
{
        const cJSON *vif;
        const char *level = NULL;
        int64_t v;
        int r;

        if (osvif_json_dup_string(tree, NULL, "vifAnnotation", &c->vif_annotation, err) < 0 ||
            osvif_json_dup_string(tree, NULL, "ovsdb", &c->ovsdb, err) < 0 ||
            osvif_json_dup_string(tree, NULL, "logFile", &c->log_file, err) < 0 ||
            osvif_json_get_bool(tree, NULL, "isolateVif", &c->isolate_vif, err) < 0 ||
            osvif_json_get_bool(tree, NULL, "enableDad", &c->enable_dad, err) < 0)
                return -1;
        if (osvif_json_dup_string(tree, NULL, "master", &c->direct_master, err) < 0 ||
            osvif_json_get_bool(tree, NULL, "macvtap", &c->macvtap, err) < 0 ||
            osvif_json_dup_string(tree, NULL, "lldpadPidFile", &c->lldpad_pid_file, err) < 0)
                return -1;
        r = osvif_json_get_int(tree, NULL, "lldpadTimeout", 1, 600000, &v, err);
        if (r < 0)
                return -1;
        if (r > 0)
                c->lldpad_timeout_ms = (int)v;
        if (c->direct_master && (!*c->direct_master || strlen(c->direct_master) >= 16 ||
                                 strpbrk(c->direct_master, "/: \t\n")))
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "master: \"%s\" is not an interface name", c->direct_master);
        r = osvif_json_get_int(tree, NULL, "ovsdbTimeout", 1, 600000, &v, err);
        if (r < 0)
                return -1;
        if (r > 0)
                c->ovsdb_timeout_ms = (int)v;
        r = osvif_json_get_int(tree, NULL, "ovsPortTimeout", 1, 600000, &v, err);
        if (r < 0)
                return -1;
        if (r > 0)
                c->ovs_port_timeout_ms = (int)v;
        r = osvif_json_get_string(tree, NULL, "logLevel", &level, err);
        if (r < 0)
                return -1;
        if (r > 0) {
                c->log_level = osvif_log_level_from_string(level);
                if (c->log_level < 0)
                        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                               "logLevel: \"%s\" is not one of \"error\", "
                                               "\"warning\", \"info\", \"debug\"",
                                               level);
        }
        if (c->ovsdb && osvif_ovsdb_target_check(c->ovsdb, err) < 0)
                return -1;
        if (c->vif_annotation && !*c->vif_annotation)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "vifAnnotation: must not be empty");
        vif = cJSON_GetObjectItemCaseSensitive(tree, "vif");
        return osvif_pod_vif_policy_parse(cJSON_GetObjectItemCaseSensitive(tree, "podVif"),
                                          vif && !cJSON_IsNull(vif), &c->pod_vif, err);
}

/* A VIF no row of the mapping plugs is refused whatever the verb, as a bad field is. */
static int check_mapping(struct osvif_vif **vif, const char *path, osvif_error_t *err)
{
        if (osvif_mapping_check(*vif, path, NULL, err) < 0) {
                osvif_vif_free(*vif);
                *vif = NULL;
                return -1;
        }
        return 0;
}

/* "on"/"off" (sriov-cni's spoofchk and trust): 1/0, -1 when absent. */
static int on_off(const cJSON *tree, const char *key, int *ret, osvif_error_t *err)
{
        const char *v = NULL;
        int r = osvif_json_get_string(tree, NULL, key, &v, err);

        if (r <= 0)
                return r;
        if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: \"%s\" is not \"on\" or \"off\"", key, v);
        *ret = strcmp(v, "on") == 0;
        return 0;
}

static int int_key(const cJSON *tree, const char *key, int64_t max, int *ret, osvif_error_t *err)
{
        int64_t v;
        int r = osvif_json_get_int(tree, NULL, key, 0, max, &v, err);

        if (r > 0)
                *ret = (int)v;
        return r < 0 ? -1 : 0;
}

/* The PF-side VF settings of VIFHostDevice, with sriov-cni's names and meanings. */
static int parse_vf_options(const cJSON *tree, struct osvif_conf *c, osvif_error_t *err)
{
        static const char *const states[] = { "auto", "enable", "disable" };
        const char *ls = NULL;
        int r;

        c->vf.vlan = c->vf.vlan_qos = c->vf.spoofchk = c->vf.trust = c->vf.link_state = -1;
        c->vf.min_tx_rate = c->vf.max_tx_rate = -1;
        if (int_key(tree, "vlan", 4094, &c->vf.vlan, err) < 0 ||
            int_key(tree, "vlanQoS", 7, &c->vf.vlan_qos, err) < 0 ||
            on_off(tree, "spoofchk", &c->vf.spoofchk, err) < 0 ||
            on_off(tree, "trust", &c->vf.trust, err) < 0 ||
            int_key(tree, "min_tx_rate", 1000000, &c->vf.min_tx_rate, err) < 0 ||
            int_key(tree, "max_tx_rate", 1000000, &c->vf.max_tx_rate, err) < 0)
                return -1;
        r = osvif_json_get_string(tree, NULL, "link_state", &ls, err);
        if (r < 0)
                return -1;
        for (int k = 0; r > 0 && k < 3; k++)
                if (strcmp(ls, states[k]) == 0)
                        c->vf.link_state = k; /* IFLA_VF_LINK_STATE_AUTO, _ENABLE, _DISABLE */
        if (r > 0 && c->vf.link_state < 0)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "link_state: \"%s\" is not one of \"auto\", "
                                       "\"enable\", \"disable\"",
                                       ls);
        /* sriov-cni's rule (QoS needs a VLAN, which may come from the VIF) is the plan's */
        if (c->vf.min_tx_rate > 0 && c->vf.max_tx_rate > 0 && c->vf.min_tx_rate > c->vf.max_tx_rate)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "min_tx_rate: %d is above max_tx_rate %d", c->vf.min_tx_rate,
                                       c->vf.max_tx_rate);
        return 0;
}

/*
 * A VIF given as a JSON string (annotations, some cni-args producers) or as an object. A
 * per-pod VIF may leave out what the config's fills in: it is validated once merged.
 */
static int vif_from_value(const cJSON *v, const char *path, bool partial, struct osvif_vif **ret,
                          osvif_error_t *err)
{
        struct osvif_obj *o = NULL;
        _cleanup_cjson_ cJSON *inner = NULL;

        if (cJSON_IsString(v)) {
                inner = osvif_json_parse(v->valuestring, strlen(v->valuestring), err);
                if (!inner)
                        return osvif_error_wrap_code(err, OSVIF_CNI_ERR_INVALID_CONFIG,
                                                     "%s: a string that is not a JSON VIF", path);
                v = inner;
        }
        if (!cJSON_IsObject(v)) {
                _cleanup_free_ char *r = osvif_json_repr(v);

                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: expected an object, got %s %s", path,
                                       osvif_json_type_name(v), r ? r : "");
        }
        if (!partial) {
                if (osvif_vif_from_json(v, path, ret, err) < 0)
                        return -1;
                return check_mapping(ret, path, err);
        }
        if (cJSON_HasObjectItem(v, "versioned_object.name"))
                return osvif_vif_parse_primitive(v, path, ret, err);
        if (osvif_obj_from_native(v, path, &osvif_class_vif_base, &o, err) < 0)
                return -1;
        *ret = (struct osvif_vif *)o;
        return 0;
}

/*
 * The annotation holds one VIF, or a map from interface name to VIF. A map without our
 * interface is not an error: the attachment falls back to the config's VIF. Returns 1 with
 * *ret and *ret_path (the annotation as messages name it), 0 when it has no VIF for us.
 */
static int vif_from_annotation(const struct osvif_cni_request *req, const char *key,
                               struct osvif_vif **ret, char **ret_path, osvif_error_t *err)
{
        _cleanup_free_ char *path = NULL;
        _cleanup_cjson_ cJSON *doc = NULL;
        const char *value = osvif_cni_request_annotation(req, key);
        const cJSON *entry = NULL;

        if (!value)
                return 0;
        if (asprintf(&path, "annotation \"%s\"", key) < 0)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        doc = osvif_json_parse(value, strlen(value), err);
        if (!doc)
                return osvif_error_wrap_code(err, OSVIF_CNI_ERR_INVALID_CONFIG, "%s: not JSON",
                                             path);
        /* a VIF itself (either form), or a JSON string holding one */
        if (!cJSON_IsObject(doc) || cJSON_HasObjectItem(doc, "versioned_object.name") ||
            cJSON_HasObjectItem(doc, "type"))
                entry = doc;
        else {
                entry = cJSON_GetObjectItemCaseSensitive(doc, req->ifname ? req->ifname : "");
                if (!entry)
                        return 0;
                free(path);
                path = NULL;
                if (asprintf(&path, "annotation \"%s\".%s", key, req->ifname) < 0)
                        return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        }
        if (vif_from_value(entry, path, true, ret, err) < 0)
                return -1;
        *ret_path = TAKE_PTR(path);
        return 1;
}

static const cJSON *args_vif(const cJSON *tree)
{
        const cJSON *args = cJSON_GetObjectItemCaseSensitive(tree, "args");
        const cJSON *cni = cJSON_IsObject(args) ? cJSON_GetObjectItemCaseSensitive(args, "cni")
                                                : NULL;
        const cJSON *v = cJSON_IsObject(cni) ? cJSON_GetObjectItemCaseSensitive(cni, "vif") : NULL;

        return v && !cJSON_IsNull(v) ? v : NULL;
}

/*
 * The per-pod VIF from the first source that has one and that podVif turns on: 1 with *ret
 * and *ret_path, 0 without. cni-args are put in a network's config on purpose, by a Multus
 * user for this network: refusing them (ADD, CHECK) tells that user why the pod did not get
 * the VIF asked for. A pod annotation is seen by every network of the pod, including those
 * that do not take per-pod VIFs: there it is ignored.
 */
static int pod_vif(const cJSON *tree, const struct osvif_cni_request *req, struct osvif_conf *c,
                   struct osvif_vif **ret, char **ret_path, osvif_error_t *err)
{
        const cJSON *v = args_vif(tree);
        const char *key = annotation_key(c);
        int r;

        if (v && (c->pod_vif.sources & OSVIF_POD_VIF_FROM_ARGS)) {
                if (vif_from_value(v, "args.cni.vif", true, ret, err) < 0)
                        return -1;
                *ret_path = strdup("args.cni.vif");
                if (!*ret_path)
                        return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
                c->vif_source = OSVIF_VIF_SOURCE_ARGS;
                return 1;
        }
        if (v && needs_vif(req))
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "args.cni.vif: per-pod VIFs from args are off for network "
                                       "\"%s\" (its config's podVif.sources must list \"args\")",
                                       req->name);
        if (v)
                log_info("args.cni.vif ignored: podVif.sources does not list \"args\"");
        if (!osvif_cni_request_annotation(req, key))
                return 0;
        if (!(c->pod_vif.sources & OSVIF_POD_VIF_FROM_ANNOTATION)) {
                log_info("pod annotation \"%s\" ignored: per-pod VIFs from annotations are off "
                         "for network \"%s\" (podVif.sources)",
                         key, req->name);
                return 0;
        }
        r = vif_from_annotation(req, key, ret, ret_path, err);
        if (r > 0)
                c->vif_source = OSVIF_VIF_SOURCE_ANNOTATION;
        return r;
}

static int pick_vif(const cJSON *tree, const struct osvif_cni_request *req, struct osvif_conf *c,
                    osvif_error_t *err)
{
        _cleanup_(osvif_vif_freep) struct osvif_vif *pod = NULL, *config = NULL;
        _cleanup_free_ char *path = NULL;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(tree, "vif");
        osvif_error_t refused = OSVIF_ERROR_INIT;

        if (pod_vif(tree, req, c, &pod, &path, err) < 0)
                return -1;
        if (v && !cJSON_IsNull(v) && vif_from_value(v, "vif", false, &config, err) < 0)
                return -1;
        if (!pod) {
                c->vif = TAKE_PTR(config);
                c->vif_source = c->vif ? OSVIF_VIF_SOURCE_CONFIG : OSVIF_VIF_SOURCE_NONE;
                return 0;
        }
        /* the pod's VIF as the policy lets it be, filled in by the config's: a whole VIF again */
        if (osvif_pod_vif_policy_apply(&c->pod_vif, pod, config, path, &c->vif, &refused) == 0 &&
            check_mapping(&c->vif, path, &refused) == 0)
                return 0;
        if (needs_vif(req)) {
                osvif_error_move(err, &refused);
                return -1;
        }
        /* nothing was made with a VIF the policy refuses now: DEL goes by owner */
        log_info("%s ignored: %s", path, refused.msg ? refused.msg : "refused by podVif");
        osvif_error_clear(&refused);
        c->vif_source = OSVIF_VIF_SOURCE_NONE;
        return 0;
}

/* vhost-user: where OVS puts its sockets, and the group of the directories we create. */
static int parse_vhostuser_options(const cJSON *tree, struct osvif_conf *c, osvif_error_t *err)
{
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(tree, "vhostuserGroup");
        int64_t v;
        int r = osvif_json_get_int(tree, NULL, "fastPathTimeout", 1, 600000, &v, err);

        if (r < 0)
                return -1;
        c->fast_path_timeout_ms = r > 0 ? (int)v : OSVIF_DEFAULT_FAST_PATH_TIMEOUT_MS;
        if (osvif_json_dup_string(tree, NULL, "ovsRunDir", &c->ovs_run_dir, err) < 0 ||
            (c->ovs_run_dir && osvif_vhu_path_check(c->ovs_run_dir, "ovsRunDir", err) < 0))
                return -1;
        if (!g)
                return 0;
        if (cJSON_IsNumber(g) && g->valuedouble >= 0 && g->valuedouble < 2147483647.0 &&
            g->valuedouble == (double)(unsigned)g->valuedouble) {
                c->vhostuser_gid = (unsigned)g->valuedouble;
        } else if (cJSON_IsString(g) && *g->valuestring) {
                struct group gr, *res = NULL;
                char buf[4096];

                if (getgrnam_r(g->valuestring, &gr, buf, sizeof(buf), &res) != 0 || !res)
                        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                               "vhostuserGroup: no group \"%s\"", g->valuestring);
                c->vhostuser_gid = (unsigned)gr.gr_gid;
        } else {
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "vhostuserGroup: must be a group name or a group id");
        }
        c->has_vhostuser_gid = true;
        return 0;
}

static void log_unknown_keys(const cJSON *tree)
{
        const cJSON *it;

        cJSON_ArrayForEach(it, tree) {
                bool known = false;

                for (size_t i = 0; known_keys[i]; i++)
                        known = known || strcmp(it->string, known_keys[i]) == 0;
                if (!known)
                        log_info("config key \"%s\" is not one of ours; ignored", it->string);
        }
}

static void setup_logging(const struct osvif_cni_request *req, const struct osvif_conf *conf)
{
        int level = conf->log_level >= 0 ? conf->log_level : OSVIF_LOG_INFO;

        /* stderr reaches the runtime's log: keep it to real problems unless asked */
        osvif_log_setup(conf->log_level >= 0 ? conf->log_level : OSVIF_LOG_WARNING, conf->log_file,
                        level, req->container_id);
}

static void *conf_parse(const cJSON *tree, const struct osvif_cni_request *req, bool log,
                        osvif_error_t *err)
{
        _cleanup_(conf_freep) struct osvif_conf *c = calloc(1, sizeof(*c));

        if (!c) {
                osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
                return NULL;
        }
        c->ovsdb_timeout_ms = OSVIF_DEFAULT_OVSDB_TIMEOUT_MS;
        c->ovs_port_timeout_ms = OSVIF_DEFAULT_OVS_PORT_TIMEOUT_MS;
        c->lldpad_timeout_ms = OSVIF_DEFAULT_LLDPAD_TIMEOUT_MS;
        c->log_level = -1;
        if (parse_options(tree, c, err) < 0 || parse_vf_options(tree, c, err) < 0 ||
            parse_vhostuser_options(tree, c, err) < 0)
                return NULL;
        /* from here on, what the parse notices reaches the configured log */
        if (log)
                setup_logging(req, c);
        log_unknown_keys(tree);
        if (pick_vif(tree, req, c, err) < 0)
                return NULL;
        if (!c->vif && needs_vif(req)) {
                unsigned src = c->pod_vif.sources;
                bool ann = src & OSVIF_POD_VIF_FROM_ANNOTATION;

                osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                "vif: missing (give it in the network config%s%s%s%s%s)",
                                src ? "" : ", or let pods give theirs with podVif",
                                src & OSVIF_POD_VIF_FROM_ARGS ? ", in args.cni.vif" : "",
                                ann ? ", in the pod annotation \"" : "",
                                ann ? annotation_key(c) : "", ann ? "\"" : "");
                return NULL;
        }
        return TAKE_PTR(c);
}

void *osvif_conf_parse(const cJSON *tree, const struct osvif_cni_request *req, osvif_error_t *err)
{
        return conf_parse(tree, req, false, err);
}

void *osvif_conf_parse_cni(const cJSON *tree, const struct osvif_cni_request *req,
                           osvif_error_t *err)
{
        return conf_parse(tree, req, true, err);
}
