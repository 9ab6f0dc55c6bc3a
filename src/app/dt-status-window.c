/* dt-status-window.c — see dt-status-window.h. */
#include "dt-status-window.h"

#include <glib/gi18n.h>

#include "dt-connection-info.h"

struct _DtStatusWindow {
    GtkWindow parent_instance;

    GtkHeaderBar *header;
    GtkWidget *disconnect_button;
    GtkWidget *report_button;
    GtkLabel *report_label;
    GtkNotebook *notebook;
    GtkBox *general_box;
    GtkBox *details_box;
    GtkBox *negotiation_box;
    GtkTextView *log_view;

    DtConnections *connections;
    char *profile_id;
    char *profile_name;
    DtDBusConnection1 *shown; /* the connection whose log is in log_view (unowned, compared) */
    gboolean disposed;        /* a report may come back after the window closed */
};

G_DEFINE_TYPE(DtStatusWindow, dt_status_window, GTK_TYPE_WINDOW)

/* Shows lines (char *) in box, one label each, reusing the labels already there. */
static void
set_lines(GtkBox *box, GPtrArray *lines)
{
    g_autoptr(GList) children = gtk_container_get_children(GTK_CONTAINER(box));
    GList *l = children;

    for (guint i = 0; i < lines->len; i++) {
        GtkWidget *label;
        if (l) {
            label = l->data;
            l = l->next;
        } else {
            label = gtk_label_new(NULL);
            gtk_label_set_xalign(GTK_LABEL(label), 0);
            gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
            gtk_box_pack_start(box, label, FALSE, FALSE, 0);
        }
        const char *text = g_ptr_array_index(lines, i);
        if (g_strcmp0(gtk_label_get_text(GTK_LABEL(label)), text) != 0)
            gtk_label_set_text(GTK_LABEL(label), text);
        gtk_widget_show(label);
    }
    for (; l; l = l->next)
        gtk_widget_hide(l->data);
}

static guint64
stat_value(GVariant *stats, const char *key)
{
    guint64 v = 0;
    if (stats)
        g_variant_lookup(stats, key, "t", &v);
    return v;
}

static const char *
prop_str(GVariant *dict, const char *key)
{
    const char *s = NULL;
    if (dict && g_variant_lookup(dict, key, "&s", &s) && *s)
        return s;
    return NULL;
}

static void
fill_general(DtStatusWindow *self, DtDBusConnection1 *c, GPtrArray *out)
{
    GVariant *stats = c ? dt_dbus_connection1_get_stats(c) : NULL;
    const char *reason = "", *words = "";
    g_autofree char *state = dt_connection_info_state_words(
        c ? dt_dbus_connection1_get_state(c) : NULL, c ? dt_dbus_connection1_get_stage(c) : NULL);

    g_ptr_array_add(out, g_strdup_printf(_("Status: %s"), state));
    if (!c)
        return;
    g_ptr_array_add(out, g_strdup_printf(_("Stage: %s"), dt_dbus_connection1_get_stage(c)));
    g_autofree char *duration = dt_connection_info_duration(stat_value(stats, "duration-ms"));
    g_ptr_array_add(out, g_strdup_printf(_("Duration: %s"), duration));
    g_autofree char *tx = g_format_size(stat_value(stats, "tx-bytes"));
    g_autofree char *rx = g_format_size(stat_value(stats, "rx-bytes"));
    /* %llu, not G_GUINT64_FORMAT: xgettext cuts a msgid at a macro, so the catalogue would
     * never match. */
    guint64 txp = stat_value(stats, "tx-packets"), rxp = stat_value(stats, "rx-packets");
    /* Translators: "Sent: 1.2 MB in 830 packets". */
    g_ptr_array_add(out, g_strdup_printf(ngettext("Sent: %s in %llu packet",
                                                  "Sent: %s in %llu packets", (unsigned long)txp),
                                         tx, (unsigned long long)txp));
    g_ptr_array_add(out,
                    g_strdup_printf(ngettext("Received: %s in %llu packet",
                                             "Received: %s in %llu packets", (unsigned long)rxp),
                                    rx, (unsigned long long)rxp));
    guint64 in = stat_value(stats, "mppc-in"), outb = stat_value(stats, "mppc-out");
    if (outb > 0)
        g_ptr_array_add(
            out, g_strdup_printf(_("Compression ratio: %.2f : 1"), (double)in / (double)outb));
    else
        g_ptr_array_add(out, g_strdup(_("Compression ratio: nothing compressed yet")));
    guint64 lost = stat_value(stats, "gre-lost");
    g_ptr_array_add(
        out,
        g_strdup_printf(ngettext("Errors: %llu (%llu GRE packet lost)",
                                 "Errors: %llu (%llu GRE packets lost)", (unsigned long)lost),
                        (unsigned long long)stat_value(stats, "errors"), (unsigned long long)lost));
    GVariant *err = dt_dbus_connection1_get_error(c);
    if (err)
        g_variant_get(err, "(&s&s)", &reason, &words);
    if (*words) {
        g_autofree char *said = dt_connection_info_failure_words(words);
        g_ptr_array_add(out, g_strdup_printf(_("Last error: %s"), said));
    }
}

