/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni/request.h"
#include "util/cleanup.h"
#include "util/json.h"

/* One CNI invocation end to end, short of writing stdout (main.c's job). */

int osvif_cni_read_config(int fd, char **ret, size_t *ret_len, osvif_error_t *err)
{
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 0;

        for (;;) {
                ssize_t n;

                if (cap - len < 4096) {
                        /* one byte past the limit tells "too large" from "exactly full" */
                        size_t ncap = cap ? cap * 2 : 16384;
                        char *nb;

                        if (ncap > OSVIF_CNI_MAX_CONFIG + 2)
                                ncap = OSVIF_CNI_MAX_CONFIG + 2;
                        nb = realloc(buf, ncap);
                        if (!nb)
                                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM,
                                                       "out of memory");
                        buf = nb;
                        cap = ncap;
                }
                n = read(fd, buf + len, cap - len - 1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return osvif_error_set_errno(err, OSVIF_CNI_ERR_IO, errno,
                                                     "read config from stdin");
                if (n == 0)
                        break;
                len += (size_t)n;
                if (len > OSVIF_CNI_MAX_CONFIG)
                        return osvif_error_set(err, OSVIF_CNI_ERR_DECODE, 0,
                                               "decode config: larger than %d bytes",
                                               OSVIF_CNI_MAX_CONFIG);
        }
        if (!buf && !(buf = malloc(1)))
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        buf[len] = '\0';
        *ret = TAKE_PTR(buf);
        *ret_len = len;
        return 0;
}

char *osvif_cni_version_json(enum osvif_cni_version version)
{
        _cleanup_cjson_ cJSON *o = cJSON_CreateObject();
        cJSON *list = cJSON_CreateArray();

        if (!o || osvif_json_add_string(o, "cniVersion", osvif_cni_version_string(version)) < 0 ||
            osvif_json_add_item(o, "supportedVersions", list) < 0)
                return NULL;
        for (int v = 0; v < OSVIF_CNI_V_COUNT; v++)
                if (osvif_json_append(list, cJSON_CreateString(osvif_cni_version_string(v))) < 0)
                        return NULL;
        return osvif_json_print(o);
}

char *osvif_cni_error_json(const osvif_error_t *err, enum osvif_cni_version version)
{
        _cleanup_cjson_ cJSON *o = cJSON_CreateObject();
        int code = err->code > 0 ? err->code : OSVIF_ERR_INTERNAL;

        if (!o || osvif_json_add_string(o, "cniVersion", osvif_cni_version_string(version)) < 0 ||
            osvif_json_add_int(o, "code", code) < 0 ||
            osvif_json_add_string(o, "msg", err->msg ? err->msg : "unknown error") < 0 ||
            osvif_json_add_string(o, "details",
                                  err->details && *err->details ? err->details : NULL) < 0)
                return NULL;
        return osvif_json_print(o);
}

static int dispatch(const struct osvif_cni_plugin *p, const struct osvif_cni_request *req,
                    void *conf, char **ret_out, osvif_error_t *err)
{
        _cleanup_(osvif_cni_result_freep) struct osvif_cni_result *result = NULL;
        _cleanup_cjson_ cJSON *doc = NULL;

        switch (req->verb) {
        case OSVIF_CNI_ADD:
                if (p->add(req, conf, &result, err) < 0)
                        return -1;
                doc = osvif_cni_result_to_json(result, req->version, err);
                if (!doc)
                        return -1;
                *ret_out = osvif_json_print(doc);
                return *ret_out ? 0
                                : osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        case OSVIF_CNI_DEL:
                return p->del(req, conf, err);
        case OSVIF_CNI_CHECK:
                return p->check(req, conf, err);
        case OSVIF_CNI_GC:
                return p->gc(req, conf, err);
        case OSVIF_CNI_STATUS:
                return p->status(req, conf, err);
        case OSVIF_CNI_VERSION:
                break;
        }
        return osvif_error_set(err, OSVIF_ERR_INTERNAL, 0, "no handler for %s",
                               osvif_cni_verb_string(req->verb));
}

static bool is_version(char *const *envp)
{
        for (size_t i = 0; envp && envp[i]; i++)
                if (strcmp(envp[i], "CNI_COMMAND=VERSION") == 0)
                        return true;
        return false;
}

int osvif_cni_run(const struct osvif_cni_plugin *plugin, char *const *envp, int stdin_fd,
                  char **ret_out, enum osvif_cni_version *ret_version, osvif_error_t *err)
{
        _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *req = NULL;
        _cleanup_free_ char *conf = NULL;
        _cleanup_cjson_ cJSON *tree = NULL;
        enum osvif_cni_version version = OSVIF_CNI_V_LATEST;
        size_t len = 0;
        void *pconf;
        int r;

        *ret_version = OSVIF_CNI_V_LATEST;
        /* VERSION by hand must not wait for a config typed on a terminal */
        if (isatty(stdin_fd) && is_version(envp))
                conf = strdup("");
        else if (osvif_cni_read_config(stdin_fd, &conf, &len, err) < 0)
                return -1;
        if (!conf)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        r = osvif_cni_request_parse(envp, conf, len, &req, &tree, &version, err);
        *ret_version = version;
        if (r < 0)
                return -1;
        if (req->verb == OSVIF_CNI_VERSION) {
                *ret_out = osvif_cni_version_json(req->version);
                return *ret_out ? 0
                                : osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        }
        /* the plugin reads its keys now; no JSON tree lives past this point */
        pconf = plugin->conf_parse(tree, req, err);
        cJSON_Delete(TAKE_PTR(tree));
        if (!pconf)
                return -1;
        r = dispatch(plugin, req, pconf, ret_out, err);
        plugin->conf_free(pconf);
        return r;
}
