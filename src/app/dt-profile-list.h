/* dt-profile-list.h — the profiles of a DtProfileStore as a GListModel of
 * DtProfileItem, sorted by name; the model behind the main window's list.
 *
 * Every change goes through the store (which writes the file first) and
 * then refreshes the items, so the view only ever shows what is on disk. */
#ifndef DT_PROFILE_LIST_H
#define DT_PROFILE_LIST_H

#include <gio/gio.h>

#include "dt-profile-item.h"
#include "dt-profile-store.h"

G_BEGIN_DECLS

#define DT_TYPE_PROFILE_LIST (dt_profile_list_get_type())
G_DECLARE_FINAL_TYPE(DtProfileList, dt_profile_list, DT, PROFILE_LIST, GObject)

/* dir NULL: $XDG_CONFIG_HOME/dialtone/profiles. */
DtProfileList *dt_profile_list_new(const char *dir);
DtProfileStore *dt_profile_list_get_store(DtProfileList *self);

/* Reads the folder again; problems as in dt_profile_store_load(). */
gboolean dt_profile_list_load(DtProfileList *self, GPtrArray **problems, GError **error);

/* Position of the profile with this Id, or -1. */
gint dt_profile_list_find(DtProfileList *self, const char *id);
DtProfileItem *dt_profile_list_get_item(DtProfileList *self, guint position);

gboolean dt_profile_list_save(DtProfileList *self, const DtProfile *p, GError **error);
/* The copy's Id (free it), or NULL. */
char *dt_profile_list_duplicate(DtProfileList *self, const char *id, GError **error);
gboolean dt_profile_list_rename(DtProfileList *self, const char *id, const char *name,
                                GError **error);
/* Deletes the file and returns the profile as it was, so it can be saved
 * again to undo; NULL with error when the store refuses. */
DtProfile *dt_profile_list_delete(DtProfileList *self, const char *id, GError **error);

G_END_DECLS

#endif
