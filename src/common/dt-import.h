/* dt-import.h — profiles from other tools' files: what every importer
 * shares (the result, its summary, text decoding, the format sniffer).
 *
 * An importer turns one file into entries, one per connection it found.
 * Each entry has either a profile that passed dt_profile_validate(), or the
 * reason it was not imported (an L2TP phonebook entry, a PPPoE peer …): no
 * connection is ever dropped without a word. Beside the profile it lists,
 * in words, what mapped to which Dialtone setting and what did not, so the
 * summary can be read before anything is written (dialtonectl import
 * --dry-run).
 *
 * A password found in the file (NetworkManager's [vpn-secrets], wvdial's
 * Password) is handed back in the entry for the keyring, and wiped when
 * the result is freed; it never enters the profile, the summary or a log.
 *
 * The importers (one module each): dt-import-pbk.h (Windows rasphone.pbk),
 * dt-import-nm.h (NetworkManager PPTP keyfiles), dt-import-peers.h (pppd
 * peers files as pptpsetup writes them), dt-import-wvdial.h (wvdial.conf). */
#ifndef DT_IMPORT_H
#define DT_IMPORT_H

#include "dt-profile.h"

G_BEGIN_DECLS

#define DT_IMPORT_ERROR (dt_import_error_quark())
GQuark dt_import_error_quark(void);

typedef enum {
    DT_IMPORT_ERROR_FORMAT,   /* not a file of this format, or no connection in it */
    DT_IMPORT_ERROR_ENCODING, /* not text in any encoding we read */
    DT_IMPORT_ERROR_IO,
} DtImportError;

typedef enum {
    DT_IMPORT_FORMAT_UNKNOWN,
    DT_IMPORT_FORMAT_PBK,    /* Windows rasphone.pbk */
    DT_IMPORT_FORMAT_NM,     /* NetworkManager .nmconnection */
    DT_IMPORT_FORMAT_PEERS,  /* /etc/ppp/peers/NAME */
    DT_IMPORT_FORMAT_WVDIAL, /* wvdial.conf */
} DtImportFormat;

typedef struct {
    char *name;         /* the entry's name in the source file */
    DtProfile *profile; /* NULL when the entry was not imported */
    char *password;     /* NULL, or a secret for the keyring; wiped on free */
    char *skipped;      /* NULL, or why the entry was not imported */
    GPtrArray *mapped;  /* char *: "DataEncryption=256 → Encryption=require" */
    GPtrArray *notes;   /* char *: what did not map, and why */
    guint ignored;      /* keys with no meaning for Dialtone (UI, bookkeeping) */
} DtImportEntry;

typedef struct {
    DtImportFormat format;
    char *encoding;     /* what the text was decoded from: "UTF-8", "UTF-16LE", … */
    GPtrArray *entries; /* DtImportEntry * in file order */
} DtImport;

DtImport *dt_import_new(DtImportFormat format);
void dt_import_free(DtImport *imp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DtImport, dt_import_free)

const char *dt_import_format_to_string(DtImportFormat f);
/* "pbk", "nm", "peers", "wvdial"; FALSE for anything else. */
gboolean dt_import_format_from_string(const char *s, DtImportFormat *out);

/* Guesses the format from the text (and the file name's suffix, if any). */
DtImportFormat dt_import_detect(const char *data, gsize len, const char *file_name);

/* Reads data as format (UNKNOWN: detected). NULL with an error only when the
 * file is not of the format at all; entries that cannot be imported are in
 * the result with their reason. */
DtImport *dt_import_data(const char *data, gsize len, const char *file_name, DtImportFormat format,
                         GError **error);
DtImport *dt_import_file(const char *path, DtImportFormat format, GError **error);

/* Imported and skipped counts. */
guint dt_import_count(const DtImport *imp, guint *skipped);

/* The human summary: per entry, what mapped, what did not, and why skipped. */
char *dt_import_summary(const DtImport *imp);

/* For the importers. */
DtImportEntry *dt_import_add_entry(DtImport *imp, const char *name);
void dt_import_entry_map(DtImportEntry *e, const char *format, ...) G_GNUC_PRINTF(2, 3);
void dt_import_entry_note(DtImportEntry *e, const char *format, ...) G_GNUC_PRINTF(2, 3);
void dt_import_entry_skip(DtImportEntry *e, const char *format, ...) G_GNUC_PRINTF(2, 3);
/* Validates the entry's profile; an invalid one is dropped and the entry
 * skipped with the validator's words, so every profile in a result is valid. */
void dt_import_entry_finish(DtImportEntry *e);

/* The text as UTF-8 without a BOM: UTF-16 (LE/BE, with a BOM), UTF-8, or
 * else Windows-1252 (ISO-8859-1 for its five unassigned bytes). NUL bytes
 * outside UTF-16 are refused. *encoding gets the source's name. */
char *dt_import_decode(const char *data, gsize len, const char **encoding, GError **error);

/* The next line of text (CR LF, LF or CR ends one), without its end; NULL
 * at the end. *pos is advanced. */
char *dt_import_next_line(const char *text, gsize *pos);

/* A profile name from a foreign one: valid UTF-8, control characters
 * replaced, trimmed, at most 256 characters; fallback when nothing is left. */
char *dt_import_clean_name(const char *s, const char *fallback);

/* "COM3" → "/dev/ttyS2"; Linux device paths pass through; NULL otherwise. */
char *dt_import_serial_device(const char *port);
/* TRUE for a serial speed a profile accepts (a standard termios rate). */
gboolean dt_import_serial_speed(guint64 bps);
/* Strict decimal (surrounding blanks allowed) up to max; FALSE otherwise. */
gboolean dt_import_parse_uint(const char *s, guint64 max, guint64 *out);

G_END_DECLS

#endif
