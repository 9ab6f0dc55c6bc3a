/* dt-password.c — see dt-password.h. */
#include "dt-password.h"

#include <string.h>

void
dt_password_free(char *password)
{
    if (password) {
        explicit_bzero(password, strlen(password));
        g_free(password);
    }
}

const SecretSchema *
dt_password_get_schema(void)
{
    static const SecretSchema schema = {
        .name = "org.dialtone.Password",
        .flags = SECRET_SCHEMA_NONE,
        .attributes =
            {
                {"profile", SECRET_SCHEMA_ATTRIBUTE_STRING},
                {"user", SECRET_SCHEMA_ATTRIBUTE_STRING},
                {NULL, 0},
            },
    };
    return &schema;
}

void
dt_password_store_async(const char *profile_id, const char *user, const char *password,
                        const char *label, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
    secret_password_store(dt_password_get_schema(), SECRET_COLLECTION_DEFAULT, label, password,
                          cancellable, callback, user_data, "profile", profile_id, "user",
                          user ? user : "", NULL);
}

gboolean
dt_password_store_finish(GAsyncResult *result, GError **error)
{
    return secret_password_store_finish(result, error);
}

void
dt_password_lookup_async(const char *profile_id, const char *user, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
    secret_password_lookup(dt_password_get_schema(), cancellable, callback, user_data, "profile",
                           profile_id, "user", user ? user : "", NULL);
}

char *
dt_password_lookup_finish(GAsyncResult *result, GError **error)
{
    return secret_password_lookup_finish(result, error);
}

void
dt_password_clear_async(const char *profile_id, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
    secret_password_clear(dt_password_get_schema(), cancellable, callback, user_data, "profile",
                          profile_id, NULL);
}

gboolean
dt_password_clear_finish(GAsyncResult *result, GError **error)
{
    g_autoptr(GError) local = NULL;

    /* FALSE without an error means there was nothing to remove. */
    if (!secret_password_clear_finish(result, &local) && local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    return TRUE;
}
