/* test-mppc.c — MPPC (RFC 2118) compressor and decompressor. */
#include <string.h>

#include "dt-mppc.h"
#include "dt-test.h"
#include "dt-vectors.h"

static GBytes *
read_vector_file(const char *name)
{
    g_autofree char *rel = g_build_filename("mppc", name, NULL);
    g_autofree char *path = dt_vectors_path(rel);
    char *data;
    gsize len;
    g_autoptr(GError) error = NULL;
    if (!g_file_get_contents(path, &data, &len, &error))
        g_error("%s", error->message);
    return g_bytes_new_take(data, len);
}

typedef struct {
    char *mppc;
    guint flags;
    char *in;
    gsize in_len;
    gsize out_len;
} Entry;

/* VECTORS.txt mixes "<file> = <flags> <input> <in len> <out len>" lines with
 * hex and sha256 lines; dt-vectors reads only hex, so parse it here. */
static GPtrArray *
load_entries(GHashTable *hex)
{
    g_autoptr(GBytes) text = read_vector_file("VECTORS.txt");
    g_autofree char *s = g_strndup(g_bytes_get_data(text, NULL), g_bytes_get_size(text));
    g_auto(GStrv) lines = g_strsplit(s, "\n", -1);
    GPtrArray *out = g_ptr_array_new();
    for (guint i = 0; lines[i]; i++) {
        char *line = g_strstrip(lines[i]);
        if (!*line || *line == '#')
            continue;
        g_auto(GStrv) kv = g_strsplit(line, "=", 2);
        g_assert_nonnull(kv[1]);
        char *key = g_strstrip(kv[0]);
        char *val = g_strstrip(kv[1]);
        if (g_str_has_suffix(key, ".mppc") && !g_str_has_prefix(key, "hex.")) {
            g_auto(GStrv) f = g_strsplit(val, " ", -1);
            g_assert_cmpuint(g_strv_length(f), ==, 4);
            Entry *e = g_new0(Entry, 1);
            e->mppc = g_strdup(key);
            e->flags = (guint)g_ascii_strtoull(f[0], NULL, 16);
            e->in = g_strdup(f[1]);
            e->in_len = g_ascii_strtoull(f[2], NULL, 10);
            e->out_len = g_ascii_strtoull(f[3], NULL, 10);
            g_ptr_array_add(out, e);
        } else {
            g_hash_table_insert(hex, g_strdup(key), g_strdup(val));
        }
    }
    return out;
}

static void
entry_free(gpointer p)
{
    Entry *e = p;
    g_free(e->mppc);
    g_free(e->in);
    g_free(e);
}

static GBytes *
hex_decode(const char *hex)
{
    gsize n = strlen(hex) / 2;
    guint8 *b = g_malloc(n);
    for (gsize i = 0; i < n; i++)
        b[i] =
            (guint8)(g_ascii_xdigit_value(hex[2 * i]) << 4 | g_ascii_xdigit_value(hex[2 * i + 1]));
    return g_bytes_new_take(b, n);
}

