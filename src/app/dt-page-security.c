/* dt-page-security.c — see dt-page-security.h. */
#include "dt-page-security.h"

#include <glib/gi18n.h>

#include "dt-profile.h"

struct _DtPageSecurity {
    GtkGrid parent_instance;

    GtkToggleButton *mschapv2_check;
    GtkToggleButton *mschap_check;
    GtkToggleButton *chap_check;
    GtkToggleButton *pap_check;
    GtkLabel *pap_warning;
    GtkToggleButton *encryption_none_radio;
    GtkToggleButton *encryption_optional_radio;
    GtkToggleButton *encryption_require_radio;
    GtkToggleButton *encryption_require_128_radio;
    GtkToggleButton *stateful_check;
    GtkToggleButton *compression_check;
    GtkLabel *limits_heading;
    GtkLabel *limits_note;

    DtAuthList loaded; /* kept so an unchanged set keeps its order */
};

static void dt_page_security_page_init(DtEditorPageInterface *iface);

G_DEFINE_TYPE_WITH_CODE(DtPageSecurity, dt_page_security, GTK_TYPE_GRID,
                        G_IMPLEMENT_INTERFACE(DT_TYPE_EDITOR_PAGE, dt_page_security_page_init))

static GtkToggleButton *
method_check(DtPageSecurity *self, DtProfileAuth m)
{
    switch (m) {
    case DT_PROFILE_AUTH_MSCHAPV2:
        return self->mschapv2_check;
    case DT_PROFILE_AUTH_MSCHAP:
        return self->mschap_check;
    case DT_PROFILE_AUTH_CHAP:
        return self->chap_check;
    case DT_PROFILE_AUTH_PAP:
        return self->pap_check;
    }
    g_return_val_if_reached(NULL);
}

static GtkToggleButton *
encryption_radio(DtPageSecurity *self, DtEncryption e)
{
    switch (e) {
    case DT_ENCRYPTION_NONE:
        return self->encryption_none_radio;
    case DT_ENCRYPTION_OPTIONAL:
        return self->encryption_optional_radio;
    case DT_ENCRYPTION_REQUIRE:
        return self->encryption_require_radio;
    case DT_ENCRYPTION_REQUIRE_128:
        return self->encryption_require_128_radio;
    }
    g_return_val_if_reached(NULL);
}

static void
update_warnings(DtPageSecurity *self)
{
    /* PAP sends the password as it is (RFC 1334 §2): say so wherever it is on. */
    gtk_widget_set_visible(GTK_WIDGET(self->pap_warning),
                           gtk_toggle_button_get_active(self->pap_check));
}

static void
on_changed_cb(GtkWidget *widget, DtPageSecurity *self)
{
    /* A radio button toggles twice per choice; only the active one counts. */
    if (GTK_IS_RADIO_BUTTON(widget) && !gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(widget)))
        return;
    update_warnings(self);
    dt_editor_page_changed(DT_EDITOR_PAGE(self));
}

static void
page_load(DtEditorPage *page, const DtProfile *p, DtProfileStore *store)
{
    DtPageSecurity *self = DT_PAGE_SECURITY(page);
    const DtSecurity *s = &p->security;
    gboolean pptp = p->type == DT_PROFILE_TYPE_PPTP;

    self->loaded = s->authentication;
    for (guint m = 0; m < DT_PROFILE_AUTH_N; m++)
        gtk_toggle_button_set_active(method_check(self, m),
                                     dt_auth_list_contains(&s->authentication, m));
    gtk_toggle_button_set_active(encryption_radio(self, s->encryption), TRUE);
    gtk_toggle_button_set_active(self->stateful_check, s->allow_stateful);
    gtk_toggle_button_set_active(self->compression_check, s->compression);
    /* The limits of PPTP concern the tunnel; a modem line has other ones. */
    gtk_widget_set_visible(GTK_WIDGET(self->limits_heading), pptp);
    gtk_widget_set_visible(GTK_WIDGET(self->limits_note), pptp);
    update_warnings(self);
}

