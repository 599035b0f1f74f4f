/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"
#include "util/cleanup.h"
#include "vif/classes.h"
#include "vif/model.h"
#include "vif/names.h"

#define UUID "3f2a9c6e-1b4d-4c8e-9a7f-0d2e5b6c7a81"

static struct osvif_vif *parse_str(const char *doc)
{
        _cleanup_cjson_ cJSON *j = cJSON_Parse(doc);
        struct osvif_vif *vif = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_not_null(j, "test input is JSON: %s", doc);
        cr_assert_eq(osvif_vif_from_json(j, "vif", &vif, &err), 0, "%s: %s", doc, err.msg);
        return vif;
}

static void assert_refused(const char *doc, const char *msg)
{
        _cleanup_cjson_ cJSON *j = cJSON_Parse(doc);
        struct osvif_vif *vif = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_not_null(j, "test input is JSON: %s", doc);
        cr_assert_eq(osvif_vif_from_json(j, "vif", &vif, &err), -1, "accepted: %s", doc);
        cr_assert_null(vif);
        cr_assert_eq(err.code, OSVIF_CNI_ERR_INVALID_CONFIG);
        cr_assert_str_eq(err.msg, msg);
        osvif_error_clear(&err);
}

static cJSON *primitive_of(const struct osvif_vif *vif, const struct osvif_manifest *m)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        cJSON *j = osvif_obj_to_primitive(&vif->obj, m, &err);

        cr_assert_not_null(j, "%s", err.msg);
        return j;
}

Test(vif, parses_the_design_example)
{
        _cleanup_(osvif_vif_freep) struct osvif_vif *vif = parse_str(
                "{\"type\":\"ovs\",\"id\":\"" UUID "\",\"address\":\"fa:16:3e:12:34:56\","
                "\"vif_name\":\"tap3f2a9c6e-1b\",\"bridge_name\":\"br-int\","
                "\"port_profile\":{\"type\":\"openvswitch\",\"interface_id\":\"" UUID
                "\",\"datapath_type\":\"system\"},"
                "\"network\":{\"bridge\":\"br-int\",\"vlan\":100,\"mtu\":1450,\"subnets\":[{"
                "\"cidr\":\"10.0.0.0/24\","
                "\"gateway\":\"10.0.0.1\",\"ips\":[\"10.0.0.5\"],\"routes\":[{\"cidr\":\"0.0.0.0/"
                "0\",\"gateway\":\"10.0.0.1\"}],"
                "\"dns\":[\"10.0.0.2\"]}]}}");
        const struct osvif_subnet *s;
        char buf[OSVIF_IPNET_STRLEN];

        cr_assert_eq(vif->type, OSVIF_VIF_OPENVSWITCH);
        cr_assert_str_eq(vif->plugin, "ovs", "defaulted in the native form");
        cr_assert_eq(vif->port_profile->type, OSVIF_PROFILE_OPENVSWITCH);
        cr_assert_str_eq(vif->port_profile->datapath_type, "system");
        cr_assert_eq(vif->network->vlan, 100);
        cr_assert_eq(vif->network->mtu, 1450);
        cr_assert_eq(vif->network->subnets->n_objects, 1);
        s = vif->network->subnets->objects[0];
        cr_assert_str_eq(osvif_ipnet_format(&s->cidr, buf), "10.0.0.0/24");
        cr_assert_eq(s->ips->n_objects, 1);
        cr_assert_str_eq(osvif_ip_format(&s->ips->objects[0]->address, buf), "10.0.0.5");
        cr_assert_eq(s->routes->objects[0]->cidr.prefixlen, 0);
        cr_assert_eq(s->n_dns, 1);
}

