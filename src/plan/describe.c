/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include "plan/plan.h"
#include "util/cleanup.h"
#include "util/json.h"

/* The plan as people read it (`osvif plan`): steps and their parameters, nothing executed. */

const char *osvif_step_kind_name(enum osvif_step_kind k)
{
        static const char *const names[OSVIF_STEP_KIND_COUNT] = {
                [OSVIF_STEP_IPAM] = "ipam",
                [OSVIF_STEP_BRIDGE] = "bridge",
                [OSVIF_STEP_VETH] = "veth",
                [OSVIF_STEP_HOST_VETH] = "host-veth",
                [OSVIF_STEP_OVS_PORT] = "ovs-port",
                [OSVIF_STEP_MACVLAN] = "macvlan",
                [OSVIF_STEP_PORT_PROFILE] = "port-profile",
                [OSVIF_STEP_VHOSTUSER] = "vhostuser",
                [OSVIF_STEP_HOSTDEV] = "hostdev",
                [OSVIF_STEP_POD_LINK] = "pod-link",
                [OSVIF_STEP_POD_L3] = "pod-l3",
        };

        return k < OSVIF_STEP_KIND_COUNT && names[k] ? names[k] : "unknown";
}

/* The emitters return 0 or a negative errno: OR-ing keeps any failure negative. */
static int describe_step(const struct osvif_plan *p, const struct osvif_step *s, cJSON *o)
{
        int r = osvif_json_add_string(o, "step", osvif_step_kind_name(s->kind));

        switch (s->kind) {
        case OSVIF_STEP_IPAM:
                r |= osvif_json_add_string(o, "type", p->req->ipam_type);
                break;
        case OSVIF_STEP_BRIDGE:
                r |= osvif_json_add_string(o, "name", s->u.bridge.name);
                r |= osvif_json_add_bool(o, "perVif", s->u.bridge.owned);
                if (s->u.bridge.mtu)
                        r |= osvif_json_add_int(o, "mtu", s->u.bridge.mtu);
                break;
        case OSVIF_STEP_VETH:
                r |= osvif_json_add_string(o, "host", s->u.veth.host);
                if (s->u.veth.master[0])
                        r |= osvif_json_add_string(o, "bridge", s->u.veth.master);
                r |= osvif_json_add_string(o, "pod", p->pod_tmpname);
                r |= osvif_json_add_string(o, "netns", p->req->netns);
                break;
        case OSVIF_STEP_HOST_VETH:
                r |= osvif_json_add_string(o, "a", s->u.host_veth.a);
                r |= osvif_json_add_string(o, "b", s->u.host_veth.b);
                r |= osvif_json_add_string(o, "bridge", s->u.host_veth.master);
                break;
        case OSVIF_STEP_OVS_PORT:
                r |= osvif_json_add_string(o, "bridge", s->u.ovs_port.bridge);
                r |= osvif_json_add_string(o, "port", s->u.ovs_port.port);
                if (s->u.ovs_port.tag >= 0)
                        r |= osvif_json_add_int(o, "tag", s->u.ovs_port.tag);
                break;
        case OSVIF_STEP_POD_LINK:
                r |= osvif_json_add_string(o, "name", p->pod_ifname);
                break;
        default:
                break;
        }
        return r < 0 ? -1 : 0;
}

cJSON *osvif_plan_to_json(const struct osvif_plan *p)
{
        _cleanup_cjson_ cJSON *o = cJSON_CreateObject();
        cJSON *steps = cJSON_CreateArray();

        if (!o || osvif_json_add_item(o, "steps", steps) < 0 ||
            osvif_json_add_string(o, "owner", p->owner) < 0)
                return NULL;
        for (size_t i = 0; i < p->n_steps; i++) {
                cJSON *s = cJSON_CreateObject();

                if (osvif_json_append(steps, s) < 0 || describe_step(p, &p->steps[i], s) < 0)
                        return NULL;
        }
        return TAKE_PTR(o);
}
