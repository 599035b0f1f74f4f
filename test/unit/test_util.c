/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plan/intent.h"
#include "util/addr.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/json.h"
#include "util/state.h"
#include "util/strv.h"

Test(error, set_and_wrap_keep_code_and_add_context)
{
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_error_set(&err, 7, 0, "field \"%s\" bad", "x"), -1);
        cr_assert_eq(osvif_error_wrap(&err, "parse %s", "vif"), -1);
        cr_assert_eq(err.code, 7);
        cr_assert_str_eq(err.msg, "parse vif: field \"x\" bad");
        osvif_error_clear(&err);
        cr_assert_null(err.msg);
        cr_assert_eq(err.code, 0);
}

Test(error, wrap_code_and_recode_say_what_the_error_means)
{
        osvif_error_t err = OSVIF_ERROR_INIT;

        osvif_error_set(&err, OSVIF_CNI_ERR_INVALID_CONFIG, 0, "x: not a string");
        cr_assert_eq(osvif_error_wrap_code(&err, OSVIF_CNI_ERR_DECODE, "prevResult"), -1);
        cr_assert_eq(err.code, OSVIF_CNI_ERR_DECODE);
        cr_assert_str_eq(err.msg, "prevResult: x: not a string");
        cr_assert_eq(osvif_error_recode(&err, OSVIF_CNI_ERR_NOT_AVAILABLE), -1);
        cr_assert_eq(err.code, OSVIF_CNI_ERR_NOT_AVAILABLE);
        cr_assert_str_eq(err.msg, "prevResult: x: not a string", "the message is kept");
        osvif_error_clear(&err);
        /* on an unset error both still leave a code and a message */
        osvif_error_wrap_code(&err, OSVIF_CNI_ERR_NOT_AVAILABLE, "ovsdb");
        cr_assert_eq(err.code, OSVIF_CNI_ERR_NOT_AVAILABLE);
        cr_assert_str_eq(err.msg, "ovsdb");
        osvif_error_clear(&err);
        osvif_error_recode(&err, OSVIF_CNI_ERR_DECODE);
        cr_assert_eq(err.code, OSVIF_CNI_ERR_DECODE);
        cr_assert_not_null(err.msg);
        osvif_error_clear(&err);
}

Test(error, set_errno_appends_strerror)
{
        osvif_error_t err = OSVIF_ERROR_INIT;

        osvif_error_set_errno(&err, 101, EEXIST, "add veth \"%s\"", "tap1");
        cr_assert_str_eq(err.msg, "add veth \"tap1\": file exists");
        cr_assert_eq(err.errnum, EEXIST);
        osvif_error_clear(&err);
}

Test(json, parse_reports_position_of_syntax_error)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        const char *doc = "{\n  \"a\": 1,\n  \"b\": ]\n}";
        cJSON *j = osvif_json_parse(doc, strlen(doc), &err);

        cr_assert_null(j);
        cr_assert_eq(err.code, 6);
        cr_assert(strstr(err.msg, "line 3") != NULL, "%s", err.msg);
        osvif_error_clear(&err);
}

Test(json, parse_refuses_trailing_garbage_and_nul)
{
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_null(osvif_json_parse("{} x", 4, &err));
        cr_assert_eq(err.code, 6);
        osvif_error_clear(&err);
        cr_assert_null(osvif_json_parse("{}\0", 3, &err));
        cr_assert_eq(err.code, 6);
        osvif_error_clear(&err);
}

Test(json, typed_getters_name_the_field)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        _cleanup_cjson_ cJSON *j = cJSON_Parse("{\"mtu\":\"abc\",\"vlan\":4096,\"ok\":7}");
        int64_t v = -1;

        cr_assert_eq(osvif_json_get_int(j, "vif.network", "mtu", 0, 65535, &v, &err), -1);
        cr_assert_str_eq(err.msg, "vif.network.mtu: expected an integer, got string \"abc\"");
        cr_assert_eq(err.code, 7);
        cr_assert_eq(osvif_json_get_int(j, "vif.network", "vlan", 0, 4095, &v, &err), -1);
        cr_assert_str_eq(err.msg, "vif.network.vlan: 4096 is not an integer in [0, 4095]");
        cr_assert_eq(osvif_json_get_int(j, "x", "absent", 0, 1, &v, &err), 0);
        cr_assert_eq(v, -1);
        cr_assert_eq(osvif_json_get_int(j, "x", "ok", 0, 10, &v, &err), 1);
        cr_assert_eq(v, 7);
        osvif_error_clear(&err);
}

