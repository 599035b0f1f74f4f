/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cni/request.h"
#include "cni/version.h"
#include "conf.h"
#include "plan/mapping.h"
#include "plan/plan.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "vif/classes.h"

/*
 * Sub-commands for people. main.c only comes here when CNI_COMMAND is unset, so no runtime
 * reaches this code. Unlike the CNI path, these print to stdout and stderr freely.
 */

static const char usage[] =
        "Usage: osvif                      print name, version and CNI versions (as runtimes never "
        "call it)\n"
        "       osvif convert [--to primitive|native] [--manifest JSON|@FILE] [FILE|-]\n"
        "                                  an os-vif object from one form to the other\n"
        "       osvif validate [FILE|-]    check a VIF (native or primitive form)\n"
        "       osvif plan [FILE|-]        the steps an ADD of this network config would take,\n"
        "                                  as JSON; nothing is executed (CNI_CONTAINERID,\n"
        "                                  CNI_IFNAME, CNI_NETNS and CNI_ARGS are used when set)\n"
        "       osvif --help | --version\n"
        "\n"
        "As a CNI plugin, osvif is run by a container runtime with CNI_COMMAND set (ADD, DEL,\n"
        "CHECK, GC, STATUS, VERSION) and the network config on stdin. The config's \"vif\" is an\n"
        "os-vif VIF in the native form or in os-vif's serialized (primitive) form. See "
        "README.md.\n";

static int read_input(const char *file, char **ret, size_t *ret_len)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        _cleanup_close_ int fd = -1;

        if (file && strcmp(file, "-") != 0) {
                fd = open(file, O_RDONLY | O_CLOEXEC);
                if (fd < 0) {
                        fprintf(stderr, "osvif: %s: %s\n", file, strerror(errno));
                        return -1;
                }
        }
        if (osvif_cni_read_config(fd >= 0 ? fd : STDIN_FILENO, ret, ret_len, &err) < 0) {
                fprintf(stderr, "osvif: %s\n", err.msg);
                osvif_error_clear(&err);
                return -1;
        }
        return 0;
}

static cJSON *read_json(const char *file)
{
        _cleanup_free_ char *buf = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;
        size_t len = 0;
        cJSON *j;

        if (read_input(file, &buf, &len) < 0)
                return NULL;
        j = osvif_json_parse(buf, len, &err);
        if (!j) {
                fprintf(stderr, "osvif: %s\n", err.msg);
                osvif_error_clear(&err);
        }
        return j;
}

struct manifest_holder {
        cJSON *json;
        struct osvif_manifest_entry *entries;
        struct osvif_manifest m;
};

/* {"ClassName": "X.Y", ...}, given inline or as @file. */
static int load_manifest(const char *arg, struct manifest_holder *h)
{
        const cJSON *it;
        size_t n = 0;

        h->json = arg[0] == '@' ? read_json(arg + 1) : cJSON_Parse(arg);
        if (!cJSON_IsObject(h->json)) {
                fprintf(stderr, "osvif: --manifest: expected a JSON object {\"Class\": \"X.Y\"}\n");
                return -1;
        }
        h->entries = calloc((size_t)cJSON_GetArraySize(h->json) + 1, sizeof(*h->entries));
        if (!h->entries)
                return -1;
        cJSON_ArrayForEach(it, h->json) {
                if (!cJSON_IsString(it)) {
                        fprintf(stderr, "osvif: --manifest: %s: expected a version string\n",
                                it->string);
                        return -1;
                }
                h->entries[n].class_name = it->string;
                h->entries[n++].version = it->valuestring;
        }
        h->m.entries = h->entries;
        h->m.n_entries = n;
        return 0;
}

static int print_json(const cJSON *j)
{
        _cleanup_free_ char *s = cJSON_Print(j);

        if (!s)
                return 1;
        puts(s);
        return 0;
}

/* Any os-vif object: a primitive of any class, or a VIF in the native form. */
static struct osvif_obj *parse_any(const cJSON *j, osvif_error_t *err)
{
        struct osvif_obj *o = NULL;
        struct osvif_vif *vif = NULL;

        if (cJSON_HasObjectItem(j, "versioned_object.name")) {
                if (osvif_obj_from_primitive(j, "", &o, err) < 0)
                        return NULL;
                return o;
        }
        if (osvif_vif_from_native(j, "vif", &vif, err) < 0)
                return NULL;
        return &vif->obj;
}

static int cmd_convert(int argc, char **argv)
{
        struct manifest_holder mh = { 0 };
        osvif_error_t err = OSVIF_ERROR_INIT;
        _cleanup_cjson_ cJSON *in = NULL, *out = NULL;
        const char *to = "primitive", *file = NULL;
        struct osvif_obj *o = NULL;
        int rc = 1;

        for (int i = 2; i < argc; i++) {
                if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
                        to = argv[++i];
                else if (strcmp(argv[i], "--manifest") == 0 && i + 1 < argc) {
                        if (load_manifest(argv[++i], &mh) < 0)
                                goto out;
                } else
                        file = argv[i];
        }
        if (strcmp(to, "primitive") != 0 && strcmp(to, "native") != 0) {
                fprintf(stderr, "osvif: --to: \"%s\" is not \"primitive\" or \"native\"\n", to);
                goto out;
        }
        in = read_json(file);
        o = in ? parse_any(in, &err) : NULL;
        if (o)
                out = strcmp(to, "native") == 0
                              ? osvif_obj_to_native(o, &err)
                              : osvif_obj_to_primitive(o, mh.json ? &mh.m : NULL, &err);
        if (out)
                rc = print_json(out);
        else if (err.msg)
                fprintf(stderr, "osvif: %s\n", err.msg);
out:
        osvif_obj_free(o);
        osvif_error_clear(&err);
        cJSON_Delete(mh.json);
        free(mh.entries);
        return rc;
}

