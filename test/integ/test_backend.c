/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The link backend against the real kernel, function by function: what each request did,
 * read back through an independent path (iproute2's JSON output, /proc). Root; every test
 * runs in its own network and mount namespace (Criterion forks a process per test, and the
 * fixture unshares in it), so nothing reaches the host.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/bridge.h"
#include "backend/link.h"
#include "backend/netns.h"
#include "conf.h"
#include "plan/exec.h"
#include "util/cleanup.h"
#include "util/lock.h"
#include "util/state.h"

static void isolate(void)
{
        const char *strict = getenv("OSVIF_TEST_STRICT");

        if (geteuid() != 0) {
                if (strict && strcmp(strict, "1") == 0)
                        cr_assert_fail("needs root");
                cr_skip_test("needs root");
        }
        cr_assert_eq(unshare(CLONE_NEWNET | CLONE_NEWNS), 0);
        cr_assert_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
        cr_assert_eq(mount("tmpfs", "/run", "tmpfs", 0, "mode=0755"), 0);
        cr_assert_eq(system("ip link set lo up && mkdir -p /run/netns && ip netns add pod"), 0);
        setenv("OSVIF_RUN_DIR", "/run/osvif", 1);
}

TestSuite(backend, .init = isolate);

/* The output of a shell command (for reading the kernel back through iproute2). */
static char *sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sh(const char *fmt, ...)
{
        char cmd[1024], *out = NULL;
        size_t len = 0;
        va_list ap;
        FILE *p, *m;
        int c;

        va_start(ap, fmt);
        vsnprintf(cmd, sizeof(cmd), fmt, ap);
        va_end(ap);
        p = popen(cmd, "r");
        cr_assert_not_null(p);
        m = open_memstream(&out, &len);
        while ((c = fgetc(p)) != EOF)
                fputc(c, m);
        fclose(m);
        pclose(p);
        return out;
}

#define assert_contains(hay, needle) \
        cr_assert(strstr((hay), (needle)), "\"%s\" not in:\n%s", (needle), (hay))

static struct osvif_nl *open_nl(void)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        struct osvif_nl *nl = osvif_nl_open(&err);

        cr_assert_not_null(nl, "%s", err.msg);
        return nl;
}

Test(backend, veth_peer_is_created_in_the_pod_namespace)
{
        _cleanup_nl_ struct osvif_nl *nl = open_nl();
        osvif_error_t err = OSVIF_ERROR_INIT;
        uint8_t mac[6] = { 0x02, 1, 2, 3, 4, 5 }, pmac[6] = { 0x02, 9, 8, 7, 6, 5 };
        int pod = osvif_netns_open("/run/netns/pod", &err);
        struct osvif_veth_opts o = { "hosta", "podtmp", pod, mac, pmac, 1400, 0, true, false };
        _cleanup_free_ char *host = NULL, *inpod = NULL;
        struct osvif_link_info info;

        cr_assert_geq(pod, 0);
        cr_assert_eq(osvif_link_add_veth(nl, &o, &err), 0, "%s", err.msg);
        host = sh("ip -o link show hosta");
        inpod = sh("ip -n pod -o link show podtmp");
        assert_contains(host, "mtu 1400");
        assert_contains(host, "02:01:02:03:04:05");
        assert_contains(host, ",UP");
        assert_contains(inpod, "02:09:08:07:06:05");
        cr_assert_eq(osvif_link_get(nl, "podtmp", 0, &info, &err), 0,
                     "the peer is not on the host");
        cr_assert_eq(osvif_link_get(nl, "hosta", 0, &info, &err), 1);
        cr_assert_str_eq(info.kind, "veth");
        cr_assert_eq(info.mtu, 1400);
        cr_assert_neq(info.link_netnsid, -1, "the peer lives in another namespace");
        /* a taken name: EXISTS, and nothing half-made */
        o.peer_name = "podtmp2";
        cr_assert_eq(osvif_link_add_veth(nl, &o, &err), -1);
        cr_assert_eq(err.code, OSVIF_ERR_EXISTS);
        cr_assert_str_eq(err.msg, "add veth \"hosta\": file exists");
        osvif_error_clear(&err);
        free(inpod);
        inpod = sh("ip -n pod -o link show");
        cr_assert_null(strstr(inpod, "podtmp2"));
}

