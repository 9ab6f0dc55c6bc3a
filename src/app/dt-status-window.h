/* dt-status-window.h — the status of one profile's connection: General (stage, duration,
 * traffic, compression ratio, errors), Details (what was negotiated, in sentences),
 * Negotiation (CCP option 18 as sent and received, each bit in words), Log, and Disconnect
 * (app.disconnect). It follows the profile's latest connection while open. */
#ifndef DT_STATUS_WINDOW_H
#define DT_STATUS_WINDOW_H

#include <gtk/gtk.h>

#include "dt-connections.h"

G_BEGIN_DECLS

#define DT_TYPE_STATUS_WINDOW (dt_status_window_get_type())
G_DECLARE_FINAL_TYPE(DtStatusWindow, dt_status_window, DT, STATUS_WINDOW, GtkWindow)

DtStatusWindow *dt_status_window_new(GtkApplication *app, DtConnections *connections,
                                     const char *profile_id, const char *profile_name);
const char *dt_status_window_get_profile_id(DtStatusWindow *self);

G_END_DECLS

#endif
