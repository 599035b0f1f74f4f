/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cni/request.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"

/*
 * The environment half of a request: CNI_* variables, their validation and CNI_ARGS.
 * The config half is in request_conf.c.
 */

static const char *const verb_names[] = {
        [OSVIF_CNI_ADD] = "ADD", [OSVIF_CNI_DEL] = "DEL",       [OSVIF_CNI_CHECK] = "CHECK",
        [OSVIF_CNI_GC] = "GC",   [OSVIF_CNI_STATUS] = "STATUS", [OSVIF_CNI_VERSION] = "VERSION",
};

const char *osvif_cni_verb_string(enum osvif_cni_verb v)
{
        return (unsigned)v < ARRAY_SIZE(verb_names) ? verb_names[v] : "?";
}

int osvif_cni_verb_parse(const char *s)
{
        for (size_t i = 0; s && i < ARRAY_SIZE(verb_names); i++)
                if (strcmp(s, verb_names[i]) == 0)
                        return (int)i;
        return -1;
}

void osvif_cni_kv_free(struct osvif_cni_kv *kv, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(kv[i].key);
                free(kv[i].value);
        }
        free(kv);
}

void osvif_cni_request_free(struct osvif_cni_request *req)
{
        if (!req)
                return;
        free(req->container_id);
        free(req->netns);
        free(req->ifname);
        osvif_strv_free(req->cni_path);
        osvif_cni_kv_free(req->cni_args, req->n_cni_args);
        free(req->conf_raw);
        free(req->cni_version);
        free(req->name);
        free(req->type);
        free(req->ipam_type);
        osvif_cni_result_free(req->prev_result);
        free(req->mac);
        free(req->ips);
        free(req->device_id);
        osvif_cni_kv_free(req->pod_annotations, req->n_pod_annotations);
        for (size_t i = 0; i < req->n_valid_attachments; i++) {
                free(req->valid_attachments[i].container_id);
                free(req->valid_attachments[i].ifname);
        }
        free(req->valid_attachments);
        osvif_strv_free(req->envp);
        free(req);
}

const char *osvif_cni_request_arg(const struct osvif_cni_request *req, const char *key)
{
        for (size_t i = 0; i < req->n_cni_args; i++)
                if (strcmp(req->cni_args[i].key, key) == 0)
                        return req->cni_args[i].value;
        return NULL;
}

const char *osvif_cni_request_annotation(const struct osvif_cni_request *req, const char *key)
{
        for (size_t i = 0; i < req->n_pod_annotations; i++)
                if (strcmp(req->pod_annotations[i].key, key) == 0)
                        return req->pod_annotations[i].value;
        return NULL;
}

bool osvif_cni_request_attachment_valid(const struct osvif_cni_request *req,
                                        const char *container_id, const char *ifname)
{
        for (size_t i = 0; i < req->n_valid_attachments; i++)
                if (strcmp(req->valid_attachments[i].container_id, container_id) == 0 &&
                    strcmp(req->valid_attachments[i].ifname, ifname) == 0)
                        return true;
        return false;
}

/* ---- validation (libcni pkg/utils) ---- */

static bool valid_id_chars(const char *s)
{
        if (!isalnum((unsigned char)s[0]) || (unsigned char)s[0] > 127)
                return false;
        for (const char *p = s; *p; p++) {
                unsigned char c = (unsigned char)*p;

                if (c > 127 || !(isalnum(c) || c == '_' || c == '.' || c == '-'))
                        return false;
        }
        return true;
}

/* Container ids and network names follow one rule; only the code of a bad one differs. */
static int validate_id(const char *id, const char *what, int code, osvif_error_t *err)
{
        if (!id || !*id)
                return osvif_error_set(err, code, 0, "%s: missing", what);
        if (!valid_id_chars(id))
                return osvif_error_set(err, code, 0,
                                       "%s: invalid characters in \"%s\" (allowed: "
                                       "[a-zA-Z0-9][a-zA-Z0-9_.-]*)",
                                       what, id);
        return 0;
}

