/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <string.h>

#include "cni/request.h"
#include "cni/version.h"
#include "helpers.h"
#include "util/cleanup.h"

#define CONF(extra) "{\"cniVersion\":\"1.1.0\",\"name\":\"net\",\"type\":\"osvif\"" extra "}"

static char *env_add[] = { "CNI_COMMAND=ADD",
                           "CNI_CONTAINERID=c1",
                           "CNI_NETNS=/run/netns/p",
                           "CNI_IFNAME=eth0",
                           "CNI_PATH=/usr/lib/cni:/opt/cni/bin",
                           NULL };

static int parse(char **envp, const char *conf, struct osvif_cni_request **req, osvif_error_t *err)
{
        enum osvif_cni_version v;
        cJSON *tree = NULL;
        int r = osvif_cni_request_parse(envp, conf, strlen(conf), req, &tree, &v, err);

        cJSON_Delete(tree);
        return r;
}

static void assert_refused(char **envp, const char *conf, int code, const char *needle)
{
        struct osvif_cni_request *req = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(parse(envp, conf, &req, &err), -1, "accepted: %s", conf);
        cr_assert_null(req, "no request on failure");
        cr_assert_eq(err.code, code, "%s", err.msg);
        cr_assert(strstr(err.msg, needle), "\"%s\" not in \"%s\"", needle, err.msg);
        osvif_error_clear(&err);
}

Test(version, parses_exactly_the_published_versions)
{
        cr_assert_eq(osvif_cni_version_parse("0.3.1"), OSVIF_CNI_V031);
        cr_assert_eq(osvif_cni_version_parse("1.1.0"), OSVIF_CNI_V110);
        cr_assert_eq(osvif_cni_version_parse("1.1"), -1);
        cr_assert_eq(osvif_cni_version_parse("0.5.0"), -1);
        cr_assert_str_eq(osvif_cni_version_string(OSVIF_CNI_V040), "0.4.0");
}

Test(version, compares_numerically)
{
        bool ok;

        cr_assert_lt(osvif_cni_version_compare("0.4.0", "0.10.0", &ok), 0);
        cr_assert(ok);
        cr_assert_eq(osvif_cni_version_compare("1.1", "1.1.0", &ok), 0);
        osvif_cni_version_compare("1.x", "1.0", &ok);
        cr_assert_not(ok);
}

Test(request, reads_environment_and_config)
{
        _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *req = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(parse(env_add, CONF(",\"ipam\":{\"type\":\"host-local\"}"), &req, &err), 0,
                     "%s", err.msg);
        cr_assert_eq(req->verb, OSVIF_CNI_ADD);
        cr_assert_str_eq(req->container_id, "c1");
        cr_assert_str_eq(req->netns, "/run/netns/p");
        cr_assert_str_eq(req->ifname, "eth0");
        cr_assert_str_eq(req->cni_path[1], "/opt/cni/bin");
        cr_assert_str_eq(req->name, "net");
        cr_assert_str_eq(req->ipam_type, "host-local");
        cr_assert_eq(req->version, OSVIF_CNI_V110);
        cr_assert_eq(req->conf_len, strlen(CONF(",\"ipam\":{\"type\":\"host-local\"}")));
        cr_assert_not_null(req->envp);
}

Test(request, requires_variables_per_verb)
{
        char *add_no_netns[] = { "CNI_COMMAND=ADD", "CNI_CONTAINERID=c1", "CNI_IFNAME=eth0", NULL };
        char *check_no_if[] = { "CNI_COMMAND=CHECK", "CNI_CONTAINERID=c1", "CNI_NETNS=/x", NULL };
        char *gc_no_path[] = { "CNI_COMMAND=GC", NULL };
        char *del_no_netns[] = { "CNI_COMMAND=DEL", "CNI_CONTAINERID=c1", "CNI_IFNAME=eth0", NULL };
        char *status[] = { "CNI_COMMAND=STATUS", NULL };
        char *none[] = { NULL };
        struct osvif_cni_request *req = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        assert_refused(add_no_netns, CONF(""), 4, "CNI_NETNS");
        assert_refused(check_no_if, CONF(""), 4, "CNI_IFNAME");
        assert_refused(gc_no_path, CONF(""), 4, "CNI_PATH");
        assert_refused(none, CONF(""), 4, "CNI_COMMAND");
        cr_assert_eq(parse(del_no_netns, CONF(""), &req, &err), 0, "DEL needs no netns: %s",
                     err.msg);
        osvif_cni_request_free(req);
        req = NULL;
        cr_assert_eq(parse(status, CONF(""), &req, &err), 0, "STATUS needs only the command: %s",
                     err.msg);
        osvif_cni_request_free(req);
}

