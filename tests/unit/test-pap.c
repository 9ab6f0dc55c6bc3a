/* test-pap.c — PAP (RFC 1334 §2) in both roles, against each other and
 * against hand-built packets, with a fake clock; plus the method table. */
#include <string.h>

#include "dt-auth.h"
#include "dt-test.h"

static bool
lookup_cb(void *data, const char *user, size_t len, char *secret, size_t cap)
{
    (void)data;
    if (len == strlen("alice") && memcmp(user, "alice", len) == 0) {
        g_strlcpy(secret, "secret", cap);
        return true;
    }
    return false;
}

static DtAuth *
new_peer(const char *user, const char *password, uint32_t restart, unsigned max)
{
    DtAuthConfig c = {
        .method = DT_AUTH_PAP,
        .role = DT_PPP_ROLE_PEER,
        .crypto = dt_test_crypto(),
        .user = user,
        .password = password,
        .restart_ms = restart,
        .max_transmits = max,
    };
    DtAuth *a = dt_auth_new(&c);
    g_assert_nonnull(a);
    return a;
}

static DtAuth *
new_authenticator(void)
{
    DtAuthConfig c = {
        .method = DT_AUTH_PAP,
        .role = DT_PPP_ROLE_AUTHENTICATOR,
        .crypto = dt_test_crypto(),
        .lookup = lookup_cb,
        .restart_ms = 1000,
        .max_transmits = 3,
    };
    DtAuth *a = dt_auth_new(&c);
    g_assert_nonnull(a);
    return a;
}

/* Moves every queued packet from one side to the other; returns how many. */
static unsigned
pump(DtAuth *from, DtAuth *to, DtTime now)
{
    uint8_t buf[DT_AUTH_MAX_PACKET];
    size_t n;
    unsigned count = 0;
    while ((n = dt_auth_poll_transmit(from, buf, sizeof(buf))) > 0) {
        dt_auth_input(to, buf, n, now);
        count++;
    }
    return count;
}

static void
run_pair(const char *user, const char *password, DtAuthState expect, DtReason reason)
{
    DtAuth *peer = new_peer(user, password, 0, 0);
    DtAuth *auth = new_authenticator();
    dt_auth_start(auth, 0);
    dt_auth_start(peer, 0);
    while (pump(peer, auth, 10) + pump(auth, peer, 10) > 0) {
    }
    g_assert_cmpint(dt_auth_state(peer), ==, expect);
    g_assert_cmpint(dt_auth_state(auth), ==, expect);
    g_assert_cmpint(dt_auth_result(peer)->reason, ==, reason);
    g_assert_cmpint(dt_auth_result(auth)->reason, ==, reason);
    g_assert_cmpstr(dt_auth_result(auth)->peer_name, ==, user);
    g_assert_cmpstr(dt_auth_result(peer)->message, ==,
                    expect == DT_AUTH_STATE_SUCCEEDED ? "Login ok" : "Login incorrect");
    g_assert_cmpuint(dt_auth_next_deadline(peer), ==, DT_TIME_NEVER);
    g_assert_cmpuint(dt_auth_next_deadline(auth), ==, DT_TIME_NEVER);
    DtMppeStartKeys k;
    dt_auth_mppe_keys(peer, &k);
    g_assert_false(k.available);
    g_assert_cmpuint(dt_auth_dropped(peer), ==, 0);
    g_assert_cmpuint(dt_auth_dropped(auth), ==, 0);
    dt_auth_free(peer);
    dt_auth_free(auth);
}

static void
test_pair_success(void)
{
    run_pair("alice", "secret", DT_AUTH_STATE_SUCCEEDED, DT_REASON_NONE);
}

static void
test_pair_wrong_password(void)
{
    run_pair("alice", "secreT", DT_AUTH_STATE_FAILED, DT_REASON_AUTH_FAILED);
    run_pair("alice", "secret2", DT_AUTH_STATE_FAILED, DT_REASON_AUTH_FAILED);
    run_pair("alice", "", DT_AUTH_STATE_FAILED, DT_REASON_AUTH_FAILED);
}

