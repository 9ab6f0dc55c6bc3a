/* dt-helper-connection.c — see dt-helper-connection.h. */
#include "dt-helper-connection.h"

#include "dt-helper-auth.h"
#include "dt-helper-error.h"
#include "dt-helper-report.h"
#include "dt-link-managed.h"
#include "dt-netconf.h"

#include <errno.h>
#include <gio/gunixfdlist.h>
#include <net/if.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

/* Redial backoff: Interval, then twice that, and so on, never more than this. */
#define REDIAL_MAX_SECONDS 600

struct _DtHelperConnection {
    DtDBusConnection1 *iface;
    GDBusConnection *bus;
    const DtHelperConnectionEnv *env;
    char *path;
    char *name; /* for log lines */
    char *link_path;
    DtProfile *profile;
    DtProfile *dial_first; /* the dial-up profile a PPTP one dials first, or NULL */
    /* Kept for redials; locked, wiped on free. */
    char *password;
    gsize password_size;
    char *dial_first_password;
    gsize dial_first_password_size;
    GVariant *options;
    guint owner;
    GSubprocess *worker;
    GSocket *sock;
    GSource *sock_source;
    GCancellable *cancellable;
    gboolean running; /* not ended: a worker runs or a redial waits */
    gboolean stop_requested;
    /* The attempt in progress. */
    guint attempt;  /* 1 for the first dial */
    guint failures; /* redials since the last attempt that came up */
    guint redial_source;
    gboolean have_down;
    gboolean have_exit;
    gboolean was_up;
    int exit_status;
    int dns_ifindex;         /* 0: no DNS applied */
    char *server;            /* the address the worker reached, from UP */
    gint64 up_since;         /* monotonic µs */
    DtHelperReport *reports; /* GetReport: snapshots, and the last attempt's final report */
    DtHelperConnectionEndedFunc ended;
    gpointer ended_data;
};

static gboolean spawn_worker(DtHelperConnection *c, GError **error);

/* Who logs on, and to what: the PPTP server, or the dial-up number. */
static const char *
profile_user(const DtHelperConnection *c)
{
    const char *u = c->profile->type == DT_PROFILE_TYPE_DIALUP ? c->profile->dialup.user
                                                               : c->profile->pptp.user;
    return u ? u : "";
}

static const char *
profile_peer(const DtHelperConnection *c)
{
    const char *p = c->profile->type == DT_PROFILE_TYPE_DIALUP ? c->profile->dialup.phone
                                                               : c->profile->pptp.server;
    return c->server ? c->server : p ? p : "";
}

static char *
secret_dup(const char *text, gsize *size)
{
    *size = strlen(text) + 1;
    char *copy = g_malloc(*size);
    mlock(copy, *size);
    memcpy(copy, text, *size);
    return copy;
}

static void
secret_free(char *text, gsize size)
{
    if (!text)
        return;
    explicit_bzero(text, size);
    munlock(text, size);
    g_free(text);
}

static void
set_error(DtHelperConnection *c, const char *reason, const char *message)
{
    dt_dbus_connection1_set_error(c->iface, g_variant_new("(ss)", reason, message));
}

static void
set_stage(DtHelperConnection *c, const char *to)
{
    g_autofree char *from = g_strdup(dt_dbus_connection1_get_stage(c->iface));
    dt_dbus_connection1_set_stage(c->iface, to);
    dt_dbus_connection1_emit_stage_changed(c->iface, from ? from : "", to);
}

