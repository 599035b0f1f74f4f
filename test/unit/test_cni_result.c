/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <malloc.h>

#include "cni/result.h"
#include "helpers.h"
#include "util/cleanup.h"

static struct osvif_cni_result *parse_fixture(const char *name)
{
        _cleanup_cjson_ cJSON *j = load_fixture(name);
        struct osvif_cni_result *r = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_cni_result_from_json(j, OSVIF_CNI_V010, "result", &r, &err), 0, "%s: %s",
                     name, err.msg);
        return r;
}

static void assert_converts(const char *input, enum osvif_cni_version v, const char *expected)
{
        _cleanup_(osvif_cni_result_freep) struct osvif_cni_result *r = parse_fixture(input);
        _cleanup_cjson_ cJSON *want = load_fixture(expected);
        osvif_error_t err = OSVIF_ERROR_INIT;
        _cleanup_cjson_ cJSON *got = osvif_cni_result_to_json(r, v, &err);

        cr_assert_not_null(got, "%s -> %s: %s", input, osvif_cni_version_string(v), err.msg);
        assert_json_eq(got, want);
}

/* Each expected file is libcni 1.1.2's own conversion of the input (test/data/results). */
Test(result, converts_to_every_version_as_libcni_does)
{
        static const char *const files[] = {
                "results/rich-as-0.1.0.json", "results/rich-as-0.2.0.json",
                "results/rich-as-0.3.0.json", "results/rich-as-0.3.1.json",
                "results/rich-as-0.4.0.json", "results/rich-as-1.0.0.json",
        };

        for (int v = OSVIF_CNI_V010; v <= OSVIF_CNI_V100; v++)
                assert_converts("results/rich-1.0.0.json", (enum osvif_cni_version)v, files[v]);
}

Test(result, converts_old_results_up_as_libcni_does)
{
        assert_converts("results/old-0.2.0.json", OSVIF_CNI_V040, "results/old-as-0.4.0.json");
        assert_converts("results/old-0.2.0.json", OSVIF_CNI_V100, "results/old-as-1.0.0.json");
}

Test(result, every_version_round_trips_through_the_model)
{
        static const char *const files[] = {
                "results/rich-as-0.1.0.json", "results/rich-as-0.2.0.json",
                "results/rich-as-0.3.0.json", "results/rich-as-0.3.1.json",
                "results/rich-as-0.4.0.json", "results/rich-as-1.0.0.json",
                "results/rich-1.1.0.json",
        };

        for (int v = OSVIF_CNI_V010; v <= OSVIF_CNI_V110; v++)
                assert_converts(files[v], (enum osvif_cni_version)v, files[v]);
}

Test(result, keeps_1_1_fields_in_1_x_and_drops_interface_ones_below)
{
        _cleanup_(osvif_cni_result_freep) struct osvif_cni_result *r = parse_fixture(
                "results/rich-1.1.0.json");
        osvif_error_t err = OSVIF_ERROR_INIT;
        _cleanup_cjson_ cJSON *v100 = osvif_cni_result_to_json(r, OSVIF_CNI_V100, &err);
        _cleanup_cjson_ cJSON *v040 = osvif_cni_result_to_json(r, OSVIF_CNI_V040, &err);
        const cJSON *eth0, *route;

        cr_assert_not_null(v100);
        cr_assert_not_null(v040);
        eth0 = cJSON_GetArrayItem(cJSON_GetObjectItem(v100, "interfaces"), 1);
        cr_assert_eq(cJSON_GetObjectItem(eth0, "mtu")->valueint, 1450);
        cr_assert_str_eq(cJSON_GetObjectItem(eth0, "socketPath")->valuestring, "/run/vhu.sock");
        cr_assert_str_eq(cJSON_GetObjectItem(eth0, "pciID")->valuestring, "0000:03:00.4");
        eth0 = cJSON_GetArrayItem(cJSON_GetObjectItem(v040, "interfaces"), 1);
        cr_assert_null(cJSON_GetObjectItem(eth0, "mtu"));
        cr_assert_null(cJSON_GetObjectItem(eth0, "socketPath"));
        cr_assert_null(cJSON_GetObjectItem(eth0, "pciID"));
        /* libcni's Route.Copy() carries route attributes down to 0.4.0 */
        route = cJSON_GetArrayItem(cJSON_GetObjectItem(v040, "routes"), 0);
        cr_assert_eq(cJSON_GetObjectItem(route, "table")->valueint, 100);
        cr_assert_eq(cJSON_GetObjectItem(route, "scope")->valueint, 0);
        cr_assert_eq(cJSON_GetObjectItem(route, "advmss")->valueint, 1360);
}

