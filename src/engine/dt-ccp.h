/* dt-ccp.h — the Compression Control Protocol (RFC 1962, 0x80FD) with MPPE/MPPC.
 *
 * A DtCcp is an NCP on the shared automaton (dt-fsm), attached to a DtPpp
 * with dt_ccp_attach() (dt_ppp_attach_ncp): the link opens it in the
 * Network phase, routes 0x80FD to it and hands protocol 0x00FD datagrams to
 * the caller, who passes them to dt_ccp_receive().  Option 18 decisions
 * (RFC 3078 §2, RFC 2118 §2) come from dt-ccp-mppe; the MPPE keys from the
 * link's authentication (dt_ppp_auth) when the first Configure-Request is
 * built, which is after authentication succeeded (RFC 1661 §3.5).
 *
 * Once Opened, the DtCcp also holds the data plane of both directions:
 * MPPE (dt-mppe) and MPPC (dt-mppc), allocated once in dt_ccp_new.
 * Resynchronisation (RFC 1962 §2.9, RFC 3078 §8.2): when our receiver
 * loses sync in stateful mode it sends Reset-Request (code 14) and repeats
 * it every reset_retry_ms while it discards; a Reset-Request from the peer
 * resets our compressor/encryptor (A on the next packet) and is answered
 * with Reset-Ack (code 15) carrying its Identifier.
 *
 * Failure: if encryption is required and the peer Configure-Rejects option
 * 18, Naks it to something the policy forbids, Protocol-Rejects CCP, or the
 * agreed result is not encrypted both ways, the layer finishes with
 * DT_REASON_MPPE_REFUSED (or _MPPE_NO_KEYS) and dt_ccp_failure() says what
 * each side offered; the session then ends the link.
 */
#ifndef DT_CCP_H
#define DT_CCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt-ccp-mppe.h"
#include "dt-fsm.h"
#include "dt-mppe.h"
#include "dt-ppp.h"

#define DT_CCP_RESET_REQUEST 14
#define DT_CCP_RESET_ACK 15
#define DT_CCP_DEFAULT_RESET_RETRY_MS 1000
/* The frame grows by 00 FD + header (2) + inner protocol (2) over plain PPP. */
#define DT_CCP_OVERHEAD DT_MPPE_OVERHEAD
/* Octets dt_ccp_transmit writes before the inner protocol field. */
#define DT_CCP_HEADROOM DT_MPPE_HEADROOM

typedef struct {
    const DtCrypto *crypto;
    DtCcpMppePolicy policy; /* .have_keys is found out from the link's authentication */
    DtMppeCompat compat;
    DtFsmTimers timers;
    uint32_t reset_retry_ms; /* 0 → DT_CCP_DEFAULT_RESET_RETRY_MS */
    /* Strengths accepted (DT_MPPE_BIT_S|M|L), 0 → all the policy allows:
     * offers, answers and Naks are filtered through it. */
    uint32_t strengths;
    bool prefer_stateful; /* with policy.allow_stateful: request without H */
} DtCcpConfig;

typedef enum {
    DT_CCP_RX_OK = 0,
    DT_CCP_RX_NOT_UP,       /* no CCP algorithm is active for what the peer sends */
    DT_CCP_RX_SHORT,        /* shorter than the 2-octet header */
    DT_CCP_RX_MPPE_DROPPED, /* dt_mppe_rx_decrypt refused it (see dt_ccp_mppe_rx) */
    DT_CCP_RX_MPPC_ERROR,   /* dt_mppc_decompress failed: Reset-Request sent */
    DT_CCP_RX_LOSS,         /* MPPC alone: a coherency count gap; discarding until A */
    DT_CCP_RX_BAD_PROTOCOL, /* the inner protocol field is malformed */
} DtCcpRxResult;

typedef struct {
    uint64_t reset_requests_sent;
    uint64_t reset_requests_received;
    uint64_t reset_acks_received;
    uint64_t tx_packets;
    uint64_t rx_packets;
    uint64_t rx_dropped[DT_CCP_RX_BAD_PROTOCOL + 1]; /* by DtCcpRxResult */
    uint64_t mppc_in;                                /* octets before compression (sent) */
    uint64_t mppc_out;                               /* octets after it */
} DtCcpStats;

typedef struct DtCcp DtCcp;

/* Allocates the MPPC histories and the MPPE contexts once; NULL on no memory. */
DtCcp *dt_ccp_new(const DtCcpConfig *cfg);
void dt_ccp_free(DtCcp *c);
/* Initialises the automaton with dt_ppp_fsm_owner(p) and attaches it for
 * 0x00FD; before dt_ppp_open.  False when the link's NCP table is full. */
bool dt_ccp_attach(DtCcp *c, DtPpp *p);
/* cfg.prefer_stateful, changed before CCP starts (a server quirk learnt from the SCCRP,
 * dt-quirks.h).  Still only with policy.allow_stateful: the policy is not changed. */
void dt_ccp_set_prefer_stateful(DtCcp *c, bool prefer);

/* Opened, with the data plane set up. */
bool dt_ccp_is_up(const DtCcp *c);
/* Valid while up: per direction, what was agreed. */
const DtCcpMppeResult *dt_ccp_result(const DtCcp *c);
/* Why CCP failed (reason DT_REASON_NONE if it did not) and what each side offered. */
const DtCcpMppeFailure *dt_ccp_failure(const DtCcp *c);
/* The option-18 negotiation state: the octets sent and received. */
const DtCcpMppe *dt_ccp_negotiation(const DtCcp *c);
const DtFsm *dt_ccp_fsm(const DtCcp *c);
/* "ccp option 18: we offered 0x01000040 (…); the peer offered …". */
size_t dt_ccp_describe_failure(const DtCcp *c, char *buf, size_t len);

/* Does what we send go through CCP (MPPE or MPPC on in our direction)? */
bool dt_ccp_tx_active(const DtCcp *c);
bool dt_ccp_tx_encrypted(const DtCcp *c);
bool dt_ccp_rx_encrypted(const DtCcp *c);

/* payload[0..len) is the inner protocol field (2 octets) ‖ information,
 * with DT_CCP_HEADROOM writable octets before it.  Compresses (into the
 * DtCcp's scratch buffer, then copied back into payload: it is smaller),
 * encrypts in place and writes 00 FD + header at payload − 4.  Returns the
 * frame length from payload − 4 (after PPP Address/Control), 0 on failure. */
size_t dt_ccp_transmit(DtCcp *c, uint8_t *payload, size_t len);
/* data[0..len) is a 0x00FD datagram's information field (header ‖ data),
 * decrypted in place.  On DT_CCP_RX_OK *protocol, *info and *info_len give
 * the inner datagram: inside data, or inside the MPPC history (valid until
 * the next dt_ccp_receive). */
DtCcpRxResult dt_ccp_receive(DtCcp *c, uint8_t *data, size_t len, DtTime now, uint16_t *protocol,
                             uint8_t **info, size_t *info_len);

/* The Reset-Request retry timer (beyond the automaton's own, which the
 * link already runs). */
DtTime dt_ccp_next_deadline(const DtCcp *c);
void dt_ccp_handle_timeout(DtCcp *c, DtTime now);

const DtCcpStats *dt_ccp_stats(const DtCcp *c);
/* The MPPE receiver's own counters (why packets were dropped), NULL when off. */
const DtMppeRxStats *dt_ccp_mppe_rx_stats(const DtCcp *c);
const char *dt_ccp_rx_result_to_string(DtCcpRxResult r);

#endif /* DT_CCP_H */
