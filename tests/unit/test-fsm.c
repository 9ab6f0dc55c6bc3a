/* test-fsm.c — every cell of the RFC 1661 §4.1 state transition table.
 *
 * A dummy protocol drives a DtFsm with a fake clock.  Its one option (type 1,
 * one octet) is acked when the value is 0, Nak'd when 1, rejected otherwise;
 * codes 9–11 are its "RXR" codes and it answers code 9 with code 10 in
 * Opened (ser).  For each state we reach it through real events, apply one
 * event, and compare the actions and the new state with the table as
 * printed (PROTOCOL.md §3.5).
 */
#include <string.h>

#include "dt-fsm.h"
#include "dt-test.h"

typedef struct {
    DtFsm fsm;
    GString *actions; /* "scr,sca,tlu" as they happen */
    guint8 last_sent[64];
    gsize last_len;
    int sent;
} Harness;

static void
record(Harness *h, const char *a)
{
    if (h->actions->len)
        g_string_append_c(h->actions, ',');
    g_string_append(h->actions, a);
}

static void
output_cb(void *owner, DtFsm *f, const uint8_t *pkt, size_t len)
{
    (void)f;
    Harness *h = owner;
    static const char *const names[] = {"?",   "scr", "sca", "scn", "scn", "str",
                                        "sta", "scj", "?",   "?",   "ser"};
    record(h, pkt[0] < G_N_ELEMENTS(names) ? names[pkt[0]] : "?");
    h->last_len = MIN(len, sizeof(h->last_sent));
    memcpy(h->last_sent, pkt, h->last_len);
    h->sent++;
}

static void
notify_cb(void *owner, DtFsm *f, DtFsmNotify what)
{
    (void)f;
    static const char *const names[] = {"tlu", "tld", "tls", "tlf"};
    record(owner, names[what]);
}

static void
dummy_build(DtFsm *f, DtWriter *w)
{
    (void)f;
    dt_writer_u8(w, 1);
    dt_writer_u8(w, 3);
    dt_writer_u8(w, 0);
}

static DtFsmOptVerdict
dummy_check(DtFsm *f, uint8_t type, const uint8_t *val, size_t vlen, DtWriter *nak)
{
    (void)f;
    if (type != 1 || vlen != 1 || val[0] > 1)
        return DT_FSM_OPT_REJ;
    if (val[0] == 0)
        return DT_FSM_OPT_ACK;
    dt_writer_u8(nak, 1);
    dt_writer_u8(nak, 3);
    dt_writer_u8(nak, 0);
    return DT_FSM_OPT_NAK;
}

static DtFsmExtraResult
dummy_extra(DtFsm *f, uint8_t code, uint8_t id, const uint8_t *data, size_t len)
{
    if (code < 9 || code > 11)
        return DT_FSM_EXTRA_UNKNOWN;
    if (code == 9 && f->state == DT_FSM_OPENED)
        dt_fsm_send(f, 10, id, data, len);
    return DT_FSM_EXTRA_HANDLED;
}

static const DtFsmCallbacks dummy_cb = {
    .name = "dummy",
    .build_request = dummy_build,
    .check_option = dummy_check,
    .extra_code = dummy_extra,
};

static DtTime now;

static void
harness_init(Harness *h)
{
    memset(h, 0, sizeof(*h));
    h->actions = g_string_new(NULL);
    DtFsmOwner owner = {.output = output_cb, .notify = notify_cb, .owner = h};
    dt_fsm_init(&h->fsm, 0x8001, &dummy_cb, h, &owner, NULL);
    now = 1000;
}

static void
harness_clear(Harness *h)
{
    g_string_free(h->actions, TRUE);
}

static void
feed(Harness *h, uint8_t code, uint8_t id, const uint8_t *data, size_t len)
{
    guint8 pkt[64];
    pkt[0] = code;
    pkt[1] = id;
    pkt[2] = 0;
    pkt[3] = (guint8)(len + 4);
    if (len)
        memcpy(pkt + 4, data, len);
    dt_fsm_input(&h->fsm, pkt, len + 4, now);
}

