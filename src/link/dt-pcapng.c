/* dt-pcapng.c — the pcapng writer (see the header). Block and option numbers are the
 * draft's: §4.1 Section Header, §4.2 Interface Description, §4.3 Enhanced Packet, §3.5
 * options. */
#include "dt-pcapng.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define BLOCK_SHB 0x0A0D0D0Au
#define BLOCK_IDB 0x00000001u
#define BLOCK_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define OPT_SHB_HARDWARE 2
#define OPT_SHB_OS 3
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME 2
#define OPT_IF_DESCRIPTION 3
#define OPT_IF_TSRESOL 9
#define OPT_EPB_FLAGS 2

#define TSRESOL_MICROSECONDS 6

static size_t
pad4(size_t n)
{
    return (4 - (n & 3)) & 3;
}

static void
put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void
put_le32(uint8_t *p, uint32_t v)
{
    put_le16(p, (uint16_t)v);
    put_le16(p + 2, (uint16_t)(v >> 16));
}

static bool
emit(DtPcapng *w, const void *buf, size_t len)
{
    if (w->failed)
        return false;
    if (len && !w->write(w->ctx, buf, len)) {
        w->failed = true;
        return false;
    }
    w->written += len;
    return true;
}

static bool
emit_u32(DtPcapng *w, uint32_t v)
{
    uint8_t b[4];
    put_le32(b, v);
    return emit(w, b, 4);
}

static bool
emit_padding(DtPcapng *w, size_t len)
{
    static const uint8_t zeros[4];
    return emit(w, zeros, pad4(len));
}

/* How much of s[0..len) the next option of a long text takes: all of it when it fits, else up
 * to the last line break inside the limit, else up to a UTF-8 character boundary. */
static size_t
next_chunk(const char *s, size_t len)
{
    if (len <= DT_PCAPNG_OPTION_MAX)
        return len;
    size_t n = DT_PCAPNG_OPTION_MAX;
    for (size_t i = n; i > 0; i--)
        if (s[i - 1] == '\n')
            return i;
    while (n > 1 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* The octets the options of a text take (zero for NULL or ""). */
static size_t
text_options_size(const char *s)
{
    size_t len = s ? strlen(s) : 0, total = 0;
    while (len) {
        size_t n = next_chunk(s, len);
        total += 4 + n + pad4(n);
        s += n;
        len -= n;
    }
    return total;
}

static bool
emit_option(DtPcapng *w, uint16_t code, const void *value, size_t len)
{
    uint8_t h[4];
    put_le16(h, code);
    put_le16(h + 2, (uint16_t)len);
    return emit(w, h, 4) && emit(w, value, len) && emit_padding(w, len);
}

static bool
emit_text_options(DtPcapng *w, uint16_t code, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    while (len) {
        size_t n = next_chunk(s, len);
        if (!emit_option(w, code, s, n))
            return false;
        s += n;
        len -= n;
    }
    return !w->failed;
}

void
dt_pcapng_init(DtPcapng *w, DtPcapngWriteFn write, void *ctx)
{
    memset(w, 0, sizeof *w);
    w->write = write;
    w->ctx = ctx;
}

bool
dt_pcapng_section(DtPcapng *w, const char *comment, const char *hardware, const char *os,
                  const char *application)
{
    size_t opts = text_options_size(comment) + text_options_size(hardware) + text_options_size(os) +
                  text_options_size(application);
    size_t total = 8 + 16 + opts + 4 + 4;
    if (total > UINT32_MAX) {
        w->failed = true;
        return false;
    }
    uint8_t h[24];
    put_le32(h, BLOCK_SHB);
    put_le32(h + 4, (uint32_t)total);
    put_le32(h + 8, BYTE_ORDER_MAGIC);
    put_le16(h + 12, 1); /* version 1.0 */
    put_le16(h + 14, 0);
    memset(h + 16, 0xFF, 8); /* section length: not given */
    uint8_t end[4] = {0};
    return emit(w, h, sizeof h) && emit_text_options(w, OPT_COMMENT, comment) &&
           emit_text_options(w, OPT_SHB_HARDWARE, hardware) &&
           emit_text_options(w, OPT_SHB_OS, os) &&
           emit_text_options(w, OPT_SHB_USERAPPL, application) && emit(w, end, 4) &&
           emit_u32(w, (uint32_t)total);
}

int
dt_pcapng_interface(DtPcapng *w, uint16_t linktype, uint32_t snaplen, const char *name,
                    const char *description)
{
    size_t opts = text_options_size(name) + text_options_size(description) + 8;
    size_t total = 8 + 8 + opts + 4 + 4;
    uint8_t h[16];
    put_le32(h, BLOCK_IDB);
    put_le32(h + 4, (uint32_t)total);
    put_le16(h + 8, linktype);
    put_le16(h + 10, 0);
    put_le32(h + 12, snaplen);
    uint8_t tsresol = TSRESOL_MICROSECONDS, end[4] = {0};
    if (total > UINT32_MAX || !emit(w, h, sizeof h) || !emit_text_options(w, OPT_IF_NAME, name) ||
        !emit_text_options(w, OPT_IF_DESCRIPTION, description) ||
        !emit_option(w, OPT_IF_TSRESOL, &tsresol, 1) || !emit(w, end, 4) ||
        !emit_u32(w, (uint32_t)total))
        return -1;
    return (int)w->n_interfaces++;
}

bool
dt_pcapng_packet(DtPcapng *w, uint32_t interface_id, uint64_t ts_us, const void *data,
                 size_t caplen, size_t orig_len, DtPcapngDirection dir, const char *comment)
{
    if (interface_id >= w->n_interfaces || caplen > orig_len || caplen > UINT32_MAX / 2 ||
        orig_len > UINT32_MAX) {
        w->failed = true;
        return false;
    }
    size_t opts = (dir != DT_PCAPNG_DIR_UNKNOWN ? 8 : 0) + text_options_size(comment);
    size_t total = 8 + 20 + caplen + pad4(caplen) + (opts ? opts + 4 : 0) + 4;
    if (total > UINT32_MAX) {
        w->failed = true;
        return false;
    }
    uint8_t h[28];
    put_le32(h, BLOCK_EPB);
    put_le32(h + 4, (uint32_t)total);
    put_le32(h + 8, interface_id);
    put_le32(h + 12, (uint32_t)(ts_us >> 32));
    put_le32(h + 16, (uint32_t)ts_us);
    put_le32(h + 20, (uint32_t)caplen);
    put_le32(h + 24, (uint32_t)orig_len);
    if (!emit(w, h, sizeof h) || !emit(w, data, caplen) || !emit_padding(w, caplen))
        return false;
    if (opts) {
        /* epb_flags bits 0–1: 01 inbound, 10 outbound (§4.3.1). */
        uint8_t flags[4], end[4] = {0};
        put_le32(flags, dir == DT_PCAPNG_DIR_INBOUND ? 1u : 2u);
        if ((dir != DT_PCAPNG_DIR_UNKNOWN && !emit_option(w, OPT_EPB_FLAGS, flags, 4)) ||
            !emit_text_options(w, OPT_COMMENT, comment) || !emit(w, end, 4))
            return false;
    }
    return emit_u32(w, (uint32_t)total);
}

bool
dt_pcapng_write_fd_cb(void *ctx, const void *buf, size_t len)
{
    int fd = *(const int *)ctx;
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}
