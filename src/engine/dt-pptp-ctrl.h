/* dt-pptp-ctrl.h — the PPTP control connection (RFC 2637 §1.3, §2, §3), both roles.
 *
 * The VPN client is the PNS: it sends Start-Control-Connection-Request and
 * Outgoing-Call-Request.  The VPN server is the PAC: it answers them, and
 * one control connection may carry many calls (told apart by Call ID).
 *
 * Sans-IO.  Input: the TCP stream's octets in any fragmentation
 * (dt_pptp_ctrl_input; a bounded reassembly buffer), end of stream, and
 * timeouts.  Output, pulled: octets to write to the TCP socket, events, and
 * the next deadline.  Any Length that disagrees with its message type ends
 * the connection at once (DT_REASON_MALFORMED) instead of waiting for
 * octets that will never come.  After DT_PPTP_EVENT_CLOSED, write what is
 * still pending (a last reply) and close the socket.
 */
#ifndef DT_PPTP_CTRL_H
#define DT_PPTP_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt-pptp-msg.h"
#include "dt-reason.h"
#include "dt-time.h"

#define DT_PPTP_CTRL_MAX_CALLS 4096
#define DT_PPTP_CTRL_MESSAGE_LEN 256

typedef enum {
    DT_PPTP_ROLE_PNS, /* the VPN client */
    DT_PPTP_ROLE_PAC, /* the VPN server */
} DtPptpRole;

typedef enum {
    DT_PPTP_CTRL_IDLE,            /* before dt_pptp_ctrl_start() */
    DT_PPTP_CTRL_WAIT_SCCRP,      /* PNS: SCCRQ sent */
    DT_PPTP_CTRL_WAIT_SCCRQ,      /* PAC: TCP accepted, nothing heard yet */
    DT_PPTP_CTRL_ESTABLISHED,     /* calls may be made */
    DT_PPTP_CTRL_WAIT_STOP_REPLY, /* we sent Stop-Control-Connection-Request */
    DT_PPTP_CTRL_CLOSED,          /* over; see dt_pptp_ctrl_reason() */
} DtPptpCtrlState;

typedef enum {
    DT_PPTP_CALL_FREE,
    DT_PPTP_CALL_PENDING,     /* PNS: OCRQ waits for the control connection */
    DT_PPTP_CALL_WAIT_REPLY,  /* PNS: OCRQ sent */
    DT_PPTP_CALL_WAIT_ANSWER, /* PAC: OCRQ received; dt_pptp_ctrl_answer_call() decides */
    DT_PPTP_CALL_ESTABLISHED,
    DT_PPTP_CALL_WAIT_CDN, /* PNS: Call-Clear-Request sent */
} DtPptpCallState;

typedef struct {
    DtPptpRole role;
    /* What we say about ourselves in SCCRQ/SCCRP (copied; NULL → ""). */
    const char *host_name;
    const char *vendor;
    uint16_t firmware;
    uint32_t framing_caps; /* 0 → async|sync */
    uint32_t bearer_caps;  /* 0 → analog|digital */
    /* Simultaneous calls: 0 → 1 for the PNS, 64 for the PAC; ≤ DT_PPTP_CTRL_MAX_CALLS.
     * The PAC advertises it as Maximum-Channels. */
    unsigned max_calls;
    /* First Call ID handed out (then +1, skipping 0 and IDs in use).  Pick
     * it at random so a NAT's PPTP helper and a restarted peer see fresh
     * IDs; 0 → 1. */
    uint16_t call_id_base;
    /* Call parameters: the PNS puts them in OCRQ, the PAC in OCRP. */
    uint16_t recv_window;      /* 0 → 64 (Windows) */
    uint16_t processing_delay; /* tenths of a second */
    uint32_t min_bps;          /* 0 → 300 */
    uint32_t max_bps;          /* 0 → 100 000 000 */
    uint32_t bearer_type;      /* 0 → either */
    uint32_t framing_type;     /* 0 → either */
    /* Timers in ms, 0 → default.  Echo (RFC 2637 §2.5): an Echo-Request
     * after echo_interval_ms (60 s) without any control message; closed
     * with DT_REASON_ECHO_TIMEOUT if no reply in echo_timeout_ms (60 s).
     * reply_timeout_ms (60 s): each wait for SCCRQ, SCCRP, OCRP and CDN.
     * stop_timeout_ms (10 s): the wait for Stop-Control-Connection-Reply. */
    uint32_t echo_interval_ms;
    uint32_t echo_timeout_ms;
    uint32_t reply_timeout_ms;
    uint32_t stop_timeout_ms;
} DtPptpCtrlConfig;

