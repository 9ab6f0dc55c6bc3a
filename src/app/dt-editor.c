/* dt-editor.c — see dt-editor.h. */
#include "dt-editor.h"

#include <glib/gi18n.h>

#include "dt-editor-page.h"
#include "dt-page-dial-first.h"
#include "dt-page-general.h"
#include "dt-page-modem.h"
#include "dt-page-networking.h"
#include "dt-page-ppp.h"
#include "dt-page-redial.h"
#include "dt-page-security.h"
#include "dt-password.h"

struct _DtEditor {
    GtkWindow parent_instance;

    GtkHeaderBar *header_bar;
    GtkButton *save_button;
    GtkButton *cancel_button;
    GtkStack *stack;
    GtkWidget *modem_scroller;
    GtkWidget *dial_first_scroller;
    DtPageGeneral *general_page;
    GtkWidget *modem_page;
    GtkWidget *dial_first_page;
    GtkWidget *security_page;
    GtkWidget *networking_page;
    GtkWidget *ppp_page;
    GtkWidget *redial_page;
    GtkRevealer *message_revealer;
    GtkLabel *message_label;

    DtProfileList *list;
    DtProfile *original;
    GCancellable *cancellable; /* the keyring write after Save */
    gboolean saving;
};

G_DEFINE_TYPE(DtEditor, dt_editor, GTK_TYPE_WINDOW)

enum { SIGNAL_SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The pages that apply to the profile being edited, in sidebar order. */
static GPtrArray *
active_pages(DtEditor *self)
{
    GPtrArray *pages = g_ptr_array_new();
    gboolean pptp = self->original->type == DT_PROFILE_TYPE_PPTP;

    g_ptr_array_add(pages, self->general_page);
    g_ptr_array_add(pages, pptp ? self->dial_first_page : self->modem_page);
    g_ptr_array_add(pages, self->security_page);
    g_ptr_array_add(pages, self->networking_page);
    g_ptr_array_add(pages, self->ppp_page);
    g_ptr_array_add(pages, self->redial_page);
    return pages;
}

static void
show_message(DtEditor *self, const char *message)
{
    gtk_label_set_text(self->message_label, message ? message : "");
    gtk_revealer_set_reveal_child(self->message_revealer, message != NULL);
}

/* Applies every page to a copy of the profile and checks it as the store
 * would: each page marks its own wrong fields; the first problem is shown.
 * Returns the profile ready to save, or NULL while anything is wrong. */
static DtProfile *
build_profile(DtEditor *self)
{
    g_autoptr(GPtrArray) pages = active_pages(self);
    g_autoptr(DtProfile) p = dt_profile_copy(self->original);
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < pages->len; i++)
        dt_editor_page_apply(g_ptr_array_index(pages, i), p);
    for (guint i = 0; i < pages->len; i++)
        dt_editor_page_validate(g_ptr_array_index(pages, i), error ? NULL : &error);
    if (!error && dt_profile_validate(p, &error) &&
        dt_profile_store_check(dt_profile_list_get_store(self->list), p, &error))
        g_clear_error(&error);

    show_message(self, error ? error->message : NULL);
    gtk_widget_set_sensitive(GTK_WIDGET(self->save_button), !error && !self->saving);
    return error ? NULL : g_steal_pointer(&p);
}

/* Re-check every page; the scratch profile itself is not needed yet. */
static void
revalidate(DtEditor *self)
{
    DtProfile *p = build_profile(self);
    if (p)
        dt_profile_free(p);
}

static void
on_page_changed_cb(DtEditorPage *page, DtEditor *self)
{
    revalidate(self);
}

static void
finish_save(DtEditor *self, const char *id)
{
    self->saving = FALSE;
    g_signal_emit(self, signals[SIGNAL_SAVED], 0, id);
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void
password_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GError) error = NULL;

    if (!dt_password_store_finish(result, &error) &&
        g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    DtEditor *self = DT_EDITOR(user_data);
    if (error) {
        /* The profile is saved; only the keyring failed. Stay open so the
         * user sees why and can try again or cancel. */
        g_autofree char *msg = g_strdup_printf(
            _("The profile was saved, but the password could not be stored in the keyring: %s"),
            error->message);
        self->saving = FALSE;
        show_message(self, msg);
        gtk_widget_set_sensitive(GTK_WIDGET(self->save_button), TRUE);
        return;
    }
    finish_save(self, self->original->id);
}

static void
clear_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GError) error = NULL;

    if (!dt_password_clear_finish(result, &error) &&
        g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    DtEditor *self = DT_EDITOR(user_data);
    if (error)
        g_warning("Could not remove the password from the keyring: %s", error->message);
    finish_save(self, self->original->id);
}

static void
on_save_clicked_cb(GtkButton *button, DtEditor *self)
{
    g_autoptr(DtProfile) p = build_profile(self);
    g_autoptr(GError) error = NULL;

    /* Nothing is saved while invalid, whatever enabled the button. */
    if (!p || self->saving)
        return;
    if (!dt_profile_list_save(self->list, p, &error)) {
        show_message(self, error->message);
        return;
    }
    /* From here on the saved profile is the one being edited. */
    dt_profile_free(self->original);
    self->original = g_steal_pointer(&p);
    self->saving = TRUE;
    gtk_widget_set_sensitive(GTK_WIDGET(self->save_button), FALSE);

    const DtProfile *s = self->original;
    const char *user = s->type == DT_PROFILE_TYPE_PPTP ? s->pptp.user : s->dialup.user;
    const char *password = dt_page_general_get_password(self->general_page);
    if (dt_page_general_get_save_password(self->general_page) && *password) {
        /* Translators: the label of the keyring item; %s is the profile's name. */
        g_autofree char *label = g_strdup_printf(_("Dialtone password for “%s”"), s->name);
        dt_password_store_async(s->id, user, password, label, self->cancellable, password_done_cb,
                                self);
    } else {
        /* Unticked: forget any password kept for this profile. */
        dt_password_clear_async(s->id, self->cancellable, clear_done_cb, self);
    }
}

