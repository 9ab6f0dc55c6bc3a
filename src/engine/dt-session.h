/* dt-session.h — one PPTP call, sans-IO: control + GRE + PPP + CCP + MPPE + MPPC.
 *
 * A DtSession joins the layers of one PPTP tunnel (RFC 2637) into one
 * object with four inputs and four pulled outputs, all taking `now`:
 *
 *   inputs                          outputs (pulled after every input)
 *   control TCP octets (client)     control octets to write (client)
 *   GRE packets (IP header gone)    GRE packets to send
 *   IP packets read from the TUN    IP packets to write to the TUN
 *   timeouts                        events, stats, the next deadline
 *
 * Roles.  A client session (the PNS) owns its control connection: feed it
 * the TCP stream, pull what to write.  A server session (the PAC) is one
 * call on the program's DtPptpCtrl, which may carry many calls: the
 * program pulls that DtPptpCtrl's events, answers each CALL_REQUEST with
 * dt_pptp_ctrl_answer_call(), makes a DtSession with the event's call_id
 * and peer_call_id and the DtPptpCtrl in cfg.ctrl (borrowed, must outlive
 * the session), and hands every later DtPptpCtrl event for that call_id
 * (and every CLOSED) to dt_session_pptp_event().  The server session
 * itself calls dt_pptp_ctrl_clear_call() on that DtPptpCtrl when its link
 * ends, so the program must write the DtPptpCtrl's output after calling
 * into any of its sessions.  GRE packets of many calls arrive on one raw
 * socket: find the session with dt_gre_peek_call_id() (the Key is our
 * call_id).
 *
 * Data path (zero-copy, allocation-free, O(1) per packet, no logging):
 *   TUN → GRE: the IP packet sits in a caller buffer with headroom
 *     (DT_IO_HEADROOM 128 ≥ DT_SESSION_HEADROOM).  The session writes the
 *     inner protocol field in front of it, compresses with MPPC into an
 *     internal scratch buffer and copies the (smaller) result back in place
 *     when compression is on, encrypts in place with MPPE, writes 00 FD +
 *     the MPPE/MPPC header, FF 03 (unless ACFC) and the GRE header into
 *     the headroom, and returns where the GRE packet starts and its length.
 *   GRE → TUN: dt_session_gre_input() decodes the GRE header, runs the
 *     reorder window, and dt_session_poll_tun() then hands out the IP
 *     packets in order: decrypted in place inside the caller's GRE buffer,
 *     or inside the MPPC history when the peer compressed.  Packets that
 *     waited in the reorder window are copied once into session memory
 *     (the window's slots are read-only to us).
 *
 * Pull discipline: after every input call (control, GRE, TUN, timeout,
 * close, pptp_event) drain dt_session_poll_tun() FIRST (it may process
 * PPP control frames too), then dt_session_poll_gre(), the control output,
 * dt_session_poll_event(), and re-arm the timer from
 * dt_session_next_deadline().  A pointer from poll_tun is valid until the
 * next call into the session.  If the caller feeds the next GRE packet
 * without draining, the session drains internally first: control frames
 * are processed, IP packets are dropped and counted (rx_undrained).
 *
 * Security policy: encryption none | optional | require | require-128,
 * allow_stateful, compression (dt-ccp-mppe.h).  When encryption is
 * required the session never sends an IP packet unencrypted (TUN packets
 * before CCP is up, or if MPPE is not on, are dropped and counted) and
 * drops unencrypted incoming IP packets (rx_unencrypted); a peer that
 * refuses option 18 or CCP ends the link with DT_REASON_MPPE_REFUSED, an
 * authentication method without keys (PAP, CHAP-MD5) with
 * DT_REASON_MPPE_NO_KEYS.
 */
#ifndef DT_SESSION_H
#define DT_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt-ccp-mppe.h"
#include "dt-gre.h"
#include "dt-mppe.h"
#include "dt-mtu.h"
#include "dt-ppp.h"
#include "dt-pptp-ctrl.h"

