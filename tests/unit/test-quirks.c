/* test-quirks.c — the server quirk table (dt-quirks.h) and what each quirk does to the engine.
 *
 * The table alone; then a DtPpp peer brought to LCP Opened by hand, fed the options and the
 * CBCP/BACP/BAP packets a Microsoft server sends; then a client DtSession against a server
 * DtSession behind a PAC DtPptpCtrl that names a vendor in its SCCRP, with a fake clock, to
 * show which quirks a fingerprint applies, that they are logged once and listed, and that no
 * quirk changes what the policy allows.
 */
#include <string.h>

#include "dt-quirks.h"
#include "dt-session.h"
#include "dt-test.h"

#define ADDR(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* ---- the table ---------------------------------------------------------- */

static void
test_table(void)
{
    const DtQuirks quiet = DT_QUIRK_QUIET_CBCP_BACP, stateful = DT_QUIRK_PREFER_STATEFUL;
    g_assert_cmpuint(dt_quirks_match(NULL, 0), ==, 0);
    g_assert_cmpuint(dt_quirks_match("", 1381), ==, 0);
    g_assert_cmpuint(dt_quirks_match("linux", 1), ==, 0);
    g_assert_cmpuint(dt_quirks_match("MikroTik", 1), ==, 0);
    g_assert_cmpuint(dt_quirks_match("hostile-vendor", 1), ==, 0);
    g_assert_cmpuint(dt_quirks_match("Dialtone", 1), ==, 0);
    g_assert_cmpuint(dt_quirks_match("Microsof", 1381), ==, 0);
    g_assert_cmpuint(dt_quirks_match(" Microsoft", 1381), ==, 0);
    g_assert_cmpuint(dt_quirks_match("Microsoft", 3790), ==, quiet);
    g_assert_cmpuint(dt_quirks_match("MICROSOFT", 0), ==, quiet);
    g_assert_cmpuint(dt_quirks_match("Microsoft Windows NT", 2600), ==, quiet);
    g_assert_cmpuint(dt_quirks_match("Microsoft Windows NT", 2195), ==, quiet);
    g_assert_cmpuint(dt_quirks_match("Microsoft Windows NT", 2194), ==, quiet | stateful);
    g_assert_cmpuint(dt_quirks_match("microsoft windows nt", 1381), ==, quiet | stateful);
    /* Old firmware alone is not enough: only Windows NT's build numbers mean that. */
    g_assert_cmpuint(dt_quirks_match("Microsoft", 1381), ==, quiet);

    char buf[DT_QUIRKS_MAX_NAMES];
    g_assert_cmpuint(dt_quirks_to_string(0, buf, sizeof(buf)), ==, 0);
    g_assert_cmpstr(buf, ==, "");
    dt_quirks_to_string(quiet | stateful, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "quiet-cbcp-bacp,prefer-stateful");
    dt_quirks_to_string(stateful, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "prefer-stateful");
    dt_quirks_to_string(quiet | stateful, buf, 20); /* no half name */
    g_assert_cmpstr(buf, ==, "quiet-cbcp-bacp");
    for (unsigned i = 0; i < DT_QUIRK_COUNT; i++) {
        DtQuirk q = dt_quirk_nth(i);
        g_assert_cmpuint(q, !=, 0);
        g_assert_cmpstr(dt_quirk_name(q), !=, "unknown");
        g_assert_cmpstr(dt_quirk_describe(q), !=, "unknown");
    }
    g_assert_cmpuint(dt_quirk_nth(DT_QUIRK_COUNT), ==, 0);
    g_assert_cmpstr(dt_quirk_name((DtQuirk)(1u << 30)), ==, "unknown");
    g_assert_true(dt_quirks_is_quiet_protocol(0xC029));
    g_assert_true(dt_quirks_is_quiet_protocol(0xC02B));
    g_assert_true(dt_quirks_is_quiet_protocol(0xC02D));
    g_assert_false(dt_quirks_is_quiet_protocol(0x8057)); /* IPv6CP: a real protocol */
    g_assert_false(dt_quirks_is_quiet_protocol(0xC021));
}

/* A quirk may only choose among what the policy allows: never more than matched, and
 * prefer-stateful only where stateful is already allowed and MPPE wanted. */
