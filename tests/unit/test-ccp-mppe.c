/* test-ccp-mppe.c — CCP option 18 negotiation: policies × peer offers. */
#include <string.h>

#include "dt-ccp-mppe.h"
#include "dt-test.h"

#define H DT_MPPE_BIT_H
#define S DT_MPPE_BIT_S
#define M DT_MPPE_BIT_M
#define L DT_MPPE_BIT_L
#define D DT_MPPE_BIT_D
#define C DT_MPPE_BIT_C

static const DtCcpMppePolicy p_none = {DT_MPPE_ENCRYPTION_NONE, false, false, true};
static const DtCcpMppePolicy p_none_mppc = {DT_MPPE_ENCRYPTION_NONE, false, true, true};
static const DtCcpMppePolicy p_opt = {DT_MPPE_ENCRYPTION_OPTIONAL, false, false, true};
static const DtCcpMppePolicy p_req = {DT_MPPE_ENCRYPTION_REQUIRE, false, false, true};
static const DtCcpMppePolicy p_req_sf = {DT_MPPE_ENCRYPTION_REQUIRE, true, true, true};
static const DtCcpMppePolicy p_128 = {DT_MPPE_ENCRYPTION_REQUIRE_128, false, false, true};
static const DtCcpMppePolicy p_128_nokeys = {DT_MPPE_ENCRYPTION_REQUIRE_128, false, false, false};
static const DtCcpMppePolicy p_opt_nokeys = {DT_MPPE_ENCRYPTION_OPTIONAL, false, true, false};

static void
test_request_bits(void)
{
    g_assert_cmphex(dt_ccp_mppe_policy_bits(&p_none), ==, 0);
    g_assert_cmphex(dt_ccp_mppe_policy_bits(&p_none_mppc), ==, C);
    g_assert_cmphex(dt_ccp_mppe_policy_bits(&p_opt), ==, H | S | M | L);
    g_assert_cmphex(dt_ccp_mppe_policy_bits(&p_req_sf), ==, H | S | M | L | C);
    g_assert_cmphex(dt_ccp_mppe_policy_bits(&p_128), ==, H | S);
    g_assert_cmphex(dt_ccp_mppe_policy_bits(&p_opt_nokeys), ==, C);
    g_assert_cmpint(dt_ccp_mppe_check_policy(&p_128_nokeys), ==, DT_REASON_MPPE_NO_KEYS);
    g_assert_cmpint(dt_ccp_mppe_check_policy(&p_opt_nokeys), ==, DT_REASON_NONE);

    /* The wire form of PROTOCOL.md §6's examples. */
    uint8_t buf[6];
    DtWriter w;
    dt_writer_init(&w, buf, sizeof(buf));
    dt_ccp_mppe_write_option(&w, H | S);
    const uint8_t want[6] = {0x12, 0x06, 0x01, 0x00, 0x00, 0x40};
    dt_assert_mem(buf, want, 6);
    uint32_t bits;
    g_assert_true(dt_ccp_mppe_parse_option(buf, 6, &bits));
    g_assert_cmphex(bits, ==, H | S);
    g_assert_false(dt_ccp_mppe_parse_option(buf, 5, &bits));
    buf[1] = 7;
    g_assert_false(dt_ccp_mppe_parse_option(buf, 6, &bits));
}

