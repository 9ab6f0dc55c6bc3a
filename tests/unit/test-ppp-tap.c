/* test-ppp-tap.c — the control-frame tap and its redaction (dt-ppp-tap.h).
 *
 * Hand-built packets check each redaction rule; then a peer and an
 * authenticator run a real link for every authentication method with a tap
 * on each side, and no tapped frame may hold the password, its NT hash, or
 * the response and authenticator-response values that went over the wire.
 */
#include <string.h>

#include "dt-buf.h"
#include "dt-mschap.h"
#include "dt-ppp.h"
#include "dt-test.h"

#define ADDR(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define PASSWORD "Tap-s3cret!"

/* ---- redaction rules ---- */

static size_t
redact(uint16_t proto, const uint8_t *pkt, size_t len, uint8_t *out)
{
    return dt_ppp_tap_redact(proto, pkt, len, out, DT_PPP_TAP_MAX);
}

static void
test_pap_request(void)
{
    /* Authenticate-Request id 7: "alice" / PASSWORD, then two octets of padding. */
    uint8_t pkt[64], out[DT_PPP_TAP_MAX];
    size_t n = 0;
    pkt[n++] = 1;
    pkt[n++] = 7;
    n += 2;
    pkt[n++] = 5;
    memcpy(pkt + n, "alice", 5);
    n += 5;
    pkt[n++] = sizeof PASSWORD - 1;
    memcpy(pkt + n, PASSWORD, sizeof PASSWORD - 1);
    n += sizeof PASSWORD - 1;
    dt_put_u16(pkt + 2, (uint16_t)n);
    pkt[n] = pkt[n + 1] = 0xAA;

    size_t r = redact(DT_PPP_PROTO_PAP, pkt, n + 2, out);
    static const uint8_t want[] = {1, 7,   0,   19,  5,   'a', 'l', 'i', 'c', 'e',
                                   8, 'r', 'e', 'd', 'a', 'c', 't', 'e', 'd'};
    g_assert_cmpmem(out, r, want, sizeof want);

    /* A Passwd-Length past the end, or a Length past the frame: withheld. */
    pkt[10] = 200;
    g_assert_cmpuint(redact(DT_PPP_PROTO_PAP, pkt, n, out), ==, 0);
    pkt[10] = sizeof PASSWORD - 1;
    g_assert_cmpuint(redact(DT_PPP_PROTO_PAP, pkt, n - 1, out), ==, 0);
    /* An output too small for the whole request: withheld, never cut. */
    g_assert_cmpuint(dt_ppp_tap_redact(DT_PPP_PROTO_PAP, pkt, n, out, 10), ==, 0);
    /* Ack keeps its message; an unknown code is withheld. */
    static const uint8_t ack[] = {2, 7, 0, 8, 3, 'O', 'K', '!'};
    g_assert_cmpmem(out, redact(DT_PPP_PROTO_PAP, ack, sizeof ack, out), ack, sizeof ack);
    static const uint8_t odd[] = {9, 7, 0, 4}, zero[] = {0, 7, 0, 4};
    g_assert_cmpuint(redact(DT_PPP_PROTO_PAP, odd, sizeof odd, out), ==, 0);
    g_assert_cmpuint(redact(DT_PPP_PROTO_PAP, zero, sizeof zero, out), ==, 0);
}

