/* dt-page-general.c — see dt-page-general.h. */
#include "dt-page-general.h"

#include <glib/gi18n.h>

#include "dt-password.h"
#include "dt-validate.h"

struct _DtPageGeneral {
    GtkGrid parent_instance;

    GtkLabel *server_label;
    GtkEntry *name_entry;
    GtkEntry *server_entry;
    GtkEntry *user_entry;
    GtkLabel *domain_label;
    GtkEntry *domain_entry;
    GtkEntry *password_entry;
    GtkCheckButton *save_password_check;

    DtProfileType type;
    GCancellable *cancellable; /* the keyring lookup */
};

static void dt_page_general_page_init(DtEditorPageInterface *iface);

G_DEFINE_TYPE_WITH_CODE(DtPageGeneral, dt_page_general, GTK_TYPE_GRID,
                        G_IMPLEMENT_INTERFACE(DT_TYPE_EDITOR_PAGE, dt_page_general_page_init))

static void
on_changed_cb(GtkWidget *widget, DtPageGeneral *self)
{
    dt_editor_page_changed(DT_EDITOR_PAGE(self));
}

static void
lookup_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GError) error = NULL;
    char *password = dt_password_lookup_finish(result, &error);

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    DtPageGeneral *self = DT_PAGE_GENERAL(user_data);
    if (error)
        g_warning("Could not read the password from the keyring: %s", error->message);
    if (password) {
        gtk_entry_set_text(self->password_entry, password);
        gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(self->save_password_check), TRUE);
        secret_password_free(password);
    }
}

static void
page_load(DtEditorPage *page, const DtProfile *p, DtProfileStore *store)
{
    DtPageGeneral *self = DT_PAGE_GENERAL(page);
    gboolean pptp = p->type == DT_PROFILE_TYPE_PPTP;
    const char *user = pptp ? p->pptp.user : p->dialup.user;

    self->type = p->type;
    dt_editor_page_set_text(self->name_entry, p->name);
    dt_editor_page_set_text(self->server_entry, p->pptp.server);
    dt_editor_page_set_text(self->user_entry, user);
    dt_editor_page_set_text(self->domain_entry, p->pptp.domain);
    gtk_widget_set_visible(GTK_WIDGET(self->server_label), pptp);
    gtk_widget_set_visible(GTK_WIDGET(self->server_entry), pptp);
    gtk_widget_set_visible(GTK_WIDGET(self->domain_label), pptp);
    gtk_widget_set_visible(GTK_WIDGET(self->domain_entry), pptp);

    /* A profile not saved yet has no password; the lookup finds nothing. */
    if (p->id && store && dt_profile_store_find_by_id(store, p->id))
        dt_password_lookup_async(p->id, user, self->cancellable, lookup_done_cb, self);
}

static void
page_apply(DtEditorPage *page, DtProfile *p)
{
    DtPageGeneral *self = DT_PAGE_GENERAL(page);

    g_free(p->name);
    p->name = g_strdup(gtk_entry_get_text(self->name_entry));
    if (p->type == DT_PROFILE_TYPE_PPTP) {
        g_free(p->pptp.server);
        p->pptp.server = dt_editor_page_dup_text(self->server_entry);
        g_free(p->pptp.user);
        p->pptp.user = dt_editor_page_dup_text(self->user_entry);
        g_free(p->pptp.domain);
        p->pptp.domain = dt_editor_page_dup_text(self->domain_entry);
    } else {
        g_free(p->dialup.user);
        p->dialup.user = dt_editor_page_dup_text(self->user_entry);
    }
}

static gboolean
check_text(const char *s, GString *why)
{
    return dt_validate_text(s, 256, FALSE, why);
}

static gboolean
check_domain(const char *s, GString *why)
{
    if (strchr(s, '\\')) {
        g_string_append(why, _("contains a backslash; give only the domain, like CORP"));
        return FALSE;
    }
    return dt_validate_text(s, 255, FALSE, why);
}

static gboolean
page_validate(DtEditorPage *page, GError **error)
{
    DtPageGeneral *self = DT_PAGE_GENERAL(page);
    gboolean pptp = self->type == DT_PROFILE_TYPE_PPTP;
    GError **e = error;
    gboolean ok = TRUE;

    /* Check every field so each wrong one is marked; report the first. */
    ok &= dt_editor_page_check_entry(self->name_entry, _("Name"), check_text, FALSE, e);
    e = ok ? error : NULL;
    if (pptp) {
        ok &=
            dt_editor_page_check_entry(self->server_entry, _("Server"), dt_validate_host, FALSE, e);
        e = ok ? error : NULL;
    }
    ok &= dt_editor_page_check_entry(self->user_entry, _("User name"), check_text, TRUE, e);
    e = ok ? error : NULL;
    if (pptp)
        ok &= dt_editor_page_check_entry(self->domain_entry, _("Domain"), check_domain, TRUE, e);
    return ok;
}

static void
dt_page_general_page_init(DtEditorPageInterface *iface)
{
    iface->load = page_load;
    iface->apply = page_apply;
    iface->validate = page_validate;
}

static void
dt_page_general_dispose(GObject *object)
{
    DtPageGeneral *self = DT_PAGE_GENERAL(object);

    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    G_OBJECT_CLASS(dt_page_general_parent_class)->dispose(object);
}

static void
dt_page_general_class_init(DtPageGeneralClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = dt_page_general_dispose;
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/dialtone/Dialtone/dt-page-general.ui");
    gtk_widget_class_bind_template_child(widget_class, DtPageGeneral, server_label);
    gtk_widget_class_bind_template_child(widget_class, DtPageGeneral, name_entry);
    gtk_widget_class_bind_template_child(widget_class, DtPageGeneral, server_entry);
    gtk_widget_class_bind_template_child(widget_class, DtPageGeneral, user_entry);
    gtk_widget_class_bind_template_child(widget_class, DtPageGeneral, domain_label);
    gtk_widget_class_bind_template_child(widget_class, DtPageGeneral, domain_entry);
    gtk_widget_class_bind_template_child(widget_class, DtPageGeneral, password_entry);
    gtk_widget_class_bind_template_child(widget_class, DtPageGeneral, save_password_check);
    gtk_widget_class_bind_template_callback(widget_class, on_changed_cb);
}

static void
dt_page_general_init(DtPageGeneral *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->cancellable = g_cancellable_new();
}

const char *
dt_page_general_get_password(DtPageGeneral *self)
{
    g_return_val_if_fail(DT_IS_PAGE_GENERAL(self), NULL);
    return gtk_entry_get_text(self->password_entry);
}

gboolean
dt_page_general_get_save_password(DtPageGeneral *self)
{
    g_return_val_if_fail(DT_IS_PAGE_GENERAL(self), FALSE);
    return gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(self->save_password_check));
}