static void
on_cancel_clicked_cb(GtkButton *button, DtEditor *self)
{
    gtk_widget_destroy(GTK_WIDGET(self));
}

static gboolean
on_key_press_event_cb(GtkWidget *widget, GdkEventKey *event, DtEditor *self)
{
    if (event->keyval == GDK_KEY_Escape) {
        gtk_widget_destroy(GTK_WIDGET(self));
        return GDK_EVENT_STOP;
    }
    return GDK_EVENT_PROPAGATE;
}

static void
dt_editor_dispose(GObject *object)
{
    DtEditor *self = DT_EDITOR(object);

    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_clear_object(&self->list);
    G_OBJECT_CLASS(dt_editor_parent_class)->dispose(object);
}

static void
dt_editor_finalize(GObject *object)
{
    DtEditor *self = DT_EDITOR(object);

    g_clear_pointer(&self->original, dt_profile_free);
    G_OBJECT_CLASS(dt_editor_parent_class)->finalize(object);
}

static void
dt_editor_class_init(DtEditorClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    object_class->dispose = dt_editor_dispose;
    object_class->finalize = dt_editor_finalize;

    signals[SIGNAL_SAVED] = g_signal_new("saved", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

    /* The template instantiates the pages by type name. */
    g_type_ensure(DT_TYPE_PAGE_GENERAL);
    g_type_ensure(DT_TYPE_PAGE_MODEM);
    g_type_ensure(DT_TYPE_PAGE_DIAL_FIRST);
    g_type_ensure(DT_TYPE_PAGE_SECURITY);
    g_type_ensure(DT_TYPE_PAGE_NETWORKING);
    g_type_ensure(DT_TYPE_PAGE_PPP);
    g_type_ensure(DT_TYPE_PAGE_REDIAL);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/dialtone/Dialtone/dt-editor.ui");
    gtk_widget_class_bind_template_child(widget_class, DtEditor, header_bar);
    gtk_widget_class_bind_template_child(widget_class, DtEditor, save_button);
    gtk_widget_class_bind_template_child(widget_class, DtEditor, cancel_button);
    gtk_widget_class_bind_template_child(widget_class, DtEditor, stack);
    gtk_widget_class_bind_template_child(widget_class, DtEditor, modem_scroller);
    gtk_widget_class_bind_template_child(widget_class, DtEditor, dial_first_scroller);
    gtk_widget_class_bind_template_child(widget_class, DtEditor, general_page);
    gtk_widget_class_bind_template_child(widget_class, DtEditor, modem_page);
    gtk_widget_class_bind_template_child(widget_class, DtEditor, dial_first_page);
    gtk_widget_class_bind_template_child(widget_class, DtEditor, security_page);
    gtk_widget_class_bind_template_child(widget_class, DtEditor, networking_page);
    gtk_widget_class_bind_template_child(widget_class, DtEditor, ppp_page);
    gtk_widget_class_bind_template_child(widget_class, DtEditor, redial_page);
    gtk_widget_class_bind_template_child(widget_class, DtEditor, message_revealer);
    gtk_widget_class_bind_template_child(widget_class, DtEditor, message_label);
    gtk_widget_class_bind_template_callback(widget_class, on_page_changed_cb);
    gtk_widget_class_bind_template_callback(widget_class, on_save_clicked_cb);
    gtk_widget_class_bind_template_callback(widget_class, on_cancel_clicked_cb);
    gtk_widget_class_bind_template_callback(widget_class, on_key_press_event_cb);
}

static void
dt_editor_init(DtEditor *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->cancellable = g_cancellable_new();
}

DtEditor *
dt_editor_new(GtkWindow *parent, DtProfileList *list, const DtProfile *profile)
{
    DtEditor *self = g_object_new(DT_TYPE_EDITOR, "transient-for", parent, NULL);
    DtProfileStore *store = dt_profile_list_get_store(list);
    gboolean pptp = profile->type == DT_PROFILE_TYPE_PPTP;
    gboolean is_new = dt_profile_store_find_by_id(store, profile->id) == NULL;
    g_autofree char *title = NULL;

    self->list = g_object_ref(list);
    self->original = dt_profile_copy(profile);

    /* Show everything first: pages then hide what does not apply. */
    gtk_widget_show_all(GTK_WIDGET(self));
    gtk_widget_set_visible(self->modem_scroller, !pptp);
    gtk_widget_set_visible(self->dial_first_scroller, pptp);
    g_autoptr(GPtrArray) pages = active_pages(self);
    for (guint i = 0; i < pages->len; i++) {
        DtEditorPage *page = g_ptr_array_index(pages, i);
        g_signal_handlers_block_by_func(page, on_page_changed_cb, self);
        dt_editor_page_load(page, profile, store);
        g_signal_handlers_unblock_by_func(page, on_page_changed_cb, self);
    }

    if (is_new)
        title = g_strdup(pptp ? _("New PPTP VPN") : _("New Dial-up Connection"));
    else
        /* Translators: the editor's title; %s is the profile's name. */
        title = g_strdup_printf(_("Edit “%s”"), profile->name);
    gtk_header_bar_set_title(self->header_bar, title);
    gtk_window_set_title(GTK_WINDOW(self), title);
    gtk_widget_grab_default(GTK_WIDGET(self->save_button));

    revalidate(self);
    return self;
}
