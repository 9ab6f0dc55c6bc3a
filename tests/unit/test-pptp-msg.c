/* test-pptp-msg.c — RFC 2637 §2 control messages: encode, decode, reject. */
#include <string.h>

#include "dt-buf.h"
#include "dt-pptp-msg.h"
#include "dt-test.h"
#include "dt-vectors.h"

/* The fields each computed encoding was made from (the file's comments). */
static void
expected_messages(DtPptpMsg *m, const char **names, unsigned *n)
{
    unsigned i = 0;
    memset(m, 0, 11 * sizeof(*m));

    names[i] = "SCCRQ";
    m[i].type = DT_PPTP_SCCRQ;
    m[i].u.start.version = DT_PPTP_VERSION;
    m[i].u.start.framing_caps = DT_PPTP_FRAMING_ASYNC;
    m[i].u.start.bearer_caps = DT_PPTP_BEARER_ANALOG;
    m[i].u.start.firmware = 1;
    strcpy(m[i].u.start.host_name, "client");
    strcpy(m[i].u.start.vendor, "test");
    i++;

    names[i] = "SCCRP";
    m[i].type = DT_PPTP_SCCRP;
    m[i].u.start.version = DT_PPTP_VERSION;
    m[i].u.start.result = DT_PPTP_SCCRP_OK;
    m[i].u.start.framing_caps = 3;
    m[i].u.start.bearer_caps = 3;
    m[i].u.start.max_channels = 1;
    m[i].u.start.firmware = 1;
    strcpy(m[i].u.start.host_name, "server");
    strcpy(m[i].u.start.vendor, "test");
    i++;

    names[i] = "StopCCRQ";
    m[i].type = DT_PPTP_STOPCCRQ;
    m[i].u.stop.reason = DT_PPTP_STOP_REASON_NONE;
    i++;

    names[i] = "StopCCRP";
    m[i].type = DT_PPTP_STOPCCRP;
    m[i].u.stop.reason = DT_PPTP_STOPCCRP_OK;
    i++;

    names[i] = "EchoRQ";
    m[i].type = DT_PPTP_ECHORQ;
    m[i].u.echo.id = 1;
    i++;

    names[i] = "EchoRP";
    m[i].type = DT_PPTP_ECHORP;
    m[i].u.echo.id = 1;
    m[i].u.echo.result = DT_PPTP_ECHORP_OK;
    i++;

    names[i] = "OCRQ";
    m[i].type = DT_PPTP_OCRQ;
    m[i].u.ocrq.call_id = 0x1234;
    m[i].u.ocrq.serial = 1;
    m[i].u.ocrq.min_bps = 300;
    m[i].u.ocrq.max_bps = 100000000;
    m[i].u.ocrq.bearer_type = 3;
    m[i].u.ocrq.framing_type = 3;
    m[i].u.ocrq.recv_window = 64;
    i++;

    names[i] = "OCRP";
    m[i].type = DT_PPTP_OCRP;
    m[i].u.ocrp.call_id = 0x0080;
    m[i].u.ocrp.peer_call_id = 0x1234;
    m[i].u.ocrp.result = DT_PPTP_OCRP_CONNECTED;
    m[i].u.ocrp.connect_speed = 100000000;
    m[i].u.ocrp.recv_window = 64;
    i++;

    names[i] = "SLI";
    m[i].type = DT_PPTP_SLI;
    m[i].u.sli.peer_call_id = 0x0080;
    m[i].u.sli.send_accm = 0xFFFFFFFF;
    m[i].u.sli.recv_accm = 0xFFFFFFFF;
    i++;

    names[i] = "CCRQ";
    m[i].type = DT_PPTP_CCRQ;
    m[i].u.ccrq.call_id = 0x1234;
    i++;

    names[i] = "CDN";
    m[i].type = DT_PPTP_CDN;
    m[i].u.cdn.call_id = 0x0080;
    m[i].u.cdn.result = DT_PPTP_CDN_REQUEST;
    i++;
    *n = i;
}

