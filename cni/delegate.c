/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cni/delegate.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"

/* Delegation to IPAM plugins: lookup in CNI_PATH, fork/exec, and the version fallback. */

#define MAX_OUTPUT (1024 * 1024)
#define TXTBSY_RETRIES 5

static int find_plugin(const struct osvif_cni_request *req, const char *type, char **ret,
                       osvif_error_t *err)
{
        for (size_t i = 0; req->cni_path && req->cni_path[i]; i++) {
                _cleanup_free_ char *p = NULL;
                struct stat st;

                if (asprintf(&p, "%s/%s", req->cni_path[i], type) < 0)
                        return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
                if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0) {
                        *ret = TAKE_PTR(p);
                        return 0;
                }
        }
        return osvif_error_set(err, OSVIF_ERR_IPAM, ENOENT,
                               "ipam plugin \"%s\": not found in CNI_PATH \"%s\"", type,
                               req->cni_path && req->cni_path[0] ? req->cni_path[0] : "");
}

/* Our environment with CNI_COMMAND replaced. */
static char **child_env(const struct osvif_cni_request *req, enum osvif_cni_verb verb)
{
        _cleanup_strv_ char **env = NULL;
        _cleanup_free_ char *cmd = NULL;

        if (asprintf(&cmd, "CNI_COMMAND=%s", osvif_cni_verb_string(verb)) < 0 ||
            osvif_strv_push(&env, cmd) < 0)
                return NULL;
        for (size_t i = 0; req->envp && req->envp[i]; i++)
                if (strncmp(req->envp[i], "CNI_COMMAND=", 12) != 0 &&
                    osvif_strv_push(&env, req->envp[i]) < 0)
                        return NULL;
        return TAKE_PTR(env);
}

struct child_io {
        const char *in;
        size_t in_len;
        char *out;
        size_t out_len;
        int64_t deadline; /* CLOCK_MONOTONIC ms: the bound of the whole delegation */
};

/* Milliseconds left before the deadline, 0 once it has passed. */
static int left_ms(int64_t deadline)
{
        int64_t left = deadline - osvif_now_ms();

        return left > 0 ? (left > INT_MAX ? INT_MAX : (int)left) : 0;
}

/*
 * Feed stdin and collect stdout at once: neither side may fill its pipe and stall. Ends at
 * EOF on stdout, or with -ETIMEDOUT at io->deadline (a plugin that never reads its stdin, or
 * a child of it that keeps stdout open).
 */
static int pump(int in_fd, int out_fd, struct child_io *io)
{
        size_t written = 0, cap = 0;
        int r = 0;

        while (out_fd >= 0) {
                struct pollfd p[2] = { { out_fd, POLLIN, 0 }, { in_fd, POLLOUT, 0 } };
                int n = poll(p, in_fd >= 0 ? 2 : 1, left_ms(io->deadline));

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        break;
                }
                if (n == 0) {
                        r = -ETIMEDOUT;
                        break;
                }
                if (in_fd >= 0 && p[1].revents) {
                        ssize_t w = write(in_fd, io->in + written, io->in_len - written);

                        if (w > 0)
                                written += (size_t)w;
                        if (w < 0 && errno != EINTR && errno != EAGAIN)
                                written = io->in_len; /* the plugin stopped reading */
                        if (written >= io->in_len) {
                                close(in_fd);
                                in_fd = -1;
                        }
                }
                if (p[0].revents) {
                        ssize_t got;

                        if (cap - io->out_len < 4096) {
                                char *nb = realloc(io->out, cap + 65536);

                                if (!nb) {
                                        r = -ENOMEM;
                                        break;
                                }
                                io->out = nb;
                                cap += 65536;
                        }
                        got = read(out_fd, io->out + io->out_len, cap - io->out_len - 1);
                        if (got < 0 && errno == EINTR)
                                continue;
                        if (got <= 0 || io->out_len + (size_t)got > MAX_OUTPUT) {
                                close(out_fd);
                                out_fd = -1;
                        } else {
                                io->out_len += (size_t)got;
                        }
                }
        }
        if (in_fd >= 0)
                close(in_fd);
        if (out_fd >= 0)
                close(out_fd);
        if (io->out)
                io->out[io->out_len] = '\0';
        return r;
}

/*
 * waitpid() bounded by the deadline: a plugin may close its stdout and keep running. POSIX
 * has no waitpid with a timeout, so poll with WNOHANG, from 1 ms (the usual plugin is
 * already gone) up to 50 ms between looks.
 */
