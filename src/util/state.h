/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_STATE_H
#define OSVIF_STATE_H

#include <stdbool.h>
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
 * The private directory `dir`, checked once per process: opened O_DIRECTORY|O_NOFOLLOW|
 * O_CLOEXEC (made, 0700 with its parents, when missing and `create`), refused unless it is
 * a real directory owned by root or by us that neither group nor others can write. Its fd is
 * kept and returned by every later call for the same path, so a verb pays the open and the
 * checks once, not at each file it touches; the caller must not close it. Every file is then
 * reached relative to that fd, which pins the directory that passed the checks: a path
 * swapped for a symlink or another directory afterwards redirects nothing (it is checked
 * when the next process starts). Returns the fd; -ENOENT (no error set) when it does not
 * exist and !create; or -1 with *err (OSVIF_ERR_STATE naming the path). A refusal is not
 * remembered: the next call checks again.
 */
int osvif_dir_private(const char *dir, bool create, osvif_error_t *err);

/*
 * Forget the fd osvif_dir_private() returned (the directory was found removed: nothing can be
 * created in it any more); the next call opens and checks the path again. The fd stays open:
 * a lock taken in it still refers to it.
 */
void osvif_dir_private_forget(int fd);

/*
 * Call fn for each entry (".", ".." included) of the directory just opened as `fd` (its
 * offset at the start; -1 for an open that failed, with errno), read with getdents64 on the
 * fd itself: what opendir()/fdopendir() add, an fstat (and two fcntl), buys nothing here.
 * fn's non-zero return stops the walk and is returned; else 0, with *ret_errno set (else 0)
 * when the directory could not be opened or read.
 */
int osvif_dir_list(int fd, int (*fn)(const char *name, unsigned char type, void *userdata),
                   void *userdata, int *ret_errno);

/* The largest state file osvif_state_read() accepts. */
#define OSVIF_STATE_MAX (1024 * 1024)

/* The longest file (or subdirectory) name: ".<name>.<pid>.tmp" still fits in NAME_MAX. */
#define OSVIF_STATE_NAME_MAX 242

/*
 * State file names: "<file>" in the state directory (osvif_state_dir()), or "<subdir>/<file>"
 * in a subdirectory of it that holds one kind of state. Each part is at most
 * OSVIF_STATE_NAME_MAX bytes, has no '/' and does not start with '.' (so no "..", and no
 * temporary file); any other byte is allowed, since the names carry network names, container
 * ids and interface names. The state directory and the subdirectory must both pass the checks
 * of osvif_dir_private() (the subdirectory's are made at each access, since it goes with its
 * last file); the writer creates them (0700), readers never do.
 */

/*
 * Replace the state file `name` with `data`, atomically: a temporary file in the same
 * directory (".<file>.<pid>.tmp", O_EXCL|O_NOFOLLOW, 0600) is written and fsync()ed, then
 * renamed over `name`, and the directory is fsync()ed. A reader sees the old content or the
 * new one, never a part; after a crash at worst a ".*.tmp" file stays, which readers ignore.
 * A subdirectory removed by another process as we write is made again.
 * 0, or -1 with *err (OSVIF_ERR_STATE; OSVIF_ERR_INTERNAL for a bad name).
 */
int osvif_state_write(const char *name, const void *data, size_t len, osvif_error_t *err);

/*
 * Read the state file `name` (O_NOFOLLOW; a regular file of at most OSVIF_STATE_MAX bytes).
 * 1 with *ret (NUL-terminated, owned by the caller) and *ret_len, 0 when there is none (nor
 * its directory), or -1 with *err (OSVIF_ERR_STATE).
 */
int osvif_state_read(const char *name, char **ret, size_t *ret_len, osvif_error_t *err);

/*
 * Remove the state file `name`; none is fine. A subdirectory ("sub/file") goes with its last
 * file. 0, or -1 with *err (OSVIF_ERR_STATE).
 */
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
/* osvif_run_write() that leaves the file it wrote open for writing (O_CLOEXEC) in *ret_fd. */
int osvif_run_write_keep(const char *name, const void *data, size_t len, int *ret_fd,
                         osvif_error_t *err);
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

/*
 * Call fn with the name (within the directory) of each state file in the state directory
 * (`subdir` NULL) or in its subdirectory `subdir`, after the same directory checks; temporary
 * files, subdirectories and names no state file can have are skipped. A missing directory
 * holds none. fn returning non-zero stops the walk and is returned; else 0, or -1 with *err.
 */
int osvif_state_foreach(const char *subdir, int (*fn)(const char *name, void *userdata),
                        void *userdata, osvif_error_t *err);

/*
 * The same walk, reading each state file as osvif_state_read() would, relative to the
 * directory being listed (no second open and check of it): fn(name, text, len, why, userdata)
 * with the NUL-terminated content, or with text NULL when the file went away since the
 * listing (why NULL) or could not be read (why: the reason).
 */
int osvif_state_foreach_read(const char *subdir,
                             int (*fn)(const char *name, const char *text, size_t len,
                                       const char *why, void *userdata),
                             void *userdata, osvif_error_t *err);

#endif
