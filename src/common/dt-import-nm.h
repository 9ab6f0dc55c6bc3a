/* dt-import-nm.h — NetworkManager PPTP connections (keyfile .nmconnection,
 * [vpn] service-type org.freedesktop.NetworkManager.pptp), as
 * nm-connection-editor and nmcli write them (../shared/USERS.md §3B).
 *
 * Mapped: connection.id/uuid (→ Name, Id), the plugin's gateway, user,
 * domain, refuse-pap/chap/mschap/mschapv2 (→ the allowed methods; EAP is
 * never offered), require-mppe/-40/-128 (→ Encryption require/require-128;
 * none of them is pppd's default, which accepts MPPE when offered:
 * optional), mppe-stateful, lcp-echo-interval/-failure (absent: the plugin
 * turns echo off), vpn.persistent (→ Redial OnLinkFailure), ipv4 dns,
 * ignore-auto-dns, dns-search, routeN and never-default, ipv6 method.
 * The password in [vpn-secrets] (password-flags=0) is handed to the caller
 * for the keyring. Booleans are read leniently (yes/no, true/false, 1/0):
 * the exporter is the strict side. */
#ifndef DT_IMPORT_NM_H
#define DT_IMPORT_NM_H

#include "dt-import.h"

G_BEGIN_DECLS

#define DT_NM_PPTP_SERVICE "org.freedesktop.NetworkManager.pptp"

DtImport *dt_import_nm(const char *data, gsize len, GError **error);

G_END_DECLS

#endif
