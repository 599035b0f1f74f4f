/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <string.h>

#include "backend/vhostuser.h"
#include "cni/request.h"
#include "conf.h"
#include "helpers.h"
#include "plan/plan.h"
#include "plan/steps.h"
#include "util/cleanup.h"

/* VIFVHostUser: socket path rules and the plans of its rows, without a kernel or OVS. */

#define UUID "3f2a9c6e-1b4d-4c8e-9a7f-0d2e5b6c7a81"

struct fixture {
        struct osvif_cni_request *req;
        struct osvif_conf *conf;
        struct osvif_plan *plan;
};

static void fixture_free(struct fixture *f)
{
        osvif_plan_free(f->plan);
        osvif_conf_free(f->conf);
        osvif_cni_request_free(f->req);
}

static int build(const char *conf, struct fixture *f, osvif_error_t *err)
{
        char *env[] = { "CNI_COMMAND=ADD", "CNI_CONTAINERID=ctr1",  "CNI_NETNS=/run/netns/p",
                        "CNI_IFNAME=eth0", "CNI_PATH=/usr/lib/cni", NULL };
        enum osvif_cni_version v;
        cJSON *tree = NULL;

        memset(f, 0, sizeof(*f));
        if (osvif_cni_request_parse(env, conf, strlen(conf), &f->req, &tree, &v, err) < 0)
                return -1;
        f->conf = osvif_conf_parse(tree, f->req, err);
        cJSON_Delete(tree);
        if (!f->conf)
                return -1;
        return osvif_plan_build(f->req, f->conf, f->conf->vif, &f->plan, err);
}

/*
 * The network config's VIF, and the same VIF with its id as a pod's (args.cni.vif, which the
 * config's podVif lets give only its id): host names are then os-vif's prefix + id.
 */
#define VHU_FIELDS(mode, path, profile, extra)                          \
        "\"type\":\"vhostuser\",\"mode\":\"" mode "\",\"path\":\"" path \
        "\",\"port_profile\":" profile extra                            \
        ",\"network\":{\"bridge\":\"br-int\",\"vlan\":7,\"mtu\":9000}"
#define VHU(mode, path, profile, extra, top)                                         \
        "{\"cniVersion\":\"1.1.0\",\"name\":\"net\",\"type\":\"osvif\"" top          \
        ",\"podVif\":{\"sources\":[\"args\"],\"allowInterfaceId\":true}"             \
        ",\"vif\":{" VHU_FIELDS(mode, path, profile,                                 \
                                extra) "}"                                           \
                                       ",\"args\":{\"cni\":{\"vif\":{\"id\":\"" UUID \
                                       "\"," VHU_FIELDS(mode, path, profile, extra) "}}}}"
#define OVS_PROFILE "{\"type\":\"openvswitch\",\"interface_id\":\"" UUID "\"}"

static void assert_steps(const struct osvif_plan *p, const char *const *want, size_t n)
{
        cr_assert_eq(p->n_steps, n, "%zu steps, want %zu", p->n_steps, n);
        for (size_t i = 0; i < n; i++)
                cr_assert_str_eq(osvif_step_name(&p->steps[i]), want[i], "step %zu is %s, want %s",
                                 i, osvif_step_name(&p->steps[i]), want[i]);
}

static void refused(const char *conf, int code, const char *words)
{
        struct fixture f;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(build(conf, &f, &err), -1, "accepted: %s", conf);
        cr_assert_eq(err.code, code, "code %d: %s", err.code, err.msg);
        cr_assert(strstr(err.msg, words), "\"%s\" not in: %s", words, err.msg);
        osvif_error_clear(&err);
        fixture_free(&f);
}

Test(vhostuser, path_rules)
{
        static const char *const bad[] = { "",        "run/x", "/run//x", "/run/./x", "/run/../x",
                                           "/run/x/", "/",     "/..",     "/." };
        char longest[OSVIF_VHU_PATH_MAX + 1];
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_vhu_path_check("/run/openvswitch/vhu3f2a9c6e-1b", "vif.path", &err), 0);
        cr_assert_eq(osvif_vhu_path_check("/run/.hidden/a..b", "vif.path", &err), 0);
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                cr_assert_eq(osvif_vhu_path_check(bad[i], "vif.path", &err), -1, "%s", bad[i]);
                cr_assert_eq(err.code, OSVIF_CNI_ERR_INVALID_CONFIG);
                cr_assert(strstr(err.msg, "vif.path"), "%s", err.msg);
                osvif_error_clear(&err);
        }
        /* sun_path: 107 bytes and the NUL */
        memset(longest, 'x', sizeof(longest));
        longest[0] = '/';
        longest[OSVIF_VHU_PATH_MAX - 1] = '\0';
        cr_assert_eq(osvif_vhu_path_check(longest, "vif.path", &err), 0, "%s", err.msg);
        longest[OSVIF_VHU_PATH_MAX - 1] = 'x';
        longest[OSVIF_VHU_PATH_MAX] = '\0';
        cr_assert_eq(osvif_vhu_path_check(longest, "vif.path", &err), -1);
        cr_assert(strstr(err.msg, "too long"), "%s", err.msg);
        osvif_error_clear(&err);
}

