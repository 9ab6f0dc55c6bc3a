/* dt-preflight-dialog.c — see dt-preflight-dialog.h. */
#include "dt-preflight-dialog.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

struct _DtPreflightDialog {
    GtkDialog parent_instance;

    GtkWidget *progress_box;
    GtkSpinner *spinner;
    GtkLabel *progress_label;
    GtkGrid *steps_grid;
    GtkLabel *server_label;
    GtkLabel *result_label;
    GtkLabel *message_label;
    GtkLabel *next_label;
    GtkWidget *button; /* Cancel while the check runs, then Close */

    GCancellable *cancellable;
    GSubprocess *proc;
    gboolean running; /* dialtonectl has not been reaped yet */
    gboolean closed;  /* disposed: the check's answer has nowhere to go */
};

G_DEFINE_TYPE(DtPreflightDialog, dt_preflight_dialog, GTK_TYPE_DIALOG)

/* The steps in dialtonectl's order ("steps" in its JSON). */
static const struct {
    const char *id;
    const char *title;
} steps[] = {
    {"dns", N_("Name lookup (DNS)")},           {"tcp", N_("TCP port 1723")},
    {"control", N_("PPTP control connection")}, {"call", N_("Call")},
    {"gre", N_("GRE (IP protocol 47)")},        {"close", N_("Clean close")},
};

/* Each verdict in words: a headline, what it means, and the next step. */
static const struct {
    const char *verdict;
    const char *headline;
    const char *message;
    const char *next;
} verdicts[] = {
    {"passed", N_("Test passed"),
     N_("The path to the server works: name lookup, TCP port 1723, PPTP and GRE."),
     N_("Connect. If it still fails, the cause lies further on: the user name, the password or "
        "the encryption settings.")},
    {"dns", N_("The server’s name does not resolve"),
     N_("This computer could not find the address of the server’s name."),
     N_("Check the server’s name in the profile for typos, or use its IP address; check that "
        "this computer has a working network and DNS server.")},
    {"tcp-refused", N_("TCP port 1723 refused"),
     N_("The server’s computer answers, but nothing accepts connections on TCP port 1723."),
     N_("Check that the VPN server is running and listens on port 1723, and that the profile "
        "names the right server.")},
    {"tcp-blocked", N_("TCP port 1723 blocked"),
     N_("TCP port 1723 does not get through: a firewall drops it, or the server is down."),
     N_("Ask the network’s administrator to allow outgoing TCP port 1723, or try from another "
        "network; check that the server is up.")},
    {"pptp-refused", N_("The PPTP server refused"),
     N_("TCP port 1723 is open, but the PPTP server refused the control connection or the "
        "call."),
     N_("Read the server’s answer above; ask the server’s administrator whether PPTP is enabled "
        "for you and has a free line.")},
    {"gre-blocked", N_("GRE blocked"),
     N_("The PPTP control connection works, but GRE (IP protocol 47) does not come back."),
     N_("Allow GRE (IP protocol 47) through the firewalls on the way, or use a router with PPTP "
        "pass-through; a PPTP connection cannot work without it.")},
    {"gre-unchecked", N_("GRE not checked"),
     N_("Name lookup, TCP port 1723 and PPTP work. GRE could not be checked: that needs "
        "administrator rights."),
     N_("Connect to try the whole connection, or run “dialtonectl test” as root to check GRE "
        "too.")},
    {"internal", N_("The test could not run"),
     N_("The test itself could not run to the end on this computer."),
     N_("Read the failed step’s message; it names what this computer could not do.")},
};

static void
set_shown_text(GtkLabel *label, const char *text)
{
    gtk_label_set_text(label, text ? text : "");
    gtk_widget_set_visible(GTK_WIDGET(label), text && *text);
}

/* One row per step: its mark and title, and what was seen. The accessible name says the
 * status in words, since "✓" alone reads badly. */
