/* test-session.c — a client session and a server session joined in-process.
 *
 * The client DtSession talks to a server program made of a PAC DtPptpCtrl
 * and one server DtSession, through two byte pipes (the TCP control
 * connection) and two GRE packet queues that lose, duplicate and reorder
 * packets (seeded: DT_TEST_SEED replays).  A fake clock; every loop is
 * bounded in steps and in simulated time.
 */
#include <string.h>

#include "dt-session.h"
#include "dt-test.h"

#define ADDR(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define SLOT 2048
#define HEADROOM 128
#define MARKER "DIALTONE-PLAINTEXT-MARKER"

typedef struct {
    size_t len;
    uint8_t data[SLOT];
} Pkt;

typedef struct {
    GQueue q;
    Pkt *held; /* a packet kept back to be delivered after the next one */
    bool cut;
} Wire;

typedef struct {
    uint32_t next_seq; /* sender: sequence of the next IP packet */
    uint32_t last_rx;  /* receiver: highest sequence delivered */
    uint64_t received;
    uint64_t mismatches;
    uint64_t out_of_order;
    bool down;
    DtSessionDown why;
    bool network;
    DtSessionSummary sum;
} End;

typedef struct {
    GRand *rand;
    DtTime now;
    double loss, dup, reorder;
    DtSessionConfig ccfg, scfg; /* scfg: the template for the server's sessions */
    DtSession *client;
    DtPptpCtrl *sctrl;
    DtSession *server;
    GByteArray *c2s_tcp, *s2c_tcp;
    Wire c2s, s2c;
    End c, s;
    bool marker_on_wire;
    bool watch_marker;
    uint64_t wire_hash; /* FNV-1a of every GRE packet sent: equal runs send equal octets */
} Net;

typedef struct {
    DtAuthMethod auth;
    DtMppeEncryption cenc, senc;
    uint32_t cstrengths, sstrengths;
    bool stateful;
    bool mppc;
    const char *password;
} Policy;

static void
net_init(Net *n, const Policy *p, guint32 seed)
{
    memset(n, 0, sizeof(*n));
    n->rand = g_rand_new_with_seed(seed);
    n->now = 1000;
    n->wire_hash = 14695981039346656037u;
    n->c2s_tcp = g_byte_array_new();
    n->s2c_tcp = g_byte_array_new();
    g_queue_init(&n->c2s.q);
    g_queue_init(&n->s2c.q);

    DtSessionConfig *c = &n->ccfg;
    c->role = DT_SESSION_CLIENT;
    c->crypto = dt_test_crypto();
    c->random = (DtRandom){dt_test_random_cb, n->rand};
    c->pptp.host_name = "client";
    c->pptp.call_id_base = (uint16_t)g_rand_int_range(n->rand, 1, 60000);
    c->ppp.lcp.request_pfc = c->ppp.lcp.request_acfc = true;
    c->ppp.lcp.auth[c->ppp.lcp.n_auth++] = p->auth;
    c->ppp.user = "alice";
    c->ppp.password = p->password ? p->password : "s3cret!";
    c->ppp.ipcp.request_dns = c->ppp.ipcp.request_nbns = true;
    c->policy = (DtCcpMppePolicy){p->cenc, p->stateful, p->mppc, false};
    c->mppe_strengths = p->cstrengths;
    c->prefer_stateful = p->stateful;

    DtSessionConfig *s = &n->scfg;
    s->role = DT_SESSION_SERVER;
    s->crypto = dt_test_crypto();
    s->random = (DtRandom){dt_test_random_cb, n->rand};
    s->ppp.lcp.auth[s->ppp.lcp.n_auth++] = p->auth;
    s->ppp.lookup = dt_test_lookup_alice_cb;
    s->ppp.local_name = "";
    s->ppp.ipcp.local_addr = ADDR(10, 0, 0, 1);
    s->ppp.ipcp.peer_addr = ADDR(10, 0, 0, 2);
    s->ppp.ipcp.dns[0] = ADDR(192, 0, 2, 53);
    s->policy = (DtCcpMppePolicy){p->senc, p->stateful, p->mppc, false};
    s->mppe_strengths = p->sstrengths;
    s->prefer_stateful = p->stateful;

    DtPptpCtrlConfig pc = {.role = DT_PPTP_ROLE_PAC, .host_name = "server"};
    pc.call_id_base = (uint16_t)g_rand_int_range(n->rand, 1, 60000);
    n->sctrl = dt_pptp_ctrl_new(&pc);
    g_assert_nonnull(n->sctrl);
    dt_pptp_ctrl_start(n->sctrl, n->now); /* the TCP connection was accepted */
    n->client = dt_session_new(&n->ccfg);
    g_assert_nonnull(n->client);
}

static void
wire_clear(Wire *w)
{
    g_queue_clear_full(&w->q, g_free);
    g_free(w->held);
    w->held = NULL;
}

static void
net_clear(Net *n)
{
    dt_session_free(n->client);
    dt_session_free(n->server);
    dt_pptp_ctrl_free(n->sctrl);
    wire_clear(&n->c2s);
    wire_clear(&n->s2c);
    g_byte_array_unref(n->c2s_tcp);
    g_byte_array_unref(n->s2c_tcp);
    g_rand_free(n->rand);
}

static void
wire_send(Net *n, Wire *w, const uint8_t *p, size_t len)
{
    g_assert_cmpuint(len, <=, SLOT);
    if (n->watch_marker && memmem(p, len, MARKER, strlen(MARKER)))
        n->marker_on_wire = true;
    for (size_t i = 0; i < len; i++)
        n->wire_hash = (n->wire_hash ^ p[i]) * 1099511628211u;
    if (w->cut || g_rand_double(n->rand) < n->loss)
        return;
    int copies = g_rand_double(n->rand) < n->dup ? 2 : 1;
    for (int i = 0; i < copies; i++) {
        Pkt *k = g_new(Pkt, 1);
        k->len = len;
        memcpy(k->data, p, len);
        if (!w->held && g_rand_double(n->rand) < n->reorder) {
            w->held = k;
            continue;
        }
        g_queue_push_tail(&w->q, k);
        if (w->held) {
            g_queue_push_tail(&w->q, w->held);
            w->held = NULL;
        }
    }
}

/* ---- IP packets: sequence + a pattern the receiver can rebuild ---------- */

