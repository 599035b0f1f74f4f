/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "backend/sriov.h"
#include "plan/hostdev_state.h"
#include "util/sysfs.h"

/*
 * SR-IOV without hardware or privileges: VF discovery in a fake sysfs tree (a temporary
 * directory as OSVIF_SYSFS_ROOT), the PF-side request as it would go to the kernel (built,
 * then parsed back attribute by attribute), and the claim's state file.
 */

static char root[64];

static void mk(const char *path)
{
        char cmd[600];

        snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", root, path);
        cr_assert_eq(system(cmd), 0);
}

static void link_to(const char *from, const char *to)
{
        char path[512];

        snprintf(path, sizeof(path), "%s/%s", root, from);
        cr_assert_eq(symlink(to, path), 0, "%s", path);
}

static void write_attr(const char *rel, const char *value)
{
        char path[512];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", root, rel);
        f = fopen(path, "w");
        cr_assert_not_null(f, "%s", path);
        fprintf(f, "%s\n", value);
        fclose(f);
}

/* Simulation "fake PCI tree": PF 0000:03:00.0 (netdev pf0) with VFs .1 (vf0) and .2 (no netdev) */
static void fake_tree(void)
{
        snprintf(root, sizeof(root), "/tmp/osvif-sysfs-XXXXXX");
        cr_assert_not_null(mkdtemp(root));
        setenv("OSVIF_SYSFS_ROOT", root, 1);
        mk("bus/pci/devices/0000:03:00.0/net/pf0");
        mk("bus/pci/devices/0000:03:00.1/net/vf0");
        mk("bus/pci/devices/0000:03:00.2");
        link_to("bus/pci/devices/0000:03:00.0/virtfn0", "../0000:03:00.1");
        link_to("bus/pci/devices/0000:03:00.0/virtfn1", "../0000:03:00.2");
        link_to("bus/pci/devices/0000:03:00.1/physfn", "../0000:03:00.0");
        link_to("bus/pci/devices/0000:03:00.2/physfn", "../0000:03:00.0");
}

static void remove_tree(void)
{
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        cr_assert_eq(system(cmd), 0);
        unsetenv("OSVIF_SYSFS_ROOT");
}

Test(sysfs, root_defaults_to_sys_and_moves)
{
        char buf[64];

        unsetenv("OSVIF_SYSFS_ROOT");
        cr_assert_str_eq(osvif_sysfs_root(), "/sys");
        setenv("OSVIF_SYSFS_ROOT", "/tmp/x", 1);
        cr_assert_eq(osvif_sysfs_path(buf, sizeof(buf), "bus/pci/devices/%s/net", "a"), 0);
        cr_assert_str_eq(buf, "/tmp/x/bus/pci/devices/a/net");
        cr_assert_eq(osvif_sysfs_path(buf, 10, "bus/pci/devices/%s/net", "a"), -ENAMETOOLONG);
        unsetenv("OSVIF_SYSFS_ROOT");
}

Test(sriov, finds_netdev_pf_and_index, .init = fake_tree, .fini = remove_tree)
{
        struct osvif_vf_dev d;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_sriov_find_vf("0000:03:00.1", &d, &err), 0, "%s", err.msg);
        cr_assert_str_eq(d.netdev, "vf0");
        cr_assert_str_eq(d.pf_pci, "0000:03:00.0");
        cr_assert_str_eq(d.pf_netdev, "pf0");
        cr_assert_eq(d.vf_index, 0);
        cr_assert_eq(osvif_sriov_find_vf("0000:03:00.2", &d, &err), 0, "%s", err.msg);
        cr_assert_str_eq(d.netdev, "", "a VF bound to vfio-pci has no netdev");
        cr_assert_eq(d.vf_index, 1);
        /* a PF is not a VF of anything */
        cr_assert_eq(osvif_sriov_find_vf("0000:03:00.0", &d, &err), 0, "%s", err.msg);
        cr_assert_str_eq(d.pf_pci, "");
        cr_assert_eq(d.vf_index, -1);
}

Test(sriov, names_a_missing_device, .init = fake_tree, .fini = remove_tree)
{
        struct osvif_vf_dev d;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_sriov_find_vf("0000:09:00.1", &d, &err), -1);
        cr_assert_eq(err.code, OSVIF_ERR_NOT_FOUND);
        cr_assert_not_null(strstr(err.msg, "PCI device \"0000:09:00.1\": not found"), "%s",
                           err.msg);
        osvif_error_clear(&err);
}

