/* test-chap-mschap.c — what only MS-CHAP v1 (RFC 2433) and v2 (RFC 2759)
 * do: Failure codes and texts, the v2 authenticator response (S=) both
 * ways, R=1 retries, and the MPPE start keys (RFC 3079). */
#include "dt-mppe-key.h"
#include "dt-mschap.h"
#include "test-chap-private.h"

/* A peer that has answered a hand-built v2 Challenge; returns the Response. */
static DtAuth *
v2_peer_answered(const char *user, const char *password, unsigned max_retries, uint8_t id,
                 const uint8_t chal[16], uint8_t *resp, size_t *resp_len)
{
    Opts o = {.max_retries = max_retries};
    DtAuth *peer = new_peer(DT_AUTH_MSCHAP_V2, user, password, &o);
    dt_auth_start(peer, 0);
    uint8_t pkt[100];
    size_t n = build_value(pkt, 1, id, chal, 16, "");
    dt_auth_input(peer, pkt, n, 1);
    *resp_len = dt_auth_poll_transmit(peer, resp, DT_AUTH_MAX_PACKET);
    g_assert_cmpuint(*resp_len, ==, 4 + 1 + 49 + strlen(user));
    g_assert_cmpuint(resp[0], ==, 2);
    g_assert_cmpuint(resp[1], ==, id);
    g_assert_cmpuint(resp[4], ==, 49);
    dt_assert_mem(resp + 5 + 16, (uint8_t[8]){0}, 8); /* Reserved */
    g_assert_cmpuint(resp[5 + 48], ==, 0);            /* Flags */
    dt_assert_mem(resp + 5 + 49, user, strlen(user)); /* whole name, domain too */
    return peer;
}

static void
test_v2_success_check(void)
{
    const uint8_t chal[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    uint8_t resp[DT_AUTH_MAX_PACKET], pkt[200];
    size_t rn;
    char good[43];
    const char *variants[] = {"good", "flipped", "missing", "lower", "short", "garbage"};
    for (size_t i = 0; i < G_N_ELEMENTS(variants); i++) {
        DtAuth *peer = v2_peer_answered("CORP\\bob", accounts[1].secret, 0, 9, chal, resp, &rn);
        /* Only "bob" enters ChallengeHash (RFC 2759 §4). */
        g_assert_true(dt_generate_authenticator_response(
            dt_test_crypto(), accounts[1].secret, resp + 5 + 24, resp + 5, chal, "bob", 3, good));
        g_autofree char *msg = NULL;
        if (i == 0)
            msg = g_strdup_printf("%s M=Welcome\x01", good);
        else if (i == 1)
            msg = g_strdup_printf("%.41s%c M=Welcome", good, good[41] == '0' ? '1' : '0');
        else if (i == 2)
            msg = g_strdup("M=Welcome");
        else if (i == 3)
            msg = g_ascii_strdown(good, -1);
        else if (i == 4)
            msg = g_strndup(good, 41);
        else
            msg = g_strdup("\xff\xfe S=");
        size_t n = build(pkt, 3, 9, msg, strlen(msg));
        dt_auth_input(peer, pkt, n, 2);
        if (i == 0) {
            g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_SUCCEEDED);
            g_assert_cmpstr(dt_auth_result(peer)->message, ==, "Welcome?");
            DtMppeStartKeys k;
            dt_auth_mppe_keys(peer, &k);
            g_assert_true(k.available);
        } else {
            g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_FAILED);
            g_assert_cmpint(dt_auth_result(peer)->reason, ==, DT_REASON_AUTH_BAD_SERVER);
            DtMppeStartKeys k;
            dt_auth_mppe_keys(peer, &k);
            g_assert_false(k.available);
        }
        dt_auth_free(peer);
    }
}