static void
fill_details(DtStatusWindow *self, DtDBusConnection1 *c, GPtrArray *out)
{
    GVariant *p = c ? dt_dbus_connection1_get_protocols(c) : NULL;
    const char *s;
    guint32 mtu = 0;
    gboolean compression = FALSE;
    g_autofree const char **dns = NULL;

    if (!prop_str(p, "auth")) {
        g_ptr_array_add(out, g_strdup(_("Nothing negotiated yet.")));
        return;
    }
    gboolean dialup = g_strcmp0(prop_str(p, "link"), "dialup") == 0;
    if (dialup) {
        const char *connect = prop_str(p, "modem-connect");
        g_ptr_array_add(out, g_strdup(_("Server type: PPP (dial-up)")));
        if ((s = prop_str(p, "device")))
            /* Translators: %s is the serial line, such as /dev/ttyUSB0. */
            g_ptr_array_add(out, g_strdup_printf(_("Modem: %s"), s));
        if (connect && *connect)
            /* Translators: %s is the speed the modem reported, such as "115200". */
            g_ptr_array_add(out, g_strdup_printf(_("Modem connected at %s"), connect));
    } else {
        g_ptr_array_add(out, g_strdup(_("Server type: PPTP")));
    }
    if ((s = prop_str(p, "dial-up-interface"))) {
        const char *local = prop_str(p, "dial-up-local-address");
        /* Translators: the dial-up link a VPN runs over: its interface and the address the
         * ISP gave. */
        g_ptr_array_add(out, g_strdup_printf(_("Dialled first: %s, address %s"), s,
                                             local && *local ? local : "?"));
    }
    if ((s = prop_str(p, "server")))
        g_ptr_array_add(out, g_strdup_printf(_("Server: %s"), s));
    if (prop_str(p, "server-vendor")) {
        guint32 firmware = 0;
        const char *vendor = prop_str(p, "server-vendor"), *host = prop_str(p, "server-host");
        g_variant_lookup(p, "server-firmware", "u", &firmware);
        /* Translators: the server's own words from its PPTP reply: the vendor ("Microsoft",
         * "linux"), its host name and its firmware revision. */
        g_ptr_array_add(out, g_strdup_printf(_("Server software: %s on “%s”, firmware %u"),
                                             *vendor ? vendor : _("unnamed"),
                                             host && *host ? host : "?", firmware));
    }
    g_autofree const char **quirks = NULL;
    if (g_variant_lookup(p, "quirks", "^a&s", &quirks) && quirks[0]) {
        g_autofree char *joined = g_strjoinv(", ", (char **)quirks);
        /* Translators: %s lists the short names of the workarounds applied for this server's
         * software, such as "quiet-cbcp-bacp". */
        g_ptr_array_add(out, g_strdup_printf(_("Known server quirks handled: %s"), joined));
    }
    /* Translators: %s is the authentication protocol, such as "MS-CHAP v2". */
    g_ptr_array_add(out, g_strdup_printf(_("Authenticated with %s"), prop_str(p, "auth")));
    g_variant_lookup(p, "compression", "b", &compression);
    g_ptr_array_add(out, g_strdup(compression ? _("Compression: MPPC") : _("Compression: none")));
    g_autofree char *enc = dt_connection_info_encryption(p);
    g_ptr_array_add(out, g_strdup_printf(_("Encryption: %s"), enc));
    if ((s = prop_str(p, "local-address")))
        g_ptr_array_add(out, g_strdup_printf(_("Your address: %s"), s));
    if ((s = prop_str(p, "peer-address")))
        g_ptr_array_add(out, g_strdup_printf(dialup ? _("The ISP's address: %s")
                                                    : _("Server's address in the tunnel: %s"),
                                             s));
    if (g_variant_lookup(p, "dns", "^a&s", &dns) && dns[0]) {
        g_autofree char *joined = g_strjoinv(", ", (char **)dns);
        g_ptr_array_add(out, g_strdup_printf(_("DNS: %s"), joined));
    } else {
        g_ptr_array_add(out, g_strdup(_("DNS: none offered")));
    }
    if (g_variant_lookup(p, "mtu", "u", &mtu))
        g_ptr_array_add(out, g_strdup_printf(_("MTU: %u"), mtu));
    if ((s = prop_str(p, "interface")))
        g_ptr_array_add(out, g_strdup_printf(_("Interface: %s"), s));
}

