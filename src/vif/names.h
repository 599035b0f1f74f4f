/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_VIF_NAMES_H
#define OSVIF_VIF_NAMES_H

#include <net/if.h>
#include <stdint.h>

/*
 * Host-side device names. os-vif names devices (prefix + VIF id)[:14] (NIC_NAME_LEN): "tap",
 * "qbr", "qvb", "qvo", "vhu", "vfr". Without a VIF of its own, an attachment gets
 * prefix + 11 hex digits of a hash of "<containerID>/<ifname>": deterministic, so DEL finds
 * it again, and distinct between pods.
 */
#define OSVIF_NIC_NAME_LEN 14

void osvif_vif_device_name(const char *prefix, const char *vif_id, char buf[IF_NAMESIZE]);
void osvif_attachment_device_name(const char *prefix, const char *container_id, const char *ifname,
                                  char buf[IF_NAMESIZE]);

/* FNV-1a, 64 bits: small, no dependency, and plenty for names that need not be secret. */
uint64_t osvif_hash64(const void *data, size_t len, uint64_t seed);

#endif
