/* dt-mppe.h — MPPE data encryption (RFC 3078), one state struct per direction.
 *
 * A DtMppeTx encrypts what we send, a DtMppeRx decrypts what the peer sends.
 * Both work in place on the caller's buffer and allocate nothing per packet:
 * the OpenSSL contexts are created in _init.
 *
 * Wire format (RFC 3078 §3):
 *
 *   00 FD | A B C D ccount(12) | RC4( inner protocol ‖ information )
 *
 * Transmit: the caller lays the inner protocol field and the information
 * field out at `payload` with DT_MPPE_HEADROOM writable octets before it;
 * dt_mppe_tx_encrypt writes 00 FD and the header into that room, so the
 * frame is payload − DT_MPPE_HEADROOM … payload + len.  The interface MTU
 * shrinks by DT_MPPE_OVERHEAD (pppd's MPPE_PAD).
 *
 * Receive: the caller hands the octets after the 00 FD protocol field
 * (header + ciphertext); they are decrypted in place.
 */
#ifndef DT_MPPE_H
#define DT_MPPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt-crypto.h"
#include "dt-mppe-key.h"

#define DT_MPPE_PROTOCOL 0x00FD
/* Octets before the inner protocol: 00 FD (2) + the A/B/C/D/count header (2). */
#define DT_MPPE_HEADER_LEN 2
#define DT_MPPE_HEADROOM 4
#define DT_MPPE_OVERHEAD 4

/* Header octet 0 flags (RFC 3078 §3, RFC 2118 §3.1). */
#define DT_MPPE_FLAG_A 0x80 /* FLUSHED: RC4 (and MPPC history) re-initialised */
#define DT_MPPE_FLAG_B 0x40 /* MPPC: history pointer back to the front */
#define DT_MPPE_FLAG_C 0x20 /* MPPC: data compressed */
#define DT_MPPE_FLAG_D 0x10 /* ENCRYPTED */
#define DT_MPPE_CCOUNT_SPACE 4096
/* Linux ppp_mppe.c: a stateless packet further ahead than this is late. */
#define DT_MPPE_MAX_AHEAD 2048
/* Stateless receive: late (reordered) packets this far behind still decrypt. */
#define DT_MPPE_REORDER_WINDOW 16

/* Stateful-mode behaviour around the A bit (PROTOCOL.md §7).  RFC 3078 as
 * FreeBSD, Dubiec's patch and Windows do it: a key change only before flag
 * packets (count & 0xFF == 0xFF); A on other packets re-initialises RC4 with
 * the current session key.  Linux mainline ppp_mppe.c instead changes the key
 * on every A (its sender on Reset-Request, its receiver on each A) and does
 * not set A on the first packet.  Stateless mode is the same in both. */
typedef enum {
    DT_MPPE_COMPAT_RFC = 0,
    DT_MPPE_COMPAT_LINUX,
} DtMppeCompat;

typedef struct {
    DtMppeBits bits;
    bool stateless;
    DtMppeCompat compat;
} DtMppeConfig;

/* Only network-layer protocols 0x0021–0x00FA are encrypted (Linux
 * mppe_compress); LCP, NCPs and CCP go in the clear. */
bool dt_mppe_protocol_is_encrypted(uint16_t protocol);

typedef struct {
    uint64_t packets;
    uint64_t octets;
    uint64_t key_changes;
    uint64_t resets; /* Reset-Requests honoured (stateful) */
} DtMppeTxStats;

typedef struct {
    DtMppeConfig cfg;
    DtMppeKeyCtx keys;
    DtRc4 *rc4;
    uint8_t session_key[DT_MPPE_MAX_KEY_LEN];
    uint16_t ccount; /* of the last packet sent; 4095 before the first */
    bool started;
    bool flush_next; /* set A on the next packet (first packet, Reset-Request) */
    DtMppeTxStats stats;
} DtMppeTx;

typedef enum {
    DT_MPPE_RX_OK = 0,
    DT_MPPE_RX_SHORT,         /* fewer than header + 1 octet */
    DT_MPPE_RX_NOT_ENCRYPTED, /* D clear */
    DT_MPPE_RX_NO_FLUSH,      /* A clear where it must be set (stateless, flag packet) */
    DT_MPPE_RX_LATE,          /* stateless: behind us beyond the window, or too far ahead */
    DT_MPPE_RX_DUPLICATE,     /* stateless: a count already received */
    DT_MPPE_RX_LOSS,          /* stateful: a gap; now discarding, send Reset-Request */
    DT_MPPE_RX_DISCARDING,    /* stateful: dropped while waiting for A */
    DT_MPPE_RX_BAD_PROTOCOL,  /* the decrypted inner protocol field is malformed */
    DT_MPPE_RX_CRYPTO,        /* OpenSSL failed */
} DtMppeRxResult;

