/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>

#include "backend/vhostuser.h"
#include "conf.h"
#include "plan/mapping.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/log.h"

/*
 * Our top-level keys. Keys of the spec, the runtime and the conventions are read by cni/;
 * anything else is tolerated (runtimes must preserve unknown keys, and Multus adds its own),
 * but logged so that a typo in one of ours does not go unnoticed.
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
        "ovsdb",
        "ovsdbTimeout",
        "ovsPortTimeout",
        "isolateVif",
        "enableDad",
        "logFile",
        "logLevel",
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
        free(conf->ovsdb);
        free(conf->log_file);
        free(conf->ovs_run_dir);
        free(conf);
}

static void conf_freep(struct osvif_conf **c)
{
        osvif_conf_free(*c);
}

static int parse_options(const cJSON *tree, struct osvif_conf *c, osvif_error_t *err)
{
        const char *level = NULL;
        int64_t v;
        int r;

        if (osvif_json_dup_string(tree, NULL, "vifAnnotation", &c->vif_annotation, err) < 0 ||
            osvif_json_dup_string(tree, NULL, "ovsdb", &c->ovsdb, err) < 0 ||
            osvif_json_dup_string(tree, NULL, "logFile", &c->log_file, err) < 0 ||
            osvif_json_get_bool(tree, NULL, "isolateVif", &c->isolate_vif, err) < 0 ||
            osvif_json_get_bool(tree, NULL, "enableDad", &c->enable_dad, err) < 0)
                return -1;
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
        if (c->ovsdb && strncmp(c->ovsdb, "unix:", 5) != 0 && strncmp(c->ovsdb, "tcp:", 4) != 0)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "ovsdb: \"%s\" is not a \"unix:<path>\" or "
                                       "\"tcp:<host>:<port>\" target",
                                       c->ovsdb);
        if (c->vif_annotation && !*c->vif_annotation)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "vifAnnotation: must not be empty");
        return 0;
}

/* A VIF given as a JSON string (annotations, some cni-args producers) or as an object. */
static int vif_from_value(const cJSON *v, const char *path, struct osvif_vif **ret,
                          osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *inner = NULL;

        if (cJSON_IsString(v)) {
                inner = osvif_json_parse(v->valuestring, strlen(v->valuestring), err);
                if (!inner) {
                        err->code = OSVIF_CNI_ERR_INVALID_CONFIG;
                        return osvif_error_wrap(err, "%s: a string that is not a JSON VIF", path);
                }
                v = inner;
        }
        if (!cJSON_IsObject(v)) {
                _cleanup_free_ char *r = osvif_json_repr(v);

                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: expected an object, got %s %s", path,
                                       osvif_json_type_name(v), r ? r : "");
        }
        if (osvif_vif_from_json(v, path, ret, err) < 0)
                return -1;
        /* a VIF no row of the mapping plugs is refused whatever the verb, as a bad field is */
        if (osvif_mapping_check(*ret, path, NULL, err) < 0) {
                osvif_vif_free(*ret);
                *ret = NULL;
                return -1;
        }
        return 0;
}

/*
 * The annotation holds one VIF, or a map from interface name to VIF. A map without our
 * interface is not an error: the attachment falls back to the config's VIF.
 */
static int vif_from_annotation(const struct osvif_cni_request *req, const char *key,
                               struct osvif_vif **ret, osvif_error_t *err)
{
        _cleanup_free_ char *path = NULL;
        _cleanup_cjson_ cJSON *doc = NULL;
        const char *value = osvif_cni_request_annotation(req, key);
        const cJSON *entry;

        if (!value)
                return 0;
        if (asprintf(&path, "annotation \"%s\"", key) < 0)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        doc = osvif_json_parse(value, strlen(value), err);
        if (!doc) {
                err->code = OSVIF_CNI_ERR_INVALID_CONFIG;
                return osvif_error_wrap(err, "%s: not JSON", path);
        }
        if (!cJSON_IsObject(doc))
                return vif_from_value(doc, path, ret, err);
        if (cJSON_HasObjectItem(doc, "versioned_object.name") || cJSON_HasObjectItem(doc, "type"))
                return vif_from_value(doc, path, ret, err) < 0 ? -1 : 1;
        entry = cJSON_GetObjectItemCaseSensitive(doc, req->ifname ? req->ifname : "");
        if (!entry)
                return 0;
        free(path);
        path = NULL;
        if (asprintf(&path, "annotation \"%s\".%s", key, req->ifname) < 0)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        return vif_from_value(entry, path, ret, err) < 0 ? -1 : 1;
}

static int pick_vif(const cJSON *tree, const struct osvif_cni_request *req, struct osvif_conf *c,
                    osvif_error_t *err)
{
        const cJSON *args = cJSON_GetObjectItemCaseSensitive(tree, "args");
        const cJSON *cni = cJSON_IsObject(args) ? cJSON_GetObjectItemCaseSensitive(args, "cni")
                                                : NULL;
        const cJSON *v = cJSON_IsObject(cni) ? cJSON_GetObjectItemCaseSensitive(cni, "vif") : NULL;
        int r;

        if (v && !cJSON_IsNull(v)) {
                if (vif_from_value(v, "args.cni.vif", &c->vif, err) < 0)
                        return -1;
                c->vif_source = OSVIF_VIF_SOURCE_ARGS;
                return 0;
        }
        r = vif_from_annotation(req,
                                c->vif_annotation ? c->vif_annotation
                                                  : OSVIF_DEFAULT_VIF_ANNOTATION,
                                &c->vif, err);
        if (r < 0)
                return -1;
        if (r > 0) {
                c->vif_source = OSVIF_VIF_SOURCE_ANNOTATION;
                return 0;
        }
        v = cJSON_GetObjectItemCaseSensitive(tree, "vif");
        if (v && !cJSON_IsNull(v)) {
                if (vif_from_value(v, "vif", &c->vif, err) < 0)
                        return -1;
                c->vif_source = OSVIF_VIF_SOURCE_CONFIG;
        }
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
                        log_debug("config key \"%s\" is not one of ours; ignored", it->string);
        }
}

void *osvif_conf_parse(const cJSON *tree, const struct osvif_cni_request *req, osvif_error_t *err)
{
        _cleanup_(conf_freep) struct osvif_conf *c = calloc(1, sizeof(*c));

        if (!c) {
                osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
                return NULL;
        }
        c->ovsdb_timeout_ms = OSVIF_DEFAULT_OVSDB_TIMEOUT_MS;
        c->ovs_port_timeout_ms = OSVIF_DEFAULT_OVS_PORT_TIMEOUT_MS;
        c->log_level = -1;
        log_unknown_keys(tree);
        if (parse_options(tree, c, err) < 0 || parse_vhostuser_options(tree, c, err) < 0 ||
            pick_vif(tree, req, c, err) < 0)
                return NULL;
        if (!c->vif && (req->verb == OSVIF_CNI_ADD || req->verb == OSVIF_CNI_CHECK)) {
                osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                "vif: missing (give it in the config, in args.cni.vif or in "
                                "the pod annotation \"%s\")",
                                c->vif_annotation ? c->vif_annotation
                                                  : OSVIF_DEFAULT_VIF_ANNOTATION);
                return NULL;
        }
        return TAKE_PTR(c);
}
