/* test-ppp-loopback.c — a peer and an authenticator joined in-process.
 *
 * Two DtPpp exchange frames through two queues with a fake clock; the wire
 * can lose, duplicate and reorder frames (seeded: DT_TEST_SEED replays).
 * Every run is bounded in steps and in simulated time.
 */
#include <string.h>

#include "dt-ppp.h"
#include "dt-test.h"

#define ADDR(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

typedef struct {
    DtPpp *ppp;
    GQueue wire_out; /* GBytes frames on their way to the other side */
    GPtrArray *events;
    bool network; /* IPCP up seen */
    bool down;
    DtPppDown why;
    int sent_pap; /* frames of protocol 0xC023 this side sent */
} Side;

typedef struct {
    Side a, b; /* a = peer, b = authenticator */
    GRand *rand;
    double loss, dup, reorder;
    bool cut_b_to_a;
    bool drop_echo_replies_to_a;
    DtTime now;
} Link;

static void
config_peer(DtPppConfig *c, GRand *rand, DtAuthMethod method, const char *password)
{
    memset(c, 0, sizeof(*c));
    c->role = DT_PPP_ROLE_PEER;
    c->crypto = dt_test_crypto();
    c->random = (DtRandom){dt_test_random_cb, rand};
    c->lcp.mru = 1400;
    c->lcp.request_pfc = c->lcp.request_acfc = true;
    if (method != DT_AUTH_NONE)
        c->lcp.auth[c->lcp.n_auth++] = method;
    c->user = "alice";
    c->password = password;
    c->enable_ipcp = true;
    c->ipcp.request_dns = c->ipcp.request_nbns = true;
    c->enable_ipv6cp = true;
}

static void
config_auth(DtPppConfig *c, GRand *rand, DtAuthMethod method)
{
    memset(c, 0, sizeof(*c));
    c->role = DT_PPP_ROLE_AUTHENTICATOR;
    c->crypto = dt_test_crypto();
    c->random = (DtRandom){dt_test_random_cb, rand};
    if (method != DT_AUTH_NONE)
        c->lcp.auth[c->lcp.n_auth++] = method;
    c->lookup = dt_test_lookup_alice_cb;
    c->local_name = "";
    c->enable_ipcp = true;
    c->ipcp.local_addr = ADDR(10, 0, 0, 1);
    c->ipcp.peer_addr = ADDR(10, 0, 0, 2);
    c->ipcp.dns[0] = ADDR(10, 0, 0, 53);
    c->enable_ipv6cp = true;
}

static void
link_init(Link *l, const DtPppConfig *ca, const DtPppConfig *cb, GRand *rand)
{
    memset(l, 0, sizeof(*l));
    l->rand = rand;
    l->now = 10000;
    l->a.ppp = dt_ppp_new(ca);
    l->b.ppp = dt_ppp_new(cb);
    g_assert_nonnull(l->a.ppp);
    g_assert_nonnull(l->b.ppp);
    l->a.events = g_ptr_array_new_with_free_func(g_free);
    l->b.events = g_ptr_array_new_with_free_func(g_free);
    g_queue_init(&l->a.wire_out);
    g_queue_init(&l->b.wire_out);
}

static void
link_clear(Link *l)
{
    Side *sides[] = {&l->a, &l->b};
    for (int i = 0; i < 2; i++) {
        dt_ppp_free(sides[i]->ppp);
        g_ptr_array_unref(sides[i]->events);
        g_queue_clear_full(&sides[i]->wire_out, (GDestroyNotify)g_bytes_unref);
    }
}

static void
collect(Side *s)
{
    DtPppEvent ev;
    while (dt_ppp_poll_event(s->ppp, &ev)) {
        g_ptr_array_add(s->events, g_memdup2(&ev, sizeof(ev)));
        if (ev.type == DT_PPP_EVENT_IPCP_UP)
            s->network = true;
        if (ev.type == DT_PPP_EVENT_LINK_DOWN) {
            g_assert_false(s->down); /* exactly once */
            s->down = true;
            s->why = ev.u.down;
        }
        if (ev.type == DT_PPP_EVENT_LOG)
            g_test_message("%s %s", s->ppp == NULL ? "?" : "", ev.u.log);
    }
}