static void
make_ip(uint8_t *ip, size_t len, uint32_t seq, char dir)
{
    static const char text[] = "The quick brown fox jumps over the lazy dog. ";
    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[2] = (uint8_t)(len >> 8);
    ip[3] = (uint8_t)len;
    ip[4] = (uint8_t)(seq >> 24);
    ip[5] = (uint8_t)(seq >> 16);
    ip[6] = (uint8_t)(seq >> 8);
    ip[7] = (uint8_t)seq;
    ip[8] = (uint8_t)dir;
    for (size_t i = 20; i < len; i++) {
        /* Half text (compressible), half noise from the sequence. */
        uint32_t x = seq * 2654435761u + (uint32_t)i * 40503u;
        ip[i] = ((i / 64) & 1) ? (uint8_t)(x >> 13) : (uint8_t)text[i % (sizeof(text) - 1)];
    }
    if (len >= 20 + strlen(MARKER))
        memcpy(ip + 20, MARKER, strlen(MARKER));
}

static void
check_ip(End *e, const uint8_t *ip, size_t len, char dir)
{
    uint8_t want[SLOT];
    g_assert_cmpuint(len, >=, 20);
    size_t tl = (size_t)ip[2] << 8 | ip[3];
    uint32_t seq = (uint32_t)ip[4] << 24 | (uint32_t)ip[5] << 16 | (uint32_t)ip[6] << 8 | ip[7];
    if (tl != len || ip[8] != (uint8_t)dir) {
        e->mismatches++;
        return;
    }
    make_ip(want, len, seq, dir);
    if (memcmp(want, ip, len) != 0)
        e->mismatches++;
    if (e->received && seq <= e->last_rx)
        e->out_of_order++;
    e->last_rx = seq;
    e->received++;
}

/* ---- the server program ------------------------------------------------- */

static void
server_program(Net *n)
{
    DtPptpEvent ev;
    while (dt_pptp_ctrl_poll_event(n->sctrl, &ev)) {
        if (ev.type == DT_PPTP_EVENT_CALL_REQUEST) {
            g_assert_true(dt_pptp_ctrl_answer_call(n->sctrl, ev.call_id, DT_PPTP_OCRP_CONNECTED, 0,
                                                   0, 0, n->now));
            g_assert_null(n->server);
            DtSessionConfig cfg = n->scfg;
            cfg.ctrl = n->sctrl;
            cfg.call_id = ev.call_id;
            cfg.peer_call_id = ev.peer_call_id;
            n->server = dt_session_new(&cfg);
            g_assert_nonnull(n->server);
            dt_session_start(n->server, n->now);
            continue;
        }
        if (n->server &&
            (ev.call_id == dt_session_call_id(n->server) || ev.type == DT_PPTP_EVENT_CLOSED))
            dt_session_pptp_event(n->server, &ev, n->now);
    }
}

static void
drain_events(DtSession *s, End *e)
{
    DtSessionEvent ev;
    while (dt_session_poll_event(s, &ev)) {
        switch (ev.type) {
        case DT_SESSION_EVENT_NEGOTIATED:
            e->network = true;
            e->sum = ev.u.summary;
            break;
        case DT_SESSION_EVENT_DOWN:
            g_assert_false(e->down);
            e->down = true;
            e->why = ev.u.down;
            break;
        case DT_SESSION_EVENT_STAGE:
        case DT_SESSION_EVENT_LOG:
            if (g_test_verbose())
                g_printerr("%s %s\n", dt_session_role(s) ? "S" : "C",
                           ev.type == DT_SESSION_EVENT_LOG
                               ? ev.u.log
                               : dt_session_stage_to_string(ev.u.stage.to));
            break;
        }
    }
}

static void
pull_gre(Net *n, DtSession *s, Wire *w)
{
    uint8_t buf[DT_SESSION_MAX_GRE];
    size_t len;
    while ((len = dt_session_poll_gre(s, buf, sizeof(buf))) > 0)
        wire_send(n, w, buf, len);
}

static void
deliver_gre(Net *n, Wire *w, DtSession *to, End *e, char dir)
{
    Pkt *k;
    while ((k = g_queue_pop_head(&w->q))) {
        if (to) {
            dt_session_gre_input(to, k->data, k->len, n->now);
            uint8_t *ip;
            size_t len;
            while (dt_session_poll_tun(to, &ip, &len))
                check_ip(e, ip, len, dir);
        }
        g_free(k);
    }
}

static void
flush_held(Wire *w)
{
    if (w->held) {
        g_queue_push_tail(&w->q, w->held);
        w->held = NULL;
    }
}

/* One round of moving everything that is ready; true if anything moved. */
static bool
step(Net *n)
{
    bool moved = false;
    size_t len;
    const uint8_t *p = dt_session_control_peek(n->client, &len);
    if (len) {
        g_byte_array_append(n->c2s_tcp, p, (guint)len);
        dt_session_control_consume(n->client, len);
    }
    while ((p = dt_pptp_ctrl_peek_transmit(n->sctrl, &len)) && len) {
        g_byte_array_append(n->s2c_tcp, p, (guint)len);
        dt_pptp_ctrl_consume_transmit(n->sctrl, len);
    }
    if (n->c2s_tcp->len) {
        /* Feed in odd fragments: the stream may split anywhere. */
        size_t chunk = (size_t)g_rand_int_range(n->rand, 1, 200);
        if (chunk > n->c2s_tcp->len)
            chunk = n->c2s_tcp->len;
        size_t took = dt_pptp_ctrl_input(n->sctrl, n->c2s_tcp->data, chunk, n->now);
        g_byte_array_remove_range(n->c2s_tcp, 0, (guint)took);
        server_program(n);
        moved = true;
    }
    if (n->s2c_tcp->len) {
        size_t took =
            dt_session_control_input(n->client, n->s2c_tcp->data, n->s2c_tcp->len, n->now);
        g_byte_array_remove_range(n->s2c_tcp, 0, (guint)took);
        moved = true;
    }
    pull_gre(n, n->client, &n->c2s);
    if (n->server)
        pull_gre(n, n->server, &n->s2c);
    moved |= !g_queue_is_empty(&n->c2s.q) || !g_queue_is_empty(&n->s2c.q);
    deliver_gre(n, &n->c2s, n->server, &n->s, 'c');
    deliver_gre(n, &n->s2c, n->client, &n->c, 's');
    if (n->server)
        server_program(n);
    drain_events(n->client, &n->c);
    if (n->server)
        drain_events(n->server, &n->s);
    return moved;
}