static void
test_vectors(void)
{
    g_autoptr(DtVectors) v = dt_vectors_load("rfc2637_computed.txt");
    DtPptpMsg want[11];
    const char *names[11];
    unsigned n;
    expected_messages(want, names, &n);
    for (unsigned i = 0; i < n; i++) {
        GBytes *wire = dt_vectors_get(v, names[i]);
        gsize len;
        const guint8 *p = g_bytes_get_data(wire, &len);
        g_assert_cmpuint(len, ==, dt_pptp_msg_length(want[i].type));

        guint8 buf[DT_PPTP_MAX_MSG_LEN];
        g_assert_cmpuint(dt_pptp_msg_encode(&want[i], buf, sizeof(buf)), ==, len);
        dt_assert_bytes(buf, len, wire);
        /* Too small a buffer writes nothing. */
        g_assert_cmpuint(dt_pptp_msg_encode(&want[i], buf, len - 1), ==, 0);

        DtPptpMsg got;
        memset(&got, 0xAA, sizeof(got));
        g_assert_cmpint(dt_pptp_msg_decode(p, len, &got), ==, DT_PPTP_MSG_OK);
        g_assert_cmpint(got.type, ==, want[i].type);
        g_assert_cmpmem(&got.u, sizeof(got.u), &want[i].u, sizeof(want[i].u));
    }
    /* The three GRE encodings of the same file are test-gre's. */
    g_assert_cmpuint(dt_vectors_used(v), ==, n);
    g_assert_cmpuint(dt_vectors_count(v), ==, n + 3);
}

/* Messages 9, 10, 11, 14 have no computed vector: a round trip with every
 * field set to a distinct value proves field order and width. */