static void
add_option(GPtrArray *out, const char *what, const char *hex)
{
    g_autofree char *bytes = dt_connection_info_format_option(hex);
    g_autoptr(GPtrArray) bits = dt_connection_info_explain_option(hex);

    if (!bytes) {
        /* Translators: %s is "Sent" or "Received". */
        g_ptr_array_add(out, g_strdup_printf(_("%s: —"), what));
        return;
    }
    g_ptr_array_add(out, g_strdup_printf("%s: %s", what, bytes));
    for (guint i = 0; i < bits->len; i++)
        g_ptr_array_add(out, g_strdup_printf("    %s", (char *)g_ptr_array_index(bits, i)));
}

static void
fill_negotiation(DtStatusWindow *self, DtDBusConnection1 *c, GPtrArray *out)
{
    GVariant *p = c ? dt_dbus_connection1_get_protocols(c) : NULL;

    g_ptr_array_add(out, g_strdup(_("CCP option 18, MPPE and MPPC Supported Bits (RFC 3078 "
                                    "§2.1, RFC 2118)")));
    if (!prop_str(p, "ccp-sent") && !prop_str(p, "ccp-received")) {
        g_ptr_array_add(out, g_strdup(_("Not negotiated yet.")));
        return;
    }
    add_option(out, _("Sent"), prop_str(p, "ccp-sent"));
    add_option(out, _("Received"), prop_str(p, "ccp-received"));
}

static void
append_log_line(DtStatusWindow *self, const char *line)
{
    GtkTextBuffer *buffer = gtk_text_view_get_buffer(self->log_view);
    GtkTextIter end;

    gtk_text_buffer_get_end_iter(buffer, &end);
    gtk_text_buffer_insert(buffer, &end, line, -1);
    gtk_text_buffer_insert(buffer, &end, "\n", 1);
}

