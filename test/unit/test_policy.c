/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "cni/request.h"
#include "conf.h"
#include "fixture.h"
#include "helpers.h"
#include "plan/plan.h"
#include "util/cleanup.h"
#include "util/log.h"

/*
 * Per-pod VIFs and the podVif policy (src/policy.c, src/conf.c): what a pod author can put
 * in args.cni.vif or the pod annotation, and what the network config lets through. Checked
 * on the parsed config and the plan: no kernel involved (test/integ/podvif.sh runs the real
 * binary).
 */

#define UUID "3f2a9c6e-1b4d-4c8e-9a7f-0d2e5b6c7a81"
#define UUID2 "0a2b3c4d-0000-4000-8000-000000000001"

/* JSON written with single quotes, for legibility: 'a' -> "a". */
__attribute__((format(printf, 1, 2))) static char *q(const char *fmt, ...)
{
        char *s = NULL;
        va_list ap;

        va_start(ap, fmt);
        cr_assert_geq(vasprintf(&s, fmt, ap), 0);
        va_end(ap);
        for (char *p = s; *p; p++)
                if (*p == '\'')
                        *p = '"';
        return s;
}

static void ok(const char *verb, char *conf, struct fixture *f)
{
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(build(verb, conf, f, &err), 0, "%s\n%s", conf, err.msg);
        free(conf);
}

/* The parse refuses `conf` with code 7 and a message holding each of the NULL-ended words. */
static void refused(const char *verb, char *conf, ...)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        struct fixture f;
        const char *want;
        va_list ap;

        cr_assert_eq(build(verb, conf, &f, &err), -1, "accepted: %s", conf);
        cr_assert_eq(err.code, OSVIF_CNI_ERR_INVALID_CONFIG, "code %d: %s", err.code, err.msg);
        va_start(ap, conf);
        while ((want = va_arg(ap, const char *)))
                cr_assert(strstr(err.msg, want), "message lacks \"%s\": %s", want, err.msg);
        va_end(ap);
        osvif_error_clear(&err);
        fixture_free(&f);
        free(conf);
}

/* A network config: its vif, its podVif (or ""), then more top-level keys. */
#define CONF(vif, podvif, extra) \
        "{'cniVersion':'1.1.0','name':'net','type':'osvif','vif':" vif podvif extra "}"
#define ARGS(vif) ",'args':{'cni':{'vif':" vif "}}"
/* an annotation value is a string: the VIF in it is JSON text */
#define ANN(text)                                                                                \
        ",'runtimeConfig':{'io.kubernetes.cri.pod-annotations':{'osvif.openstack.org/vif':" text \
        "}}"

#define BRIDGE_VIF                                                                           \
        "{'type':'bridge','bridge_name':'br-pods','network':{'mtu':1400,'subnets':[{'cidr':" \
        "'10.0.0.0/24','gateway':'10.0.0.1'}]}}"
#define OVS_VIF                                                                                \
        "{'type':'ovs','bridge_name':'br-int','port_profile':{'type':'openvswitch','datapath_" \
        "type':'netdev'},'network':{'bridge':'br-int','vlan':100,'mtu':1450}}"
#define ON_ALL ",'podVif':{'sources':['args','annotation']}"

/* ---- off by default ---- */

Test(podvif, off_by_default_refuses_args_naming_the_key_to_set)
{
        refused("ADD", q(CONF(BRIDGE_VIF, "", ARGS("{'type':'bridge','bridge_name':'br-mgmt'}"))),
                "args.cni.vif", "podVif.sources", "\"args\"", NULL);
        refused("CHECK",
                q(CONF(BRIDGE_VIF, ",'podVif':{'sources':['annotation']}",
                       ARGS("{'type':'bridge','bridge_name':'br-mgmt'}"))),
                "podVif.sources", NULL);
}