Test(request, validates_names_as_libcni_does)
{
        char *bad_id[] = { "CNI_COMMAND=DEL", "CNI_CONTAINERID=_x", "CNI_IFNAME=eth0", NULL };
        char *long_if[] = { "CNI_COMMAND=DEL", "CNI_CONTAINERID=x", "CNI_IFNAME=0123456789abcdef",
                            NULL };
        char *ok_id[] = { "CNI_COMMAND=DEL", "CNI_CONTAINERID=a-b_c.d9", "CNI_IFNAME=net1", NULL };
        struct osvif_cni_request *req = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        assert_refused(bad_id, CONF(""), 4, "\"_x\"");
        assert_refused(long_if, CONF(""), 4, "longer than 15");
        assert_refused(ok_id, "{\"cniVersion\":\"1.0.0\",\"name\":\"bad name\"}", 7,
                       "\"bad name\"");
        cr_assert_eq(parse(ok_id, CONF(""), &req, &err), 0, "%s", err.msg);
        osvif_cni_request_free(req);
}

Test(request, negotiates_versions)
{
        char *check[] = { "CNI_COMMAND=CHECK", "CNI_CONTAINERID=c", "CNI_NETNS=/x", "CNI_IFNAME=e",
                          NULL };
        char *gc[] = { "CNI_COMMAND=GC", "CNI_PATH=/x", NULL };
        _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *req = NULL;
        struct osvif_cni_request *old = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        assert_refused(env_add, "{\"cniVersion\":\"0.5.0\",\"name\":\"n\"}", 1, "\"0.5.0\"");
        assert_refused(check, "{\"cniVersion\":\"0.3.1\",\"name\":\"n\"}", 1, "CHECK");
        assert_refused(gc, "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}", 1, "GC");
        /* the highest of cniVersion and cniVersions that we support; newer entries ignored */
        cr_assert_eq(parse(env_add,
                           "{\"cniVersion\":\"0.4.0\",\"cniVersions\":[\"1.0.0\",\"2.0.0\"],"
                           "\"name\":\"n\"}",
                           &req, &err),
                     0, "%s", err.msg);
        cr_assert_eq(req->version, OSVIF_CNI_V100);
        /* no cniVersion at all is 0.1.0 */
        cr_assert_eq(parse(env_add, "{\"name\":\"n\"}", &old, &err), 0, "%s", err.msg);
        cr_assert_eq(old->version, OSVIF_CNI_V010);
        osvif_cni_request_free(old);
}

Test(request, parses_cni_args)
{
        struct osvif_cni_kv *kv = NULL;
        size_t n = 0;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_cni_args_parse("IgnoreUnknown=1;FOO=bar;K8S_POD_NAME=p;X=a=b", &kv, &n,
                                          &err),
                     0);
        cr_assert_eq(n, 4);
        cr_assert_str_eq(kv[1].key, "FOO");
        cr_assert_str_eq(kv[3].value, "a=b", "only the first '=' splits");
        osvif_cni_kv_free(kv, n);
        cr_assert_eq(osvif_cni_args_parse("FOO=bar", &kv, &n, &err), -1);
        cr_assert(strstr(err.msg, "\"FOO\""), "%s", err.msg);
        cr_assert_eq(err.code, 4);
        osvif_error_clear(&err);
        cr_assert_eq(osvif_cni_args_parse("IgnoreUnknown=false;FOO=1", &kv, &n, &err), -1);
        osvif_error_clear(&err);
        cr_assert_eq(osvif_cni_args_parse("=x", &kv, &n, &err), -1);
        osvif_error_clear(&err);
        cr_assert_eq(osvif_cni_args_parse("", &kv, &n, &err), 0);
        cr_assert_eq(n, 0);
        osvif_cni_kv_free(kv, n);
}

