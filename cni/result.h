/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_CNI_RESULT_H
#define OSVIF_CNI_RESULT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "cni/version.h"
#include "util/addr.h"
#include "util/cleanup.h"
#include "util/error.h"

/*
 * The CNI result, modelled on spec 1.1.0 (the richest form); every other version is a
 * conversion of it, done exactly as libcni does (pkg/types/{020,040,100}, create).
 */

struct osvif_cni_interface {
        char *name;
        char *mac;         /* NULL: omitted */
        int mtu;           /* 0: omitted (1.1.0 only) */
        char *sandbox;     /* NULL or "": host interface */
        char *socket_path; /* 1.1.0 only */
        char *pci_id;      /* 1.1.0 only */
};

struct osvif_cni_ipconfig {
        struct osvif_ipnet address; /* host address with the subnet's prefix */
        struct osvif_ip gateway;    /* family 0: none */
        int interface;              /* index into interfaces[], -1: none */
};

struct osvif_cni_route {
        struct osvif_ipnet dst;
        struct osvif_ip gw;        /* family 0: none */
        int mtu, advmss, priority; /* 0: omitted (1.1.0 only) */
        int table, scope;          /* valid when has_table / has_scope (1.1.0 only) */
        bool has_table, has_scope;
};

struct osvif_cni_dns {
        char **nameservers; /* NULL-terminated vectors, NULL when empty */
        char *domain;
        char **search;
        char **options;
};

/*
 * The arrays grow only through osvif_cni_result_add_*() (and are allocated by
 * osvif_cni_result_copy()), which keep room to spare so that appending is amortized O(1):
 * never assign or realloc them elsewhere.
 */
struct osvif_cni_result {
        enum osvif_cni_version version; /* the version it was parsed from or is meant for */
        struct osvif_cni_interface *interfaces;
        size_t n_interfaces;
        struct osvif_cni_ipconfig *ips;
        size_t n_ips;
        struct osvif_cni_route *routes;
        size_t n_routes;
        struct osvif_cni_dns dns;
};

/* A new empty result, or NULL on ENOMEM. */
struct osvif_cni_result *osvif_cni_result_new(enum osvif_cni_version version);
/* NULL-safe. */
void osvif_cni_result_free(struct osvif_cni_result *r);
OSVIF_DEFINE_TRIVIAL_CLEANUP(struct osvif_cni_result *, osvif_cni_result_free)
/* A deep copy, or NULL on ENOMEM. */
struct osvif_cni_result *osvif_cni_result_copy(const struct osvif_cni_result *r);

/*
 * Parse a result of any version: 0.1.0/0.2.0 (`ip4`/`ip6`) or 0.3.0 and later (`interfaces`,
 * `ips`, `routes`). The version is the document's `cniVersion`, else `default_version`
 * (libcni fills a missing one with the config's). `path` names the document in messages
 * ("prevResult", "ipam result"). Errors: OSVIF_CNI_ERR_DECODE for a malformed result,
 * OSVIF_CNI_ERR_INCOMPATIBLE_VERSION for an unknown version. The caller owns *ret.
 */
int osvif_cni_result_from_json(const cJSON *j, enum osvif_cni_version default_version,
                               const char *path, struct osvif_cni_result **ret, osvif_error_t *err);

/*
 * Render r as a result of version `target`, as libcni converts it: 1.x drops nothing;
 * 0.3/0.4 drop interface mtu, socketPath and pciID and add ips[].version (route attributes
 * stay, as libcni's Route.Copy keeps them); 0.1/0.2 keep the first IPv4 and first IPv6
 * address only and routes by family with dst and gw only. A result without an address has
 * no 0.1/0.2 form: OSVIF_CNI_ERR_INCOMPATIBLE_VERSION, "no valid IP addresses", as for an
 * unknown target. Returns a new tree owned by the caller, or NULL with *err set.
 */
cJSON *osvif_cni_result_to_json(const struct osvif_cni_result *r, enum osvif_cni_version target,
                                osvif_error_t *err);

/*
 * Builders used by the verb handlers. Each returns the index of the new element, or -1 with
 * *err set (ENOMEM). Strings are copied.
 */
int osvif_cni_result_add_interface(struct osvif_cni_result *r, const char *name, const char *mac,
                                   const char *sandbox, osvif_error_t *err);
int osvif_cni_result_add_ip(struct osvif_cni_result *r, const struct osvif_ipnet *address,
                            const struct osvif_ip *gateway, int interface, osvif_error_t *err);
int osvif_cni_result_add_route(struct osvif_cni_result *r, const struct osvif_cni_route *route,
                               osvif_error_t *err);
/* Append nameservers/search/options and set the domain when r has none. */
int osvif_cni_result_merge_dns(struct osvif_cni_result *r, const struct osvif_cni_dns *dns,
                               osvif_error_t *err);

/* Deep-free the members of one element (used by the parser and tests). */
void osvif_cni_interface_clear(struct osvif_cni_interface *i);
void osvif_cni_dns_clear(struct osvif_cni_dns *d);

#endif
