/* fuzz-import-peers.c — pppd peers file bytes → a profile. */
#include <stdint.h>

#include "dt-import-peers.h"
#include "fuzz-import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtImport) imp = dt_import_peers((const char *)data, size, "fuzz", &error);
    fuzz_import_check(imp, error, DT_IMPORT_FORMAT_PEERS, data, size);
    return 0;
}
