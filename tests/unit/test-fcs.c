/* test-fcs.c — RFC 1662 Appendix C FCS-16 and FCS-32 against the shared vectors. */
#include <string.h>

#include "dt-fcs.h"
#include "dt-hdlc.h"
#include "dt-test.h"
#include "dt-vectors.h"

/* A vector value written as a big-endian number ("F0B8"). */
/* One load for the whole program, so the last test can prove every value was used. */
static DtVectors *vectors;

static DtVectors *
get_vectors(void)
{
    if (!vectors)
        vectors = dt_vectors_load("rfc1662_fcs.txt");
    return vectors;
}

static guint32
vector_number(DtVectors *v, const char *name, gsize len)
{
    const guint8 *p = dt_vectors_get_n(v, name, len);
    guint32 n = 0;
    for (gsize i = 0; i < len; i++)
        n = n << 8 | p[i];
    return n;
}

static void
test_constants(void)
{
    DtVectors *v = get_vectors();
    g_assert_cmphex(vector_number(v, "const.FCS16_INIT", 2), ==, DT_FCS16_INIT);
    g_assert_cmphex(vector_number(v, "const.FCS16_GOOD", 2), ==, DT_FCS16_GOOD);
    g_assert_cmphex(vector_number(v, "const.FCS32_INIT", 4), ==, DT_FCS32_INIT);
    g_assert_cmphex(vector_number(v, "const.FCS32_GOOD", 4), ==, DT_FCS32_GOOD);
    /* The tables' first entries follow from the polynomials themselves. */
    g_assert_cmphex(dt_fcs16_table[0], ==, 0);
    g_assert_cmphex(dt_fcs16_table[128], ==, 0x8408);
    g_assert_cmphex(dt_fcs32_table[128], ==, 0xEDB88320u);
}

/* Appending the wire FCS and running the receiver over it gives the residue. */
static void
check_frame16(DtVectors *v, const char *frame_name, const char *wire_name, const char *with_name)
{
    GBytes *frame = dt_vectors_get(v, frame_name);
    gsize n = g_bytes_get_size(frame);
    const guint8 *f = g_bytes_get_data(frame, NULL);
    guint8 wire[2];
    dt_fcs16_put(wire, dt_fcs16(f, n));
    dt_assert_mem(wire, dt_vectors_get_n(v, wire_name, 2), 2);
    if (with_name) {
        GBytes *with = dt_vectors_get(v, with_name);
        g_assert_cmpuint(g_bytes_get_size(with), ==, n + 2);
        g_assert_cmpmem(g_bytes_get_data(with, NULL), n, f, n);
        dt_assert_mem((const guint8 *)g_bytes_get_data(with, NULL) + n, wire, 2);
        g_assert_cmphex(dt_fcs16(g_bytes_get_data(with, NULL), n + 2), ==, DT_FCS16_GOOD);
    }
}

static void
test_check_values(void)
{
    DtVectors *v = get_vectors();
    GBytes *data = dt_vectors_get(v, "check.Data");
    const guint8 *d = g_bytes_get_data(data, NULL);
    gsize n = g_bytes_get_size(data);
    /* The published check value is the complemented register. */
    g_assert_cmphex((guint16)~dt_fcs16(d, n), ==, vector_number(v, "check.FCS16_value", 2));
    g_assert_cmphex(~dt_fcs32(d, n), ==, vector_number(v, "check.FCS32_value", 4));
    check_frame16(v, "check.Data", "check.FCS16_wire", NULL);
    guint8 wire32[4];
    dt_fcs32_put(wire32, dt_fcs32(d, n));
    dt_assert_mem(wire32, dt_vectors_get_n(v, "check.FCS32_wire", 4), 4);

    /* Incremental updates in any split equal one pass. */
    for (gsize cut = 0; cut <= n; cut++) {
        g_assert_cmphex(dt_fcs16_update(dt_fcs16(d, cut), d + cut, n - cut), ==, dt_fcs16(d, n));
        g_assert_cmphex(dt_fcs32_update(dt_fcs32(d, cut), d + cut, n - cut), ==, dt_fcs32(d, n));
    }
}

static void
test_lcp_frame(void)
{
    DtVectors *v = get_vectors();
    check_frame16(v, "lcp.Frame", "lcp.FCS16_wire", "lcp.FrameWithFCS16");

    GBytes *frame = dt_vectors_get(v, "lcp.Frame");
    const guint8 *f = g_bytes_get_data(frame, NULL);
    gsize n = g_bytes_get_size(frame);
    guint8 wire[4];
    dt_fcs32_put(wire, dt_fcs32(f, n));
    dt_assert_mem(wire, dt_vectors_get_n(v, "lcp.FCS32_wire", 4), 4);
    GBytes *with = dt_vectors_get(v, "lcp.FrameWithFCS32");
    g_assert_cmpuint(g_bytes_get_size(with), ==, n + 4);
    g_assert_cmpmem(g_bytes_get_data(with, NULL), n, f, n);
    dt_assert_mem((const guint8 *)g_bytes_get_data(with, NULL) + n, wire, 4);
    g_assert_cmphex(dt_fcs32(g_bytes_get_data(with, NULL), n + 4), ==, DT_FCS32_GOOD);
}

/* The async wire forms: the encoder must reproduce them octet for octet. */
static void
check_async(DtVectors *v, const char *frame_name, guint32 accm, const char *wire_name)
{
    GBytes *frame = dt_vectors_get(v, frame_name);
    GBytes *wire = dt_vectors_get(v, wire_name);
    gsize n = g_bytes_get_size(frame);
    guint8 out[DT_HDLC_ENCODED_MAX(256)];
    g_assert_cmpuint(n, <=, 256);
    size_t got =
        dt_hdlc_encode(g_bytes_get_data(frame, NULL), n, accm, DT_HDLC_FCS_16, 0, out, sizeof(out));
    dt_assert_bytes(out, got, wire);
}

static void
test_async_wire(void)
{
    DtVectors *v = get_vectors();
    check_async(v, "lcp.Frame", DT_HDLC_DEFAULT_ACCM, "lcp.AsyncWire");
    check_async(v, "ipaccm0.Frame", 0, "ipaccm0.AsyncWire");
    check_async(v, "ipaccm0.Frame", DT_HDLC_DEFAULT_ACCM, "ipaccmFF.AsyncWire");
}

static void
test_all_used(void)
{
    dt_vectors_assert_all_used(get_vectors());
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/fcs/constants", test_constants);
    g_test_add_func("/fcs/check-values", test_check_values);
    g_test_add_func("/fcs/lcp-frame", test_lcp_frame);
    g_test_add_func("/fcs/async-wire", test_async_wire);
    g_test_add_func("/fcs/all-vectors-used", test_all_used);
    int rc = dt_test_run();
    dt_vectors_free(vectors);
    return rc;
}