/* Every .freerdp.mppc decompresses to its .in; seq0..seq7 as one stream. */
static void
test_freerdp_vectors(void)
{
    g_autoptr(GHashTable) hex = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GPtrArray *entries = load_entries(hex);
    g_assert_cmpuint(entries->len, ==, 15);
    DtMppcDecompressor *single = g_new(DtMppcDecompressor, 1);
    DtMppcDecompressor *stream = g_new(DtMppcDecompressor, 1);
    dt_mppc_decompressor_init(stream);
    guint seq_next = 0, checked_sha = 0;
    for (guint i = 0; i < entries->len; i++) {
        Entry *e = entries->pdata[i];
        g_autoptr(GBytes) comp = read_vector_file(e->mppc);
        g_autoptr(GBytes) in = read_vector_file(e->in);
        g_assert_cmpuint(g_bytes_get_size(comp), ==, e->out_len);
        g_assert_cmpuint(g_bytes_get_size(in), ==, e->in_len);
        g_autofree char *sha_key = g_strdup_printf("sha256.%s", e->in);
        const char *sha = g_hash_table_lookup(hex, sha_key);
        g_assert_nonnull(sha);
        g_autofree char *sum = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, in);
        g_autofree char *upper = g_ascii_strup(sum, -1);
        g_assert_cmpstr(upper, ==, sha);
        checked_sha++;

        DtMppcDecompressor *d = single;
        if (g_str_has_prefix(e->mppc, "seq")) {
            /* The file lists the stream in order. */
            g_autofree char *want = g_strdup_printf("seq%u.freerdp.mppc", seq_next++);
            g_assert_cmpstr(e->mppc, ==, want);
            d = stream;
        } else {
            dt_mppc_decompressor_init(single);
        }
        const uint8_t *out;
        size_t out_len;
        DtMppcResult r = dt_mppc_decompress(d, g_bytes_get_data(comp, NULL), g_bytes_get_size(comp),
                                            (uint8_t)e->flags, &out, &out_len);
        g_assert_cmpstr(dt_mppc_result_to_string(r), ==, "ok");
        dt_assert_bytes(out, out_len, in);
    }
    g_assert_cmpuint(seq_next, ==, 8);
    g_assert_cmpuint(checked_sha, ==, 15);

    /* The hex forms agree with the binary files. */
    static const char *pairs[][2] = {{"bells.in", "bells.in"},
                                     {"bells.freerdp.mppc", "bells.freerdp.mppc"},
                                     {"ppp_ipv4_dns.in", "ppp_ipv4_dns.in"},
                                     {"ppp_ipv4_dns.freerdp.mppc", "ppp_ipv4_dns.freerdp.mppc"}};
    for (gsize i = 0; i < G_N_ELEMENTS(pairs); i++) {
        g_autofree char *k = g_strdup_printf("hex.%s", pairs[i][0]);
        g_autoptr(GBytes) a = hex_decode(g_hash_table_lookup(hex, k));
        g_autoptr(GBytes) b = read_vector_file(pairs[i][1]);
        g_assert_true(g_bytes_equal(a, b));
    }
    g_free(single);
    g_free(stream);
    g_ptr_array_set_free_func(entries, entry_free);
    g_ptr_array_free(entries, TRUE);
}

/* Our compressor on the same inputs: never larger than FreeRDP's output,
 * and what it produces decompresses back. */
static void
test_our_ratio(void)
{
    g_autoptr(GHashTable) hex = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GPtrArray) entries = load_entries(hex);
    g_ptr_array_set_free_func(entries, entry_free);
    DtMppcCompressor *c = g_new(DtMppcCompressor, 1);
    DtMppcDecompressor *d = g_new(DtMppcDecompressor, 1);
    DtMppcCompressor *sc = g_new(DtMppcCompressor, 1);
    DtMppcDecompressor *sd = g_new(DtMppcDecompressor, 1);
    dt_mppc_compressor_init(sc);
    dt_mppc_decompressor_init(sd);
    for (guint i = 0; i < entries->len; i++) {
        Entry *e = entries->pdata[i];
        g_autoptr(GBytes) in = read_vector_file(e->in);
        bool seq = g_str_has_prefix(e->in, "seq");
        DtMppcCompressor *cc = seq ? sc : c;
        DtMppcDecompressor *dd = seq ? sd : d;
        if (!seq) {
            dt_mppc_compressor_init(c);
            dt_mppc_decompressor_init(d);
        }
        uint8_t out[DT_MPPC_HISTORY];
        uint8_t flags;
        size_t n = dt_mppc_compress(cc, g_bytes_get_data(in, NULL), g_bytes_get_size(in), out,
                                    sizeof(out), &flags);
        size_t wire = (flags & DT_MPPC_FLAG_C) ? n : g_bytes_get_size(in);
        g_test_message("%s: %zu -> %zu (FreeRDP %zu), flags %02X", e->in, e->in_len, wire,
                       e->out_len, flags);
        g_assert_cmpuint(wire, <=, e->out_len);
        /* FreeRDP's decisions: compressed or not, and where the stream restarts
         * at the front (seq5: 6 × 1400 octets no longer fit). */
        g_assert_cmphex(flags & DT_MPPC_FLAG_C, ==, e->flags & DT_MPPC_FLAG_C);
        if (seq)
            g_assert_cmphex(flags & DT_MPPC_FLAG_B, ==, e->flags & DT_MPPC_FLAG_B);
        const uint8_t *dec;
        size_t dlen;
        const uint8_t *src = (flags & DT_MPPC_FLAG_C) ? out : g_bytes_get_data(in, NULL);
        g_assert_cmpint(dt_mppc_decompress(dd, src, wire, flags, &dec, &dlen), ==, DT_MPPC_OK);
        dt_assert_bytes(dec, dlen, in);
    }
    g_free(c);
    g_free(d);
    g_free(sc);
    g_free(sd);
}

