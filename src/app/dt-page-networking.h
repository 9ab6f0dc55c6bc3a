/* dt-page-networking.h — the editor's Networking page: default gateway on
 * the remote network, routes, DNS and IPv6 ([IPv4], [IPv6]). */
#ifndef DT_PAGE_NETWORKING_H
#define DT_PAGE_NETWORKING_H

#include "dt-editor-page.h"

G_BEGIN_DECLS

#define DT_TYPE_PAGE_NETWORKING (dt_page_networking_get_type())
G_DECLARE_FINAL_TYPE(DtPageNetworking, dt_page_networking, DT, PAGE_NETWORKING, GtkGrid)

G_END_DECLS

#endif
