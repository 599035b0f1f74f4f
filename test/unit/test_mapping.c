/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"
#include "plan/mapping.h"
#include "util/cleanup.h"
#include "vif/classes.h"

/*
 * The mapping table: what it refuses and requires, and that the README's table and the
 * schema's enumerations say what it says.
 */

static struct osvif_vif *parse(const char *doc)
{
        _cleanup_cjson_ cJSON *j = cJSON_Parse(doc);
        osvif_error_t err = OSVIF_ERROR_INIT;
        struct osvif_vif *vif = NULL;

        cr_assert_not_null(j, "%s", doc);
        cr_assert_eq(osvif_vif_from_json(j, "vif", &vif, &err), 0, "%s: %s", doc, err.msg);
        return vif;
}

/* The mapping's verdict on a VIF that parses: 0, or the message of its code-7 refusal. */
static void assert_mapping(const char *doc, const char *msg)
{
        struct osvif_vif *vif = parse(doc);
        const struct osvif_mapping_row *row = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;
        int r = osvif_mapping_check(vif, "vif", &row, &err);

        if (!msg) {
                cr_assert_eq(r, 0, "%s: %s", doc, err.msg);
                cr_assert_not_null(row);
                cr_assert_eq(row->vif, vif->type);
        } else {
                cr_assert_eq(r, -1, "accepted: %s", doc);
                cr_assert_eq(err.code, OSVIF_CNI_ERR_INVALID_CONFIG);
                cr_assert_str_eq(err.msg, msg);
                cr_assert_null(row, "no row on failure");
        }
        osvif_error_clear(&err);
        osvif_vif_free(vif);
}

Test(mapping, refuses_a_pair_without_a_row)
{
        assert_mapping("{\"type\":\"direct\",\"dev_address\":\"0000:00:01.0\",\"mode\":\"vepa\","
                       "\"port_profile\":{\"type\":\"openvswitch\"}}",
                       "vif: VIFDirect with port profile VIFPortProfileOpenVSwitch cannot be "
                       "served: no row of the mapping plugs it");
        assert_mapping("{\"type\":\"ovs\",\"bridge_name\":\"br-int\"}",
                       "vif: VIFOpenVSwitch with no port profile cannot be served: no row of the "
                       "mapping plugs it");
        assert_mapping("{\"type\":\"generic\",\"port_profile\":{\"type\":\"fp_tap\"}}",
                       "vif: VIFGeneric with port profile VIFPortProfileFPTap cannot be served: no "
                       "row of the mapping plugs it");
}

