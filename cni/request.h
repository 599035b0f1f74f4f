/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_CNI_REQUEST_H
#define OSVIF_CNI_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "cni/result.h"
#include "cni/version.h"
#include "util/addr.h"
#include "util/cleanup.h"
#include "util/error.h"

/*
 * One CNI invocation: the environment, the network config on stdin and what the runtime
 * injected into it. Nothing here knows about os-vif or Linux; plugin-specific keys are
 * handed to the plugin's conf_parse callback while the JSON tree is alive.
 */

enum osvif_cni_verb {
        OSVIF_CNI_ADD,
        OSVIF_CNI_DEL,
        OSVIF_CNI_CHECK,
        OSVIF_CNI_GC,
        OSVIF_CNI_STATUS,
        OSVIF_CNI_VERSION,
};

/* "ADD", ...; and the reverse (-1 when unknown). */
const char *osvif_cni_verb_string(enum osvif_cni_verb v);
int osvif_cni_verb_parse(const char *s);

struct osvif_cni_kv {
        char *key;
        char *value;
};

struct osvif_cni_attachment {
        char *container_id;
        char *ifname;
};

struct osvif_cni_request {
        enum osvif_cni_verb verb;

        /* environment (NULL when unset) */
        char *container_id;
        char *netns;
        char *ifname;
        char **cni_path;               /* CNI_PATH split at ':'; empty vector when unset */
        struct osvif_cni_kv *cni_args; /* CNI_ARGS, in order */
        size_t n_cni_args;

        /* stdin, verbatim: delegated plugins get exactly this (the spec's "full config") */
        char *conf_raw;
        size_t conf_len;

        /* the generic keys of the network config */
        enum osvif_cni_version version; /* chosen from cniVersion / cniVersions */
        char *cni_version;              /* as written in the config */
        char *name;
        char *type;
        char *ipam_type;     /* NULL: no "ipam" section, or one without "type" (L2 only) */
        int ipam_timeout_ms; /* "ipamTimeout": bound of each IPAM call; 0 for the default */
        struct osvif_cni_result *prev_result; /* NULL when absent */

        /*
         * Per-attachment inputs, after precedence (runtimeConfig > args.cni > CNI_ARGS):
         * `mac` from runtimeConfig.mac / args.cni.mac / MAC=; `ips` from runtimeConfig.ips /
         * args.cni.ips / IP= (addresses, optionally with a prefix).
         */
        char *mac;
        struct osvif_ipnet *ips;
        size_t n_ips;
        char *device_id;                      /* runtimeConfig.deviceID */
        struct osvif_cni_kv *pod_annotations; /* runtimeConfig["io.kubernetes.cri.pod-annotations"] */
        size_t n_pod_annotations;

        /* GC: cni.dev/valid-attachments (or the older cni.dev/attachments) */
        struct osvif_cni_attachment *valid_attachments;
        size_t n_valid_attachments;

        /* our environment, for delegated plugins (NULL-terminated) */
        char **envp;
};

void osvif_cni_request_free(struct osvif_cni_request *req);
OSVIF_DEFINE_TRIVIAL_CLEANUP(struct osvif_cni_request *, osvif_cni_request_free)

/* The value of a CNI_ARGS key, or NULL. */
const char *osvif_cni_request_arg(const struct osvif_cni_request *req, const char *key);
/* The value of a pod annotation, or NULL. */
const char *osvif_cni_request_annotation(const struct osvif_cni_request *req, const char *key);
/* Whether (container_id, ifname) is in the GC valid list. */
bool osvif_cni_request_attachment_valid(const struct osvif_cni_request *req,
                                        const char *container_id, const char *ifname);

/*
 * Validation rules of libcni (pkg/utils): container id and network name
 * `^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$`; ifname 1..15 bytes, not "." or "..", no '/', ':' or
 * whitespace. Return 0 or -1 with *err (code 4 for env variables, 7 for the name), naming
 * the variable or field and the value.
 */
