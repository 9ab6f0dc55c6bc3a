/* cmd-connect.c — dialtonectl connect NAME|--file FILE [--password-stdin]: Connect, then wait
 * until the link is up or has failed, and show what was negotiated. */
#include "dt-ctl-wait.h"
#include "dt-password.h"
#include "dt-profile-store.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CONNECT_WAIT_SECONDS 60

static char *
read_password_stdin(void)
{
    g_autoptr(GString) s = g_string_new(NULL);
    char c;
    /* One byte at a time: nothing past the first line is consumed, no stdio buffer copy. */
    while (read(STDIN_FILENO, &c, 1) == 1 && c != '\n')
        g_string_append_c(s, c);
    if (s->len && s->str[s->len - 1] == '\r')
        g_string_truncate(s, s->len - 1);
    return g_string_free(g_steal_pointer(&s), FALSE);
}

static void
wipe_free(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        g_free(s);
    }
}

int
dt_ctl_connect(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtProfileStore) store = NULL;
    g_autoptr(DtProfile) owned = NULL, first = NULL;
    const DtProfile *profile = NULL;
    const char *file = NULL, *name = NULL;
    gboolean pw_stdin = FALSE;
    char *password = NULL;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--password-stdin") == 0)
            pw_stdin = TRUE;
        else if (strcmp(argv[i], "--file") == 0 && i + 1 < argc)
            file = argv[++i];
        else if (argv[i][0] != '-' && !name)
            name = argv[i];
        else
            name = file = NULL, i = argc;
    }
    if ((file == NULL) == (name == NULL)) {
        fprintf(stderr, "Usage: dialtonectl connect NAME|--file FILE [--password-stdin]\n");
        return DT_CTL_USAGE;
    }
    if (file) {
        owned = dt_profile_load_file(file, &error);
        profile = owned;
    } else {
        store = dt_profile_store_new(NULL);
        if (dt_profile_store_load(store, NULL, &error))
            profile = dt_profile_store_lookup(store, name, &error);
    }
    if (!profile) {
        dt_ctl_fail(file ? file : name, error);
        return DT_CTL_USAGE;
    }
    if (profile->dial_first && store)
        first = dt_profile_copy(dt_profile_store_find_by_id(store, profile->dial_first));
    if (pw_stdin) {
        password = read_password_stdin();
    } else {
        password = secret_password_lookup_sync(dt_password_get_schema(), NULL, &error, "profile",
                                               profile->id, "user",
                                               profile->pptp.user ? profile->pptp.user : "", NULL);
        if (!password) {
            fprintf(stderr,
                    "dialtonectl: connect: no password for “%s” in the keyring%s%s; "
                    "use --password-stdin\n",
                    profile->name, error ? ": " : "", error ? error->message : "");
            return DT_CTL_USAGE;
        }
    }

    GVariantBuilder secrets, options;
    g_variant_builder_init(&secrets, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&secrets, "{sv}", "password", g_variant_new_string(password));
    g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
    g_autoptr(DtDBusHelper1) helper = dt_ctl_helper(&error);
    g_autofree char *path = NULL;
    gboolean ok = helper && dt_dbus_helper1_call_connect_sync(
                                helper, dt_profile_to_variant(profile, first),
                                g_variant_builder_end(&secrets), g_variant_builder_end(&options),
                                &path, NULL, &error);
    wipe_free(password);
    if (!ok)
        return dt_ctl_fail("connect", error);
    printf("%s\n", path);
    fflush(stdout);

    g_autoptr(DtDBusConnection1) c = dt_ctl_connection(path, &error);
    if (!c)
        return dt_ctl_fail("connect", error);
    static const char *const busy[] = {"connecting", NULL};
    if (!dt_ctl_wait_state(c, busy, CONNECT_WAIT_SECONDS)) {
        fprintf(stderr, "dialtonectl: connect: not up after %d s (stage %s); still trying\n",
                CONNECT_WAIT_SECONDS, dt_dbus_connection1_get_stage(c));
        return DT_CTL_FAILED;
    }
    dt_ctl_print_connection(c, TRUE);
    return g_strcmp0(dt_dbus_connection1_get_state(c), "connected") == 0 ? DT_CTL_OK
                                                                         : DT_CTL_FAILED;
}