/* What a person may want to see of a VIF besides its type: the mode of the types that have one. */
static void print_mode(const struct osvif_vif *vif)
{
        if (vif->type == OSVIF_VIF_DIRECT && osvif_obj_is_set(&vif->obj, "mode"))
                printf(", mode %s", osvif_direct_mode_name(vif->mode_direct));
        else if (vif->type == OSVIF_VIF_VHOSTUSER && osvif_obj_is_set(&vif->obj, "mode"))
                printf(", mode %s", osvif_vhostuser_mode_name(vif->mode_vhostuser));
        else if (vif->type == OSVIF_VIF_HOSTDEVICE && osvif_obj_is_set(&vif->obj, "dev_type"))
                printf(", dev_type %s", osvif_hostdev_type_name(vif->dev_type));
}

static int cmd_validate(int argc, char **argv)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        _cleanup_cjson_ cJSON *in = read_json(argc > 2 ? argv[2] : NULL);
        const struct osvif_mapping_row *row = NULL;
        struct osvif_vif *vif = NULL;

        if (!in)
                return 1;
        if (osvif_vif_from_json(in, "vif", &vif, &err) < 0 ||
            osvif_mapping_check(vif, "vif", &row, &err) < 0) {
                fprintf(stderr, "osvif: invalid (code %d): %s\n", err.code, err.msg);
                osvif_error_clear(&err);
                osvif_vif_free(vif);
                return 1;
        }
        printf("valid: %s%s%s", osvif_vif_type_name(vif->type), vif->port_profile ? " with " : "",
               vif->port_profile ? osvif_profile_type_name(vif->port_profile->type) : "");
        print_mode(vif);
        printf("%s\n", row->build ? "" : " (not served by this version: ADD answers code 110)");
        osvif_vif_free(vif);
        return 0;
}

/*
 * The environment of an ADD as a runtime would give it, from ours where set: NAME=value
 * strings of any length in `bufs` (the caller frees them), pointed to by env. -1 on ENOMEM.
 */
static int plan_env(char *env[7], char *bufs[5])
{
        static const char *const vars[5][2] = {
                { "CNI_CONTAINERID", "example" },
                { "CNI_IFNAME", "eth0" },
                { "CNI_NETNS", "/run/netns/example" },
                { "CNI_PATH", "/opt/cni/bin" },
                { "CNI_ARGS", "" },
        };
        static char add[] = "CNI_COMMAND=ADD";
        int n = 0;

        env[n++] = add;
        for (int i = 0; i < 5; i++) {
                const char *v = getenv(vars[i][0]);

                bufs[i] = NULL;
                if (!v && !*vars[i][1])
                        continue;
                if (asprintf(&bufs[i], "%s=%s", vars[i][0], v ? v : vars[i][1]) < 0) {
                        bufs[i] = NULL;
                        return -1;
                }
                env[n++] = bufs[i];
        }
        env[n] = NULL;
        return 0;
}

static int cmd_plan(int argc, char **argv)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        _cleanup_free_ char *buf = NULL;
        struct osvif_cni_request *req = NULL;
        struct osvif_conf *conf = NULL;
        _cleanup_(osvif_plan_freep) struct osvif_plan *plan = NULL;
        _cleanup_cjson_ cJSON *out = NULL;
        enum osvif_cni_version v;
        char *bufs[5] = { NULL }, *env[7];
        cJSON *tree = NULL;
        size_t len = 0;
        int rc = 1;

        if (read_input(argc > 2 ? argv[2] : NULL, &buf, &len) < 0)
                return 1;
        if (plan_env(env, bufs) < 0)
                osvif_error_set(&err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        else if (osvif_cni_request_parse(env, buf, len, &req, &tree, &v, &err) == 0) {
                /* for an ADD, the parse refuses a config that yields no VIF */
                conf = osvif_conf_parse(tree, req, &err);
                if (conf && osvif_plan_build(req, conf, conf->vif, &plan, &err) == 0)
                        out = osvif_plan_to_json(plan);
        }
        if (out)
                rc = print_json(out);
        else
                fprintf(stderr, "osvif: invalid (code %d): %s\n", err.code,
                        err.msg ? err.msg : "out of memory");
        cJSON_Delete(tree);
        osvif_conf_free(conf);
        osvif_cni_request_free(req);
        osvif_error_clear(&err);
        for (int i = 0; i < 5; i++)
                free(bufs[i]);
        return rc;
}

int osvif_cli_main(int argc, char **argv)
{
        const char *cmd = argv[1];

        if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
                fputs(usage, stdout);
                return 0;
        }
        if (strcmp(cmd, "--version") == 0) {
                printf("osvif %s (CNI", PACKAGE_VERSION);
                for (int v = 0; v < OSVIF_CNI_V_COUNT; v++)
                        printf(" %s", osvif_cni_version_string(v));
                puts(")");
                return 0;
        }
        if (strcmp(cmd, "convert") == 0)
                return cmd_convert(argc, argv);
        if (strcmp(cmd, "validate") == 0)
                return cmd_validate(argc, argv);
        if (strcmp(cmd, "plan") == 0)
                return cmd_plan(argc, argv);
        fprintf(stderr, "osvif: unknown command \"%s\"\n%s", cmd, usage);
        return 2;
}