Test(json, check_keys_refuses_unknown)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        _cleanup_cjson_ cJSON *j = cJSON_Parse("{\"id\":1,\"bogus\":2}");
        const char *const allowed[] = { "id", NULL };

        cr_assert_eq(osvif_json_check_keys(j, "vif", allowed, &err), -1);
        cr_assert_str_eq(err.msg, "vif.bogus: unknown field");
        osvif_error_clear(&err);
}

Test(addr, ip_parse_is_strict_and_formats_canonically)
{
        struct osvif_ip ip;
        char buf[OSVIF_IP_STRLEN];

        cr_assert_eq(osvif_ip_parse("10.0.0.5", &ip), 0);
        cr_assert_eq(ip.family, AF_INET);
        cr_assert_eq(osvif_ip_parse("10.1", &ip), -EINVAL);
        cr_assert_eq(osvif_ip_parse("2001:DB8:0:0::1", &ip), 0);
        cr_assert_str_eq(osvif_ip_format(&ip, buf), "2001:db8::1");
}

Test(addr, ipnet_keeps_host_bits_and_defaults_prefix)
{
        struct osvif_ipnet n, net;
        char buf[OSVIF_IPNET_STRLEN];
        struct osvif_ip ip;

        cr_assert_eq(osvif_ipnet_parse("10.0.0.5/24", false, &n), 0);
        cr_assert_str_eq(osvif_ipnet_format(&n, buf), "10.0.0.5/24");
        net = osvif_ipnet_network(&n);
        cr_assert_str_eq(osvif_ipnet_format(&net, buf), "10.0.0.0/24");
        cr_assert_eq(osvif_ipnet_parse("10.0.0.5", false, &n), -EINVAL);
        cr_assert_eq(osvif_ipnet_parse("10.0.0.5", true, &n), 0);
        cr_assert_eq(n.prefixlen, 32);
        cr_assert_eq(osvif_ipnet_parse("10.0.0.0/33", false, &n), -EINVAL);
        cr_assert_eq(osvif_ipnet_parse("10.0.0.0/08", false, &n), -EINVAL);
        cr_assert_eq(osvif_ipnet_parse("fd00::/64", false, &n), 0);
        osvif_ip_parse("fd00::1", &ip);
        cr_assert(osvif_ipnet_contains(&n, &ip));
        osvif_ip_parse("fd01::1", &ip);
        cr_assert_not(osvif_ipnet_contains(&n, &ip));
}

Test(addr, mac_parse_accepts_os_vif_forms)
{
        uint8_t mac[6];
        char buf[OSVIF_MAC_STRLEN];

        cr_assert_eq(osvif_mac_parse("FA-16-3E-12-34-56", mac), 0);
        cr_assert_str_eq(osvif_mac_format(mac, buf), "fa:16:3e:12:34:56");
        cr_assert_eq(osvif_mac_parse("fa:16:3e:12:34", mac), -EINVAL);
        cr_assert_eq(osvif_mac_parse("fa:16:3e:12:34:5g", mac), -EINVAL);
        cr_assert_eq(osvif_mac_random(mac), 0);
        cr_assert_eq(mac[0] & 0x03, 0x02, "random MAC must be local unicast");
}

Test(strv, split_drops_empty_fields)
{
        _cleanup_strv_ char **v = osvif_strv_split("a::b:", ":");

        cr_assert_eq(osvif_strv_length(v), 2);
        cr_assert_str_eq(v[0], "a");
        cr_assert_str_eq(v[1], "b");
        cr_assert(osvif_strv_contains(v, "b"));
}

