/* fuzz-server-config.c — server.conf text → DtServerConfig.
 *
 * Whatever loads must hold the invariants the server relies on: a pool
 * whose start is not after its end, without the local address, and a
 * listening port that is not zero. */
#include <stdint.h>
#include <stdlib.h>

#include "dt-server-config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtServerConfig) c =
        dt_server_config_load_data((const char *)data, size, "server.conf", &error);
    if (c == NULL) {
        if (error == NULL || error->domain != DT_SERVER_CONFIG_ERROR)
            abort();
        return 0;
    }
    if (c->remote_first > c->remote_last || c->listen_port == 0 || c->listen_address == NULL)
        abort();
    if (c->local_ipv4 >= c->remote_first && c->local_ipv4 <= c->remote_last)
        abort();
    if (c->max_calls < 1 || c->max_calls > 65535 || c->ppp.mtu < 576 || c->ppp.mtu > 1500)
        abort();
    if (c->security.authentication.n == 0 || c->secrets == NULL || c->secrets[0] != '/')
        abort();
    return 0;
}
