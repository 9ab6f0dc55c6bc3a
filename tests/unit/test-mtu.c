/* test-mtu.c — the tunnel MTU from its stack, and TCP MSS clamping (dt-mtu.h). */
#include <string.h>

#include "dt-mtu.h"
#include "dt-test.h"

/* ---- the MTU ------------------------------------------------------------- */

typedef struct {
    const char *what;
    DtMtuStack st;
    uint16_t mtu;
} MtuCase;

#define V4 DT_MTU_IPV4_HEADER
#define V6 DT_MTU_IPV6_HEADER
#define GRE DT_MTU_GRE_HEADER

/* Each figure by hand: path − outer IP − GRE − PPP header − (MPPE header + inner protocol),
 * then the peer's MRU (less the same 4 with MPPE) and the profile's PPP MTU as caps. */
static const MtuCase mtu_cases[] = {
    /* 1500 − 20 − 16 − (FF 03 00 FD) 4 − 4 = 1456, when the peer did not ask for ACFC (a
     * Dialtone server does not); 1458 when it did. */
    {"ethernet, MPPE, FF 03 00 FD", {1500, V4, GRE, 4, true, 1500, 0}, 1456},
    {"ethernet, MPPE, ACFC", {1500, V4, GRE, 2, true, 1500, 0}, 1458},
    /* Plain IP: 1500 − 20 − 16 − 4 = 1460; with ACFC and PFC only 0x21 remains: 1463. */
    {"ethernet, plain", {1500, V4, GRE, 4, false, 1500, 0}, 1460},
    {"ethernet, plain, ACFC+PFC", {1500, V4, GRE, 1, false, 1500, 0}, 1463},
    /* The peer's MRU caps the Information field: 1400 − 4 = 1396 (Windows' PPTP MRU). */
    {"peer MRU 1400, MPPE", {1500, V4, GRE, 4, true, 1400, 0}, 1396},
    {"peer MRU 1400, plain", {1500, V4, GRE, 4, false, 1400, 0}, 1400},
    /* The profile's PPP.MTU (default 1400) caps our frames the way pppd's "mtu" does. */
    {"profile MTU 1400, MPPE", {1500, V4, GRE, 4, true, 1500, 1400}, 1396},
    {"profile MTU 1492 above the path", {1500, V4, GRE, 4, true, 1500, 1492}, 1456},
    /* PPPoE underneath: 1492 − 44 = 1448. */
    {"PPPoE path 1492, MPPE", {1492, V4, GRE, 4, true, 1500, 0}, 1448},
    /* DialFirst: the dial-up link's MTU is its ISP's MRU.  1500 gives the Ethernet figure;
     * an ISP asking for 576: 576 − 44 = 532; 1006 (old SLIP-era default): 962. */
    {"dial-up MRU 1500 underneath", {1500, V4, GRE, 4, true, 1500, 0}, 1456},
    {"dial-up MRU 576 underneath", {576, V4, GRE, 4, true, 1500, 0}, 532},
    {"dial-up MRU 1006 underneath", {1006, V4, GRE, 4, true, 1400, 0}, 962},
    /* GRE over IPv6: 40 octets of outer header, 1500 − 40 − 16 − 4 − 4 = 1436. */
    {"IPv6 path, MPPE", {1500, V6, GRE, 4, true, 1500, 0}, 1436},
    /* Unknown path and MRU: Ethernet and RFC 1661's 1500. */
    {"defaults", {0, V4, GRE, 4, true, 0, 0}, 1456},
    /* Never below what IPv4 requires of every link. */
    {"absurdly small path", {60, V4, GRE, 4, true, 1500, 0}, 68},
    {"absurdly small MRU", {1500, V4, GRE, 4, true, 10, 0}, 68},
};

static void
test_compute(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(mtu_cases); i++) {
        const MtuCase *c = &mtu_cases[i];
        uint16_t got = dt_mtu_compute(&c->st);
        if (got != c->mtu)
            g_error("%s: MTU %u, expected %u", c->what, got, c->mtu);
    }
    g_assert_cmpuint(DT_MTU_MPPC_EXPANSION, ==, 0);
}

