/* cmd-export.c — dialtonectl export NAME --format pbk|nm [--output FILE]: a profile as a
 * Windows phonebook entry (with the dial-up profile it dials first) or as a NetworkManager
 * keyfile. What the format cannot hold is named on stderr; passwords are never exported. */
#include "dt-ctl.h"
#include "dt-export.h"
#include "dt-profile-store.h"

#include <stdio.h>
#include <string.h>

int
dt_ctl_export(int argc, char **argv)
{
    const char *name = NULL, *format = NULL, *output = NULL;
    gboolean bad = FALSE;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            format = argv[++i];
        else if ((strcmp(argv[i], "--output") == 0 || strcmp(argv[i], "-o") == 0) && i + 1 < argc)
            output = argv[++i];
        else if (argv[i][0] != '-' && name == NULL)
            name = argv[i];
        else
            bad = TRUE;
    }
    if (name == NULL || format == NULL || bad ||
        (strcmp(format, "pbk") != 0 && strcmp(format, "nm") != 0)) {
        fprintf(stderr, "Usage: dialtonectl export NAME --format pbk|nm [--output FILE]\n");
        return DT_CTL_USAGE;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(DtProfileStore) store = dt_profile_store_new(NULL);
    const DtProfile *p = NULL;
    if (dt_profile_store_load(store, NULL, &error))
        p = dt_profile_store_lookup(store, name, &error);
    if (p == NULL) {
        dt_ctl_fail(name, error);
        return DT_CTL_USAGE;
    }
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *text = NULL;
    if (strcmp(format, "pbk") == 0) {
        const DtProfile *list[2];
        guint n = 0;
        const DtProfile *first =
            p->dial_first ? dt_profile_store_find_by_id(store, p->dial_first) : NULL;
        if (first)
            list[n++] = first;
        list[n++] = p;
        text = dt_export_pbk(list, n, notes);
    } else {
        text = dt_export_nm(p, notes, &error);
        if (text == NULL) {
            dt_ctl_fail(name, error);
            return DT_CTL_USAGE;
        }
    }
    for (guint i = 0; i < notes->len; i++)
        fprintf(stderr, "dialtonectl: not exported: %s\n", (char *)g_ptr_array_index(notes, i));
    if (output == NULL) {
        fputs(text, stdout);
        return fflush(stdout) == 0 ? DT_CTL_OK : DT_CTL_FAILED;
    }
    /* NetworkManager loads only keyfiles no one else can read. */
    if (!g_file_set_contents_full(output, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
        return dt_ctl_fail(output, error);
    return DT_CTL_OK;
}