int osvif_cni_validate_container_id(const char *id, const char *what, osvif_error_t *err);
int osvif_cni_validate_ifname(const char *ifname, const char *what, osvif_error_t *err);
int osvif_cni_validate_network_name(const char *name, const char *what, osvif_error_t *err);

/*
 * The plugin, as the protocol layer sees it. conf_parse runs once per invocation (not for
 * VERSION) with the config tree, which it must not keep; it returns the plugin's config or
 * NULL with *err set. The verb handlers get the request and that config. `add` returns the
 * result to print; `del`, `check`, `gc` and `status` print nothing on success.
 */
struct osvif_cni_plugin {
        const char *name;
        const char *version;
        const char *about;
        void *(*conf_parse)(const cJSON *conf, const struct osvif_cni_request *req,
                            osvif_error_t *err);
        void (*conf_free)(void *conf);
        int (*add)(const struct osvif_cni_request *req, void *conf, struct osvif_cni_result **ret,
                   osvif_error_t *err);
        int (*del)(const struct osvif_cni_request *req, void *conf, osvif_error_t *err);
        int (*check)(const struct osvif_cni_request *req, void *conf, osvif_error_t *err);
        int (*gc)(const struct osvif_cni_request *req, void *conf, osvif_error_t *err);
        int (*status)(const struct osvif_cni_request *req, void *conf, osvif_error_t *err);
};

/* Stdin is read up to this many bytes; more is an error (code 6). */
#define OSVIF_CNI_MAX_CONFIG (1024 * 1024)

/*
 * Build the request from an environment and a config buffer: required variables per verb,
 * their validation, CNI_ARGS, the generic config keys, version negotiation (code 1 for an
 * unsupported cniVersion, for CHECK below 0.4.0 and for GC/STATUS below 1.1.0),
 * prevResult, runtimeConfig and args. On VERSION only CNI_COMMAND and the cniVersion are
 * read. The caller owns *ret (and *ret_tree when not NULL). *ret_version is set even on
 * failure: the version the error document should carry.
 */
int osvif_cni_request_parse(char *const *envp, const char *conf, size_t conf_len,
                            struct osvif_cni_request **ret, cJSON **ret_tree,
                            enum osvif_cni_version *ret_version, osvif_error_t *err);

/* The environment half of osvif_cni_request_parse(), on a zeroed request. */
int osvif_cni_request_parse_env(char *const *envp, struct osvif_cni_request *req,
                                osvif_error_t *err);

/*
 * CNI_ARGS "K=V;K=V": pairs in order. Unknown keys are an error (code 4) unless
 * IgnoreUnknown is 1/true; a pair without '=' or an empty key too. The caller owns *ret
 * (free each key and value, then the array).
 */
int osvif_cni_args_parse(const char *s, struct osvif_cni_kv **ret, size_t *ret_n,
                         osvif_error_t *err);
void osvif_cni_kv_free(struct osvif_cni_kv *kv, size_t n);

/*
 * Read stdin into a new NUL-terminated buffer, bounded by OSVIF_CNI_MAX_CONFIG.
 * Errors: code 5 (read failure), code 6 (too large).
 */
int osvif_cni_read_config(int fd, char **ret, size_t *ret_len, osvif_error_t *err);

/*
 * One whole CNI invocation: read the request (env + stdin), dispatch to the plugin and
 * render what goes to stdout: the result (ADD, converted to the request's version), the
 * VERSION document, or NULL when nothing is printed. On failure *err is set, and
 * *ret_version (if not NULL) holds the version the error document should carry.
 * The caller (main.c) alone writes stdout.
 */
int osvif_cni_run(const struct osvif_cni_plugin *plugin, char *const *envp, int stdin_fd,
                  char **ret_out, enum osvif_cni_version *ret_version, osvif_error_t *err);

/* `{cniVersion, code, msg, details}` for err. Heap string; never NULL unless out of memory. */
char *osvif_cni_error_json(const osvif_error_t *err, enum osvif_cni_version version);

/* The VERSION document for `version` (the request's cniVersion). Heap string. */
char *osvif_cni_version_json(enum osvif_cni_version version);

#endif