static void
test_effective_never_weakens(void)
{
    for (int enc = DT_MPPE_ENCRYPTION_NONE; enc <= DT_MPPE_ENCRYPTION_REQUIRE_128; enc++) {
        for (int st = 0; st < 2; st++) {
            for (int comp = 0; comp < 2; comp++) {
                DtCcpMppePolicy p = {(DtMppeEncryption)enc, st, comp, false};
                DtCcpMppePolicy before = p;
                for (DtQuirks m = 0; m < (1u << DT_QUIRK_COUNT); m++) {
                    DtQuirks e = dt_quirks_effective(m, &p);
                    g_assert_cmpuint(e & ~m, ==, 0);
                    if (e & DT_QUIRK_PREFER_STATEFUL) {
                        g_assert_true(p.allow_stateful);
                        g_assert_cmpint(p.encryption, !=, DT_MPPE_ENCRYPTION_NONE);
                    }
                    g_assert_cmpmem(&p, sizeof(p), &before, sizeof(before));
                }
            }
        }
    }
    g_assert_cmpuint(dt_quirks_effective(DT_QUIRK_PREFER_STATEFUL, NULL), ==, 0);
}

/* ---- a DtPpp peer at LCP Opened ----------------------------------------- */

static size_t
next_frame(DtPpp *p, uint8_t *buf)
{
    return dt_ppp_poll_transmit(p, buf, DT_PPP_MAX_CONTROL, NULL);
}

static void
feed(DtPpp *p, DtTime now, const uint8_t *f, size_t len)
{
    dt_ppp_input(p, f, len, now, NULL);
}

/* FF 03 proto code id len data */
static size_t
frame(uint8_t *out, uint16_t proto, uint8_t code, uint8_t id, const uint8_t *data, size_t len)
{
    out[0] = 0xFF;
    out[1] = 0x03;
    out[2] = (uint8_t)(proto >> 8);
    out[3] = (uint8_t)proto;
    out[4] = code;
    out[5] = id;
    out[6] = (uint8_t)((len + 4) >> 8);
    out[7] = (uint8_t)(len + 4);
    memcpy(out + 8, data, len);
    return len + 8;
}

static unsigned
count_logs(DtPpp *p, const char *needle)
{
    unsigned n = 0;
    DtPppEvent ev;
    while (dt_ppp_poll_event(p, &ev))
        if (ev.type == DT_PPP_EVENT_LOG && strstr(ev.u.log, needle))
            n++;
    return n;
}

/* Windows' LCP Configure-Request with callback (op 6: CBCP), MRRU and a null endpoint
 * discriminator (PROTOCOL.md §3.4, §9.2), then the same without them. */
static DtPpp *
open_peer(bool quiet)
{
    DtPppConfig c = {.role = DT_PPP_ROLE_PEER, .crypto = dt_test_crypto()};
    DtPpp *p = dt_ppp_new(&c);
    g_assert_nonnull(p);
    dt_ppp_set_quiet_rejects(p, quiet);
    uint8_t buf[DT_PPP_MAX_CONTROL], in[DT_PPP_MAX_CONTROL];
    dt_ppp_open(p, 1000);
    dt_ppp_lower_up(p, 1000);
    size_t n = next_frame(p, buf);
    g_assert_cmpuint(n, >=, 8);
    g_assert_cmphex(buf[4], ==, 1); /* our Configure-Request */
    /* The server acks ours as it is. */
    memcpy(in, buf, n);
    in[4] = 2;
    feed(p, 1001, in, n);

    static const uint8_t ms_opts[] = {0x0D, 0x03, 0x06,       /* callback, CBCP */
                                      0x11, 0x04, 0x05, 0xDC, /* MRRU 1500 */
                                      0x13, 0x03, 0x00,       /* ED, null class */
                                      0x05, 0x06, 0x12, 0x34, 0x56, 0x78};
    n = frame(in, 0xC021, 1, 0x21, ms_opts, sizeof(ms_opts));
    feed(p, 1002, in, n);
    n = next_frame(p, buf);
    /* One Configure-Reject with all three, the magic number left for an Ack: the generic
     * path converges in one round, quirk or not. */
    static const uint8_t rejected[] = {0x0D, 0x03, 0x06, 0x11, 0x04, 0x05, 0xDC, 0x13, 0x03, 0x00};
    g_assert_cmpuint(n, ==, 8 + sizeof(rejected));
    g_assert_cmphex(buf[4], ==, 4);
    g_assert_cmpmem(buf + 8, n - 8, rejected, sizeof(rejected));
    n = frame(in, 0xC021, 1, 0x22, ms_opts + 10, 6);
    feed(p, 1003, in, n);
    n = next_frame(p, buf);
    g_assert_cmphex(buf[4], ==, 2);
    g_assert_cmpint(dt_ppp_lcp_fsm(p)->state, ==, DT_FSM_OPENED);
    g_assert_cmpuint(next_frame(p, buf), ==, 0);
    count_logs(p, "");
    return p;
}