typedef enum {
    EV_UP,
    EV_DOWN,
    EV_OPEN,
    EV_CLOSE,
    EV_TO_PLUS,
    EV_TO_MINUS,
    EV_RCR_PLUS,
    EV_RCR_MINUS,
    EV_RCA,
    EV_RCN,
    EV_RTR,
    EV_RTA,
    EV_RUC,
    EV_RXJ_PLUS,
    EV_RXJ_MINUS,
    EV_RXR,
    N_EVENTS
} Event;

static const char *const event_names[] = {"Up",   "Down", "Open", "Close", "TO+", "TO-",
                                          "RCR+", "RCR-", "RCA",  "RCN",   "RTR", "RTA",
                                          "RUC",  "RXJ+", "RXJ-", "RXR"};

static void
apply(Harness *h, Event e)
{
    static const guint8 opt_ack[] = {1, 3, 0}, opt_nak[] = {1, 3, 1};
    DtFsm *f = &h->fsm;
    bool outstanding = f->state >= DT_FSM_REQ_SENT;
    uint8_t rid = outstanding ? f->req_id : 77;
    switch (e) {
    case EV_UP:
        dt_fsm_lower_up(f, now);
        break;
    case EV_DOWN:
        dt_fsm_lower_down(f, now);
        break;
    case EV_OPEN:
        dt_fsm_open(f, now);
        break;
    case EV_CLOSE:
        dt_fsm_close(f, now);
        break;
    case EV_TO_PLUS:
    case EV_TO_MINUS:
        /* "-" cells have no timer running; force one to show nothing happens. */
        f->restart_count = e == EV_TO_PLUS ? 1 : 0;
        if (f->deadline == DT_TIME_NEVER)
            f->deadline = now;
        now = f->deadline;
        dt_fsm_handle_timeout(f, now);
        break;
    case EV_RCR_PLUS:
        feed(h, DT_FSM_CONF_REQ, 200, opt_ack, 3);
        break;
    case EV_RCR_MINUS:
        feed(h, DT_FSM_CONF_REQ, 201, opt_nak, 3);
        break;
    case EV_RCA:
        /* An Identifier is answered once (duplicates are dropped, as pppd and
         * lwIP do); the crossed-connection cells (Ack-Rcvd, Opened) need a
         * fresh valid answer, so present the request as unanswered. */
        f->req_answered = false;
        feed(h, DT_FSM_CONF_ACK, rid, outstanding ? f->req : NULL, outstanding ? f->req_len : 0);
        break;
    case EV_RCN:
        f->req_answered = false;
        feed(h, DT_FSM_CONF_NAK, rid, opt_ack, 3);
        break;
    case EV_RTR:
        feed(h, DT_FSM_TERM_REQ, 202, NULL, 0);
        break;
    case EV_RTA:
        feed(h, DT_FSM_TERM_ACK, 203, NULL, 0);
        break;
    case EV_RUC: {
        static const guint8 junk[] = {0xAA};
        feed(h, 99, 204, junk, 1);
        break;
    }
    case EV_RXJ_PLUS: { /* Code-Reject of our Echo-Request: optional code */
        static const guint8 rej[] = {9, 5, 0, 8, 0, 0, 0, 0};
        feed(h, DT_FSM_CODE_REJ, 205, rej, sizeof(rej));
        break;
    }
    case EV_RXJ_MINUS: { /* Code-Reject of Configure-Request: essential */
        static const guint8 rej[] = {1, 5, 0, 4};
        feed(h, DT_FSM_CODE_REJ, 206, rej, sizeof(rej));
        break;
    }
    case EV_RXR: {
        static const guint8 echo[] = {0, 0, 0, 0};
        feed(h, 9, 207, echo, sizeof(echo));
        break;
    }
    default:
        g_assert_not_reached();
    }
}

