/* dt-helper-auth.c — see dt-helper-auth.h. */
#include "dt-helper-auth.h"

#include "dt-helper-error.h"

#include <polkit/polkit.h>
#include <string.h>

#define CALLER_UID_KEY "dt-caller-uid"

typedef enum {
    RULE_ACTION,          /* polkit decides */
    RULE_OWNER_OR_ACTION, /* the owner may; anyone else needs the action */
    RULE_OWNER,           /* the owner and uid 0 only */
} AuthRule;

static const struct {
    const char *interface;
    const char *method;
    const char *action;
    AuthRule rule;
} auth_table[] = {
    {"org.dialtone.Helper1", "Connect", "org.dialtone.connect", RULE_ACTION},
    {"org.dialtone.Connection1", "Disconnect", "org.dialtone.disconnect-other",
     RULE_OWNER_OR_ACTION},
    /* A report names the user, the server and the addresses: another user's is not ours. */
    {"org.dialtone.Connection1", "GetReport", NULL, RULE_OWNER},
};

static gboolean
get_caller_uid(GDBusMethodInvocation *invocation, guint *uid, GError **error)
{
    g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
        g_dbus_method_invocation_get_connection(invocation), "org.freedesktop.DBus",
        "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetConnectionUnixUser",
        g_variant_new("(s)", g_dbus_method_invocation_get_sender(invocation)),
        G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
    if (!reply)
        return FALSE;
    g_variant_get(reply, "(u)", uid);
    return TRUE;
}

static gboolean
check_polkit(GDBusMethodInvocation *invocation, const char *action, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(PolkitAuthority) authority = polkit_authority_get_sync(NULL, &local);
    g_autoptr(PolkitSubject) subject = NULL;
    g_autoptr(PolkitAuthorizationResult) result = NULL;

    if (!authority) {
        g_set_error(error, DT_HELPER_ERROR, DT_HELPER_ERROR_NOT_AUTHORIZED,
                    "Not authorized: polkit is not available (%s)", local->message);
        return FALSE;
    }
    subject = polkit_system_bus_name_new(g_dbus_method_invocation_get_sender(invocation));
    result = polkit_authority_check_authorization_sync(
        authority, subject, action, NULL, POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION,
        NULL, &local);
    if (!result) {
        g_set_error(error, DT_HELPER_ERROR, DT_HELPER_ERROR_NOT_AUTHORIZED,
                    "Not authorized: polkit could not check %s (%s)", action, local->message);
        return FALSE;
    }
    if (!polkit_authorization_result_get_is_authorized(result)) {
        g_set_error(error, DT_HELPER_ERROR, DT_HELPER_ERROR_NOT_AUTHORIZED,
                    "Not authorized: polkit refused %s%s", action,
                    polkit_authorization_result_get_is_challenge(result)
                        ? " (it needs authentication, and no agent answered)"
                        : "");
        return FALSE;
    }
    return TRUE;
}

static gboolean
on_authorize_method_cb(GDBusInterfaceSkeleton *skeleton, GDBusMethodInvocation *invocation,
                       gpointer user_data)
{
    const char *interface = g_dbus_method_invocation_get_interface_name(invocation);
    const char *method = g_dbus_method_invocation_get_method_name(invocation);
    g_autoptr(GError) error = NULL;
    guint uid = G_MAXUINT;

    if (!get_caller_uid(invocation, &uid, &error)) {
        g_dbus_method_invocation_return_error(
            invocation, DT_HELPER_ERROR, DT_HELPER_ERROR_NOT_AUTHORIZED,
            "Not authorized: cannot tell who is calling (%s)", error->message);
        return FALSE;
    }
    g_object_set_data(G_OBJECT(invocation), CALLER_UID_KEY, GUINT_TO_POINTER(uid + 1));
    for (gsize i = 0; i < G_N_ELEMENTS(auth_table); i++) {
        if (strcmp(auth_table[i].interface, interface) != 0 ||
            strcmp(auth_table[i].method, method) != 0)
            continue;
        if (uid == 0)
            return TRUE;
        if (auth_table[i].rule != RULE_ACTION) {
            gpointer owner = g_object_get_data(G_OBJECT(skeleton), DT_HELPER_AUTH_OWNER_KEY);
            if (owner && GPOINTER_TO_UINT(owner) - 1 == uid)
                return TRUE;
        }
        if (auth_table[i].rule == RULE_OWNER) {
            g_message("caller uid %u: %s.%s: not the owner", uid, interface, method);
            g_dbus_method_invocation_return_error(invocation, DT_HELPER_ERROR,
                                                  DT_HELPER_ERROR_NOT_AUTHORIZED,
                                                  "Not authorized: another user's connection");
            return FALSE;
        }
        if (!check_polkit(invocation, auth_table[i].action, &error)) {
            g_message("caller uid %u: %s.%s: %s", uid, interface, method, error->message);
            g_dbus_method_invocation_return_gerror(invocation, error);
            return FALSE;
        }
        return TRUE;
    }
    return TRUE;
}

void
dt_helper_auth_attach(GDBusInterfaceSkeleton *skeleton)
{
    g_signal_connect(skeleton, "g-authorize-method", G_CALLBACK(on_authorize_method_cb), NULL);
}

guint
dt_helper_auth_caller_uid(GDBusMethodInvocation *invocation)
{
    gpointer v = g_object_get_data(G_OBJECT(invocation), CALLER_UID_KEY);
    return v ? GPOINTER_TO_UINT(v) - 1 : G_MAXUINT;
}
