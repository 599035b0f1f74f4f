/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/hostdev_state.h"
#include "util/addr.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/lock.h"
#include "util/log.h"
#include "util/state.h"

#define SUBDIR "hostdev"

/* "hostdev/<pci>.json": 0, or -1 with *err when the name cannot be a state file's */
static int name_of(const char *pci, char *buf, size_t size, osvif_error_t *err)
{
        int n = snprintf(buf, size, SUBDIR "/%s.json", pci);

        if (n < 0 || (size_t)n >= size || strchr(pci, '/'))
                return osvif_error_set(err, OSVIF_ERR_STATE, ENAMETOOLONG,
                                       "state file of VF \"%s\": bad name", pci);
        return 0;
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

int osvif_hostdev_state_save(const struct osvif_hostdev_state *s, osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *j = to_json(s);
        _cleanup_free_ char *text = j ? osvif_json_print(j) : NULL, *line = NULL;
        char name[300];

        if (!text || asprintf(&line, "%s\n", text) < 0)
                return osvif_error_set(err, OSVIF_ERR_INTERNAL, ENOMEM, "out of memory");
        if (name_of(s->pci, name, sizeof(name), err) < 0)
                return -1;
        return osvif_state_write(name, line, strlen(line), err);
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

/* The claim in `text`, the content of state file `name`: 1 with *ret, or -1 with *err. */
static int parse(const char *name, const char *text, size_t len, struct osvif_hostdev_state *ret,
                 osvif_error_t *err)
{
        _cleanup_cjson_ cJSON *j = osvif_json_parse(text, len, err);

        if (!j || from_json(j, ret) < 0) {
                osvif_error_clear(err);
                return osvif_error_set(err, OSVIF_ERR_STATE, 0, "state file \"%s/%s\" is corrupt",
                                       osvif_state_dir(), name);
        }
        return 1;
}

static int load(const char *name, struct osvif_hostdev_state *ret, osvif_error_t *err)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r = osvif_state_read(name, &text, &len, err);

        if (r <= 0)
                return r;
        return parse(name, text, len, ret, err);
}

int osvif_hostdev_state_load(const char *pci, struct osvif_hostdev_state *ret, osvif_error_t *err)
{
        char name[300];

        if (name_of(pci, name, sizeof(name), err) < 0)
                return -1;
        return load(name, ret, err);
}

int osvif_hostdev_state_remove(const char *pci, osvif_error_t *err)
{
        char name[300];

        /* the hostdev/ directory goes with the last claim (osvif_state_remove) */
        if (name_of(pci, name, sizeof(name), err) < 0)
                return -1;
        return osvif_state_remove(name, err);
}

struct walk {
        int (*fn)(const struct osvif_hostdev_state *s, void *userdata);
        void *userdata;
};

/* each claim as the listing reads it (hostdev/ opened and checked once for all of them) */
static int on_file(const char *file, const char *text, size_t len, const char *why, void *data)
{
        struct walk *w = data;
        struct osvif_hostdev_state s;
        osvif_error_t e = OSVIF_ERROR_INIT;
        size_t n = strlen(file);
        char name[300];

        if (n < 6 || strcmp(file + n - 5, ".json") != 0)
                return 0;
        snprintf(name, sizeof(name), SUBDIR "/%s", file);
        if (!text || parse(name, text, len, &s, &e) < 0) {
                log_debug("skipping state file \"%s\": %s", name,
                          e.msg ? e.msg
                          : why ? why
                                : "gone");
                osvif_error_clear(&e);
                return 0;
        }
        return w->fn(&s, w->userdata);
}

int osvif_hostdev_state_foreach(int (*fn)(const struct osvif_hostdev_state *s, void *userdata),
                                void *userdata, osvif_error_t *err)
{
        struct walk w = { fn, userdata };

        return osvif_state_foreach_read(SUBDIR, on_file, &w, err);
}
