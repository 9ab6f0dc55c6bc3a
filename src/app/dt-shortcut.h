/* dt-shortcut.h — "Create desktop shortcut": a launcher that connects one profile.
 *
 * The launcher is a desktop entry (Desktop Entry Specification 1.5) named
 * dialtone-connect-ID.desktop whose Exec asks the running (or D-Bus activated) app for
 * app.connect, and whose Disconnect action for app.disconnect, by profile Id, through
 * gapplication(1): the article's hangup.bat, done with the app's own actions, so the
 * launcher never holds a password or a command line with secrets. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes DIR/dialtone-connect-ID.desktop (DIR is created) for the profile ID called NAME,
 * mode 0755 (file managers run only executable launchers); returns its path. A profile Id
 * that is not a UUID (dt_validate_uuid) is refused with G_IO_ERROR_INVALID_ARGUMENT. */
char *dt_shortcut_write(const char *dir, const char *id, const char *name, GError **error);

/* The launcher where the desktop looks for it: $XDG_DATA_HOME/applications (the
 * applications overview, search), and a copy in the Desktop folder when there is one
 * (XDG_DESKTOP_DIR, not the home folder itself). Returns the first path written. */
char *dt_shortcut_create(const char *id, const char *name, GError **error);

G_END_DECLS
