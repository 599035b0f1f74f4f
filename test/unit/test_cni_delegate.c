/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cni/delegate.h"
#include "helpers.h"
#include "util/cleanup.h"

/*
 * Delegation against Debian's real reference IPAM plugins (containernetworking-plugins,
 * in /usr/lib/cni). host-local only writes files under its dataDir, so no privileges.
 */

#define PLUGINS "/usr/lib/cni"

static char data_dir[] = "/tmp/osvif-ipam-XXXXXX";

static void setup(void)
{
        signal(SIGPIPE, SIG_IGN);
        if (access(PLUGINS "/host-local", X_OK) != 0)
                skip_or_fail("Debian's containernetworking-plugins are not installed");
        cr_assert_not_null(mkdtemp(data_dir));
}

static void teardown(void)
{
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf %s", data_dir);
        cr_assert_eq(system(cmd), 0);
}

TestSuite(delegate, .init = setup, .fini = teardown);

static struct osvif_cni_request *request(const char *verb, const char *version, const char *ipam)
{
        char cmd[32], conf[1024];
        char *env[] = { cmd,
                        "CNI_CONTAINERID=ctr1",
                        "CNI_NETNS=/run/netns/none",
                        "CNI_IFNAME=eth0",
                        "CNI_PATH=/nonexistent:" PLUGINS,
                        NULL };
        struct osvif_cni_request *req = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;
        enum osvif_cni_version v;
        cJSON *tree = NULL;

        snprintf(cmd, sizeof(cmd), "CNI_COMMAND=%s", verb);
        snprintf(conf, sizeof(conf),
                 "{\"cniVersion\":\"%s\",\"name\":\"dnet\",\"type\":\"osvif\",\"ipam\":%s}",
                 version, ipam);
        cr_assert_eq(osvif_cni_request_parse(env, conf, strlen(conf), &req, &tree, &v, &err), 0,
                     "%s", err.msg);
        cJSON_Delete(tree);
        return req;
}

static char *host_local(void)
{
        static char buf[512];

        snprintf(buf, sizeof(buf),
                 "{\"type\":\"host-local\",\"dataDir\":\"%s\",\"ranges\":[[{\"subnet\":\"10.9.0.0/"
                 "24\","
                 "\"gateway\":\"10.9.0.1\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}",
                 data_dir);
        return buf;
}

static bool reserved(const char *ip)
{
        char path[512];
        struct stat st;

        snprintf(path, sizeof(path), "%s/dnet/%s", data_dir, ip);
        return stat(path, &st) == 0;
}

Test(delegate, host_local_add_check_del)
{
        _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *add = request("ADD", "1.0.0",
                                                                                   host_local());
        _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *check = NULL, *del = NULL;
        _cleanup_(osvif_cni_result_freep) struct osvif_cni_result *r = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;
        char ip[OSVIF_IPNET_STRLEN];

        cr_assert_eq(osvif_cni_ipam_add(add, &r, &err), 0, "%s", err.msg);
        cr_assert_eq(r->n_ips, 1);
        cr_assert_str_eq(osvif_ipnet_format(&r->ips[0].address, ip), "10.9.0.2/24");
        cr_assert_eq(r->ips[0].gateway.family, AF_INET);
        cr_assert_eq(r->n_routes, 1);
        cr_assert(reserved("10.9.0.2"), "host-local recorded the reservation");
        check = request("CHECK", "1.0.0", host_local());
        cr_assert_eq(osvif_cni_ipam_run(check, OSVIF_CNI_CHECK, &err), 0, "%s", err.msg);
        del = request("DEL", "1.0.0", host_local());
        cr_assert_eq(osvif_cni_ipam_run(del, OSVIF_CNI_DEL, &err), 0, "%s", err.msg);
        cr_assert_not(reserved("10.9.0.2"), "DEL released the address");
}

/* Debian's plugins stop at 1.0.0: a 1.1.0 config is repeated in the highest common version. */
Test(delegate, falls_back_to_the_plugins_highest_version)
{
        _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *add = request("ADD", "1.1.0",
                                                                                   host_local());
        _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *del = request("DEL", "1.1.0",
                                                                                   host_local());
        _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *gc = NULL, *status = NULL;
        _cleanup_(osvif_cni_result_freep) struct osvif_cni_result *r = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_cni_ipam_add(add, &r, &err), 0, "%s", err.msg);
        cr_assert_eq(r->version, OSVIF_CNI_V100, "parsed as the version the plugin answered in");
        cr_assert(reserved("10.9.0.2"));
        cr_assert_eq(osvif_cni_ipam_run(del, OSVIF_CNI_DEL, &err), 0, "%s", err.msg);
        cr_assert_not(reserved("10.9.0.2"));
        /* GC and STATUS exist only from 1.1.0: skipped for a plugin that predates them, and
         * the caller hears so (1), so that GC can send DELs instead */
        gc = request("GC", "1.1.0", host_local());
        cr_assert_eq(osvif_cni_ipam_run(gc, OSVIF_CNI_GC, &err), 1, "%s", err.msg);
        status = request("STATUS", "1.1.0", host_local());
        cr_assert_eq(osvif_cni_ipam_run(status, OSVIF_CNI_STATUS, &err), 1, "%s", err.msg);
}

