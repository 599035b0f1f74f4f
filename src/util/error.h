/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_ERROR_H
#define OSVIF_ERROR_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>

/*
 * The one error type of osvif.
 *
 * A function that can fail takes `osvif_error_t *err` as its last parameter and returns a
 * negative value (or NULL) with *err set; on success *err is left untouched. Callers add
 * context on the way up with osvif_error_wrap(). Only main.c turns an error into CNI error
 * JSON on stdout.
 *
 * `code` is the CNI error code that reaches the runtime; `errnum` the errno behind it, if any
 * (0 otherwise); `msg` is lower case with quoted values; `details` is optional free text.
 */
typedef struct osvif_error {
        int code;
        int errnum;
        char *msg;
        char *details;
} osvif_error_t;

#define OSVIF_ERROR_INIT         \
        {                        \
                0, 0, NULL, NULL \
        }

/* CNI error codes, from the spec (SPEC.md, "Error") and ours from 100 up. */
enum osvif_cni_code {
        OSVIF_CNI_OK = 0,
        OSVIF_CNI_ERR_INCOMPATIBLE_VERSION = 1,
        OSVIF_CNI_ERR_UNSUPPORTED_FIELD = 2,
        OSVIF_CNI_ERR_UNKNOWN_CONTAINER = 3,
        OSVIF_CNI_ERR_INVALID_ENV = 4,
        OSVIF_CNI_ERR_IO = 5,
        OSVIF_CNI_ERR_DECODE = 6,
        OSVIF_CNI_ERR_INVALID_CONFIG = 7,
        OSVIF_CNI_ERR_TRY_AGAIN = 11,
        OSVIF_CNI_ERR_NOT_AVAILABLE = 50,
        OSVIF_CNI_ERR_LIMITED_CONNECTIVITY = 51,
        /* ours: documented in README.md, "Error codes" */
        OSVIF_ERR_INTERNAL = 100,    /* a bug or an unexpected condition */
        OSVIF_ERR_NETLINK = 101,     /* the kernel refused a netlink request */
        OSVIF_ERR_NETNS = 102,       /* the pod netns cannot be opened or entered */
        OSVIF_ERR_EXISTS = 103,      /* the interface or a conflicting resource exists */
        OSVIF_ERR_NOT_FOUND = 104,   /* a device the VIF names is missing */
        OSVIF_ERR_IPAM = 105,        /* the delegated IPAM plugin failed */
        OSVIF_ERR_OVSDB = 106,       /* OVSDB refused a transaction */
        OSVIF_ERR_OVS_PORT = 107,    /* ovs-vswitchd did not realize a port in time */
        OSVIF_ERR_STATE = 108,       /* a state file or lock could not be used */
        OSVIF_ERR_CHECK = 109,       /* CHECK found the attachment missing or wrong */
        OSVIF_ERR_UNSUPPORTED = 110, /* a valid VIF this build or host cannot serve */
};

/*
 * Set *err and return -1. Any message already in *err is replaced (freed). `code` is a CNI
 * code, `errnum` an errno value or 0. The message is formatted with printf rules.
 */
int osvif_error_set(osvif_error_t *err, int code, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
int osvif_error_setv(osvif_error_t *err, int code, int errnum, const char *fmt, va_list ap)
        __attribute__((format(printf, 4, 0)));

/* Like osvif_error_set(), with the errno's text appended: `<msg>: <strerror(errnum)>`. */
int osvif_error_set_errno(osvif_error_t *err, int code, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Out of memory: OSVIF_ERR_INTERNAL with ENOMEM. Returns -1. */
static inline int osvif_error_oom(osvif_error_t *err)
{
        return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
}

/*
 * Prefix the message of a set error with context: `<context>: <old msg>`. Code and errnum
 * are kept. Returns -1 so that `return osvif_error_wrap(err, ...)` reads naturally. On an
 * unset error (code 0 and no message) it behaves like osvif_error_set(err, OSVIF_ERR_INTERNAL,..).
 */
int osvif_error_wrap(osvif_error_t *err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/*
 * osvif_error_wrap() that also gives the error the CNI code the caller knows it to mean: a
 * lower layer reports what failed (a JSON type mismatch, a socket error), the caller what it
 * means to the runtime (an undecodable result, a plugin that is not available).
 */
int osvif_error_wrap_code(osvif_error_t *err, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* The same without context: the message already names the field. Returns -1. */
int osvif_error_recode(osvif_error_t *err, int code);

/* Replace the details text (a copy is taken; NULL clears). */
void osvif_error_set_details(osvif_error_t *err, const char *details);

/* Free the strings and reset to OSVIF_ERROR_INIT. NULL-safe. */
void osvif_error_clear(osvif_error_t *err);

/* Move src into *dst (dst cleared first); src is left reset. */
void osvif_error_move(osvif_error_t *dst, osvif_error_t *src);

static inline bool osvif_error_is_set(const osvif_error_t *err)
{
        return err && (err->code != 0 || err->msg != NULL);
}

#endif