/* One policy against one peer Configure-Request. */
static const struct {
    const DtCcpMppePolicy *policy;
    uint32_t peer;
    DtCcpVerdict verdict;
    uint32_t nak;
} matrix[] = {
    /* Several strengths: Nak'd down to the single strongest acceptable one. */
    {&p_req, H | S | M | L, DT_CCP_NAK, H | S},
    {&p_req, H | M | L, DT_CCP_NAK, H | M},
    {&p_req, H | L, DT_CCP_ACK, 0},
    {&p_req, H | S, DT_CCP_ACK, 0},
    {&p_128, H | M | L, DT_CCP_NAK, H | S},
    {&p_128, H | S | L, DT_CCP_NAK, H | S},
    {&p_128, H | S, DT_CCP_ACK, 0},
    {&p_opt, H | S, DT_CCP_ACK, 0},
    {&p_opt, H | S | L, DT_CCP_NAK, H | S},
    /* No strength bit: Nak with ours when required; nothing to use otherwise. */
    {&p_req, H, DT_CCP_NAK, H | S},
    {&p_req, C, DT_CCP_NAK, H | S},
    {&p_opt, C, DT_CCP_REJECT, 0},
    {&p_req_sf, C, DT_CCP_NAK, H | S | C},
    /* Stateful: Nak'd to stateless unless allowed. */
    {&p_req, S, DT_CCP_NAK, H | S},
    {&p_req_sf, S, DT_CCP_ACK, 0},
    {&p_req_sf, S | C, DT_CCP_ACK, 0},
    {&p_req_sf, H | S | M | C, DT_CCP_NAK, H | S | C},
    /* D and unknown bits are Nak'd off. */
    {&p_req, H | S | D, DT_CCP_NAK, H | S},
    {&p_req, H | S | 0x00100000u, DT_CCP_NAK, H | S},
    /* Compression only where the policy wants it. */
    {&p_req, H | S | C, DT_CCP_NAK, H | S},
    {&p_none_mppc, C, DT_CCP_ACK, 0},
    {&p_none_mppc, H | S | C, DT_CCP_NAK, H | C},
    {&p_none_mppc, H | S, DT_CCP_REJECT, 0},
    {&p_none, H | S, DT_CCP_REJECT, 0},
    {&p_none, C, DT_CCP_REJECT, 0},
    /* No MS-CHAP keys: encryption impossible. */
    {&p_opt_nokeys, H | S | C, DT_CCP_NAK, H | C},
    {&p_opt_nokeys, H | S, DT_CCP_REJECT, 0},
    {&p_128_nokeys, H | S, DT_CCP_REJECT, 0},
};

static void
test_evaluate_matrix(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(matrix); i++) {
        uint32_t nak = 0xDEAD;
        DtCcpVerdict v = dt_ccp_mppe_evaluate(matrix[i].policy, matrix[i].peer, &nak);
        char words[128];
        dt_ccp_mppe_explain_bits(matrix[i].peer, words, sizeof(words));
        g_test_message("case %zu (%s): %s %08X", i, words, dt_ccp_verdict_to_string(v), nak);
        g_assert_cmpstr(dt_ccp_verdict_to_string(v), ==,
                        dt_ccp_verdict_to_string(matrix[i].verdict));
        if (v == DT_CCP_NAK)
            g_assert_cmphex(nak, ==, matrix[i].nak);
        /* A Nak is itself acceptable to us: the exchange converges. */
        if (v == DT_CCP_NAK) {
            uint32_t again;
            g_assert_cmpint(dt_ccp_mppe_evaluate(matrix[i].policy, nak, &again), ==, DT_CCP_ACK);
        }
    }
}

/* Two negotiating sides, exchanging Configure-Requests until both are
 * acked, rejected, or one fails (at most 10 rounds, as Max-Failure). */
typedef struct {
    DtCcpMppe side[2];
    DtReason failed[2];
} Pair;

