/* dt-server-config.c — server.conf with file/line/key errors. */
#include "dt-server-config.h"

#include <string.h>

#include "dt-validate.h"

G_DEFINE_QUARK(dt - server - config - error - quark, dt_server_config_error)

static gboolean
split_listen(const char *v, char **addr, guint16 *port, GString *why)
{
    g_autofree char *host = NULL;
    const char *port_text = NULL;
    if (v[0] == '[') {
        const char *end = strchr(v, ']');
        if (end == NULL || (end[1] != '\0' && end[1] != ':')) {
            if (why)
                g_string_append(why, "is not an address; write an IPv6 address and port like "
                                     "[::]:1723");
            return FALSE;
        }
        host = g_strndup(v + 1, (gsize)(end - v - 1));
        if (end[1] == ':')
            port_text = end + 2;
        if (!dt_validate_ipv6(host, why))
            return FALSE;
    } else if (strchr(v, ':') != strrchr(v, ':')) {
        host = g_strdup(v); /* a bare IPv6 address, no port */
        if (!dt_validate_ipv6(host, why))
            return FALSE;
    } else {
        const char *colon = strchr(v, ':');
        host = colon ? g_strndup(v, (gsize)(colon - v)) : g_strdup(v);
        if (colon)
            port_text = colon + 1;
        if (!dt_validate_ipv4(host, why))
            return FALSE;
    }
    guint64 p = DT_SERVER_CONFIG_DEFAULT_PORT;
    if (port_text && !g_ascii_string_to_unsigned(port_text, 10, 1, 65535, &p, NULL)) {
        if (why)
            g_string_append(why, "has a port that is not a number from 1 to 65535; leave it "
                                 "out for PPTP's 1723");
        return FALSE;
    }
    if (addr)
        *addr = g_steal_pointer(&host);
    if (port)
        *port = (guint16)p;
    return TRUE;
}

static gboolean
check_listen(const char *v, GString *why)
{
    return split_listen(v, NULL, NULL, why);
}

static gboolean
split_range(const char *v, guint32 *first, guint32 *last, GString *why)
{
    const char *dash = strchr(v, '-');
    if (dash == NULL) {
        if (why)
            g_string_append(why, "is not a range; write first-last, like "
                                 "198.51.100.10-198.51.100.99");
        return FALSE;
    }
    g_autofree char *a = g_strstrip(g_strndup(v, (gsize)(dash - v)));
    g_autofree char *b = g_strstrip(g_strdup(dash + 1));
    guint32 f, l;
    if (!dt_parse_ipv4(a, &f) || !dt_parse_ipv4(b, &l)) {
        if (why)
            g_string_append(why, "does not have an IPv4 address on each side of “-”; write it "
                                 "like 198.51.100.10-198.51.100.99");
        return FALSE;
    }
    if (f > l) {
        if (why)
            g_string_append(why, "starts after it ends; put the lower address first");
        return FALSE;
    }
    if (first)
        *first = f;
    if (last)
        *last = l;
    return TRUE;
}

static gboolean
check_range(const char *v, GString *why)
{
    return split_range(v, NULL, NULL, why);
}

#define S(member) G_STRUCT_OFFSET(DtServerConfig, member)

static const DtKey server_keys[] = {
    {"Server", "Listen", DT_KEY_STRING, S(listen), 0, "0.0.0.0", NULL, 0, 0, NULL, check_listen,
     NULL},
    {"Server", "LocalAddress", DT_KEY_STRING, S(local_address), DT_KEY_REQUIRED, NULL, NULL, 0, 0,
     NULL, dt_validate_ipv4, "the server's end of every tunnel, like 198.51.100.1"},
    {"Server", "RemoteAddresses", DT_KEY_STRING, S(remote_addresses), DT_KEY_REQUIRED, NULL, NULL,
     0, 0, NULL, check_range, "the clients' address range, like 198.51.100.10-198.51.100.99"},
    {"Server", "DNS", DT_KEY_LIST, S(dns), 0, NULL, NULL, 0, 0, NULL, dt_validate_ipv4, NULL},
    {"Server", "Secrets", DT_KEY_STRING, S(secrets), 0, "/etc/dialtone/chap-secrets", NULL, 0, 0,
     NULL, dt_validate_absolute_path, NULL},
    /* RFC 2637 §1.3: Call IDs are 16 bits. */
    {"Server", "MaxCalls", DT_KEY_UINT, S(max_calls), 0, "1000", NULL, 1, 65535, NULL, NULL, NULL},

    {"Security", "Authentication", DT_KEY_AUTH, S(security.authentication), 0, "mschapv2", NULL, 0,
     0, NULL, NULL, NULL},
    {"Security", "Encryption", DT_KEY_ENUM, S(security.encryption), 0, "require-128", NULL, 0, 0,
     dt_encryption_tokens, NULL, NULL},
    {"Security", "AllowStateful", DT_KEY_BOOL, S(security.allow_stateful), 0, "false", NULL, 0, 0,
     NULL, NULL, NULL},
    {"Security", "Compression", DT_KEY_BOOL, S(security.compression), 0, "true", NULL, 0, 0, NULL,
     NULL, NULL},
    {"Security", "Strengths", DT_KEY_LIST, S(security.strengths), 0, "128;56;40", NULL, 0, 0, NULL,
     dt_validate_strength, NULL},
    {"Security", "PreferStateful", DT_KEY_BOOL, S(security.prefer_stateful), 0, "false", NULL, 0, 0,
     NULL, NULL, NULL},

    {"PPP", "MTU", DT_KEY_UINT, S(ppp.mtu), 0, "1400", NULL, 576, 1500, NULL, NULL, NULL},
    {"PPP", "MRU", DT_KEY_UINT, S(ppp.mru), 0, "1400", NULL, 576, 1500, NULL, NULL, NULL},
    {"PPP", "EchoInterval", DT_KEY_UINT, S(ppp.echo_interval), 0, "30", NULL, 0, 3600, NULL, NULL,
     NULL},
    {"PPP", "EchoFailures", DT_KEY_UINT, S(ppp.echo_failures), 0, "4", NULL, 1, 100, NULL, NULL,
     NULL},
};