Test(backend, veth_joins_its_bridge_at_creation_and_changes_by_name)
{
        _cleanup_nl_ struct osvif_nl *nl = open_nl();
        osvif_error_t err = OSVIF_ERROR_INIT;
        struct osvif_bridge_opts bo = { "brx", 1450, false, NULL };
        struct osvif_bridge_changes ch = { 0 };
        struct osvif_veth_opts o = { "hostb", "peerb", -1, NULL, NULL, 0, 0, true, false };
        struct osvif_link_change c = OSVIF_LINK_CHANGE_INIT;
        _cleanup_free_ char *out = NULL;
        int br;

        br = osvif_bridge_ensure(nl, &bo, &ch, &err);
        cr_assert_gt(br, 0, "%s", err.msg);
        cr_assert(ch.created);
        cr_assert_eq(ch.mtu, 1450);
        o.master = br;
        cr_assert_eq(osvif_link_add_veth(nl, &o, &err), 0, "%s", err.msg);
        out = sh("ip -o link show hostb");
        assert_contains(out, "master brx");
        c.alias = "osvif net ctr eth0";
        cr_assert_eq(osvif_link_change_by_name(nl, "hostb", &c, &err), 0, "%s", err.msg);
        free(out);
        out = sh("ip -d link show hostb");
        assert_contains(out, "alias osvif net ctr eth0");
        c.alias = NULL;
        c.name = "renamed";
        cr_assert_eq(osvif_link_change_by_name(nl, "hostb", &c, &err), -1, "no rename by name");
        osvif_error_clear(&err);
        cr_assert_eq(osvif_link_del_by_name(nl, "hostb", &err), 0);
        cr_assert_eq(osvif_link_del_by_name(nl, "hostb", &err), 0, "idempotent");
        free(out);
        out = sh("ip -o link show peerb 2>&1");
        assert_contains(out, "does not exist");
}

Test(backend, rename_and_up_in_one_request)
{
        _cleanup_nl_ struct osvif_nl *nl = open_nl();
        osvif_error_t err = OSVIF_ERROR_INIT;
        struct osvif_veth_opts o = { "tmpname", "other", -1, NULL, NULL, 0, 0, false, false };
        struct osvif_link_change c = OSVIF_LINK_CHANGE_INIT;
        struct osvif_link_info info;
        _cleanup_free_ char *out = NULL;

        cr_assert_eq(osvif_link_add_veth(nl, &o, &err), 0);
        cr_assert_eq(osvif_link_get(nl, "tmpname", 0, &info, &err), 1);
        c.name = "eth7";
        c.up = 1;
        c.alias = "owner";
        cr_assert_eq(osvif_link_change(nl, info.ifindex, &c, &err), 0, "%s", err.msg);
        out = sh("ip -d -o link show eth7");
        assert_contains(out, "UP");
        assert_contains(out, "alias owner");
}

