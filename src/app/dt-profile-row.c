/* dt-profile-row.c — see dt-profile-row.h. */
#include "dt-profile-row.h"

struct _DtProfileRow {
    GtkListBoxRow parent_instance;

    GtkImage *icon;
    GtkLabel *name_label;
    GtkLabel *description_label;
    GtkButton *connect_button;

    DtProfileItem *item;
};

G_DEFINE_TYPE(DtProfileRow, dt_profile_row, GTK_TYPE_LIST_BOX_ROW)

static void
dt_profile_row_dispose(GObject *object)
{
    g_clear_object(&DT_PROFILE_ROW(object)->item);
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
    gtk_widget_class_bind_template_child(widget_class, DtProfileRow, connect_button);
}

static void
dt_profile_row_init(DtProfileRow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}

DtProfileRow *
dt_profile_row_new(DtProfileItem *item)
{
    DtProfileRow *self = g_object_new(DT_TYPE_PROFILE_ROW, NULL);
    AtkObject *acc = gtk_widget_get_accessible(GTK_WIDGET(self));

    self->item = g_object_ref(item);
    gtk_image_set_from_icon_name(self->icon, dt_profile_item_get_icon_name(item),
                                 GTK_ICON_SIZE_DND);
    gtk_label_set_text(self->name_label, dt_profile_item_get_name(item));
    gtk_label_set_text(self->description_label, dt_profile_item_get_description(item));
    /* A screen reader reads the row as its name, then what it is. */
    atk_object_set_name(acc, dt_profile_item_get_name(item));
    atk_object_set_description(acc, dt_profile_item_get_description(item));
    gtk_widget_show_all(GTK_WIDGET(self));
    return self;
}

DtProfileItem *
dt_profile_row_get_item(DtProfileRow *self)
{
    g_return_val_if_fail(DT_IS_PROFILE_ROW(self), NULL);
    return self->item;
}
