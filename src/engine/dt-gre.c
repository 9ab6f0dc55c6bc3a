/* dt-gre.c — enhanced GRE (RFC 2637 §4.1) header, reordering and acks. */
#include "dt-gre.h"

#include <stdlib.h>
#include <string.h>

#include "dt-buf.h"

/* Octet 0: C R K S s Recur(3); octet 1: A Flags(4) Ver(3) (RFC 2637 §4.1). */
#define GRE_C 0x80
#define GRE_R 0x40
#define GRE_K 0x20
#define GRE_S 0x10
#define GRE_STRICT 0x08
#define GRE_RECUR 0x07
#define GRE_A 0x80
#define GRE_FLAGS 0x78
#define GRE_VER 0x07
#define GRE_VERSION_ENHANCED 1

const char *
dt_gre_error_to_string(DtGreError e)
{
    switch (e) {
    case DT_GRE_OK:
        return "ok";
    case DT_GRE_ERR_SHORT:
        return "truncated GRE header";
    case DT_GRE_ERR_FLAGS:
        return "GRE flags not allowed in PPTP";
    case DT_GRE_ERR_VERSION:
        return "GRE version is not 1";
    case DT_GRE_ERR_PROTOCOL:
        return "GRE protocol is not PPP (0x880B)";
    case DT_GRE_ERR_LENGTH:
        return "GRE payload length exceeds the packet";
    case DT_GRE_ERR_NO_SEQ:
        return "GRE packet carries neither sequenced data nor an ack";
    case DT_GRE_ERR_CALL_ID:
        return "GRE packet for another call";
    }
    return "unknown GRE error";
}

static DtGreError
check_fixed(uint8_t b0, uint8_t b1, uint16_t proto)
{
    /* C, R, s, Recur must be 0 and K must be 1: the Key carries length
     * and call ID. */
    if ((b0 & (GRE_C | GRE_R | GRE_K | GRE_STRICT | GRE_RECUR)) != GRE_K || (b1 & GRE_FLAGS) != 0)
        return DT_GRE_ERR_FLAGS;
    if ((b1 & GRE_VER) != GRE_VERSION_ENHANCED)
        return DT_GRE_ERR_VERSION;
    if (proto != DT_GRE_PROTOCOL_PPP)
        return DT_GRE_ERR_PROTOCOL;
    return DT_GRE_OK;
}

bool
dt_gre_peek_call_id(const uint8_t *p, size_t len, uint16_t *call_id)
{
    if (!p || len < 8 || check_fixed(p[0], p[1], dt_get_u16(p + 2)) != DT_GRE_OK)
        return false;
    *call_id = dt_get_u16(p + 6);
    return true;
}

DtGreError
dt_gre_decode(const uint8_t *p, size_t len, uint16_t call_id, DtGrePacket *out)
{
    DtReader r;
    dt_reader_init(&r, p, len);
    uint8_t b0 = dt_reader_u8(&r);
    uint8_t b1 = dt_reader_u8(&r);
    uint16_t proto = dt_reader_u16(&r);
    uint16_t payload_len = dt_reader_u16(&r);
    uint16_t cid = dt_reader_u16(&r);
    if (!dt_reader_ok(&r))
        return DT_GRE_ERR_SHORT;
    DtGreError e = check_fixed(b0, b1, proto);
    if (e != DT_GRE_OK)
        return e;
    DtGrePacket pk;
    pk.call_id = cid;
    pk.payload_len = payload_len;
    pk.has_seq = (b0 & GRE_S) != 0;
    pk.has_ack = (b1 & GRE_A) != 0;
    /* With S=0 the Acknowledgment Number moves up into the Sequence
     * Number's place (pptp-linux: ack = S ? header->ack : header->seq). */
    pk.seq = pk.has_seq ? dt_reader_u32(&r) : 0;
    pk.ack = pk.has_ack ? dt_reader_u32(&r) : 0;
    if (!dt_reader_ok(&r))
        return DT_GRE_ERR_SHORT;
    pk.header_len = r.off;
    pk.payload = NULL;
    if (!pk.has_seq && (!pk.has_ack || payload_len != 0))
        return DT_GRE_ERR_NO_SEQ;
    /* Octets past Payload Length (link padding) are ignored; fewer than it
     * announces means a truncated packet. */
    if (payload_len > dt_reader_remaining(&r))
        return DT_GRE_ERR_LENGTH;
    if (pk.has_seq)
        pk.payload = p + pk.header_len;
    if (out)
        *out = pk;
    if (cid != call_id)
        return DT_GRE_ERR_CALL_ID;
    return DT_GRE_OK;
}