/* The authenticator's Success and Failure texts, and the Win98 quirk. */
static void
test_v2_authenticator_messages(void)
{
    for (int flags = 0; flags < 2; flags++) {
        DtAuth *auth = new_authenticator(DT_AUTH_MSCHAP_V2, NULL);
        DtAuth *peer = new_peer(DT_AUTH_MSCHAP_V2, "alice", "secret", NULL);
        dt_auth_start(auth, 0);
        uint8_t chal[DT_AUTH_MAX_PACKET], resp[DT_AUTH_MAX_PACKET], out[DT_AUTH_MAX_PACKET];
        size_t cn = dt_auth_poll_transmit(auth, chal, sizeof(chal));
        g_assert_cmpuint(cn, ==, 4 + 1 + 16); /* empty Name, as Windows */
        dt_auth_input(peer, chal, cn, 1);
        size_t rn = dt_auth_poll_transmit(peer, resp, sizeof(resp));
        if (flags)
            resp[5 + 48] = 0x04; /* Win98; Flags are outside the NT-Response */
        dt_auth_input(auth, resp, rn, 2);
        size_t on = dt_auth_poll_transmit(auth, out, sizeof(out));
        g_assert_cmpuint(out[0], ==, 3);
        g_assert_cmpuint(on, ==, 4 + 42 + (flags ? 0 : strlen(" M=Access granted")));
        char expect[43];
        g_assert_true(dt_generate_authenticator_response(dt_test_crypto(), "secret", resp + 5 + 24,
                                                         resp + 5, chal + 5, "alice", 5, expect));
        dt_assert_mem(out + 4, expect, 42);
        if (!flags)
            dt_assert_mem(out + 46, " M=Access granted", 17);
        dt_auth_input(peer, out, on, 3);
        g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_SUCCEEDED);
        dt_auth_free(auth);
        dt_auth_free(peer);
    }

    /* Failure: "E=691 R=0 C=<the challenge> V=3 M=Authentication failure". */
    DtAuth *auth = new_authenticator(DT_AUTH_MSCHAP_V2, NULL);
    DtAuth *peer = new_peer(DT_AUTH_MSCHAP_V2, "alice", "wrong", NULL);
    dt_auth_start(auth, 0);
    uint8_t chal[DT_AUTH_MAX_PACKET], resp[DT_AUTH_MAX_PACKET], out[DT_AUTH_MAX_PACKET];
    size_t cn = dt_auth_poll_transmit(auth, chal, sizeof(chal));
    dt_auth_input(peer, chal, cn, 1);
    size_t rn = dt_auth_poll_transmit(peer, resp, sizeof(resp));
    dt_auth_input(auth, resp, rn, 2);
    size_t on = dt_auth_poll_transmit(auth, out, sizeof(out));
    g_autofree char *hex = dt_test_hex_upper(chal + 5, 16);
    g_autofree char *expect = g_strdup_printf("E=691 R=0 C=%s V=3 M=Authentication failure", hex);
    g_assert_cmpuint(out[0], ==, 4);
    g_assert_cmpuint(out[1], ==, resp[1]);
    g_assert_cmpuint(on, ==, 4 + strlen(expect));
    dt_assert_mem(out + 4, expect, strlen(expect));
    dt_auth_free(auth);
    dt_auth_free(peer);

    /* MS-CHAP v1: the RFC 2433 form with the 8-octet challenge. */
    auth = new_authenticator(DT_AUTH_MSCHAP_V1, NULL);
    peer = new_peer(DT_AUTH_MSCHAP_V1, "alice", "wrong", NULL);
    dt_auth_start(auth, 0);
    cn = dt_auth_poll_transmit(auth, chal, sizeof(chal));
    g_assert_cmpuint(cn, ==, 4 + 1 + 8);
    dt_auth_input(peer, chal, cn, 1);
    rn = dt_auth_poll_transmit(peer, resp, sizeof(resp));
    dt_assert_mem(resp + 5, (uint8_t[24]){0}, 24); /* no LM response */
    g_assert_cmpuint(resp[5 + 48], ==, 1);         /* Use-NT */
    dt_auth_input(auth, resp, rn, 2);
    on = dt_auth_poll_transmit(auth, out, sizeof(out));
    g_autofree char *hex1 = dt_test_hex_upper(chal + 5, 8);
    g_autofree char *expect1 = g_strdup_printf("E=691 R=0 C=%s V=0", hex1);
    g_assert_cmpuint(on, ==, 4 + strlen(expect1));
    dt_assert_mem(out + 4, expect1, strlen(expect1));
    dt_auth_free(auth);
    dt_auth_free(peer);

    /* v1 with Use-NT = 0 is refused even with the right NT response. */
    auth = new_authenticator(DT_AUTH_MSCHAP_V1, NULL);
    peer = new_peer(DT_AUTH_MSCHAP_V1, "alice", "secret", NULL);
    dt_auth_start(auth, 0);
    cn = dt_auth_poll_transmit(auth, chal, sizeof(chal));
    dt_auth_input(peer, chal, cn, 1);
    rn = dt_auth_poll_transmit(peer, resp, sizeof(resp));
    resp[5 + 48] = 0;
    dt_auth_input(auth, resp, rn, 2);
    g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_FAILED);
    dt_auth_free(auth);
    dt_auth_free(peer);
}