static int wait_bounded(pid_t pid, int64_t deadline, int *status)
{
        int pause = 1;

        for (;;) {
                pid_t r = waitpid(pid, status, WNOHANG);

                if (r == pid)
                        return 0;
                if (r < 0 && errno != EINTR)
                        return -errno;
                if (r == 0 && left_ms(deadline) == 0)
                        return -ETIMEDOUT;
                if (r == 0)
                        (void)poll(NULL, 0, pause < left_ms(deadline) ? pause : left_ms(deadline));
                if (pause < 50)
                        pause *= 2;
        }
}

/* The bound expired: the plugin and everything it started in its process group go. */
static void kill_group(pid_t pid)
{
        int status;

        (void)kill(-pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
}

/*
 * fork/exec path with env and the config on stdin. Returns the exit status (>= 0) with
 * stdout in io->out, or -errno when it could not be run (exec failures come back through a
 * close-on-exec pipe).
 */
static int spawn(const char *path, char **env, struct child_io *io)
{
        int in[2] = { -1, -1 }, out[2] = { -1, -1 }, ex[2] = { -1, -1 };
        int status, child_errno = 0, r;
        pid_t pid, parent;

        if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(ex, O_CLOEXEC) < 0) {
                r = -errno;
                goto fail;
        }
        parent = getpid();
        pid = fork();
        if (pid < 0) {
                r = -errno;
                goto fail;
        }
        if (pid == 0) {
                char *argv[] = { (char *)path, NULL };

                /* its own process group, so that a timeout can kill whatever it started */
                (void)setpgid(0, 0);
                /*
                 * and it dies with us: killed (a runtime's timeout, the OOM killer), we can no
                 * longer undo what it does, but the DEL or GC that cleans up after us can, once
                 * it is not still running and reserving behind their back
                 */
                if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
                        _exit(127);
                if (dup2(in[0], STDIN_FILENO) >= 0 && dup2(out[1], STDOUT_FILENO) >= 0)
                        execve(path, argv, env);
                child_errno = errno;
                if (write(ex[1], &child_errno, sizeof(child_errno)) < 0)
                        _exit(127);
                _exit(127);
        }
        /* both sides set the group: whichever runs first, kill(-pid) finds it */
        (void)setpgid(pid, pid);
        close(in[0]);
        close(out[1]);
        close(ex[1]);
        fcntl(in[1], F_SETFL, O_NONBLOCK);
        r = pump(in[1], out[0], io);
        if (r == 0)
                r = wait_bounded(pid, io->deadline, &status);
        if (r == -ETIMEDOUT) {
                kill_group(pid);
                close(ex[0]);
                return r;
        }
        if (r < 0 && waitpid(pid, &status, WNOHANG) == 0)
                kill_group(pid); /* we stopped listening to it: it must not outlive us */
        if (read(ex[0], &child_errno, sizeof(child_errno)) != (ssize_t)sizeof(child_errno))
                child_errno = 0;
        close(ex[0]);
        if (child_errno)
                return -child_errno;
        if (r < 0)
                return r;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
fail:
        for (int i = 0; i < 2; i++) {
                if (in[i] >= 0)
                        close(in[i]);
                if (out[i] >= 0)
                        close(out[i]);
                if (ex[i] >= 0)
                        close(ex[i]);
        }
        return r;
}

static int timeout_ms(const struct osvif_cni_request *req)
{
        return req->ipam_timeout_ms > 0 ? req->ipam_timeout_ms : OSVIF_CNI_IPAM_TIMEOUT_MS;
}

/*
 * Run once, retrying "text file busy" as libcni does (a second apart, five times at most),
 * but within the delegation's bound: ipamTimeout holds for the retries too.
 */
static int run_once(const char *path, const char *type, const struct osvif_cni_request *req,
                    enum osvif_cni_verb verb, const char *conf, size_t len, int64_t deadline,
                    char **ret_out, osvif_error_t *err)
{
        _cleanup_strv_ char **env = child_env(req, verb);
        struct child_io io = { conf, len, NULL, 0, deadline };
        int status = -ETXTBSY;

        if (!env)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        for (int i = 0; i <= TXTBSY_RETRIES && status == -ETXTBSY; i++) {
                /* a pause and a run must fit before the deadline, else "busy" it stays */
                if (i > 0 && left_ms(deadline) <= 1000)
                        break;
                if (i > 0)
                        (void)poll(NULL, 0, 1000);
                free(io.out);
                io.out = NULL;
                io.out_len = 0;
                status = spawn(path, env, &io);
        }
        if (status == -ETIMEDOUT) {
                free(io.out);
                return osvif_error_set(err, OSVIF_ERR_IPAM, ETIMEDOUT,
                                       "ipam plugin \"%s\": %s not done within ipamTimeout %d ms; "
                                       "killed its process group",
                                       type, osvif_cni_verb_string(verb), timeout_ms(req));
        }
        if (status < 0) {
                free(io.out);
                return osvif_error_set_errno(err, OSVIF_ERR_IPAM, -status,
                                             "ipam plugin \"%s\": run \"%s\"", type, path);
        }
        *ret_out = io.out;
        return status;
}

