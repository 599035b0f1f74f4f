/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_VIF_MODEL_H
#define OSVIF_VIF_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "util/addr.h"
#include "util/cleanup.h"
#include "util/error.h"

/*
 * The os-vif object model (the os_vif.objects package, see shared/reference/os-vif.md §1-4).
 *
 * Every object starts with `struct osvif_obj`: its class, and two bitmasks over the class's
 * fields (bit i = the i-th field of the class descriptor, see vif/classes.h): `set` (the
 * field was given; oslo's "obj_attr_is_set") and `null` (given as JSON null, only for
 * nullable fields). A field that is not set keeps its C zero value. Objects are created
 * and freed only through this module; osvif_obj_free() frees a whole tree.
 *
 * Strings are heap copies, normalised as os-vif coerces them: MAC addresses lower case with
 * ':', PCI addresses lower case. Addresses are parsed values (util/addr.h).
 */

struct osvif_class;

struct osvif_obj {
        const struct osvif_class *cls;
        uint64_t set;
        uint64_t null;
};

/* ---- enumerations (os_vif/objects/fields.py) ---- */

enum osvif_vif_type {
        OSVIF_VIF_GENERIC,
        OSVIF_VIF_BRIDGE,
        OSVIF_VIF_OPENVSWITCH,
        OSVIF_VIF_DIRECT,
        OSVIF_VIF_VHOSTUSER,
        OSVIF_VIF_HOSTDEVICE,
        OSVIF_VIF_NESTED_DPDK,
        OSVIF_VIF_VLAN_NESTED,    /* kuryr-kubernetes' */
        OSVIF_VIF_MACVLAN_NESTED, /* kuryr-kubernetes' */
        OSVIF_VIF_TYPE_COUNT,
};

enum osvif_profile_type {
        OSVIF_PROFILE_NONE = 0, /* no port_profile */
        OSVIF_PROFILE_BASE,     /* VIFPortProfileBase itself */
        OSVIF_PROFILE_OPENVSWITCH,
        OSVIF_PROFILE_FP_OPENVSWITCH,
        OSVIF_PROFILE_OVS_REPRESENTOR,
        OSVIF_PROFILE_FP_BRIDGE,
        OSVIF_PROFILE_FP_TAP,
        OSVIF_PROFILE_8021QBG,
        OSVIF_PROFILE_8021QBH,
        OSVIF_PROFILE_K8S_DPDK,
        OSVIF_PROFILE_TYPE_COUNT,
};

enum osvif_offload_type {
        OSVIF_OFFLOAD_BASE,
        OSVIF_OFFLOAD_REPRESENTOR,
};

enum osvif_direct_mode {
        OSVIF_DIRECT_VEPA,
        OSVIF_DIRECT_PASSTHROUGH,
        OSVIF_DIRECT_BRIDGE
};
enum osvif_vhostuser_mode {
        OSVIF_VHOSTUSER_CLIENT,
        OSVIF_VHOSTUSER_SERVER
};
enum osvif_hostdev_type {
        OSVIF_HOSTDEV_ETHERNET,
        OSVIF_HOSTDEV_GENERIC
};

/* ---- network objects (os_vif/objects/{network,subnet,fixed_ip,route}.py) ---- */

struct osvif_fixed_ip {
        struct osvif_obj obj;
        struct osvif_ip address;
        struct osvif_ip *floating_ips;
        size_t n_floating_ips;
};

struct osvif_fixed_ip_list {
        struct osvif_obj obj;
        struct osvif_fixed_ip **objects;
        size_t n_objects;
};

struct osvif_route {
        struct osvif_obj obj;
        struct osvif_ipnet cidr;
        struct osvif_ip gateway;
        char *interface;
};

struct osvif_route_list {
        struct osvif_obj obj;
        struct osvif_route **objects;
        size_t n_objects;
};

struct osvif_subnet {
        struct osvif_obj obj;
        struct osvif_ipnet cidr;
        struct osvif_ip *dns;
        size_t n_dns;
        struct osvif_ip gateway;
        struct osvif_fixed_ip_list *ips;
        struct osvif_route_list *routes;
        struct osvif_ip dhcp_server;
};