/* Nothing moved: jump the clock to the next deadline (at most 100 ms on). */
static void
advance(Net *n)
{
    DtTime t = dt_session_next_deadline(n->client);
    if (n->server)
        t = dt_time_min(t, dt_session_next_deadline(n->server));
    t = dt_time_min(t, dt_pptp_ctrl_next_deadline(n->sctrl));
    DtTime limit = n->now + 100;
    n->now = t > n->now ? dt_time_min(t, limit) : n->now + 1;
    flush_held(&n->c2s);
    flush_held(&n->s2c);
    /* A timeout can release packets the reorder window held: drain them. */
    uint8_t *ip;
    size_t len;
    dt_session_handle_timeout(n->client, n->now);
    while (dt_session_poll_tun(n->client, &ip, &len))
        check_ip(&n->c, ip, len, 's');
    if (n->server) {
        dt_session_handle_timeout(n->server, n->now);
        while (dt_session_poll_tun(n->server, &ip, &len))
            check_ip(&n->s, ip, len, 'c');
    }
    dt_pptp_ctrl_handle_timeout(n->sctrl, n->now);
    server_program(n);
}

typedef bool (*DoneFn)(const Net *n);

static bool
run_until(Net *n, DoneFn done, DtTime max_ms)
{
    DtTime end = n->now + max_ms;
    for (int i = 0; i < 200000 && n->now < end; i++) {
        if (done(n))
            return true;
        if (!step(n))
            advance(n);
    }
    return done(n);
}

static bool
both_network(const Net *n)
{
    return (n->c.network && n->s.network) || n->c.down || n->s.down;
}

static bool
client_down(const Net *n)
{
    return n->c.down;
}

static bool
both_down(const Net *n)
{
    return n->c.down && n->s.down;
}

/* Sends count IP packets of random sizes each way, interleaved with the
 * wire's work and a millisecond of clock per round. */
static void
send_traffic(Net *n, unsigned count)
{
    uint16_t mtu_c = dt_session_mtu(n->client), mtu_s = dt_session_mtu(n->server);
    g_assert_cmpuint(mtu_c, >=, 576);
    g_assert_cmpuint(mtu_s, >=, 576);
    uint8_t slot[SLOT];
    unsigned refused = 0;
    for (unsigned i = 0; i < count; i++) {
        for (int side = 0; side < 2; side++) {
            DtSession *s = side ? n->server : n->client;
            End *e = side ? &n->s : &n->c;
            uint16_t mtu = side ? mtu_s : mtu_c;
            size_t len = (size_t)g_rand_int_range(n->rand, 20, mtu + 1);
            make_ip(slot + HEADROOM, len, e->next_seq++, side ? 's' : 'c');
            uint8_t *gre;
            size_t glen;
            bool ok = dt_session_tun_input(s, slot + HEADROOM, len, HEADROOM, n->now, &gre, &glen);
            if (!ok && (n->loss > 0 || n->dup > 0)) {
                /* A delayed duplicate Configure-Request renegotiates CCP or
                 * IPCP (RFC 1661 §4.1 RCR+ in Opened): meanwhile the session
                 * must refuse to send rather than send in the clear. */
                refused++;
                continue;
            }
            if (!ok) {
                DtSessionStats st;
                dt_session_stats(s, n->now, &st);
                g_error("tun_input refused on %s: stage %s, len %zu mtu %u, not_ready "
                        "%" G_GUINT64_FORMAT " too_big %" G_GUINT64_FORMAT
                        " errors %" G_GUINT64_FORMAT,
                        side ? "server" : "client", dt_session_stage_to_string(dt_session_stage(s)),
                        len, mtu, st.tx_not_ready, st.tx_too_big, st.tx_errors);
            }
            g_assert_true(gre >= slot && gre + glen <= slot + SLOT);
            wire_send(n, side ? &n->s2c : &n->c2s, gre, glen);
        }
        step(n);
        if (i % 8 == 0)
            advance(n);
    }
    g_assert_cmpuint(refused, <, count / 4);
    /* Let the reorder windows time out and the last acks flow. */
    for (int i = 0; i < 50; i++) {
        if (!step(n))
            advance(n);
    }
}

/* ---- the policy matrix ------------------------------------------------- */

typedef struct {
    const char *name;
    Policy p;
    DtMppeBits bits;
    bool encrypted;
} Case;

