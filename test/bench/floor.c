/* SPDX-License-Identifier: Apache-2.0 *
 * and the same for a VIFDirect macvlan (bridge mode) made in the pod on a lower device:
 *
 *   floor addmv LOWER NETNS IFNAME ADDR/PREFIX GATEWAY MTU
 *   floor delmv NETNS IFNAME
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* setns() */
#endif
/*
 * The floor: the kernel operations of osvif's ADD and DEL of a VIFBridge attachment with
 * addresses from the os-vif network, and nothing else: no config to parse, no plan, no lock,
 * no library but libc, raw rtnetlink. Run as a process per operation, like a plugin, it is
 * the cost no CNI plugin doing this work can go below.
 *
 *   floor add BRIDGE HOST_IF NETNS IFNAME ADDR/PREFIX GATEWAY MTU
 *   floor del HOST_IF
 *
 * And those of a VIFHostDevice (an SR-IOV VF's netdev lent to the pod; a veth stands in):
 *
 *   floor vfadd DEV NETNS IFNAME ADDR/PREFIX GATEWAY MTU
 *   floor vfdel NETNS IFNAME DEV MTU
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct req {
        struct nlmsghdr h;
        char buf[2048];
};

static void die(const char *what)
{
        fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
        exit(1);
}

/* Appends an attribute; returns its offset in the message, for end() to close a nest. The
 * header is copied in, not cast onto the char buffer, so nothing depends on its alignment. */
static size_t put(struct req *r, int type, const void *data, size_t len)
{
        struct rtattr a = { .rta_len = (unsigned short)RTA_LENGTH(len),
                            .rta_type = (unsigned short)type };
        size_t off = NLMSG_ALIGN(r->h.nlmsg_len);
        char *p = (char *)&r->h + off;

        memcpy(p, &a, sizeof(a));
        if (len)
                memcpy(p + RTA_LENGTH(0), data, len);
        r->h.nlmsg_len = (unsigned)(off + RTA_ALIGN(a.rta_len));
        return off;
}

static void end(struct req *r, size_t nest)
{
        unsigned short len = (unsigned short)(r->h.nlmsg_len - nest);

        memcpy((char *)&r->h + nest + offsetof(struct rtattr, rta_len), &len, sizeof(len));
}

static void *body(struct req *r, int type, int flags, size_t len)
{
        memset(r, 0, sizeof(*r));
        r->h.nlmsg_type = (unsigned short)type;
        r->h.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | flags);
        r->h.nlmsg_len = (unsigned)NLMSG_LENGTH(len);
        return NLMSG_DATA(&r->h);
}

static void talk(int fd, struct req *r, const char *what)
{
        char buf[4096];
        struct nlmsgerr *e;
        ssize_t n;

        if (send(fd, r, r->h.nlmsg_len, 0) < 0)
                die(what);
        n = recv(fd, buf, sizeof(buf), 0);
        if (n < (ssize_t)NLMSG_LENGTH(sizeof(*e)))
                die(what);
        e = NLMSG_DATA((struct nlmsghdr *)buf);
        if (e->error) {
                errno = -e->error;
                die(what);
        }
}

static int rtnl(void)
{
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

        if (fd < 0)
                die("socket");
        return fd;
}

static void sysctl(const char *path, const char *v)
{
        int fd = open(path, O_WRONLY | O_CLOEXEC);

        if (fd >= 0) {
                if (write(fd, v, strlen(v)) < 0)
                        die(path);
                close(fd);
        }
}

