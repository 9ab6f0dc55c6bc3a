/* dt-gre.h — enhanced GRE for PPTP data (RFC 2637 §4.1): header codec,
 * receive reordering, and acknowledgements.
 *
 * This is the data path: about 100 000 packets per second go through it,
 * so nothing here allocates, logs or loops per packet in the common case.
 * Only dt_gre_rx_new() allocates (its fixed pool of reorder slots).
 *
 * Sending:  DtGreTx numbers data packets and writes the header into the
 *           headroom in front of the caller's payload, piggy-backing the
 *           acknowledgement we owe; if no data goes out, an ack-only packet
 *           is due at dt_gre_tx_next_deadline() (≤ 500 ms after the ack
 *           became owed, as pptp-linux does).
 * Receiving: DtGreRx checks a packet (flags, version 1, protocol 0x880B,
 *           our call ID, payload length), delivers in-order data at once
 *           (pointing into the caller's packet), keeps packets that arrive
 *           ahead of a gap for at most timeout_ms, and on timeout skips the
 *           gap and counts it as lost.
 * The caller joins the two: after input, hand the peer's ack to
 * dt_gre_tx_peer_ack() and our new in-order position (dt_gre_rx_ack()) to
 * dt_gre_tx_ack_owed().
 */
#ifndef DT_GRE_H
#define DT_GRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt-time.h"

#define DT_GRE_IP_PROTOCOL 47
#define DT_GRE_PROTOCOL_PPP 0x880B
#define DT_GRE_HEADER_MAX 16 /* 8 + Sequence + Acknowledgment */
#define DT_GRE_ACK_ONLY_LEN 12

#define DT_GRE_DEFAULT_WINDOW 300     /* pptp-linux missing_window */
#define DT_GRE_DEFAULT_TIMEOUT_MS 300 /* pptp-linux DEFAULT_PACKET_TIMEOUT */
#define DT_GRE_DEFAULT_ACK_DELAY_MS 500
#define DT_GRE_DEFAULT_SLOT_SIZE 2048
#define DT_GRE_MAX_WINDOW 8192

typedef enum {
    DT_GRE_OK = 0,
    DT_GRE_ERR_SHORT,    /* shorter than the header its flags announce */
    DT_GRE_ERR_FLAGS,    /* C, R, s, Recur or Flags set, or K clear */
    DT_GRE_ERR_VERSION,  /* Ver is not 1 */
    DT_GRE_ERR_PROTOCOL, /* Protocol Type is not 0x880B */
    DT_GRE_ERR_LENGTH,   /* Payload Length larger than what arrived */
    DT_GRE_ERR_NO_SEQ,   /* payload without a sequence number, or neither S nor A */
    DT_GRE_ERR_CALL_ID,  /* not our call */
} DtGreError;

/* One decoded packet; payload points into the decoded buffer. */
typedef struct {
    uint16_t call_id;
    uint16_t payload_len;
    bool has_seq;
    bool has_ack;
    uint32_t seq;
    uint32_t ack;
    size_t header_len;
    const uint8_t *payload; /* NULL for ack-only packets */
} DtGrePacket;

const char *dt_gre_error_to_string(DtGreError e);

/* 8, 12 or 16. */
static inline size_t
dt_gre_header_len(bool has_seq, bool has_ack)
{
    return 8 + (has_seq ? 4u : 0u) + (has_ack ? 4u : 0u);
}

/* Decodes p (the IP payload of a protocol-47 packet) and checks the Key's
 * Call ID against call_id.  Never reads past len; out is filled whenever
 * the header could be parsed (so a server can see the call ID of an
 * ERR_CALL_ID packet). */
DtGreError dt_gre_decode(const uint8_t *p, size_t len, uint16_t call_id, DtGrePacket *out);
/* The Call ID of a packet whose fixed 8 octets look like enhanced GRE, for
 * a server that demultiplexes calls; false if not. */
bool dt_gre_peek_call_id(const uint8_t *p, size_t len, uint16_t *call_id);
/* Writes a header of dt_gre_header_len(has_seq, has_ack) octets at dst;
 * returns its length, or 0 if cap is too small. */
size_t dt_gre_encode_header(uint8_t *dst, size_t cap, uint16_t peer_call_id, uint16_t payload_len,
                            bool has_seq, uint32_t seq, bool has_ack, uint32_t ack);

/* ---- sending ---------------------------------------------------------- */

typedef struct {
    uint16_t peer_call_id; /* goes in every Key (RFC 2637 §4.1) */
    uint32_t next_seq;
    uint32_t ack_delay_ms;
    /* The acknowledgement we owe the peer. */
    bool ack_pending;
    uint32_t ack_value;
    DtTime ack_due;
    bool ack_sent_any;
    uint32_t ack_last_sent;
    /* What the peer acknowledged of ours. */
    bool peer_ack_valid;
    uint32_t peer_ack;
    uint64_t data_sent;
    uint64_t acks_piggybacked;
    uint64_t acks_only_sent;
} DtGreTx;

