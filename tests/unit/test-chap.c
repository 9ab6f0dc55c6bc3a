/* test-chap.c — CHAP-MD5 (RFC 1994), MS-CHAP v1 (RFC 2433) and v2 (RFC 2759)
 * in both roles: against rfc1994_chap.txt, against each other in-process
 * with a fake clock (loss and retransmission included), and against
 * hand-built hostile packets.  MS-CHAP's own messages, retries and keys
 * are in test-chap-mschap.c. */
#include "dt-vectors.h"
#include "test-chap-private.h"

static void
test_md5_vectors(void)
{
    g_autoptr(DtVectors) v = dt_vectors_load("rfc1994_chap.txt");
    uint8_t pkt[600], out[DT_AUTH_MAX_PACKET];

    /* thirdparty*: our peer's Response Value to their Challenge. */
    for (int i = 1; i <= 3; i++) {
        g_autofree char *kid = g_strdup_printf("thirdparty%d.Identifier", i);
        g_autofree char *ksec = g_strdup_printf("thirdparty%d.Secret", i);
        g_autofree char *kch = g_strdup_printf("thirdparty%d.Challenge", i);
        g_autofree char *kresp = g_strdup_printf("thirdparty%d.Response", i);
        uint8_t id = dt_vectors_get_n(v, kid, 1)[0];
        GBytes *sec = dt_vectors_get(v, ksec);
        g_autofree char *secret = g_strndup(g_bytes_get_data(sec, NULL), g_bytes_get_size(sec));
        GBytes *ch = dt_vectors_get(v, kch);
        DtAuth *peer = new_peer(DT_AUTH_CHAP_MD5, "u", secret, NULL);
        size_t n = build_value(pkt, 1, id, g_bytes_get_data(ch, NULL), g_bytes_get_size(ch), "x");
        dt_auth_input(peer, pkt, n, 0); /* before start: answered anyway */
        size_t m = dt_auth_poll_transmit(peer, out, sizeof(out));
        g_assert_cmpuint(m, ==, 4 + 1 + 16 + 1);
        g_assert_cmpuint(out[0], ==, 2);
        g_assert_cmpuint(out[1], ==, id);
        g_assert_cmpuint(out[4], ==, 16);
        dt_assert_mem(out + 5, dt_vectors_get_n(v, kresp, 16), 16);
        g_assert_cmpuint(out[21], ==, 'u');
        dt_auth_free(peer);
    }

    /* packet.*: complete packets.  Our peer's Response is byte for byte. */
    GBytes *chal = dt_vectors_get(v, "packet.Challenge");
    GBytes *sec = dt_vectors_get(v, "packet.Secret");
    g_autofree char *secret = g_strndup(g_bytes_get_data(sec, NULL), g_bytes_get_size(sec));
    DtAuth *peer = new_peer(DT_AUTH_CHAP_MD5, "alice", secret, NULL);
    dt_auth_start(peer, 0);
    dt_auth_input(peer, g_bytes_get_data(chal, NULL), g_bytes_get_size(chal), 1);
    size_t m = dt_auth_poll_transmit(peer, out, sizeof(out));
    dt_assert_bytes(out, m, dt_vectors_get(v, "packet.Response"));
    dt_assert_mem(out + 5, dt_vectors_get_n(v, "packet.ResponseValue", 16), 16);
    dt_auth_free(peer);

    /* Our authenticator's Challenge has the vector's shape: only the
     * Identifier and the 16 random octets differ. */
    Opts o = {.local_name = "pptpd"};
    DtAuth *auth = new_authenticator(DT_AUTH_CHAP_MD5, &o);
    dt_auth_start(auth, 0);
    m = dt_auth_poll_transmit(auth, out, sizeof(out));
    gsize clen;
    const guint8 *c = g_bytes_get_data(chal, &clen);
    g_assert_cmpuint(m, ==, clen);
    g_assert_cmpuint(out[0], ==, c[0]);
    dt_assert_mem(out + 2, c + 2, 3);           /* Length, Value-Size */
    dt_assert_mem(out + 21, c + 21, clen - 21); /* Name */
    /* ... and it accepts the vector's Response once given that challenge. */
    uint8_t forged[600];
    memcpy(forged, g_bytes_get_data(dt_vectors_get(v, "packet.Response"), NULL), m);
    forged[1] = out[1];
    dt_auth_input(auth, forged, m, 2); /* computed on another challenge: refused */
    g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_FAILED);
    dt_auth_free(auth);

    /* lcpopt.*: the Authentication-Protocol option each method asks for
     * (RFC 1661 §6.2, RFC 1994 §3), from our protocol numbers. */
    static const struct {
        const char *name;
        DtAuthMethod m;
        int alg;
    } opts[] = {
        {"lcpopt.PAP", DT_AUTH_PAP, -1},
        {"lcpopt.CHAP_MD5", DT_AUTH_CHAP_MD5, DT_CHAP_ALG_MD5},
        {"lcpopt.MSCHAPv1", DT_AUTH_MSCHAP_V1, DT_CHAP_ALG_MSCHAP_V1},
        {"lcpopt.MSCHAPv2", DT_AUTH_MSCHAP_V2, DT_CHAP_ALG_MSCHAP_V2},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(opts); i++) {
        uint16_t proto = dt_auth_method_protocol(opts[i].m);
        uint8_t opt[5] = {3, opts[i].alg < 0 ? 4 : 5, (uint8_t)(proto >> 8), (uint8_t)proto,
                          (uint8_t)opts[i].alg};
        dt_assert_bytes(opt, opt[1], dt_vectors_get(v, opts[i].name));
    }
    dt_vectors_assert_all_used(v);
}

