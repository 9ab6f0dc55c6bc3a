/* test-chap-secrets.c — pppd's chap-secrets format and the safe loader. */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dt-chap-secrets.h"

static DtChapSecrets *
parse(const char *text, GError **error)
{
    return dt_chap_secrets_parse(text, strlen(text), "chap-secrets", error);
}

static void
test_parse(void)
{
    static const char text[] =
        "# Secrets for authentication using CHAP\n"
        "# client\tserver\tsecret\t\t\tIP addresses\n"
        "alice\t*\t\"correct horse\"\t*\n"
        "bob pptpd 'it''s' 192.0.2.10 192.0.2.11\n"
        "   carol   *   s3cr#t   -   # trailing comment\n"
        "\"dave smith\" * a\\sb\\tc\\\\d\\\"e\\101\\x41\\q 10.0.0.0/8 !10.1.0.0/16\n"
        "erin * \"\" *\n"
        "frank * long\\\n"
        "continued 192.0.2.20 -- mtu 1400\n"
        "\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(DtChapSecrets) t = parse(text, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(dt_chap_secrets_get_n_entries(t), ==, 6);

    const DtChapSecret *e = dt_chap_secrets_get_entry(t, 0);
    g_assert_cmpstr(e->client, ==, "alice");
    g_assert_cmpstr(e->server, ==, "*");
    g_assert_cmpstr(e->secret, ==, "correct horse");
    g_assert_cmpstr(e->addresses[0], ==, "*");
    g_assert_cmpuint(e->line, ==, 3);

    e = dt_chap_secrets_get_entry(t, 1);
    g_assert_cmpstr(e->secret, ==, "its"); /* adjacent quoted parts join */
    g_assert_cmpuint(g_strv_length(e->addresses), ==, 2);
    g_assert_cmpstr(e->addresses[1], ==, "192.0.2.11");

    e = dt_chap_secrets_get_entry(t, 2);
    g_assert_cmpstr(e->client, ==, "carol");
    g_assert_cmpstr(e->secret, ==, "s3cr#t"); /* # inside a word is a character */
    g_assert_true(e->no_address);
    g_assert_cmpuint(g_strv_length(e->addresses), ==, 0);

    e = dt_chap_secrets_get_entry(t, 3);
    g_assert_cmpstr(e->client, ==, "dave smith");
    g_assert_cmpstr(e->secret, ==, "a b\tc\\d\"eAAq");
    g_assert_cmpstr(e->addresses[1], ==, "!10.1.0.0/16");

    e = dt_chap_secrets_get_entry(t, 4);
    g_assert_cmpstr(e->secret, ==, "");

    e = dt_chap_secrets_get_entry(t, 5);
    g_assert_cmpstr(e->secret, ==, "longcontinued");
    g_assert_cmpstr(e->addresses[0], ==, "192.0.2.20");
    g_assert_cmpuint(g_strv_length(e->addresses), ==, 1);
    g_assert_cmpstr(e->options[0], ==, "mtu");
    g_assert_cmpstr(e->options[1], ==, "1400");
    g_assert_cmpuint(e->line, ==, 8);

    g_autoptr(DtChapSecrets) empty = parse("# nothing\n\n", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(dt_chap_secrets_get_n_entries(empty), ==, 0);
}

static void
test_lookup_precedence(void)
{
    static const char text[] = "* * wild-both\n"
                               "* vpn wild-client\n"
                               "alice * wild-server\n"
                               "alice vpn exact\n"
                               "alice vpn exact-later\n"
                               "bob * bob-any\n"
                               "* vpn any-vpn\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(DtChapSecrets) t = parse(text, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(dt_chap_secrets_lookup(t, "alice", "vpn")->secret, ==, "exact");
    g_assert_cmpstr(dt_chap_secrets_lookup(t, "alice", "other")->secret, ==, "wild-server");
    g_assert_cmpstr(dt_chap_secrets_lookup(t, "carol", "vpn")->secret, ==, "wild-client");
    g_assert_cmpstr(dt_chap_secrets_lookup(t, "carol", "other")->secret, ==, "wild-both");
    /* An exact client with a wildcard server beats a wildcard client with an
     * exact server, as in pppd. */
    g_assert_cmpstr(dt_chap_secrets_lookup(t, "bob", "vpn")->secret, ==, "bob-any");
    g_assert_cmpstr(dt_chap_secrets_lookup(t, "alice", NULL)->secret, ==, "exact");
    /* Names are case-sensitive, as in pppd. */
    g_assert_cmpstr(dt_chap_secrets_lookup(t, "Alice", "vpn")->secret, ==, "wild-client");

    g_autoptr(DtChapSecrets) exact_only = parse("alice vpn s\n", &error);
    g_assert_null(dt_chap_secrets_lookup(exact_only, "bob", "vpn"));
    g_assert_null(dt_chap_secrets_lookup(exact_only, "alice", "other"));
}

static void
test_errors(void)
{
    struct {
        const char *text;
        const char *expect;
    } bad[] = {
        {"alice * \"unterminated\n", "chap-secrets:1: a quote (\") is not closed"},
        {"ok * s\nalice *\n",
         "chap-secrets:2: needs a client, a server and a secret, but has 2 words"},
        {"alice\n", "chap-secrets:1: needs a client, a server and a secret, but has 1 word;"},
        {"alice * s 192.0.2.300\n", "chap-secrets:1: “192.0.2.300” is not an address"},
        {"alice * s - 192.0.2.1\n", "chap-secrets:1: combines “-” (no address) with addresses"},
        {"alice * @/etc/secret\n", "chap-secrets:1: reads its secret from a file"},
        {"alice * a\\000b\n", "chap-secrets:1: an escape gives a NUL character"},
        {"\"\" * s\n", "chap-secrets:1: has an empty client or server name"},
        {"\n\nalice * \xff\xfe\n", NULL}, /* secrets are octets: accepted */
        {"\xff * s\n", "chap-secrets:1: has a client or server name that is not UTF-8"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(DtChapSecrets) t = parse(bad[i].text, &error);
        g_test_message("case %" G_GSIZE_FORMAT ": %s", i, error ? error->message : "(parsed)");
        if (bad[i].expect == NULL) {
            g_assert_no_error(error);
            continue;
        }
        g_assert_null(t);
        g_assert_error(error, DT_CHAP_SECRETS_ERROR, DT_CHAP_SECRETS_ERROR_PARSE);
        if (!g_str_has_prefix(error->message, bad[i].expect))
            g_error("“%s” does not start with “%s”", error->message, bad[i].expect);
    }
    /* A word longer than pppd's limit. */
    g_autofree char *long_word = g_strnfill(2000, 'x');
    g_autofree char *text = g_strdup_printf("alice * %s\n", long_word);
    g_autoptr(GError) error = NULL;
    g_assert_null(parse(text, &error));
    g_assert_true(g_str_has_prefix(error->message, "chap-secrets:1: a word is longer than 1023"));
    g_clear_error(&error);
    /* A NUL byte in the file. */
    g_assert_null(dt_chap_secrets_parse("a * b\n\0", 7, "chap-secrets", &error));
    g_assert_true(g_str_has_prefix(error->message, "chap-secrets:2: contains a NUL byte"));
    g_clear_error(&error);
    /* No message quotes a secret. */
    g_assert_null(parse("alice * topsecret 999.1.1.1\n", &error));
    g_assert_null(strstr(error->message, "topsecret"));
}

static void
test_load_permissions(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("dt-chap-XXXXXX", &error);
    g_assert_no_error(error);
    g_autofree char *path = g_build_filename(dir, "chap-secrets", NULL);
    g_assert_true(g_file_set_contents(path, "alice * s3cret *\n", -1, NULL));

    g_assert_cmpint(g_chmod(path, 0644), ==, 0);
    g_autoptr(DtChapSecrets) t = dt_chap_secrets_load(path, &error);
    g_assert_null(t);
    g_assert_error(error, DT_CHAP_SECRETS_ERROR, DT_CHAP_SECRETS_ERROR_PERMISSIONS);
    g_autofree char *want = g_strdup_printf("%s has mode 0644, so users other than its owner can "
                                            "read or change the secrets; refusing it. Run: chmod "
                                            "600 %s",
                                            path, path);
    g_assert_cmpstr(error->message, ==, want);
    g_clear_error(&error);

    g_assert_cmpint(g_chmod(path, 0620), ==, 0); /* group-writable only */
    g_assert_null(dt_chap_secrets_load(path, &error));
    g_assert_error(error, DT_CHAP_SECRETS_ERROR, DT_CHAP_SECRETS_ERROR_PERMISSIONS);
    g_assert_nonnull(strstr(error->message, "has mode 0620"));
    g_clear_error(&error);

    g_assert_cmpint(g_chmod(path, 0600), ==, 0);
    t = dt_chap_secrets_load(path, &error);
    if (geteuid() == 0) {
        /* root may own it: chown to nobody and expect a refusal. */
        g_assert_no_error(error);
        g_clear_pointer(&t, dt_chap_secrets_free);
        g_assert_cmpint(chown(path, 65534, 65534), ==, 0);
        g_assert_null(dt_chap_secrets_load(path, &error));
        g_assert_error(error, DT_CHAP_SECRETS_ERROR, DT_CHAP_SECRETS_ERROR_PERMISSIONS);
        g_assert_nonnull(strstr(error->message, "is owned by uid 65534, not root"));
        g_clear_error(&error);
    } else {
        g_assert_no_error(error);
        g_assert_cmpstr(dt_chap_secrets_lookup(t, "alice", "x")->secret, ==, "s3cret");
        g_clear_pointer(&t, dt_chap_secrets_free);
    }

    g_assert_null(dt_chap_secrets_load(dir, &error)); /* a folder */
    g_assert_error(error, DT_CHAP_SECRETS_ERROR, DT_CHAP_SECRETS_ERROR_IO);
    g_clear_error(&error);
    g_remove(path);
    g_assert_null(dt_chap_secrets_load(path, &error));
    g_assert_error(error, DT_CHAP_SECRETS_ERROR, DT_CHAP_SECRETS_ERROR_IO);
    g_assert_nonnull(strstr(error->message, path));
    g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/chap-secrets/parse", test_parse);
    g_test_add_func("/chap-secrets/lookup-precedence", test_lookup_precedence);
    g_test_add_func("/chap-secrets/errors", test_errors);
    g_test_add_func("/chap-secrets/load-permissions", test_load_permissions);
    return g_test_run();
}