Test(vhostuser, kata_dir_is_kata_s_name_for_the_ip)
{
        char buf[OSVIF_VHU_PATH_MAX];
        struct osvif_ip ip;

        cr_assert_eq(osvif_ip_parse("10.0.0.5", &ip), 0);
        osvif_vhu_kata_dir(&ip, buf);
        cr_assert_str_eq(buf, "/tmp/vhostuser_10.0.0.5");
        /* Go's net.IP.String(): the compressed form */
        cr_assert_eq(osvif_ip_parse("fd00:0:0:0::0007", &ip), 0);
        osvif_vhu_kata_dir(&ip, buf);
        cr_assert_str_eq(buf, "/tmp/vhostuser_fd00::7");
}

Test(vhostuser, client_mode_is_a_dpdkvhostuser_port_with_kata_entries)
{
        static const char *const want[] = { "ovs-port", "vhostuser", "placeholder", "pod-link",
                                            "pod-l3" };
        osvif_error_t err = OSVIF_ERROR_INIT;
        struct fixture f;

        cr_assert_eq(build(VHU("client", "/run/openvswitch/x", OVS_PROFILE, "", ""), &f, &err), 0,
                     "%s", err.msg);
        assert_steps(f.plan, want, ARRAY_SIZE(want));
        cr_assert_str_eq(f.plan->steps[0].u.ovs_port.port, "vhu3f2a9c6e-1b");
        cr_assert_str_eq(f.plan->steps[0].u.ovs_port.bridge, "br-int");
        cr_assert_str_eq(f.plan->steps[0].u.ovs_port.iface_type, "dpdkvhostuser");
        cr_assert_str_eq(f.plan->steps[0].u.ovs_port.datapath_type, "netdev");
        cr_assert_str_eq(f.plan->steps[0].u.ovs_port.vhost_server_path, "");
        cr_assert_eq(f.plan->steps[0].u.ovs_port.tag, 7);
        cr_assert_eq(f.plan->steps[0].u.ovs_port.mtu_request, 9000);
        /* the socket is OVS's, in its directory: the VIF's path is not used */
        cr_assert_str_eq(f.plan->steps[1].u.vhostuser.path, "");
        cr_assert(f.plan->steps[1].u.vhostuser.kata);
        fixture_free(&f);
}

Test(vhostuser, server_mode_connects_ovs_to_the_path_and_makes_no_kata_entry)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        struct fixture f;

        cr_assert_eq(build(VHU("server", "/run/qemu/vm.sock",
                               "{\"type\":\"openvswitch\",\"datapath_type\":\"system\"}", "", ""),
                           &f, &err),
                     0, "%s", err.msg);
        /* QEMU's path is checked before OVS is touched */
        cr_assert_str_eq(osvif_step_name(&f.plan->steps[0]), "vhostuser");
        cr_assert_str_eq(f.plan->steps[1].u.ovs_port.iface_type, "dpdkvhostuserclient");
        cr_assert_str_eq(f.plan->steps[1].u.ovs_port.vhost_server_path, "/run/qemu/vm.sock");
        cr_assert_str_eq(f.plan->steps[1].u.ovs_port.datapath_type, "system", "the profile's");
        cr_assert_str_eq(f.plan->steps[0].u.vhostuser.path, "/run/qemu/vm.sock");
        cr_assert(!f.plan->steps[0].u.vhostuser.kata);
        fixture_free(&f);
}

Test(vhostuser, refuses_bad_paths_and_tcp_without_ovs_run_dir)
{
        struct fixture f;
        osvif_error_t err = OSVIF_ERROR_INIT;

        refused(VHU("server", "vm.sock", OVS_PROFILE, "", ""), OSVIF_CNI_ERR_INVALID_CONFIG,
                "vif.path");
        refused(VHU("client", "/run/x", OVS_PROFILE, "", ",\"ovsdb\":\"tcp:127.0.0.1:6640\""),
                OSVIF_CNI_ERR_INVALID_CONFIG, "ovsRunDir");
        cr_assert_eq(build(VHU("client", "/run/x", OVS_PROFILE, "",
                               ",\"ovsdb\":\"tcp:127.0.0.1:6640\",\"ovsRunDir\":\"/run/ovs\""),
                           &f, &err),
                     0, "%s", err.msg);
        fixture_free(&f);
        refused(VHU("client", "/run/x", OVS_PROFILE, "", ",\"ovsRunDir\":\"run/ovs\""),
                OSVIF_CNI_ERR_INVALID_CONFIG, "ovsRunDir");
        refused(VHU("client", "/run/x", OVS_PROFILE, "", ",\"vhostuserGroup\":-1"),
                OSVIF_CNI_ERR_INVALID_CONFIG, "vhostuserGroup");
        refused(VHU("client", "/run/x", "{\"type\":\"fp_bridge\"}", ",\"vif_name\":\"fp0\"", ""),
                OSVIF_CNI_ERR_INVALID_CONFIG, "port_profile.bridge_name");
}

