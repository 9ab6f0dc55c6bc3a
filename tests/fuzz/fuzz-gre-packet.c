/* fuzz-gre-packet.c — the enhanced GRE decoder and the reordering receiver.
 *
 * Input: octet 0 picks the receiver's window and options, then records of
 * [time step (1)] [length (1)] [packet].  Each packet is decoded on its
 * own (checked against a re-encoding) and fed to a DtGreRx, with timeouts
 * fired as the clock moves.  Invariants: packets delivered at once are
 * strictly past where the receiver stood, kept ones fit their slot, nothing is read outside the
 * input, and every packet is counted exactly once. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-gre.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CALL 0x0080

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    DtGreRxConfig cfg = {
        .call_id = CALL,
        .window = 1u + (data[0] & 0x3F),
        .timeout_ms = 50,
        .slot_size = 64,
        .no_buffer = (data[0] & 0x40) != 0,
        .resync_after = (data[0] & 0x80) ? 2 : 0,
    };
    DtGreRx *rx = dt_gre_rx_new(&cfg);
    if (!rx)
        abort();
    DtGreTx tx;
    dt_gre_tx_init(&tx, CALL, 1);
    uint64_t direct = 0, popped = 0;
    DtTime now = 0;
    size_t off = 1;
    while (off + 2 <= size) {
        now += data[off];
        size_t len = data[off + 1];
        off += 2;
        if (len > size - off)
            len = size - off;
        const uint8_t *pkt = data + off;
        off += len;

        DtGrePacket p;
        DtGreError e = dt_gre_decode(pkt, len, CALL, &p);
        if (e == DT_GRE_OK) {
            if (p.header_len > len || p.payload_len > len - p.header_len)
                abort();
            uint8_t hdr[DT_GRE_HEADER_MAX];
            size_t h = dt_gre_encode_header(hdr, sizeof(hdr), p.call_id, p.payload_len, p.has_seq,
                                            p.seq, p.has_ack, p.ack);
            if (h != p.header_len || memcmp(hdr, pkt, h) != 0)
                abort();
        }

        if (dt_gre_rx_next_deadline(rx) <= now)
            dt_gre_rx_handle_timeout(rx, now);
        const uint8_t *q;
        size_t qn;
        while (dt_gre_rx_pop(rx, &q, &qn)) {
            if (qn > cfg.slot_size)
                abort();
            popped++;
        }
        /* Where the receiver stands: every later delivery must be past it.  (Not the last
         * direct delivery: gaps given up and pops may since have carried the receiver on by
         * more than 2^31 in steps, which serial arithmetic then reads as behind.) */
        uint32_t mark = 0;
        bool have_mark = dt_gre_rx_ack(rx, &mark);
        DtGreRxResult r = dt_gre_rx_input(rx, pkt, len, now, &p);
        if ((r == DT_GRE_RX_MALFORMED || r == DT_GRE_RX_WRONG_CALL) != (e != DT_GRE_OK))
            abort();
        if (r == DT_GRE_RX_DELIVER) {
            /* Exactly 2^31 apart is neither ahead nor behind (RFC 1982 §3.2). */
            if (have_mark && (int32_t)(p.seq - mark) <= 0 && p.seq - mark != 0x80000000u)
                abort();
            if (p.payload + p.payload_len > pkt + len)
                abort();
            direct++;
        }
        if (r != DT_GRE_RX_MALFORMED && r != DT_GRE_RX_WRONG_CALL && p.has_ack)
            dt_gre_tx_peer_ack(&tx, p.ack);
        while (dt_gre_rx_pop(rx, &q, &qn)) {
            if (qn > cfg.slot_size)
                abort();
            popped++;
        }
        uint32_t ack;
        if (dt_gre_rx_ack(rx, &ack))
            dt_gre_tx_ack_owed(&tx, ack, now);
        uint8_t out[DT_GRE_ACK_ONLY_LEN];
        dt_gre_tx_poll_ack_only(&tx, now, out, sizeof(out));
        if (dt_gre_rx_buffered(rx) > cfg.window)
            abort();
    }
    const DtGreRxStats *s = dt_gre_rx_stats(rx);
    if (s->delivered != direct + popped || s->reordered < popped)
        abort();
    if (s->received != direct + s->reordered + s->duplicates + s->bogus + s->too_big)
        abort();
    dt_gre_rx_free(rx);
    return 0;
}
