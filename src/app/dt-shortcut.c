/* dt-shortcut.c — see dt-shortcut.h. */
#include "dt-shortcut.h"

#include <errno.h>

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dt-application.h"
#include "dt-validate.h"

/* gapplication action APP ACTION 'ID': the parameter is GVariant text, a quoted string. The
 * Exec key's own quoting (the spec's §7) then needs double quotes around it. */
static char *
exec_line(const char *action, const char *id)
{
    return g_strdup_printf("gapplication action %s %s \"'%s'\"", DT_APPLICATION_ID, action, id);
}

char *
dt_shortcut_write(const char *dir, const char *id, const char *name, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *file = NULL, *path = NULL, *data = NULL, *title = NULL, *comment = NULL;
    g_autofree char *connect = NULL, *disconnect = NULL;
    const char *group = G_KEY_FILE_DESKTOP_GROUP;
    const char *dgroup = "Desktop Action disconnect";

    if (!dt_validate_uuid(id, NULL)) { /* it goes into a file name and an Exec line */
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    _("The profile’s Id “%s” cannot name a shortcut."), id ? id : "");
        return NULL;
    }
    /* Translators: the name of a desktop shortcut; %s is the profile's name. */
    title = g_strdup_printf(_("Connect %s"), name);
    /* Translators: the tooltip of a desktop shortcut; %s is the profile's name. */
    comment = g_strdup_printf(_("Connect the Dialtone profile “%s”"), name);
    connect = exec_line("connect", id);
    disconnect = exec_line("disconnect", id);
    g_key_file_set_string(kf, group, G_KEY_FILE_DESKTOP_KEY_TYPE, "Application");
    g_key_file_set_string(kf, group, G_KEY_FILE_DESKTOP_KEY_NAME, title);
    g_key_file_set_string(kf, group, G_KEY_FILE_DESKTOP_KEY_COMMENT, comment);
    g_key_file_set_string(kf, group, G_KEY_FILE_DESKTOP_KEY_ICON, DT_APPLICATION_ID);
    g_key_file_set_string(kf, group, G_KEY_FILE_DESKTOP_KEY_EXEC, connect);
    g_key_file_set_string(kf, group, G_KEY_FILE_DESKTOP_KEY_TRY_EXEC, "gapplication");
    g_key_file_set_boolean(kf, group, G_KEY_FILE_DESKTOP_KEY_TERMINAL, FALSE);
    g_key_file_set_string(kf, group, G_KEY_FILE_DESKTOP_KEY_CATEGORIES, "Network;Dialup;");
    g_key_file_set_string(kf, group, "Actions", "disconnect;");
    g_key_file_set_string(kf, group, "X-Dialtone-Profile", id);
    g_key_file_set_string(kf, dgroup, G_KEY_FILE_DESKTOP_KEY_NAME, _("Disconnect"));
    g_key_file_set_string(kf, dgroup, G_KEY_FILE_DESKTOP_KEY_EXEC, disconnect);

    if (g_mkdir_with_parents(dir, 0755) < 0) {
        int e = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), _("Cannot create %s: %s"), dir,
                    g_strerror(e));
        return NULL;
    }
    file = g_strdup_printf("dialtone-connect-%s.desktop", id);
    path = g_build_filename(dir, file, NULL);
    data = g_key_file_to_data(kf, NULL, NULL);
    if (!g_file_set_contents_full(path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0755, error))
        return NULL;
    return g_steal_pointer(&path);
}

char *
dt_shortcut_create(const char *id, const char *name, GError **error)
{
    g_autofree char *apps = g_build_filename(g_get_user_data_dir(), "applications", NULL);
    const char *desktop = g_get_user_special_dir(G_USER_DIRECTORY_DESKTOP);
    char *path = dt_shortcut_write(apps, id, name, error);

    if (path && desktop && g_file_test(desktop, G_FILE_TEST_IS_DIR) &&
        g_strcmp0(desktop, g_get_home_dir()) != 0) {
        g_autoptr(GError) ignored = NULL;
        g_autofree char *copy = dt_shortcut_write(desktop, id, name, &ignored);
        if (!copy)
            g_message("no shortcut in %s: %s", desktop, ignored->message);
    }
    return path;
}