size_t
dt_gre_encode_header(uint8_t *dst, size_t cap, uint16_t peer_call_id, uint16_t payload_len,
                     bool has_seq, uint32_t seq, bool has_ack, uint32_t ack)
{
    size_t n = dt_gre_header_len(has_seq, has_ack);
    if (!dst || cap < n)
        return 0;
    dst[0] = (uint8_t)(GRE_K | (has_seq ? GRE_S : 0));
    dst[1] = (uint8_t)((has_ack ? GRE_A : 0) | GRE_VERSION_ENHANCED);
    dt_put_u16(dst + 2, DT_GRE_PROTOCOL_PPP);
    dt_put_u16(dst + 4, payload_len);
    dt_put_u16(dst + 6, peer_call_id);
    uint8_t *q = dst + 8;
    if (has_seq) {
        dt_put_u32(q, seq);
        q += 4;
    }
    if (has_ack)
        dt_put_u32(q, ack);
    return n;
}

/* ---- sending ---------------------------------------------------------- */

void
dt_gre_tx_init(DtGreTx *tx, uint16_t peer_call_id, uint32_t first_seq)
{
    memset(tx, 0, sizeof(*tx));
    tx->peer_call_id = peer_call_id;
    tx->next_seq = first_seq;
    tx->ack_delay_ms = DT_GRE_DEFAULT_ACK_DELAY_MS;
    tx->ack_due = DT_TIME_NEVER;
}

static void
note_ack_sent(DtGreTx *tx)
{
    tx->ack_pending = false;
    tx->ack_due = DT_TIME_NEVER;
    tx->ack_sent_any = true;
    tx->ack_last_sent = tx->ack_value;
}

size_t
dt_gre_tx_write_header(DtGreTx *tx, uint8_t *payload, size_t headroom, size_t payload_len,
                       DtTime now)
{
    (void)now;
    bool ack = tx->ack_pending;
    size_t n = dt_gre_header_len(true, ack);
    if (!payload || headroom < n || payload_len > UINT16_MAX)
        return 0;
    dt_gre_encode_header(payload - n, n, tx->peer_call_id, (uint16_t)payload_len, true,
                         tx->next_seq++, ack, tx->ack_value);
    tx->data_sent++;
    if (ack) {
        tx->acks_piggybacked++;
        note_ack_sent(tx);
    }
    return n;
}

void
dt_gre_tx_ack_owed(DtGreTx *tx, uint32_t seq, DtTime now)
{
    /* Nothing new to acknowledge (signed distance: sequence numbers wrap). */
    if (tx->ack_sent_any && (int32_t)(seq - tx->ack_last_sent) <= 0)
        return;
    tx->ack_value = seq;
    if (!tx->ack_pending) {
        tx->ack_pending = true;
        tx->ack_due = now + tx->ack_delay_ms;
    }
}

DtTime
dt_gre_tx_next_deadline(const DtGreTx *tx)
{
    return tx->ack_pending ? tx->ack_due : DT_TIME_NEVER;
}

size_t
dt_gre_tx_poll_ack_only(DtGreTx *tx, DtTime now, uint8_t *buf, size_t cap)
{
    if (!tx->ack_pending || now < tx->ack_due)
        return 0;
    size_t n = dt_gre_encode_header(buf, cap, tx->peer_call_id, 0, false, 0, true, tx->ack_value);
    if (n == 0)
        return 0;
    tx->acks_only_sent++;
    note_ack_sent(tx);
    return n;
}

void
dt_gre_tx_peer_ack(DtGreTx *tx, uint32_t ack)
{
    /* Acks only move forward; an ack for something never sent is ignored. */
    uint32_t last_sent = tx->next_seq - 1;
    if ((int32_t)(ack - last_sent) > 0)
        return;
    if (!tx->peer_ack_valid || (int32_t)(ack - tx->peer_ack) > 0) {
        tx->peer_ack = ack;
        tx->peer_ack_valid = true;
    }
}

uint32_t
dt_gre_tx_unacked(const DtGreTx *tx)
{
    if (!tx->peer_ack_valid)
        return (uint32_t)(tx->data_sent > UINT32_MAX ? UINT32_MAX : tx->data_sent);
    return tx->next_seq - 1 - tx->peer_ack;
}

/* ---- receiving -------------------------------------------------------- */

typedef struct {
    DtTime arrival;
    uint32_t seq;
    uint32_t len;
    bool used;
} Slot;