/* GRE 16 + FF 03 + 00 FD + MPPE/MPPC header 2 + inner protocol 2. */
#define DT_SESSION_HEADROOM 24
/* The largest GRE packet dt_session_poll_gre() returns (a PPP control
 * frame of MRU 1500 behind a full GRE header). */
#define DT_SESSION_MAX_GRE (DT_GRE_HEADER_MAX + DT_PPP_MAX_CONTROL)
/* The largest IP packet the session carries (its internal buffers). */
#define DT_SESSION_MAX_PACKET 2048
/* The largest TUN MTU the session reports, whatever the peer's MRU (≤ MAX_PACKET − HEADROOM). */
#define DT_SESSION_MAX_MTU 1500
#define DT_SESSION_DEFAULT_MRU 1400 /* what Windows PPTP negotiates (PROTOCOL.md §9.6) */
#define DT_SESSION_EVENT_QUEUE 64
#define DT_SESSION_MAX_LOG 256
#define DT_SESSION_MAX_MESSAGE 256
#define DT_SESSION_MAX_DESCRIPTION 96

typedef enum {
    DT_SESSION_CLIENT, /* PNS: dials, owns its control connection, authenticates itself */
    DT_SESSION_SERVER, /* PAC: a call on the program's DtPptpCtrl; authenticates the peer */
} DtSessionRole;

typedef struct {
    DtSessionRole role;
    const DtCrypto *crypto; /* required */
    DtRandom random;        /* .fn NULL: dt_crypto_random(crypto); tests pass a seeded one */

    /* Client: the control connection the session owns (.role forced to PNS). */
    DtPptpCtrlConfig pptp;
    /* Server: the program's control connection (borrowed) and this call's IDs. */
    DtPptpCtrl *ctrl;
    uint16_t call_id;      /* ours: the GRE Key of what we receive */
    uint16_t peer_call_id; /* the peer's: the GRE Key of what we send */

    /* GRE receive window (.call_id is set by the session); first_seq 0 → 1. */
    DtGreRxConfig gre;
    uint32_t gre_first_seq;
    uint32_t gre_ack_delay_ms; /* 0 → DT_GRE_DEFAULT_ACK_DELAY_MS */

    /* PPP.  The session sets ppp.role (peer for the client, authenticator for
     * the server), ppp.crypto and ppp.random from the fields above, and
     * ppp.lcp.mru 0 → DT_SESSION_DEFAULT_MRU.  The allowed authentication
     * methods are ppp.lcp.auth[0 .. n_auth) (most preferred first); the
     * credentials ppp.user/ppp.password (client) or ppp.lookup (server);
     * IPCP in ppp.ipcp with ppp.enable_ipcp (forced on: PPTP carries IP). */
    DtPppConfig ppp;

    /* Security policy (CCP option 18, RFC 3078 §2 / RFC 2118 §2).  .have_keys
     * is ignored: the session learns it from the authentication. */
    DtCcpMppePolicy policy;
    DtMppeCompat mppe_compat; /* stateful-mode A-bit behaviour (dt-mppe.h) */
    /* Stateful mode: resend a CCP Reset-Request this often while the MPPE
     * receiver discards (RFC 1962 §2.9 leaves it to us); 0 → 1000 ms. */
    uint32_t reset_retry_ms;
    /* The MPPE strengths this side accepts at all, DT_MPPE_BIT_S|M|L (a server
     * that allows 40-bit only, an old peer); 0 → every strength the policy
     * allows.  Narrower than Encryption alone can say. */
    uint32_t mppe_strengths;
    /* With allow_stateful: ask for stateful mode (leave H out of our request),
     * as older Windows does; dt-ccp-mppe alone always asks for stateless. */
    bool prefer_stateful;

    /* The TUN MTU (dt-mtu.h): the MTU of the path to the peer (the route's, or the dial-up
     * link's under DialFirst; 0 → DT_MTU_ETHERNET), whether that path is IPv6 (a 40-octet
     * outer header instead of 20), and the profile's PPP.MTU as a cap on the PPP frames we
     * send (0: none), as pppd's "mtu". */
    uint16_t path_mtu;
    bool path_ipv6;
    uint16_t mtu;
    /* TCP SYNs crossing the link get their MSS lowered to what the MTU carries (dt-mtu.h),
     * both ways; true turns that off. */
    bool no_mss_clamp;
} DtSessionConfig;