static const Case cases[] = {
    {"v2-128-stateless",
     {DT_AUTH_MSCHAP_V2, DT_MPPE_ENCRYPTION_REQUIRE_128, DT_MPPE_ENCRYPTION_REQUIRE, 0, 0, false,
      false, NULL},
     DT_MPPE_BITS_128,
     true},
    {"v2-128-stateless-mppc",
     {DT_AUTH_MSCHAP_V2, DT_MPPE_ENCRYPTION_REQUIRE, DT_MPPE_ENCRYPTION_REQUIRE, 0, 0, false, true,
      NULL},
     DT_MPPE_BITS_128,
     true},
    {"v2-128-stateful",
     {DT_AUTH_MSCHAP_V2, DT_MPPE_ENCRYPTION_REQUIRE, DT_MPPE_ENCRYPTION_REQUIRE, 0, 0, true, false,
      NULL},
     DT_MPPE_BITS_128,
     true},
    {"v2-128-stateful-mppc",
     {DT_AUTH_MSCHAP_V2, DT_MPPE_ENCRYPTION_REQUIRE, DT_MPPE_ENCRYPTION_REQUIRE, 0, 0, true, true,
      NULL},
     DT_MPPE_BITS_128,
     true},
    {"v2-56-stateless",
     {DT_AUTH_MSCHAP_V2, DT_MPPE_ENCRYPTION_REQUIRE, DT_MPPE_ENCRYPTION_REQUIRE, 0, DT_MPPE_BIT_M,
      false, false, NULL},
     DT_MPPE_BITS_56,
     true},
    {"v2-40-stateless-mppc",
     {DT_AUTH_MSCHAP_V2, DT_MPPE_ENCRYPTION_REQUIRE, DT_MPPE_ENCRYPTION_REQUIRE, 0, DT_MPPE_BIT_L,
      false, true, NULL},
     DT_MPPE_BITS_40,
     true},
    {"v2-40-stateful",
     {DT_AUTH_MSCHAP_V2, DT_MPPE_ENCRYPTION_OPTIONAL, DT_MPPE_ENCRYPTION_REQUIRE, 0, DT_MPPE_BIT_L,
      true, false, NULL},
     DT_MPPE_BITS_40,
     true},
    {"v1-128-stateless",
     {DT_AUTH_MSCHAP_V1, DT_MPPE_ENCRYPTION_REQUIRE_128, DT_MPPE_ENCRYPTION_REQUIRE, 0, 0, false,
      false, NULL},
     DT_MPPE_BITS_128,
     true},
    {"v1-128-stateful-mppc",
     {DT_AUTH_MSCHAP_V1, DT_MPPE_ENCRYPTION_REQUIRE, DT_MPPE_ENCRYPTION_REQUIRE, 0, 0, true, true,
      NULL},
     DT_MPPE_BITS_128,
     true},
    {"v1-56-stateless",
     {DT_AUTH_MSCHAP_V1, DT_MPPE_ENCRYPTION_REQUIRE, DT_MPPE_ENCRYPTION_REQUIRE,
      DT_MPPE_BIT_M | DT_MPPE_BIT_L, DT_MPPE_BIT_M, false, false, NULL},
     DT_MPPE_BITS_56,
     true},
    {"v1-40-stateless-mppc",
     {DT_AUTH_MSCHAP_V1, DT_MPPE_ENCRYPTION_REQUIRE, DT_MPPE_ENCRYPTION_OPTIONAL, DT_MPPE_BIT_L, 0,
      false, true, NULL},
     DT_MPPE_BITS_40,
     true},
    {"v2-none",
     {DT_AUTH_MSCHAP_V2, DT_MPPE_ENCRYPTION_NONE, DT_MPPE_ENCRYPTION_NONE, 0, 0, false, false,
      NULL},
     DT_MPPE_BITS_128,
     false},
    {"v1-none-mppc",
     {DT_AUTH_MSCHAP_V1, DT_MPPE_ENCRYPTION_NONE, DT_MPPE_ENCRYPTION_OPTIONAL, 0, 0, false, true,
      NULL},
     DT_MPPE_BITS_128,
     false},
};

static void
impair(Net *n, double loss, double dup, double reorder)
{
    n->loss = loss;
    n->dup = dup;
    n->reorder = reorder;
}

static void
run_case(const Case *k, bool lossy, unsigned packets)
{
    Net n;
    net_init(&n, &k->p, dt_test_seed());
    /* Bring-up over a wire that loses, duplicates and reorders: every
     * layer retransmits (the MS-CHAP peer re-sends its Response when the
     * Success is lost). */
    if (lossy)
        impair(&n, 0.02, 0.01, 0.03);
    dt_session_start(n.client, n.now);
    g_assert_true(run_until(&n, both_network, 120000));
    if (n.c.down)
        g_error("%s: client down: %s %s", k->name, dt_reason_to_string(n.c.why.reason),
                n.c.why.message);
    if (n.s.down)
        g_error("%s: server down: %s 0x%04x %s", k->name, dt_reason_to_string(n.s.why.reason),
                n.s.why.protocol, n.s.why.message);
    g_assert_cmpint(dt_session_stage(n.client), ==, DT_SESSION_STAGE_NETWORK_UP);
    g_assert_cmpint(n.c.sum.encrypted, ==, k->encrypted);
    g_assert_cmpint(n.s.sum.encrypted, ==, k->encrypted);
    if (k->encrypted) {
        g_assert_cmpint(n.c.sum.bits, ==, k->bits);
        g_assert_cmpint(n.c.sum.stateless, ==, !k->p.stateful);
        g_assert_cmpint(n.s.sum.stateless, ==, !k->p.stateful);
        g_assert_true(n.c.sum.have_ccp_sent && n.c.sum.have_ccp_received);
        g_assert_cmpuint(n.c.sum.ccp_sent[0], ==, 18);
        g_assert_cmpuint(n.c.sum.mtu, ==, n.c.sum.peer_mru - 4);
    }
    g_assert_cmpint(n.c.sum.compressed, ==, k->p.mppc);
    g_assert_cmpuint(n.c.sum.local_ip, ==, ADDR(10, 0, 0, 2));
    g_assert_cmpuint(n.c.sum.peer_ip, ==, ADDR(10, 0, 0, 1));
    g_assert_cmpuint(n.c.sum.dns[0], ==, ADDR(192, 0, 2, 53));
    g_assert_cmpint(n.s.sum.auth, ==, k->p.auth);
    g_assert_cmpstr(n.s.sum.peer_name, ==, "alice");

    if (lossy) {
        /* A retransmitted Configure-Request that crosses the Ack reopens
         * IPCP or CCP just after NETWORK_UP (RFC 1661 §4.1 RCR in Opened),
         * and a loss in that exchange waits a 3 s restart: let the link
         * settle before counting what the data phase delivers. */
        DtTime until = n.now + 10000;
        while (n.now < until)
            if (!step(&n))
                advance(&n);
        g_assert_false(n.c.down || n.s.down);
        g_assert_cmpint(dt_session_stage(n.client), ==, DT_SESSION_STAGE_NETWORK_UP);
        g_assert_cmpint(dt_session_stage(n.server), ==, DT_SESSION_STAGE_NETWORK_UP);
        impair(&n, 0.02, 0.01, 0.03);
    }
    n.watch_marker = true;
    send_traffic(&n, packets);
    if (g_test_verbose()) {
        DtSessionStats cs;
        dt_session_stats(n.client, n.now, &cs);
        g_printerr("%s: c→s %" G_GUINT64_FORMAT "/%u s→c %" G_GUINT64_FORMAT
                   "/%u lost %" G_GUINT64_FORMAT " reordered %" G_GUINT64_FORMAT
                   " resets %" G_GUINT64_FORMAT " mppc %" G_GUINT64_FORMAT "→%" G_GUINT64_FORMAT
                   "\n",
                   k->name, n.s.received, packets, n.c.received, packets, cs.gre_lost,
                   cs.gre_reordered, cs.reset_requests_sent, cs.mppc_in, cs.mppc_out);
        g_printerr("  client rx: mppe_dropped %" G_GUINT64_FORMAT " mppc_err %" G_GUINT64_FORMAT
                   " not_ip %" G_GUINT64_FORMAT " ppp_dropped %" G_GUINT64_FORMAT
                   " dup %" G_GUINT64_FORMAT " bogus %" G_GUINT64_FORMAT
                   " undrained %" G_GUINT64_FORMAT " unenc %" G_GUINT64_FORMAT "\n",
                   cs.rx_mppe_dropped, cs.rx_mppc_errors, cs.rx_not_ip, cs.rx_ppp_dropped,
                   cs.gre_duplicates, cs.gre_bogus, cs.rx_undrained, cs.rx_unencrypted);
        DtSessionStats ss;
        dt_session_stats(n.server, n.now, &ss);
        g_printerr("  server rx: mppe_dropped %" G_GUINT64_FORMAT " not_ip %" G_GUINT64_FORMAT
                   " ppp_dropped %" G_GUINT64_FORMAT " lost %" G_GUINT64_FORMAT
                   " dup %" G_GUINT64_FORMAT " tx_not_ready %" G_GUINT64_FORMAT "\n",
                   ss.rx_mppe_dropped, ss.rx_not_ip, ss.rx_ppp_dropped, ss.gre_lost,
                   ss.gre_duplicates, cs.tx_not_ready);
    }
    g_assert_cmpuint(n.s.mismatches, ==, 0);
    g_assert_cmpuint(n.c.mismatches, ==, 0);
    g_assert_cmpuint(n.s.out_of_order, ==, 0);
    g_assert_cmpuint(n.c.out_of_order, ==, 0);
    if (!lossy) {
        g_assert_cmpuint(n.s.received, ==, packets);
        g_assert_cmpuint(n.c.received, ==, packets);
    } else if (!k->p.stateful && !(k->p.mppc && !k->encrypted)) {
        /* Stateless: only what the wire lost (2 %) is missing. */
        g_assert_cmpuint(n.s.received, >=, packets * 9 / 10);
        g_assert_cmpuint(n.c.received, >=, packets * 9 / 10);
    } else {
        /* Stateful history (MPPE stateful, MPPC alone) drops what follows
         * each loss until the Reset-Request round trip: it must recover. */
        DtSessionStats cs;
        dt_session_stats(n.client, n.now, &cs);
        g_assert_cmpuint(cs.reset_requests_sent, >, 0);
        g_assert_cmpuint(n.s.received, >=, packets / 3);
        g_assert_cmpuint(n.c.received, >=, packets / 3);
    }
    /* Encrypted: never in any GRE packet.  Plain: there.  (MPPC alone is
     * no secrecy: what it sends uncompressed shows, so no claim.) */
    if (k->encrypted)
        g_assert_false(n.marker_on_wire);
    else if (!k->p.mppc)
        g_assert_true(n.marker_on_wire);
    if (k->p.mppc) {
        DtSessionStats cs;
        dt_session_stats(n.client, n.now, &cs);
        g_assert_cmpuint(cs.mppc_out, <, cs.mppc_in);
    }

    /* The client hangs up: both ends go down for a local request / the peer's. */
    n.watch_marker = false;
    impair(&n, 0, 0, 0);
    dt_session_close(n.client, DT_REASON_LOCAL_REQUEST, n.now);
    g_assert_true(run_until(&n, both_down, 60000));
    g_assert_cmpint(n.c.why.reason, ==, DT_REASON_LOCAL_REQUEST);
    net_clear(&n);
}