/* the host end created on its bridge and up, the peer in the pod's namespace: one request */
static void add_veth(int fd, const char *host, int master, const char *tmp,
                     const unsigned char *mac, unsigned mtu, int nsfd)
{
        struct req r;
        struct ifinfomsg peer = { 0 }, *ifi;
        size_t li, data, pe;
        unsigned ns = (unsigned)nsfd;

        ifi = body(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
        ifi->ifi_flags = ifi->ifi_change = IFF_UP;
        put(&r, IFLA_IFNAME, host, strlen(host) + 1);
        put(&r, IFLA_MTU, &mtu, 4);
        put(&r, IFLA_MASTER, &master, 4);
        li = put(&r, IFLA_LINKINFO, NULL, 0);
        put(&r, IFLA_INFO_KIND, "veth", 5);
        data = put(&r, IFLA_INFO_DATA, NULL, 0);
        pe = put(&r, VETH_INFO_PEER, NULL, 0);
        memcpy((char *)&r.h + r.h.nlmsg_len, &peer, sizeof(peer));
        r.h.nlmsg_len += NLMSG_ALIGN(sizeof(peer));
        put(&r, IFLA_IFNAME, tmp, strlen(tmp) + 1);
        put(&r, IFLA_ADDRESS, mac, 6);
        put(&r, IFLA_MTU, &mtu, 4);
        put(&r, IFLA_NET_NS_FD, &ns, 4);
        end(&r, pe);
        end(&r, data);
        end(&r, li);
        talk(fd, &r, "add veth");
}

/* the macvlan created in the pod's namespace on the lower device of ours: one request */
static void add_macvlan(int fd, int lower, const char *tmp, const unsigned char *mac, unsigned mtu,
                        int nsfd)
{
        struct req r;
        size_t li, data;
        unsigned ns = (unsigned)nsfd, mode = MACVLAN_MODE_BRIDGE;

        body(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
        put(&r, IFLA_IFNAME, tmp, strlen(tmp) + 1);
        put(&r, IFLA_LINK, &lower, 4);
        put(&r, IFLA_ADDRESS, mac, 6);
        put(&r, IFLA_MTU, &mtu, 4);
        put(&r, IFLA_NET_NS_FD, &ns, 4);
        li = put(&r, IFLA_LINKINFO, NULL, 0);
        put(&r, IFLA_INFO_KIND, "macvlan", 8);
        data = put(&r, IFLA_INFO_DATA, NULL, 0);
        put(&r, IFLA_MACVLAN_MODE, &mode, 4);
        end(&r, data);
        end(&r, li);
        talk(fd, &r, "add macvlan");
}

/* by index; with ifindex 0 the kernel finds the link by `name` instead of renaming it */
static void setlink(int fd, int ifindex, const char *name, const char *alias, int up)
{
        struct req r;
        struct ifinfomsg *ifi = body(&r, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));

        ifi->ifi_index = ifindex;
        ifi->ifi_change = up ? IFF_UP : 0;
        ifi->ifi_flags = up ? IFF_UP : 0;
        if (name)
                put(&r, IFLA_IFNAME, name, strlen(name) + 1);
        if (alias)
                put(&r, IFLA_IFALIAS, alias, strlen(alias) + 1);
        talk(fd, &r, "set link");
}

static void add_addr_route(int fd, int ifindex, const char *cidr, const char *gw)
{
        struct req r;
        struct ifaddrmsg *ifa;
        struct rtmsg *rt;
        struct in_addr a, g;
        char ip[256];
        int len;

        snprintf(ip, sizeof(ip), "%s", cidr);
        len = atoi(strchr(ip, '/') + 1);
        *strchr(ip, '/') = 0;
        inet_pton(AF_INET, ip, &a);
        inet_pton(AF_INET, gw, &g);
        ifa = body(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa));
        ifa->ifa_family = AF_INET;
        ifa->ifa_prefixlen = (unsigned char)len;
        ifa->ifa_index = (unsigned)ifindex;
        put(&r, IFA_LOCAL, &a, 4);
        put(&r, IFA_ADDRESS, &a, 4);
        talk(fd, &r, "add address");
        /* up with the address on it: arp_notify makes the kernel send the gratuitous ARP */
        setlink(fd, ifindex, NULL, NULL, 1);
        rt = body(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(*rt));
        rt->rtm_family = AF_INET;
        rt->rtm_table = RT_TABLE_MAIN;
        rt->rtm_protocol = RTPROT_BOOT;
        rt->rtm_scope = RT_SCOPE_UNIVERSE;
        rt->rtm_type = RTN_UNICAST;
        put(&r, RTA_GATEWAY, &g, 4);
        put(&r, RTA_OIF, &ifindex, 4);
        talk(fd, &r, "add route");
}

/* one request: link ifindex into namespace nsfd under a new name, with its MTU and alias */
static void movelink_idx(int fd, int ifindex, int nsfd, const char *newname, unsigned mtu,
                         const char *alias)
{
        struct req r;
        struct ifinfomsg *ifi = body(&r, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
        unsigned ns = (unsigned)nsfd;

        ifi->ifi_index = ifindex;
        put(&r, IFLA_NET_NS_FD, &ns, 4);
        put(&r, IFLA_IFNAME, newname, strlen(newname) + 1);
        put(&r, IFLA_MTU, &mtu, 4);
        put(&r, IFLA_IFALIAS, alias, strlen(alias) + 1);
        talk(fd, &r, "move link");
}

static int vf(char **argv)
{
        int host = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), pod, fd, idx;
        bool add = strcmp(argv[1], "vfadd") == 0;

        pod = open(argv[add ? 3 : 2], O_RDONLY | O_CLOEXEC);
        if (host < 0 || pod < 0)
                die("open netns");
        if (!add) {
                /* in the pod: back to the host under its own name, with its MTU */
                if (setns(pod, CLONE_NEWNET) < 0)
                        die("setns");
                fd = rtnl();
                idx = (int)if_nametoindex(argv[3]);
                if (!idx)
                        die("find the VF");
                movelink_idx(fd, idx, host, argv[4], (unsigned)atoi(argv[5]), "");
                return 0;
        }
        fd = rtnl();
        idx = (int)if_nametoindex(argv[2]);
        if (!idx)
                die("find the VF");
        movelink_idx(fd, idx, pod, "floortmp0", (unsigned)atoi(argv[7]), "osvif floor vf");
        if (setns(pod, CLONE_NEWNET) < 0)
                die("setns");
        /* an IPv4 address only: osvif sets what that family needs, no IPv6 sysctls */
        sysctl("/proc/sys/net/ipv4/conf/floortmp0/arp_notify", "1");
        close(fd);
        fd = rtnl();
        idx = (int)if_nametoindex("floortmp0");
        setlink(fd, idx, argv[4], NULL, 0);
        add_addr_route(fd, idx, argv[5], argv[6]);
        return 0;
}

