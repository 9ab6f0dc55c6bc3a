/* dt-keyfile.c — GKeyFile with line numbers, collected errors and key tables. */
#include "dt-keyfile.h"

#include <stdarg.h>
#include <string.h>

#include "dt-validate.h"

struct _DtKfReader {
    GQuark domain;
    char *file_name;
    char *what;
    GHashTable *lines; /* "Group\x1fKey" or "Group\x1f" → line */
    GHashTable *dups;  /* "Group\x1fKey" → line of the first of two */
    GString *errors;
    int code;
    gboolean failed;
};

static char *
line_key(const char *group, const char *key)
{
    return g_strconcat(group, "\x1f", key ? key : "", NULL);
}

DtKfReader *
dt_kf_reader_new(GQuark domain, const char *file_name, const char *what)
{
    DtKfReader *r = g_new0(DtKfReader, 1);
    r->domain = domain;
    r->file_name = g_strdup(file_name);
    r->what = g_strdup(what ? what : "setting");
    r->lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    r->dups = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    r->errors = g_string_new(NULL);
    return r;
}

void
dt_kf_reader_free(DtKfReader *r)
{
    if (r == NULL)
        return;
    g_free(r->file_name);
    g_free(r->what);
    g_hash_table_unref(r->lines);
    g_hash_table_unref(r->dups);
    g_string_free(r->errors, TRUE);
    g_free(r);
}

guint
dt_kf_reader_line(DtKfReader *r, const char *group, const char *key)
{
    g_autofree char *k = line_key(group, key);
    guint line = GPOINTER_TO_UINT(g_hash_table_lookup(r->lines, k));
    if (line == 0 && key != NULL) {
        g_autofree char *g = line_key(group, NULL);
        line = GPOINTER_TO_UINT(g_hash_table_lookup(r->lines, g));
    }
    return line;
}

static void
begin_error(DtKfReader *r, int code)
{
    if (!r->failed)
        r->code = code;
    r->failed = TRUE;
    if (r->errors->len)
        g_string_append_c(r->errors, '\n');
}

static void G_GNUC_PRINTF(4, 5)
    report_at(DtKfReader *r, int code, guint line, const char *format, ...)
{
    begin_error(r, code);
    g_string_append(r->errors, r->file_name ? r->file_name : r->what);
    if (line)
        g_string_append_printf(r->errors, ":%u", line);
    g_string_append(r->errors, ": ");
    va_list ap;
    va_start(ap, format);
    g_string_append_vprintf(r->errors, format, ap);
    va_end(ap);
}

void
dt_kf_reader_error(DtKfReader *r, int code, const char *group, const char *key, const char *format,
                   ...)
{
    begin_error(r, code);
    if (r->file_name) {
        guint line = group ? dt_kf_reader_line(r, group, key) : 0;
        g_string_append(r->errors, r->file_name);
        if (line)
            g_string_append_printf(r->errors, ":%u", line);
        g_string_append(r->errors, ": ");
        if (group && key)
            g_string_append_printf(r->errors, "[%s] %s: ", group, key);
        else if (group)
            g_string_append_printf(r->errors, "[%s]: ", group);
    } else if (group && key) {
        g_string_append_printf(r->errors, "%s key %s.%s: ", r->what, group, key);
    } else {
        g_string_append_printf(r->errors, "%s: ", r->what);
    }
    va_list ap;
    va_start(ap, format);
    g_string_append_vprintf(r->errors, format, ap);
    va_end(ap);
}

gboolean
dt_kf_reader_failed(DtKfReader *r)
{
    return r->failed;
}

gboolean
dt_kf_reader_finish(DtKfReader *r, GError **error)
{
    if (!r->failed)
        return TRUE;
    g_set_error_literal(error, r->domain, r->code, r->errors->str);
    return FALSE;
}

/* Maps groups and keys to lines the way GKeyFile reads them (leading
 * whitespace dropped, "#" comments, "Key = value"), and reports lines
 * GKeyFile would reject with a message that has no line number. */
