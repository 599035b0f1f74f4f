/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "vif/classes.h"

/*
 * The os-vif classes (the os_vif.objects modules at 5.1.0, see shared/reference/os-vif.md §1-4).
 * Versions are the current upstream ones; fields carry the minor version that added them
 * so that a manifest can ask for an older version, as obj_make_compatible() does.
 */

#define F(st, member) offsetof(st, member)
#define LIST(st, member, count) offsetof(st, member), offsetof(st, count)

static const char *const direct_modes[] = { "vepa", "passthrough", "bridge", NULL };
static const char *const vhostuser_modes[] = { "client", "server", NULL };
static const char *const hostdev_types[] = { "ethernet", "generic", NULL };

/* ---- network objects ---- */

static const struct osvif_field fixed_ip_fields[] = {
        { "address", OSVIF_FK_IPADDR, F(struct osvif_fixed_ip, address) },
        { "floating_ips", OSVIF_FK_IPADDR_LIST,
          LIST(struct osvif_fixed_ip, floating_ips, n_floating_ips) },
};
const struct osvif_class osvif_class_fixed_ip = {
        "FixedIP",
        NULL,
        1,
        0,
        NULL,
        sizeof(struct osvif_fixed_ip),
        -1,
        fixed_ip_fields,
        ARRAY_SIZE(fixed_ip_fields),
};

static const struct osvif_field fixed_ip_list_fields[] = {
        { "objects", OSVIF_FK_OBJECT_LIST, LIST(struct osvif_fixed_ip_list, objects, n_objects),
          .object_class = &osvif_class_fixed_ip },
};
const struct osvif_class osvif_class_fixed_ip_list = {
        "FixedIPList",
        NULL,
        1,
        0,
        NULL,
        sizeof(struct osvif_fixed_ip_list),
        -1,
        fixed_ip_list_fields,
        1,
        .list_wrapper = true,
};

static const struct osvif_field route_fields[] = {
        { "cidr", OSVIF_FK_IPNET, F(struct osvif_route, cidr) },
        { "gateway", OSVIF_FK_IPADDR, F(struct osvif_route, gateway) },
        { "interface", OSVIF_FK_STRING, F(struct osvif_route, interface) },
};
const struct osvif_class osvif_class_route = {
        "Route", NULL,         1,
        0,       NULL,         sizeof(struct osvif_route),
        -1,      route_fields, ARRAY_SIZE(route_fields),
};

static const struct osvif_field route_list_fields[] = {
        { "objects", OSVIF_FK_OBJECT_LIST, LIST(struct osvif_route_list, objects, n_objects),
          .object_class = &osvif_class_route },
};
const struct osvif_class osvif_class_route_list = {
        "RouteList", NULL,
        1,           0,
        NULL,        sizeof(struct osvif_route_list),
        -1,          route_list_fields,
        1,           .list_wrapper = true,
};

static const struct osvif_field subnet_fields[] = {
        { "cidr", OSVIF_FK_IPNET, F(struct osvif_subnet, cidr) },
        { "dns", OSVIF_FK_IPADDR_LIST, LIST(struct osvif_subnet, dns, n_dns) },
        { "gateway", OSVIF_FK_IPADDR, F(struct osvif_subnet, gateway) },
        { "ips", OSVIF_FK_OBJECT, F(struct osvif_subnet, ips),
          .object_class = &osvif_class_fixed_ip_list },
        { "routes", OSVIF_FK_OBJECT, F(struct osvif_subnet, routes),
          .object_class = &osvif_class_route_list },
        { "dhcp_server", OSVIF_FK_IPADDR, F(struct osvif_subnet, dhcp_server) },
};
const struct osvif_class osvif_class_subnet = {
        "Subnet", NULL,          1,
        0,        NULL,          sizeof(struct osvif_subnet),
        -1,       subnet_fields, ARRAY_SIZE(subnet_fields),
};

static const struct osvif_field subnet_list_fields[] = {
        { "objects", OSVIF_FK_OBJECT_LIST, LIST(struct osvif_subnet_list, objects, n_objects),
          .object_class = &osvif_class_subnet },
};
const struct osvif_class osvif_class_subnet_list = {
        "SubnetList",
        NULL,
        1,
        0,
        NULL,
        sizeof(struct osvif_subnet_list),
        -1,
        subnet_list_fields,
        1,
        .list_wrapper = true,
};

