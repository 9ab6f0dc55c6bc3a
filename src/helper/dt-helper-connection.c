/* dt-helper-connection.c — see dt-helper-connection.h. */
#include "dt-helper-connection.h"

#include "dt-helper-auth.h"
#include "dt-helper-error.h"
#include "dt-link-managed.h"

#include <errno.h>
#include <gio/gunixfdlist.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct _DtHelperConnection {
    DtDBusConnection1 *iface;
    GDBusConnection *bus;
    char *path;
    char *name; /* for log lines */
    GSubprocess *worker;
    GSocket *sock;
    GSource *sock_source;
    GCancellable *cancellable;
    gboolean running;
    gboolean stop_requested;
    gboolean have_down;
    gboolean have_exit;
    int exit_status;
    DtHelperConnectionEndedFunc ended;
    gpointer ended_data;
};

static void
set_error(DtHelperConnection *c, const char *reason, const char *message)
{
    dt_dbus_connection1_set_error(c->iface, g_variant_new("(ss)", reason, message));
}

static void
handle_record(DtHelperConnection *c, const guint8 *buf, gsize len)
{
    static const struct {
        DtManagedFrame type;
        const char *signature;
    } types[] = {
        {DT_MANAGED_STAGE, DT_MANAGED_STAGE_TYPE}, {DT_MANAGED_LOG, DT_MANAGED_LOG_TYPE},
        {DT_MANAGED_UP, DT_MANAGED_UP_TYPE},       {DT_MANAGED_STATS, DT_MANAGED_STATS_TYPE},
        {DT_MANAGED_DOWN, DT_MANAGED_DOWN_TYPE},   {DT_MANAGED_EXIT, DT_MANAGED_EXIT_TYPE},
    };
    const char *signature = NULL;
    g_autoptr(GVariant) v = NULL;

    for (gsize i = 0; i < G_N_ELEMENTS(types); i++)
        if (len >= DT_MANAGED_HEADER && buf[0] == types[i].type)
            signature = types[i].signature;
    if (signature)
        v = g_variant_ref_sink(g_variant_new_from_data(
            G_VARIANT_TYPE(signature), g_memdup2(buf + DT_MANAGED_HEADER, len - DT_MANAGED_HEADER),
            len - DT_MANAGED_HEADER, FALSE, g_free, NULL));
    /* The worker parses network input and so is the less trusted side: a record that is not
     * exactly what the protocol says ends it. */
    if (!v || !g_variant_is_normal_form(v)) {
        g_warning("%s: malformed record from the worker (type %u, %zu octets); stopping it",
                  c->name, len ? buf[0] : 0u, len);
        g_subprocess_force_exit(c->worker);
        return;
    }
    switch ((DtManagedFrame)buf[0]) {
    case DT_MANAGED_STAGE: {
        const char *from, *to;
        g_variant_get(v, "(&s&s)", &from, &to);
        dt_dbus_connection1_set_stage(c->iface, to);
        dt_dbus_connection1_emit_stage_changed(c->iface, from, to);
        break;
    }
    case DT_MANAGED_LOG:
        dt_dbus_connection1_emit_log_line(c->iface, g_variant_get_string(v, NULL));
        break;
    case DT_MANAGED_UP: {
        const char *auth = "", *enc = "", *word = "", *local = "";
        g_variant_lookup(v, "auth", "&s", &auth);
        g_variant_lookup(v, "encryption", "&s", &enc);
        g_variant_lookup(v, "strength-word", "&s", &word);
        g_variant_lookup(v, "local-address", "&s", &local);
        /* The attempt as the Windows event log told it: who, what, how strong. */
        g_message("%s: connected, owner uid %u, address %s, %s, %s (%s)", c->name,
                  dt_dbus_connection1_get_owner(c->iface), local, auth, enc, word);
        dt_dbus_connection1_set_protocols(c->iface, v);
        if (!c->stop_requested)
            dt_dbus_connection1_set_state(c->iface, "connected");
        break;
    }
    case DT_MANAGED_STATS: {
        guint64 tx = 0, rx = 0, txp = 0, rxp = 0;
        g_variant_lookup(v, "tx-bytes", "t", &tx);
        g_variant_lookup(v, "rx-bytes", "t", &rx);
        g_variant_lookup(v, "tx-packets", "t", &txp);
        g_variant_lookup(v, "rx-packets", "t", &rxp);
        dt_dbus_connection1_set_stats(c->iface, v);
        dt_dbus_connection1_emit_activity(c->iface, tx, rx, txp, rxp);
        break;
    }
    case DT_MANAGED_DOWN: {
        const char *reason, *message;
        guint16 protocol;
        gint32 option;
        g_variant_get(v, "(&s&sqi)", &reason, &message, &protocol, &option);
        c->have_down = TRUE;
        g_message("%s: down: reason=%s protocol=0x%04x option=%d: %s", c->name, reason, protocol,
                  option, message);
        if (strcmp(reason, "local-request") != 0)
            set_error(c, reason, message);
        dt_dbus_connection1_set_state(c->iface, "disconnecting");
        break;
    }
    case DT_MANAGED_EXIT: {
        const char *reason, *message;
        g_variant_get(v, "(i&s&s)", &c->exit_status, &reason, &message);
        c->have_exit = TRUE;
        /* A failure before the session existed (name, route, TCP) has no DOWN record. */
        if (!c->have_down && c->exit_status != 0)
            set_error(c, strcmp(reason, "none") == 0 ? "unreachable" : reason, message);
        break;
    }
    default:
        break;
    }
}

