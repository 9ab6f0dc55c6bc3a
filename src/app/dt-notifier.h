/* dt-notifier.h — desktop notifications (libnotify) for what happens to connections:
 * connected (with the encryption strength), disconnected (the reason in words) and failed
 * (the reason and what to do next). One notification per profile, replaced as it moves. */
#ifndef DT_NOTIFIER_H
#define DT_NOTIFIER_H

#include <glib-object.h>

#include "dt-connections.h"

G_BEGIN_DECLS

#define DT_TYPE_NOTIFIER (dt_notifier_get_type())
G_DECLARE_FINAL_TYPE(DtNotifier, dt_notifier, DT, NOTIFIER, GObject)

/* icon_dir: where dialtone-*.svg are, or NULL to use the theme's network-vpn. */
DtNotifier *dt_notifier_new(DtConnections *connections, const char *icon_dir);

G_END_DECLS

#endif