static void
test_failure_codes(gconstpointer data)
{
    DtAuthMethod m = GPOINTER_TO_INT(data);
    static const struct {
        const char *text;
        DtReason reason;
        unsigned code;
        const char *message;
    } t[] = {
        {"E=691 R=0 C=00112233445566778899AABBCCDDEEFF V=3 M=Bad", DT_REASON_AUTH_FAILED, 691,
         "Bad"},
        {"E=649 R=0 V=3 M=No dial-in", DT_REASON_AUTH_NO_DIALIN, 649, "No dial-in"},
        {"E=648 R=0 V=3", DT_REASON_AUTH_EXPIRED, 648, "E=648 R=0 V=3"},
        {"E=646", DT_REASON_AUTH_RESTRICTED, 646, "E=646"},
        {"  E=647   R=0  M=Disabled  ", DT_REASON_AUTH_RESTRICTED, 647, "Disabled  "},
        {"E=709 M=x", DT_REASON_AUTH_FAILED, 709, "x"},
        {"E=691 R=1 C=0011223344556677 V=0 M=Access denied", DT_REASON_AUTH_FAILED, 691,
         "Access denied"},
        {"garbage \x01\xff", DT_REASON_AUTH_FAILED, 0, "garbage ??"},
        {"", DT_REASON_AUTH_FAILED, 0, ""},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
        DtAuth *peer = new_peer(m, "alice", "secret", NULL);
        uint8_t pkt[300], resp[DT_AUTH_MAX_PACKET];
        uint8_t chal[16] = {7};
        size_t n = build_value(pkt, 1, 42, chal, m == DT_AUTH_MSCHAP_V1 ? 8 : 16, "srv");
        dt_auth_input(peer, pkt, n, 0);
        g_assert_cmpuint(dt_auth_poll_transmit(peer, resp, sizeof(resp)), >, 0);
        n = build(pkt, 4, 42, t[i].text, strlen(t[i].text));
        dt_auth_input(peer, pkt, n, 1);
        g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_FAILED);
        const DtAuthResult *r = dt_auth_result(peer);
        g_assert_cmpint(r->reason, ==, t[i].reason);
        g_assert_cmpuint(r->error_code, ==, t[i].code);
        g_assert_cmpstr(r->message, ==, t[i].message);
        dt_auth_free(peer);
    }
}

/* R=1: the peer answers the C= challenge under Identifier + 1 and may then
 * succeed (against a hand-driven authenticator) ... */
