/* dt-password.h — profile passwords in the user's keyring (libsecret).
 *
 * Schema org.dialtone.Password with the attributes profile (the profile's
 * Id) and user, as ../shared/FORMATS.md fixes it, so the app and dialtonectl
 * find the same items. Passwords live only there: never in profile files,
 * never in logs. */
#ifndef DT_PASSWORD_H
#define DT_PASSWORD_H

#include <libsecret/secret.h>

G_BEGIN_DECLS

const SecretSchema *dt_password_get_schema(void);
/* Overwrites a password copy of ours (g_malloc'd), then frees it; NULL is allowed. */
void dt_password_free(char *password);

/* label is what a keyring browser shows (“Dialtone password for Office VPN”). */
void dt_password_store_async(const char *profile_id, const char *user, const char *password,
                             const char *label, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean dt_password_store_finish(GAsyncResult *result, GError **error);

void dt_password_lookup_async(const char *profile_id, const char *user, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
/* NULL and no error when there is none; free with secret_password_free(). */
char *dt_password_lookup_finish(GAsyncResult *result, GError **error);

/* Removes every password of the profile, whatever its user. */
void dt_password_clear_async(const char *profile_id, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean dt_password_clear_finish(GAsyncResult *result, GError **error);

G_END_DECLS

#endif