/* Traffic-like packets: text, headers repeated with small changes, random. */
static size_t
make_packet(GRand *rand, uint8_t *p, size_t max)
{
    static const char *words[] = {
        "GET ",        "/index.html ", "HTTP/1.1\r\n", "Host: ", "example.com", "\r\n",
        "Accept: */*", "the ",         "bell ",        "tolls ", "for ",        "thee "};
    size_t len = (size_t)g_rand_int_range(rand, 1, (gint32)max);
    p[0] = 0x00;
    p[1] = 0x21;
    size_t i = 2;
    int kind = g_rand_int_range(rand, 0, 4);
    while (i < len) {
        if (kind == 0) {
            p[i++] = (uint8_t)g_rand_int_range(rand, 0, 256);
        } else if (kind == 1) {
            const char *w = words[g_rand_int_range(rand, 0, G_N_ELEMENTS(words))];
            for (size_t k = 0; w[k] && i < len; k++)
                p[i++] = (uint8_t)w[k];
        } else if (kind == 2) {
            p[i] = (uint8_t)(i % 7 == 0 ? (size_t)g_rand_int_range(rand, 0, 256) : (i * 13) & 0xFF);
            i++;
        } else {
            p[i++] = 0;
        }
    }
    return len;
}

static void
run_stream(guint32 seed, size_t max, int packets, int reset_every, bool lose)
{
    GRand *rand = g_rand_new_with_seed(seed);
    DtMppcCompressor *c = g_new(DtMppcCompressor, 1);
    DtMppcDecompressor *d = g_new(DtMppcDecompressor, 1);
    dt_mppc_compressor_init(c);
    dt_mppc_decompressor_init(d);
    uint64_t total_in = 0, total_out = 0;
    unsigned fronts = 0, raw = 0;
    bool in_sync = true;
    for (int i = 0; i < packets; i++) {
        uint8_t in[8192], out[8192];
        size_t len = make_packet(rand, in, max);
        if (reset_every && i % reset_every == reset_every - 1)
            dt_mppc_compressor_reset(c);
        uint8_t flags;
        size_t n = dt_mppc_compress(c, in, len, out, sizeof(out), &flags);
        if (flags & DT_MPPC_FLAG_A)
            g_assert_true(flags & DT_MPPC_FLAG_B);
        fronts += (flags & DT_MPPC_FLAG_B) != 0;
        raw += !(flags & DT_MPPC_FLAG_C);
        const uint8_t *wire = (flags & DT_MPPC_FLAG_C) ? out : in;
        size_t wlen = (flags & DT_MPPC_FLAG_C) ? n : len;
        g_assert_cmpuint(wlen, <=, len);
        total_in += len;
        total_out += wlen;
        if (lose && g_rand_int_range(rand, 0, 10) == 0) {
            /* A lost packet: the peer would send Reset-Request. */
            dt_mppc_compressor_reset(c);
            in_sync = false;
            continue;
        }
        const uint8_t *dec;
        size_t dlen;
        DtMppcResult r = dt_mppc_decompress(d, wire, wlen, flags, &dec, &dlen);
        if (!in_sync && !(flags & DT_MPPC_FLAG_A))
            continue; /* a real receiver drops until A (MPPE count gap) */
        in_sync = true;
        if (r != DT_MPPC_OK)
            g_test_message("packet %d of stream max %zu: flags %02X, %zu -> %zu", i, max, flags,
                           len, wlen);
        g_assert_cmpstr(dt_mppc_result_to_string(r), ==, "ok");
        g_assert_cmpmem(dec, dlen, in, len);
    }
    g_test_message("stream max %zu: %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT
                   " octets, %u front restarts, %u uncompressed",
                   max, total_in, total_out, fronts, raw);
    g_assert_cmpuint(fronts, >, 0);
    g_free(c);
    g_free(d);
    g_rand_free(rand);
}

static void
test_random_streams(void)
{
    guint32 seed = dt_test_seed();
    run_stream(seed, 1500, 3000, 0, false);
    run_stream(seed + 1, 8000, 300, 0, false);
    run_stream(seed + 2, 600, 3000, 17, false);
    run_stream(seed + 3, 1500, 2000, 0, true);
}

