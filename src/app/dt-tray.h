/* dt-tray.h — the tray icon, a StatusNotifierItem through libayatana-appindicator3 (which
 * falls back to an XEmbed tray by itself): a telephone whose colour tells idle, connecting,
 * connected with strong or weak encryption, or error, and whose two lights blink with the
 * helper's Activity signal (transmit left, receive right). Its menu: each profile's
 * Connect/Disconnect, Status…, Open Dialtone, Quit. Its title names what the latest
 * connection negotiated ("MS-CHAP v2 · MPPC · MPPE 128-bit").
 *
 * Nothing depends on it: without any tray the app works the same. */
#ifndef DT_TRAY_H
#define DT_TRAY_H

#include <gtk/gtk.h>

#include "dt-connections.h"
#include "dt-profile-list.h"

G_BEGIN_DECLS

#define DT_TYPE_TRAY (dt_tray_get_type())
G_DECLARE_FINAL_TYPE(DtTray, dt_tray, DT, TRAY, GObject)

/* icon_dir holds hicolor/scalable/status/dialtone-*.svg. */
DtTray *dt_tray_new(GApplication *app, DtProfileList *list, DtConnections *connections,
                    const char *icon_dir);
/* TRUE while a StatusNotifierWatcher shows the item. */
gboolean dt_tray_is_shown(DtTray *self);

G_END_DECLS

#endif
