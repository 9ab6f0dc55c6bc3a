/* dt-page-ppp.h — the editor's PPP page: MTU, MRU and the LCP echo that notices a dead link
 * ([PPP]). */
#ifndef DT_PAGE_PPP_H
#define DT_PAGE_PPP_H

#include "dt-editor-page.h"

G_BEGIN_DECLS

#define DT_TYPE_PAGE_PPP (dt_page_ppp_get_type())
G_DECLARE_FINAL_TYPE(DtPagePpp, dt_page_ppp, DT, PAGE_PPP, GtkGrid)

G_END_DECLS

#endif