static void
test_pair(gconstpointer data)
{
    DtAuthMethod m = GPOINTER_TO_INT(data);
    for (size_t i = 0; i < G_N_ELEMENTS(accounts); i++) {
        unsigned calls = 0;
        DtAuth *peer = new_peer(m, accounts[i].user, accounts[i].secret, NULL);
        DtAuthConfig c = {.method = m,
                          .role = DT_PPP_ROLE_AUTHENTICATOR,
                          .crypto = dt_test_crypto(),
                          .lookup = lookup_cb,
                          .lookup_data = &calls};
        DtAuth *auth = dt_auth_new(&c);
        run(peer, auth);
        g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_SUCCEEDED);
        g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_SUCCEEDED);
        g_assert_cmpint(dt_auth_result(peer)->reason, ==, DT_REASON_NONE);
        g_assert_cmpstr(dt_auth_result(auth)->peer_name, ==, accounts[i].user);
        g_assert_cmpuint(calls, ==, 1);
        g_assert_cmpuint(dt_auth_next_deadline(peer), ==, DT_TIME_NEVER);
        g_assert_cmpuint(dt_auth_next_deadline(auth), ==, DT_TIME_NEVER);
        g_assert_cmpuint(dt_auth_dropped(peer) + dt_auth_dropped(auth), ==, 0);

        DtMppeStartKeys kp, ka;
        dt_auth_mppe_keys(peer, &kp);
        dt_auth_mppe_keys(auth, &ka);
        if (m == DT_AUTH_CHAP_MD5) {
            g_assert_false(kp.available);
            g_assert_false(ka.available);
        } else {
            g_assert_true(kp.available);
            g_assert_true(ka.available);
            dt_assert_mem(kp.send_128, ka.recv_128, 16);
            dt_assert_mem(kp.recv_128, ka.send_128, 16);
            g_assert_cmpint(kp.have_64, ==, ka.have_64);
            if (kp.have_64) {
                dt_assert_mem(kp.send_64, ka.recv_64, 8);
                dt_assert_mem(kp.recv_64, ka.send_64, 8);
            }
            /* v1 keys one key both ways; v2 two different ones. */
            g_assert_cmpint(memcmp(kp.send_128, kp.recv_128, 16) == 0, ==, m == DT_AUTH_MSCHAP_V1);
            /* LM needs an ASCII password of at most 14 characters. */
            g_assert_cmpint(kp.have_64, ==, m == DT_AUTH_MSCHAP_V2 || i != 1);
        }
        dt_auth_free(peer);
        dt_auth_free(auth);
    }
}