static void emit_log(DtHelperConnection *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
emit_log(DtHelperConnection *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_message("%s: %s", c->name, line);
    dt_dbus_connection1_emit_log_line(c->iface, line);
}

/* The connection log's entry (dt-helper-log.h); extra is NULL-terminated key/value pairs. */
static void
log_entry(DtHelperConnection *c, const char *event, const char *message, const char *const *extra)
{
    g_autoptr(GPtrArray) f = g_ptr_array_new();
    g_autofree char *attempt = g_strdup_printf("%u", c->attempt);
    const char *user = profile_user(c);

    if (!c->env || !c->env->log)
        return;
#define KV(k, v) (g_ptr_array_add(f, (gpointer)(k)), g_ptr_array_add(f, (gpointer)(v)))
    KV("EVENT", event);
    KV("USER", user);
    KV("PROFILE", c->profile->name);
    KV("PROFILE_ID", c->profile->id);
    KV("CONNECTION", c->path);
    KV("ATTEMPT", attempt);
    KV("PEER", profile_peer(c));
    for (const char *const *p = extra; p && p[0] && p[1]; p += 2)
        KV(p[0], p[1]);
#undef KV
    g_ptr_array_add(f, NULL);
    dt_helper_log_add(c->env->log, c->owner, message, (const char *const *)f->pdata);
}

static void
log_connected(DtHelperConnection *c, GVariant *up)
{
    const char *auth = "", *enc = "", *word = "none", *local = "";
    gboolean compressed = FALSE;
    g_variant_lookup(up, "auth", "&s", &auth);
    g_variant_lookup(up, "encryption", "&s", &enc);
    g_variant_lookup(up, "strength-word", "&s", &word);
    g_variant_lookup(up, "local-address", "&s", &local);
    g_variant_lookup(up, "compression", "b", &compressed);
    /* As the Windows event log tells it: who, where, how strong. */
    g_autofree char *msg =
        g_strdup_printf("%s connected to %s (%s): %s, %s (%s), %s, %s", profile_user(c),
                        profile_peer(c), c->profile->name, auth, enc, *word ? word : "none",
                        compressed ? "MPPC" : "no compression", local);
    const char *const extra[] = {
        "AUTH",        auth,
        "ENCRYPTION",  enc,
        "STRENGTH",    *word ? word : "none",
        "COMPRESSION", compressed ? "MPPC" : "none",
        "ADDRESS",     local,
        NULL,
    };
    log_entry(c, "connected", msg, extra);
}

static void
log_ended(DtHelperConnection *c, const char *reason, const char *words)
{
    GVariant *stats = dt_dbus_connection1_get_stats(c->iface);
    guint64 tx = 0, rx = 0, txp = 0, rxp = 0;
    gint64 secs = c->was_up ? (g_get_monotonic_time() - c->up_since) / G_USEC_PER_SEC : 0;
    if (stats) {
        g_variant_lookup(stats, "tx-bytes", "t", &tx);
        g_variant_lookup(stats, "rx-bytes", "t", &rx);
        g_variant_lookup(stats, "tx-packets", "t", &txp);
        g_variant_lookup(stats, "rx-packets", "t", &rxp);
    }
    g_autofree char *d = g_strdup_printf("%" G_GINT64_FORMAT, secs);
    g_autofree char *t1 = g_strdup_printf("%" G_GUINT64_FORMAT, tx);
    g_autofree char *t2 = g_strdup_printf("%" G_GUINT64_FORMAT, rx);
    g_autofree char *t3 = g_strdup_printf("%" G_GUINT64_FORMAT, txp);
    g_autofree char *t4 = g_strdup_printf("%" G_GUINT64_FORMAT, rxp);
    g_autofree char *msg =
        *reason
            ? g_strdup_printf("%s: %s %s (%s) after %s s: %s", c->profile->name, profile_user(c),
                              c->was_up ? "disconnected" : "failed", reason, d, words)
            : g_strdup_printf("%s: %s disconnected by request after %s s, %s octets out, "
                              "%s in",
                              c->profile->name, profile_user(c), d, t1, t2);
    const char *const extra[] = {
        "REASON",     *reason ? reason : "local-request",
        "DURATION",   d,
        "TX_BYTES",   t1,
        "RX_BYTES",   t2,
        "TX_PACKETS", t3,
        "RX_PACKETS", t4,
        NULL,
    };
    log_entry(c, *reason ? "failed" : "disconnected", msg, extra);
}

/* Applies the DNS the worker reports (dt-resolver.h) and returns the Protocols dictionary with
 * "dns-via" added: "systemd-resolved", "resolv.conf" or "" (none applied). */
static GVariant *
apply_dns(DtHelperConnection *c, GVariant *up)
{
    g_autofree const char **servers = NULL;
    const char *ifname = NULL;
    const char *via = "";
    GVariantBuilder b;
    GVariantIter iter;
    const char *key;
    GVariant *value;

    g_variant_lookup(up, "dns", "^a&s", &servers);
    g_variant_lookup(up, "interface", "&s", &ifname);
    if (c->env && c->env->resolver && servers && servers[0] && ifname) {
        g_autoptr(GError) error = NULL;
        int ifindex = (int)if_nametoindex(ifname);
        DtResolverLink link = {
            .ifindex = ifindex,
            .ifname = ifname,
            .servers = servers,
            .domains = (const char *const *)c->profile->ipv4.dns_search,
            .default_route = c->profile->ipv4.default_route,
        };
        if (ifindex <= 0)
            g_warning("%s: DNS not applied: no interface %s", c->name, ifname);
        else if (!dt_resolver_apply(c->env->resolver, &link, &error))
            g_warning("%s: DNS not applied: %s", c->name, error->message);
        else {
            c->dns_ifindex = ifindex;
            via = dt_resolver_link_backend(c->env->resolver, ifindex);
            emit_log(c, "stage=dns via=%s servers=%u", via ? via : "",
                     g_strv_length((char **)servers));
        }
    }
    g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
    g_variant_iter_init(&iter, up);
    while (g_variant_iter_loop(&iter, "{&sv}", &key, &value))
        g_variant_builder_add(&b, "{sv}", key, value);
    g_variant_builder_add(&b, "{sv}", "dns-via", g_variant_new_string(via ? via : ""));
    return g_variant_builder_end(&b);
}

static void
revert_dns(DtHelperConnection *c)
{
    g_autoptr(GError) error = NULL;
    if (!c->dns_ifindex)
        return;
    if (!dt_resolver_revert(c->env->resolver, c->dns_ifindex, &error))
        g_warning("%s: DNS not reverted: %s", c->name, error->message);
    c->dns_ifindex = 0;
}

/* A worker that died without its clean-up (SIGKILL, a crash) leaves the pinned host route to
 * the server on the real interface; the TUN's routes went with the TUN. */
static void
remove_stale_routes(DtHelperConnection *c)
{
    gboolean others_running =
        c->env && c->env->in_use && c->env->in_use(c, c->server, c->env->user_data);
    g_autofree DtRoute *routes = NULL;
    DtNetconf *nc = NULL;
    DtIoError err;
    size_t count = 0, removed = 0;

    if (dt_netconf_new(&nc, &err) < 0) {
        g_warning("%s: cannot look for stale routes: %s", c->name, err.message);
        return;
    }
    if (!c->server && !others_running) {
        /* Died before it said which server it reached: with no other link of ours running,
         * every tagged route is this one's. */
        if (dt_netconf_remove_tagged(nc, &removed, &err) < 0)
            g_warning("%s: stale routes: %s", c->name, err.message);
    } else if (c->server && !others_running &&
               dt_netconf_list_tagged(nc, NULL, 0, &count, &err) == 0 && count) {
        /* The host route to the server it reached, unless another running link to the same
         * server shares it; nothing of anyone else's. */
        DtInetPrefix host;
        g_autofree char *cidr =
            g_strdup_printf("%s/%d", c->server, strchr(c->server, ':') ? 128 : 32);
        routes = g_new0(DtRoute, count);
        if (dt_inet_prefix_parse(cidr, &host) &&
            dt_netconf_list_tagged(nc, routes, count, &count, &err) == 0) {
            for (size_t i = 0; i < count; i++)
                if (routes[i].dst.prefix_len == host.prefix_len &&
                    dt_inet_equal(&routes[i].dst.addr, &host.addr) &&
                    dt_netconf_route_del(nc, &routes[i], NULL) == 0)
                    removed++;
        }
    }
    if (removed)
        emit_log(c, "stage=cleanup stale_routes_removed=%zu", removed);
    dt_netconf_free(nc);
}

static void
handle_record(DtHelperConnection *c, const guint8 *buf, gsize len)
{
    static const struct {
        DtManagedFrame type;
        const char *signature;
    } types[] = {
        {DT_MANAGED_STAGE, DT_MANAGED_STAGE_TYPE},   {DT_MANAGED_LOG, DT_MANAGED_LOG_TYPE},
        {DT_MANAGED_UP, DT_MANAGED_UP_TYPE},         {DT_MANAGED_STATS, DT_MANAGED_STATS_TYPE},
        {DT_MANAGED_DOWN, DT_MANAGED_DOWN_TYPE},     {DT_MANAGED_EXIT, DT_MANAGED_EXIT_TYPE},
        {DT_MANAGED_REPORT, DT_MANAGED_REPORT_TYPE},
    };
    const char *signature = NULL;
    g_autoptr(GVariant) v = NULL;

    for (gsize i = 0; i < G_N_ELEMENTS(types); i++)
        if (len >= DT_MANAGED_HEADER && buf[0] == types[i].type)
            signature = types[i].signature;
    if (signature) {
        /* A copy the variant owns: notify-with-data would free only user_data (NULL). */
        g_autoptr(GBytes) body = g_bytes_new(buf + DT_MANAGED_HEADER, len - DT_MANAGED_HEADER);
        v = g_variant_ref_sink(g_variant_new_from_bytes(G_VARIANT_TYPE(signature), body, FALSE));
    }
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
        g_message("%s: connected, owner uid %u, address %s, %s, %s (%s)", c->name,
                  dt_dbus_connection1_get_owner(c->iface), local, auth, enc, word);
        g_free(c->server);
        c->server = NULL;
        g_variant_lookup(v, "server", "s", &c->server);
        dt_dbus_connection1_set_protocols(c->iface, apply_dns(c, v));
        log_connected(c, v);
        c->was_up = TRUE;
        c->failures = 0;
        set_error(c, "", ""); /* up again: an earlier attempt's failure is history */
        c->up_since = g_get_monotonic_time();
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
    case DT_MANAGED_REPORT:
        if (!dt_helper_report_add(c->reports, v)) {
            g_warning("%s: a report from the worker breaks the protocol; stopping it", c->name);
            g_subprocess_force_exit(c->worker);
        }
        break;
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

/* Reasons a redial cannot fix: the user or the profile must change something first. */
static gboolean
reason_is_final(const char *reason)
{
    /* sandbox-violation: a bug or an exploit in the worker; dialling again would repeat it.
     * idle-timeout: the profile's own IdleDisconnect hung up; dialling again defeats it. */
    static const char *const final[] = {
        "auth-failed",     "auth-refused",    "auth-no-dialin",    "auth-expired",
        "auth-restricted", "auth-bad-server", "mppe-refused",      "mppe-no-keys",
        "local-request",   "address-refused", "sandbox-violation", "idle-timeout",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(final); i++)
        if (strcmp(reason, final[i]) == 0)
            return TRUE;
    return FALSE;
}

static void
end_connection(DtHelperConnection *c)
{
    const char *reason = NULL;
    g_variant_get(dt_dbus_connection1_get_error(c->iface), "(&s&s)", &reason, NULL);
    /* Hung up for being idle, as the profile asked: an end, not a failure. */
    dt_dbus_connection1_set_state(
        c->iface, *reason && strcmp(reason, "idle-timeout") != 0 ? "failed" : "disconnected");
    set_stage(c, "ended");
    c->running = FALSE;
    g_message("%s: ended (%s)", c->name, *reason ? reason : "by request");
    if (c->ended)
        c->ended(c, c->ended_data);
}

static gboolean
on_redial_cb(gpointer user_data)
{
    DtHelperConnection *c = user_data;
    g_autoptr(GError) error = NULL;

    c->redial_source = 0;
    c->attempt++;
    c->have_down = c->have_exit = c->was_up = FALSE;
    c->exit_status = 0;
    dt_dbus_connection1_set_attempt(c->iface, c->attempt);
    dt_dbus_connection1_set_protocols(c->iface, g_variant_new("a{sv}", NULL));
    dt_dbus_connection1_set_state(c->iface, "connecting");
    set_stage(c, "starting");
    if (!spawn_worker(c, &error)) {
        set_error(c, "internal", error->message);
        end_connection(c);
    }
    return G_SOURCE_REMOVE;
}

/* Per the profile's [Redial]: Attempts redials after a failure, Interval seconds apart and
 * doubling each time; a link that was up and then failed redials only with OnLinkFailure, and
 * its count starts again (it came up, so the server works). */
static gboolean
maybe_redial(DtHelperConnection *c, const char *reason, gboolean was_up)
{
    guint delay;

    if (c->stop_requested || !*reason || reason_is_final(reason))
        return FALSE;
    if (c->exit_status == 2) /* DT_EXIT_USAGE: the profile itself is refused */
        return FALSE;
    if (was_up && !c->profile->redial.on_link_failure)
        return FALSE;
    if (c->failures >= c->profile->redial.attempts)
        return FALSE;
    delay = c->profile->redial.interval;
    for (guint i = 0; i < c->failures && delay < REDIAL_MAX_SECONDS; i++)
        delay *= 2;
    delay = MIN(delay, REDIAL_MAX_SECONDS);
    c->failures++;
    dt_dbus_connection1_set_state(c->iface, "connecting");
    set_stage(c, "redial-wait");
    emit_log(c, "stage=redial-wait reason=%s redial=%u/%u in_s=%u", reason, c->failures,
             c->profile->redial.attempts, delay);
    c->redial_source = g_timeout_add_seconds(delay, on_redial_cb, c);
    return TRUE;
}

static void
on_worker_exited_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    DtHelperConnection *c = user_data;
    GSubprocess *worker = G_SUBPROCESS(source);
    g_autoptr(GError) error = NULL;
    gboolean clean;

    if (!g_subprocess_wait_finish(worker, result, &error)) {
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return; /* freed while running */
    }
    /* Drain what the worker wrote last (DOWN, REPORT, EXIT) before judging. */
    if (c->sock_source)
        on_socket_readable_cb(c->sock, G_IO_IN, c);
    dt_helper_report_worker_gone(c->reports);
    clean = c->have_exit;
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
    if (c->sock_source) {
        g_source_destroy(c->sock_source);
        g_clear_pointer(&c->sock_source, g_source_unref);
    }
    g_clear_object(&c->sock);
    g_clear_object(&c->worker);
    revert_dns(c);
    if (!clean)
        remove_stale_routes(c);

    const char *reason = NULL, *words = NULL;
    g_variant_get(dt_dbus_connection1_get_error(c->iface), "(&s&s)", &reason, &words);
    log_ended(c, reason, words);
    if (maybe_redial(c, reason, c->was_up))
        return;
    end_connection(c);
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

/* Authorized already (dt-helper-auth.c): the owner or uid 0. A running worker is asked for a
 * snapshot (answered when its REPORT records are in); otherwise the last attempt's report. */
static gboolean
on_handle_get_report_cb(DtDBusConnection1 *iface, GDBusMethodInvocation *invocation,
                        gpointer user_data)
{
    DtHelperConnection *c = user_data;
    if (c->worker && c->sock) {
        guint8 buf[DT_MANAGED_HEADER + 4] = {DT_MANAGED_REPORT_REQUEST};
        g_autoptr(GVariant) id =
            g_variant_ref_sink(g_variant_new_uint32(dt_helper_report_wait(c->reports, invocation)));
        g_autoptr(GError) error = NULL;
        g_variant_store(id, buf + DT_MANAGED_HEADER);
        /* If this fails the worker is going: its end answers the call. */
        if (g_socket_send(c->sock, (const char *)buf, sizeof buf, NULL, &error) != sizeof buf)
            g_message("%s: cannot ask the worker for a report: %s", c->name,
                      error ? error->message : "short write");
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    GBytes *last = dt_helper_report_last(c->reports);
    if (!last) {
        g_dbus_method_invocation_return_error(invocation, DT_HELPER_ERROR,
                                              DT_HELPER_ERROR_NOT_RUNNING,
                                              "No report: no link of this connection has ended "
                                              "or is running");
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    gsize len;
    gconstpointer data = g_bytes_get_data(last, &len);
    dt_dbus_connection1_complete_get_report(
        iface, invocation, g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, data, len, 1));
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
send_start(DtHelperConnection *c, GError **error)
{
    const char *password = c->password;
    GVariant *options = c->options;
    GVariantBuilder secrets;
    g_autoptr(GVariant) start = NULL;
    g_autofree guint8 *buf = NULL;
    gsize len;
    gboolean ok;

    g_variant_builder_init(&secrets, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&secrets, "{sv}", "password", g_variant_new_string(password));
    if (c->dial_first_password)
        g_variant_builder_add(&secrets, "{sv}", "dial-first-password",
                              g_variant_new_string(c->dial_first_password));
    /* What was validated is what is sent: the profile in its own normal form. */
    start = g_variant_ref_sink(g_variant_new("(@a{sv}a{sv}@a{sv})",
                                             dt_profile_to_variant(c->profile, c->dial_first),
                                             &secrets, options));
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

/* One worker for one attempt: the socketpair, the spawn, START, the watches. */
static gboolean
spawn_worker(DtHelperConnection *c, GError **error)
{
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    const char *const env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", NULL};
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        g_set_error(error, DT_HELPER_ERROR, DT_HELPER_ERROR_FAILED,
                    "Cannot make the worker's socket: %s", g_strerror(errno));
        return FALSE;
    }
    c->sock = g_socket_new_from_fd(sv[0], error);
    if (!c->sock) {
        close(sv[0]);
        close(sv[1]);
        return FALSE;
    }
    g_socket_set_blocking(c->sock, FALSE);
    launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
    g_subprocess_launcher_set_environ(launcher, (char **)env);
    g_subprocess_launcher_take_fd(launcher, sv[1], DT_MANAGED_FD);
    /* No user string on the command line: everything travels in START. */
    c->worker = g_subprocess_launcher_spawn(launcher, error, c->link_path, "--managed", NULL);
    if (!c->worker) {
        g_clear_object(&c->sock);
        return FALSE;
    }
    if (!send_start(c, error)) {
        g_subprocess_force_exit(c->worker);
        g_clear_object(&c->worker);
        g_clear_object(&c->sock);
        return FALSE;
    }
    dt_helper_report_new_attempt(c->reports);
    c->sock_source = g_socket_create_source(c->sock, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
    g_source_set_callback(c->sock_source, (GSourceFunc)(void (*)(void))on_socket_readable_cb, c,
                          NULL);
    g_source_attach(c->sock_source, NULL);
    g_subprocess_wait_async(c->worker, c->cancellable, on_worker_exited_cb, c);
    g_autofree char *words =
        c->profile->type == DT_PROFILE_TYPE_DIALUP
            ? g_strdup_printf("%s dialling %s (%s on %s), attempt %u", profile_user(c),
                              c->profile->name, profile_peer(c), c->profile->dialup.device,
                              c->attempt)
        : c->dial_first
            ? g_strdup_printf("%s dialling %s (%s, after dialling %s), attempt %u", profile_user(c),
                              c->profile->name, profile_peer(c), c->dial_first->name, c->attempt)
            : g_strdup_printf("%s dialling %s (%s), attempt %u", profile_user(c), c->profile->name,
                              profile_peer(c), c->attempt);
    log_entry(c, "attempt", words, NULL);
    g_message("%s: attempt %u for uid %u, worker pid %s", c->name, c->attempt, c->owner,
              g_subprocess_get_identifier(c->worker));
    return TRUE;
}

DtHelperConnection *
dt_helper_connection_start(GDBusConnection *bus, const char *path, const char *link_path,
                           const DtProfile *profile, const DtProfile *dial_first,
                           const char *password, const char *dial_first_password, GVariant *options,
                           guint owner, const DtHelperConnectionEnv *env,
                           DtHelperConnectionEndedFunc ended, gpointer user_data, GError **error)
{
    g_autoptr(DtHelperConnection) c = g_new0(DtHelperConnection, 1);

    c->bus = g_object_ref(bus);
    c->env = env;
    c->path = g_strdup(path);
    c->name = g_strdup_printf("connection %s (%s)", path, profile->name);
    c->link_path = g_strdup(link_path);
    c->profile = dt_profile_copy(profile);
    /* Kept for redials: out of swap where the kernel allows, wiped on free. */
    c->password = secret_dup(password, &c->password_size);
    if (dial_first) {
        c->dial_first = dt_profile_copy(dial_first);
        c->dial_first_password = secret_dup(dial_first_password, &c->dial_first_password_size);
    }
    c->options = g_variant_ref_sink(options);
    c->owner = owner;
    c->attempt = 1;
    c->cancellable = g_cancellable_new();
    c->iface = dt_dbus_connection1_skeleton_new();
    dt_dbus_connection1_set_state(c->iface, "connecting");
    dt_dbus_connection1_set_stage(c->iface, "starting");
    dt_dbus_connection1_set_attempt(c->iface, 1);
    dt_dbus_connection1_set_redial_attempts(c->iface, profile->redial.attempts);
    set_error(c, "", "");
    dt_dbus_connection1_set_protocols(c->iface, g_variant_new("a{sv}", NULL));
    dt_dbus_connection1_set_stats(c->iface, g_variant_new("a{sv}", NULL));
    dt_dbus_connection1_set_profile_id(c->iface, profile->id);
    dt_dbus_connection1_set_profile_name(c->iface, profile->name);
    dt_dbus_connection1_set_owner(c->iface, owner);
    g_object_set_data(G_OBJECT(c->iface), DT_HELPER_AUTH_OWNER_KEY, GUINT_TO_POINTER(owner + 1));
    dt_helper_auth_attach(G_DBUS_INTERFACE_SKELETON(c->iface));
    g_signal_connect(c->iface, "handle-disconnect", G_CALLBACK(on_handle_disconnect_cb), c);
    g_signal_connect(c->iface, "handle-get-report", G_CALLBACK(on_handle_get_report_cb), c);
    c->reports = dt_helper_report_new();

    if (!spawn_worker(c, error))
        return NULL;
    c->running = TRUE;
    c->ended = ended;
    c->ended_data = user_data;
    if (!g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(c->iface), bus, path, error)) {
        g_subprocess_force_exit(c->worker);
        return NULL;
    }
    return g_steal_pointer(&c);
}

void
dt_helper_connection_free(DtHelperConnection *c)
{
    if (!c)
        return;
    g_cancellable_cancel(c->cancellable);
    g_clear_handle_id(&c->redial_source, g_source_remove);
    if (c->running && c->worker)
        g_subprocess_force_exit(c->worker);
    if (c->env)
        revert_dns(c);
    if (c->sock_source) {
        g_source_destroy(c->sock_source);
        g_source_unref(c->sock_source);
    }
    dt_helper_report_free(c->reports);
    if (c->iface)
        g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(c->iface));
    g_clear_object(&c->iface);
    g_clear_object(&c->sock);
    g_clear_object(&c->worker);
    g_clear_object(&c->cancellable);
    g_clear_object(&c->bus);
    g_free(c->path);
    g_free(c->name);
    g_free(c->link_path);
    g_free(c->server);
    secret_free(c->password, c->password_size);
    secret_free(c->dial_first_password, c->dial_first_password_size);
    g_clear_pointer(&c->options, g_variant_unref);
    g_clear_pointer(&c->profile, dt_profile_free);
    g_clear_pointer(&c->dial_first, dt_profile_free);
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

gboolean
dt_helper_connection_has_worker(DtHelperConnection *c)
{
    return c->worker != NULL;
}

const char *
dt_helper_connection_get_server(DtHelperConnection *c)
{
    return c->server;
}

void
dt_helper_connection_stop(DtHelperConnection *c)
{
    if (!c->running)
        return;
    c->stop_requested = TRUE;
    if (!c->worker) {
        /* Waiting to redial: nothing runs, so it ends here, as asked. */
        g_clear_handle_id(&c->redial_source, g_source_remove);
        set_error(c, "", "");
        end_connection(c);
        return;
    }
    dt_dbus_connection1_set_state(c->iface, "disconnecting");
    g_subprocess_send_signal(c->worker, SIGTERM);
}