/* Reach a state through events the table itself defines. */
static void
reach(Harness *h, DtFsmState s)
{
    static const Event paths[][5] = {
        [DT_FSM_INITIAL] = {N_EVENTS},
        [DT_FSM_STARTING] = {EV_OPEN, N_EVENTS},
        [DT_FSM_CLOSED] = {EV_UP, N_EVENTS},
        [DT_FSM_STOPPED] = {EV_UP, EV_OPEN, EV_RXJ_MINUS, N_EVENTS},
        [DT_FSM_CLOSING] = {EV_UP, EV_OPEN, EV_CLOSE, N_EVENTS},
        [DT_FSM_STOPPING] = {EV_UP, EV_OPEN, EV_RCR_PLUS, EV_RCA, EV_RTR},
        [DT_FSM_REQ_SENT] = {EV_UP, EV_OPEN, N_EVENTS},
        [DT_FSM_ACK_RCVD] = {EV_UP, EV_OPEN, EV_RCA, N_EVENTS},
        [DT_FSM_ACK_SENT] = {EV_UP, EV_OPEN, EV_RCR_PLUS, N_EVENTS},
        [DT_FSM_OPENED] = {EV_UP, EV_OPEN, EV_RCR_PLUS, EV_RCA, N_EVENTS},
    };
    for (int i = 0; i < 5 && paths[s][i] != N_EVENTS; i++)
        apply(h, paths[s][i]);
    g_assert_cmpstr(dt_fsm_state_to_string(h->fsm.state), ==, dt_fsm_state_to_string(s));
    g_string_truncate(h->actions, 0);
}

/* RFC 1661 §4.1, as printed: [event][state] = "actions/new-state", "-" =
 * cannot happen (nothing is done).  Suffixes p, r, x are notes only. */
static const char *const table[N_EVENTS][10] = {
    /*            Initial    Starting     Closed     Stopped          Closing  Stopping
                  Req-Sent   Ack-Rcvd     Ack-Sent   Opened */
    [EV_UP] = {"2", "irc,scr/6", "-", "-", "-", "-", "-", "-", "-", "-"},
    [EV_DOWN] = {"-", "-", "0", "tls/1", "0", "1", "1", "1", "1", "tld/1"},
    [EV_OPEN] = {"tls/1", "1", "irc,scr/6", "3r", "5r", "5r", "6", "7", "8", "9r"},
    [EV_CLOSE] = {"0", "tlf/0", "2", "2", "4", "4", "irc,str/4", "irc,str/4", "irc,str/4",
                  "tld,irc,str/4"},
    [EV_TO_PLUS] = {"-", "-", "-", "-", "str/4", "str/5", "scr/6", "scr/6", "scr/8", "-"},
    [EV_TO_MINUS] = {"-", "-", "-", "-", "tlf/2", "tlf/3", "tlf/3p", "tlf/3p", "tlf/3p", "-"},
    [EV_RCR_PLUS] = {"-", "-", "sta/2", "irc,scr,sca/8", "4", "5", "sca/8", "sca,tlu/9", "sca/8",
                     "tld,scr,sca/8"},
    [EV_RCR_MINUS] = {"-", "-", "sta/2", "irc,scr,scn/6", "4", "5", "scn/6", "scn/7", "scn/6",
                      "tld,scr,scn/6"},
    [EV_RCA] = {"-", "-", "sta/2", "sta/3", "4", "5", "irc/7", "scr/6x", "irc,tlu/9", "tld,scr/6x"},
    [EV_RCN] = {"-", "-", "sta/2", "sta/3", "4", "5", "irc,scr/6", "scr/6x", "irc,scr/8",
                "tld,scr/6x"},
    [EV_RTR] = {"-", "-", "sta/2", "sta/3", "sta/4", "sta/5", "sta/6", "sta/6", "sta/6",
                "tld,zrc,sta/5"},
    [EV_RTA] = {"-", "-", "2", "3", "tlf/2", "tlf/3", "6", "6", "8", "tld,scr/6"},
    [EV_RUC] = {"-", "-", "scj/2", "scj/3", "scj/4", "scj/5", "scj/6", "scj/7", "scj/8", "scj/9"},
    [EV_RXJ_PLUS] = {"-", "-", "2", "3", "4", "5", "6", "7", "8", "9"},
    [EV_RXJ_MINUS] = {"-", "-", "tlf/2", "tlf/3", "tlf/2", "tlf/3", "tlf/3", "tlf/3", "tlf/3",
                      "tld,irc,str/5"},
    [EV_RXR] = {"-", "-", "2", "3", "4", "5", "6", "7", "8", "ser/9"},
};