/* State files: written atomically, never through a planted symlink, in a private dir only. */
static char state_dir[] = "/tmp/osvif-state-XXXXXX";

/* A private directory from template `dir`, named by `env` for the code under test. */
static void private_dir_make(char *dir, const char *env)
{
        cr_assert_not_null(mkdtemp(dir));
        cr_assert_eq(chmod(dir, 0700), 0);
        setenv(env, dir, 1);
}

static void private_dir_remove(const char *dir)
{
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        cr_assert_eq(system(cmd), 0);
}

static void state_setup(void)
{
        private_dir_make(state_dir, "OSVIF_STATE_DIR");
}

static void state_teardown(void)
{
        private_dir_remove(state_dir);
}

TestSuite(state, .init = state_setup, .fini = state_teardown);

/* How many entries a directory holds. */
static int count_dir_entries(const char *dir)
{
        DIR *d = opendir(dir);
        struct dirent *e;
        int n = 0;

        cr_assert_not_null(d);
        while ((e = readdir(d)))
                n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
        closedir(d);
        return n;
}

/* How many entries the state directory holds. */
static int count_entries(void)
{
        return count_dir_entries(state_dir);
}

static char *read_state(const char *name)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        char *buf = NULL;
        size_t len = 0;

        cr_assert_eq(osvif_state_read(name, &buf, &len, &err), 1, "%s", err.msg);
        cr_assert_eq(strlen(buf), len);
        return buf;
}

Test(state, write_replaces_read_and_remove)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        _cleanup_free_ char *a = NULL, *b = NULL;
        char *none = NULL;
        size_t len;

        cr_assert_eq(osvif_state_read("vf-0000:03:00.1", &none, &len, &err), 0);
        cr_assert_eq(osvif_state_write("vf-0000:03:00.1", "{\"a\":1}", 7, &err), 0, "%s", err.msg);
        a = read_state("vf-0000:03:00.1");
        cr_assert_str_eq(a, "{\"a\":1}");
        cr_assert_eq(osvif_state_write("vf-0000:03:00.1", "{}", 2, &err), 0, "%s", err.msg);
        b = read_state("vf-0000:03:00.1");
        cr_assert_str_eq(b, "{}");
        cr_assert_eq(count_entries(), 1, "a temporary file was left");
        cr_assert_eq(osvif_state_remove("vf-0000:03:00.1", &err), 0);
        cr_assert_eq(osvif_state_remove("vf-0000:03:00.1", &err), 0, "removing none is fine");
        cr_assert_eq(count_entries(), 0);
        cr_assert_eq(osvif_state_write("../escape", "x", 1, &err), -1);
        osvif_error_clear(&err);
        cr_assert_eq(osvif_state_write(".hidden", "x", 1, &err), -1);
        osvif_error_clear(&err);
}

/*
 * A write that fails half-way (here the file size limit, as a full disk would) leaves the
 * old content whole and no partial file behind.
 */
Test(state, a_failed_write_leaves_the_old_file_whole_and_no_partial_file)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        _cleanup_free_ char *old = NULL;
        char big[100000];
        int status;
        pid_t pid;

        cr_assert_eq(osvif_state_write("attachment", "old", 3, &err), 0, "%s", err.msg);
        memset(big, 'x', sizeof(big));
        pid = fork();
        if (pid == 0) {
                struct rlimit lim = { 4096, 4096 };
                osvif_error_t e = OSVIF_ERROR_INIT;

                signal(SIGXFSZ, SIG_IGN);
                if (setrlimit(RLIMIT_FSIZE, &lim) < 0)
                        _exit(2);
                _exit(osvif_state_write("attachment", big, sizeof(big), &e) == -1 &&
                                      e.code == OSVIF_ERR_STATE
                              ? 0
                              : 1);
        }
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert_eq(WEXITSTATUS(status), 0, "the oversized write did not fail cleanly");
        old = read_state("attachment");
        cr_assert_str_eq(old, "old");
        cr_assert_eq(count_entries(), 1, "a partial temporary file was left");
}

