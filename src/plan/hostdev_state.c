/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan/hostdev_state.h"
#include "util/addr.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/lock.h"
#include "util/log.h"
#include "util/sysfs.h"

int osvif_hostdev_state_dir(char *buf, size_t size)
{
        int n = snprintf(buf, size, "%s/hostdev", osvif_state_dir());

        return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int file_of(const char *pci, char *buf, size_t size)
{
        char dir[400];

        if (osvif_hostdev_state_dir(dir, sizeof(dir)) < 0 || strchr(pci, '/'))
                return -ENAMETOOLONG;
        return snprintf(buf, size, "%s/%s.json", dir, pci) >= (int)size ? -ENAMETOOLONG : 0;
}

static int mkdirs(const char *dir)
{
        char buf[512];

        if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
                return -ENAMETOOLONG;
        for (char *p = buf + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(buf, 0700) < 0 && errno != EEXIST)
                        return -errno;
                *p = '/';
        }
        return mkdir(buf, 0700) < 0 && errno != EEXIST ? -errno : 0;
}

static cJSON *to_json(const struct osvif_hostdev_state *s)
{
        _cleanup_cjson_ cJSON *o = cJSON_CreateObject(), *vf = NULL;
        char mac[OSVIF_MAC_STRLEN];
        int r = 0;

        if (!o)
                return NULL;
        r |= osvif_json_add_string(o, "owner", s->owner);
        r |= osvif_json_add_string(o, "netns", s->netns);
        r |= osvif_json_add_string(o, "pci", s->pci);
        r |= osvif_json_add_string(o, "devType", s->ethernet ? "ethernet" : "generic");
        r |= osvif_json_add_string(o, "name", s->name);
        r |= osvif_json_add_string(o, "mac", osvif_mac_format(s->mac, mac));
        r |= osvif_json_add_int(o, "mtu", s->mtu);
        r |= osvif_json_add_bool(o, "up", s->up);
        r |= osvif_json_add_string(o, "alias", s->alias);
        r |= osvif_json_add_string(o, "pf", s->pf);
        r |= osvif_json_add_int(o, "vfIndex", s->vf_index);
        r |= osvif_json_add_string(o, "representor", s->representor);
        r |= osvif_json_add_bool(o, "representorUp", s->representor_up);
        r |= osvif_json_add_int(o, "representorMtu", s->representor_mtu);
        if (s->pf_set) {
                vf = cJSON_CreateObject();
                if (!vf)
                        return NULL;
                r |= osvif_json_add_string(vf, "mac", osvif_mac_format(s->vf.mac, mac));
                r |= osvif_json_add_int(vf, "vlan", s->vf.vlan);
                r |= osvif_json_add_int(vf, "qos", s->vf.qos);
                r |= osvif_json_add_int(vf, "spoofchk", s->vf.spoofchk);
                r |= osvif_json_add_int(vf, "trust", s->vf.trust);
                r |= osvif_json_add_int(vf, "linkState", s->vf.link_state);
                r |= osvif_json_add_int(vf, "minTxRate", s->vf.min_tx_rate);
                r |= osvif_json_add_int(vf, "maxTxRate", s->vf.max_tx_rate);
                r |= osvif_json_add_item(o, "pfSide", TAKE_PTR(vf));
        }
        return r ? NULL : TAKE_PTR(o);
}

static int write_all(int fd, const char *s)
{
        size_t len = strlen(s);

        while (len > 0) {
                ssize_t n = write(fd, s, len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                s += n;
                len -= (size_t)n;
        }
        return 0;
}

int osvif_hostdev_state_save(const struct osvif_hostdev_state *s, osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *j = to_json(s);
        _cleanup_free_ char *text = j ? osvif_json_print(j) : NULL;
        _cleanup_(osvif_closep) int fd = -1, dfd = -1;
        char dir[400], path[512], tmp[540];
        int r;

        if (!text)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        if (osvif_hostdev_state_dir(dir, sizeof(dir)) < 0 ||
            file_of(s->pci, path, sizeof(path)) < 0)
                return osvif_error_set(err, OSVIF_ERR_STATE, ENAMETOOLONG,
                                       "state file of VF \"%s\": path too long", s->pci);
        snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid());
        /* twice: a DEL that removed the last claim may remove the directory in between */
        for (int k = 0; k < 2 && fd < 0; k++) {
                r = mkdirs(dir);
                if (r < 0)
                        return osvif_error_set_errno(err, OSVIF_ERR_STATE, -r, "create \"%s\"",
                                                     dir);
                fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        }
        if (fd < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno, "create \"%s\"", tmp);
        r = write_all(fd, text);
        if (r == 0)
                r = write_all(fd, "\n");
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (r == 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0) {
                unlink(tmp);
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, -r, "write \"%s\"", path);
        }
        /* the rename itself survives a crash only once the directory is on disk */
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0)
                (void)fsync(dfd);
        return 0;
}

static int get_str(const cJSON *o, const char *key, char *buf, size_t size)
{
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

        if (!cJSON_IsString(v) || strlen(v->valuestring) >= size)
                return -1;
        memcpy(buf, v->valuestring, strlen(v->valuestring) + 1);
        return 0;
}

static int get_num(const cJSON *o, const char *key, int *ret)
{
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

        if (!cJSON_IsNumber(v))
                return -1;
        *ret = v->valueint;
        return 0;
}