static void
test_wrong_password(gconstpointer data)
{
    DtAuthMethod m = GPOINTER_TO_INT(data);
    const char *users[] = {"alice", "nobody", "alice\\x", ""};
    for (size_t i = 0; i < G_N_ELEMENTS(users); i++) {
        DtAuth *peer = new_peer(m, users[i], i == 0 ? "Secret" : "secret", NULL);
        DtAuth *auth = new_authenticator(m, NULL);
        run(peer, auth);
        g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_FAILED);
        g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_FAILED);
        g_assert_cmpint(dt_auth_result(peer)->reason, ==, DT_REASON_AUTH_FAILED);
        g_assert_cmpint(dt_auth_result(auth)->reason, ==, DT_REASON_AUTH_FAILED);
        if (m != DT_AUTH_CHAP_MD5) {
            g_assert_cmpuint(dt_auth_result(peer)->error_code, ==, 691);
            g_assert_false(dt_auth_result(peer)->retry_allowed);
        } else {
            g_assert_cmpstr(dt_auth_result(peer)->message, ==, "Access denied");
        }
        if (m == DT_AUTH_MSCHAP_V2) {
            g_assert_cmpuint(dt_auth_result(peer)->version, ==, 3);
            g_assert_cmpstr(dt_auth_result(peer)->message, ==, "Authentication failure");
        }
        DtMppeStartKeys k;
        dt_auth_mppe_keys(peer, &k);
        g_assert_false(k.available);
        dt_auth_free(peer);
        dt_auth_free(auth);
    }
}

static void
test_timeouts(gconstpointer data)
{
    DtAuthMethod m = GPOINTER_TO_INT(data);
    Opts o = {.restart = 500, .max_transmits = 4};
    DtAuth *auth = new_authenticator(m, &o);
    dt_auth_start(auth, 1000);
    uint8_t first[DT_AUTH_MAX_PACKET], buf[DT_AUTH_MAX_PACKET];
    size_t n = dt_auth_poll_transmit(auth, first, sizeof(first));
    g_assert_cmpuint(n, ==, 4 + 1 + (m == DT_AUTH_MSCHAP_V1 ? 8 : 16));
    g_assert_cmpuint(first[0], ==, 1);
    g_assert_cmpuint(dt_auth_next_deadline(auth), ==, 1500);
    for (int i = 2; i <= 4; i++) {
        dt_auth_handle_timeout(auth, dt_auth_next_deadline(auth));
        g_assert_cmpuint(dt_auth_poll_transmit(auth, buf, sizeof(buf)), ==, n);
        dt_assert_mem(buf, first, n); /* same Identifier and challenge */
    }
    g_assert_cmpuint(dt_auth_next_deadline(auth), ==, 3000);
    dt_auth_handle_timeout(auth, 3000);
    g_assert_cmpuint(dt_auth_poll_transmit(auth, buf, sizeof(buf)), ==, 0);
    g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_FAILED);
    g_assert_cmpint(dt_auth_result(auth)->reason, ==, DT_REASON_AUTH_TIMEOUT);
    dt_auth_free(auth);

    /* A peer that never hears a verdict gives up after restart × max. */
    DtAuth *peer = new_peer(m, "alice", "secret", &o);
    dt_auth_start(peer, 0);
    g_assert_cmpuint(dt_auth_next_deadline(peer), ==, 2000);
    dt_auth_handle_timeout(peer, 1999);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_RUNNING);
    dt_auth_handle_timeout(peer, 2000);
    g_assert_cmpint(dt_auth_result(peer)->reason, ==, DT_REASON_AUTH_TIMEOUT);
    dt_auth_free(peer);
}

/* The first Challenge and the first Response are lost; the restart timer
 * recovers, and the peer answers the repeated Challenge identically. */