static void pod_side(int fd, const char *tmp, const char *ifname, const char *alias,
                     const char *cidr, const char *gw)
{
        int idx;

        /* an IPv4 address only: osvif sets what that family needs, no IPv6 sysctls */
        sysctl("/proc/sys/net/ipv4/conf/floortmp0/arp_notify", "1");
        idx = (int)if_nametoindex(tmp);
        setlink(fd, idx, ifname, alias, 0);
        add_addr_route(fd, idx, cidr, gw);
}

static int macvlan_main(int argc, char **argv)
{
        static const unsigned char mac[6] = { 0x02, 0, 0, 0, 0, 2 };
        char alias[128];
        int host, pod, fd, lower;

        if (argc == 4 && strcmp(argv[1], "delmv") == 0) {
                struct req r;

                pod = open(argv[2], O_RDONLY | O_CLOEXEC);
                if (pod < 0 || setns(pod, CLONE_NEWNET) < 0)
                        die("netns");
                fd = rtnl();
                body(&r, RTM_DELLINK, 0, sizeof(struct ifinfomsg));
                put(&r, IFLA_IFNAME, argv[3], strlen(argv[3]) + 1);
                talk(fd, &r, "delete link");
                return 0;
        }
        if (argc != 8) {
                fprintf(stderr, "usage: floor addmv LOWER NETNS IFNAME ADDR/PREFIX GATEWAY MTU\n");
                return 2;
        }
        host = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        pod = open(argv[3], O_RDONLY | O_CLOEXEC);
        if (host < 0 || pod < 0)
                die("open netns");
        fd = rtnl();
        lower = (int)if_nametoindex(argv[2]);
        if (!lower)
                die("lower device");
        add_macvlan(fd, lower, "floortmp0", mac, (unsigned)atoi(argv[7]), pod);
        snprintf(alias, sizeof(alias), "osvif floor %s %s", argv[2], argv[4]);
        if (setns(pod, CLONE_NEWNET) < 0)
                die("setns");
        close(fd);
        fd = rtnl();
        pod_side(fd, "floortmp0", argv[4], alias, argv[5], argv[6]);
        if (setns(host, CLONE_NEWNET) < 0)
                die("setns back");
        return 0;
}

int main(int argc, char **argv)
{
        static const unsigned char mac[6] = { 0x02, 0, 0, 0, 0, 1 };
        char alias[128];
        int host, pod, fd, br, idx;

        if (argc > 1 && (strcmp(argv[1], "addmv") == 0 || strcmp(argv[1], "delmv") == 0))
                return macvlan_main(argc, argv);
        if ((argc == 8 && strcmp(argv[1], "vfadd") == 0) ||
            (argc == 6 && strcmp(argv[1], "vfdel") == 0))
                return vf(argv);
        if (argc == 3 && strcmp(argv[1], "del") == 0) {
                struct req r;

                fd = rtnl();
                body(&r, RTM_DELLINK, 0, sizeof(struct ifinfomsg));
                put(&r, IFLA_IFNAME, argv[2], strlen(argv[2]) + 1);
                talk(fd, &r, "delete link");
                return 0;
        }
        if (argc != 9 || strcmp(argv[1], "add") != 0) {
                fprintf(stderr,
                        "usage: floor add BRIDGE HOST_IF NETNS IFNAME ADDR/PREFIX GATEWAY "
                        "MTU | del HOST_IF | vfadd DEV NETNS IFNAME ADDR/PREFIX GATEWAY MTU | "
                        "vfdel NETNS IFNAME DEV MTU | addmv ... | delmv ...\n");
                return 2;
        }
        host = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        pod = open(argv[4], O_RDONLY | O_CLOEXEC);
        if (host < 0 || pod < 0)
                die("open netns");
        fd = rtnl();
        br = (int)if_nametoindex(argv[2]);
        if (!br)
                die("bridge");
        add_veth(fd, argv[3], br, "floortmp0", mac, (unsigned)atoi(argv[8]), pod);
        snprintf(alias, sizeof(alias), "osvif floor %s %s", argv[3], argv[5]);
        setlink(fd, 0, argv[3], alias, 0);
        if (setns(pod, CLONE_NEWNET) < 0)
                die("setns");
        /* an IPv4 address only: osvif sets what that family needs, no IPv6 sysctls */
        sysctl("/proc/sys/net/ipv4/conf/floortmp0/arp_notify", "1");
        close(fd);
        fd = rtnl();
        idx = (int)if_nametoindex("floortmp0");
        setlink(fd, idx, argv[5], alias, 0);
        add_addr_route(fd, idx, argv[6], argv[7]);
        if (setns(host, CLONE_NEWNET) < 0)
                die("setns back");
        return 0;
}