/* CBCP, BACP, BAP and (as a control) a protocol nobody expects: each gets its Protocol-Reject;
 * with the quirk the expected three are neither logged nor counted as rejects or drops. */
static void
check_rejects(bool quiet)
{
    DtPpp *p = open_peer(quiet);
    static const uint16_t protos[] = {0xC029, 0xC02B, 0xC02D, 0x8057};
    static const uint8_t body[] = {0x01, 0x02}; /* CBCP "no callback" option, say */
    uint8_t in[64], buf[DT_PPP_MAX_CONTROL];
    for (size_t i = 0; i < G_N_ELEMENTS(protos); i++) {
        size_t n = frame(in, protos[i], 1, (uint8_t)(0x40 + i), body, sizeof(body));
        DtPppInput r;
        DtPppInputKind kind = dt_ppp_input(p, in, n, 2000 + (DtTime)i, &r);
        bool expected = quiet && i < 3;
        g_assert_cmpint(kind, ==, expected ? DT_PPP_INPUT_CONTROL : DT_PPP_INPUT_DROPPED);
        size_t m = next_frame(p, buf);
        /* FF 03 C0 21 08 id len, the protocol, the rejected packet */
        g_assert_cmpuint(m, ==, 8 + 2 + n - 4);
        g_assert_cmphex(buf[2] << 8 | buf[3], ==, 0xC021);
        g_assert_cmphex(buf[4], ==, 8);
        g_assert_cmphex(buf[8] << 8 | buf[9], ==, protos[i]);
        g_assert_cmpmem(buf + 10, m - 10, in + 4, n - 4);
        g_assert_cmpuint(count_logs(p, "protocol-reject-sent"), ==, expected ? 0 : 1);
    }
    /* Windows' LCP Identification after LCP opens (PROTOCOL.md §9.1): silently ignored by
     * the generic path, so no quirk is needed for it. */
    static const uint8_t ident[] = {0, 0, 0, 0, 'M', 'S', 'R', 'A', 'S', 'V', '5', '.', '2', '0'};
    size_t n = frame(in, 0xC021, 12, 0x50, ident, sizeof(ident));
    g_assert_cmpint(dt_ppp_input(p, in, n, 3000, NULL), ==, DT_PPP_INPUT_CONTROL);
    g_assert_cmpuint(next_frame(p, buf), ==, 0);
    g_assert_cmpuint(count_logs(p, ""), ==, 0);
    DtPppStats st = dt_ppp_stats(p);
    g_assert_cmpuint(st.protocol_rejects, ==, quiet ? 1 : 4);
    g_assert_cmpuint(st.quiet_rejects, ==, quiet ? 3 : 0);
    g_assert_cmpuint(st.discarded, ==, 0);
    g_assert_cmpuint(st.malformed, ==, 0);
    g_assert_cmpint(dt_ppp_lcp_fsm(p)->state, ==, DT_FSM_OPENED);
    dt_ppp_free(p);
}

static void
test_quiet_rejects(void)
{
    check_rejects(true);
}

static void
test_generic_rejects(void)
{
    check_rejects(false);
}

/* Before LCP is Opened nothing is sent for them (RFC 1661 §5.7), quirk or not. */
static void
test_quiet_before_opened(void)
{
    DtPppConfig c = {.role = DT_PPP_ROLE_PEER, .crypto = dt_test_crypto()};
    DtPpp *p = dt_ppp_new(&c);
    dt_ppp_set_quiet_rejects(p, true);
    dt_ppp_open(p, 1000);
    dt_ppp_lower_up(p, 1000);
    uint8_t buf[DT_PPP_MAX_CONTROL], in[16];
    while (next_frame(p, buf))
        ;
    size_t n = frame(in, 0xC029, 1, 1, NULL, 0);
    g_assert_cmpint(dt_ppp_input(p, in, n, 1001, NULL), ==, DT_PPP_INPUT_DROPPED);
    g_assert_cmpuint(next_frame(p, buf), ==, 0);
    g_assert_cmpuint(dt_ppp_stats(p).quiet_rejects, ==, 0);
    dt_ppp_free(p);
}