typedef enum {
    DT_PPTP_EVENT_NONE,
    DT_PPTP_EVENT_CONTROL_UP,    /* SCCRQ/SCCRP exchanged; dt_pptp_ctrl_peer() is known */
    DT_PPTP_EVENT_CALL_REQUEST,  /* PAC: an OCRQ; answer with dt_pptp_ctrl_answer_call() */
    DT_PPTP_EVENT_CALL_UP,       /* the call is connected: GRE may flow */
    DT_PPTP_EVENT_CALL_DOWN,     /* the call is gone (reason, words) */
    DT_PPTP_EVENT_SET_LINK_INFO, /* PAC: the PNS sent ACCMs (informational over GRE) */
    DT_PPTP_EVENT_WAN_ERROR,     /* PNS: the PAC reported line errors (counted in call info) */
    DT_PPTP_EVENT_CLOSED,        /* the control connection is over; all calls with it */
} DtPptpEventType;

typedef struct {
    DtPptpEventType type;
    uint16_t call_id;      /* ours (call events) */
    uint16_t peer_call_id; /* the peer's: it goes in the GRE Key of what we send */
    DtReason reason;       /* CALL_DOWN, CLOSED */
    uint8_t result;        /* the Result-Code behind it, if any */
    uint8_t error;
    uint16_t cause;
    char message[DT_PPTP_CTRL_MESSAGE_LEN]; /* plain words for logs and people */
} DtPptpEvent;

/* The peer's SCCRQ/SCCRP: which server (or client) this is, for diagnostics. */
typedef struct {
    bool valid;
    uint16_t version;
    uint32_t framing_caps;
    uint32_t bearer_caps;
    uint16_t max_channels;
    uint16_t firmware;
    char host_name[DT_PPTP_TEXT_LEN + 1];
    char vendor[DT_PPTP_TEXT_LEN + 1];
} DtPptpPeerInfo;

typedef struct {
    DtPptpCallState state;
    uint16_t call_id;
    uint16_t peer_call_id;
    uint16_t serial;
    uint32_t connect_speed;    /* OCRP's, or the PAC's answer */
    uint16_t peer_recv_window; /* the peer's Packet-Recv-Window-Size */
    uint16_t peer_processing_delay;
    uint32_t peer_min_bps; /* PAC: from the OCRQ */
    uint32_t peer_max_bps;
    uint32_t peer_bearer_type;
    uint32_t peer_framing_type;
    char phone[DT_PPTP_TEXT_LEN + 1];
    bool have_accm; /* PAC: from Set-Link-Info */
    uint32_t send_accm;
    uint32_t recv_accm;
    uint64_t wan_error_notifies; /* PNS: WAN-Error-Notify messages and their sums */
    DtPptpWen wan_errors;
} DtPptpCallInfo;

typedef struct {
    uint64_t messages_in;
    uint64_t messages_out;
    uint64_t unexpected;       /* valid messages not expected in this state or role */
    uint64_t skipped;          /* unknown types, management messages, nonzero Reserved0 */
    uint64_t call_id_mismatch; /* a Call ID that is none of ours */
    uint64_t echo_requests_sent;
    uint64_t echo_replies_received;
    uint64_t echo_requests_answered;
    uint64_t wan_error_notifies;
} DtPptpCtrlStats;

typedef struct DtPptpCtrl DtPptpCtrl;

/* NULL on a bad config or no memory. */
DtPptpCtrl *dt_pptp_ctrl_new(const DtPptpCtrlConfig *config);
void dt_pptp_ctrl_free(DtPptpCtrl *c);

/* Once the TCP connection is up.  PNS: sends SCCRQ; PAC: waits for it. */
void dt_pptp_ctrl_start(DtPptpCtrl *c, DtTime now);
/* Takes TCP octets; returns how many were taken (fewer than len only when
 * the buffers are full because events or output were not pulled: pull
 * them, then offer the rest again). */