/* MSB-first bit packing of (value, bits) codes, zero-padded. */
static size_t
pack(uint8_t *out, const uint32_t (*codes)[2], size_t n)
{
    uint64_t acc = 0;
    unsigned bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        acc = acc << codes[i][1] | codes[i][0];
        bits += codes[i][1];
        while (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    if (bits)
        out[o++] = (uint8_t)(acc << (8 - bits));
    return o;
}

/* Hostile input never escapes the buffers; errors are counted and need A. */
static void
test_hostile_input(void)
{
    DtMppcDecompressor *d = g_new(DtMppcDecompressor, 1);
    dt_mppc_decompressor_init(d);
    const uint8_t *out;
    size_t n;
    /* After A nothing lies behind the front: offset 1 at position 0. */
    uint8_t copy_first[] = {0xF0, 0x40}; /* 1111 000001 0 (+pad) */
    g_assert_cmpint(dt_mppc_decompress(d, copy_first, 2, 0xE0, &out, &n), ==,
                    DT_MPPC_ERR_BAD_OFFSET);
    g_assert_cmpint(dt_mppc_decompress(d, copy_first, 2, 0x20, &out, &n), ==,
                    DT_MPPC_ERR_NEED_FLUSH);
    /* Offset 0 is no offset. */
    uint8_t zero_off[] = {0x41, 0xF0, 0x00}; /* 'A', 1111 000000 0 */
    g_assert_cmpint(dt_mppc_decompress(d, zero_off, 3, 0xA0, &out, &n), ==, DT_MPPC_ERR_BAD_OFFSET);
    /* 110 + 13 bits can say 8511, past the 8192-octet history. */
    uint8_t far[8];
    static const uint32_t far_codes[][2] = {{0x41, 8}, {0x6, 3}, {0x1FFF, 13}, {0, 1}};
    g_assert_cmpint(dt_mppc_decompress(d, far, pack(far, far_codes, 4), 0xA0, &out, &n), ==,
                    DT_MPPC_ERR_BAD_OFFSET);
    /* A length code with 12 leading ones is impossible. */
    uint8_t bad_len[] = {0x41, 0xF0, 0x7F, 0xFE, 0x00};
    g_assert_cmpint(dt_mppc_decompress(d, bad_len, 5, 0xA0, &out, &n), ==, DT_MPPC_ERR_BAD_LENGTH);
    /* A 9-bit literal with only 8 bits left. */
    uint8_t trunc[] = {0x80};
    g_assert_cmpint(dt_mppc_decompress(d, trunc, 1, 0xA0, &out, &n), ==, DT_MPPC_ERR_TRUNCATED);
    /* Copies running past 8192: 'A' + (offset 1, length 4096), then the copy again. */
    uint8_t over[16];
    static const uint32_t first[][2] = {{0x41, 8}, {0x3C1, 10}, {0xFFE000, 24}};
    size_t on = pack(over, first, 3);
    g_assert_cmpint(dt_mppc_decompress(d, over, on, 0xA0, &out, &n), ==, DT_MPPC_OK);
    g_assert_cmpuint(n, ==, 4097);
    g_assert_cmpuint(out[4096], ==, 0x41);
    uint8_t again[16];
    size_t an = pack(again, first + 1, 2);
    g_assert_cmpint(dt_mppc_decompress(d, again, an, 0x20, &out, &n), ==, DT_MPPC_ERR_OVERFLOW);
    g_assert_cmpint(dt_mppc_decompress(d, again, an, 0x20, &out, &n), ==, DT_MPPC_ERR_NEED_FLUSH);
    const DtMppcDecompressorStats *st = &d->stats;
    g_assert_cmpuint(st->errors[DT_MPPC_ERR_BAD_OFFSET], ==, 3);
    g_assert_cmpuint(st->errors[DT_MPPC_ERR_OVERFLOW], ==, 1);

    /* Random bytes with random flags: only return codes, never a crash. */
    GRand *rand = g_rand_new_with_seed(dt_test_seed());
    for (int i = 0; i < 20000; i++) {
        uint8_t junk[64];
        size_t len = (size_t)g_rand_int_range(rand, 0, sizeof(junk));
        dt_test_random_bytes(rand, junk, len);
        uint8_t flags = (uint8_t)(g_rand_int_range(rand, 0, 8) << 5);
        DtMppcResult r = dt_mppc_decompress(d, junk, len, flags, &out, &n);
        if (r == DT_MPPC_OK)
            g_assert_true(n <= DT_MPPC_HISTORY);
    }
    g_rand_free(rand);
    g_free(d);
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/mppc/freerdp-vectors", test_freerdp_vectors);
    g_test_add_func("/mppc/our-ratio", test_our_ratio);
    g_test_add_func("/mppc/random-streams", test_random_streams);
    g_test_add_func("/mppc/hostile-input", test_hostile_input);
    return dt_test_run();
}
