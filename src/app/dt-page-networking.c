/* dt-page-networking.c — see dt-page-networking.h. */
#include "dt-page-networking.h"

#include <glib/gi18n.h>

#include "dt-profile.h"
#include "dt-validate.h"

struct _DtPageNetworking {
    GtkGrid parent_instance;

    GtkToggleButton *default_route_check;
    GtkLabel *routes_label;
    GtkEntry *routes_entry;
    GtkComboBox *dns_combo;
    GtkLabel *dns_servers_label;
    GtkEntry *dns_servers_entry;
    GtkEntry *dns_search_entry;
    GtkToggleButton *ipv6_check;
};

static void dt_page_networking_page_init(DtEditorPageInterface *iface);

G_DEFINE_TYPE_WITH_CODE(DtPageNetworking, dt_page_networking, GTK_TYPE_GRID,
                        G_IMPLEMENT_INTERFACE(DT_TYPE_EDITOR_PAGE, dt_page_networking_page_init))

static gboolean
dns_is_static(DtPageNetworking *self)
{
    return g_strcmp0(gtk_combo_box_get_active_id(self->dns_combo), "static") == 0;
}

static void
update_sensitivity(DtPageNetworking *self)
{
    /* Routes matter only when the default route stays on the local network. */
    gboolean split = !gtk_toggle_button_get_active(self->default_route_check);
    gtk_widget_set_sensitive(GTK_WIDGET(self->routes_label), split);
    gtk_widget_set_sensitive(GTK_WIDGET(self->routes_entry), split);
    gtk_widget_set_sensitive(GTK_WIDGET(self->dns_servers_label), dns_is_static(self));
    gtk_widget_set_sensitive(GTK_WIDGET(self->dns_servers_entry), dns_is_static(self));
}

static void
on_changed_cb(GtkWidget *widget, DtPageNetworking *self)
{
    update_sensitivity(self);
    dt_editor_page_changed(DT_EDITOR_PAGE(self));
}

static char *
join(char **list)
{
    return g_strjoinv("; ", list ? list : (char *[]){NULL});
}

static void
page_load(DtEditorPage *page, const DtProfile *p, DtProfileStore *store)
{
    DtPageNetworking *self = DT_PAGE_NETWORKING(page);
    g_autofree char *routes = join(p->ipv4.routes);
    g_autofree char *servers = join(p->ipv4.dns.servers);
    g_autofree char *search = join(p->ipv4.dns_search);
    static const char *const modes[] = {"auto", "none", "static"};

    gtk_toggle_button_set_active(self->default_route_check, p->ipv4.default_route);
    gtk_entry_set_text(self->routes_entry, routes);
    gtk_combo_box_set_active_id(self->dns_combo, modes[p->ipv4.dns.mode]);
    gtk_entry_set_text(self->dns_servers_entry, servers);
    gtk_entry_set_text(self->dns_search_entry, search);
    gtk_toggle_button_set_active(self->ipv6_check, p->ipv6.enabled);
    update_sensitivity(self);
}

static void
page_apply(DtEditorPage *page, DtProfile *p)
{
    DtPageNetworking *self = DT_PAGE_NETWORKING(page);
    const char *mode = gtk_combo_box_get_active_id(self->dns_combo);

    p->ipv4.default_route = gtk_toggle_button_get_active(self->default_route_check);
    g_strfreev(p->ipv4.routes);
    p->ipv4.routes = dt_editor_page_split_list(gtk_entry_get_text(self->routes_entry));
    g_strfreev(p->ipv4.dns.servers);
    if (g_strcmp0(mode, "static") == 0) {
        p->ipv4.dns.mode = DT_DNS_STATIC;
        p->ipv4.dns.servers =
            dt_editor_page_split_list(gtk_entry_get_text(self->dns_servers_entry));
    } else {
        p->ipv4.dns.mode = g_strcmp0(mode, "none") == 0 ? DT_DNS_NONE : DT_DNS_AUTO;
        p->ipv4.dns.servers = g_new0(char *, 1);
    }
    g_strfreev(p->ipv4.dns_search);
    p->ipv4.dns_search = dt_editor_page_split_list(gtk_entry_get_text(self->dns_search_entry));
    p->ipv6.enabled = gtk_toggle_button_get_active(self->ipv6_check);
}

static gboolean
page_validate(DtEditorPage *page, GError **error)
{
    DtPageNetworking *self = DT_PAGE_NETWORKING(page);
    gboolean ok = TRUE;

    ok &= dt_editor_page_check_list(self->routes_entry, _("Routes"), dt_validate_ipv4_cidr, error);
    if (dns_is_static(self)) {
        g_auto(GStrv) servers =
            dt_editor_page_split_list(gtk_entry_get_text(self->dns_servers_entry));
        if (!servers[0]) {
            dt_editor_page_mark_entry(self->dns_servers_entry, _("Give at least one address"));
            if (ok)
                g_set_error_literal(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_INVALID,
                                    _("DNS servers: give at least one address, or choose "
                                      "“From the server”"));
            ok = FALSE;
        } else {
            ok &= dt_editor_page_check_list(self->dns_servers_entry, _("DNS servers"),
                                            dt_validate_ip, ok ? error : NULL);
        }
    } else {
        dt_editor_page_mark_entry(self->dns_servers_entry, NULL);
    }
    ok &= dt_editor_page_check_list(self->dns_search_entry, _("Search domains"),
                                    dt_validate_hostname, ok ? error : NULL);
    return ok;
}

static void
dt_page_networking_page_init(DtEditorPageInterface *iface)
{
    iface->load = page_load;
    iface->apply = page_apply;
    iface->validate = page_validate;
}

static void
dt_page_networking_class_init(DtPageNetworkingClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/dialtone/Dialtone/dt-page-networking.ui");
    gtk_widget_class_bind_template_child(widget_class, DtPageNetworking, default_route_check);
    gtk_widget_class_bind_template_child(widget_class, DtPageNetworking, routes_label);
    gtk_widget_class_bind_template_child(widget_class, DtPageNetworking, routes_entry);
    gtk_widget_class_bind_template_child(widget_class, DtPageNetworking, dns_combo);
    gtk_widget_class_bind_template_child(widget_class, DtPageNetworking, dns_servers_label);
    gtk_widget_class_bind_template_child(widget_class, DtPageNetworking, dns_servers_entry);
    gtk_widget_class_bind_template_child(widget_class, DtPageNetworking, dns_search_entry);
    gtk_widget_class_bind_template_child(widget_class, DtPageNetworking, ipv6_check);
    gtk_widget_class_bind_template_callback(widget_class, on_changed_cb);
}

static void
dt_page_networking_init(DtPageNetworking *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}