static void
check_cell(Event e, DtFsmState s)
{
    Harness h;
    harness_init(&h);
    reach(&h, s);
    const char *cell = table[e][s];
    g_test_message("%s in %s: expect %s", event_names[e], dt_fsm_state_to_string(s), cell);

    apply(&h, e);

    /* Split "a,b,c/N" into the expected visible actions and the new state. */
    DtFsmState expect_state = s;
    g_autoptr(GString) expect = g_string_new(NULL);
    bool irc = false, zrc = false;
    if (strcmp(cell, "-") != 0) {
        const char *slash = strchr(cell, '/');
        const char *digits = slash ? slash + 1 : cell;
        expect_state = (DtFsmState)(digits[0] - '0');
        if (slash) {
            g_autofree char *acts = g_strndup(cell, (gsize)(slash - cell));
            g_auto(GStrv) parts = g_strsplit(acts, ",", -1);
            for (int i = 0; parts[i]; i++) {
                if (strcmp(parts[i], "irc") == 0) {
                    irc = true;
                } else if (strcmp(parts[i], "zrc") == 0) {
                    zrc = true;
                } else {
                    if (expect->len)
                        g_string_append_c(expect, ',');
                    g_string_append(expect, parts[i]);
                }
            }
        }
    }
    g_assert_cmpstr(h.actions->str, ==, expect->str);
    g_assert_cmpstr(dt_fsm_state_to_string(h.fsm.state), ==, dt_fsm_state_to_string(expect_state));
    /* irc: the counter was reset to Max-Configure / Max-Terminate, then one
     * transmission (if any) used it; zrc: zero, timer running. */
    if (irc) {
        bool term = strstr(expect->str, "str") != NULL;
        bool sent = term || strstr(expect->str, "scr") != NULL;
        unsigned max = term ? DT_FSM_MAX_TERMINATE : DT_FSM_MAX_CONFIGURE;
        g_assert_cmpuint(h.fsm.restart_count, ==, max - (sent ? 1 : 0));
    }
    if (zrc) {
        g_assert_cmpuint(h.fsm.restart_count, ==, 0);
        g_assert_cmpuint(h.fsm.deadline, ==, now + DT_FSM_RESTART_MS);
    }
    /* The restart timer runs exactly in the states that wait for an answer. */
    bool waiting = h.fsm.state == DT_FSM_CLOSING || h.fsm.state == DT_FSM_STOPPING ||
                   h.fsm.state == DT_FSM_REQ_SENT || h.fsm.state == DT_FSM_ACK_RCVD ||
                   h.fsm.state == DT_FSM_ACK_SENT;
    g_assert_cmpint(h.fsm.deadline != DT_TIME_NEVER, ==, waiting);
    harness_clear(&h);
}

static void
test_table(gconstpointer data)
{
    Event e = (Event)GPOINTER_TO_INT(data);
    for (int s = DT_FSM_INITIAL; s <= DT_FSM_OPENED; s++)
        check_cell(e, (DtFsmState)s);
}

/* §4.6: Max-Configure transmissions, then TO- (tlf/3p) with a timeout reason. */
static void
test_retransmit_count(void)
{
    Harness h;
    harness_init(&h);
    apply(&h, EV_UP);
    apply(&h, EV_OPEN);
    int guard = 0;
    while (h.fsm.state == DT_FSM_REQ_SENT && guard++ < 100) {
        g_assert_cmpuint(h.fsm.deadline, ==, now + DT_FSM_RESTART_MS);
        now = h.fsm.deadline - 1;
        dt_fsm_handle_timeout(&h.fsm, now); /* not yet */
        now++;
        dt_fsm_handle_timeout(&h.fsm, now);
    }
    g_assert_cmpint(h.fsm.state, ==, DT_FSM_STOPPED);
    g_assert_cmpint(h.sent, ==, DT_FSM_MAX_CONFIGURE);
    g_assert_cmpint(h.fsm.reason, ==, DT_REASON_TIMEOUT);
    g_assert_true(g_str_has_suffix(h.actions->str, "tlf"));
    harness_clear(&h);
}