Test(podvif, off_by_default_ignores_the_annotation)
{
        struct fixture f;

        ok("ADD",
           q(CONF(BRIDGE_VIF, "",
                  ANN("'{\\'type\\':\\'bridge\\',\\'bridge_name\\':\\'br-mgmt\\'}'"))),
           &f);
        cr_assert_eq(f.conf->vif_source, OSVIF_VIF_SOURCE_CONFIG);
        cr_assert_str_eq(f.plan->steps[0].u.bridge.name, "br-pods", "not the pod's bridge");
        fixture_free(&f);
        /* a config that does not list the annotation ignores it too */
        ok("ADD",
           q(CONF(BRIDGE_VIF, ",'podVif':{'sources':['args']}",
                  ANN("'{\\'type\\':\\'bridge\\',\\'bridge_name\\':\\'br-mgmt\\'}'"))),
           &f);
        cr_assert_str_eq(f.plan->steps[0].u.bridge.name, "br-pods");
        fixture_free(&f);
}

Test(podvif, del_never_fails_on_the_policy)
{
        struct fixture f;

        /* args while off: DEL goes on with the config's VIF */
        ok("DEL", q(CONF(BRIDGE_VIF, "", ARGS("{'type':'bridge','bridge_name':'br-mgmt'}"))), &f);
        cr_assert_eq(f.conf->vif_source, OSVIF_VIF_SOURCE_CONFIG);
        fixture_free(&f);
        /* a VIF the policy refuses (it was tightened since ADD): dropped, DEL sweeps by owner */
        ok("DEL", q(CONF(BRIDGE_VIF, ON_ALL, ARGS("{'type':'bridge','bridge_name':'br-mgmt'}"))),
           &f);
        cr_assert_null(f.conf->vif);
        cr_assert_eq(f.conf->vif_source, OSVIF_VIF_SOURCE_NONE);
        fixture_free(&f);
}

/* ---- the attacks of issue 10 ---- */

Test(podvif, refuses_a_host_bridge_the_config_does_not_list)
{
        refused("ADD",
                q(CONF(BRIDGE_VIF, ON_ALL, ARGS("{'type':'bridge','bridge_name':'br-mgmt'}"))),
                "args.cni.vif.bridge_name", "\"br-mgmt\"", "podVif.bridges", NULL);
        refused("ADD",
                q(CONF(BRIDGE_VIF, ",'podVif':{'sources':['args'],'bridges':['br-alt']}",
                       ARGS("{'type':'bridge','bridge_name':'br-new'}"))),
                "args.cni.vif.bridge_name", "\"br-new\"", NULL);
        refused("ADD",
                q(CONF(BRIDGE_VIF, ON_ALL,
                       ANN("'{\\'type\\':\\'bridge\\',\\'bridge_name\\':\\'br-mgmt\\'}'"))),
                "annotation \"osvif.openstack.org/vif\".bridge_name", "\"br-mgmt\"", NULL);
}

Test(podvif, takes_a_listed_bridge)
{
        struct fixture f;

        ok("ADD",
           q(CONF(BRIDGE_VIF, ",'podVif':{'sources':['args'],'bridges':['br-alt']}",
                  ARGS("{'type':'bridge','bridge_name':'br-alt'}"))),
           &f);
        cr_assert_eq(f.conf->vif_source, OSVIF_VIF_SOURCE_ARGS);
        cr_assert_str_eq(f.plan->steps[0].u.bridge.name, "br-alt");
        cr_assert_eq(f.plan->mtu, 1400, "the rest from the config's vif");
        cr_assert_eq(f.plan->l3->n_ips, 0, "no fixed IPs from anyone");
        fixture_free(&f);
}

Test(podvif, refuses_another_ovs_bridge_vlan_or_iface_id)
{
#define pol ",'podVif':{'sources':['args'],'vlans':['100-199',300]}"
        refused("ADD",
                q(CONF(OVS_VIF, pol,
                       ARGS("{'type':'ovs','network':{'bridge':'br-ex'},'bridge_name':'br-ex'}"))),
                "args.cni.vif.", "\"br-ex\"", "podVif.bridges", NULL);
        refused("ADD", q(CONF(OVS_VIF, pol, ARGS("{'type':'ovs','network':{'vlan':200}}"))),
                "args.cni.vif.network.vlan", "200", "podVif.vlans", NULL);
        refused("ADD", q(CONF(OVS_VIF, ON_ALL, ARGS("{'type':'ovs','network':{'vlan':150}}"))),
                "args.cni.vif.network.vlan", "150", NULL);
        refused("ADD",
                q(CONF(OVS_VIF, pol,
                       ARGS("{'type':'ovs','port_profile':{'type':'openvswitch','interface_id':"
                            "'" UUID2 "'}}"))),
                "args.cni.vif.port_profile.interface_id", UUID2, "podVif.allowInterfaceId", NULL);
        /* the VIF id is the iface-id when the profile has none */
        refused("ADD", q(CONF(OVS_VIF, pol, ARGS("{'type':'ovs','id':'" UUID2 "'}"))),
                "args.cni.vif.id", "podVif.allowInterfaceId", NULL);
#undef pol
}

