/* dt-ccp-mppe.h — CCP option 18 (MPPE/MPPC Supported Bits) negotiation logic.
 *
 * RFC 1962 CCP with the option of RFC 3078 §2 / RFC 2118 §2.  This module is
 * the decision logic only, as functions the CCP automaton (dt-fsm) calls from
 * its callbacks: what to put in our Configure-Request, what to answer to the
 * peer's, what to do with a Nak or Reject of ours, and what was agreed.
 *
 * Directions (RFC 1962 §1): our Configure-Request names what WE receive, so
 * the bits acked in our request configure our receiver, the bits we ack in
 * the peer's request configure our transmitter.
 */
#ifndef DT_CCP_MPPE_H
#define DT_CCP_MPPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt-buf.h"
#include "dt-mppe-key.h"
#include "dt-reason.h"

#define DT_CCP_OPT_MPPE 18
#define DT_CCP_OPT_MPPE_LEN 6

/* Supported Bits as a host-order 32-bit value (PROTOCOL.md §6). */
#define DT_MPPE_BIT_H 0x01000000u /* stateless: key change every packet */
#define DT_MPPE_BIT_M 0x00000080u /* 56-bit */
#define DT_MPPE_BIT_S 0x00000040u /* 128-bit */
#define DT_MPPE_BIT_L 0x00000020u /* 40-bit */
#define DT_MPPE_BIT_D 0x00000010u /* obsolete, never set */
#define DT_MPPE_BIT_C 0x00000001u /* MPPC compression */
#define DT_MPPE_BITS_STRENGTH (DT_MPPE_BIT_S | DT_MPPE_BIT_M | DT_MPPE_BIT_L)
#define DT_MPPE_BITS_KNOWN (DT_MPPE_BIT_H | DT_MPPE_BITS_STRENGTH | DT_MPPE_BIT_D | DT_MPPE_BIT_C)

/* Windows' four levels ("No encryption allowed" … "Maximum strength"). */
typedef enum {
    DT_MPPE_ENCRYPTION_NONE = 0,
    DT_MPPE_ENCRYPTION_OPTIONAL,
    DT_MPPE_ENCRYPTION_REQUIRE,     /* any of 40/56/128-bit */
    DT_MPPE_ENCRYPTION_REQUIRE_128, /* 128-bit only */
} DtMppeEncryption;

typedef struct {
    DtMppeEncryption encryption;
    bool allow_stateful;
    bool compression;
    /* MS-CHAP v1/v2 ran and produced MPPE keys (PAP and CHAP-MD5 do not). */
    bool have_keys;
} DtCcpMppePolicy;

typedef enum {
    DT_CCP_ACK = 0,
    DT_CCP_NAK,
    DT_CCP_REJECT,
} DtCcpVerdict;

/* What one direction uses once CCP is up. */
typedef struct {
    bool mppe;
    DtMppeBits bits;
    bool stateless;
    bool mppc;
} DtCcpMppeDirection;

typedef struct {
    DtCcpMppeDirection tx;
    DtCcpMppeDirection rx;
} DtCcpMppeResult;

/* Why negotiation failed, for the typed disconnect reason and the UI. */
typedef struct {
    DtReason reason;       /* DT_REASON_NONE, _MPPE_REFUSED or _MPPE_NO_KEYS */
    uint32_t offered;      /* our first Configure-Request's bits */
    uint32_t peer_offered; /* the peer's last Configure-Request's bits */
    bool peer_sent;        /* false: the peer never requested option 18 */
    bool peer_rejected;    /* the peer Configure-Rejected our option 18 */
} DtCcpMppeFailure;

