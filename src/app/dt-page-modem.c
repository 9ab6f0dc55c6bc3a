/* dt-page-modem.c — see dt-page-modem.h. */
#include "dt-page-modem.h"

#include <glib/gi18n.h>

#include "dt-profile.h"
#include "dt-serial-ports.h"
#include "dt-validate.h"

struct _DtPageModem {
    GtkGrid parent_instance;

    GtkComboBoxText *device_combo;
    GtkEntry *device_combo_entry;
    GtkComboBoxText *speed_combo;
    GtkComboBox *flow_combo;
    GtkEntry *init_entry;
    GtkComboBox *dial_command_combo;
    GtkEntry *phone_entry;
};

static void dt_page_modem_page_init(DtEditorPageInterface *iface);

G_DEFINE_TYPE_WITH_CODE(DtPageModem, dt_page_modem, GTK_TYPE_GRID,
                        G_IMPLEMENT_INTERFACE(DT_TYPE_EDITOR_PAGE, dt_page_modem_page_init))

static void
on_changed_cb(GtkWidget *widget, DtPageModem *self)
{
    dt_editor_page_changed(DT_EDITOR_PAGE(self));
}

static void
page_load(DtEditorPage *page, const DtProfile *p, DtProfileStore *store)
{
    DtPageModem *self = DT_PAGE_MODEM(page);
    g_autoptr(GPtrArray) ports = dt_serial_ports_list("/dev", "/sys/class/tty");
    g_autofree char *speed = g_strdup_printf("%u", p->dialup.speed);
    g_autofree char *init = g_strjoinv(";", p->dialup.init ? p->dialup.init : (char *[]){NULL});

    for (guint i = 0; i < ports->len; i++) {
        const DtSerialPort *port = g_ptr_array_index(ports, i);
        gtk_combo_box_text_append(self->device_combo, port->path, port->path);
    }
    /* A device not plugged in now is kept as typed. */
    if (p->dialup.device)
        gtk_entry_set_text(self->device_combo_entry, p->dialup.device);
    else if (ports->len > 0)
        gtk_combo_box_set_active(GTK_COMBO_BOX(self->device_combo), 0);

    if (!gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->speed_combo), speed)) {
        gtk_combo_box_text_append(self->speed_combo, speed, speed);
        gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->speed_combo), speed);
    }
    gtk_combo_box_set_active_id(
        self->flow_combo, p->dialup.flow_control == DT_FLOW_CONTROL_NONE ? "none" : "hardware");
    gtk_entry_set_text(self->init_entry, init);
    const char *dial = p->dialup.dial_command ? p->dialup.dial_command : "ATDT";
    if (!gtk_combo_box_set_active_id(self->dial_command_combo, dial))
        gtk_combo_box_set_active_id(self->dial_command_combo, "ATDT");
    dt_editor_page_set_text(self->phone_entry, p->dialup.phone);
}

static char **
split_init(const char *text)
{
    g_auto(GStrv) parts = g_strsplit(text, ";", -1);
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();

    for (guint i = 0; parts[i]; i++) {
        g_strstrip(parts[i]);
        if (*parts[i])
            g_strv_builder_add(b, parts[i]);
    }
    return g_strv_builder_end(b);
}

static void
page_apply(DtEditorPage *page, DtProfile *p)
{
    DtPageModem *self = DT_PAGE_MODEM(page);

    g_free(p->dialup.device);
    p->dialup.device = dt_editor_page_dup_text(self->device_combo_entry);
    p->dialup.speed = (guint)g_ascii_strtoull(
        gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->speed_combo)), NULL, 10);
    p->dialup.flow_control = g_strcmp0(gtk_combo_box_get_active_id(self->flow_combo), "none") == 0
                                 ? DT_FLOW_CONTROL_NONE
                                 : DT_FLOW_CONTROL_HARDWARE;
    g_strfreev(p->dialup.init);
    p->dialup.init = split_init(gtk_entry_get_text(self->init_entry));
    g_free(p->dialup.dial_command);
    p->dialup.dial_command = g_strdup(gtk_combo_box_get_active_id(self->dial_command_combo));
    g_free(p->dialup.phone);
    p->dialup.phone = dt_editor_page_dup_text(self->phone_entry);
}

static gboolean
page_validate(DtEditorPage *page, GError **error)
{
    DtPageModem *self = DT_PAGE_MODEM(page);
    g_auto(GStrv) init = split_init(gtk_entry_get_text(self->init_entry));
    gboolean ok = TRUE;

    ok &= dt_editor_page_check_entry(self->device_combo_entry, _("Device"), dt_validate_device_path,
                                     FALSE, error);
    dt_editor_page_mark_entry(self->init_entry, NULL);
    for (guint i = 0; init[i]; i++) {
        g_autoptr(GString) why = g_string_new(NULL);
        if (!dt_validate_modem_command(init[i], why)) {
            /* Translators: “Init string: “XYZ” is not …”. */
            g_autofree char *msg = g_strdup_printf(_("Init string: “%s” %s"), init[i], why->str);
            dt_editor_page_mark_entry(self->init_entry, msg);
            if (ok)
                g_set_error_literal(error, DT_PROFILE_ERROR, DT_PROFILE_ERROR_INVALID, msg);
            ok = FALSE;
            break;
        }
    }
    ok &= dt_editor_page_check_entry(self->phone_entry, _("Phone number"), dt_validate_phone, FALSE,
                                     ok ? error : NULL);
    return ok;
}

static void
dt_page_modem_page_init(DtEditorPageInterface *iface)
{
    iface->load = page_load;
    iface->apply = page_apply;
    iface->validate = page_validate;
}

static void
dt_page_modem_class_init(DtPageModemClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/dialtone/Dialtone/dt-page-modem.ui");
    gtk_widget_class_bind_template_child(widget_class, DtPageModem, device_combo);
    gtk_widget_class_bind_template_child(widget_class, DtPageModem, device_combo_entry);
    gtk_widget_class_bind_template_child(widget_class, DtPageModem, speed_combo);
    gtk_widget_class_bind_template_child(widget_class, DtPageModem, flow_combo);
    gtk_widget_class_bind_template_child(widget_class, DtPageModem, init_entry);
    gtk_widget_class_bind_template_child(widget_class, DtPageModem, dial_command_combo);
    gtk_widget_class_bind_template_child(widget_class, DtPageModem, phone_entry);
    gtk_widget_class_bind_template_callback(widget_class, on_changed_cb);
}

static void
dt_page_modem_init(DtPageModem *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}