typedef struct {
    uint64_t packets; /* delivered */
    uint64_t octets;
    uint64_t key_changes;
    uint64_t losses; /* stateless: counts skipped; stateful: discard episodes */
    uint64_t dropped[DT_MPPE_RX_CRYPTO + 1]; /* by DtMppeRxResult */
    uint64_t sanity_errors; /* NOT_ENCRYPTED + NO_FLUSH + BAD_PROTOCOL (Linux: many → LCP down) */
} DtMppeRxStats;

typedef struct {
    uint8_t flags;   /* header octet 0 & 0xF0: A B C D */
    uint16_t ccount; /* coherency count */
    uint8_t *data;   /* the decrypted octets: inner protocol ‖ info, or MPPC data if C */
    size_t len;
    uint16_t protocol; /* inner protocol when C is clear (PFC form accepted), else 0 */
    uint8_t *info;     /* information field when C is clear */
    size_t info_len;
} DtMppeRxPacket;

typedef struct {
    uint8_t key[DT_MPPE_MAX_KEY_LEN];
    uint16_t ccount;
    bool valid;
    bool seen;
} DtMppeKeySlot;

typedef struct {
    DtMppeConfig cfg;
    DtMppeKeyCtx keys;
    DtRc4 *rc4;
    uint8_t session_key[DT_MPPE_MAX_KEY_LEN];
    uint16_t ccount; /* of the last packet accepted; 4095 before the first */
    bool started;
    bool discard;       /* stateful: dropping until A */
    bool reset_pending; /* a Reset-Request should go out (pulled once) */
    /* Stateless reordering: the session keys of the last counts, and which arrived. */
    DtMppeKeySlot window[DT_MPPE_REORDER_WINDOW];
    DtMppeRxStats stats;
} DtMppeRx;

/* start_key is this direction's RFC 3079 start key (dt-mppe-key.h). */
bool dt_mppe_tx_init(DtMppeTx *tx, const DtCrypto *c, const DtMppeConfig *cfg,
                     const uint8_t *start_key);
void dt_mppe_tx_clear(DtMppeTx *tx);
/* Encrypts payload[0..len) (inner protocol ‖ info) in place and writes
 * 00 FD + header into payload[−4..0).  mppc_flags are MPPC's A/B/C bits,
 * OR-ed into the header.  Returns the frame length (len + 4), 0 on failure. */
size_t dt_mppe_tx_encrypt(DtMppeTx *tx, uint8_t *payload, size_t len, uint8_t mppc_flags);
/* The peer's decompressor lost sync (CCP Reset-Request, RFC 3078 §8.2):
 * the next packet carries A; in RFC mode RC4 restarts with the current
 * session key, in Linux mode the key changes.  Stateless: nothing to do. */
void dt_mppe_tx_reset(DtMppeTx *tx);
const DtMppeTxStats *dt_mppe_tx_stats(const DtMppeTx *tx);

bool dt_mppe_rx_init(DtMppeRx *rx, const DtCrypto *c, const DtMppeConfig *cfg,
                     const uint8_t *start_key);
void dt_mppe_rx_clear(DtMppeRx *rx);
/* Decrypts pkt[0..len) (header + ciphertext, after the 00 FD protocol) in
 * place.  On DT_MPPE_RX_OK *out points into pkt; anything else is a drop,
 * counted in the stats. */
DtMppeRxResult dt_mppe_rx_decrypt(DtMppeRx *rx, uint8_t *pkt, size_t len, DtMppeRxPacket *out);
/* True once after the receiver lost sync in stateful mode: send a CCP
 * Reset-Request (and retransmit it on the CCP timer while in discard). */
bool dt_mppe_rx_poll_reset_request(DtMppeRx *rx);
/* Stateful: dropping packets until one with A arrives. */
bool dt_mppe_rx_discarding(const DtMppeRx *rx);
const DtMppeRxStats *dt_mppe_rx_stats(const DtMppeRx *rx);

const char *dt_mppe_rx_result_to_string(DtMppeRxResult r);

/* Reads a PPP protocol field that may be PFC-compressed (RFC 1661 §6.5: an
 * odd first octet is a 1-octet protocol).  Returns the octets used, 0 if
 * malformed (empty, or a 2-octet field whose low octet is even). */
size_t dt_mppe_parse_protocol(const uint8_t *p, size_t len, uint16_t *protocol);

#endif /* DT_MPPE_H */