static void
test_matrix_clean(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        run_case(&cases[i], false, 1500);
}

static void
test_matrix_lossy(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        run_case(&cases[i], true, 1500);
}

/* ---- failures ---------------------------------------------------------- */

static void
test_wrong_password(void)
{
    Policy p = {DT_AUTH_MSCHAP_V2,
                DT_MPPE_ENCRYPTION_REQUIRE_128,
                DT_MPPE_ENCRYPTION_REQUIRE,
                0,
                0,
                false,
                false,
                "wrong"};
    Net n;
    net_init(&n, &p, dt_test_seed());
    dt_session_start(n.client, n.now);
    g_assert_true(run_until(&n, client_down, 120000));
    g_assert_cmpint(n.c.why.reason, ==, DT_REASON_AUTH_FAILED);
    g_assert_nonnull(strstr(n.c.why.message, "password"));
    g_assert_false(n.c.network);
    g_assert_true(dt_session_is_down(n.client));
    net_clear(&n);
}

static bool
client_disconnecting(const Net *n)
{
    return n->c.down || dt_session_stage(n->client) >= DT_SESSION_STAGE_DISCONNECTING;
}

/* The server clears the call while the client's LCP still waits for the
 * Terminate-Ack after the MS-CHAP Failure (the server's GRE stops reaching
 * the client; the client's own Terminate timer is long): the client must
 * report the wrong password, not the cleared call that came after it. */
static void
test_wrong_password_call_cleared(void)
{
    Policy p = {DT_AUTH_MSCHAP_V2,
                DT_MPPE_ENCRYPTION_REQUIRE_128,
                DT_MPPE_ENCRYPTION_REQUIRE,
                0,
                0,
                false,
                false,
                "wrong"};
    Net n;
    net_init(&n, &p, dt_test_seed());
    dt_session_free(n.client);
    n.ccfg.ppp.timers = (DtFsmTimers){.restart_ms = 20000,
                                      .max_terminate = 2,
                                      .max_configure = 10,
                                      .max_failure = 5,
                                      .max_nak_received = 5};
    n.client = dt_session_new(&n.ccfg);
    dt_session_start(n.client, n.now);
    g_assert_true(run_until(&n, client_disconnecting, 120000));
    g_assert_false(n.c.down);
    n.s2c.cut = true; /* the control connection still carries the CDN */
    g_assert_true(run_until(&n, both_down, 60000));
    g_assert_cmpint(n.s.why.reason, ==, DT_REASON_AUTH_FAILED);
    g_assert_cmpint(n.c.why.reason, ==, DT_REASON_AUTH_FAILED);
    g_assert_cmpuint(n.c.why.protocol, ==, DT_PPP_PROTO_CHAP);
    g_assert_nonnull(strstr(n.c.why.message, "password"));
    /* It was the cleared call that ended it: well before the Terminate timer. */
    g_assert_cmpint(dt_ppp_lcp_fsm(dt_session_ppp(n.client))->state, !=, DT_FSM_CLOSING);
    net_clear(&n);
}