Test(vif, native_and_primitive_give_the_same_model)
{
        _cleanup_cjson_ cJSON *prim_in = load_fixture("vif/primitive-ovs-kuryr.json");
        _cleanup_cjson_ cJSON *native_in = load_fixture("vif/native-ovs-kuryr-equivalent.json");
        _cleanup_(osvif_vif_freep) struct osvif_vif *a = NULL, *b = NULL;
        _cleanup_cjson_ cJSON *pa = NULL, *pb = NULL, *na = NULL, *nb = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_vif_from_json(prim_in, "vif", &a, &err), 0, "%s", err.msg);
        cr_assert_eq(osvif_vif_from_json(native_in, "vif", &b, &err), 0, "%s", err.msg);
        pa = primitive_of(a, NULL);
        pb = primitive_of(b, NULL);
        assert_json_eq(pa, pb);
        na = osvif_vif_to_native(a, &err);
        nb = osvif_vif_to_native(b, &err);
        assert_json_eq(na, nb);
}

Test(vif, primitive_round_trips_except_change_lists)
{
        _cleanup_cjson_ cJSON *in = load_fixture("vif/primitive-ovs-kuryr.json");
        _cleanup_(osvif_vif_freep) struct osvif_vif *vif = NULL;
        _cleanup_cjson_ cJSON *out = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_vif_from_primitive(in, "vif", &vif, &err), 0, "%s", err.msg);
        out = primitive_of(vif, NULL);
        /* what we emit is what os-vif emitted, less the unordered change lists */
        cr_assert_null(cJSON_GetObjectItem(out, "versioned_object.changes"));
        cr_assert_str_eq(cJSON_GetObjectItem(out, "versioned_object.version")->valuestring, "1.0");
        cr_assert(
                cJSON_Compare(cJSON_GetObjectItem(cJSON_GetObjectItem(out, "versioned_object.data"),
                                                  "vif_name"),
                              cJSON_GetObjectItem(cJSON_GetObjectItem(in, "versioned_object.data"),
                                                  "vif_name"),
                              1));
}

Test(vif, coerces_mac_and_pci_as_os_vif_does)
{
        _cleanup_(osvif_vif_freep) struct osvif_vif *vif = parse_str(
                "{\"type\":\"direct\",\"address\":\"FA-16-3E-AA-BB-CC\",\"dev_address\":\"0000:0A:"
                "1F.7\",\"mode\":\"vepa\"}");

        cr_assert_str_eq(vif->address, "fa:16:3e:aa:bb:cc");
        cr_assert_str_eq(vif->dev_address, "0000:0a:1f.7");
        cr_assert_eq(vif->mode_direct, OSVIF_DIRECT_VEPA);
}

Test(vif, accepts_older_minors_and_refuses_newer)
{
        _cleanup_(osvif_vif_freep) struct osvif_vif *vif = parse_str(
                "{\"versioned_object.name\":\"VIFVHostUser\",\"versioned_object.namespace\":\"os_"
                "vif\","
                "\"versioned_object.version\":\"1.0\",\"versioned_object.data\":{\"id\":\"" UUID
                "\",\"plugin\":\"ovs\","
                "\"path\":\"/run/s\",\"mode\":\"client\",\"unknown_future_field\":1,"
                "\"port_profile\":{\"versioned_object.name\":\"VIFPortProfileOpenVSwitch\","
                "\"versioned_object.namespace\":\"os_vif\","
                "\"versioned_object.version\":\"1.0\",\"versioned_object.data\":{\"interface_id\":"
                "\"" UUID "\"}}}}");

        cr_assert_eq(vif->type, OSVIF_VIF_VHOSTUSER);
        cr_assert_eq(vif->mode_vhostuser, OSVIF_VHOSTUSER_CLIENT);
        assert_refused("{\"versioned_object.name\":\"VIFGeneric\",\"versioned_object.namespace\":"
                       "\"os_vif\","
                       "\"versioned_object.version\":\"1.1\",\"versioned_object.data\":{}}",
                       "vif: VIFGeneric version \"1.1\" is not compatible with ours (1.0): same "
                       "major and a "
                       "minor up to ours are accepted");
}