static void
pump_out(Link *l, Side *s, bool impaired)
{
    uint8_t buf[DT_PPP_MAX_CONTROL];
    DtPppTransmit info;
    size_t n;
    while ((n = dt_ppp_poll_transmit(s->ppp, buf, sizeof(buf), &info)) > 0) {
        g_assert_cmpuint(n, ==, info.len);
        if (info.protocol == DT_PPP_PROTO_PAP)
            s->sent_pap++;
        /* LCP configuration packets always go with the full ACCM (RFC 1662 §7.1). */
        if (info.protocol == DT_PPP_PROTO_LCP && buf[4] >= 1 && buf[4] <= 7)
            g_assert_cmphex(info.accm, ==, 0xFFFFFFFF);
        /* Loss applies to every frame, authentication included: each side
         * must recover on its own restart timer. */
        if (impaired && g_rand_double(l->rand) < l->loss)
            continue;
        GBytes *b = g_bytes_new(buf, n);
        if (impaired && g_rand_double(l->rand) < l->dup)
            g_queue_push_tail(&s->wire_out, g_bytes_ref(b));
        if (impaired && !g_queue_is_empty(&s->wire_out) && g_rand_double(l->rand) < l->reorder)
            g_queue_insert_before(&s->wire_out, s->wire_out.tail, b);
        else
            g_queue_push_tail(&s->wire_out, b);
    }
}

static void
deliver(Link *l, Side *from, Side *to, bool cut)
{
    GBytes *b;
    while ((b = g_queue_pop_head(&from->wire_out))) {
        gsize n;
        const guint8 *d = g_bytes_get_data(b, &n);
        bool echo_reply = n >= 5 && d[0] == 0xFF && d[1] == 0x03 && d[2] == 0xC0 && d[3] == 0x21 &&
                          d[4] == DT_LCP_ECHO_REPLY;
        if (echo_reply && to == &l->a && l->drop_echo_replies_to_a)
            cut = true;
        if (!cut)
            dt_ppp_input(to->ppp, d, n, l->now, NULL);
        g_bytes_unref(b);
    }
}

/* Run until done() or the step/time bound; returns the steps used. */
static int
run(Link *l, bool impaired, bool (*done)(Link *), DtTime max_ms)
{
    DtTime end = l->now + max_ms;
    int steps;
    for (steps = 0; steps < 20000 && l->now < end; steps++) {
        pump_out(l, &l->a, impaired);
        pump_out(l, &l->b, impaired);
        collect(&l->a);
        collect(&l->b);
        if (done(l))
            break;
        if (!g_queue_is_empty(&l->a.wire_out) || !g_queue_is_empty(&l->b.wire_out)) {
            l->now += 5; /* a little latency */
            deliver(l, &l->a, &l->b, false);
            deliver(l, &l->b, &l->a, l->cut_b_to_a);
        } else {
            DtTime t = dt_time_min(dt_ppp_next_deadline(l->a.ppp), dt_ppp_next_deadline(l->b.ppp));
            if (t == DT_TIME_NEVER)
                break;
            l->now = MAX(l->now, t);
        }
        dt_ppp_handle_timeout(l->a.ppp, l->now);
        dt_ppp_handle_timeout(l->b.ppp, l->now);
    }
    return steps;
}

static bool
both_network(Link *l)
{
    return (l->a.network && l->b.network && dt_ppp_phase(l->a.ppp) == DT_PPP_PHASE_NETWORK &&
            dt_ppp_phase(l->b.ppp) == DT_PPP_PHASE_NETWORK &&
            dt_ppp_ipcp_fsm(l->a.ppp)->state == DT_FSM_OPENED &&
            dt_ppp_ipcp_fsm(l->b.ppp)->state == DT_FSM_OPENED &&
            dt_ppp_ipv6cp_fsm(l->a.ppp)->state == DT_FSM_OPENED &&
            dt_ppp_ipv6cp_fsm(l->b.ppp)->state == DT_FSM_OPENED) ||
           l->a.down || l->b.down;
}

