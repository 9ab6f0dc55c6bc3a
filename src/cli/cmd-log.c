/* cmd-log.c — dialtonectl log [NAME]: the helper's connection log (GetConnectionLog) for your
 * own connections, oldest first, like a log file; NAME narrows it to one profile (a name in
 * your profile folder, an Id, or the name the entries carry). */
#include "dt-ctl.h"
#include "dt-profile-store.h"

#include <stdio.h>
#include <string.h>

#define LOG_LIMIT 200

int
dt_ctl_log(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtDBusHelper1) helper = NULL;
    g_autoptr(GVariant) entries = NULL;
    g_autoptr(DtProfileStore) store = NULL;
    const char *name = argc == 2 ? argv[1] : NULL;
    const char *id = NULL;
    GVariantBuilder filter;
    gsize n, shown = 0;

    if (argc > 2) {
        fprintf(stderr, "Usage: dialtonectl log [NAME]\n");
        return DT_CTL_USAGE;
    }
    if (name) {
        store = dt_profile_store_new(NULL);
        if (dt_profile_store_load(store, NULL, NULL)) {
            const DtProfile *p = dt_profile_store_lookup(store, name, NULL);
            if (p)
                id = p->id;
        }
    }
    g_variant_builder_init(&filter, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&filter, "{sv}", "limit", g_variant_new_uint32(LOG_LIMIT));
    if (id)
        g_variant_builder_add(&filter, "{sv}", "profile-id", g_variant_new_string(id));
    helper = dt_ctl_helper(&error);
    if (!helper || !dt_dbus_helper1_call_get_connection_log_sync(
                       helper, g_variant_builder_end(&filter), &entries, NULL, &error))
        return dt_ctl_fail("log", error);
    n = g_variant_n_children(entries);
    /* The helper answers newest first; a log reads oldest first. */
    for (gsize i = n; i-- > 0;) {
        gint64 us;
        const char *message;
        g_autoptr(GVariant) fields = NULL;
        const char *profile = "", *profile_id = "";
        g_variant_get_child(entries, i, "(x&s@a{ss})", &us, &message, &fields);
        g_variant_lookup(fields, "PROFILE", "&s", &profile);
        g_variant_lookup(fields, "PROFILE_ID", "&s", &profile_id);
        if (name && !id && strcmp(name, profile) != 0 && strcmp(name, profile_id) != 0)
            continue;
        g_autoptr(GDateTime) t = g_date_time_new_from_unix_local(us / G_USEC_PER_SEC);
        g_autofree char *when = g_date_time_format(t, "%Y-%m-%d %H:%M:%S");
        printf("%s  %s\n", when, message);
        shown++;
    }
    if (shown == 0)
        printf("No entries%s%s.\n", name ? " for " : "", name ? name : "");
    return DT_CTL_OK;
}