Test(state, a_planted_symlink_is_neither_followed_nor_written_through)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        char link[256], target[256], *buf = NULL;
        size_t len;
        FILE *f;

        snprintf(target, sizeof(target), "%s/../osvif-victim-%d", state_dir, (int)getpid());
        f = fopen(target, "w");
        cr_assert_not_null(f);
        fputs("victim", f);
        fclose(f);
        snprintf(link, sizeof(link), "%s/attachment", state_dir);
        cr_assert_eq(symlink(target, link), 0);
        cr_assert_eq(osvif_state_read("attachment", &buf, &len, &err), -1, "read a symlink");
        cr_assert_eq(err.code, OSVIF_ERR_STATE);
        osvif_error_clear(&err);
        /* the write replaces the link itself; its target keeps its content */
        cr_assert_eq(osvif_state_write("attachment", "new", 3, &err), 0, "%s", err.msg);
        f = fopen(target, "r");
        cr_assert_not_null(f);
        cr_assert_not_null(fgets(link, sizeof(link), f));
        fclose(f);
        unlink(target);
        cr_assert_str_eq(link, "victim");
}

Test(state, a_state_directory_that_others_can_write_is_refused)
{
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(chmod(state_dir, 0777), 0);
        cr_assert_eq(osvif_state_write("attachment", "x", 1, &err), -1);
        cr_assert_eq(err.code, OSVIF_ERR_STATE);
        cr_assert(strstr(err.msg, state_dir) && strstr(err.msg, "writable by others"), "%s",
                  err.msg);
        osvif_error_clear(&err);
        cr_assert_eq(count_entries(), 0);
}

/*
 * The state directory is checked once per process and then reached through the fd that passed
 * the checks: swapping its path for a symlink afterwards redirects nothing, reads and writes
 * stay in the directory that was checked, and nothing is made where the symlink points.
 */
Test(state, a_state_directory_swapped_for_a_symlink_after_its_check_redirects_nothing)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        _cleanup_free_ char *a = NULL;
        char moved[256], victim[256], path[300], cmd[600];

        cr_assert_eq(osvif_state_write("attachment", "old", 3, &err), 0, "%s", err.msg);
        snprintf(moved, sizeof(moved), "%s.moved", state_dir);
        snprintf(victim, sizeof(victim), "%s.victim", state_dir);
        cr_assert_eq(rename(state_dir, moved), 0);
        cr_assert_eq(mkdir(victim, 0700), 0);
        cr_assert_eq(symlink(victim, state_dir), 0);
        cr_assert_eq(osvif_state_write("kind/x", "new", 3, &err), 0, "%s", err.msg);
        cr_assert_eq(osvif_state_write("top", "new", 3, &err), 0, "%s", err.msg);
        a = read_state("attachment");
        cr_assert_str_eq(a, "old", "read through the swapped path");
        snprintf(path, sizeof(path), "%s/top", victim);
        cr_assert_neq(access(path, F_OK), 0, "written where the planted symlink points");
        snprintf(path, sizeof(path), "%s/kind", victim);
        cr_assert_neq(access(path, F_OK), 0, "a subdirectory made where the symlink points");
        snprintf(path, sizeof(path), "%s/top", moved);
        cr_assert_eq(access(path, F_OK), 0, "not written in the checked directory");
        snprintf(path, sizeof(path), "%s/kind/x", moved);
        cr_assert_eq(access(path, F_OK), 0, "not written in the checked directory");
        cr_assert_eq(osvif_state_remove("kind/x", &err), 0, "%s", err.msg);
        cr_assert_eq(access(path, F_OK), -1, "removed elsewhere than in the checked directory");
        snprintf(path, sizeof(path), "%s/kind", moved);
        cr_assert_eq(access(path, F_OK), -1, "the emptied subdirectory stays");
        snprintf(cmd, sizeof(cmd), "rm -rf %s %s", moved, victim);
        cr_assert_eq(system(cmd), 0);
}

