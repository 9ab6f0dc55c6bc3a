/* dt-import.c — see dt-import.h. */
#include "dt-import.h"

#include <stdarg.h>
#include <string.h>

#include "dt-import-nm.h"
#include "dt-import-pbk.h"
#include "dt-import-peers.h"
#include "dt-import-wvdial.h"
#include "dt-validate.h"

G_DEFINE_QUARK(dt - import - error - quark, dt_import_error)

static const char *const format_tokens[] = {"unknown", "pbk", "nm", "peers", "wvdial", NULL};

const char *
dt_import_format_to_string(DtImportFormat f)
{
    return (guint)f <= DT_IMPORT_FORMAT_WVDIAL ? format_tokens[f] : "unknown";
}

gboolean
dt_import_format_from_string(const char *s, DtImportFormat *out)
{
    for (guint i = 1; format_tokens[i]; i++) {
        if (g_ascii_strcasecmp(s, format_tokens[i]) == 0) {
            *out = (DtImportFormat)i;
            return TRUE;
        }
    }
    return FALSE;
}

static void
entry_free(gpointer data)
{
    DtImportEntry *e = data;
    g_free(e->name);
    g_clear_pointer(&e->profile, dt_profile_free);
    if (e->password) {
        memset(e->password, 0, strlen(e->password));
        g_free(e->password);
    }
    g_free(e->skipped);
    g_ptr_array_unref(e->mapped);
    g_ptr_array_unref(e->notes);
    g_free(e);
}

DtImport *
dt_import_new(DtImportFormat format)
{
    DtImport *imp = g_new0(DtImport, 1);
    imp->format = format;
    imp->encoding = g_strdup("UTF-8");
    imp->entries = g_ptr_array_new_with_free_func(entry_free);
    return imp;
}

void
dt_import_free(DtImport *imp)
{
    if (imp == NULL)
        return;
    g_ptr_array_unref(imp->entries);
    g_free(imp->encoding);
    g_free(imp);
}

DtImportEntry *
dt_import_add_entry(DtImport *imp, const char *name)
{
    DtImportEntry *e = g_new0(DtImportEntry, 1);
    e->name = dt_import_clean_name(name, "(unnamed)");
    e->mapped = g_ptr_array_new_with_free_func(g_free);
    e->notes = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(imp->entries, e);
    return e;
}

void
dt_import_entry_map(DtImportEntry *e, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_ptr_array_add(e->mapped, g_strdup_vprintf(format, ap));
    va_end(ap);
}

void
dt_import_entry_note(DtImportEntry *e, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_ptr_array_add(e->notes, g_strdup_vprintf(format, ap));
    va_end(ap);
}

void
dt_import_entry_skip(DtImportEntry *e, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    char *why = g_strdup_vprintf(format, ap);
    va_end(ap);
    if (e->skipped == NULL)
        e->skipped = why;
    else
        g_free(why);
    g_clear_pointer(&e->profile, dt_profile_free);
    if (e->password) {
        memset(e->password, 0, strlen(e->password));
        g_clear_pointer(&e->password, g_free);
    }
}

void
dt_import_entry_finish(DtImportEntry *e)
{
    if (e->profile == NULL) {
        if (e->skipped == NULL)
            e->skipped = g_strdup("nothing to import");
        return;
    }
    g_autoptr(GError) error = NULL;
    if (!dt_profile_validate(e->profile, &error)) {
        dt_import_entry_skip(e, "the settings do not make a valid profile: %s", error->message);
        return;
    }
    /* What the store will write and read back (the loader trims blanks
     * around most values), so the profile in hand is the one saved. */
    gsize len;
    g_autofree char *text = dt_profile_to_data(e->profile, &len);
    DtProfile *saved = dt_profile_load_data(text, len, e->name, &error);
    if (saved == NULL) {
        dt_import_entry_skip(e, "the settings do not make a valid profile: %s", error->message);
        return;
    }
    dt_profile_free(e->profile);
    e->profile = saved;
}

guint
dt_import_count(const DtImport *imp, guint *skipped)
{
    guint n = 0, s = 0;
    for (guint i = 0; i < imp->entries->len; i++) {
        const DtImportEntry *e = g_ptr_array_index(imp->entries, i);
        if (e->profile)
            n++;
        else
            s++;
    }
    if (skipped)
        *skipped = s;
    return n;
}