static bool
both_down(Link *l)
{
    return l->a.down && l->b.down;
}

static void
start(Link *l)
{
    dt_ppp_open(l->a.ppp, l->now);
    dt_ppp_open(l->b.ppp, l->now);
    dt_ppp_lower_up(l->a.ppp, l->now);
    dt_ppp_lower_up(l->b.ppp, l->now);
}

static void
assert_negotiated(Link *l)
{
    g_assert_false(l->a.down);
    g_assert_false(l->b.down);
    const DtIpcpNegotiated *pa = dt_ppp_ipcp(l->a.ppp), *pb = dt_ppp_ipcp(l->b.ppp);
    g_assert_cmphex(pa->local_addr, ==, ADDR(10, 0, 0, 2));
    g_assert_cmphex(pa->peer_addr, ==, ADDR(10, 0, 0, 1));
    g_assert_cmphex(pb->local_addr, ==, ADDR(10, 0, 0, 1));
    g_assert_cmphex(pb->peer_addr, ==, ADDR(10, 0, 0, 2));
    g_assert_cmphex(pa->dns[0], ==, ADDR(10, 0, 0, 53));
    g_assert_cmphex(pa->dns[1], ==, 0); /* the authenticator had none: rejected, not 0-Nak'd */
    g_assert_cmphex(pa->nbns[0], ==, 0);
    const DtIpv6cpNegotiated *va = dt_ppp_ipv6cp(l->a.ppp), *vb = dt_ppp_ipv6cp(l->b.ppp);
    dt_assert_mem(va->local_iid, vb->peer_iid, 8);
    dt_assert_mem(va->peer_iid, vb->local_iid, 8);
    g_assert_true(memcmp(va->local_iid, va->peer_iid, 8) != 0);
    const DtLcpNegotiated *la = dt_ppp_lcp(l->a.ppp), *lb = dt_ppp_lcp(l->b.ppp);
    g_assert_cmpuint(lb->remote.mru, ==, 1400);
    g_assert_cmpuint(la->local.mru, ==, 1400);
    g_assert_true(lb->remote.pfc && lb->remote.acfc);
    g_assert_cmpint(la->auth, ==, lb->auth);
    g_assert_cmphex(la->local.magic, ==, lb->remote.magic);
}