Test(backend, ipv6_addresses_skip_dad_and_routes_carry_cni_1_1_attributes)
{
        _cleanup_nl_ struct osvif_nl *nl = open_nl();
        osvif_error_t err = OSVIF_ERROR_INIT;
        struct osvif_veth_opts o = { "r0", "r1", -1, NULL, NULL, 0, 0, true, false };
        struct osvif_link_change up = OSVIF_LINK_CHANGE_INIT;
        struct osvif_link_info info;
        struct osvif_ipnet a4, a6;
        struct osvif_route_spec rt = { .scope = -1 };
        _cleanup_free_ char *addrs = NULL, *routes = NULL, *table = NULL;

        cr_assert_eq(osvif_link_add_veth(nl, &o, &err), 0);
        up.up = 1;
        cr_assert_eq(osvif_link_change_by_name(nl, "r1", &up, &err), 0);
        cr_assert_eq(osvif_link_get(nl, "r0", 0, &info, &err), 1);
        osvif_ipnet_parse("10.5.0.2/24", false, &a4);
        osvif_ipnet_parse("fd05::2/64", false, &a6);
        cr_assert_eq(osvif_addr_add(nl, info.ifindex, &a4, true, &err), 0, "%s", err.msg);
        cr_assert_eq(osvif_addr_add(nl, info.ifindex, &a6, true, &err), 0, "%s", err.msg);
        cr_assert_eq(osvif_addr_add(nl, info.ifindex, &a6, true, &err), 0, "EEXIST is success");
        cr_assert_eq(osvif_addr_exists(nl, info.ifindex, &a6, &err), 1);
        addrs = sh("ip -o addr show dev r0 scope global");
        assert_contains(addrs, "inet 10.5.0.2/24 brd 10.5.0.255");
        assert_contains(addrs, "inet6 fd05::2/64");
        cr_assert_null(strstr(strstr(addrs, "fd05::2"), "tentative"), "NODAD: not tentative: %s",
                       addrs);
        /* default route via a gateway, with mtu, advmss and priority */
        rt.ifindex = info.ifindex;
        osvif_ip_parse("10.5.0.1", &rt.gw);
        rt.dst.ip.family = AF_INET;
        rt.mtu = 1300;
        rt.advmss = 1260;
        rt.priority = 42;
        cr_assert_eq(osvif_route_add(nl, &rt, &err), 0, "%s", err.msg);
        cr_assert_eq(osvif_route_exists(nl, &rt, &err), 1);
        routes = sh("ip route show default");
        assert_contains(routes, "via 10.5.0.1 dev r0");
        assert_contains(routes, "metric 42");
        assert_contains(routes, "mtu 1300");
        assert_contains(routes, "advmss 1260");
        /* another table and scope link, no gateway */
        memset(&rt, 0, sizeof(rt));
        osvif_ipnet_parse("198.51.100.0/24", false, &rt.dst);
        rt.ifindex = info.ifindex;
        rt.table = 300;
        rt.scope = 253;
        cr_assert_eq(osvif_route_add(nl, &rt, &err), 0, "%s", err.msg);
        table = sh("ip route show table 300");
        assert_contains(table, "198.51.100.0/24 dev r0 scope link");
        cr_assert_eq(osvif_route_exists(nl, &rt, &err), 1);
        rt.table = 301;
        cr_assert_eq(osvif_route_exists(nl, &rt, &err), 0, "not in table 301");
        /* an address that is not there, and a multipath route found by its first hop */
        osvif_ipnet_parse("10.5.0.9/24", false, &a4);
        cr_assert_eq(osvif_addr_exists(nl, info.ifindex, &a4, &err), 0);
        cr_assert_eq(system("ip route add 203.0.113.0/24 nexthop via 10.5.0.1 dev r0 "
                            "nexthop via 10.5.0.3 dev r0"),
                     0);
        memset(&rt, 0, sizeof(rt));
        osvif_ipnet_parse("203.0.113.0/24", false, &rt.dst);
        osvif_ip_parse("10.5.0.1", &rt.gw);
        cr_assert_eq(osvif_route_exists(nl, &rt, &err), 1, "multipath, first hop");
        osvif_ip_parse("10.5.0.7", &rt.gw);
        cr_assert_eq(osvif_route_exists(nl, &rt, &err), 0, "no such hop");
}

Test(backend, a_route_the_kernel_refuses_names_itself)
{
        _cleanup_nl_ struct osvif_nl *nl = open_nl();
        osvif_error_t err = OSVIF_ERROR_INIT;
        struct osvif_route_spec rt = { .scope = -1 };

        osvif_ipnet_parse("192.0.2.0/24", false, &rt.dst);
        osvif_ip_parse("203.0.113.1", &rt.gw);
        cr_assert_eq(osvif_route_add(nl, &rt, &err), -1);
        cr_assert_eq(err.code, OSVIF_ERR_NETLINK);
        assert_contains(err.msg,
                        "add route to 192.0.2.0/24 via 203.0.113.1: network is unreachable");
        osvif_error_clear(&err);
}

