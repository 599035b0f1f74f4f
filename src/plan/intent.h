/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_INTENT_H
#define OSVIF_INTENT_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/*
 * Intent records: what an ADD is about to create, written before it creates anything.
 *
 * A link gets its owner alias in a second netlink request (the kernel ignores IFLA_IFALIAS
 * at creation), so an ADD killed in between leaves a link that nothing owns. The record
 * closes that gap: one file per attachment in the run directory (a tmpfs, like the links it
 * describes; no fsync), naming the owner, the pod's netns and every link name the plan will
 * create on the host and in the pod that did not exist when ADD started. DEL, GC and the
 * next ADD of the attachment remove each recorded link that carries our owner or no alias at
 * all (never one with another alias), then the record. A successful ADD marks it done and
 * keeps it until DEL: GC then also finds an attachment whose links went away with its netns
 * (a veth's pod end takes the host end along) and can still release its IPAM lease.
 *
 * A step declares its names through its `intent` op (plan/steps.h), so a new step kind
 * gets this by naming what it creates there.
 */

#define OSVIF_INTENT_MAX_NAMES 8

struct osvif_intent {
        char owner[256];
        char netns[PATH_MAX]; /* the pod's netns path at ADD, "" when none */
        char host[OSVIF_INTENT_MAX_NAMES][IF_NAMESIZE];
        size_t n_host;
        char pod[OSVIF_INTENT_MAX_NAMES][IF_NAMESIZE]; /* in the pod's netns */
        size_t n_pod;
        bool done; /* the ADD completed: the attachment is live (else: ADD in progress or
                      interrupted) */
};

/* Record a name (empty names are ignored; the plans never come near the bound). */
void osvif_intent_add_host(struct osvif_intent *in, const char *name);
void osvif_intent_add_pod(struct osvif_intent *in, const char *name);

/* Write the record of in->owner (replacing any). 0, or -1 with *err (OSVIF_ERR_STATE). */
int osvif_intent_write(const struct osvif_intent *in, osvif_error_t *err);

/* The record of `owner`: 1 with *ret, 0 when there is none, -1 with *err. */
int osvif_intent_read(const char *owner, struct osvif_intent *ret, osvif_error_t *err);

/* Remove the record of `owner`; none is fine. */
int osvif_intent_remove(const char *owner, osvif_error_t *err);

/*
 * Every attachment of `network` with a record (GC): fn(container_id, ifname, userdata)
 * returns 0 to go on or a negative errno to stop. 0, or -1 with *err.
 */
int osvif_intent_foreach(const char *network,
                         int (*fn)(const char *container_id, const char *ifname, void *userdata),
                         void *userdata, osvif_error_t *err);

#endif