static void
test_loss(gconstpointer data)
{
    DtAuthMethod m = GPOINTER_TO_INT(data);
    Opts o = {.restart = 1000, .max_transmits = 5};
    DtAuth *peer = new_peer(m, "alice", "secret", &o);
    DtAuth *auth = new_authenticator(m, &o);
    uint8_t buf[DT_AUTH_MAX_PACKET], resp1[DT_AUTH_MAX_PACKET], resp2[DT_AUTH_MAX_PACKET];
    dt_auth_start(auth, 0);
    dt_auth_start(peer, 0);
    g_assert_cmpuint(dt_auth_poll_transmit(auth, buf, sizeof(buf)), >, 0); /* lost */
    dt_auth_handle_timeout(auth, 1000);
    g_assert_cmpuint(pump(auth, peer, 1000), ==, 1);
    size_t n1 = dt_auth_poll_transmit(peer, resp1, sizeof(resp1)); /* lost */
    g_assert_cmpuint(n1, >, 0);
    dt_auth_handle_timeout(auth, 2000);
    g_assert_cmpuint(pump(auth, peer, 2000), ==, 1);
    size_t n2 = dt_auth_poll_transmit(peer, resp2, sizeof(resp2));
    g_assert_cmpuint(n2, ==, n1);
    dt_assert_mem(resp1, resp2, n1);
    dt_auth_input(auth, resp2, n2, 2001);
    g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_SUCCEEDED);
    /* The Success is lost too: the duplicate Response gets it again. */
    size_t s1 = dt_auth_poll_transmit(auth, buf, sizeof(buf));
    g_assert_cmpuint(buf[0], ==, 3);
    dt_auth_input(auth, resp1, n1, 2002);
    uint8_t again[DT_AUTH_MAX_PACKET];
    g_assert_cmpuint(dt_auth_poll_transmit(auth, again, sizeof(again)), ==, s1);
    dt_assert_mem(again, buf, s1);
    dt_auth_input(peer, again, s1, 2003);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_SUCCEEDED);
    dt_auth_free(peer);
    dt_auth_free(auth);
}

/* Runs the Challenge and the Response by hand (authenticator restart
 * 3000 ms, peer restart o->restart) and returns the Response the peer sent
 * at now = 1; the Challenge is delivered, the Response is left to the caller. */
static size_t
answer_challenge(DtAuth *peer, DtAuth *auth, uint8_t *resp)
{
    dt_auth_start(auth, 0);
    dt_auth_start(peer, 0);
    g_assert_cmpuint(pump(auth, peer, 1), ==, 1);
    size_t n = dt_auth_poll_transmit(peer, resp, DT_AUTH_MAX_PACKET);
    g_assert_cmpuint(n, >, 0);
    g_assert_cmpuint(resp[0], ==, 2);
    g_assert_cmpuint(dt_auth_poll_transmit(peer, resp + n, DT_AUTH_MAX_PACKET), ==, 0);
    return n;
}

/* The peer's restart timer fired: exactly one copy of the first Response,
 * byte for byte (same Identifier, same value; for v2 the same
 * Peer-Challenge, so S= still matches). */
static void
assert_resent(DtAuth *peer, DtTime now, const uint8_t *resp, size_t n)
{
    uint8_t again[DT_AUTH_MAX_PACKET];
    g_assert_cmpuint(dt_auth_next_deadline(peer), ==, now);
    dt_auth_handle_timeout(peer, now - 1);
    g_assert_cmpuint(dt_auth_poll_transmit(peer, again, sizeof(again)), ==, 0);
    dt_auth_handle_timeout(peer, now);
    g_assert_cmpuint(dt_auth_poll_transmit(peer, again, sizeof(again)), ==, n);
    dt_assert_mem(again, resp, n);
    g_assert_cmpuint(dt_auth_poll_transmit(peer, again, sizeof(again)), ==, 0);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_RUNNING);
}

/* The Success is lost: the peer re-sends its Response on its own restart
 * timer and the authenticator, already done, repeats the same Success. */