struct osvif_subnet_list {
        struct osvif_obj obj;
        struct osvif_subnet **objects;
        size_t n_objects;
};

struct osvif_network {
        struct osvif_obj obj;
        char *id;
        char *bridge;
        char *label;
        struct osvif_subnet_list *subnets;
        bool multi_host;
        bool should_provide_bridge;
        bool should_provide_vlan;
        char *bridge_interface;
        int64_t vlan;
        int64_t mtu;
};

/* ---- datapath offload and port profiles (os_vif/objects/vif.py) ---- */

struct osvif_datapath_offload {
        struct osvif_obj obj;
        enum osvif_offload_type type;
        char *representor_name;
        char *representor_address; /* a String field in os-vif, not a PCI field */
};

/* One struct for every profile class; which members exist depends on `type`. */
struct osvif_port_profile {
        struct osvif_obj obj;
        enum osvif_profile_type type;
        struct osvif_datapath_offload *datapath_offload;
        /* OpenVSwitch and its subclasses */
        char *interface_id;
        char *profile_id; /* also 802.1Qbh */
        char *datapath_type;
        bool create_port;
        bool create_tap;
        bool multiqueue;
        /* FPOpenVSwitch, FPBridge */
        char *bridge_name;
        bool hybrid_plug;
        /* OVSRepresentor */
        char *representor_name;
        char *representor_address;
        /* FPTap */
        char *mac_address;
        /* 802.1Qbg */
        int64_t manager_id;
        int64_t type_id;
        int64_t type_id_version;
        char *instance_id;
        /* K8sDPDK */
        bool l3_setup;
        char *selflink;
        char *resourceversion;
};

/* ---- VIFs ---- */

/* One struct for every VIF class; which members exist depends on `type`. */
struct osvif_vif {
        struct osvif_obj obj;
        enum osvif_vif_type type;
        /* VIFBase */
        char *id;
        char *address; /* MAC, normalised */
        struct osvif_network *network;
        char *plugin;
        bool active;
        bool preserve_on_delete;
        bool has_traffic_filtering;
        struct osvif_port_profile *port_profile;
        /* subclasses */
        char *vif_name;    /* all but HostDevice and NestedDPDK */
        char *bridge_name; /* Bridge, OpenVSwitch */
        char *dev_address; /* Direct, HostDevice: PCI address */
        enum osvif_direct_mode mode_direct;
        char *vlan_name; /* Direct */
        int64_t vlan_id; /* VlanNested */
        char *path;      /* VHostUser: socket path */
        enum osvif_vhostuser_mode mode_vhostuser;
        enum osvif_hostdev_type dev_type;
        char *pci_address; /* NestedDPDK (a String field) */
        char *dev_driver;  /* NestedDPDK */
};

/* ---- other os-vif objects (instance_info.py, host_info.py) ---- */

struct osvif_instance_info {
        struct osvif_obj obj;
        char *uuid;
        char *name;
        char *project_id;
};

struct osvif_host_port_profile_info {
        struct osvif_obj obj;
        char *profile_object_name;
        char *min_version;
        char *max_version;
};

struct osvif_host_vif_info {
        struct osvif_obj obj;
        char *vif_object_name;
        char *min_version;
        char *max_version;
        struct osvif_host_port_profile_info **supported_port_profiles;
        size_t n_supported_port_profiles;
};

struct osvif_host_plugin_info {
        struct osvif_obj obj;
        char *plugin_name;
        struct osvif_host_vif_info **vif_info;
        size_t n_vif_info;
};

struct osvif_host_info {
        struct osvif_obj obj;
        struct osvif_host_plugin_info **plugin_info;
        size_t n_plugin_info;
};

/* ---- API ---- */

