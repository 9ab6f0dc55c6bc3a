/* fuzz-mppe-rx.c — the MPPE receive path (RFC 3078), with MPPC behind it.
 *
 * Input: one octet of configuration (strength, mode, compatibility), then
 * packets as a 2-octet length and that many octets (header + ciphertext).
 * Whatever arrives, the receiver stays in its buffers, reports a result it
 * can name, and hands out only octets inside the packet it was given. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-mppc.h"
#include "dt-mppe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static DtCrypto *crypto;
static DtMppcDecompressor mppc;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!crypto && dt_crypto_new(&crypto) != DT_CRYPTO_OK)
        abort();
    if (size < 1)
        return 0;
    static const DtMppeBits bits[] = {DT_MPPE_BITS_40, DT_MPPE_BITS_56, DT_MPPE_BITS_128};
    DtMppeConfig cfg = {bits[(data[0] & 3) % 3], (data[0] & 4) != 0,
                        (data[0] & 8) ? DT_MPPE_COMPAT_LINUX : DT_MPPE_COMPAT_RFC};
    static const uint8_t start_key[16] = {0x8B, 0x7C, 0xDC, 0x14, 0x9B, 0x99, 0x3A, 0x1B,
                                          0xA1, 0x18, 0xCB, 0x15, 0x3F, 0x56, 0xDC, 0xCB};
    DtMppeRx rx;
    if (!dt_mppe_rx_init(&rx, crypto, &cfg, start_key))
        abort();
    dt_mppc_decompressor_init(&mppc);
    size_t off = 1;
    uint64_t seen = 0;
    while (off + 2 <= size) {
        size_t len = (size_t)data[off] << 8 | data[off + 1];
        off += 2;
        if (len > size - off)
            len = size - off;
        uint8_t *pkt = malloc(len ? len : 1);
        if (!pkt)
            abort();
        memcpy(pkt, data + off, len);
        off += len;
        DtMppeRxPacket out;
        DtMppeRxResult r = dt_mppe_rx_decrypt(&rx, pkt, len, &out);
        if (!dt_mppe_rx_result_to_string(r) ||
            strcmp(dt_mppe_rx_result_to_string(r), "unknown") == 0)
            abort();
        seen++;
        if (r == DT_MPPE_RX_OK) {
            if (out.data != pkt + 2 || out.len != len - 2)
                abort();
            if (!(out.flags & DT_MPPE_FLAG_C) &&
                (out.info < out.data || out.info + out.info_len != out.data + out.len))
                abort();
            const uint8_t *dec;
            size_t dlen;
            if (dt_mppc_decompress(&mppc, out.data, out.len, out.flags, &dec, &dlen) ==
                    DT_MPPC_OK &&
                dlen > DT_MPPC_HISTORY)
                abort();
        }
        free(pkt);
        (void)dt_mppe_rx_poll_reset_request(&rx);
    }
    const DtMppeRxStats *st = dt_mppe_rx_stats(&rx);
    uint64_t dropped = 0;
    for (size_t i = 0; i <= DT_MPPE_RX_CRYPTO; i++)
        dropped += st->dropped[i];
    /* Every packet is either delivered or counted as dropped (bad-protocol
     * drops come after the count of delivered ones is not bumped). */
    if (st->packets + dropped != seen)
        abort();
    dt_mppe_rx_clear(&rx);
    return 0;
}
