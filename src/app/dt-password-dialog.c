/* dt-password-dialog.c — see dt-password-dialog.h. */
#include "dt-password-dialog.h"

#include <glib/gi18n.h>
#include <string.h>

typedef struct {
    GtkEntry *entry;
    GtkToggleButton *save;
    DtPasswordDialogFunc func;
    gpointer user_data;
} Ask;

static void
on_entry_changed_cb(GtkEditable *editable, GtkDialog *dialog)
{
    gtk_dialog_set_response_sensitive(dialog, GTK_RESPONSE_OK,
                                      gtk_entry_get_text_length(GTK_ENTRY(editable)) > 0);
}

static void
on_response_cb(GtkDialog *dialog, int response, Ask *ask)
{
    gboolean ok = response == GTK_RESPONSE_OK && gtk_entry_get_text_length(ask->entry) > 0;
    g_autofree char *password = ok ? g_strdup(gtk_entry_get_text(ask->entry)) : NULL;

    /* The entry's buffer goes with the dialog; overwrite it first. */
    gtk_entry_set_text(ask->entry, "");
    ask->func(password, ok && gtk_toggle_button_get_active(ask->save), ask->user_data);
    if (password)
        explicit_bzero(password, strlen(password));
    gtk_widget_destroy(GTK_WIDGET(dialog));
    g_free(ask);
}

void
dt_password_dialog_ask(GtkWindow *parent, const char *profile_name, const char *user,
                       DtPasswordDialogFunc func, gpointer user_data)
{
    Ask *ask = g_new0(Ask, 1);
    /* Translators: the password dialog's title; %s is the profile's name. */
    g_autofree char *title = g_strdup_printf(_("Password for “%s”"), profile_name);
    GtkWidget *dialog =
        g_object_new(GTK_TYPE_DIALOG, "title", title, "transient-for", parent, "modal",
                     parent != NULL, "use-header-bar", TRUE, "resizable", FALSE, NULL);
    GtkWidget *content = gtk_dialog_get_content_area(GTK_DIALOG(dialog));
    GtkWidget *grid = gtk_grid_new();
    GtkWidget *label, *user_label;

    ask->func = func;
    ask->user_data = user_data;
    gtk_dialog_add_buttons(GTK_DIALOG(dialog), _("_Cancel"), GTK_RESPONSE_CANCEL, _("C_onnect"),
                           GTK_RESPONSE_OK, NULL);
    gtk_dialog_set_default_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
    gtk_dialog_set_response_sensitive(GTK_DIALOG(dialog), GTK_RESPONSE_OK, FALSE);

    g_object_set(grid, "margin", 18, "row-spacing", 8, "column-spacing", 12, NULL);
    /* Translators: %s is the user name. */
    g_autofree char *who = g_strdup_printf(_("Connecting as %s"), user && *user ? user : "?");
    user_label = gtk_label_new(who);
    gtk_label_set_xalign(GTK_LABEL(user_label), 0);
    gtk_grid_attach(GTK_GRID(grid), user_label, 0, 0, 2, 1);
    label = gtk_label_new_with_mnemonic(_("_Password"));
    gtk_label_set_xalign(GTK_LABEL(label), 1);
    gtk_grid_attach(GTK_GRID(grid), label, 0, 1, 1, 1);
    ask->entry = GTK_ENTRY(gtk_entry_new());
    gtk_entry_set_visibility(ask->entry, FALSE);
    gtk_entry_set_input_purpose(ask->entry, GTK_INPUT_PURPOSE_PASSWORD);
    gtk_entry_set_activates_default(ask->entry, TRUE);
    gtk_widget_set_hexpand(GTK_WIDGET(ask->entry), TRUE);
    gtk_label_set_mnemonic_widget(GTK_LABEL(label), GTK_WIDGET(ask->entry));
    atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(ask->entry)), _("Password"));
    gtk_grid_attach(GTK_GRID(grid), GTK_WIDGET(ask->entry), 1, 1, 1, 1);
    ask->save = GTK_TOGGLE_BUTTON(gtk_check_button_new_with_mnemonic(_("_Save password")));
    gtk_widget_set_tooltip_text(GTK_WIDGET(ask->save), _("Keep it in your keyring"));
    gtk_grid_attach(GTK_GRID(grid), GTK_WIDGET(ask->save), 1, 2, 1, 1);
    gtk_container_add(GTK_CONTAINER(content), grid);

    g_signal_connect(ask->entry, "changed", G_CALLBACK(on_entry_changed_cb), dialog);
    g_signal_connect(dialog, "response", G_CALLBACK(on_response_cb), ask);
    gtk_widget_show_all(dialog);
    gtk_window_present(GTK_WINDOW(dialog));
}
