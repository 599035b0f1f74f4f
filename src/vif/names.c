/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "vif/names.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

uint64_t osvif_hash64(const void *data, size_t len, uint64_t seed)
{
        const unsigned char *p = data;
        uint64_t h = seed ? seed : FNV_OFFSET;

        for (size_t i = 0; i < len; i++) {
                h ^= p[i];
                h *= FNV_PRIME;
        }
        return h;
}

void osvif_vif_device_name(const char *prefix, const char *vif_id, char buf[IF_NAMESIZE])
{
        snprintf(buf, OSVIF_NIC_NAME_LEN + 1, "%s%s", prefix, vif_id ? vif_id : "");
}

void osvif_attachment_device_name(const char *prefix, const char *container_id, const char *ifname,
                                  char buf[IF_NAMESIZE])
{
        uint64_t h = osvif_hash64(container_id, strlen(container_id), 0);
        char full[64];

        h = osvif_hash64("/", 1, h);
        h = osvif_hash64(ifname, strlen(ifname), h);
        /* prefix + the hash's leading hex digits, cut at os-vif's name length */
        snprintf(full, sizeof(full), "%s%016llx", prefix, (unsigned long long)h);
        snprintf(buf, OSVIF_NIC_NAME_LEN + 1, "%.14s", full);
}
