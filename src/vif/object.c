/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "vif/classes.h"

/* Generic object handling over the class descriptors: creation, release, field lookup. */

const struct osvif_class *osvif_class_by_name(const char *name)
{
        for (size_t i = 0; name && osvif_classes[i]; i++)
                if (strcmp(osvif_classes[i]->name, name) == 0)
                        return osvif_classes[i];
        return NULL;
}

bool osvif_class_is_a(const struct osvif_class *cls, const struct osvif_class *base)
{
        for (; cls; cls = cls->parent)
                if (cls == base)
                        return true;
        return false;
}

const struct osvif_class *osvif_class_by_short_name(const char *name,
                                                    const struct osvif_class *base)
{
        for (size_t i = 0; name && osvif_classes[i]; i++) {
                const struct osvif_class *c = osvif_classes[i];

                if (!osvif_class_is_a(c, base))
                        continue;
                if (strcmp(c->name, name) == 0 ||
                    (c->short_name && strcmp(c->short_name, name) == 0))
                        return c;
        }
        return NULL;
}

/* Concrete classes: those with a short name (the bases have none). */
char *osvif_class_list_names(const struct osvif_class *base)
{
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        bool first = true;

        if (!f)
                return NULL;
        for (size_t i = 0; osvif_classes[i]; i++) {
                const struct osvif_class *c = osvif_classes[i];

                if (c == base || !c->short_name || !osvif_class_is_a(c, base))
                        continue;
                fprintf(f, "%s\"%s\"", first ? "" : ", ", c->name);
                first = false;
        }
        fclose(f);
        return out;
}

const struct osvif_field *osvif_class_field(const struct osvif_class *cls, const char *name,
                                            size_t *ret_index)
{
        for (size_t i = 0; cls && i < cls->n_fields; i++)
                if (strcmp(cls->fields[i].name, name) == 0) {
                        if (ret_index)
                                *ret_index = i;
                        return &cls->fields[i];
                }
        return NULL;
}

struct osvif_obj *osvif_obj_new(const struct osvif_class *cls)
{
        struct osvif_obj *o = calloc(1, cls->size);

        if (!o)
                return NULL;
        o->cls = cls;
        /* the `type` member that follows the header in VIFs, profiles and offloads */
        if (cls->type >= 0)
                *(int *)(void *)((char *)o + sizeof(struct osvif_obj)) = cls->type;
        if (cls->init)
                cls->init(o);
        return o;
}

void osvif_field_clear(struct osvif_obj *o, size_t index)
{
        const struct osvif_field *f = &o->cls->fields[index];
        void *p = osvif_field_ptr(o, f);

        switch (f->kind) {
        case OSVIF_FK_STRING:
        case OSVIF_FK_UUID:
        case OSVIF_FK_MAC:
        case OSVIF_FK_PCI:
                free(*(char **)p);
                *(char **)p = NULL;
                break;
        case OSVIF_FK_IPADDR_LIST:
                free(*(struct osvif_ip **)p);
                *(struct osvif_ip **)p = NULL;
                *osvif_field_count(o, f) = 0;
                break;
        case OSVIF_FK_OBJECT:
                osvif_obj_free(*(struct osvif_obj **)p);
                *(struct osvif_obj **)p = NULL;
                break;
        case OSVIF_FK_OBJECT_LIST: {
                struct osvif_obj **list = *(struct osvif_obj ***)p;
                size_t *n = osvif_field_count(o, f);

                for (size_t i = 0; i < *n; i++)
                        osvif_obj_free(list[i]);
                free(list);
                *(struct osvif_obj ***)p = NULL;
                *n = 0;
                break;
        }
        case OSVIF_FK_BOOL:
        case OSVIF_FK_INT:
        case OSVIF_FK_ENUM:
        case OSVIF_FK_IPADDR:
        case OSVIF_FK_IPNET:
                break;
        }
        o->set &= ~(1ULL << index);
        o->null &= ~(1ULL << index);
}

void osvif_obj_free(struct osvif_obj *o)
{
        if (!o)
                return;
        for (size_t i = 0; i < o->cls->n_fields; i++)
                osvif_field_clear(o, i);
        free(o);
}

bool osvif_obj_is_set(const struct osvif_obj *o, const char *name)
{
        size_t i;

        return o && osvif_class_field(o->cls, name, &i) && (o->set & (1ULL << i));
}

bool osvif_obj_is_null(const struct osvif_obj *o, const char *name)
{
        size_t i;

        return o && osvif_class_field(o->cls, name, &i) && (o->null & (1ULL << i));
}
