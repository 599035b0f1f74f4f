/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <string.h>

#include "cni/request.h"
#include "conf.h"
#include "fixture.h"
#include "helpers.h"
#include "plan/plan.h"
#include "util/cleanup.h"

/* The mapping and the per-pod VIF sources, checked on the plan alone: no kernel involved. */

#define UUID "3f2a9c6e-1b4d-4c8e-9a7f-0d2e5b6c7a81"

static void build_ok(const char *conf, struct fixture *f)
{
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(build("ADD", conf, f, &err), 0, "%s: %s", conf, err.msg);
}

#define NET(vif, extra) \
        "{\"cniVersion\":\"1.1.0\",\"name\":\"net\",\"type\":\"osvif\",\"vif\":" vif extra "}"

static void assert_steps(const struct osvif_plan *p, const char *const *want, size_t n)
{
        cr_assert_eq(p->n_steps, n, "%zu steps, want %zu", p->n_steps, n);
        for (size_t i = 0; i < n; i++)
                cr_assert_str_eq(osvif_step_name(&p->steps[i]), want[i], "step %zu is %s, want %s",
                                 i, osvif_step_name(&p->steps[i]), want[i]);
}

Test(plan, generic_is_a_bare_veth)
{
        static const char *const want[] = { "veth", "pod-link", "pod-l3" };
        struct fixture f;

        build_ok(NET("{\"type\":\"generic\",\"vif_name\":\"tapgen0\"}", ""), &f);
        assert_steps(f.plan, want, ARRAY_SIZE(want));
        cr_assert_str_eq(f.plan->steps[0].u.veth.host, "tapgen0");
        cr_assert(f.plan->steps[0].u.veth.host_up, "nothing else brings an unattached host end up");
        cr_assert_str_eq(f.plan->owner, "osvif net ctr1 eth0");
        fixture_free(&f);
}

Test(plan, bridge_with_ipam_enslaves_the_host_end)
{
        static const char *const want[] = {
                "ipam", "bridge", "veth", "pod-link", "pod-l3",
        };
        struct fixture f;

        build_ok(NET("{\"type\":\"bridge\",\"bridge_name\":\"br0\",\"network\":{\"mtu\":1400}}",
                     ",\"ipam\":{\"type\":\"host-local\"}"),
                 &f);
        assert_steps(f.plan, want, ARRAY_SIZE(want));
        cr_assert_str_eq(f.plan->steps[1].u.bridge.name, "br0");
        cr_assert_not(f.plan->steps[1].u.bridge.owned, "a named bridge is shared");
        cr_assert_eq(f.plan->steps[1].u.bridge.mtu, 1400);
        cr_assert_eq(f.plan->mtu, 1400);
        cr_assert_str_eq(f.plan->steps[2].u.veth.master, "br0", "the host end goes on br0");
        cr_assert_str_eq(f.plan->steps[2].u.veth.host, f.plan->host_ifname);
        cr_assert_null(f.plan->l3, "IPAM decides L3");
        fixture_free(&f);
}

Test(plan, hybrid_plug_builds_qbr_qvb_qvo)
{
        static const char *const want[] = {
                "bridge", "qvb-qvo", "ovs-port", "veth", "pod-link", "pod-l3",
        };
        struct fixture f;

        build_ok(NET("{\"type\":\"bridge\",\"port_profile\":{\"type\":\"openvswitch\",\"interface_"
                     "id\":\"" UUID "\"},"
                     "\"network\":{\"bridge\":\"br-int\",\"vlan\":7}}",
                     ",\"podVif\":{\"sources\":[\"args\"],\"allowInterfaceId\":true}"
                     ",\"args\":{\"cni\":{\"vif\":{\"type\":\"bridge\",\"id\":\"" UUID "\","
                     "\"port_profile\":{\"type\":\"openvswitch\",\"interface_id\":\"" UUID "\"},"
                     "\"network\":{\"bridge\":\"br-int\",\"vlan\":7}}}}"),
                 &f);
        assert_steps(f.plan, want, ARRAY_SIZE(want));
        /* a per-pod VIF with an id: os-vif's names */
        cr_assert_str_eq(f.plan->steps[0].u.bridge.name, "qbr3f2a9c6e-1b");
        cr_assert(f.plan->steps[0].u.bridge.owned);
        cr_assert(f.plan->steps[0].u.bridge.os_vif_settings);
        cr_assert_str_eq(f.plan->steps[1].u.qvb_qvo.qvb, "qvb3f2a9c6e-1b");
        cr_assert_str_eq(f.plan->steps[1].u.qvb_qvo.qvo, "qvo3f2a9c6e-1b");
        cr_assert_str_eq(f.plan->steps[1].u.qvb_qvo.master, "qbr3f2a9c6e-1b");
        cr_assert_str_eq(f.plan->steps[2].u.ovs_port.port, "qvo3f2a9c6e-1b");
        cr_assert_str_eq(f.plan->steps[2].u.ovs_port.bridge, "br-int");
        cr_assert_eq(f.plan->steps[2].u.ovs_port.tag, 7);
        cr_assert_str_eq(f.plan->steps[3].u.veth.master, "qbr3f2a9c6e-1b", "the pod's tap on qbr");
        cr_assert_str_eq(f.plan->host_ifname, "tap3f2a9c6e-1b");
        fixture_free(&f);
}

