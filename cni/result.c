/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cni/result.h"
#include "util/cleanup.h"
#include "util/strv.h"

/* The result model: construction, copy and release. Parsing is in result_parse.c, rendering
 * in result_emit.c. */

struct osvif_cni_result *osvif_cni_result_new(enum osvif_cni_version version)
{
        struct osvif_cni_result *r = calloc(1, sizeof(*r));

        if (r)
                r->version = version;
        return r;
}

void osvif_cni_interface_clear(struct osvif_cni_interface *i)
{
        free(i->name);
        free(i->mac);
        free(i->sandbox);
        free(i->socket_path);
        free(i->pci_id);
        memset(i, 0, sizeof(*i));
}

void osvif_cni_dns_clear(struct osvif_cni_dns *d)
{
        osvif_strv_free(d->nameservers);
        free(d->domain);
        osvif_strv_free(d->search);
        osvif_strv_free(d->options);
        memset(d, 0, sizeof(*d));
}

void osvif_cni_result_free(struct osvif_cni_result *r)
{
        if (!r)
                return;
        for (size_t i = 0; i < r->n_interfaces; i++)
                osvif_cni_interface_clear(&r->interfaces[i]);
        free(r->interfaces);
        free(r->ips);
        free(r->routes);
        osvif_cni_dns_clear(&r->dns);
        free(r);
}

static char *dup_or_null(const char *s, bool *oom)
{
        char *c;

        if (!s)
                return NULL;
        c = strdup(s);
        if (!c)
                *oom = true;
        return c;
}

static char **strv_copy(char *const *v, bool *oom)
{
        char **c = NULL;

        for (size_t i = 0; v && v[i]; i++)
                if (osvif_strv_push(&c, v[i]) < 0) {
                        *oom = true;
                        break;
                }
        return c;
}

static bool copy_dns(struct osvif_cni_dns *dst, const struct osvif_cni_dns *src)
{
        bool oom = false;

        dst->nameservers = strv_copy(src->nameservers, &oom);
        dst->domain = dup_or_null(src->domain, &oom);
        dst->search = strv_copy(src->search, &oom);
        dst->options = strv_copy(src->options, &oom);
        return !oom;
}

/*
 * The room an array of n elements has: n rounded up to a power of two (at least 4). Every
 * array of a result is allocated with at least this much (grow() and osvif_cni_result_copy()
 * keep it so), so that appending is amortized O(1) and building a list of n routes, addresses
 * or interfaces is linear, not quadratic.
 */
static size_t room(size_t n)
{
        size_t c = 4;

        while (c < n)
                c *= 2;
        return n ? c : 0;
}

struct osvif_cni_result *osvif_cni_result_copy(const struct osvif_cni_result *r)
{
        _cleanup_(osvif_cni_result_freep) struct osvif_cni_result *c = osvif_cni_result_new(
                r->version);
        bool oom = false;

        if (!c)
                return NULL;
        /* with room() to spare, as grow() expects of every array */
        c->interfaces = r->n_interfaces ? calloc(room(r->n_interfaces), sizeof(*c->interfaces))
                                        : NULL;
        c->ips = r->n_ips ? calloc(room(r->n_ips), sizeof(*c->ips)) : NULL;
        c->routes = r->n_routes ? calloc(room(r->n_routes), sizeof(*c->routes)) : NULL;
        if ((r->n_interfaces && !c->interfaces) || (r->n_ips && !c->ips) ||
            (r->n_routes && !c->routes))
                return NULL;
        c->n_interfaces = r->n_interfaces;
        for (size_t i = 0; i < r->n_interfaces; i++) {
                const struct osvif_cni_interface *s = &r->interfaces[i];
                struct osvif_cni_interface *d = &c->interfaces[i];

                d->name = dup_or_null(s->name, &oom);
                d->mac = dup_or_null(s->mac, &oom);
                d->mtu = s->mtu;
                d->sandbox = dup_or_null(s->sandbox, &oom);
                d->socket_path = dup_or_null(s->socket_path, &oom);
                d->pci_id = dup_or_null(s->pci_id, &oom);
        }
        c->n_ips = r->n_ips;
        if (r->n_ips)
                memcpy(c->ips, r->ips, r->n_ips * sizeof(*c->ips));
        c->n_routes = r->n_routes;
        if (r->n_routes)
                memcpy(c->routes, r->routes, r->n_routes * sizeof(*c->routes));
        if (oom || !copy_dns(&c->dns, &r->dns))
                return NULL;
        return TAKE_PTR(c);
}

/* Grow an array by one zeroed element; the new element's index, or -1. */
static int grow(void **array, size_t *n, size_t size)
{
        void *a = *array;

        if (*n == room(*n)) {
                size_t cap = room(*n + 1);

                if (*n >= INT_MAX || cap > SIZE_MAX / size)
                        return -1;
                a = realloc(*array, cap * size);
                if (!a)
                        return -1;
                *array = a;
        }
        memset((char *)a + *n * size, 0, size);
        return (int)(*n)++;
}

int osvif_cni_result_add_interface(struct osvif_cni_result *r, const char *name, const char *mac,
                                   const char *sandbox, osvif_error_t *err)
{
        struct osvif_cni_interface *i;
        bool no_mem = false;
        int idx = grow((void **)&r->interfaces, &r->n_interfaces, sizeof(*r->interfaces));

        if (idx < 0)
                return osvif_error_oom(err);
        i = &r->interfaces[idx];
        i->name = dup_or_null(name ? name : "", &no_mem);
        i->mac = dup_or_null(mac, &no_mem);
        i->sandbox = dup_or_null(sandbox, &no_mem);
        if (no_mem) {
                osvif_cni_interface_clear(i);
                r->n_interfaces--;
                return osvif_error_oom(err);
        }
        return idx;
}

int osvif_cni_result_add_ip(struct osvif_cni_result *r, const struct osvif_ipnet *address,
                            const struct osvif_ip *gateway, int interface, osvif_error_t *err)
{
        int idx = grow((void **)&r->ips, &r->n_ips, sizeof(*r->ips));

        if (idx < 0)
                return osvif_error_oom(err);
        r->ips[idx].address = *address;
        if (gateway)
                r->ips[idx].gateway = *gateway;
        r->ips[idx].interface = interface;
        return idx;
}

int osvif_cni_result_add_route(struct osvif_cni_result *r, const struct osvif_cni_route *route,
                               osvif_error_t *err)
{
        int idx = grow((void **)&r->routes, &r->n_routes, sizeof(*r->routes));

        if (idx < 0)
                return osvif_error_oom(err);
        r->routes[idx] = *route;
        return idx;
}

static int strv_append_new(char ***dst, char *const *src)
{
        for (size_t i = 0; src && src[i]; i++)
                if (!osvif_strv_contains(*dst, src[i]) && osvif_strv_push(dst, src[i]) < 0)
                        return -ENOMEM;
        return 0;
}

int osvif_cni_result_merge_dns(struct osvif_cni_result *r, const struct osvif_cni_dns *dns,
                               osvif_error_t *err)
{
        if (strv_append_new(&r->dns.nameservers, dns->nameservers) < 0 ||
            strv_append_new(&r->dns.search, dns->search) < 0 ||
            strv_append_new(&r->dns.options, dns->options) < 0)
                return osvif_error_oom(err);
        if (!r->dns.domain && dns->domain && !(r->dns.domain = strdup(dns->domain)))
                return osvif_error_oom(err);
        return 0;
}