/* Negotiation state of option 18 in one CCP instance. */
typedef struct {
    DtCcpMppePolicy policy;
    uint32_t first_request;
    uint32_t request; /* what our next Configure-Request carries */
    bool requesting;  /* false: our requests leave option 18 out */
    bool our_acked;
    uint32_t peer_request;
    bool peer_sent;
    bool peer_acked; /* we acked peer_request */
    bool peer_rejected;
    /* The option-18 octets last sent and received, for the status window. */
    uint8_t sent[DT_CCP_OPT_MPPE_LEN];
    uint8_t received[DT_CCP_OPT_MPPE_LEN];
    bool have_received;
} DtCcpMppe;

/* ---- pure functions --------------------------------------------------- */

/* The bits our policy asks for (0 when option 18 is not wanted): every
 * allowed strength, H, and C when compressing. */
uint32_t dt_ccp_mppe_policy_bits(const DtCcpMppePolicy *p);
/* DT_REASON_MPPE_NO_KEYS when encryption is required but no keys exist. */
DtReason dt_ccp_mppe_check_policy(const DtCcpMppePolicy *p);
/* Our answer to the peer's Supported Bits; *nak gets the bits to suggest. */
DtCcpVerdict dt_ccp_mppe_evaluate(const DtCcpMppePolicy *p, uint32_t peer_bits, uint32_t *nak);
/* Parses one option 18 (type, length, 4 octets). */
bool dt_ccp_mppe_parse_option(const uint8_t *opt, size_t len, uint32_t *bits);
void dt_ccp_mppe_write_option(DtWriter *w, uint32_t bits);

/* "MPPE 128-bit stateless, MPPC", "MPPC", "no encryption or compression". */
size_t dt_ccp_mppe_describe(uint32_t bits, char *buf, size_t len);
/* What a negotiated link uses, both directions at once when they agree
 * ("MPPE 128-bit stateless, MPPC") and each in turn where they do not
 * ("MPPE 128-bit, stateless sending, stateful receiving"). */
size_t dt_ccp_mppe_describe_result(const DtCcpMppeResult *r, char *buf, size_t len);
/* "0x01000040: H = stateless (new key every packet), S = 128-bit MPPE". */
size_t dt_ccp_mppe_explain_bits(uint32_t bits, char *buf, size_t len);
/* The single strongest strength among bits (0 if none). */
uint32_t dt_ccp_mppe_strongest(uint32_t bits);

/* ---- negotiation state, for the CCP automaton's callbacks ------------- */

void dt_ccp_mppe_init(DtCcpMppe *m, const DtCcpMppePolicy *p);
/* Resets to our first request (on CCP (re)start). */
void dt_ccp_mppe_reset(DtCcpMppe *m);
/* Appends option 18 to the Configure-Request being built (if we want it). */
void dt_ccp_mppe_add_request(DtCcpMppe *m, DtWriter *w);
/* The peer's option 18 (opt = type ‖ len ‖ value); a Nak or Reject answer
 * is written to *answer (the option octets; a Reject echoes opt). */
DtCcpVerdict dt_ccp_mppe_peer_request(DtCcpMppe *m, const uint8_t *opt, size_t len,
                                      DtWriter *answer);
/* The peer did not include option 18 in its Configure-Request. */
void dt_ccp_mppe_peer_request_without(DtCcpMppe *m);
/* The peer Nak'd / Rejected our option 18.  DT_REASON_NONE: send the next
 * Configure-Request; anything else: close with that reason. */
DtReason dt_ccp_mppe_got_nak(DtCcpMppe *m, const uint8_t *opt, size_t len);
DtReason dt_ccp_mppe_got_reject(DtCcpMppe *m);
void dt_ccp_mppe_got_ack(DtCcpMppe *m);
/* When CCP reaches Opened: the per-direction result, or a failure. */
bool dt_ccp_mppe_decide(const DtCcpMppe *m, DtCcpMppeResult *out, DtCcpMppeFailure *fail);
/* Fills a failure record with what both sides offered. */
void dt_ccp_mppe_failure(const DtCcpMppe *m, DtReason reason, DtCcpMppeFailure *fail);

const char *dt_ccp_verdict_to_string(DtCcpVerdict v);

#endif /* DT_CCP_MPPE_H */