typedef enum {
    DT_SESSION_STAGE_IDLE,          /* before dt_session_start() */
    DT_SESSION_STAGE_CONTROL,       /* client: SCCRQ sent, waiting for SCCRP */
    DT_SESSION_STAGE_CONTROL_UP,    /* client: control connection up, OCRQ sent */
    DT_SESSION_STAGE_CALL_UP,       /* the call is connected: LCP negotiating */
    DT_SESSION_STAGE_LCP_UP,        /* LCP opened: authenticating */
    DT_SESSION_STAGE_AUTHENTICATED, /* authentication done: NCPs and CCP negotiating */
    DT_SESSION_STAGE_CCP_UP,        /* CCP opened (MPPE/MPPC on), IPCP still negotiating */
    DT_SESSION_STAGE_NETWORK_UP,    /* IP flows (encrypted if the policy asks) */
    DT_SESSION_STAGE_DISCONNECTING, /* tearing down: LCP Terminate, call clear, StopCCRQ */
    DT_SESSION_STAGE_DOWN,          /* over; DT_SESSION_EVENT_DOWN was queued */
} DtSessionStage;

/* What was negotiated, for the status window and the server's log. */
typedef struct {
    uint16_t call_id;
    uint16_t peer_call_id;
    DtAuthMethod auth;
    char peer_name[DT_AUTH_MAX_NAME]; /* server: the user who logged in */
    /* CCP option 18 per direction (tx: what we send, rx: what the peer sends). */
    bool ccp_up;
    DtCcpMppeResult ccp;
    bool encrypted;  /* MPPE on in both directions */
    DtMppeBits bits; /* the weaker direction's strength when encrypted */
    bool stateless;  /* both directions stateless */
    bool compressed; /* MPPC on in at least one direction */
    /* "MPPE 128-bit stateless, MPPC" / "no encryption or compression". */
    char description[DT_SESSION_MAX_DESCRIPTION];
    /* The option-18 octets (type, length, Supported Bits) as last sent in our
     * Configure-Request and as last received in the peer's. */
    bool have_ccp_sent;
    uint8_t ccp_sent[DT_CCP_OPT_MPPE_LEN];
    bool have_ccp_received;
    uint8_t ccp_received[DT_CCP_OPT_MPPE_LEN];
    /* IPCP (host order) and IPv6CP. */
    uint32_t local_ip;
    uint32_t peer_ip;
    uint32_t dns[2];
    uint32_t nbns[2];
    bool ipv6;
    uint8_t local_iid[8];
    uint8_t peer_iid[8];
    /* LCP: our MRU, the peer's MRU, the path MTU under the tunnel, and the TUN MTU that
     * dt_mtu_compute() makes of them (the largest IP packet that fits both the path and the
     * peer's MRU), at most DT_SESSION_MAX_MTU. */
    uint16_t mru;
    uint16_t peer_mru;
    uint16_t path_mtu;
    uint16_t mtu;
    /* Client: the server quirks applied when its SCCRP came (dt-quirks.h, DT_QUIRK_* bits). */
    uint32_t quirks;
} DtSessionSummary;

/* Why the session ended: the first meaningful cause recorded wins.  The
 * peer's bare Terminate-Request or cleared call (PEER_TERMINATED,
 * PEER_STOPPED) gives way to a real cause reported after it (AUTH_FAILED
 * from PPP, say), never to a local disconnect. */
