/* dt-server-config.h — /etc/dialtone/server.conf (../shared/FORMATS.md):
 * what dialtone-server listens on, the addresses it hands out, its security
 * policy and PPP settings. Read-only: the server never writes it. Unknown
 * keys are not errors (a newer file on an older server) but are reported in
 * warnings, with their line, so a typo does not pass silently. */
#ifndef DT_SERVER_CONFIG_H
#define DT_SERVER_CONFIG_H

#include <glib.h>

#include "dt-keyfile.h"
#include "dt-security.h"

G_BEGIN_DECLS

#define DT_SERVER_CONFIG_PATH "/etc/dialtone/server.conf"
#define DT_SERVER_CONFIG_DEFAULT_PORT 1723 /* RFC 2637 §2 */

#define DT_SERVER_CONFIG_ERROR (dt_server_config_error_quark())
GQuark dt_server_config_error_quark(void);

typedef enum {
    DT_SERVER_CONFIG_ERROR_PARSE = DT_KF_ERROR_PARSE,
    DT_SERVER_CONFIG_ERROR_INVALID = DT_KF_ERROR_INVALID,
    DT_SERVER_CONFIG_ERROR_MISSING = DT_KF_ERROR_MISSING,
    DT_SERVER_CONFIG_ERROR_SECRET = DT_KF_ERROR_SECRET,
    DT_SERVER_CONFIG_ERROR_IO,
} DtServerConfigError;

typedef struct {
    /* [Server], as written */
    char *listen;           /* address[:port]; IPv6 as [addr]:port */
    char *local_address;    /* IPv4 */
    char *remote_addresses; /* first-last, IPv4 */
    char **dns;             /* IPv4 addresses offered in IPCP (RFC 1877) */
    char *secrets;          /* absolute path of the chap-secrets file */
    guint max_calls;        /* 1..65535 */

    /* [Server], parsed */
    char *listen_address; /* without brackets */
    guint16 listen_port;
    guint32 local_ipv4;                /* host order */
    guint32 remote_first, remote_last; /* host order, first <= last */

    DtSecurity security; /* [Security] */
    DtPppSettings ppp;   /* [PPP] */

    /* "FILE:LINE: [Group] Key: …" for each unknown group or key. */
    GPtrArray *warnings;
} DtServerConfig;

DtServerConfig *dt_server_config_load_data(const char *data, gsize len, const char *file_name,
                                           GError **error);
DtServerConfig *dt_server_config_load_file(const char *path, GError **error);
void dt_server_config_free(DtServerConfig *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DtServerConfig, dt_server_config_free)

/* Number of addresses in the remote pool. */
guint64 dt_server_config_pool_size(const DtServerConfig *c);

G_END_DECLS

#endif