/* ---- a client session against a server that names itself ---------------- */

typedef struct {
    GRand *rand;
    DtTime now;
    DtSessionConfig scfg;
    DtSession *client, *server;
    DtPptpCtrl *sctrl;
    GByteArray *c2s, *s2c;
    GPtrArray *logs; /* the client's log lines */
    bool c_up, s_up, c_down, s_down;
    DtSessionSummary csum, ssum;
    DtSessionDown cwhy;
} Net;

static void
net_init(Net *n, const char *vendor, uint16_t firmware, const DtCcpMppePolicy *policy)
{
    memset(n, 0, sizeof(*n));
    n->rand = g_rand_new_with_seed(dt_test_seed());
    n->now = 1000;
    n->c2s = g_byte_array_new();
    n->s2c = g_byte_array_new();
    n->logs = g_ptr_array_new_with_free_func(g_free);

    DtSessionConfig c = {.role = DT_SESSION_CLIENT, .crypto = dt_test_crypto()};
    c.random = (DtRandom){dt_test_random_cb, n->rand};
    c.pptp.host_name = "client";
    c.pptp.call_id_base = (uint16_t)g_rand_int_range(n->rand, 1, 60000);
    c.ppp.lcp.auth[c.ppp.lcp.n_auth++] = DT_AUTH_MSCHAP_V2;
    c.ppp.user = "alice";
    c.ppp.password = "s3cret!";
    c.policy = *policy;

    DtSessionConfig *s = &n->scfg;
    s->role = DT_SESSION_SERVER;
    s->crypto = dt_test_crypto();
    s->random = (DtRandom){dt_test_random_cb, n->rand};
    s->ppp.lcp.auth[s->ppp.lcp.n_auth++] = DT_AUTH_MSCHAP_V2;
    s->ppp.lookup = dt_test_lookup_alice_cb;
    s->ppp.local_name = "";
    s->ppp.ipcp.local_addr = ADDR(10, 0, 0, 1);
    s->ppp.ipcp.peer_addr = ADDR(10, 0, 0, 2);
    /* A server that allows whatever the client may ask for. */
    s->policy = (DtCcpMppePolicy){DT_MPPE_ENCRYPTION_OPTIONAL, true, false, false};

    DtPptpCtrlConfig pc = {
        .role = DT_PPTP_ROLE_PAC, .host_name = "server", .vendor = vendor, .firmware = firmware};
    n->sctrl = dt_pptp_ctrl_new(&pc);
    g_assert_nonnull(n->sctrl);
    dt_pptp_ctrl_start(n->sctrl, n->now);
    n->client = dt_session_new(&c);
    g_assert_nonnull(n->client);
}

static void
net_clear(Net *n)
{
    dt_session_free(n->client);
    dt_session_free(n->server);
    dt_pptp_ctrl_free(n->sctrl);
    g_byte_array_unref(n->c2s);
    g_byte_array_unref(n->s2c);
    g_ptr_array_unref(n->logs);
    g_rand_free(n->rand);
}

static void
server_program(Net *n)
{
    DtPptpEvent ev;
    while (dt_pptp_ctrl_poll_event(n->sctrl, &ev)) {
        if (ev.type == DT_PPTP_EVENT_CALL_REQUEST) {
            g_assert_true(dt_pptp_ctrl_answer_call(n->sctrl, ev.call_id, DT_PPTP_OCRP_CONNECTED, 0,
                                                   0, 0, n->now));
            DtSessionConfig cfg = n->scfg;
            cfg.ctrl = n->sctrl;
            cfg.call_id = ev.call_id;
            cfg.peer_call_id = ev.peer_call_id;
            n->server = dt_session_new(&cfg);
            g_assert_nonnull(n->server);
            dt_session_start(n->server, n->now);
        } else if (n->server) {
            dt_session_pptp_event(n->server, &ev, n->now);
        }
    }
}