Test(result, refuses_old_versions_without_addresses)
{
        _cleanup_(osvif_cni_result_freep) struct osvif_cni_result *r = osvif_cni_result_new(
                OSVIF_CNI_V110);
        osvif_error_t err = OSVIF_ERROR_INIT;
        cJSON *j;

        cr_assert_geq(osvif_cni_result_add_interface(r, "eth0", NULL, "/run/netns/x", &err), 0);
        j = osvif_cni_result_to_json(r, OSVIF_CNI_V020, &err);
        cr_assert_null(j);
        cr_assert_eq(err.code, OSVIF_CNI_ERR_INCOMPATIBLE_VERSION);
        cr_assert(strstr(err.msg, "no valid IP addresses"), "%s", err.msg);
        osvif_error_clear(&err);
        j = osvif_cni_result_to_json(r, OSVIF_CNI_V040, &err);
        cr_assert_not_null(j, "0.4.0 can express a result without addresses");
        cJSON_Delete(j);
}

static void assert_malformed(const char *doc, int code, const char *needle)
{
        _cleanup_cjson_ cJSON *j = cJSON_Parse(doc);
        struct osvif_cni_result *r = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_not_null(j, "test input is JSON");
        cr_assert_eq(osvif_cni_result_from_json(j, OSVIF_CNI_V100, "prevResult", &r, &err), -1,
                     "%s", doc);
        cr_assert_null(r);
        cr_assert_eq(err.code, code, "%s: %s", doc, err.msg);
        cr_assert(strstr(err.msg, needle), "\"%s\" not in \"%s\"", needle, err.msg);
        osvif_error_clear(&err);
}

Test(result, names_the_field_of_a_malformed_result)
{
        assert_malformed("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.300/24\"}]}", 6,
                         "prevResult.ips[0].address: \"10.0.0.300/24\"");
        assert_malformed("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.3\"}]}", 6,
                         "prevResult.ips[0].address");
        assert_malformed("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.3/"
                         "8\",\"interface\":-1}]}",
                         6, "prevResult.ips[0].interface");
        assert_malformed("{\"cniVersion\":\"1.0.0\",\"routes\":[{\"gw\":\"10.0.0.1\"}]}", 6,
                         "prevResult.routes[0].dst: missing");
        assert_malformed("{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":5}]}", 6,
                         "prevResult.interfaces[0].name");
        assert_malformed("{\"cniVersion\":\"0.2.0\",\"ip4\":{\"gateway\":\"10.0.0.1\"}}", 6,
                         "prevResult.ip4.ip: missing");
        assert_malformed("{\"cniVersion\":\"7.0.0\"}", 1, "\"7.0.0\"");
        assert_malformed("[1]", 6, "expected an object");
}

/* Each becomes a kernel attribute of a fixed width: nothing out of its range is cast into it. */
Test(result, refuses_route_attributes_out_of_range)
{
        static const char *const cases[][2] = {
                { "\"scope\":256", "prevResult.routes[0].scope: 256" },
                { "\"scope\":-1", "prevResult.routes[0].scope: -1" },
                { "\"table\":-5", "prevResult.routes[0].table: -5" },
                { "\"mtu\":70000", "prevResult.routes[0].mtu: 70000" },
                { "\"advmss\":-1", "prevResult.routes[0].advmss: -1" },
                { "\"priority\":-2", "prevResult.routes[0].priority: -2" },
        };

        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                char doc[256];

                snprintf(doc, sizeof(doc),
                         "{\"cniVersion\":\"1.1.0\",\"routes\":[{\"dst\":\"10.1.0.0/16\",%s}]}",
                         cases[i][0]);
                assert_malformed(doc, 6, cases[i][1]);
        }
}

