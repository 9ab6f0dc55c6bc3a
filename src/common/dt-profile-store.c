/* dt-profile-store.c — profiles on disk, one file each. */
#include "dt-profile-store.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

struct _DtProfileStore {
    char *dir;
    GHashTable *by_id; /* id → DtProfile* */
    GPtrArray *sorted; /* rebuilt by list() */
};

DtProfileStore *
dt_profile_store_new(const char *dir)
{
    DtProfileStore *s = g_new0(DtProfileStore, 1);
    s->dir = dir ? g_strdup(dir)
                 : g_build_filename(g_get_user_config_dir(), "dialtone", "profiles", NULL);
    s->by_id =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)dt_profile_free);
    s->sorted = g_ptr_array_new();
    return s;
}

void
dt_profile_store_free(DtProfileStore *s)
{
    if (s == NULL)
        return;
    g_ptr_array_unref(s->sorted);
    g_hash_table_unref(s->by_id);
    g_free(s->dir);
    g_free(s);
}

const char *
dt_profile_store_get_dir(DtProfileStore *s)
{
    return s->dir;
}

static char *
profile_path(DtProfileStore *s, const char *id)
{
    g_autofree char *base = g_strconcat(id, ".conf", NULL);
    return g_build_filename(s->dir, base, NULL);
}

static void
add_problem(GPtrArray *problems, GError *e)
{
    if (problems)
        g_ptr_array_add(problems, e);
    else
        g_error_free(e);
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

gboolean
dt_profile_store_load(DtProfileStore *s, GPtrArray **problems_out, GError **error)
{
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func((GDestroyNotify)g_error_free);
    g_autoptr(GError) e = NULL;
    g_autoptr(GDir) d = g_dir_open(s->dir, 0, &e);
    g_hash_table_remove_all(s->by_id);
    g_ptr_array_set_size(s->sorted, 0);
    if (d == NULL) {
        if (g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
            if (problems_out)
                *problems_out = g_steal_pointer(&problems);
            return TRUE;
        }
        g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_IO, "%s", e->message);
        return FALSE;
    }
    /* Read in name order so which of two clashing files wins does not depend
     * on the directory's order. */
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *n;
    while ((n = g_dir_read_name(d)))
        if (g_str_has_suffix(n, ".conf") && n[0] != '.')
            g_ptr_array_add(names, g_strdup(n));
    g_ptr_array_sort(names, compare_strings);
    for (guint i = 0; i < names->len; i++) {
        const char *name = names->pdata[i];
        g_autofree char *path = g_build_filename(s->dir, name, NULL);
        GError *le = NULL;
        g_autoptr(DtProfile) p = dt_profile_load_file(path, &le);
        if (p == NULL) {
            add_problem(problems, le);
            continue;
        }
        g_autofree char *expect = g_strconcat(p->id, ".conf", NULL);
        if (g_ascii_strcasecmp(expect, name) != 0) {
            add_problem(problems,
                        g_error_new(DT_PROFILE_ERROR, DT_PROFILE_ERROR_INVALID,
                                    "%s: [Profile] Id: “%s” is not this file's name; rename "
                                    "the file to %s or give it a new Id",
                                    path, p->id, expect));
            continue;
        }
        if (g_hash_table_contains(s->by_id, p->id)) {
            add_problem(problems, g_error_new(DT_PROFILE_ERROR, DT_PROFILE_ERROR_EXISTS,
                                              "%s: [Profile] Id: another profile file already has "
                                              "this Id; remove one of the two",
                                              path));
            continue;
        }
        char *id = g_strdup(p->id);
        g_hash_table_insert(s->by_id, id, g_steal_pointer(&p));
    }
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, s->by_id);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        const DtProfile *p = v;
        GError *ce = NULL;
        if (p->dial_first && !dt_profile_store_check(s, p, &ce))
            add_problem(problems, ce);
    }
    if (problems_out)
        *problems_out = g_steal_pointer(&problems);
    return TRUE;
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    const DtProfile *pa = *(const DtProfile *const *)a;
    const DtProfile *pb = *(const DtProfile *const *)b;
    g_autofree char *ka = g_utf8_collate_key(pa->name, -1);
    g_autofree char *kb = g_utf8_collate_key(pb->name, -1);
    int c = strcmp(ka, kb);
    return c ? c : strcmp(pa->id, pb->id);
}