/* Every random choice of both ends (magic numbers, CHAP identifiers and
 * challenges, MS-CHAP v2 Peer-Challenges, call IDs) comes from the seeded
 * source, so one seed gives the same octets on the wire, MPPE-encrypted
 * traffic included: DT_TEST_SEED replays a failure exactly. */
static uint64_t
replay_hash(const Case *k, guint32 seed)
{
    Net n;
    net_init(&n, &k->p, seed);
    impair(&n, 0.01, 0.01, 0.03);
    dt_session_start(n.client, n.now);
    g_assert_true(run_until(&n, both_network, 120000));
    g_assert_false(n.c.down || n.s.down);
    send_traffic(&n, 200);
    uint64_t h = n.wire_hash;
    net_clear(&n);
    return h;
}

static void
test_seed_replays(void)
{
    guint32 seed = dt_test_seed();
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        if (!cases[i].encrypted)
            continue;
        uint64_t a = replay_hash(&cases[i], seed), b = replay_hash(&cases[i], seed);
        if (a != b)
            g_error("%s: two runs with seed %u sent different octets", cases[i].name, seed);
    }
    g_assert_cmpuint(replay_hash(&cases[0], seed), !=, replay_hash(&cases[0], seed + 1));
}

static void
test_policy_mismatch(void)
{
    /* The client wants 128-bit only, the server allows 40-bit only. */
    Policy p = {DT_AUTH_MSCHAP_V2,
                DT_MPPE_ENCRYPTION_REQUIRE_128,
                DT_MPPE_ENCRYPTION_REQUIRE,
                0,
                DT_MPPE_BIT_L,
                false,
                false,
                NULL};
    Net n;
    net_init(&n, &p, dt_test_seed());
    dt_session_start(n.client, n.now);
    g_assert_true(run_until(&n, both_down, 120000));
    g_assert_cmpint(n.c.why.reason, ==, DT_REASON_MPPE_REFUSED);
    g_assert_cmpuint(n.c.why.protocol, ==, DT_PPP_PROTO_CCP);
    g_assert_false(n.c.network);
    /* What we offered (H|S) and what the server offered (H|L), in words. */
    g_assert_nonnull(strstr(n.c.why.message, "MPPE required but the server refused it"));
    g_assert_nonnull(strstr(n.c.why.message, "0x01000040"));
    g_assert_nonnull(strstr(n.c.why.message, "0x01000020"));
    net_clear(&n);
}

static void
test_server_requires_client_none(void)
{
    /* The client runs no CCP at all: it Protocol-Rejects it; the server,
     * which requires MPPE, ends the call. */
    Policy p = {DT_AUTH_MSCHAP_V2,
                DT_MPPE_ENCRYPTION_NONE,
                DT_MPPE_ENCRYPTION_REQUIRE,
                0,
                0,
                false,
                false,
                NULL};
    Net n;
    net_init(&n, &p, dt_test_seed());
    dt_session_start(n.client, n.now);
    g_assert_true(run_until(&n, both_down, 120000));
    g_assert_cmpint(n.s.why.reason, ==, DT_REASON_MPPE_REFUSED);
    g_assert_false(n.s.network);
    /* The client is told why in words it can act on, not "the peer sent
     * Terminate-Request" (pppd behaves the same way: tests/interop). */
    g_assert_cmpint(n.c.why.reason, ==, DT_REASON_MPPE_REFUSED);
    g_assert_cmpuint(n.c.why.protocol, ==, DT_PPP_PROTO_CCP);
    g_assert_cmpint(n.c.why.option, ==, DT_CCP_OPT_MPPE);
    g_assert_nonnull(strstr(n.c.why.message, "The server requires MPPE encryption"));
    g_assert_nonnull(strstr(n.c.why.message, "Encryption=none"));
    g_assert_false(n.c.network);
    net_clear(&n);

    /* With MPPC allowed the client runs CCP and answers option 18 itself. */
    p.mppc = true;
    net_init(&n, &p, dt_test_seed());
    dt_session_start(n.client, n.now);
    g_assert_true(run_until(&n, both_down, 120000));
    g_assert_cmpint(n.c.why.reason, ==, DT_REASON_MPPE_REFUSED);
    g_assert_nonnull(strstr(n.c.why.message, "The server requires MPPE encryption"));
    net_clear(&n);

    /* A server that wants no encryption and ends the call for another reason
     * is still only a Terminate. */
    Policy q = {DT_AUTH_MSCHAP_V2,
                DT_MPPE_ENCRYPTION_NONE,
                DT_MPPE_ENCRYPTION_NONE,
                0,
                0,
                false,
                false,
                NULL};
    net_init(&n, &q, dt_test_seed());
    dt_session_start(n.client, n.now);
    g_assert_true(run_until(&n, both_network, 120000));
    dt_session_close(n.server, DT_REASON_LOCAL_REQUEST, n.now);
    g_assert_true(run_until(&n, both_down, 120000));
    g_assert_cmpint(n.c.why.reason, !=, DT_REASON_MPPE_REFUSED);
    net_clear(&n);
}

static void
test_peer_stopped(void)
{
    Policy p = {DT_AUTH_MSCHAP_V2,
                DT_MPPE_ENCRYPTION_REQUIRE_128,
                DT_MPPE_ENCRYPTION_REQUIRE,
                0,
                0,
                false,
                true,
                NULL};
    Net n;
    net_init(&n, &p, dt_test_seed());
    dt_session_start(n.client, n.now);
    g_assert_true(run_until(&n, both_network, 120000));
    g_assert_false(n.c.down);
    send_traffic(&n, 100);
    /* The server program shuts down mid-call. */
    dt_pptp_ctrl_stop(n.sctrl, DT_PPTP_STOP_REASON_LOCAL_SHUTDOWN, n.now);
    server_program(&n);
    g_assert_true(run_until(&n, both_down, 60000));
    g_assert_cmpint(n.c.why.reason, ==, DT_REASON_PEER_STOPPED);
    net_clear(&n);
}

/* A server announcing the largest MRU RFC 1661 allows: the link comes up with a TUN MTU the
 * link's parent applies (≤ 1500), not 65531 cut to the session's buffers (found by
 * tests/integration/test-hostile.sh, lcp-mru-huge). */
