/* dt-import-wvdial.c — see dt-import-wvdial.h. Keys from wvdial.conf(5). */
#include "dt-import-wvdial.h"

#include <string.h>

#include "dt-validate.h"

typedef struct {
    char *name;       /* after "Dialer " */
    GHashTable *keys; /* lower-case key → value; the last one wins, as in wvdial */
} WvSection;

static void
section_free(gpointer data)
{
    WvSection *s = data;
    g_free(s->name);
    g_hash_table_unref(s->keys);
    g_free(s);
}

static const char *const ignored_keys[] = {
    "stupid mode",
    "modem type",
    "isdn",
    "new pppd",
    "carrier check",
    "compuserve",
    "ask password",
    "abort on busy",
    "abort on no dialtone",
    "force address",
    "remote name",
    "default reply",
    "pppd path",
    "pppd options",
    "tonline",
    "dial timeout",
    "auto reconnect delay",
    "login prompt",
    "password prompt",
    "login",
    "inherits",
    "ppp path",
    "setvolume",
    "wait for carrier",
};

static GPtrArray *
parse(const char *text)
{
    GPtrArray *sections = g_ptr_array_new_with_free_func(section_free);
    WvSection *cur = NULL;
    gsize pos = 0;
    for (;;) {
        g_autofree char *line = dt_import_next_line(text, &pos);
        if (line == NULL)
            break;
        g_strstrip(line);
        if (*line == '\0' || *line == ';' || *line == '#')
            continue;
        if (*line == '[') {
            char *end = strchr(line, ']');
            if (end == NULL)
                continue;
            *end = '\0';
            char *name = g_strstrip(line + 1);
            cur = NULL;
            if (g_ascii_strncasecmp(name, "Dialer", 6) == 0 &&
                (name[6] == ' ' || name[6] == '\t')) {
                cur = g_new0(WvSection, 1);
                cur->name = g_strdup(g_strstrip(name + 7));
                cur->keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
                g_ptr_array_add(sections, cur);
            }
            continue;
        }
        char *eq = strchr(line, '=');
        if (cur == NULL || eq == NULL)
            continue;
        *eq = '\0';
        /* wvdial folds runs of blanks in key names. */
        g_autofree char *raw = g_ascii_strdown(g_strstrip(line), -1);
        GString *key = g_string_new(NULL);
        for (const char *p = raw; *p; p++)
            if (!(g_ascii_isspace(*p) && key->len && key->str[key->len - 1] == ' '))
                g_string_append_c(key, g_ascii_isspace(*p) ? ' ' : *p);
        g_hash_table_insert(cur->keys, g_string_free(key, FALSE), g_strdup(g_strstrip(eq + 1)));
    }
    return sections;
}

static WvSection *
find(GPtrArray *sections, const char *name)
{
    for (guint i = 0; i < sections->len; i++) {
        WvSection *s = g_ptr_array_index(sections, i);
        if (g_ascii_strcasecmp(s->name, name) == 0)
            return s;
    }
    return NULL;
}

/* Defaults, then the Inherits chain (farthest first), then the section. */
static GHashTable *
resolve(GPtrArray *sections, WvSection *s, DtImportEntry *e)
{
    GPtrArray *chain = g_ptr_array_new();
    WvSection *cur = s;
    for (guint depth = 0; cur && depth < 16; depth++) {
        gboolean seen = FALSE;
        for (guint i = 0; i < chain->len && !seen; i++)
            seen = g_ptr_array_index(chain, i) == cur;
        if (seen) {
            dt_import_entry_note(e, "Inherits loops back to [Dialer %s]; stopped there", cur->name);
            break;
        }
        g_ptr_array_add(chain, cur);
        const char *inh = g_hash_table_lookup(cur->keys, "inherits");
        if (inh == NULL)
            break;
        WvSection *next = find(sections, inh);
        if (next == NULL)
            dt_import_entry_note(e, "Inherits = %s: no such section", inh);
        cur = next;
    }
    GHashTable *out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    WvSection *def = find(sections, "Defaults");
    GPtrArray *order = g_ptr_array_new();
    if (def && def != s)
        g_ptr_array_add(order, def);
    for (guint i = chain->len; i > 0; i--)
        g_ptr_array_add(order, g_ptr_array_index(chain, i - 1));
    for (guint i = 0; i < order->len; i++) {
        WvSection *o = g_ptr_array_index(order, i);
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, o->keys);
        while (g_hash_table_iter_next(&it, &k, &v))
            g_hash_table_insert(out, g_strdup(k), g_strdup(v));
    }
    g_ptr_array_free(order, TRUE);
    g_ptr_array_free(chain, TRUE);
    return out;
}

