/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

static struct {
        enum osvif_log_level stderr_level;
        enum osvif_log_level file_level;
        int fd;
        char *tag;
} log_state = { OSVIF_LOG_WARNING, OSVIF_LOG_INFO, -1, NULL };

static const char *const level_names[] = { "error", "warning", "info", "debug" };

int osvif_log_level_from_string(const char *s)
{
        if (!s)
                return -1;
        if (strcasecmp(s, "warn") == 0)
                return OSVIF_LOG_WARNING;
        for (int i = 0; i <= OSVIF_LOG_DEBUG; i++)
                if (strcasecmp(s, level_names[i]) == 0)
                        return i;
        return -1;
}

void osvif_log_close(void)
{
        if (log_state.fd >= 0)
                close(log_state.fd);
        log_state.fd = -1;
        free(log_state.tag);
        log_state.tag = NULL;
}

void osvif_log_setup(enum osvif_log_level stderr_level, const char *file,
                     enum osvif_log_level file_level, const char *tag)
{
        osvif_log_close();
        log_state.stderr_level = stderr_level;
        log_state.file_level = file_level;
        log_state.tag = tag ? strdup(tag) : NULL;
        if (file && *file) {
                log_state.fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
                if (log_state.fd < 0)
                        dprintf(STDERR_FILENO, "osvif: warning: cannot open log file \"%s\": %m\n",
                                file);
        }
}

bool osvif_log_enabled(enum osvif_log_level level)
{
        return level <= log_state.stderr_level ||
               (log_state.fd >= 0 && level <= log_state.file_level);
}

/* One write() per line, so that concurrent plugins appending to one file do not interleave. */
static void write_line(int fd, char *line, int n, size_t size)
{
        ssize_t r;

        if (n < 0)
                return;
        if ((size_t)n >= size) {
                n = (int)size - 1;
                line[n - 1] = '\n';
        }
        r = write(fd, line, (size_t)n);
        (void)r; /* nothing useful to do when logging itself fails */
}

void osvif_log(enum osvif_log_level level, const char *fmt, ...)
{
        char msg[2048];
        va_list ap;

        if (!osvif_log_enabled(level))
                return;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);

        if (level <= log_state.stderr_level) {
                char line[2200];
                int n = snprintf(line, sizeof(line), "osvif: %s: %s\n", level_names[level], msg);

                write_line(STDERR_FILENO, line, n, sizeof(line));
        }
        if (log_state.fd >= 0 && level <= log_state.file_level) {
                char line[2300], ts[32];
                struct timeval tv;
                struct tm tm;
                int n;

                gettimeofday(&tv, NULL);
                gmtime_r(&tv.tv_sec, &tm);
                strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
                n = snprintf(line, sizeof(line), "%s.%06ldZ [%d] %s%s%s: %s\n", ts,
                             (long)tv.tv_usec, (int)getpid(), log_state.tag ? log_state.tag : "",
                             log_state.tag ? " " : "", level_names[level], msg);
                write_line(log_state.fd, line, n, sizeof(line));
        }
}
