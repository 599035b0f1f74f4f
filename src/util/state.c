/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
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

/* The directory checks of osvif_dir_private() on an open directory `fd` named `dir`. */
static int check_private(int fd, const char *dir, osvif_error_t *err)
{
        struct stat st;

        if (fstat(fd, &st) < 0)
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
        return 0;
}

/* Open `name` under `at` (AT_FDCWD: a path) as a private directory: the fd, -1 with *err, or
 * -ENOENT (no error set) when it does not exist. `dir` names it in messages. */
static int open_private_at(int at, const char *name, const char *dir, osvif_error_t *err)
{
        _cleanup_close_ int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

        if (fd < 0 && errno == ENOENT)
                return -ENOENT;
        if (fd < 0 && (errno == ELOOP || errno == ENOTDIR))
                return osvif_error_set(
                        err, OSVIF_ERR_STATE, errno,
                        "directory \"%s\": a symlink or not a directory; refusing it", dir);
        if (fd < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno, "open directory \"%s\"",
                                             dir);
        if (check_private(fd, dir, err) < 0)
                return -1;
        return TAKE_FD(fd);
}

/* Open `dir` as a private directory, made (0700, with its parents) when missing and `create`. */
static int open_private(const char *dir, bool create, osvif_error_t *err)
{
        int r = open_private_at(AT_FDCWD, dir, dir, err);

        if (r != -ENOENT || !create)
                return r;
        r = mkdir_p(dir, 0700);
        if (r < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, -r, "create directory \"%s\"",
                                             dir);
        r = open_private_at(AT_FDCWD, dir, dir, err);
        if (r == -ENOENT) /* removed as we made it */
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, ENOENT, "open directory \"%s\"",
                                             dir);
        return r;
}

/*
 * The directories this process has checked: path and fd (O_CLOEXEC, so no plugin we exec
 * inherits one). An fd handed out stays open for the life of the process, also once
 * forgotten, since a lock may still refer to it.
 */
static struct checked_dir {
        char *path;
        int fd;
} * checked;
static size_t n_checked;

int osvif_dir_private(const char *dir, bool create, osvif_error_t *err)
{
        struct checked_dir *more;
        char *copy;
        int fd;

        for (size_t i = 0; i < n_checked; i++)
                if (checked[i].fd >= 0 && strcmp(checked[i].path, dir) == 0)
                        return checked[i].fd;
        fd = open_private(dir, create, err);
        if (fd < 0)
                return fd; /* a refusal is not remembered: the next call checks again */
        more = realloc(checked, (n_checked + 1) * sizeof(*checked));
        copy = strdup(dir);
        if (more)
                checked = more;
        if (!more || !copy) {
                free(copy);
                close(fd);
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        }
        checked[n_checked++] = (struct checked_dir){ copy, fd };
        return fd;
}

void osvif_dir_private_forget(int fd)
{
        for (size_t i = 0; i < n_checked; i++)
                if (checked[i].fd == fd)
                        checked[i].fd = -1; /* stays open: see checked_dir */
}

/* One path component: not empty, not starting with '.' (so neither "." nor ".." nor our
 * temporary files), no '/', and short enough that ".<name>.<pid>.tmp" fits in NAME_MAX. */
static bool component_ok(const char *c, size_t n)
{
        return n > 0 && n <= OSVIF_STATE_NAME_MAX && c[0] != '.' && !memchr(c, '/', n);
}

/* "<file>" or "<subdir>/<file>": *ret_sub_len is the subdirectory's length, 0 for none. */
static bool name_ok(const char *name, size_t *ret_sub_len)
{
        const char *slash = strchr(name, '/');

        *ret_sub_len = 0;
        if (!slash)
                return component_ok(name, strlen(name));
        *ret_sub_len = (size_t)(slash - name);
        return component_ok(name, *ret_sub_len) && component_ok(slash + 1, strlen(slash + 1));
}

static int bad_name(const char *name, osvif_error_t *err)
{
        return osvif_error_set(err, OSVIF_ERR_INTERNAL, EINVAL, "state file name \"%s\" refused",
                               name);
}

/*
 * The private directory that holds file `name` of `dir` (the state or run directory, or a
 * subdirectory of it), created when `create`: the fd with *ret_file the file's name in it, -1 with
 * *err, or -ENOENT when !create and the directory does not exist (no file, then). The state or
 * run directory's fd is this process's checked one (osvif_dir_private()); a subdirectory's is
 * returned in *ret_owned as well, for the caller to close (else -1).
 */
