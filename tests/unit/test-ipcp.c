/* test-ipcp.c — IPCP options in both roles (RFC 1332, RFC 1877). */
#include <string.h>

#include "dt-ipcp.h"
#include "dt-test.h"

typedef struct {
    guint8 last[64];
    gsize len;
} Out;

static void
output_cb(void *owner, DtFsm *f, const uint8_t *pkt, size_t len)
{
    (void)f;
    Out *o = owner;
    o->len = MIN(len, sizeof(o->last));
    memcpy(o->last, pkt, o->len);
}

static void
feed(DtIpcp *c, uint8_t code, uint8_t id, const guint8 *opts, gsize n)
{
    guint8 pkt[64] = {code, id, 0, (guint8)(n + 4)};
    memcpy(pkt + 4, opts, n);
    dt_fsm_input(&c->fsm, pkt, n + 4, 1);
}

static void
setup(DtIpcp *c, Out *o, DtPppRole role)
{
    DtIpcpConfig cfg = {.role = role, .request_dns = true};
    if (role == DT_PPP_ROLE_AUTHENTICATOR) {
        cfg.local_addr = 0x0A000001;
        cfg.peer_addr = 0x0A000002;
        cfg.dns[0] = 0x0A000035;
    }
    DtFsmOwner owner = {.output = output_cb, .owner = o};
    dt_ipcp_init(c, &cfg, &owner, NULL);
    dt_fsm_lower_up(&c->fsm, 0);
    dt_fsm_open(&c->fsm, 0);
}

/* The authenticator Naks 0.0.0.0 with the assigned address, Naks the
 * primary DNS with its value and Rejects what it has none for. */
static void
test_authenticator_assigns(void)
{
    DtIpcp c;
    Out o = {0};
    setup(&c, &o, DT_PPP_ROLE_AUTHENTICATOR);
    static const guint8 req[] = {3, 6, 0, 0, 0, 0, 129, 6, 0, 0, 0, 0, 131, 6, 0, 0, 0, 0};
    feed(&c, DT_FSM_CONF_REQ, 1, req, sizeof(req));
    static const guint8 rej[] = {4, 1, 0, 10, 131, 6, 0, 0, 0, 0};
    dt_assert_mem(o.last, rej, sizeof(rej)); /* Reject wins over Nak (RFC 1661 §5.4) */
    static const guint8 req2[] = {3, 6, 0, 0, 0, 0, 129, 6, 0, 0, 0, 0};
    feed(&c, DT_FSM_CONF_REQ, 2, req2, sizeof(req2));
    static const guint8 nak[] = {3, 2, 0, 16, 3, 6, 10, 0, 0, 2, 129, 6, 10, 0, 0, 53};
    dt_assert_mem(o.last, nak, sizeof(nak));
    /* VJ and IP-Addresses are rejected. */
    static const guint8 vj[] = {2, 6, 0, 0x2D, 15, 1, 1, 10, 1, 2, 3, 4, 5, 6, 7, 8};
    feed(&c, DT_FSM_CONF_REQ, 3, vj, sizeof(vj));
    g_assert_cmpint(o.last[0], ==, DT_FSM_CONF_REJ);
    g_assert_cmpint(o.last[3], ==, 4 + sizeof(vj));
}

/* The peer takes the Nak'd address and DNS, ignores a DNS of 0.0.0.0 or
 * loopback, and refuses an unusable address. */
static void
test_peer_takes_nak(void)
{
    DtIpcp c;
    Out o = {0};
    setup(&c, &o, DT_PPP_ROLE_PEER);
    static const guint8 nak[] = {3, 6, 10, 0, 0, 2, 129, 6, 127, 0, 0, 1, 131, 6, 8, 8, 4, 4};
    feed(&c, DT_FSM_CONF_NAK, c.fsm.req_id, nak, sizeof(nak));
    static const guint8 want[] = {3, 6, 10, 0, 0, 2, 131, 6, 8, 8, 4, 4};
    g_assert_cmpint(o.last[0], ==, DT_FSM_CONF_REQ);
    g_assert_cmpuint(o.len, ==, 4 + sizeof(want));
    dt_assert_mem(o.last + 4, want, sizeof(want));
    g_assert_false(c.send_ns[0]); /* loopback DNS: no longer asked for */
    g_assert_cmphex(c.want_ns[2], ==, 0x08080404);
    static const guint8 bad[] = {3, 6, 224, 0, 0, 1};
    feed(&c, DT_FSM_CONF_NAK, c.fsm.req_id, bad, sizeof(bad));
    g_assert_cmpint(c.fsm.reason, ==, DT_REASON_ADDRESS_REFUSED);
    g_assert_cmpint(c.fsm.reason_option, ==, DT_IPCP_OPT_ADDRESS);
    g_assert_cmpint(c.fsm.state, ==, DT_FSM_CLOSING);
}

static void
test_address_usable(void)
{
    g_assert_false(dt_ipcp_address_usable(0));
    g_assert_false(dt_ipcp_address_usable(0x7F000001));
    g_assert_false(dt_ipcp_address_usable(0xE0000001));
    g_assert_false(dt_ipcp_address_usable(0xF0000001));
    g_assert_false(dt_ipcp_address_usable(0xFFFFFFFF));
    g_assert_true(dt_ipcp_address_usable(0x0A000002));
    g_assert_true(dt_ipcp_address_usable(0xDFFFFFFE));
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/ipcp/authenticator-assigns", test_authenticator_assigns);
    g_test_add_func("/ipcp/peer-takes-nak", test_peer_takes_nak);
    g_test_add_func("/ipcp/address-usable", test_address_usable);
    return dt_test_run();
}
