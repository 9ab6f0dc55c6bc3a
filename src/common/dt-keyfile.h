/* dt-keyfile.h — the table-driven GKeyFile reader behind profiles and
 * server.conf (internal to dtcommon).
 *
 * GKeyFile keeps no line numbers, so the reader scans the text itself and
 * maps every [Group] and Key to the line it is on; each problem is then
 * reported as "FILE:LINE: [Group] Key: what is wrong; what to do". All
 * problems of one file are collected into one GError, one per line, so a user
 * fixes them in one pass.
 *
 * The same key tables also drive saving, defaults, copying and the GVariant
 * form, so a value is validated by one function whichever way it arrives:
 * a GVariant is first turned into the file's text and then read like a file,
 * with messages that name "Group.Key" instead of a line. */
#ifndef DT_KEYFILE_H
#define DT_KEYFILE_H

#include <glib.h>

#include "dt-security.h"

G_BEGIN_DECLS

/* Error codes every dtcommon domain shares at these values. */
enum {
    DT_KF_ERROR_PARSE = 0,
    DT_KF_ERROR_INVALID = 1,
    DT_KF_ERROR_MISSING = 2,
    DT_KF_ERROR_SECRET = 3,
};

typedef enum {
    DT_KEY_STRING, /* char *, NULL when unset */
    DT_KEY_UINT,   /* guint in [min, max] */
    DT_KEY_BOOL,   /* gboolean */
    DT_KEY_ENUM,   /* int index into choices */
    DT_KEY_LIST,   /* char ** (never NULL after load), ';'-separated */
    DT_KEY_AUTH,   /* DtAuthList */
    DT_KEY_DNS,    /* DtDns */
} DtKeyKind;

typedef enum {
    DT_DNS_AUTO, /* from IPCP (RFC 1877) */
    DT_DNS_NONE,
    DT_DNS_STATIC,
} DtDnsMode;

typedef struct {
    DtDnsMode mode;
    char **servers; /* DT_DNS_STATIC: the addresses; otherwise empty */
} DtDns;

typedef gboolean (*DtCheckFunc)(const char *value, GString *why);

enum {
    DT_KEY_REQUIRED = 1 << 0,
    DT_KEY_FREE_TEXT = 1 << 1, /* keep surrounding spaces (names, user names) */
    DT_KEY_ONLY_0 = 1 << 2,    /* required only in variant 0 (PPTP) */
    DT_KEY_ONLY_1 = 1 << 3,    /* required only in variant 1 (dial-up) */
};

typedef struct {
    const char *group;
    const char *key;
    DtKeyKind kind;
    gsize offset;
    guint flags;
    const char *def;            /* default as the file's text; NULL: unset / empty */
    const char *def_alt;        /* default in variant 1 when it differs */
    guint64 min, max;           /* DT_KEY_UINT */
    const char *const *choices; /* DT_KEY_ENUM */
    DtCheckFunc check;          /* STRING, UINT: the value; LIST: each element */
    const char *hint;           /* what to write when missing: "the VPN server's host name" */
} DtKey;

typedef struct _DtKfReader DtKfReader;

/* file_name is what messages call the file; NULL makes messages name keys as
 * "<what> key Group.Key" (the GVariant form). */
DtKfReader *dt_kf_reader_new(GQuark domain, const char *file_name, const char *what);
void dt_kf_reader_free(DtKfReader *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DtKfReader, dt_kf_reader_free)

/* Scans the text (NUL bytes, UTF-8, line syntax, duplicate known keys are
 * checked by the loader) and loads it with comments kept. NULL on a syntax
 * error, which is recorded. */
GKeyFile *dt_kf_reader_parse(DtKfReader *r, const char *data, gsize len);
guint dt_kf_reader_line(DtKfReader *r, const char *group, const char *key);
void dt_kf_reader_error(DtKfReader *r, int code, const char *group, const char *key,
                        const char *format, ...) G_GNUC_PRINTF(5, 6);
gboolean dt_kf_reader_failed(DtKfReader *r);
/* TRUE if nothing was reported; otherwise sets error with every message. */
gboolean dt_kf_reader_finish(DtKfReader *r, GError **error);

/* Reads each key of the table into obj: validated value, or the default when
 * absent, or a MISSING error when required. */
void dt_kf_load_keys(DtKfReader *r, GKeyFile *kf, const DtKey *keys, gsize n, guint variant,
                     gpointer obj);
/* Refuses password-like keys in any group: secrets never live in these files. */
void dt_kf_refuse_secrets(DtKfReader *r, GKeyFile *kf, const char *advice);
void dt_kf_apply_defaults(const DtKey *keys, gsize n, guint variant, gpointer obj);
void dt_kf_clear_keys(const DtKey *keys, gsize n, gpointer obj);
void dt_kf_copy_keys(const DtKey *keys, gsize n, gpointer dst, gconstpointer src);
/* Writes one key's value in its file form (an unset string is removed). */
void dt_kf_save_key(GKeyFile *kf, const DtKey *key, gconstpointer obj);

const DtKey *dt_kf_find_key(const DtKey *keys, gsize n, const char *group, const char *key);
/* The GVariant type of a key: s, u, b or as. */
const GVariantType *dt_kf_key_variant_type(const DtKey *key);
GVariant *dt_kf_key_to_variant(const DtKey *key, gconstpointer obj);
/* Type-checks v and writes it into kf as the file would have it. */
gboolean dt_kf_key_from_variant(DtKfReader *r, const DtKey *key, GVariant *v, GKeyFile *kf);

G_END_DECLS

#endif