static void
set_step(DtPreflightDialog *self, guint row, const char *status, const char *detail)
{
    const char *title = _(steps[row].title);
    const char *mark = g_strcmp0(status, "ok") == 0        ? "✓"
                       : g_strcmp0(status, "failed") == 0  ? "✗"
                       : g_strcmp0(status, "skipped") == 0 ? "–"
                                                           : "·";
    const char *words = g_strcmp0(status, "ok") == 0        ? _("passed")
                        : g_strcmp0(status, "failed") == 0  ? _("failed")
                        : g_strcmp0(status, "skipped") == 0 ? _("skipped")
                        : status                            ? _("not tried")
                                                            : _("waiting");
    GtkWidget *step = gtk_grid_get_child_at(self->steps_grid, 0, (int)row);
    GtkWidget *seen = gtk_grid_get_child_at(self->steps_grid, 1, (int)row);
    g_autofree char *text = g_strdup_printf("%s %s", mark, title);
    /* Translators: a test step's accessible name: "TCP port 1723: passed". */
    g_autofree char *name = g_strdup_printf(_("%s: %s"), title, words);

    gtk_label_set_text(GTK_LABEL(step), text);
    atk_object_set_name(gtk_widget_get_accessible(step), name);
    /* The details are dialtonectl's, in English: what was seen, addresses and codes. */
    gtk_label_set_text(GTK_LABEL(seen), detail ? detail : "");
}

static void
finish(DtPreflightDialog *self, const char *headline, const char *message, const char *next)
{
    gtk_spinner_stop(self->spinner);
    gtk_widget_hide(self->progress_box);
    set_shown_text(self->result_label, headline);
    set_shown_text(self->message_label, message);
    set_shown_text(self->next_label, next);
    gtk_button_set_label(GTK_BUTTON(self->button), _("_Close"));
    atk_object_set_name(gtk_widget_get_accessible(self->button), _("Close"));
}

static void
show_result(DtPreflightDialog *self, JsonObject *o)
{
    const char *verdict = json_object_get_string_member_with_default(o, "verdict", "");
    JsonArray *list =
        json_object_has_member(o, "steps") ? json_object_get_array_member(o, "steps") : NULL;
    JsonObject *pptp =
        json_object_has_member(o, "pptp") ? json_object_get_object_member(o, "pptp") : NULL;

    for (guint i = 0; list && i < json_array_get_length(list) && i < G_N_ELEMENTS(steps); i++) {
        JsonObject *s = json_array_get_object_element(list, i);
        const char *status = json_object_get_string_member_with_default(s, "status", "");
        const char *detail = json_object_get_string_member_with_default(s, "detail", "");
        set_step(self, i, status, g_str_equal(status, "not-run") ? NULL : detail);
    }
    if (pptp) {
        const char *vendor = json_object_get_string_member_with_default(pptp, "vendor", "");
        const char *host = json_object_get_string_member_with_default(pptp, "host_name", "");
        guint firmware = (guint)json_object_get_int_member_with_default(pptp, "firmware", 0);
        /* The server's own words from its Start-Control-Connection-Reply: the same line as the
         * status window's. */
        g_autofree char *sw = g_strdup_printf(_("Server software: %s on “%s”, firmware %u"),
                                              *vendor ? vendor : "?", *host ? host : "?", firmware);
        set_shown_text(self->server_label, sw);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(verdicts); i++) {
        if (g_str_equal(verdict, verdicts[i].verdict)) {
            finish(self, _(verdicts[i].headline), _(verdicts[i].message), _(verdicts[i].next));
            return;
        }
    }
    finish(self, _("The test could not run"),
           json_object_get_string_member_with_default(o, "message", ""), NULL);
}

static void
on_communicate_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(DtPreflightDialog) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL, *err = NULL;
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonNode *root;

    gboolean ok =
        g_subprocess_communicate_utf8_finish(G_SUBPROCESS(source), result, &out, &err, &error);

    self->running = FALSE;
    if (self->closed)
        return;
    if (!ok) {
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            finish(self, _("Test cancelled"), NULL, NULL);
            return;
        }
        finish(self, _("The test could not run"), error->message, NULL);
        return;
    }
    if (out && *out && json_parser_load_from_data(parser, out, -1, NULL) &&
        (root = json_parser_get_root(parser)) && JSON_NODE_HOLDS_OBJECT(root)) {
        show_result(self, json_node_get_object(root));
        return;
    }
    /* No JSON: dialtonectl said why on stderr (no such profile, not a PPTP profile). */
    finish(self, _("The test could not run"), err && *err ? g_strstrip(err) : NULL, NULL);
}