static const struct osvif_field network_fields[] = {
        { "id", OSVIF_FK_UUID, F(struct osvif_network, id) },
        { "bridge", OSVIF_FK_STRING, F(struct osvif_network, bridge) },
        { "label", OSVIF_FK_STRING, F(struct osvif_network, label) },
        { "subnets", OSVIF_FK_OBJECT, F(struct osvif_network, subnets),
          .object_class = &osvif_class_subnet_list },
        { "multi_host", OSVIF_FK_BOOL, F(struct osvif_network, multi_host) },
        { "should_provide_bridge", OSVIF_FK_BOOL, F(struct osvif_network, should_provide_bridge) },
        { "should_provide_vlan", OSVIF_FK_BOOL, F(struct osvif_network, should_provide_vlan) },
        { "bridge_interface", OSVIF_FK_STRING, F(struct osvif_network, bridge_interface),
          .nullable = true },
        { "vlan", OSVIF_FK_INT, F(struct osvif_network, vlan), .nullable = true },
        { "mtu", OSVIF_FK_INT, F(struct osvif_network, mtu), .nullable = true, .since = 1 },
};

/* Network.__init__: subnets = SubnetList([]), the three booleans False, mtu None. */
static void network_init(struct osvif_obj *o)
{
        struct osvif_network *n = (struct osvif_network *)o;
        size_t i;

        /* out of memory leaves subnets unset; osvif_obj_new's caller sees a usable object */
        n->subnets = (struct osvif_subnet_list *)osvif_obj_new(&osvif_class_subnet_list);
        if (n->subnets && osvif_class_field(o->cls, "subnets", &i)) {
                o->set |= 1ULL << i;
                n->subnets->obj.set |= 1; /* objects = [] */
        }
        if (osvif_class_field(o->cls, "multi_host", &i))
                o->set |= 1ULL << i;
        if (osvif_class_field(o->cls, "should_provide_bridge", &i))
                o->set |= 1ULL << i;
        if (osvif_class_field(o->cls, "should_provide_vlan", &i))
                o->set |= 1ULL << i;
        if (osvif_class_field(o->cls, "mtu", &i)) {
                o->set |= 1ULL << i;
                o->null |= 1ULL << i;
        }
}

const struct osvif_class osvif_class_network = {
        "Network",
        NULL,
        1,
        1,
        NULL,
        sizeof(struct osvif_network),
        -1,
        network_fields,
        ARRAY_SIZE(network_fields),
        .init = network_init,
};

/* ---- datapath offloads ---- */

const struct osvif_class osvif_class_offload_base = {
        "DatapathOffloadBase", NULL, 1, 0, NULL, sizeof(struct osvif_datapath_offload),
        OSVIF_OFFLOAD_BASE,    NULL, 0,
};

static const struct osvif_field offload_representor_fields[] = {
        { "representor_name", OSVIF_FK_STRING, F(struct osvif_datapath_offload, representor_name),
          .nullable = true },
        { "representor_address", OSVIF_FK_STRING,
          F(struct osvif_datapath_offload, representor_address), .nullable = true },
};
static const struct osvif_class offload_representor = {
        "DatapathOffloadRepresentor",
        "representor",
        1,
        0,
        &osvif_class_offload_base,
        sizeof(struct osvif_datapath_offload),
        OSVIF_OFFLOAD_REPRESENTOR,
        offload_representor_fields,
        ARRAY_SIZE(offload_representor_fields),
};

/* ---- port profiles ---- */

#define PP(member) F(struct osvif_port_profile, member)
#define PROFILE_BASE_FIELDS                                                                      \
        {                                                                                        \
                "datapath_offload", OSVIF_FK_OBJECT, PP(datapath_offload),                       \
                        .nullable = true, .since = 1, .object_class = &osvif_class_offload_base, \
                        .subclasses = true                                                       \
        }
/* the OpenVSwitch family's fields, shared as they are by its subclasses (FPOpenVSwitch,
 * OVSRepresentor), whose minor versions are the same as VIFPortProfileOpenVSwitch's */
