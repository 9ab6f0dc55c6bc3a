/* fuzz-import-pbk.c — rasphone.pbk bytes → profiles, then the round trip:
 * what was imported, exported as a phonebook and imported again, gives the
 * same profiles (names aside, when a bracket had to be replaced). */
#include <stdint.h>

#include "dt-export.h"
#include "dt-import-pbk.h"
#include "fuzz-import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtImport) imp = dt_import_pbk((const char *)data, size, &error);
    fuzz_import_check(imp, error, DT_IMPORT_FORMAT_PBK, data, size);
    if (imp == NULL)
        return 0;
    g_autoptr(GPtrArray) profiles = g_ptr_array_new();
    for (int pass = 0; pass < 2; pass++)
        for (guint i = 0; i < imp->entries->len; i++) {
            DtImportEntry *e = g_ptr_array_index(imp->entries, i);
            if (e->profile && (e->profile->dial_first == NULL) == (pass == 0))
                g_ptr_array_add(profiles, e->profile);
        }
    if (profiles->len == 0)
        return 0;
    g_autofree char *pbk =
        dt_export_pbk((const DtProfile *const *)profiles->pdata, profiles->len, NULL);
    g_autoptr(GError) e2 = NULL;
    g_autoptr(DtImport) again = dt_import_pbk(pbk, strlen(pbk), &e2);
    fuzz_import_check(again, e2, DT_IMPORT_FORMAT_PBK, (const uint8_t *)pbk, strlen(pbk));
    if (again == NULL || dt_import_count(again, NULL) != profiles->len)
        abort();
    for (guint i = 0; i < profiles->len; i++) {
        const DtProfile *p = g_ptr_array_index(profiles, i);
        const DtImportEntry *e = fuzz_import_find(again, p->id);
        if (e == NULL)
            abort();
        fuzz_import_same(p, e->profile);
    }
    return 0;
}
