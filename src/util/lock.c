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
 * this fail (ELOOP) instead of making root create or truncate its target.
 */
static int try_once(int dfd, const char *name, int op, int *ret_fd, bool *would_block)
{
        _cleanup_close_ int fd = openat(dfd, name,
                                        O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
                                        0600);
        struct stat a, b;

        *would_block = false;
        if (fd < 0)
                return -errno;
        if (fstat(fd, &a) < 0)
                return -errno;
        if (!S_ISREG(a.st_mode))
                return -EINVAL;
        if (flock(fd, op | LOCK_NB) < 0) {
                if (errno != EWOULDBLOCK)
                        return -errno;
                /* held, but only by a last sharer removing the file: retry at once, no sleep */
                *would_block = !(fstatat(dfd, name, &b, AT_SYMLINK_NOFOLLOW) < 0 ||
                                 a.st_ino != b.st_ino || a.st_dev != b.st_dev);
                return 0;
        }
        if (fstatat(dfd, name, &b, AT_SYMLINK_NOFOLLOW) < 0 || a.st_ino != b.st_ino ||
            a.st_dev != b.st_dev)
                return 0;
        *ret_fd = TAKE_FD(fd);
        return 1;
}

static int take(struct osvif_lock *lock, const char *key, bool shared, int timeout_ms,
                osvif_error_t *err)
{
        _cleanup_close_ int dfd = -1;
        _cleanup_free_ char *path = NULL;
        int64_t deadline = osvif_now_ms() + timeout_ms;
        useconds_t pause = 200;
        char name[201];
        int r;

        /* a long key is hashed, never cut: two keys cut alike would share one lock */
        osvif_key_filename("", key, ".lock", name, sizeof(name));
        if (asprintf(&path, "%s/%s", osvif_run_dir(), name) < 0)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        dfd = osvif_dir_open_private(osvif_run_dir(), err);
        if (dfd < 0)
                return osvif_error_wrap(err, "lock \"%s\"", key);
        for (;;) {
                bool would_block;
                int fd = -1;

                r = try_once(dfd, name, shared ? LOCK_SH : LOCK_EX, &fd, &would_block);
                if (r < 0)
                        return osvif_error_set_errno(err, OSVIF_ERR_STATE, -r, "lock \"%s\"", path);
                if (r > 0) {
                        lock->fd = fd;
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
                unlink(lock->path);
        close(lock->fd);
        lock->fd = -1;
        lock->shared = false;
        free(lock->path);
        lock->path = NULL;
}

void osvif_lock_sweep_stale(void)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;
        int dfd = osvif_dir_open_private(osvif_run_dir(), &ignored);
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
                struct stat a, b;

                if (n < 6 || strcmp(de->d_name + n - 5, ".lock") != 0)
                        continue;
                fd = openat(dirfd(d), de->d_name, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
                if (fd < 0 || fstat(fd, &a) < 0 || !S_ISREG(a.st_mode) ||
                    flock(fd, LOCK_EX | LOCK_NB) < 0)
                        continue;
                /* held by nobody: released the usual way (waiters on this inode retry) */
                if (fstatat(dirfd(d), de->d_name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
                    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
                        (void)unlinkat(dirfd(d), de->d_name, 0);
        }
        closedir(d);
}
