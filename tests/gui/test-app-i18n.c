/* test-app-i18n.c — the app's words in German from the build tree's catalogue
 * (DIALTONE_LOCALEDIR, po/de.po): its own strings, the link's English words
 * for the encryption, and the English failure sentences the helper passes on
 * from the engine (dt-reason.c), whole or followed by the peer's text. */
#include <glib.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "dt-connection-info.h"

static void
test_own_strings(void)
{
    g_autofree char *words = dt_connection_info_state_words("connected", NULL);
    g_assert_cmpstr(words, ==, "Verbunden");
    g_assert_cmpstr(dt_connection_info_next_step("auth-failed"), ==,
                    "Prüfen Sie Benutzername, Domäne und Passwort und verbinden Sie sich dann "
                    "erneut.");
}

/* The link's words for the encryption ("128-bit", "strong") are English too. */
static void
test_encryption_words(void)
{
    g_autoptr(GVariant) p = g_variant_ref_sink(g_variant_new_parsed(
        "{'auth': <'MS-CHAP v2'>, 'encrypted': <true>, 'strength': <'128-bit'>, "
        "'strength-word': <'strong'>, 'stateless': <true>, 'compression': <true>}"));
    g_autoptr(GVariant) odd = g_variant_ref_sink(g_variant_new_parsed(
        "{'auth': <'MS-CHAP v2'>, 'encrypted': <true>, 'strength': <'64-bit'>, "
        "'strength-word': <'so-so'>, 'stateless': <false>}"));
    g_autofree char *summary = dt_connection_info_summary(p);
    g_autofree char *enc = dt_connection_info_encryption(p);
    g_autofree char *odd_enc = dt_connection_info_encryption(odd);

    g_assert_cmpstr(summary, ==, "MS-CHAP v2 · MPPC · MPPE 128 Bit");
    g_assert_cmpstr(enc, ==, "MPPE 128 Bit, zustandslos (stark)");
    g_assert_cmpstr(odd_enc, ==, "MPPE 64-bit, zustandsbehaftet (so-so)");
}

static void
test_failure_words(void)
{
    static const struct {
        const char *sent, *shown;
    } cases[] = {
        {"The server stopped answering.", "Der Server antwortet nicht mehr."},
        /* dt-ppp-phase.c: the sentence, then the method and what the peer said. */
        {"The user name or password was not accepted. MS-CHAP v2: E=691 R=0 V=3",
         "Der Benutzername oder das Passwort wurde nicht akzeptiert. MS-CHAP v2: E=691 R=0 V=3"},
        {"The user name or password was not accepted. (PAP)",
         "Der Benutzername oder das Passwort wurde nicht akzeptiert. (PAP)"},
        {"The modem hears no dial tone: is the phone line plugged in? ATDT5551234",
         "Das Modem hört kein Freizeichen: Ist die Telefonleitung eingesteckt? ATDT5551234"},
        /* Words the catalogue does not have stay as they came. */
        {"vpn.example.com: Name or service not known",
         "vpn.example.com: Name or service not known"},
        {"Not in the catalogue. The server stopped answering.",
         "Not in the catalogue. The server stopped answering."},
        {"", ""},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *shown = dt_connection_info_failure_words(cases[i].sent);
        g_assert_cmpstr(shown, ==, cases[i].shown);
    }
    g_autofree char *none = dt_connection_info_failure_words(NULL);
    g_assert_cmpstr(none, ==, "");
}

int
main(int argc, char **argv)
{
    const char *dir = g_getenv("DIALTONE_LOCALEDIR");

    g_test_init(&argc, &argv, NULL);
    if (!dir || !*dir) {
        g_test_skip("DIALTONE_LOCALEDIR is not set (the build tree's po/)");
        return g_test_run();
    }
    /* LANGUAGE is ignored under the C locale; C.UTF-8 is always there. */
    g_unsetenv("LC_ALL");
    g_setenv("LANGUAGE", "de", TRUE);
    g_assert_nonnull(setlocale(LC_ALL, "C.UTF-8"));
    bindtextdomain(GETTEXT_PACKAGE, dir);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);

    g_test_add_func("/app/i18n/own-strings", test_own_strings);
    g_test_add_func("/app/i18n/encryption-words", test_encryption_words);
    g_test_add_func("/app/i18n/failure-words", test_failure_words);
    return g_test_run();
}