int osvif_cni_validate_container_id(const char *id, const char *what, osvif_error_t *err)
{
        return validate_id(id, what, OSVIF_CNI_ERR_INVALID_ENV, err);
}

int osvif_cni_validate_network_name(const char *name, const char *what, osvif_error_t *err)
{
        return validate_id(name, what, OSVIF_CNI_ERR_INVALID_CONFIG, err);
}

int osvif_cni_validate_ifname(const char *ifname, const char *what, osvif_error_t *err)
{
        if (!ifname || !*ifname)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_ENV, 0, "%s: missing", what);
        if (strlen(ifname) > 15)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_ENV, 0,
                                       "%s: \"%s\" is longer than 15 characters", what, ifname);
        if (strcmp(ifname, ".") == 0 || strcmp(ifname, "..") == 0)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_ENV, 0,
                                       "%s: \"%s\" is not an interface name", what, ifname);
        for (const char *p = ifname; *p; p++)
                if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
                        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_ENV, 0,
                                               "%s: \"%s\" contains '/', ':' or white space", what,
                                               ifname);
        return 0;
}

/* ---- CNI_ARGS ---- */

static const char *const known_args[] = {
        "IgnoreUnknown",     "IP",           "MAC",
        "K8S_POD_NAMESPACE", "K8S_POD_NAME", "K8S_POD_INFRA_CONTAINER_ID",
        "K8S_POD_UID",       NULL,
};

static int parse_bool_arg(const char *v, bool *ret)
{
        if (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0)
                *ret = true;
        else if (strcmp(v, "0") == 0 || strcasecmp(v, "false") == 0)
                *ret = false;
        else
                return -1;
        return 0;
}

static int push_kv(struct osvif_cni_kv **kv, size_t *n, const char *k, size_t klen, const char *v)
{
        struct osvif_cni_kv *a = realloc(*kv, (*n + 1) * sizeof(**kv));

        if (!a)
                return -ENOMEM;
        *kv = a;
        a[*n].key = strndup(k, klen);
        a[*n].value = strdup(v);
        (*n)++;
        return a[*n - 1].key && a[*n - 1].value ? 0 : -ENOMEM;
}

int osvif_cni_args_parse(const char *s, struct osvif_cni_kv **ret, size_t *ret_n,
                         osvif_error_t *err)
{
        _cleanup_strv_ char **pairs = osvif_strv_split(s ? s : "", ";");
        struct osvif_cni_kv *kv = NULL;
        bool ignore_unknown = false;
        size_t n = 0;

        if (!pairs)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        for (size_t i = 0; pairs[i]; i++) {
                const char *eq = strchr(pairs[i], '=');

                if (!eq || eq == pairs[i]) {
                        osvif_cni_kv_free(kv, n);
                        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_ENV, 0,
                                               "CNI_ARGS: \"%s\" is not a KEY=VALUE pair",
                                               pairs[i]);
                }
                if (push_kv(&kv, &n, pairs[i], (size_t)(eq - pairs[i]), eq + 1) < 0) {
                        osvif_cni_kv_free(kv, n);
                        return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
                }
                if (strcmp(kv[n - 1].key, "IgnoreUnknown") == 0 &&
                    parse_bool_arg(kv[n - 1].value, &ignore_unknown) < 0) {
                        int r = osvif_error_set(err, OSVIF_CNI_ERR_INVALID_ENV, 0,
                                                "CNI_ARGS: IgnoreUnknown=\"%s\" is not one of 1, "
                                                "true, 0, false",
                                                kv[n - 1].value);
                        osvif_cni_kv_free(kv, n);
                        return r;
                }
        }
        for (size_t i = 0; !ignore_unknown && i < n; i++)
                if (!osvif_strv_contains((char *const *)known_args, kv[i].key)) {
                        int r = osvif_error_set(err, OSVIF_CNI_ERR_INVALID_ENV, 0,
                                                "CNI_ARGS: unknown key \"%s\" (set "
                                                "IgnoreUnknown=1 to ignore it)",
                                                kv[i].key);
                        osvif_cni_kv_free(kv, n);
                        return r;
                }
        *ret = kv;
        *ret_n = n;
        return 0;
}