static gboolean
scan_lines(DtKfReader *r, const char *data, gsize len)
{
    const char *nul = memchr(data, '\0', len);
    if (nul) {
        guint line = 1;
        for (const char *p = data; p < nul; p++)
            line += *p == '\n';
        report_at(r, DT_KF_ERROR_PARSE, line,
                  "contains a NUL byte, so this is not a text file; restore it from a backup or "
                  "delete it");
        return FALSE;
    }
    g_autofree char *copy = g_strndup(data, len);
    g_auto(GStrv) text = g_strsplit(copy, "\n", -1);
    g_autofree char *group = NULL;
    gboolean ok = TRUE;
    for (guint i = 0; text[i]; i++) {
        guint line = i + 1;
        if (!g_utf8_validate(text[i], -1, NULL)) {
            report_at(r, DT_KF_ERROR_PARSE, line,
                      "is not valid UTF-8 text; save the file in the UTF-8 encoding");
            ok = FALSE;
            continue;
        }
        char *s = g_strstrip(text[i]);
        if (*s == '\0' || *s == '#')
            continue;
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (end == NULL || end[1] != '\0' || end == s + 1) {
                report_at(r, DT_KF_ERROR_PARSE, line,
                          "a group header must look like [Name], on its own line");
                ok = FALSE;
                continue;
            }
            g_free(group);
            group = g_strndup(s + 1, (gsize)(end - s - 1));
            g_autofree char *k = line_key(group, NULL);
            if (!g_hash_table_contains(r->lines, k))
                g_hash_table_insert(r->lines, g_steal_pointer(&k), GUINT_TO_POINTER(line));
            continue;
        }
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            report_at(r, DT_KF_ERROR_PARSE, line,
                      "this line is neither a [Group], a Key=value nor a # comment; fix or "
                      "remove it");
            ok = FALSE;
            continue;
        }
        if (group == NULL) {
            report_at(r, DT_KF_ERROR_PARSE, line,
                      "a Key=value line comes before any [Group]; move it under its group");
            ok = FALSE;
            continue;
        }
        *eq = '\0';
        char *key = g_strstrip(s);
        if (*key == '\0') {
            report_at(r, DT_KF_ERROR_PARSE, line, "a line starts with “=”; give the key's name");
            ok = FALSE;
            continue;
        }
        g_autofree char *k = line_key(group, key);
        gpointer first = g_hash_table_lookup(r->lines, k);
        if (first && !g_hash_table_contains(r->dups, k))
            g_hash_table_insert(r->dups, g_strdup(k), first);
        g_hash_table_insert(r->lines, g_steal_pointer(&k), GUINT_TO_POINTER(line));
    }
    return ok;
}

/* Copies data with every run of CRs before a line's end (LF or the end) dropped. GKeyFile takes one
 * CR before LF as part of a CRLF line end and keeps any other in the value, which it then writes
 * back raw: "Key=v\r\r\n" would lose one CR at each save and load (found by fuzzing). */
static GString *
drop_cr_before_lf(const char *data, gsize len)
{
    GString *out = g_string_sized_new(len);
    gsize crs = 0;
    for (gsize i = 0; i < len; i++) {
        if (data[i] == '\r') {
            crs++;
            continue;
        }
        if (data[i] != '\n')
            for (; crs > 0; crs--)
                g_string_append_c(out, '\r');
        crs = 0;
        g_string_append_c(out, data[i]);
    }
    return out; /* CRs at the very end end the last line too */
}

GKeyFile *
dt_kf_reader_parse(DtKfReader *r, const char *data, gsize len)
{
    if (!scan_lines(r, data, len))
        return NULL;
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) text = drop_cr_before_lf(data, len);
    if (!g_key_file_load_from_data(kf, text->str, text->len,
                                   G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS,
                                   &error)) {
        report_at(r, DT_KF_ERROR_PARSE, 0, "%s", error->message);
        return NULL;
    }
    return g_steal_pointer(&kf);
}

static gboolean
key_required(const DtKey *key, guint variant)
{
    if (!(key->flags & DT_KEY_REQUIRED))
        return FALSE;
    if (key->flags & DT_KEY_ONLY_0)
        return variant == 0;
    if (key->flags & DT_KEY_ONLY_1)
        return variant == 1;
    return TRUE;
}

static void
clear_field(const DtKey *key, gpointer field)
{
    switch (key->kind) {
    case DT_KEY_STRING:
        g_clear_pointer((char **)field, g_free);
        break;
    case DT_KEY_LIST:
        g_clear_pointer((char ***)field, g_strfreev);
        break;
    case DT_KEY_DNS:
        g_clear_pointer(&((DtDns *)field)->servers, g_strfreev);
        ((DtDns *)field)->mode = DT_DNS_AUTO;
        break;
    default:
        break;
    }
}

