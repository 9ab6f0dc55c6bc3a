/* gtk-hello.c — the baseline for bench/app-startup.sh: the least a GTK 3 application does to
 * show a window (a GtkApplication, one GtkApplicationWindow with a header bar and a label),
 * reporting its first frame the way dialtone does under DIALTONE_STARTUP_TRACE=1. */
#include <gtk/gtk.h>

static gboolean
first_draw_cb(GtkWidget *widget, cairo_t *cr, gpointer user_data)
{
    g_printerr("gtk-hello: startup first-frame monotonic_us=%" G_GINT64_FORMAT "\n",
               g_get_monotonic_time());
    g_signal_handlers_disconnect_by_func(widget, first_draw_cb, user_data);
    return FALSE;
}

static void
activate_cb(GtkApplication *app, gpointer user_data)
{
    GtkWidget *window = gtk_application_window_new(app);
    GtkWidget *header = gtk_header_bar_new();

    gtk_header_bar_set_title(GTK_HEADER_BAR(header), "Hello");
    gtk_header_bar_set_show_close_button(GTK_HEADER_BAR(header), TRUE);
    gtk_window_set_titlebar(GTK_WINDOW(window), header);
    gtk_container_add(GTK_CONTAINER(window), gtk_label_new("Hello"));
    gtk_window_set_default_size(GTK_WINDOW(window), 570, 476);
    g_signal_connect_after(window, "draw", G_CALLBACK(first_draw_cb), NULL);
    gtk_widget_show_all(window);
}

int
main(int argc, char **argv)
{
    g_autoptr(GtkApplication) app =
        gtk_application_new("org.dialtone.GtkHello", G_APPLICATION_DEFAULT_FLAGS);

    g_signal_connect(app, "activate", G_CALLBACK(activate_cb), NULL);
    return g_application_run(G_APPLICATION(app), argc, argv);
}