#define PROFILE_OVS_FIELDS                                                                        \
        PROFILE_BASE_FIELDS, { "interface_id", OSVIF_FK_UUID, PP(interface_id) },                 \
                { "profile_id", OSVIF_FK_STRING, PP(profile_id) },                                \
                { "datapath_type", OSVIF_FK_STRING, PP(datapath_type), .nullable = true,          \
                  .since = 1 },                                                                   \
                { "create_port", OSVIF_FK_BOOL, PP(create_port), .has_default = true,             \
                  .since = 3 },                                                                   \
                { "create_tap", OSVIF_FK_BOOL, PP(create_tap), .has_default = true, .since = 4 }, \
        {                                                                                         \
                "multiqueue", OSVIF_FK_BOOL, PP(multiqueue), .has_default = true, .since = 4      \
        }

static const struct osvif_field profile_base_fields[] = { PROFILE_BASE_FIELDS };
const struct osvif_class osvif_class_profile_base = {
        "VIFPortProfileBase",
        NULL,
        1,
        1,
        NULL,
        sizeof(struct osvif_port_profile),
        OSVIF_PROFILE_BASE,
        profile_base_fields,
        1,
};

static const struct osvif_field profile_ovs_fields[] = { PROFILE_OVS_FIELDS };
static const struct osvif_class profile_ovs = {
        "VIFPortProfileOpenVSwitch",
        "openvswitch",
        1,
        4,
        &osvif_class_profile_base,
        sizeof(struct osvif_port_profile),
        OSVIF_PROFILE_OPENVSWITCH,
        profile_ovs_fields,
        ARRAY_SIZE(profile_ovs_fields),
};

static const struct osvif_field profile_fp_ovs_fields[] = {
        PROFILE_OVS_FIELDS,
        { "bridge_name", OSVIF_FK_STRING, PP(bridge_name) },
        { "hybrid_plug", OSVIF_FK_BOOL, PP(hybrid_plug), .has_default = true },
};
static const struct osvif_class profile_fp_ovs = {
        "VIFPortProfileFPOpenVSwitch",
        "fp_openvswitch",
        1,
        4,
        &profile_ovs,
        sizeof(struct osvif_port_profile),
        OSVIF_PROFILE_FP_OPENVSWITCH,
        profile_fp_ovs_fields,
        ARRAY_SIZE(profile_fp_ovs_fields),
};

static const struct osvif_field profile_ovs_rep_fields[] = {
        PROFILE_OVS_FIELDS,
        { "representor_name", OSVIF_FK_STRING, PP(representor_name), .nullable = true },
        { "representor_address", OSVIF_FK_PCI, PP(representor_address), .nullable = true },
};
static const struct osvif_class profile_ovs_rep = {
        "VIFPortProfileOVSRepresentor",
        "ovs_representor",
        1,
        4,
        &profile_ovs,
        sizeof(struct osvif_port_profile),
        OSVIF_PROFILE_OVS_REPRESENTOR,
        profile_ovs_rep_fields,
        ARRAY_SIZE(profile_ovs_rep_fields),
};

static const struct osvif_field profile_fp_bridge_fields[] = {
        PROFILE_BASE_FIELDS,
        { "bridge_name", OSVIF_FK_STRING, PP(bridge_name) },
};
static const struct osvif_class profile_fp_bridge = {
        "VIFPortProfileFPBridge",
        "fp_bridge",
        1,
        1,
        &osvif_class_profile_base,
        sizeof(struct osvif_port_profile),
        OSVIF_PROFILE_FP_BRIDGE,
        profile_fp_bridge_fields,
        ARRAY_SIZE(profile_fp_bridge_fields),
};

static const struct osvif_field profile_fp_tap_fields[] = {
        PROFILE_BASE_FIELDS,
        { "mac_address", OSVIF_FK_MAC, PP(mac_address), .nullable = true },
};
static const struct osvif_class profile_fp_tap = {
        "VIFPortProfileFPTap",
        "fp_tap",
        1,
        1,
        &osvif_class_profile_base,
        sizeof(struct osvif_port_profile),
        OSVIF_PROFILE_FP_TAP,
        profile_fp_tap_fields,
        ARRAY_SIZE(profile_fp_tap_fields),
};

static const struct osvif_field profile_qbg_fields[] = {
        PROFILE_BASE_FIELDS,
        { "manager_id", OSVIF_FK_INT, PP(manager_id) },
        { "type_id", OSVIF_FK_INT, PP(type_id) },
        { "type_id_version", OSVIF_FK_INT, PP(type_id_version) },
        { "instance_id", OSVIF_FK_UUID, PP(instance_id) },
};
static const struct osvif_class profile_qbg = {
        "VIFPortProfile8021Qbg",
        "8021qbg",
        1,
        1,
        &osvif_class_profile_base,
        sizeof(struct osvif_port_profile),
        OSVIF_PROFILE_8021QBG,
        profile_qbg_fields,
        ARRAY_SIZE(profile_qbg_fields),
};