typedef struct {
    DtReason reason;
    uint16_t protocol; /* the layer: 0x80FD CCP, 0xC223 CHAP, 0xC021 LCP …; 0 = PPTP control */
    int option;        /* the option concerned (18 for MPPE), -1 if none */
    /* Plain words: "MPPE required but the server refused it (we offered
     * 0x01000040: …; the server offered …)". */
    char message[DT_SESSION_MAX_MESSAGE];
} DtSessionDown;

typedef enum {
    DT_SESSION_EVENT_STAGE,      /* u.stage.from → u.stage.to */
    DT_SESSION_EVENT_NEGOTIATED, /* u.summary: at NETWORK_UP (the UI's connection details) */
    DT_SESSION_EVENT_LOG,        /* u.log: "layer=ccp event=up tx=… rx=…" (never per packet) */
    DT_SESSION_EVENT_DOWN,       /* u.down: once, last; the program may free the session */
} DtSessionEventType;

typedef struct {
    DtSessionEventType type;
    DtTime time;
    union {
        struct {
            DtSessionStage from, to;
        } stage;
        DtSessionSummary summary;
        DtSessionDown down;
        char log[DT_SESSION_MAX_LOG];
    } u;
} DtSessionEvent;

typedef struct {
    /* IP packets and their octets (the IP packet alone), each way. */
    uint64_t tx_packets;
    uint64_t tx_octets;
    uint64_t rx_packets;
    uint64_t rx_octets;
    /* GRE packets and octets (GRE header included), each way. */
    uint64_t gre_tx_packets;
    uint64_t gre_tx_octets;
    uint64_t gre_rx_packets;
    uint64_t gre_rx_octets;
    /* TUN packets not sent: link not up (or not encrypted yet when the
     * policy requires it), larger than the MTU, not IPv4/IPv6. */
    uint64_t tx_not_ready;
    uint64_t tx_too_big;
    uint64_t tx_errors;
    /* Receive drops. */
    uint64_t rx_unencrypted;  /* plain IP while encryption is required */
    uint64_t rx_mppe_dropped; /* MPPE refused the packet (dt_mppe_rx stats say why) */
    uint64_t rx_mppc_errors;
    uint64_t rx_not_ip;      /* datagrams of other protocols, or an NCP not open */
    uint64_t rx_undrained;   /* IP packets lost because poll_tun was not drained */
    uint64_t rx_ppp_dropped; /* PPP frames dt_ppp_input dropped */
    /* GRE receive window (dt-gre.h). */
    uint64_t gre_lost;
    uint64_t gre_reordered;
    uint64_t gre_duplicates;
    uint64_t gre_bogus;
    uint64_t gre_malformed;
    uint64_t gre_wrong_call;
    uint64_t gre_acks_only_sent;
    /* CCP resynchronisation (RFC 1962 §2.9). */
    uint64_t reset_requests_sent;
    uint64_t reset_requests_received;
    uint64_t reset_acks_received;
    /* MPPC: octets before and after compression (ratio = in / out). */
    uint64_t mppc_in;
    uint64_t mppc_out;
    /* TCP SYNs whose MSS was lowered to fit the MTU (dt_mtu_clamp_mss), each way. */
    uint64_t tx_mss_clamped;
    uint64_t rx_mss_clamped;
    uint64_t errors; /* every drop above that means something is wrong */
    /* Milliseconds since dt_session_start(), and since NETWORK_UP (0 before). */
    uint64_t duration_ms;
    uint64_t network_ms;
} DtSessionStats;

typedef struct DtSession DtSession;

/* NULL on a bad config (no crypto, server without ctrl or lookup …) or no
 * memory.  Allocates everything the session will ever need. */
DtSession *dt_session_new(const DtSessionConfig *cfg);
void dt_session_free(DtSession *s);

/* Client: the TCP connection to port 1723 is up: SCCRQ, then OCRQ, then PPP.
 * Server: the call was answered (DtPptpCtrl said CALL_UP or will): PPP starts. */
void dt_session_start(DtSession *s, DtTime now);
/* Administrative disconnect: LCP Terminate-Request, then the call and (client)
 * the control connection are closed.  DOWN follows with reason. */
