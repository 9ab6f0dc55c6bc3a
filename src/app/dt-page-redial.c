/* dt-page-redial.c — see dt-page-redial.h. The spin buttons' ranges are the
 * loader's, so no value here can be invalid. */
#include "dt-page-redial.h"

#include "dt-profile.h"

struct _DtPageRedial {
    GtkGrid parent_instance;

    GtkSpinButton *attempts_spin;
    GtkSpinButton *interval_spin;
    GtkToggleButton *on_link_failure_check;
    GtkSpinButton *idle_spin;
};

static void dt_page_redial_page_init(DtEditorPageInterface *iface);

G_DEFINE_TYPE_WITH_CODE(DtPageRedial, dt_page_redial, GTK_TYPE_GRID,
                        G_IMPLEMENT_INTERFACE(DT_TYPE_EDITOR_PAGE, dt_page_redial_page_init))

static void
on_changed_cb(GtkWidget *widget, DtPageRedial *self)
{
    gtk_widget_set_sensitive(GTK_WIDGET(self->interval_spin),
                             gtk_spin_button_get_value_as_int(self->attempts_spin) > 0);
    dt_editor_page_changed(DT_EDITOR_PAGE(self));
}

static void
page_load(DtEditorPage *page, const DtProfile *p, DtProfileStore *store)
{
    DtPageRedial *self = DT_PAGE_REDIAL(page);

    gtk_spin_button_set_value(self->attempts_spin, p->redial.attempts);
    gtk_spin_button_set_value(self->interval_spin, p->redial.interval);
    gtk_toggle_button_set_active(self->on_link_failure_check, p->redial.on_link_failure);
    gtk_spin_button_set_value(self->idle_spin, p->redial.idle_disconnect);
}

static void
page_apply(DtEditorPage *page, DtProfile *p)
{
    DtPageRedial *self = DT_PAGE_REDIAL(page);

    p->redial.attempts = gtk_spin_button_get_value_as_int(self->attempts_spin);
    p->redial.interval = gtk_spin_button_get_value_as_int(self->interval_spin);
    p->redial.on_link_failure = gtk_toggle_button_get_active(self->on_link_failure_check);
    p->redial.idle_disconnect = gtk_spin_button_get_value_as_int(self->idle_spin);
}

static void
dt_page_redial_page_init(DtEditorPageInterface *iface)
{
    iface->load = page_load;
    iface->apply = page_apply;
}

static void
dt_page_redial_class_init(DtPageRedialClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/dialtone/Dialtone/dt-page-redial.ui");
    gtk_widget_class_bind_template_child(widget_class, DtPageRedial, attempts_spin);
    gtk_widget_class_bind_template_child(widget_class, DtPageRedial, interval_spin);
    gtk_widget_class_bind_template_child(widget_class, DtPageRedial, on_link_failure_check);
    gtk_widget_class_bind_template_child(widget_class, DtPageRedial, idle_spin);
    gtk_widget_class_bind_template_callback(widget_class, on_changed_cb);
}

static void
dt_page_redial_init(DtPageRedial *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}
