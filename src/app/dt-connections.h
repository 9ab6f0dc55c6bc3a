/* dt-connections.h — the app's view of dialtone-helper (org.dialtone.Helper1 on the system
 * bus, data/org.dialtone.Helper1.xml): whether it can be reached, and the latest connection
 * of each profile as a generated DtDBusConnection1 proxy.
 *
 * A connection that ended stays here (with its final State and Error) until the profile
 * connects again, so the window can say why it ended. */
#ifndef DT_CONNECTIONS_H
#define DT_CONNECTIONS_H

#include <gio/gio.h>

#include "dt-helper-generated.h"
#include "dt-profile.h"

G_BEGIN_DECLS

#define DT_TYPE_CONNECTIONS (dt_connections_get_type())
G_DECLARE_FINAL_TYPE(DtConnections, dt_connections, DT, CONNECTIONS, GObject)

/* Signals:
 *   "availability-changed" ()                    the helper appeared or went away
 *   "changed" (profile_id)                       any property of its connection moved
 *   "state-changed" (profile_id, old, new)       the State property moved ("" for none)
 *   "activity" (profile_id, tx_bytes, rx_bytes)  the helper's Activity signal
 *   "log-line" (profile_id, line)                the helper's LogLine signal
 */
DtConnections *dt_connections_new(void);

/* TRUE when the helper runs or the system bus can start it. */
gboolean dt_connections_is_available(DtConnections *self);

/* The profile's latest connection, or NULL. */
DtDBusConnection1 *dt_connections_lookup(DtConnections *self, const char *profile_id);
/* The log lines of the profile's latest connection (char *), or NULL. */
const GQueue *dt_connections_get_log(DtConnections *self, const char *profile_id);
/* TRUE while the profile's connection is connecting, connected or disconnecting. */
gboolean dt_connections_is_active(DtConnections *self, const char *profile_id);
/* The Ids of the profiles with an active connection, oldest first (free the array only). */
GPtrArray *dt_connections_list_active(DtConnections *self);

/* Connect with the profile (and the dial-up profile to dial first with its password, or NULL).
 * The passwords are only sent on the bus, never kept. */
void dt_connections_connect_async(DtConnections *self, const DtProfile *profile,
                                  const DtProfile *dial_first, const char *password,
                                  const char *dial_first_password, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean dt_connections_connect_finish(DtConnections *self, GAsyncResult *result, GError **error);

void dt_connections_disconnect_async(DtConnections *self, const char *profile_id,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean dt_connections_disconnect_finish(DtConnections *self, GAsyncResult *result,
                                          GError **error);

/* An error for people: the helper's message without the D-Bus error name (free it). */
char *dt_connections_error_message(const GError *error);

G_END_DECLS

#endif