Test(podvif, ovs_within_limits_the_config_fills_in_the_rest)
{
        struct fixture f;

        ok("ADD",
           q(CONF("{'type':'ovs','id':'" UUID "','bridge_name':'br-int','port_profile':{'type':"
                  "'openvswitch','datapath_type':'netdev'},'network':{'bridge':'br-int','vlan':"
                  "100,'mtu':1450}}",
                  ",'podVif':{'sources':['args'],'vlans':['100-199',300],'allowInterfaceId':true}",
                  ARGS("{'type':'ovs','network':{'vlan':150},'port_profile':{'type':'openvswitch',"
                       "'interface_id':'" UUID2 "'}}"))),
           &f);
        cr_assert_str_eq(osvif_step_name(&f.plan->steps[1]), "ovs-port");
        cr_assert_str_eq(f.plan->steps[1].u.ovs_port.bridge, "br-int");
        cr_assert_eq(f.plan->steps[1].u.ovs_port.tag, 150);
        cr_assert_eq(f.plan->steps[1].u.ovs_port.mtu_request, 1450);
        cr_assert_str_eq(f.plan->steps[1].u.ovs_port.datapath_type, "netdev");
        cr_assert_str_eq(f.conf->vif->port_profile->interface_id, UUID2);
        cr_assert_null(f.conf->vif->id, "the config's id names one port: not every pod's");
        cr_assert_str_neq(f.plan->host_ifname, "tap3f2a9c6e-1b");
        fixture_free(&f);
        ok("ADD",
           q(CONF(OVS_VIF, ",'podVif':{'sources':['args'],'vlans':[300]}",
                  ARGS("{'type':'ovs','network':{'vlan':300}}"))),
           &f);
        cr_assert_eq(f.plan->steps[1].u.ovs_port.tag, 300);
        fixture_free(&f);
}

Test(podvif, refuses_ovs_fields_no_key_allows)
{
        refused("ADD",
                q(CONF(OVS_VIF, ON_ALL,
                       ARGS("{'type':'ovs','port_profile':{'type':'openvswitch','datapath_type':"
                            "'system'}}"))),
                "args.cni.vif.port_profile.datapath_type", "\"system\"", "\"netdev\"", NULL);
        refused("ADD", q(CONF(OVS_VIF, ON_ALL, ARGS("{'type':'ovs','network':{'mtu':9000}}"))),
                "args.cni.vif.network.mtu", "9000", NULL);
        refused("ADD",
                q(CONF(OVS_VIF, ON_ALL,
                       ARGS("{'type':'ovs','network':{'bridge_interface':'eth0'}}"))),
                "args.cni.vif.network.bridge_interface", NULL);
}

Test(podvif, host_device_names_are_not_the_pods_to_choose)
{
        struct fixture f;

        refused("ADD", q(CONF(BRIDGE_VIF, ON_ALL, ARGS("{'type':'bridge','vif_name':'eth0'}"))),
                "args.cni.vif.vif_name", "\"eth0\"", NULL);
        /* os-vif's own name for an id the pod may give anyway */
        ok("ADD",
           q(CONF(BRIDGE_VIF, ",'podVif':{'sources':['args'],'allowInterfaceId':true}",
                  ARGS("{'type':'bridge','id':'" UUID "','vif_name':'tap3f2a9c6e-1b'}"))),
           &f);
        cr_assert_str_eq(f.plan->host_ifname, "tap3f2a9c6e-1b");
        fixture_free(&f);
        refused("ADD",
                q(CONF(BRIDGE_VIF, ",'podVif':{'sources':['args'],'allowInterfaceId':true}",
                       ARGS("{'type':'bridge','id':'" UUID "','vif_name':'tap0a2b3c4d-00'}"))),
                "args.cni.vif.vif_name", NULL);
}

