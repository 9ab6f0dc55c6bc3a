/* fuzz-import-wvdial.c — wvdial.conf bytes → dial-up profiles. */
#include <stdint.h>

#include "dt-import-wvdial.h"
#include "fuzz-import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtImport) imp = dt_import_wvdial((const char *)data, size, &error);
    fuzz_import_check(imp, error, DT_IMPORT_FORMAT_WVDIAL, data, size);
    return 0;
}
