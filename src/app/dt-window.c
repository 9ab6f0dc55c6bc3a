/* dt-window.c — see dt-window.h. */
#include "dt-window.h"

#include <glib/gi18n.h>

#include "dt-editor.h"
#include "dt-password.h"
#include "dt-preflight-dialog.h"
#include "dt-profile-row.h"
#include "dt-shortcut.h"

/* How long a deleted profile can be brought back. */
#define UNDO_SECONDS 10

struct _DtWindow {
    GtkApplicationWindow parent_instance;

    GtkListBox *profile_list;
    GtkRevealer *notification_revealer;
    GtkLabel *notification_label;
    GtkWidget *undo_button;
    GtkPopover *rename_popover;
    GtkEntry *rename_entry;
    GtkLabel *rename_error_label;

    DtProfileList *list;
    DtConnections *connections;
    DtProfile *deleted; /* what Undo brings back, until the timeout */
    guint notification_timeout;
};

G_DEFINE_TYPE(DtWindow, dt_window, GTK_TYPE_APPLICATION_WINDOW)

static GtkWidget *
create_row_cb(gpointer item, gpointer user_data)
{
    DtWindow *self = DT_WINDOW(user_data);
    return GTK_WIDGET(dt_profile_row_new(DT_PROFILE_ITEM(item), self->connections));
}

/* A reference of its own: a change to the list rebuilds the rows, and the
 * row's item would go with it. */
static DtProfileItem *
ref_selected_item(DtWindow *self)
{
    GtkListBoxRow *row = gtk_list_box_get_selected_row(self->profile_list);
    return row ? g_object_ref(dt_profile_row_get_item(DT_PROFILE_ROW(row))) : NULL;
}

static void
set_action_enabled(DtWindow *self, const char *name, gboolean enabled)
{
    GAction *action = g_action_map_lookup_action(G_ACTION_MAP(self), name);
    g_simple_action_set_enabled(G_SIMPLE_ACTION(action), enabled);
}

static gboolean
is_pptp(const DtProfile *p)
{
    return p->type == DT_PROFILE_TYPE_PPTP && p->pptp.server && *p->pptp.server;
}

static void
update_actions(DtWindow *self)
{
    g_autoptr(DtProfileItem) item = ref_selected_item(self);
    gboolean any = item != NULL;

    set_action_enabled(self, "edit", any);
    set_action_enabled(self, "create-shortcut", any);
    set_action_enabled(self, "rename", any);
    set_action_enabled(self, "duplicate", any);
    set_action_enabled(self, "delete", any);
    set_action_enabled(self, "test", any && is_pptp(dt_profile_item_get_profile(item)));
    set_action_enabled(self, "undo-delete", self->deleted != NULL);
}

static void
select_profile(DtWindow *self, const char *id)
{
    gint pos = dt_profile_list_find(self->list, id);
    GtkListBoxRow *row = pos >= 0 ? gtk_list_box_get_row_at_index(self->profile_list, pos) : NULL;

    if (!row)
        row = gtk_list_box_get_row_at_index(self->profile_list, 0);
    if (row) {
        gtk_list_box_select_row(self->profile_list, row);
        gtk_widget_grab_focus(GTK_WIDGET(row));
    }
    update_actions(self);
}

/* The deleted profile's password goes once Undo is no longer possible. */
static void
forget_deleted(DtWindow *self)
{
    if (!self->deleted)
        return;
    dt_password_clear_async(self->deleted->id, NULL, NULL, NULL);
    g_clear_pointer(&self->deleted, dt_profile_free);
}

static void
hide_notification(DtWindow *self)
{
    g_clear_handle_id(&self->notification_timeout, g_source_remove);
    gtk_revealer_set_reveal_child(self->notification_revealer, FALSE);
    forget_deleted(self);
    update_actions(self);
}

static gboolean
notification_timeout_cb(gpointer user_data)
{
    DtWindow *self = DT_WINDOW(user_data);

    self->notification_timeout = 0;
    hide_notification(self);
    return G_SOURCE_REMOVE;
}

static void
show_notification(DtWindow *self, const char *message, gboolean undo)
{
    g_clear_handle_id(&self->notification_timeout, g_source_remove);
    gtk_label_set_text(self->notification_label, message);
    gtk_widget_set_visible(self->undo_button, undo);
    gtk_revealer_set_reveal_child(self->notification_revealer, TRUE);
    self->notification_timeout = g_timeout_add_seconds(UNDO_SECONDS, notification_timeout_cb, self);
    update_actions(self);
}

