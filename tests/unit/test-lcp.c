/* test-lcp.c — LCP options, policy and extra codes (RFC 1661 §5–§6). */
#include <string.h>

#include "dt-lcp.h"
#include "dt-test.h"

typedef struct {
    guint8 last[64];
    gsize len;
    int sent;
} Out;

static void
output_cb(void *owner, DtFsm *f, const uint8_t *pkt, size_t len)
{
    (void)f;
    Out *o = owner;
    o->len = MIN(len, sizeof(o->last));
    memcpy(o->last, pkt, o->len);
    o->sent++;
}

static bool
counter_random_cb(void *ctx, void *buf, size_t len)
{
    guint8 *p = buf, *n = ctx;
    for (size_t i = 0; i < len; i++)
        p[i] = ++*n;
    return true;
}

static guint8 rnd_state;

static void
setup(DtLcp *l, Out *o, DtPppRole role, DtAuthMethod m)
{
    DtLcpConfig cfg = {.role = role, .mru = 1400};
    cfg.auth[cfg.n_auth++] = m;
    DtRandom rnd = {counter_random_cb, &rnd_state};
    DtFsmOwner owner = {.output = output_cb, .owner = o};
    dt_lcp_init(l, &cfg, &rnd, &owner, NULL, NULL);
    dt_fsm_lower_up(&l->fsm, 0);
    dt_fsm_open(&l->fsm, 0);
}

static void
feed(DtLcp *l, uint8_t code, uint8_t id, const guint8 *data, gsize n)
{
    guint8 pkt[64] = {code, id, 0, (guint8)(n + 4)};
    memcpy(pkt + 4, data, n);
    dt_fsm_input(&l->fsm, pkt, n + 4, 1);
}

/* Options real servers send that we do not do are rejected, unmodified. */
static void
test_rejects_unsupported(void)
{
    DtLcp l;
    Out o = {0};
    setup(&l, &o, DT_PPP_ROLE_PEER, DT_AUTH_MSCHAP_V2);
    static const guint8 req[] = {1, 4, 5, 0x78, 13,   3,  6, 17, 4, 6, 0x4E, 18, 2, 19, 3,
                                 0, 0, 4, 0xC0, 0x25, 23, 4, 0,  1, 0, 4,    0,  9, 3,  2};
    static const guint8 rej[] = {13, 3,    6,    17, 4, 6, 0x4E, 18, 2, 19, 3, 0, 0,
                                 4,  0xC0, 0x25, 23, 4, 0, 1,    0,  4, 0,  9, 3, 2};
    feed(&l, DT_FSM_CONF_REQ, 9, req, sizeof(req));
    g_assert_cmpint(o.last[0], ==, DT_FSM_CONF_REJ);
    g_assert_cmpuint(o.len, ==, 4 + sizeof(rej));
    dt_assert_mem(o.last + 4, rej, sizeof(rej));
}

/* The peer Naks a method outside its policy with its preferred one. */
static void
test_peer_naks_auth(void)
{
    DtLcp l;
    Out o = {0};
    setup(&l, &o, DT_PPP_ROLE_PEER, DT_AUTH_MSCHAP_V2);
    static const guint8 pap[] = {3, 4, 0xC0, 0x23};
    feed(&l, DT_FSM_CONF_REQ, 1, pap, sizeof(pap));
    static const guint8 nak[] = {3, 1, 0, 9, 3, 5, 0xC2, 0x23, 0x81};
    dt_assert_mem(o.last, nak, sizeof(nak));
    g_assert_true(l.auth_refused);
    static const guint8 v2[] = {3, 5, 0xC2, 0x23, 0x81};
    feed(&l, DT_FSM_CONF_REQ, 2, v2, sizeof(v2));
    g_assert_cmpint(o.last[0], ==, DT_FSM_CONF_ACK);
    g_assert_cmpint(l.neg.auth, ==, DT_AUTH_MSCHAP_V2);
    g_assert_false(l.auth_refused);
}

/* pppd's authenticator drops its method after our Nak, LCP opens without
 * one, and then it gives up on us with a Terminate-Request ("peer refused to
 * authenticate"): that ends as AUTH_REFUSED, not as a plain termination. */
static void
test_peer_drops_auth_then_terminates(void)
{
    DtLcp l;
    Out o = {0};
    setup(&l, &o, DT_PPP_ROLE_PEER, DT_AUTH_MSCHAP_V2);
    static const guint8 pap[] = {3, 4, 0xC0, 0x23};
    feed(&l, DT_FSM_CONF_REQ, 1, pap, sizeof(pap));
    g_assert_cmpint(o.last[0], ==, DT_FSM_CONF_NAK);
    feed(&l, DT_FSM_CONF_REQ, 2, NULL, 0);
    g_assert_cmpint(o.last[0], ==, DT_FSM_CONF_ACK);
    feed(&l, DT_FSM_CONF_ACK, l.fsm.req_id, l.fsm.req, l.fsm.req_len);
    g_assert_cmpint(l.fsm.state, ==, DT_FSM_OPENED);
    g_assert_cmpint(l.neg.auth, ==, DT_AUTH_NONE);
    g_assert_true(l.auth_refused);
    static const char why[] = "peer refused to authenticate";
    feed(&l, DT_FSM_TERM_REQ, 3, (const guint8 *)why, sizeof(why) - 1);
    g_assert_cmpint(o.last[0], ==, DT_FSM_TERM_ACK);
    /* Stopping → Stopped once the restart timer runs out: This-Layer-Finished. */
    for (int i = 0; i < 8 && l.fsm.state != DT_FSM_STOPPED; i++)
        dt_fsm_handle_timeout(&l.fsm, 10000 * (i + 2));
    g_assert_cmpint(l.fsm.state, ==, DT_FSM_STOPPED);
    g_assert_cmpint(l.fsm.reason, ==, DT_REASON_AUTH_REFUSED);
    g_assert_nonnull(strstr(l.fsm.message, "does not allow"));
}