/* Simulation "switchdev PF": pf0 and two representors share phys_switch_id 0a0b */
Test(sriov, finds_the_representor_by_switch_id_and_port_name, .init = fake_tree,
     .fini = remove_tree)
{
        struct osvif_vf_dev d;
        osvif_error_t err = OSVIF_ERROR_INIT;
        char rep[IF_NAMESIZE] = "";

        mk("class/net/pf0");
        mk("class/net/rep0");
        mk("class/net/rep1");
        mk("class/net/other");
        write_attr("class/net/pf0/phys_switch_id", "0a0b");
        write_attr("class/net/pf0/phys_port_name", "p0");
        write_attr("class/net/rep0/phys_switch_id", "0a0b");
        write_attr("class/net/rep0/phys_port_name", "pf0vf1");
        write_attr("class/net/rep1/phys_switch_id", "0a0b");
        write_attr("class/net/rep1/phys_port_name", "pf0vf0");
        write_attr("class/net/other/phys_switch_id", "ffff");
        write_attr("class/net/other/phys_port_name", "pf0vf0");
        cr_assert_eq(osvif_sriov_find_vf("0000:03:00.1", &d, &err), 0);
        cr_assert_eq(osvif_sriov_find_representor(&d, rep, &err), 1);
        cr_assert_str_eq(rep, "rep1");
        cr_assert_eq(osvif_sriov_find_vf("0000:03:00.2", &d, &err), 0);
        cr_assert_eq(osvif_sriov_find_representor(&d, rep, &err), 1);
        cr_assert_str_eq(rep, "rep0");
        /* a PF in legacy mode (no switch id): no representor */
        write_attr("class/net/pf0/phys_switch_id", "");
        cr_assert_eq(osvif_sriov_find_representor(&d, rep, &err), 0);
}

/* The IFLA_VF_INFO of a request, parsed back. */
static struct nlattr *vf_info(struct nl_msg *m, struct nlattr **tb)
{
        struct nlmsghdr *h = nlmsg_hdr(m);
        struct nlattr *top[IFLA_MAX + 1], *info = NULL, *a;
        int rem;

        cr_assert_eq(h->nlmsg_type, RTM_NEWLINK);
        cr_assert(h->nlmsg_flags & NLM_F_ACK);
        cr_assert_eq(nlmsg_parse(h, sizeof(struct ifinfomsg), top, IFLA_MAX, NULL), 0);
        cr_assert_not_null(top[IFLA_IFNAME]);
        cr_assert_str_eq(nla_get_string(top[IFLA_IFNAME]), "pf0");
        cr_assert_not_null(top[IFLA_VFINFO_LIST]);
        nla_for_each_nested(a, top[IFLA_VFINFO_LIST], rem)
        {
                cr_assert_eq(nla_type(a), IFLA_VF_INFO);
                cr_assert_null(info, "one IFLA_VF_INFO");
                info = a;
        }
        cr_assert_not_null(info);
        cr_assert_eq(nla_parse_nested(tb, IFLA_VF_MAX, info, NULL), 0);
        return info;
}

Test(sriov, request_carries_each_setting)
{
        static const uint8_t mac[6] = { 0xfa, 0x16, 0x3e, 1, 2, 3 };
        struct osvif_vf_config c = OSVIF_VF_CONFIG_INIT(3);
        struct osvif_vf_info cur = { .min_tx_rate = 10, .max_tx_rate = 500 };
        struct nlattr *tb[IFLA_VF_MAX + 1];
        struct nl_msg *m;

        c.mac = mac;
        c.vlan = 100;
        c.qos = 5;
        c.spoofchk = 1;
        c.trust = 0;
        c.link_state = IFLA_VF_LINK_STATE_DISABLE;
        c.max_tx_rate = 1000; /* the minimum comes from what the PF reports */
        m = osvif_sriov_vf_msg("pf0", &c, &cur);
        cr_assert_not_null(m);
        vf_info(m, tb);
        cr_assert_eq(((struct ifla_vf_mac *)nla_data(tb[IFLA_VF_MAC]))->vf, 3);
        cr_assert_arr_eq(((struct ifla_vf_mac *)nla_data(tb[IFLA_VF_MAC]))->mac, mac, 6);
        cr_assert_eq(((struct ifla_vf_vlan *)nla_data(tb[IFLA_VF_VLAN]))->vf, 3);
        cr_assert_eq(((struct ifla_vf_vlan *)nla_data(tb[IFLA_VF_VLAN]))->vlan, 100);
        cr_assert_eq(((struct ifla_vf_vlan *)nla_data(tb[IFLA_VF_VLAN]))->qos, 5);
        cr_assert_eq(((struct ifla_vf_spoofchk *)nla_data(tb[IFLA_VF_SPOOFCHK]))->setting, 1);
        cr_assert_eq(((struct ifla_vf_trust *)nla_data(tb[IFLA_VF_TRUST]))->setting, 0);
        cr_assert_eq(((struct ifla_vf_link_state *)nla_data(tb[IFLA_VF_LINK_STATE]))->link_state,
                     IFLA_VF_LINK_STATE_DISABLE);
        cr_assert_eq(((struct ifla_vf_rate *)nla_data(tb[IFLA_VF_RATE]))->min_tx_rate, 10);
        cr_assert_eq(((struct ifla_vf_rate *)nla_data(tb[IFLA_VF_RATE]))->max_tx_rate, 1000);
        nlmsg_free(m);
}

