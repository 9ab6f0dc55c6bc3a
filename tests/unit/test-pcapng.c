/* test-pcapng.c — the pcapng writer (src/link/dt-pcapng.c): the blocks parsed back by hand,
 * then the same file read by tshark and capinfos when they are installed (tools/deps). */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "dt-pcapng.h"
#include "dt-test.h"

static bool
append_cb(void *ctx, const void *buf, size_t len)
{
    g_byte_array_append(ctx, buf, (guint)len);
    return true;
}

static uint32_t
le32(const guint8 *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t
le16(const guint8 *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

typedef struct {
    uint32_t type;
    const guint8 *body; /* after type and length */
    size_t body_len;    /* up to the trailing length */
} Block;

/* Splits a file into blocks, checking each block's framing. */
static GArray *
parse_blocks(const GByteArray *f)
{
    GArray *blocks = g_array_new(FALSE, FALSE, sizeof(Block));
    size_t off = 0;
    while (off < f->len) {
        g_assert_cmpuint(f->len - off, >=, 12);
        uint32_t total = le32(f->data + off + 4);
        g_assert_cmpuint(total % 4, ==, 0);
        g_assert_cmpuint(total, <=, f->len - off);
        g_assert_cmpuint(le32(f->data + off + total - 4), ==, total);
        Block b = {le32(f->data + off), f->data + off + 8, total - 12};
        g_array_append_val(blocks, b);
        off += total;
    }
    return blocks;
}

/* The concatenated values of option code in opts[0..len). */
static GString *
option_text(const guint8 *opts, size_t len, uint16_t code, unsigned *count)
{
    GString *s = g_string_new(NULL);
    size_t off = 0;
    *count = 0;
    for (;;) {
        g_assert_cmpuint(len - off, >=, 4);
        uint16_t c = le16(opts + off), n = le16(opts + off + 2);
        if (c == 0) {
            g_assert_cmpuint(off + 4, ==, len); /* opt_endofopt ends the block */
            return s;
        }
        g_assert_cmpuint(off + 4 + n, <=, len);
        if (c == code) {
            g_string_append_len(s, (const char *)opts + off + 4, n);
            (*count)++;
        }
        off += 4 + n + ((4 - (n & 3)) & 3);
    }
}

static const guint8 lcp_req[] = {0x00, 0xFF, 0x03, 0xC0, 0x21, 0x01, 0x01, 0x00,
                                 0x0A, 0x01, 0x04, 0x05, 0x78, 0x07, 0x02};
static const guint8 lcp_ack[] = {0x01, 0xFF, 0x03, 0xC0, 0x21, 0x02, 0x01, 0x00,
                                 0x0A, 0x01, 0x04, 0x05, 0x78, 0x07, 0x02};
static const guint8 ipcp_req[] = {0x01, 0xFF, 0x03, 0x80, 0x21, 0x01, 0x02, 0x00,
                                  0x0A, 0x03, 0x06, 0x0A, 0x00, 0x00, 0x02};

static void
write_sample(DtPcapng *w, const char *comment)
{
    g_assert_true(dt_pcapng_section(w, comment, NULL, "Linux", "Dialtone test"));
    g_assert_cmpint(
        dt_pcapng_interface(w, DT_PCAPNG_LINKTYPE_PPP_WITH_DIR, 65535, "ppp", "PPP control"), ==,
        0);
    uint64_t t0 = 1700000000ull * 1000000ull;
    g_assert_true(dt_pcapng_packet(w, 0, t0, lcp_req, sizeof lcp_req, sizeof lcp_req,
                                   DT_PCAPNG_DIR_INBOUND, NULL));
    g_assert_true(dt_pcapng_packet(w, 0, t0 + 1500, lcp_ack, sizeof lcp_ack, sizeof lcp_ack,
                                   DT_PCAPNG_DIR_OUTBOUND, "acked"));
    /* Cut on capture: orig_len says how long it was. */
    g_assert_true(dt_pcapng_packet(w, 0, t0 + 250000, ipcp_req, sizeof ipcp_req,
                                   sizeof ipcp_req + 100, DT_PCAPNG_DIR_OUTBOUND, NULL));
}

static void
test_blocks(void)
{
    g_autoptr(GByteArray) f = g_byte_array_new();
    DtPcapng w;
    dt_pcapng_init(&w, append_cb, f);
    write_sample(&w, "line one\nline two é");
    g_assert_false(w.failed);
    g_assert_cmpuint(w.written, ==, f->len);
    g_autoptr(GArray) blocks = parse_blocks(f);
    g_assert_cmpuint(blocks->len, ==, 5);
    Block *shb = &g_array_index(blocks, Block, 0);
    g_assert_cmphex(shb->type, ==, 0x0A0D0D0A);
    g_assert_cmphex(le32(shb->body), ==, 0x1A2B3C4D);
    g_assert_cmpuint(le16(shb->body + 4), ==, 1);
    unsigned n;
    g_autoptr(GString) c = option_text(shb->body + 16, shb->body_len - 16, 1, &n);
    g_assert_cmpstr(c->str, ==, "line one\nline two é");
    g_autoptr(GString) app = option_text(shb->body + 16, shb->body_len - 16, 4, &n);
    g_assert_cmpstr(app->str, ==, "Dialtone test");
    Block *idb = &g_array_index(blocks, Block, 1);
    g_assert_cmphex(idb->type, ==, 1);
    g_assert_cmpuint(le16(idb->body), ==, 204);
    Block *epb = &g_array_index(blocks, Block, 3);
    g_assert_cmphex(epb->type, ==, 6);
    g_assert_cmpuint(le32(epb->body + 12), ==, sizeof lcp_ack);
    g_assert_cmpmem(epb->body + 20, sizeof lcp_ack, lcp_ack, sizeof lcp_ack);
    size_t data = 20 + sizeof lcp_ack + ((4 - (sizeof lcp_ack & 3)) & 3);
    g_autoptr(GString) flags = option_text(epb->body + data, epb->body_len - data, 2, &n);
    g_assert_cmpuint(flags->len, ==, 4);
    g_assert_cmpuint(le32((const guint8 *)flags->str), ==, 2); /* outbound */
    Block *cut = &g_array_index(blocks, Block, 4);
    g_assert_cmpuint(le32(cut->body + 12), ==, sizeof ipcp_req);
    g_assert_cmpuint(le32(cut->body + 16), ==, sizeof ipcp_req + 100);
    g_assert_cmpuint(le32(cut->body + 8), ==, (1700000000u * 1000000ull + 250000) & 0xFFFFFFFFu);
}

static void
test_long_comment(void)
{
    /* 200 000 octets of lines: split at line breaks into options of at most 65532. */
    g_autoptr(GString) text = g_string_new(NULL);
    for (int i = 0; text->len < 200000; i++)
        g_string_append_printf(text, "line %d: ünïcode text to fill the comment\n", i);
    g_autoptr(GByteArray) f = g_byte_array_new();
    DtPcapng w;
    dt_pcapng_init(&w, append_cb, f);
    g_assert_true(dt_pcapng_section(&w, text->str, NULL, NULL, NULL));
    g_autoptr(GArray) blocks = parse_blocks(f);
    Block *shb = &g_array_index(blocks, Block, 0);
    unsigned n;
    g_autoptr(GString) c = option_text(shb->body + 16, shb->body_len - 16, 1, &n);
    g_assert_cmpuint(n, ==, 4);
    g_assert_cmpstr(c->str, ==, text->str);
}

static bool
fail_after_cb(void *ctx, const void *buf, size_t len)
{
    (void)buf;
    size_t *left = ctx;
    if (len > *left)
        return false;
    *left -= len;
    return true;
}

static void
test_failure_sticks(void)
{
    size_t left = 40;
    DtPcapng w;
    dt_pcapng_init(&w, fail_after_cb, &left);
    g_assert_false(
        dt_pcapng_section(&w, "a comment long enough to pass the limit", NULL, NULL, NULL));
    g_assert_true(w.failed);
    g_assert_cmpint(dt_pcapng_interface(&w, 204, 0, NULL, NULL), ==, -1);
    /* An interface that does not exist, or caplen above orig_len: refused. */
    g_autoptr(GByteArray) f = g_byte_array_new();
    dt_pcapng_init(&w, append_cb, f);
    g_assert_false(dt_pcapng_packet(&w, 0, 0, lcp_req, sizeof lcp_req, sizeof lcp_req,
                                    DT_PCAPNG_DIR_UNKNOWN, NULL));
    dt_pcapng_init(&w, append_cb, f);
    dt_pcapng_interface(&w, 204, 0, NULL, NULL);
    g_assert_false(
        dt_pcapng_packet(&w, 0, 0, lcp_req, sizeof lcp_req, 2, DT_PCAPNG_DIR_UNKNOWN, NULL));
}

static void
test_tshark_reads(void)
{
    g_autofree char *path = NULL;
    int fd = g_file_open_tmp("dt-pcapng-XXXXXX.pcapng", &path, NULL);
    g_assert_cmpint(fd, >=, 0);
    DtPcapng w;
    dt_pcapng_init(&w, dt_pcapng_write_fd_cb, &fd);
    write_sample(&w, "Dialtone connection report\nsecond line");
    g_assert_false(w.failed);
    close(fd);

    const char *const tshark[] = {
        "tshark",       "-r", path,           "-T", "fields",        "-E",
        "separator=,",  "-e", "frame.number", "-e", "frame.p2p_dir", "-e",
        "ppp.protocol", "-e", "frame.len",    "-e", "frame.comment", NULL};
    g_autofree char *out = dt_test_spawn(tshark);
    if (!out) {
        g_unlink(path);
        g_test_skip("tshark is not installed (tools/deps)");
        return;
    }
    g_test_message("tshark:\n%s", out);
    g_auto(GStrv) lines = g_strsplit(g_strchomp(out), "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), ==, 3);
    /* Wireshark takes the direction octet off the frame: frame.p2p_dir is 1 for received,
     * 0 for sent ("Point-to-Point Direction: Received"). */
    g_assert_true(g_str_has_prefix(lines[0], "1,1,0xc021,14,"));
    g_assert_true(g_str_has_prefix(lines[1], "2,0,0xc021,14,acked"));
    g_assert_true(g_str_has_prefix(lines[2], "3,0,0x8021,114,"));

    const char *const verbose[] = {"tshark", "-r", path, "-V", NULL};
    g_autofree char *v = dt_test_spawn(verbose);
    g_assert_nonnull(strstr(v, "Point-to-Point Direction: Received"));
    g_assert_nonnull(strstr(v, "Point-to-Point Direction: Sent"));
    g_assert_nonnull(strstr(v, "Link Control Protocol"));
    g_assert_nonnull(strstr(v, "Configuration Request"));
    g_assert_nonnull(strstr(v, "Internet Protocol Control Protocol"));

    const char *const capinfos[] = {"capinfos", "-k", path, NULL};
    g_autofree char *ci = dt_test_spawn(capinfos);
    if (ci) {
        g_test_message("capinfos:\n%s", ci);
        g_assert_nonnull(strstr(ci, "Dialtone connection report"));
        g_assert_nonnull(strstr(ci, "second line"));
    }
    g_unlink(path);
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/pcapng/blocks", test_blocks);
    g_test_add_func("/pcapng/long-comment", test_long_comment);
    g_test_add_func("/pcapng/failure-sticks", test_failure_sticks);
    g_test_add_func("/pcapng/tshark", test_tshark_reads);
    return dt_test_run();
}