static const struct osvif_field profile_qbh_fields[] = {
        PROFILE_BASE_FIELDS,
        { "profile_id", OSVIF_FK_STRING, PP(profile_id) },
};
static const struct osvif_class profile_qbh = {
        "VIFPortProfile8021Qbh",
        "8021qbh",
        1,
        1,
        &osvif_class_profile_base,
        sizeof(struct osvif_port_profile),
        OSVIF_PROFILE_8021QBH,
        profile_qbh_fields,
        ARRAY_SIZE(profile_qbh_fields),
};

static const struct osvif_field profile_k8s_dpdk_fields[] = {
        PROFILE_BASE_FIELDS,
        { "l3_setup", OSVIF_FK_BOOL, PP(l3_setup) },
        { "selflink", OSVIF_FK_STRING, PP(selflink) },
        { "resourceversion", OSVIF_FK_STRING, PP(resourceversion) },
};
static const struct osvif_class profile_k8s_dpdk = {
        "VIFPortProfileK8sDPDK",
        "k8s_dpdk",
        1,
        1,
        &osvif_class_profile_base,
        sizeof(struct osvif_port_profile),
        OSVIF_PROFILE_K8S_DPDK,
        profile_k8s_dpdk_fields,
        ARRAY_SIZE(profile_k8s_dpdk_fields),
};

/* ---- VIFs ---- */

#define V(member) F(struct osvif_vif, member)
#define VIF_BASE_FIELDS                                                                            \
        { "id", OSVIF_FK_UUID, V(id) }, { "address", OSVIF_FK_MAC, V(address), .nullable = true }, \
                { "network", OSVIF_FK_OBJECT, V(network), .nullable = true,                        \
                  .object_class = &osvif_class_network },                                          \
                { "plugin", OSVIF_FK_STRING, V(plugin) },                                          \
                { "active", OSVIF_FK_BOOL, V(active), .has_default = true, .default_int = 1 },     \
                { "preserve_on_delete", OSVIF_FK_BOOL, V(preserve_on_delete),                      \
                  .has_default = true },                                                           \
                { "has_traffic_filtering", OSVIF_FK_BOOL, V(has_traffic_filtering),                \
                  .has_default = true },                                                           \
        {                                                                                          \
                "port_profile", OSVIF_FK_OBJECT, V(port_profile),                                  \
                        .object_class = &osvif_class_profile_base, .subclasses = true              \
        }

static const struct osvif_field vif_base_fields[] = { VIF_BASE_FIELDS };
const struct osvif_class osvif_class_vif_base = {
        "VIFBase",
        NULL,
        1,
        0,
        NULL,
        sizeof(struct osvif_vif),
        -1,
        vif_base_fields,
        ARRAY_SIZE(vif_base_fields),
};

static const struct osvif_field vif_generic_fields[] = {
        VIF_BASE_FIELDS,
        { "vif_name", OSVIF_FK_STRING, V(vif_name) },
};
static const struct osvif_class vif_generic = {
        "VIFGeneric",
        "generic",
        1,
        0,
        &osvif_class_vif_base,
        sizeof(struct osvif_vif),
        OSVIF_VIF_GENERIC,
        vif_generic_fields,
        ARRAY_SIZE(vif_generic_fields),
};

static const struct osvif_field vif_bridge_fields[] = {
        VIF_BASE_FIELDS,
        { "vif_name", OSVIF_FK_STRING, V(vif_name) },
        { "bridge_name", OSVIF_FK_STRING, V(bridge_name) },
};
static const struct osvif_class vif_bridge = {
        "VIFBridge",
        "bridge",
        1,
        0,
        &osvif_class_vif_base,
        sizeof(struct osvif_vif),
        OSVIF_VIF_BRIDGE,
        vif_bridge_fields,
        ARRAY_SIZE(vif_bridge_fields),
};
static const struct osvif_class vif_ovs = {
        "VIFOpenVSwitch",
        "ovs",
        1,
        0,
        &osvif_class_vif_base,
        sizeof(struct osvif_vif),
        OSVIF_VIF_OPENVSWITCH,
        vif_bridge_fields,
        ARRAY_SIZE(vif_bridge_fields),
};

