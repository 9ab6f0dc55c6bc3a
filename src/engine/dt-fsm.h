/* dt-fsm.h — the RFC 1661 §4 option-negotiation automaton, written once.
 *
 * LCP, IPCP, IPv6CP and (later) CCP each embed a DtFsm and give it a table
 * of callbacks (the shape of lwIP's fsm/protent): build our
 * Configure-Request, judge each option of the peer's request, take in the
 * Ack/Nak/Reject of ours, and hear This-Layer-Up/Down/Started/Finished.
 * The automaton does the rest: the ten states, the restart timer and
 * counters (§4.6), Identifier matching, Terminate and Code-Reject
 * handling.  It never does I/O: packets go to the owner's output hook,
 * which frames them; time comes in as `now`.
 */
#ifndef DT_FSM_H
#define DT_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dt-buf.h"
#include "dt-reason.h"
#include "dt-time.h"

/* RFC 1661 §5 codes (1–7 shared by every protocol using the automaton). */
enum {
    DT_FSM_CONF_REQ = 1,
    DT_FSM_CONF_ACK = 2,
    DT_FSM_CONF_NAK = 3,
    DT_FSM_CONF_REJ = 4,
    DT_FSM_TERM_REQ = 5,
    DT_FSM_TERM_ACK = 6,
    DT_FSM_CODE_REJ = 7,
};

/* RFC 1661 §4.6 defaults. */
#define DT_FSM_RESTART_MS 3000
#define DT_FSM_MAX_TERMINATE 2
#define DT_FSM_MAX_CONFIGURE 10
#define DT_FSM_MAX_FAILURE 5
/* Naks received for our request before we call it "not converging" (pppd
 * has the same guard; the RFC leaves it to the implementation). */
#define DT_FSM_MAX_NAK_RECEIVED 10
/* Configure-Rejects we send without an Ack in between before calling it "not converging": a
 * peer that asks again and again for what we rejected (§5.4 says it must not) would otherwise
 * keep the link in Establish forever, each of its requests answered at once. */
#define DT_FSM_MAX_REJECT_SENT 10

/* Largest option list we send or remember (our requests are short). */
#define DT_FSM_MAX_REQUEST 128
#define DT_FSM_MAX_MESSAGE 128

typedef enum {
    DT_FSM_INITIAL = 0,
    DT_FSM_STARTING,
    DT_FSM_CLOSED,
    DT_FSM_STOPPED,
    DT_FSM_CLOSING,
    DT_FSM_STOPPING,
    DT_FSM_REQ_SENT,
    DT_FSM_ACK_RCVD,
    DT_FSM_ACK_SENT,
    DT_FSM_OPENED,
} DtFsmState;

/* The verdict on one option of the peer's Configure-Request. */
typedef enum {
    DT_FSM_OPT_ACK,
    DT_FSM_OPT_NAK, /* the callback wrote the whole option (type, len, value) to nak */
    DT_FSM_OPT_REJ,
} DtFsmOptVerdict;

/* What an extra code (LCP 8–13, CCP 14–15) amounts to for the automaton. */
typedef enum {
    DT_FSM_EXTRA_UNKNOWN, /* not a code of this protocol: RUC, send Code-Reject */
    DT_FSM_EXTRA_HANDLED, /* RXR or a code handled in full by the protocol */
    DT_FSM_EXTRA_MALFORMED,
} DtFsmExtraResult;

typedef struct DtFsm DtFsm;

/* Where magic numbers, challenges and identifiers come from: by default
 * dt_crypto_random; tests pass a seeded source for repeatable runs. */
typedef bool (*DtRandomFn)(void *ctx, void *buf, size_t len);
typedef struct {
    DtRandomFn fn;
    void *ctx;
} DtRandom;

static inline void
dt_random_fill(const DtRandom *r, void *buf, size_t len)
{
    if (!r->fn || !r->fn(r->ctx, buf, len))
        memset(buf, 0, len); /* callers treat 0 as "pick again" where it matters */
}

/* Per-protocol behaviour.  Every callback gets the automaton; the
 * protocol's own state is f->proto_ctx.  NULL entries are skipped. */
typedef struct {
    const char *name;                      /* "lcp", "ipcp" — the layer in logs */
    const char *(*option_name)(uint8_t t); /* "mru" — for messages; may be NULL */
    /* Write the options of our next Configure-Request. */
    void (*build_request)(DtFsm *f, DtWriter *w);
    /* The peer's Configure-Request: begin, one call per option, done with
     * the verdict sent (commit the peer's values only when it is ACK). */
    void (*request_begin)(DtFsm *f);
    DtFsmOptVerdict (*check_option)(DtFsm *f, uint8_t type, const uint8_t *val, size_t vlen,
                                    DtWriter *nak);
    void (*request_done)(DtFsm *f, uint8_t code);
    /* The peer acked our last request (already checked byte for byte). */
    void (*acked)(DtFsm *f);
    /* One option of a Nak / Reject of our last request.  Return false if the
     * packet makes no sense (it is then dropped as malformed). */
    bool (*nak_option)(DtFsm *f, uint8_t type, const uint8_t *val, size_t vlen);
    bool (*reject_option)(DtFsm *f, uint8_t type);
    /* This-Layer-Up may veto (return false): the automaton then closes. */
    bool (*up)(DtFsm *f);
    void (*down)(DtFsm *f);
    void (*started)(DtFsm *f);
    void (*finished)(DtFsm *f);
    /* Codes beyond 7.  data/len is the packet's data after the header. */
    DtFsmExtraResult (*extra_code)(DtFsm *f, uint8_t code, uint8_t id, const uint8_t *data,
                                   size_t len);
} DtFsmCallbacks;

