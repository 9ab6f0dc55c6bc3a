/* test-mschap-msg.c — the MS-CHAP Success/Failure message texts (RFC 2759
 * §5, §6; RFC 2433), as real servers send them and as garbage. */
#include <string.h>

#include "dt-mschap-msg.h"
#include "dt-test.h"

static void
parse(const char *text, DtMschapMsg *m)
{
    dt_mschap_msg_parse((const uint8_t *)text, strlen(text), m);
}

static void
test_rfc2759_failure(void)
{
    DtMschapMsg m;
    parse("E=691 R=1 C=00112233445566778899AABBCCDDEEFF V=3 M=Authentication failure", &m);
    g_assert_true(m.have_error);
    g_assert_cmpuint(m.error, ==, 691);
    g_assert_true(m.have_retry);
    g_assert_true(m.retry);
    g_assert_cmpuint(m.challenge_len, ==, 16);
    for (int i = 0; i < 16; i++)
        g_assert_cmpuint(m.challenge[i], ==, (unsigned)(i * 0x11));
    g_assert_true(m.have_version);
    g_assert_cmpuint(m.version, ==, 3);
    g_assert_true(m.have_text);
    g_assert_cmpstr(m.text, ==, "Authentication failure");
    g_assert_false(m.have_auth);
}

static void
test_variants(void)
{
    DtMschapMsg m;
    /* pppd's v1 form, lower-case hex, 16 digits. */
    parse("E=691 R=1 C=0011223344556677 V=0 M=Access denied", &m);
    g_assert_cmpuint(m.error, ==, 691);
    g_assert_cmpuint(m.challenge_len, ==, 8);
    g_assert_cmpuint(m.version, ==, 0);
    g_assert_true(m.have_version);
    g_assert_cmpstr(m.text, ==, "Access denied");
    parse("E=649 R=0 C=aabbccddeeff00112233445566778899 V=3", &m);
    g_assert_cmpuint(m.challenge_len, ==, 16);
    g_assert_cmpuint(m.challenge[0], ==, 0xAA);
    g_assert_false(m.have_text);
    /* Missing fields and extra spaces. */
    parse("   E=648    M=  spaced  out ", &m);
    g_assert_cmpuint(m.error, ==, 648);
    g_assert_false(m.have_retry);
    g_assert_false(m.have_version);
    g_assert_cmpuint(m.challenge_len, ==, 0);
    g_assert_cmpstr(m.text, ==, "  spaced  out ");
    /* Broken values are skipped, not guessed. */
    parse("E=69x R=2 C=0011 V=-3 S=ABC garbage =x Q=1 E=646", &m);
    g_assert_true(m.have_error);
    g_assert_cmpuint(m.error, ==, 646);
    g_assert_false(m.have_retry);
    g_assert_cmpuint(m.challenge_len, ==, 0);
    g_assert_false(m.have_version);
    g_assert_false(m.have_auth);
    parse("E=99999999999 V=4294967295", &m); /* 11 digits: dropped */
    g_assert_false(m.have_error);
    g_assert_cmpuint(m.version, ==, 4294967295u);
    parse("E=4294967296", &m);
    g_assert_false(m.have_error);
    /* A field given twice keeps the first. */
    parse("E=691 E=649", &m);
    g_assert_cmpuint(m.error, ==, 691);
    /* M= binds to the end, even over things that look like fields. */
    parse("M=E=649 R=1", &m);
    g_assert_false(m.have_error);
    g_assert_cmpstr(m.text, ==, "E=649 R=1");
    /* Nothing at all. */
    dt_mschap_msg_parse(NULL, 5, &m);
    g_assert_false(m.have_error || m.have_text || m.have_auth);
    parse("", &m);
    g_assert_false(m.have_error || m.have_text || m.have_auth);
}