Test(vif, manifest_downgrades_like_obj_make_compatible)
{
        _cleanup_(osvif_vif_freep) struct osvif_vif *vif = parse_str(
                "{\"type\":\"vhostuser\",\"vif_name\":\"vhu0\",\"path\":\"/run/"
                "s\",\"mode\":\"server\","
                "\"port_profile\":{\"type\":\"openvswitch\",\"interface_id\":\"" UUID
                "\",\"datapath_type\":\"netdev\","
                "\"create_port\":true,\"create_tap\":true,\"datapath_offload\":{\"type\":"
                "\"representor\"}},"
                "\"network\":{\"mtu\":9000}}");
        static const struct osvif_manifest_entry e[] = {
                { "VIFVHostUser", "1.0" },
                { "VIFPortProfileOpenVSwitch", "1.2" },
                { "Network", "1.0" },
        };
        struct osvif_manifest m = { e, 3 };
        _cleanup_cjson_ cJSON *p = primitive_of(vif, &m);
        cJSON *data = cJSON_GetObjectItem(p, "versioned_object.data");
        cJSON *pp = cJSON_GetObjectItem(data, "port_profile");
        cJSON *ppd = cJSON_GetObjectItem(pp, "versioned_object.data");
        cJSON *net = cJSON_GetObjectItem(cJSON_GetObjectItem(data, "network"),
                                         "versioned_object.data");

        cr_assert_null(cJSON_GetObjectItem(data, "vif_name"), "VIFVHostUser 1.0 has no vif_name");
        cr_assert_str_eq(cJSON_GetObjectItem(pp, "versioned_object.version")->valuestring, "1.2");
        cr_assert_null(cJSON_GetObjectItem(ppd, "create_port"), "create_port is 1.3");
        cr_assert_null(cJSON_GetObjectItem(ppd, "create_tap"), "create_tap is 1.4");
        cr_assert_not_null(cJSON_GetObjectItem(ppd, "datapath_type"), "datapath_type is 1.1");
        cr_assert_not_null(cJSON_GetObjectItem(ppd, "datapath_offload"),
                           "the base's 1.1 field stays at 1.2");
        cr_assert_null(cJSON_GetObjectItem(net, "mtu"), "Network 1.0 has no mtu");
}

Test(vif, manifest_cannot_ask_for_newer_than_ours)
{
        _cleanup_(osvif_vif_freep) struct osvif_vif *vif = parse_str("{\"type\":\"generic\"}");
        static const struct osvif_manifest_entry e[] = { { "VIFGeneric", "1.3" } };
        struct osvif_manifest m = { e, 1 };
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_null(osvif_obj_to_primitive(&vif->obj, &m, &err));
        cr_assert(strstr(err.msg, "\"1.3\""), "%s", err.msg);
        osvif_error_clear(&err);
}

Test(vif, nulls_follow_nullability_and_defaults)
{
        _cleanup_(osvif_vif_freep) struct osvif_vif *vif = parse_str(
                "{\"type\":\"generic\",\"address\":null,\"active\":null,\"network\":{\"vlan\":null}"
                "}");
        _cleanup_cjson_ cJSON *native = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert(osvif_obj_is_null(&vif->obj, "address"));
        cr_assert(osvif_obj_is_set(&vif->obj, "active"));
        cr_assert_not(osvif_obj_is_null(&vif->obj, "active"));
        cr_assert(vif->active, "a null boolean with a default takes the default (True)");
        cr_assert(osvif_obj_is_null(&vif->network->obj, "vlan"));
        native = osvif_vif_to_native(vif, &err);
        cr_assert(cJSON_IsNull(cJSON_GetObjectItem(native, "address")));
        assert_refused("{\"type\":\"generic\",\"plugin\":null}", "vif.plugin: null is not allowed");
}

Test(vif, network_gets_os_vif_constructor_defaults)
{
        _cleanup_(osvif_vif_freep) struct osvif_vif *vif = parse_str(
                "{\"type\":\"generic\",\"network\":{}}");
        const struct osvif_network *n = vif->network;

        cr_assert(osvif_obj_is_set(&n->obj, "subnets"));
        cr_assert_eq(n->subnets->n_objects, 0);
        cr_assert(osvif_obj_is_set(&n->obj, "multi_host"));
        cr_assert(osvif_obj_is_null(&n->obj, "mtu"));
        cr_assert_not(osvif_obj_is_set(&n->obj, "bridge"));
}

