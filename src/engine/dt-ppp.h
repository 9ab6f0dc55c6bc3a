/* dt-ppp.h — one PPP link, peer or authenticator, sans-IO (RFC 1661).
 *
 * A DtPpp joins LCP → authentication (DtAuth) → the NCPs (IPCP, IPv6CP,
 * and any the caller attaches, such as CCP) through the phases Dead →
 * Establish → Authenticate → Network → Terminate.  Frames in and out are
 * PPP frames without HDLC: Address/Control FF 03 (omitted only after ACFC,
 * never for LCP), then the protocol (one octet after PFC).  The HDLC layer
 * (serial) or GRE (PPTP) carries them.
 *
 * Inputs: dt_ppp_input (a frame), dt_ppp_handle_timeout, the lower layer
 * and administrative calls, each with `now`.  Outputs are pulled after each
 * call: dt_ppp_poll_transmit (control frames), dt_ppp_poll_event,
 * dt_ppp_next_deadline.  Data packets are never copied: dt_ppp_input says
 * where the datagram is in the caller's buffer, and dt_ppp_write_header
 * prepends the PPP header in the caller's headroom.
 */
#ifndef DT_PPP_H
#define DT_PPP_H

#include "dt-auth.h"
#include "dt-fsm.h"
#include "dt-ipcp.h"
#include "dt-ipv6cp.h"
#include "dt-lcp.h"
#include "dt-ppp-tap.h"

#define DT_PPP_PROTO_COMPRESSED 0x00FD /* CCP datagrams (MPPE/MPPC) */
#define DT_PPP_PROTO_CCP 0x80FD

#define DT_PPP_HEADER_MAX 4     /* FF 03 + 2-octet protocol */
#define DT_PPP_MAX_CONTROL 1508 /* a control frame: header + packet of MRU 1500 */
#define DT_PPP_DEFAULT_ACCM 0xFFFFFFFFu
#define DT_PPP_MAX_NCP 4
#define DT_PPP_TX_QUEUE 16
#define DT_PPP_EVENT_QUEUE 32
#define DT_PPP_MAX_LOG 192
#define DT_PPP_AUTH_TIMEOUT_MS 30000

typedef enum {
    DT_PPP_PHASE_DEAD,
    DT_PPP_PHASE_ESTABLISH,
    DT_PPP_PHASE_AUTHENTICATE,
    DT_PPP_PHASE_NETWORK,
    DT_PPP_PHASE_TERMINATE,
} DtPppPhase;

typedef struct {
    DtPppRole role;
    const DtCrypto *crypto; /* needed for authentication and the default random source */
    DtRandom random;        /* .fn NULL: dt_crypto_random(crypto) */
    DtFsmTimers timers;     /* zero: RFC 1661 §4.6 defaults */
    DtLcpConfig lcp;        /* .role is taken from role above */
    /* Authentication (the method comes from LCP; the policy is lcp.auth). */
    const char *user; /* peer */
    const char *password;
    DtAuthLookupFn lookup; /* authenticator */
    void *lookup_data;
    const char *local_name;
    unsigned auth_max_retries;
    uint32_t auth_timeout_ms; /* 0: DT_PPP_AUTH_TIMEOUT_MS */
    bool enable_ipcp;
    DtIpcpConfig ipcp; /* .role is taken from role above */
    bool enable_ipv6cp;
    DtIpv6cpConfig ipv6cp;
    /* Idle disconnect: no network datagram either way for this long in the
     * network phase ends the link with IDLE_TIMEOUT; 0: never.  Received
     * datagrams are seen here; the caller reports sent ones with
     * dt_ppp_data_sent().  Keepalive and other control traffic never count. */
    uint32_t idle_ms;
    /* A redacted copy of every control frame either way, for a capture
     * (dt-ppp-tap.h); .fn NULL: none. */
    DtPppTap tap;
} DtPppConfig;

typedef enum {
    DT_PPP_EVENT_PHASE,     /* u.phase */
    DT_PPP_EVENT_LCP_UP,    /* u.lcp: negotiated values */
    DT_PPP_EVENT_AUTH,      /* u.auth: result (ok or the typed failure) */
    DT_PPP_EVENT_IPCP_UP,   /* u.ipcp */
    DT_PPP_EVENT_IPV6CP_UP, /* u.ipv6cp */
    DT_PPP_EVENT_NCP_UP,    /* u.ncp: an attached NCP (CCP) opened */
    DT_PPP_EVENT_NCP_DOWN,  /* u.ncp: any NCP left Opened or finished */
    DT_PPP_EVENT_LINK_DOWN, /* u.down: the link is over; once per dt_ppp_open */
    DT_PPP_EVENT_LOG,       /* u.log: "layer=lcp event=up mru=1400 …" */
} DtPppEventType;

typedef struct {
    DtReason reason;
    uint16_t protocol; /* the layer concerned (0xC021 LCP, 0xC223 CHAP, 0x8021 IPCP …), 0 if none */
    int option;        /* the option type concerned, -1 if none */
    char message[DT_FSM_MAX_MESSAGE];
} DtPppDown;

typedef struct {
    DtPppEventType type;
    DtTime time;
    union {
        struct {
            DtPppPhase from, to;
        } phase;
        DtLcpNegotiated lcp;
        struct {
            DtAuthMethod method;
            bool ok;
            DtAuthResult result;
        } auth;
        DtIpcpNegotiated ipcp;
        DtIpv6cpNegotiated ipv6cp;
        struct {
            uint16_t protocol;
            DtReason reason; /* NCP_DOWN: why, if it finished */
        } ncp;
        DtPppDown down;
        char log[DT_PPP_MAX_LOG];
    } u;
} DtPppEvent;