static void
test_mss_for(void)
{
    g_assert_cmpuint(dt_mtu_mss_for(1456, false), ==, 1416);
    g_assert_cmpuint(dt_mtu_mss_for(1456, true), ==, 1396);
    g_assert_cmpuint(dt_mtu_mss_for(1396, false), ==, 1356);
    g_assert_cmpuint(dt_mtu_mss_for(1396, true), ==, 1336);
    g_assert_cmpuint(dt_mtu_mss_for(30, false), ==, 0);
}

/* ---- the clamp ----------------------------------------------------------- */

#define SYN 0x02
#define SYN_ACK 0x12
#define ACK 0x10
#define MTU 1396

static const guint8 opts_linux[] = {
    2, 4, 0x05, 0xB4,                         /* MSS 1460 */
    4, 2, 8,    10,                           /* SACK permitted, timestamps … */
    0, 0, 0,    1,    0, 0, 0, 0, 1, 3, 3, 7, /* … NOP, window scale 7 */
};

static uint16_t
mss_at(const guint8 *ip, gboolean ipv6, gsize opt)
{
    const guint8 *p = ip + DT_TEST_TCP_OFFSET(ipv6) + 20 + opt + 2;
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint16_t
checksum_field(const guint8 *ip, gboolean ipv6)
{
    const guint8 *p = ip + DT_TEST_TCP_OFFSET(ipv6) + 16;
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* Clamps a copy; asserts the result, that only the MSS value and the checksum changed, and
 * that the checksum equals one computed from scratch. */
static void
assert_clamped(guint8 *ip, gsize len, gboolean ipv6, gsize opt, uint16_t want)
{
    guint8 before[256];
    memcpy(before, ip, len);
    g_assert_cmpint(dt_mtu_clamp_mss(ip, len, MTU), ==, DT_MSS_CLAMPED);
    g_assert_cmpuint(mss_at(ip, ipv6, opt), ==, want);
    g_assert_cmpuint(checksum_field(ip, ipv6), ==, dt_test_tcp_checksum(ip, len));
    gsize t = DT_TEST_TCP_OFFSET(ipv6);
    for (gsize i = 0; i < len; i++) {
        gboolean mss = i == t + 20 + opt + 2 || i == t + 20 + opt + 3;
        gboolean sum = i == t + 16 || i == t + 17;
        if (!mss && !sum && ip[i] != before[i])
            g_error("octet %zu changed", i);
    }
    /* Once clamped, a second pass finds nothing to do. */
    g_assert_cmpint(dt_mtu_clamp_mss(ip, len, MTU), ==, DT_MSS_UNTOUCHED);
}

static void
assert_left(guint8 *ip, gsize len, DtMssResult want)
{
    guint8 before[256];
    memcpy(before, ip, len);
    g_assert_cmpint(dt_mtu_check_mss(ip, len, MTU), ==, want);
    g_assert_cmpint(dt_mtu_clamp_mss(ip, len, MTU), ==, want);
    g_assert_cmpmem(ip, len, before, len);
}

static void
test_clamp_ipv4(void)
{
    guint8 ip[256];
    gsize len = dt_test_tcp_segment(ip, sizeof ip, FALSE, SYN, opts_linux, sizeof opts_linux, 0);
    g_assert_cmpuint(len, ==, 60);
    g_assert_cmpint(dt_mtu_check_mss(ip, len, MTU), ==, DT_MSS_CLAMPED);
    assert_clamped(ip, len, FALSE, 0, 1356);

    /* SYN-ACK, and data in a SYN (TCP Fast Open) do not matter to the clamp. */
    len = dt_test_tcp_segment(ip, sizeof ip, FALSE, SYN_ACK, opts_linux, sizeof opts_linux, 33);
    assert_clamped(ip, len, FALSE, 0, 1356);
}

static void
test_clamp_ipv6(void)
{
    static const guint8 opts[] = {2, 4, 0x05, 0xA0, 1, 1, 4, 2}; /* MSS 1440, NOP NOP SACKOK */
    guint8 ip[256];
    gsize len = dt_test_tcp_segment(ip, sizeof ip, TRUE, SYN, opts, sizeof opts, 0);
    assert_clamped(ip, len, TRUE, 0, 1336);
    len = dt_test_tcp_segment(ip, sizeof ip, TRUE, SYN_ACK, opts, sizeof opts, 0);
    assert_clamped(ip, len, TRUE, 0, 1336);
}

static void
test_clamp_odd_offset(void)
{
    /* A NOP first puts the MSS value at an odd offset in the segment (23): it straddles two
     * checksum words, and the incremental update must swap it. */
    static const guint8 opts[] = {1, 2, 4, 0xFF, 0xFF, 1, 1, 0};
    guint8 ip[256];
    gsize len = dt_test_tcp_segment(ip, sizeof ip, FALSE, SYN, opts, sizeof opts, 0);
    assert_clamped(ip, len, FALSE, 1, 1356);
    len = dt_test_tcp_segment(ip, sizeof ip, TRUE, SYN_ACK, opts, sizeof opts, 5);
    assert_clamped(ip, len, TRUE, 1, 1336);
}

static void
test_clamp_every_mss(void)
{
    /* Two MSS options (not valid TCP, but a receiver may use either): both lowered. */
    static const guint8 opts[] = {2, 4, 0x05, 0xB4, 1, 2, 4, 0x23, 0x28, 1, 1, 1};
    guint8 ip[256];
    gsize len = dt_test_tcp_segment(ip, sizeof ip, FALSE, SYN, opts, sizeof opts, 0);
    g_assert_cmpint(dt_mtu_clamp_mss(ip, len, MTU), ==, DT_MSS_CLAMPED);
    g_assert_cmpuint(mss_at(ip, FALSE, 0), ==, 1356);
    g_assert_cmpuint(mss_at(ip, FALSE, 5), ==, 1356);
    g_assert_cmpuint(checksum_field(ip, FALSE), ==, dt_test_tcp_checksum(ip, len));
}

static void
test_within_limit(void)
{
    guint8 ip[256];
    static const guint8 small[] = {2, 4, 0x02, 0x18}; /* 536 */
    gsize len = dt_test_tcp_segment(ip, sizeof ip, FALSE, SYN, small, sizeof small, 0);
    assert_left(ip, len, DT_MSS_UNTOUCHED);
    static const guint8 exact[] = {2, 4, 0x05, 0x4C}; /* 1356: the limit itself */
    len = dt_test_tcp_segment(ip, sizeof ip, FALSE, SYN, exact, sizeof exact, 0);
    assert_left(ip, len, DT_MSS_UNTOUCHED);
    /* 1356 is over the IPv6 limit (1336). */
    len = dt_test_tcp_segment(ip, sizeof ip, TRUE, SYN, exact, sizeof exact, 0);
    assert_clamped(ip, len, TRUE, 0, 1336);
}

static void
test_not_candidates(void)
{
    guint8 ip[256];
    /* No MSS option at all: nothing to lower (the peer assumes 536, RFC 9293 §3.7.1). */
    static const guint8 sack[] = {1, 1, 4, 2};
    gsize len = dt_test_tcp_segment(ip, sizeof ip, FALSE, SYN, sack, sizeof sack, 0);
    assert_left(ip, len, DT_MSS_UNTOUCHED);
    len = dt_test_tcp_segment(ip, sizeof ip, FALSE, SYN, NULL, 0, 0);
    assert_left(ip, len, DT_MSS_UNTOUCHED);
    /* Not a SYN: an MSS option there means nothing. */
    len = dt_test_tcp_segment(ip, sizeof ip, FALSE, ACK, opts_linux, sizeof opts_linux, 10);
    assert_left(ip, len, DT_MSS_UNTOUCHED);
    /* An MSS after End of Option List is not an option. */
    static const guint8 eol[] = {0, 2, 4, 0x05, 0xB4, 0, 0, 0};
    len = dt_test_tcp_segment(ip, sizeof ip, FALSE, SYN, eol, sizeof eol, 0);
    assert_left(ip, len, DT_MSS_UNTOUCHED);

    /* IPv4 fragments: More Fragments, or an offset. */
    len = dt_test_tcp_segment(ip, sizeof ip, FALSE, SYN, opts_linux, sizeof opts_linux, 0);
    ip[6] = 0x20;
    assert_left(ip, len, DT_MSS_UNTOUCHED);
    ip[6] = 0x00;
    ip[7] = 0x01;
    assert_left(ip, len, DT_MSS_UNTOUCHED);
    /* Not TCP. */
    len = dt_test_tcp_segment(ip, sizeof ip, FALSE, SYN, opts_linux, sizeof opts_linux, 0);
    ip[9] = 17;
    assert_left(ip, len, DT_MSS_UNTOUCHED);
    /* IPv6 with an extension header first (Hop-by-Hop): not parsed. */
    len = dt_test_tcp_segment(ip, sizeof ip, TRUE, SYN, opts_linux, sizeof opts_linux, 0);
    ip[6] = 0;
    assert_left(ip, len, DT_MSS_UNTOUCHED);
    /* Neither IPv4 nor IPv6; and nothing at all. */
    ip[0] = 0x50;
    assert_left(ip, len, DT_MSS_UNTOUCHED);
    g_assert_cmpint(dt_mtu_clamp_mss(ip, 0, MTU), ==, DT_MSS_UNTOUCHED);
    /* An MTU with no room for an MSS: nothing to clamp to. */
    len = dt_test_tcp_segment(ip, sizeof ip, FALSE, SYN, opts_linux, sizeof opts_linux, 0);
    g_assert_cmpint(dt_mtu_clamp_mss(ip, len, 40), ==, DT_MSS_UNTOUCHED);
}

typedef void (*Break)(guint8 *ip, gsize *len);

static void
break_option_len_zero(guint8 *ip, gsize *len)
{
    (void)len;
    ip[20 + 20 + 4 + 1] = 0; /* SACK permitted, length 0 */
}

static void
break_option_len_one(guint8 *ip, gsize *len)
{
    (void)len;
    ip[20 + 20 + 4 + 1] = 1;
}

static void
break_option_past_header(guint8 *ip, gsize *len)
{
    (void)len;
    ip[20 + 20 + 6 + 1] = 30; /* timestamps, running past the 40 option octets */
}

static void
break_mss_len(guint8 *ip, gsize *len)
{
    (void)len;
    ip[20 + 20 + 1] = 3;
}

static void
break_data_offset_small(guint8 *ip, gsize *len)
{
    (void)len;
    ip[20 + 12] = 4 << 4;
}

static void
break_data_offset_past_segment(guint8 *ip, gsize *len)
{
    (void)len;
    ip[20 + 12] = 15 << 4; /* 60 octets of header in a 40-octet segment */
}

static void
break_ihl_small(guint8 *ip, gsize *len)
{
    (void)len;
    ip[0] = 0x44;
}

static void
break_total_past_buffer(guint8 *ip, gsize *len)
{
    *len -= 1;
    (void)ip;
}

static void
break_total_below_header(guint8 *ip, gsize *len)
{
    (void)len;
    ip[2] = 0;
    ip[3] = 19;
}

static void
break_segment_short(guint8 *ip, gsize *len)
{
    (void)len;
    ip[2] = 0;
    ip[3] = 20 + 19; /* 19 octets: less than a TCP header */
}

static void
break_truncated(guint8 *ip, gsize *len)
{
    (void)ip;
    *len = 19;
}

static const struct {
    const char *what;
    Break fn;
} breakers[] = {
    {"option length 0", break_option_len_zero},
    {"option length 1", break_option_len_one},
    {"option past the header", break_option_past_header},
    {"MSS option of length 3", break_mss_len},
    {"data offset 16", break_data_offset_small},
    {"data offset past the segment", break_data_offset_past_segment},
    {"IHL 4", break_ihl_small},
    {"total length past the buffer", break_total_past_buffer},
    {"total length below the header", break_total_below_header},
    {"segment shorter than TCP", break_segment_short},
    {"truncated IP header", break_truncated},
};

static void
test_malformed(void)
{
    /* MSS 1460, SACK permitted, then NOP NOP + timestamps (10): 20 octets. */
    static const guint8 opts[] = {2, 4, 0x05, 0xB4, 4, 2, 8, 10, 0, 0,
                                  0, 1, 0,    0,    0, 0, 1, 1,  1, 0};
    for (size_t i = 0; i < G_N_ELEMENTS(breakers); i++) {
        guint8 ip[256];
        gsize len = dt_test_tcp_segment(ip, sizeof ip, FALSE, SYN, opts, sizeof opts, 0);
        g_assert_cmpint(dt_mtu_check_mss(ip, len, MTU), ==, DT_MSS_CLAMPED);
        breakers[i].fn(ip, &len);
        guint8 before[256];
        memcpy(before, ip, sizeof ip);
        DtMssResult r = dt_mtu_clamp_mss(ip, len, MTU);
        if (r != DT_MSS_MALFORMED)
            g_error("%s: result %d, expected malformed", breakers[i].what, r);
        g_assert_cmpmem(ip, sizeof ip, before, sizeof before);
    }
    /* IPv6: a payload length beyond the buffer, or too short for TCP. */
    guint8 ip[256];
    gsize len = dt_test_tcp_segment(ip, sizeof ip, TRUE, SYN, opts, sizeof opts, 0);
    assert_left(ip, len - 1, DT_MSS_MALFORMED);
    ip[4] = 0;
    ip[5] = 12;
    assert_left(ip, len, DT_MSS_MALFORMED);
    assert_left(ip, 39, DT_MSS_MALFORMED);
}

/* Random option lists around MSS options at random places: whatever is clamped, the checksum
 * matches a from-scratch one, and the MSS values are min(old, limit). */
static void
test_random(void)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(dt_test_seed());
    unsigned clamped = 0;
    for (int round = 0; round < 4000; round++) {
        guint8 opts[40];
        gsize n = 0;
        gsize mss_pos[10];
        uint16_t mss_val[10];
        gsize n_mss = 0;
        gsize want = 4 * (gsize)g_rand_int_range(rand, 1, 11);
        while (n < want) {
            int kind = g_rand_int_range(rand, 0, 4);
            if (kind == 0 && n + 4 <= want && n_mss < 10) {
                uint16_t v = (uint16_t)g_rand_int_range(rand, 0, 65536);
                opts[n] = 2;
                opts[n + 1] = 4;
                opts[n + 2] = (guint8)(v >> 8);
                opts[n + 3] = (guint8)v;
                mss_pos[n_mss] = n;
                mss_val[n_mss++] = v;
                n += 4;
            } else if (kind == 1 && n + 3 <= want) {
                opts[n] = 3; /* window scale */
                opts[n + 1] = 3;
                opts[n + 2] = (guint8)g_rand_int_range(rand, 0, 15);
                n += 3;
            } else {
                opts[n++] = 1;
            }
        }
        gboolean ipv6 = g_rand_boolean(rand);
        guint8 ip[256];
        gsize len = dt_test_tcp_segment(ip, sizeof ip, ipv6, g_rand_boolean(rand) ? SYN : SYN_ACK,
                                        opts, n, (gsize)g_rand_int_range(rand, 0, 40));
        uint16_t mtu = (uint16_t)g_rand_int_range(rand, 68, 9001);
        uint16_t limit = dt_mtu_mss_for(mtu, ipv6);
        DtMssResult r = dt_mtu_clamp_mss(ip, len, mtu);
        g_assert_cmpint(r, !=, DT_MSS_MALFORMED);
        gboolean over = FALSE;
        for (gsize k = 0; k < n_mss; k++) {
            over |= mss_val[k] > limit;
            uint16_t expect = mss_val[k] > limit ? limit : mss_val[k];
            g_assert_cmpuint(mss_at(ip, ipv6, mss_pos[k]), ==, expect);
        }
        g_assert_cmpint(r, ==, over ? DT_MSS_CLAMPED : DT_MSS_UNTOUCHED);
        g_assert_cmpuint(checksum_field(ip, ipv6), ==, dt_test_tcp_checksum(ip, len));
        clamped += r == DT_MSS_CLAMPED;
    }
    g_assert_cmpuint(clamped, >, 100);
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/mtu/compute", test_compute);
    g_test_add_func("/mtu/mss-for", test_mss_for);
    g_test_add_func("/mtu/clamp/ipv4", test_clamp_ipv4);
    g_test_add_func("/mtu/clamp/ipv6", test_clamp_ipv6);
    g_test_add_func("/mtu/clamp/odd-offset", test_clamp_odd_offset);
    g_test_add_func("/mtu/clamp/every-mss", test_clamp_every_mss);
    g_test_add_func("/mtu/clamp/within-limit", test_within_limit);
    g_test_add_func("/mtu/clamp/not-candidates", test_not_candidates);
    g_test_add_func("/mtu/clamp/malformed", test_malformed);
    g_test_add_func("/mtu/clamp/random", test_random);
    return dt_test_run();
}