static void
test_lost_success(gconstpointer data)
{
    DtAuthMethod m = GPOINTER_TO_INT(data);
    Opts po = {.restart = 500, .max_transmits = 4};
    Opts ao = {.restart = 3000, .max_transmits = 4};
    DtAuth *peer = new_peer(m, "alice", "secret", &po);
    DtAuth *auth = new_authenticator(m, &ao);
    uint8_t resp[2 * DT_AUTH_MAX_PACKET], ok1[DT_AUTH_MAX_PACKET], ok2[DT_AUTH_MAX_PACKET];
    size_t rn = answer_challenge(peer, auth, resp);
    g_assert_cmpuint(dt_auth_next_deadline(peer), ==, 501);
    dt_auth_input(auth, resp, rn, 2);
    g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_SUCCEEDED);
    size_t s1 = dt_auth_poll_transmit(auth, ok1, sizeof(ok1)); /* lost */
    g_assert_cmpuint(ok1[0], ==, 3);
    g_assert_cmpuint(ok1[1], ==, resp[1]);

    assert_resent(peer, 501, resp, rn);
    dt_auth_input(auth, resp, rn, 502);
    g_assert_cmpuint(dt_auth_poll_transmit(auth, ok2, sizeof(ok2)), ==, s1);
    dt_assert_mem(ok2, ok1, s1);
    g_assert_cmpuint(dt_auth_dropped(auth), ==, 0);
    dt_auth_input(peer, ok2, s1, 503);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_SUCCEEDED);
    g_assert_cmpuint(dt_auth_next_deadline(peer), ==, DT_TIME_NEVER);
    DtMppeStartKeys kp, ka;
    dt_auth_mppe_keys(peer, &kp);
    dt_auth_mppe_keys(auth, &ka);
    g_assert_cmpint(kp.available, ==, m != DT_AUTH_CHAP_MD5);
    if (kp.available)
        dt_assert_mem(kp.send_128, ka.recv_128, 16);
    /* A late second Success is not an answer to anything: dropped. */
    dt_auth_input(peer, ok1, s1, 504);
    g_assert_cmpuint(dt_auth_dropped(peer), ==, 1);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_SUCCEEDED);

    /* A re-challenge after success is answered once, with no timer: the
     * phase is over (RFC 1994 §4). */
    DtAuth *auth2 = new_authenticator(m, NULL);
    dt_auth_start(auth2, 600);
    g_assert_cmpuint(pump(auth2, peer, 600), ==, 1);
    g_assert_cmpuint(dt_auth_poll_transmit(peer, ok2, sizeof(ok2)), >, 0);
    g_assert_cmpuint(dt_auth_next_deadline(peer), ==, DT_TIME_NEVER);
    dt_auth_handle_timeout(peer, 100000);
    g_assert_cmpuint(dt_auth_poll_transmit(peer, ok2, sizeof(ok2)), ==, 0);
    dt_auth_free(auth2);
    dt_auth_free(peer);
    dt_auth_free(auth);
}

/* The Failure is lost: the repeated Response gets the same Failure and the
 * peer ends on AUTH_FAILED with the authenticator's message, not on a
 * timeout. */
static void
test_lost_failure(gconstpointer data)
{
    DtAuthMethod m = GPOINTER_TO_INT(data);
    Opts po = {.restart = 500, .max_transmits = 4};
    DtAuth *peer = new_peer(m, "alice", "wrong", &po);
    DtAuth *auth = new_authenticator(m, NULL);
    uint8_t resp[2 * DT_AUTH_MAX_PACKET], f1[DT_AUTH_MAX_PACKET], f2[DT_AUTH_MAX_PACKET];
    size_t rn = answer_challenge(peer, auth, resp);
    dt_auth_input(auth, resp, rn, 2);
    g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_FAILED);
    size_t fn = dt_auth_poll_transmit(auth, f1, sizeof(f1)); /* lost */
    g_assert_cmpuint(f1[0], ==, 4);

    assert_resent(peer, 501, resp, rn);
    dt_auth_input(auth, resp, rn, 502);
    g_assert_cmpuint(dt_auth_poll_transmit(auth, f2, sizeof(f2)), ==, fn);
    dt_assert_mem(f2, f1, fn);
    dt_auth_input(peer, f2, fn, 503);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_FAILED);
    g_assert_cmpint(dt_auth_result(peer)->reason, ==, DT_REASON_AUTH_FAILED);
    g_assert_cmpuint(dt_auth_next_deadline(peer), ==, DT_TIME_NEVER);
    if (m == DT_AUTH_CHAP_MD5)
        g_assert_cmpstr(dt_auth_result(peer)->message, ==, "Access denied");
    else
        g_assert_cmpuint(dt_auth_result(peer)->error_code, ==, 691);
    /* Nothing more goes out after the verdict. */
    dt_auth_handle_timeout(peer, 100000);
    g_assert_cmpuint(dt_auth_poll_transmit(peer, f2, sizeof(f2)), ==, 0);
    dt_auth_free(peer);
    dt_auth_free(auth);
}

