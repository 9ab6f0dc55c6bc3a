/* test-chap.c — CHAP-MD5 (RFC 1994), MS-CHAP v1 (RFC 2433) and v2 (RFC 2759)
 * in both roles: against rfc1994_chap.txt, against each other in-process
 * with a fake clock, and against hand-built hostile packets. */
#include <string.h>

#include "dt-auth.h"
#include "dt-mppe-key.h"
#include "dt-mschap.h"
#include "dt-test.h"
#include "dt-vectors.h"

typedef struct {
    const char *user;
    const char *secret;
} Account;

static const Account accounts[] = {
    {"alice", "secret"},
    {"CORP\\bob", "Cl\xc3\xa9-p\xc3\xa0ss 2000"}, /* domain user, non-LM password */
    {"carol", "MyPw"},
};

static bool
lookup_cb(void *data, const char *user, size_t len, char *secret, size_t cap)
{
    unsigned *calls = data;
    if (calls)
        (*calls)++;
    g_assert_cmpuint(strlen(user), ==, len);
    for (size_t i = 0; i < G_N_ELEMENTS(accounts); i++) {
        if (strcmp(user, accounts[i].user) == 0) {
            g_strlcpy(secret, accounts[i].secret, cap);
            return true;
        }
    }
    return false;
}

typedef struct {
    unsigned restart;
    unsigned max_transmits;
    unsigned max_retries;
    const char *local_name;
} Opts;

static DtAuth *
new_peer(DtAuthMethod m, const char *user, const char *password, const Opts *o)
{
    DtAuthConfig c = {
        .method = m,
        .role = DT_PPP_ROLE_PEER,
        .crypto = dt_test_crypto(),
        .user = user,
        .password = password,
        .restart_ms = o ? o->restart : 0,
        .max_transmits = o ? o->max_transmits : 0,
        .max_retries = o ? o->max_retries : 0,
    };
    DtAuth *a = dt_auth_new(&c);
    g_assert_nonnull(a);
    return a;
}

static DtAuth *
new_authenticator(DtAuthMethod m, const Opts *o)
{
    DtAuthConfig c = {
        .method = m,
        .role = DT_PPP_ROLE_AUTHENTICATOR,
        .crypto = dt_test_crypto(),
        .lookup = lookup_cb,
        .local_name = o ? o->local_name : NULL,
        .restart_ms = o ? o->restart : 0,
        .max_transmits = o ? o->max_transmits : 0,
        .max_retries = o ? o->max_retries : 0,
    };
    DtAuth *a = dt_auth_new(&c);
    g_assert_nonnull(a);
    return a;
}

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
run(DtAuth *peer, DtAuth *auth)
{
    dt_auth_start(auth, 0);
    dt_auth_start(peer, 0);
    while (pump(auth, peer, 1) + pump(peer, auth, 1) > 0) {
    }
}

/* Builds Code/Identifier/Length around data. */
static size_t
build(uint8_t *buf, uint8_t code, uint8_t id, const void *data, size_t len)
{
    buf[0] = code;
    buf[1] = id;
    buf[2] = (uint8_t)((4 + len) >> 8);
    buf[3] = (uint8_t)(4 + len);
    memcpy(buf + 4, data, len);
    return 4 + len;
}

static size_t
build_value(uint8_t *buf, uint8_t code, uint8_t id, const void *value, size_t vlen,
            const char *name)
{
    uint8_t data[600];
    data[0] = (uint8_t)vlen;
    memcpy(data + 1, value, vlen);
    memcpy(data + 1 + vlen, name, strlen(name));
    return build(buf, code, id, data, 1 + vlen + strlen(name));
}

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

/* ---- MS-CHAP specifics ---- */

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
