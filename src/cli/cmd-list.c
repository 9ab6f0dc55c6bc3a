/* cmd-list.c — dialtonectl list: the profiles of the store. */
#include "dt-ctl.h"
#include "dt-profile-store.h"

#include <stdio.h>

int
dt_ctl_list(int argc, char **argv)
{
    g_autoptr(DtProfileStore) store = dt_profile_store_new(NULL);
    g_autoptr(GPtrArray) problems = NULL;
    g_autoptr(GError) error = NULL;

    if (argc != 1) {
        fprintf(stderr, "Usage: dialtonectl list\n");
        return DT_CTL_USAGE;
    }
    if (!dt_profile_store_load(store, &problems, &error))
        return dt_ctl_fail(dt_profile_store_get_dir(store), error);
    /* Borrowed: the store owns the array (dt-profile-store.h). */
    GPtrArray *list = dt_profile_store_list(store);
    for (guint i = 0; i < list->len; i++) {
        const DtProfile *p = g_ptr_array_index(list, i);
        printf("%s\t%s\t%s\t%s\n", p->id, dt_profile_type_to_string(p->type), p->name,
               p->type == DT_PROFILE_TYPE_PPTP ? p->pptp.server : p->dialup.phone);
    }
    for (guint i = 0; problems && i < problems->len; i++)
        fprintf(stderr, "dialtonectl: skipped: %s\n",
                ((GError *)g_ptr_array_index(problems, i))->message);
    return DT_CTL_OK;
}