Test(podvif, hybrid_plug_qbr_is_os_vifs_name_or_a_listed_bridge)
{
        const char *hyb = "{'type':'bridge','port_profile':{'type':'openvswitch'},'network':{"
                          "'bridge':'br-int'}}";
        const char *pol = ",'podVif':{'sources':['args'],'allowInterfaceId':true}";
        char *c;
        struct fixture f;

        c = q("{'cniVersion':'1.1.0','name':'net','vif':%s%s" ARGS(
                      "{'type':'bridge','id':'" UUID "','bridge_name':'br-mgmt'}") "}",
              hyb, pol);
        refused("ADD", c, "args.cni.vif.bridge_name", "\"br-mgmt\"", NULL);
        c = q("{'cniVersion':'1.1.0','name':'net','vif':%s%s" ARGS(
                      "{'type':'bridge','id':'" UUID "','bridge_name':'qbr3f2a9c6e-1b'}") "}",
              hyb, pol);
        ok("ADD", c, &f);
        cr_assert_str_eq(f.plan->steps[0].u.bridge.name, "qbr3f2a9c6e-1b");
        cr_assert_str_eq(f.plan->steps[2].u.ovs_port.bridge, "br-int");
        fixture_free(&f);
}

Test(podvif, mac_only_when_allowed)
{
        struct fixture f;

        refused("ADD",
                q(CONF(BRIDGE_VIF, ON_ALL,
                       ARGS("{'type':'bridge','address':'02:00:00:00:00:07'}"))),
                "args.cni.vif.address", "02:00:00:00:00:07", "podVif.allowMac", NULL);
        ok("ADD",
           q(CONF(BRIDGE_VIF, ",'podVif':{'sources':['args'],'allowMac':true}",
                  ARGS("{'type':'bridge','address':'02:00:00:00:00:07'}"))),
           &f);
        cr_assert_eq(f.plan->mac[5], 7);
        fixture_free(&f);
}

Test(podvif, fixed_ips_only_when_allowed_and_inside_the_configs_subnets)
{
#define on ",'podVif':{'sources':['args'],'allowFixedIps':true}"
        struct fixture f;
        char buf[OSVIF_IPNET_STRLEN];

        refused("ADD",
                q(CONF(BRIDGE_VIF, ON_ALL,
                       ARGS("{'type':'bridge','network':{'subnets':[{'cidr':'10.0.0.0/24','ips':"
                            "['10.0.0.9']}]}}"))),
                "args.cni.vif.network.subnets[0].ips", "podVif.allowFixedIps", NULL);
        refused("ADD",
                q(CONF(BRIDGE_VIF, on,
                       ARGS("{'type':'bridge','network':{'subnets':[{'cidr':'10.0.0.0/24','ips':"
                            "['10.9.9.9']}]}}"))),
                "args.cni.vif.network.subnets[0].ips[0]", "10.9.9.9", NULL);
        /* a floating IP is another port's address */
        refused("ADD",
                q(CONF(BRIDGE_VIF, on,
                       ARGS("{'type':'bridge','network':{'subnets':[{'cidr':'10.0.0.0/24','ips':"
                            "[{'address':'10.0.0.9','floating_ips':['192.0.2.9']}]}]}}"))),
                "args.cni.vif.network.subnets[0].ips[0]", "192.0.2.9", NULL);
        refused("ADD",
                q(CONF(BRIDGE_VIF, on,
                       ARGS("{'type':'bridge','network':{'subnets':[{'cidr':'192.168.0.0/16',"
                            "'ips':['192.168.0.9']}]}}"))),
                "args.cni.vif.network.subnets[0].cidr", "192.168.0.0/16", NULL);
        refused("ADD",
                q(CONF(BRIDGE_VIF, on,
                       ARGS("{'type':'bridge','network':{'subnets':[{'cidr':'10.0.0.0/24',"
                            "'gateway':'10.0.0.254','ips':['10.0.0.9']}]}}"))),
                "args.cni.vif.network.subnets[0].gateway", NULL);
        ok("ADD",
           q(CONF(BRIDGE_VIF, on,
                  ARGS("{'type':'bridge','network':{'subnets':[{'cidr':'10.0.0.0/24','gateway':"
                       "'10.0.0.1','ips':['10.0.0.9']}]}}"))),
           &f);
        cr_assert_eq(f.plan->l3->n_ips, 1);
        cr_assert_str_eq(osvif_ipnet_format(&f.plan->l3->ips[0].address, buf), "10.0.0.9/24");
        cr_assert_str_eq(osvif_ip_format(&f.plan->l3->ips[0].gateway, buf), "10.0.0.1");
        fixture_free(&f);
#undef on
}