static int collect_name(const char *name, void *data)
{
        char *seen = data;

        strcat(seen, name);
        strcat(seen, ";");
        return 0;
}

/*
 * One kind of state in a subdirectory: written, read, listed and removed like any state file;
 * the listing skips temporary files, and no reader or listing makes a directory.
 */
Test(state, subdirectory_files_are_listed_and_readers_make_no_directory)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        _cleanup_free_ char *a = NULL;
        static const char *const refused[] = { "a/b/c", "kind/.hidden", "../kind/x" };
        char seen[512] = "", path[256], *none = NULL;
        size_t len;
        FILE *f;

        cr_assert_eq(osvif_state_read("kind/x.json", &none, &len, &err), 0, "%s", err.msg);
        cr_assert_eq(osvif_state_foreach("kind", collect_name, seen, &err), 0, "%s", err.msg);
        cr_assert_eq(osvif_state_remove("kind/x.json", &err), 0, "%s", err.msg);
        cr_assert_eq(count_entries(), 0, "a reader made the subdirectory");
        /* names carry network names, container ids and ifnames: spaces and '+' included */
        cr_assert_eq(osvif_state_write("kind/osvif net c1 eth0+1.json", "{}", 2, &err), 0, "%s",
                     err.msg);
        cr_assert_eq(osvif_state_write("top.json", "{}", 2, &err), 0, "%s", err.msg);
        a = read_state("kind/osvif net c1 eth0+1.json");
        cr_assert_str_eq(a, "{}");
        snprintf(path, sizeof(path), "%s/kind/.y.json.1.tmp", state_dir);
        f = fopen(path, "w");
        cr_assert_not_null(f);
        fclose(f);
        cr_assert_eq(osvif_state_foreach("kind", collect_name, seen, &err), 0, "%s", err.msg);
        cr_assert_str_eq(seen, "osvif net c1 eth0+1.json;");
        seen[0] = '\0';
        cr_assert_eq(osvif_state_foreach(NULL, collect_name, seen, &err), 0, "%s", err.msg);
        cr_assert_str_eq(seen, "top.json;", "the subdirectory is no state file");
        cr_assert_eq(osvif_state_remove("kind/osvif net c1 eth0+1.json", &err), 0, "%s", err.msg);
        seen[0] = '\0';
        cr_assert_eq(osvif_state_foreach("kind", collect_name, seen, &err), 0, "%s", err.msg);
        cr_assert_str_eq(seen, "");
        /* two levels, a hidden file, a way out */
        for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
                cr_assert_eq(osvif_state_write(refused[i], "x", 1, &err), -1, "%s", refused[i]);
                osvif_error_clear(&err);
        }
        cr_assert_eq(count_entries(), 2);
}

/* The subdirectory passes the state directory's checks, for writers, readers and listings. */
Test(state, a_subdirectory_that_is_a_symlink_or_others_can_write_is_refused)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        char sub[256], elsewhere[256], seen[64] = "", *buf = NULL;
        size_t len;

        snprintf(elsewhere, sizeof(elsewhere), "%s/real", state_dir);
        snprintf(sub, sizeof(sub), "%s/kind", state_dir);
        cr_assert_eq(mkdir(elsewhere, 0700), 0);
        cr_assert_eq(symlink(elsewhere, sub), 0);
        cr_assert_eq(osvif_state_write("kind/x", "x", 1, &err), -1, "wrote through a symlink");
        cr_assert_eq(err.code, OSVIF_ERR_STATE);
        cr_assert(strstr(err.msg, sub) && strstr(err.msg, "symlink"), "%s", err.msg);
        osvif_error_clear(&err);
        cr_assert_eq(osvif_state_read("kind/x", &buf, &len, &err), -1);
        osvif_error_clear(&err);
        cr_assert_eq(osvif_state_foreach("kind", collect_name, seen, &err), -1);
        osvif_error_clear(&err);
        cr_assert_eq(count_entries(), 2);
        cr_assert_eq(unlink(sub), 0);
        cr_assert_eq(mkdir(sub, 0700), 0);
        cr_assert_eq(chmod(sub, 0770), 0);
        cr_assert_eq(osvif_state_write("kind/x", "x", 1, &err), -1);
        cr_assert(strstr(err.msg, sub) && strstr(err.msg, "writable by its group"), "%s", err.msg);
        osvif_error_clear(&err);
        cr_assert_eq(osvif_state_foreach("kind", collect_name, seen, &err), -1);
        cr_assert_eq(err.code, OSVIF_ERR_STATE);
        osvif_error_clear(&err);
        cr_assert_str_eq(seen, "");
}