static void
negotiate(Pair *pr, const DtCcpMppePolicy *a, const DtCcpMppePolicy *b)
{
    dt_ccp_mppe_init(&pr->side[0], a);
    dt_ccp_mppe_init(&pr->side[1], b);
    pr->failed[0] = pr->failed[1] = DT_REASON_NONE;
    bool done[2] = {false, false};
    int naks[2] = {0, 0};
    for (int round = 0; round < 10 && !(done[0] && done[1]); round++) {
        for (int s = 0; s < 2; s++) {
            if (done[s])
                continue;
            DtCcpMppe *me = &pr->side[s], *peer = &pr->side[1 - s];
            uint8_t req[16], ans[16];
            DtWriter w, aw;
            dt_writer_init(&w, req, sizeof(req));
            dt_ccp_mppe_add_request(me, &w);
            if (w.len == 0) {
                dt_ccp_mppe_peer_request_without(peer);
                done[s] = true;
                continue;
            }
            dt_writer_init(&aw, ans, sizeof(ans));
            DtCcpVerdict v = dt_ccp_mppe_peer_request(peer, req, w.len, &aw);
            /* RFC 1661 §4.6 Max-Failure: Naks that do not converge become a Reject. */
            if (v == DT_CCP_NAK && ++naks[s] > 5) {
                v = DT_CCP_REJECT;
                dt_writer_init(&aw, ans, sizeof(ans));
                dt_writer_bytes(&aw, req, w.len);
            }
            switch (v) {
            case DT_CCP_ACK:
                dt_ccp_mppe_got_ack(me);
                done[s] = true;
                break;
            case DT_CCP_NAK:
                pr->failed[s] = dt_ccp_mppe_got_nak(me, ans, aw.len);
                done[s] = pr->failed[s] != DT_REASON_NONE;
                break;
            case DT_CCP_REJECT:
                g_assert_cmpmem(ans, aw.len, req, w.len);
                pr->failed[s] = dt_ccp_mppe_got_reject(me);
                done[s] = pr->failed[s] != DT_REASON_NONE;
                break;
            }
        }
    }
    g_assert_true(done[0] && done[1]);
}

static void
test_negotiation_pairs(void)
{
    static const DtCcpMppePolicy *all[] = {&p_none,   &p_none_mppc, &p_opt,        &p_req,
                                           &p_req_sf, &p_128,       &p_128_nokeys, &p_opt_nokeys};
    for (gsize i = 0; i < G_N_ELEMENTS(all); i++) {
        for (gsize j = 0; j < G_N_ELEMENTS(all); j++) {
            Pair pr;
            negotiate(&pr, all[i], all[j]);
            DtCcpMppeResult r[2];
            DtCcpMppeFailure f[2];
            bool ok[2];
            for (int s = 0; s < 2; s++) {
                ok[s] =
                    pr.failed[s] == DT_REASON_NONE && dt_ccp_mppe_decide(&pr.side[s], &r[s], &f[s]);
                if (pr.failed[s] != DT_REASON_NONE)
                    dt_ccp_mppe_failure(&pr.side[s], pr.failed[s], &f[s]);
            }
            const DtCcpMppePolicy *pa = all[i], *pb = all[j];
            bool need_a = pa->encryption >= DT_MPPE_ENCRYPTION_REQUIRE;
            bool need_b = pb->encryption >= DT_MPPE_ENCRYPTION_REQUIRE;
            bool can_a = pa->have_keys && pa->encryption != DT_MPPE_ENCRYPTION_NONE;
            bool can_b = pb->have_keys && pb->encryption != DT_MPPE_ENCRYPTION_NONE;
            g_test_message("%zu x %zu: %d/%d", i, j, ok[0], ok[1]);
            for (int s = 0; s < 2; s++) {
                const DtCcpMppePolicy *me = s ? pb : pa;
                bool need = s ? need_b : need_a;
                if (!me->have_keys && need) {
                    g_assert_false(ok[s]);
                    g_assert_cmpint(f[s].reason, ==, DT_REASON_MPPE_NO_KEYS);
                    continue;
                }
                if (need && !(can_a && can_b)) {
                    /* Nothing common: refused, with both offers for the UI. */
                    g_assert_false(ok[s]);
                    g_assert_cmpint(f[s].reason, ==, DT_REASON_MPPE_REFUSED);
                    g_assert_cmphex(f[s].offered, ==, dt_ccp_mppe_policy_bits(me));
                    continue;
                }
                if (!ok[s])
                    continue;
                /* Agreed: the same in both directions, 128-bit stateless when
                 * both can encrypt (every policy here allows 128). */
                g_assert_cmpint(r[s].tx.mppe, ==, r[s].rx.mppe);
                if (r[s].tx.mppe) {
                    g_assert_true(can_a && can_b);
                    g_assert_cmpint(r[s].tx.bits, ==, DT_MPPE_BITS_128);
                    g_assert_cmpint(r[s].rx.bits, ==, DT_MPPE_BITS_128);
                    g_assert_true(r[s].tx.stateless && r[s].rx.stateless);
                }
                if (r[s].tx.mppc || r[s].rx.mppc)
                    g_assert_true(pa->compression && pb->compression);
            }
            /* Both can and one needs it: it is on, both ways, both sides. */
            if (can_a && can_b && (need_a || need_b)) {
                g_assert_true(ok[0] && ok[1]);
                g_assert_true(r[0].tx.mppe && r[1].tx.mppe);
            }
            /* Where both sides agree, one's transmitter is the other's receiver. */
            if (ok[0] && ok[1]) {
                g_assert_cmpint(r[0].tx.mppe, ==, r[1].rx.mppe);
                g_assert_cmpint(r[0].tx.mppc, ==, r[1].rx.mppc);
                g_assert_cmpint(r[0].rx.mppc, ==, r[1].tx.mppc);
            }
        }
    }
}