void
dt_window_notify(DtWindow *self, const char *message)
{
    g_return_if_fail(DT_IS_WINDOW(self));
    show_notification(self, message, FALSE);
}

static void
on_notification_close_clicked_cb(GtkButton *button, DtWindow *self)
{
    hide_notification(self);
}

static void
on_editor_saved_cb(DtEditor *editor, const char *id, DtWindow *self)
{
    select_profile(self, id);
}

static void
open_editor(DtWindow *self, const DtProfile *p)
{
    DtEditor *editor = dt_editor_new(GTK_WINDOW(self), self->list, p);

    g_signal_connect_object(editor, "saved", G_CALLBACK(on_editor_saved_cb), self, 0);
    gtk_window_present(GTK_WINDOW(editor));
}

static void
add_pptp_activated(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    g_autoptr(DtProfile) p = dt_profile_new(DT_PROFILE_TYPE_PPTP);
    open_editor(DT_WINDOW(user_data), p);
}

static void
add_dialup_activated(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    g_autoptr(DtProfile) p = dt_profile_new(DT_PROFILE_TYPE_DIALUP);
    open_editor(DT_WINDOW(user_data), p);
}

static void
edit_activated(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    DtWindow *self = DT_WINDOW(user_data);
    g_autoptr(DtProfileItem) item = ref_selected_item(self);

    if (item)
        open_editor(self, dt_profile_item_get_profile(item));
}

static void
rename_activated(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    DtWindow *self = DT_WINDOW(user_data);
    g_autoptr(DtProfileItem) item = ref_selected_item(self);

    if (!item)
        return;
    gtk_entry_set_text(self->rename_entry, dt_profile_item_get_name(item));
    gtk_label_set_text(self->rename_error_label, "");
    gtk_widget_hide(GTK_WIDGET(self->rename_error_label));
    gtk_popover_popup(self->rename_popover);
    gtk_widget_grab_focus(GTK_WIDGET(self->rename_entry));
}

static void
on_rename_confirm_cb(GtkWidget *widget, DtWindow *self)
{
    g_autoptr(DtProfileItem) item = ref_selected_item(self);
    g_autoptr(GError) error = NULL;

    if (!item)
        return;
    g_autofree char *id = g_strdup(dt_profile_item_get_id(item));
    if (!dt_profile_list_rename(self->list, id, gtk_entry_get_text(self->rename_entry), &error)) {
        /* Keep the popover open with the reason, so the name can be fixed. */
        gtk_label_set_text(self->rename_error_label, error->message);
        gtk_widget_show(GTK_WIDGET(self->rename_error_label));
        return;
    }
    gtk_popover_popdown(self->rename_popover);
    select_profile(self, id);
}

/* A copy of a profile should connect like the original, so its saved
 * password is copied to the new Id too (best effort: a failure only means
 * the copy asks for the password). */
typedef struct {
    char *new_id;
    char *user;
    char *label;
} CopyPassword;

static void
copy_password_free(CopyPassword *c)
{
    g_free(c->new_id);
    g_free(c->user);
    g_free(c->label);
    g_free(c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CopyPassword, copy_password_free)

static void
copy_password_stored_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GError) error = NULL;

    if (!dt_password_store_finish(result, &error))
        g_warning("Could not copy the password in the keyring: %s", error->message);
}

static void
copy_password_found_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(CopyPassword) c = user_data;
    g_autoptr(GError) error = NULL;
    char *password = dt_password_lookup_finish(result, &error);

    if (error)
        g_warning("Could not read the password from the keyring: %s", error->message);
    if (!password)
        return;
    dt_password_store_async(c->new_id, c->user, password, c->label, NULL, copy_password_stored_cb,
                            NULL);
    secret_password_free(password);
}

static void
copy_password(const DtProfile *from, const char *new_id, const char *new_name)
{
    CopyPassword *c = g_new0(CopyPassword, 1);
    const char *user = from->type == DT_PROFILE_TYPE_PPTP ? from->pptp.user : from->dialup.user;

    c->new_id = g_strdup(new_id);
    c->user = g_strdup(user);
    /* Translators: the label of the keyring item; %s is the profile's name. */
    c->label = g_strdup_printf(_("Dialtone password for “%s”"), new_name);
    dt_password_lookup_async(from->id, user, NULL, copy_password_found_cb, c);
}

