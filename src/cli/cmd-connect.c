/* cmd-connect.c — dialtonectl connect NAME|--file FILE [--password-stdin|--password-file F]
 * [--dial-password-file F]: Connect, then wait until the link is up or has failed, and show what
 * was negotiated.
 *
 * The password comes from the keyring (libsecret, FORMATS.md's schema) unless a script passes
 * it on standard input or in a file (first line); with none in the keyring and a terminal on
 * standard input, it is asked for there without echo. It is never an argument. A PPTP profile
 * with DialFirst= takes the dial-up profile from the store (with --file: <Id>.conf beside the
 * file, the store's layout) and its password the same way (--dial-password-file). */
#include "dt-ctl-wait.h"
#include "dt-password.h"
#include "dt-profile-store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define CONNECT_WAIT_SECONDS 60
#define PASSWORD_READ_MAX 1024 /* the helper refuses more than 256 characters anyway */

/* The first line of fd, read one byte at a time: nothing past it is consumed, and no stdio
 * buffer keeps a copy. */
static char *
read_password_fd(int fd)
{
    g_autoptr(GString) s = g_string_new(NULL);
    char c;
    while (s->len < PASSWORD_READ_MAX && read(fd, &c, 1) == 1 && c != '\n')
        g_string_append_c(s, c);
    if (s->len && s->str[s->len - 1] == '\r')
        g_string_truncate(s, s->len - 1);
    return g_string_free(g_steal_pointer(&s), FALSE);
}

static char *
read_password_file(const char *path, GError **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    char *pw;
    if (fd < 0) {
        int e = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "%s: %s", path, g_strerror(e));
        return NULL;
    }
    pw = read_password_fd(fd);
    close(fd);
    return pw;
}

/* Asks on the terminal with echo off, the way passwd and ssh do. */
/* The keyring's "user" attribute: the one user name the profile's type uses, as the app and
 * the importers store it (FORMATS.md). */
static const char *
profile_user(const DtProfile *profile)
{
    const char *u =
        profile->type == DT_PROFILE_TYPE_DIALUP ? profile->dialup.user : profile->pptp.user;
    return u ? u : "";
}