static void
test_v2_retry_crafted(void)
{
    const uint8_t chal[16] = {0xAA};
    uint8_t resp[DT_AUTH_MAX_PACKET], pkt[300];
    size_t rn;
    DtAuth *peer = v2_peer_answered("alice", "secret", 1, 0xFF, chal, resp, &rn);
    const char *fail = "E=691 R=1 C=0102030405060708090A0B0C0D0E0F10 V=3 M=Try again";
    size_t n = build(pkt, 4, 0xFF, fail, strlen(fail));
    dt_auth_input(peer, pkt, n, 1);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_RUNNING);
    g_assert_true(dt_auth_result(peer)->retry_allowed);
    rn = dt_auth_poll_transmit(peer, resp, sizeof(resp));
    g_assert_cmpuint(resp[0], ==, 2);
    g_assert_cmpuint(resp[1], ==, 0x00); /* 0xFF + 1 wraps */
    const uint8_t next[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    uint8_t nt[24];
    g_assert_true(
        dt_generate_nt_response(dt_test_crypto(), next, resp + 5, "alice", 5, "secret", nt));
    dt_assert_mem(resp + 5 + 24, nt, 24);
    char s[43];
    g_assert_true(dt_generate_authenticator_response(dt_test_crypto(), "secret", nt, resp + 5, next,
                                                     "alice", 5, s));
    /* A Success for the old Identifier is not the answer. */
    n = build(pkt, 3, 0xFF, s, 42);
    dt_auth_input(peer, pkt, n, 2);
    g_assert_cmpuint(dt_auth_dropped(peer), ==, 1);
    n = build(pkt, 3, 0x00, s, 42);
    dt_auth_input(peer, pkt, n, 2);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_SUCCEEDED);
    dt_auth_free(peer);

    /* Without retries left (max_retries = 0), or without a usable C=, R=1
     * ends the attempt. */
    const char *fails[] = {fail, "E=691 R=1 V=3", "E=691 R=1 C=0102 V=3"};
    for (size_t i = 0; i < G_N_ELEMENTS(fails); i++) {
        peer = v2_peer_answered("alice", "secret", i == 0 ? 0 : 3, 5, chal, resp, &rn);
        n = build(pkt, 4, 5, fails[i], strlen(fails[i]));
        dt_auth_input(peer, pkt, n, 1);
        g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_FAILED);
        g_assert_cmpuint(dt_auth_poll_transmit(peer, resp, sizeof(resp)), ==, 0);
        dt_auth_free(peer);
    }
}

/* ... and against our authenticator allowing retries: two wrong answers,
 * the second on the new challenge, then R=0. */
static void
test_v2_retry_pair(void)
{
    Opts o = {.max_retries = 1};
    DtAuth *auth = new_authenticator(DT_AUTH_MSCHAP_V2, &o);
    DtAuth *peer = new_peer(DT_AUTH_MSCHAP_V2, "alice", "wrong", &o);
    dt_auth_start(auth, 0);
    dt_auth_start(peer, 0);
    uint8_t c1[DT_AUTH_MAX_PACKET], r1[DT_AUTH_MAX_PACKET], f1[DT_AUTH_MAX_PACKET];
    uint8_t r2[DT_AUTH_MAX_PACKET], f2[DT_AUTH_MAX_PACKET];
    size_t n = dt_auth_poll_transmit(auth, c1, sizeof(c1));
    dt_auth_input(peer, c1, n, 1);
    n = dt_auth_poll_transmit(peer, r1, sizeof(r1));
    dt_auth_input(auth, r1, n, 2);
    size_t fn = dt_auth_poll_transmit(auth, f1, sizeof(f1));
    g_assert_cmpuint(f1[0], ==, 4);
    g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_RUNNING);
    g_assert_cmpmem(f1 + 4, 12, "E=691 R=1 C=", 12);
    /* The Failure is lost once: the repeated Response gets it again. */
    dt_auth_input(auth, r1, n, 3);
    uint8_t again[DT_AUTH_MAX_PACKET];
    g_assert_cmpuint(dt_auth_poll_transmit(auth, again, sizeof(again)), ==, fn);
    dt_assert_mem(again, f1, fn);
    dt_auth_input(peer, f1, fn, 4);
    n = dt_auth_poll_transmit(peer, r2, sizeof(r2));
    g_assert_cmpuint(r2[1], ==, (uint8_t)(r1[1] + 1));
    dt_auth_input(auth, r2, n, 5);
    fn = dt_auth_poll_transmit(auth, f2, sizeof(f2));
    g_assert_cmpuint(f2[1], ==, r2[1]);
    g_assert_cmpmem(f2 + 4, 12, "E=691 R=0 C=", 12);
    /* C= of the final Failure is the challenge the retry was computed on. */
    g_assert_cmpmem(f2 + 16, 32, f1 + 16, 32);
    dt_auth_input(peer, f2, fn, 6);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_FAILED);
    g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_FAILED);
    g_assert_cmpint(dt_auth_result(auth)->reason, ==, DT_REASON_AUTH_FAILED);
    dt_auth_free(auth);
    dt_auth_free(peer);

    /* A peer that never retries: the authenticator ends on AUTH_FAILED. */
    auth = new_authenticator(DT_AUTH_MSCHAP_V2, &o);
    peer = new_peer(DT_AUTH_MSCHAP_V2, "alice", "wrong", NULL);
    run(peer, auth);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_FAILED);
    g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_RUNNING);
    dt_auth_handle_timeout(auth, dt_auth_next_deadline(auth));
    g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_FAILED);
    g_assert_cmpint(dt_auth_result(auth)->reason, ==, DT_REASON_AUTH_FAILED);
    dt_auth_free(auth);
    dt_auth_free(peer);
}