Test(plan, ovs_port_takes_bridge_vlan_mtu_and_profile)
{
        static const char *const want[] = { "veth", "ovs-port", "pod-link", "pod-l3" };
        struct fixture f;

        build_ok(NET("{\"type\":\"ovs\",\"network\":{\"bridge\":\"br-int\",\"vlan\":100,\"mtu\":"
                     "1450},"
                     "\"port_profile\":{\"type\":\"openvswitch\",\"datapath_type\":\"netdev\"}}",
                     ",\"isolateVif\":true"),
                 &f);
        assert_steps(f.plan, want, ARRAY_SIZE(want));
        cr_assert_str_eq(f.plan->steps[1].u.ovs_port.bridge, "br-int",
                         "network.bridge when bridge_name is absent");
        cr_assert_eq(f.plan->steps[1].u.ovs_port.tag, 100);
        cr_assert_eq(f.plan->steps[1].u.ovs_port.mtu_request, 1450);
        cr_assert_str_eq(f.plan->steps[1].u.ovs_port.datapath_type, "netdev");
        cr_assert(f.plan->steps[1].u.ovs_port.isolate);
        cr_assert_str_eq(f.plan->steps[1].u.ovs_port.port, f.plan->host_ifname);
        fixture_free(&f);
}

Test(plan, refuses_what_this_version_cannot_plug)
{
        struct fixture f;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(build("ADD",
                           NET("{\"type\":\"nested_dpdk\",\"pci_address\":\"0000:00:05.0\","
                               "\"dev_driver\":\"vfio-pci\"}",
                               ""),
                           &f, &err),
                     -1);
        cr_assert_eq(err.code, OSVIF_ERR_UNSUPPORTED);
        cr_assert(strstr(err.msg, "VIFNestedDPDK with no port profile"), "%s", err.msg);
        osvif_error_clear(&err);
        fixture_free(&f);
}

/* A name that does not fit where it goes is refused, naming the field; never cut short. */
/* 64 bytes: one more than OVS names and datapath types may have here */
#define LONG64 "1234567890123456789012345678901234567890123456789012345678901234"

/* A name that does not fit where it goes is refused, naming the field; never cut short. */
Test(plan, refuses_names_too_long_for_their_step)
{
        static const char *const cases[][2] = {
                { "{\"type\":\"ovs\",\"network\":{\"bridge\":\"" LONG64 "\"},"
                  "\"port_profile\":{\"type\":\"openvswitch\"}}",
                  "vif.network.bridge: \"" LONG64 "\" is too long (64 bytes, at most 63)" },
                { "{\"type\":\"ovs\",\"bridge_name\":\"br-int\",\"port_profile\":{\"type\":"
                  "\"openvswitch\",\"datapath_type\":\"" LONG64 "\"}}",
                  "vif.port_profile.datapath_type: \"" LONG64
                  "\" is too long (64 bytes, at most 63)" },
        };

        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                char conf[1024];
                struct fixture f;
                osvif_error_t err = OSVIF_ERROR_INIT;

                snprintf(conf, sizeof(conf), NET("%s", ""), cases[i][0]);
                cr_assert_eq(build("ADD", conf, &f, &err), -1, "accepted %s", cases[i][0]);
                cr_assert_eq(err.code, OSVIF_CNI_ERR_INVALID_CONFIG);
                cr_assert_str_eq(err.msg, cases[i][1]);
                osvif_error_clear(&err);
                fixture_free(&f);
        }
}

