/* fuzz-import-nm.c — .nmconnection bytes → a profile, then the round trip:
 * the NetworkManager keyfile exported from it imports to the same profile,
 * and it holds no secret. */
#include <stdint.h>

#include "dt-export.h"
#include "dt-import-nm.h"
#include "fuzz-import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtImport) imp = dt_import_nm((const char *)data, size, &error);
    fuzz_import_check(imp, error, DT_IMPORT_FORMAT_NM, data, size);
    if (imp == NULL)
        return 0;
    for (guint i = 0; i < imp->entries->len; i++) {
        DtImportEntry *e = g_ptr_array_index(imp->entries, i);
        if (e->profile == NULL)
            continue;
        g_autofree char *nm = dt_export_nm(e->profile, NULL, NULL);
        if (nm == NULL)
            abort();
        g_autoptr(GKeyFile) kf = g_key_file_new();
        if (!g_key_file_load_from_data(kf, nm, (gsize)-1, G_KEY_FILE_NONE, NULL) ||
            g_key_file_has_group(kf, "vpn-secrets") ||
            g_key_file_has_key(kf, "vpn", "password", NULL))
            abort();
        g_autoptr(GError) e2 = NULL;
        g_autoptr(DtImport) again = dt_import_nm(nm, strlen(nm), &e2);
        fuzz_import_check(again, e2, DT_IMPORT_FORMAT_NM, (const uint8_t *)nm, strlen(nm));
        if (again == NULL)
            abort();
        const DtImportEntry *back = fuzz_import_find(again, e->profile->id);
        if (back == NULL)
            abort();
        fuzz_import_same(e->profile, back->profile);
    }
    return 0;
}