Test(backend, bridge_settings_of_os_vif)
{
        _cleanup_nl_ struct osvif_nl *nl = open_nl();
        osvif_error_t err = OSVIF_ERROR_INIT;
        struct osvif_bridge_opts bo = { "qbrtest", 0, true, "osvif n c eth0" };
        struct osvif_bridge_changes ch = { 0 };
        _cleanup_free_ char *d = NULL, *ai = NULL, *aa = NULL;
        int br = osvif_bridge_ensure(nl, &bo, &ch, &err);

        cr_assert_gt(br, 0, "%s", err.msg);
        cr_assert(ch.created);
        d = sh("ip -d link show qbrtest");
        assert_contains(d, "ageing_time 0");
        assert_contains(d, "alias osvif n c eth0");
        assert_contains(d, "UP");
        ai = sh("cat /proc/sys/net/ipv4/conf/qbrtest/arp_ignore");
        aa = sh("cat /proc/sys/net/ipv4/conf/qbrtest/arp_announce");
        cr_assert_str_eq(ai, "1\n");
        cr_assert_str_eq(aa, "2\n");
        cr_assert_eq(osvif_bridge_count_ports(nl, br, &err), 0);
        cr_assert_eq(osvif_bridge_del_if_empty(nl, "qbrtest", &err), 1);
}

Test(backend, an_existing_non_bridge_is_not_taken_for_a_bridge)
{
        _cleanup_nl_ struct osvif_nl *nl = open_nl();
        osvif_error_t err = OSVIF_ERROR_INIT;
        struct osvif_bridge_opts bo = { "lo", 0, false, NULL };
        struct osvif_bridge_changes ch = { 0 };

        cr_assert_eq(osvif_bridge_ensure(nl, &bo, &ch, &err), -1);
        cr_assert_eq(err.code, OSVIF_ERR_EXISTS);
        osvif_error_clear(&err);
}

Test(backend, netns_open_refuses_what_is_not_a_network_namespace)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        int fd;

        /* a missing path is an error like any other, with a message: DEL looks at errnum */
        cr_assert_eq(osvif_netns_open("/run/netns/none", &err), -1);
        cr_assert_eq(err.code, OSVIF_ERR_NETNS);
        cr_assert_eq(err.errnum, ENOENT);
        assert_contains(err.msg, "open netns \"/run/netns/none\": no such file or directory");
        osvif_error_clear(&err);
        cr_assert_eq(osvif_netns_open("/proc/self/ns/mnt", &err), -1);
        cr_assert_eq(err.code, OSVIF_ERR_NETNS);
        osvif_error_clear(&err);
        fd = osvif_netns_open("/run/netns/pod", &err);
        cr_assert_geq(fd, 0);
        cr_assert_not(osvif_netns_same(fd, osvif_netns_open_current(&err)));
        close(fd);
}

static int count_link(const struct osvif_link_info *link, void *userdata)
{
        (void)link;
        (*(int *)userdata)++;
        return 0;
}

/*
 * Links come and go beside GC and DEL's owner sweep on a busy node: the kernel then marks a
 * link dump interrupted (NLM_F_DUMP_INTR). The walk must ask again, not fail with "list
 * links: input/output error". 600 links make every dump span several messages; a shell
 * adds and deletes a link as fast as iproute2 can meanwhile.
 */
Test(backend, link_walk_survives_links_changing_during_the_dump)
{
        _cleanup_nl_ struct osvif_nl *nl = open_nl();
        int failures = 0, status;
        pid_t churn;

        cr_assert_eq(system("for i in $(seq 600); do echo \"link add d$i type bridge\"; done | "
                            "ip -batch -"),
                     0);
        churn = fork();
        if (churn == 0) {
                setpgid(0, 0);
                execl("/bin/sh", "sh", "-c",
                      "while :; do echo 'link add churn type bridge'; echo 'link del churn'; "
                      "done | ip -force -batch - >/dev/null 2>&1",
                      (char *)NULL);
                _exit(127);
        }
        usleep(200000);
        for (int i = 0; i < 100; i++) {
                osvif_error_t err = OSVIF_ERROR_INIT;
                int n = 0;

                if (osvif_link_foreach(nl, count_link, &n, &err) < 0) {
                        cr_log_warn("walk %d: %s", i, err.msg);
                        failures++;
                        osvif_error_clear(&err);
                } else {
                        cr_assert_geq(n, 601, "walk %d saw %d links", i, n);
                }
        }
        kill(-churn, SIGKILL);
        waitpid(churn, &status, 0);
        cr_assert_eq(failures, 0, "%d of 100 link walks failed while links changed", failures);
}

