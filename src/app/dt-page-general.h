/* dt-page-general.h — the editor's General page: name, server, user, domain
 * and the password with “Save password in the keyring”.
 *
 * The page reads a saved password from the keyring when it loads; the
 * editor stores or removes it after the profile is saved, using
 * dt_page_general_get_password() and _get_save_password(). */
#ifndef DT_PAGE_GENERAL_H
#define DT_PAGE_GENERAL_H

#include "dt-editor-page.h"

G_BEGIN_DECLS

#define DT_TYPE_PAGE_GENERAL (dt_page_general_get_type())
G_DECLARE_FINAL_TYPE(DtPageGeneral, dt_page_general, DT, PAGE_GENERAL, GtkGrid)

const char *dt_page_general_get_password(DtPageGeneral *self);
gboolean dt_page_general_get_save_password(DtPageGeneral *self);

G_END_DECLS

#endif