static char *
prompt_password(const DtProfile *profile)
{
    struct termios old, quiet;
    char *pw;

    if (tcgetattr(STDIN_FILENO, &old) < 0)
        return NULL;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    quiet.c_lflag |= ICANON;
    /* Echo off before the prompt shows, so nothing typed after it is seen; TCSANOW keeps what
     * was typed ahead. */
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    fprintf(stderr,
            "Password for %s on “%s”: ", profile_user(profile)[0] ? profile_user(profile) : "?",
            profile->name);
    fflush(stderr);
    pw = read_password_fd(STDIN_FILENO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    fputc('\n', stderr);
    return pw;
}

static char *
keyring_password(const DtProfile *profile, GError **error)
{
    char *secret = secret_password_lookup_sync(dt_password_get_schema(), NULL, error, "profile",
                                               profile->id, "user", profile_user(profile), NULL);
    char *copy;
    if (!secret)
        return NULL;
    /* libsecret's copy lives in its secure memory and must go back there. */
    copy = g_strdup(secret);
    secret_password_free(secret);
    return copy;
}

/* The password of profile: from pw_file, standard input, the keyring, or the terminal. NULL
 * after saying why. */
static char *
get_password(const DtProfile *profile, const char *pw_file, gboolean pw_stdin, const char *hint)
{
    g_autoptr(GError) error = NULL;
    char *password;

    if (pw_stdin)
        return read_password_fd(STDIN_FILENO);
    if (pw_file) {
        password = read_password_file(pw_file, &error);
        if (!password)
            fprintf(stderr, "dialtonectl: connect: cannot read the password file %s\n",
                    error->message);
        return password;
    }
    password = keyring_password(profile, &error);
    if (!password && isatty(STDIN_FILENO)) {
        /* No keyring (or nothing in it) is what the prompt is for; say why once. */
        if (error)
            fprintf(stderr, "dialtonectl: connect: keyring: %s\n", error->message);
        g_clear_error(&error);
        password = prompt_password(profile);
    }
    if (!password)
        fprintf(stderr,
                "dialtonectl: connect: no password for “%s” in the keyring%s%s; "
                "use %s\n",
                profile->name, error ? ": " : "", error ? error->message : "", hint);
    return password;
}

/* --file F with DialFirst=: <Id>.conf in F's directory. */
static DtProfile *
load_beside(const char *file, const char *id, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(file);
    g_autofree char *name = g_strdup_printf("%s.conf", id);
    g_autofree char *path = g_build_filename(dir, name, NULL);
    return dt_profile_load_file(path, error);
}

int
dt_ctl_connect(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtProfileStore) store = NULL;
    g_autoptr(DtProfile) owned = NULL, first = NULL;
    const DtProfile *profile = NULL;
    const char *file = NULL, *name = NULL, *pw_file = NULL, *dial_pw_file = NULL;
    gboolean pw_stdin = FALSE;
    char *password = NULL, *dial_password = NULL;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--password-stdin") == 0)
            pw_stdin = TRUE;
        else if (strcmp(argv[i], "--password-file") == 0 && i + 1 < argc)
            pw_file = argv[++i];
        else if (strcmp(argv[i], "--dial-password-file") == 0 && i + 1 < argc)
            dial_pw_file = argv[++i];
        else if (strcmp(argv[i], "--file") == 0 && i + 1 < argc)
            file = argv[++i];
        else if (argv[i][0] != '-' && !name)
            name = argv[i];
        else
            name = file = NULL, i = argc;
    }
    if ((file == NULL) == (name == NULL) || (pw_stdin && pw_file)) {
        fprintf(stderr, "Usage: dialtonectl connect NAME|--file FILE "
                        "[--password-stdin|--password-file FILE] [--dial-password-file FILE]\n");
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
        return g_error_matches(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_NOT_FOUND)
                   ? DT_CTL_NOT_FOUND
                   : DT_CTL_USAGE;
    }
    if (profile->dial_first) {
        if (store) {
            const DtProfile *f = dt_profile_store_find_by_id(store, profile->dial_first);
            first = f ? dt_profile_copy(f) : NULL;
            if (!first)
                g_set_error(&error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_NOT_FOUND,
                            "“%s” dials %s first, and no profile has that Id", profile->name,
                            profile->dial_first);
        } else {
            first = load_beside(file, profile->dial_first, &error);
        }
        if (!first) {
            dt_ctl_fail(name ? name : file, error);
            return DT_CTL_NOT_FOUND;
        }
    } else if (dial_pw_file) {
        fprintf(stderr,
                "dialtonectl: connect: --dial-password-file is for a profile that dials "
                "another first; “%s” does not\n",
                profile->name);
        return DT_CTL_USAGE;
    }
    password = get_password(profile, pw_file, pw_stdin, "--password-stdin or --password-file");
    if (!password)
        return DT_CTL_USAGE;
    if (first) {
        dial_password = get_password(first, dial_pw_file, FALSE, "--dial-password-file");
        if (!dial_password) {
            dt_password_free(password);
            return DT_CTL_USAGE;
        }
    }

    GVariantBuilder secrets, options;
    g_variant_builder_init(&secrets, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&secrets, "{sv}", "password", g_variant_new_string(password));
    if (dial_password)
        g_variant_builder_add(&secrets, "{sv}", "dial-first-password",
                              g_variant_new_string(dial_password));
    g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
    g_autoptr(DtDBusHelper1) helper = dt_ctl_helper(&error);
    g_autofree char *path = NULL;
    gboolean ok = helper && dt_dbus_helper1_call_connect_sync(
                                helper, dt_profile_to_variant(profile, first),
                                g_variant_builder_end(&secrets), g_variant_builder_end(&options),
                                &path, NULL, &error);
    dt_password_free(password);
    dt_password_free(dial_password);
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
    if (g_strcmp0(dt_dbus_connection1_get_state(c), "connected") == 0)
        return DT_CTL_OK;
    const char *reason = "";
    if (dt_dbus_connection1_get_error(c))
        g_variant_get(dt_dbus_connection1_get_error(c), "(&s&s)", &reason, NULL);
    return g_str_has_prefix(reason, "auth-") && strcmp(reason, "auth-timeout") != 0
               ? DT_CTL_AUTH_FAILED
               : DT_CTL_FAILED;
}