static const struct osvif_field vif_direct_fields[] = {
        VIF_BASE_FIELDS,
        { "vif_name", OSVIF_FK_STRING, V(vif_name) },
        { "dev_address", OSVIF_FK_PCI, V(dev_address) },
        { "mode", OSVIF_FK_ENUM, V(mode_direct), .enum_values = direct_modes },
        { "vlan_name", OSVIF_FK_STRING, V(vlan_name) },
};
static const struct osvif_class vif_direct = {
        "VIFDirect",
        "direct",
        1,
        0,
        &osvif_class_vif_base,
        sizeof(struct osvif_vif),
        OSVIF_VIF_DIRECT,
        vif_direct_fields,
        ARRAY_SIZE(vif_direct_fields),
};

static const struct osvif_field vif_vhostuser_fields[] = {
        VIF_BASE_FIELDS,
        { "vif_name", OSVIF_FK_STRING, V(vif_name), .since = 1 },
        { "path", OSVIF_FK_STRING, V(path) },
        { "mode", OSVIF_FK_ENUM, V(mode_vhostuser), .enum_values = vhostuser_modes },
};
static const struct osvif_class vif_vhostuser = {
        "VIFVHostUser",
        "vhostuser",
        1,
        1,
        &osvif_class_vif_base,
        sizeof(struct osvif_vif),
        OSVIF_VIF_VHOSTUSER,
        vif_vhostuser_fields,
        ARRAY_SIZE(vif_vhostuser_fields),
};

static const struct osvif_field vif_hostdev_fields[] = {
        VIF_BASE_FIELDS,
        { "dev_type", OSVIF_FK_ENUM, V(dev_type), .enum_values = hostdev_types },
        { "dev_address", OSVIF_FK_PCI, V(dev_address) },
};
static const struct osvif_class vif_hostdev = {
        "VIFHostDevice",
        "hostdev",
        1,
        0,
        &osvif_class_vif_base,
        sizeof(struct osvif_vif),
        OSVIF_VIF_HOSTDEVICE,
        vif_hostdev_fields,
        ARRAY_SIZE(vif_hostdev_fields),
};

static const struct osvif_field vif_nested_dpdk_fields[] = {
        VIF_BASE_FIELDS,
        { "pci_address", OSVIF_FK_STRING, V(pci_address) },
        { "dev_driver", OSVIF_FK_STRING, V(dev_driver) },
};
static const struct osvif_class vif_nested_dpdk = {
        "VIFNestedDPDK",
        "nested_dpdk",
        1,
        0,
        &osvif_class_vif_base,
        sizeof(struct osvif_vif),
        OSVIF_VIF_NESTED_DPDK,
        vif_nested_dpdk_fields,
        ARRAY_SIZE(vif_nested_dpdk_fields),
};

/*
 * kuryr-kubernetes' nested VIFs (kuryr_kubernetes/objects/vif.py), registered in os-vif's
 * namespace "os_vif": a VLAN device or a macvlan on the VM's own NIC.
 */
static const struct osvif_field vif_vlan_nested_fields[] = {
        VIF_BASE_FIELDS,
        { "vif_name", OSVIF_FK_STRING, V(vif_name) },
        { "vlan_id", OSVIF_FK_INT, V(vlan_id) },
};
static const struct osvif_class vif_vlan_nested = {
        "VIFVlanNested",
        "vlan_nested",
        1,
        0,
        &osvif_class_vif_base,
        sizeof(struct osvif_vif),
        OSVIF_VIF_VLAN_NESTED,
        vif_vlan_nested_fields,
        ARRAY_SIZE(vif_vlan_nested_fields),
};

static const struct osvif_field vif_macvlan_nested_fields[] = {
        VIF_BASE_FIELDS,
        { "vif_name", OSVIF_FK_STRING, V(vif_name) },
};
static const struct osvif_class vif_macvlan_nested = {
        "VIFMacvlanNested",
        "macvlan_nested",
        1,
        0,
        &osvif_class_vif_base,
        sizeof(struct osvif_vif),
        OSVIF_VIF_MACVLAN_NESTED,
        vif_macvlan_nested_fields,
        ARRAY_SIZE(vif_macvlan_nested_fields),
};

/* ---- instance and host info ---- */

