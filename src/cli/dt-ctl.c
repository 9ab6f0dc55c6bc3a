/* dt-ctl.c — see dt-ctl.h. */
#include "dt-ctl.h"

#include "dt-helper-error.h"

#include <stdio.h>
#include <string.h>

DtDBusHelper1 *
dt_ctl_helper(GError **error)
{
    (void)dt_helper_error_quark(); /* the helper's error names map back to codes */
    return dt_dbus_helper1_proxy_new_for_bus_sync(G_BUS_TYPE_SYSTEM, G_DBUS_PROXY_FLAGS_NONE,
                                                  "org.dialtone.Helper1", "/org/dialtone/Helper1",
                                                  NULL, error);
}

DtDBusConnection1 *
dt_ctl_connection(const char *path, GError **error)
{
    (void)dt_helper_error_quark(); /* as in dt_ctl_helper(): a path may come first */
    return dt_dbus_connection1_proxy_new_for_bus_sync(G_BUS_TYPE_SYSTEM, G_DBUS_PROXY_FLAGS_NONE,
                                                      "org.dialtone.Helper1", path, NULL, error);
}

int
dt_ctl_fail(const char *what, const GError *error)
{
    g_autofree char *remote = g_dbus_error_get_remote_error(error);
    g_autoptr(GError) copy = g_error_copy(error);
    g_dbus_error_strip_remote_error(copy);
    fprintf(stderr, "dialtonectl: %s: %s%s%s%s\n", what, copy->message, remote ? " (" : "",
            remote ? remote : "", remote ? ")" : "");
    if (g_error_matches(error, DT_HELPER_ERROR, DT_HELPER_ERROR_NOT_AUTHORIZED))
        return DT_CTL_NOT_AUTHORIZED;
    if (g_error_matches(error, DT_HELPER_ERROR, DT_HELPER_ERROR_INVALID_ARGUMENT))
        return DT_CTL_INVALID;
    if (g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
        g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
        g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return DT_CTL_NO_HELPER;
    return DT_CTL_FAILED;
}

DtDBusConnection1 *
dt_ctl_find_connection(GPtrArray *list, const char *name_or_path)
{
    for (guint i = 0; i < list->len; i++) {
        DtDBusConnection1 *c = g_ptr_array_index(list, i);
        if (strcmp(name_or_path, g_dbus_proxy_get_object_path(G_DBUS_PROXY(c))) == 0 ||
            g_strcmp0(name_or_path, dt_dbus_connection1_get_profile_name(c)) == 0 ||
            g_strcmp0(name_or_path, dt_dbus_connection1_get_profile_id(c)) == 0)
            return c;
    }
    return NULL;
}

GPtrArray *
dt_ctl_list_connections(GError **error)
{
    g_autoptr(DtDBusHelper1) helper = dt_ctl_helper(error);
    g_auto(GStrv) paths = NULL;
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_object_unref);

    if (!helper || !dt_dbus_helper1_call_list_connections_sync(helper, &paths, NULL, error))
        return NULL;
    for (guint i = 0; paths[i]; i++) {
        DtDBusConnection1 *c = dt_ctl_connection(paths[i], error);
        if (!c)
            return NULL;
        g_ptr_array_add(out, c);
    }
    return g_steal_pointer(&out);
}