static void
test_pair_unknown_user(void)
{
    run_pair("mallory", "secret", DT_AUTH_STATE_FAILED, DT_REASON_AUTH_FAILED);
    run_pair("", "", DT_AUTH_STATE_FAILED, DT_REASON_AUTH_FAILED);
}

static void
test_request_format(void)
{
    DtAuth *peer = new_peer("alice", "secret", 0, 0);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_IDLE);
    dt_auth_start(peer, 0);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_RUNNING);
    uint8_t buf[DT_AUTH_MAX_PACKET];
    size_t n = dt_auth_poll_transmit(peer, buf, sizeof(buf));
    static const uint8_t body[] = {
        4 + 1 + 5 + 1 + 6, 5, 'a', 'l', 'i', 'c', 'e', 6, 's', 'e', 'c', 'r', 'e', 't'};
    g_assert_cmpuint(n, ==, 3 + sizeof(body));
    g_assert_cmpuint(buf[0], ==, 1);
    g_assert_cmpuint(buf[2], ==, 0);
    dt_assert_mem(buf + 3, body, sizeof(body));
    g_assert_cmpuint(dt_auth_poll_transmit(peer, buf, sizeof(buf)), ==, 0);

    /* An Ack for another Identifier is not ours; one for ours is, with
     * padding after Length ignored (RFC 1661 §2 framing may pad). */
    uint8_t ack[] = {2, (uint8_t)(buf[1] + 1), 0, 7, 2, 'h', 'i', 0xEE};
    dt_auth_input(peer, ack, sizeof(ack), 5);
    g_assert_cmpuint(dt_auth_dropped(peer), ==, 1);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_RUNNING);
    ack[1] = buf[1];
    dt_auth_input(peer, ack, sizeof(ack), 5);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_SUCCEEDED);
    g_assert_cmpstr(dt_auth_result(peer)->message, ==, "hi");
    /* A second Ack is unexpected now. */
    dt_auth_input(peer, ack, sizeof(ack), 6);
    g_assert_cmpuint(dt_auth_dropped(peer), ==, 2);
    dt_auth_free(peer);
}

static void
test_nak_message_sanitised(void)
{
    DtAuth *peer = new_peer("alice", "x", 0, 0);
    dt_auth_start(peer, 0);
    uint8_t buf[DT_AUTH_MAX_PACKET];
    g_assert_cmpuint(dt_auth_poll_transmit(peer, buf, sizeof(buf)), >, 0);
    uint8_t nak[] = {3, buf[1], 0, 9, 4, 'n', 0x07, 0xC3, 'o'};
    dt_auth_input(peer, nak, sizeof(nak), 1);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_FAILED);
    g_assert_cmpint(dt_auth_result(peer)->reason, ==, DT_REASON_AUTH_FAILED);
    g_assert_cmpstr(dt_auth_result(peer)->message, ==, "n??o");
    dt_auth_free(peer);
}

static void
test_retransmit_and_timeout(void)
{
    DtAuth *peer = new_peer("alice", "secret", 1000, 3);
    dt_auth_start(peer, 100);
    uint8_t first[DT_AUTH_MAX_PACKET], buf[DT_AUTH_MAX_PACKET];
    size_t n1 = dt_auth_poll_transmit(peer, first, sizeof(first));
    g_assert_cmpuint(n1, >, 0);
    g_assert_cmpuint(dt_auth_next_deadline(peer), ==, 1100);
    /* Early: nothing happens. */
    dt_auth_handle_timeout(peer, 1099);
    g_assert_cmpuint(dt_auth_poll_transmit(peer, buf, sizeof(buf)), ==, 0);
    for (unsigned i = 2; i <= 3; i++) {
        DtTime t = dt_auth_next_deadline(peer);
        dt_auth_handle_timeout(peer, t);
        size_t n = dt_auth_poll_transmit(peer, buf, sizeof(buf));
        g_assert_cmpuint(n, ==, n1);
        dt_assert_mem(buf, first, n1); /* same Identifier, same bytes */
        g_assert_cmpuint(dt_auth_next_deadline(peer), ==, t + 1000);
    }
    dt_auth_handle_timeout(peer, dt_auth_next_deadline(peer));
    g_assert_cmpuint(dt_auth_poll_transmit(peer, buf, sizeof(buf)), ==, 0);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_FAILED);
    g_assert_cmpint(dt_auth_result(peer)->reason, ==, DT_REASON_AUTH_TIMEOUT);
    g_assert_cmpuint(dt_auth_next_deadline(peer), ==, DT_TIME_NEVER);
    dt_auth_free(peer);

    /* The authenticator waits restart × max for a Request. */
    DtAuth *auth = new_authenticator();
    dt_auth_start(auth, 0);
    g_assert_cmpuint(dt_auth_next_deadline(auth), ==, 3000);
    dt_auth_handle_timeout(auth, 3000);
    g_assert_cmpint(dt_auth_result(auth)->reason, ==, DT_REASON_AUTH_TIMEOUT);
    dt_auth_free(auth);
}

