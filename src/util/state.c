/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/lock.h"
#include "util/state.h"

static int mkdir_p(const char *dir, mode_t mode)
{
        char buf[512];

        if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
                return -ENAMETOOLONG;
        for (char *p = buf + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(buf, mode) < 0 && errno != EEXIST)
                        return -errno;
                *p = '/';
        }
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

int osvif_dir_open_private(const char *dir, osvif_error_t *err)
{
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        int r;

        /* created only when missing: this runs several times per verb, on ADD's path */
        if (fd < 0 && errno == ENOENT) {
                r = mkdir_p(dir, 0700);
                if (r < 0)
                        return osvif_error_set_errno(err, OSVIF_ERR_STATE, -r,
                                                     "create directory \"%s\"", dir);
                fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (fd < 0 && (errno == ELOOP || errno == ENOTDIR))
                return osvif_error_set(
                        err, OSVIF_ERR_STATE, errno,
                        "directory \"%s\": a symlink or not a directory; refusing it", dir);
        if (fd < 0 || fstat(fd, &st) < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno, "open directory \"%s\"",
                                             dir);
        if (st.st_uid != 0 && st.st_uid != geteuid())
                return osvif_error_set(err, OSVIF_ERR_STATE, EPERM,
                                       "directory \"%s\" is owned by uid %u, not by root or us; "
                                       "refusing it",
                                       dir, (unsigned)st.st_uid);
        if (st.st_mode & (S_IWGRP | S_IWOTH))
                return osvif_error_set(
                        err, OSVIF_ERR_STATE, EPERM,
                        "directory \"%s\" is writable by %s (mode %04o); refusing it", dir,
                        st.st_mode & S_IWOTH ? "others" : "its group",
                        (unsigned)(st.st_mode & 07777));
        return TAKE_FD(fd);
}

static bool name_ok(const char *name)
{
        size_t n = strlen(name);

        if (n == 0 || n > 200 || name[0] == '.')
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = name[i];

                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == ':' || c == '-' || c == '%'))
                        return false;
        }
        return true;
}

static int bad_name(const char *name, osvif_error_t *err)
{
        return osvif_error_set(err, OSVIF_ERR_INTERNAL, EINVAL, "state file name \"%s\" refused",
                               name);
}