static void
print_protocols(GVariant *p)
{
    const char *s;
    g_autofree const char **dns = NULL;
    guint32 mtu;
    gboolean b;

    const char *link = "pptp";
    g_variant_lookup(p, "link", "&s", &link);
    gboolean dialup = strcmp(link, "dialup") == 0;

    if (dialup) {
        const char *device = "", *connect = "";
        g_variant_lookup(p, "device", "&s", &device);
        g_variant_lookup(p, "modem-connect", "&s", &connect);
        printf("  Link:           dial-up on %s%s%s\n", *device ? device : "?",
               *connect ? ", CONNECT " : "", connect);
    }
    if (g_variant_lookup(p, "auth", "&s", &s))
        printf("  Authentication: %s\n", s);
    if (g_variant_lookup(p, "encryption", "&s", &s))
        printf("  Encryption:     %s%s\n", s,
               dialup ? " (a modem line; PPP encrypts nothing)" : "");
    if (!dialup && g_variant_lookup(p, "strength-word", "&s", &s))
        printf("  Strength:       %s\n", s);
    if (!dialup && g_variant_lookup(p, "stateless", "b", &b))
        printf("  MPPE mode:      %s\n", b ? "stateless" : "stateful");
    if (g_variant_lookup(p, "compression", "b", &b))
        printf("  Compression:    %s\n", b ? "MPPC" : "none");
    if (!dialup && g_variant_lookup(p, "ccp-sent", "&s", &s))
        printf("  CCP option 18:  sent %s", *s ? s : "-");
    if (!dialup && g_variant_lookup(p, "ccp-received", "&s", &s))
        printf(", received %s\n", *s ? s : "-");
    if (g_variant_lookup(p, "dial-up-interface", "&s", &s)) {
        const char *local = "", *peer = "";
        g_variant_lookup(p, "dial-up-local-address", "&s", &local);
        g_variant_lookup(p, "dial-up-peer-address", "&s", &peer);
        printf("  Dialled first:  %s, address %s%s%s\n", s, *local ? local : "?",
               *peer ? ", ISP end " : "", peer);
    }
    if (g_variant_lookup(p, "local-address", "&s", &s))
        printf("  Address:        %s", s);
    if (g_variant_lookup(p, "peer-address", "&s", &s))
        printf(", %s end %s", dialup ? "ISP" : "server", s);
    if (g_variant_lookup(p, "mtu", "u", &mtu))
        printf(", MTU %u\n", mtu);
    if (g_variant_lookup(p, "interface", "&s", &s))
        printf("  Interface:      %s\n", s);
    if (g_variant_lookup(p, "dns", "^a&s", &dns)) {
        g_autofree char *joined = g_strjoinv(", ", (char **)dns);
        const char *via = "";
        g_variant_lookup(p, "dns-via", "&s", &via);
        printf("  DNS:            %s%s%s%s\n", *joined ? joined : "none", *via ? " (through " : "",
               via,
               *via      ? ")"
               : *joined ? " (not applied)"
                         : "");
    }
}

void
dt_ctl_print_connection(DtDBusConnection1 *c, gboolean details)
{
    const char *reason = "", *words = "";
    GVariant *err = dt_dbus_connection1_get_error(c);
    if (err)
        g_variant_get(err, "(&s&s)", &reason, &words);
    printf("%s  %s  state=%s stage=%s owner=%u%s%s%s\n",
           g_dbus_proxy_get_object_path(G_DBUS_PROXY(c)), dt_dbus_connection1_get_profile_name(c),
           dt_dbus_connection1_get_state(c), dt_dbus_connection1_get_stage(c),
           dt_dbus_connection1_get_owner(c), *reason ? " error=" : "", reason, *reason ? "" : "");
    if (*words)
        printf("  Error:          %s\n", words);
    if (dt_dbus_connection1_get_attempt(c) > 1 ||
        g_strcmp0(dt_dbus_connection1_get_stage(c), "redial-wait") == 0)
        printf("  Attempt:        %u (redials allowed: %u)\n", dt_dbus_connection1_get_attempt(c),
               dt_dbus_connection1_get_redial_attempts(c));
    if (details && dt_dbus_connection1_get_protocols(c))
        print_protocols(dt_dbus_connection1_get_protocols(c));
    if (details && dt_dbus_connection1_get_stats(c)) {
        guint64 tx = 0, rx = 0;
        g_variant_lookup(dt_dbus_connection1_get_stats(c), "tx-bytes", "t", &tx);
        g_variant_lookup(dt_dbus_connection1_get_stats(c), "rx-bytes", "t", &rx);
        printf("  Traffic:        %" G_GUINT64_FORMAT " bytes sent, %" G_GUINT64_FORMAT
               " received\n",
               tx, rx);
    }
    fflush(stdout);
}
