/* fuzz-profile-load.c — profile text → DtProfile, in memory.
 *
 * Profile files are edited by hand and imported from elsewhere: any bytes.
 * Whatever loads must save to text that loads again to the same profile,
 * and its GVariant form (what the helper receives) must pass the helper's
 * own checks and give the same profile back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtProfile) p = dt_profile_load_data((const char *)data, size, "fuzz.conf", &error);
    if (p == NULL) {
        if (error == NULL || error->domain != DT_PROFILE_ERROR || error->message[0] == '\0')
            abort();
        return 0;
    }
    gsize len;
    g_autofree char *text = dt_profile_to_data(p, &len);
    g_autoptr(GError) e2 = NULL;
    g_autoptr(DtProfile) again = dt_profile_load_data(text, len, "fuzz.conf", &e2);
    if (again == NULL)
        abort();
    g_autofree char *text2 = dt_profile_to_data(again, NULL);
    if (strcmp(text, text2) != 0)
        abort();

    /* DialFirst needs the dial-up profile beside it; send p as its own. */
    g_autoptr(DtProfile) dial = NULL;
    if (p->dial_first) {
        dial = dt_profile_new(DT_PROFILE_TYPE_DIALUP);
        g_free(dial->id);
        dial->id = g_strdup(p->dial_first);
        g_free(dial->name);
        dial->name = g_strdup("ISP");
        dial->dialup.device = g_strdup("/dev/ttyS0");
        dial->dialup.phone = g_strdup("1");
    }
    g_autoptr(GVariant) v = g_variant_ref_sink(dt_profile_to_variant(p, dial));
    g_autoptr(GError) e3 = NULL;
    g_autoptr(DtProfile) from = dt_profile_from_variant(v, NULL, &e3);
    /* A dial-up profile with DialFirst or a self-reference does not load, so
     * every profile that loaded must come back through the helper's door. */
    if (from == NULL)
        abort();
    g_autoptr(GVariant) v2 = g_variant_ref_sink(dt_profile_to_variant(from, dial));
    if (!g_variant_equal(v, v2))
        abort();
    return 0;
}