/* The same Terminate-Request on a link whose method was agreed is only that. */
static void
test_terminate_after_agreed_auth(void)
{
    DtLcp l;
    Out o = {0};
    setup(&l, &o, DT_PPP_ROLE_PEER, DT_AUTH_MSCHAP_V2);
    static const guint8 v2[] = {3, 5, 0xC2, 0x23, 0x81};
    feed(&l, DT_FSM_CONF_REQ, 1, v2, sizeof(v2));
    feed(&l, DT_FSM_CONF_ACK, l.fsm.req_id, l.fsm.req, l.fsm.req_len);
    g_assert_cmpint(l.fsm.state, ==, DT_FSM_OPENED);
    g_assert_false(l.auth_refused);
    feed(&l, DT_FSM_TERM_REQ, 2, NULL, 0);
    for (int i = 0; i < 8 && l.fsm.state != DT_FSM_STOPPED; i++)
        dt_fsm_handle_timeout(&l.fsm, 10000 * (i + 2));
    g_assert_cmpint(l.fsm.state, ==, DT_FSM_STOPPED);
    g_assert_cmpint(l.fsm.reason, ==, DT_REASON_PEER_TERMINATED);
}

/* Magic collisions (RFC 1661 §6.4): Nak with a new number; repeated → LOOPBACK. */
static void
test_magic_loopback(void)
{
    DtLcp l;
    Out o = {0};
    setup(&l, &o, DT_PPP_ROLE_PEER, DT_AUTH_PAP);
    for (int i = 0; i < DT_LCP_LOOPBACK_LIMIT && l.fsm.state != DT_FSM_CLOSING; i++) {
        guint8 mine[6] = {5, 6};
        dt_put_u32(mine + 2, l.want.magic);
        feed(&l, DT_FSM_CONF_REQ, (uint8_t)i, mine, sizeof(mine));
        if (l.fsm.state != DT_FSM_CLOSING) {
            g_assert_cmpint(o.last[0], ==, DT_FSM_CONF_NAK);
            g_assert_cmpuint(dt_get_u32(o.last + 6), !=, 0);
        }
    }
    g_assert_cmpint(l.fsm.reason, ==, DT_REASON_LOOPBACK);
}

/* Echo only in Opened; Identification and Time-Remaining are ignored
 * silently, an unknown code is Code-Rejected. */
static void
test_extra_codes(void)
{
    DtLcp l;
    Out o = {0};
    setup(&l, &o, DT_PPP_ROLE_AUTHENTICATOR, DT_AUTH_PAP);
    static const guint8 echo[] = {0, 0, 0, 0, 'h', 'i'};
    int sent = o.sent;
    feed(&l, DT_LCP_ECHO_REQ, 5, echo, sizeof(echo));
    g_assert_cmpint(o.sent, ==, sent); /* not Opened */
    feed(&l, DT_FSM_CONF_REQ, 1, NULL, 0);
    feed(&l, DT_FSM_CONF_ACK, l.fsm.req_id, l.fsm.req, l.fsm.req_len);
    g_assert_cmpint(l.fsm.state, ==, DT_FSM_OPENED);
    feed(&l, DT_LCP_ECHO_REQ, 5, echo, sizeof(echo));
    g_assert_cmpint(o.last[0], ==, DT_LCP_ECHO_REPLY);
    g_assert_cmpint(o.last[1], ==, 5);
    g_assert_cmphex(dt_get_u32(o.last + 4), ==, l.neg.local.magic);
    dt_assert_mem(o.last + 8, "hi", 2);
    sent = o.sent;
    static const guint8 ident[] = {0, 0, 0, 0, 'M', 'S', 'R', 'A', 'S'};
    feed(&l, DT_LCP_IDENTIFICATION, 6, ident, sizeof(ident));
    feed(&l, DT_LCP_TIME_REMAINING, 7, ident, 8);
    feed(&l, DT_LCP_DISCARD_REQ, 8, ident, 4);
    g_assert_cmpint(o.sent, ==, sent);
    feed(&l, 42, 9, ident, 4);
    g_assert_cmpint(o.last[0], ==, DT_FSM_CODE_REJ);
    g_assert_cmpint(o.last[4], ==, 42);
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/lcp/rejects-unsupported", test_rejects_unsupported);
    g_test_add_func("/lcp/peer-naks-auth", test_peer_naks_auth);
    g_test_add_func("/lcp/peer-drops-auth-then-terminates", test_peer_drops_auth_then_terminates);
    g_test_add_func("/lcp/terminate-after-agreed-auth", test_terminate_after_agreed_auth);
    g_test_add_func("/lcp/magic-loopback", test_magic_loopback);
    g_test_add_func("/lcp/extra-codes", test_extra_codes);
    return dt_test_run();
}