static void
duplicate_activated(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    DtWindow *self = DT_WINDOW(user_data);
    g_autoptr(DtProfileItem) item = ref_selected_item(self);
    g_autoptr(GError) error = NULL;

    if (!item)
        return;
    g_autofree char *id =
        dt_profile_list_duplicate(self->list, dt_profile_item_get_id(item), &error);
    if (!id) {
        show_notification(self, error->message, FALSE);
        return;
    }
    gint pos = dt_profile_list_find(self->list, id);
    copy_password(dt_profile_item_get_profile(item), id,
                  dt_profile_item_get_name(dt_profile_list_get_item(self->list, (guint)pos)));
    select_profile(self, id);
}

static void
delete_activated(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    DtWindow *self = DT_WINDOW(user_data);
    g_autoptr(DtProfileItem) item = ref_selected_item(self);
    g_autoptr(GError) error = NULL;

    if (!item)
        return;
    gint pos = dt_profile_list_find(self->list, dt_profile_item_get_id(item));
    g_autoptr(DtProfile) gone =
        dt_profile_list_delete(self->list, dt_profile_item_get_id(item), &error);
    if (!gone) {
        show_notification(self, error->message, FALSE);
        return;
    }
    /* Only the latest delete can be undone; an earlier one is now final. */
    forget_deleted(self);
    /* Translators: %s is the deleted profile's name. */
    g_autofree char *msg = g_strdup_printf(_("“%s” deleted"), gone->name);
    self->deleted = g_steal_pointer(&gone);
    show_notification(self, msg, TRUE);

    GtkListBoxRow *row = gtk_list_box_get_row_at_index(self->profile_list, MAX(pos - 1, 0));
    if (row) {
        gtk_list_box_select_row(self->profile_list, row);
        gtk_widget_grab_focus(GTK_WIDGET(row));
    }
    update_actions(self);
}

static void
undo_delete_activated(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    DtWindow *self = DT_WINDOW(user_data);
    g_autoptr(GError) error = NULL;

    if (!self->deleted)
        return;
    g_autoptr(DtProfile) back = g_steal_pointer(&self->deleted);
    g_clear_handle_id(&self->notification_timeout, g_source_remove);
    gtk_revealer_set_reveal_child(self->notification_revealer, FALSE);
    if (!dt_profile_list_save(self->list, back, &error)) {
        show_notification(self, error->message, FALSE);
        return;
    }
    select_profile(self, back->id);
}

static void
on_profile_list_row_selected_cb(GtkListBox *box, GtkListBoxRow *row, DtWindow *self)
{
    update_actions(self);
}

static void
on_profile_list_row_activated_cb(GtkListBox *box, GtkListBoxRow *row, DtWindow *self)
{
    open_editor(self, dt_profile_item_get_profile(dt_profile_row_get_item(DT_PROFILE_ROW(row))));
}

/* Delete is a key of the list, not a window accelerator, so it never
 * reaches a profile while typing in an entry. */
static gboolean
on_profile_list_key_press_event_cb(GtkWidget *widget, GdkEventKey *event, DtWindow *self)
{
    if (event->keyval == GDK_KEY_Delete || event->keyval == GDK_KEY_KP_Delete) {
        g_action_group_activate_action(G_ACTION_GROUP(self), "delete", NULL);
        return GDK_EVENT_STOP;
    }
    return GDK_EVENT_PROPAGATE;
}

/* win.create-shortcut: a launcher that connects the selected profile (dt-shortcut.h). */
static void
create_shortcut_activated(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    DtWindow *self = DT_WINDOW(user_data);
    g_autoptr(DtProfileItem) item = ref_selected_item(self);
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL, *msg = NULL;

    if (!item)
        return;
    path = dt_shortcut_create(dt_profile_item_get_id(item), dt_profile_item_get_name(item), &error);
    if (!path) {
        show_notification(self, error->message, FALSE);
        return;
    }
    /* Translators: after "Create desktop shortcut"; %s is the profile's name. */
    msg = g_strdup_printf(_("Shortcut created: search for “Connect %s”, or use it from the "
                            "Desktop folder."),
                          dt_profile_item_get_name(item));
    show_notification(self, msg, FALSE);
}

/* win.test: the pre-flight check of the selected PPTP profile, in a dialog of its own. */
static void
test_activated(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    DtWindow *self = DT_WINDOW(user_data);
    g_autoptr(DtProfileItem) item = ref_selected_item(self);

    if (item && is_pptp(dt_profile_item_get_profile(item)))
        gtk_window_present(GTK_WINDOW(
            dt_preflight_dialog_new(GTK_WINDOW(self), dt_profile_item_get_profile(item))));
}