GPtrArray *
dt_profile_store_list(DtProfileStore *s)
{
    g_ptr_array_set_size(s->sorted, 0);
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, s->by_id);
    while (g_hash_table_iter_next(&it, NULL, &v))
        g_ptr_array_add(s->sorted, v);
    g_ptr_array_sort(s->sorted, compare_names);
    return s->sorted;
}

const DtProfile *
dt_profile_store_find_by_id(DtProfileStore *s, const char *id)
{
    if (id == NULL)
        return NULL;
    g_autofree char *lower = g_ascii_strdown(id, -1);
    return g_hash_table_lookup(s->by_id, lower);
}

static gboolean
same_name(const char *a, const char *b)
{
    g_autofree char *fa = g_utf8_casefold(a, -1);
    g_autofree char *fb = g_utf8_casefold(b, -1);
    return strcmp(fa, fb) == 0;
}

const DtProfile *
dt_profile_store_find_by_name(DtProfileStore *s, const char *name, GError **error)
{
    const DtProfile *exact = NULL, *folded = NULL;
    guint n_folded = 0;
    GHashTableIter it;
    gpointer v;
    if (name == NULL || !g_utf8_validate(name, -1, NULL)) {
        g_set_error_literal(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_NOT_FOUND,
                            "no profile has that name");
        return NULL;
    }
    g_hash_table_iter_init(&it, s->by_id);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        const DtProfile *p = v;
        if (strcmp(p->name, name) == 0)
            exact = p;
        else if (same_name(p->name, name)) {
            folded = p;
            n_folded++;
        }
    }
    if (exact)
        return exact;
    if (n_folded == 1)
        return folded;
    if (n_folded > 1) {
        g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_AMBIGUOUS,
                    "“%s” matches %u profiles that differ only in case; use the exact name or "
                    "the Id",
                    name, n_folded);
        return NULL;
    }
    g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_NOT_FOUND,
                "no profile is called “%s”; “dialtonectl list” shows the names", name);
    return NULL;
}

const DtProfile *
dt_profile_store_lookup(DtProfileStore *s, const char *id_or_name, GError **error)
{
    const DtProfile *p = NULL;
    if (id_or_name && g_uuid_string_is_valid(id_or_name))
        p = dt_profile_store_find_by_id(s, id_or_name);
    return p ? p : dt_profile_store_find_by_name(s, id_or_name, error);
}

gboolean
dt_profile_store_check(DtProfileStore *s, const DtProfile *p, GError **error)
{
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, s->by_id);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        const DtProfile *o = v;
        if (strcmp(o->id, p->id) != 0 && same_name(o->name, p->name)) {
            g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_EXISTS,
                        "a profile called “%s” already exists; choose another name", o->name);
            return FALSE;
        }
    }
    if (p->dial_first == NULL)
        return TRUE;
    g_autofree char *path = profile_path(s, p->id);
    const DtProfile *first = dt_profile_store_find_by_id(s, p->dial_first);
    if (p->type != DT_PROFILE_TYPE_PPTP) {
        g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_DIAL_FIRST,
                    "%s: [Profile] DialFirst: only a PPTP profile can dial another profile "
                    "first; remove DialFirst from “%s”",
                    path, p->name);
    } else if (first == NULL || strcmp(first->id, p->id) == 0) {
        g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_DIAL_FIRST,
                    "%s: [Profile] DialFirst: no dial-up profile has the Id %s; choose the "
                    "dial-up profile to bring up first, or remove DialFirst",
                    path, p->dial_first);
    } else if (first->type != DT_PROFILE_TYPE_DIALUP) {
        g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_DIAL_FIRST,
                    "%s: [Profile] DialFirst: “%s” is a PPTP profile; a VPN can only be "
                    "brought up over a dial-up profile",
                    path, first->name);
    } else if (first->dial_first != NULL) {
        g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_DIAL_FIRST,
                    "%s: [Profile] DialFirst: “%s” itself dials another profile first; a "
                    "dial-up profile cannot, so remove its DialFirst",
                    path, first->name);
    } else {
        return TRUE;
    }
    return FALSE;
}

