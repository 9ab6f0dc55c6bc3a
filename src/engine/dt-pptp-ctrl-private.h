/* dt-pptp-ctrl-private.h — the DtPptpCtrl struct and the helpers dt-pptp-ctrl.c
 * (the control connection) shares with dt-pptp-ctrl-call.c (its calls).
 * Not for other modules: they use dt-pptp-ctrl.h. */
#ifndef DT_PPTP_CTRL_PRIVATE_H
#define DT_PPTP_CTRL_PRIVATE_H

#include "dt-pptp-ctrl.h"

#define DT_PPTP_CTRL_RX_CAP 4096
#define DT_PPTP_CTRL_TX_CAP 8192
#define DT_PPTP_CTRL_EVENT_CAP 32

typedef struct {
    DtPptpCallInfo info;
    DtTime deadline; /* WAIT_REPLY, WAIT_CDN */
} DtPptpCtrlCall;

struct DtPptpCtrl {
    DtPptpCtrlConfig config;
    char host_name[DT_PPTP_TEXT_LEN + 1];
    char vendor[DT_PPTP_TEXT_LEN + 1];
    DtPptpCtrlState state;
    DtTime now;
    DtTime state_deadline;
    DtReason reason;
    char reason_message[DT_PPTP_CTRL_MESSAGE_LEN];
    DtPptpPeerInfo peer;

    /* Echo keepalive (RFC 2637 §2.5). */
    DtTime last_rx;
    bool echo_outstanding;
    uint32_t echo_id;
    DtTime echo_sent_at;

    DtPptpCtrlCall *calls;
    unsigned call_count;
    uint16_t next_call_id;
    uint16_t next_serial;

    uint8_t rx[DT_PPTP_CTRL_RX_CAP];
    size_t rx_off, rx_len; /* unread octets: rx[rx_off .. rx_len) */
    uint8_t tx[DT_PPTP_CTRL_TX_CAP];
    size_t tx_off, tx_len;
    DtPptpEvent events[DT_PPTP_CTRL_EVENT_CAP];
    unsigned ev_head, ev_len;
    DtPptpCtrlStats stats;
};

/* dt-pptp-ctrl.c */
/* Encodes m onto the TCP output; false if it does not fit. */
bool dt_pptp_ctrl_send_msg(DtPptpCtrl *c, const DtPptpMsg *m);
/* A cleared slot of the event queue, or NULL when it is full. */
DtPptpEvent *dt_pptp_ctrl_push_event(DtPptpCtrl *c, DtPptpEventType type);
/* printf into a DT_PPTP_CTRL_MESSAGE_LEN buffer. */
void dt_pptp_ctrl_set_message(char *buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* dt-pptp-ctrl-call.c: the calls (RFC 2637 §2.7–§2.15). */
bool dt_pptp_ctrl_send_ocrq(DtPptpCtrl *c, DtPptpCtrlCall *k);
void dt_pptp_ctrl_send_ccrq(DtPptpCtrl *c, uint16_t call_id);
void dt_pptp_ctrl_send_cdn(DtPptpCtrl *c, uint16_t call_id, uint8_t result);
void dt_pptp_ctrl_calls_timeout(DtPptpCtrl *c, DtTime now);
void dt_pptp_ctrl_on_ocrq(DtPptpCtrl *c, const DtPptpOcrq *o);
void dt_pptp_ctrl_on_ocrp(DtPptpCtrl *c, const DtPptpOcrp *o);
void dt_pptp_ctrl_on_icrq(DtPptpCtrl *c, const DtPptpIcrq *i);
void dt_pptp_ctrl_on_ccrq(DtPptpCtrl *c, const DtPptpCcrq *q);
void dt_pptp_ctrl_on_cdn(DtPptpCtrl *c, const DtPptpCdn *d);
void dt_pptp_ctrl_on_wen(DtPptpCtrl *c, const DtPptpWen *w);
void dt_pptp_ctrl_on_sli(DtPptpCtrl *c, const DtPptpSli *s);

#endif /* DT_PPTP_CTRL_PRIVATE_H */
