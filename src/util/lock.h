/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_LOCK_H
#define OSVIF_LOCK_H

#include <stdbool.h>

#include "util/error.h"

/*
 * Named inter-process locks under the run directory (OSVIF_RUN_DIR, default /run/osvif):
 * one file per key, flock()ed exclusively or shared. The file is removed when the last
 * holder releases it, so nothing is left behind; a waiter that wakes up holding a lock on an
 * unlinked file retries on the new one.
 */

struct osvif_lock {
        int fd;
        char *path;
        bool shared;
        int dfd; /* the checked run directory it is in (osvif_dir_private(); not ours to close) */
};

#define OSVIF_LOCK_INIT             \
        {                           \
                -1, NULL, false, -1 \
        }

/* The run directory: $OSVIF_RUN_DIR or OSVIF_DEFAULT_RUN_DIR. */
const char *osvif_run_dir(void);
/* The state directory: $OSVIF_STATE_DIR or OSVIF_DEFAULT_STATE_DIR. */
const char *osvif_state_dir(void);

/*
 * Take the lock named `key` (characters [A-Za-z0-9_.:-] only; others are escaped; a key too
 * long for a file name is hashed, see osvif_key_filename()), waiting up to timeout_ms. The run directory is created (0700) if needed and must pass
 * osvif_dir_private() (checked once per process); the lock file is opened O_NOFOLLOW in it,
 * and unlinked relative to it on release. Errors:
 * OSVIF_CNI_ERR_TRY_AGAIN on timeout, OSVIF_ERR_STATE otherwise (a planted symlink, a run
 * directory that others can write or that another user owns).
 */
int osvif_lock_take(struct osvif_lock *lock, const char *key, int timeout_ms, osvif_error_t *err);

/*
 * The same, shared: any number of shared holders at once, none while an exclusive one holds
 * it. Waiting for a shared lock never blocks an exclusive taker out for longer than the
 * shared holders keep it (there is no queue: flock() polled, each side retries).
 */
int osvif_lock_take_shared(struct osvif_lock *lock, const char *key, int timeout_ms,
                           osvif_error_t *err);

/*
 * Turn a held exclusive lock into a shared one. On Linux the conversion is atomic (one
 * flock() under the inode's lock list); flock(2) does not promise that elsewhere. Cannot
 * fail: a shared request by the only holder conflicts with nothing.
 */
void osvif_lock_downgrade(struct osvif_lock *lock);

/*
 * Remove the lock files nobody holds (left by a process that was killed while holding one):
 * each is locked without waiting and unlinked as a release would. Best effort (GC).
 */
void osvif_lock_sweep_stale(void);

/*
 * Release. Exclusive: unlink the file, then close. Shared: the file is unlinked only by the
 * last holder (the one whose non-blocking upgrade to exclusive succeeds), then closed.
 * NULL-safe and idempotent.
 */
void osvif_lock_release(struct osvif_lock *lock);

static inline void osvif_lock_releasep(struct osvif_lock *lock)
{
        osvif_lock_release(lock);
}
#define _cleanup_lock_ __attribute__((cleanup(osvif_lock_releasep)))

#endif
