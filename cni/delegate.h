/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_CNI_DELEGATE_H
#define OSVIF_CNI_DELEGATE_H

#include "cni/request.h"
#include "cni/result.h"
#include "util/error.h"

/* The default bound of one IPAM delegation (ms): containerd's and CRI-O's own CNI calls. */
#define OSVIF_CNI_IPAM_TIMEOUT_MS 60000

/*
 * Delegation to IPAM plugins, as the spec requires: the plugin named `type` is looked up in
 * the CNI_PATH directories (first regular executable file; a type containing '/' is
 * refused), run with fork/exec (never a shell) with the caller's environment, CNI_COMMAND
 * replaced by `verb`, and the request's config verbatim on its stdin. Its stderr is passed
 * through; its stdout is parsed as a result (ADD) or an error document.
 *
 * Version fallback: when the plugin refuses the config's version with code 1 (Debian's
 * plugins stop at 1.0.0), the highest version both support is taken from the plugin's
 * VERSION answer, and the request is repeated with that cniVersion. GC and STATUS to a
 * plugin that supports no version carrying them are skipped: success, returning 1 instead of
 * 0 so that the caller can do without (GC then sends a DEL per stale attachment).
 *
 * Bound: the whole delegation (writing stdin, reading stdout to EOF, waiting for the exit,
 * the version fallback included) must end within req->ipam_timeout_ms (0: the default,
 * OSVIF_CNI_IPAM_TIMEOUT_MS). The plugin runs in its own process group; when the bound
 * expires the group is killed with SIGKILL and the answer is OSVIF_ERR_IPAM (ETIMEDOUT)
 * naming the plugin and the bound.
 *
 * Errors: the plugin's own error document, wrapped with "ipam plugin \"<type>\"", keeps its
 * code; a plugin that cannot be found or run gives OSVIF_ERR_IPAM.
 */
int osvif_cni_delegate(const struct osvif_cni_request *req, const char *type,
                       enum osvif_cni_verb verb, struct osvif_cni_result **ret, osvif_error_t *err);

/* Convenience: the request's own IPAM type, for ADD (a result) and the others (none). */
int osvif_cni_ipam_add(const struct osvif_cni_request *req, struct osvif_cni_result **ret,
                       osvif_error_t *err);
int osvif_cni_ipam_run(const struct osvif_cni_request *req, enum osvif_cni_verb verb,
                       osvif_error_t *err);

#endif