Test(delegate, static_ipam_gives_addresses_routes_and_dns)
{
        _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *add =
                request("ADD", "1.0.0",
                        "{\"type\":\"static\",\"addresses\":[{\"address\":\"10.10.0.5/"
                        "24\",\"gateway\":\"10.10.0.1\"},"
                        "{\"address\":\"fd10::5/64\"}],\"routes\":[{\"dst\":\"192.0.2.0/"
                        "24\",\"gw\":\"10.10.0.254\"}],"
                        "\"dns\":{\"nameservers\":[\"10.10.0.53\"],\"domain\":\"example.net\"}}");
        _cleanup_(osvif_cni_result_freep) struct osvif_cni_result *r = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;
        char buf[OSVIF_IPNET_STRLEN];

        cr_assert_eq(osvif_cni_ipam_add(add, &r, &err), 0, "%s", err.msg);
        cr_assert_eq(r->n_ips, 2);
        cr_assert_str_eq(osvif_ipnet_format(&r->ips[1].address, buf), "fd10::5/64");
        cr_assert_eq(r->n_routes, 1);
        cr_assert_str_eq(osvif_ip_format(&r->routes[0].gw, buf), "10.10.0.254");
        cr_assert_str_eq(r->dns.nameservers[0], "10.10.0.53");
        cr_assert_str_eq(r->dns.domain, "example.net");
}

Test(delegate, keeps_the_plugins_error_code_and_message)
{
        _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *add =
                request("ADD", "1.0.0",
                        "{\"type\":\"static\",\"addresses\":[{\"address\":\"not-an-address\"}]}");
        struct osvif_cni_result *r = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_cni_ipam_add(add, &r, &err), -1);
        cr_assert_null(r);
        cr_assert(strncmp(err.msg, "ipam plugin \"static\": ", 22) == 0, "%s", err.msg);
        cr_assert_neq(err.code, 0);
        osvif_error_clear(&err);
}

Test(delegate, reports_a_plugin_that_is_not_there)
{
        _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *add =
                request("ADD", "1.0.0", "{\"type\":\"no-such-ipam\"}");
        struct osvif_cni_result *r = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_cni_ipam_add(add, &r, &err), -1);
        cr_assert_eq(err.code, OSVIF_ERR_IPAM);
        cr_assert(strstr(err.msg, "\"no-such-ipam\": not found"), "%s", err.msg);
        osvif_error_clear(&err);
}

Test(delegate, passes_our_environment_and_config)
{
        _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *add = request("ADD", "1.0.0",
                                                                                   host_local());
        _cleanup_(osvif_cni_result_freep) struct osvif_cni_result *r = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;
        char content[256] = "", path[512];
        FILE *f;

        cr_assert_eq(osvif_cni_ipam_add(add, &r, &err), 0, "%s", err.msg);
        /* the reservation is in our config's dataDir and holds our container id and ifname */
        snprintf(path, sizeof(path), "%s/dnet/10.9.0.2", data_dir);
        f = fopen(path, "r");
        cr_assert_not_null(f, "%s", path);
        cr_assert_gt(fread(content, 1, sizeof(content) - 1, f), 0);
        fclose(f);
        cr_assert_str_eq(content, "ctr1\r\neth0");
}

/*
 * A fake IPAM plugin "fake" in our data dir (a shell script: stdout is `body`'s), and an
 * ADD request for it; `extra` adds top-level keys to the config.
 */
static struct osvif_cni_request *fake_request(const char *body, const char *extra)
{
        char path[512], cni_path[512], conf[1024];
        char *env[] = { "CNI_COMMAND=ADD",
                        "CNI_CONTAINERID=ctr1",
                        "CNI_NETNS=/run/netns/none",
                        "CNI_IFNAME=eth0",
                        cni_path,
                        NULL };
        struct osvif_cni_request *req = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;
        enum osvif_cni_version v;
        cJSON *tree = NULL;
        FILE *f;

        snprintf(path, sizeof(path), "%s/fake", data_dir);
        f = fopen(path, "w");
        cr_assert_not_null(f);
        fprintf(f, "#!/bin/sh\ncat >/dev/null\n%s\n", body);
        fclose(f);
        cr_assert_eq(chmod(path, 0755), 0);
        snprintf(cni_path, sizeof(cni_path), "CNI_PATH=%s", data_dir);
        snprintf(conf, sizeof(conf),
                 "{\"cniVersion\":\"1.0.0\",\"name\":\"dnet\",\"type\":\"osvif\"%s%s,"
                 "\"ipam\":{\"type\":\"fake\"}}",
                 extra ? "," : "", extra ? extra : "");
        cr_assert_eq(osvif_cni_request_parse(env, conf, strlen(conf), &req, &tree, &v, &err), 0,
                     "%s", err.msg);
        cJSON_Delete(tree);
        return req;
}

