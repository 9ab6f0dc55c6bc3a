/* test-server-config.c — /etc/dialtone/server.conf. */
#include <string.h>

#include "dt-server-config.h"

static const char example[] = "[Server]\n"
                              "Listen=0.0.0.0\n"
                              "LocalAddress=198.51.100.1\n"
                              "RemoteAddresses=198.51.100.10-198.51.100.99\n"
                              "DNS=198.51.100.1\n"
                              "Secrets=/etc/dialtone/chap-secrets\n"
                              "MaxCalls=1000\n"
                              "\n"
                              "[Security]\n"
                              "Authentication=mschapv2\n"
                              "Encryption=require-128\n"
                              "AllowStateful=false\n"
                              "Compression=true\n"
                              "\n"
                              "[PPP]\n"
                              "MTU=1400\n"
                              "MRU=1400\n"
                              "EchoInterval=30\n"
                              "EchoFailures=4\n";

static DtServerConfig *
load(const char *text, GError **error)
{
    return dt_server_config_load_data(text, strlen(text), "server.conf", error);
}

static void
test_example(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtServerConfig) c = load(example, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(c->listen_address, ==, "0.0.0.0");
    g_assert_cmpuint(c->listen_port, ==, 1723);
    g_assert_cmpuint(c->local_ipv4, ==, 0xc6336401u);
    g_assert_cmpuint(c->remote_first, ==, 0xc633640au);
    g_assert_cmpuint(c->remote_last, ==, 0xc6336463u);
    g_assert_cmpuint(dt_server_config_pool_size(c), ==, 90);
    g_assert_cmpstr(c->dns[0], ==, "198.51.100.1");
    g_assert_cmpstr(c->secrets, ==, "/etc/dialtone/chap-secrets");
    g_assert_cmpuint(c->max_calls, ==, 1000);
    g_assert_cmpint(c->security.encryption, ==, DT_ENCRYPTION_REQUIRE_128);
    g_assert_cmpuint(c->security.authentication.n, ==, 1);
    g_assert_true(c->security.compression);
    g_assert_cmpuint(c->ppp.mtu, ==, 1400);
    g_assert_cmpuint(c->ppp.echo_failures, ==, 4);
    /* 90 addresses for 1000 calls: worth a warning, not an error. */
    g_assert_cmpuint(c->warnings->len, ==, 1);
    g_assert_cmpstr(c->warnings->pdata[0], ==,
                    "server.conf:4: [Server] RemoteAddresses: has 90 addresses, fewer than "
                    "MaxCalls=1000; calls beyond that are refused");
}

static void
test_minimal_and_listen(void)
{
    struct {
        const char *listen;
        const char *addr;
        guint port;
    } ok[] = {
        {"0.0.0.0", "0.0.0.0", 1723},
        {"192.0.2.1:1724", "192.0.2.1", 1724},
        {"[::]:1723", "::", 1723},
        {"::", "::", 1723},
        {"[2001:db8::1]", "2001:db8::1", 1723},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(ok); i++) {
        g_autofree char *text = g_strdup_printf("[Server]\nListen=%s\nLocalAddress=10.0.0.1\n"
                                                "RemoteAddresses=10.0.0.2-10.0.0.2\nMaxCalls=1\n",
                                                ok[i].listen);
        g_autoptr(GError) error = NULL;
        g_autoptr(DtServerConfig) c = load(text, &error);
        g_assert_no_error(error);
        g_assert_cmpstr(c->listen_address, ==, ok[i].addr);
        g_assert_cmpuint(c->listen_port, ==, ok[i].port);
        g_assert_cmpuint(c->warnings->len, ==, 0);
        /* Defaults for everything not given. */
        g_assert_cmpstr(c->secrets, ==, "/etc/dialtone/chap-secrets");
        g_assert_cmpint(c->security.encryption, ==, DT_ENCRYPTION_REQUIRE_128);
        g_assert_cmpuint(c->ppp.echo_interval, ==, 30);
        g_assert_cmpuint(g_strv_length(c->dns), ==, 0);
    }
}