/* Shows a value in a message: escaped and cut short. */
static char *
show(const char *v)
{
    g_autofree char *e = g_strescape(v, NULL);
    if (g_utf8_strlen(e, -1) > 60) {
        g_autofree char *cut = g_utf8_substring(e, 0, 57);
        return g_strconcat(cut, "…", NULL);
    }
    return g_steal_pointer(&e);
}

#define BAD(fmt, ...)                                                                              \
    dt_kf_reader_error(r, DT_KF_ERROR_INVALID, key->group, key->key, fmt, __VA_ARGS__)

static gboolean
read_string(DtKfReader *r, GKeyFile *kf, const DtKey *key, char **out)
{
    g_autoptr(GError) e = NULL;
    g_autofree char *v = g_key_file_get_string(kf, key->group, key->key, &e);
    if (v == NULL) {
        g_autofree char *raw = g_key_file_get_value(kf, key->group, key->key, NULL);
        g_autofree char *s = show(raw ? raw : "");
        BAD("“%s” has a backslash escape GKeyFile does not know; write \\\\ for a backslash", s);
        return FALSE;
    }
    if (!(key->flags & DT_KEY_FREE_TEXT))
        g_strstrip(v);
    *out = g_steal_pointer(&v);
    return TRUE;
}

static void
load_value(DtKfReader *r, GKeyFile *kf, const DtKey *key, gpointer field)
{
    g_autoptr(GString) why = g_string_new(NULL);
    g_autofree char *v = NULL;
    switch (key->kind) {
    case DT_KEY_STRING:
        if (!read_string(r, kf, key, &v))
            return;
        if (*v == '\0' && !(key->flags & DT_KEY_REQUIRED)) {
            *(char **)field = NULL;
            return;
        }
        if (*v == '\0') {
            BAD("is empty; give %s", key->hint ? key->hint : "a value");
            return;
        }
        if (key->check && !key->check(v, why)) {
            g_autofree char *s = show(v);
            BAD("“%s” %s", s, why->str);
            return;
        }
        *(char **)field = g_steal_pointer(&v);
        return;
    case DT_KEY_UINT:
    case DT_KEY_BOOL:
    case DT_KEY_ENUM:
        v = g_key_file_get_value(kf, key->group, key->key, NULL);
        g_strstrip(v);
        break;
    case DT_KEY_LIST:
    case DT_KEY_DNS: {
        gsize n = 0;
        g_auto(GStrv) items = g_key_file_get_string_list(kf, key->group, key->key, &n, NULL);
        GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
        for (gsize i = 0; items && i < n; i++) {
            char *item = g_strstrip(items[i]);
            if (*item == '\0')
                continue;
            if (key->kind == DT_KEY_DNS &&
                (g_ascii_strcasecmp(item, "auto") == 0 || g_ascii_strcasecmp(item, "none") == 0)) {
                g_ptr_array_add(out, g_ascii_strdown(item, -1));
                continue;
            }
            g_string_truncate(why, 0);
            DtCheckFunc check = key->kind == DT_KEY_DNS ? dt_validate_ip : key->check;
            if (check && !check(item, why)) {
                g_autofree char *s = show(item);
                BAD("“%s” %s", s, why->str);
                continue;
            }
            g_ptr_array_add(out, g_strdup(item));
        }
        g_ptr_array_add(out, NULL);
        g_auto(GStrv) list = (char **)g_ptr_array_free(out, FALSE);
        if (key->kind == DT_KEY_LIST) {
            *(char ***)field = g_steal_pointer(&list);
            return;
        }
        DtDns *dns = field;
        guint len = g_strv_length(list);
        gboolean special = g_strv_contains((const char *const *)list, "auto") ||
                           g_strv_contains((const char *const *)list, "none");
        if (len == 0) {
            BAD("%s", "is empty; write auto (take DNS servers from the server), none, or "
                      "addresses separated by “;”");
        } else if (special && len > 1) {
            BAD("%s", "mixes auto or none with addresses; write auto, none, or only addresses");
        } else if (special) {
            dns->mode = strcmp(list[0], "auto") == 0 ? DT_DNS_AUTO : DT_DNS_NONE;
            dns->servers = g_new0(char *, 1);
        } else {
            dns->mode = DT_DNS_STATIC;
            dns->servers = g_steal_pointer(&list);
        }
        if (dns->servers == NULL)
            dns->servers = g_new0(char *, 1);
        return;
    }
    case DT_KEY_AUTH: {
        if (!read_string(r, kf, key, &v))
            return;
        DtAuthList list = {0};
        g_auto(GStrv) words = g_strsplit_set(v, ",;", -1);
        gboolean ok = TRUE;
        for (char **w = words; *w; w++) {
            char *word = g_strstrip(*w);
            DtProfileAuth m;
            if (*word == '\0')
                continue;
            if (!dt_profile_auth_from_string(word, &m)) {
                g_autofree char *s = show(word);
                BAD("“%s” is not an authentication method; use mschapv2, mschap, chap or pap", s);
                ok = FALSE;
            } else if (dt_auth_list_contains(&list, m)) {
                BAD("lists “%s” twice; name each method once, most preferred first",
                    dt_profile_auth_to_string(m));
                ok = FALSE;
            } else {
                list.methods[list.n++] = m;
            }
        }
        if (ok && list.n == 0) {
            BAD("%s", "is empty; allow at least one method, like Authentication=mschapv2");
            ok = FALSE;
        }
        if (ok)
            *(DtAuthList *)field = list;
        return;
    }
    }

    g_autofree char *s = show(v);
    if (key->kind == DT_KEY_UINT) {
        guint64 n;
        g_autoptr(GError) e = NULL;
        if (!g_ascii_string_to_unsigned(v, 10, key->min, key->max, &n, &e)) {
            if (g_error_matches(e, G_NUMBER_PARSER_ERROR, G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS))
                BAD("“%s” is out of range; use a number from %" G_GUINT64_FORMAT
                    " to %" G_GUINT64_FORMAT,
                    s, key->min, key->max);
            else
                BAD("“%s” is not a number; use a whole number from %" G_GUINT64_FORMAT
                    " to %" G_GUINT64_FORMAT,
                    s, key->min, key->max);
            return;
        }
        if (key->check && !key->check(v, why)) {
            BAD("“%s” %s", s, why->str);
            return;
        }
        *(guint *)field = (guint)n;
    } else if (key->kind == DT_KEY_BOOL) {
        if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
            *(gboolean *)field = TRUE;
        else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
            *(gboolean *)field = FALSE;
        else
            BAD("“%s” is not a yes/no value; write true or false", s);
    } else {
        for (guint i = 0; key->choices[i]; i++) {
            if (g_ascii_strcasecmp(v, key->choices[i]) == 0) {
                *(int *)field = (int)i;
                return;
            }
        }
        g_autofree char *all = g_strjoinv(", ", (char **)key->choices);
        BAD("“%s” is not one of the choices; use one of: %s", s, all);
    }
}