/* Refused without opening it: a FIFO would block open(), a device would be opened. */
static void assert_refused(const char *path, const char *kind)
{
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_netns_open(path, &err), -1, "%s accepted", path);
        cr_assert_eq(err.code, OSVIF_ERR_NETNS);
        assert_contains(err.msg, kind);
        osvif_error_clear(&err);
}

Test(backend, netns_open_refuses_fifos_devices_files_and_directories_without_blocking,
     .timeout = 10)
{
        FILE *f;

        cr_assert_eq(mkfifo("/run/fifo", 0600), 0);
        assert_refused("/run/fifo", "a fifo");
        assert_refused("/dev/null", "a character device");
        f = fopen("/run/plain", "w");
        cr_assert_not_null(f);
        fclose(f);
        assert_refused("/run/plain", "a regular file");
        assert_refused("/run", "a directory");
        /* a symlink to a FIFO is followed, and still refused without blocking */
        cr_assert_eq(symlink("/run/fifo", "/run/fifo-link"), 0);
        assert_refused("/run/fifo-link", "a fifo");
}

Test(backend, netns_open_takes_another_process_ns_net_and_symlinks_to_netns)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        int fd, pod, status, ready[2];
        char path[64], c;
        pid_t pid;

        cr_assert_eq(pipe(ready), 0);
        pid = fork();
        if (pid == 0) {
                int ns = open("/run/netns/pod", O_RDONLY);

                if (ns < 0 || setns(ns, CLONE_NEWNET) < 0)
                        _exit(1);
                if (write(ready[1], "x", 1) != 1)
                        _exit(1);
                pause();
                _exit(0);
        }
        cr_assert_eq(read(ready[0], &c, 1), 1);
        snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
        fd = osvif_netns_open(path, &err);
        pod = osvif_netns_open("/run/netns/pod", &err);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        cr_assert_geq(fd, 0, "%s", err.msg);
        cr_assert_geq(pod, 0, "%s", err.msg);
        cr_assert(osvif_netns_same(fd, pod), "/proc/<pid>/ns/net is the pod's namespace");
        close(fd);
        cr_assert_eq(symlink("/run/netns/pod", "/run/pod-link"), 0);
        fd = osvif_netns_open("/run/pod-link", &err);
        cr_assert_geq(fd, 0, "%s", err.msg);
        cr_assert(osvif_netns_same(fd, pod));
        close(fd);
        close(pod);
}

Test(backend, locks_exclude_other_processes_and_leave_no_file)
{
        struct osvif_lock l = OSVIF_LOCK_INIT;
        osvif_error_t err = OSVIF_ERROR_INIT;
        int status;
        pid_t pid;

        cr_assert_eq(osvif_lock_take(&l, "bridge-x", 1000, &err), 0, "%s", err.msg);
        pid = fork();
        if (pid == 0) {
                struct osvif_lock other = OSVIF_LOCK_INIT;
                osvif_error_t e = OSVIF_ERROR_INIT;

                /* held elsewhere: this one must time out with "try again" */
                _exit(osvif_lock_take(&other, "bridge-x", 200, &e) == -1 &&
                                      e.code == OSVIF_CNI_ERR_TRY_AGAIN
                              ? 0
                              : 1);
        }
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert_eq(WEXITSTATUS(status), 0, "a second holder got the lock");
        osvif_lock_release(&l);
        cr_assert_neq(access("/run/osvif/bridge-x.lock", F_OK), 0, "the lock file is gone");
        pid = fork();
        if (pid == 0) {
                struct osvif_lock other = OSVIF_LOCK_INIT;
                osvif_error_t e = OSVIF_ERROR_INIT;

                _exit(osvif_lock_take(&other, "bridge-x", 200, &e) == 0 ? 0 : 1);
        }
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert_eq(WEXITSTATUS(status), 0, "released: another may take it");
}

