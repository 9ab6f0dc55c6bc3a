/* dt-modem.h — the Hayes modem dialogue of a dial-up link, sans-IO.
 *
 * Init commands (each must answer OK), then the dial command and the phone
 * number, then the wait for CONNECT; every failure becomes a typed reason
 * (BUSY, NO CARRIER, NO DIALTONE, NO ANSWER, ERROR naming the command, or
 * silence) plus a sentence.  Result codes follow ITU-T V.250 §5.7, Table 1 (verbose
 * "\r\nOK\r\n" and the numeric ATV0 forms); echo of our commands (ATE1),
 * CR/LF variants, unsolicited RING and unknown lines are tolerated.
 *
 * Bytes read from the line go to dt_modem_feed(); bytes to write are pulled
 * with dt_modem_poll_transmit(); events with dt_modem_poll_event(); time
 * moves only through `now` and dt_modem_handle_timeout().  Once CONNECTED,
 * dt_modem_feed() consumes nothing: what follows the CONNECT line is PPP
 * and belongs to the HDLC decoder.
 *
 * dt_modem_hangup() runs the in-band hang-up for lines where the I/O layer
 * cannot drop DTR: the Hayes escape (a guard time of silence, "+++", another
 * guard time; registers S2 and S12), then the V.250 H command.
 */
#ifndef DT_MODEM_H
#define DT_MODEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt-reason.h"
#include "dt-time.h"

#define DT_MODEM_MAX_INIT 8
#define DT_MODEM_MAX_COMMAND 64 /* octets including the NUL; V.250 allows >= 40 */
#define DT_MODEM_MAX_DIAL 16
#define DT_MODEM_CONNECT_TEXT 64
#define DT_MODEM_MESSAGE 192

typedef struct {
    char init[DT_MODEM_MAX_INIT][DT_MODEM_MAX_COMMAND]; /* e.g. "ATZ" */
    size_t n_init;
    char dial_command[DT_MODEM_MAX_DIAL]; /* "ATDT" (tone) or "ATDP" (pulse) */
    char phone[DT_MODEM_MAX_COMMAND];     /* what follows the dial command */
    DtTime settle_ms;          /* quiet time after the port opens, before the first command */
    DtTime command_delay_ms;   /* pause after an OK before the next command */
    DtTime command_timeout_ms; /* per init command (and per hang-up step) */
    DtTime connect_timeout_ms; /* from dialing to CONNECT */
    DtTime guard_ms;           /* escape guard time around "+++" (register S12) */
} DtModemConfig;

typedef enum {
    DT_MODEM_CONFIG_OK = 0,
    DT_MODEM_CONFIG_TOO_MANY,      /* more than DT_MODEM_MAX_INIT init commands */
    DT_MODEM_CONFIG_TOO_LONG,      /* a command or number does not fit */
    DT_MODEM_CONFIG_NOT_AT,        /* a command must start with "AT" */
    DT_MODEM_CONFIG_BAD_CHARACTER, /* control characters, or ';' in the number */
} DtModemConfigError;

/* Defaults: no init commands, ATDT, settle 1 s (a qemu pty drops what is
 * written in its first second), 100 ms between commands, 5 s per command,
 * 60 s for CONNECT, 1 s guard. */
void dt_modem_config_init(DtModemConfig *c);
/* Appends one init command (the profile's Init= split at ';'). */
DtModemConfigError dt_modem_config_add_init(DtModemConfig *c, const char *command);
DtModemConfigError dt_modem_config_set_dial(DtModemConfig *c, const char *dial_command,
                                            const char *phone);
const char *dt_modem_config_error_to_string(DtModemConfigError e);

