/* dt-page-dial-first.c — see dt-page-dial-first.h. */
#include "dt-page-dial-first.h"

#include <glib/gi18n.h>

struct _DtPageDialFirst {
    GtkGrid parent_instance;

    GtkComboBoxText *dial_first_combo;
    GtkLabel *dial_first_empty;
};

static void dt_page_dial_first_page_init(DtEditorPageInterface *iface);

G_DEFINE_TYPE_WITH_CODE(DtPageDialFirst, dt_page_dial_first, GTK_TYPE_GRID,
                        G_IMPLEMENT_INTERFACE(DT_TYPE_EDITOR_PAGE, dt_page_dial_first_page_init))

static void
on_changed_cb(GtkWidget *widget, DtPageDialFirst *self)
{
    dt_editor_page_changed(DT_EDITOR_PAGE(self));
}

static void
page_load(DtEditorPage *page, const DtProfile *p, DtProfileStore *store)
{
    DtPageDialFirst *self = DT_PAGE_DIAL_FIRST(page);
    GPtrArray *all = dt_profile_store_list(store); /* owned by the store */
    guint n_dialup = 0;

    /* Only dial-up profiles that dial nothing first themselves can be
     * chosen (the store's rule: no PPTP inside PPTP, no cycles). */
    for (guint i = 0; i < all->len; i++) {
        const DtProfile *o = g_ptr_array_index(all, i);
        if (o->type != DT_PROFILE_TYPE_DIALUP || o->dial_first || g_strcmp0(o->id, p->id) == 0)
            continue;
        gtk_combo_box_text_append(self->dial_first_combo, o->id, o->name);
        n_dialup++;
    }
    gtk_widget_set_visible(GTK_WIDGET(self->dial_first_empty), n_dialup == 0);
    if (!p->dial_first ||
        !gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->dial_first_combo), p->dial_first))
        gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->dial_first_combo), "");
}

static void
page_apply(DtEditorPage *page, DtProfile *p)
{
    DtPageDialFirst *self = DT_PAGE_DIAL_FIRST(page);
    const char *id = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->dial_first_combo));

    g_free(p->dial_first);
    p->dial_first = id && *id ? g_strdup(id) : NULL;
}

static void
dt_page_dial_first_page_init(DtEditorPageInterface *iface)
{
    iface->load = page_load;
    iface->apply = page_apply;
}

static void
dt_page_dial_first_class_init(DtPageDialFirstClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/dialtone/Dialtone/dt-page-dial-first.ui");
    gtk_widget_class_bind_template_child(widget_class, DtPageDialFirst, dial_first_combo);
    gtk_widget_class_bind_template_child(widget_class, DtPageDialFirst, dial_first_empty);
    gtk_widget_class_bind_template_callback(widget_class, on_changed_cb);
}

static void
dt_page_dial_first_init(DtPageDialFirst *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}