Test(podvif, types_and_profiles)
{
        refused("ADD", q(CONF(BRIDGE_VIF, ON_ALL, ARGS("{'type':'generic'}"))), "args.cni.vif.type",
                "\"generic\"", "podVif.types", NULL);
        refused("ADD",
                q(CONF(BRIDGE_VIF, ",'podVif':{'sources':['args'],'types':['bridge']}",
                       ARGS("{'type':'bridge','port_profile':{'type':'openvswitch'},'network':{"
                            "'bridge':'br-int'}}"))),
                "args.cni.vif.port_profile.type", "\"openvswitch\"", "podVif.portProfiles", NULL);
}

Test(podvif, a_kuryr_style_primitive_within_limits)
{
        struct fixture f;

        /* what os-vif's obj_to_primitive() emits for a VIFOpenVSwitch, bookkeeping and all */
        ok("ADD",
           q(CONF(OVS_VIF,
                  ",'podVif':{'sources':['annotation'],'allowInterfaceId':true,'allowMac':true}",
                  ANN("'{\\'versioned_object.name\\':\\'VIFOpenVSwitch\\',\\'versioned_object."
                      "namespace\\':\\'os_vif\\',\\'versioned_object.version\\':\\'1.0\\',"
                      "\\'versioned_object.data\\':{\\'id\\':\\'" UUID "\\',\\'address\\':"
                      "\\'fa:16:3e:00:00:01\\',\\'plugin\\':\\'ovs\\',\\'active\\':true,"
                      "\\'preserve_on_delete\\':false,\\'has_traffic_filtering\\':true,"
                      "\\'vif_name\\':\\'tap3f2a9c6e-1b\\',\\'bridge_name\\':\\'br-int\\'}}'"))),
           &f);
        cr_assert_eq(f.conf->vif_source, OSVIF_VIF_SOURCE_ANNOTATION);
        cr_assert_str_eq(f.plan->host_ifname, "tap3f2a9c6e-1b");
        cr_assert_eq(f.plan->steps[1].u.ovs_port.tag, 100);
        cr_assert_str_eq(f.conf->vif->address, "fa:16:3e:00:00:01");
        fixture_free(&f);
}

/* ---- the podVif key itself ---- */

Test(podvif, refuses_a_malformed_policy)
{
        refused("ADD", q(CONF(BRIDGE_VIF, ",'podVif':{'sources':['args'],'allowMacs':true}", "")),
                "podVif.allowMacs", NULL);
        refused("ADD", q(CONF(BRIDGE_VIF, ",'podVif':{'types':['bridge']}", "")),
                "podVif.sources: missing", NULL);
        refused("ADD", q(CONF(BRIDGE_VIF, ",'podVif':{'sources':['labels']}", "")),
                "podVif.sources[0]", "\"labels\"", NULL);
        refused("ADD",
                q(CONF(BRIDGE_VIF, ",'podVif':{'sources':['args'],'vlans':['200-100']}", "")),
                "podVif.vlans[0]", "\"200-100\"", NULL);
        refused("ADD", q(CONF(BRIDGE_VIF, ",'podVif':{'sources':['args'],'vlans':[4096]}", "")),
                "podVif.vlans[0]", "4096", NULL);
        refused("ADD",
                q(CONF(BRIDGE_VIF, ",'podVif':{'sources':['args'],'types':['bridges']}", "")),
                "podVif.types[0]", NULL);
        refused("ADD",
                q(CONF(BRIDGE_VIF, ",'podVif':{'sources':['args'],'portProfiles':['ovs']}", "")),
                "podVif.portProfiles[0]", NULL);
        refused("ADD", q(CONF(BRIDGE_VIF, ",'podVif':{'sources':['args'],'bridges':['a/b']}", "")),
                "podVif.bridges[0]", NULL);
        refused("ADD",
                q("{'cniVersion':'1.1.0','name':'net','podVif':{'sources':['args']}" ARGS(
                        "{'type':'generic'}") "}"),
                "podVif.types: missing", NULL);
}