static void
drain(Net *n, DtSession *s, bool client)
{
    DtSessionEvent ev;
    while (dt_session_poll_event(s, &ev)) {
        if (ev.type == DT_SESSION_EVENT_LOG) {
            if (g_test_verbose())
                g_printerr("%s %s\n", client ? "C" : "S", ev.u.log);
            if (client)
                g_ptr_array_add(n->logs, g_strdup(ev.u.log));
        } else if (ev.type == DT_SESSION_EVENT_NEGOTIATED) {
            *(client ? &n->c_up : &n->s_up) = true;
            *(client ? &n->csum : &n->ssum) = ev.u.summary;
        } else if (ev.type == DT_SESSION_EVENT_DOWN) {
            *(client ? &n->c_down : &n->s_down) = true;
            if (client)
                n->cwhy = ev.u.down;
        }
    }
}

static bool
move_gre(Net *n, DtSession *from, DtSession *to)
{
    uint8_t buf[DT_SESSION_MAX_GRE];
    size_t len;
    bool moved = false;
    while (from && (len = dt_session_poll_gre(from, buf, sizeof(buf))) > 0) {
        moved = true;
        if (!to)
            continue;
        dt_session_gre_input(to, buf, len, n->now);
        uint8_t *ip;
        size_t iplen;
        while (dt_session_poll_tun(to, &ip, &iplen))
            ;
    }
    return moved;
}

static bool
step(Net *n)
{
    bool moved = false;
    size_t len;
    const uint8_t *p = dt_session_control_peek(n->client, &len);
    if (len) {
        g_byte_array_append(n->c2s, p, (guint)len);
        dt_session_control_consume(n->client, len);
    }
    while ((p = dt_pptp_ctrl_peek_transmit(n->sctrl, &len)) && len) {
        g_byte_array_append(n->s2c, p, (guint)len);
        dt_pptp_ctrl_consume_transmit(n->sctrl, len);
    }
    if (n->c2s->len) {
        size_t took = dt_pptp_ctrl_input(n->sctrl, n->c2s->data, n->c2s->len, n->now);
        g_byte_array_remove_range(n->c2s, 0, (guint)took);
        server_program(n);
        moved = true;
    }
    if (n->s2c->len) {
        size_t took = dt_session_control_input(n->client, n->s2c->data, n->s2c->len, n->now);
        g_byte_array_remove_range(n->s2c, 0, (guint)took);
        moved = true;
    }
    moved |= move_gre(n, n->client, n->server);
    moved |= move_gre(n, n->server, n->client);
    if (n->server)
        server_program(n);
    drain(n, n->client, true);
    if (n->server)
        drain(n, n->server, false);
    return moved;
}

static void
advance(Net *n)
{
    DtTime t = dt_session_next_deadline(n->client);
    if (n->server)
        t = dt_time_min(t, dt_session_next_deadline(n->server));
    t = dt_time_min(t, dt_pptp_ctrl_next_deadline(n->sctrl));
    DtTime limit = n->now + 100;
    n->now = t > n->now ? dt_time_min(t, limit) : n->now + 1;
    dt_session_handle_timeout(n->client, n->now);
    if (n->server)
        dt_session_handle_timeout(n->server, n->now);
    dt_pptp_ctrl_handle_timeout(n->sctrl, n->now);
    server_program(n);
}

static void
run_up(Net *n)
{
    dt_session_start(n->client, n->now);
    for (int i = 0; i < 20000 && n->now < 60000; i++) {
        if ((n->c_up && n->s_up) || n->c_down)
            break;
        if (!step(n))
            advance(n);
    }
}

static unsigned
count_client_logs(const Net *n, const char *needle)
{
    unsigned c = 0;
    for (guint i = 0; i < n->logs->len; i++)
        if (strstr(g_ptr_array_index(n->logs, i), needle))
            c++;
    return c;
}

/* Brings a client with this policy up against a server that names vendor/firmware. */
static void
connect(Net *n, const char *vendor, uint16_t firmware, const DtCcpMppePolicy *policy)
{
    net_init(n, vendor, firmware, policy);
    run_up(n);
    g_assert_false(n->c_down);
    g_assert_true(n->c_up);
}