/* The Response is lost: the peer's own timer (shorter than the
 * authenticator's) re-sends it before any Challenge is repeated, and the
 * authenticator accepts the copy. */
static void
test_lost_response(gconstpointer data)
{
    DtAuthMethod m = GPOINTER_TO_INT(data);
    Opts po = {.restart = 500, .max_transmits = 4};
    Opts ao = {.restart = 3000, .max_transmits = 4};
    DtAuth *peer = new_peer(m, "alice", "secret", &po);
    DtAuth *auth = new_authenticator(m, &ao);
    uint8_t resp[2 * DT_AUTH_MAX_PACKET], buf[DT_AUTH_MAX_PACKET];
    size_t rn = answer_challenge(peer, auth, resp); /* lost */
    g_assert_cmpuint(dt_auth_next_deadline(auth), ==, 3000);
    assert_resent(peer, 501, resp, rn);
    dt_auth_handle_timeout(auth, 501);
    g_assert_cmpuint(dt_auth_poll_transmit(auth, buf, sizeof(buf)), ==, 0); /* no new Challenge */
    g_assert_cmpuint(pump(peer, auth, 502), ==, 0); /* assert_resent consumed it */
    dt_auth_input(auth, resp, rn, 502);
    g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_SUCCEEDED);
    g_assert_cmpuint(pump(auth, peer, 503), ==, 1);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_SUCCEEDED);
    g_assert_cmpuint(dt_auth_dropped(peer) + dt_auth_dropped(auth), ==, 0);
    g_assert_cmpuint(dt_auth_next_deadline(peer), ==, DT_TIME_NEVER);
    g_assert_cmpuint(dt_auth_next_deadline(auth), ==, DT_TIME_NEVER);
    dt_auth_free(peer);
    dt_auth_free(auth);
}

/* No verdict ever comes: max_transmits copies of the Response, restart_ms
 * apart, then AUTH_TIMEOUT (the same total wait as before the Response). */
static void
test_response_gives_up(gconstpointer data)
{
    DtAuthMethod m = GPOINTER_TO_INT(data);
    Opts po = {.restart = 500, .max_transmits = 4};
    DtAuth *peer = new_peer(m, "alice", "secret", &po);
    DtAuth *auth = new_authenticator(m, NULL);
    uint8_t resp[2 * DT_AUTH_MAX_PACKET], buf[DT_AUTH_MAX_PACKET];
    size_t rn = answer_challenge(peer, auth, resp);
    for (DtTime t = 501; t <= 1501; t += 500)
        assert_resent(peer, t, resp, rn);
    g_assert_cmpuint(dt_auth_next_deadline(peer), ==, 2001);
    dt_auth_handle_timeout(peer, 2001);
    g_assert_cmpuint(dt_auth_poll_transmit(peer, buf, sizeof(buf)), ==, 0);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_FAILED);
    g_assert_cmpint(dt_auth_result(peer)->reason, ==, DT_REASON_AUTH_TIMEOUT);
    g_assert_cmpuint(dt_auth_next_deadline(peer), ==, DT_TIME_NEVER);
    /* A verdict after giving up changes nothing. */
    dt_auth_input(auth, resp, rn, 2002);
    size_t vn = dt_auth_poll_transmit(auth, buf, sizeof(buf));
    dt_auth_input(peer, buf, vn, 2003);
    g_assert_cmpint(dt_auth_result(peer)->reason, ==, DT_REASON_AUTH_TIMEOUT);
    dt_auth_free(peer);
    dt_auth_free(auth);
}

