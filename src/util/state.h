/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_STATE_H
#define OSVIF_STATE_H

#include <stddef.h>

#include "util/error.h"

/*
 * osvif's private directories (the run directory for locks, the state directory for what DEL
 * must restore) and the state files in them. Root writes here, so nothing in them may be
 * steered by anyone else: a directory is only used when it is a real directory (not a
 * symlink) owned by root or by us that neither group nor others can write, and files are
 * opened relative to it with O_NOFOLLOW, so a planted symlink is never followed.
 */

/*
 * Create `dir` (and its parents, 0700) when missing and open it O_DIRECTORY|O_NOFOLLOW.
 * Returns the directory fd, or -1 with *err (OSVIF_ERR_STATE naming the path) when it cannot
 * be made or opened, is a symlink, is owned by another user, or is group or world writable.
 */
int osvif_dir_open_private(const char *dir, osvif_error_t *err);

/* The largest state file osvif_state_read() accepts. */
#define OSVIF_STATE_MAX (1024 * 1024)

/*
 * Replace the state file `name` (characters [A-Za-z0-9_.:-], not starting with '.') in the
 * state directory (osvif_state_dir()) with `data`, atomically: a temporary file in the same
 * directory (".<name>.<pid>.tmp", O_EXCL|O_NOFOLLOW, 0600) is written and fsync()ed, then
 * renamed over `name`, and the directory is fsync()ed. A reader sees the old content or the
 * new one, never a part; after a crash at worst a ".*.tmp" file stays, which readers ignore.
 * 0, or -1 with *err (OSVIF_ERR_STATE; OSVIF_ERR_INTERNAL for a bad name).
 */
int osvif_state_write(const char *name, const void *data, size_t len, osvif_error_t *err);

/*
 * Read the state file `name` (O_NOFOLLOW; a regular file of at most OSVIF_STATE_MAX bytes).
 * 1 with *ret (NUL-terminated, owned by the caller) and *ret_len, 0 when there is none, or -1
 * with *err (OSVIF_ERR_STATE).
 */
int osvif_state_read(const char *name, char **ret, size_t *ret_len, osvif_error_t *err);

/* Remove the state file `name`; none is fine. 0, or -1 with *err (OSVIF_ERR_STATE). */
int osvif_state_remove(const char *name, osvif_error_t *err);

/*
 * The same three for files in the run directory (osvif_run_dir(): a tmpfs, /run/osvif),
 * without fsync: what lives there describes links and locks that do not survive a reboot
 * either, so a crash of the machine loses nothing that still matters, and ADD pays no disk
 * flush for it. The caller serializes the writers of one name (the intent records: the
 * attachment's lock), so the temporary file has a fixed name, ".<name>.tmp", and
 * osvif_run_remove() removes one that a killed writer left.
 */
int osvif_run_write(const char *name, const void *data, size_t len, osvif_error_t *err);
int osvif_run_read(const char *name, char **ret, size_t *ret_len, osvif_error_t *err);
int osvif_run_remove(const char *name, osvif_error_t *err);

/*
 * A file name for a key of any length (locks, intent records): `prefix`, the key with each
 * byte outside [A-Za-z0-9_.:-] written as %xx, then `suffix`, in at most size-1 bytes. A key
 * too long for that is never silently cut: its first part is kept and "~" plus a 64-bit hash
 * (FNV-1a) of the whole key is appended, so two long keys share a name only if their hashes
 * collide. `size` must leave room for prefix, suffix and 20 more bytes.
 */
void osvif_key_filename(const char *prefix, const char *key, const char *suffix, char *buf,
                        size_t size);

#endif