Test(plan, host_names_per_attachment_for_a_shared_vif)
{
        struct fixture a, b;
        char *conf = NET("{\"type\":\"bridge\",\"id\":\"" UUID "\",\"bridge_name\":\"br0\"}", "");
        char *env[] = { "CNI_COMMAND=ADD", "CNI_CONTAINERID=ctr2", "CNI_NETNS=/run/netns/q",
                        "CNI_IFNAME=eth0", NULL };
        enum osvif_cni_version v;
        osvif_error_t err = OSVIF_ERROR_INIT;
        cJSON *tree = NULL;

        build_ok(conf, &a);
        /* the same config for another pod must not give the same host name */
        memset(&b, 0, sizeof(b));
        cr_assert_eq(osvif_cni_request_parse(env, conf, strlen(conf), &b.req, &tree, &v, &err), 0);
        b.conf = osvif_conf_parse(tree, b.req, &err);
        cJSON_Delete(tree);
        cr_assert_eq(osvif_plan_build(b.req, b.conf, b.conf->vif, &b.plan, &err), 0, "%s", err.msg);
        cr_assert_str_neq(a.plan->host_ifname, b.plan->host_ifname);
        cr_assert(strncmp(a.plan->host_ifname, "tap", 3) == 0);
        cr_assert_str_neq(a.plan->host_ifname, "tap3f2a9c6e-1b", "not the shared VIF's id");
        fixture_free(&a);
        fixture_free(&b);
}

Test(plan, l3_from_the_os_vif_network)
{
        struct fixture f;
        const struct osvif_cni_result *l3;
        char buf[OSVIF_IPNET_STRLEN];

        build_ok(NET("{\"type\":\"generic\",\"network\":{\"subnets\":["
                     "{\"cidr\":\"10.0.0.0/"
                     "24\",\"gateway\":\"10.0.0.1\",\"ips\":[\"10.0.0.5\"],\"dns\":[\"10.0.0.2\"],"
                     "\"routes\":[{\"cidr\":\"192.0.2.7/24\",\"gateway\":\"10.0.0.9\"}]},"
                     "{\"cidr\":\"fd00::/"
                     "64\",\"gateway\":\"fd00::1\",\"ips\":[\"fd00::5\"],\"dns\":[\"10.0.0.2\","
                     "\"fd00::53\"]}]}}",
                     ""),
                 &f);
        l3 = f.plan->l3;
        cr_assert_not_null(l3);
        cr_assert_eq(l3->n_ips, 2);
        cr_assert_str_eq(osvif_ipnet_format(&l3->ips[0].address, buf), "10.0.0.5/24",
                         "the subnet's prefix");
        cr_assert_str_eq(osvif_ip_format(&l3->ips[0].gateway, buf), "10.0.0.1");
        cr_assert_str_eq(osvif_ipnet_format(&l3->ips[1].address, buf), "fd00::5/64");
        cr_assert_eq(l3->n_routes, 3, "the listed route, then a default route per family");
        cr_assert_str_eq(osvif_ipnet_format(&l3->routes[0].dst, buf), "192.0.2.0/24",
                         "a network, host bits cleared");
        cr_assert_str_eq(osvif_ipnet_format(&l3->routes[1].dst, buf), "0.0.0.0/0");
        cr_assert_str_eq(osvif_ipnet_format(&l3->routes[2].dst, buf), "::/0");
        cr_assert_str_eq(l3->dns.nameservers[0], "10.0.0.2");
        cr_assert_str_eq(l3->dns.nameservers[1], "fd00::53", "no duplicates");
        cr_assert_null(l3->dns.nameservers[2]);
        fixture_free(&f);
}

