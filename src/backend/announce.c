/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backend/link.h"
#include "util/cleanup.h"

/*
 * Telling neighbours about a new address (gratuitous ARP, unsolicited neighbour
 * advertisement), and per-device sysctls. Both act in the namespace we are in: the caller
 * enters the pod's first.
 */

int osvif_sysctl_dev_set(const char *family, const char *key, const char *ifname, const char *value,
                         osvif_error_t *err)
{
        char path[256];
        _cleanup_close_ int fd = -1;
        size_t len = strlen(value);

        snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", family, ifname, key);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        /* no IPv6 in this namespace (disabled, or ipv6.disable=1): nothing to configure */
        if (fd < 0 && errno == ENOENT && strcmp(family, "ipv6") == 0)
                return 0;
        if (fd < 0 || write(fd, value, len) != (ssize_t)len)
                return osvif_error_set_errno(err, OSVIF_ERR_NETLINK, errno, "write \"%s\" to %s",
                                             value, path);
        return 0;
}

struct garp {
        struct arphdr h;
        uint8_t sha[6];
        uint8_t spa[4];
        uint8_t tha[6];
        uint8_t tpa[4];
} __attribute__((packed));

static int send_garp(int ifindex, const uint8_t mac[6], const struct osvif_ip *ip)
{
        _cleanup_close_ int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP));
        struct sockaddr_ll to = {
                .sll_family = AF_PACKET,
                .sll_protocol = htons(ETH_P_ARP),
                .sll_ifindex = ifindex,
                .sll_halen = 6,
                .sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
        };
        struct garp p = {
                .h = { htons(ARPHRD_ETHER), htons(ETH_P_IP), 6, 4, htons(ARPOP_REQUEST) },
        };

        if (fd < 0)
                return -errno;
        /* a request with sender and target both ours: what arping -U and the kernel send */
        memcpy(p.sha, mac, 6);
        memcpy(p.spa, ip->addr, 4);
        memcpy(p.tpa, ip->addr, 4);
        if (sendto(fd, &p, sizeof(p), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
                return -errno;
        return 0;
}

struct unsolicited_na {
        struct nd_neighbor_advert na;
        struct nd_opt_hdr opt;
        uint8_t mac[6];
} __attribute__((packed));

static int send_na(int ifindex, const uint8_t mac[6], const struct osvif_ip *ip)
{
        _cleanup_close_ int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
        struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_scope_id = (uint32_t)ifindex };
        struct unsolicited_na p = { 0 };
        int hops = 255;

        if (fd < 0)
                return errno == EAFNOSUPPORT ? 0 : -errno;
        /* RFC 4861 §7.2.6: to all-nodes, hop limit 255, override set, solicited clear */
        inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
            setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) < 0)
                return -errno;
        p.na.nd_na_type = ND_NEIGHBOR_ADVERT;
        p.na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;
        memcpy(&p.na.nd_na_target, ip->addr, 16);
        p.opt.nd_opt_type = ND_OPT_TARGET_LINKADDR;
        p.opt.nd_opt_len = 1;
        memcpy(p.mac, mac, 6);
        if (sendto(fd, &p, sizeof(p), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
                return -errno;
        return 0;
}

int osvif_link_announce(int ifindex, const uint8_t mac[6], const struct osvif_ipnet *addrs,
                        size_t n_addrs, osvif_error_t *err)
{
        char buf[OSVIF_IP_STRLEN];

        for (size_t i = 0; i < n_addrs; i++) {
                const struct osvif_ip *ip = &addrs[i].ip;
                int r = ip->family == AF_INET ? send_garp(ifindex, mac, ip)
                                              : send_na(ifindex, mac, ip);

                if (r < 0)
                        return osvif_error_set_errno(err, OSVIF_ERR_NETLINK, -r, "announce %s",
                                                     osvif_ip_format(ip, buf));
        }
        return 0;
}