static bool code_ok(double code)
{
        return code >= 0 && code <= INT_MAX && code == (double)(int)code;
}

/* A non-zero exit: the plugin's error document, or its raw output. */
static int plugin_error(const char *type, int status, const char *out, osvif_error_t *err)
{
        osvif_error_t ignored = OSVIF_ERROR_INIT;
        _cleanup_cjson_ cJSON *doc = out && *out ? osvif_json_parse(out, strlen(out), &ignored)
                                                 : NULL;
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(doc, "code");
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(doc, "msg");
        const cJSON *details = cJSON_GetObjectItemCaseSensitive(doc, "details");

        osvif_error_clear(&ignored);
        /*
         * libcni decodes the document into {code uint, msg string}: a code that is not a
         * whole number in range makes the document undecodable, never a clamped code (1e300
         * must not come out as 2147483647).
         */
        if (!cJSON_IsNumber(code) || !cJSON_IsString(msg) || !code_ok(code->valuedouble))
                return osvif_error_set(err, OSVIF_ERR_IPAM, 0,
                                       "ipam plugin \"%s\": exit status %d%s%s%.200s", type, status,
                                       cJSON_IsNumber(code) && !code_ok(code->valuedouble)
                                               ? ", its error document has no valid code"
                                               : "",
                                       out && *out ? ": " : "", out ? out : "");
        /* its own code: a "try again" or "invalid config" means the same to the runtime */
        osvif_error_set(err, code->valueint > 0 ? code->valueint : OSVIF_ERR_IPAM, 0,
                        "ipam plugin \"%s\": %s", type, msg->valuestring);
        if (cJSON_IsString(details))
                osvif_error_set_details(err, details->valuestring);
        return -1;
}

/* The highest version both we (up to `ours`) and the plugin support, from its VERSION answer. */
static int common_version(const char *path, const char *type, const struct osvif_cni_request *req,
                          enum osvif_cni_version ours, int64_t deadline, osvif_error_t *err)
{
        _cleanup_free_ char *out = NULL, *in = NULL;
        _cleanup_cjson_ cJSON *doc = NULL;
        const cJSON *list, *it;
        int status, best = -1;

        if (asprintf(&in, "{\"cniVersion\":\"%s\"}", osvif_cni_version_string(ours)) < 0)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        status = run_once(path, type, req, OSVIF_CNI_VERSION, in, strlen(in), deadline, &out, err);
        if (status < 0)
                return -1;
        doc = status == 0 && out ? osvif_json_parse(out, strlen(out), err) : NULL;
        if (!doc)
                return osvif_error_set(err, OSVIF_ERR_IPAM, 0,
                                       "ipam plugin \"%s\": no usable VERSION answer", type);
        list = cJSON_GetObjectItemCaseSensitive(doc, "supportedVersions");
        cJSON_ArrayForEach(it, list) {
                int v = cJSON_IsString(it) ? osvif_cni_version_parse(it->valuestring) : -1;

                if (v > best && v <= (int)ours)
                        best = v;
        }
        return best;
}

/* The request's config with cniVersion (and prevResult) restated in `version`. */
static char *config_at(const struct osvif_cni_request *req, enum osvif_cni_version version,
                       osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *tree = osvif_json_parse(req->conf_raw, req->conf_len, err);
        cJSON *prev = NULL;

        if (!tree)
                return NULL;
        cJSON_DeleteItemFromObjectCaseSensitive(tree, "cniVersion");
        cJSON_DeleteItemFromObjectCaseSensitive(tree, "cniVersions");
        if (osvif_json_add_string(tree, "cniVersion", osvif_cni_version_string(version)) < 0)
                goto oom;
        if (req->prev_result) {
                prev = osvif_cni_result_to_json(req->prev_result, version, err);
                if (!prev)
                        return NULL;
                cJSON_DeleteItemFromObjectCaseSensitive(tree, "prevResult");
                if (osvif_json_add_item(tree, "prevResult", prev) < 0)
                        goto oom;
        }
        return osvif_json_print(tree);
oom:
        osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        return NULL;
}

static bool verb_needs_v110(enum osvif_cni_verb verb)
{
        return verb == OSVIF_CNI_GC || verb == OSVIF_CNI_STATUS;
}

