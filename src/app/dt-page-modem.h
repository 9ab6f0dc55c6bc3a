/* dt-page-modem.h — the editor's Modem page (dial-up profiles): the serial
 * port, speed, flow control, init string, dial command and phone number. */
#ifndef DT_PAGE_MODEM_H
#define DT_PAGE_MODEM_H

#include "dt-editor-page.h"

G_BEGIN_DECLS

#define DT_TYPE_PAGE_MODEM (dt_page_modem_get_type())
G_DECLARE_FINAL_TYPE(DtPageModem, dt_page_modem, DT, PAGE_MODEM, GtkGrid)

G_END_DECLS

#endif