void
dt_kf_load_keys(DtKfReader *r, GKeyFile *kf, const DtKey *keys, gsize n, guint variant,
                gpointer obj)
{
    dt_kf_apply_defaults(keys, n, variant, obj);
    for (gsize i = 0; i < n; i++) {
        const DtKey *key = &keys[i];
        gpointer field = (char *)obj + key->offset;
        if (!g_key_file_has_key(kf, key->group, key->key, NULL)) {
            if (key_required(key, variant))
                dt_kf_reader_error(r, DT_KF_ERROR_MISSING, key->group, key->key,
                                   "is missing; add %s= with %s under [%s]", key->key,
                                   key->hint ? key->hint : "a value", key->group);
            continue;
        }
        g_autofree char *lk = line_key(key->group, key->key);
        gpointer first = g_hash_table_lookup(r->dups, lk);
        if (first) {
            BAD("appears twice (lines %u and %u); keep only one", GPOINTER_TO_UINT(first),
                dt_kf_reader_line(r, key->group, key->key));
            continue;
        }
        clear_field(key, field);
        load_value(r, kf, key, field);
        /* "Key=" with nothing after it means the default, as in systemd's
         * unit files: the program's own fallback never sees a NULL. */
        const char *def = variant == 1 && key->def_alt ? key->def_alt : key->def;
        if (key->kind == DT_KEY_STRING && *(char **)field == NULL && def != NULL)
            *(char **)field = g_strdup(def);
        if (key->kind == DT_KEY_LIST && *(char ***)field == NULL)
            *(char ***)field = g_new0(char *, 1);
        if (key->kind == DT_KEY_DNS && ((DtDns *)field)->servers == NULL) {
            ((DtDns *)field)->servers = g_new0(char *, 1);
        }
    }
}

void
dt_kf_refuse_secrets(DtKfReader *r, GKeyFile *kf, const char *advice)
{
    g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
    for (char **g = groups; *g; g++) {
        g_auto(GStrv) names = g_key_file_get_keys(kf, *g, NULL, NULL);
        for (char **k = names; names && *k; k++) {
            g_autofree char *base = g_ascii_strdown(*k, strcspn(*k, "["));
            if (strstr(base, "password") || strstr(base, "passwd") || strcmp(base, "secret") == 0)
                dt_kf_reader_error(r, DT_KF_ERROR_SECRET, *g, *k, "%s", advice);
        }
    }
}