Test(sriov, request_leaves_unset_settings_out)
{
        struct osvif_vf_config c = OSVIF_VF_CONFIG_INIT(0);
        struct nlattr *tb[IFLA_VF_MAX + 1];
        struct nl_msg *m;

        cr_assert(osvif_sriov_vf_config_empty(&c));
        c.vlan = 0; /* "no VLAN" is a setting: it clears one */
        cr_assert_not(osvif_sriov_vf_config_empty(&c));
        m = osvif_sriov_vf_msg("pf0", &c, NULL);
        vf_info(m, tb);
        cr_assert_not_null(tb[IFLA_VF_VLAN]);
        cr_assert_eq(((struct ifla_vf_vlan *)nla_data(tb[IFLA_VF_VLAN]))->vlan, 0);
        cr_assert_null(tb[IFLA_VF_MAC]);
        cr_assert_null(tb[IFLA_VF_SPOOFCHK]);
        cr_assert_null(tb[IFLA_VF_TRUST]);
        cr_assert_null(tb[IFLA_VF_LINK_STATE]);
        cr_assert_null(tb[IFLA_VF_RATE]);
        nlmsg_free(m);
}

/* What a PF reports (the kernel's layout), parsed for one VF; -1 for what a driver lacks. */
Test(sriov, parses_what_the_pf_reports)
{
        struct nl_msg *m = nlmsg_alloc();
        struct nlattr *list, *info;
        struct osvif_vf_info r;

        cr_assert_not_null(m);
        list = nla_nest_start(m, IFLA_VFINFO_LIST);
        for (uint32_t vf = 0; vf < 2; vf++) {
                struct ifla_vf_mac mac = { .vf = vf, .mac = { 2, 0, 0, 0, 0, (uint8_t)vf } };
                struct ifla_vf_vlan vlan = { vf, 10 + vf, vf };
                struct ifla_vf_spoofchk sc = { vf, 1 };
                struct ifla_vf_trust tr = { vf, UINT32_MAX }; /* not supported */
                struct ifla_vf_link_state ls = { vf, IFLA_VF_LINK_STATE_ENABLE };
                struct ifla_vf_rate rate = { vf, 0, 100 * (vf + 1) };

                info = nla_nest_start(m, IFLA_VF_INFO);
                nla_put(m, IFLA_VF_MAC, sizeof(mac), &mac);
                nla_put(m, IFLA_VF_VLAN, sizeof(vlan), &vlan);
                nla_put(m, IFLA_VF_SPOOFCHK, sizeof(sc), &sc);
                nla_put(m, IFLA_VF_TRUST, sizeof(tr), &tr);
                nla_put(m, IFLA_VF_LINK_STATE, sizeof(ls), &ls);
                nla_put(m, IFLA_VF_RATE, sizeof(rate), &rate);
                nla_nest_end(m, info);
        }
        nla_nest_end(m, list);
        cr_assert_eq(osvif_sriov_parse_vfinfo(list, 1, &r), 1);
        cr_assert_eq(r.index, 1);
        cr_assert_eq(r.mac[5], 1);
        cr_assert_eq(r.vlan, 11);
        cr_assert_eq(r.qos, 1);
        cr_assert_eq(r.spoofchk, 1);
        cr_assert_eq(r.trust, -1);
        cr_assert_eq(r.link_state, IFLA_VF_LINK_STATE_ENABLE);
        cr_assert_eq(r.max_tx_rate, 200);
        cr_assert_eq(osvif_sriov_parse_vfinfo(list, 2, &r), 0, "no VF 2");
        nlmsg_free(m);
}