static void
test_chap_packets(void)
{
    uint8_t pkt[128], out[DT_PPP_TAP_MAX];
    /* MS-CHAP v2 Response: 49 octets of value, then the name. */
    size_t n = 0;
    pkt[n++] = 2;
    pkt[n++] = 1;
    n += 2;
    pkt[n++] = 49;
    for (int i = 0; i < 49; i++)
        pkt[n++] = (uint8_t)(0x40 + i);
    memcpy(pkt + n, "alice", 5);
    n += 5;
    dt_put_u16(pkt + 2, (uint16_t)n);
    size_t r = redact(DT_PPP_PROTO_CHAP, pkt, n, out);
    g_assert_cmpuint(r, ==, n);
    g_assert_cmpmem(out, 5, pkt, 5);
    for (int i = 0; i < 49; i++)
        g_assert_cmpuint(out[5 + i], ==, 0);
    g_assert_cmpmem(out + 54, 5, "alice", 5);
    /* A Value-Size past the packet: withheld. */
    pkt[4] = 60;
    g_assert_cmpuint(redact(DT_PPP_PROTO_CHAP, pkt, n, out), ==, 0);

    /* A Challenge is kept as it is. */
    pkt[0] = 1;
    pkt[4] = 16;
    g_assert_cmpmem(out, redact(DT_PPP_PROTO_CHAP, pkt, n, out), pkt, n);

    /* Success: the authenticator response goes, the message stays. */
    static const char msg[] = "S=0123456789ABCDEF0123456789abcdef01234567 M=Welcome S=FF";
    n = 4 + sizeof msg - 1;
    pkt[0] = 3;
    dt_put_u16(pkt + 2, (uint16_t)n);
    memcpy(pkt + 4, msg, sizeof msg - 1);
    r = redact(DT_PPP_PROTO_CHAP, pkt, n, out);
    g_assert_cmpuint(r, ==, n);
    static const char want[] = "S=0000000000000000000000000000000000000000 M=Welcome S=00";
    g_assert_cmpmem(out + 4, r - 4, want, sizeof want - 1);

    /* Failure is kept (its C= is a fresh challenge, not a secret). */
    static const char fail[] = "E=691 R=1 C=00112233445566778899AABBCCDDEEFF V=3 M=no";
    n = 4 + sizeof fail - 1;
    pkt[0] = 4;
    dt_put_u16(pkt + 2, (uint16_t)n);
    memcpy(pkt + 4, fail, sizeof fail - 1);
    g_assert_cmpmem(out, redact(DT_PPP_PROTO_CHAP, pkt, n, out), pkt, n);

    /* MS-CHAP Change-Password (v1: 5, 6; v2: 7) and unknown codes: withheld. */
    for (uint8_t code = 5; code < 12; code++) {
        pkt[0] = code;
        g_assert_cmpuint(redact(DT_PPP_PROTO_CHAP, pkt, n, out), ==, 0);
    }
}

static void
test_lcp_and_ncp(void)
{
    uint8_t out[DT_PPP_TAP_MAX];
    /* A Protocol-Reject of our PAP request: only the rejected protocol stays. */
    static const uint8_t rej_pap[] = {8, 3, 0, 12, 0xC0, 0x23, 1, 1, 0, 6, 's', 'x'};
    size_t r = redact(DT_PPP_PROTO_LCP, rej_pap, sizeof rej_pap, out);
    static const uint8_t want_pap[] = {8, 3, 0, 6, 0xC0, 0x23};
    g_assert_cmpmem(out, r, want_pap, sizeof want_pap);
    /* Of an IP packet likewise. */
    static const uint8_t rej_ip[] = {8, 4, 0, 10, 0x00, 0x21, 0x45, 0, 0, 20};
    r = redact(DT_PPP_PROTO_LCP, rej_ip, sizeof rej_ip, out);
    g_assert_cmpuint(r, ==, 6);
    g_assert_cmpuint(dt_get_u16(out + 2), ==, 6);
    /* Of an NCP: kept whole, it is what a reader wants to see. */
    static const uint8_t rej_ncp[] = {8, 5, 0, 10, 0x80, 0x57, 1, 1, 0, 4};
    g_assert_cmpmem(out, redact(DT_PPP_PROTO_LCP, rej_ncp, sizeof rej_ncp, out), rej_ncp,
                    sizeof rej_ncp);
    /* Padding after Length goes; a Length past the frame keeps what came. */
    static const uint8_t echo[] = {9, 1, 0, 8, 1, 2, 3, 4, 0xEE, 0xEE};
    g_assert_cmpmem(out, redact(DT_PPP_PROTO_LCP, echo, sizeof echo, out), echo, 8);
    static const uint8_t longer[] = {1, 1, 0, 40, 1, 4, 5, 0xDC};
    g_assert_cmpmem(out, redact(DT_PPP_PROTO_LCP, longer, sizeof longer, out), longer,
                    sizeof longer);
    /* IPCP is copied; a frame bigger than the output is cut. */
    static const uint8_t ipcp[] = {1, 1, 0, 10, 3, 6, 10, 0, 0, 2};
    g_assert_cmpmem(out, redact(DT_PPP_PROTO_IPCP, ipcp, sizeof ipcp, out), ipcp, sizeof ipcp);
    g_assert_cmpuint(dt_ppp_tap_redact(DT_PPP_PROTO_CCP, ipcp, sizeof ipcp, out, 6), ==, 6);
    /* What is tapped at all. */
    g_assert_true(dt_ppp_tap_wants(DT_PPP_PROTO_LCP));
    g_assert_true(dt_ppp_tap_wants(DT_PPP_PROTO_PAP));
    g_assert_true(dt_ppp_tap_wants(DT_PPP_PROTO_CHAP));
    g_assert_true(dt_ppp_tap_wants(DT_PPP_PROTO_CCP));
    g_assert_true(dt_ppp_tap_wants(DT_PPP_PROTO_IPV6CP));
    g_assert_false(dt_ppp_tap_wants(0x0021));
    g_assert_false(dt_ppp_tap_wants(DT_PPP_PROTO_COMPRESSED));
    g_assert_false(dt_ppp_tap_wants(0xC227)); /* EAP */
    g_assert_cmpuint(redact(0x0021, ipcp, sizeof ipcp, out), ==, 0);
}