size_t dt_pptp_ctrl_input(DtPptpCtrl *c, const uint8_t *data, size_t len, DtTime now);
/* How many octets dt_pptp_ctrl_input() would take now. */
size_t dt_pptp_ctrl_input_space(const DtPptpCtrl *c);
/* The peer closed the TCP connection. */
void dt_pptp_ctrl_input_eof(DtPptpCtrl *c, DtTime now);
void dt_pptp_ctrl_handle_timeout(DtPptpCtrl *c, DtTime now);
DtTime dt_pptp_ctrl_next_deadline(const DtPptpCtrl *c);

/* Octets to write to TCP: peek, write, consume what was written. */
const uint8_t *dt_pptp_ctrl_peek_transmit(const DtPptpCtrl *c, size_t *len);
void dt_pptp_ctrl_consume_transmit(DtPptpCtrl *c, size_t n);
/* Or copy (and consume) up to cap octets; returns the count. */
size_t dt_pptp_ctrl_poll_transmit(DtPptpCtrl *c, uint8_t *buf, size_t cap);
/* False when no event is queued. */
bool dt_pptp_ctrl_poll_event(DtPptpCtrl *c, DtPptpEvent *ev);

/* PNS: places a call (OCRQ now, or as soon as the control connection is
 * up); *call_id receives our Call ID.  False if no call slot is free. */
bool dt_pptp_ctrl_call(DtPptpCtrl *c, DtTime now, uint16_t *call_id);
/* PAC: answers a CALL_REQUEST with an OCRP.  result DT_PPTP_OCRP_CONNECTED
 * accepts (connect_speed 0 → the PNS's Maximum-BPS); any other refuses
 * with that result, error and cause.  False if call_id is not waiting. */
bool dt_pptp_ctrl_answer_call(DtPptpCtrl *c, uint16_t call_id, uint8_t result, uint8_t error,
                              uint16_t cause, uint32_t connect_speed, DtTime now);
/* PNS: Set-Link-Info with the ACCMs PPP negotiated (send after LCP is up;
 * RFC 2637 §2.15; 0xFFFFFFFF is the default). */
bool dt_pptp_ctrl_set_link_info(DtPptpCtrl *c, uint16_t call_id, uint32_t send_accm,
                                uint32_t recv_accm, DtTime now);
/* Ends a call: the PNS sends Call-Clear-Request and waits for the
 * Call-Disconnect-Notify; the PAC sends Call-Disconnect-Notify
 * (administrative shutdown).  CALL_DOWN follows. */
bool dt_pptp_ctrl_clear_call(DtPptpCtrl *c, uint16_t call_id, DtTime now);
/* Clears the calls and sends Stop-Control-Connection-Request with reason
 * (DT_PPTP_STOP_REASON_*); CLOSED follows the reply or stop_timeout_ms.
 * Before the connection is up it just closes. */
void dt_pptp_ctrl_stop(DtPptpCtrl *c, uint8_t reason, DtTime now);

DtPptpRole dt_pptp_ctrl_role(const DtPptpCtrl *c);
DtPptpCtrlState dt_pptp_ctrl_state(const DtPptpCtrl *c);
const char *dt_pptp_ctrl_state_to_string(DtPptpCtrlState s);
const char *dt_pptp_call_state_to_string(DtPptpCallState s);
/* Why the connection closed (DT_REASON_NONE while open) and in words. */
DtReason dt_pptp_ctrl_reason(const DtPptpCtrl *c);
const char *dt_pptp_ctrl_reason_message(const DtPptpCtrl *c);
const DtPptpPeerInfo *dt_pptp_ctrl_peer(const DtPptpCtrl *c);
bool dt_pptp_ctrl_call_info(const DtPptpCtrl *c, uint16_t call_id, DtPptpCallInfo *info);
/* Calls not FREE. */
unsigned dt_pptp_ctrl_call_count(const DtPptpCtrl *c);
const DtPptpCtrlStats *dt_pptp_ctrl_stats(const DtPptpCtrl *c);

#endif /* DT_PPTP_CTRL_H */
