/* dt-page-dial-first.h — the editor's Dial first page (PPTP profiles): the
 * dial-up profile to bring up before the tunnel (Profile.DialFirst). */
#ifndef DT_PAGE_DIAL_FIRST_H
#define DT_PAGE_DIAL_FIRST_H

#include "dt-editor-page.h"

G_BEGIN_DECLS

#define DT_TYPE_PAGE_DIAL_FIRST (dt_page_dial_first_get_type())
G_DECLARE_FINAL_TYPE(DtPageDialFirst, dt_page_dial_first, DT, PAGE_DIAL_FIRST, GtkGrid)

G_END_DECLS

#endif