static void
test_no_auth(void)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(dt_test_seed());
    DtPppConfig ca, cb;
    config_peer(&ca, rand, DT_AUTH_NONE, NULL);
    config_auth(&cb, rand, DT_AUTH_NONE);
    Link l;
    link_init(&l, &ca, &cb, rand);
    start(&l);
    run(&l, false, both_network, 60000);
    assert_negotiated(&l);
    g_assert_cmpint(dt_ppp_lcp(l.a.ppp)->auth, ==, DT_AUTH_NONE);

    /* Data plane: b sends an IPv4 datagram with a compressed header (PFC,
     * ACFC acked by a); a finds it in place. */
    uint8_t frame[64];
    uint8_t *payload = frame + 8;
    memcpy(payload, "\x45\x00\x00\x14", 4);
    size_t h = dt_ppp_write_header(l.b.ppp, DT_PPP_PROTO_IPV4, payload, 8);
    g_assert_cmpuint(h, ==, 1);
    g_assert_cmpuint(payload[-1], ==, 0x21);
    DtPppInput in;
    g_assert_cmpint(dt_ppp_input(l.a.ppp, payload - h, h + 4, l.now, &in), ==,
                    DT_PPP_INPUT_DATAGRAM);
    g_assert_cmphex(in.protocol, ==, DT_PPP_PROTO_IPV4);
    g_assert_cmpuint(in.offset, ==, 1);
    g_assert_cmpuint(in.len, ==, 4);
    /* The uncompressed form is accepted too. */
    static const uint8_t full[] = {0xFF, 0x03, 0x00, 0x57, 0x60, 0, 0, 0};
    g_assert_cmpint(dt_ppp_input(l.a.ppp, full, sizeof(full), l.now, &in), ==,
                    DT_PPP_INPUT_DATAGRAM);
    g_assert_cmpuint(in.offset, ==, 4);
    /* An unknown protocol is Protocol-Rejected (only now, in Opened). */
    static const uint8_t unknown[] = {0xFF, 0x03, 0x80, 0x99, 1, 2, 3};
    g_assert_cmpint(dt_ppp_input(l.a.ppp, unknown, sizeof(unknown), l.now, &in), ==,
                    DT_PPP_INPUT_DROPPED);
    uint8_t buf[DT_PPP_MAX_CONTROL];
    DtPppTransmit info;
    size_t n = dt_ppp_poll_transmit(l.a.ppp, buf, sizeof(buf), &info);
    g_assert_cmpuint(n, ==, 4 + 4 + 2 + 3);
    static const uint8_t pr_head[] = {0xFF, 0x03, 0xC0, 0x21, 8};
    dt_assert_mem(buf, pr_head, 5);
    g_assert_cmphex(dt_get_u16(buf + 8), ==, 0x8099);
    g_assert_cmpuint(dt_ppp_stats(l.a.ppp).protocol_rejects, ==, 1);
    /* Malformed framing is counted, never fatal. */
    static const uint8_t junk[] = {0xFF, 0x03, 0x00};
    dt_ppp_input(l.a.ppp, junk, sizeof(junk), l.now, &in);
    g_assert_cmpuint(dt_ppp_stats(l.a.ppp).malformed, >=, 1);

    /* A local close ends both sides cleanly. */
    dt_ppp_close(l.a.ppp, DT_REASON_LOCAL_REQUEST, l.now);
    run(&l, false, both_down, 60000);
    g_assert_cmpint(l.a.why.reason, ==, DT_REASON_LOCAL_REQUEST);
    g_assert_cmpint(l.b.why.reason, ==, DT_REASON_PEER_TERMINATED);
    g_assert_cmpint(dt_ppp_phase(l.a.ppp), ==, DT_PPP_PHASE_DEAD);
    link_clear(&l);
}

static void
test_method(gconstpointer data)
{
    DtAuthMethod m = (DtAuthMethod)GPOINTER_TO_INT(data);
    guint32 seed = dt_test_seed();
    for (int round = 0; round < 6; round++) {
        g_autoptr(GRand) rand = g_rand_new_with_seed(seed + (guint32)round);
        DtPppConfig ca, cb;
        config_peer(&ca, rand, m, "s3cret!");
        config_auth(&cb, rand, m);
        Link l;
        link_init(&l, &ca, &cb, rand);
        /* Round 0 is clean; then loss, duplication and reordering. */
        l.loss = round ? 0.15 : 0;
        l.dup = round ? 0.15 : 0;
        l.reorder = round ? 0.15 : 0;
        start(&l);
        run(&l, round > 0, both_network, 600000);
        /* Let duplicates and retransmissions settle on a clean wire. */
        run(&l, false, both_network, 60000);
        assert_negotiated(&l);
        g_assert_cmpint(dt_ppp_lcp(l.a.ppp)->auth, ==, m);
        const DtAuth *auth = dt_ppp_auth(l.a.ppp);
        g_assert_nonnull(auth);
        g_assert_cmpint(dt_auth_state(auth), ==, DT_AUTH_STATE_SUCCEEDED);
        g_assert_cmpstr(dt_auth_result(dt_ppp_auth(l.b.ppp))->peer_name, ==, "alice");
        link_clear(&l);
    }
}

static void
test_wrong_password(gconstpointer data)
{
    DtAuthMethod m = (DtAuthMethod)GPOINTER_TO_INT(data);
    g_autoptr(GRand) rand = g_rand_new_with_seed(dt_test_seed());
    DtPppConfig ca, cb;
    config_peer(&ca, rand, m, "wrong");
    config_auth(&cb, rand, m);
    Link l;
    link_init(&l, &ca, &cb, rand);
    start(&l);
    run(&l, false, both_down, 600000);
    g_assert_true(l.a.down && l.b.down);
    g_assert_cmpint(l.a.why.reason, ==, DT_REASON_AUTH_FAILED);
    g_assert_cmphex(l.a.why.protocol, ==, dt_auth_method_protocol(m));
    g_assert_cmpint(l.b.why.reason, ==, DT_REASON_AUTH_FAILED);
    g_assert_false(l.a.network);
    link_clear(&l);
}