char *
dt_import_summary(const DtImport *imp)
{
    GString *s = g_string_new(NULL);
    guint skipped;
    guint n = dt_import_count(imp, &skipped);
    g_string_append_printf(s, "%s (%s): %u profile%s to import, %u entr%s not imported\n",
                           dt_import_format_to_string(imp->format), imp->encoding, n,
                           n == 1 ? "" : "s", skipped, skipped == 1 ? "y" : "ies");
    for (guint i = 0; i < imp->entries->len; i++) {
        const DtImportEntry *e = g_ptr_array_index(imp->entries, i);
        if (e->profile)
            g_string_append_printf(s, "\n“%s” → %s profile “%s”\n", e->name,
                                   dt_profile_type_to_string(e->profile->type), e->profile->name);
        else
            g_string_append_printf(s, "\n“%s”: NOT IMPORTED: %s\n", e->name, e->skipped);
        for (guint j = 0; j < e->mapped->len; j++)
            g_string_append_printf(s, "  mapped   %s\n", (char *)g_ptr_array_index(e->mapped, j));
        for (guint j = 0; j < e->notes->len; j++)
            g_string_append_printf(s, "  not kept %s\n", (char *)g_ptr_array_index(e->notes, j));
        if (e->password)
            g_string_append(s, "  password goes to the keyring\n");
        if (e->ignored)
            g_string_append_printf(s, "  ignored  %u setting%s with no meaning here\n", e->ignored,
                                   e->ignored == 1 ? "" : "s");
    }
    return g_string_free(s, FALSE);
}

char *
dt_import_decode(const char *data, gsize len, const char **encoding, GError **error)
{
    const guchar *u = (const guchar *)data;
    const char *from = NULL;
    gsize skip = 0;
    if (len >= 2 && u[0] == 0xff && u[1] == 0xfe) {
        from = "UTF-16LE";
        skip = 2;
    } else if (len >= 2 && u[0] == 0xfe && u[1] == 0xff) {
        from = "UTF-16BE";
        skip = 2;
    } else if (len >= 4 && u[0] == '[' && u[1] == 0 && u[2] != 0 && u[3] == 0) {
        from = "UTF-16LE"; /* PowerShell's Out-File without a BOM */
    }
    if (from) {
        if ((len - skip) % 2 != 0)
            len--;
        g_autoptr(GError) e = NULL;
        gsize written = 0;
        char *out = g_convert(data + skip, (gssize)(len - skip), "UTF-8", from, NULL, &written, &e);
        if (out == NULL || memchr(out, 0, written)) {
            g_free(out);
            g_set_error(error, DT_IMPORT_ERROR, DT_IMPORT_ERROR_ENCODING,
                        "the file starts like %s text but is not; save it again as UTF-8", from);
            return NULL;
        }
        if (encoding)
            *encoding = from;
        return out;
    }
    if (memchr(data, 0, len)) {
        g_set_error(error, DT_IMPORT_ERROR, DT_IMPORT_ERROR_ENCODING,
                    "the file contains NUL bytes, so it is not text; import the connection file "
                    "itself");
        return NULL;
    }
    if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
        skip = 3;
    if (g_utf8_validate_len(data + skip, len - skip, NULL)) {
        if (encoding)
            *encoding = "UTF-8";
        return g_strndup(data + skip, len - skip);
    }
    /* rasphone.pbk is "8-bit ASCII" ([MS-RRASM] §2.2.2): the ANSI code page,
     * Windows-1252 in the West. Its five unassigned bytes fail in iconv, and
     * ISO-8859-1 maps every byte, so that is the fallback. */
    char *out = g_convert(data, (gssize)len, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
    if (out) {
        if (encoding)
            *encoding = "Windows-1252";
        return out;
    }
    out = g_convert(data, (gssize)len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
    if (out == NULL) {
        g_set_error(error, DT_IMPORT_ERROR, DT_IMPORT_ERROR_ENCODING,
                    "the file is not text in UTF-8, UTF-16 or Windows-1252; save it as UTF-8");
        return NULL;
    }
    if (encoding)
        *encoding = "ISO-8859-1";
    return out;
}

char *
dt_import_next_line(const char *text, gsize *pos)
{
    const char *start = text + *pos;
    if (*start == '\0')
        return NULL;
    gsize n = strcspn(start, "\r\n");
    char *line = g_strndup(start, n);
    *pos += n;
    if (text[*pos] == '\r')
        (*pos)++;
    if (text[*pos] == '\n')
        (*pos)++;
    return line;
}

char *
dt_import_clean_name(const char *s, const char *fallback)
{
    g_autofree char *valid = g_utf8_make_valid(s ? s : "", -1);
    GString *out = g_string_new(NULL);
    for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_iscntrl(c) || c == 0x2028 || c == 0x2029 || c == 0xfeff)
            c = ' ';
        g_string_append_unichar(out, c);
    }
    g_autofree char *joined = g_string_free(out, FALSE);
    g_strstrip(joined);
    if (g_utf8_strlen(joined, -1) > 256)
        *g_utf8_offset_to_pointer(joined, 256) = '\0';
    g_strchomp(joined);
    if (*joined == '\0')
        return g_strdup(fallback);
    return g_steal_pointer(&joined);
}

char *
dt_import_serial_device(const char *port)
{
    if (port == NULL)
        return NULL;
    if (g_str_has_prefix(port, "/dev/"))
        return dt_validate_device_path(port, NULL) ? g_strdup(port) : NULL;
    if (g_ascii_strncasecmp(port, "COM", 3) == 0 && port[3] >= '1' && port[3] <= '9') {
        char *end;
        guint64 n = g_ascii_strtoull(port + 3, &end, 10);
        if (*end == '\0' && n >= 1 && n <= 256)
            return g_strdup_printf("/dev/ttyS%u", (guint)(n - 1));
    }
    return NULL;
}