Test(request, runtime_config_wins_over_args_which_win_over_cni_args)
{
        char *env[] = { "CNI_COMMAND=ADD",
                        "CNI_CONTAINERID=c1",
                        "CNI_NETNS=/x",
                        "CNI_IFNAME=eth0",
                        "CNI_ARGS=MAC=02:00:00:00:00:01;IP=10.0.0.9",
                        NULL };
        struct osvif_cni_request *req = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(parse(env, CONF(""), &req, &err), 0, "%s", err.msg);
        cr_assert_str_eq(req->mac, "02:00:00:00:00:01");
        cr_assert_eq(req->n_ips, 1);
        cr_assert_eq(req->ips[0].prefixlen, 32);
        osvif_cni_request_free(req);
        cr_assert_eq(parse(env,
                           CONF(",\"args\":{\"cni\":{\"mac\":\"02:00:00:00:00:02\",\"ips\":[\"10.0."
                                "0.10/24\"]}}"),
                           &req, &err),
                     0, "%s", err.msg);
        cr_assert_str_eq(req->mac, "02:00:00:00:00:02");
        cr_assert_eq(req->ips[0].prefixlen, 24);
        osvif_cni_request_free(req);
        cr_assert_eq(parse(env,
                           CONF(",\"args\":{\"cni\":{\"mac\":\"02:00:00:00:00:02\"}},"
                                "\"runtimeConfig\":{\"mac\":\"02:00:00:00:00:03\",\"ips\":[\"fd00::"
                                "3/64\",\"10.1.1.1/16\"],"
                                "\"deviceID\":\"0000:03:00.4\","
                                "\"io.kubernetes.cri.pod-annotations\":{\"a\":\"1\",\"b\":\"2\"}}"),
                           &req, &err),
                     0, "%s", err.msg);
        cr_assert_str_eq(req->mac, "02:00:00:00:00:03");
        cr_assert_eq(req->n_ips, 2);
        cr_assert_eq(req->ips[0].ip.family, AF_INET6);
        cr_assert_str_eq(req->device_id, "0000:03:00.4");
        cr_assert_str_eq(osvif_cni_request_annotation(req, "b"), "2");
        cr_assert_null(osvif_cni_request_annotation(req, "c"));
        osvif_cni_request_free(req);
}

Test(request, reads_prev_result_of_any_version)
{
        _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *req = NULL;
        struct osvif_cni_request *old = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(parse(env_add,
                           CONF(",\"prevResult\":{\"cniVersion\":\"1.1.0\",\"interfaces\":[{"
                                "\"name\":\"eth0\","
                                "\"sandbox\":\"/"
                                "x\"}],\"ips\":[{\"interface\":0,\"address\":\"10.0.0.2/24\"}]}"),
                           &req, &err),
                     0, "%s", err.msg);
        cr_assert_not_null(req->prev_result);
        cr_assert_eq(req->prev_result->n_ips, 1);
        cr_assert_eq(req->prev_result->ips[0].interface, 0);
        cr_assert_eq(parse(env_add,
                           "{\"cniVersion\":\"0.2.0\",\"name\":\"n\",\"prevResult\":{\"ip4\":{"
                           "\"ip\":\"10.0.0.2/24\"}}}",
                           &old, &err),
                     0, "%s", err.msg);
        cr_assert_eq(old->prev_result->version, OSVIF_CNI_V020,
                     "the config's version when the result has none");
        cr_assert_eq(old->prev_result->n_ips, 1);
        osvif_cni_request_free(old);
}

Test(request, reads_gc_attachments_under_both_keys)
{
        char *gc[] = { "CNI_COMMAND=GC", "CNI_PATH=/x", NULL };
        struct osvif_cni_request *req = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(
                parse(gc,
                      CONF(",\"cni.dev/"
                           "valid-attachments\":[{\"containerID\":\"a\",\"ifname\":\"eth0\"}]"),
                      &req, &err),
                0, "%s", err.msg);
        cr_assert(osvif_cni_request_attachment_valid(req, "a", "eth0"));
        cr_assert_not(osvif_cni_request_attachment_valid(req, "a", "eth1"));
        osvif_cni_request_free(req);
        cr_assert_eq(parse(gc,
                           CONF(",\"cni.dev/"
                                "attachments\":[{\"containerID\":\"b\",\"ifname\":\"net1\"}]"),
                           &req, &err),
                     0, "%s", err.msg);
        cr_assert(osvif_cni_request_attachment_valid(req, "b", "net1"));
        osvif_cni_request_free(req);
}

Test(request, error_and_version_documents)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        char *s;
        cJSON *j;

        osvif_error_set(&err, 7, 0, "vif.id: \"x\" is not a UUID");
        s = osvif_cni_error_json(&err, OSVIF_CNI_V040);
        j = cJSON_Parse(s);
        cr_assert_str_eq(cJSON_GetObjectItem(j, "cniVersion")->valuestring, "0.4.0");
        cr_assert_eq(cJSON_GetObjectItem(j, "code")->valueint, 7);
        cr_assert_str_eq(cJSON_GetObjectItem(j, "msg")->valuestring, "vif.id: \"x\" is not a UUID");
        cr_assert_null(cJSON_GetObjectItem(j, "details"), "empty details are omitted");
        cJSON_Delete(j);
        free(s);
        osvif_error_clear(&err);
        s = osvif_cni_version_json(OSVIF_CNI_V100);
        j = cJSON_Parse(s);
        cr_assert_str_eq(cJSON_GetObjectItem(j, "cniVersion")->valuestring, "1.0.0");
        cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "supportedVersions")), 7);
        cJSON_Delete(j);
        free(s);
}