/*
 * The run directory is checked once per process, at its first lock, and locks are then made
 * and removed through the fd that passed the checks: a path swapped for a symlink afterwards
 * redirects neither a later lock nor a release (a new process checks the path again).
 */
Test(backend, a_run_directory_swapped_after_its_check_redirects_no_lock)
{
        struct osvif_lock a = OSVIF_LOCK_INIT, b = OSVIF_LOCK_INIT;
        osvif_error_t err = OSVIF_ERROR_INIT;
        int status;
        pid_t pid;

        cr_assert_eq(osvif_lock_take(&a, "bridge-p", 1000, &err), 0, "%s", err.msg);
        cr_assert_eq(rename("/run/osvif", "/run/osvif-moved"), 0);
        cr_assert_eq(mkdir("/run/elsewhere", 0700), 0);
        cr_assert_eq(symlink("/run/elsewhere", "/run/osvif"), 0);
        cr_assert_eq(osvif_lock_take(&b, "bridge-q", 1000, &err), 0, "%s", err.msg);
        cr_assert_eq(access("/run/osvif-moved/bridge-q.lock", F_OK), 0,
                     "the lock is not in the checked directory");
        cr_assert_neq(access("/run/elsewhere/bridge-q.lock", F_OK), 0,
                      "a lock made where the planted symlink points");
        /* a file of that name where the symlink points is not the releaser's to remove */
        cr_assert_eq(close(open("/run/elsewhere/bridge-p.lock", O_CREAT | O_WRONLY, 0600)), 0);
        osvif_lock_release(&a);
        osvif_lock_release(&b);
        cr_assert_neq(access("/run/osvif-moved/bridge-p.lock", F_OK), 0, "not released");
        cr_assert_neq(access("/run/osvif-moved/bridge-q.lock", F_OK), 0, "not released");
        cr_assert_eq(access("/run/elsewhere/bridge-p.lock", F_OK), 0,
                     "released through the planted symlink");
        pid = fork();
        if (pid == 0) {
                osvif_error_t e = OSVIF_ERROR_INIT;
                struct osvif_lock c = OSVIF_LOCK_INIT;

                /* a forked process keeps the checked fd; across exec it is closed
                 * (O_CLOEXEC), and the next process refuses the symlink */
                _exit(osvif_lock_take(&c, "bridge-r", 200, &e) == 0 &&
                                      access("/run/osvif-moved/bridge-r.lock", F_OK) == 0
                              ? 0
                              : 1);
        }
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert_eq(WEXITSTATUS(status), 0, "a forked child left the checked directory");
}

/* 0 when another process takes `key` (shared or not) within 200 ms, 1 when it times out. */
static int other_takes(const char *key, bool shared)
{
        int status;
        pid_t pid = fork();

        if (pid == 0) {
                struct osvif_lock other = OSVIF_LOCK_INIT;
                osvif_error_t e = OSVIF_ERROR_INIT;
                int r = shared ? osvif_lock_take_shared(&other, key, 200, &e)
                               : osvif_lock_take(&other, key, 200, &e);

                _exit(r == 0 ? 0 : e.code == OSVIF_CNI_ERR_TRY_AGAIN ? 1 : 2);
        }
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) < 2, "lock error in the child");
        return WEXITSTATUS(status);
}