gboolean
dt_import_serial_speed(guint64 bps)
{
    /* The rates dt-profile.c's Speed check takes. */
    static const guint rates[] = {300,     600,     1200,    2400,    4800,    9600,
                                  19200,   38400,   57600,   115200,  230400,  460800,
                                  500000,  576000,  921600,  1000000, 1152000, 1500000,
                                  2000000, 2500000, 3000000, 3500000, 4000000};
    for (gsize i = 0; i < G_N_ELEMENTS(rates); i++)
        if (bps == rates[i])
            return TRUE;
    return FALSE;
}

gboolean
dt_import_parse_uint(const char *s, guint64 max, guint64 *out)
{
    if (s == NULL)
        return FALSE;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!g_ascii_isdigit(*s))
        return FALSE;
    guint64 n = 0;
    for (; g_ascii_isdigit(*s); s++) {
        n = n * 10 + (guint64)(*s - '0');
        if (n > max)
            return FALSE;
    }
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s != '\0')
        return FALSE;
    *out = n;
    return TRUE;
}

DtImportFormat
dt_import_detect(const char *data, gsize len, const char *file_name)
{
    g_autofree char *text = dt_import_decode(data, len, NULL, NULL);
    if (text == NULL)
        return DT_IMPORT_FORMAT_UNKNOWN;
    if (file_name) {
        g_autofree char *lower = g_ascii_strdown(file_name, -1);
        if (g_str_has_suffix(lower, ".pbk"))
            return DT_IMPORT_FORMAT_PBK;
        if (g_str_has_suffix(lower, ".nmconnection"))
            return DT_IMPORT_FORMAT_NM;
        if (g_str_has_suffix(lower, "wvdial.conf"))
            return DT_IMPORT_FORMAT_WVDIAL;
    }
    /* By content: each format has words the others never use. */
    g_autofree char *lower = g_ascii_strdown(text, -1);
    if (strstr(lower, "[dialer "))
        return DT_IMPORT_FORMAT_WVDIAL;
    if (strstr(lower, "[connection]") && strstr(lower, "[vpn]"))
        return DT_IMPORT_FORMAT_NM;
    if (strstr(lower, "[connection]") && strstr(lower, "type="))
        return DT_IMPORT_FORMAT_NM;
    if (strstr(lower, "\nmedia=") || strstr(lower, "\ndevice=") || strstr(lower, "vpnstrategy=") ||
        strstr(lower, "pbversion="))
        return DT_IMPORT_FORMAT_PBK;
    if (strstr(lower, "pty ") || strstr(lower, "remotename") || strstr(lower, "connect ") ||
        strstr(lower, "require-mppe") || strstr(lower, "/dev/tty"))
        return DT_IMPORT_FORMAT_PEERS;
    return DT_IMPORT_FORMAT_UNKNOWN;
}

DtImport *
dt_import_data(const char *data, gsize len, const char *file_name, DtImportFormat format,
               GError **error)
{
    if (format == DT_IMPORT_FORMAT_UNKNOWN)
        format = dt_import_detect(data, len, file_name);
    switch (format) {
    case DT_IMPORT_FORMAT_PBK:
        return dt_import_pbk(data, len, error);
    case DT_IMPORT_FORMAT_NM:
        return dt_import_nm(data, len, error);
    case DT_IMPORT_FORMAT_PEERS: {
        g_autofree char *base = file_name ? g_path_get_basename(file_name) : NULL;
        return dt_import_peers(data, len, base, error);
    }
    case DT_IMPORT_FORMAT_WVDIAL:
        return dt_import_wvdial(data, len, error);
    case DT_IMPORT_FORMAT_UNKNOWN:
    default:
        break;
    }
    g_autoptr(GError) e = NULL;
    g_autofree char *text = dt_import_decode(data, len, NULL, &e);
    if (text == NULL) {
        g_propagate_error(error, g_steal_pointer(&e));
        return NULL;
    }
    g_set_error(error, DT_IMPORT_ERROR, DT_IMPORT_ERROR_FORMAT,
                "this is not a file Dialtone can import; it reads Windows phonebooks "
                "(rasphone.pbk), NetworkManager PPTP connections (.nmconnection), pppd peers "
                "files and wvdial.conf (name the format with --format if the name hides it)");
    return NULL;
}

DtImport *
dt_import_file(const char *path, DtImportFormat format, GError **error)
{
    g_autofree char *data = NULL;
    gsize len;
    g_autoptr(GError) e = NULL;
    if (!g_file_get_contents(path, &data, &len, &e)) {
        g_set_error(error, DT_IMPORT_ERROR, DT_IMPORT_ERROR_IO, "%s", e->message);
        return NULL;
    }
    return dt_import_data(data, len, path, format, error);
}