static gboolean
on_socket_readable_cb(GSocket *sock, GIOCondition cond, gpointer user_data)
{
    DtHelperConnection *c = user_data;
    g_autofree guint8 *buf = g_malloc(DT_MANAGED_FRAME_MAX);

    for (;;) {
        g_autoptr(GError) error = NULL;
        gssize n = g_socket_receive_with_blocking(sock, (char *)buf, DT_MANAGED_FRAME_MAX, FALSE,
                                                  NULL, &error);
        if (n < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            return G_SOURCE_CONTINUE;
        if (n <= 0)
            break;
        handle_record(c, buf, (gsize)n);
    }
    /* End of stream: the worker is exiting; its exit status is noticed by the wait. */
    g_clear_pointer(&c->sock_source, g_source_unref);
    return G_SOURCE_REMOVE;
}

static void
on_worker_exited_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    DtHelperConnection *c = user_data;
    GSubprocess *worker = G_SUBPROCESS(source);
    g_autoptr(GError) error = NULL;

    if (!g_subprocess_wait_finish(worker, result, &error)) {
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return; /* freed while running */
    }
    /* Drain what the worker wrote last (DOWN, EXIT) before judging. */
    if (c->sock_source)
        on_socket_readable_cb(c->sock, G_IO_IN, c);
    if (g_subprocess_get_if_signaled(worker) && g_subprocess_get_term_sig(worker) == SIGSYS) {
        /* The seccomp filter's kill (dt-link-sandbox.c): a bug or an exploit, never the
         * network's fault. The worker's own protocol child reports it in EXIT instead. */
        const char *words = "The link's worker made a system call its sandbox does not allow "
                            "and was stopped (SIGSYS, seccomp). This is a bug in Dialtone; "
                            "please report it";
        set_error(c, "sandbox-violation", words);
        g_message("%s: %s", c->name, words);
    } else if (g_subprocess_get_if_signaled(worker)) {
        g_autofree char *words = g_strdup_printf(
            "The link's worker process was killed by signal %d (%s)",
            g_subprocess_get_term_sig(worker), g_strsignal(g_subprocess_get_term_sig(worker)));
        if (!c->have_down || !c->have_exit)
            set_error(c, "internal", words);
        g_message("%s: %s", c->name, words);
    } else if (!c->have_exit && g_subprocess_get_exit_status(worker) != 0) {
        g_autofree char *words =
            g_strdup_printf("The link's worker ended with status %d without saying why",
                            g_subprocess_get_exit_status(worker));
        set_error(c, "internal", words);
    }
    const char *reason = NULL;
    g_variant_get(dt_dbus_connection1_get_error(c->iface), "(&s&s)", &reason, NULL);
    dt_dbus_connection1_set_state(c->iface, *reason ? "failed" : "disconnected");
    dt_dbus_connection1_set_stage(c->iface, "ended");
    c->running = FALSE;
    g_message("%s: ended (%s)", c->name, *reason ? reason : "by request");
    if (c->sock_source) {
        g_source_destroy(c->sock_source);
        g_clear_pointer(&c->sock_source, g_source_unref);
    }
    g_clear_object(&c->sock);
    if (c->ended)
        c->ended(c, c->ended_data);
}