/* A peer insisting on stateful 40-bit, against each policy. */
static void
test_nak_and_reject_processing(void)
{
    DtCcpMppe m;
    dt_ccp_mppe_init(&m, &p_req);
    uint8_t opt[6];
    DtWriter w;
    dt_writer_init(&w, opt, sizeof(opt));
    dt_ccp_mppe_write_option(&w, L);
    /* Stateless refused by the peer, stateful not allowed here: refused. */
    g_assert_cmpint(dt_ccp_mppe_got_nak(&m, opt, 6), ==, DT_REASON_MPPE_REFUSED);

    dt_ccp_mppe_init(&m, &p_req_sf);
    g_assert_cmpint(dt_ccp_mppe_got_nak(&m, opt, 6), ==, DT_REASON_NONE);
    uint8_t req[8];
    dt_writer_init(&w, req, sizeof(req));
    dt_ccp_mppe_add_request(&m, &w);
    uint32_t bits;
    g_assert_true(dt_ccp_mppe_parse_option(req, w.len, &bits));
    g_assert_cmphex(bits, ==, L);
    dt_assert_mem(m.sent, req, 6);

    /* 128-bit only: a Nak to 40-bit cannot be followed. */
    dt_ccp_mppe_init(&m, &p_128);
    dt_writer_init(&w, opt, sizeof(opt));
    dt_ccp_mppe_write_option(&w, H | L);
    g_assert_cmpint(dt_ccp_mppe_got_nak(&m, opt, 6), ==, DT_REASON_MPPE_REFUSED);

    /* Optional: a Reject leaves option 18 out and nothing fails. */
    dt_ccp_mppe_init(&m, &p_opt);
    g_assert_cmpint(dt_ccp_mppe_got_reject(&m), ==, DT_REASON_NONE);
    dt_writer_init(&w, req, sizeof(req));
    dt_ccp_mppe_add_request(&m, &w);
    g_assert_cmpuint(w.len, ==, 0);
    dt_ccp_mppe_init(&m, &p_req);
    g_assert_cmpint(dt_ccp_mppe_got_reject(&m), ==, DT_REASON_MPPE_REFUSED);
    DtCcpMppeFailure f;
    dt_ccp_mppe_failure(&m, DT_REASON_MPPE_REFUSED, &f);
    g_assert_true(f.peer_rejected);
    g_assert_false(f.peer_sent);
    g_assert_cmphex(f.offered, ==, H | S | M | L);

    /* A malformed option is rejected as sent, and remembered for the UI. */
    uint8_t bad[5] = {18, 5, 1, 0, 0};
    uint8_t ans[8];
    dt_writer_init(&w, ans, sizeof(ans));
    g_assert_cmpint(dt_ccp_mppe_peer_request(&m, bad, 5, &w), ==, DT_CCP_REJECT);
    dt_assert_mem(ans, bad, 5);
    g_assert_false(m.have_received);
}