/* ---- a real link with a tap on each side ---- */

typedef struct {
    GPtrArray *frames; /* GBytes: direction octet, protocol (2), then the tapped copy */
    unsigned withheld;
} Tap;

static void
tap_cb(void *ctx, const DtPppTapFrame *f)
{
    Tap *t = ctx;
    g_assert_cmpuint(f->len, <=, DT_PPP_TAP_MAX);
    if (!f->pkt) {
        g_assert_cmpuint(f->len, ==, 0);
        t->withheld++;
        return;
    }
    GByteArray *b = g_byte_array_new();
    uint8_t head[3] = {f->direction == DT_PPP_TAP_SENT, (uint8_t)(f->protocol >> 8),
                       (uint8_t)f->protocol};
    g_byte_array_append(b, head, 3);
    g_byte_array_append(b, f->pkt, (guint)f->len);
    g_ptr_array_add(t->frames, g_byte_array_free_to_bytes(b));
}

static bool
lookup_cb(void *data, const char *user, size_t user_len, char *secret, size_t cap)
{
    (void)data;
    if (user_len != 5 || memcmp(user, "alice", 5) != 0 || cap < sizeof PASSWORD)
        return false;
    strcpy(secret, PASSWORD);
    return true;
}

static bool
contains(GBytes *hay, const void *needle, size_t n)
{
    gsize len;
    const guint8 *p = g_bytes_get_data(hay, &len);
    return n && memmem(p, len, needle, n) != NULL;
}

static void
assert_absent(GPtrArray *frames, const void *needle, size_t n, const char *what)
{
    for (guint i = 0; i < frames->len; i++)
        if (contains(frames->pdata[i], needle, n))
            g_error("tapped frame %u holds the %s", i, what);
}

/* Wire secrets seen in the frames that actually went over the link. */
typedef struct {
    GPtrArray *values; /* GBytes: every CHAP Response value, every S= response */
} Wire;

/* Zeros prove nothing (MS-CHAP v1 sends an all-zero LM-Response). */
static void
add_value(Wire *w, const uint8_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i]) {
            g_ptr_array_add(w->values, g_bytes_new(v, n));
            return;
        }
    }
}