static void
test_lost_ack(void)
{
    DtAuth *peer = new_peer("alice", "secret", 1000, 5);
    DtAuth *auth = new_authenticator();
    dt_auth_start(auth, 0);
    dt_auth_start(peer, 0);
    g_assert_cmpuint(pump(peer, auth, 1), ==, 1);
    uint8_t buf[DT_AUTH_MAX_PACKET];
    g_assert_cmpuint(dt_auth_poll_transmit(auth, buf, sizeof(buf)), >, 0); /* lost */
    g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_SUCCEEDED);
    dt_auth_handle_timeout(peer, 1000);
    g_assert_cmpuint(pump(peer, auth, 1000), ==, 1);
    g_assert_cmpuint(pump(auth, peer, 1000), ==, 1); /* the same verdict again */
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_SUCCEEDED);
    dt_auth_free(peer);
    dt_auth_free(auth);
}

static void
test_malformed_dropped(void)
{
    DtAuth *auth = new_authenticator();
    dt_auth_start(auth, 0);
    static const struct {
        size_t len;
        uint8_t p[12];
    } bad[] = {
        {0, {0}},
        {3, {1, 1, 0}},
        {4, {1, 1, 0, 3}},                           /* Length < 4 */
        {4, {1, 1, 0, 5}},                           /* Length past the end */
        {5, {1, 1, 0, 5, 5}},                        /* Peer-ID past the end */
        {7, {1, 1, 0, 7, 1, 'a', 9}},                /* Password past the end */
        {6, {1, 1, 0, 6, 1, 'a'}},                   /* no Passwd-Length */
        {5, {2, 1, 0, 5, 0}},                        /* an Ack to the authenticator */
        {12, {9, 1, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0}}, /* unknown code */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
        dt_auth_input(auth, bad[i].p, bad[i].len, 1);
    dt_auth_input(auth, NULL, 0, 1);
    g_assert_cmpuint(dt_auth_dropped(auth), ==, G_N_ELEMENTS(bad) + 1);
    g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_RUNNING);
    uint8_t buf[DT_AUTH_MAX_PACKET];
    g_assert_cmpuint(dt_auth_poll_transmit(auth, buf, sizeof(buf)), ==, 0);

    /* A name with a NUL inside is nobody, even if a prefix matches. */
    static const uint8_t nul[] = {
        1, 1, 0, 4 + 1 + 6 + 1 + 6, 6, 'a', 'l', 'i', 'c', 'e', 0, 6, 's', 'e', 'c', 'r', 'e', 't'};
    dt_auth_input(auth, nul, sizeof(nul), 2);
    g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_FAILED);
    g_assert_cmpuint(dt_auth_poll_transmit(auth, buf, sizeof(buf)), >, 0);
    g_assert_cmpuint(buf[0], ==, 3);
    dt_auth_free(auth);

    /* Input before start is dropped by a PAP side. */
    DtAuth *peer = new_peer("alice", "secret", 0, 0);
    static const uint8_t ack[] = {2, 0, 0, 5, 0};
    dt_auth_input(peer, ack, sizeof(ack), 0);
    g_assert_cmpuint(dt_auth_dropped(peer), ==, 1);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_IDLE);
    dt_auth_free(peer);
}