/*
 * The plugin refused our version (code 1): ask what it speaks and say it again in the
 * highest version we share. Returns the new exit status with its output in *out, 0 with
 * *skipped for a verb the plugin predates, or -1.
 */
static int retry_older(const char *path, const char *type, const struct osvif_cni_request *req,
                       enum osvif_cni_verb verb, int64_t deadline, enum osvif_cni_version *version,
                       char **out, bool *skipped, osvif_error_t *err)
{
        _cleanup_free_ char *conf = NULL;
        osvif_error_t refusal = OSVIF_ERROR_INIT;
        int common;

        osvif_error_move(&refusal, err);
        common = common_version(path, type, req, req->version, deadline, err);
        if (common >= 0 && verb_needs_v110(verb) && common < OSVIF_CNI_V110) {
                log_debug("ipam plugin \"%s\" does not implement %s; skipped", type,
                          osvif_cni_verb_string(verb));
                osvif_error_clear(&refusal);
                *skipped = true;
                return 0;
        }
        if (common < 0 || common == (int)req->version) {
                /* keep the plugin's own refusal: it says more than ours would */
                osvif_error_move(err, &refusal);
                return -1;
        }
        osvif_error_clear(&refusal);
        *version = (enum osvif_cni_version)common;
        conf = config_at(req, *version, err);
        if (!conf)
                return -1;
        free(*out);
        *out = NULL;
        return run_once(path, type, req, verb, conf, strlen(conf), deadline, out, err);
}

static int parse_add_result(const char *type, const char *out, enum osvif_cni_version version,
                            struct osvif_cni_result **ret, osvif_error_t *err)
{
        _cleanup_(osvif_cni_result_freep) struct osvif_cni_result *res = NULL;
        _cleanup_cjson_ cJSON *doc = NULL;

        doc = out && *out ? osvif_json_parse(out, strlen(out), err) : NULL;
        if (!doc) {
                osvif_error_clear(err);
                return osvif_error_set(err, OSVIF_ERR_IPAM, 0,
                                       "ipam plugin \"%s\": ADD printed no result", type);
        }
        if (osvif_cni_result_from_json(doc, version, "ipam result", &res, err) < 0)
                return osvif_error_wrap(err, "ipam plugin \"%s\"", type);
        /* what every reference plugin that delegates refuses ("missing IP config") */
        if (res->n_ips == 0)
                return osvif_error_set(err, OSVIF_ERR_IPAM, 0,
                                       "ipam plugin \"%s\": ADD result has no IP address "
                                       "(\"ips\" empty or missing): %.200s",
                                       type, out);
        *ret = TAKE_PTR(res);
        return 0;
}

int osvif_cni_delegate(const struct osvif_cni_request *req, const char *type,
                       enum osvif_cni_verb verb, struct osvif_cni_result **ret, osvif_error_t *err)
{
        _cleanup_free_ char *path = NULL, *out = NULL;
        enum osvif_cni_version version = req->version;
        /* one bound for the whole delegation, version fallback included */
        int64_t deadline = osvif_now_ms() + timeout_ms(req);
        bool skipped = false;
        int status;

        if (find_plugin(req, type, &path, err) < 0)
                return -1;
        status = run_once(path, type, req, verb, req->conf_raw, req->conf_len, deadline, &out, err);
        /*
         * An older plugin refuses our version with code 1; one that predates GC and STATUS
         * does not even know the command (skel answers code 4). Either way its VERSION
         * answer says what to do.
         */
        if (status > 0 && plugin_error(type, status, out, err) < 0 &&
            (err->code == OSVIF_CNI_ERR_INCOMPATIBLE_VERSION || verb_needs_v110(verb)))
                status = retry_older(path, type, req, verb, deadline, &version, &out, &skipped,
                                     err);
        else if (status > 0)
                return -1;
        if (status < 0)
                return -1;
        if (status > 0)
                return plugin_error(type, status, out, err);
        if (skipped)
                return 1;
        if (verb != OSVIF_CNI_ADD || !ret)
                return 0;
        return parse_add_result(type, out, version, ret, err);
}

int osvif_cni_ipam_add(const struct osvif_cni_request *req, struct osvif_cni_result **ret,
                       osvif_error_t *err)
{
        return osvif_cni_delegate(req, req->ipam_type, OSVIF_CNI_ADD, ret, err);
}

int osvif_cni_ipam_run(const struct osvif_cni_request *req, enum osvif_cni_verb verb,
                       osvif_error_t *err)
{
        if (!req->ipam_type)
                return 0;
        return osvif_cni_delegate(req, req->ipam_type, verb, NULL, err);
}