static void
note_wire_frame(Wire *w, const uint8_t *frame, size_t n)
{
    /* Frames from dt_ppp_poll_transmit: FF 03 (LCP always; others before ACFC) + protocol. */
    size_t off = frame[0] == 0xFF ? 2 : 0;
    if (n < off + 6 || dt_get_u16(frame + off) != DT_PPP_PROTO_CHAP)
        return;
    const uint8_t *pkt = frame + off + 2;
    size_t len = n - off - 2;
    if (pkt[0] == 2 && len > 5) {
        g_assert_cmpuint(pkt[4], <=, len - 5);
        add_value(w, pkt + 5, pkt[4]);
        if (pkt[4] == 49) { /* MS-CHAP: the NT-Response alone, and v2's Peer-Challenge */
            add_value(w, pkt + 5 + 24, 24);
            add_value(w, pkt + 5, 16);
        }
    }
    const uint8_t *s = len > 6 && pkt[0] == 3 ? memmem(pkt + 4, len - 4, "S=", 2) : NULL;
    if (s) {
        g_assert_cmpuint((size_t)(pkt + len - s), >=, 42);
        add_value(w, s + 2, 40);
    }
}

typedef struct {
    DtPpp *ppp;
    Tap tap;
    GQueue out; /* GBytes frames on their way to the other side */
    unsigned sent, received;
    bool network, down;
} Side;

static void
side_init(Side *s, DtPppConfig *c)
{
    memset(s, 0, sizeof(*s));
    s->tap.frames = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    c->tap = (DtPppTap){tap_cb, &s->tap};
    s->ppp = dt_ppp_new(c);
    g_assert_nonnull(s->ppp);
    g_queue_init(&s->out);
}

static void
side_clear(Side *s)
{
    dt_ppp_free(s->ppp);
    g_ptr_array_unref(s->tap.frames);
    g_queue_clear_full(&s->out, (GDestroyNotify)g_bytes_unref);
}

static void
side_pump(Side *s, Wire *w)
{
    uint8_t buf[DT_PPP_MAX_CONTROL];
    size_t n;
    while ((n = dt_ppp_poll_transmit(s->ppp, buf, sizeof(buf), NULL)) > 0) {
        note_wire_frame(w, buf, n);
        g_queue_push_tail(&s->out, g_bytes_new(buf, n));
        s->sent++;
    }
    DtPppEvent ev;
    while (dt_ppp_poll_event(s->ppp, &ev)) {
        if (ev.type == DT_PPP_EVENT_IPCP_UP)
            s->network = true;
        if (ev.type == DT_PPP_EVENT_LINK_DOWN)
            s->down = true;
    }
}

static void
side_deliver(Side *from, Side *to, DtTime now)
{
    GBytes *b;
    while ((b = g_queue_pop_head(&from->out))) {
        gsize n;
        const guint8 *d = g_bytes_get_data(b, &n);
        dt_ppp_input(to->ppp, d, n, now, NULL);
        to->received++;
        g_bytes_unref(b);
    }
}

/* Counts tapped frames of protocol and code (code -1: any) in one direction. */
static unsigned
count(const Tap *t, bool sent, uint16_t protocol, int code)
{
    unsigned c = 0;
    for (guint i = 0; i < t->frames->len; i++) {
        gsize n;
        const guint8 *d = g_bytes_get_data(t->frames->pdata[i], &n);
        g_assert_cmpuint(n, >=, 7);
        /* Every tapped copy is a whole packet: its Length is its size. */
        g_assert_cmpuint(dt_get_u16(d + 5), ==, n - 3);
        if ((d[0] != 0) == sent && dt_get_u16(d + 1) == protocol && (code < 0 || d[3] == code))
            c++;
    }
    return c;
}