static int open_dir_of(const char *dir, const char *name, bool create, const char **ret_file,
                       int *ret_owned, osvif_error_t *err)
{
        char sub[OSVIF_STATE_NAME_MAX + 1], path[PATH_MAX];
        size_t n;
        int top, fd = -ENOENT;

        *ret_owned = -1;
        if (!name_ok(name, &n))
                return bad_name(name, err);
        top = osvif_dir_private(dir, create, err);
        *ret_file = n == 0 ? name : name + n + 1;
        if (top < 0 || n == 0)
                return top;
        memcpy(sub, name, n);
        sub[n] = '\0';
        snprintf(path, sizeof(path), "%s/%s", dir, sub);
        if (!create)
                fd = open_private_at(top, sub, path, err);
        /* twice: a remover may take the emptied subdirectory away between mkdir and open; and
         * once more if the checked directory itself was removed (then its successor is checked) */
        for (int k = 0; create && k < 3 && fd == -ENOENT; k++) {
                if (mkdirat(top, sub, 0700) == 0 || errno == EEXIST) {
                        fd = open_private_at(top, sub, path, err);
                } else if (errno == ENOENT && k == 0) {
                        osvif_dir_private_forget(top);
                        top = osvif_dir_private(dir, true, err);
                        if (top < 0)
                                return -1;
                } else {
                        return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno,
                                                     "create directory \"%s\"", path);
                }
        }
        if (fd == -ENOENT && create)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, ENOENT, "open directory \"%s\"",
                                             path);
        *ret_owned = fd;
        return fd;
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
 * on failure. With ret_fd, the file is left open (for writing) in *ret_fd.
 */
static int write_tmp_and_rename(int dfd, const char *tmp, const char *name, const void *data,
                                size_t len, bool sync, int *ret_fd)
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
        if (r == 0 && !ret_fd && close(TAKE_FD(fd)) < 0)
                r = -errno;
        if (r == 0 && renameat(dfd, tmp, dfd, name) < 0)
                r = -errno;
        if (r < 0)
                (void)unlinkat(dfd, tmp, 0); /* rollback: the old file, if any, is untouched */
        if (r == 0 && ret_fd)
                *ret_fd = TAKE_FD(fd);
        return r;
}

static int file_write(const char *dir, const char *name, const void *data, size_t len, bool sync,
                      int *ret_fd, osvif_error_t *err)
{
        char tmp[NAME_MAX + 1];
        int r = -ENOENT;

        /* twice: a remover may take an emptied subdirectory (or the directory) away between
         * our open and write */
        for (int k = 0; k < 2 && r == -ENOENT; k++) {
                _cleanup_close_ int sub = -1;
                const char *file;
                int dfd = open_dir_of(dir, name, true, &file, &sub, err);

                if (dfd < 0)
                        return -1;
                /* the run directory's writers of one name are serialized by their caller: a
                 * fixed temporary name, which a later remove can find if a writer was killed */
                if (sync)
                        snprintf(tmp, sizeof(tmp), ".%s.%ld.tmp", file, (long)getpid());
                else
                        snprintf(tmp, sizeof(tmp), ".%s.tmp", file);
                r = write_tmp_and_rename(dfd, tmp, file, data, len, sync, ret_fd);
                /* the rename itself must reach the disk before anyone relies on it */
                if (r == 0 && sync && fsync(dfd) < 0)
                        r = -errno;
                if (r == -ENOENT && sub < 0) /* the checked directory was removed */
                        osvif_dir_private_forget(dfd);
        }
        if (r < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, -r, "write state file \"%s/%s\"",
                                             dir, name);
        return 0;
}

int osvif_state_write(const char *name, const void *data, size_t len, osvif_error_t *err)
{
        return file_write(osvif_state_dir(), name, data, len, true, NULL, err);
}

int osvif_run_write(const char *name, const void *data, size_t len, osvif_error_t *err)
{
        return file_write(osvif_run_dir(), name, data, len, false, NULL, err);
}

int osvif_run_write_keep(const char *name, const void *data, size_t len, int *ret_fd,
                         osvif_error_t *err)
{
        *ret_fd = -1;
        return file_write(osvif_run_dir(), name, data, len, false, ret_fd, err);
}

