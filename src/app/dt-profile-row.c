/* dt-profile-row.c — see dt-profile-row.h. */
#include "dt-profile-row.h"

#include <glib/gi18n.h>

#include "dt-connection-info.h"

struct _DtProfileRow {
    GtkListBoxRow parent_instance;

    GtkImage *icon;
    GtkLabel *name_label;
    GtkLabel *description_label;
    GtkLabel *state_label;
    GtkButton *status_button;
    GtkButton *connect_button;

    DtProfileItem *item;
    DtConnections *connections;
};

G_DEFINE_TYPE(DtProfileRow, dt_profile_row, GTK_TYPE_LIST_BOX_ROW)

static void
set_button(DtProfileRow *self, const char *label, gboolean sensitive, const char *why)
{
    AtkObject *acc = gtk_widget_get_accessible(GTK_WIDGET(self->connect_button));

    gtk_button_set_label(self->connect_button, label);
    gtk_widget_set_sensitive(GTK_WIDGET(self->connect_button), sensitive);
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->connect_button), why);
    atk_object_set_name(acc, label);
    atk_object_set_description(acc, why ? why : "");
}

static void
update(DtProfileRow *self)
{
    const char *id = dt_profile_item_get_id(self->item);
    DtDBusConnection1 *c = dt_connections_lookup(self->connections, id);
    gboolean active = dt_connections_is_active(self->connections, id);
    const char *state = c ? dt_dbus_connection1_get_state(c) : NULL;

    if (active)
        set_button(self, _("Disconnect"), g_strcmp0(state, "disconnecting") != 0, NULL);
    else if (dt_connections_is_available(self->connections))
        set_button(self, _("Connect"), TRUE, NULL);
    else
        set_button(self, _("Connect"), FALSE,
                   _("Needs the Dialtone system service (dialtone-helper), which is not "
                     "running"));

    gtk_widget_set_visible(GTK_WIDGET(self->status_button), c != NULL);
    if (!c) {
        gtk_widget_hide(GTK_WIDGET(self->state_label));
        return;
    }
    g_autofree char *words =
        dt_connection_info_state_words(state, dt_dbus_connection1_get_stage(c));
    g_autofree char *summary = dt_connection_info_summary(dt_dbus_connection1_get_protocols(c));
    const char *reason = "", *why = "";
    GVariant *err = dt_dbus_connection1_get_error(c);
    g_autofree char *text = NULL;

    if (err)
        g_variant_get(err, "(&s&s)", &reason, &why);
    if (g_strcmp0(state, "connected") == 0 && summary)
        text = g_strdup_printf("%s · %s", words, summary);
    else if (*why) {
        g_autofree char *said = dt_connection_info_failure_words(why);
        text = g_strdup_printf("%s: %s", words, said);
    } else
        text = g_strdup(words);
    gtk_label_set_text(self->state_label, text);
    gtk_widget_show(GTK_WIDGET(self->state_label));
}

static void
on_changed_cb(DtConnections *connections, const char *profile_id, DtProfileRow *self)
{
    if (g_strcmp0(profile_id, dt_profile_item_get_id(self->item)) == 0)
        update(self);
}

static void
on_availability_changed_cb(DtConnections *connections, DtProfileRow *self)
{
    update(self);
}

static void
on_connect_clicked_cb(GtkButton *button, DtProfileRow *self)
{
    const char *id = dt_profile_item_get_id(self->item);

    g_action_group_activate_action(G_ACTION_GROUP(g_application_get_default()),
                                   dt_connections_is_active(self->connections, id) ? "disconnect"
                                                                                   : "connect",
                                   g_variant_new_string(id));
}

static void
on_status_clicked_cb(GtkButton *button, DtProfileRow *self)
{
    g_action_group_activate_action(G_ACTION_GROUP(g_application_get_default()), "status",
                                   g_variant_new_string(dt_profile_item_get_id(self->item)));
}

static void
dt_profile_row_dispose(GObject *object)
{
    DtProfileRow *self = DT_PROFILE_ROW(object);

    if (self->connections)
        g_signal_handlers_disconnect_by_data(self->connections, self);
    g_clear_object(&self->connections);
    g_clear_object(&self->item);
    G_OBJECT_CLASS(dt_profile_row_parent_class)->dispose(object);
}

static void
dt_profile_row_class_init(DtProfileRowClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = dt_profile_row_dispose;
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/dialtone/Dialtone/dt-profile-row.ui");
    gtk_widget_class_bind_template_child(widget_class, DtProfileRow, icon);
    gtk_widget_class_bind_template_child(widget_class, DtProfileRow, name_label);
    gtk_widget_class_bind_template_child(widget_class, DtProfileRow, description_label);
    gtk_widget_class_bind_template_child(widget_class, DtProfileRow, state_label);
    gtk_widget_class_bind_template_child(widget_class, DtProfileRow, status_button);
    gtk_widget_class_bind_template_child(widget_class, DtProfileRow, connect_button);
    gtk_widget_class_bind_template_callback(widget_class, on_connect_clicked_cb);
    gtk_widget_class_bind_template_callback(widget_class, on_status_clicked_cb);
}

static void
dt_profile_row_init(DtProfileRow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}

DtProfileRow *
dt_profile_row_new(DtProfileItem *item, DtConnections *connections)
{
    DtProfileRow *self = g_object_new(DT_TYPE_PROFILE_ROW, NULL);
    AtkObject *acc = gtk_widget_get_accessible(GTK_WIDGET(self));

    self->item = g_object_ref(item);
    self->connections = g_object_ref(connections);
    gtk_image_set_from_icon_name(self->icon, dt_profile_item_get_icon_name(item),
                                 GTK_ICON_SIZE_DND);
    gtk_label_set_text(self->name_label, dt_profile_item_get_name(item));
    gtk_label_set_text(self->description_label, dt_profile_item_get_description(item));
    /* A screen reader reads the row as its name, then what it is. */
    atk_object_set_name(acc, dt_profile_item_get_name(item));
    atk_object_set_description(acc, dt_profile_item_get_description(item));
    g_signal_connect(connections, "changed", G_CALLBACK(on_changed_cb), self);
    g_signal_connect(connections, "availability-changed", G_CALLBACK(on_availability_changed_cb),
                     self);
    gtk_widget_show_all(GTK_WIDGET(self));
    update(self);
    return self;
}

DtProfileItem *
dt_profile_row_get_item(DtProfileRow *self)
{
    g_return_val_if_fail(DT_IS_PROFILE_ROW(self), NULL);
    return self->item;
}
