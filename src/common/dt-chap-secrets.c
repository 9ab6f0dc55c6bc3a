/* dt-chap-secrets.c — the chap-secrets tokenizer, table and safe loader. */
#include "dt-chap-secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dt-validate.h"

G_DEFINE_QUARK(dt - chap - secrets - error - quark, dt_chap_secrets_error)

/* pppd's MAXWORDLEN: longer words are refused rather than cut. */
#define WORD_MAX 1024
#define FILE_MAX (16u << 20)

struct _DtChapSecrets {
    GPtrArray *entries; /* DtChapSecret* */
};

static void
wipe(void *p, gsize n)
{
    /* explicit_bzero is not elided by the optimiser even though the memory
     * is freed right after. */
    if (p && n)
        explicit_bzero(p, n);
}

static void
wipe_free(char *s)
{
    if (s) {
        wipe(s, strlen(s));
        g_free(s);
    }
}

static void
entry_free(DtChapSecret *e)
{
    wipe_free(e->secret);
    g_free(e->client);
    g_free(e->server);
    g_strfreev(e->addresses);
    g_strfreev(e->options);
    g_free(e);
}

void
dt_chap_secrets_free(DtChapSecrets *t)
{
    if (t == NULL)
        return;
    g_ptr_array_unref(t->entries);
    g_free(t);
}

typedef struct {
    const char *data;
    gsize len, pos;
    guint line;
    const char *file_name;
    GError **error;
} Tokenizer;

static int
peek(Tokenizer *t, gsize ahead)
{
    return t->pos + ahead < t->len ? (unsigned char)t->data[t->pos + ahead] : -1;
}

static gboolean G_GNUC_PRINTF(3, 4) fail(Tokenizer *t, guint line, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_set_error(t->error, DT_CHAP_SECRETS_ERROR, DT_CHAP_SECRETS_ERROR_PARSE, "%s:%u: %s",
                t->file_name, line, msg);
    return FALSE;
}

static int
hex_value(int c)
{
    return g_ascii_isxdigit(c) ? g_ascii_xdigit_value((char)c) : -1;
}

/* One escape after a backslash; returns the byte, or -1 for a line
 * continuation. Mirrors pppd's getword(). */
static int
read_escape(Tokenizer *t)
{
    int c = peek(t, 0);
    if (c < 0)
        return '\\';
    t->pos++;
    switch (c) {
    case '\n':
        t->line++;
        return -1;
    case 'a':
        return '\a';
    case 'b':
        return '\b';
    case 'f':
        return '\f';
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 's':
        return ' ';
    case 't':
        return '\t';
    case 'x': {
        int v = 0, n = 0;
        while (n < 2 && hex_value(peek(t, 0)) >= 0) {
            v = v * 16 + hex_value(peek(t, 0));
            t->pos++;
            n++;
        }
        return n ? v : 'x';
    }
    default:
        if (c >= '0' && c <= '7') {
            int v = c - '0', n = 1;
            while (n < 3 && peek(t, 0) >= '0' && peek(t, 0) <= '7') {
                v = v * 8 + (peek(t, 0) - '0');
                t->pos++;
                n++;
            }
            return v & 0xff;
        }
        return c;
    }
}

/* Reads the next word into buf (NUL-terminated). *newline tells whether a
 * line break came before it. 0: end of input, 1: a word, -1: error. */
static int
next_word(Tokenizer *t, char *buf, gboolean *newline, guint *word_line)
{
    gboolean comment = FALSE;
    for (;;) {
        int c = peek(t, 0);
        if (c < 0)
            return 0;
        if (c == '\n') {
            t->line++;
            *newline = TRUE;
            comment = FALSE;
            t->pos++;
        } else if (comment) {
            t->pos++;
        } else if (c == '\\' && peek(t, 1) == '\n') {
            t->pos += 2;
            t->line++;
        } else if (g_ascii_isspace(c)) {
            t->pos++;
        } else if (c == '#') {
            comment = TRUE;
            t->pos++;
        } else {
            break;
        }
    }
    *word_line = t->line;
    gsize n = 0;
    int quote = 0;
    for (;;) {
        int c = peek(t, 0);
        if (c < 0) {
            if (quote)
                return fail(t, *word_line, "a quote (%c) is not closed; add the closing quote",
                            quote)
                           ? 1
                           : -1;
            break;
        }
        if (c == '\0')
            return fail(t, t->line, "contains a NUL byte; this is not a text file") ? 1 : -1;
        if (c == '\\') {
            t->pos++;
            c = read_escape(t);
            if (c < 0)
                continue;
            if (c == 0)
                return fail(t, t->line,
                            "an escape gives a NUL character, which no name or "
                            "secret may contain")
                           ? 1
                           : -1;
        } else if (quote) {
            t->pos++;
            if (c == quote) {
                quote = 0;
                continue;
            }
            if (c == '\n')
                t->line++;
        } else if (c == '"' || c == '\'') {
            quote = c;
            t->pos++;
            continue;
        } else if (g_ascii_isspace(c)) {
            break;
        } else {
            t->pos++;
        }
        if (n + 1 >= WORD_MAX)
            return fail(t, *word_line, "a word is longer than %d characters", WORD_MAX - 1) ? 1
                                                                                            : -1;
        buf[n++] = (char)c;
    }
    buf[n] = '\0';
    return 1;
}

