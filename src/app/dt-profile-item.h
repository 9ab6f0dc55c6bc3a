/* dt-profile-item.h — one profile as a GObject, the item type of DtProfileList.
 *
 * An item holds its own copy of the profile, so a view can keep it while the
 * store changes underneath. The description is what the main window shows
 * under the name ("PPTP VPN · vpn.example.com · dials Office ISP first"). */
#ifndef DT_PROFILE_ITEM_H
#define DT_PROFILE_ITEM_H

#include <gio/gio.h>

#include "dt-profile.h"

G_BEGIN_DECLS

#define DT_TYPE_PROFILE_ITEM (dt_profile_item_get_type())
G_DECLARE_FINAL_TYPE(DtProfileItem, dt_profile_item, DT, PROFILE_ITEM, GObject)

/* dial_first_name: the name of the profile p dials first, or NULL. */
DtProfileItem *dt_profile_item_new(const DtProfile *p, const char *dial_first_name);

const DtProfile *dt_profile_item_get_profile(DtProfileItem *self);
const char *dt_profile_item_get_id(DtProfileItem *self);
const char *dt_profile_item_get_name(DtProfileItem *self);
const char *dt_profile_item_get_description(DtProfileItem *self);
const char *dt_profile_item_get_icon_name(DtProfileItem *self);

G_END_DECLS

#endif
