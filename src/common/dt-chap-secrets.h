/* dt-chap-secrets.h — pppd's chap-secrets file, as dialtone-server reads it.
 *
 * One entry per line: client server secret [address…] [-- option…]. Words
 * are separated by white space; "…" or '…' quote (and may join) parts of a
 * word; a backslash escapes as in pppd (\n \r \t \s \a \b \f, \ooo octal,
 * \xhh hex, backslash-newline continues the line, any other character
 * stands for itself); # starts a comment where a word could start; "*" as
 * client or server matches any name; a lone "-" address means the client
 * may use no address. The best entry is pppd's: an exact client beats an
 * exact server beats wildcards, and the first of equals wins.
 *
 * Secrets are wiped from memory when the table is freed, and no message
 * ever quotes one. Loading a file refuses it when group or others may read
 * or write it, or, when running as root, when root does not own it. */
#ifndef DT_CHAP_SECRETS_H
#define DT_CHAP_SECRETS_H

#include <glib.h>

G_BEGIN_DECLS

#define DT_CHAP_SECRETS_ERROR (dt_chap_secrets_error_quark())
GQuark dt_chap_secrets_error_quark(void);

typedef enum {
    DT_CHAP_SECRETS_ERROR_PARSE,
    DT_CHAP_SECRETS_ERROR_PERMISSIONS, /* mode or owner unsafe */
    DT_CHAP_SECRETS_ERROR_IO,
} DtChapSecretsError;

typedef struct {
    char *client;
    char *server;
    char *secret;        /* wiped on free; may be "" */
    char **addresses;    /* as written ("*", "10.0.0.5", "!10.0.0.0/8", host names); may be empty */
    gboolean no_address; /* the address list was "-" */
    char **options;      /* words after "--" */
    guint line;
} DtChapSecret;

typedef struct _DtChapSecrets DtChapSecrets;

/* file_name is for messages only. */
DtChapSecrets *dt_chap_secrets_parse(const char *data, gsize len, const char *file_name,
                                     GError **error);
DtChapSecrets *dt_chap_secrets_load(const char *path, GError **error);
void dt_chap_secrets_free(DtChapSecrets *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DtChapSecrets, dt_chap_secrets_free)

guint dt_chap_secrets_get_n_entries(const DtChapSecrets *t);
const DtChapSecret *dt_chap_secrets_get_entry(const DtChapSecrets *t, guint i);
/* The entry for client authenticating to server (NULL server: any), or NULL. */
const DtChapSecret *dt_chap_secrets_lookup(const DtChapSecrets *t, const char *client,
                                           const char *server);

G_END_DECLS

#endif