static void
test_errors(void)
{
    struct {
        const char *from, *to;
        int code;
        const char *expect;
    } bad[] = {
        {"Listen=0.0.0.0", "Listen=0.0.0.0:99999", DT_SERVER_CONFIG_ERROR_INVALID,
         "server.conf:2: [Server] Listen: “0.0.0.0:99999” has a port that is not a number"},
        {"Listen=0.0.0.0", "Listen=vpn.example.com", DT_SERVER_CONFIG_ERROR_INVALID,
         "server.conf:2: [Server] Listen: “vpn.example.com” is not an IPv4 address"},
        {"Listen=0.0.0.0", "Listen=[::1", DT_SERVER_CONFIG_ERROR_INVALID,
         "server.conf:2: [Server] Listen: “[::1” is not an address"},
        {"LocalAddress=198.51.100.1", "LocalAddress=198.51.100.50", DT_SERVER_CONFIG_ERROR_INVALID,
         "server.conf:4: [Server] RemoteAddresses: “198.51.100.10-198.51.100.99” contains "
         "LocalAddress 198.51.100.50"},
        {"LocalAddress=198.51.100.1", "LocalAddress=2001:db8::1", DT_SERVER_CONFIG_ERROR_INVALID,
         "server.conf:3: [Server] LocalAddress: “2001:db8::1” is not an IPv4 address"},
        {"LocalAddress=198.51.100.1\n", "", DT_SERVER_CONFIG_ERROR_MISSING,
         "server.conf:1: [Server] LocalAddress: is missing; add LocalAddress= with the server's "
         "end of every tunnel"},
        {"RemoteAddresses=198.51.100.10-198.51.100.99",
         "RemoteAddresses=198.51.100.99-198.51.100.10", DT_SERVER_CONFIG_ERROR_INVALID,
         "server.conf:4: [Server] RemoteAddresses: “198.51.100.99-198.51.100.10” starts after it "
         "ends; put the lower address first"},
        {"RemoteAddresses=198.51.100.10-198.51.100.99", "RemoteAddresses=198.51.100.10",
         DT_SERVER_CONFIG_ERROR_INVALID,
         "server.conf:4: [Server] RemoteAddresses: “198.51.100.10” "
         "is not a range"},
        {"RemoteAddresses=198.51.100.10-198.51.100.99", "RemoteAddresses=10.0.0.1-x",
         DT_SERVER_CONFIG_ERROR_INVALID, "does not have an IPv4 address on each side"},
        {"DNS=198.51.100.1", "DNS=198.51.100.1;dns.example", DT_SERVER_CONFIG_ERROR_INVALID,
         "server.conf:5: [Server] DNS: “dns.example” is not an IPv4 address"},
        {"Secrets=/etc/dialtone/chap-secrets", "Secrets=chap-secrets",
         DT_SERVER_CONFIG_ERROR_INVALID,
         "server.conf:6: [Server] Secrets: “chap-secrets” is not an absolute file path"},
        {"Secrets=/etc/dialtone/chap-secrets", "Secrets=/etc/../shadow",
         DT_SERVER_CONFIG_ERROR_INVALID, "is not an absolute file path"},
        {"MaxCalls=1000", "MaxCalls=70000", DT_SERVER_CONFIG_ERROR_INVALID,
         "server.conf:7: [Server] MaxCalls: “70000” is out of range; use a number from 1 to 65535"},
        {"Authentication=mschapv2", "Authentication=pap", DT_SERVER_CONFIG_ERROR_INVALID,
         "server.conf:11: [Security] Encryption: Encryption=require-128 needs MS-CHAP"},
        {"Encryption=require-128", "Encryption=maximum", DT_SERVER_CONFIG_ERROR_INVALID,
         "server.conf:11: [Security] Encryption: “maximum” is not one of the choices"},
        {"Compression=true", "Compression=true\nStrengths=128;64", DT_SERVER_CONFIG_ERROR_INVALID,
         "server.conf:14: [Security] Strengths: “64” is not an MPPE key length"},
        {"Compression=true", "Compression=true\nStrengths=40", DT_SERVER_CONFIG_ERROR_INVALID,
         "[Security] Encryption: Encryption=require-128 allows 128-bit MPPE only, but Strengths "
         "leaves 128 out"},
        {"Compression=true", "Compression=on", DT_SERVER_CONFIG_ERROR_INVALID,
         "server.conf:13: [Security] Compression: “on” is not a yes/no value"},
        {"MRU=1400", "MRU=2000", DT_SERVER_CONFIG_ERROR_INVALID,
         "server.conf:17: [PPP] MRU: “2000” is out of range"},
        {"MTU=1400", "Password=x", DT_SERVER_CONFIG_ERROR_SECRET,
         "server.conf:16: [PPP] Password: passwords do not belong in server.conf"},
        {"[PPP]", "PPP]", DT_SERVER_CONFIG_ERROR_PARSE,
         "server.conf:15: this line is neither a [Group]"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        const char *at = strstr(example, bad[i].from);
        g_assert_nonnull(at);
        g_autofree char *text = g_strdup_printf("%.*s%s%s", (int)(at - example), example, bad[i].to,
                                                at + strlen(bad[i].from));
        g_autoptr(GError) error = NULL;
        g_autoptr(DtServerConfig) c = load(text, &error);
        g_test_message("%s: %s", bad[i].to, error ? error->message : "(loaded)");
        g_assert_null(c);
        g_assert_error(error, DT_SERVER_CONFIG_ERROR, bad[i].code);
        if (strstr(error->message, bad[i].expect) == NULL)
            g_error("“%s” not in “%s”", bad[i].expect, error->message);
    }
}

static void
test_unknown_warned(void)
{
    g_autofree char *text = g_strconcat(example, "Mtu=1300\n[Radius]\nServer=192.0.2.9\n", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(DtServerConfig) c = load(text, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(c->warnings->len, ==, 3);
    g_assert_cmpstr(c->warnings->pdata[0], ==, "server.conf:20: [PPP] Mtu: unknown key, ignored");
    g_assert_cmpstr(c->warnings->pdata[1], ==, "server.conf:21: [Radius]: unknown group, ignored");
}

/* Strengths= and PreferStateful=: RRAS's per-strength check boxes and pppd's mppe-stateful. */
static void
test_strengths(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtServerConfig) d = load(example, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(dt_security_strength_mask(&d->security), ==, DT_STRENGTH_ALL);
    g_assert_false(d->security.prefer_stateful);

    g_autoptr(GString) text = g_string_new(example);
    g_string_replace(text, "Encryption=require-128", "Encryption=require", 1);
    g_string_replace(text, "AllowStateful=false",
                     "AllowStateful=true\nPreferStateful=true\nStrengths=40 ; 56", 1);
    g_autoptr(DtServerConfig) c = load(text->str, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(dt_security_strength_mask(&c->security), ==, DT_STRENGTH_40 | DT_STRENGTH_56);
    g_assert_true(c->security.prefer_stateful);
}

/* "Secrets=" with nothing after it is the default file, not no file: the
 * server must always have a chap-secrets path to read (found by fuzzing). */
static void
test_empty_means_default(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtServerConfig) c = load("[Server]\n"
                                       "Listen=\n"
                                       "LocalAddress=198.51.100.1\n"
                                       "RemoteAddresses=198.51.100.10-198.51.100.99\n"
                                       "Secrets=\n",
                                       &error);
    g_assert_no_error(error);
    g_assert_cmpstr(c->secrets, ==, "/etc/dialtone/chap-secrets");
    g_assert_cmpstr(c->listen_address, ==, "0.0.0.0");
    g_assert_cmpuint(c->listen_port, ==, 1723);
}

static void
test_load_file(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DtServerConfig) c = dt_server_config_load_file("/nonexistent/server.conf", &error);
    g_assert_null(c);
    g_assert_error(error, DT_SERVER_CONFIG_ERROR, DT_SERVER_CONFIG_ERROR_IO);
    g_assert_nonnull(strstr(error->message, "/nonexistent/server.conf"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/server-config/example", test_example);
    g_test_add_func("/server-config/minimal-listen", test_minimal_and_listen);
    g_test_add_func("/server-config/errors", test_errors);
    g_test_add_func("/server-config/unknown-warned", test_unknown_warned);
    g_test_add_func("/server-config/strengths", test_strengths);
    g_test_add_func("/server-config/empty-means-default", test_empty_means_default);
    g_test_add_func("/server-config/load-file", test_load_file);
    return g_test_run();
}
