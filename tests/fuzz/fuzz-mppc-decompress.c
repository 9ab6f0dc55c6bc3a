/* fuzz-mppc-decompress.c — the MPPC decompressor (RFC 2118) on any input.
 *
 * Input: packets as one octet of header flags (A/B/C in its high bits),
 * a 2-octet length and that many octets.  The decoder must stay inside its
 * history whatever the codes say; ASan watches every access. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-mppc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static DtMppcDecompressor d;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dt_mppc_decompressor_init(&d);
    size_t off = 0;
    while (off + 3 <= size) {
        uint8_t flags = data[off] & 0xE0;
        size_t len = (size_t)data[off + 1] << 8 | data[off + 2];
        off += 3;
        if (len > size - off)
            len = size - off;
        uint8_t *pkt = malloc(len ? len : 1);
        if (!pkt)
            abort();
        memcpy(pkt, data + off, len);
        off += len;
        const uint8_t *out;
        size_t n;
        DtMppcResult r = dt_mppc_decompress(&d, pkt, len, flags, &out, &n);
        if (r == DT_MPPC_OK) {
            bool in_hist = out >= d.history && out + n <= d.history + DT_MPPC_HISTORY;
            bool in_pkt = out == pkt && n == len;
            if (!in_hist && !in_pkt)
                abort();
            if (d.pos > DT_MPPC_HISTORY || d.valid_end > DT_MPPC_HISTORY)
                abort();
        } else if (strcmp(dt_mppc_result_to_string(r), "unknown") == 0) {
            abort();
        }
        free(pkt);
    }
    return 0;
}