Test(backend, shared_locks_admit_sharers_exclude_an_exclusive_and_the_last_removes_the_file)
{
        struct osvif_lock a = OSVIF_LOCK_INIT, b = OSVIF_LOCK_INIT;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_lock_take_shared(&a, "bridge-s", 1000, &err), 0, "%s", err.msg);
        cr_assert_eq(osvif_lock_take_shared(&b, "bridge-s", 1000, &err), 0,
                     "a second sharer waited: %s", err.msg);
        cr_assert_eq(other_takes("bridge-s", true), 0, "a sharer in another process waited");
        cr_assert_eq(other_takes("bridge-s", false), 1, "exclusive while shared");
        osvif_lock_release(&a);
        cr_assert_eq(access("/run/osvif/bridge-s.lock", F_OK), 0,
                     "the file went while a sharer still held it");
        cr_assert_eq(other_takes("bridge-s", false), 1, "exclusive while one sharer is left");
        osvif_lock_release(&b);
        cr_assert_neq(access("/run/osvif/bridge-s.lock", F_OK), 0, "the last sharer left a file");
        cr_assert_eq(other_takes("bridge-s", false), 0, "free: exclusive is possible");

        /* exclusive, then shared: sharers come in, an exclusive still does not */
        cr_assert_eq(osvif_lock_take(&a, "bridge-s", 1000, &err), 0, "%s", err.msg);
        cr_assert_eq(other_takes("bridge-s", true), 1, "shared while exclusive");
        osvif_lock_downgrade(&a);
        cr_assert_eq(other_takes("bridge-s", true), 0, "shared after the downgrade");
        cr_assert_eq(other_takes("bridge-s", false), 1, "exclusive after the downgrade");
        osvif_lock_release(&a);
        cr_assert_neq(access("/run/osvif/bridge-s.lock", F_OK), 0, "a file left");
}

/*
 * Lock keys longer than a file name (the per-attachment key holds network, container id and
 * ifname: up to ~260 bytes, more once escaped) were cut at ~210 bytes: two attachments whose
 * keys differ only past the cut shared one lock. Now they are hashed, never cut.
 */
Test(backend, long_lock_keys_are_hashed_not_cut)
{
        struct osvif_lock a = OSVIF_LOCK_INIT, b = OSVIF_LOCK_INIT, c = OSVIF_LOCK_INIT;
        osvif_error_t err = OSVIF_ERROR_INIT;
        char k1[301], k2[301];
        char name[201];

        memset(k1, 'k', 300);
        k1[300] = '\0';
        memcpy(k2, k1, sizeof(k1));
        k2[299] = 'z';
        cr_assert_eq(osvif_lock_take(&a, k1, 200, &err), 0, "%s", err.msg);
        cr_assert_eq(osvif_lock_take(&b, k2, 200, &err), 0,
                     "keys that differ past the cut share a lock: %s", err.msg);
        /* the same long key is still one lock */
        cr_assert_eq(osvif_lock_take(&c, k1, 200, &err), -1, "a long key locked twice");
        cr_assert_eq(err.code, OSVIF_CNI_ERR_TRY_AGAIN);
        osvif_error_clear(&err);
        osvif_lock_release(&a);
        osvif_lock_release(&b);
        /* escaped characters (3 bytes each) count against the room as well */
        osvif_key_filename("", "attach osvif n c eth0", ".lock", name, sizeof(name));
        cr_assert_str_eq(name, "attach%20osvif%20n%20c%20eth0.lock");
        osvif_key_filename("p.", k1, ".x", name, sizeof(name));
        cr_assert_lt(strlen(name), sizeof(name));
        cr_assert_not_null(strchr(name, '~'), "a long key carries its hash: %s", name);
}

/* Every failure carries a code and a message naming the object: none reaches the runtime
 * as a bare code 100. */

static int fail_walk(const struct osvif_link_info *link, void *data)
{
        return -EIO;
}

Test(backend, a_failing_walk_names_itself)
{
        _cleanup_nl_ struct osvif_nl *nl = open_nl();
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_link_foreach(nl, fail_walk, NULL, &err), -1);
        cr_assert_eq(err.code, OSVIF_ERR_INTERNAL);
        cr_assert_eq(err.errnum, EIO);
        cr_assert_not_null(err.msg, "a failed walk without a message");
        assert_contains(err.msg, "list links");
        osvif_error_clear(&err);
}