Test(plan, ips_capability_replaces_fixed_ips)
{
        struct fixture f;
        char buf[OSVIF_IPNET_STRLEN];

        build_ok(NET("{\"type\":\"generic\",\"network\":{\"subnets\":[{\"cidr\":\"10.0.0.0/24\","
                     "\"gateway\":\"10.0.0.1\",\"ips\":[\"10.0.0.5\"]}]}}",
                     ",\"runtimeConfig\":{\"ips\":[\"10.0.0.77\"],\"mac\":\"02:aa:bb:cc:dd:ee\"}"),
                 &f);
        cr_assert_eq(f.plan->l3->n_ips, 1);
        cr_assert_str_eq(osvif_ipnet_format(&f.plan->l3->ips[0].address, buf), "10.0.0.77/24");
        cr_assert_eq(f.plan->l3->ips[0].gateway.family, AF_INET);
        cr_assert(f.plan->has_mac);
        cr_assert_eq(f.plan->mac[5], 0xee);
        fixture_free(&f);
}

Test(plan, owner_strings_round_trip)
{
        char buf[256], copy[256];
        char *n, *c, *i;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_owner_format("net", "abc", "eth0", buf, &err), 0);
        strcpy(copy, buf);
        cr_assert_eq(osvif_owner_parse(copy, &n, &c, &i), 1);
        cr_assert_str_eq(n, "net");
        cr_assert_str_eq(c, "abc");
        cr_assert_str_eq(i, "eth0");
        strcpy(copy, "something else");
        cr_assert_eq(osvif_owner_parse(copy, &n, &c, &i), 0);
        strcpy(copy, "osvif a b");
        cr_assert_eq(osvif_owner_parse(copy, &n, &c, &i), 0);
}

Test(plan, describes_itself)
{
        struct fixture f;
        _cleanup_cjson_ cJSON *j = NULL;

        build_ok(NET("{\"type\":\"bridge\",\"bridge_name\":\"br9\"}", ""), &f);
        j = osvif_plan_to_json(f.plan);
        cr_assert_not_null(j);
        cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "steps"), 0),
                                             "name")
                                 ->valuestring,
                         "br9");
        fixture_free(&f);
}

/* ---- where the VIF comes from ---- */

/* The pod MAC the parse settled on: each source below gives its own. */
static const char *mac_of(const char *verb, const char *conf)
{
        static char mac[32];
        struct fixture f;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(build(verb, conf, &f, &err), 0, "%s", err.msg);
        snprintf(mac, sizeof(mac), "%s",
                 f.conf->vif && f.conf->vif->address ? f.conf->vif->address : "-");
        fixture_free(&f);
        return mac;
}

#define ANN(value)                                                                          \
        ",\"runtimeConfig\":{\"io.kubernetes.cri.pod-annotations\":{\"osvif.openstack.org/" \
        "vif\":" value "}}"
/* per-pod VIFs are off unless the network config turns them on */
#define POD_VIF_ON ",\"podVif\":{\"sources\":[\"args\",\"annotation\"],\"allowMac\":true}"
#define CONF_VIF "{\"type\":\"generic\",\"address\":\"02:00:00:00:00:01\"}"

Test(conf, args_win_over_annotation_which_wins_over_config)
{
        cr_assert_str_eq(mac_of("ADD", NET(CONF_VIF, POD_VIF_ON)), "02:00:00:00:00:01");
        cr_assert_str_eq(mac_of("ADD",
                                NET(CONF_VIF, POD_VIF_ON ANN("\"{\\\"type\\\":\\\"generic\\\","
                                                             "\\\"address\\\":\\\"02:00:00:00:"
                                                             "00:02\\\"}\""))),
                         "02:00:00:00:00:02");
        cr_assert_str_eq(mac_of("ADD", NET(CONF_VIF, POD_VIF_ON
                                           ",\"args\":{\"cni\":{\"vif\":{\"type\":"
                                           "\"generic\",\"address\":\"02:00:00:00:00:"
                                           "03\"}}}" ANN("\"{\\\"type\\\":\\\"generic\\\","
                                                         "\\\"address\\\":\\\"02:00:00:"
                                                         "00:00:02\\\"}\""))),
                         "02:00:00:00:00:03");
}

