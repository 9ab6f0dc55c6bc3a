/* dt-connection-info.h — words for what the helper reports about a connection (its State,
 * Stage, Protocols, Stats and Error, data/org.dialtone.Helper1.xml), shared by the main
 * window, the status window, the notifications and the tray. No widgets, so unit tests
 * check the words. */
#ifndef DT_CONNECTION_INFO_H
#define DT_CONNECTION_INFO_H

#include <glib.h>

G_BEGIN_DECLS

/* "MS-CHAP v2 · MPPC · MPPE 128-bit" (what the tray's title and the notification show);
 * NULL before network-up. */
char *dt_connection_info_summary(GVariant *protocols);
/* "MPPE 128-bit, stateless (strong)", "None (not encrypted)"; NULL before network-up. */
char *dt_connection_info_encryption(GVariant *protocols);
/* TRUE when the link is encrypted with 128-bit keys. */
gboolean dt_connection_info_is_strong(GVariant *protocols);

/* "01000040" → "01 00 00 40"; NULL unless exactly eight hex digits. */
char *dt_connection_info_format_option(const char *hex);
/* One line per bit that option 18 defines ("S = 1: 128-bit encryption offered"), and one
 * for any bit it does not; NULL unless eight hex digits. */
GPtrArray *dt_connection_info_explain_option(const char *hex);

/* "Connecting (authenticating)…", "Connected", "Failed", … for a row or a window. */
char *dt_connection_info_state_words(const char *state, const char *stage);
/* What to do after a failure with this reason token (dt-reason.h), in words. */
const char *dt_connection_info_next_step(const char *reason);
/* The helper's failure words in the user's language, as far as the catalogue has them. */
char *dt_connection_info_failure_words(const char *words);
/* "1:02:03", "4:05". */
char *dt_connection_info_duration(guint64 ms);

G_END_DECLS

#endif
