/* dt-tray.h — the tray icon, a StatusNotifierItem through libayatana-appindicator3 (which
 * falls back to an XEmbed tray by itself): a telephone whose colour tells idle, connecting,
 * connected with strong or weak encryption, or error, and whose two lights blink with the
 * helper's Activity signal (transmit left, receive right). Its menu: each profile's
 * Connect/Disconnect, Status…, Open Dialtone, Quit. Its title names what the latest
 * connection negotiated ("MS-CHAP v2 · MPPC · MPPE 128-bit").
 *
 * The icon comes in two styles (the tray-icon-style setting): the coloured telephone, or a
 * one-colour symbolic one (dialtone-…-symbolic) that the panel recolours, as GNOME's panel and
 * its relatives expect. Every state differs in shape as well as in colour.
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

/* The values of the tray-icon-style key (data/org.dialtone.Dialtone.gschema.xml). */
typedef enum {
    DT_TRAY_ICON_STYLE_AUTO,
    DT_TRAY_ICON_STYLE_COLOR,
    DT_TRAY_ICON_STYLE_SYMBOLIC,
} DtTrayIconStyle;

/* Whether style means the symbolic icons under current_desktop (XDG_CURRENT_DESKTOP, a
 * colon-separated list, may be NULL): auto picks them where the panel draws symbolic icons
 * (GNOME, Unity, Budgie, Pantheon) and the coloured ones elsewhere. */
gboolean dt_tray_icon_style_is_symbolic(DtTrayIconStyle style, const char *current_desktop);
/* The icon name for state ("idle", "connecting", "strong", "weak", "error") with the
 * transmit and receive lights: "dialtone-strong-tx", "dialtone-idle-symbolic". The lights
 * show only in the connected states. */
char *dt_tray_icon_name(const char *state, gboolean tx, gboolean rx, gboolean symbolic);

/* icon_dir holds hicolor/scalable/status/dialtone-*.svg (both styles). */
DtTray *dt_tray_new(GApplication *app, DtProfileList *list, DtConnections *connections,
                    const char *icon_dir);
/* TRUE while a StatusNotifierWatcher shows the item. */
gboolean dt_tray_is_shown(DtTray *self);

G_END_DECLS

#endif
