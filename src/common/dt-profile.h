/* dt-profile.h — a saved connection: one GKeyFile per profile under
 * $XDG_CONFIG_HOME/dialtone/profiles/<Id>.conf (../shared/FORMATS.md).
 *
 * DtProfile is a plain struct with public fields: editors set them, then
 * dt_profile_validate() or dt_profile_store_save() checks the whole. Loading
 * validates every key and names the file, line and key of each problem.
 * Unknown groups, keys and comments of a loaded file are kept and written
 * back on save. Passwords are never part of a profile: a password key in a
 * file is refused, and the helper receives secrets in their own dictionary.
 *
 * The GVariant form (what the app and the CLI send in the helper's Connect)
 * is an a{sv} with one entry per key, named "Group.Key" ("PPTP.Server",
 * "PPP.MTU"), typed s, u (numbers), b (booleans) or as (lists: Routes, DNS,
 * DNSSearch, Init, Authentication). DNS is ["auto"], ["none"] or addresses.
 * An optional "DialFirst" entry holds the dial-up profile to bring up first,
 * as a nested a{sv} of the same form. dt_profile_from_variant() runs the very
 * checks the file loader runs, refuses unknown keys, and names the key. */
#ifndef DT_PROFILE_H
#define DT_PROFILE_H

#include <gio/gio.h>

#include "dt-keyfile.h"
#include "dt-security.h"

G_BEGIN_DECLS

#define DT_PROFILE_ERROR (dt_profile_error_quark())
GQuark dt_profile_error_quark(void);

/* Registered with GDBus as org.dialtone.Error.Profile.<Name>, so the helper's
 * replies carry the code across the bus. */
typedef enum {
    DT_PROFILE_ERROR_PARSE = DT_KF_ERROR_PARSE,     /* not a valid key file */
    DT_PROFILE_ERROR_INVALID = DT_KF_ERROR_INVALID, /* a value is wrong */
    DT_PROFILE_ERROR_MISSING = DT_KF_ERROR_MISSING, /* a required key is absent */
    DT_PROFILE_ERROR_SECRET = DT_KF_ERROR_SECRET,   /* a password in a profile */
    DT_PROFILE_ERROR_DIAL_FIRST,                    /* DialFirst names no usable profile */
    DT_PROFILE_ERROR_NOT_FOUND,
    DT_PROFILE_ERROR_AMBIGUOUS, /* a name matches more than one profile */
    DT_PROFILE_ERROR_EXISTS,    /* the name is taken */
    DT_PROFILE_ERROR_IO,
} DtProfileError;

typedef enum {
    DT_PROFILE_TYPE_PPTP,
    DT_PROFILE_TYPE_DIALUP,
} DtProfileType;

typedef enum {
    DT_FLOW_CONTROL_HARDWARE,
    DT_FLOW_CONTROL_NONE,
} DtFlowControl;

typedef struct {
    /* [Profile] */
    char *id;   /* UUID, lower case; also the file name */
    char *name; /* shown to people; unique in a store (case-insensitive) */
    DtProfileType type;
    char *dial_first; /* NULL or the Id of a dial-up profile */

    struct {
        char *server; /* host name, IPv4 or IPv6 literal */
        char *user;   /* NULL if unset */
        char *domain; /* NULL if unset; sent as DOMAIN\user */
    } pptp;

    struct {
        char *device; /* /dev/… */
        guint speed;  /* a standard termios rate */
        DtFlowControl flow_control;
        char **init;        /* AT commands, each must answer OK */
        char *dial_command; /* ATDT, ATDP or ATD */
        char *phone;
        char *user;
    } dialup;

    DtSecurity security;

    struct {
        gboolean default_route;
        char **routes; /* IPv4 CIDRs, used when !default_route */
        DtDns dns;
        char **dns_search;
    } ipv4;

    struct {
        gboolean enabled;
    } ipv6;

    DtPppSettings ppp;

    struct {
        guint attempts;
        guint interval; /* seconds, grows with backoff */
        gboolean on_link_failure;
        guint idle_disconnect; /* seconds, 0 = never */
    } redial;

    /*< private >*/
    GKeyFile *keyfile; /* the loaded file: unknown keys and comments */
} DtProfile;

GType dt_profile_get_type(void) G_GNUC_CONST;
#define DT_TYPE_PROFILE (dt_profile_get_type())

/* A new profile with FORMATS.md's defaults and a fresh Id. For PPTP:
 * mschapv2 only, require-128, stateless, MPPC on, DefaultRoute, DNS auto,
 * EchoInterval 30, MTU/MRU 1400. For dial-up (an ISP answers with PAP or
 * CHAP, and MPPE over a modem is rare): mschapv2,mschap,chap,pap,
 * Encryption none, MPPC off, MTU/MRU 1500. The name is "" until set. */
DtProfile *dt_profile_new(DtProfileType type);
DtProfile *dt_profile_copy(const DtProfile *p);
void dt_profile_free(DtProfile *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DtProfile, dt_profile_free)

/* Parses and validates a profile's text. file_name is only used in messages;
 * nothing is read from disk. */
DtProfile *dt_profile_load_data(const char *data, gsize len, const char *file_name, GError **error);
DtProfile *dt_profile_load_file(const char *path, GError **error);

/* Checks the fields as the loader would (after an editor changed them),
 * including Encryption against Authentication. */
gboolean dt_profile_validate(const DtProfile *p, GError **error);

/* The file's text: known keys from the fields, then everything else the
 * loaded file had, comments included. */
char *dt_profile_to_data(const DtProfile *p, gsize *len);
/* Validates, then writes path atomically (temporary file + rename), mode 0600. */
gboolean dt_profile_save_file(const DtProfile *p, const char *path, GError **error);

/* dial_first (may be NULL) is embedded as "DialFirst". */
GVariant *dt_profile_to_variant(const DtProfile *p, const DtProfile *dial_first);
/* dial_first_out (may be NULL) receives the embedded dial-up profile, if any.
 * Checks the DialFirst rules too: it must be a dial-up profile, the one
 * Profile.DialFirst names, and may not itself dial anything first. */
DtProfile *dt_profile_from_variant(GVariant *dict, DtProfile **dial_first_out, GError **error);

const char *dt_profile_type_to_string(DtProfileType t);
gboolean dt_profile_type_from_string(const char *s, DtProfileType *out);

G_END_DECLS

#endif