/* first_seq: pptp-linux and Windows start at 1 (any value is legal). */
void dt_gre_tx_init(DtGreTx *tx, uint16_t peer_call_id, uint32_t first_seq);
/* The payload is at payload[0..payload_len) with at least headroom octets
 * writable before it; the header goes immediately in front (use headroom
 * ≥ DT_GRE_HEADER_MAX).  Returns the header length, so the packet is
 * payload - n .. payload + payload_len, or 0 if it does not fit
 * (payload_len > 65535 or too little headroom); seq is used only on success. */
size_t dt_gre_tx_write_header(DtGreTx *tx, uint8_t *payload, size_t headroom, size_t payload_len,
                              DtTime now);
/* We have received everything up to seq in order: owe the peer an ack. */
void dt_gre_tx_ack_owed(DtGreTx *tx, uint32_t seq, DtTime now);
/* When an ack-only packet is due, or DT_TIME_NEVER. */
DtTime dt_gre_tx_next_deadline(const DtGreTx *tx);
/* If an ack is owed and due at now, writes the 12-octet ack-only packet to
 * buf and returns 12; else 0. */
size_t dt_gre_tx_poll_ack_only(DtGreTx *tx, DtTime now, uint8_t *buf, size_t cap);
/* The peer acknowledged our seq (from DtGrePacket.ack). */
void dt_gre_tx_peer_ack(DtGreTx *tx, uint32_t ack);
/* Data packets sent and not yet acknowledged (for the advisory window,
 * RFC 2637 §4.2). */
uint32_t dt_gre_tx_unacked(const DtGreTx *tx);

/* ---- receiving -------------------------------------------------------- */

typedef struct {
    uint16_t call_id;    /* ours: packets must carry it */
    uint32_t window;     /* packets kept ahead of a gap; 0 → 300; ≤ DT_GRE_MAX_WINDOW */
    uint32_t timeout_ms; /* longest wait for a gap to fill; 0 → 300 */
    size_t slot_size;    /* largest payload that can be kept; 0 → 2048 */
    bool no_buffer;      /* deliver ahead-of-sequence packets at once (pptp --nobuffer) */
    /* Consecutive out-of-window packets after which the receiver assumes
     * a long outage and restarts at the new sequence; 0 → 8. */
    uint32_t resync_after;
} DtGreRxConfig;

typedef enum {
    DT_GRE_RX_DELIVER,    /* in order: deliver DtGrePacket.payload now, then dt_gre_rx_pop() */
    DT_GRE_RX_BUFFERED,   /* ahead of a gap: kept for later */
    DT_GRE_RX_ACK_ONLY,   /* no data (its ack is in DtGrePacket) */
    DT_GRE_RX_DUPLICATE,  /* duplicate or older than what was delivered: dropped */
    DT_GRE_RX_BOGUS,      /* further ahead than the window: dropped */
    DT_GRE_RX_TOO_BIG,    /* ahead of a gap but larger than a slot: dropped */
    DT_GRE_RX_MALFORMED,  /* failed dt_gre_decode: dropped */
    DT_GRE_RX_WRONG_CALL, /* another call's packet: dropped */
} DtGreRxResult;

typedef struct {
    uint64_t received; /* data packets accepted by the decoder */
    uint64_t delivered;
    uint64_t reordered; /* kept in a slot, delivered later */
    uint64_t lost;      /* sequence numbers skipped after the wait */
    uint64_t duplicates;
    uint64_t bogus;
    uint64_t too_big;
    uint64_t malformed;
    uint64_t wrong_call;
    uint64_t ack_only;
    uint64_t resyncs;
} DtGreRxStats;

typedef struct DtGreRx DtGreRx;

/* Allocates window × slot_size octets once; NULL on a bad config or no memory. */
DtGreRx *dt_gre_rx_new(const DtGreRxConfig *config);
void dt_gre_rx_free(DtGreRx *rx);
/* Decodes and takes in one GRE packet.  pkt (if not NULL) receives the
 * decoded header: its ack is valid for every result but MALFORMED and
 * WRONG_CALL, and its payload is the data to deliver for DT_GRE_RX_DELIVER.
 * After any result, call dt_gre_rx_pop() until it returns false. */
DtGreRxResult dt_gre_rx_input(DtGreRx *rx, const uint8_t *data, size_t len, DtTime now,
                              DtGrePacket *pkt);
/* The same for an already decoded data packet. */
DtGreRxResult dt_gre_rx_push(DtGreRx *rx, uint32_t seq, const uint8_t *payload, size_t len,
                             DtTime now);
/* The next kept packet that is now in order; the pointer stays valid until
 * the next dt_gre_rx_input/push.  False when none. */
bool dt_gre_rx_pop(DtGreRx *rx, const uint8_t **payload, size_t *len);
/* When the oldest kept packet's wait ends, or DT_TIME_NEVER. */
DtTime dt_gre_rx_next_deadline(DtGreRx *rx);
/* Gives up on gaps whose wait has ended; then dt_gre_rx_pop() delivers. */
void dt_gre_rx_handle_timeout(DtGreRx *rx, DtTime now);
/* The highest sequence number received in order (the Ack to send); false
 * before the first data packet. */
bool dt_gre_rx_ack(const DtGreRx *rx, uint32_t *seq);
const DtGreRxStats *dt_gre_rx_stats(const DtGreRx *rx);
/* Packets currently kept. */
uint32_t dt_gre_rx_buffered(const DtGreRx *rx);

#endif /* DT_GRE_H */
