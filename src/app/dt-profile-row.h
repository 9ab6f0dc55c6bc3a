/* dt-profile-row.h — a row of the main window's list showing one DtProfileItem: icon,
 * name, description, the state of its connection, and Connect/Disconnect (app.connect,
 * app.disconnect) with Status (app.status). */
#ifndef DT_PROFILE_ROW_H
#define DT_PROFILE_ROW_H

#include <gtk/gtk.h>

#include "dt-connections.h"
#include "dt-profile-item.h"

G_BEGIN_DECLS

#define DT_TYPE_PROFILE_ROW (dt_profile_row_get_type())
G_DECLARE_FINAL_TYPE(DtProfileRow, dt_profile_row, DT, PROFILE_ROW, GtkListBoxRow)

DtProfileRow *dt_profile_row_new(DtProfileItem *item, DtConnections *connections);
DtProfileItem *dt_profile_row_get_item(DtProfileRow *self);

G_END_DECLS

#endif