Test(backend, an_existing_bridge_name_is_an_error_with_a_message)
{
        _cleanup_nl_ struct osvif_nl *nl = open_nl();
        osvif_error_t err = OSVIF_ERROR_INIT;
        struct osvif_bridge_create b = { "brdup", 0, false };

        cr_assert_gt(osvif_link_add_bridge(nl, &b, &err), 0, "%s", err.msg);
        cr_assert_eq(osvif_link_add_bridge(nl, &b, &err), -1);
        cr_assert_eq(err.code, OSVIF_ERR_EXISTS);
        cr_assert_eq(err.errnum, EEXIST);
        cr_assert_not_null(err.msg);
        assert_contains(err.msg, "add bridge \"brdup\"");
        osvif_error_clear(&err);
}

static int fail_attachment(const char *container_id, const char *ifname, void *data)
{
        return -ENOMEM;
}

Test(backend, a_failing_gc_callback_names_the_attachment)
{
        struct osvif_conf conf = { .ovsdb = "unix:/run/no-ovs/db.sock" };
        osvif_error_t err = OSVIF_ERROR_INIT, ovsdb = OSVIF_ERROR_INIT;

        cr_assert_eq(system("ip link add gcv0 type veth peer name gcv1 && "
                            "ip link set gcv0 alias 'osvif gnet ctrgc eth1'"),
                     0);
        cr_assert_eq(osvif_exec_foreach_attachment(&conf, "gnet", fail_attachment, NULL, &ovsdb,
                                                   &err),
                     -1);
        cr_assert_eq(err.errnum, ENOMEM);
        cr_assert_not_null(err.msg, "a failed GC callback without a message");
        assert_contains(err.msg, "attachment ctrgc/eth1");
        osvif_error_clear(&err);
}

/* Root must not be steered through the run directory by anyone else (issue 10, section 6). */
Test(backend, a_symlink_planted_as_a_lock_file_is_not_followed)
{
        struct osvif_lock l = OSVIF_LOCK_INIT;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(mkdir("/run/osvif", 0700), 0);
        cr_assert_eq(symlink("/run/victim", "/run/osvif/bridge-y.lock"), 0);
        cr_assert_eq(osvif_lock_take(&l, "bridge-y", 200, &err), -1, "took a planted symlink");
        cr_assert_eq(err.code, OSVIF_ERR_STATE);
        assert_contains(err.msg, "/run/osvif/bridge-y.lock");
        osvif_error_clear(&err);
        cr_assert_neq(access("/run/victim", F_OK), 0, "root created the symlink's target");
}

static void assert_run_dir_refused(const char *what)
{
        struct osvif_lock l = OSVIF_LOCK_INIT;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_lock_take(&l, "bridge-z", 200, &err), -1, "%s: accepted", what);
        cr_assert_eq(err.code, OSVIF_ERR_STATE, "%s: code %d", what, err.code);
        assert_contains(err.msg, "\"/run/osvif\"");
        assert_contains(err.msg, "refusing it");
        osvif_error_clear(&err);
        cr_assert_neq(access("/run/osvif/bridge-z.lock", F_OK), 0, "%s: a lock file was made",
                      what);
}

Test(backend, a_run_directory_that_others_control_is_refused)
{
        cr_assert_eq(mkdir("/run/osvif", 0700), 0);
        cr_assert_eq(chmod("/run/osvif", 0777), 0);
        assert_run_dir_refused("world-writable");
        cr_assert_eq(chmod("/run/osvif", 01777), 0);
        assert_run_dir_refused("world-writable with the sticky bit");
        cr_assert_eq(chmod("/run/osvif", 0770), 0);
        assert_run_dir_refused("group-writable");
        cr_assert_eq(chmod("/run/osvif", 0700), 0);
        cr_assert_eq(chown("/run/osvif", 65534, 65534), 0);
        assert_run_dir_refused("owned by nobody");
        cr_assert_eq(rmdir("/run/osvif"), 0);
        cr_assert_eq(mkdir("/run/elsewhere", 0700), 0);
        cr_assert_eq(symlink("/run/elsewhere", "/run/osvif"), 0);
        assert_run_dir_refused("a symlink");
}