/* Authorized already (dt-helper-auth.c): the owner, uid 0, or disconnect-other. */
static gboolean
on_handle_disconnect_cb(DtDBusConnection1 *iface, GDBusMethodInvocation *invocation,
                        gpointer user_data)
{
    DtHelperConnection *c = user_data;
    if (!c->running) {
        g_dbus_method_invocation_return_error(invocation, DT_HELPER_ERROR,
                                              DT_HELPER_ERROR_NOT_RUNNING,
                                              "The connection has already ended");
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    g_message("%s: disconnect asked by uid %u", c->name, dt_helper_auth_caller_uid(invocation));
    dt_helper_connection_stop(c);
    dt_dbus_connection1_complete_disconnect(iface, invocation);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
send_start(DtHelperConnection *c, const DtProfile *profile, const char *password, GVariant *options,
           GError **error)
{
    GVariantBuilder secrets;
    g_autoptr(GVariant) start = NULL;
    g_autofree guint8 *buf = NULL;
    gsize len;
    gboolean ok;

    g_variant_builder_init(&secrets, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&secrets, "{sv}", "password", g_variant_new_string(password));
    /* What was validated is what is sent: the profile in its own normal form. */
    start = g_variant_ref_sink(g_variant_new(
        "(@a{sv}a{sv}@a{sv})", dt_profile_to_variant(profile, NULL), &secrets, options));
    len = g_variant_get_size(start) + DT_MANAGED_HEADER;
    if (len > DT_MANAGED_FRAME_MAX) {
        g_set_error(error, DT_HELPER_ERROR, DT_HELPER_ERROR_INVALID_ARGUMENT,
                    "The profile is too large (%zu octets, at most %d)", len, DT_MANAGED_FRAME_MAX);
        return FALSE;
    }
    buf = g_malloc0(len);
    buf[0] = DT_MANAGED_START;
    g_variant_store(start, buf + DT_MANAGED_HEADER);
    ok = g_socket_send_with_blocking(c->sock, (const char *)buf, len, TRUE, NULL, error) ==
         (gssize)len;
    /* The password's copies that are ours go now; GDBus's message is out of reach. */
    explicit_bzero(buf, len);
    return ok;
}

DtHelperConnection *
dt_helper_connection_start(GDBusConnection *bus, const char *path, const char *link_path,
                           const DtProfile *profile, const char *password, GVariant *options,
                           guint owner, DtHelperConnectionEndedFunc ended, gpointer user_data,
                           GError **error)
{
    g_autoptr(DtHelperConnection) c = g_new0(DtHelperConnection, 1);
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    const char *const env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", NULL};
    int sv[2];

    c->bus = g_object_ref(bus);
    c->path = g_strdup(path);
    c->name = g_strdup_printf("connection %s (%s)", path, profile->name);
    c->cancellable = g_cancellable_new();
    c->iface = dt_dbus_connection1_skeleton_new();
    dt_dbus_connection1_set_state(c->iface, "connecting");
    dt_dbus_connection1_set_stage(c->iface, "starting");
    set_error(c, "", "");
    dt_dbus_connection1_set_protocols(c->iface, g_variant_new("a{sv}", NULL));
    dt_dbus_connection1_set_stats(c->iface, g_variant_new("a{sv}", NULL));
    dt_dbus_connection1_set_profile_id(c->iface, profile->id);
    dt_dbus_connection1_set_profile_name(c->iface, profile->name);
    dt_dbus_connection1_set_owner(c->iface, owner);
    g_object_set_data(G_OBJECT(c->iface), DT_HELPER_AUTH_OWNER_KEY, GUINT_TO_POINTER(owner + 1));
    dt_helper_auth_attach(G_DBUS_INTERFACE_SKELETON(c->iface));
    g_signal_connect(c->iface, "handle-disconnect", G_CALLBACK(on_handle_disconnect_cb), c);

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        g_set_error(error, DT_HELPER_ERROR, DT_HELPER_ERROR_FAILED,
                    "Cannot make the worker's socket: %s", g_strerror(errno));
        return NULL;
    }
    c->sock = g_socket_new_from_fd(sv[0], error);
    if (!c->sock) {
        close(sv[0]);
        close(sv[1]);
        return NULL;
    }
    g_socket_set_blocking(c->sock, FALSE);
    launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
    g_subprocess_launcher_set_environ(launcher, (char **)env);
    g_subprocess_launcher_take_fd(launcher, sv[1], DT_MANAGED_FD);
    /* No user string on the command line: everything travels in START. */
    c->worker = g_subprocess_launcher_spawn(launcher, error, link_path, "--managed", NULL);
    if (!c->worker)
        return NULL;
    c->running = TRUE;
    c->ended = ended;
    c->ended_data = user_data;
    if (!send_start(c, profile, password, options, error)) {
        g_subprocess_force_exit(c->worker);
        return NULL;
    }
    c->sock_source = g_socket_create_source(c->sock, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
    g_source_set_callback(c->sock_source, (GSourceFunc)(void (*)(void))on_socket_readable_cb, c,
                          NULL);
    g_source_attach(c->sock_source, NULL);
    g_subprocess_wait_async(c->worker, c->cancellable, on_worker_exited_cb, c);
    if (!g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(c->iface), bus, path, error)) {
        g_subprocess_force_exit(c->worker);
        return NULL;
    }
    g_message("%s: started for uid %u, worker pid %s", c->name, owner,
              g_subprocess_get_identifier(c->worker));
    return g_steal_pointer(&c);
}

void
dt_helper_connection_free(DtHelperConnection *c)
{
    if (!c)
        return;
    g_cancellable_cancel(c->cancellable);
    if (c->running && c->worker)
        g_subprocess_force_exit(c->worker);
    if (c->sock_source) {
        g_source_destroy(c->sock_source);
        g_source_unref(c->sock_source);
    }
    if (c->iface)
        g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(c->iface));
    g_clear_object(&c->iface);
    g_clear_object(&c->sock);
    g_clear_object(&c->worker);
    g_clear_object(&c->cancellable);
    g_clear_object(&c->bus);
    g_free(c->path);
    g_free(c->name);
    g_free(c);
}

const char *
dt_helper_connection_get_path(DtHelperConnection *c)
{
    return c->path;
}

gboolean
dt_helper_connection_is_running(DtHelperConnection *c)
{
    return c->running;
}

void
dt_helper_connection_stop(DtHelperConnection *c)
{
    if (!c->running)
        return;
    c->stop_requested = TRUE;
    dt_dbus_connection1_set_state(c->iface, "disconnecting");
    g_subprocess_send_signal(c->worker, SIGTERM);
}