/* ---- the environment ---- */

static const char *env_get(char *const *envp, const char *name)
{
        size_t len = strlen(name);

        for (size_t i = 0; envp && envp[i]; i++)
                if (strncmp(envp[i], name, len) == 0 && envp[i][len] == '=')
                        return envp[i] + len + 1;
        return NULL;
}

static int dup_env(char *const *envp, const char *name, char **ret, osvif_error_t *err)
{
        const char *v = env_get(envp, name);

        if (!v || !*v)
                return 0;
        *ret = strdup(v);
        return *ret ? 1 : osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
}

/* Which variables each verb needs (SPEC.md §2; DEL may come without CNI_NETNS). */
static int check_required(const struct osvif_cni_request *req, bool has_path, osvif_error_t *err)
{
        bool attach = req->verb == OSVIF_CNI_ADD || req->verb == OSVIF_CNI_CHECK ||
                      req->verb == OSVIF_CNI_DEL;

        if (attach && !req->container_id)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_ENV, 0,
                                       "CNI_CONTAINERID: missing, %s needs it",
                                       osvif_cni_verb_string(req->verb));
        if (attach && req->verb != OSVIF_CNI_DEL && !req->netns)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_ENV, 0,
                                       "CNI_NETNS: missing, %s needs it",
                                       osvif_cni_verb_string(req->verb));
        if (attach && !req->ifname)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_ENV, 0,
                                       "CNI_IFNAME: missing, %s needs it",
                                       osvif_cni_verb_string(req->verb));
        if (req->verb == OSVIF_CNI_GC && !has_path)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_ENV, 0,
                                       "CNI_PATH: missing, GC needs it");
        if (req->container_id &&
            osvif_cni_validate_container_id(req->container_id, "CNI_CONTAINERID", err) < 0)
                return -1;
        if (req->ifname && osvif_cni_validate_ifname(req->ifname, "CNI_IFNAME", err) < 0)
                return -1;
        return 0;
}

int osvif_cni_request_parse_env(char *const *envp, struct osvif_cni_request *req,
                                osvif_error_t *err)
{
        const char *cmd = env_get(envp, "CNI_COMMAND");
        const char *path = env_get(envp, "CNI_PATH");
        int verb = osvif_cni_verb_parse(cmd);

        if (!cmd || !*cmd)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_ENV, 0, "CNI_COMMAND: missing");
        if (verb < 0)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_ENV, 0,
                                       "CNI_COMMAND: unknown command \"%s\" (one of ADD, DEL, "
                                       "CHECK, GC, STATUS, VERSION)",
                                       cmd);
        req->verb = (enum osvif_cni_verb)verb;
        if (req->verb == OSVIF_CNI_VERSION)
                return 0;
        if (dup_env(envp, "CNI_CONTAINERID", &req->container_id, err) < 0 ||
            dup_env(envp, "CNI_NETNS", &req->netns, err) < 0 ||
            dup_env(envp, "CNI_IFNAME", &req->ifname, err) < 0)
                return -1;
        req->cni_path = osvif_strv_split(path ? path : "", ":");
        if (!req->cni_path)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        if (check_required(req, path && *path, err) < 0)
                return -1;
        if (osvif_cni_args_parse(env_get(envp, "CNI_ARGS"), &req->cni_args, &req->n_cni_args, err) <
            0)
                return -1;
        req->envp = NULL;
        for (size_t i = 0; envp && envp[i]; i++)
                if (osvif_strv_push(&req->envp, envp[i]) < 0)
                        return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        return 0;
}