static char state_dir[64];

static void state_init(void)
{
        snprintf(state_dir, sizeof(state_dir), "/tmp/osvif-state-XXXXXX");
        cr_assert_not_null(mkdtemp(state_dir));
        setenv("OSVIF_STATE_DIR", state_dir, 1);
}

static void state_fini(void)
{
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", state_dir);
        cr_assert_eq(system(cmd), 0);
        unsetenv("OSVIF_STATE_DIR");
}

static int count(const struct osvif_hostdev_state *s, void *data)
{
        (*(int *)data)++;
        return 0;
}

Test(hostdev_state, round_trips_and_is_the_claim, .init = state_init, .fini = state_fini)
{
        struct osvif_hostdev_state s = { .owner = "osvif net c1 eth0",
                                         .pci = "0000:03:00.1",
                                         .ethernet = true,
                                         .name = "vf0",
                                         .mac = { 2, 1, 2, 3, 4, 5 },
                                         .mtu = 1400,
                                         .up = true,
                                         .alias = "",
                                         .pf = "pf0",
                                         .vf_index = 0,
                                         .pf_set = true,
                                         .representor = "rep0",
                                         .representor_mtu = 9000 };
        struct osvif_hostdev_state r;
        osvif_error_t err = OSVIF_ERROR_INIT;
        char path[200];
        int n = 0;

        s.vf = (struct osvif_vf_info){ 0, { 0 }, 5, 2, 1, -1, 0, 0, 300 };
        cr_assert_eq(osvif_hostdev_state_load("0000:03:00.1", &r, &err), 0, "no claim yet");
        cr_assert_eq(osvif_hostdev_state_save(&s, &err), 0, "%s", err.msg);
        cr_assert_eq(osvif_hostdev_state_load("0000:03:00.1", &r, &err), 1, "%s", err.msg);
        cr_assert_str_eq(r.owner, s.owner);
        cr_assert_str_eq(r.name, "vf0");
        cr_assert_arr_eq(r.mac, s.mac, 6);
        cr_assert_eq(r.mtu, 1400);
        cr_assert_str_eq(r.representor, "rep0");
        cr_assert_eq(r.representor_mtu, 9000);
        cr_assert(r.up);
        cr_assert(r.pf_set);
        cr_assert_eq(r.vf.vlan, 5);
        cr_assert_eq(r.vf.qos, 2);
        cr_assert_eq(r.vf.trust, -1);
        cr_assert_eq(r.vf.max_tx_rate, 300);
        /* no temporary file is left beside it */
        cr_assert_eq(osvif_hostdev_state_foreach(count, &n, &err), 0);
        cr_assert_eq(n, 1);
        snprintf(path, sizeof(path), "%s/hostdev/.0000:03:00.1.json.%d.tmp", state_dir, getpid());
        cr_assert_neq(access(path, F_OK), 0);
        cr_assert_eq(osvif_hostdev_state_remove("0000:03:00.1", &err), 0);
        cr_assert_eq(osvif_hostdev_state_remove("0000:03:00.1", &err), 0, "idempotent");
        cr_assert_eq(osvif_hostdev_state_load("0000:03:00.1", &r, &err), 0);
}

Test(hostdev_state, refuses_a_corrupt_claim, .init = state_init, .fini = state_fini)
{
        struct osvif_hostdev_state r;
        osvif_error_t err = OSVIF_ERROR_INIT;
        char path[200];
        FILE *f;

        snprintf(path, sizeof(path), "%s/hostdev", state_dir);
        mkdir(path, 0700);
        snprintf(path, sizeof(path), "%s/hostdev/0000:03:00.1.json", state_dir);
        f = fopen(path, "w");
        fputs("{\"owner\":", f);
        fclose(f);
        cr_assert_eq(osvif_hostdev_state_load("0000:03:00.1", &r, &err), -1);
        cr_assert_eq(err.code, OSVIF_ERR_STATE);
        cr_assert_not_null(strstr(err.msg, "is corrupt"), "%s", err.msg);
        osvif_error_clear(&err);
}