/* Hostile and broken packets are dropped, counted, and change nothing. */
static void
test_malformed(gconstpointer data)
{
    DtAuthMethod m = GPOINTER_TO_INT(data);
    DtAuth *auth = new_authenticator(m, NULL);
    DtAuth *peer = new_peer(m, "alice", "secret", NULL);
    dt_auth_start(auth, 0);
    dt_auth_start(peer, 0);
    uint8_t chal[DT_AUTH_MAX_PACKET], pkt[DT_AUTH_MAX_PACKET + 100];
    size_t cn = dt_auth_poll_transmit(auth, chal, sizeof(chal));
    uint8_t id = chal[1];
    uint8_t zeros[60] = {0};
    size_t vlen = m == DT_AUTH_CHAP_MD5 ? 16 : 49;

    uint64_t before = dt_auth_dropped(auth);
    size_t n;
    dt_auth_input(auth, chal, 3, 1);                       /* truncated header */
    dt_auth_input(auth, chal, cn, 1);                      /* a Challenge to the authenticator */
    n = build_value(pkt, 2, id, zeros, vlen - 1, "alice"); /* wrong Value-Size */
    dt_auth_input(auth, pkt, n, 1);
    n = build_value(pkt, 2, id, zeros, vlen + 1, "alice");
    dt_auth_input(auth, pkt, n, 1);
    n = build_value(pkt, 2, (uint8_t)(id + 1), zeros, vlen, "alice"); /* wrong Identifier */
    dt_auth_input(auth, pkt, n, 1);
    pkt[0] = 2;
    pkt[1] = id;
    pkt[2] = 0;
    pkt[3] = 5;
    pkt[4] = (uint8_t)vlen; /* Value past Length */
    dt_auth_input(auth, pkt, 5, 1);
    pkt[2] = 0xFF; /* Length past the packet */
    dt_auth_input(auth, pkt, 5, 1);
    g_assert_cmpuint(dt_auth_dropped(auth) - before, ==, 7);
    g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_RUNNING);
    g_assert_cmpuint(dt_auth_poll_transmit(auth, pkt, sizeof(pkt)), ==, 0);

    /* The peer: a Success or Failure before any Response, a Response, a
     * zero-length or (MS-CHAP) wrong-length Challenge. */
    before = dt_auth_dropped(peer);
    n = build(pkt, 3, id, "S=", 2);
    dt_auth_input(peer, pkt, n, 1);
    n = build(pkt, 4, id, "E=691", 5);
    dt_auth_input(peer, pkt, n, 1);
    n = build_value(pkt, 2, id, zeros, vlen, "x");
    dt_auth_input(peer, pkt, n, 1);
    n = build_value(pkt, 1, id, zeros, 0, "");
    dt_auth_input(peer, pkt, n, 1);
    unsigned expect = 4;
    if (m != DT_AUTH_CHAP_MD5) {
        n = build_value(pkt, 1, id, zeros, m == DT_AUTH_MSCHAP_V1 ? 16 : 8, "");
        dt_auth_input(peer, pkt, n, 1);
        expect++;
    }
    g_assert_cmpuint(dt_auth_dropped(peer) - before, ==, expect);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_RUNNING);
    g_assert_cmpuint(dt_auth_poll_transmit(peer, pkt, sizeof(pkt)), ==, 0);

    /* An oversized Name (more than we keep) is an unknown user. */
    char big[400];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    n = build_value(pkt, 2, id, zeros, vlen, big);
    dt_auth_input(auth, pkt, n, 2);
    g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_FAILED);
    g_assert_cmpuint(strlen(dt_auth_result(auth)->peer_name), ==, DT_AUTH_MAX_NAME - 1);

    /* Then the real exchange still works for the peer. */
    dt_auth_input(peer, chal, cn, 3);
    g_assert_cmpuint(dt_auth_poll_transmit(peer, pkt, sizeof(pkt)), >, 0);
    dt_auth_free(peer);
    dt_auth_free(auth);
}

/* RFC 1994 §4: the authenticator may challenge again at any time; a
 * succeeded peer answers and a Failure then ends the link. */