Test(podvif, without_a_config_vif_the_pod_brings_it_all_within_limits)
{
        struct fixture f;

        ok("ADD",
           q("{'cniVersion':'1.1.0','name':'net','podVif':{'sources':['args'],'types':['bridge'],"
             "'bridges':['br-alt']}" ARGS("{'type':'bridge','bridge_name':'br-alt'}") "}"),
           &f);
        cr_assert_str_eq(f.plan->steps[0].u.bridge.name, "br-alt");
        fixture_free(&f);
        refused("ADD",
                q("{'cniVersion':'1.1.0','name':'net','podVif':{'sources':['args'],'types':['"
                  "bridge'],"
                  "'bridges':['br-alt']}" ARGS(
                          "{'type':'bridge','bridge_name':'br-alt','network':{'mtu':9000}}") "}"),
                "args.cni.vif.network.mtu", NULL);
}

/* ---- issue 9: an annotation holding the VIF as a JSON string ---- */

Test(podvif, annotation_whose_value_is_a_json_string_holding_the_vif)
{
        struct fixture f;

        /* the annotation's text is itself a JSON string, whose text is the VIF */
        ok("ADD",
           q(CONF(BRIDGE_VIF, ",'podVif':{'sources':['annotation'],'allowMac':true}",
                  ANN("'\\'{\\\\\\'type\\\\\\':\\\\\\'bridge\\\\\\',\\\\\\'bridge_name\\\\\\':"
                      "\\\\\\'br-pods\\\\\\',\\\\\\'address\\\\\\':"
                      "\\\\\\'02:00:00:00:00:09\\\\\\'}\\''"))),
           &f);
        cr_assert_eq(f.conf->vif_source, OSVIF_VIF_SOURCE_ANNOTATION,
                     "the annotation's VIF, not the config's");
        cr_assert_str_eq(f.conf->vif->address, "02:00:00:00:00:09");
        fixture_free(&f);
}

/* ---- issue 9: unknown keys reach the log file ---- */

Test(conf, unknown_keys_are_logged_to_the_log_file)
{
        char dir[] = "/tmp/osvif-test-XXXXXX", path[64], buf[4096] = { 0 };
        char *conf;
        char *env[] = { "CNI_COMMAND=ADD", "CNI_CONTAINERID=ctr1", "CNI_NETNS=/run/netns/p",
                        "CNI_IFNAME=eth0", NULL };
        struct osvif_cni_request *req = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;
        enum osvif_cni_version v;
        cJSON *tree = NULL;
        void *c;
        int fd;

        cr_assert_not_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/log", dir);
        conf = q(CONF(BRIDGE_VIF, ",'logFile':'%s'", ",'vifAnotation':'x/y'"), path);
        cr_assert_eq(osvif_cni_request_parse(env, conf, strlen(conf), &req, &tree, &v, &err), 0,
                     "%s", err.msg);
        c = osvif_conf_parse_cni(tree, req, &err);
        cr_assert_not_null(c, "%s", err.msg);
        osvif_log_close();
        fd = open(path, O_RDONLY);
        cr_assert_geq(fd, 0, "no log file");
        cr_assert_gt(read(fd, buf, sizeof(buf) - 1), 0);
        close(fd);
        cr_assert(strstr(buf, "config key \"vifAnotation\" is not one of ours"), "log: %s", buf);
        osvif_conf_free(c);
        osvif_cni_request_free(req);
        cJSON_Delete(tree);
        free(conf);
        unlink(path);
        rmdir(dir);
}