static void
refresh(DtStatusWindow *self)
{
    DtDBusConnection1 *c = dt_connections_lookup(self->connections, self->profile_id);
    g_autoptr(GPtrArray) general = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) details = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) negotiation = g_ptr_array_new_with_free_func(g_free);
    GVariant *p = c ? dt_dbus_connection1_get_protocols(c) : NULL;
    g_autofree char *summary = dt_connection_info_summary(p);
    g_autofree char *state = dt_connection_info_state_words(
        c ? dt_dbus_connection1_get_state(c) : NULL, c ? dt_dbus_connection1_get_stage(c) : NULL);

    fill_general(self, c, general);
    fill_details(self, c, details);
    fill_negotiation(self, c, negotiation);
    set_lines(self->general_box, general);
    set_lines(self->details_box, details);
    set_lines(self->negotiation_box, negotiation);
    gtk_header_bar_set_subtitle(self->header, summary ? summary : state);
    gtk_widget_set_sensitive(self->disconnect_button,
                             dt_connections_is_active(self->connections, self->profile_id));
    gtk_widget_set_sensitive(self->report_button, c != NULL);

    if (c != self->shown) {
        const GQueue *log = dt_connections_get_log(self->connections, self->profile_id);
        gtk_text_buffer_set_text(gtk_text_view_get_buffer(self->log_view), "", 0);
        for (GList *l = log ? log->head : NULL; l; l = l->next)
            append_log_line(self, l->data);
        self->shown = c;
    }
}

static void
on_changed_cb(DtConnections *connections, const char *profile_id, DtStatusWindow *self)
{
    if (g_strcmp0(profile_id, self->profile_id) == 0)
        refresh(self);
}

static void
on_log_line_cb(DtConnections *connections, const char *profile_id, const char *line,
               DtStatusWindow *self)
{
    if (g_strcmp0(profile_id, self->profile_id) == 0 &&
        self->shown == dt_connections_lookup(connections, profile_id))
        append_log_line(self, line);
}

static void
on_disconnect_clicked_cb(GtkButton *button, DtStatusWindow *self)
{
    g_action_group_activate_action(G_ACTION_GROUP(g_application_get_default()), "disconnect",
                                   g_variant_new_string(self->profile_id));
}

static void
say_report(DtStatusWindow *self, const char *message)
{
    gtk_label_set_text(self->report_label, message);
    gtk_widget_show(GTK_WIDGET(self->report_label));
}

/* Where a report goes: the Downloads folder, else the home folder;
 * report-NAME-YYYYmmdd-HHMMSS.pcapng, with only file-name-safe characters of NAME. */
static char *
report_path(const char *name)
{
    const char *dir = g_get_user_special_dir(G_USER_DIRECTORY_DOWNLOAD);
    g_autofree char *safe = g_strdup(name);
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%Y%m%d-%H%M%S");
    g_autofree char *file = NULL;

    for (char *c = safe; *c; c++)
        if (!g_ascii_isalnum(*c) && *c != '-' && *c != '_')
            *c = '_';
    file = g_strdup_printf("report-%s-%s.pcapng", safe, stamp);
    if (!dir || !g_file_test(dir, G_FILE_TEST_IS_DIR))
        dir = g_get_home_dir();
    return g_build_filename(dir, file, NULL);
}

static void
report_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(DtStatusWindow) self = user_data;
    g_autoptr(GVariant) report = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL, *msg = NULL;
    gsize len = 0;
    const void *data;

    if (self->disposed)
        return;
    gtk_widget_set_sensitive(self->report_button, TRUE);
    if (!dt_dbus_connection1_call_get_report_finish(DT_DBUS_CONNECTION1(source), &report, result,
                                                    &error)) {
        g_autofree char *why = dt_connections_error_message(error);
        /* Translators: %s says why, in words from the helper. */
        msg = g_strdup_printf(_("Could not get the connection report: %s"), why);
        say_report(self, msg);
        return;
    }
    data = g_variant_get_fixed_array(report, &len, 1);
    path = report_path(self->profile_name);
    /* 0600: no secret is in it, but the addresses, the user name and the timeline are the
     * user's own business until they share it. */
    if (!g_file_set_contents_full(path, data, (gssize)len, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                  &error)) {
        msg = g_strdup_printf(_("Could not save the connection report: %s"), error->message);
        say_report(self, msg);
        return;
    }
    /* Translators: %s is the file's path. */
    msg = g_strdup_printf(_("Report saved as %s. It holds no password; Wireshark opens it."), path);
    say_report(self, msg);
}