typedef enum {
    DT_FSM_NOTIFY_UP,
    DT_FSM_NOTIFY_DOWN,
    DT_FSM_NOTIFY_STARTED,
    DT_FSM_NOTIFY_FINISHED,
} DtFsmNotify;

/* The owner (dt-ppp, or a test) frames and queues what the automaton sends,
 * and hears the layer actions after the protocol has. */
typedef struct {
    void (*output)(void *owner, DtFsm *f, const uint8_t *pkt, size_t len);
    void (*notify)(void *owner, DtFsm *f, DtFsmNotify what);
    void *owner;
} DtFsmOwner;

typedef struct {
    uint32_t restart_ms; /* 0 → defaults for every field */
    unsigned max_terminate;
    unsigned max_configure;
    unsigned max_failure;
    unsigned max_nak_received;
} DtFsmTimers;

struct DtFsm {
    const DtFsmCallbacks *cb;
    void *proto_ctx;
    DtFsmOwner owner;
    uint16_t protocol;

    DtFsmState state;
    DtFsmTimers timers;
    DtTime now;      /* of the call being handled */
    DtTime deadline; /* restart timer, DT_TIME_NEVER when stopped */
    unsigned restart_count;
    unsigned naks_sent;     /* Max-Failure: Naks sent without an Ack in between */
    unsigned rejects_sent;  /* Rejects sent without an Ack in between */
    unsigned acks_only;     /* our requests acked while the peer sent none of its own */
    unsigned naks_received; /* since the layer last came up */
    bool passive;           /* tlf/3p: wait in Stopped for the peer */

    uint8_t next_id;
    uint8_t req_id;    /* Identifier of our outstanding Configure-Request */
    bool req_answered; /* an Ack/Nak/Reject with req_id was taken: ignore repeats */
    uint8_t term_id;
    uint8_t req[DT_FSM_MAX_REQUEST]; /* its options, to check an Ack byte for byte */
    size_t req_len;

    /* Why the layer went down (first cause wins until the next Open). */
    DtReason reason;
    int reason_option; /* option type concerned, -1 if none */
    char message[DT_FSM_MAX_MESSAGE];

    uint64_t dropped; /* malformed or unexpected packets */
    /* The option types we Configure-Rejected since the last Open, a bit per
     * type (what the peer offered that we do not use: VJ, callback, Deflate …),
     * and how many options that was in all. */
    uint8_t rejected_types[32];
    uint64_t options_rejected;
    /* The peer answered our Configure-Request with Terminate-Ack in Req-Sent:
     * its automaton was Closed and dropped the request (pppd keeps IPCP closed
     * until CCP is up when MPPE is required).  Its own Configure-Request then
     * shows it is listening: ours is resent at once, not after the restart
     * timer. */
    bool peer_term_acked;
};

void dt_fsm_init(DtFsm *f, uint16_t protocol, const DtFsmCallbacks *cb, void *proto_ctx,
                 const DtFsmOwner *owner, const DtFsmTimers *timers);

/* Administrative and lower-layer events (RFC 1661 §4.1: Up, Down, Open, Close). */
void dt_fsm_lower_up(DtFsm *f, DtTime now);
void dt_fsm_lower_down(DtFsm *f, DtTime now);
void dt_fsm_open(DtFsm *f, DtTime now);
void dt_fsm_close(DtFsm *f, DtTime now);
/* Record why (unless a cause is already recorded) and Close. */
void dt_fsm_fail(DtFsm *f, DtReason reason, int option, const char *message, DtTime now);
/* dt_fsm_fail for a peer that has stopped answering: one Terminate-Request,
 * no retransmissions, and Closed wait_ms later unless it is acked first. */
void dt_fsm_fail_unanswered(DtFsm *f, DtReason reason, const char *message, DtTime wait_ms,
                            DtTime now);
/* RXJ- from outside (LCP Protocol-Reject naming this protocol). */
void dt_fsm_protocol_rejected(DtFsm *f, DtTime now);

/* pkt = Code, Identifier, Length, Data (the PPP information field). */
void dt_fsm_input(DtFsm *f, const uint8_t *pkt, size_t len, DtTime now);
DtTime dt_fsm_next_deadline(const DtFsm *f);
void dt_fsm_handle_timeout(DtFsm *f, DtTime now);

/* Send a packet of this protocol (extra codes: Echo-Reply, Reset-Ack …). */
void dt_fsm_send(DtFsm *f, uint8_t code, uint8_t id, const uint8_t *data, size_t len);
/* A fresh Identifier for packets the protocol originates (Echo-Request). */
uint8_t dt_fsm_new_id(DtFsm *f);

/* The rejected option types as "2,13" (empty when none); returns the length. */
size_t dt_fsm_rejected_types(const DtFsm *f, char *buf, size_t len);

const char *dt_fsm_state_to_string(DtFsmState s);

#endif /* DT_FSM_H */
