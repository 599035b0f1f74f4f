/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/request.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"

/*
 * The config half of a request: the generic keys of the network config, version
 * negotiation, prevResult, runtimeConfig, args and the GC attachment list.
 */

/* cniVersion, or the highest supported entry of cniVersions (libcni ignores newer ones). */
static int pick_version(const cJSON *tree, struct osvif_cni_request *req, osvif_error_t *err)
{
        const cJSON *list = NULL, *it;
        const char *v = NULL;
        int best = -1;

        if (osvif_json_get_string(tree, NULL, "cniVersion", &v, err) < 0 ||
            osvif_json_get_array(tree, NULL, "cniVersions", &list, err) < 0)
                return osvif_error_recode(err, OSVIF_CNI_ERR_DECODE);
        best = v ? osvif_cni_version_parse(v) : OSVIF_CNI_V010; /* absent means 0.1.0 */
        cJSON_ArrayForEach(it, list) {
                int c = cJSON_IsString(it) ? osvif_cni_version_parse(it->valuestring) : -1;

                if (c > best)
                        best = c;
        }
        if (best < 0)
                return osvif_error_set(err, OSVIF_CNI_ERR_INCOMPATIBLE_VERSION, 0,
                                       "cniVersion: \"%s\" is not supported (supported: 0.1.0, "
                                       "0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0)",
                                       v);
        req->version = (enum osvif_cni_version)best;
        req->cni_version = strdup(osvif_cni_version_string(req->version));
        return req->cni_version ? 0 : osvif_error_oom(err);
}

static int check_verb_version(const struct osvif_cni_request *req, osvif_error_t *err)
{
        if (req->verb == OSVIF_CNI_CHECK && req->version < OSVIF_CNI_V040)
                return osvif_error_set(
                        err, OSVIF_CNI_ERR_INCOMPATIBLE_VERSION, 0,
                        "config version \"%s\" does not allow CHECK (0.4.0 or later)",
                        req->cni_version);
        if ((req->verb == OSVIF_CNI_GC || req->verb == OSVIF_CNI_STATUS) &&
            req->version < OSVIF_CNI_V110)
                return osvif_error_set(err, OSVIF_CNI_ERR_INCOMPATIBLE_VERSION, 0,
                                       "config version \"%s\" does not allow %s (1.1.0 or later)",
                                       req->cni_version, osvif_cni_verb_string(req->verb));
        return 0;
}

static int parse_ipam(const cJSON *tree, struct osvif_cni_request *req, osvif_error_t *err)
{
        const cJSON *ipam = NULL;
        int64_t timeout;
        int r = osvif_json_get_int(tree, NULL, "ipamTimeout", 1, 600000, &timeout, err);

        if (r < 0)
                return -1;
        if (r > 0)
                req->ipam_timeout_ms = (int)timeout;
        r = osvif_json_get_object(tree, NULL, "ipam", &ipam, err);
        if (r <= 0)
                return r;
        if (osvif_json_dup_string(ipam, "ipam", "type", &req->ipam_type, err) < 0)
                return -1;
        if (req->ipam_type && !*req->ipam_type) {
                free(req->ipam_type);
                req->ipam_type = NULL;
        }
        if (req->ipam_type && (strchr(req->ipam_type, '/') || strcmp(req->ipam_type, ".") == 0 ||
                               strcmp(req->ipam_type, "..") == 0))
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "ipam.type: \"%s\" must be a plugin name, not a path",
                                       req->ipam_type);
        return 0;
}

/* "ip[/prefix]" strings into addresses; `what` names the source in messages. */
static int parse_ips(char *const *v, const char *what, int code, struct osvif_cni_request *req,
                     osvif_error_t *err)
{
        size_t n = osvif_strv_length(v);
        struct osvif_ipnet *ips = n ? calloc(n, sizeof(*ips)) : NULL;

        if (n && !ips)
                return osvif_error_oom(err);
        for (size_t i = 0; i < n; i++)
                if (osvif_ipnet_parse(v[i], true, &ips[i]) < 0) {
                        free(ips);
                        return osvif_error_set(err, code, 0, "%s[%zu]: \"%s\" is not an IP address",
                                               what, i, v[i]);
                }
        free(req->ips);
        req->ips = ips;
        req->n_ips = n;
        return 0;
}