static void
test_words(void)
{
    char buf[200];
    dt_ccp_mppe_describe(H | S, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "MPPE 128-bit stateless");
    dt_ccp_mppe_describe(C, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "MPPC");
    dt_ccp_mppe_describe(S | C, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "MPPE 128-bit stateful, MPPC");
    dt_ccp_mppe_describe(H | S | L, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "MPPE 128/40-bit stateless");
    dt_ccp_mppe_describe(0, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "no encryption or compression");
    dt_ccp_mppe_explain_bits(H | S | C, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==,
                    "0x01000041: H = stateless (new key every packet), S = 128-bit MPPE, "
                    "C = MPPC compression");
    dt_ccp_mppe_explain_bits(M | L | D | 0x8000u, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==,
                    "0x000080B0: M = 56-bit MPPE, L = 40-bit MPPE, D = obsolete bit (should be "
                    "clear), unknown bits 0x00008000");
    /* Truncation is safe and reports the length needed. */
    char small[8];
    size_t need = dt_ccp_mppe_describe(H | S, small, sizeof(small));
    g_assert_cmpuint(need, ==, strlen("MPPE 128-bit stateless"));
    g_assert_cmpstr(small, ==, "MPPE 12");
}

/* A link whose directions differ says so, never the stronger one's words. */
static void
test_result_words(void)
{
    char buf[200];
    DtCcpMppeDirection s128 = {true, DT_MPPE_BITS_128, true, false};
    DtCcpMppeDirection f128 = {true, DT_MPPE_BITS_128, false, false};
    DtCcpMppeDirection s40 = {true, DT_MPPE_BITS_40, true, false};
    DtCcpMppeDirection plain = {false, DT_MPPE_BITS_40, false, false};
    DtCcpMppeResult r = {s128, s128};
    dt_ccp_mppe_describe_result(&r, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "MPPE 128-bit stateless");
    r = (DtCcpMppeResult){f128, f128};
    r.tx.mppc = r.rx.mppc = true;
    dt_ccp_mppe_describe_result(&r, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "MPPE 128-bit stateful, MPPC");
    r = (DtCcpMppeResult){s128, f128};
    dt_ccp_mppe_describe_result(&r, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "MPPE 128-bit, stateless sending, stateful receiving");
    r = (DtCcpMppeResult){f128, s128};
    r.rx.mppc = true;
    dt_ccp_mppe_describe_result(&r, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==,
                    "MPPE 128-bit, stateful sending, stateless receiving, MPPC receiving only");
    r = (DtCcpMppeResult){s128, s40};
    dt_ccp_mppe_describe_result(&r, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "MPPE 128-bit sending, 40-bit receiving, stateless");
    r = (DtCcpMppeResult){plain, s40};
    dt_ccp_mppe_describe_result(&r, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "MPPE 40-bit receiving only");
    r = (DtCcpMppeResult){plain, plain};
    r.tx.mppc = true;
    dt_ccp_mppe_describe_result(&r, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "MPPC sending only");
    r.tx.mppc = false;
    dt_ccp_mppe_describe_result(&r, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "no encryption or compression");
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/ccp-mppe/request-bits", test_request_bits);
    g_test_add_func("/ccp-mppe/evaluate-matrix", test_evaluate_matrix);
    g_test_add_func("/ccp-mppe/negotiation-pairs", test_negotiation_pairs);
    g_test_add_func("/ccp-mppe/nak-and-reject", test_nak_and_reject_processing);
    g_test_add_func("/ccp-mppe/words", test_words);
    g_test_add_func("/ccp-mppe/result-words", test_result_words);
    return dt_test_run();
}