Test(conf, annotation_may_map_interfaces_to_vifs)
{
        cr_assert_str_eq(mac_of("ADD",
                                NET(CONF_VIF, POD_VIF_ON ANN("\"{\\\"eth0\\\":{\\\"type\\\":"
                                                             "\\\"generic\\\",\\\"address\\\":"
                                                             "\\\"02:00:00:00:00:0e\\\"},"
                                                             "\\\"net1\\\":{\\\"type\\\":"
                                                             "\\\"generic\\\",\\\"address\\\":"
                                                             "\\\"02:00:00:00:00:0f\\\"}}\""))),
                         "02:00:00:00:00:0e");
        /* no entry for eth0: the config's VIF */
        cr_assert_str_eq(mac_of("ADD", NET(CONF_VIF, POD_VIF_ON ANN("\"{\\\"net1\\\":{"
                                                                    "\\\"type\\\":\\\"generic\\\"}}"
                                                                    "\""))),
                         "02:00:00:00:00:01");
        cr_assert_str_eq(
                mac_of("ADD",
                       "{\"cniVersion\":\"1.1.0\",\"name\":\"net\",\"vifAnnotation\":\"x/y\","
                       "\"podVif\":{\"sources\":[\"annotation\"],\"types\":[\"generic\"],"
                       "\"allowMac\":true},"
                       "\"runtimeConfig\":{\"io.kubernetes.cri.pod-annotations\":"
                       "{\"x/y\":\"{\\\"type\\\":\\\"generic\\\",\\\"address\\\":"
                       "\\\"02:00:00:00:00:0c\\\"}\"}}}"),
                "02:00:00:00:00:0c");
}

Test(conf, del_needs_no_vif_but_add_does)
{
        struct fixture f;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_str_eq(mac_of("DEL", "{\"cniVersion\":\"1.1.0\",\"name\":\"net\"}"), "-");
        cr_assert_eq(build("ADD", "{\"cniVersion\":\"1.1.0\",\"name\":\"net\"}", &f, &err), -1);
        cr_assert_eq(err.code, OSVIF_CNI_ERR_INVALID_CONFIG);
        cr_assert(strncmp(err.msg, "vif: missing", 12) == 0, "%s", err.msg);
        osvif_error_clear(&err);
        fixture_free(&f);
}

Test(conf, reads_our_options)
{
        struct fixture f;

        build_ok(NET("{\"type\":\"generic\"}",
                     ",\"ovsdb\":\"tcp:127.0.0.1:6640\",\"ovsdbTimeout\":1234,"
                     "\"ovsPortTimeout\":999,\"enableDad\":true,\"logLevel\":\"debug\""),
                 &f);
        cr_assert_str_eq(f.conf->ovsdb, "tcp:127.0.0.1:6640");
        cr_assert_eq(f.conf->ovsdb_timeout_ms, 1234);
        cr_assert_eq(f.conf->ovs_port_timeout_ms, 999);
        cr_assert(f.conf->enable_dad);
        cr_assert(f.plan->dad);
        cr_assert_eq(f.conf->log_level, 3);
        fixture_free(&f);
}

Test(plan, direct_is_a_macvlan_in_the_pod)
{
        static const char *const want[] = { "macvlan", "pod-link", "pod-l3" };
        static const char *const want_qbh[] = { "qbh", "macvlan", "pod-link", "pod-l3" };
        struct fixture f;

        build_ok(NET("{\"type\":\"direct\",\"dev_address\":\"0000:03:00.0\",\"mode\":\"bridge\"}",
                     ""),
                 &f);
        assert_steps(f.plan, want, ARRAY_SIZE(want));
        cr_assert_str_eq(f.plan->steps[0].u.direct.dev_address, "0000:03:00.0");
        cr_assert_str_eq(f.plan->steps[0].u.direct.lower, "");
        cr_assert_eq(f.plan->steps[0].u.direct.mode, 4, "MACVLAN_MODE_BRIDGE");
        cr_assert_not(f.plan->steps[0].u.direct.macvtap);
        fixture_free(&f);

        /* "master" names the lower device instead; "macvtap" picks the kind; passthru */
        build_ok(NET("{\"type\":\"direct\",\"mode\":\"passthrough\"}",
                     ",\"master\":\"eth9\",\"macvtap\":true"),
                 &f);
        cr_assert_str_eq(f.plan->steps[0].u.direct.lower, "eth9");
        cr_assert_eq(f.plan->steps[0].u.direct.mode, 8, "MACVLAN_MODE_PASSTHRU");
        cr_assert(f.plan->steps[0].u.direct.macvtap);
        fixture_free(&f);

        build_ok(NET("{\"type\":\"direct\",\"id\":\"" UUID "\",\"dev_address\":\"0000:03:00.0\","
                     "\"mode\":\"vepa\",\"port_profile\":{\"type\":\"8021qbh\",\"profile_id\":"
                     "\"web\"}}",
                     ""),
                 &f);
        assert_steps(f.plan, want_qbh, ARRAY_SIZE(want_qbh));
        cr_assert_eq(f.plan->steps[1].u.direct.mode, 2, "MACVLAN_MODE_VEPA");
        fixture_free(&f);
}