static void
test_rechallenge(gconstpointer data)
{
    DtAuthMethod m = GPOINTER_TO_INT(data);
    DtAuth *peer = new_peer(m, "alice", "secret", NULL);
    DtAuth *auth = new_authenticator(m, NULL);
    run(peer, auth);
    g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_SUCCEEDED);
    DtMppeStartKeys k1, k2;
    dt_auth_mppe_keys(peer, &k1);
    for (int round = 0; round < 2; round++) {
        DtAuth *auth2 = new_authenticator(m, NULL);
        dt_auth_start(auth2, 10);
        g_assert_cmpuint(pump(auth2, peer, 10), ==, 1);
        g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_SUCCEEDED);
        if (round == 0) {
            g_assert_cmpuint(pump(peer, auth2, 10), ==, 1);
            g_assert_cmpuint(pump(auth2, peer, 10), ==, 1);
            g_assert_cmpint(dt_auth_state(auth2), ==, DT_AUTH_STATE_SUCCEEDED);
            g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_SUCCEEDED);
        } else {
            uint8_t resp[DT_AUTH_MAX_PACKET], fail[DT_AUTH_MAX_PACKET];
            size_t rn = dt_auth_poll_transmit(peer, resp, sizeof(resp));
            g_assert_cmpuint(rn, >, 0);
            size_t fn = build(fail, 4, resp[1], "E=649 R=0 V=3 M=No", 18);
            dt_auth_input(peer, fail, fn, 11);
            g_assert_cmpint(dt_auth_state(peer), ==, DT_AUTH_STATE_FAILED);
        }
        dt_auth_free(auth2);
    }
    /* Keys are those of the first success. */
    DtAuth *ref = peer;
    dt_auth_mppe_keys(ref, &k2);
    g_assert_cmpint(k1.available, ==, k2.available);
    dt_assert_mem(&k1, &k2, sizeof(k1));
    dt_auth_free(peer);
    dt_auth_free(auth);
}

/* RFC 1994 §4.1 lets a Challenge Value be any length from 1 to 255. */
static void
test_md5_challenge_lengths(void)
{
    const size_t lens[] = {1, 16, 17, 255};
    for (size_t i = 0; i < G_N_ELEMENTS(lens); i++) {
        uint8_t value[255], pkt[600], out[DT_AUTH_MAX_PACKET], expect[16];
        for (size_t j = 0; j < lens[i]; j++)
            value[j] = (uint8_t)(j * 7 + 1);
        DtAuth *peer = new_peer(DT_AUTH_CHAP_MD5, "alice", "secret", NULL);
        dt_auth_start(peer, 0);
        size_t n = build_value(pkt, 1, 3, value, lens[i], "srv");
        dt_auth_input(peer, pkt, n, 1);
        g_assert_cmpuint(dt_auth_poll_transmit(peer, out, sizeof(out)), ==, 4 + 1 + 16 + 5);
        uint8_t id = 3;
        DtIov parts[3] = {{&id, 1}, {"secret", 6}, {value, lens[i]}};
        g_assert_true(dt_crypto_md5(dt_test_crypto(), parts, 3, expect));
        dt_assert_mem(out + 5, expect, 16);
        /* The retransmitted Challenge is recognised as the same one. */
        dt_auth_input(peer, pkt, n, 2);
        uint8_t again[DT_AUTH_MAX_PACKET];
        g_assert_cmpuint(dt_auth_poll_transmit(peer, again, sizeof(again)), ==, 26);
        dt_assert_mem(again, out, 26);
        dt_auth_free(peer);
    }
}

static void
add_per_method(const char *name, GTestDataFunc fn)
{
    static const struct {
        const char *token;
        DtAuthMethod m;
    } methods[] = {
        {"chap", DT_AUTH_CHAP_MD5},
        {"mschap", DT_AUTH_MSCHAP_V1},
        {"mschapv2", DT_AUTH_MSCHAP_V2},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(methods); i++) {
        g_autofree char *path = g_strdup_printf("/chap/%s/%s", methods[i].token, name);
        g_test_add_data_func(path, GINT_TO_POINTER(methods[i].m), fn);
    }
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/chap/md5/vectors", test_md5_vectors);
    g_test_add_func("/chap/md5/challenge-lengths", test_md5_challenge_lengths);
    add_per_method("pair", test_pair);
    add_per_method("wrong-password", test_wrong_password);
    add_per_method("timeouts", test_timeouts);
    add_per_method("loss", test_loss);
    add_per_method("lost-success", test_lost_success);
    add_per_method("lost-failure", test_lost_failure);
    add_per_method("lost-response", test_lost_response);
    add_per_method("response-gives-up", test_response_gives_up);
    add_per_method("malformed", test_malformed);
    add_per_method("rechallenge", test_rechallenge);
    return dt_test_run();
}