/* §4.6 Max-Failure: after 5 Naks without an Ack, the same option is rejected. */
static void
test_max_failure(void)
{
    Harness h;
    harness_init(&h);
    reach(&h, DT_FSM_REQ_SENT);
    static const guint8 opt_nak[] = {1, 3, 1};
    for (int i = 0; i < DT_FSM_MAX_FAILURE; i++) {
        feed(&h, DT_FSM_CONF_REQ, (uint8_t)i, opt_nak, 3);
        g_assert_cmpint(h.last_sent[0], ==, DT_FSM_CONF_NAK);
    }
    feed(&h, DT_FSM_CONF_REQ, 50, opt_nak, 3);
    g_assert_cmpint(h.last_sent[0], ==, DT_FSM_CONF_REJ);
    dt_assert_mem(h.last_sent + 4, opt_nak, 3);
    /* An Ack resets the failure count. */
    static const guint8 opt_ack[] = {1, 3, 0};
    feed(&h, DT_FSM_CONF_REQ, 51, opt_ack, 3);
    g_assert_cmpint(h.last_sent[0], ==, DT_FSM_CONF_ACK);
    feed(&h, DT_FSM_CONF_REQ, 52, opt_nak, 3);
    g_assert_cmpint(h.last_sent[0], ==, DT_FSM_CONF_NAK);
    harness_clear(&h);
}

/* A peer Nak'ing every request: NEGOTIATION_FAILED naming the option. */
static void
test_naks_forever(void)
{
    Harness h;
    harness_init(&h);
    reach(&h, DT_FSM_REQ_SENT);
    static const guint8 nak[] = {1, 3, 7};
    for (int i = 0; i < 50 && h.fsm.state == DT_FSM_REQ_SENT; i++)
        feed(&h, DT_FSM_CONF_NAK, h.fsm.req_id, nak, 3);
    g_assert_cmpint(h.fsm.state, ==, DT_FSM_CLOSING);
    g_assert_cmpint(h.fsm.reason, ==, DT_REASON_NEGOTIATION_FAILED);
    g_assert_cmpint(h.fsm.reason_option, ==, 1);
    g_assert_nonnull(strstr(h.fsm.message, "dummy option 1"));
    harness_clear(&h);
}

/* A peer asking again and again for an option we reject (or Nak'd until Max-Failure turned the
 * Nak into a Reject): NEGOTIATION_FAILED naming it, not Establish forever (found by
 * tests/integration/test-hostile.sh, lcp-mru-loop). */
static void
test_rejects_forever(void)
{
    Harness h;
    harness_init(&h);
    reach(&h, DT_FSM_REQ_SENT);
    feed(&h, DT_FSM_CONF_ACK, h.fsm.req_id, h.fsm.req, h.fsm.req_len);
    g_assert_cmpint(h.fsm.state, ==, DT_FSM_ACK_RCVD);
    static const guint8 nak_me[] = {1, 3, 1};
    int answered = 0;
    for (int i = 0; i < 100 && h.fsm.state == DT_FSM_ACK_RCVD; i++) {
        feed(&h, DT_FSM_CONF_REQ, (uint8_t)(60 + i), nak_me, 3);
        answered++;
    }
    g_assert_cmpint(h.fsm.state, ==, DT_FSM_CLOSING);
    g_assert_cmpint(answered, ==, DT_FSM_MAX_FAILURE + DT_FSM_MAX_REJECT_SENT + 1);
    g_assert_cmpint(h.fsm.reason, ==, DT_REASON_NEGOTIATION_FAILED);
    g_assert_cmpint(h.fsm.reason_option, ==, 1);
    g_assert_nonnull(strstr(h.fsm.message, "dummy option 1"));
    harness_clear(&h);

    /* An Ack in between starts the count again: a peer that converges is never failed. */
    harness_init(&h);
    reach(&h, DT_FSM_REQ_SENT);
    static const guint8 bad[] = {2, 2};
    static const guint8 good[] = {1, 3, 0};
    for (int i = 0; i < 3 * DT_FSM_MAX_REJECT_SENT; i++) {
        feed(&h, DT_FSM_CONF_REQ, (uint8_t)(2 * i), bad, 2);
        g_assert_cmpint(h.last_sent[0], ==, DT_FSM_CONF_REJ);
        feed(&h, DT_FSM_CONF_REQ, (uint8_t)(2 * i + 1), good, 3);
        g_assert_cmpint(h.last_sent[0], ==, DT_FSM_CONF_ACK);
    }
    g_assert_cmpint(h.fsm.reason, ==, DT_REASON_NONE);
    harness_clear(&h);
}

