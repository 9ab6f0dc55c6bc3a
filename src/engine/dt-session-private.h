/* dt-session-private.h — the DtSession struct, shared by dt-session.c (the
 * control plane: layers, events, teardown) and dt-session-data.c (the data
 * path: TUN ⇄ PPP ⇄ CCP ⇄ GRE). */
#ifndef DT_SESSION_PRIVATE_H
#define DT_SESSION_PRIVATE_H

#include "dt-ccp.h"
#include "dt-session.h"

struct DtSession {
    DtSessionConfig cfg; /* credentials cleared: DtPpp keeps its own copy */
    DtPptpCtrl *ctrl;
    bool own_ctrl;
    uint16_t call_id;
    uint16_t peer_call_id;
    bool call_placed; /* client: OCRQ queued */
    bool call_up;     /* GRE may flow */
    bool ctrl_closed;

    DtGreTx gtx;
    DtGreRx *grx;
    DtPpp *ppp;
    DtCcp *ccp; /* NULL when the policy wants neither MPPE nor MPPC */
    bool ppp_started;
    bool ppp_down;

    DtSessionStage stage;
    DtSessionSummary sum;
    DtSessionDown down;
    bool ipcp_up;
    bool ipv6cp_up;
    bool ccp_settled; /* CCP up, or finished without the policy needing it */
    bool required;    /* the policy requires encryption */
    bool ccp_off;     /* CCP finished without being required: plain IP allowed */
    /* Without a CCP of ours (policy: no MPPE, no MPPC) the peer's CCP is
     * Protocol-Rejected; what its Configure-Request asked for in option 18
     * is kept, so that its Terminate-Request can be told apart as "the
     * server requires MPPE" (dt_session_note_unasked_ccp). */
    bool peer_ccp_mppe;
    uint32_t peer_ccp_bits;

    DtSessionEvent events[DT_SESSION_EVENT_QUEUE];
    unsigned ev_head;
    unsigned ev_count;
    uint64_t events_dropped;
    bool down_reported; /* DOWN is queued: it stays the last event */

    /* Receive: the in-order packet of the last dt_gre_rx_input (in the
     * caller's buffer), then what dt_gre_rx_pop releases (copied). */
    uint8_t *rx_first;
    size_t rx_first_len;
    bool rx_pop_pending;
    uint8_t rx_copy[DT_SESSION_MAX_PACKET];
    uint8_t rx_clamp[DT_SESSION_MAX_PACKET]; /* a SYN out of the MPPC history, clamped */

    DtTime now;
    DtTime started_at;
    DtTime network_at;
    bool started;
    DtSessionStats stats; /* the session's own counters; the rest are read live */
};

/* dt-session.c, for the data path: handle the layers' events after PPP input. */
void dt_session_pump(DtSession *s);
/* dt-session.c, for the data path: a PPP frame (address/control optional)
 * that may be the peer's CCP Configure-Request while we run no CCP. */
void dt_session_note_unasked_ccp(DtSession *s, const uint8_t *frame, size_t len);
void dt_session_log(DtSession *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* DT_SESSION_PRIVATE_H */