/* MPPE start keys against dt-mppe-key computed by hand (RFC 3079). */
static void
test_keys_match_rfc3079(void)
{
    DtCrypto *c = dt_test_crypto();
    for (int v = 1; v <= 2; v++) {
        DtAuthMethod m = v == 1 ? DT_AUTH_MSCHAP_V1 : DT_AUTH_MSCHAP_V2;
        DtAuth *peer = new_peer(m, "carol", "MyPw", NULL);
        DtAuth *auth = new_authenticator(m, NULL);
        dt_auth_start(auth, 0);
        uint8_t chal[DT_AUTH_MAX_PACKET], resp[DT_AUTH_MAX_PACKET];
        size_t cn = dt_auth_poll_transmit(auth, chal, sizeof(chal));
        dt_auth_input(peer, chal, cn, 1);
        size_t rn = dt_auth_poll_transmit(peer, resp, sizeof(resp));
        memcpy(chal + 100, resp, rn); /* keep a copy: pump consumes it */
        dt_auth_input(auth, resp, rn, 2);
        pump(auth, peer, 3);
        g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_SUCCEEDED);
        DtMppeStartKeys kp;
        dt_auth_mppe_keys(peer, &kp);
        uint8_t unicode[512], hash[16], send[16], recv[16];
        size_t ulen;
        g_assert_true(dt_mschap_password_to_unicode("MyPw", unicode, &ulen));
        g_assert_true(dt_nt_password_hash(c, unicode, ulen, hash));
        if (v == 2) {
            g_assert_true(dt_mppe_start_keys_v2(c, hash, resp + 5 + 24, false, 16, send, recv));
            dt_assert_mem(kp.send_128, send, 16);
            dt_assert_mem(kp.recv_128, recv, 16);
            dt_assert_mem(kp.send_64, send, 8);
        } else {
            uint8_t lm[16], k8[8];
            g_assert_true(dt_mppe_start_key_v1(c, NULL, hash, chal + 5, DT_MPPE_BITS_128, send));
            dt_assert_mem(kp.send_128, send, 16);
            dt_assert_mem(kp.recv_128, send, 16);
            g_assert_true(dt_lm_password_hash(c, "MyPw", lm));
            g_assert_true(dt_mppe_start_key_v1(c, lm, hash, chal + 5, DT_MPPE_BITS_40, k8));
            g_assert_true(kp.have_64);
            dt_assert_mem(kp.send_64, k8, 8);
        }
        dt_auth_free(peer);
        dt_auth_free(auth);
    }
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_data_func("/chap/mschap/failure-codes", GINT_TO_POINTER(DT_AUTH_MSCHAP_V1),
                         test_failure_codes);
    g_test_add_data_func("/chap/mschapv2/failure-codes", GINT_TO_POINTER(DT_AUTH_MSCHAP_V2),
                         test_failure_codes);
    g_test_add_func("/chap/mschapv2/success-check", test_v2_success_check);
    g_test_add_func("/chap/mschap/authenticator-messages", test_v2_authenticator_messages);
    g_test_add_func("/chap/mschapv2/retry-crafted", test_v2_retry_crafted);
    g_test_add_func("/chap/mschapv2/retry-pair", test_v2_retry_pair);
    g_test_add_func("/chap/mschap/keys", test_keys_match_rfc3079);
    return dt_test_run();
}