/* The peer allows only MS-CHAP v2, the authenticator only PAP: both say
 * AUTH_REFUSED, and the peer never sends a PAP packet. */
static void
test_refused_method(void)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(dt_test_seed());
    DtPppConfig ca, cb;
    config_peer(&ca, rand, DT_AUTH_MSCHAP_V2, "s3cret!");
    config_auth(&cb, rand, DT_AUTH_PAP);
    Link l;
    link_init(&l, &ca, &cb, rand);
    start(&l);
    run(&l, false, both_down, 600000);
    g_assert_true(l.a.down && l.b.down);
    g_assert_cmpint(l.a.why.reason, ==, DT_REASON_AUTH_REFUSED);
    g_assert_cmpint(l.a.why.option, ==, DT_LCP_OPT_AUTH);
    g_assert_cmpint(l.b.why.reason, ==, DT_REASON_AUTH_REFUSED);
    g_assert_cmpint(l.b.why.option, ==, DT_LCP_OPT_AUTH);
    g_assert_cmpint(l.a.sent_pap, ==, 0);
    g_assert_cmpint(dt_ppp_lcp_fsm(l.a.ppp)->state, !=, DT_FSM_OPENED);
    link_clear(&l);
}

/* The authenticator prefers PAP but also allows MS-CHAP v2: the peer's Nak
 * moves it to v2. */
static void
test_nak_to_allowed(void)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(dt_test_seed());
    DtPppConfig ca, cb;
    config_peer(&ca, rand, DT_AUTH_MSCHAP_V2, "s3cret!");
    config_auth(&cb, rand, DT_AUTH_PAP);
    cb.lcp.auth[cb.lcp.n_auth++] = DT_AUTH_MSCHAP_V2;
    Link l;
    link_init(&l, &ca, &cb, rand);
    start(&l);
    run(&l, false, both_network, 60000);
    assert_negotiated(&l);
    g_assert_cmpint(dt_ppp_lcp(l.b.ppp)->auth, ==, DT_AUTH_MSCHAP_V2);
    g_assert_cmpint(l.a.sent_pap, ==, 0);
    link_clear(&l);
}

static void
test_echo_timeout(void)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(dt_test_seed());
    DtPppConfig ca, cb;
    config_peer(&ca, rand, DT_AUTH_CHAP_MD5, "s3cret!");
    ca.lcp.echo_interval_ms = 1000;
    ca.lcp.echo_failures = 3;
    config_auth(&cb, rand, DT_AUTH_CHAP_MD5);
    Link l;
    link_init(&l, &ca, &cb, rand);
    start(&l);
    run(&l, false, both_network, 60000);
    assert_negotiated(&l);
    /* Keepalive answered: still up after a while. */
    run(&l, false, both_down, 10000);
    g_assert_false(l.a.down);
    g_assert_cmpuint(l.a.ppp ? dt_ppp_stats(l.a.ppp).frames_in : 0, >, 0);
    /* The server goes silent. */
    l.cut_b_to_a = true;
    run(&l, false, both_down, 60000);
    g_assert_true(l.a.down);
    g_assert_cmpint(l.a.why.reason, ==, DT_REASON_ECHO_TIMEOUT);
    link_clear(&l);
}

/* Keepalive is adaptive: a server that never answers our Echo-Requests but
 * keeps sending data is alive, and the link stays up; once it falls silent
 * too, ECHO_TIMEOUT follows after the configured failures. */