static void
test_session_unknown_vendor(void)
{
    static const char *const vendors[] = {"", "linux", "MikroTik", "Dialtone"};
    DtCcpMppePolicy p = {DT_MPPE_ENCRYPTION_REQUIRE_128, true, false, false};
    for (size_t i = 0; i < G_N_ELEMENTS(vendors); i++) {
        Net n;
        connect(&n, vendors[i], 1381, &p);
        g_assert_cmpuint(n.csum.quirks, ==, 0);
        g_assert_cmpuint(count_client_logs(&n, "quirk"), ==, 0);
        g_assert_true(n.csum.stateless); /* stateless asked for first, and agreed */
        net_clear(&n);
    }
}

static void
test_session_microsoft(void)
{
    DtCcpMppePolicy p = {DT_MPPE_ENCRYPTION_REQUIRE_128, true, false, false};
    Net n;
    connect(&n, "Microsoft", 3790, &p);
    g_assert_cmpuint(n.csum.quirks, ==, DT_QUIRK_QUIET_CBCP_BACP);
    g_assert_cmpuint(count_client_logs(&n, "event=quirk-applied quirk=quiet-cbcp-bacp "), ==, 1);
    g_assert_cmpuint(count_client_logs(&n, "event=quirk-applied"), ==, 1);
    g_assert_true(n.csum.stateless);
    g_assert_cmpuint(dt_session_summary(n.client)->quirks, ==, DT_QUIRK_QUIET_CBCP_BACP);
    net_clear(&n);
}

static uint32_t
bits_of(const uint8_t opt[DT_CCP_OPT_MPPE_LEN])
{
    return (uint32_t)opt[2] << 24 | (uint32_t)opt[3] << 16 | (uint32_t)opt[4] << 8 | opt[5];
}

/* Old Windows NT: stateful first where the profile allows it; with every policy, the
 * negotiated strength, encryption and method are what an unknown server gets. */
static void
test_session_nt4_never_weakens(void)
{
    for (int enc = DT_MPPE_ENCRYPTION_OPTIONAL; enc <= DT_MPPE_ENCRYPTION_REQUIRE_128; enc++) {
        for (int st = 0; st < 2; st++) {
            DtCcpMppePolicy p = {(DtMppeEncryption)enc, st, false, false};
            Net plain, nt;
            connect(&plain, "linux", 1381, &p);
            connect(&nt, "Microsoft Windows NT", 1381, &p);
            DtQuirks want = DT_QUIRK_QUIET_CBCP_BACP | (st ? DT_QUIRK_PREFER_STATEFUL : 0);
            g_assert_cmpuint(nt.csum.quirks, ==, want);
            g_assert_cmpuint(count_client_logs(&nt, "event=quirk-applied quirk=prefer-stateful "),
                             ==, st ? 1 : 0);
            /* What the policy decides stays: method, encryption, strength. */
            g_assert_cmpint(nt.csum.auth, ==, plain.csum.auth);
            g_assert_cmpint(nt.csum.encrypted, ==, plain.csum.encrypted);
            g_assert_true(nt.csum.encrypted);
            g_assert_cmpint(nt.csum.bits, ==, plain.csum.bits);
            g_assert_true(nt.csum.have_ccp_sent && plain.csum.have_ccp_sent);
            g_assert_cmphex(bits_of(nt.csum.ccp_sent) & ~DT_MPPE_BIT_H, ==,
                            bits_of(plain.csum.ccp_sent) & ~DT_MPPE_BIT_H);
            /* The quirk's one effect: no H in our request, so our direction is stateful. */
            g_assert_true(plain.csum.stateless);
            g_assert_cmpint(nt.csum.stateless, ==, !st);
            g_assert_cmpint((bits_of(nt.csum.ccp_sent) & DT_MPPE_BIT_H) != 0, ==, !st);
            net_clear(&plain);
            net_clear(&nt);
        }
    }
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/quirks/table", test_table);
    g_test_add_func("/quirks/effective-never-weakens", test_effective_never_weakens);
    g_test_add_func("/quirks/ppp/quiet-rejects", test_quiet_rejects);
    g_test_add_func("/quirks/ppp/generic-rejects", test_generic_rejects);
    g_test_add_func("/quirks/ppp/quiet-before-opened", test_quiet_before_opened);
    g_test_add_func("/quirks/session/unknown-vendor", test_session_unknown_vendor);
    g_test_add_func("/quirks/session/microsoft", test_session_microsoft);
    g_test_add_func("/quirks/session/nt4-never-weakens", test_session_nt4_never_weakens);
    return dt_test_run();
}
