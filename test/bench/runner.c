/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runs one command, the way a runtime runs a plugin (environment + stdin), and measures it
 * from outside: wall time from fork to reaped, CPU time and peak RSS from wait4()'s rusage.
 *
 *   runner [-i STDIN_FILE] [-o STDOUT_FILE] -- COMMAND [ARG...]
 *
 * Prints "wall_us cpu_us maxrss_kb exit_status" on stderr's twin, fd 3 (stdout and stderr of
 * the command are left to it). Exits with the command's status.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
        const char *in = NULL, *out = NULL;
        struct rusage ru;
        long long start, wall;
        int status, opt;
        pid_t pid;

        while ((opt = getopt(argc, argv, "+i:o:")) != -1) {
                if (opt == 'i')
                        in = optarg;
                else if (opt == 'o')
                        out = optarg;
                else
                        return 2;
        }
        if (optind >= argc) {
                fprintf(stderr, "usage: runner [-i FILE] [-o FILE] -- COMMAND [ARG...]\n");
                return 2;
        }
        start = now_us();
        pid = fork();
        if (pid < 0)
                return 2;
        if (pid == 0) {
                int fd;

                if (in && ((fd = open(in, O_RDONLY)) < 0 || dup2(fd, 0) < 0))
                        _exit(126);
                if (out &&
                    ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 || dup2(fd, 1) < 0))
                        _exit(126);
                execvp(argv[optind], argv + optind);
                _exit(127);
        }
        while (wait4(pid, &status, 0, &ru) < 0)
                if (errno != EINTR)
                        return 2;
        wall = now_us() - start;
        dprintf(3, "%lld %lld %ld %d\n", wall,
                (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
                        ru.ru_utime.tv_usec + ru.ru_stime.tv_usec,
                ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