typedef enum {
    DT_MODEM_IDLE = 0,
    DT_MODEM_SETTLING,       /* port open, waiting settle_ms before talking */
    DT_MODEM_INITIALIZING,   /* an init command sent (or about to be); waiting for OK */
    DT_MODEM_DIALING,        /* dial command sent; waiting for CONNECT */
    DT_MODEM_CONNECTED,      /* carrier: the line now carries PPP */
    DT_MODEM_FAILED,         /* see the FAILED event */
    DT_MODEM_HANGUP_GUARD,   /* silence before "+++" */
    DT_MODEM_HANGUP_ESCAPE,  /* "+++" sent: waiting for the modem's OK */
    DT_MODEM_HANGUP_COMMAND, /* ATH sent (or an aborted dial): waiting for the result */
    DT_MODEM_HUNG_UP,
} DtModemState;

const char *dt_modem_state_to_string(DtModemState s);

typedef enum {
    DT_MODEM_EVENT_NONE = 0,
    DT_MODEM_EVENT_STATE,     /* state changed (to .state), for progress displays */
    DT_MODEM_EVENT_CONNECTED, /* .connect_text ("115200/V42BIS"), .speed (bps or 0) */
    DT_MODEM_EVENT_FAILED,    /* .reason, .message */
    DT_MODEM_EVENT_HUNG_UP,   /* .confirmed: the modem answered our ATH */
} DtModemEventType;

typedef struct {
    DtModemEventType type;
    DtModemState state;
    DtReason reason;
    uint32_t speed;
    bool confirmed;
    char connect_text[DT_MODEM_CONNECT_TEXT];
    char message[DT_MODEM_MESSAGE]; /* plain words for people and logs */
} DtModemEvent;

#define DT_MODEM_EVENT_QUEUE 16
#define DT_MODEM_TX_MAX 160
#define DT_MODEM_LINE_MAX 128

typedef struct {
    DtModemConfig cfg;
    DtModemState state;
    size_t step;        /* index of the init command in flight */
    DtTime send_at;     /* when the pending command goes out (DT_TIME_NEVER: sent) */
    DtTime deadline;    /* when waiting for an answer fails */
    bool call_pending;  /* the dial went out and no final result came back yet */
    bool dial_aborting; /* HANGUP_COMMAND: still waiting for the aborted dial's result */
    bool swallow_lf;    /* CONNECT ended in CR at the end of a chunk: its LF may follow */
    char line[DT_MODEM_LINE_MAX];
    size_t line_len;
    bool line_overflow;
    char last_line[DT_MODEM_LINE_MAX]; /* for messages: what the modem said last */
    uint8_t tx[DT_MODEM_TX_MAX];
    size_t tx_len;
    DtModemEvent events[DT_MODEM_EVENT_QUEUE];
    size_t ev_head, ev_count;
    uint64_t lines_ignored; /* RING, echo, intermediate reports, junk */
    uint64_t events_dropped;
} DtModem;

/* Copies the config; the modem is IDLE until started.  No allocation. */
void dt_modem_init(DtModem *m, const DtModemConfig *cfg);
void dt_modem_clear(DtModem *m);

/* The port is open: settle, then send the init commands and dial. */
void dt_modem_start(DtModem *m, DtTime now);

/* Serial octets in any fragmentation.  Returns how many were consumed:
 * all of them, except once CONNECT arrives — the rest (and everything fed
 * while CONNECTED) is PPP for the HDLC decoder. */
size_t dt_modem_feed(DtModem *m, const uint8_t *p, size_t len, DtTime now);

/* Copies up to cap pending octets to write to the line; returns the count. */
size_t dt_modem_poll_transmit(DtModem *m, uint8_t *out, size_t cap);
bool dt_modem_poll_event(DtModem *m, DtModemEvent *ev);
DtTime dt_modem_next_deadline(const DtModem *m);
void dt_modem_handle_timeout(DtModem *m, DtTime now);

/* In-band hang-up for lines without DTR control.  CONNECTED: guard, "+++",
 * guard, OK, ATH.  While dialing: a CR aborts the call (V.250 §6.3.1), then
 * ATH.  Before any command went out: hung up at once.  Ends with HUNG_UP.
 * The I/O layer must stop writing PPP data when it calls this, and route
 * line input to dt_modem_feed() again. */
void dt_modem_hangup(DtModem *m, DtTime now);

DtModemState dt_modem_get_state(const DtModem *m);

#endif /* DT_MODEM_H */
