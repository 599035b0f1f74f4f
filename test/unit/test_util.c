/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <string.h>

#include "util/addr.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strv.h"

Test(error, set_and_wrap_keep_code_and_add_context)
{
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_error_set(&err, 7, 0, "field \"%s\" bad", "x"), -1);
        cr_assert_eq(osvif_error_wrap(&err, "parse %s", "vif"), -1);
        cr_assert_eq(err.code, 7);
        cr_assert_str_eq(err.msg, "parse vif: field \"x\" bad");
        osvif_error_clear(&err);
        cr_assert_null(err.msg);
        cr_assert_eq(err.code, 0);
}

Test(error, wrap_code_and_recode_say_what_the_error_means)
{
        osvif_error_t err = OSVIF_ERROR_INIT;

        osvif_error_set(&err, OSVIF_CNI_ERR_INVALID_CONFIG, 0, "x: not a string");
        cr_assert_eq(osvif_error_wrap_code(&err, OSVIF_CNI_ERR_DECODE, "prevResult"), -1);
        cr_assert_eq(err.code, OSVIF_CNI_ERR_DECODE);
        cr_assert_str_eq(err.msg, "prevResult: x: not a string");
        cr_assert_eq(osvif_error_recode(&err, OSVIF_CNI_ERR_NOT_AVAILABLE), -1);
        cr_assert_eq(err.code, OSVIF_CNI_ERR_NOT_AVAILABLE);
        cr_assert_str_eq(err.msg, "prevResult: x: not a string", "the message is kept");
        osvif_error_clear(&err);
        /* on an unset error both still leave a code and a message */
        osvif_error_wrap_code(&err, OSVIF_CNI_ERR_NOT_AVAILABLE, "ovsdb");
        cr_assert_eq(err.code, OSVIF_CNI_ERR_NOT_AVAILABLE);
        cr_assert_str_eq(err.msg, "ovsdb");
        osvif_error_clear(&err);
        osvif_error_recode(&err, OSVIF_CNI_ERR_DECODE);
        cr_assert_eq(err.code, OSVIF_CNI_ERR_DECODE);
        cr_assert_not_null(err.msg);
        osvif_error_clear(&err);
}

Test(error, set_errno_appends_strerror)
{
        osvif_error_t err = OSVIF_ERROR_INIT;

        osvif_error_set_errno(&err, 101, EEXIST, "add veth \"%s\"", "tap1");
        cr_assert_str_eq(err.msg, "add veth \"tap1\": file exists");
        cr_assert_eq(err.errnum, EEXIST);
        osvif_error_clear(&err);
}

Test(json, parse_reports_position_of_syntax_error)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        const char *doc = "{\n  \"a\": 1,\n  \"b\": ]\n}";
        cJSON *j = osvif_json_parse(doc, strlen(doc), &err);

        cr_assert_null(j);
        cr_assert_eq(err.code, 6);
        cr_assert(strstr(err.msg, "line 3") != NULL, "%s", err.msg);
        osvif_error_clear(&err);
}

Test(json, parse_refuses_trailing_garbage_and_nul)
{
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_null(osvif_json_parse("{} x", 4, &err));
        cr_assert_eq(err.code, 6);
        osvif_error_clear(&err);
        cr_assert_null(osvif_json_parse("{}\0", 3, &err));
        cr_assert_eq(err.code, 6);
        osvif_error_clear(&err);
}

Test(json, typed_getters_name_the_field)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        _cleanup_cjson_ cJSON *j = cJSON_Parse("{\"mtu\":\"abc\",\"vlan\":4096,\"ok\":7}");
        int64_t v = -1;

        cr_assert_eq(osvif_json_get_int(j, "vif.network", "mtu", 0, 65535, &v, &err), -1);
        cr_assert_str_eq(err.msg, "vif.network.mtu: expected an integer, got string \"abc\"");
        cr_assert_eq(err.code, 7);
        cr_assert_eq(osvif_json_get_int(j, "vif.network", "vlan", 0, 4095, &v, &err), -1);
        cr_assert_str_eq(err.msg, "vif.network.vlan: 4096 is not an integer in [0, 4095]");
        cr_assert_eq(osvif_json_get_int(j, "x", "absent", 0, 1, &v, &err), 0);
        cr_assert_eq(v, -1);
        cr_assert_eq(osvif_json_get_int(j, "x", "ok", 0, 10, &v, &err), 1);
        cr_assert_eq(v, 7);
        osvif_error_clear(&err);
}