/* What to do with a transmitted frame: the HDLC layer escapes it with accm
 * (all ones for LCP codes 1–7, RFC 1662 §7.1). */
typedef struct {
    size_t len;
    uint32_t accm;
    uint16_t protocol;
} DtPppTransmit;

typedef enum {
    DT_PPP_INPUT_CONTROL,  /* consumed by the link (LCP, auth, an NCP) */
    DT_PPP_INPUT_DATAGRAM, /* a network datagram for the caller: see DtPppInput */
    DT_PPP_INPUT_DROPPED,  /* malformed, unexpected, or answered with Protocol-Reject */
} DtPppInputKind;

typedef struct {
    DtPppInputKind kind;
    uint16_t protocol; /* DATAGRAM: 0x0021, 0x0057, 0x00FD (for CCP) … */
    size_t offset;     /* DATAGRAM: the information field is frame[offset .. offset+len) */
    size_t len;
} DtPppInput;

typedef struct {
    uint64_t frames_in;
    uint64_t frames_out;
    uint64_t datagrams_in;
    uint64_t malformed;        /* bad framing or packets dropped by a layer */
    uint64_t discarded;        /* well-formed but not acceptable now (NCP not open …) */
    uint64_t protocol_rejects; /* sent for protocols we do not implement */
    uint64_t quiet_rejects;    /* of those, expected from this server (dt_ppp_set_quiet_rejects) */
    uint64_t tx_dropped;       /* control frames lost to a full queue */
    uint64_t events_dropped;
    uint64_t echo_sent;    /* LCP Echo-Requests sent (keepalive) */
    uint64_t echo_replies; /* and answered */
} DtPppStats;

typedef struct DtPpp DtPpp;

/* NULL on a bad config (authentication without crypto …) or no memory. */
DtPpp *dt_ppp_new(const DtPppConfig *cfg);
void dt_ppp_free(DtPpp *p);

/* Attach another NCP (CCP) before dt_ppp_open: the link opens it in the
 * Network phase, routes its control protocol (fsm->protocol) to it and its
 * data_protocol (0x00FD) to the caller while it is Opened.  Initialise the
 * DtFsm with dt_ppp_fsm_owner(p).  False when the table is full. */
bool dt_ppp_attach_ncp(DtPpp *p, DtFsm *fsm, uint16_t data_protocol);
DtFsmOwner dt_ppp_fsm_owner(DtPpp *p);

/* Administrative Open/Close and the lower layer (RFC 1661 §4.3). */
void dt_ppp_open(DtPpp *p, DtTime now);
void dt_ppp_close(DtPpp *p, DtReason reason, DtTime now);
void dt_ppp_lower_up(DtPpp *p, DtTime now);
void dt_ppp_lower_down(DtPpp *p, DtReason reason, DtTime now);

DtPppInputKind dt_ppp_input(DtPpp *p, const uint8_t *frame, size_t len, DtTime now,
                            DtPppInput *out);
DtTime dt_ppp_next_deadline(const DtPpp *p);
void dt_ppp_handle_timeout(DtPpp *p, DtTime now);

/* Copies the next control frame into buf (cap ≥ DT_PPP_MAX_CONTROL) and
 * returns its length, or 0 when none is queued. */
size_t dt_ppp_poll_transmit(DtPpp *p, uint8_t *buf, size_t cap, DtPppTransmit *info);
bool dt_ppp_poll_event(DtPpp *p, DtPppEvent *ev);

/* Data plane: the header for an outgoing datagram (ACFC/PFC as the peer
 * allowed).  Writes it just before payload and returns its length, or 0
 * when headroom is too small. */
size_t dt_ppp_header_len(const DtPpp *p, uint16_t protocol);
/* A network datagram went out (for the idle disconnect). */
void dt_ppp_data_sent(DtPpp *p, DtTime now);
size_t dt_ppp_write_header(const DtPpp *p, uint16_t protocol, uint8_t *payload, size_t headroom);
/* The ACCM for data frames (the peer's negotiated one, or all ones). */
uint32_t dt_ppp_data_accm(const DtPpp *p);

/* A server quirk (dt-quirks.h, DT_QUIRK_QUIET_CBCP_BACP): CBCP, BACP and BAP frames still get
 * their Protocol-Reject (RFC 1661 §5.7), but count as control input the link expected, not as
 * dropped, and are neither logged one by one nor added to protocol_rejects (quiet_rejects has
 * them).  Off by default. */
void dt_ppp_set_quiet_rejects(DtPpp *p, bool quiet);

DtPppPhase dt_ppp_phase(const DtPpp *p);
const DtLcpNegotiated *dt_ppp_lcp(const DtPpp *p);
const DtIpcpNegotiated *dt_ppp_ipcp(const DtPpp *p);
const DtIpv6cpNegotiated *dt_ppp_ipv6cp(const DtPpp *p);
/* NULL outside the authentication phase and before it; the MPPE keys live here. */
const DtAuth *dt_ppp_auth(const DtPpp *p);
DtPppStats dt_ppp_stats(const DtPpp *p);
/* The layers, for status displays and tests. */
const DtFsm *dt_ppp_lcp_fsm(const DtPpp *p);
const DtFsm *dt_ppp_ipcp_fsm(const DtPpp *p);
const DtFsm *dt_ppp_ipv6cp_fsm(const DtPpp *p);

const char *dt_ppp_phase_to_string(DtPppPhase phase);
const char *dt_ppp_event_type_to_string(DtPppEventType t);

#endif /* DT_PPP_H */