Test(vif, defaults_the_plugin_from_type_and_profile)
{
        static const struct {
                const char *doc, *plugin;
        } cases[] = {
                { "{\"type\":\"bridge\",\"bridge_name\":\"b\"}", "linux_bridge" },
                { "{\"type\":\"bridge\",\"port_profile\":{\"type\":\"openvswitch\"},\"network\":{"
                  "\"bridge\":\"br-int\"}}",
                  "ovs" },
                { "{\"type\":\"generic\"}", "noop" },
                { "{\"type\":\"hostdev\",\"dev_type\":\"generic\",\"dev_address\":\"0000:01:00."
                  "1\"}",
                  "noop" },
                { "{\"type\":\"bridge\",\"bridge_name\":\"b\",\"plugin\":\"mine\"}", "mine" },
        };

        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                _cleanup_(osvif_vif_freep) struct osvif_vif *vif = parse_str(cases[i].doc);

                cr_assert_str_eq(vif->plugin, cases[i].plugin, "%s", cases[i].doc);
        }
}

Test(vif, names_fields_and_values_in_errors)
{
        assert_refused("{\"type\":\"ovs\",\"bridge_name\":\"br-int\",\"port_profile\":{\"type\":"
                       "\"openvswitch\","
                       "\"interface_id\":\"xyz\"}}",
                       "vif.port_profile.interface_id: \"xyz\" is not a UUID");
        assert_refused(
                "{\"type\":\"bridge\",\"bridge_name\":\"b\",\"network\":{\"subnets\":[{\"cidr\":"
                "\"10.0.0.0/24\","
                "\"ips\":[\"10.0.0.300\"]}]}}",
                "vif.network.subnets[0].ips[0].address: \"10.0.0.300\" is not an IP address");
        assert_refused("{\"type\":\"generic\",\"vif_name\":\"a:b\"}",
                       "vif.vif_name: \"a:b\" contains '/', ':' or white space");
        assert_refused("{\"type\":\"generic\",\"bogus\":1}",
                       "vif.bogus: unknown field of VIFGeneric");
        assert_refused("{\"type\":\"VIFBase\"}",
                       "vif.type: \"VIFBase\" is not a known VIF type (one of \"VIFGeneric\", "
                       "\"VIFBridge\", "
                       "\"VIFOpenVSwitch\", \"VIFDirect\", \"VIFVHostUser\", \"VIFHostDevice\", "
                       "\"VIFNestedDPDK\", \"VIFVlanNested\", \"VIFMacvlanNested\")");
}

Test(vif, validates_uuid_and_pci_shapes)
{
        cr_assert(osvif_is_uuid(UUID));
        cr_assert(osvif_is_uuid("3F2A9C6E1B4D4C8E9A7F0D2E5B6C7A81"),
                  "dashes are optional, as in oslo");
        cr_assert_not(osvif_is_uuid("3f2a9c6e-1b4d-4c8e-9a7f-0d2e5b6c7a8"));
        cr_assert_not(osvif_is_uuid("3f2a9c6e-1b4d-4c8e-9a7f-0d2e5b6c7a81x"));
        cr_assert(osvif_is_pci_address("0000:03:00.4"));
        cr_assert(osvif_is_pci_address("ffff:ff:1f.7"));
        cr_assert_not(osvif_is_pci_address("0000:03:20.4"), "slot above 0x1f");
        cr_assert_not(osvif_is_pci_address("0000:03:00:4"));
        cr_assert_not(osvif_is_pci_address("03:00.4"));
}

