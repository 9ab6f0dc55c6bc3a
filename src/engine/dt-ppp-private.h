/* dt-ppp-private.h — the DtPpp struct and the helpers dt-ppp.c (lifecycle,
 * queues, input, time) shares with dt-ppp-phase.c (authentication, the
 * network phase and the layers' notifications).  Not for other modules:
 * they use dt-ppp.h. */
#ifndef DT_PPP_PRIVATE_H
#define DT_PPP_PRIVATE_H

#include "dt-ppp.h"

/* How many Protocol-Rejects we send are logged, per link (the counter has all). */
#define DT_PPP_PROTOCOL_REJECT_LOGS 8

typedef struct {
    DtFsm *fsm;
    uint16_t data_protocol;
    bool builtin; /* IPCP/IPv6CP: the link is useless once all of these failed */
} DtPppNcp;

typedef struct {
    uint8_t data[DT_PPP_MAX_CONTROL];
    size_t len;
    uint32_t accm;
    uint16_t protocol;
} DtPppTxSlot;

struct DtPpp {
    DtPppConfig cfg;
    char user[DT_AUTH_MAX_NAME];
    char password[DT_AUTH_MAX_PACKET];
    char local_name[DT_AUTH_MAX_NAME];

    DtLcp lcp;
    DtIpcp ipcp;
    DtIpv6cp ipv6cp;
    DtPppNcp ncp[DT_PPP_MAX_NCP];
    size_t n_ncp;

    DtAuth *auth;
    bool auth_reported;
    DtTime auth_deadline;

    DtPppPhase phase;
    bool network;       /* the NCPs were started for this LCP session */
    DtTime data_at;     /* the last datagram either way (or the network phase's start) */
    bool lcp_finished;  /* tlf seen: report the link down */
    bool down_reported; /* once per dt_ppp_open */
    bool ncp_check;
    uint16_t fail_protocol;
    bool quiet_rejects; /* dt_ppp_set_quiet_rejects */
    DtTime now;

    DtPppTxSlot tx[DT_PPP_TX_QUEUE];
    size_t tx_head, tx_count;
    DtPppEvent ev[DT_PPP_EVENT_QUEUE];
    size_t ev_head, ev_count;
    DtPppStats stats;
};

/* dt-ppp.c */
/* A cleared event slot stamped with p->now, or NULL (counted) when full. */
DtPppEvent *dt_ppp_push_event(DtPpp *p, DtPppEventType type);
/* A key=value DT_PPP_EVENT_LOG line. */
void dt_ppp_log_line(DtPpp *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frames a control packet (Address/Control, Protocol) onto the output queue. */
void dt_ppp_enqueue_frame(DtPpp *p, uint16_t protocol, const uint8_t *pkt, size_t len);
/* Ends the link through LCP; the first cause wins. */
void dt_ppp_fail_link(DtPpp *p, DtReason reason, uint16_t protocol, int option,
                      const char *message);

/* dt-ppp-phase.c */
/* Run after every entry point: authentication output and result, NCP
 * failures, link down, phase change. */
void dt_ppp_after_call(DtPpp *p);
/* DtLcpHooks.protocol_rejected: ctx is the DtPpp. */
void dt_ppp_protocol_rejected_cb(void *ctx, uint16_t protocol, DtTime now);

#endif /* DT_PPP_PRIVATE_H */