static void
test_peer_mru_huge(void)
{
    Policy p = {DT_AUTH_MSCHAP_V2,
                DT_MPPE_ENCRYPTION_REQUIRE_128,
                DT_MPPE_ENCRYPTION_REQUIRE,
                0,
                0,
                false,
                true,
                NULL};
    Net n;
    net_init(&n, &p, dt_test_seed());
    n.scfg.ppp.lcp.mru = 65535;
    dt_session_start(n.client, n.now);
    g_assert_true(run_until(&n, both_network, 120000));
    g_assert_false(n.c.down);
    g_assert_cmpuint(n.c.sum.peer_mru, ==, 65535);
    /* Over Ethernet the path is what limits it: 1500 − 20 − 16 − 4 − 4 (dt-mtu.h). */
    g_assert_cmpuint(n.c.sum.mtu, ==, 1456);
    net_clear(&n);

    /* Over a jumbo-frame path nothing but the cap is left. */
    net_init(&n, &p, dt_test_seed());
    n.scfg.ppp.lcp.mru = 65535;
    dt_session_free(n.client);
    n.ccfg.path_mtu = 9000;
    n.ccfg.ppp.lcp.mru = 9000;
    n.client = dt_session_new(&n.ccfg);
    dt_session_start(n.client, n.now);
    g_assert_true(run_until(&n, both_network, 120000));
    g_assert_false(n.c.down);
    g_assert_cmpuint(n.c.sum.mtu, ==, DT_SESSION_MAX_MTU);
    g_assert_cmpuint(dt_session_mtu(n.client), ==, 1500);
    net_clear(&n);
}

static void
test_echo_timeout(void)
{
    Policy p = {DT_AUTH_MSCHAP_V2,
                DT_MPPE_ENCRYPTION_REQUIRE_128,
                DT_MPPE_ENCRYPTION_REQUIRE,
                0,
                0,
                false,
                false,
                NULL};
    Net n;
    net_init(&n, &p, dt_test_seed());
    dt_session_free(n.client);
    n.ccfg.ppp.lcp.echo_interval_ms = 1000;
    n.ccfg.ppp.lcp.echo_failures = 3;
    n.client = dt_session_new(&n.ccfg);
    dt_session_start(n.client, n.now);
    g_assert_true(run_until(&n, both_network, 120000));
    g_assert_false(n.c.down);
    /* The server's GRE stops reaching us (the control connection stays). */
    n.s2c.cut = true;
    DtTime cut_at = n.now;
    g_assert_true(run_until(&n, client_down, 60000));
    g_assert_cmpint(n.c.why.reason, ==, DT_REASON_ECHO_TIMEOUT);
    g_assert_cmpuint(n.now - cut_at, <=, 10000);
    net_clear(&n);
}

static void
test_not_ready_and_unencrypted_drop(void)
{
    Policy p = {DT_AUTH_MSCHAP_V2,
                DT_MPPE_ENCRYPTION_REQUIRE_128,
                DT_MPPE_ENCRYPTION_REQUIRE,
                0,
                0,
                false,
                false,
                NULL};
    Net n;
    net_init(&n, &p, dt_test_seed());
    uint8_t slot[SLOT];
    uint8_t *gre;
    size_t glen;
    make_ip(slot + HEADROOM, 100, 1, 'c');
    /* Before the link is up nothing leaves, encrypted or not. */
    g_assert_false(
        dt_session_tun_input(n.client, slot + HEADROOM, 100, HEADROOM, n.now, &gre, &glen));
    dt_session_start(n.client, n.now);
    g_assert_true(run_until(&n, both_network, 120000));
    /* A plain IPv4 datagram (FF 03 00 21 …) in a valid GRE packet is dropped. */
    uint8_t pkt[SLOT];
    uint8_t *ppp = pkt + HEADROOM;
    /* Far from the window: after resync_after of them the receiver restarts
     * there (dt-gre.h), so some reach the policy check. */
    DtGreTx tx;
    dt_gre_tx_init(&tx, dt_session_call_id(n.client), 1000000);
    for (int i = 0; i < 16; i++) {
        ppp[0] = 0xFF;
        ppp[1] = 0x03;
        ppp[2] = 0x00;
        ppp[3] = 0x21;
        make_ip(ppp + 4, 100, 7, 's');
        size_t h = dt_gre_tx_write_header(&tx, ppp, HEADROOM, 104, n.now);
        g_assert_cmpuint(h, >, 0);
        dt_session_gre_input(n.client, ppp - h, 104 + h, n.now);
        uint8_t *ip;
        size_t len;
        while (dt_session_poll_tun(n.client, &ip, &len))
            g_assert_not_reached();
    }
    DtSessionStats st;
    dt_session_stats(n.client, n.now, &st);
    g_assert_cmpuint(st.tx_not_ready, ==, 1);
    g_assert_cmpuint(st.rx_unencrypted, >=, 1);
    net_clear(&n);
}

/* ---- MSS clamping across the link ------------------------------------- */

/* One IP packet from `from`'s TUN straight into `to`, out of its TUN into out[]. */
static size_t
cross(Net *n, DtSession *from, DtSession *to, const uint8_t *ip, size_t len, uint8_t *out)
{
    uint8_t slot[SLOT];
    uint8_t *gre, *rx;
    size_t glen, rlen;
    memcpy(slot + HEADROOM, ip, len);
    g_assert_true(dt_session_tun_input(from, slot + HEADROOM, len, HEADROOM, n->now, &gre, &glen));
    dt_session_gre_input(to, gre, glen, n->now);
    g_assert_true(dt_session_poll_tun(to, &rx, &rlen));
    memcpy(out, rx, rlen);
    g_assert_false(dt_session_poll_tun(to, &rx, &rlen));
    return rlen;
}

static uint16_t
first_mss(const uint8_t *ip)
{
    const uint8_t *o = ip + 20 + 20; /* dt_test_tcp_segment(): IPv4, MSS first */
    g_assert_cmpuint(o[0], ==, 2);
    return (uint16_t)(o[2] << 8 | o[3]);
}

/* A plain ACK carrying an MSS option of mss: crosses unchanged. */
static void
ack_like(Net *n, DtSession *from, DtSession *to, uint16_t mss)
{
    const uint8_t opts[] = {2, 4, (uint8_t)(mss >> 8), (uint8_t)mss, 1, 1, 4, 2};
    uint8_t ack[128], got[SLOT];
    size_t len = dt_test_tcp_segment(ack, sizeof ack, FALSE, 0x10, opts, sizeof opts, 0);
    size_t rlen = cross(n, from, to, ack, len, got);
    g_assert_cmpmem(got, rlen, ack, len);
}

