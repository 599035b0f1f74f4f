/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_LOG_H
#define OSVIF_LOG_H

#include <stdbool.h>

/*
 * Logging. Messages go to stderr (which the runtime captures) and, when configured, to a log
 * file. Never to stdout: stdout belongs to main.c's one document.
 *
 * Library code (cni/, src/vif, src/plan, src/backend) logs at debug level only; main.c and
 * the verb handlers may log at info and above.
 */
enum osvif_log_level {
        OSVIF_LOG_ERROR = 0,
        OSVIF_LOG_WARNING = 1,
        OSVIF_LOG_INFO = 2,
        OSVIF_LOG_DEBUG = 3,
};

/* Parse "error", "warning"/"warn", "info", "debug". Returns the level or -1. */
int osvif_log_level_from_string(const char *s);

/*
 * Configure the sinks. `stderr_level` bounds what goes to stderr; `file` (may be NULL) is
 * opened for append and gets messages up to `file_level`. A file that cannot be opened is
 * reported once on stderr and otherwise ignored: logging must never fail an operation.
 * `tag` prefixes each line (e.g. the container id). Strings are copied.
 */
void osvif_log_setup(enum osvif_log_level stderr_level, const char *file,
                     enum osvif_log_level file_level, const char *tag);

/* Close the log file, if any. */
void osvif_log_close(void);

bool osvif_log_enabled(enum osvif_log_level level);

void osvif_log(enum osvif_log_level level, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

#define log_error(...) osvif_log(OSVIF_LOG_ERROR, __VA_ARGS__)
#define log_warning(...) osvif_log(OSVIF_LOG_WARNING, __VA_ARGS__)
#define log_info(...) osvif_log(OSVIF_LOG_INFO, __VA_ARGS__)
#define log_debug(...)                                           \
        do {                                                     \
                if (osvif_log_enabled(OSVIF_LOG_DEBUG))          \
                        osvif_log(OSVIF_LOG_DEBUG, __VA_ARGS__); \
        } while (0)

#endif