Test(mapping, requires_what_each_row_needs)
{
        assert_mapping("{\"type\":\"bridge\"}", "vif.bridge_name: missing, VIFBridge needs it");
        assert_mapping("{\"type\":\"bridge\",\"port_profile\":{\"type\":\"openvswitch\"}}",
                       "vif.network.bridge: missing, VIFBridge with VIFPortProfileOpenVSwitch "
                       "needs it");
        assert_mapping("{\"type\":\"ovs\",\"port_profile\":{\"type\":\"openvswitch\"}}",
                       "vif.bridge_name or vif.network.bridge: missing, VIFOpenVSwitch with "
                       "VIFPortProfileOpenVSwitch needs it");
        assert_mapping("{\"type\":\"ovs\",\"bridge_name\":\"a\",\"network\":{\"bridge\":\"b\"},"
                       "\"port_profile\":{\"type\":\"openvswitch\"}}",
                       "vif.bridge_name: \"a\" and vif.network.bridge: \"b\" name different OVS "
                       "bridges");
        assert_mapping("{\"type\":\"direct\",\"dev_address\":\"0000:00:01.0\"}",
                       "vif.mode: missing, VIFDirect needs it");
        /* the lower device may come from the config ("master") instead: the plan decides */
        assert_mapping("{\"type\":\"direct\",\"mode\":\"vepa\"}", NULL);
        assert_mapping("{\"type\":\"direct\",\"mode\":\"vepa\",\"port_profile\":{\"type\":"
                       "\"8021qbh\"}}",
                       "vif.port_profile.profile_id: missing, VIFDirect with "
                       "VIFPortProfile8021Qbh needs it");
        assert_mapping("{\"type\":\"vhostuser\",\"path\":\"/run/vhu.sock\",\"port_profile\":{"
                       "\"type\":\"openvswitch\"}}",
                       "vif.mode: missing, VIFVHostUser with VIFPortProfileOpenVSwitch needs it");
        assert_mapping("{\"type\":\"nested_dpdk\"}",
                       "vif.pci_address: missing, VIFNestedDPDK needs it");
        assert_mapping("{\"type\":\"hostdev\",\"dev_type\":\"ethernet\"}",
                       "vif.dev_address: missing, VIFHostDevice needs it");
        assert_mapping("{\"type\":\"hostdev\",\"dev_type\":\"ethernet\",\"dev_address\":\"0000:"
                       "01:00.1\",\"port_profile\":{\"type\":\"openvswitch\"}}",
                       "vif.network.bridge: missing, VIFHostDevice with "
                       "VIFPortProfileOpenVSwitch needs it");
        /* and what they need is enough */
        assert_mapping("{\"type\":\"generic\"}", NULL);
        assert_mapping("{\"type\":\"ovs\",\"network\":{\"bridge\":\"b\"},\"port_profile\":{"
                       "\"type\":\"openvswitch\"}}",
                       NULL);
        assert_mapping("{\"type\":\"hostdev\",\"dev_type\":\"generic\",\"dev_address\":\"0000:"
                       "01:00.1\"}",
                       NULL);
}

Test(mapping, rows_are_unique_and_complete)
{
        for (size_t i = 0; i < osvif_mapping_rows; i++) {
                const struct osvif_mapping_row *r = &osvif_mapping[i];

                cr_assert_eq(osvif_mapping_find(r->vif, r->profile), r, "row %zu is shadowed", i);
                cr_assert(r->builds && *r->builds, "row %zu says what it builds", i);
                if (!r->build)
                        continue;
                /* a served row says what its result holds and how its pod link goes away */
                cr_assert(r->result != 0, "row %zu reports no interface", i);
                cr_assert((r->result & OSVIF_RESULT_POD_LINK) ==
                                  (r->pod_link != OSVIF_POD_LINK_NONE ? OSVIF_RESULT_POD_LINK : 0),
                          "row %zu: a pod link in the result iff the row makes one", i);
                cr_assert((r->pod_link == OSVIF_POD_LINK_NONE) ||
                                  (r->needs & OSVIF_NEEDS_POD_NETNS),
                          "row %zu: a pod link needs the pod's netns", i);
        }
}

/* ---- the README's table ---- */

/* "OpenVSwitch" for VIFPortProfileOpenVSwitch, "none" for no profile. */
static const char *readme_profile(enum osvif_profile_type p)
{
        const char *n = osvif_profile_type_name(p);

        return p == OSVIF_PROFILE_NONE ? "none" : n + strlen("VIFPortProfile");
}

/* Split "| a | b | c | d |" into trimmed cells; returns the count. */
static size_t cells(char *line, char **out, size_t max)
{
        size_t n = 0;
        char *save = NULL;

        for (char *c = strtok_r(line, "|", &save); c && n < max; c = strtok_r(NULL, "|", &save)) {
                char *end;

                while (*c == ' ')
                        c++;
                end = c + strlen(c);
                while (end > c && (end[-1] == ' ' || end[-1] == '\n'))
                        *--end = '\0';
                if (*c)
                        out[n++] = c;
        }
        return n;
}