static gboolean
check_address(const char *a)
{
    if (strcmp(a, "*") == 0)
        return TRUE;
    if (a[0] == '!')
        a++;
    if (strchr(a, '/')) {
        g_autofree char *addr = g_strndup(a, (gsize)(strchr(a, '/') - a));
        guint64 bits;
        return dt_parse_ipv4(addr, NULL) &&
               g_ascii_string_to_unsigned(strchr(a, '/') + 1, 10, 0, 32, &bits, NULL);
    }
    /* Digits and dots are meant as an address, never as a host name. */
    if (strspn(a, "0123456789.") == strlen(a))
        return dt_parse_ipv4(a, NULL);
    return dt_validate_hostname(a, NULL);
}

static void
free_words(GPtrArray *words)
{
    for (guint i = 0; i < words->len; i++)
        wipe_free(words->pdata[i]);
    g_ptr_array_set_size(words, 0);
}

static gboolean
add_entry(Tokenizer *t, DtChapSecrets *table, GPtrArray *words, guint line)
{
    if (words->len < 3)
        return fail(t, line,
                    "needs a client, a server and a secret, but has %u word%s; complete or "
                    "remove the line",
                    words->len, words->len == 1 ? "" : "s");
    const char *client = words->pdata[0], *server = words->pdata[1], *secret = words->pdata[2];
    if (*client == '\0' || *server == '\0')
        return fail(t, line, "has an empty client or server name; use * to match any name");
    if (!g_utf8_validate(client, -1, NULL) || !g_utf8_validate(server, -1, NULL))
        return fail(t, line, "has a client or server name that is not UTF-8 text");
    if (secret[0] == '@' && secret[1] == '/')
        return fail(t, line,
                    "reads its secret from a file (@/…), which Dialtone does not do; "
                    "put the secret itself in this file");
    DtChapSecret *e = g_new0(DtChapSecret, 1);
    e->line = line;
    e->client = g_strdup(client);
    e->server = g_strdup(server);
    e->secret = g_strdup(secret);
    GPtrArray *addrs = g_ptr_array_new();
    GPtrArray *opts = g_ptr_array_new();
    gboolean in_options = FALSE, ok = TRUE, dash = FALSE;
    for (guint i = 3; i < words->len && ok; i++) {
        const char *w = words->pdata[i];
        if (!in_options && strcmp(w, "--") == 0) {
            in_options = TRUE;
        } else if (in_options) {
            g_ptr_array_add(opts, g_strdup(w));
        } else if (strcmp(w, "-") == 0) {
            dash = TRUE;
        } else if (!check_address(w)) {
            g_autofree char *shown = g_strescape(w, NULL);
            ok = fail(t, line,
                      "“%s” is not an address; use an IPv4 address, address/bits, a host name, "
                      "* (any) or - (none)",
                      shown);
        } else {
            g_ptr_array_add(addrs, g_strdup(w));
        }
    }
    if (ok && dash && addrs->len > 0)
        ok = fail(t, line, "combines “-” (no address) with addresses; keep one of the two");
    e->no_address = dash;
    g_ptr_array_add(addrs, NULL);
    g_ptr_array_add(opts, NULL);
    e->addresses = (char **)g_ptr_array_free(addrs, FALSE);
    e->options = (char **)g_ptr_array_free(opts, FALSE);
    if (!ok) {
        entry_free(e);
        return FALSE;
    }
    g_ptr_array_add(table->entries, e);
    return TRUE;
}

