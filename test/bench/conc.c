/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runs many plugin invocations at a given parallelism, the way a busy node's runtime does,
 * and measures each from outside (fork to reaped), with no shell in between.
 *
 *   conc -p PARALLELISM -d DIR -o LATENCIES_FILE -- PLUGIN
 *
 * Jobs are read from stdin, one a line: "ADD 17" or "DEL 17". Job i runs PLUGIN with
 * CNI_COMMAND from the line, CNI_CONTAINERID=c<i>, CNI_NETNS=/run/netns/c<i>, CNI_IFNAME=eth0
 * and the rest of our environment (CNI_PATH), stdin DIR/c<i>.json, stdout DIR/out-<i>
 * (kept for a failure). Writes "VERB wall_us exit_status" per job to LATENCIES_FILE, and
 * "seconds failures" on stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_JOBS 10000

struct job {
        char verb[8];
        int pod;
        pid_t pid;
        long long start;
};

static long long now_us(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static pid_t spawn(const struct job *j, const char *dir, char **argv)
{
        char path[4096], env[4][64];
        pid_t pid = fork();
        int fd;

        if (pid != 0)
                return pid;
        snprintf(env[0], sizeof(env[0]), "CNI_COMMAND=%s", j->verb);
        snprintf(env[1], sizeof(env[1]), "CNI_CONTAINERID=c%d", j->pod);
        snprintf(env[2], sizeof(env[2]), "CNI_NETNS=/run/netns/c%d", j->pod);
        snprintf(env[3], sizeof(env[3]), "CNI_IFNAME=eth0");
        for (int k = 0; k < 4; k++)
                putenv(env[k]);
        snprintf(path, sizeof(path), "%s/c%d.json", dir, j->pod);
        if ((fd = open(path, O_RDONLY)) < 0 || dup2(fd, 0) < 0)
                _exit(126);
        snprintf(path, sizeof(path), "%s/out-%d", dir, j->pod);
        if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 || dup2(fd, 1) < 0)
                _exit(126);
        execv(argv[0], argv);
        _exit(127);
}

int main(int argc, char **argv)
{
        static struct job jobs[MAX_JOBS];
        const char *dir = NULL, *lat = NULL;
        int par = 1, opt, n = 0, next = 0, running = 0, failures = 0;
        long long start;
        FILE *out;

        while ((opt = getopt(argc, argv, "+p:d:o:")) != -1) {
                if (opt == 'p')
                        par = atoi(optarg);
                else if (opt == 'd')
                        dir = optarg;
                else if (opt == 'o')
                        lat = optarg;
                else
                        return 2;
        }
        if (!dir || !lat || optind >= argc || par < 1) {
                fprintf(stderr, "usage: conc -p N -d DIR -o FILE -- PLUGIN [ARG...]\n");
                return 2;
        }
        while (n < MAX_JOBS && scanf("%7s %d", jobs[n].verb, &jobs[n].pod) == 2)
                n++;
        out = fopen(lat, "w");
        if (!out)
                return 2;
        start = now_us();
        while (next < n || running > 0) {
                long long end;
                int status;
                pid_t pid;

                while (running < par && next < n) {
                        jobs[next].start = now_us();
                        jobs[next].pid = spawn(&jobs[next], dir, argv + optind);
                        if (jobs[next].pid < 0)
                                return 2;
                        next++;
                        running++;
                }
                pid = waitpid(-1, &status, 0);
                if (pid < 0) {
                        if (errno == EINTR)
                                continue;
                        return 2;
                }
                end = now_us();
                for (int k = 0; k < next; k++) {
                        int rc;

                        if (jobs[k].pid != pid)
                                continue;
                        rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
                        fprintf(out, "%s %lld %d\n", jobs[k].verb, end - jobs[k].start, rc);
                        failures += rc != 0;
                        jobs[k].pid = 0;
                        running--;
                        break;
                }
        }
        fclose(out);
        printf("%.3f %d\n", (now_us() - start) / 1e6, failures);
        return 0;
}
