/* dt-page-security.h — the editor's Security page: allowed authentication
 * methods, the MPPE level (each explained in plain words), stateful mode,
 * MPPC, and a plain statement of what PPTP does not protect against. */
#ifndef DT_PAGE_SECURITY_H
#define DT_PAGE_SECURITY_H

#include "dt-editor-page.h"

G_BEGIN_DECLS

#define DT_TYPE_PAGE_SECURITY (dt_page_security_get_type())
G_DECLARE_FINAL_TYPE(DtPageSecurity, dt_page_security, DT, PAGE_SECURITY, GtkGrid)

G_END_DECLS

#endif