/* Free any object tree. NULL-safe. */
void osvif_obj_free(struct osvif_obj *o);
static inline void osvif_vif_free(struct osvif_vif *v)
{
        osvif_obj_free(v ? &v->obj : NULL);
}
OSVIF_DEFINE_TRIVIAL_CLEANUP(struct osvif_obj *, osvif_obj_free)
OSVIF_DEFINE_TRIVIAL_CLEANUP(struct osvif_vif *, osvif_vif_free)

/* Whether field `name` of o is set (and, for the second, set to null). */
bool osvif_obj_is_set(const struct osvif_obj *o, const char *name);
bool osvif_obj_is_null(const struct osvif_obj *o, const char *name);

/* The os-vif class name ("VIFOpenVSwitch") and the short native name ("ovs"). */
const char *osvif_vif_type_name(enum osvif_vif_type t);
const char *osvif_vif_type_short_name(enum osvif_vif_type t);
const char *osvif_profile_type_name(enum osvif_profile_type t);
const char *osvif_profile_type_short_name(enum osvif_profile_type t);
const char *osvif_direct_mode_name(enum osvif_direct_mode m);
const char *osvif_vhostuser_mode_name(enum osvif_vhostuser_mode m);
const char *osvif_hostdev_type_name(enum osvif_hostdev_type t);

/*
 * Parsing. Both forms give the same model.
 *
 * Native form: os-vif's field names, plain JSON arrays, `type` as the class name or short
 * name, fixed IPs as strings or objects; unknown keys are refused.
 * Primitive form: oslo.versionedobjects' envelopes (versioned_object.name/namespace/
 * version/data, *List envelopes with "objects"); same major and minor <= ours accepted,
 * newer refused; unknown data keys ignored, as oslo does.
 *
 * `path` is the field path used in messages (e.g. "vif" or "args.cni.vif"). All errors are
 * OSVIF_CNI_ERR_INVALID_CONFIG naming `<path>.<field>` and the value. The VIF is also
 * checked by osvif_vif_validate(). The caller owns *ret.
 */
int osvif_vif_from_native(const cJSON *j, const char *path, struct osvif_vif **ret,
                          osvif_error_t *err);
int osvif_vif_from_primitive(const cJSON *j, const char *path, struct osvif_vif **ret,
                             osvif_error_t *err);
/* Either form: an object with "versioned_object.name" is a primitive. */
int osvif_vif_from_json(const cJSON *j, const char *path, struct osvif_vif **ret,
                        osvif_error_t *err);

/* Any registered os-vif class from its primitive (for tools and round-trip tests). */
int osvif_obj_from_primitive(const cJSON *j, const char *path, struct osvif_obj **ret,
                             osvif_error_t *err);

/*
 * A version manifest: class name -> "X.Y" to emit, as oslo's version_manifest. Classes not
 * listed are emitted at our version. Fields newer than the emitted version are dropped, as
 * each class's obj_make_compatible does.
 */
struct osvif_manifest_entry {
        const char *class_name;
        const char *version;
};
struct osvif_manifest {
        const struct osvif_manifest_entry *entries;
        size_t n_entries;
};

/*
 * Serialisation. The primitive is what obj_to_primitive() would emit (without
 * "versioned_object.changes"); the native form is what osvif_vif_from_native() reads.
 * Returns a new tree owned by the caller, or NULL with *err set.
 */
cJSON *osvif_obj_to_primitive(const struct osvif_obj *o, const struct osvif_manifest *m,
                              osvif_error_t *err);
cJSON *osvif_vif_to_native(const struct osvif_vif *vif, osvif_error_t *err);

/*
 * Semantic validation, after parsing: value ranges (vlan 0..4095, mtu 68..65535, 802.1Qbg
 * ids), interface names, an abstract port profile. Code 7 naming the field. Whether a VIF
 * can be plugged (its VIF type x port profile row, the row's required fields and rules) is
 * the mapping's question: osvif_mapping_check() in plan/mapping.h.
 */
int osvif_vif_validate(const struct osvif_vif *vif, const char *path, osvif_error_t *err);

/* Format checks shared by the parsers and the config code. */
bool osvif_is_uuid(const char *s);
bool osvif_is_pci_address(const char *s);

#endif