static int from_json(const cJSON *o, struct osvif_hostdev_state *s)
{
        const cJSON *vf = cJSON_GetObjectItemCaseSensitive(o, "pfSide");
        char mac[OSVIF_MAC_STRLEN], type[16];
        int mtu = 0;

        memset(s, 0, sizeof(*s));
        if (get_str(o, "owner", s->owner, sizeof(s->owner)) < 0 ||
            get_str(o, "pci", s->pci, sizeof(s->pci)) < 0 ||
            get_str(o, "devType", type, sizeof(type)) < 0 ||
            get_str(o, "name", s->name, sizeof(s->name)) < 0 ||
            get_str(o, "mac", mac, sizeof(mac)) < 0 || osvif_mac_parse(mac, s->mac) < 0 ||
            get_num(o, "mtu", &mtu) < 0 || get_str(o, "pf", s->pf, sizeof(s->pf)) < 0 ||
            get_num(o, "vfIndex", &s->vf_index) < 0 ||
            get_str(o, "representor", s->representor, sizeof(s->representor)) < 0)
                return -1;
        if (get_str(o, "alias", s->alias, sizeof(s->alias)) < 0 ||
            get_str(o, "netns", s->netns, sizeof(s->netns)) < 0)
                return -1;
        s->up = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "up"));
        s->ethernet = strcmp(type, "ethernet") == 0;
        s->mtu = mtu > 0 ? (unsigned)mtu : 0;
        s->representor_up = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "representorUp"));
        if (get_num(o, "representorMtu", &mtu) < 0)
                return -1;
        s->representor_mtu = mtu > 0 ? (unsigned)mtu : 0;
        if (!vf)
                return 0;
        s->pf_set = true;
        s->vf.index = s->vf_index;
        if (get_str(vf, "mac", mac, sizeof(mac)) < 0 || osvif_mac_parse(mac, s->vf.mac) < 0 ||
            get_num(vf, "vlan", &s->vf.vlan) < 0 || get_num(vf, "qos", &s->vf.qos) < 0 ||
            get_num(vf, "spoofchk", &s->vf.spoofchk) < 0 ||
            get_num(vf, "trust", &s->vf.trust) < 0 ||
            get_num(vf, "linkState", &s->vf.link_state) < 0 ||
            get_num(vf, "minTxRate", &s->vf.min_tx_rate) < 0 ||
            get_num(vf, "maxTxRate", &s->vf.max_tx_rate) < 0)
                return -1;
        return 0;
}

static int load_path(const char *path, struct osvif_hostdev_state *ret, osvif_error_t *err)
{
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        _cleanup_cjson_ cJSON *j = NULL;
        char buf[4096];
        size_t n;

        if (!f && errno == ENOENT)
                return 0;
        if (!f)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno, "read \"%s\"", path);
        n = fread(buf, 1, sizeof(buf), f);
        j = osvif_json_parse(buf, n, err);
        if (!j || from_json(j, ret) < 0) {
                osvif_error_clear(err);
                return osvif_error_set(err, OSVIF_ERR_STATE, 0, "state file \"%s\" is corrupt",
                                       path);
        }
        return 1;
}

int osvif_hostdev_state_load(const char *pci, struct osvif_hostdev_state *ret, osvif_error_t *err)
{
        char path[512];

        if (file_of(pci, path, sizeof(path)) < 0)
                return osvif_error_set(err, OSVIF_ERR_STATE, ENAMETOOLONG,
                                       "state file of VF \"%s\": path too long", pci);
        return load_path(path, ret, err);
}

int osvif_hostdev_state_remove(const char *pci, osvif_error_t *err)
{
        char path[512];

        if (file_of(pci, path, sizeof(path)) < 0)
                return osvif_error_set(err, OSVIF_ERR_STATE, ENAMETOOLONG,
                                       "state file of VF \"%s\": path too long", pci);
        if (unlink(path) < 0 && errno != ENOENT)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, errno, "remove \"%s\"", path);
        /* nothing left behind once no VF is claimed (ENOTEMPTY otherwise: fine) */
        *strrchr(path, '/') = '\0';
        (void)rmdir(path);
        return 0;
}

struct walk {
        const char *dir;
        int (*fn)(const struct osvif_hostdev_state *s, void *userdata);
        void *userdata;
};

static int on_file(const char *name, void *data)
{
        struct walk *w = data;
        struct osvif_hostdev_state s;
        osvif_error_t e = OSVIF_ERROR_INIT;
        size_t n = strlen(name);
        char path[600];

        if (n < 6 || strcmp(name + n - 5, ".json") != 0)
                return 0;
        snprintf(path, sizeof(path), "%s/%s", w->dir, name);
        if (load_path(path, &s, &e) <= 0) {
                log_debug("skipping state file \"%s\": %s", path, e.msg ? e.msg : "gone");
                osvif_error_clear(&e);
                return 0;
        }
        return w->fn(&s, w->userdata);
}

int osvif_hostdev_state_foreach(int (*fn)(const struct osvif_hostdev_state *s, void *userdata),
                                void *userdata, osvif_error_t *err)
{
        char dir[400];
        struct walk w = { dir, fn, userdata };
        int r;

        if (osvif_hostdev_state_dir(dir, sizeof(dir)) < 0)
                return osvif_error_set(err, OSVIF_ERR_STATE, ENAMETOOLONG, "state dir too long");
        r = osvif_sysfs_list(dir, on_file, &w);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return osvif_error_set_errno(err, OSVIF_ERR_STATE, -r, "list \"%s\"", dir);
        return r;
}