void
dt_server_config_free(DtServerConfig *c)
{
    if (c == NULL)
        return;
    dt_kf_clear_keys(server_keys, G_N_ELEMENTS(server_keys), c);
    g_free(c->listen_address);
    g_clear_pointer(&c->warnings, g_ptr_array_unref);
    g_free(c);
}

guint64
dt_server_config_pool_size(const DtServerConfig *c)
{
    return (guint64)c->remote_last - c->remote_first + 1;
}

static void
warn_unknown(DtKfReader *r, GKeyFile *kf, const char *file_name, GPtrArray *warnings)
{
    g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
    for (char **g = groups; *g; g++) {
        gboolean known_group = FALSE;
        for (gsize i = 0; i < G_N_ELEMENTS(server_keys); i++)
            known_group |= strcmp(server_keys[i].group, *g) == 0;
        if (!known_group) {
            g_ptr_array_add(warnings,
                            g_strdup_printf("%s:%u: [%s]: unknown group, ignored", file_name,
                                            dt_kf_reader_line(r, *g, NULL), *g));
            continue;
        }
        g_auto(GStrv) keys = g_key_file_get_keys(kf, *g, NULL, NULL);
        for (char **k = keys; keys && *k; k++)
            if (!dt_kf_find_key(server_keys, G_N_ELEMENTS(server_keys), *g, *k))
                g_ptr_array_add(warnings,
                                g_strdup_printf("%s:%u: [%s] %s: unknown key, ignored", file_name,
                                                dt_kf_reader_line(r, *g, *k), *g, *k));
    }
}

DtServerConfig *
dt_server_config_load_data(const char *data, gsize len, const char *file_name, GError **error)
{
    if (file_name == NULL)
        file_name = DT_SERVER_CONFIG_PATH;
    g_autoptr(DtKfReader) r = dt_kf_reader_new(DT_SERVER_CONFIG_ERROR, file_name, "server.conf");
    g_autoptr(GKeyFile) kf = dt_kf_reader_parse(r, data, len);
    if (kf == NULL) {
        dt_kf_reader_finish(r, error);
        return NULL;
    }
    g_autoptr(DtServerConfig) c = g_new0(DtServerConfig, 1);
    c->warnings = g_ptr_array_new_with_free_func(g_free);
    dt_kf_refuse_secrets(r, kf,
                         "passwords do not belong in server.conf; put them in the Secrets file "
                         "(chap-secrets format) and remove this line");
    dt_kf_load_keys(r, kf, server_keys, G_N_ELEMENTS(server_keys), 0, c);
    if (!dt_kf_reader_failed(r)) {
        g_autoptr(GString) why = g_string_new(NULL);
        split_listen(c->listen, &c->listen_address, &c->listen_port, NULL);
        dt_parse_ipv4(c->local_address, &c->local_ipv4);
        split_range(c->remote_addresses, &c->remote_first, &c->remote_last, NULL);
        if (c->local_ipv4 >= c->remote_first && c->local_ipv4 <= c->remote_last)
            dt_kf_reader_error(r, DT_KF_ERROR_INVALID, "Server", "RemoteAddresses",
                               "“%s” contains LocalAddress %s; every client would clash with the "
                               "server's end of the tunnel, so leave it out of the range",
                               c->remote_addresses, c->local_address);
        if (!dt_security_check(&c->security, why))
            dt_kf_reader_error(r, DT_KF_ERROR_INVALID, "Security",
                               g_key_file_has_key(kf, "Security", "Encryption", NULL) ||
                                       !g_key_file_has_key(kf, "Security", "Authentication", NULL)
                                   ? "Encryption"
                                   : "Authentication",
                               "%s", why->str);
    }
    if (!dt_kf_reader_finish(r, error))
        return NULL;
    warn_unknown(r, kf, file_name, c->warnings);
    if (dt_server_config_pool_size(c) < c->max_calls)
        g_ptr_array_add(
            c->warnings,
            g_strdup_printf("%s:%u: [Server] RemoteAddresses: has %" G_GUINT64_FORMAT " addresses, "
                            "fewer than MaxCalls=%u; calls beyond that are refused",
                            file_name, dt_kf_reader_line(r, "Server", "RemoteAddresses"),
                            dt_server_config_pool_size(c), c->max_calls));
    return g_steal_pointer(&c);
}

DtServerConfig *
dt_server_config_load_file(const char *path, GError **error)
{
    g_autofree char *data = NULL;
    gsize len;
    g_autoptr(GError) e = NULL;
    if (path == NULL)
        path = DT_SERVER_CONFIG_PATH;
    if (!g_file_get_contents(path, &data, &len, &e)) {
        g_set_error(error, DT_SERVER_CONFIG_ERROR, DT_SERVER_CONFIG_ERROR_IO, "%s", e->message);
        return NULL;
    }
    return dt_server_config_load_data(data, len, path, error);
}
