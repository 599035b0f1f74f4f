/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_TEST_HELPERS_H
#define OSVIF_TEST_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

/* Shared by the unit tests. Fixtures are found through $OSVIF_TEST_DATA, never the cwd. */

static inline char *read_fixture(const char *name)
{
        const char *dir = getenv("OSVIF_TEST_DATA");
        char path[1024];
        FILE *f;
        long len;
        char *buf;

        cr_assert_not_null(dir, "OSVIF_TEST_DATA is not set: run through make check");
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        f = fopen(path, "r");
        cr_assert_not_null(f, "fixture %s", path);
        fseek(f, 0, SEEK_END);
        len = ftell(f);
        rewind(f);
        buf = calloc(1, (size_t)len + 1);
        cr_assert_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
        fclose(f);
        return buf;
}

static inline cJSON *load_fixture(const char *name)
{
        char *s = read_fixture(name);
        cJSON *j = cJSON_Parse(s);

        cr_assert_not_null(j, "fixture %s is not JSON", name);
        free(s);
        return j;
}

/* A missing prerequisite: a skip, but a failure under CI's strict mode. */
#define skip_or_fail(...)                                          \
        do {                                                       \
                const char *strict_ = getenv("OSVIF_TEST_STRICT"); \
                if (strict_ && strcmp(strict_, "1") == 0)          \
                        cr_assert_fail(__VA_ARGS__);               \
                cr_skip_test(__VA_ARGS__);                         \
        } while (0)

/* Compare two trees, printing both when they differ. */
#define assert_json_eq(actual, expected)                                                           \
        do {                                                                                       \
                char *a_ = cJSON_PrintUnformatted(actual), *e_ = cJSON_PrintUnformatted(expected); \
                cr_assert(cJSON_Compare((actual), (expected), 1), "got\n  %s\nwant\n  %s", a_,     \
                          e_);                                                                     \
                free(a_);                                                                          \
                free(e_);                                                                          \
        } while (0)

#endif
