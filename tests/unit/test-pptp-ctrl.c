/* test-pptp-ctrl.c — PNS and PAC in one process, joined by byte pipes
 * delivered in random chunk sizes, on a fake clock. */
#include <string.h>

#include "dt-buf.h"
#include "dt-pptp-ctrl.h"
#include "dt-test.h"

typedef struct {
    DtPptpCtrl *pns;
    DtPptpCtrl *pac;
    GRand *rand;
    DtTime now;
    GArray *pns_ev; /* DtPptpEvent */
    GArray *pac_ev;
    bool cut_pac_to_pns; /* drop what the PAC writes (a dead server) */
} Pair;

static void
pair_init(Pair *p, const DtPptpCtrlConfig *pns_cfg, const DtPptpCtrlConfig *pac_cfg)
{
    DtPptpCtrlConfig a = {.role = DT_PPTP_ROLE_PNS,
                          .host_name = "client",
                          .vendor = "Dialtone",
                          .firmware = 1,
                          .call_id_base = 0x1000};
    DtPptpCtrlConfig b = {.role = DT_PPTP_ROLE_PAC,
                          .host_name = "vpn.example.org",
                          .vendor = "Dialtone server",
                          .firmware = 0x0205,
                          .call_id_base = 0x8000};
    p->pns = dt_pptp_ctrl_new(pns_cfg ? pns_cfg : &a);
    p->pac = dt_pptp_ctrl_new(pac_cfg ? pac_cfg : &b);
    g_assert_nonnull(p->pns);
    g_assert_nonnull(p->pac);
    p->rand = g_rand_new_with_seed(dt_test_seed());
    p->now = 1000;
    p->pns_ev = g_array_new(FALSE, TRUE, sizeof(DtPptpEvent));
    p->pac_ev = g_array_new(FALSE, TRUE, sizeof(DtPptpEvent));
    p->cut_pac_to_pns = false;
}

static void
pair_clear(Pair *p)
{
    dt_pptp_ctrl_free(p->pns);
    dt_pptp_ctrl_free(p->pac);
    g_rand_free(p->rand);
    g_array_free(p->pns_ev, TRUE);
    g_array_free(p->pac_ev, TRUE);
}

static void
drain_events(DtPptpCtrl *c, GArray *into)
{
    DtPptpEvent ev;
    while (dt_pptp_ctrl_poll_event(c, &ev))
        g_array_append_val(into, ev);
}

/* Moves one random-sized chunk from a to b; true if anything moved. */
static bool
move_chunk(Pair *p, DtPptpCtrl *from, DtPptpCtrl *to, bool drop)
{
    size_t len;
    const uint8_t *q = dt_pptp_ctrl_peek_transmit(from, &len);
    if (len == 0)
        return false;
    size_t n = (size_t)g_rand_int_range(p->rand, 1, (gint32)MIN(len, 200) + 1);
    size_t took = drop ? n : dt_pptp_ctrl_input(to, q, n, p->now);
    dt_pptp_ctrl_consume_transmit(from, took);
    return took > 0;
}

static void
pump(Pair *p)
{
    for (int guard = 0; guard < 100000; guard++) {
        bool moved = move_chunk(p, p->pns, p->pac, false);
        moved |= move_chunk(p, p->pac, p->pns, p->cut_pac_to_pns);
        drain_events(p->pns, p->pns_ev);
        drain_events(p->pac, p->pac_ev);
        if (!moved)
            return;
    }
    g_assert_not_reached();
}

/* Advances the fake clock to t, firing deadlines on the way. */
static void
run_until(Pair *p, DtTime t)
{
    for (;;) {
        DtTime d =
            dt_time_min(dt_pptp_ctrl_next_deadline(p->pns), dt_pptp_ctrl_next_deadline(p->pac));
        if (d > t)
            break;
        if (d > p->now)
            p->now = d;
        dt_pptp_ctrl_handle_timeout(p->pns, p->now);
        dt_pptp_ctrl_handle_timeout(p->pac, p->now);
        pump(p);
    }
    p->now = t;
    pump(p);
}

static const DtPptpEvent *
last_event(GArray *a, DtPptpEventType type)
{
    for (guint i = a->len; i > 0; i--) {
        const DtPptpEvent *ev = &g_array_index(a, DtPptpEvent, i - 1);
        if (ev->type == type)
            return ev;
    }
    return NULL;
}

static guint
count_events(GArray *a, DtPptpEventType type)
{
    guint n = 0;
    for (guint i = 0; i < a->len; i++)
        n += g_array_index(a, DtPptpEvent, i).type == type;
    return n;
}

static void
control_up(Pair *p)
{
    dt_pptp_ctrl_start(p->pac, p->now);
    dt_pptp_ctrl_start(p->pns, p->now);
    pump(p);
    g_assert_cmpint(dt_pptp_ctrl_state(p->pns), ==, DT_PPTP_CTRL_ESTABLISHED);
    g_assert_cmpint(dt_pptp_ctrl_state(p->pac), ==, DT_PPTP_CTRL_ESTABLISHED);
    g_assert_nonnull(last_event(p->pns_ev, DT_PPTP_EVENT_CONTROL_UP));
    g_assert_nonnull(last_event(p->pac_ev, DT_PPTP_EVENT_CONTROL_UP));
}

