/* dt-export.h — profiles out to other tools' files.
 *
 * rasphone.pbk: one entry per profile, keys in [MS-RRASM] §2.2.2's order,
 * CR LF line ends, Encoding=1 (UTF-8). A PPTP profile with DialFirst is
 * exported together with its dial-up profile (PrerequisiteEntry).
 *
 * NetworkManager keyfile: a PPTP profile as an .nmconnection that
 * NetworkManager and its PPTP plugin accept: the setting properties'
 * booleans in keyfile form (true/false), the plugin's data items as the
 * plugin reads them (exactly yes/no), only keys the plugin knows, and the
 * password never (password-flags=1: the user's agent keeps it).
 *
 * What a format cannot say is added to notes (char *, may be NULL) in
 * words, so the caller can show what was lost. */
#ifndef DT_EXPORT_H
#define DT_EXPORT_H

#include "dt-profile.h"

G_BEGIN_DECLS

/* profiles: DialFirst targets before the profiles that name them. */
char *dt_export_pbk(const DtProfile *const *profiles, guint n, GPtrArray *notes);

/* NULL with DT_PROFILE_ERROR_INVALID for a dial-up profile. */
char *dt_export_nm(const DtProfile *p, GPtrArray *notes, GError **error);

/* The plugin's data items dt_export_nm() may write, NULL-terminated
 * (NetworkManager-pptp's nm-service-defines.h). */
extern const char *const dt_export_nm_pptp_keys[];

G_END_DECLS

#endif