static void
test_link(gconstpointer data)
{
    DtAuthMethod m = (DtAuthMethod)GPOINTER_TO_INT(data);
    g_autoptr(GRand) rand = g_rand_new_with_seed(dt_test_seed());
    DtPppConfig ca, cb;
    memset(&ca, 0, sizeof(ca));
    ca.role = DT_PPP_ROLE_PEER;
    ca.crypto = dt_test_crypto();
    ca.random = (DtRandom){dt_test_random_cb, rand};
    ca.lcp.mru = 1400;
    ca.lcp.auth[ca.lcp.n_auth++] = m;
    ca.user = "alice";
    ca.password = PASSWORD;
    ca.enable_ipcp = true;
    ca.enable_ipv6cp = true;
    memset(&cb, 0, sizeof(cb));
    cb.role = DT_PPP_ROLE_AUTHENTICATOR;
    cb.crypto = dt_test_crypto();
    cb.random = (DtRandom){dt_test_random_cb, rand};
    cb.lcp.auth[cb.lcp.n_auth++] = m;
    cb.lookup = lookup_cb;
    cb.local_name = "";
    cb.enable_ipcp = true;
    cb.ipcp.local_addr = ADDR(10, 0, 0, 1);
    cb.ipcp.peer_addr = ADDR(10, 0, 0, 2);
    /* No IPv6CP on the authenticator: the peer's is Protocol-Rejected. */

    Side a, b;
    Wire w = {g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref)};
    side_init(&a, &ca);
    side_init(&b, &cb);
    DtTime now = 1000;
    dt_ppp_open(a.ppp, now);
    dt_ppp_open(b.ppp, now);
    dt_ppp_lower_up(a.ppp, now);
    dt_ppp_lower_up(b.ppp, now);
    bool closed = false;
    for (int step = 0; step < 2000 && !(a.down && b.down); step++) {
        side_pump(&a, &w);
        side_pump(&b, &w);
        if (a.network && b.network && !closed) {
            dt_ppp_close(a.ppp, DT_REASON_LOCAL_REQUEST, now);
            closed = true;
            continue;
        }
        if (!g_queue_is_empty(&a.out) || !g_queue_is_empty(&b.out)) {
            now += 5;
            side_deliver(&a, &b, now);
            side_deliver(&b, &a, now);
        } else {
            DtTime t = dt_time_min(dt_ppp_next_deadline(a.ppp), dt_ppp_next_deadline(b.ppp));
            if (t == DT_TIME_NEVER)
                break;
            now = MAX(now, t);
        }
        dt_ppp_handle_timeout(a.ppp, now);
        dt_ppp_handle_timeout(b.ppp, now);
    }
    g_assert_true(closed);
    g_assert_true(a.down && b.down);
    side_pump(&a, &w);
    side_pump(&b, &w);

    /* Every control frame either way was tapped once on each side, nothing withheld. */
    g_assert_cmpuint(a.tap.withheld + b.tap.withheld, ==, 0);
    g_assert_cmpuint(a.tap.frames->len, ==, a.sent + a.received);
    g_assert_cmpuint(b.tap.frames->len, ==, b.sent + b.received);
    for (int sent = 0; sent < 2; sent++) {
        g_assert_cmpuint(count(&a.tap, sent, DT_PPP_PROTO_LCP, DT_FSM_CONF_ACK), >=, 1);
        g_assert_cmpuint(count(&a.tap, sent, DT_PPP_PROTO_IPCP, DT_FSM_CONF_ACK), >=, 1);
        g_assert_cmpuint(count(&b.tap, sent, DT_PPP_PROTO_LCP, DT_FSM_TERM_REQ + sent), >=, 1);
        g_assert_cmpuint(count(&a.tap, sent, dt_auth_method_protocol(m), -1), >=, 1);
        g_assert_cmpuint(count(&b.tap, sent, dt_auth_method_protocol(m), -1), >=, 1);
    }
    g_assert_cmpuint(count(&a.tap, true, DT_PPP_PROTO_IPV6CP, DT_FSM_CONF_REQ), >=, 1);
    g_assert_cmpuint(count(&a.tap, false, DT_PPP_PROTO_LCP, DT_LCP_PROTOCOL_REJ), >=, 1);
    g_assert_cmpuint(count(&b.tap, true, DT_PPP_PROTO_LCP, DT_LCP_PROTOCOL_REJ), >=, 1);
    if (m == DT_AUTH_PAP) {
        g_assert_cmpuint(count(&a.tap, true, DT_PPP_PROTO_PAP, 1), >=, 1);
        g_assert_cmpuint(count(&b.tap, false, DT_PPP_PROTO_PAP, 2), ==, 0);
        g_assert_cmpuint(count(&b.tap, true, DT_PPP_PROTO_PAP, 2), >=, 1);
    } else {
        g_assert_cmpuint(count(&a.tap, false, DT_PPP_PROTO_CHAP, 1), >=, 1);
        g_assert_cmpuint(count(&a.tap, true, DT_PPP_PROTO_CHAP, 2), >=, 1);
        g_assert_cmpuint(count(&b.tap, true, DT_PPP_PROTO_CHAP, 3), >=, 1);
        g_assert_cmpuint(w.values->len, >=, m == DT_AUTH_CHAP_MD5 ? 1 : 2);
    }
    if (m == DT_AUTH_MSCHAP_V2)
        g_assert_cmpuint(w.values->len, >=, 4); /* the S= went over the wire */

    /* The secrets: the password (as typed and as UTF-16LE), its NT hash, and
     * every response value that crossed the wire. */
    uint8_t uni[2 * DT_MSCHAP_MAX_PASSWORD_CHARS], hash[DT_MSCHAP_HASH_LEN];
    size_t uni_len;
    g_assert_true(dt_mschap_password_to_unicode(PASSWORD, uni, &uni_len));
    g_assert_true(dt_nt_password_hash(dt_test_crypto(), uni, uni_len, hash));
    g_autofree char *hash_hex = dt_test_hex_upper(hash, sizeof hash);
    g_autofree char *hash_lower = g_ascii_strdown(hash_hex, -1);
    Side *sides[] = {&a, &b};
    for (int i = 0; i < 2; i++) {
        GPtrArray *f = sides[i]->tap.frames;
        assert_absent(f, PASSWORD, strlen(PASSWORD), "password");
        assert_absent(f, "s3cret", 6, "password's tail");
        assert_absent(f, uni, uni_len, "UTF-16 password");
        assert_absent(f, hash, sizeof hash, "NT hash");
        assert_absent(f, hash_hex, strlen(hash_hex), "NT hash in hex");
        assert_absent(f, hash_lower, strlen(hash_lower), "NT hash in hex");
        for (guint j = 0; j < w.values->len; j++) {
            gsize n;
            const void *v = g_bytes_get_data(w.values->pdata[j], &n);
            assert_absent(f, v, n, "response value");
        }
    }
    g_ptr_array_unref(w.values);
    side_clear(&a);
    side_clear(&b);
}