/* Places a PNS call and lets the PAC decide; returns the PAC's event. */
static DtPptpEvent
place_call(Pair *p, uint16_t *pns_call)
{
    g_assert_true(dt_pptp_ctrl_call(p->pns, p->now, pns_call));
    pump(p);
    const DtPptpEvent *req = last_event(p->pac_ev, DT_PPTP_EVENT_CALL_REQUEST);
    g_assert_nonnull(req);
    g_assert_cmpuint(req->peer_call_id, ==, *pns_call);
    return *req;
}

static void
call_up(Pair *p, uint16_t *pns_call, uint16_t *pac_call)
{
    DtPptpEvent req = place_call(p, pns_call);
    *pac_call = req.call_id;
    g_assert_true(
        dt_pptp_ctrl_answer_call(p->pac, req.call_id, DT_PPTP_OCRP_CONNECTED, 0, 0, 0, p->now));
    pump(p);
    const DtPptpEvent *up = last_event(p->pns_ev, DT_PPTP_EVENT_CALL_UP);
    g_assert_nonnull(up);
    g_assert_cmpuint(up->call_id, ==, *pns_call);
    g_assert_cmpuint(up->peer_call_id, ==, *pac_call);
}

static void
test_bringup(void)
{
    for (int round = 0; round < 20; round++) {
        Pair p;
        pair_init(&p, NULL, NULL);
        g_assert_cmpint(dt_pptp_ctrl_state(p.pns), ==, DT_PPTP_CTRL_IDLE);
        control_up(&p);
        /* The server's fingerprint, for diagnostics. */
        const DtPptpPeerInfo *srv = dt_pptp_ctrl_peer(p.pns);
        g_assert_true(srv->valid);
        g_assert_cmpstr(srv->host_name, ==, "vpn.example.org");
        g_assert_cmpstr(srv->vendor, ==, "Dialtone server");
        g_assert_cmpuint(srv->firmware, ==, 0x0205);
        g_assert_cmpuint(srv->version, ==, DT_PPTP_VERSION);
        g_assert_cmpuint(srv->max_channels, ==, 64);
        g_assert_cmpstr(dt_pptp_ctrl_peer(p.pac)->host_name, ==, "client");
        g_assert_nonnull(
            strstr(last_event(p.pns_ev, DT_PPTP_EVENT_CONTROL_UP)->message, "vpn.example.org"));

        uint16_t pns_call, pac_call;
        call_up(&p, &pns_call, &pac_call);
        g_assert_cmpuint(pns_call, ==, 0x1000);
        g_assert_cmpuint(pac_call, ==, 0x8000);
        DtPptpCallInfo info;
        g_assert_true(dt_pptp_ctrl_call_info(p.pac, pac_call, &info));
        g_assert_cmpint(info.state, ==, DT_PPTP_CALL_ESTABLISHED);
        g_assert_cmpuint(info.peer_recv_window, ==, 64);
        g_assert_cmpuint(info.peer_max_bps, ==, 100000000);
        g_assert_true(dt_pptp_ctrl_call_info(p.pns, pns_call, &info));
        g_assert_cmpuint(info.peer_call_id, ==, pac_call);
        g_assert_cmpuint(info.connect_speed, ==, 100000000);

        /* Set-Link-Info after LCP: the PAC learns the ACCMs. */
        g_assert_true(dt_pptp_ctrl_set_link_info(p.pns, pns_call, 0, 0xFFFFFFFF, p.now));
        pump(&p);
        g_assert_nonnull(last_event(p.pac_ev, DT_PPTP_EVENT_SET_LINK_INFO));
        g_assert_true(dt_pptp_ctrl_call_info(p.pac, pac_call, &info));
        g_assert_true(info.have_accm);
        g_assert_cmpuint(info.send_accm, ==, 0);
        g_assert_cmpuint(info.recv_accm, ==, 0xFFFFFFFF);

        /* The client hangs up: CCRQ → CDN. */
        g_assert_true(dt_pptp_ctrl_clear_call(p.pns, pns_call, p.now));
        pump(&p);
        const DtPptpEvent *down = last_event(p.pns_ev, DT_PPTP_EVENT_CALL_DOWN);
        g_assert_nonnull(down);
        g_assert_cmpint(down->reason, ==, DT_REASON_LOCAL_REQUEST);
        g_assert_cmpuint(down->result, ==, DT_PPTP_CDN_REQUEST);
        down = last_event(p.pac_ev, DT_PPTP_EVENT_CALL_DOWN);
        g_assert_nonnull(down);
        g_assert_cmpuint(down->call_id, ==, pac_call);
        g_assert_cmpuint(dt_pptp_ctrl_call_count(p.pns), ==, 0);
        g_assert_cmpuint(dt_pptp_ctrl_call_count(p.pac), ==, 0);

        /* Stop from the client. */
        dt_pptp_ctrl_stop(p.pns, DT_PPTP_STOP_REASON_NONE, p.now);
        g_assert_cmpint(dt_pptp_ctrl_state(p.pns), ==, DT_PPTP_CTRL_WAIT_STOP_REPLY);
        pump(&p);
        g_assert_cmpint(dt_pptp_ctrl_state(p.pns), ==, DT_PPTP_CTRL_CLOSED);
        g_assert_cmpint(dt_pptp_ctrl_state(p.pac), ==, DT_PPTP_CTRL_CLOSED);
        g_assert_cmpint(dt_pptp_ctrl_reason(p.pns), ==, DT_REASON_LOCAL_REQUEST);
        g_assert_cmpint(dt_pptp_ctrl_reason(p.pac), ==, DT_REASON_PEER_STOPPED);
        g_assert_cmpstr(last_event(p.pac_ev, DT_PPTP_EVENT_CLOSED)->message, ==,
                        "The client stopped the PPTP control connection: general request");
        g_assert_cmpuint(dt_pptp_ctrl_stats(p.pns)->unexpected, ==, 0);
        g_assert_cmpuint(dt_pptp_ctrl_stats(p.pac)->unexpected, ==, 0);
        pair_clear(&p);
    }
}

