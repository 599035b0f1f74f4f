/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "vif/classes.h"

/*
 * What makes a VIF well formed, whatever plugs it. Formats were checked while parsing; here:
 * ranges and names. What a VIF must hold to be plugged (its row of the mapping, the row's
 * required fields) is plan/mapping.c's.
 */

static bool has(const struct osvif_obj *o, const char *field)
{
        return osvif_obj_is_set(o, field) && !osvif_obj_is_null(o, field);
}

static int check_ifname(const char *path, const char *field, const char *name, osvif_error_t *err)
{
        size_t len = strlen(name);

        if (len == 0 || len > 15 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s.%s: \"%s\" is not an interface name (1 to 15 bytes)",
                                       path, field, name);
        for (const char *p = name; *p; p++)
                if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
                        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                               "%s.%s: \"%s\" contains '/', ':' or white space",
                                               path, field, name);
        return 0;
}

static int range(const char *path, const char *field, int64_t v, int64_t lo, int64_t hi,
                 osvif_error_t *err)
{
        if (v < lo || v > hi)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s.%s: %lld is not in [%lld, %lld]", path, field,
                                       (long long)v, (long long)lo, (long long)hi);
        return 0;
}

static int check_network(const struct osvif_network *n, const char *path, osvif_error_t *err)
{
        char p[256];

        snprintf(p, sizeof(p), "%s.network", path);
        if (has(&n->obj, "vlan") && range(p, "vlan", n->vlan, 0, 4095, err) < 0)
                return -1;
        if (has(&n->obj, "mtu") && range(p, "mtu", n->mtu, 68, 65535, err) < 0)
                return -1;
        return 0;
}

static int check_profile(const struct osvif_port_profile *pp, const char *path, osvif_error_t *err)
{
        char p[256];

        snprintf(p, sizeof(p), "%s.port_profile", path);
        if (pp->type == OSVIF_PROFILE_BASE)
                return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                       "%s: VIFPortProfileBase is abstract; give a profile class",
                                       p);
        if (pp->type != OSVIF_PROFILE_8021QBG)
                return 0;
        if ((has(&pp->obj, "manager_id") &&
             range(p, "manager_id", pp->manager_id, 0, 255, err) < 0) ||
            (has(&pp->obj, "type_id") && range(p, "type_id", pp->type_id, 0, 16777215, err) < 0) ||
            (has(&pp->obj, "type_id_version") &&
             range(p, "type_id_version", pp->type_id_version, 0, 255, err) < 0))
                return -1;
        return 0;
}

/*
 * Every fixed IP inside its subnet's cidr: the pod would otherwise get an address with the
 * subnet's prefix that is on no link of that subnet (os-vif itself does not check this;
 * Neutron never hands out such a port).
 */
static int check_fixed_ips(const struct osvif_network *n, const char *path, osvif_error_t *err)
{
        for (size_t i = 0; n->subnets && i < n->subnets->n_objects; i++) {
                const struct osvif_subnet *sn = n->subnets->objects[i];

                if (!sn || !has(&sn->obj, "cidr") || !sn->ips)
                        continue;
                for (size_t j = 0; j < sn->ips->n_objects; j++) {
                        const struct osvif_fixed_ip *ip = sn->ips->objects[j];
                        char a[OSVIF_IP_STRLEN], c[OSVIF_IPNET_STRLEN];

                        if (!ip || !has(&ip->obj, "address") ||
                            osvif_ipnet_contains(&sn->cidr, &ip->address))
                                continue;
                        return osvif_error_set(err, OSVIF_CNI_ERR_INVALID_CONFIG, 0,
                                               "%s.network.subnets[%zu].ips[%zu].address: \"%s\" "
                                               "is outside the subnet's cidr \"%s\"",
                                               path, i, j, osvif_ip_format(&ip->address, a),
                                               osvif_ipnet_format(&sn->cidr, c));
                }
        }
        return 0;
}

int osvif_vif_validate(const struct osvif_vif *vif, const char *path, osvif_error_t *err)
{
        if (vif->vif_name && check_ifname(path, "vif_name", vif->vif_name, err) < 0)
                return -1;
        if (vif->type == OSVIF_VIF_BRIDGE && vif->bridge_name &&
            check_ifname(path, "bridge_name", vif->bridge_name, err) < 0)
                return -1;
        /* 0 and 4095 are reserved by 802.1Q */
        if (vif->type == OSVIF_VIF_VLAN_NESTED && has(&vif->obj, "vlan_id") &&
            range(path, "vlan_id", vif->vlan_id, 1, 4094, err) < 0)
                return -1;
        if (vif->network && check_network(vif->network, path, err) < 0)
                return -1;
        if (vif->network && check_fixed_ips(vif->network, path, err) < 0)
                return -1;
        return vif->port_profile ? check_profile(vif->port_profile, path, err) : 0;
}