/* Intent records in a private run directory of their own. */
static char run_dir[] = "/tmp/osvif-run-XXXXXX";

static void run_setup(void)
{
        private_dir_make(run_dir, "OSVIF_RUN_DIR");
}

static void run_teardown(void)
{
        private_dir_remove(run_dir);
}

TestSuite(intent, .init = run_setup, .fini = run_teardown);

static ino_t record_inode(const char *owner)
{
        char name[201], path[300];
        struct stat st;

        osvif_key_filename("intent.", owner, "", name, sizeof(name));
        snprintf(path, sizeof(path), "%s/%s", run_dir, name);
        if (stat(path, &st) < 0)
                return 0;
        return st.st_ino;
}

static int count_run_entries(void)
{
        return count_dir_entries(run_dir);
}

/*
 * ADD's second writing of its record (the same record, done) is added to the file it wrote
 * first; a record removed in between, or one that changed otherwise, is written anew whole.
 */
Test(intent, done_is_added_to_the_record_written_and_anything_else_rewrites_it)
{
        static const char owner[] = "osvif net c1 eth0";
        osvif_error_t err = OSVIF_ERROR_INIT;
        struct osvif_intent in = { 0 }, got;
        ino_t first;

        snprintf(in.owner, sizeof(in.owner), "%s", owner);
        osvif_intent_add_host(&in, "tap1");
        cr_assert_eq(osvif_intent_write(&in, &err), 0, "%s", err.msg);
        cr_assert_eq(osvif_intent_read(owner, &got, &err), 1, "%s", err.msg);
        cr_assert(!got.done);
        first = record_inode(owner);
        cr_assert_neq(first, 0);
        in.done = true;
        cr_assert_eq(osvif_intent_write(&in, &err), 0, "%s", err.msg);
        cr_assert_eq(osvif_intent_read(owner, &got, &err), 1, "%s", err.msg);
        cr_assert(got.done, "not done");
        cr_assert_eq(got.n_host, 1);
        cr_assert_str_eq(got.host[0], "tap1");
        cr_assert_eq(record_inode(owner), first, "done was not added to the open record");
        cr_assert_eq(count_run_entries(), 1, "a temporary file was left");
        /* removed: the next writing makes a new file, not one in the removed inode */
        cr_assert_eq(osvif_intent_remove(owner, &err), 0, "%s", err.msg);
        cr_assert_eq(osvif_intent_read(owner, &got, &err), 0, "the record stays");
        cr_assert_eq(osvif_intent_write(&in, &err), 0, "%s", err.msg);
        cr_assert_eq(osvif_intent_read(owner, &got, &err), 1, "written into a removed file");
        cr_assert(got.done);
        /* not the last record plus done: rewritten whole (tap1 gone, not done) */
        memset(&in, 0, sizeof(in));
        snprintf(in.owner, sizeof(in.owner), "%s", owner);
        osvif_intent_add_host(&in, "tap2");
        first = record_inode(owner);
        cr_assert_eq(osvif_intent_write(&in, &err), 0, "%s", err.msg);
        cr_assert_eq(osvif_intent_read(owner, &got, &err), 1, "%s", err.msg);
        cr_assert(!got.done, "a rewrite kept done");
        cr_assert_eq(got.n_host, 1);
        cr_assert_str_eq(got.host[0], "tap2");
        cr_assert_neq(record_inode(owner), first, "not replaced whole");
        cr_assert_eq(count_run_entries(), 1, "a temporary file was left");
}
