/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_CLEANUP_H
#define OSVIF_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cjson/cJSON.h>

/*
 * Scope-bound ownership. A variable declared with one of these attributes is released when it
 * goes out of scope; it must always be initialised (NULL or -1). Hand ownership over with
 * TAKE_PTR() / TAKE_FD(), which return the value and reset the variable.
 */

#define _cleanup_(f) __attribute__((cleanup(f)))

#define TAKE_PTR(p)                      \
        ({                               \
                __typeof__(p) _p_ = (p); \
                (p) = NULL;              \
                _p_;                     \
        })

#define TAKE_FD(fd)              \
        ({                       \
                int _fd_ = (fd); \
                (fd) = -1;       \
                _fd_;            \
        })

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void osvif_freep(void *p)
{
        free(*(void **)p);
}

/* close(), keeping errno as it was: cleanup runs on error paths that report errno. */
static inline void osvif_closep(int *fd)
{
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
        }
}

static inline void osvif_fclosep(FILE **f)
{
        if (*f)
                fclose(*f);
}

static inline void osvif_closedirp(DIR **d)
{
        if (*d)
                closedir(*d);
}

static inline void osvif_cjson_deletep(cJSON **j)
{
        cJSON_Delete(*j);
}

/* Free a NULL-terminated vector of strings. */
void osvif_strv_free(char **v);
static inline void osvif_strv_freep(char ***v)
{
        osvif_strv_free(*v);
}

#define _cleanup_free_ _cleanup_(osvif_freep)
#define _cleanup_close_ _cleanup_(osvif_closep)
#define _cleanup_fclose_ _cleanup_(osvif_fclosep)
#define _cleanup_closedir_ _cleanup_(osvif_closedirp)
#define _cleanup_cjson_ _cleanup_(osvif_cjson_deletep)
#define _cleanup_strv_ _cleanup_(osvif_strv_freep)

/* Declare a cleanup function for a type that has a NULL-safe (or NULL-checked) destructor. */
#define OSVIF_DEFINE_TRIVIAL_CLEANUP(type, func) \
        static inline void func##p(type *p)      \
        {                                        \
                if (*p)                          \
                        func(*p);                \
        }

#endif