void dt_session_close(DtSession *s, DtReason reason, DtTime now);

/* ---- control connection ---- */

/* Client: TCP octets; returns how many were taken (fewer only when output was
 * not pulled: pull it, then offer the rest again).  Server: returns 0. */
size_t dt_session_control_input(DtSession *s, const uint8_t *data, size_t len, DtTime now);
/* Client: the server closed the TCP connection. */
void dt_session_control_eof(DtSession *s, DtTime now);
/* Client: octets to write to TCP (peek, write, consume what was written).
 * Server: always none (the program writes its DtPptpCtrl's output). */
const uint8_t *dt_session_control_peek(const DtSession *s, size_t *len);
void dt_session_control_consume(DtSession *s, size_t n);
/* Server: an event of the program's DtPptpCtrl for this call (CALL_UP,
 * CALL_DOWN, SET_LINK_INFO, WAN_ERROR) or CLOSED.  Others are ignored. */
void dt_session_pptp_event(DtSession *s, const DtPptpEvent *ev, DtTime now);

/* ---- GRE (RFC 2637 §4) ---- */

/* One GRE packet, starting at the GRE header (dt-gre-sock.h strips IPv4).
 * pkt is decrypted in place: it must stay untouched until poll_tun is
 * drained.  Then drain dt_session_poll_tun(). */
void dt_session_gre_input(DtSession *s, uint8_t *pkt, size_t len, DtTime now);
/* The next IP packet for the TUN (IPv4 or IPv6, bare: IFF_NO_PI), or false.
 * Valid until the next call into the session. */
bool dt_session_poll_tun(DtSession *s, uint8_t **pkt, size_t *len);
/* The next GRE packet the session itself originates (PPP control frames,
 * ack-only packets), copied into buf (cap ≥ DT_SESSION_MAX_GRE); 0 = none. */
size_t dt_session_poll_gre(DtSession *s, uint8_t *buf, size_t cap);

/* ---- TUN → GRE ---- */

/* ip[0..len) is an IP packet with headroom writable octets before it
 * (≥ DT_SESSION_HEADROOM).  True: send the GRE packet *gre[0..*gre_len),
 * which lies inside ip − headroom … ip + len (the buffer is reused in
 * place).  False: dropped and counted (not up yet, too big, policy). */
bool dt_session_tun_input(DtSession *s, uint8_t *ip, size_t len, size_t headroom, DtTime now,
                          uint8_t **gre, size_t *gre_len);

/* ---- time, events, state ---- */

DtTime dt_session_next_deadline(const DtSession *s);
void dt_session_handle_timeout(DtSession *s, DtTime now);
bool dt_session_poll_event(DtSession *s, DtSessionEvent *ev);

DtSessionRole dt_session_role(const DtSession *s);
DtSessionStage dt_session_stage(const DtSession *s);
/* True once DOWN was queued: nothing more will happen but draining output. */
bool dt_session_is_down(const DtSession *s);
/* Filled in as layers come up; complete at NETWORK_UP. */
const DtSessionSummary *dt_session_summary(const DtSession *s);
/* DT_REASON_NONE while up. */
const DtSessionDown *dt_session_down(const DtSession *s);
/* The MTU for the TUN (0 before LCP is up); final at NETWORK_UP. */
uint16_t dt_session_mtu(const DtSession *s);
uint16_t dt_session_call_id(const DtSession *s);
void dt_session_stats(const DtSession *s, DtTime now, DtSessionStats *out);
/* The layers, for diagnostics and tests (the client's own DtPptpCtrl, or the
 * borrowed one of a server session). */
const DtPpp *dt_session_ppp(const DtSession *s);
const DtPptpCtrl *dt_session_ctrl(const DtSession *s);

const char *dt_session_stage_to_string(DtSessionStage st);
const char *dt_session_event_type_to_string(DtSessionEventType t);

#endif /* DT_SESSION_H */