/* Read `file` of the directory open as `dfd`; `dir` and `name` name it in messages. */
static int read_at(int dfd, const char *file, const char *dir, const char *name, char **ret,
                   size_t *ret_len, osvif_error_t *err)
{
        _cleanup_close_ int fd = openat(dfd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        struct stat st;

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

static int file_read(const char *dir, const char *name, char **ret, size_t *ret_len,
                     osvif_error_t *err)
{
        _cleanup_close_ int sub = -1;
        const char *file;
        int dfd = open_dir_of(dir, name, false, &file, &sub, err);

        if (dfd == -ENOENT)
                return 0;
        if (dfd < 0)
                return -1;
        return read_at(dfd, file, dir, name, ret, ret_len, err);
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
        _cleanup_close_ int sub = -1;
        const char *file;
        int dfd = open_dir_of(dir, name, false, &file, &sub, err);

        if (dfd == -ENOENT)
                return 0;
        if (dfd < 0)
                return -1;
        if (!sync) {
                char tmp[NAME_MAX + 1];

                /* what a writer killed before its rename left (run directory: a fixed name) */
                snprintf(tmp, sizeof(tmp), ".%s.tmp", file);
                (void)unlinkat(dfd, tmp, 0);
        }
        if (unlinkat(dfd, file, 0) < 0 && errno != ENOENT)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno,
                                             "remove state file \"%s/%s\"", dir, name);
        if (sync)
                (void)fsync(dfd); /* best effort: the file is gone either way for every reader */
        if (sub >= 0) {
                char subname[OSVIF_STATE_NAME_MAX + 1];
                osvif_error_t ignored = OSVIF_ERROR_INIT;
                int top = osvif_dir_private(dir, false, &ignored);

                /* nothing left behind: a subdirectory goes with its last file (ENOTEMPTY
                 * otherwise, fine; a writer racing with this makes it again, open_dir_of);
                 * removed relative to the checked directory (the cached fd: no syscall) */
                snprintf(subname, sizeof(subname), "%.*s", (int)(file - name - 1), name);
                if (top >= 0)
                        (void)unlinkat(top, subname, AT_REMOVEDIR);
                osvif_error_clear(&ignored);
        }
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

int osvif_dir_list(int fd, int (*fn)(const char *name, unsigned char type, void *userdata),
                   void *userdata, int *ret_errno)
{
        char buf[32768] __attribute__((aligned(8)));

        *ret_errno = 0;
        if (fd < 0) {
                *ret_errno = errno;
                return 0;
        }
        for (;;) {
                ssize_t n = getdents64(fd, buf, sizeof(buf));

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        *ret_errno = errno;
                if (n <= 0)
                        return 0;
                for (ssize_t off = 0; off < n;) {
                        struct dirent64 *e = (struct dirent64 *)(void *)(buf + off);
                        int r = fn(e->d_name, e->d_type, userdata);

                        if (r)
                                return r;
                        off += e->d_reclen;
                }
        }
}

struct state_walk {
        int (*fn)(const char *name, void *userdata);
        int (*fn_read)(const char *name, const char *text, size_t len, const char *why,
                       void *userdata);
        void *userdata;
        int dfd;
        const char *subdir;
};

static int state_entry(const char *name, unsigned char type, void *data)
{
        struct state_walk *w = data;
        osvif_error_t e = OSVIF_ERROR_INIT;
        _cleanup_free_ char *text = NULL;
        char path[PATH_MAX];
        size_t n, len = 0;
        int r;

        /* ".", "..", temporary files and what no state file can be called */
        if (!name_ok(name, &n) || n > 0 || (type != DT_REG && type != DT_UNKNOWN))
                return 0;
        if (!w->fn_read)
                return w->fn(name, w->userdata);
        /* read as osvif_state_read() would, in the directory being listed */
        snprintf(path, sizeof(path), "%s%s%s", w->subdir ? w->subdir : "", w->subdir ? "/" : "",
                 name);
        r = read_at(w->dfd, name, osvif_state_dir(), path, &text, &len, &e);
        r = w->fn_read(name, r > 0 ? text : NULL, len, r < 0 ? e.msg : NULL, w->userdata);
        osvif_error_clear(&e);
        return r;
}

static int state_walk(const char *subdir, struct state_walk *w, osvif_error_t *err)
{
        _cleanup_close_ int sub = -1, own = -1;
        char probe[OSVIF_STATE_NAME_MAX + 3];
        const char *file;
        int dfd, r, e;

        /* the directory as a state file's would be: same name rules, same checks */
        if (subdir && (strlen(subdir) > OSVIF_STATE_NAME_MAX || strchr(subdir, '/')))
                return bad_name(subdir, err);
        snprintf(probe, sizeof(probe), "%s%sx", subdir ? subdir : "", subdir ? "/" : "");
        dfd = open_dir_of(osvif_state_dir(), probe, false, &file, &sub, err);
        if (dfd == -ENOENT)
                return 0;
        if (dfd < 0)
                return -1;
        w->dfd = dfd;
        w->subdir = subdir;
        /* the state directory's checked fd is shared: it gets a file offset of its own */
        if (sub < 0) {
                own = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                dfd = own;
        }
        r = osvif_dir_list(dfd, state_entry, w, &e);
        if (e)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, e, "list \"%s%s%s\"",
                                             osvif_state_dir(), subdir ? "/" : "",
                                             subdir ? subdir : "");
        return r;
}

int osvif_state_foreach(const char *subdir, int (*fn)(const char *name, void *userdata),
                        void *userdata, osvif_error_t *err)
{
        struct state_walk w = { .fn = fn, .userdata = userdata };

        return state_walk(subdir, &w, err);
}

int osvif_state_foreach_read(const char *subdir,
                             int (*fn)(const char *name, const char *text, size_t len,
                                       const char *why, void *userdata),
                             void *userdata, osvif_error_t *err)
{
        struct state_walk w = { .fn_read = fn, .userdata = userdata };

        return state_walk(subdir, &w, err);
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