static int
parse_bool(const char *v)
{
    if (v == NULL)
        return -1;
    if (g_ascii_strcasecmp(v, "on") == 0 || g_ascii_strcasecmp(v, "yes") == 0 ||
        g_ascii_strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
        return 1;
    if (g_ascii_strcasecmp(v, "off") == 0 || g_ascii_strcasecmp(v, "no") == 0 ||
        g_ascii_strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
        return 0;
    return -1;
}

static void
import_section(DtImport *imp, GPtrArray *sections, WvSection *s)
{
    DtImportEntry *e = dt_import_add_entry(imp, s->name);
    g_autoptr(GHashTable) k = resolve(sections, s, e);
    const char *phone = g_hash_table_lookup(k, "phone");
    const char *prefix = g_hash_table_lookup(k, "dial prefix");
    if (phone == NULL || *phone == '\0') {
        dt_import_entry_skip(e, "no Phone: nothing to dial");
        dt_import_entry_finish(e);
        return;
    }
    g_autofree char *number = g_strconcat(prefix ? prefix : "", phone, NULL);
    g_autoptr(GString) why = g_string_new(NULL);
    if (!dt_validate_phone(number, why)) {
        dt_import_entry_skip(e, "Phone = %s cannot be dialled: %s", number, why->str);
        dt_import_entry_finish(e);
        return;
    }
    DtProfile *p = e->profile = dt_profile_new(DT_PROFILE_TYPE_DIALUP);
    g_free(p->name);
    p->name = dt_import_clean_name(s->name, "wvdial");
    p->dialup.phone = g_steal_pointer(&number);
    dt_import_entry_map(e, "%sPhone → Phone %s", prefix ? "Dial Prefix + " : "", p->dialup.phone);
    for (int i = 1; i <= 9; i++) {
        g_autofree char *key = g_strdup_printf("phone%d", i);
        const char *alt = g_hash_table_lookup(k, key);
        if (alt && *alt)
            dt_import_entry_note(e, "alternate Phone%d = %s: a profile dials one number", i, alt);
    }
    const char *modem = g_hash_table_lookup(k, "modem");
    if (modem && dt_validate_device_path(modem, NULL)) {
        p->dialup.device = g_strdup(modem);
        dt_import_entry_map(e, "Modem = %s → Device", modem);
    } else {
        p->dialup.device = g_strdup("/dev/modem");
        dt_import_entry_note(e,
                             "%s%s: Device is /dev/modem (wvdial's default); change it to "
                             "your modem",
                             modem ? "Modem = " : "no Modem", modem ? modem : "");
    }
    guint64 baud;
    const char *baud_s = g_hash_table_lookup(k, "baud");
    if (baud_s) {
        if (dt_import_parse_uint(baud_s, 4000000, &baud) && dt_import_serial_speed(baud)) {
            p->dialup.speed = (guint)baud;
            dt_import_entry_map(e, "Baud = %s → Speed", baud_s);
        } else {
            dt_import_entry_note(e, "Baud = %s is not a standard rate; kept %u", baud_s,
                                 p->dialup.speed);
        }
    } else {
        /* wvdial's default. */
        p->dialup.speed = 57600;
        dt_import_entry_map(e, "no Baud (wvdial: 57600) → Speed=57600");
    }
    GPtrArray *init = g_ptr_array_new();
    static const char *const init_keys[] = {"init",  "init1", "init2", "init3", "init4",
                                            "init5", "init6", "init7", "init8", "init9"};
    for (gsize i = 0; i < G_N_ELEMENTS(init_keys); i++) {
        const char *v = g_hash_table_lookup(k, init_keys[i]);
        if (v == NULL || *v == '\0')
            continue;
        /* Init strings are ';'-separated in a profile, so one with ';'
         * (a modem's own command separator) cannot be kept whole. */
        if (dt_validate_modem_command(v, NULL) && strchr(v, ';') == NULL)
            g_ptr_array_add(init, g_strdup(v));
        else
            dt_import_entry_note(e, "%s = %s is not a modem command Dialtone sends", init_keys[i],
                                 v);
    }
    if (init->len > 0) {
        dt_import_entry_map(e, "Init… → Init (%u command%s)", init->len, init->len == 1 ? "" : "s");
        g_strfreev(p->dialup.init);
        g_ptr_array_add(init, NULL);
        p->dialup.init = (char **)g_ptr_array_free(init, FALSE);
    } else {
        g_ptr_array_free(init, TRUE);
    }
    const char *cmd = g_hash_table_lookup(k, "dial command");
    if (cmd) {
        g_autofree char *up = g_ascii_strup(cmd, -1);
        if (g_str_has_prefix(up, "ATD") && dt_validate_modem_command(up, NULL)) {
            g_free(p->dialup.dial_command);
            p->dialup.dial_command = g_steal_pointer(&up);
            dt_import_entry_map(e, "Dial Command = %s → DialCommand", cmd);
        } else {
            dt_import_entry_note(e, "Dial Command = %s is not a dial command", cmd);
        }
    }
    const char *user = g_hash_table_lookup(k, "username");
    if (user && *user && dt_validate_text(user, 256, FALSE, NULL)) {
        p->dialup.user = g_strdup(user);
        dt_import_entry_map(e, "Username → User");
    }
    const char *pass = g_hash_table_lookup(k, "password");
    if (pass && *pass && dt_validate_text(pass, 256, FALSE, NULL)) {
        e->password = g_strdup(pass);
        dt_import_entry_map(e, "Password → the keyring");
    }
    int b = parse_bool(g_hash_table_lookup(k, "auto dns"));
    if (b == 0) {
        p->ipv4.dns.mode = DT_DNS_NONE;
        dt_import_entry_map(e, "Auto DNS = off → DNS=none");
    }
    b = parse_bool(g_hash_table_lookup(k, "auto reconnect"));
    /* wvdial reconnects unless told not to. */
    p->redial.on_link_failure = b != 0;
    dt_import_entry_map(e, "Auto Reconnect%s → OnLinkFailure=%s", b == 0 ? " = off" : "",
                        b != 0 ? "true" : "false");
    guint64 n;
    if (dt_import_parse_uint(g_hash_table_lookup(k, "idle seconds"), G_MAXUINT32, &n)) {
        p->redial.idle_disconnect = (guint)MIN(n, 604800);
        dt_import_entry_map(e, "Idle Seconds → IdleDisconnect=%u", p->redial.idle_disconnect);
    }
    if (dt_import_parse_uint(g_hash_table_lookup(k, "dial attempts"), G_MAXUINT32, &n)) {
        p->redial.attempts = (guint)MIN(n, 100);
        dt_import_entry_map(e, "Dial Attempts → Attempts=%u", p->redial.attempts);
    }
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, k);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        for (gsize i = 0; i < G_N_ELEMENTS(ignored_keys); i++)
            if (strcmp(key, ignored_keys[i]) == 0)
                e->ignored++;
    }
    dt_import_entry_finish(e);
}

DtImport *
dt_import_wvdial(const char *data, gsize len, GError **error)
{
    const char *encoding = NULL;
    g_autofree char *text = dt_import_decode(data, len, &encoding, error);
    if (text == NULL)
        return NULL;
    g_autoptr(GPtrArray) sections = parse(text);
    if (sections->len == 0) {
        g_set_error(error, DT_IMPORT_ERROR, DT_IMPORT_ERROR_FORMAT,
                    "no [Dialer …] section: not a wvdial.conf");
        return NULL;
    }
    g_autoptr(DtImport) imp = dt_import_new(DT_IMPORT_FORMAT_WVDIAL);
    g_free(imp->encoding);
    imp->encoding = g_strdup(encoding);
    guint named = 0;
    for (guint i = 0; i < sections->len; i++) {
        WvSection *s = g_ptr_array_index(sections, i);
        if (g_ascii_strcasecmp(s->name, "Defaults") != 0) {
            import_section(imp, sections, s);
            named++;
        }
    }
    if (named == 0)
        import_section(imp, sections, g_ptr_array_index(sections, 0));
    return g_steal_pointer(&imp);
}