Test(mapping, readme_table_is_the_table)
{
        char *readme = read_fixture("../../README.md");
        char *start = strstr(readme, "## What the VIF types do");
        size_t seen = 0;

        cr_assert_not_null(start, "README has no \"What the VIF types do\" section");
        start = strstr(start, "|---");
        cr_assert_not_null(start);
        start = strchr(start, '\n') + 1;
        for (char *line = start; *line == '|';) {
                char *next = strchr(line, '\n'), *c[8];
                const struct osvif_mapping_row *row = NULL;

                *next = '\0';
                cr_assert_eq(cells(line, c, 8), 4, "README row \"%s\": 4 cells", line);
                for (size_t i = 0; i < osvif_mapping_rows; i++)
                        if (strcmp(osvif_vif_type_name(osvif_mapping[i].vif), c[0]) == 0 &&
                            strcmp(readme_profile(osvif_mapping[i].profile), c[1]) == 0)
                                row = &osvif_mapping[i];
                cr_assert_not_null(row, "README row %s / %s is not in the mapping", c[0], c[1]);
                cr_assert_str_eq(c[2], row->builds, "README: what %s / %s builds", c[0], c[1]);
                cr_assert_str_eq(c[3], row->build ? "served" : "not served yet: ADD answers 110",
                                 "README: status of %s / %s", c[0], c[1]);
                seen++;
                line = next + 1;
        }
        cr_assert_eq(seen, osvif_mapping_rows, "README lists %zu rows, the mapping has %zu", seen,
                     osvif_mapping_rows);
        free(readme);
}

/* ---- the schema's enumerations ---- */

static const struct osvif_class *class_of(int type, const struct osvif_class *base)
{
        for (size_t i = 0; osvif_classes[i]; i++)
                if (osvif_classes[i]->type == type && osvif_classes[i] != base &&
                    osvif_class_is_a(osvif_classes[i], base))
                        return osvif_classes[i];
        return NULL;
}

static bool in_enum(const cJSON *e, const char *name)
{
        const cJSON *it;

        cJSON_ArrayForEach(it, e)
                if (cJSON_IsString(it) && strcmp(it->valuestring, name) == 0)
                        return true;
        return false;
}

/* Every name in the enumeration is a class deriving from base, by its name or short name. */
static void assert_enum_known(const cJSON *e, const struct osvif_class *base, const char *what)
{
        const cJSON *it;

        cJSON_ArrayForEach(it, e) {
                const struct osvif_class *c = osvif_class_by_name(it->valuestring);

                if (!c)
                        c = osvif_class_by_short_name(it->valuestring, base);
                cr_assert(c && osvif_class_is_a(c, base), "schema %s \"%s\" is no such class", what,
                          it->valuestring);
        }
}

Test(mapping, schema_enumerations_cover_the_table)
{
        cJSON *schema = load_fixture("../../schemas/osvif-netconf.schema.json");
        const cJSON *defs = cJSON_GetObjectItem(schema, "$defs");
        const cJSON *types = cJSON_GetObjectItem(
                cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(defs, "nativeVif"),
                                                        "properties"),
                                    "type"),
                "enum");
        const cJSON *profiles = cJSON_GetObjectItem(
                cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(defs, "portProfile"),
                                                        "properties"),
                                    "type"),
                "enum");

        cr_assert(cJSON_IsArray(types) && cJSON_IsArray(profiles), "schema enumerations moved");
        for (size_t i = 0; i < osvif_mapping_rows; i++) {
                const struct osvif_mapping_row *r = &osvif_mapping[i];
                const struct osvif_class *v = class_of(r->vif, &osvif_class_vif_base);

                cr_assert_not_null(v);
                cr_assert(in_enum(types, v->name) && in_enum(types, v->short_name),
                          "schema lacks VIF type %s / %s", v->name, v->short_name);
                if (r->profile != OSVIF_PROFILE_NONE) {
                        const struct osvif_class *p = class_of(r->profile,
                                                               &osvif_class_profile_base);

                        cr_assert_not_null(p);
                        cr_assert(in_enum(profiles, p->name) && in_enum(profiles, p->short_name),
                                  "schema lacks port profile %s / %s", p->name, p->short_name);
                }
        }
        assert_enum_known(types, &osvif_class_vif_base, "VIF type");
        assert_enum_known(profiles, &osvif_class_profile_base, "port profile");
        cJSON_Delete(schema);
}