struct DtGreRx {
    DtGreRxConfig config;
    bool started;
    uint32_t expected; /* next sequence number to deliver */
    uint32_t buffered;
    uint32_t bogus_run;
    /* Gaps before flush_to are given up on (their wait ended). */
    bool flushing;
    uint32_t flush_to;
    /* Slots are indexed by seq & mask over a power-of-two count ≥ window:
     * 2^32 is a multiple of it, so the index stays unique across the
     * sequence number wrap (seq % 300 would not). */
    uint32_t mask;
    Slot *slots;
    uint8_t *pool; /* (mask + 1) × slot_size octets */
    /* Kept packets in arrival order, to find the one waiting longest in
     * O(1): entries whose slot was delivered are dropped lazily.  Twice
     * the window suffices (see fifo_push). */
    uint32_t *fifo;
    uint32_t fifo_cap;
    uint32_t fifo_head;
    uint32_t fifo_len;
    DtGreRxStats stats;
};

DtGreRx *
dt_gre_rx_new(const DtGreRxConfig *config)
{
    if (!config)
        return NULL;
    DtGreRxConfig c = *config;
    if (c.window == 0)
        c.window = DT_GRE_DEFAULT_WINDOW;
    if (c.timeout_ms == 0)
        c.timeout_ms = DT_GRE_DEFAULT_TIMEOUT_MS;
    if (c.slot_size == 0)
        c.slot_size = DT_GRE_DEFAULT_SLOT_SIZE;
    if (c.resync_after == 0)
        c.resync_after = 8;
    if (c.window > DT_GRE_MAX_WINDOW || c.slot_size > UINT16_MAX)
        return NULL;
    DtGreRx *rx = calloc(1, sizeof(*rx));
    if (!rx)
        return NULL;
    rx->config = c;
    uint32_t nslots = 1;
    while (nslots < c.window)
        nslots <<= 1;
    rx->mask = nslots - 1;
    rx->fifo_cap = 2 * c.window;
    rx->slots = calloc(nslots, sizeof(Slot));
    rx->pool = malloc((size_t)nslots * c.slot_size);
    rx->fifo = calloc(rx->fifo_cap, sizeof(uint32_t));
    if (!rx->slots || !rx->pool || !rx->fifo) {
        dt_gre_rx_free(rx);
        return NULL;
    }
    return rx;
}

void
dt_gre_rx_free(DtGreRx *rx)
{
    if (!rx)
        return;
    free(rx->slots);
    free(rx->pool);
    free(rx->fifo);
    free(rx);
}

static inline bool
slot_holds(const DtGreRx *rx, uint32_t seq)
{
    const Slot *s = &rx->slots[seq & rx->mask];
    return s->used && s->seq == seq;
}

static void
fifo_compact(DtGreRx *rx)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < rx->fifo_len; i++) {
        uint32_t seq = rx->fifo[(rx->fifo_head + i) % rx->fifo_cap];
        if (slot_holds(rx, seq))
            rx->fifo[(rx->fifo_head + n++) % rx->fifo_cap] = seq;
    }
    rx->fifo_len = n;
}

static void
fifo_push(DtGreRx *rx, uint32_t seq)
{
    /* Every kept sequence number lies within a window of the delivery
     * point, and each is kept at most once, so live plus stale entries stay
     * below two windows; compacting is a safety net, not a common path. */
    if (rx->fifo_len == rx->fifo_cap)
        fifo_compact(rx);
    if (rx->fifo_len == rx->fifo_cap)
        return; /* cannot happen: at most window entries are live */
    rx->fifo[(rx->fifo_head + rx->fifo_len) % rx->fifo_cap] = seq;
    rx->fifo_len++;
}

/* Drops stale entries at the head; returns true with the oldest live one. */
static bool
fifo_oldest(DtGreRx *rx, uint32_t *seq)
{
    while (rx->fifo_len > 0) {
        uint32_t s = rx->fifo[rx->fifo_head];
        if (slot_holds(rx, s)) {
            *seq = s;
            return true;
        }
        rx->fifo_head = (rx->fifo_head + 1) % rx->fifo_cap;
        rx->fifo_len--;
    }
    return false;
}

static void
resync(DtGreRx *rx, uint32_t seq)
{
    /* A long outage moved the peer further ahead than any window: restart
     * at its new position and count everything in between as lost. */
    rx->stats.lost += (uint32_t)(seq - rx->expected);
    rx->stats.resyncs++;
    for (uint32_t i = 0; i <= rx->mask; i++)
        rx->slots[i].used = false;
    rx->buffered = 0;
    rx->fifo_len = 0;
    rx->fifo_head = 0;
    rx->flushing = false;
    rx->bogus_run = 0;
    rx->expected = seq + 1;
}