static void
start(DtPreflightDialog *self, const DtProfile *p)
{
    g_autoptr(GError) error = NULL;
    const char *ctl = g_getenv("DIALTONE_CTL");
    const char *argv[] = {ctl && *ctl ? ctl : DT_BINDIR "/dialtonectl", "test", p->id, "--json",
                          NULL};
    /* Translators: shown while the test runs; %s is the server's name or address. */
    g_autofree char *doing = g_strdup_printf(_("Checking the path to %s…"), p->pptp.server);

    gtk_label_set_text(self->progress_label, doing);
    for (guint i = 0; i < G_N_ELEMENTS(steps); i++)
        set_step(self, i, NULL, NULL);
    self->proc = g_subprocess_newv(
        argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
    if (!self->proc) {
        finish(self, _("The test could not run"), error->message, NULL);
        return;
    }
    self->running = TRUE;
    g_subprocess_communicate_utf8_async(self->proc, NULL, self->cancellable, on_communicate_cb,
                                        g_object_ref(self));
}

/* Cancel stops dialtonectl at once (the check's own timeouts are up to half a minute). */
static void
stop(DtPreflightDialog *self)
{
    if (self->proc && self->running)
        g_subprocess_force_exit(self->proc);
    g_cancellable_cancel(self->cancellable);
}

static void
on_response_cb(GtkDialog *dialog, int response, gpointer user_data)
{
    DtPreflightDialog *self = DT_PREFLIGHT_DIALOG(dialog);

    if (response == GTK_RESPONSE_CANCEL && gtk_widget_get_visible(self->progress_box)) {
        stop(self);
        return;
    }
    gtk_widget_destroy(GTK_WIDGET(dialog));
}

static void
dt_preflight_dialog_dispose(GObject *object)
{
    DtPreflightDialog *self = DT_PREFLIGHT_DIALOG(object);

    self->closed = TRUE;
    if (self->cancellable)
        stop(self);
    g_clear_object(&self->cancellable);
    g_clear_object(&self->proc);
    G_OBJECT_CLASS(dt_preflight_dialog_parent_class)->dispose(object);
}

static void
dt_preflight_dialog_class_init(DtPreflightDialogClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = dt_preflight_dialog_dispose;
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/dialtone/Dialtone/dt-preflight-dialog.ui");
    gtk_widget_class_bind_template_child(widget_class, DtPreflightDialog, progress_box);
    gtk_widget_class_bind_template_child(widget_class, DtPreflightDialog, spinner);
    gtk_widget_class_bind_template_child(widget_class, DtPreflightDialog, progress_label);
    gtk_widget_class_bind_template_child(widget_class, DtPreflightDialog, steps_grid);
    gtk_widget_class_bind_template_child(widget_class, DtPreflightDialog, server_label);
    gtk_widget_class_bind_template_child(widget_class, DtPreflightDialog, result_label);
    gtk_widget_class_bind_template_child(widget_class, DtPreflightDialog, message_label);
    gtk_widget_class_bind_template_child(widget_class, DtPreflightDialog, next_label);
}

static void
dt_preflight_dialog_init(DtPreflightDialog *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->cancellable = g_cancellable_new();
    for (guint i = 0; i < G_N_ELEMENTS(steps); i++) {
        GtkWidget *step = gtk_label_new("");
        GtkWidget *seen = gtk_label_new("");

        gtk_label_set_xalign(GTK_LABEL(step), 0);
        gtk_label_set_xalign(GTK_LABEL(seen), 0);
        gtk_widget_set_valign(step, GTK_ALIGN_START);
        gtk_widget_set_valign(seen, GTK_ALIGN_START);
        gtk_label_set_line_wrap(GTK_LABEL(seen), TRUE);
        gtk_label_set_max_width_chars(GTK_LABEL(seen), 50);
        gtk_label_set_selectable(GTK_LABEL(seen), TRUE);
        gtk_widget_set_hexpand(seen, TRUE);
        gtk_style_context_add_class(gtk_widget_get_style_context(seen), "dim-label");
        gtk_grid_attach(self->steps_grid, step, 0, (int)i, 1, 1);
        gtk_grid_attach(self->steps_grid, seen, 1, (int)i, 1, 1);
        gtk_widget_show(step);
        gtk_widget_show(seen);
    }
    self->button = gtk_dialog_add_button(GTK_DIALOG(self), _("_Cancel"), GTK_RESPONSE_CANCEL);
    atk_object_set_name(gtk_widget_get_accessible(self->button), _("Cancel"));
    g_signal_connect(self, "response", G_CALLBACK(on_response_cb), NULL);
}

DtPreflightDialog *
dt_preflight_dialog_new(GtkWindow *parent, const DtProfile *p)
{
    /* Translators: the test dialog's title; %s is the profile's name. */
    g_autofree char *title = g_strdup_printf(_("Test “%s”"), p->name);
    DtPreflightDialog *self =
        g_object_new(DT_TYPE_PREFLIGHT_DIALOG, "title", title, "transient-for", parent, "modal",
                     parent != NULL, "use-header-bar", TRUE, NULL);

    start(self, p);
    return self;
}
