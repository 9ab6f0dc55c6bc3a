/* cmd-import.c — dialtonectl import FILE [--format F] [--dry-run]: profiles from a Windows
 * phonebook, a NetworkManager keyfile, a pppd peers file or wvdial.conf, saved through the
 * profile store, with their passwords in the keyring. The summary says what mapped, what did
 * not, and which entries were not imported and why. */
#include "dt-ctl.h"
#include "dt-import.h"
#include "dt-password.h"
#include "dt-profile-store.h"

#include <stdio.h>
#include <string.h>

/* A free name: NAME, else "NAME (imported)", "NAME (imported 2)", … */
static char *
free_name(DtProfileStore *store, const char *name)
{
    if (dt_profile_store_find_by_name(store, name, NULL) == NULL)
        return g_strdup(name);
    for (guint i = 1; i < 100; i++) {
        g_autofree char *n = i == 1 ? g_strdup_printf("%s (imported)", name)
                                    : g_strdup_printf("%s (imported %u)", name, i);
        if (dt_profile_store_find_by_name(store, n, NULL) == NULL)
            return g_steal_pointer(&n);
    }
    return NULL;
}

static gboolean
save_entry(DtProfileStore *store, DtImportEntry *e)
{
    g_autoptr(GError) error = NULL;
    DtProfile *p = e->profile;
    if (dt_profile_store_find_by_id(store, p->id)) {
        printf("“%s”: already in your profiles (Id %s); left as it is\n", p->name, p->id);
        return TRUE;
    }
    g_autofree char *name = free_name(store, p->name);
    if (name == NULL) {
        fprintf(stderr, "dialtonectl: “%s”: no free name for it; rename the profile first\n",
                p->name);
        return FALSE;
    }
    if (strcmp(name, p->name) != 0) {
        printf("“%s”: that name is taken; saved as “%s”\n", p->name, name);
        g_free(p->name);
        p->name = g_steal_pointer(&name);
    }
    if (!dt_profile_store_save(store, p, &error)) {
        dt_ctl_fail(p->name, error);
        return FALSE;
    }
    printf("saved “%s” (%s)\n", p->name, p->id);
    if (e->password) {
        const char *user = p->type == DT_PROFILE_TYPE_PPTP ? p->pptp.user : p->dialup.user;
        g_autofree char *label = g_strdup_printf("Dialtone password for “%s”", p->name);
        if (!secret_password_store_sync(dt_password_get_schema(), SECRET_COLLECTION_DEFAULT, label,
                                        e->password, NULL, &error, "profile", p->id, "user",
                                        user ? user : "", NULL)) {
            fprintf(stderr,
                    "dialtonectl: “%s”: the password could not go to the keyring (%s); you "
                    "will be asked for it on connect\n",
                    p->name, error->message);
            return FALSE;
        }
        printf("“%s”: password kept in the keyring\n", p->name);
    }
    return TRUE;
}

int
dt_ctl_import(int argc, char **argv)
{
    const char *file = NULL;
    gboolean dry_run = FALSE;
    DtImportFormat format = DT_IMPORT_FORMAT_UNKNOWN;
    gboolean bad = FALSE;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dry-run") == 0)
            dry_run = TRUE;
        else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            bad |= !dt_import_format_from_string(argv[++i], &format);
        else if (argv[i][0] != '-' && file == NULL)
            file = argv[i];
        else
            bad = TRUE;
    }
    if (file == NULL || bad) {
        fprintf(stderr, "Usage: dialtonectl import FILE [--format pbk|nm|peers|wvdial] "
                        "[--dry-run]\n");
        return DT_CTL_USAGE;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(DtImport) imp = dt_import_file(file, format, &error);
    if (imp == NULL) {
        dt_ctl_fail(file, error);
        return DT_CTL_USAGE;
    }
    g_autofree char *summary = dt_import_summary(imp);
    fputs(summary, stdout);
    if (dry_run) {
        printf("\n--dry-run: nothing was saved\n");
        return DT_CTL_OK;
    }
    printf("\n");
    g_autoptr(DtProfileStore) store = dt_profile_store_new(NULL);
    if (!dt_profile_store_load(store, NULL, &error))
        return dt_ctl_fail(dt_profile_store_get_dir(store), error);
    gboolean ok = TRUE;
    /* Profiles another one dials first go in before it, so DialFirst names a saved profile. */
    for (int pass = 0; pass < 2; pass++) {
        for (guint i = 0; i < imp->entries->len; i++) {
            DtImportEntry *e = g_ptr_array_index(imp->entries, i);
            if (e->profile && (e->profile->dial_first == NULL) == (pass == 0))
                ok &= save_entry(store, e);
        }
    }
    return ok ? DT_CTL_OK : DT_CTL_FAILED;
}