static void
test_bad_config(void)
{
    char long_name[300];
    memset(long_name, 'u', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    DtAuthConfig c = {.method = DT_AUTH_PAP, .role = DT_PPP_ROLE_PEER, .crypto = dt_test_crypto()};
    g_assert_null(dt_auth_new(NULL));
    g_assert_null(dt_auth_new(&c)); /* no credentials */
    c.user = long_name;
    c.password = "x";
    g_assert_null(dt_auth_new(&c)); /* name over 255 octets */
    long_name[256] = '\0';
    c.user = "alice";
    c.password = long_name;
    g_assert_null(dt_auth_new(&c)); /* PAP's Passwd-Length is one octet */
    long_name[255] = '\0';
    DtAuth *ok = dt_auth_new(&c);
    g_assert_nonnull(ok);
    dt_auth_free(ok);
    c.method = DT_AUTH_NONE;
    g_assert_null(dt_auth_new(&c));
    c.method = DT_AUTH_PAP;
    c.crypto = NULL;
    g_assert_null(dt_auth_new(&c));
    c.crypto = dt_test_crypto();
    c.role = DT_PPP_ROLE_AUTHENTICATOR;
    g_assert_null(dt_auth_new(&c)); /* no lookup */
    dt_auth_free(NULL);
}

static void
test_method_table(void)
{
    static const struct {
        DtAuthMethod m;
        uint16_t proto;
        const char *token;
    } t[] = {
        {DT_AUTH_PAP, DT_PPP_PROTO_PAP, "pap"},
        {DT_AUTH_CHAP_MD5, DT_PPP_PROTO_CHAP, "chap"},
        {DT_AUTH_MSCHAP_V1, DT_PPP_PROTO_CHAP, "mschap"},
        {DT_AUTH_MSCHAP_V2, DT_PPP_PROTO_CHAP, "mschapv2"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
        g_assert_cmpuint(dt_auth_method_protocol(t[i].m), ==, t[i].proto);
        g_assert_cmpstr(dt_auth_method_to_string(t[i].m), ==, t[i].token);
        DtAuthMethod m = DT_AUTH_NONE;
        g_assert_true(dt_auth_method_from_string(t[i].token, &m));
        g_assert_cmpint(m, ==, t[i].m);
        g_assert_nonnull(dt_auth_method_describe(t[i].m));
    }
    g_assert_cmpstr(dt_auth_method_describe(DT_AUTH_MSCHAP_V2), ==, "MS-CHAP v2");
    g_assert_cmpuint(dt_auth_method_protocol(DT_AUTH_NONE), ==, 0);
    DtAuthMethod m = DT_AUTH_PAP;
    g_assert_false(dt_auth_method_from_string("none", &m));
    g_assert_false(dt_auth_method_from_string("MSCHAPV2", &m));
    g_assert_false(dt_auth_method_from_string(NULL, &m));
    g_assert_cmpint(m, ==, DT_AUTH_PAP);
    g_assert_cmpstr(dt_auth_state_to_string(DT_AUTH_STATE_SUCCEEDED), ==, "succeeded");
    g_assert_cmpstr(dt_auth_state_to_string(DT_AUTH_STATE_IDLE), ==, "idle");
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/pap/pair/success", test_pair_success);
    g_test_add_func("/pap/pair/wrong-password", test_pair_wrong_password);
    g_test_add_func("/pap/pair/unknown-user", test_pair_unknown_user);
    g_test_add_func("/pap/request-format", test_request_format);
    g_test_add_func("/pap/nak-message", test_nak_message_sanitised);
    g_test_add_func("/pap/retransmit-timeout", test_retransmit_and_timeout);
    g_test_add_func("/pap/lost-ack", test_lost_ack);
    g_test_add_func("/pap/malformed", test_malformed_dropped);
    g_test_add_func("/pap/bad-config", test_bad_config);
    g_test_add_func("/auth/method-table", test_method_table);
    return dt_test_run();
}
