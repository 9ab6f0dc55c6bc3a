/* dt-import-wvdial.h — wvdial.conf dial-up sections.
 *
 * Every [Dialer NAME] section becomes a dial-up profile, with the values of
 * [Dialer Defaults] and of its Inherits chain beneath its own (as wvdial
 * reads them); a file with only [Dialer Defaults] gives one profile.
 * Mapped: Modem (→ Device), Baud (→ Speed), Init and Init1…Init9 (→ Init,
 * in order), Dial Prefix + Phone (→ Phone; Phone1… are alternates, named
 * in the summary), Dial Command, Username, Auto DNS, Auto Reconnect,
 * Idle Seconds, Dial Attempts. Password goes to the caller for the
 * keyring. Keys are matched without regard to case, as wvdial does. */
#ifndef DT_IMPORT_WVDIAL_H
#define DT_IMPORT_WVDIAL_H

#include "dt-import.h"

G_BEGIN_DECLS

DtImport *dt_import_wvdial(const char *data, gsize len, GError **error);

G_END_DECLS

#endif