static int set_mac(const char *mac, const char *what, int code, struct osvif_cni_request *req,
                   osvif_error_t *err)
{
        uint8_t b[6];

        if (osvif_mac_parse(mac, b) < 0)
                return osvif_error_set(err, code, 0, "%s: \"%s\" is not a MAC address", what, mac);
        if (b[0] & 1)
                return osvif_error_set(err, code, 0, "%s: \"%s\" is a multicast address", what,
                                       mac);
        free(req->mac);
        req->mac = strdup(mac);
        return req->mac ? 0 : osvif_error_oom(err);
}

/* CNI_ARGS first, then args.cni, then runtimeConfig: each later source wins. */
static int mac_and_ips_from_env(struct osvif_cni_request *req, osvif_error_t *err)
{
        const char *mac = osvif_cni_request_arg(req, "MAC");
        const char *ip = osvif_cni_request_arg(req, "IP");
        _cleanup_strv_ char **ips = NULL;

        if (mac && *mac && set_mac(mac, "CNI_ARGS MAC", OSVIF_CNI_ERR_INVALID_ENV, req, err) < 0)
                return -1;
        if (!ip || !*ip)
                return 0;
        ips = osvif_strv_split(ip, ",");
        if (!ips)
                return osvif_error_oom(err);
        return parse_ips(ips, "CNI_ARGS IP", OSVIF_CNI_ERR_INVALID_ENV, req, err);
}

static int mac_and_ips_from(const cJSON *o, const char *path, struct osvif_cni_request *req,
                            osvif_error_t *err)
{
        _cleanup_free_ char *mac_path = osvif_json_path(path, "mac");
        _cleanup_free_ char *ips_path = osvif_json_path(path, "ips");
        _cleanup_strv_ char **ips = NULL;
        const char *mac = NULL;
        int r;

        if (osvif_json_get_string(o, path, "mac", &mac, err) < 0)
                return -1;
        if (mac && *mac && set_mac(mac, mac_path, OSVIF_CNI_ERR_INVALID_CONFIG, req, err) < 0)
                return -1;
        r = osvif_json_get_strv(o, path, "ips", &ips, err);
        if (r < 0)
                return -1;
        return r > 0 ? parse_ips(ips, ips_path, OSVIF_CNI_ERR_INVALID_CONFIG, req, err) : 0;
}

static int parse_annotations(const cJSON *rc, struct osvif_cni_request *req, osvif_error_t *err)
{
        static const char key[] = "io.kubernetes.cri.pod-annotations";
        const cJSON *a = NULL, *it;
        size_t n = 0;
        int r = osvif_json_get_object(rc, "runtimeConfig", key, &a, err);

        if (r <= 0)
                return r;
        req->pod_annotations = calloc((size_t)cJSON_GetArraySize(a) + 1,
                                      sizeof(*req->pod_annotations));
        if (!req->pod_annotations)
                return osvif_error_oom(err);
        cJSON_ArrayForEach(it, a) {
                if (!cJSON_IsString(it))
                        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                               "runtimeConfig.%s.%s: expected a string", key,
                                               it->string);
                req->pod_annotations[n].key = strdup(it->string);
                req->pod_annotations[n].value = strdup(it->valuestring);
                req->n_pod_annotations = ++n;
                if (!req->pod_annotations[n - 1].key || !req->pod_annotations[n - 1].value)
                        return osvif_error_oom(err);
        }
        return 0;
}

static int parse_runtime(const cJSON *tree, struct osvif_cni_request *req, osvif_error_t *err)
{
        const cJSON *args = NULL, *cni = NULL, *rc = NULL;

        if (mac_and_ips_from_env(req, err) < 0)
                return -1;
        if (osvif_json_get_object(tree, NULL, "args", &args, err) < 0 ||
            (args && osvif_json_get_object(args, "args", "cni", &cni, err) < 0) ||
            (cni && mac_and_ips_from(cni, "args.cni", req, err) < 0))
                return -1;
        if (osvif_json_get_object(tree, NULL, "runtimeConfig", &rc, err) < 0)
                return -1;
        if (!rc)
                return 0;
        if (mac_and_ips_from(rc, "runtimeConfig", req, err) < 0 ||
            osvif_json_dup_string(rc, "runtimeConfig", "deviceID", &req->device_id, err) < 0)
                return -1;
        return parse_annotations(rc, req, err);
}