Test(vif, reads_any_registered_class_from_a_primitive)
{
        _cleanup_cjson_ cJSON *j = cJSON_Parse(
                "{\"versioned_object.name\":\"HostInfo\",\"versioned_object.namespace\":\"os_vif\","
                "\"versioned_object.version\":\"1.0\",\"versioned_object.data\":{\"plugin_info\":[{"
                "\"versioned_object.name\":\"HostPluginInfo\",\"versioned_object.namespace\":\"os_"
                "vif\","
                "\"versioned_object.version\":\"1.0\",\"versioned_object.data\":{\"plugin_name\":"
                "\"ovs\",\"vif_info\":[]}}]}}");
        _cleanup_(osvif_obj_freep) struct osvif_obj *o = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;
        const struct osvif_host_info *hi;

        cr_assert_eq(osvif_obj_from_primitive(j, "", &o, &err), 0, "%s", err.msg);
        cr_assert_str_eq(o->cls->name, "HostInfo");
        hi = (const struct osvif_host_info *)o;
        cr_assert_eq(hi->n_plugin_info, 1);
        cr_assert_str_eq(hi->plugin_info[0]->plugin_name, "ovs");
}

Test(names, follow_os_vif_nic_name_rules)
{
        char buf[IF_NAMESIZE];

        osvif_vif_device_name("tap", UUID, buf);
        cr_assert_str_eq(buf, "tap3f2a9c6e-1b");
        osvif_vif_device_name("qvo", UUID, buf);
        cr_assert_str_eq(buf, "qvo3f2a9c6e-1b");
        cr_assert_eq(strlen(buf), OSVIF_NIC_NAME_LEN);
}

Test(names, attachment_names_are_stable_and_distinct)
{
        char a[IF_NAMESIZE], b[IF_NAMESIZE], c[IF_NAMESIZE], d[IF_NAMESIZE];

        osvif_attachment_device_name("tap", "ctr1", "eth0", a);
        osvif_attachment_device_name("tap", "ctr1", "eth0", b);
        osvif_attachment_device_name("tap", "ctr2", "eth0", c);
        osvif_attachment_device_name("tap", "ctr1", "eth1", d);
        cr_assert_str_eq(a, b);
        cr_assert_str_neq(a, c);
        cr_assert_str_neq(a, d);
        cr_assert_eq(strlen(a), OSVIF_NIC_NAME_LEN);
        cr_assert(strncmp(a, "tap", 3) == 0);
}

/* kuryr-kubernetes' nested VIFs, as kuryr emits them (namespace os_vif, version 1.0) */
Test(vif, parses_kuryrs_nested_vifs)
{
        _cleanup_(osvif_vif_freep) struct osvif_vif *vlan = parse_str(
                "{\"versioned_object.name\":\"VIFVlanNested\",\"versioned_object.namespace\":"
                "\"os_vif\",\"versioned_object.version\":\"1.0\",\"versioned_object.data\":{"
                "\"id\":\"" UUID "\",\"vif_name\":\"tap3f2a9c6e-1b\",\"vlan_id\":42,\"plugin\":"
                "\"noop\",\"address\":\"fa:16:3e:00:00:01\"}}");
        _cleanup_(osvif_vif_freep) struct osvif_vif *mv = parse_str(
                "{\"versioned_object.name\":\"VIFMacvlanNested\",\"versioned_object.namespace\":"
                "\"os_vif\",\"versioned_object.version\":\"1.0\",\"versioned_object.data\":{"
                "\"vif_name\":\"tap3f2a9c6e-1b\"}}");
        _cleanup_cjson_ cJSON *back = NULL;

        cr_assert_eq(vlan->type, OSVIF_VIF_VLAN_NESTED);
        cr_assert_eq(vlan->vlan_id, 42);
        cr_assert_str_eq(vlan->vif_name, "tap3f2a9c6e-1b");
        cr_assert_eq(mv->type, OSVIF_VIF_MACVLAN_NESTED);
        back = primitive_of(vlan, NULL);
        cr_assert_str_eq(cJSON_GetObjectItem(back, "versioned_object.name")->valuestring,
                         "VIFVlanNested");
        cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(back, "versioned_object.data"),
                                         "vlan_id")
                             ->valueint,
                     42);
        assert_refused("{\"type\":\"vlan_nested\",\"vlan_id\":0}",
                       "vif.vlan_id: 0 is not in [1, 4094]");
        assert_refused("{\"type\":\"macvlan_nested\",\"vlan_id\":3}",
                       "vif.vlan_id: unknown field of VIFMacvlanNested");
}
