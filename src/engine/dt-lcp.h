/* dt-lcp.h — the PPP Link Control Protocol (RFC 1661 §5–§6, RFC 1570).
 *
 * A DtLcp is a DtFsm plus the LCP options: MRU, ACCM, Authentication-
 * Protocol (from an ordered policy), Magic-Number with loopback detection,
 * PFC and ACFC; everything else a peer asks for is rejected so that
 * negotiation converges.  Beyond the automaton it keeps the Echo keepalive
 * and answers Echo/Discard/Identification/Time-Remaining (codes 9–13) and
 * Protocol-Reject (8).
 */
#ifndef DT_LCP_H
#define DT_LCP_H

#include "dt-auth.h"
#include "dt-fsm.h"

#define DT_PPP_PROTO_LCP 0xC021

/* LCP codes beyond the automaton's (RFC 1661 §5.7–§5.9, RFC 1570). */
enum {
    DT_LCP_PROTOCOL_REJ = 8,
    DT_LCP_ECHO_REQ = 9,
    DT_LCP_ECHO_REPLY = 10,
    DT_LCP_DISCARD_REQ = 11,
    DT_LCP_IDENTIFICATION = 12,
    DT_LCP_TIME_REMAINING = 13,
};

/* Option types (RFC 1661 §6, PROTOCOL.md §3.4). */
enum {
    DT_LCP_OPT_MRU = 1,
    DT_LCP_OPT_ACCM = 2,
    DT_LCP_OPT_AUTH = 3,
    DT_LCP_OPT_MAGIC = 5,
    DT_LCP_OPT_PFC = 7,
    DT_LCP_OPT_ACFC = 8,
};

#define DT_LCP_DEFAULT_MRU 1500
#define DT_LCP_MIN_MRU 128
#define DT_LCP_MAX_AUTH 4
#define DT_LCP_LOOPBACK_LIMIT 5

typedef struct {
    DtPppRole role;
    uint16_t mru;      /* the MRU we ask for; 0 = default 1500 (then not sent) */
    bool request_accm; /* async links: ask the peer to escape only accm */
    uint32_t accm;
    bool request_pfc;
    bool request_acfc;
    bool no_magic; /* do not send Magic-Number (loopback detection off) */
    /* Ordered policy: the peer accepts only these (most preferred first) and
     * Naks anything else with auth[0]; the authenticator asks for auth[0],
     * then the next on a Nak.  Empty: no authentication. */
    DtAuthMethod auth[DT_LCP_MAX_AUTH];
    size_t n_auth;
    uint32_t echo_interval_ms; /* 0: no keepalive */
    unsigned echo_failures;    /* unanswered requests before ECHO_TIMEOUT (0 → 3) */
    unsigned loopback_limit;   /* magic collisions before LOOPBACK (0 → 5) */
} DtLcpConfig;

typedef struct {
    uint16_t mru;
    uint32_t accm;
    uint32_t magic; /* 0 when not negotiated */
    bool pfc;
    bool acfc;
} DtLcpOptions;

typedef struct {
    DtLcpOptions local;  /* our request as acked: how the peer sends to us */
    DtLcpOptions remote; /* the peer's request as we acked it: how we send to it */
    DtAuthMethod auth;   /* the method of this link's authentication phase */
} DtLcpNegotiated;

/* The link hears Protocol-Rejects naming its other protocols. */
typedef struct {
    void (*protocol_rejected)(void *ctx, uint16_t protocol, DtTime now);
    void *ctx;
} DtLcpHooks;

typedef struct {
    DtFsm fsm;
    DtLcpConfig cfg;
    DtRandom random;
    DtLcpHooks hooks;

    DtLcpOptions want; /* what our next Configure-Request asks for */
    bool send_mru, send_accm, send_magic, send_pfc, send_acfc;
    DtAuthMethod want_auth;
    uint32_t auth_tried; /* DT_AUTH_BIT set of methods the peer Nak'd */

    DtLcpOptions pending; /* the peer's request being judged */
    DtAuthMethod pending_auth;
    DtLcpNegotiated neg;
    bool up;

    unsigned collisions;
    bool auth_refused; /* we Nak'd/Rejected an auth method outside our policy */

    DtTime echo_deadline;
    DtTime heard_at;        /* the last well-formed frame from the peer, when heard */
    DtTime echo_checked_at; /* the last keepalive deadline (or LCP up) */
    bool heard;
    unsigned echo_outstanding;
    uint64_t echo_sent;
    uint64_t echo_replies;
} DtLcp;

void dt_lcp_init(DtLcp *l, const DtLcpConfig *cfg, const DtRandom *random, const DtFsmOwner *owner,
                 const DtFsmTimers *timers, const DtLcpHooks *hooks);

DtTime dt_lcp_next_deadline(const DtLcp *l);
/* A well-formed frame came from the peer.  Keepalive is adaptive, as pppd's
 * lcp-echo-adaptive: a peer heard from since the last echo deadline is alive,
 * so no Echo-Request goes out and no unanswered one counts against it — a
 * busy link whose peer is slow to answer echoes is never dropped. */
void dt_lcp_heard(DtLcp *l, DtTime now);
void dt_lcp_handle_timeout(DtLcp *l, DtTime now);

/* RFC 1661 §5.7: only in Opened; info is the rejected packet's information
 * field, truncated to fit the peer's MRU. */
void dt_lcp_send_protocol_reject(DtLcp *l, uint16_t protocol, const uint8_t *info, size_t len);

/* The encoding of a method in the Authentication-Protocol option. */
uint8_t dt_lcp_auth_option_encode(DtAuthMethod m, uint8_t out[3]);
const char *dt_lcp_option_name(uint8_t type);

#endif /* DT_LCP_H */