static void
test_echo_adaptive(void)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(dt_test_seed());
    DtPppConfig ca, cb;
    config_peer(&ca, rand, DT_AUTH_CHAP_MD5, "s3cret!");
    ca.lcp.echo_interval_ms = 1000;
    ca.lcp.echo_failures = 3;
    config_auth(&cb, rand, DT_AUTH_CHAP_MD5);
    Link l;
    link_init(&l, &ca, &cb, rand);
    start(&l);
    run(&l, false, both_network, 60000);
    assert_negotiated(&l);
    l.drop_echo_replies_to_a = true;
    /* 20 s of a data packet every 300 ms from the server, no echo answered. */
    uint8_t ip[4 + 20] = {0xFF, 0x03, 0x00, 0x21, 0x45};
    DtTime busy_until = l.now + 20000;
    uint64_t sent_before = dt_ppp_stats(l.a.ppp).echo_sent;
    while (l.now < busy_until && !l.a.down) {
        run(&l, false, both_down, 300);
        DtPppInput in;
        g_assert_cmpint(dt_ppp_input(l.a.ppp, ip, sizeof(ip), l.now, &in), ==,
                        DT_PPP_INPUT_DATAGRAM);
    }
    g_assert_false(l.a.down);
    /* Heard from every interval: no probe was needed. */
    g_assert_cmpuint(dt_ppp_stats(l.a.ppp).echo_sent, ==, sent_before);
    /* Now silent as well: down after three unanswered requests. */
    run(&l, false, both_down, 60000);
    g_assert_true(l.a.down);
    g_assert_cmpint(l.a.why.reason, ==, DT_REASON_ECHO_TIMEOUT);
    g_assert_cmpuint(dt_ppp_stats(l.a.ppp).echo_sent, ==, sent_before + 3);
    link_clear(&l);
}

/* IdleDisconnect: datagrams either way keep the link; keepalive does not.
 * Quiet for idle_ms, it ends with IDLE_TIMEOUT. */
static void
test_idle_disconnect(void)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(dt_test_seed());
    DtPppConfig ca, cb;
    config_peer(&ca, rand, DT_AUTH_CHAP_MD5, "s3cret!");
    ca.lcp.echo_interval_ms = 1000; /* answered echoes are no traffic */
    ca.idle_ms = 3000;
    config_auth(&cb, rand, DT_AUTH_CHAP_MD5);
    Link l;
    link_init(&l, &ca, &cb, rand);
    start(&l);
    run(&l, false, both_network, 60000);
    assert_negotiated(&l);
    /* 20 s of traffic, alternately sent and received, every 2 s. */
    uint8_t ip[4 + 20] = {0xFF, 0x03, 0x00, 0x21, 0x45};
    DtTime busy_until = l.now + 20000;
    for (int i = 0; l.now < busy_until && !l.a.down; i++) {
        DtTime next = l.now + 2000;
        while (l.now < next && !l.a.down)
            run(&l, false, both_down, next - l.now);
        if (i % 2) {
            DtPppInput in;
            g_assert_cmpint(dt_ppp_input(l.a.ppp, ip, sizeof(ip), l.now, &in), ==,
                            DT_PPP_INPUT_DATAGRAM);
        } else {
            dt_ppp_data_sent(l.a.ppp, l.now);
        }
    }
    g_assert_false(l.a.down);
    run(&l, false, both_down, 60000);
    g_assert_true(l.a.down);
    g_assert_cmpint(l.a.why.reason, ==, DT_REASON_IDLE_TIMEOUT);
    g_assert_cmpuint(dt_ppp_stats(l.a.ppp).echo_replies, >, 0);
    link_clear(&l);
}

/* A peer that Naks every Configure-Request: NEGOTIATION_FAILED naming LCP
 * and the option. */
