/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "util/addr.h"

int osvif_ip_parse(const char *s, struct osvif_ip *ret)
{
        struct osvif_ip ip = { 0 };

        if (!s)
                return -EINVAL;
        if (inet_pton(AF_INET, s, ip.addr) == 1)
                ip.family = AF_INET;
        else if (inet_pton(AF_INET6, s, ip.addr) == 1)
                ip.family = AF_INET6;
        else
                return -EINVAL;
        *ret = ip;
        return 0;
}

int osvif_ipnet_parse(const char *s, bool default_full, struct osvif_ipnet *ret)
{
        char buf[OSVIF_IPNET_STRLEN + 1];
        struct osvif_ipnet net = { 0 };
        const char *slash;
        char *end;
        long len;

        if (!s || strlen(s) >= sizeof(buf))
                return -EINVAL;
        slash = strchr(s, '/');
        if (!slash) {
                if (!default_full || osvif_ip_parse(s, &net.ip) < 0)
                        return -EINVAL;
                net.prefixlen = (uint8_t)osvif_ip_maxprefix(net.ip.family);
                *ret = net;
                return 0;
        }
        memcpy(buf, s, (size_t)(slash - s));
        buf[slash - s] = '\0';
        if (osvif_ip_parse(buf, &net.ip) < 0)
                return -EINVAL;
        if (slash[1] < '0' || slash[1] > '9' || (slash[1] == '0' && slash[2] != '\0'))
                return -EINVAL;
        errno = 0;
        len = strtol(slash + 1, &end, 10);
        if (errno || *end || len < 0 || len > (long)osvif_ip_maxprefix(net.ip.family))
                return -EINVAL;
        net.prefixlen = (uint8_t)len;
        *ret = net;
        return 0;
}

const char *osvif_ip_format(const struct osvif_ip *ip, char buf[OSVIF_IP_STRLEN])
{
        if (!inet_ntop(ip->family == AF_INET6 ? AF_INET6 : AF_INET, ip->addr, buf, OSVIF_IP_STRLEN))
                buf[0] = '\0';
        return buf;
}

const char *osvif_ipnet_format(const struct osvif_ipnet *net, char buf[OSVIF_IPNET_STRLEN])
{
        char ip[OSVIF_IP_STRLEN];

        snprintf(buf, OSVIF_IPNET_STRLEN, "%s/%u", osvif_ip_format(&net->ip, ip), net->prefixlen);
        return buf;
}

bool osvif_ip_equal(const struct osvif_ip *a, const struct osvif_ip *b)
{
        return a->family == b->family && memcmp(a->addr, b->addr, osvif_ip_len(a)) == 0;
}

struct osvif_ipnet osvif_ipnet_network(const struct osvif_ipnet *net)
{
        struct osvif_ipnet n = *net;
        unsigned len = osvif_ip_len(&n.ip);

        for (unsigned i = 0; i < len; i++) {
                unsigned bit = i * 8;

                if (bit >= n.prefixlen)
                        n.ip.addr[i] = 0;
                else if (bit + 8 > n.prefixlen)
                        n.ip.addr[i] &= (uint8_t)(0xff << (8 - (n.prefixlen - bit)));
        }
        memset(n.ip.addr + len, 0, sizeof(n.ip.addr) - len);
        return n;
}

bool osvif_ipnet_contains(const struct osvif_ipnet *net, const struct osvif_ip *ip)
{
        struct osvif_ipnet a, b;

        if (net->ip.family != ip->family)
                return false;
        a = osvif_ipnet_network(net);
        b = (struct osvif_ipnet){ *ip, net->prefixlen };
        b = osvif_ipnet_network(&b);
        return osvif_ip_equal(&a.ip, &b.ip);
}

static int hexval(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

int osvif_mac_parse(const char *s, uint8_t ret[6])
{
        uint8_t mac[6];

        if (!s || strlen(s) != 17)
                return -EINVAL;
        for (int i = 0; i < 6; i++) {
                int hi = hexval(s[i * 3]), lo = hexval(s[i * 3 + 1]);

                if (hi < 0 || lo < 0)
                        return -EINVAL;
                if (i < 5 && s[i * 3 + 2] != ':' && s[i * 3 + 2] != '-')
                        return -EINVAL;
                mac[i] = (uint8_t)(hi << 4 | lo);
        }
        memcpy(ret, mac, 6);
        return 0;
}

const char *osvif_mac_format(const uint8_t mac[6], char buf[OSVIF_MAC_STRLEN])
{
        snprintf(buf, OSVIF_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
                 mac[3], mac[4], mac[5]);
        return buf;
}

int osvif_mac_random(uint8_t ret[6])
{
        uint8_t mac[6];

        if (getrandom(mac, sizeof(mac), 0) != (ssize_t)sizeof(mac))
                return -errno;
        mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);
        memcpy(ret, mac, 6);
        return 0;
}
