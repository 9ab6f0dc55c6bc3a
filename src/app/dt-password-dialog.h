/* dt-password-dialog.h — asks for a profile's password when the keyring has none, with
 * "Save password" to put it there. */
#ifndef DT_PASSWORD_DIALOG_H
#define DT_PASSWORD_DIALOG_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* password is NULL when the dialog was cancelled; it is wiped after the call. */
typedef void (*DtPasswordDialogFunc)(const char *password, gboolean save, gpointer user_data);

/* Shows the dialog (modal to parent, which may be NULL) and returns at once. */
void dt_password_dialog_ask(GtkWindow *parent, const char *profile_name, const char *user,
                            DtPasswordDialogFunc func, gpointer user_data);

G_END_DECLS

#endif