gboolean
dt_profile_store_save(DtProfileStore *s, const DtProfile *p, GError **error)
{
    if (!dt_profile_validate(p, error) || !dt_profile_store_check(s, p, error))
        return FALSE;
    if (g_mkdir_with_parents(s->dir, 0700) != 0) {
        int saved = errno;
        g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_IO, "cannot create %s: %s", s->dir,
                    g_strerror(saved));
        return FALSE;
    }
    g_autofree char *path = profile_path(s, p->id);
    if (!dt_profile_save_file(p, path, error))
        return FALSE;
    DtProfile *copy = dt_profile_copy(p);
    g_hash_table_replace(s->by_id, g_strdup(copy->id), copy);
    g_ptr_array_set_size(s->sorted, 0);
    return TRUE;
}

static DtProfile *
lookup_mutable(DtProfileStore *s, const char *id, GError **error)
{
    DtProfile *p = (DtProfile *)dt_profile_store_find_by_id(s, id);
    if (p == NULL)
        g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_NOT_FOUND, "no profile has the Id %s",
                    id ? id : "(none)");
    return p;
}

const DtProfile *
dt_profile_store_duplicate(DtProfileStore *s, const char *id, GError **error)
{
    DtProfile *orig = lookup_mutable(s, id, error);
    if (orig == NULL)
        return NULL;
    g_autoptr(DtProfile) copy = dt_profile_copy(orig);
    g_free(copy->id);
    copy->id = g_uuid_string_random();
    for (guint i = 1;; i++) {
        g_autofree char *name = i == 1 ? g_strdup_printf("Copy of %s", orig->name)
                                       : g_strdup_printf("Copy of %s (%u)", orig->name, i);
        g_autoptr(GError) e = NULL;
        g_free(copy->name);
        copy->name = g_steal_pointer(&name);
        if (dt_profile_store_check(s, copy, &e))
            break;
        if (!g_error_matches(e, DT_PROFILE_ERROR, DT_PROFILE_ERROR_EXISTS) || i > 1000) {
            g_propagate_error(error, g_steal_pointer(&e));
            return NULL;
        }
    }
    if (!dt_profile_store_save(s, copy, error))
        return NULL;
    return dt_profile_store_find_by_id(s, copy->id);
}

gboolean
dt_profile_store_rename(DtProfileStore *s, const char *id, const char *new_name, GError **error)
{
    DtProfile *orig = lookup_mutable(s, id, error);
    if (orig == NULL)
        return FALSE;
    g_autoptr(DtProfile) copy = dt_profile_copy(orig);
    g_free(copy->name);
    copy->name = g_strdup(new_name);
    return dt_profile_store_save(s, copy, error);
}

gboolean
dt_profile_store_delete(DtProfileStore *s, const char *id, GError **error)
{
    DtProfile *p = lookup_mutable(s, id, error);
    if (p == NULL)
        return FALSE;
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, s->by_id);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        const DtProfile *o = v;
        if (o->dial_first && strcmp(o->dial_first, p->id) == 0) {
            g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_DIAL_FIRST,
                        "“%s” is dialled first by “%s”; change or delete “%s” first", p->name,
                        o->name, o->name);
            return FALSE;
        }
    }
    g_autofree char *path = profile_path(s, p->id);
    if (g_unlink(path) != 0 && errno != ENOENT) {
        int saved = errno;
        g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_IO, "cannot delete %s: %s", path,
                    g_strerror(saved));
        return FALSE;
    }
    g_ptr_array_set_size(s->sorted, 0);
    g_autofree char *key = g_strdup(p->id);
    g_hash_table_remove(s->by_id, key);
    return TRUE;
}