/* A peer that acks every request and never sends one of its own: TIMEOUT after Max-Configure
 * such Acks, not Establish for ever (found by tests/integration/test-hostile.sh,
 * lcp-ack-only). */
static void
test_acks_only(void)
{
    Harness h;
    harness_init(&h);
    reach(&h, DT_FSM_REQ_SENT);
    int acks = 0;
    for (int i = 0; i < 100 && h.fsm.state != DT_FSM_CLOSING; i++) {
        feed(&h, DT_FSM_CONF_ACK, h.fsm.req_id, h.fsm.req, h.fsm.req_len);
        acks++;
        if (h.fsm.state == DT_FSM_ACK_RCVD) {
            now = h.fsm.deadline; /* TO+: scr/6 */
            dt_fsm_handle_timeout(&h.fsm, now);
            g_assert_cmpint(h.fsm.state, ==, DT_FSM_REQ_SENT);
        }
    }
    g_assert_cmpint(h.fsm.state, ==, DT_FSM_CLOSING);
    g_assert_cmpint(acks, ==, DT_FSM_MAX_CONFIGURE + 1);
    g_assert_cmpint(h.fsm.reason, ==, DT_REASON_TIMEOUT);
    g_assert_nonnull(strstr(h.fsm.message, "never sends its own"));
    harness_clear(&h);

    /* A request from the peer in between starts the count again. */
    harness_init(&h);
    reach(&h, DT_FSM_REQ_SENT);
    static const guint8 bad[] = {2, 2};
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < DT_FSM_MAX_CONFIGURE; i++) {
            feed(&h, DT_FSM_CONF_ACK, h.fsm.req_id, h.fsm.req, h.fsm.req_len);
            g_assert_cmpint(h.fsm.state, ==, DT_FSM_ACK_RCVD);
            now = h.fsm.deadline;
            dt_fsm_handle_timeout(&h.fsm, now);
            g_assert_cmpint(h.fsm.state, ==, DT_FSM_REQ_SENT);
        }
        feed(&h, DT_FSM_CONF_REQ, (uint8_t)round, bad, 2); /* rejected, but the peer spoke */
        g_assert_cmpint(h.last_sent[0], ==, DT_FSM_CONF_REJ);
    }
    g_assert_cmpint(h.fsm.reason, ==, DT_REASON_NONE);
    harness_clear(&h);
}

