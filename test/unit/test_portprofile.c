/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "backend/lldpad.h"
#include "backend/macvlan.h"

/*
 * The 802.1Qbh and 802.1Qbg requests, built without the kernel and read back attribute by
 * attribute.
 *
 * 802.1Qbh: no driver on a test machine implements port profiles (ndo_set_vf_port: Cisco enic
 * only), so this and the EOPNOTSUPP path of test/integ/direct.sh are all that can be tested
 * without an enic NIC: that the message carries what the switch needs, and that a refusal is
 * reported. 802.1Qbg also runs against real lldpad daemons in test/integ/qbg.sh.
 */

static const uint8_t inst[16] = { 0x3f, 0x2a, 0x9c, 0x6e, 0x1b, 0x4d, 0x4c, 0x8e,
                                  0x9a, 0x7f, 0x0d, 0x2e, 0x5b, 0x6c, 0x7a, 0x81 };
static const uint8_t host[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

Test(portprofile, qbh_associate_carries_profile_uuids_and_request)
{
        struct osvif_qbh_request q = {
                .ifindex = 7,
                .profile = "web-tier",
                .instance_uuid = inst,
                .host_uuid = host,
                .request = OSVIF_PORT_ASSOCIATE,
        };
        struct nl_msg *m = osvif_qbh_msg(&q);
        struct nlmsghdr *h;
        struct ifinfomsg *ifi;
        struct nlattr *tb[IFLA_MAX + 1], *port[IFLA_PORT_MAX + 1];

        cr_assert_not_null(m);
        h = nlmsg_hdr(m);
        cr_assert_eq(h->nlmsg_type, RTM_SETLINK);
        cr_assert(h->nlmsg_flags & NLM_F_ACK);
        ifi = nlmsg_data(h);
        cr_assert_eq(ifi->ifi_index, 7, "addressed to the lower device");
        cr_assert_eq(ifi->ifi_family, AF_UNSPEC);
        cr_assert_eq(nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, NULL), 0);
        cr_assert_null(tb[IFLA_VF_PORTS], "the device's own port, not a VF's");
        cr_assert_not_null(tb[IFLA_PORT_SELF]);
        cr_assert_eq(nla_parse_nested(port, IFLA_PORT_MAX, tb[IFLA_PORT_SELF], NULL), 0);
        cr_assert_not_null(port[IFLA_PORT_PROFILE]);
        cr_assert_str_eq(nla_get_string(port[IFLA_PORT_PROFILE]), "web-tier");
        cr_assert_eq(nla_len(port[IFLA_PORT_INSTANCE_UUID]), 16);
        cr_assert_eq(memcmp(nla_data(port[IFLA_PORT_INSTANCE_UUID]), inst, 16), 0);
        cr_assert_eq(nla_len(port[IFLA_PORT_HOST_UUID]), 16);
        cr_assert_eq(memcmp(nla_data(port[IFLA_PORT_HOST_UUID]), host, 16), 0);
        cr_assert_eq(nla_get_u8(port[IFLA_PORT_REQUEST]), PORT_REQUEST_ASSOCIATE);
        cr_assert_null(port[IFLA_PORT_VF], "no VF number for the device's own port");
        cr_assert_null(port[IFLA_PORT_VSI_TYPE], "VSI type is 802.1Qbg's");
        /* no VF MAC: the kernel refuses VF -1 there with EINVAL before the driver sees it */
        cr_assert_null(tb[IFLA_VFINFO_LIST]);
        nlmsg_free(m);
}

Test(portprofile, qbh_disassociate_is_a_bare_request)
{
        struct osvif_qbh_request q = { .ifindex = 3, .request = OSVIF_PORT_DISASSOCIATE };
        struct nl_msg *m = osvif_qbh_msg(&q);
        struct nlattr *tb[IFLA_MAX + 1], *port[IFLA_PORT_MAX + 1];

        cr_assert_not_null(m);
        cr_assert_eq(nlmsg_parse(nlmsg_hdr(m), sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL), 0);
        cr_assert_null(tb[IFLA_VFINFO_LIST]);
        cr_assert_eq(nla_parse_nested(port, IFLA_PORT_MAX, tb[IFLA_PORT_SELF], NULL), 0);
        cr_assert_eq(nla_get_u8(port[IFLA_PORT_REQUEST]), PORT_REQUEST_DISASSOCIATE);
        cr_assert_null(port[IFLA_PORT_PROFILE]);
        cr_assert_null(port[IFLA_PORT_INSTANCE_UUID]);
        nlmsg_free(m);
}

/* ---- 802.1Qbg: the request osvif sends to lldpad (libvirt's layout) ---- */

