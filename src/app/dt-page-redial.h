/* dt-page-redial.h — the editor's Redial page: attempts, interval, redial on link failure, idle
 * hang-up ([Redial]). */
#ifndef DT_PAGE_REDIAL_H
#define DT_PAGE_REDIAL_H

#include "dt-editor-page.h"

G_BEGIN_DECLS

#define DT_TYPE_PAGE_REDIAL (dt_page_redial_get_type())
G_DECLARE_FINAL_TYPE(DtPageRedial, dt_page_redial, DT, PAGE_REDIAL, GtkGrid)

G_END_DECLS

#endif
