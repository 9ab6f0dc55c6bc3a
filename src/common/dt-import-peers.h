/* dt-import-peers.h — pppd peers files (/etc/ppp/peers/NAME), as pptpsetup
 * and pppconfig write them.
 *
 * A PPTP peer has pty "pptp HOST --nolaunchpppd …"; a dial-up peer names
 * its serial device, speed and a connect "chat … ATDTnumber …" line. Mapped:
 * the host (→ Server), name/user (→ User), refuse-pap/-chap/-mschap/
 * -mschap-v2 (→ the allowed methods), require-mppe/-40/-128, nomppe and the
 * older "mppe required,stateless,no40,no56" (→ Encryption), mppe-stateful,
 * defaultroute/nodefaultroute, usepeerdns, mtu, mru, lcp-echo-*, noipv6,
 * persist/maxfail/holdoff/idle (→ [Redial]), crtscts. pptpsetup keeps the
 * password in chap-secrets, not here; a "password" option, where someone
 * wrote one, goes to the caller for the keyring. Options pulled in with
 * "file" are named, not read. The profile is named after the file. */
#ifndef DT_IMPORT_PEERS_H
#define DT_IMPORT_PEERS_H

#include "dt-import.h"

G_BEGIN_DECLS

/* name: the peer's name (the file's base name), or NULL. */
DtImport *dt_import_peers(const char *data, gsize len, const char *name, GError **error);

/* pppd's option words: white space separates, # starts a comment, "…" and
 * '…' quote, a backslash escapes the next character. */
GPtrArray *dt_import_peers_words(const char *text);

G_END_DECLS

#endif
