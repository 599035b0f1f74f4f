/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/error.h"

/* Out of memory while reporting an error: keep a static message rather than lose the code. */
static char oom_msg[] = "out of memory";

static void free_msg(char *msg)
{
        if (msg != oom_msg)
                free(msg);
}

int osvif_error_setv(osvif_error_t *err, int code, int errnum, const char *fmt, va_list ap)
{
        char *msg = NULL;

        if (!err)
                return -1;
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = oom_msg;
        free_msg(err->msg);
        err->msg = msg;
        err->code = code;
        err->errnum = errnum;
        return -1;
}

int osvif_error_set(osvif_error_t *err, int code, int errnum, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        osvif_error_setv(err, code, errnum, fmt, ap);
        va_end(ap);
        return -1;
}

int osvif_error_set_errno(osvif_error_t *err, int code, int errnum, const char *fmt, ...)
{
        _cleanup_free_ char *head = NULL;
        char reason[128];
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&head, fmt, ap);
        va_end(ap);
        if (r < 0)
                head = NULL;
        /* strerror() capitalises; our messages are lower case throughout */
        snprintf(reason, sizeof(reason), "%s", errnum ? strerror(errnum) : "unknown error");
        if (reason[0] >= 'A' && reason[0] <= 'Z')
                reason[0] = (char)(reason[0] - 'A' + 'a');
        return osvif_error_set(err, code, errnum, "%s: %s", head ? head : "error", reason);
}

__attribute__((format(printf, 3, 0))) static int wrapv(osvif_error_t *err, int code,
                                                       const char *fmt, va_list ap)
{
        _cleanup_free_ char *ctx = NULL;
        char *msg = NULL;

        if (!err)
                return -1;
        if (vasprintf(&ctx, fmt, ap) < 0)
                ctx = NULL; /* keep the inner message: it is the more useful half */
        else if (!osvif_error_is_set(err))
                return osvif_error_set(err, code ? code : OSVIF_ERR_INTERNAL, 0, "%s", ctx);
        if (ctx && asprintf(&msg, "%s: %s", ctx, err->msg ? err->msg : "error") >= 0) {
                free_msg(err->msg);
                err->msg = msg;
        }
        if (code)
                err->code = code;
        return -1;
}

int osvif_error_wrap(osvif_error_t *err, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        wrapv(err, 0, fmt, ap);
        va_end(ap);
        return -1;
}

int osvif_error_recode(osvif_error_t *err, int code)
{
        if (!osvif_error_is_set(err))
                return osvif_error_set(err, code, 0, "error");
        err->code = code;
        return -1;
}

int osvif_error_wrap_code(osvif_error_t *err, int code, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        wrapv(err, code, fmt, ap);
        va_end(ap);
        return -1;
}

void osvif_error_set_details(osvif_error_t *err, const char *details)
{
        if (!err)
                return;
        free(err->details);
        err->details = details ? strdup(details) : NULL;
}

void osvif_error_clear(osvif_error_t *err)
{
        if (!err)
                return;
        free_msg(err->msg);
        free(err->details);
        *err = (osvif_error_t)OSVIF_ERROR_INIT;
}

void osvif_error_move(osvif_error_t *dst, osvif_error_t *src)
{
        osvif_error_clear(dst);
        *dst = *src;
        *src = (osvif_error_t)OSVIF_ERROR_INIT;
}
