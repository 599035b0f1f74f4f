/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cni/request.h"
#include "cni/version.h"
#include "plugin.h"
#include "util/cleanup.h"
#include "util/log.h"

/*
 * The only code that writes stdout and picks the exit code. A runtime always sets
 * CNI_COMMAND: then exactly one document goes to stdout, the result or the error. Without
 * CNI_COMMAND we are talking to a person: the about text, or a sub-command (cli.c).
 */

extern char **environ;

static int write_all(int fd, const char *buf, size_t len)
{
        while (len > 0) {
                ssize_t n = write(fd, buf, len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return -1;
                buf += n;
                len -= (size_t)n;
        }
        return 0;
}

static void print_about(void)
{
        fprintf(stderr,
                "CNI plugin %s version %s\nCNI protocol versions supported:", osvif_plugin.name,
                osvif_plugin.version);
        for (int v = 0; v < OSVIF_CNI_V_COUNT; v++)
                fprintf(stderr, "%s %s", v ? "," : "", osvif_cni_version_string(v));
        fprintf(stderr, "\n%s\nRun \"osvif --help\" for the sub-commands.\n", osvif_plugin.about);
}

static int run_cni(void)
{
        _cleanup_free_ char *out = NULL;
        osvif_error_t err = OSVIF_ERROR_INIT;
        enum osvif_cni_version version = OSVIF_CNI_V_LATEST;
        int r;

        r = osvif_cni_run(&osvif_plugin, environ, STDIN_FILENO, &out, &version, &err);
        if (r < 0) {
                free(out);
                out = osvif_cni_error_json(&err, version);
                log_debug("error %d: %s", err.code, err.msg ? err.msg : "");
                osvif_error_clear(&err);
                if (out)
                        (void)write_all(STDOUT_FILENO, out, strlen(out));
                osvif_log_close();
                return 1;
        }
        osvif_log_close();
        if (out && (write_all(STDOUT_FILENO, out, strlen(out)) < 0 ||
                    write_all(STDOUT_FILENO, "\n", 1) < 0))
                return 1;
        return 0;
}

int main(int argc, char **argv)
{
        /* a delegated plugin may exit without reading its stdin */
        signal(SIGPIPE, SIG_IGN);
        if (getenv("CNI_COMMAND"))
                return run_cni();
        if (argc > 1)
                return osvif_cli_main(argc, argv);
        print_about();
        return 0;
}