static void
test_roundtrip_all_types(void)
{
    GRand *rand = g_rand_new_with_seed(dt_test_seed());
    for (unsigned type = 1; type <= DT_PPTP_MSG_TYPE_MAX; type++) {
        for (int round = 0; round < 20; round++) {
            guint8 wire[DT_PPTP_MAX_MSG_LEN];
            uint16_t len = dt_pptp_msg_length(type);
            g_assert_cmpuint(len, >=, DT_PPTP_HEADER_LEN);
            dt_test_random_bytes(rand, wire, len);
            dt_put_u16(wire, len);
            dt_put_u16(wire + 2, 1);
            dt_put_u32(wire + 4, DT_PPTP_MAGIC_COOKIE);
            dt_put_u16(wire + 8, (uint16_t)type);
            dt_put_u16(wire + 10, 0);
            DtPptpMsg m;
            g_assert_cmpint(dt_pptp_msg_decode(wire, len, &m), ==, DT_PPTP_MSG_OK);
            g_assert_cmpuint(m.type, ==, type);
            /* Re-encoding gives the same octets except where the decoder
             * normalises: reserved fields and text after its first NUL. */
            guint8 again[DT_PPTP_MAX_MSG_LEN];
            g_assert_cmpuint(dt_pptp_msg_encode(&m, again, sizeof(again)), ==, len);
            DtPptpMsg m2;
            g_assert_cmpint(dt_pptp_msg_decode(again, len, &m2), ==, DT_PPTP_MSG_OK);
            g_assert_cmpmem(&m, sizeof(m), &m2, sizeof(m2));
        }
    }
    /* Spot checks on the types without vectors. */
    DtPptpMsg m = {.type = DT_PPTP_WEN};
    m.u.wen.peer_call_id = 7;
    m.u.wen.crc_errors = 1;
    m.u.wen.framing_errors = 2;
    m.u.wen.hardware_overruns = 3;
    m.u.wen.buffer_overruns = 4;
    m.u.wen.timeout_errors = 5;
    m.u.wen.alignment_errors = 6;
    guint8 b[DT_PPTP_MAX_MSG_LEN];
    g_assert_cmpuint(dt_pptp_msg_encode(&m, b, sizeof(b)), ==, 40);
    g_assert_cmpuint(dt_get_u16(b + 12), ==, 7);
    g_assert_cmpuint(dt_get_u32(b + 16), ==, 1);
    g_assert_cmpuint(dt_get_u32(b + 36), ==, 6);
    m = (DtPptpMsg){.type = DT_PPTP_ICCN};
    m.u.iccn.peer_call_id = 9;
    m.u.iccn.connect_speed = 0x01020304;
    m.u.iccn.recv_window = 0x0506;
    m.u.iccn.transmit_delay = 0x0708;
    m.u.iccn.framing_type = 0x090A0B0C;
    g_assert_cmpuint(dt_pptp_msg_encode(&m, b, sizeof(b)), ==, 28);
    static const guint8 iccn_body[] = {0, 9, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    g_assert_cmpmem(b + 12, 16, iccn_body, 16);
    g_rand_free(rand);
}

static void
test_malformed(void)
{
    g_autoptr(DtVectors) v = dt_vectors_load("rfc2637_computed.txt");
    static const char *names[] = {"SCCRQ", "SCCRP", "StopCCRQ", "StopCCRP", "EchoRQ", "EchoRP",
                                  "OCRQ",  "OCRP",  "SLI",      "CCRQ",     "CDN"};
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        gsize len;
        const guint8 *orig = g_bytes_get_data(dt_vectors_get(v, names[i]), &len);
        guint8 b[DT_PPTP_MAX_MSG_LEN + 8];
        DtPptpMsg m;
        memset(&m, 0x5A, sizeof(m));
        DtPptpMsg untouched = m;

        /* Every truncation, including inside the header. */
        for (gsize cut = 0; cut < len; cut++)
            g_assert_cmpint(dt_pptp_msg_decode(orig, cut, &m), ==, DT_PPTP_MSG_ERR_SHORT);
        g_assert_cmpint(dt_pptp_msg_decode(NULL, 0, &m), ==, DT_PPTP_MSG_ERR_SHORT);

#define MUTATE(stmt, err)                                                                          \
    do {                                                                                           \
        memset(b, 0, sizeof(b));                                                                   \
        memcpy(b, orig, len);                                                                      \
        stmt;                                                                                      \
        g_assert_cmpint(dt_pptp_msg_decode(b, len + 4, &m), ==, (err));                            \
    } while (0)
        MUTATE(dt_put_u16(b, (uint16_t)(len + 4)), DT_PPTP_MSG_ERR_LENGTH);
        MUTATE(dt_put_u16(b, (uint16_t)(len - 4)), DT_PPTP_MSG_ERR_LENGTH);
        MUTATE(dt_put_u16(b, 4), DT_PPTP_MSG_ERR_LENGTH);
        MUTATE(dt_put_u16(b + 2, 2), DT_PPTP_MSG_ERR_PPTP_TYPE);
        MUTATE(b[4] ^= 0x01, DT_PPTP_MSG_ERR_MAGIC);
        MUTATE(dt_put_u16(b + 8, 0), DT_PPTP_MSG_ERR_CTRL_TYPE);
        MUTATE(dt_put_u16(b + 8, 16), DT_PPTP_MSG_ERR_CTRL_TYPE);
        MUTATE(dt_put_u16(b + 8, 0xFFFF), DT_PPTP_MSG_ERR_CTRL_TYPE);
        MUTATE(b[11] = 1, DT_PPTP_MSG_ERR_RESERVED);
#undef MUTATE
        /* A failed decode leaves the output alone, and never the input. */
        g_assert_cmpmem(&m, sizeof(m), &untouched, sizeof(untouched));
        /* Octets after Length belong to the next message: ignored. */
        memcpy(b, orig, len);
        memset(b + len, 0xEE, 8);
        g_assert_cmpint(dt_pptp_msg_decode(b, len + 8, &m), ==, DT_PPTP_MSG_OK);
    }

    /* check_header reports Length and type even for unknown types. */
    guint8 h[16] = {0, 16, 0, 1, 0x1A, 0x2B, 0x3C, 0x4D, 0, 99, 0, 0};
    uint16_t length = 0, type = 0;
    g_assert_cmpint(dt_pptp_msg_check_header(h, sizeof(h), &length, &type), ==,
                    DT_PPTP_MSG_ERR_CTRL_TYPE);
    g_assert_cmpuint(length, ==, 16);
    g_assert_cmpuint(type, ==, 99);
    g_assert_cmpint(dt_pptp_msg_check_header(h, 11, &length, &type), ==, DT_PPTP_MSG_ERR_SHORT);
}

