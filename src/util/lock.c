/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/clock.h"
#include "util/lock.h"
#include "util/state.h"

/*
 * flock() on a file that is unlinked on release, so that nothing stays behind. A waiter
 * that wins the lock on a file already unlinked by the previous holder sees that the path
 * no longer names its inode and starts over on the new file.
 */

const char *osvif_run_dir(void)
{
        const char *d = getenv("OSVIF_RUN_DIR");

        return d && *d ? d : OSVIF_DEFAULT_RUN_DIR;
}

const char *osvif_state_dir(void)
{
        const char *d = getenv("OSVIF_STATE_DIR");

        return d && *d ? d : OSVIF_DEFAULT_STATE_DIR;
}

/*
 * 1 locked the live file, 0 locked a stale (unlinked) one, -errno on failure. Opened relative
 * to the checked run directory with O_NOFOLLOW: a symlink planted under the lock's name makes
 * this fail (ELOOP) instead of making root create or truncate its target. Whether the name
 * still leads to the file is read from the file's link count (one fstat, after the flock):
 * lock files are only ever unlinked, never linked or renamed, so a file with a link is the
 * one its name leads to, and one without was unlinked by a releasing holder.
 */
static int try_once(int dfd, const char *name, int op, int *ret_fd, bool *would_block)
{
        _cleanup_close_ int fd = openat(dfd, name,
                                        O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
                                        0600);
        struct stat st;
        bool held;

        *would_block = false;
        if (fd < 0)
                return -errno;
        held = flock(fd, op | LOCK_NB) < 0;
        if (held && errno != EWOULDBLOCK)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EINVAL;
        if (held) {
                /* held, but only by a last sharer removing the file: retry at once, no sleep */
                *would_block = st.st_nlink > 0;
                return 0;
        }
        if (st.st_nlink == 0)
                return 0;
        *ret_fd = TAKE_FD(fd);
        return 1;
}

static int take(struct osvif_lock *lock, const char *key, bool shared, int timeout_ms,
                osvif_error_t *err)
{
        _cleanup_free_ char *path = NULL;
        int64_t deadline = osvif_now_ms() + timeout_ms;
        useconds_t pause = 200;
        bool reopened = false;
        char name[201];
        int dfd, r;

        /* a long key is hashed, never cut: two keys cut alike would share one lock */
        osvif_key_filename("", key, ".lock", name, sizeof(name));
        if (asprintf(&path, "%s/%s", osvif_run_dir(), name) < 0)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        /* this process's checked run directory (opened and checked at its first lock) */
        dfd = osvif_dir_private(osvif_run_dir(), true, err);
        if (dfd < 0)
                return osvif_error_wrap(err, "lock \"%s\"", key);
        for (;;) {
                bool would_block;
                int fd = -1;

                r = try_once(dfd, name, shared ? LOCK_SH : LOCK_EX, &fd, &would_block);
                if (r == -ENOENT && !reopened) {
                        /* the run directory was removed since we checked it: check its successor */
                        reopened = true;
                        osvif_dir_private_forget(dfd);
                        dfd = osvif_dir_private(osvif_run_dir(), true, err);
                        if (dfd < 0)
                                return osvif_error_wrap(err, "lock \"%s\"", key);
                        continue;
                }
                if (r < 0)
                        return osvif_error_set_errno(err, OSVIF_ERR_STATE, -r, "lock \"%s\"", path);
                if (r > 0) {
                        lock->fd = fd;
                        lock->dfd = dfd;
                        lock->path = TAKE_PTR(path);
                        lock->shared = shared;
                        return 0;
                }
                if (would_block && osvif_now_ms() >= deadline)
                        return osvif_error_set(err, OSVIF_CNI_ERR_TRY_AGAIN, EWOULDBLOCK,
                                               "lock \"%s\": still held after %d ms", path,
                                               timeout_ms);
                /* short sleeps: the locks we take are held for a few netlink requests */
                if (would_block) {
                        usleep(pause);
                        if (pause < 20000)
                                pause *= 2;
                }
        }
}

int osvif_lock_take(struct osvif_lock *lock, const char *key, int timeout_ms, osvif_error_t *err)
{
        return take(lock, key, false, timeout_ms, err);
}

int osvif_lock_take_shared(struct osvif_lock *lock, const char *key, int timeout_ms,
                           osvif_error_t *err)
{
        return take(lock, key, true, timeout_ms, err);
}

void osvif_lock_downgrade(struct osvif_lock *lock)
{
        if (lock && lock->fd >= 0 && !lock->shared && flock(lock->fd, LOCK_SH) == 0)
                lock->shared = true;
}

void osvif_lock_release(struct osvif_lock *lock)
{
        if (!lock || lock->fd < 0) {
                if (lock) {
                        free(lock->path);
                        lock->path = NULL;
                }
                return;
        }
        /*
         * Unlink while still holding it exclusively: whoever waits on this inode will retry.
         * A shared holder may unlink only as the last one; the failed upgrade drops its share
         * (the kernel removes the old lock before it tries the new one), and a holder that
         * releases later finds itself last.
         */
        if (lock->path && (!lock->shared || flock(lock->fd, LOCK_EX | LOCK_NB) == 0))
                (void)unlinkat(lock->dfd, strrchr(lock->path, '/') + 1, 0);
        close(lock->fd);
        lock->fd = -1;
        lock->dfd = -1;
        lock->shared = false;
        free(lock->path);
        lock->path = NULL;
}

void osvif_lock_sweep_stale(void)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;
        int top = osvif_dir_private(osvif_run_dir(), true, &ignored);
        /* an fd of its own for the listing: the checked one is shared */
        int dfd = top < 0 ? -1 : openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct dirent *de;
        DIR *d;

        osvif_error_clear(&ignored);
        if (dfd < 0)
                return;
        d = fdopendir(dfd);
        if (!d) {
                close(dfd);
                return;
        }
        while ((de = readdir(d))) {
                size_t n = strlen(de->d_name);
                _cleanup_close_ int fd = -1;
                struct stat st;

                if (n < 6 || strcmp(de->d_name + n - 5, ".lock") != 0)
                        continue;
                fd = openat(dirfd(d), de->d_name, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
                if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0 || fstat(fd, &st) < 0 ||
                    !S_ISREG(st.st_mode))
                        continue;
                /* held by nobody: released the usual way (waiters on this inode retry); one
                 * already unlinked (no link left) is not the one the name leads to now */
                if (st.st_nlink > 0)
                        (void)unlinkat(dirfd(d), de->d_name, 0);
        }
        closedir(d);
}