static void
collect_methods(DtPageSecurity *self, DtAuthList *out)
{
    DtAuthList chosen = {0};

    for (guint m = 0; m < DT_PROFILE_AUTH_N; m++)
        if (gtk_toggle_button_get_active(method_check(self, m)))
            chosen.methods[chosen.n++] = m;
    /* The same set as loaded keeps the file's order of preference. */
    gboolean same = chosen.n == self->loaded.n;
    for (guint i = 0; same && i < chosen.n; i++)
        same = dt_auth_list_contains(&self->loaded, chosen.methods[i]);
    *out = same ? self->loaded : chosen;
}

static void
page_apply(DtEditorPage *page, DtProfile *p)
{
    DtPageSecurity *self = DT_PAGE_SECURITY(page);
    DtSecurity *s = &p->security;

    collect_methods(self, &s->authentication);
    for (guint e = DT_ENCRYPTION_NONE; e <= DT_ENCRYPTION_REQUIRE_128; e++)
        if (gtk_toggle_button_get_active(encryption_radio(self, e)))
            s->encryption = e;
    s->allow_stateful = gtk_toggle_button_get_active(self->stateful_check);
    s->compression = gtk_toggle_button_get_active(self->compression_check);
}

static gboolean
page_validate(DtEditorPage *page, GError **error)
{
    DtPageSecurity *self = DT_PAGE_SECURITY(page);
    DtSecurity s = {0};
    g_autoptr(GString) why = g_string_new(NULL);

    collect_methods(self, &s.authentication);
    for (guint e = DT_ENCRYPTION_NONE; e <= DT_ENCRYPTION_REQUIRE_128; e++)
        if (gtk_toggle_button_get_active(encryption_radio(self, e)))
            s.encryption = e;
    if (s.authentication.n == 0) {
        g_set_error_literal(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_INVALID,
                            _("Allow at least one authentication method"));
        return FALSE;
    }
    if (!dt_security_check(&s, why)) {
        g_set_error(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_INVALID,
                    _("Encryption needs MS-CHAP: allow MS-CHAP v2 (or version 1), or choose no "
                      "encryption"));
        return FALSE;
    }
    return TRUE;
}

static void
dt_page_security_page_init(DtEditorPageInterface *iface)
{
    iface->load = page_load;
    iface->apply = page_apply;
    iface->validate = page_validate;
}

static void
dt_page_security_class_init(DtPageSecurityClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/dialtone/Dialtone/dt-page-security.ui");
    gtk_widget_class_bind_template_child(widget_class, DtPageSecurity, mschapv2_check);
    gtk_widget_class_bind_template_child(widget_class, DtPageSecurity, mschap_check);
    gtk_widget_class_bind_template_child(widget_class, DtPageSecurity, chap_check);
    gtk_widget_class_bind_template_child(widget_class, DtPageSecurity, pap_check);
    gtk_widget_class_bind_template_child(widget_class, DtPageSecurity, pap_warning);
    gtk_widget_class_bind_template_child(widget_class, DtPageSecurity, encryption_none_radio);
    gtk_widget_class_bind_template_child(widget_class, DtPageSecurity, encryption_optional_radio);
    gtk_widget_class_bind_template_child(widget_class, DtPageSecurity, encryption_require_radio);
    gtk_widget_class_bind_template_child(widget_class, DtPageSecurity,
                                         encryption_require_128_radio);
    gtk_widget_class_bind_template_child(widget_class, DtPageSecurity, stateful_check);
    gtk_widget_class_bind_template_child(widget_class, DtPageSecurity, compression_check);
    gtk_widget_class_bind_template_child(widget_class, DtPageSecurity, limits_heading);
    gtk_widget_class_bind_template_child(widget_class, DtPageSecurity, limits_note);
    gtk_widget_class_bind_template_callback(widget_class, on_changed_cb);
}

static void
dt_page_security_init(DtPageSecurity *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}
