/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_ADDR_H
#define OSVIF_ADDR_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Addresses as values. Parsing is strict (inet_pton rules: no legacy "10.1", no zone ids);
 * formatting is canonical (inet_ntop), which is also what Python's netaddr prints.
 */

struct osvif_ip {
        int family; /* AF_INET or AF_INET6; 0 = unset */
        uint8_t addr[16];
};

/* An address with a prefix length. Host bits are kept: "10.0.0.5/24" stays as it is. */
struct osvif_ipnet {
        struct osvif_ip ip;
        uint8_t prefixlen;
};

#define OSVIF_IP_STRLEN INET6_ADDRSTRLEN
#define OSVIF_IPNET_STRLEN (INET6_ADDRSTRLEN + 4)
#define OSVIF_MAC_STRLEN 18

/* 0, or -EINVAL. */
int osvif_ip_parse(const char *s, struct osvif_ip *ret);
/*
 * "addr/len". Without "/len", `default_full` decides: true gives /32 or /128 (netaddr's
 * IPNetwork rule), false makes it an error. 0, or -EINVAL.
 */
int osvif_ipnet_parse(const char *s, bool default_full, struct osvif_ipnet *ret);

const char *osvif_ip_format(const struct osvif_ip *ip, char buf[OSVIF_IP_STRLEN]);
const char *osvif_ipnet_format(const struct osvif_ipnet *net, char buf[OSVIF_IPNET_STRLEN]);

static inline unsigned osvif_ip_len(const struct osvif_ip *ip)
{
        return ip->family == AF_INET6 ? 16 : 4;
}
static inline unsigned osvif_ip_maxprefix(int family)
{
        return family == AF_INET6 ? 128 : 32;
}

bool osvif_ip_equal(const struct osvif_ip *a, const struct osvif_ip *b);
/* The network of net: host bits cleared. */
struct osvif_ipnet osvif_ipnet_network(const struct osvif_ipnet *net);
/* Whether ip lies in net (same family, same leading prefixlen bits). */
bool osvif_ipnet_contains(const struct osvif_ipnet *net, const struct osvif_ip *ip);

/*
 * MAC addresses, as os-vif coerces them: case-insensitive, '-' accepted for ':', six
 * two-digit groups. 0, or -EINVAL.
 */
int osvif_mac_parse(const char *s, uint8_t ret[6]);
const char *osvif_mac_format(const uint8_t mac[6], char buf[OSVIF_MAC_STRLEN]);
/* Locally administered unicast address from a random source. 0, or -errno. */
int osvif_mac_random(uint8_t ret[6]);

#endif