Test(json, check_keys_refuses_unknown)
{
        osvif_error_t err = OSVIF_ERROR_INIT;
        _cleanup_cjson_ cJSON *j = cJSON_Parse("{\"id\":1,\"bogus\":2}");
        const char *const allowed[] = { "id", NULL };

        cr_assert_eq(osvif_json_check_keys(j, "vif", allowed, &err), -1);
        cr_assert_str_eq(err.msg, "vif.bogus: unknown field");
        osvif_error_clear(&err);
}

Test(addr, ip_parse_is_strict_and_formats_canonically)
{
        struct osvif_ip ip;
        char buf[OSVIF_IP_STRLEN];

        cr_assert_eq(osvif_ip_parse("10.0.0.5", &ip), 0);
        cr_assert_eq(ip.family, AF_INET);
        cr_assert_eq(osvif_ip_parse("10.1", &ip), -EINVAL);
        cr_assert_eq(osvif_ip_parse("2001:DB8:0:0::1", &ip), 0);
        cr_assert_str_eq(osvif_ip_format(&ip, buf), "2001:db8::1");
}

Test(addr, ipnet_keeps_host_bits_and_defaults_prefix)
{
        struct osvif_ipnet n, net;
        char buf[OSVIF_IPNET_STRLEN];
        struct osvif_ip ip;

        cr_assert_eq(osvif_ipnet_parse("10.0.0.5/24", false, &n), 0);
        cr_assert_str_eq(osvif_ipnet_format(&n, buf), "10.0.0.5/24");
        net = osvif_ipnet_network(&n);
        cr_assert_str_eq(osvif_ipnet_format(&net, buf), "10.0.0.0/24");
        cr_assert_eq(osvif_ipnet_parse("10.0.0.5", false, &n), -EINVAL);
        cr_assert_eq(osvif_ipnet_parse("10.0.0.5", true, &n), 0);
        cr_assert_eq(n.prefixlen, 32);
        cr_assert_eq(osvif_ipnet_parse("10.0.0.0/33", false, &n), -EINVAL);
        cr_assert_eq(osvif_ipnet_parse("10.0.0.0/08", false, &n), -EINVAL);
        cr_assert_eq(osvif_ipnet_parse("fd00::/64", false, &n), 0);
        osvif_ip_parse("fd00::1", &ip);
        cr_assert(osvif_ipnet_contains(&n, &ip));
        osvif_ip_parse("fd01::1", &ip);
        cr_assert_not(osvif_ipnet_contains(&n, &ip));
}

Test(addr, mac_parse_accepts_os_vif_forms)
{
        uint8_t mac[6];
        char buf[OSVIF_MAC_STRLEN];

        cr_assert_eq(osvif_mac_parse("FA-16-3E-12-34-56", mac), 0);
        cr_assert_str_eq(osvif_mac_format(mac, buf), "fa:16:3e:12:34:56");
        cr_assert_eq(osvif_mac_parse("fa:16:3e:12:34", mac), -EINVAL);
        cr_assert_eq(osvif_mac_parse("fa:16:3e:12:34:5g", mac), -EINVAL);
        cr_assert_eq(osvif_mac_random(mac), 0);
        cr_assert_eq(mac[0] & 0x03, 0x02, "random MAC must be local unicast");
}

Test(strv, split_drops_empty_fields)
{
        _cleanup_strv_ char **v = osvif_strv_split("a::b:", ":");

        cr_assert_eq(osvif_strv_length(v), 2);
        cr_assert_str_eq(v[0], "a");
        cr_assert_str_eq(v[1], "b");
        cr_assert(osvif_strv_contains(v, "b"));
}