static void
test_call_before_control_up(void)
{
    Pair p;
    pair_init(&p, NULL, NULL);
    uint16_t pns_call;
    dt_pptp_ctrl_start(p.pac, p.now);
    dt_pptp_ctrl_start(p.pns, p.now);
    g_assert_true(dt_pptp_ctrl_call(p.pns, p.now, &pns_call));
    pump(&p);
    const DtPptpEvent *req = last_event(p.pac_ev, DT_PPTP_EVENT_CALL_REQUEST);
    g_assert_nonnull(req);
    /* The PNS allows one call by default. */
    uint16_t second;
    g_assert_false(dt_pptp_ctrl_call(p.pns, p.now, &second));
    pair_clear(&p);
}

static void
test_ocrp_refusals(void)
{
    static const struct {
        uint8_t result, error;
        uint16_t cause;
        const char *words;
    } cases[] = {
        {DT_PPTP_OCRP_GENERAL_ERROR, DT_PPTP_ERROR_BAD_CALL_ID, 0,
         "The server refused the call: general error: bad call ID"},
        {DT_PPTP_OCRP_GENERAL_ERROR, 0, 0, "The server refused the call: general error"},
        {DT_PPTP_OCRP_NO_CARRIER, 0, 0, "The server refused the call: no carrier"},
        {DT_PPTP_OCRP_BUSY, 0, 0, "The server refused the call: busy"},
        {DT_PPTP_OCRP_NO_DIAL_TONE, 0, 0, "The server refused the call: no dial tone"},
        {DT_PPTP_OCRP_TIMEOUT, 0, 0, "The server refused the call: time-out"},
        {DT_PPTP_OCRP_DO_NOT_ACCEPT, 0, 0, "The server refused the call: do not accept"},
        {DT_PPTP_OCRP_BUSY, 0, 17, "The server refused the call: busy (cause 17)"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        Pair p;
        pair_init(&p, NULL, NULL);
        control_up(&p);
        uint16_t pns_call;
        DtPptpEvent req = place_call(&p, &pns_call);
        g_assert_true(dt_pptp_ctrl_answer_call(p.pac, req.call_id, cases[i].result, cases[i].error,
                                               cases[i].cause, 0, p.now));
        g_assert_cmpuint(dt_pptp_ctrl_call_count(p.pac), ==, 0);
        pump(&p);
        const DtPptpEvent *down = last_event(p.pns_ev, DT_PPTP_EVENT_CALL_DOWN);
        g_assert_nonnull(down);
        g_assert_cmpint(down->reason, ==, DT_REASON_CALL_REFUSED);
        g_assert_cmpuint(down->result, ==, cases[i].result);
        g_assert_cmpuint(down->error, ==, cases[i].error);
        g_assert_cmpuint(down->cause, ==, cases[i].cause);
        g_assert_cmpstr(down->message, ==, cases[i].words);
        g_assert_null(last_event(p.pns_ev, DT_PPTP_EVENT_CALL_UP));
        /* The control connection stays up for another try. */
        g_assert_cmpint(dt_pptp_ctrl_state(p.pns), ==, DT_PPTP_CTRL_ESTABLISHED);
        g_assert_cmpuint(dt_pptp_ctrl_call_count(p.pns), ==, 0);
        pair_clear(&p);
    }
}

static void
test_echo_keepalive(void)
{
    Pair p;
    pair_init(&p, NULL, NULL);
    control_up(&p);
    DtTime up = p.now;
    g_assert_cmpuint(dt_pptp_ctrl_next_deadline(p.pns), ==, up + 60000);
    /* Ten quiet minutes: both sides probe each minute and get answers. */
    run_until(&p, up + 600000);
    g_assert_cmpint(dt_pptp_ctrl_state(p.pns), ==, DT_PPTP_CTRL_ESTABLISHED);
    g_assert_cmpint(dt_pptp_ctrl_state(p.pac), ==, DT_PPTP_CTRL_ESTABLISHED);
    const DtPptpCtrlStats *s = dt_pptp_ctrl_stats(p.pns);
    g_assert_cmpuint(s->echo_requests_sent, >=, 5);
    g_assert_cmpuint(s->echo_replies_received, ==, s->echo_requests_sent);
    g_assert_cmpuint(dt_pptp_ctrl_stats(p.pac)->echo_requests_answered, >=, 5);
    pair_clear(&p);
}

static void
test_echo_timeout(void)
{
    Pair p;
    pair_init(&p, NULL, NULL);
    control_up(&p);
    DtTime up = p.now;
    p.cut_pac_to_pns = true;
    run_until(&p, up + 60000);
    g_assert_cmpuint(dt_pptp_ctrl_stats(p.pns)->echo_requests_sent, ==, 1);
    run_until(&p, up + 120000 - 1);
    g_assert_cmpint(dt_pptp_ctrl_state(p.pns), ==, DT_PPTP_CTRL_ESTABLISHED);
    run_until(&p, up + 120000);
    g_assert_cmpint(dt_pptp_ctrl_state(p.pns), ==, DT_PPTP_CTRL_CLOSED);
    const DtPptpEvent *ev = last_event(p.pns_ev, DT_PPTP_EVENT_CLOSED);
    g_assert_nonnull(ev);
    g_assert_cmpint(ev->reason, ==, DT_REASON_ECHO_TIMEOUT);
    g_assert_cmpstr(ev->message, ==, "The server did not answer PPTP echo requests for 60 seconds");
    g_assert_cmpuint(dt_pptp_ctrl_next_deadline(p.pns), ==, DT_TIME_NEVER);
    pair_clear(&p);
}

static void
test_stop_from_server_and_cdn(void)
{
    Pair p;
    pair_init(&p, NULL, NULL);
    control_up(&p);
    uint16_t pns_call, pac_call;
    call_up(&p, &pns_call, &pac_call);
    /* The server drops the call: CDN. */
    g_assert_true(dt_pptp_ctrl_clear_call(p.pac, pac_call, p.now));
    pump(&p);
    const DtPptpEvent *down = last_event(p.pns_ev, DT_PPTP_EVENT_CALL_DOWN);
    g_assert_nonnull(down);
    g_assert_cmpint(down->reason, ==, DT_REASON_PEER_STOPPED);
    g_assert_cmpstr(down->message, ==, "The server disconnected the call: administrative shutdown");

    /* Then stops the control connection. */
    call_up(&p, &pns_call, &pac_call);
    dt_pptp_ctrl_stop(p.pac, DT_PPTP_STOP_REASON_LOCAL_SHUTDOWN, p.now);
    pump(&p);
    g_assert_cmpint(dt_pptp_ctrl_state(p.pns), ==, DT_PPTP_CTRL_CLOSED);
    g_assert_cmpint(dt_pptp_ctrl_state(p.pac), ==, DT_PPTP_CTRL_CLOSED);
    const DtPptpEvent *ev = last_event(p.pns_ev, DT_PPTP_EVENT_CLOSED);
    g_assert_cmpint(ev->reason, ==, DT_REASON_PEER_STOPPED);
    g_assert_cmpstr(ev->message, ==,
                    "The server stopped the PPTP control connection: local shutdown");
    g_assert_cmpint(dt_pptp_ctrl_reason(p.pac), ==, DT_REASON_LOCAL_REQUEST);
    /* The call went first (CDN before StopCCRQ), as RFC 2637 §2.3 asks. */
    g_assert_cmpuint(count_events(p.pns_ev, DT_PPTP_EVENT_CALL_DOWN), ==, 2);
    pair_clear(&p);
}

/* Raw messages fed to one side. */
static size_t
encode(const DtPptpMsg *m, uint8_t *buf)
{
    size_t n = dt_pptp_msg_encode(m, buf, DT_PPTP_MAX_MSG_LEN);
    g_assert_cmpuint(n, >, 0);
    return n;
}

static DtPptpCtrl *
pns_waiting(DtTime now)
{
    DtPptpCtrlConfig cfg = {.role = DT_PPTP_ROLE_PNS, .host_name = "c"};
    DtPptpCtrl *c = dt_pptp_ctrl_new(&cfg);
    dt_pptp_ctrl_start(c, now);
    size_t n;
    dt_pptp_ctrl_peek_transmit(c, &n);
    g_assert_cmpuint(n, ==, 156);
    dt_pptp_ctrl_consume_transmit(c, n);
    return c;
}

static void
feed_sccrp(DtPptpCtrl *c, uint8_t result, uint8_t error, uint16_t version)
{
    DtPptpMsg m = {.type = DT_PPTP_SCCRP};
    m.u.start.version = version;
    m.u.start.result = result;
    m.u.start.error = error;
    strcpy(m.u.start.host_name, "rras");
    strcpy(m.u.start.vendor, "Microsoft");
    uint8_t b[DT_PPTP_MAX_MSG_LEN];
    size_t n = encode(&m, b);
    g_assert_cmpuint(dt_pptp_ctrl_input(c, b, n, 0), ==, n);
}

static DtPptpEvent
expect_closed(DtPptpCtrl *c, DtReason reason)
{
    DtPptpEvent ev;
    bool found = false;
    DtPptpEvent e;
    while (dt_pptp_ctrl_poll_event(c, &e)) {
        if (e.type == DT_PPTP_EVENT_CLOSED) {
            ev = e;
            found = true;
        }
    }
    g_assert_true(found);
    g_assert_cmpint(ev.reason, ==, reason);
    g_assert_cmpint(dt_pptp_ctrl_state(c), ==, DT_PPTP_CTRL_CLOSED);
    return ev;
}

static void
test_sccrp_refused(void)
{
    DtPptpCtrl *c = pns_waiting(0);
    feed_sccrp(c, DT_PPTP_SCCRP_NOT_AUTHORIZED, 0, DT_PPTP_VERSION);
    DtPptpEvent ev = expect_closed(c, DT_REASON_CONTROL_REFUSED);
    g_assert_cmpstr(ev.message, ==,
                    "The server refused the control connection: requester not authorized");
    /* The fingerprint is kept even for a refusal. */
    g_assert_cmpstr(dt_pptp_ctrl_peer(c)->vendor, ==, "Microsoft");
    dt_pptp_ctrl_free(c);

    c = pns_waiting(0);
    feed_sccrp(c, DT_PPTP_SCCRP_GENERAL_ERROR, DT_PPTP_ERROR_NO_RESOURCE, DT_PPTP_VERSION);
    ev = expect_closed(c, DT_REASON_CONTROL_REFUSED);
    g_assert_cmpstr(ev.message, ==,
                    "The server refused the control connection: general error: out of resources");
    dt_pptp_ctrl_free(c);

    c = pns_waiting(0);
    feed_sccrp(c, DT_PPTP_SCCRP_OK, 0, 0x0200);
    ev = expect_closed(c, DT_REASON_CONTROL_REFUSED);
    g_assert_nonnull(strstr(ev.message, "2.00"));
    dt_pptp_ctrl_free(c);

    /* PAC side: a client with another version gets result 5. */
    DtPptpCtrlConfig cfg = {.role = DT_PPTP_ROLE_PAC};
    c = dt_pptp_ctrl_new(&cfg);
    dt_pptp_ctrl_start(c, 0);
    DtPptpMsg m = {.type = DT_PPTP_SCCRQ};
    m.u.start.version = 0x0200;
    uint8_t b[DT_PPTP_MAX_MSG_LEN];
    size_t n = encode(&m, b);
    dt_pptp_ctrl_input(c, b, n, 0);
    uint8_t out[512];
    n = dt_pptp_ctrl_poll_transmit(c, out, sizeof(out));
    DtPptpMsg reply;
    g_assert_cmpint(dt_pptp_msg_decode(out, n, &reply), ==, DT_PPTP_MSG_OK);
    g_assert_cmpint(reply.type, ==, DT_PPTP_SCCRP);
    g_assert_cmpuint(reply.u.start.result, ==, DT_PPTP_SCCRP_BAD_VERSION);
    expect_closed(c, DT_REASON_CONTROL_REFUSED);
    dt_pptp_ctrl_free(c);
}

static void
test_timeouts(void)
{
    /* No SCCRP. */
    DtPptpCtrl *c = pns_waiting(0);
    g_assert_cmpuint(dt_pptp_ctrl_next_deadline(c), ==, 60000);
    dt_pptp_ctrl_handle_timeout(c, 59999);
    g_assert_cmpint(dt_pptp_ctrl_state(c), ==, DT_PPTP_CTRL_WAIT_SCCRP);
    dt_pptp_ctrl_handle_timeout(c, 60000);
    expect_closed(c, DT_REASON_TIMEOUT);
    dt_pptp_ctrl_free(c);

    /* No OCRP: the call times out (and is cleared), control stays. */
    c = pns_waiting(0);
    feed_sccrp(c, DT_PPTP_SCCRP_OK, 0, DT_PPTP_VERSION);
    uint16_t call;
    g_assert_true(dt_pptp_ctrl_call(c, 100, &call));
    uint8_t out[512];
    size_t n = dt_pptp_ctrl_poll_transmit(c, out, sizeof(out));
    g_assert_cmpuint(n, ==, 168);
    /* The first deadline is the echo keepalive (quiet since t=0). */
    g_assert_cmpuint(dt_pptp_ctrl_next_deadline(c), ==, 60000);
    dt_pptp_ctrl_handle_timeout(c, 60000);
    g_assert_cmpuint(dt_pptp_ctrl_next_deadline(c), ==, 100 + 60000);
    dt_pptp_ctrl_handle_timeout(c, 100 + 60000);
    DtPptpEvent ev;
    bool down = false;
    while (dt_pptp_ctrl_poll_event(c, &ev)) {
        if (ev.type == DT_PPTP_EVENT_CALL_DOWN) {
            down = true;
            g_assert_cmpint(ev.reason, ==, DT_REASON_TIMEOUT);
        }
    }
    g_assert_true(down);
    /* Echo-Request, then the Call-Clear-Request for the dead call. */
    n = dt_pptp_ctrl_poll_transmit(c, out, sizeof(out));
    g_assert_cmpuint(n, ==, 32);
    DtPptpMsg m;
    g_assert_cmpint(dt_pptp_msg_decode(out, n, &m), ==, DT_PPTP_MSG_OK);
    g_assert_cmpint(m.type, ==, DT_PPTP_ECHORQ);
    g_assert_cmpint(dt_pptp_msg_decode(out + 16, n - 16, &m), ==, DT_PPTP_MSG_OK);
    g_assert_cmpint(m.type, ==, DT_PPTP_CCRQ);
    g_assert_cmpuint(m.u.ccrq.call_id, ==, call);
    g_assert_cmpint(dt_pptp_ctrl_state(c), ==, DT_PPTP_CTRL_ESTABLISHED);

    /* No StopCCRP: closed anyway after stop_timeout_ms. */
    dt_pptp_ctrl_stop(c, 0, 70000);
    dt_pptp_ctrl_handle_timeout(c, 80000);
    expect_closed(c, DT_REASON_LOCAL_REQUEST);
    dt_pptp_ctrl_free(c);

    /* A PAC whose client never speaks. */
    DtPptpCtrlConfig cfg = {.role = DT_PPTP_ROLE_PAC, .reply_timeout_ms = 5000};
    c = dt_pptp_ctrl_new(&cfg);
    dt_pptp_ctrl_start(c, 0);
    dt_pptp_ctrl_handle_timeout(c, 5000);
    expect_closed(c, DT_REASON_TIMEOUT);
    dt_pptp_ctrl_free(c);
}

static void
test_lying_length(void)
{
    /* An Echo-Request claiming 156 octets: closed as soon as the header is
     * complete, with no wait for octets that never come. */
    static const int lies[] = {156, 11, 0, 17, 0xFFFF};
    for (gsize i = 0; i < G_N_ELEMENTS(lies); i++) {
        DtPptpCtrl *c = pns_waiting(0);
        feed_sccrp(c, DT_PPTP_SCCRP_OK, 0, DT_PPTP_VERSION);
        DtPptpMsg m = {.type = DT_PPTP_ECHORQ};
        uint8_t b[DT_PPTP_MAX_MSG_LEN];
        encode(&m, b);
        dt_put_u16(b, (uint16_t)lies[i]);
        dt_pptp_ctrl_input(c, b, 11, 0);
        g_assert_cmpint(dt_pptp_ctrl_state(c), ==, DT_PPTP_CTRL_ESTABLISHED);
        dt_pptp_ctrl_input(c, b + 11, 1, 0);
        DtPptpEvent ev = expect_closed(c, DT_REASON_MALFORMED);
        g_assert_nonnull(strstr(ev.message, "malformed"));
        dt_pptp_ctrl_free(c);
    }
    /* A bad Magic-Cookie likewise. */
    DtPptpCtrl *c = pns_waiting(0);
    uint8_t junk[12] = {0, 16, 0, 1, 0xDE, 0xAD, 0xBE, 0xEF, 0, 5, 0, 0};
    dt_pptp_ctrl_input(c, junk, sizeof(junk), 0);
    expect_closed(c, DT_REASON_MALFORMED);
    /* Input after the end is swallowed, not acted on. */
    g_assert_cmpuint(dt_pptp_ctrl_input(c, junk, sizeof(junk), 0), ==, sizeof(junk));
    dt_pptp_ctrl_free(c);
}

static void
test_unknown_type_skipped(void)
{
    DtPptpCtrl *c = pns_waiting(0);
    feed_sccrp(c, DT_PPTP_SCCRP_OK, 0, DT_PPTP_VERSION);
    uint8_t b[64];
    memset(b, 0, sizeof(b));
    /* Type 16, Length 20, then an Echo-Request in the same segment. */
    dt_put_u16(b, 20);
    dt_put_u16(b + 2, 1);
    dt_put_u32(b + 4, DT_PPTP_MAGIC_COOKIE);
    dt_put_u16(b + 8, 16);
    DtPptpMsg m = {.type = DT_PPTP_ECHORQ};
    m.u.echo.id = 0xCAFE;
    size_t n = dt_pptp_msg_encode(&m, b + 20, sizeof(b) - 20);
    g_assert_cmpuint(dt_pptp_ctrl_input(c, b, 20 + n, 5), ==, 20 + n);
    g_assert_cmpint(dt_pptp_ctrl_state(c), ==, DT_PPTP_CTRL_ESTABLISHED);
    g_assert_cmpuint(dt_pptp_ctrl_stats(c)->skipped, ==, 1);
    uint8_t out[64];
    n = dt_pptp_ctrl_poll_transmit(c, out, sizeof(out));
    g_assert_cmpint(dt_pptp_msg_decode(out, n, &m), ==, DT_PPTP_MSG_OK);
    g_assert_cmpint(m.type, ==, DT_PPTP_ECHORP);
    g_assert_cmpuint(m.u.echo.id, ==, 0xCAFE);
    g_assert_cmpuint(m.u.echo.result, ==, DT_PPTP_ECHORP_OK);
    dt_pptp_ctrl_free(c);
}

static void
test_call_id_mismatch(void)
{
    DtPptpCtrl *c = pns_waiting(0);
    feed_sccrp(c, DT_PPTP_SCCRP_OK, 0, DT_PPTP_VERSION);
    uint16_t call;
    g_assert_true(dt_pptp_ctrl_call(c, 0, &call));
    uint8_t out[512];
    dt_pptp_ctrl_poll_transmit(c, out, sizeof(out));
    DtPptpEvent ev;
    while (dt_pptp_ctrl_poll_event(c, &ev))
        ;
    /* An OCRP for someone else's call: dropped, the call still waits. */
    DtPptpMsg m = {.type = DT_PPTP_OCRP};
    m.u.ocrp.call_id = 0x4444;
    m.u.ocrp.peer_call_id = (uint16_t)(call + 1);
    m.u.ocrp.result = DT_PPTP_OCRP_CONNECTED;
    uint8_t b[DT_PPTP_MAX_MSG_LEN];
    size_t n = encode(&m, b);
    dt_pptp_ctrl_input(c, b, n, 0);
    g_assert_false(dt_pptp_ctrl_poll_event(c, &ev));
    g_assert_cmpuint(dt_pptp_ctrl_stats(c)->call_id_mismatch, ==, 1);
    /* The right one connects. */
    m.u.ocrp.peer_call_id = call;
    n = encode(&m, b);
    dt_pptp_ctrl_input(c, b, n, 0);
    g_assert_true(dt_pptp_ctrl_poll_event(c, &ev));
    g_assert_cmpint(ev.type, ==, DT_PPTP_EVENT_CALL_UP);
    g_assert_cmpuint(ev.peer_call_id, ==, 0x4444);
    /* A CDN for an unknown PAC call ID: dropped. */
    DtPptpMsg d = {.type = DT_PPTP_CDN};
    d.u.cdn.call_id = 0x4445;
    d.u.cdn.result = DT_PPTP_CDN_LOST_CARRIER;
    n = encode(&d, b);
    dt_pptp_ctrl_input(c, b, n, 0);
    g_assert_false(dt_pptp_ctrl_poll_event(c, &ev));
    g_assert_cmpuint(dt_pptp_ctrl_stats(c)->call_id_mismatch, ==, 2);
    /* WAN-Error-Notify for our call: counted, with an event. */
    DtPptpMsg w = {.type = DT_PPTP_WEN};
    w.u.wen.peer_call_id = call;
    w.u.wen.crc_errors = 3;
    w.u.wen.alignment_errors = 1;
    n = encode(&w, b);
    dt_pptp_ctrl_input(c, b, n, 0);
    dt_pptp_ctrl_input(c, b, n, 0);
    g_assert_true(dt_pptp_ctrl_poll_event(c, &ev));
    g_assert_cmpint(ev.type, ==, DT_PPTP_EVENT_WAN_ERROR);
    g_assert_nonnull(strstr(ev.message, "3 CRC"));
    DtPptpCallInfo info;
    g_assert_true(dt_pptp_ctrl_call_info(c, call, &info));
    g_assert_cmpuint(info.wan_error_notifies, ==, 2);
    g_assert_cmpuint(info.wan_errors.crc_errors, ==, 6);
    g_assert_cmpuint(info.wan_errors.alignment_errors, ==, 2);
    g_assert_cmpuint(dt_pptp_ctrl_stats(c)->wan_error_notifies, ==, 2);
    /* Lost carrier on the right ID. */
    d.u.cdn.call_id = 0x4444;
    n = encode(&d, b);
    dt_pptp_ctrl_input(c, b, n, 0);
    while (dt_pptp_ctrl_poll_event(c, &ev) && ev.type != DT_PPTP_EVENT_CALL_DOWN)
        ;
    g_assert_cmpint(ev.type, ==, DT_PPTP_EVENT_CALL_DOWN);
    g_assert_cmpint(ev.reason, ==, DT_REASON_PEER_STOPPED);
    g_assert_cmpstr(ev.message, ==, "The server disconnected the call: lost carrier");
    /* An incoming call is refused (a VPN client takes none). */
    DtPptpMsg icrq = {.type = DT_PPTP_ICRQ};
    icrq.u.icrq.call_id = 77;
    n = encode(&icrq, b);
    dt_pptp_ctrl_input(c, b, n, 0);
    n = dt_pptp_ctrl_poll_transmit(c, out, sizeof(out));
    g_assert_cmpint(dt_pptp_msg_decode(out, n, &m), ==, DT_PPTP_MSG_OK);
    g_assert_cmpint(m.type, ==, DT_PPTP_ICRP);
    g_assert_cmpuint(m.u.icrp.peer_call_id, ==, 77);
    g_assert_cmpuint(m.u.icrp.result, ==, DT_PPTP_ICRP_DO_NOT_ACCEPT);
    dt_pptp_ctrl_free(c);
}

static void
test_pac_many_calls(void)
{
    DtPptpCtrlConfig pns = {.role = DT_PPTP_ROLE_PNS, .max_calls = 4, .call_id_base = 0xFFFE};
    DtPptpCtrlConfig pac = {.role = DT_PPTP_ROLE_PAC, .max_calls = 3, .call_id_base = 0xFFFF};
    Pair p;
    pair_init(&p, &pns, &pac);
    control_up(&p);
    g_assert_cmpuint(dt_pptp_ctrl_peer(p.pns)->max_channels, ==, 3);
    uint16_t ids[4], pac_ids[3];
    for (int i = 0; i < 3; i++)
        call_up(&p, &ids[i], &pac_ids[i]);
    /* Call IDs wrap and skip 0. */
    g_assert_cmpuint(ids[0], ==, 0xFFFE);
    g_assert_cmpuint(ids[1], ==, 0xFFFF);
    g_assert_cmpuint(ids[2], ==, 1);
    g_assert_cmpuint(pac_ids[0], ==, 0xFFFF);
    g_assert_cmpuint(pac_ids[1], ==, 1);
    g_assert_cmpuint(dt_pptp_ctrl_call_count(p.pac), ==, 3);
    /* The fourth is over MaxCalls: refused as busy without asking. */
    g_assert_true(dt_pptp_ctrl_call(p.pns, p.now, &ids[3]));
    pump(&p);
    const DtPptpEvent *down = last_event(p.pns_ev, DT_PPTP_EVENT_CALL_DOWN);
    g_assert_nonnull(down);
    g_assert_cmpuint(down->call_id, ==, ids[3]);
    g_assert_cmpint(down->reason, ==, DT_REASON_CALL_REFUSED);
    g_assert_cmpuint(count_events(p.pac_ev, DT_PPTP_EVENT_CALL_REQUEST), ==, 3);
    /* Clearing the middle call leaves the others. */
    g_assert_true(dt_pptp_ctrl_clear_call(p.pns, ids[1], p.now));
    pump(&p);
    g_assert_cmpuint(dt_pptp_ctrl_call_count(p.pac), ==, 2);
    DtPptpCallInfo info;
    g_assert_false(dt_pptp_ctrl_call_info(p.pac, pac_ids[1], &info));
    g_assert_true(dt_pptp_ctrl_call_info(p.pac, pac_ids[2], &info));
    g_assert_cmpuint(info.peer_call_id, ==, ids[2]);
    /* A Call-Clear-Request for a call the PAC does not have. */
    DtPptpMsg m = {.type = DT_PPTP_CCRQ};
    m.u.ccrq.call_id = 0x7777;
    uint8_t b[DT_PPTP_MAX_MSG_LEN];
    size_t n = encode(&m, b);
    dt_pptp_ctrl_input(p.pac, b, n, p.now);
    g_assert_cmpuint(dt_pptp_ctrl_stats(p.pac)->call_id_mismatch, ==, 1);
    /* Peer closes TCP without a word. */
    dt_pptp_ctrl_input_eof(p.pac, p.now);
    drain_events(p.pac, p.pac_ev);
    g_assert_cmpint(last_event(p.pac_ev, DT_PPTP_EVENT_CLOSED)->reason, ==, DT_REASON_PEER_STOPPED);
    g_assert_cmpuint(dt_pptp_ctrl_call_count(p.pac), ==, 0);
    pair_clear(&p);
}

/* A peer that floods without reading: input is taken only as far as the
 * buffers allow, and nothing is lost once the caller pulls. */
static void
test_backpressure(void)
{
    DtPptpCtrl *c = pns_waiting(0);
    feed_sccrp(c, DT_PPTP_SCCRP_OK, 0, DT_PPTP_VERSION);
    DtPptpMsg m = {.type = DT_PPTP_ECHORQ};
    uint8_t b[16];
    const unsigned total = 2000;
    GByteArray *all = g_byte_array_new();
    for (unsigned i = 0; i < total; i++) {
        m.u.echo.id = i;
        dt_pptp_msg_encode(&m, b, sizeof(b));
        g_byte_array_append(all, b, 16);
    }
    size_t off = 0;
    unsigned replies = 0;
    uint8_t out[1000];
    while (off < all->len) {
        size_t took = dt_pptp_ctrl_input(c, all->data + off, all->len - off, 0);
        off += took;
        if (took == 0) {
            /* Read some replies: that makes room. */
            size_t n = dt_pptp_ctrl_poll_transmit(c, out, 400);
            g_assert_cmpuint(n, >, 0);
            replies += (unsigned)(n / 20);
            g_assert_cmpuint(n % 20, ==, 0);
        }
    }
    size_t n;
    while ((n = dt_pptp_ctrl_poll_transmit(c, out, 400)) > 0)
        replies += (unsigned)(n / 20);
    g_assert_cmpuint(replies, ==, total);
    g_assert_cmpuint(dt_pptp_ctrl_stats(c)->echo_requests_answered, ==, total);
    g_byte_array_unref(all);
    dt_pptp_ctrl_free(c);
}

static void
test_strings(void)
{
    for (int s = DT_PPTP_CTRL_IDLE; s <= DT_PPTP_CTRL_CLOSED; s++)
        g_assert_cmpstr(dt_pptp_ctrl_state_to_string((DtPptpCtrlState)s), !=, "unknown");
    for (int s = DT_PPTP_CALL_FREE; s <= DT_PPTP_CALL_WAIT_CDN; s++)
        g_assert_cmpstr(dt_pptp_call_state_to_string((DtPptpCallState)s), !=, "unknown");
    DtPptpCtrlConfig bad = {.role = DT_PPTP_ROLE_PAC, .max_calls = DT_PPTP_CTRL_MAX_CALLS + 1};
    g_assert_null(dt_pptp_ctrl_new(&bad));
    g_assert_null(dt_pptp_ctrl_new(NULL));
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/pptp-ctrl/bringup", test_bringup);
    g_test_add_func("/pptp-ctrl/call-before-control-up", test_call_before_control_up);
    g_test_add_func("/pptp-ctrl/ocrp-refusals", test_ocrp_refusals);
    g_test_add_func("/pptp-ctrl/echo-keepalive", test_echo_keepalive);
    g_test_add_func("/pptp-ctrl/echo-timeout", test_echo_timeout);
    g_test_add_func("/pptp-ctrl/stop-from-server-and-cdn", test_stop_from_server_and_cdn);
    g_test_add_func("/pptp-ctrl/sccrp-refused", test_sccrp_refused);
    g_test_add_func("/pptp-ctrl/timeouts", test_timeouts);
    g_test_add_func("/pptp-ctrl/lying-length", test_lying_length);
    g_test_add_func("/pptp-ctrl/unknown-type-skipped", test_unknown_type_skipped);
    g_test_add_func("/pptp-ctrl/call-id-mismatch", test_call_id_mismatch);
    g_test_add_func("/pptp-ctrl/pac-many-calls", test_pac_many_calls);
    g_test_add_func("/pptp-ctrl/backpressure", test_backpressure);
    g_test_add_func("/pptp-ctrl/strings", test_strings);
    return dt_test_run();
}