Test(vhostuser, fast_path_profiles)
{
        static const char *const bridge[] = { "bridge",      "vhostuser", "fp-netdev",
                                              "placeholder", "pod-link",  "pod-l3" };
        static const char *const hybrid[] = { "bridge",    "qvb-qvo",     "ovs-port", "vhostuser",
                                              "fp-netdev", "placeholder", "pod-link", "pod-l3" };
        static const uint8_t mac[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };
        osvif_error_t err = OSVIF_ERROR_INIT;
        struct fixture f;

        cr_assert_eq(build(VHU("client", "/run/fp/s",
                               "{\"type\":\"fp_bridge\",\"bridge_name\":\"brfp\"}",
                               ",\"vif_name\":\"fpnd0\"", ""),
                           &f, &err),
                     0, "%s", err.msg);
        assert_steps(f.plan, bridge, ARRAY_SIZE(bridge));
        cr_assert_str_eq(f.plan->steps[0].u.bridge.name, "brfp");
        cr_assert(!f.plan->steps[0].u.bridge.owned, "the profile's bridge is shared");
        cr_assert_str_eq(f.plan->steps[2].u.fp_netdev.name, "fpnd0");
        cr_assert_str_eq(f.plan->steps[2].u.fp_netdev.master, "brfp");
        cr_assert_str_eq(f.plan->steps[1].u.vhostuser.path, "/run/fp/s");
        cr_assert(f.plan->steps[1].u.vhostuser.kata);
        fixture_free(&f);

        cr_assert_eq(build(VHU("server", "/run/fp/s",
                               "{\"type\":\"fp_tap\",\"mac_address\":\"FE:FF:FF:FF:FF:FF\"}",
                               ",\"vif_name\":\"fpnd0\"", ""),
                           &f, &err),
                     0, "%s", err.msg);
        cr_assert_str_eq(osvif_step_name(&f.plan->steps[1]), "fp-netdev");
        cr_assert_str_eq(f.plan->steps[1].u.fp_netdev.master, "");
        cr_assert(f.plan->steps[1].u.fp_netdev.set_mac);
        cr_assert_eq(memcmp(f.plan->steps[1].u.fp_netdev.mac, mac, 6), 0);
        cr_assert(!f.plan->steps[0].u.vhostuser.kata, "mode server: no Kata entry");
        fixture_free(&f);

        cr_assert_eq(build(VHU("client", "/run/fp/s",
                               "{\"type\":\"fp_openvswitch\",\"bridge_name\":\"br-fp\","
                               "\"hybrid_plug\":true}",
                               ",\"vif_name\":\"fpnd0\"", ""),
                           &f, &err),
                     0, "%s", err.msg);
        assert_steps(f.plan, hybrid, ARRAY_SIZE(hybrid));
        cr_assert_str_eq(f.plan->steps[0].u.bridge.name, "qbr3f2a9c6e-1b");
        cr_assert_str_eq(f.plan->steps[2].u.ovs_port.port, "qvo3f2a9c6e-1b");
        cr_assert_str_eq(f.plan->steps[2].u.ovs_port.bridge, "br-fp", "the profile's bridge_name");
        cr_assert_str_eq(f.plan->steps[2].u.ovs_port.iface_type, "", "qvo is a system port");
        cr_assert_str_eq(f.plan->steps[4].u.fp_netdev.master, "qbr3f2a9c6e-1b");
        fixture_free(&f);

        /* without hybrid_plug it is the OpenVSwitch row on the profile's bridge */
        cr_assert_eq(build(VHU("client", "/run/fp/s",
                               "{\"type\":\"fp_openvswitch\",\"bridge_name\":\"br-fp\"}", "", ""),
                           &f, &err),
                     0, "%s", err.msg);
        cr_assert_str_eq(f.plan->steps[0].u.ovs_port.bridge, "br-fp");
        cr_assert_str_eq(f.plan->steps[0].u.ovs_port.iface_type, "dpdkvhostuser");
        fixture_free(&f);
        refused(VHU("client", "/run/fp/s",
                    "{\"type\":\"fp_openvswitch\",\"bridge_name\":\"br-fp\",\"hybrid_plug\":true}",
                    "", ""),
                OSVIF_CNI_ERR_INVALID_CONFIG, "vif_name");
}