static const struct osvif_field instance_info_fields[] = {
        { "uuid", OSVIF_FK_UUID, F(struct osvif_instance_info, uuid) },
        { "name", OSVIF_FK_STRING, F(struct osvif_instance_info, name) },
        { "project_id", OSVIF_FK_STRING, F(struct osvif_instance_info, project_id) },
};
static const struct osvif_class instance_info = {
        "InstanceInfo",
        NULL,
        1,
        0,
        NULL,
        sizeof(struct osvif_instance_info),
        -1,
        instance_info_fields,
        ARRAY_SIZE(instance_info_fields),
};

static const struct osvif_field host_pp_info_fields[] = {
        { "profile_object_name", OSVIF_FK_STRING,
          F(struct osvif_host_port_profile_info, profile_object_name) },
        { "min_version", OSVIF_FK_STRING, F(struct osvif_host_port_profile_info, min_version) },
        { "max_version", OSVIF_FK_STRING, F(struct osvif_host_port_profile_info, max_version) },
};
static const struct osvif_class host_pp_info = {
        "HostPortProfileInfo",
        NULL,
        1,
        0,
        NULL,
        sizeof(struct osvif_host_port_profile_info),
        -1,
        host_pp_info_fields,
        ARRAY_SIZE(host_pp_info_fields),
};

static const struct osvif_field host_vif_info_fields[] = {
        { "vif_object_name", OSVIF_FK_STRING, F(struct osvif_host_vif_info, vif_object_name) },
        { "min_version", OSVIF_FK_STRING, F(struct osvif_host_vif_info, min_version) },
        { "max_version", OSVIF_FK_STRING, F(struct osvif_host_vif_info, max_version) },
        { "supported_port_profiles", OSVIF_FK_OBJECT_LIST,
          LIST(struct osvif_host_vif_info, supported_port_profiles, n_supported_port_profiles),
          .since = 1, .object_class = &host_pp_info },
};
static const struct osvif_class host_vif_info = {
        "HostVIFInfo",
        NULL,
        1,
        1,
        NULL,
        sizeof(struct osvif_host_vif_info),
        -1,
        host_vif_info_fields,
        ARRAY_SIZE(host_vif_info_fields),
};

static const struct osvif_field host_plugin_info_fields[] = {
        { "plugin_name", OSVIF_FK_STRING, F(struct osvif_host_plugin_info, plugin_name) },
        { "vif_info", OSVIF_FK_OBJECT_LIST,
          LIST(struct osvif_host_plugin_info, vif_info, n_vif_info),
          .object_class = &host_vif_info },
};
static const struct osvif_class host_plugin_info = {
        "HostPluginInfo",
        NULL,
        1,
        0,
        NULL,
        sizeof(struct osvif_host_plugin_info),
        -1,
        host_plugin_info_fields,
        ARRAY_SIZE(host_plugin_info_fields),
};

static const struct osvif_field host_info_fields[] = {
        { "plugin_info", OSVIF_FK_OBJECT_LIST,
          LIST(struct osvif_host_info, plugin_info, n_plugin_info),
          .object_class = &host_plugin_info },
};
static const struct osvif_class host_info = {
        "HostInfo",
        NULL,
        1,
        0,
        NULL,
        sizeof(struct osvif_host_info),
        -1,
        host_info_fields,
        ARRAY_SIZE(host_info_fields),
};

const struct osvif_class *const osvif_classes[] = {
        &vif_generic,
        &vif_bridge,
        &vif_ovs,
        &vif_direct,
        &vif_vhostuser,
        &vif_hostdev,
        &vif_nested_dpdk,
        &vif_vlan_nested,
        &vif_macvlan_nested,
        &osvif_class_vif_base,
        &profile_ovs,
        &profile_fp_ovs,
        &profile_ovs_rep,
        &profile_fp_bridge,
        &profile_fp_tap,
        &profile_qbg,
        &profile_qbh,
        &profile_k8s_dpdk,
        &osvif_class_profile_base,
        &offload_representor,
        &osvif_class_offload_base,
        &osvif_class_network,
        &osvif_class_subnet,
        &osvif_class_subnet_list,
        &osvif_class_fixed_ip,
        &osvif_class_fixed_ip_list,
        &osvif_class_route,
        &osvif_class_route_list,
        &instance_info,
        &host_info,
        &host_plugin_info,
        &host_vif_info,
        &host_pp_info,
        NULL,
};