static int parse_attachments(const cJSON *tree, struct osvif_cni_request *req, osvif_error_t *err)
{
        const char *key = "cni.dev/valid-attachments";
        const cJSON *list = NULL, *it;
        size_t n = 0;
        int r;

        if (!cJSON_HasObjectItem(tree, key))
                key = "cni.dev/attachments";
        r = osvif_json_get_array(tree, NULL, key, &list, err);
        if (r <= 0)
                return r;
        req->valid_attachments = calloc((size_t)cJSON_GetArraySize(list) + 1,
                                        sizeof(*req->valid_attachments));
        if (!req->valid_attachments)
                return osvif_error_oom(err);
        cJSON_ArrayForEach(it, list) {
                const cJSON *cid = cJSON_GetObjectItemCaseSensitive(it, "containerID");
                const cJSON *ifn = cJSON_GetObjectItemCaseSensitive(it, "ifname");

                if (!cJSON_IsString(cid) || !cJSON_IsString(ifn))
                        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                               "%s[%zu]: expected {\"containerID\": string, "
                                               "\"ifname\": string}",
                                               key, n);
                req->valid_attachments[n].container_id = strdup(cid->valuestring);
                req->valid_attachments[n].ifname = strdup(ifn->valuestring);
                req->n_valid_attachments = ++n;
                if (!req->valid_attachments[n - 1].container_id ||
                    !req->valid_attachments[n - 1].ifname)
                        return osvif_error_oom(err);
        }
        return 0;
}

static int parse_prev_result(const cJSON *tree, struct osvif_cni_request *req, osvif_error_t *err)
{
        const cJSON *prev = cJSON_GetObjectItemCaseSensitive(tree, "prevResult");

        if (!prev || cJSON_IsNull(prev))
                return 0;
        return osvif_cni_result_from_json(prev, req->version, "prevResult", &req->prev_result, err);
}

static int parse_conf(const cJSON *tree, struct osvif_cni_request *req, osvif_error_t *err)
{
        if (!cJSON_IsObject(tree))
                return osvif_error_set(err, OSVIF_CNI_ERR_DECODE, 0,
                                       "decode config: expected a JSON object, got %s",
                                       osvif_json_type_name(tree));
        if (pick_version(tree, req, err) < 0 || check_verb_version(req, err) < 0)
                return -1;
        if (osvif_json_dup_string(tree, NULL, "name", &req->name, err) < 0 ||
            osvif_cni_validate_network_name(req->name, "name", err) < 0 ||
            osvif_json_dup_string(tree, NULL, "type", &req->type, err) < 0)
                return -1;
        if (parse_ipam(tree, req, err) < 0 || parse_prev_result(tree, req, err) < 0 ||
            parse_runtime(tree, req, err) < 0)
                return -1;
        return req->verb == OSVIF_CNI_GC ? parse_attachments(tree, req, err) : 0;
}

/* VERSION reads nothing but the cniVersion, and tolerates anything else (skel ignores stdin). */
static void parse_version_only(const char *conf, size_t len, struct osvif_cni_request *req)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;
        _cleanup_cjson_ cJSON *tree = len ? osvif_json_parse(conf, len, &ignored) : NULL;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(tree, "cniVersion");
        int parsed = cJSON_IsString(v) ? osvif_cni_version_parse(v->valuestring) : -1;

        req->version = parsed >= 0 ? (enum osvif_cni_version)parsed : OSVIF_CNI_V_LATEST;
        osvif_error_clear(&ignored);
}

int osvif_cni_request_parse(char *const *envp, const char *conf, size_t conf_len,
                            struct osvif_cni_request **ret, cJSON **ret_tree,
                            enum osvif_cni_version *ret_version, osvif_error_t *err)
{
        _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *req = calloc(1, sizeof(*req));
        _cleanup_cjson_ cJSON *tree = NULL;
        int r;

        if (!req)
                return osvif_error_oom(err);
        req->version = OSVIF_CNI_V_LATEST;
        r = osvif_cni_request_parse_env(envp, req, err);
        if (r >= 0 && req->verb == OSVIF_CNI_VERSION) {
                parse_version_only(conf, conf_len, req);
        } else if (r >= 0) {
                req->conf_raw = malloc(conf_len + 1);
                if (!req->conf_raw)
                        return osvif_error_oom(err);
                memcpy(req->conf_raw, conf, conf_len);
                req->conf_raw[conf_len] = '\0';
                req->conf_len = conf_len;
                tree = osvif_json_parse(conf, conf_len, err);
                r = tree ? parse_conf(tree, req, err) : osvif_error_wrap(err, "decode config");
        }
        /* an error document carries the config's version once it is known */
        if (ret_version)
                *ret_version = req->version;
        if (r < 0)
                return -1;
        if (ret_tree)
                *ret_tree = TAKE_PTR(tree);
        *ret = TAKE_PTR(req);
        return 0;
}