/* §5.2: wrong Identifier, altered options or a repeated Ack are ignored. */
static void
test_ack_matching(void)
{
    Harness h;
    harness_init(&h);
    reach(&h, DT_FSM_REQ_SENT);
    static const guint8 other[] = {1, 3, 1};
    feed(&h, DT_FSM_CONF_ACK, (uint8_t)(h.fsm.req_id + 1), h.fsm.req, h.fsm.req_len);
    g_assert_cmpint(h.fsm.state, ==, DT_FSM_REQ_SENT);
    feed(&h, DT_FSM_CONF_ACK, h.fsm.req_id, other, 3);
    g_assert_cmpint(h.fsm.state, ==, DT_FSM_REQ_SENT);
    g_assert_cmpuint(h.fsm.dropped, ==, 2);
    feed(&h, DT_FSM_CONF_ACK, h.fsm.req_id, h.fsm.req, h.fsm.req_len);
    g_assert_cmpint(h.fsm.state, ==, DT_FSM_ACK_RCVD);
    /* A duplicate of the same Ack must not count as a crossed Ack (scr/6x). */
    feed(&h, DT_FSM_CONF_ACK, h.fsm.req_id, h.fsm.req, h.fsm.req_len);
    g_assert_cmpint(h.fsm.state, ==, DT_FSM_ACK_RCVD);
    /* A Reject naming an option we did not send is malformed. */
    feed(&h, DT_FSM_CONF_REJ, h.fsm.req_id, other, 3);
    g_assert_cmpuint(h.fsm.dropped, ==, 4);
    harness_clear(&h);
}

static void
test_malformed(void)
{
    Harness h;
    harness_init(&h);
    reach(&h, DT_FSM_REQ_SENT);
    int sent = h.sent;
    static const guint8 shorter[] = {1, 9, 0, 3};               /* Length < 4 */
    static const guint8 longer[] = {1, 9, 0, 20, 1, 3, 0};      /* Length > packet */
    static const guint8 bad_opt[] = {1, 9, 0, 7, 1, 1, 0};      /* option length 1 */
    static const guint8 overrun[] = {1, 9, 0, 8, 1, 3, 0, 5};   /* option past end */
    static const guint8 padded[] = {1, 9, 0, 7, 1, 3, 0, 0xEE}; /* padding is fine */
    dt_fsm_input(&h.fsm, shorter, sizeof(shorter), now);
    dt_fsm_input(&h.fsm, longer, sizeof(longer), now);
    dt_fsm_input(&h.fsm, bad_opt, sizeof(bad_opt), now);
    dt_fsm_input(&h.fsm, overrun, sizeof(overrun), now);
    dt_fsm_input(&h.fsm, padded, 2, now);
    g_assert_cmpuint(h.fsm.dropped, ==, 5);
    g_assert_cmpint(h.sent, ==, sent);
    dt_fsm_input(&h.fsm, padded, sizeof(padded), now);
    g_assert_cmpint(h.fsm.state, ==, DT_FSM_ACK_SENT);
    harness_clear(&h);
}

/* pppd keeps IPCP closed until CCP is up when MPPE is required, and answers
 * our early IPCP Configure-Request with Terminate-Ack (seen against pptpd in
 * tests/interop): once its own Configure-Request shows it listens, ours goes
 * again at once, same Identifier, instead of after the 3 s restart timer. */
static void
test_resend_after_term_ack(void)
{
    static const guint8 opt_ack[] = {1, 3, 0};
    Harness h;
    harness_init(&h);
    reach(&h, DT_FSM_REQ_SENT);
    uint8_t id = h.fsm.req_id;
    unsigned count = h.fsm.restart_count;
    DtTime deadline = h.fsm.deadline;
    feed(&h, DT_FSM_TERM_ACK, id, NULL, 0);
    g_assert_cmpstr(h.actions->str, ==, "");
    feed(&h, DT_FSM_CONF_REQ, 1, opt_ack, sizeof(opt_ack));
    g_assert_cmpstr(h.actions->str, ==, "sca,scr");
    g_assert_cmpint(h.fsm.state, ==, DT_FSM_ACK_SENT);
    g_assert_cmpuint(h.last_sent[0], ==, DT_FSM_CONF_REQ);
    g_assert_cmpuint(h.last_sent[1], ==, id); /* a retransmission */
    g_assert_cmpuint(h.fsm.restart_count, ==, count - 1);
    g_assert_cmpint(h.fsm.deadline, >=, deadline);
    /* Only once: a second Configure-Request is just answered. */
    g_string_truncate(h.actions, 0);
    feed(&h, DT_FSM_CONF_REQ, 2, opt_ack, sizeof(opt_ack));
    g_assert_cmpstr(h.actions->str, ==, "sca");
    /* Without the Terminate-Ack nothing changes (the table's sca/8). */
    harness_clear(&h);
    harness_init(&h);
    reach(&h, DT_FSM_REQ_SENT);
    feed(&h, DT_FSM_CONF_REQ, 1, opt_ack, sizeof(opt_ack));
    g_assert_cmpstr(h.actions->str, ==, "sca");
    harness_clear(&h);
}

