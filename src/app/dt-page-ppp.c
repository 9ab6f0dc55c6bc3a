/* dt-page-ppp.c — see dt-page-ppp.h. The spin buttons' ranges are the
 * loader's (576..1500: RFC 1661 §6.1), so no value here can be invalid. */
#include "dt-page-ppp.h"

#include "dt-profile.h"

struct _DtPagePpp {
    GtkGrid parent_instance;

    GtkSpinButton *mtu_spin;
    GtkSpinButton *mru_spin;
    GtkSpinButton *echo_interval_spin;
    GtkSpinButton *echo_failures_spin;
};

static void dt_page_ppp_page_init(DtEditorPageInterface *iface);

G_DEFINE_TYPE_WITH_CODE(DtPagePpp, dt_page_ppp, GTK_TYPE_GRID,
                        G_IMPLEMENT_INTERFACE(DT_TYPE_EDITOR_PAGE, dt_page_ppp_page_init))

static void
on_changed_cb(GtkWidget *widget, DtPagePpp *self)
{
    /* Failures count only while echoes are sent. */
    gtk_widget_set_sensitive(GTK_WIDGET(self->echo_failures_spin),
                             gtk_spin_button_get_value_as_int(self->echo_interval_spin) > 0);
    dt_editor_page_changed(DT_EDITOR_PAGE(self));
}

static void
page_load(DtEditorPage *page, const DtProfile *p, DtProfileStore *store)
{
    DtPagePpp *self = DT_PAGE_PPP(page);

    gtk_spin_button_set_value(self->mtu_spin, p->ppp.mtu);
    gtk_spin_button_set_value(self->mru_spin, p->ppp.mru);
    gtk_spin_button_set_value(self->echo_interval_spin, p->ppp.echo_interval);
    gtk_spin_button_set_value(self->echo_failures_spin, p->ppp.echo_failures);
}

static void
page_apply(DtEditorPage *page, DtProfile *p)
{
    DtPagePpp *self = DT_PAGE_PPP(page);

    p->ppp.mtu = gtk_spin_button_get_value_as_int(self->mtu_spin);
    p->ppp.mru = gtk_spin_button_get_value_as_int(self->mru_spin);
    p->ppp.echo_interval = gtk_spin_button_get_value_as_int(self->echo_interval_spin);
    p->ppp.echo_failures = gtk_spin_button_get_value_as_int(self->echo_failures_spin);
}

static void
dt_page_ppp_page_init(DtEditorPageInterface *iface)
{
    iface->load = page_load;
    iface->apply = page_apply;
}

static void
dt_page_ppp_class_init(DtPagePppClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/dialtone/Dialtone/dt-page-ppp.ui");
    gtk_widget_class_bind_template_child(widget_class, DtPagePpp, mtu_spin);
    gtk_widget_class_bind_template_child(widget_class, DtPagePpp, mru_spin);
    gtk_widget_class_bind_template_child(widget_class, DtPagePpp, echo_interval_spin);
    gtk_widget_class_bind_template_child(widget_class, DtPagePpp, echo_failures_spin);
    gtk_widget_class_bind_template_callback(widget_class, on_changed_cb);
}

static void
dt_page_ppp_init(DtPagePpp *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}