Test(portprofile, qbg_request_carries_mac_vlan_vsi_type_and_instance)
{
        static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0x50, 0x11 };
        struct osvif_qbg_request q = {
                .ifindex = 4,
                .ifname = "eno1",
                .mac = mac,
                .vlan = 100,
                .manager_id = 1,
                .type_id = 0x030201,
                .type_version = 7,
                .instance_uuid = inst,
                .request = OSVIF_PORT_ASSOCIATE,
        };
        struct nl_msg *m = osvif_qbg_msg(&q);
        struct nlattr *tb[IFLA_MAX + 1], *vf[IFLA_VF_MAX + 1], *pt[IFLA_PORT_MAX + 1], *a;
        struct ifla_vf_mac *vm;
        struct ifla_vf_vlan *vv;
        struct ifla_port_vsi *vsi;
        int rem, infos = 0, ports = 0;

        cr_assert_not_null(m);
        cr_assert_eq(nlmsg_hdr(m)->nlmsg_type, RTM_SETLINK);
        cr_assert_eq(((struct ifinfomsg *)nlmsg_data(nlmsg_hdr(m)))->ifi_index, 4);
        cr_assert_eq(nlmsg_parse(nlmsg_hdr(m), sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL), 0);
        cr_assert_str_eq(nla_get_string(tb[IFLA_IFNAME]), "eno1", "lldpad finds the port by name");
        cr_assert_null(tb[IFLA_PORT_SELF], "lldpad reads IFLA_VF_PORTS");
        nla_for_each_nested(a, tb[IFLA_VFINFO_LIST], rem)
        {
                cr_assert_eq(nla_type(a), IFLA_VF_INFO);
                cr_assert_eq(nla_parse_nested(vf, IFLA_VF_MAX, a, NULL), 0);
                vm = nla_data(vf[IFLA_VF_MAC]);
                cr_assert_eq(vm->vf, (uint32_t)-1);
                cr_assert_eq(memcmp(vm->mac, mac, 6), 0);
                cr_assert_not_null(vf[IFLA_VF_VLAN], "lldpad refuses a request without the VLAN");
                vv = nla_data(vf[IFLA_VF_VLAN]);
                cr_assert_eq(vv->vf, (uint32_t)-1);
                cr_assert_eq(vv->vlan, 100);
                cr_assert_eq(vv->qos, 0);
                infos++;
        }
        cr_assert_eq(infos, 1);
        nla_for_each_nested(a, tb[IFLA_VF_PORTS], rem)
        {
                cr_assert_eq(nla_type(a), IFLA_VF_PORT);
                cr_assert_eq(nla_parse_nested(pt, IFLA_PORT_MAX, a, NULL), 0);
                cr_assert_eq(nla_len(pt[IFLA_PORT_VSI_TYPE]), sizeof(*vsi));
                vsi = nla_data(pt[IFLA_PORT_VSI_TYPE]);
                cr_assert_eq(vsi->vsi_mgr_id, 1);
                /* 24 bits, least significant byte first */
                cr_assert_eq(vsi->vsi_type_id[0], 0x01);
                cr_assert_eq(vsi->vsi_type_id[1], 0x02);
                cr_assert_eq(vsi->vsi_type_id[2], 0x03);
                cr_assert_eq(vsi->vsi_type_version, 7);
                cr_assert_eq(memcmp(nla_data(pt[IFLA_PORT_INSTANCE_UUID]), inst, 16), 0);
                cr_assert_eq(nla_get_u8(pt[IFLA_PORT_REQUEST]), PORT_REQUEST_ASSOCIATE);
                cr_assert_null(pt[IFLA_PORT_VF], "no VF: the port itself");
                cr_assert_null(pt[IFLA_PORT_PROFILE], "a profile name is 802.1Qbh's");
                ports++;
        }
        cr_assert_eq(ports, 1);
        nlmsg_free(m);
}

Test(portprofile, port_responses_are_named)
{
        cr_assert_str_eq(osvif_port_response_name(0), "success");
        cr_assert_str_eq(osvif_port_response_name(3), "unused VTID");
        cr_assert_str_eq(osvif_port_response_name(6), "out of sync");
        cr_assert_str_eq(osvif_port_response_name(0x100), "success");
        cr_assert_str_eq(osvif_port_response_name(0x101), "in progress");
        cr_assert_str_eq(osvif_port_response_name(0x104), "insufficient resources");
        cr_assert_str_eq(osvif_port_response_name(0x105), "error");
        cr_assert_str_eq(osvif_port_response_name(7), "unknown");
        cr_assert_str_eq(osvif_port_response_name(0x106), "unknown");
}