void
dt_kf_apply_defaults(const DtKey *keys, gsize n, guint variant, gpointer obj)
{
    g_autoptr(GKeyFile) defaults = g_key_file_new();
    for (gsize i = 0; i < n; i++) {
        const DtKey *key = &keys[i];
        const char *def = variant == 1 && key->def_alt ? key->def_alt : key->def;
        gpointer field = (char *)obj + key->offset;
        clear_field(key, field);
        if (def)
            g_key_file_set_value(defaults, key->group, key->key, def);
    }
    g_autoptr(DtKfReader) r = dt_kf_reader_new(0, NULL, "default");
    for (gsize i = 0; i < n; i++) {
        const DtKey *key = &keys[i];
        gpointer field = (char *)obj + key->offset;
        if (g_key_file_has_key(defaults, key->group, key->key, NULL))
            load_value(r, defaults, key, field);
        if (key->kind == DT_KEY_LIST && *(char ***)field == NULL)
            *(char ***)field = g_new0(char *, 1);
        if (key->kind == DT_KEY_DNS && ((DtDns *)field)->servers == NULL)
            ((DtDns *)field)->servers = g_new0(char *, 1);
    }
    /* The tables' defaults are ours: one that does not validate is a bug. */
    if (dt_kf_reader_failed(r))
        g_critical("dtcommon: a built-in default does not validate: %s", r->errors->str);
}

void
dt_kf_clear_keys(const DtKey *keys, gsize n, gpointer obj)
{
    for (gsize i = 0; i < n; i++)
        clear_field(&keys[i], (char *)obj + keys[i].offset);
}

void
dt_kf_copy_keys(const DtKey *keys, gsize n, gpointer dst, gconstpointer src)
{
    for (gsize i = 0; i < n; i++) {
        const DtKey *key = &keys[i];
        gpointer d = (char *)dst + key->offset;
        gconstpointer s = (const char *)src + key->offset;
        clear_field(key, d);
        switch (key->kind) {
        case DT_KEY_STRING:
            *(char **)d = g_strdup(*(char *const *)s);
            break;
        case DT_KEY_LIST:
            *(char ***)d = g_strdupv(*(char **const *)s);
            break;
        case DT_KEY_DNS:
            ((DtDns *)d)->mode = ((const DtDns *)s)->mode;
            ((DtDns *)d)->servers = g_strdupv(((const DtDns *)s)->servers);
            break;
        case DT_KEY_UINT:
        case DT_KEY_BOOL:
            *(guint *)d = *(const guint *)s;
            break;
        case DT_KEY_ENUM:
            *(int *)d = *(const int *)s;
            break;
        case DT_KEY_AUTH:
            *(DtAuthList *)d = *(const DtAuthList *)s;
            break;
        }
    }
}

static char **
auth_strv(const DtAuthList *l)
{
    char **v = g_new0(char *, l->n + 1);
    for (guint i = 0; i < l->n && i < DT_PROFILE_AUTH_N; i++)
        v[i] = g_strdup(dt_profile_auth_to_string(l->methods[i]));
    return v;
}

static char **
dns_strv(const DtDns *d)
{
    if (d->mode == DT_DNS_STATIC)
        return g_strdupv(d->servers);
    char **v = g_new0(char *, 2);
    v[0] = g_strdup(d->mode == DT_DNS_NONE ? "none" : "auto");
    return v;
}

void
dt_kf_save_key(GKeyFile *kf, const DtKey *key, gconstpointer obj)
{
    gconstpointer f = (const char *)obj + key->offset;
    g_autofree char *text = NULL;
    switch (key->kind) {
    case DT_KEY_STRING:
        if (*(char *const *)f == NULL)
            g_key_file_remove_key(kf, key->group, key->key, NULL);
        else
            g_key_file_set_string(kf, key->group, key->key, *(char *const *)f);
        return;
    case DT_KEY_UINT:
        text = g_strdup_printf("%u", *(const guint *)f);
        break;
    case DT_KEY_BOOL:
        text = g_strdup(*(const gboolean *)f ? "true" : "false");
        break;
    case DT_KEY_ENUM:
        text = g_strdup(key->choices[*(const int *)f]);
        break;
    case DT_KEY_AUTH:
        text = dt_auth_list_to_string(f);
        break;
    case DT_KEY_LIST: {
        char *const *l = *(char **const *)f;
        g_key_file_set_string_list(kf, key->group, key->key, (const char *const *)l,
                                   l ? g_strv_length((char **)l) : 0);
        return;
    }
    case DT_KEY_DNS: {
        g_auto(GStrv) l = dns_strv(f);
        if (((const DtDns *)f)->mode == DT_DNS_STATIC)
            g_key_file_set_string_list(kf, key->group, key->key, (const char *const *)l,
                                       g_strv_length(l));
        else
            g_key_file_set_value(kf, key->group, key->key, l[0]);
        return;
    }
    }
    g_key_file_set_value(kf, key->group, key->key, text);
}

