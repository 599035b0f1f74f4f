/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "vif/classes.h"

/* The VIF entry points: either form in, validated; names of types and enums. */

const char *osvif_vif_type_name(enum osvif_vif_type t)
{
        static const char *const n[OSVIF_VIF_TYPE_COUNT] = {
                "VIFGeneric",    "VIFBridge",     "VIFOpenVSwitch",
                "VIFDirect",     "VIFVHostUser",  "VIFHostDevice",
                "VIFNestedDPDK", "VIFVlanNested", "VIFMacvlanNested",
        };

        return (unsigned)t < OSVIF_VIF_TYPE_COUNT ? n[t] : "unknown";
}

/* The native form's short names: those of the concrete classes (vif/classes.c). */
static const char *short_name(int type, const struct osvif_class *base)
{
        for (size_t i = 0; osvif_classes[i]; i++)
                if (osvif_classes[i]->type == type && osvif_classes[i] != base &&
                    osvif_class_is_a(osvif_classes[i], base) && osvif_classes[i]->short_name)
                        return osvif_classes[i]->short_name;
        return type == OSVIF_PROFILE_NONE && base == &osvif_class_profile_base ? "none" : "unknown";
}

const char *osvif_vif_type_short_name(enum osvif_vif_type t)
{
        return short_name((int)t, &osvif_class_vif_base);
}

const char *osvif_profile_type_short_name(enum osvif_profile_type t)
{
        return short_name((int)t, &osvif_class_profile_base);
}

const char *osvif_profile_type_name(enum osvif_profile_type t)
{
        static const char *const n[OSVIF_PROFILE_TYPE_COUNT] = {
                [OSVIF_PROFILE_NONE] = "none",
                [OSVIF_PROFILE_BASE] = "VIFPortProfileBase",
                [OSVIF_PROFILE_OPENVSWITCH] = "VIFPortProfileOpenVSwitch",
                [OSVIF_PROFILE_FP_OPENVSWITCH] = "VIFPortProfileFPOpenVSwitch",
                [OSVIF_PROFILE_OVS_REPRESENTOR] = "VIFPortProfileOVSRepresentor",
                [OSVIF_PROFILE_FP_BRIDGE] = "VIFPortProfileFPBridge",
                [OSVIF_PROFILE_FP_TAP] = "VIFPortProfileFPTap",
                [OSVIF_PROFILE_8021QBG] = "VIFPortProfile8021Qbg",
                [OSVIF_PROFILE_8021QBH] = "VIFPortProfile8021Qbh",
                [OSVIF_PROFILE_K8S_DPDK] = "VIFPortProfileK8sDPDK",
        };

        return (unsigned)t < OSVIF_PROFILE_TYPE_COUNT ? n[t] : "unknown";
}

const char *osvif_direct_mode_name(enum osvif_direct_mode m)
{
        static const char *const n[] = { "vepa", "passthrough", "bridge" };

        return (unsigned)m < ARRAY_SIZE(n) ? n[m] : "unknown";
}

const char *osvif_vhostuser_mode_name(enum osvif_vhostuser_mode m)
{
        return m == OSVIF_VHOSTUSER_CLIENT ? "client" : "server";
}

const char *osvif_hostdev_type_name(enum osvif_hostdev_type t)
{
        return t == OSVIF_HOSTDEV_ETHERNET ? "ethernet" : "generic";
}

/*
 * `plugin` is required by os-vif but means nothing to us; in the native form it may be left
 * out and is then what os-vif would pick for the VIF: its ovs plugin for everything it
 * serves, linux_bridge for a plain VIFBridge, noop otherwise.
 */
static const char *default_plugin(const struct osvif_vif *vif)
{
        enum osvif_profile_type p = vif->port_profile ? vif->port_profile->type
                                                      : OSVIF_PROFILE_NONE;
        bool ovs_profile = p == OSVIF_PROFILE_OPENVSWITCH || p == OSVIF_PROFILE_FP_OPENVSWITCH ||
                           p == OSVIF_PROFILE_OVS_REPRESENTOR;

        switch (vif->type) {
        case OSVIF_VIF_OPENVSWITCH:
                return "ovs";
        case OSVIF_VIF_BRIDGE:
                return ovs_profile ? "ovs" : "linux_bridge";
        case OSVIF_VIF_VHOSTUSER:
        case OSVIF_VIF_HOSTDEVICE:
                return ovs_profile ? "ovs" : "noop";
        default:
                return "noop";
        }
}

static int finish(struct osvif_obj *o, const char *path, bool native, struct osvif_vif **ret,
                  osvif_error_t *err)
{
        struct osvif_vif *vif = (struct osvif_vif *)o;
        size_t i;

        if (native && !osvif_obj_is_set(o, "plugin") && osvif_class_field(o->cls, "plugin", &i)) {
                vif->plugin = strdup(default_plugin(vif));
                if (!vif->plugin) {
                        osvif_obj_free(o);
                        return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
                }
                o->set |= 1ULL << i;
        }
        if (osvif_vif_validate(vif, path, err) < 0) {
                osvif_obj_free(o);
                return -1;
        }
        *ret = vif;
        return 0;
}

int osvif_vif_from_native(const cJSON *j, const char *path, struct osvif_vif **ret,
                          osvif_error_t *err)
{
        struct osvif_obj *o = NULL;

        if (osvif_obj_from_native(j, path, &osvif_class_vif_base, &o, err) < 0)
                return -1;
        return finish(o, path, true, ret, err);
}

int osvif_vif_from_primitive(const cJSON *j, const char *path, struct osvif_vif **ret,
                             osvif_error_t *err)
{
        struct osvif_vif *vif = NULL;

        if (osvif_vif_parse_primitive(j, path, &vif, err) < 0)
                return -1;
        return finish(&vif->obj, path, false, ret, err);
}

int osvif_vif_from_json(const cJSON *j, const char *path, struct osvif_vif **ret,
                        osvif_error_t *err)
{
        if (cJSON_IsObject(j) && cJSON_HasObjectItem(j, "versioned_object.name"))
                return osvif_vif_from_primitive(j, path, ret, err);
        return osvif_vif_from_native(j, path, ret, err);
}

cJSON *osvif_vif_to_native(const struct osvif_vif *vif, osvif_error_t *err)
{
        return osvif_obj_to_native(&vif->obj, err);
}