static void
test_text_fields(void)
{
    g_autoptr(DtVectors) v = dt_vectors_load("rfc2637_computed.txt");
    gsize len;
    const guint8 *orig = g_bytes_get_data(dt_vectors_get(v, "SCCRQ"), &len);
    guint8 b[156];
    g_assert_cmpuint(len, ==, sizeof(b));
    DtPptpMsg m;

    /* Windows 95 left garbage after the NUL of Host-Name (offset 28). */
    memcpy(b, orig, len);
    memcpy(b + 28 + 7, "garbage\x01\xff", 9);
    g_assert_cmpint(dt_pptp_msg_decode(b, len, &m), ==, DT_PPTP_MSG_OK);
    g_assert_cmpstr(m.u.start.host_name, ==, "client");
    g_assert_cmpstr(m.u.start.vendor, ==, "test");

    /* All 64 octets used, no NUL at all; control characters made safe. */
    memset(b + 28, 'h', 64);
    b[30] = '\n';
    b[31] = 0x7F;
    memset(b + 92, 'v', 64);
    g_assert_cmpint(dt_pptp_msg_decode(b, len, &m), ==, DT_PPTP_MSG_OK);
    g_assert_cmpuint(strlen(m.u.start.host_name), ==, 64);
    g_assert_cmpint(m.u.start.host_name[2], ==, '?');
    g_assert_cmpint(m.u.start.host_name[3], ==, '?');
    g_assert_cmpuint(strlen(m.u.start.vendor), ==, 64);

    /* The encoder cuts over-long text to the field and NUL-fills the rest. */
    DtPptpMsg big = {.type = DT_PPTP_SCCRQ};
    memset(big.u.start.host_name, 'x', 64);
    big.u.start.host_name[64] = '\0';
    strcpy(big.u.start.vendor, "v");
    g_assert_cmpuint(dt_pptp_msg_encode(&big, b, sizeof(b)), ==, 156);
    g_assert_cmpint(b[28 + 63], ==, 'x');
    g_assert_cmpint(b[92], ==, 'v');
    g_assert_cmpint(b[93], ==, 0);
    g_assert_cmpint(b[155], ==, 0);
}

static void
test_words(void)
{
    char buf[128];
    g_assert_cmpstr(dt_pptp_result_to_string(DT_PPTP_OCRP, 4), ==, "busy");
    g_assert_cmpstr(dt_pptp_result_to_string(DT_PPTP_OCRP, 3), ==, "no carrier");
    g_assert_cmpstr(dt_pptp_result_to_string(DT_PPTP_OCRP, 7), ==, "do not accept");
    g_assert_cmpstr(dt_pptp_result_to_string(DT_PPTP_SCCRP, 4), ==, "requester not authorized");
    g_assert_cmpstr(dt_pptp_result_to_string(DT_PPTP_CDN, 1), ==, "lost carrier");
    g_assert_cmpstr(dt_pptp_error_to_string(DT_PPTP_ERROR_BAD_CALL_ID), ==, "bad call ID");
    dt_pptp_describe_result(DT_PPTP_OCRP, 2, 5, 0, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "general error: bad call ID");
    dt_pptp_describe_result(DT_PPTP_OCRP, 4, 0, 17, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "busy (cause 17)");
    dt_pptp_describe_result(DT_PPTP_OCRP, 99, 0, 0, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "unknown result 99");
    /* Always terminated, even when cut. */
    dt_pptp_describe_result(DT_PPTP_OCRP, 2, 5, 0, buf, 8);
    g_assert_cmpstr(buf, ==, "general");
    for (unsigned t = 0; t <= 16; t++)
        g_assert_nonnull(dt_pptp_msg_type_to_string(t));
    g_assert_cmpstr(dt_pptp_msg_type_to_string(DT_PPTP_OCRP), ==, "Outgoing-Call-Reply");
    for (int e = DT_PPTP_MSG_OK; e <= DT_PPTP_MSG_ERR_RESERVED; e++)
        g_assert_cmpstr(dt_pptp_msg_error_to_string((DtPptpMsgError)e), !=, "unknown error");
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/pptp-msg/vectors", test_vectors);
    g_test_add_func("/pptp-msg/roundtrip-all-types", test_roundtrip_all_types);
    g_test_add_func("/pptp-msg/malformed", test_malformed);
    g_test_add_func("/pptp-msg/text-fields", test_text_fields);
    g_test_add_func("/pptp-msg/words", test_words);
    return dt_test_run();
}