const DtKey *
dt_kf_find_key(const DtKey *keys, gsize n, const char *group, const char *key)
{
    for (gsize i = 0; i < n; i++)
        if (strcmp(keys[i].group, group) == 0 && strcmp(keys[i].key, key) == 0)
            return &keys[i];
    return NULL;
}

const GVariantType *
dt_kf_key_variant_type(const DtKey *key)
{
    switch (key->kind) {
    case DT_KEY_UINT:
        return G_VARIANT_TYPE_UINT32;
    case DT_KEY_BOOL:
        return G_VARIANT_TYPE_BOOLEAN;
    case DT_KEY_LIST:
    case DT_KEY_AUTH:
    case DT_KEY_DNS:
        return G_VARIANT_TYPE_STRING_ARRAY;
    default:
        return G_VARIANT_TYPE_STRING;
    }
}

GVariant *
dt_kf_key_to_variant(const DtKey *key, gconstpointer obj)
{
    gconstpointer f = (const char *)obj + key->offset;
    switch (key->kind) {
    case DT_KEY_STRING:
        return *(char *const *)f ? g_variant_new_string(*(char *const *)f) : NULL;
    case DT_KEY_UINT:
        return g_variant_new_uint32(*(const guint *)f);
    case DT_KEY_BOOL:
        return g_variant_new_boolean(*(const gboolean *)f);
    case DT_KEY_ENUM:
        return g_variant_new_string(key->choices[*(const int *)f]);
    case DT_KEY_LIST: {
        char *const *l = *(char **const *)f;
        return g_variant_new_strv((const char *const *)l, -1);
    }
    case DT_KEY_AUTH: {
        g_auto(GStrv) l = auth_strv(f);
        return g_variant_new_strv((const char *const *)l, -1);
    }
    case DT_KEY_DNS: {
        g_auto(GStrv) l = dns_strv(f);
        return g_variant_new_strv((const char *const *)l, -1);
    }
    }
    return NULL;
}

gboolean
dt_kf_key_from_variant(DtKfReader *r, const DtKey *key, GVariant *v, GKeyFile *kf)
{
    const GVariantType *want = dt_kf_key_variant_type(key);
    if (!g_variant_is_of_type(v, want)) {
        BAD("has type “%s”; send “%s”", g_variant_get_type_string(v),
            g_variant_type_peek_string(want));
        return FALSE;
    }
    switch (key->kind) {
    case DT_KEY_STRING:
    case DT_KEY_ENUM:
        g_key_file_set_string(kf, key->group, key->key, g_variant_get_string(v, NULL));
        break;
    case DT_KEY_UINT: {
        g_autofree char *t = g_strdup_printf("%u", g_variant_get_uint32(v));
        g_key_file_set_value(kf, key->group, key->key, t);
        break;
    }
    case DT_KEY_BOOL:
        g_key_file_set_value(kf, key->group, key->key, g_variant_get_boolean(v) ? "true" : "false");
        break;
    case DT_KEY_LIST:
    case DT_KEY_DNS: {
        g_autofree const char **l = g_variant_get_strv(v, NULL);
        g_key_file_set_string_list(kf, key->group, key->key, l, g_strv_length((char **)l));
        break;
    }
    case DT_KEY_AUTH: {
        g_autofree const char **l = g_variant_get_strv(v, NULL);
        for (const char **p = l; *p; p++) {
            if (strpbrk(*p, ",;")) {
                BAD("%s", "has an element with “,” or “;”; send one method per element");
                return FALSE;
            }
        }
        g_autofree char *t = g_strjoinv(",", (char **)l);
        g_key_file_set_string(kf, key->group, key->key, t);
        break;
    }
    }
    return TRUE;
}
