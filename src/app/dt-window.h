/* dt-window.h — the main window: the profiles of a DtProfileList (the
 * model stays outside the view), add / edit / rename / duplicate / delete,
 * Connect/Disconnect per row, and an in-app notification that can undo a delete. */
#ifndef DT_WINDOW_H
#define DT_WINDOW_H

#include <gtk/gtk.h>

#include "dt-connections.h"
#include "dt-profile-list.h"

G_BEGIN_DECLS

#define DT_TYPE_WINDOW (dt_window_get_type())
G_DECLARE_FINAL_TYPE(DtWindow, dt_window, DT, WINDOW, GtkApplicationWindow)

/* Each row shows its profile's connection from connections. */
DtWindow *dt_window_new(GtkApplication *app, DtProfileList *list, DtConnections *connections);
/* Shows message in the in-app notification (without Undo). */
void dt_window_notify(DtWindow *self, const char *message);

G_END_DECLS

#endif