static void
on_report_clicked_cb(GtkButton *button, DtStatusWindow *self)
{
    DtDBusConnection1 *c = dt_connections_lookup(self->connections, self->profile_id);

    if (!c)
        return;
    gtk_widget_set_sensitive(self->report_button, FALSE);
    dt_dbus_connection1_call_get_report(c, NULL, report_done_cb, g_object_ref(self));
}

static void
dt_status_window_dispose(GObject *object)
{
    DtStatusWindow *self = DT_STATUS_WINDOW(object);

    self->disposed = TRUE;
    if (self->connections)
        g_signal_handlers_disconnect_by_data(self->connections, self);
    g_clear_object(&self->connections);
    /* GTK 3 tells assistive technologies that each page went away only after the notebook
     * let go of it, and answering their questions then asks the notebook for a tab the page
     * no longer has: a critical warning on every close while a screen reader listens. With
     * the tabs hidden the page's accessible does not ask. */
    if (self->notebook)
        gtk_notebook_set_show_tabs(self->notebook, FALSE);
    G_OBJECT_CLASS(dt_status_window_parent_class)->dispose(object);
}

static void
dt_status_window_finalize(GObject *object)
{
    DtStatusWindow *self = DT_STATUS_WINDOW(object);

    g_free(self->profile_id);
    g_free(self->profile_name);
    G_OBJECT_CLASS(dt_status_window_parent_class)->finalize(object);
}

static void
dt_status_window_class_init(DtStatusWindowClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = dt_status_window_dispose;
    G_OBJECT_CLASS(klass)->finalize = dt_status_window_finalize;
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/dialtone/Dialtone/dt-status-window.ui");
    gtk_widget_class_bind_template_child(widget_class, DtStatusWindow, header);
    gtk_widget_class_bind_template_child(widget_class, DtStatusWindow, disconnect_button);
    gtk_widget_class_bind_template_child(widget_class, DtStatusWindow, report_button);
    gtk_widget_class_bind_template_child(widget_class, DtStatusWindow, report_label);
    gtk_widget_class_bind_template_child(widget_class, DtStatusWindow, notebook);
    gtk_widget_class_bind_template_child(widget_class, DtStatusWindow, general_box);
    gtk_widget_class_bind_template_child(widget_class, DtStatusWindow, details_box);
    gtk_widget_class_bind_template_child(widget_class, DtStatusWindow, negotiation_box);
    gtk_widget_class_bind_template_child(widget_class, DtStatusWindow, log_view);
    gtk_widget_class_bind_template_callback(widget_class, on_disconnect_clicked_cb);
    gtk_widget_class_bind_template_callback(widget_class, on_report_clicked_cb);
}

static void
dt_status_window_init(DtStatusWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}

DtStatusWindow *
dt_status_window_new(GtkApplication *app, DtConnections *connections, const char *profile_id,
                     const char *profile_name)
{
    DtStatusWindow *self = g_object_new(DT_TYPE_STATUS_WINDOW, "application", app, NULL);
    /* Translators: the status window's title; %s is the profile's name. */
    g_autofree char *title = g_strdup_printf(_("%s — Status"), profile_name);

    self->connections = g_object_ref(connections);
    self->profile_id = g_strdup(profile_id);
    self->profile_name = g_strdup(profile_name);
    gtk_window_set_title(GTK_WINDOW(self), title);
    gtk_header_bar_set_title(self->header, title);
    g_signal_connect(connections, "changed", G_CALLBACK(on_changed_cb), self);
    g_signal_connect(connections, "log-line", G_CALLBACK(on_log_line_cb), self);
    refresh(self);
    return self;
}

const char *
dt_status_window_get_profile_id(DtStatusWindow *self)
{
    g_return_val_if_fail(DT_IS_STATUS_WINDOW(self), NULL);
    return self->profile_id;
}