DtChapSecrets *
dt_chap_secrets_parse(const char *data, gsize len, const char *file_name, GError **error)
{
    Tokenizer t = {data, len, 0, 1, file_name ? file_name : "chap-secrets", error};
    g_autoptr(DtChapSecrets) table = g_new0(DtChapSecrets, 1);
    table->entries = g_ptr_array_new_with_free_func((GDestroyNotify)entry_free);
    g_autoptr(GPtrArray) words = g_ptr_array_new();
    char *buf = g_malloc(WORD_MAX);
    gboolean newline = TRUE, ok = TRUE;
    guint entry_line = 0, word_line = 0;
    for (;;) {
        gboolean nl = FALSE;
        int r = next_word(&t, buf, &nl, &word_line);
        if (r < 0) {
            ok = FALSE;
            break;
        }
        if (r == 0 || nl || newline) {
            if (words->len && !add_entry(&t, table, words, entry_line)) {
                ok = FALSE;
                break;
            }
            free_words(words);
            entry_line = word_line;
            newline = FALSE;
        }
        if (r == 0)
            break;
        g_ptr_array_add(words, g_strdup(buf));
    }
    free_words(words);
    wipe(buf, WORD_MAX);
    g_free(buf);
    return ok ? g_steal_pointer(&table) : NULL;
}

DtChapSecrets *
dt_chap_secrets_load(const char *path, GError **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        g_set_error(error, DT_CHAP_SECRETS_ERROR, DT_CHAP_SECRETS_ERROR_IO, "cannot open %s: %s",
                    path, g_strerror(e));
        return NULL;
    }
    struct stat st;
    /* fstat on the open file, so what is checked is what is read. */
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        g_set_error(error, DT_CHAP_SECRETS_ERROR, DT_CHAP_SECRETS_ERROR_IO,
                    "%s is not a regular file", path);
        close(fd);
        return NULL;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        g_set_error(error, DT_CHAP_SECRETS_ERROR, DT_CHAP_SECRETS_ERROR_PERMISSIONS,
                    "%s has mode %04o, so users other than its owner can read or change the "
                    "secrets; refusing it. Run: chmod 600 %s",
                    path, (unsigned)(st.st_mode & 07777), path);
        close(fd);
        return NULL;
    }
    if (geteuid() == 0 && st.st_uid != 0) {
        g_set_error(error, DT_CHAP_SECRETS_ERROR, DT_CHAP_SECRETS_ERROR_PERMISSIONS,
                    "%s is owned by uid %u, not root, so that user can change the secrets; "
                    "refusing it. Run: chown root:root %s",
                    path, (unsigned)st.st_uid, path);
        close(fd);
        return NULL;
    }
    if ((guint64)st.st_size > FILE_MAX) {
        g_set_error(error, DT_CHAP_SECRETS_ERROR, DT_CHAP_SECRETS_ERROR_IO,
                    "%s is larger than %u MiB; that is not a secrets file", path, FILE_MAX >> 20);
        close(fd);
        return NULL;
    }
    gsize cap = (gsize)st.st_size + 1, len = 0;
    char *data = g_malloc(cap);
    for (;;) {
        if (len == cap) {
            /* The file grew while we read it: read no further. */
            break;
        }
        ssize_t n = read(fd, data + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            g_set_error(error, DT_CHAP_SECRETS_ERROR, DT_CHAP_SECRETS_ERROR_IO,
                        "cannot read %s: %s", path, g_strerror(e));
            wipe(data, cap);
            g_free(data);
            close(fd);
            return NULL;
        }
        if (n == 0)
            break;
        len += (gsize)n;
    }
    close(fd);
    DtChapSecrets *t = dt_chap_secrets_parse(data, len, path, error);
    wipe(data, cap);
    g_free(data);
    return t;
}

guint
dt_chap_secrets_get_n_entries(const DtChapSecrets *t)
{
    return t->entries->len;
}

const DtChapSecret *
dt_chap_secrets_get_entry(const DtChapSecrets *t, guint i)
{
    return i < t->entries->len ? t->entries->pdata[i] : NULL;
}

const DtChapSecret *
dt_chap_secrets_lookup(const DtChapSecrets *t, const char *client, const char *server)
{
    /* pppd's scan_authfile(): exact client 2, exact server 1; only a strictly
     * better entry replaces an earlier one. */
    const DtChapSecret *best = NULL;
    int best_score = -1;
    for (guint i = 0; i < t->entries->len; i++) {
        const DtChapSecret *e = t->entries->pdata[i];
        int score = 0;
        if (strcmp(e->client, "*") != 0) {
            if (client == NULL || strcmp(e->client, client) != 0)
                continue;
            score |= 2;
        }
        if (strcmp(e->server, "*") != 0) {
            if (server != NULL && strcmp(e->server, server) != 0)
                continue;
            score |= 1;
        }
        if (score > best_score) {
            best = e;
            best_score = score;
        }
    }
    return best;
}