static void
test_success(void)
{
    DtMschapMsg m;
    const char *s = "S=407A5589115FD0D6209F510FE9C04566932CDA56 M=Access granted";
    parse(s, &m);
    g_assert_true(m.have_auth);
    g_assert_cmpstr(m.auth, ==, "407A5589115FD0D6209F510FE9C04566932CDA56");
    g_assert_cmpstr(m.text, ==, "Access granted");
    parse("S=407A5589115FD0D6209F510FE9C04566932CDA56", &m);
    g_assert_true(m.have_auth);
    g_assert_false(m.have_text);
    parse("S=407A5589115FD0D6209F510FE9C04566932CDA5", &m); /* 39 digits */
    g_assert_false(m.have_auth);
    parse("S=407A5589115FD0D6209F510FE9C04566932CDA56Z", &m);
    g_assert_false(m.have_auth);
    parse("S=407A5589115FD0D6209F510FE9C04566932CDAZ6", &m);
    g_assert_false(m.have_auth);
}

static void
test_sanitise(void)
{
    char out[8];
    static const uint8_t in[] = {'a', 0, '\n', 0xC3, 0xA9, 0x7F, 'z', '~', 'x', 'y'};
    dt_mschap_msg_sanitise(out, sizeof(out), in, sizeof(in));
    g_assert_cmpstr(out, ==, "a?????z");
    dt_mschap_msg_sanitise(out, 1, in, sizeof(in));
    g_assert_cmpstr(out, ==, "");
    DtMschapMsg m;
    char longtext[600];
    memcpy(longtext, "M=", 2);
    memset(longtext + 2, 'q', sizeof(longtext) - 3);
    longtext[sizeof(longtext) - 1] = '\0';
    parse(longtext, &m);
    g_assert_cmpuint(strlen(m.text), ==, DT_MSCHAP_MSG_MAX_TEXT - 1);
}

static void
test_format_roundtrip(void)
{
    uint8_t chal[16];
    for (int i = 0; i < 16; i++)
        chal[i] = (uint8_t)(0xF0 - i);
    char buf[256];
    size_t n = dt_mschap_msg_format_failure(buf, sizeof(buf), 691, false, chal, 16, 3,
                                            "Authentication failure");
    g_assert_cmpuint(n, ==, strlen(buf));
    g_assert_cmpstr(buf, ==,
                    "E=691 R=0 C=F0EFEEEDECEBEAE9E8E7E6E5E4E3E2E1 V=3 M=Authentication failure");
    DtMschapMsg m;
    parse(buf, &m);
    g_assert_cmpuint(m.error, ==, 691);
    g_assert_false(m.retry);
    g_assert_cmpuint(m.challenge_len, ==, 16);
    dt_assert_mem(m.challenge, chal, 16);

    n = dt_mschap_msg_format_failure(buf, sizeof(buf), 691, true, chal, 8, 0, NULL);
    g_assert_cmpstr(buf, ==, "E=691 R=1 C=F0EFEEEDECEBEAE9 V=0");
    g_assert_cmpuint(n, ==, strlen(buf));
    /* Does not fit: 0, never a cut message. */
    g_assert_cmpuint(dt_mschap_msg_format_failure(buf, 10, 691, true, chal, 16, 3, NULL), ==, 0);
    g_assert_cmpuint(dt_mschap_msg_format_failure(buf, sizeof(buf), 1, true, chal, 17, 3, NULL), ==,
                     0);

    const char *auth = "S=407A5589115FD0D6209F510FE9C04566932CDA56";
    n = dt_mschap_msg_format_success(buf, sizeof(buf), auth, "Access granted");
    g_assert_cmpstr(buf, ==, "S=407A5589115FD0D6209F510FE9C04566932CDA56 M=Access granted");
    g_assert_cmpuint(n, ==, 42 + 17);
    n = dt_mschap_msg_format_success(buf, sizeof(buf), auth, NULL);
    g_assert_cmpuint(n, ==, 42);
    g_assert_cmpuint(dt_mschap_msg_format_success(buf, 42, auth, NULL), ==, 0);
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/mschap-msg/rfc2759-failure", test_rfc2759_failure);
    g_test_add_func("/mschap-msg/variants", test_variants);
    g_test_add_func("/mschap-msg/success", test_success);
    g_test_add_func("/mschap-msg/sanitise", test_sanitise);
    g_test_add_func("/mschap-msg/format", test_format_roundtrip);
    return dt_test_run();
}
