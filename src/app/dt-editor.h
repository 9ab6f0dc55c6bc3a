/* dt-editor.h — the profile editor window: the pages of dt-page-*.c in a
 * sidebar, live validation, Save insensitive while anything is invalid.
 *
 * Save writes the profile through the DtProfileList (nothing is written
 * while a page is invalid or the store refuses), then stores or removes the
 * password in the keyring, emits "saved" with the profile's Id and closes. */
#ifndef DT_EDITOR_H
#define DT_EDITOR_H

#include <gtk/gtk.h>

#include "dt-profile-list.h"

G_BEGIN_DECLS

#define DT_TYPE_EDITOR (dt_editor_get_type())
G_DECLARE_FINAL_TYPE(DtEditor, dt_editor, DT, EDITOR, GtkWindow)

/* profile: the profile to edit (copied), or a new one from dt_profile_new(). */
DtEditor *dt_editor_new(GtkWindow *parent, DtProfileList *list, const DtProfile *profile);

G_END_DECLS

#endif