static void
test_naks_forever(void)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(dt_test_seed());
    DtPppConfig ca;
    config_peer(&ca, rand, DT_AUTH_NONE, NULL);
    DtPpp *p = dt_ppp_new(&ca);
    DtTime now = 0;
    dt_ppp_open(p, now);
    dt_ppp_lower_up(p, now);
    bool down = false;
    DtPppDown why = {0};
    for (int i = 0; i < 200 && !down; i++) {
        uint8_t buf[DT_PPP_MAX_CONTROL];
        size_t n;
        while ((n = dt_ppp_poll_transmit(p, buf, sizeof(buf), NULL)) > 0) {
            if (dt_get_u16(buf + 2) != DT_PPP_PROTO_LCP || buf[4] != DT_FSM_CONF_REQ)
                continue;
            uint8_t nak[] = {0xFF, 0x03, 0xC0, 0x21, DT_FSM_CONF_NAK, buf[5], 0, 8,
                             1,    4,    0x03, 0xE8};
            dt_ppp_input(p, nak, sizeof(nak), now, NULL);
        }
        DtPppEvent ev;
        while (dt_ppp_poll_event(p, &ev))
            if (ev.type == DT_PPP_EVENT_LINK_DOWN) {
                down = true;
                why = ev.u.down;
            }
        now += 1000;
        dt_ppp_handle_timeout(p, now);
    }
    g_assert_true(down);
    g_assert_cmpint(why.reason, ==, DT_REASON_NEGOTIATION_FAILED);
    g_assert_cmphex(why.protocol, ==, DT_PPP_PROTO_LCP);
    g_assert_cmpint(why.option, ==, DT_LCP_OPT_MRU);
    g_assert_nonnull(strstr(why.message, "mru"));
    dt_ppp_free(p);
}

/* A link wired to itself sees its own magic numbers (RFC 1661 §6.4). */
static void
test_loopback(void)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(dt_test_seed());
    DtPppConfig ca;
    config_peer(&ca, rand, DT_AUTH_NONE, NULL);
    DtPpp *p = dt_ppp_new(&ca);
    DtTime now = 0;
    dt_ppp_open(p, now);
    dt_ppp_lower_up(p, now);
    bool down = false;
    DtPppDown why = {0};
    for (int i = 0; i < 500 && !down; i++) {
        uint8_t buf[DT_PPP_MAX_CONTROL];
        size_t n = dt_ppp_poll_transmit(p, buf, sizeof(buf), NULL);
        if (n)
            dt_ppp_input(p, buf, n, now, NULL);
        else
            dt_ppp_handle_timeout(p, now = dt_ppp_next_deadline(p));
        DtPppEvent ev;
        while (dt_ppp_poll_event(p, &ev))
            if (ev.type == DT_PPP_EVENT_LINK_DOWN) {
                down = true;
                why = ev.u.down;
            }
    }
    g_assert_true(down);
    g_assert_cmpint(why.reason, ==, DT_REASON_LOOPBACK);
    g_assert_cmpint(why.option, ==, DT_LCP_OPT_MAGIC);
    dt_ppp_free(p);
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/ppp/no-auth", test_no_auth);
    static const struct {
        const char *name;
        DtAuthMethod m;
    } methods[] = {{"pap", DT_AUTH_PAP},
                   {"chap-md5", DT_AUTH_CHAP_MD5},
                   {"mschap", DT_AUTH_MSCHAP_V1},
                   {"mschapv2", DT_AUTH_MSCHAP_V2}};
    for (size_t i = 0; i < G_N_ELEMENTS(methods); i++) {
        g_autofree char *p1 = g_strdup_printf("/ppp/auth/%s", methods[i].name);
        g_autofree char *p2 = g_strdup_printf("/ppp/wrong-password/%s", methods[i].name);
        g_test_add_data_func(p1, GINT_TO_POINTER(methods[i].m), test_method);
        g_test_add_data_func(p2, GINT_TO_POINTER(methods[i].m), test_wrong_password);
    }
    g_test_add_func("/ppp/refused-method", test_refused_method);
    g_test_add_func("/ppp/nak-to-allowed", test_nak_to_allowed);
    g_test_add_func("/ppp/echo-timeout", test_echo_timeout);
    g_test_add_func("/ppp/echo-adaptive", test_echo_adaptive);
    g_test_add_func("/ppp/idle-disconnect", test_idle_disconnect);
    g_test_add_func("/ppp/naks-forever", test_naks_forever);
    g_test_add_func("/ppp/loopback", test_loopback);
    return dt_test_run();
}