Test(result, missing_version_takes_the_default)
{
        _cleanup_cjson_ cJSON *j = cJSON_Parse("{\"ip4\":{\"ip\":\"10.0.0.3/8\"}}");
        _cleanup_(osvif_cni_result_freep) struct osvif_cni_result *r = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_cni_result_from_json(j, OSVIF_CNI_V020, "r", &r, &err), 0);
        cr_assert_eq(r->version, OSVIF_CNI_V020);
        cr_assert_eq(r->n_ips, 1);
        cr_assert_eq(r->ips[0].interface, -1);
}

Test(result, copy_is_deep_and_equal)
{
        _cleanup_(osvif_cni_result_freep) struct osvif_cni_result *r = parse_fixture(
                "results/rich-1.1.0.json");
        _cleanup_(osvif_cni_result_freep) struct osvif_cni_result *c = osvif_cni_result_copy(r);
        osvif_error_t err = OSVIF_ERROR_INIT;
        _cleanup_cjson_ cJSON *a = osvif_cni_result_to_json(r, OSVIF_CNI_V110, &err);
        _cleanup_cjson_ cJSON *b = NULL;

        cr_assert_not_null(c);
        cr_assert_neq(c->interfaces[1].name, r->interfaces[1].name, "strings are copied");
        b = osvif_cni_result_to_json(c, OSVIF_CNI_V110, &err);
        assert_json_eq(b, a);
}

Test(result, merge_dns_appends_only_new_entries)
{
        _cleanup_(osvif_cni_result_freep) struct osvif_cni_result *r = osvif_cni_result_new(
                OSVIF_CNI_V110);
        char *a[] = { "10.0.0.2", "10.0.0.3", NULL }, *b[] = { "10.0.0.3", "10.0.0.4", NULL };
        struct osvif_cni_dns d1 = { .nameservers = a, .domain = "one" };
        struct osvif_cni_dns d2 = { .nameservers = b, .domain = "two" };
        osvif_error_t err = OSVIF_ERROR_INIT;

        cr_assert_eq(osvif_cni_result_merge_dns(r, &d1, &err), 0);
        cr_assert_eq(osvif_cni_result_merge_dns(r, &d2, &err), 0);
        cr_assert_str_eq(r->dns.nameservers[0], "10.0.0.2");
        cr_assert_str_eq(r->dns.nameservers[2], "10.0.0.4");
        cr_assert_null(r->dns.nameservers[3]);
        cr_assert_str_eq(r->dns.domain, "one", "the first domain stays");
}

/*
 * A list of n routes (or addresses, or interfaces) is built in linear time: the array grows
 * geometrically, so it is reallocated O(log n) times in all. Growing it by one element per
 * append reallocated (and could copy) it every time: O(n^2) bytes for n routes. What the
 * allocator reserved shows which: after 1025 appends, room for 2048.
 */
Test(result, appending_routes_reserves_room_geometrically)
{
        struct osvif_cni_result *r = osvif_cni_result_new(OSVIF_CNI_V110);
        osvif_error_t err = OSVIF_ERROR_INIT;
        struct osvif_cni_route rt = { 0 };

        cr_assert_not_null(r);
        for (size_t i = 0; i < 1025; i++) {
                rt.dst.prefixlen = (uint8_t)(i % 33);
                cr_assert_eq(osvif_cni_result_add_route(r, &rt, &err), (int)i);
        }
        cr_assert_eq(r->n_routes, 1025);
        for (size_t i = 0; i < 1025; i++)
                cr_assert_eq(r->routes[i].dst.prefixlen, i % 33);
        cr_assert_geq(malloc_usable_size(r->routes), 2048 * sizeof(*r->routes),
                      "room for %zu routes after 1025 appends",
                      malloc_usable_size(r->routes) / sizeof(*r->routes));
        osvif_cni_result_free(r);
}