static void
run_clamp(const Policy *p, bool clamp_off)
{
    Net n;
    net_init(&n, p, dt_test_seed());
    /* The client sits behind a 1000-octet path (a small dial-up MRU, say). */
    dt_session_free(n.client);
    n.ccfg.path_mtu = 1000;
    n.ccfg.no_mss_clamp = clamp_off;
    n.client = dt_session_new(&n.ccfg);
    dt_session_start(n.client, n.now);
    g_assert_true(run_until(&n, both_network, 120000));
    g_assert_false(n.c.down || n.s.down);
    for (int i = 0; i < 50; i++)
        if (!step(&n))
            advance(&n);
    /* 1000 − IPv4 20 − GRE 16 − FF 03 and the protocol (the server did not ask for ACFC or
     * PFC: 4) − MPPE header and inner protocol when CCP runs (4). */
    bool ccp = p->cenc != DT_MPPE_ENCRYPTION_NONE || p->mppc;
    uint16_t mtu = ccp ? 956 : 960;
    g_assert_cmpuint(n.c.sum.path_mtu, ==, 1000);
    g_assert_cmpuint(n.c.sum.mtu, ==, mtu);
    g_assert_cmpuint(dt_session_mtu(n.client), ==, mtu);
    /* The server's path is unknown (Ethernet), the client's MRU 1400 caps it. */
    g_assert_cmpuint(n.s.sum.path_mtu, ==, 1500);
    g_assert_cmpuint(n.s.sum.mtu, ==, ccp ? 1396 : 1400);

    static const uint8_t opts[] = {2, 4, 0x05, 0xB4, 1, 1, 4, 2}; /* MSS 1460, SACK permitted */
    uint8_t syn[128], got[SLOT];
    size_t len = dt_test_tcp_segment(syn, sizeof syn, FALSE, 0x02, opts, sizeof opts, 0);
    size_t rlen = cross(&n, n.client, n.server, syn, len, got);
    g_assert_cmpuint(rlen, ==, len);
    /* Clamped by the sender to its own MTU (the server's 1356 is the larger limit); with the
     * client's clamp off, by the server as it receives. */
    uint16_t server_limit = ccp ? 1356 : 1360;
    g_assert_cmpuint(first_mss(got), ==, clamp_off ? server_limit : mtu - 40);
    g_assert_cmpuint(got[36] << 8 | got[37], ==, dt_test_tcp_checksum(got, rlen));
    /* The octets as they left the client once more, but in a plain ACK, which no one clamps:
     * under MPPC they come out of the history, which must hold what the client sent, not what
     * the server clamped on receipt. */
    ack_like(&n, n.client, n.server, clamp_off ? 1460 : mtu - 40);

    /* The server's SYN-ACK says 1460 too: it leaves the server at 1356 (the server clamps
     * whatever the client's setting) and reaches the client at what the client's MTU carries. */
    len = dt_test_tcp_segment(syn, sizeof syn, FALSE, 0x12, opts, sizeof opts, 0);
    rlen = cross(&n, n.server, n.client, syn, len, got);
    g_assert_cmpuint(first_mss(got), ==, clamp_off ? server_limit : mtu - 40);
    g_assert_cmpuint(got[36] << 8 | got[37], ==, dt_test_tcp_checksum(got, rlen));
    ack_like(&n, n.server, n.client, server_limit);

    DtSessionStats cs, ss;
    dt_session_stats(n.client, n.now, &cs);
    dt_session_stats(n.server, n.now, &ss);
    g_assert_cmpuint(cs.tx_mss_clamped, ==, clamp_off ? 0 : 1);
    g_assert_cmpuint(ss.rx_mss_clamped, ==, clamp_off ? 1 : 0);
    g_assert_cmpuint(ss.tx_mss_clamped, ==, 1);
    g_assert_cmpuint(cs.rx_mss_clamped, ==, clamp_off ? 0 : 1);
    net_clear(&n);
}

/* Stateful, so that the MPPC history carries from one packet to the next. */
static void
test_mss_clamp_mppe_mppc(void)
{
    Policy p = {DT_AUTH_MSCHAP_V2,
                DT_MPPE_ENCRYPTION_REQUIRE,
                DT_MPPE_ENCRYPTION_REQUIRE,
                0,
                0,
                true,
                true,
                NULL};
    run_clamp(&p, false);
}

static void
test_mss_clamp_plain(void)
{
    Policy p = {DT_AUTH_MSCHAP_V2,
                DT_MPPE_ENCRYPTION_NONE,
                DT_MPPE_ENCRYPTION_NONE,
                0,
                0,
                false,
                false,
                NULL};
    run_clamp(&p, false);
}

static void
test_mss_clamp_off(void)
{
    Policy p = {DT_AUTH_MSCHAP_V2,
                DT_MPPE_ENCRYPTION_REQUIRE,
                DT_MPPE_ENCRYPTION_REQUIRE,
                0,
                0,
                true,
                true,
                NULL};
    run_clamp(&p, true);
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/session/mss-clamp/mppe-mppc", test_mss_clamp_mppe_mppc);
    g_test_add_func("/session/mss-clamp/plain", test_mss_clamp_plain);
    g_test_add_func("/session/mss-clamp/off", test_mss_clamp_off);
    g_test_add_func("/session/matrix/clean", test_matrix_clean);
    g_test_add_func("/session/matrix/lossy", test_matrix_lossy);
    g_test_add_func("/session/seed-replays", test_seed_replays);
    g_test_add_func("/session/wrong-password", test_wrong_password);
    g_test_add_func("/session/wrong-password/call-cleared", test_wrong_password_call_cleared);
    g_test_add_func("/session/policy-mismatch", test_policy_mismatch);
    g_test_add_func("/session/server-requires-client-none", test_server_requires_client_none);
    g_test_add_func("/session/peer-stopped", test_peer_stopped);
    g_test_add_func("/session/peer-mru-huge", test_peer_mru_huge);
    g_test_add_func("/session/echo-timeout", test_echo_timeout);
    g_test_add_func("/session/not-ready-unencrypted", test_not_ready_and_unencrypted_drop);
    return dt_test_run();
}