static int write_all(int fd, const char *p, size_t len)
{
        while (len > 0) {
                ssize_t n = write(fd, p, len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

/*
 * Write, flush to disk (when `sync`) and rename the temporary file: -errno, having removed it
 * on failure.
 */
static int write_tmp_and_rename(int dfd, const char *tmp, const char *name, const void *data,
                                size_t len, bool sync)
{
        _cleanup_close_ int fd = openat(dfd, tmp,
                                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        int r;

        if (fd < 0 && errno == EEXIST) {
                /* left by a writer with our pid that was killed: ours to replace */
                (void)unlinkat(dfd, tmp, 0);
                fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        }
        if (fd < 0)
                return -errno;
        r = write_all(fd, data, len);
        if (r == 0 && sync && fsync(fd) < 0)
                r = -errno;
        if (r == 0 && close(TAKE_FD(fd)) < 0)
                r = -errno;
        if (r == 0 && renameat(dfd, tmp, dfd, name) < 0)
                r = -errno;
        if (r < 0)
                (void)unlinkat(dfd, tmp, 0); /* rollback: the old file, if any, is untouched */
        return r;
}

static int file_write(const char *dir, const char *name, const void *data, size_t len, bool sync,
                      osvif_error_t *err)
{
        _cleanup_close_ int dfd = -1;
        char tmp[256];
        int r;

        if (!name_ok(name))
                return bad_name(name, err);
        dfd = osvif_dir_open_private(dir, err);
        if (dfd < 0)
                return -1;
        /* the run directory's writers of one name are serialized by their caller: a fixed
         * temporary name, which a later remove can find if a writer was killed */
        if (sync)
                snprintf(tmp, sizeof(tmp), ".%s.%ld.tmp", name, (long)getpid());
        else
                snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
        r = write_tmp_and_rename(dfd, tmp, name, data, len, sync);
        if (r < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, -r, "write state file \"%s/%s\"",
                                             dir, name);
        /* the rename itself must reach the disk before anyone relies on it */
        if (sync && fsync(dfd) < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno,
                                             "write state file \"%s/%s\"", dir, name);
        return 0;
}

int osvif_state_write(const char *name, const void *data, size_t len, osvif_error_t *err)
{
        return file_write(osvif_state_dir(), name, data, len, true, err);
}

int osvif_run_write(const char *name, const void *data, size_t len, osvif_error_t *err)
{
        return file_write(osvif_run_dir(), name, data, len, false, err);
}

static int file_read(const char *dir, const char *name, char **ret, size_t *ret_len,
                     osvif_error_t *err)
{
        _cleanup_close_ int dfd = -1, fd = -1;
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        struct stat st;

        if (!name_ok(name))
                return bad_name(name, err);
        dfd = osvif_dir_open_private(dir, err);
        if (dfd < 0)
                return -1;
        fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
                return 0;
        if (fd < 0 || fstat(fd, &st) < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno,
                                             "read state file \"%s/%s\"", dir, name);
        if (!S_ISREG(st.st_mode) || st.st_size > OSVIF_STATE_MAX)
                return osvif_error_set(err, OSVIF_ERR_STATE, EINVAL,
                                       "read state file \"%s/%s\": not a regular file of at most "
                                       "%d bytes",
                                       dir, name, OSVIF_STATE_MAX);
        buf = malloc((size_t)st.st_size + 1);
        if (!buf)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        while (len < (size_t)st.st_size) {
                ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno,
                                                     "read state file \"%s/%s\"", dir, name);
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        buf[len] = '\0';
        *ret = TAKE_PTR(buf);
        *ret_len = len;
        return 1;
}

int osvif_state_read(const char *name, char **ret, size_t *ret_len, osvif_error_t *err)
{
        return file_read(osvif_state_dir(), name, ret, ret_len, err);
}

int osvif_run_read(const char *name, char **ret, size_t *ret_len, osvif_error_t *err)
{
        return file_read(osvif_run_dir(), name, ret, ret_len, err);
}

static int file_remove(const char *dir, const char *name, bool sync, osvif_error_t *err)
{
        _cleanup_close_ int dfd = -1;

        if (!name_ok(name))
                return bad_name(name, err);
        dfd = osvif_dir_open_private(dir, err);
        if (dfd < 0)
                return -1;
        if (!sync) {
                char tmp[256];

                /* what a writer killed before its rename left (run directory: a fixed name) */
                snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
                (void)unlinkat(dfd, tmp, 0);
        }
        if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno,
                                             "remove state file \"%s/%s\"", dir, name);
        if (sync)
                (void)fsync(dfd); /* best effort: the file is gone either way for every reader */
        return 0;
}

int osvif_state_remove(const char *name, osvif_error_t *err)
{
        return file_remove(osvif_state_dir(), name, true, err);
}

int osvif_run_remove(const char *name, osvif_error_t *err)
{
        return file_remove(osvif_run_dir(), name, false, err);
}

void osvif_key_filename(const char *prefix, const char *key, const char *suffix, char *buf,
                        size_t size)
{
        size_t j = (size_t)snprintf(buf, size, "%s", prefix), limit;
        uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a, 64 bits */
        bool cut = false;

        /* room for the suffix and, should the key not fit, "~" and 16 hex digits */
        limit = size - strlen(suffix) - 18;
        for (size_t i = 0; key[i]; i++) {
                unsigned char c = (unsigned char)key[i];
                bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' || c == '-';

                h = (h ^ c) * 0x100000001b3ULL;
                if (cut || j + (safe ? 1 : 3) > limit) {
                        cut = true;
                        continue;
                }
                if (safe)
                        buf[j++] = (char)c;
                else
                        j += (size_t)snprintf(buf + j, size - j, "%%%02x", c);
        }
        if (cut)
                j += (size_t)snprintf(buf + j, size - j, "~%016llx", (unsigned long long)h);
        snprintf(buf + j, size - j, "%s", suffix);
}