/* What we Configure-Rejected is remembered for the log ("rejected=2,13"). */
static void
test_rejected_types(void)
{
    static const guint8 opts[] = {2, 6, 0, 0x2d, 0x0f, 0x01, 13, 3, 6, 1, 3, 0};
    Harness h;
    char buf[32];
    harness_init(&h);
    reach(&h, DT_FSM_REQ_SENT);
    g_assert_cmpuint(dt_fsm_rejected_types(&h.fsm, buf, sizeof(buf)), ==, 0);
    g_assert_cmpstr(buf, ==, "");
    feed(&h, DT_FSM_CONF_REQ, 1, opts, sizeof(opts));
    g_assert_cmpuint(h.last_sent[0], ==, DT_FSM_CONF_REJ);
    g_assert_cmpuint(dt_fsm_rejected_types(&h.fsm, buf, sizeof(buf)), ==, 4);
    g_assert_cmpstr(buf, ==, "2,13");
    g_assert_cmpuint(h.fsm.options_rejected, ==, 2);
    /* A short buffer ends at a whole number. */
    g_assert_cmpuint(dt_fsm_rejected_types(&h.fsm, buf, 4), ==, 1);
    g_assert_cmpstr(buf, ==, "2");
    /* A new Open starts a new list. */
    dt_fsm_close(&h.fsm, now);
    dt_fsm_lower_down(&h.fsm, now);
    dt_fsm_lower_up(&h.fsm, now);
    dt_fsm_open(&h.fsm, now);
    g_assert_cmpuint(dt_fsm_rejected_types(&h.fsm, buf, sizeof(buf)), ==, 0);
    harness_clear(&h);
}

/* pppd says why in its Terminate-Request ("MPPE required but peer negotiation
 * failed"); the reason keeps it, printable characters only. */
static void
test_term_req_text(void)
{
    static const guint8 text[] = "MPPE required\x01 \"x\"";
    Harness h;
    harness_init(&h);
    reach(&h, DT_FSM_OPENED);
    feed(&h, DT_FSM_TERM_REQ, 9, text, sizeof(text) - 1);
    g_assert_cmpint(h.fsm.reason, ==, DT_REASON_PEER_TERMINATED);
    g_assert_cmpstr(h.fsm.message, ==, "the peer sent Terminate-Request: \"MPPE required? ?x?\"");
    harness_clear(&h);
    harness_init(&h);
    reach(&h, DT_FSM_REQ_SENT);
    feed(&h, DT_FSM_TERM_REQ, 9, NULL, 0);
    g_assert_cmpstr(h.fsm.message, ==, "the peer sent Terminate-Request");
    harness_clear(&h);
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    for (int e = 0; e < N_EVENTS; e++) {
        g_autofree char *path = g_strdup_printf("/fsm/table/%s", event_names[e]);
        g_test_add_data_func(path, GINT_TO_POINTER(e), test_table);
    }
    g_test_add_func("/fsm/retransmit-count", test_retransmit_count);
    g_test_add_func("/fsm/max-failure", test_max_failure);
    g_test_add_func("/fsm/naks-forever", test_naks_forever);
    g_test_add_func("/fsm/rejects-forever", test_rejects_forever);
    g_test_add_func("/fsm/acks-only", test_acks_only);
    g_test_add_func("/fsm/ack-matching", test_ack_matching);
    g_test_add_func("/fsm/malformed", test_malformed);
    g_test_add_func("/fsm/resend-after-term-ack", test_resend_after_term_ack);
    g_test_add_func("/fsm/rejected-types", test_rejected_types);
    g_test_add_func("/fsm/term-req-text", test_term_req_text);
    return dt_test_run();
}
