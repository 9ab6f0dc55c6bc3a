/* dt-helper.c — see dt-helper.h. */
#include "dt-helper.h"

#include "dt-helper-auth.h"
#include "dt-helper-connection.h"
#include "dt-helper-error.h"
#include "dt-helper-generated.h"
#include "dt-helper-log.h"
#include "dt-netconf.h"
#include "dt-profile.h"
#include "dt-resolver.h"
#include "dt-validate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define CONNECTIONS_MAX 16
/* How long an ended connection stays on the bus, so its Error can be read. */
#define LINGER_SECONDS 30
#define PASSWORD_MAX 256 /* RFC 2759 §4 */

#define LOG_LIMIT_DEFAULT 100
#define LOG_LIMIT_MAX 1000

struct _DtHelper {
    DtDBusHelper1 *iface;
    GDBusConnection *bus;
    char *link_path;
    char *resolv_conf;
    char *backup;
    DtResolver *resolver;
    DtHelperLog *log;
    DtHelperConnectionEnv env;
    GPtrArray *connections; /* DtHelperConnection, running or lingering, oldest first */
    guint next_id;
    GSourceFunc stopped;
    gpointer stopped_data;
};

static GError *invalid(const char *argument, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static GError *
invalid(const char *argument, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *words = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return g_error_new(DT_HELPER_ERROR, DT_HELPER_ERROR_INVALID_ARGUMENT, "Argument “%s”: %s",
                       argument, words);
}

static gboolean
validate_password(const char *key, GVariant *value, const char **out, GError **error)
{
    if (!g_variant_is_of_type(value, G_VARIANT_TYPE_STRING)) {
        g_propagate_error(error, invalid("secrets", "key “%s” has type “%s”; send a string “s”",
                                         key, g_variant_get_type_string(value)));
        return FALSE;
    }
    *out = g_variant_get_string(value, NULL);
    /* The value itself is never echoed. */
    if (**out == '\0') {
        g_propagate_error(error, invalid("secrets", "key “%s” is empty", key));
        return FALSE;
    }
    if (g_utf8_strlen(*out, -1) > PASSWORD_MAX) {
        g_propagate_error(
            error, invalid("secrets", "key “%s” is longer than %d characters", key, PASSWORD_MAX));
        return FALSE;
    }
    for (const char *p = *out; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            g_propagate_error(error, invalid("secrets", "key “%s” contains a line break", key));
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
dt_helper_validate_secrets(GVariant *secrets, gboolean want_dial_first, const char **password,
                           const char **dial_first_password, GError **error)
{
    GVariantIter iter;
    const char *key;
    GVariant *value;

    *password = NULL;
    *dial_first_password = NULL;
    g_variant_iter_init(&iter, secrets);
    while (g_variant_iter_loop(&iter, "{&sv}", &key, &value)) {
        gboolean ok;
        if (strcmp(key, "password") == 0) {
            ok = validate_password(key, value, password, error);
        } else if (strcmp(key, "dial-first-password") == 0 && want_dial_first) {
            ok = validate_password(key, value, dial_first_password, error);
        } else if (strcmp(key, "dial-first-password") == 0) {
            g_propagate_error(error, invalid("secrets", "key “dial-first-password” is only for a "
                                                        "profile that dials another first"));
            ok = FALSE;
        } else {
            g_propagate_error(error, invalid("secrets", "unknown key “%s”; send only “password”%s",
                                             g_utf8_validate(key, -1, NULL) ? key : "?",
                                             want_dial_first ? " and “dial-first-password”" : ""));
            ok = FALSE;
        }
        if (!ok) {
            g_variant_unref(value);
            return FALSE;
        }
    }
    if (*password == NULL) {
        g_propagate_error(error, invalid("secrets", "key “password” is missing"));
        return FALSE;
    }
    if (want_dial_first && *dial_first_password == NULL) {
        g_propagate_error(error, invalid("secrets", "key “dial-first-password” is missing: the "
                                                    "dial-up link this profile dials first needs "
                                                    "its password"));
        return FALSE;
    }
    return TRUE;
}

/* Linux's device numbers (Documentation/admin-guide/devices.txt). */
#define TTY_MAJOR 4         /* 0-63 virtual consoles, 64-255 ttyS */
#define TTYAUX_MAJOR 5      /* /dev/tty, /dev/console, /dev/ptmx */
#define PTY_SLAVE_FIRST 136 /* /dev/pts/N: 136-143 */
#define PTY_SLAVE_LAST 143

gboolean
dt_helper_validate_serial_device(const char *path, GError **error)
{
    g_autofree char *real = NULL;
    struct stat st;
    guint maj, min;

    if (!path || path[0] != '/') {
        g_propagate_error(error, invalid("profile", "key Dialup.Device: give the serial line as "
                                                    "an absolute path such as /dev/ttyUSB0"));
        return FALSE;
    }
    real = realpath(path, NULL);
    if (!real || stat(real, &st) < 0) {
        g_propagate_error(error, invalid("profile",
                                         "key Dialup.Device: %s: %s; is the modem "
                                         "plugged in?",
                                         path, g_strerror(errno)));
        return FALSE;
    }
    maj = major(st.st_rdev);
    min = minor(st.st_rdev);
    if (!g_str_has_prefix(real, "/dev/") || !S_ISCHR(st.st_mode)) {
        g_propagate_error(error, invalid("profile",
                                         "key Dialup.Device: %s is not a character "
                                         "device under /dev; choose a serial port",
                                         path));
        return FALSE;
    }
    if (maj == TTYAUX_MAJOR || (maj == TTY_MAJOR && min < 64)) {
        g_propagate_error(error, invalid("profile",
                                         "key Dialup.Device: %s is a console or "
                                         "terminal, not a serial line",
                                         path));
        return FALSE;
    }
    if (maj >= PTY_SLAVE_FIRST && maj <= PTY_SLAVE_LAST)
        return TRUE;
    /* Every serial driver (8250, USB serial, CDC ACM, …) registers its lines in the tty
     * class; nothing else does. */
    g_autofree char *link = g_strdup_printf("/sys/dev/char/%u:%u/subsystem", maj, min);
    g_autofree char *subsystem = g_file_read_link(link, NULL);
    if (!subsystem || !g_str_has_suffix(subsystem, "/tty")) {
        g_propagate_error(error, invalid("profile",
                                         "key Dialup.Device: %s is not a serial line "
                                         "(device %u:%u is not a tty); choose a "
                                         "serial port",
                                         path, maj, min));
        return FALSE;
    }
    return TRUE;
}

static gboolean
valid_ifname(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 15)
        return FALSE;
    for (const char *p = s; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
            return FALSE;
    return TRUE;
}

gboolean
dt_helper_validate_options(GVariant *options, GError **error)
{
    GVariantIter iter;
    const char *key;
    GVariant *value;

    g_variant_iter_init(&iter, options);
    while (g_variant_iter_loop(&iter, "{&sv}", &key, &value)) {
        GError *e = NULL;
        if (strcmp(key, "interface") == 0) {
            if (!g_variant_is_of_type(value, G_VARIANT_TYPE_STRING))
                e = invalid("options", "key “interface” has type “%s”; send a string “s”",
                            g_variant_get_type_string(value));
            else if (!valid_ifname(g_variant_get_string(value, NULL)))
                e = invalid("options", "key “interface”: use 1 to 15 letters, digits, “-”, “_” "
                                       "or “.”");
        } else if (strcmp(key, "connect-timeout") == 0) {
            if (!g_variant_is_of_type(value, G_VARIANT_TYPE_UINT32))
                e = invalid("options", "key “connect-timeout” has type “%s”; send “u” seconds",
                            g_variant_get_type_string(value));
            else if (g_variant_get_uint32(value) < 1 || g_variant_get_uint32(value) > 600)
                e = invalid("options", "key “connect-timeout”: use 1 to 600 seconds, not %u",
                            g_variant_get_uint32(value));
        } else {
            g_autoptr(GString) why = g_string_new(NULL);
            e = invalid("options", "unknown key “%s”; known: “interface”, “connect-timeout”",
                        dt_validate_text(key, 64, FALSE, why) ? key : "?");
        }
        if (e) {
            g_propagate_error(error, e);
            g_variant_unref(value);
            return FALSE;
        }
    }
    return TRUE;
}

static guint
count_running(DtHelper *h)
{
    guint n = 0;
    for (guint i = 0; i < h->connections->len; i++)
        n += dt_helper_connection_is_running(g_ptr_array_index(h->connections, i));
    return n;
}

typedef struct {
    DtHelper *helper;
    DtHelperConnection *connection;
} Linger;

static gboolean
on_linger_done_cb(gpointer user_data)
{
    Linger *l = user_data;
    g_ptr_array_remove(l->helper->connections, l->connection);
    g_free(l);
    return G_SOURCE_REMOVE;
}

static void
on_connection_ended_cb(DtHelperConnection *c, gpointer user_data)
{
    DtHelper *h = user_data;
    Linger *l = g_new0(Linger, 1);
    l->helper = h;
    l->connection = c;
    g_timeout_add_seconds(LINGER_SECONDS, on_linger_done_cb, l);
    if (h->stopped && count_running(h) == 0)
        g_idle_add(h->stopped, h->stopped_data);
}

/* What Connect needs of a profile beyond dt-profile's own checks. */
static gboolean
check_profile(const DtProfile *profile, const DtProfile *dial_first, GError **error)
{
    if (profile->type == DT_PROFILE_TYPE_DIALUP)
        return dt_helper_validate_serial_device(profile->dialup.device, error);
    if (!profile->pptp.user || !*profile->pptp.user) {
        g_propagate_error(error, invalid("profile", "key PPTP.User is missing; the server needs "
                                                    "a user name"));
        return FALSE;
    }
    if (profile->dial_first && !dial_first) {
        g_propagate_error(error, invalid("profile",
                                         "key Profile.DialFirst names %s, but the "
                                         "dial-up profile is not nested as "
                                         "“DialFirst”; send both",
                                         profile->dial_first));
        return FALSE;
    }
    if (dial_first) {
        if (!profile->dial_first || dial_first->type != DT_PROFILE_TYPE_DIALUP ||
            g_ascii_strcasecmp(dial_first->id, profile->dial_first) != 0) {
            g_propagate_error(error, invalid("profile", "entry “DialFirst”: send the dial-up "
                                                        "profile whose Id the PPTP profile's "
                                                        "DialFirst names"));
            return FALSE;
        }
        if (!dt_helper_validate_serial_device(dial_first->dialup.device, error)) {
            g_prefix_error(error, "DialFirst profile “%s”: ", dial_first->name);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
on_handle_connect_cb(DtDBusHelper1 *iface, GDBusMethodInvocation *invocation, GVariant *profile_v,
                     GVariant *secrets, GVariant *options, gpointer user_data)
{
    DtHelper *h = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(DtProfile) dial_first = NULL;
    g_autoptr(DtProfile) profile = NULL;
    const char *password = NULL, *dial_first_password = NULL;
    guint uid = dt_helper_auth_caller_uid(invocation);

    profile = dt_profile_from_variant(profile_v, &dial_first, &error);
    if (!profile) {
        /* dt-profile names the key and what is wrong; one error name for every bad argument. */
        g_dbus_method_invocation_return_error(invocation, DT_HELPER_ERROR,
                                              DT_HELPER_ERROR_INVALID_ARGUMENT,
                                              "Argument “profile”: %s", error->message);
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    if (!check_profile(profile, dial_first, &error) ||
        !dt_helper_validate_secrets(secrets, dial_first != NULL, &password, &dial_first_password,
                                    &error) ||
        !dt_helper_validate_options(options, &error)) {
        g_dbus_method_invocation_return_gerror(invocation, error);
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    if (count_running(h) >= CONNECTIONS_MAX) {
        g_dbus_method_invocation_return_error(invocation, DT_HELPER_ERROR, DT_HELPER_ERROR_LIMIT,
                                              "Already %d connections; disconnect one first",
                                              CONNECTIONS_MAX);
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    g_autofree char *path = g_strdup_printf("/org/dialtone/Connection/%u", ++h->next_id);
    DtHelperConnection *c = dt_helper_connection_start(
        h->bus, path, h->link_path, profile, dial_first, password, dial_first_password, options,
        uid, &h->env, on_connection_ended_cb, h, &error);
    if (!c) {
        g_dbus_method_invocation_return_error(invocation, DT_HELPER_ERROR, DT_HELPER_ERROR_FAILED,
                                              "Cannot start the link: %s", error->message);
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    g_ptr_array_add(h->connections, c);
    dt_dbus_helper1_complete_connect(iface, invocation, path);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_list_connections_cb(DtDBusHelper1 *iface, GDBusMethodInvocation *invocation,
                              gpointer user_data)
{
    DtHelper *h = user_data;
    g_autoptr(GPtrArray) paths = g_ptr_array_new();
    for (guint i = 0; i < h->connections->len; i++) {
        DtHelperConnection *c = g_ptr_array_index(h->connections, i);
        if (dt_helper_connection_is_running(c))
            g_ptr_array_add(paths, (gpointer)dt_helper_connection_get_path(c));
    }
    g_ptr_array_add(paths, NULL);
    dt_dbus_helper1_complete_list_connections(iface, invocation, (const char *const *)paths->pdata);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_get_connection_log_cb(DtDBusHelper1 *iface, GDBusMethodInvocation *invocation,
                                GVariant *filter, gpointer user_data)
{
    DtHelper *h = user_data;
    const char *profile_id = "";
    guint limit = LOG_LIMIT_DEFAULT;
    GVariantIter iter;
    const char *key;
    GVariant *value;
    guint uid = dt_helper_auth_caller_uid(invocation);

    g_variant_iter_init(&iter, filter);
    while (g_variant_iter_loop(&iter, "{&sv}", &key, &value)) {
        GError *e = NULL;
        if (strcmp(key, "profile-id") == 0 && g_variant_is_of_type(value, G_VARIANT_TYPE_STRING))
            profile_id = g_variant_get_string(value, NULL);
        else if (strcmp(key, "limit") == 0 && g_variant_is_of_type(value, G_VARIANT_TYPE_UINT32) &&
                 g_variant_get_uint32(value) >= 1 && g_variant_get_uint32(value) <= LOG_LIMIT_MAX)
            limit = g_variant_get_uint32(value);
        else if (strcmp(key, "profile-id") == 0)
            e = invalid("filter", "key “profile-id” has type “%s”; send a string “s”",
                        g_variant_get_type_string(value));
        else if (strcmp(key, "limit") == 0)
            e = invalid("filter", "key “limit”: send “u”, 1 to %d", LOG_LIMIT_MAX);
        else {
            g_autoptr(GString) why = g_string_new(NULL);
            e = invalid("filter", "unknown key “%s”; known: “profile-id”, “limit”",
                        dt_validate_text(key, 64, FALSE, why) ? key : "?");
        }
        if (e) {
            g_dbus_method_invocation_take_error(invocation, e);
            g_variant_unref(value);
            return G_DBUS_METHOD_INVOCATION_HANDLED;
        }
    }
    if (uid == G_MAXUINT) {
        g_dbus_method_invocation_return_error(invocation, DT_HELPER_ERROR,
                                              DT_HELPER_ERROR_NOT_AUTHORIZED,
                                              "Not authorized: cannot tell who is calling");
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    dt_dbus_helper1_complete_get_connection_log(
        iface, invocation, dt_helper_log_query(h->log, uid, profile_id, limit));
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
in_use_cb(DtHelperConnection *c, const char *server, gpointer user_data)
{
    DtHelper *h = user_data;
    for (guint i = 0; i < h->connections->len; i++) {
        DtHelperConnection *o = g_ptr_array_index(h->connections, i);
        /* A worker that has not reported its server yet may be pinning the same one. */
        if (o != c && dt_helper_connection_has_worker(o) &&
            (!server || !dt_helper_connection_get_server(o) ||
             g_strcmp0(server, dt_helper_connection_get_server(o)) == 0))
            return TRUE;
    }
    return FALSE;
}

DtHelper *
dt_helper_new(const char *link_path, const char *resolv_conf, const char *state_dir)
{
    DtHelper *h = g_new0(DtHelper, 1);
    h->link_path = g_strdup(link_path);
    h->resolv_conf = g_strdup(resolv_conf);
    h->backup = g_build_filename(state_dir, DT_RESOLVER_BACKUP_NAME, NULL);
    h->log = dt_helper_log_new(DT_HELPER_LOG_KEEP);
    h->env.log = h->log;
    h->env.in_use = in_use_cb;
    h->env.user_data = h;
    h->connections = g_ptr_array_new_with_free_func((GDestroyNotify)dt_helper_connection_free);
    h->iface = dt_dbus_helper1_skeleton_new();
    dt_dbus_helper1_set_version(h->iface, DT_VERSION);
    dt_helper_auth_attach(G_DBUS_INTERFACE_SKELETON(h->iface));
    g_signal_connect(h->iface, "handle-connect", G_CALLBACK(on_handle_connect_cb), h);
    g_signal_connect(h->iface, "handle-list-connections", G_CALLBACK(on_handle_list_connections_cb),
                     h);
    g_signal_connect(h->iface, "handle-get-connection-log",
                     G_CALLBACK(on_handle_get_connection_log_cb), h);
    return h;
}

void
dt_helper_free(DtHelper *h)
{
    if (!h)
        return;
    g_ptr_array_unref(h->connections);
    g_clear_pointer(&h->resolver, dt_resolver_free);
    g_clear_pointer(&h->log, dt_helper_log_free);
    g_free(h->resolv_conf);
    g_free(h->backup);
    if (h->bus)
        g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(h->iface));
    g_clear_object(&h->iface);
    g_clear_object(&h->bus);
    g_free(h->link_path);
    g_free(h);
}

void
dt_helper_remove_leftovers(DtHelper *h, GDBusConnection *bus)
{
    g_autoptr(GError) error = NULL;
    DtNetconf *nc = NULL;
    DtIoError err;
    size_t removed = 0;
    gboolean restored = FALSE;

    /* Nothing runs yet, so every route tagged DT_RTPROT is a crashed run's (dt-netconf.h). */
    if (dt_netconf_new(&nc, &err) < 0 || dt_netconf_remove_tagged(nc, &removed, &err) < 0)
        g_warning("cannot remove leftover routes: %s", err.message);
    else if (removed)
        g_message("removed %zu route(s) a previous run left behind (proto %d)", removed, DT_RTPROT);
    dt_netconf_free(nc);
    if (!h->resolver) {
        h->resolver = dt_resolver_new(bus, h->resolv_conf, h->backup);
        h->env.resolver = h->resolver;
    }
    if (!dt_resolver_recover(h->resolver, &restored, &error))
        g_warning("cannot restore %s from %s: %s", h->resolv_conf, h->backup, error->message);
    else if (restored)
        g_message("restored %s from the backup a previous run left (%s)", h->resolv_conf,
                  h->backup);
}

gboolean
dt_helper_export(DtHelper *h, GDBusConnection *bus, GError **error)
{
    h->bus = g_object_ref(bus);
    if (!h->resolver) {
        h->resolver = dt_resolver_new(bus, h->resolv_conf, h->backup);
        h->env.resolver = h->resolver;
    }
    return g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(h->iface), bus,
                                            "/org/dialtone/Helper1", error);
}

void
dt_helper_stop_all(DtHelper *h, GSourceFunc done, gpointer user_data)
{
    h->stopped = done;
    h->stopped_data = user_data;
    for (guint i = 0; i < h->connections->len; i++)
        dt_helper_connection_stop(g_ptr_array_index(h->connections, i));
    if (count_running(h) == 0)
        g_idle_add(done, user_data);
}