DtGreRxResult
dt_gre_rx_push(DtGreRx *rx, uint32_t seq, const uint8_t *payload, size_t len, DtTime now)
{
    rx->stats.received++;
    if (!rx->started) {
        /* RFC 2637 §4.3 gives no initial value: take the first one. */
        rx->started = true;
        rx->expected = seq;
    }
    int32_t d = (int32_t)(seq - rx->expected);
    if (d == 0) {
        rx->expected++;
        rx->stats.delivered++;
        rx->bogus_run = 0;
        return DT_GRE_RX_DELIVER;
    }
    if (d < 0) {
        rx->stats.duplicates++;
        return DT_GRE_RX_DUPLICATE;
    }
    if ((uint32_t)d >= rx->config.window) {
        if (++rx->bogus_run >= rx->config.resync_after) {
            resync(rx, seq);
            rx->stats.delivered++;
            return DT_GRE_RX_DELIVER;
        }
        rx->stats.bogus++;
        return DT_GRE_RX_BOGUS;
    }
    rx->bogus_run = 0;
    if (rx->config.no_buffer && rx->buffered == 0) {
        rx->stats.lost += (uint32_t)d;
        rx->expected = seq + 1;
        rx->stats.delivered++;
        return DT_GRE_RX_DELIVER;
    }
    Slot *s = &rx->slots[seq & rx->mask];
    if (s->used) {
        rx->stats.duplicates++;
        return DT_GRE_RX_DUPLICATE;
    }
    if (len > rx->config.slot_size) {
        rx->stats.too_big++;
        return DT_GRE_RX_TOO_BIG;
    }
    if (len)
        memcpy(rx->pool + (size_t)(seq & rx->mask) * rx->config.slot_size, payload, len);
    s->used = true;
    s->seq = seq;
    s->len = (uint32_t)len;
    s->arrival = now;
    rx->buffered++;
    rx->stats.reordered++;
    fifo_push(rx, seq);
    return DT_GRE_RX_BUFFERED;
}

DtGreRxResult
dt_gre_rx_input(DtGreRx *rx, const uint8_t *data, size_t len, DtTime now, DtGrePacket *pkt)
{
    DtGrePacket local;
    DtGrePacket *p = pkt ? pkt : &local;
    DtGreError e = dt_gre_decode(data, len, rx->config.call_id, p);
    if (e == DT_GRE_ERR_CALL_ID) {
        rx->stats.wrong_call++;
        return DT_GRE_RX_WRONG_CALL;
    }
    if (e != DT_GRE_OK) {
        rx->stats.malformed++;
        return DT_GRE_RX_MALFORMED;
    }
    if (!p->has_seq) {
        rx->stats.ack_only++;
        return DT_GRE_RX_ACK_ONLY;
    }
    return dt_gre_rx_push(rx, p->seq, p->payload, p->payload_len, now);
}

bool
dt_gre_rx_pop(DtGreRx *rx, const uint8_t **payload, size_t *len)
{
    while (rx->buffered > 0) {
        uint32_t idx = rx->expected & rx->mask;
        Slot *s = &rx->slots[idx];
        if (s->used && s->seq == rx->expected) {
            s->used = false;
            rx->buffered--;
            rx->expected++;
            rx->stats.delivered++;
            *payload = rx->pool + (size_t)idx * rx->config.slot_size;
            *len = s->len;
            return true;
        }
        if (rx->flushing && (int32_t)(rx->flush_to - rx->expected) > 0) {
            /* A gap whose wait ended: give it up. */
            rx->stats.lost++;
            rx->expected++;
            continue;
        }
        break;
    }
    rx->flushing = false;
    return false;
}

DtTime
dt_gre_rx_next_deadline(DtGreRx *rx)
{
    if (rx->buffered == 0)
        return DT_TIME_NEVER;
    if (rx->flushing)
        return 0; /* dt_gre_rx_pop() has work now */
    uint32_t seq;
    if (!fifo_oldest(rx, &seq))
        return DT_TIME_NEVER;
    return rx->slots[seq & rx->mask].arrival + rx->config.timeout_ms;
}

void
dt_gre_rx_handle_timeout(DtGreRx *rx, DtTime now)
{
    uint32_t seq;
    while (fifo_oldest(rx, &seq)) {
        const Slot *s = &rx->slots[seq & rx->mask];
        if (s->arrival + rx->config.timeout_ms > now)
            break;
        /* This packet waited long enough: everything before it that is
         * still missing is lost (pptp-linux pqueue timeout). */
        if (!rx->flushing || (int32_t)(seq - rx->flush_to) > 0)
            rx->flush_to = seq;
        rx->flushing = true;
        rx->fifo_head = (rx->fifo_head + 1) % rx->fifo_cap;
        rx->fifo_len--;
    }
}

bool
dt_gre_rx_ack(const DtGreRx *rx, uint32_t *seq)
{
    if (!rx->started)
        return false;
    *seq = rx->expected - 1;
    return true;
}

const DtGreRxStats *
dt_gre_rx_stats(const DtGreRx *rx)
{
    return &rx->stats;
}

uint32_t
dt_gre_rx_buffered(const DtGreRx *rx)
{
    return rx->buffered;
}