Test(plan, direct_needs_a_lower_device)
{
        struct fixture f;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(build("ADD", NET("{\"type\":\"direct\",\"mode\":\"vepa\"}", ""), &f, &err),
                     -1);
        cr_assert_eq(err.code, OSVIF_CNI_ERR_INVALID_CONFIG);
        cr_assert_str_eq(err.msg, "vif.dev_address: missing, and the config names no \"master\": "
                                  "VIFDirect needs its lower device");
        osvif_error_clear(&err);
        fixture_free(&f);

        cr_assert_eq(build("ADD",
                           NET("{\"type\":\"direct\",\"mode\":\"vepa\"}", ",\"master\":\"a/b\""),
                           &f, &err),
                     -1);
        cr_assert_eq(err.code, OSVIF_CNI_ERR_INVALID_CONFIG);
        cr_assert_str_eq(err.msg, "master: \"a/b\" is not an interface name");
        osvif_error_clear(&err);
        fixture_free(&f);
}

Test(plan, direct_on_a_vlan_device_and_kuryrs_nested_vifs)
{
        static const char *const vlan[] = { "vlan", "macvlan", "pod-link", "pod-l3" };
        static const char *const nested[] = { "macvlan", "pod-link", "pod-l3" };
        struct fixture f;
        osvif_error_t err = OSVIF_ERROR_INIT;

        /* VIFDirect.vlan_name: a shared VLAN device (id network.vlan) under the macvlan */
        build_ok(NET("{\"type\":\"direct\",\"dev_address\":\"0000:03:00.0\",\"mode\":\"bridge\","
                     "\"vlan_name\":\"eno1.100\",\"network\":{\"vlan\":100}}",
                     ""),
                 &f);
        assert_steps(f.plan, vlan, ARRAY_SIZE(vlan));
        cr_assert_str_eq(f.plan->steps[0].u.direct.vlan_dev, "eno1.100");
        cr_assert_eq(f.plan->steps[0].u.direct.vlan, 100);
        cr_assert_str_eq(f.plan->steps[1].u.direct.dev_address, "0000:03:00.0");
        fixture_free(&f);

        /* kuryr's VIFVlanNested: a VLAN device of its own in the pod, on the VM's NIC */
        build_ok(NET("{\"type\":\"VIFVlanNested\",\"vlan_id\":42}", ",\"master\":\"ens3\""), &f);
        assert_steps(f.plan, nested, ARRAY_SIZE(nested));
        cr_assert_eq(f.plan->steps[0].u.direct.vlan_id, 42);
        cr_assert_str_eq(f.plan->steps[0].u.direct.lower, "ens3");
        fixture_free(&f);

        /* kuryr's VIFMacvlanNested: a macvlan in bridge mode */
        build_ok(NET("{\"type\":\"macvlan_nested\"}", ",\"master\":\"ens3\""), &f);
        assert_steps(f.plan, nested, ARRAY_SIZE(nested));
        cr_assert_eq(f.plan->steps[0].u.direct.mode, 4, "MACVLAN_MODE_BRIDGE");
        cr_assert_eq(f.plan->steps[0].u.direct.vlan_id, 0);
        fixture_free(&f);

        cr_assert_eq(build("ADD", NET("{\"type\":\"macvlan_nested\"}", ""), &f, &err), -1);
        cr_assert_str_eq(err.msg, "master: missing, VIFMacvlanNested needs the VM's NIC named");
        osvif_error_clear(&err);
        fixture_free(&f);
        cr_assert_eq(build("ADD", NET("{\"type\":\"vlan_nested\",\"vlan_id\":4095}", ""), &f, &err),
                     -1);
        cr_assert_str_eq(err.msg, "vif.vlan_id: 4095 is not in [1, 4094]");
        osvif_error_clear(&err);
        fixture_free(&f);
}