/* Proves the check above can fail: without redaction the password is seen. */
static void
test_unredacted_would_show(void)
{
    uint8_t pkt[32] = {1, 1, 0, 0, 1, 'a', sizeof PASSWORD - 1};
    memcpy(pkt + 7, PASSWORD, sizeof PASSWORD - 1);
    size_t n = 7 + sizeof PASSWORD - 1;
    dt_put_u16(pkt + 2, (uint16_t)n);
    g_autoptr(GBytes) raw = g_bytes_new(pkt, n);
    g_assert_true(contains(raw, PASSWORD, strlen(PASSWORD)));
    uint8_t out[DT_PPP_TAP_MAX];
    g_autoptr(GBytes) red = g_bytes_new(out, redact(DT_PPP_PROTO_PAP, pkt, n, out));
    g_assert_false(contains(red, PASSWORD, strlen(PASSWORD)));
    g_assert_true(contains(red, DT_PPP_TAP_PASSWORD, strlen(DT_PPP_TAP_PASSWORD)));
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/ppp-tap/redact/pap-request", test_pap_request);
    g_test_add_func("/ppp-tap/redact/chap", test_chap_packets);
    g_test_add_func("/ppp-tap/redact/lcp-ncp", test_lcp_and_ncp);
    g_test_add_func("/ppp-tap/redact/control", test_unredacted_would_show);
    static const struct {
        const char *name;
        DtAuthMethod m;
    } methods[] = {{"pap", DT_AUTH_PAP},
                   {"chap-md5", DT_AUTH_CHAP_MD5},
                   {"mschap", DT_AUTH_MSCHAP_V1},
                   {"mschapv2", DT_AUTH_MSCHAP_V2}};
    for (size_t i = 0; i < G_N_ELEMENTS(methods); i++) {
        g_autofree char *path = g_strdup_printf("/ppp-tap/link/%s", methods[i].name);
        g_test_add_data_func(path, GINT_TO_POINTER(methods[i].m), test_link);
    }
    return dt_test_run();
}