static const GActionEntry win_actions[] = {
    {"add-pptp", add_pptp_activated, NULL, NULL, NULL, {0}},
    {"add-dialup", add_dialup_activated, NULL, NULL, NULL, {0}},
    {"edit", edit_activated, NULL, NULL, NULL, {0}},
    {"rename", rename_activated, NULL, NULL, NULL, {0}},
    {"duplicate", duplicate_activated, NULL, NULL, NULL, {0}},
    {"delete", delete_activated, NULL, NULL, NULL, {0}},
    {"create-shortcut", create_shortcut_activated, NULL, NULL, NULL, {0}},
    {"test", test_activated, NULL, NULL, NULL, {0}},
    {"undo-delete", undo_delete_activated, NULL, NULL, NULL, {0}},
};

static void
dt_window_dispose(GObject *object)
{
    DtWindow *self = DT_WINDOW(object);

    g_clear_handle_id(&self->notification_timeout, g_source_remove);
    /* Closing ends the chance to undo: remove the password now, waiting for
     * the keyring so the process does not exit before it is gone. */
    if (self->deleted) {
        g_autoptr(GError) error = NULL;
        secret_password_clear_sync(dt_password_get_schema(), NULL, &error, "profile",
                                   self->deleted->id, NULL);
        if (error)
            g_warning("Could not remove the password from the keyring: %s", error->message);
        g_clear_pointer(&self->deleted, dt_profile_free);
    }
    g_clear_object(&self->list);
    g_clear_object(&self->connections);
    G_OBJECT_CLASS(dt_window_parent_class)->dispose(object);
}

static void
dt_window_class_init(DtWindowClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = dt_window_dispose;
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/dialtone/Dialtone/dt-window.ui");
    gtk_widget_class_bind_template_child(widget_class, DtWindow, profile_list);
    gtk_widget_class_bind_template_child(widget_class, DtWindow, notification_revealer);
    gtk_widget_class_bind_template_child(widget_class, DtWindow, notification_label);
    gtk_widget_class_bind_template_child(widget_class, DtWindow, undo_button);
    gtk_widget_class_bind_template_child(widget_class, DtWindow, rename_popover);
    gtk_widget_class_bind_template_child(widget_class, DtWindow, rename_entry);
    gtk_widget_class_bind_template_child(widget_class, DtWindow, rename_error_label);
    gtk_widget_class_bind_template_callback(widget_class, on_notification_close_clicked_cb);
    gtk_widget_class_bind_template_callback(widget_class, on_rename_confirm_cb);
    gtk_widget_class_bind_template_callback(widget_class, on_profile_list_row_selected_cb);
    gtk_widget_class_bind_template_callback(widget_class, on_profile_list_row_activated_cb);
    gtk_widget_class_bind_template_callback(widget_class, on_profile_list_key_press_event_cb);
}

static void
dt_window_init(DtWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    g_action_map_add_action_entries(G_ACTION_MAP(self), win_actions, G_N_ELEMENTS(win_actions),
                                    self);
}

DtWindow *
dt_window_new(GtkApplication *app, DtProfileList *list, DtConnections *connections)
{
    DtWindow *self = g_object_new(DT_TYPE_WINDOW, "application", app, NULL);
    g_autoptr(GPtrArray) problems = NULL;
    g_autoptr(GError) error = NULL;

    self->list = g_object_ref(list);
    self->connections = g_object_ref(connections);
    gtk_list_box_bind_model(self->profile_list, G_LIST_MODEL(list), create_row_cb, self, NULL);
    if (!dt_profile_list_load(list, &problems, &error)) {
        show_notification(self, error->message, FALSE);
    } else if (problems && problems->len > 0) {
        /* A file that does not load is named with its line and key, so it
         * can be fixed; the others are shown as usual. */
        const GError *first = g_ptr_array_index(problems, 0);
        g_autofree char *msg =
            problems->len == 1
                ? g_strdup_printf(_("A profile could not be read: %s"), first->message)
                : g_strdup_printf(ngettext("%u profile could not be read; the first: %s",
                                           "%u profiles could not be read; the first: %s",
                                           problems->len),
                                  problems->len, first->message);
        show_notification(self, msg, FALSE);
    }
    select_profile(self, NULL);
    return self;
}