/* As the reference plugins that delegate do ("IPAM plugin returned missing IP config"). */
Test(delegate, refuses_an_add_result_without_addresses)
{
        const char *empty[] = {
                "echo '{}'",
                "echo '{\"cniVersion\":\"1.0.0\",\"ips\":[]}'",
                "echo '{\"cniVersion\":\"1.0.0\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}'",
        };

        for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
                _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *add =
                        fake_request(empty[i], NULL);
                struct osvif_cni_result *r = NULL;
                osvif_error_t err = OSVIF_ERROR_INIT;

                cr_assert_eq(osvif_cni_ipam_add(add, &r, &err), -1, "accepted: %s", empty[i]);
                cr_assert_null(r);
                cr_assert_eq(err.code, OSVIF_ERR_IPAM);
                cr_assert(strstr(err.msg, "ipam plugin \"fake\": ADD result has no IP address"),
                          "%s", err.msg);
                osvif_error_clear(&err);
        }
}

/* libcni decodes the code as an unsigned integer: anything else is no error document. */
Test(delegate, an_error_code_that_is_not_a_small_whole_number_is_not_clamped)
{
        const char *bad[] = { "1e300", "-3", "7.5", "4294967296" };

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *add = NULL;
                struct osvif_cni_result *r = NULL;
                osvif_error_t err = OSVIF_ERROR_INIT;
                char body[256];

                snprintf(body, sizeof(body),
                         "echo '{\"cniVersion\":\"1.0.0\",\"code\":%s,\"msg\":\"boom\"}'; exit 1",
                         bad[i]);
                add = fake_request(body, NULL);
                cr_assert_eq(osvif_cni_ipam_add(add, &r, &err), -1);
                cr_assert_eq(err.code, OSVIF_ERR_IPAM, "code %s became %d", bad[i], err.code);
                cr_assert(strstr(err.msg, "no valid code"), "%s", err.msg);
                osvif_error_clear(&err);
        }
}

Test(delegate, a_valid_error_code_is_kept)
{
        _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *add = fake_request(
                "echo '{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"busy\"}'; exit 1", NULL);
        struct osvif_cni_result *r = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_cni_ipam_add(add, &r, &err), -1);
        cr_assert_eq(err.code, 11);
        cr_assert_str_eq(err.msg, "ipam plugin \"fake\": busy");
        osvif_error_clear(&err);
}

/* ipamTimeout bounds the call; the plugin's process group is gone when it returns. */
Test(delegate, a_plugin_that_hangs_is_killed_at_ipam_timeout)
{
        _cleanup_(osvif_cni_request_freep) struct osvif_cni_request *add = NULL;
        struct osvif_cni_result *r = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;
        struct timespec a, b;
        char pidfile[512], body[1024];
        long ms, pid = 0;
        FILE *f;

        snprintf(pidfile, sizeof(pidfile), "%s/pids", data_dir);
        snprintf(body, sizeof(body), "sleep 600 & echo $! >%s; wait", pidfile);
        add = fake_request(body, "\"ipamTimeout\":300");
        cr_assert_eq(add->ipam_timeout_ms, 300);
        clock_gettime(CLOCK_MONOTONIC, &a);
        cr_assert_eq(osvif_cni_ipam_add(add, &r, &err), -1);
        clock_gettime(CLOCK_MONOTONIC, &b);
        ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
        cr_assert_eq(err.code, OSVIF_ERR_IPAM);
        cr_assert(strstr(err.msg, "ipam plugin \"fake\": ADD not done within ipamTimeout 300 ms"),
                  "%s", err.msg);
        /* the bound is kept in whole milliseconds: it may end up to 1 ms early */
        cr_assert(ms >= 299 && ms < 3000, "took %ld ms", ms);
        osvif_error_clear(&err);
        f = fopen(pidfile, "r");
        cr_assert_not_null(f);
        cr_assert_eq(fscanf(f, "%ld", &pid), 1);
        fclose(f);
        /* killed (a zombie until init reaps it at most): not sleeping any more */
        for (int i = 0; i < 50 && kill((pid_t)pid, 0) == 0; i++) {
                char stat[64], state = 0;
                FILE *s;

                snprintf(stat, sizeof(stat), "/proc/%ld/stat", pid);
                s = fopen(stat, "r");
                if (!s || fscanf(s, "%*d %*s %c", &state) != 1 || state == 'Z') {
                        if (s)
                                fclose(s);
                        return;
                }
                fclose(s);
                usleep(20000);
        }
        cr_assert_neq(kill((pid_t)pid, 0), 0, "the plugin's child %ld survived", pid);
}
