/* dt-application.h — the GtkApplication org.dialtone.Dialtone: single
 * instance (a second start presents the first one's window), one main
 * window over one DtProfileList. */
#ifndef DT_APPLICATION_H
#define DT_APPLICATION_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DT_APPLICATION_ID "org.dialtone.Dialtone"

#define DT_TYPE_APPLICATION (dt_application_get_type())
G_DECLARE_FINAL_TYPE(DtApplication, dt_application, DT, APPLICATION, GtkApplication)

DtApplication *dt_application_new(void);

G_END_DECLS

#endif
