/* fuzz-chap-secrets.c — chap-secrets text → table.
 *
 * The tokenizer handles quotes, escapes and continuations byte by byte;
 * whatever parses must give entries with names, and looking up an entry's
 * own client and server must find an entry at least as specific. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-chap-secrets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtChapSecrets) t =
        dt_chap_secrets_parse((const char *)data, size, "chap-secrets", &error);
    if (t == NULL) {
        if (error == NULL || error->domain != DT_CHAP_SECRETS_ERROR)
            abort();
        return 0;
    }
    for (guint i = 0; i < dt_chap_secrets_get_n_entries(t); i++) {
        const DtChapSecret *e = dt_chap_secrets_get_entry(t, i);
        if (e->client[0] == '\0' || e->server[0] == '\0' || e->secret == NULL || e->line == 0)
            abort();
        if (e->no_address && e->addresses[0] != NULL)
            abort();
        const DtChapSecret *found = dt_chap_secrets_lookup(t, e->client, e->server);
        if (found == NULL)
            abort();
        if (strcmp(e->client, "*") != 0 && strcmp(found->client, e->client) != 0)
            abort();
    }
    return 0;
}
