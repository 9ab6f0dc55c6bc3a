/* test-ipv6cp.c — Interface-Identifier negotiation (RFC 5072 §4.1). */
#include <string.h>

#include "dt-ipv6cp.h"
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
feed(DtIpv6cp *c, uint8_t code, uint8_t id, const guint8 *opts, gsize n)
{
    guint8 pkt[64] = {code, id, 0, (guint8)(n + 4)};
    memcpy(pkt + 4, opts, n);
    dt_fsm_input(&c->fsm, pkt, n + 4, 1);
}

static void
test_iid(void)
{
    DtIpv6cpConfig cfg = {{0, 0, 0, 0, 0, 0, 0, 1}};
    Out o = {0};
    DtFsmOwner owner = {.output = output_cb, .owner = &o};
    DtIpv6cp c;
    dt_ipv6cp_init(&c, &cfg, NULL, &owner, NULL);
    dt_fsm_lower_up(&c.fsm, 0);
    dt_fsm_open(&c.fsm, 0);
    /* Zero and our own identifier are Nak'd with a non-zero, different one. */
    static const guint8 zero[] = {1, 10, 0, 0, 0, 0, 0, 0, 0, 0};
    static const guint8 same[] = {1, 10, 0, 0, 0, 0, 0, 0, 0, 1};
    static const guint8 *bad[] = {zero, same};
    for (int i = 0; i < 2; i++) {
        feed(&c, DT_FSM_CONF_REQ, (uint8_t)i, bad[i], 10);
        g_assert_cmpint(o.last[0], ==, DT_FSM_CONF_NAK);
        g_assert_false(memcmp(o.last + 6, zero + 2, 8) == 0);
        g_assert_false(memcmp(o.last + 6, same + 2, 8) == 0);
    }
    /* Compression is rejected; a good identifier acked. */
    static const guint8 comp[] = {2, 4, 0, 0x4F};
    feed(&c, DT_FSM_CONF_REQ, 3, comp, sizeof(comp));
    g_assert_cmpint(o.last[0], ==, DT_FSM_CONF_REJ);
    static const guint8 good[] = {1, 10, 2, 0, 0, 0, 0, 0, 0, 2};
    feed(&c, DT_FSM_CONF_REQ, 4, good, sizeof(good));
    g_assert_cmpint(o.last[0], ==, DT_FSM_CONF_ACK);
    dt_assert_mem(c.neg.peer_iid, good + 2, 8);
    /* A Nak suggesting the peer's own identifier is not taken. */
    feed(&c, DT_FSM_CONF_NAK, c.fsm.req_id, good, sizeof(good));
    g_assert_false(memcmp(c.want, good + 2, 8) == 0);
    g_assert_false(memcmp(c.want, zero + 2, 8) == 0);
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/ipv6cp/iid", test_iid);
    return dt_test_run();
}
