/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan/intent.h"
#include "plan/plan.h"
#include "util/cleanup.h"
#include "util/lock.h"
#include "util/state.h"

/*
 * The record, one item a line:
 *   osvif-intent 1
 *   owner osvif <network> <containerID> <ifname>
 *   netns <path>            (when there is one)
 *   host <name>             (one line per name)
 *   pod <name>
 *   done                    (once the ADD completed)
 * Interface names hold no whitespace; a netns path with a newline is not recorded.
 */

#define PREFIX "intent."
#define MAGIC "osvif-intent 1\n"

static void file_name(const char *owner, char buf[201])
{
        osvif_key_filename(PREFIX, owner, "", buf, 201);
}

static void add(char names[][IF_NAMESIZE], size_t *n, const char *name)
{
        if (!name || !*name || *n >= OSVIF_INTENT_MAX_NAMES)
                return;
        for (size_t i = 0; i < *n; i++)
                if (strcmp(names[i], name) == 0)
                        return;
        snprintf(names[(*n)++], IF_NAMESIZE, "%s", name);
}

void osvif_intent_add_host(struct osvif_intent *in, const char *name)
{
        add(in->host, &in->n_host, name);
}

void osvif_intent_add_pod(struct osvif_intent *in, const char *name)
{
        add(in->pod, &in->n_pod, name);
}

#define DONE "done\n"

/*
 * The record this process wrote last, still open. ADD writes its record twice: before it
 * changes anything and, once it completed, the same record with DONE added. The second is
 * one pwrite() of DONE at the end of the open file instead of a new file and a rename: the
 * attachment's lock, held from the first writing to the second, makes this process the
 * record's only writer and remover (osvif_intent_remove() forgets it), and a reader sees the
 * record without its last line or with it (a line cut short would parse as no line at all,
 * and so as a record not done: what it was before).
 */
static struct {
        char name[201];
        int fd;
        size_t len;
        char text[sizeof(struct osvif_intent) + 256];
} last = { .fd = -1 };

static void forget_last(void)
{
        if (last.fd >= 0)
                close(last.fd);
        last.fd = -1;
        last.name[0] = '\0';
}

/* 0 when `text` (len bytes) is the last record plus DONE and DONE was added to its file. */
static int append_done(const char *name, const char *text, size_t len)
{
        size_t d = strlen(DONE);

        if (last.fd < 0 || strcmp(last.name, name) != 0 || len != last.len + d ||
            memcmp(text, last.text, last.len) != 0 || memcmp(text + last.len, DONE, d) != 0)
                return -1;
        if (pwrite(last.fd, DONE, d, (off_t)last.len) != (ssize_t)d)
                return -1; /* rewritten whole: the rename replaces what this added */
        memcpy(last.text + last.len, DONE, d);
        last.len = len;
        return 0;
}

int osvif_intent_write(const struct osvif_intent *in, osvif_error_t *err)
{
        char buf[sizeof(*in) + 256], name[201];
        size_t len;
        int n, fd;

        n = snprintf(buf, sizeof(buf), MAGIC "owner %s\n", in->owner);
        if (in->netns[0] && !strchr(in->netns, '\n'))
                n += snprintf(buf + n, sizeof(buf) - (size_t)n, "netns %s\n", in->netns);
        for (size_t i = 0; i < in->n_host; i++)
                n += snprintf(buf + n, sizeof(buf) - (size_t)n, "host %s\n", in->host[i]);
        for (size_t i = 0; i < in->n_pod; i++)
                n += snprintf(buf + n, sizeof(buf) - (size_t)n, "pod %s\n", in->pod[i]);
        if (in->done)
                n += snprintf(buf + n, sizeof(buf) - (size_t)n, DONE);
        len = (size_t)n;
        file_name(in->owner, name);
        if (append_done(name, buf, len) == 0)
                return 0;
        forget_last();
        if (osvif_run_write_keep(name, buf, len, &fd, err) < 0)
                return -1;
        if (len <= sizeof(last.text)) {
                snprintf(last.name, sizeof(last.name), "%s", name);
                memcpy(last.text, buf, len);
                last.len = len;
                last.fd = fd;
        } else {
                close(fd);
        }
        return 0;
}

/* 1 parsed, 0 not a record of ours (ignored). */
static int parse(char *text, struct osvif_intent *ret)
{
        char *save = NULL, *line;

        memset(ret, 0, sizeof(*ret));
        if (strncmp(text, MAGIC, strlen(MAGIC)) != 0)
                return 0;
        for (line = strtok_r(text + strlen(MAGIC), "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
                if (strncmp(line, "owner ", 6) == 0)
                        snprintf(ret->owner, sizeof(ret->owner), "%s", line + 6);
                else if (strncmp(line, "netns ", 6) == 0)
                        snprintf(ret->netns, sizeof(ret->netns), "%s", line + 6);
                else if (strncmp(line, "host ", 5) == 0 && strlen(line + 5) < IF_NAMESIZE)
                        osvif_intent_add_host(ret, line + 5);
                else if (strncmp(line, "pod ", 4) == 0 && strlen(line + 4) < IF_NAMESIZE)
                        osvif_intent_add_pod(ret, line + 4);
                else if (strcmp(line, "done") == 0)
                        ret->done = true;
        }
        return ret->owner[0] ? 1 : 0;
}

static int read_file(const char *name, struct osvif_intent *ret, osvif_error_t *err)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r = osvif_run_read(name, &text, &len, err);

        if (r <= 0)
                return r;
        return parse(text, ret);
}

int osvif_intent_read(const char *owner, struct osvif_intent *ret, osvif_error_t *err)
{
        char name[201];
        int r;

        file_name(owner, name);
        r = read_file(name, ret, err);
        /* a hashed name shared with another owner is not ours */
        return r > 0 && strcmp(ret->owner, owner) != 0 ? 0 : r;
}

int osvif_intent_remove(const char *owner, osvif_error_t *err)
{
        char name[201];

        file_name(owner, name);
        if (strcmp(last.name, name) == 0)
                forget_last();
        return osvif_run_remove(name, err);
}

int osvif_intent_foreach(const char *network,
                         int (*fn)(const char *container_id, const char *ifname, void *userdata),
                         void *userdata, osvif_error_t *err)
{
        int top = osvif_dir_private(osvif_run_dir(), true, err), dfd;
        struct dirent *de;
        DIR *d;
        int r = 0;

        if (top < 0)
                return -1;
        /* an fd of its own for the listing: the checked one is shared */
        dfd = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        d = dfd < 0 ? NULL : fdopendir(dfd);
        if (!d) {
                if (dfd >= 0)
                        close(dfd);
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno, "list \"%s\"",
                                             osvif_run_dir());
        }
        while (r >= 0 && (de = readdir(d))) {
                struct osvif_intent in;
                char *net, *cid, *ifname;
                osvif_error_t e = OSVIF_ERROR_INIT;

                if (strncmp(de->d_name, PREFIX, strlen(PREFIX)) != 0)
                        continue;
                /* one that vanished or cannot be read is another DEL's business */
                if (read_file(de->d_name, &in, &e) <= 0) {
                        osvif_error_clear(&e);
                        continue;
                }
                if (!osvif_owner_parse(in.owner, &net, &cid, &ifname) || strcmp(net, network) != 0)
                        continue;
                r = fn(cid, ifname, userdata);
                if (r < 0)
                        osvif_error_set_errno(err, OSVIF_ERR_INTERNAL, -r, "attachment %s/%s", cid,
                                              ifname);
        }
        closedir(d);
        return r < 0 ? -1 : 0;
}
