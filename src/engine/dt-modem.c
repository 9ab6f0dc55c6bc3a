/* dt-modem.c — the Hayes modem dialogue (ITU-T V.250), as a pulled state machine. */
#include "dt-modem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- configuration ---------------------------------------------------- */

void
dt_modem_config_init(DtModemConfig *c)
{
    memset(c, 0, sizeof(*c));
    memcpy(c->dial_command, "ATDT", 5);
    c->settle_ms = 1000;
    c->command_delay_ms = 100;
    c->command_timeout_ms = 5000;
    c->connect_timeout_ms = 60000;
    c->guard_ms = 1000;
}

static bool
is_printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
            return false;
    return true;
}

static bool
starts_with_at(const char *s)
{
    return (s[0] == 'A' || s[0] == 'a') && (s[1] == 'T' || s[1] == 't');
}

DtModemConfigError
dt_modem_config_add_init(DtModemConfig *c, const char *command)
{
    if (c->n_init >= DT_MODEM_MAX_INIT)
        return DT_MODEM_CONFIG_TOO_MANY;
    size_t n = strlen(command);
    if (n >= DT_MODEM_MAX_COMMAND)
        return DT_MODEM_CONFIG_TOO_LONG;
    if (!is_printable(command))
        return DT_MODEM_CONFIG_BAD_CHARACTER;
    if (!starts_with_at(command))
        return DT_MODEM_CONFIG_NOT_AT;
    memcpy(c->init[c->n_init++], command, n + 1);
    return DT_MODEM_CONFIG_OK;
}

DtModemConfigError
dt_modem_config_set_dial(DtModemConfig *c, const char *dial_command, const char *phone)
{
    size_t d = strlen(dial_command), p = strlen(phone);
    if (d >= DT_MODEM_MAX_DIAL || p >= DT_MODEM_MAX_COMMAND)
        return DT_MODEM_CONFIG_TOO_LONG;
    if (!is_printable(dial_command) || !is_printable(phone))
        return DT_MODEM_CONFIG_BAD_CHARACTER;
    /* V.250 §6.3.1: ';' returns to command mode after dialing — no CONNECT would follow. */
    if (strchr(phone, ';') || strchr(dial_command, ';'))
        return DT_MODEM_CONFIG_BAD_CHARACTER;
    if (!starts_with_at(dial_command))
        return DT_MODEM_CONFIG_NOT_AT;
    memcpy(c->dial_command, dial_command, d + 1);
    memcpy(c->phone, phone, p + 1);
    return DT_MODEM_CONFIG_OK;
}

const char *
dt_modem_config_error_to_string(DtModemConfigError e)
{
    switch (e) {
    case DT_MODEM_CONFIG_OK:
        return "ok";
    case DT_MODEM_CONFIG_TOO_MANY:
        return "too many modem init commands";
    case DT_MODEM_CONFIG_TOO_LONG:
        return "modem command or phone number too long";
    case DT_MODEM_CONFIG_NOT_AT:
        return "modem commands must start with AT";
    case DT_MODEM_CONFIG_BAD_CHARACTER:
        return "modem command or phone number contains a character that cannot be sent";
    }
    return "unknown";
}

const char *
dt_modem_state_to_string(DtModemState s)
{
    switch (s) {
    case DT_MODEM_IDLE:
        return "idle";
    case DT_MODEM_SETTLING:
        return "settling";
    case DT_MODEM_INITIALIZING:
        return "initializing";
    case DT_MODEM_DIALING:
        return "dialing";
    case DT_MODEM_CONNECTED:
        return "connected";
    case DT_MODEM_FAILED:
        return "failed";
    case DT_MODEM_HANGUP_GUARD:
        return "hangup-guard";
    case DT_MODEM_HANGUP_ESCAPE:
        return "hangup-escape";
    case DT_MODEM_HANGUP_COMMAND:
        return "hangup-command";
    case DT_MODEM_HUNG_UP:
        return "hung-up";
    }
    return "unknown";
}

/* ---- lifecycle, output queues ---------------------------------------- */

void
dt_modem_init(DtModem *m, const DtModemConfig *cfg)
{
    memset(m, 0, sizeof(*m));
    m->cfg = *cfg;
    if (m->cfg.n_init > DT_MODEM_MAX_INIT)
        m->cfg.n_init = DT_MODEM_MAX_INIT;
    /* Never trust the copied strings to be terminated. */
    for (size_t i = 0; i < DT_MODEM_MAX_INIT; i++)
        m->cfg.init[i][DT_MODEM_MAX_COMMAND - 1] = '\0';
    m->cfg.dial_command[DT_MODEM_MAX_DIAL - 1] = '\0';
    m->cfg.phone[DT_MODEM_MAX_COMMAND - 1] = '\0';
    m->state = DT_MODEM_IDLE;
    m->send_at = DT_TIME_NEVER;
    m->deadline = DT_TIME_NEVER;
}

void
dt_modem_clear(DtModem *m)
{
    memset(m, 0, sizeof(*m));
}

DtModemState
dt_modem_get_state(const DtModem *m)
{
    return m->state;
}

static DtModemEvent *
push_event(DtModem *m, DtModemEventType type)
{
    if (m->ev_count == DT_MODEM_EVENT_QUEUE) {
        m->events_dropped++;
        return NULL;
    }
    DtModemEvent *ev = &m->events[(m->ev_head + m->ev_count++) % DT_MODEM_EVENT_QUEUE];
    memset(ev, 0, sizeof(*ev));
    ev->type = type;
    ev->state = m->state;
    return ev;
}

bool
dt_modem_poll_event(DtModem *m, DtModemEvent *ev)
{
    if (m->ev_count == 0)
        return false;
    *ev = m->events[m->ev_head];
    m->ev_head = (m->ev_head + 1) % DT_MODEM_EVENT_QUEUE;
    m->ev_count--;
    return true;
}

static void
set_state(DtModem *m, DtModemState s)
{
    if (m->state == s)
        return;
    m->state = s;
    push_event(m, DT_MODEM_EVENT_STATE);
}

static void
queue_tx(DtModem *m, const char *a, const char *b)
{
    size_t na = strlen(a), nb = b ? strlen(b) : 0;
    /* Commands are short; if the caller left old bytes unread, the new
     * command matters more than stale ones. */
    if (m->tx_len + na + nb > DT_MODEM_TX_MAX)
        m->tx_len = 0;
    memcpy(m->tx + m->tx_len, a, na);
    m->tx_len += na;
    if (nb) {
        memcpy(m->tx + m->tx_len, b, nb);
        m->tx_len += nb;
    }
}

size_t
dt_modem_poll_transmit(DtModem *m, uint8_t *out, size_t cap)
{
    size_t n = m->tx_len < cap ? m->tx_len : cap;
    if (n == 0)
        return 0;
    memcpy(out, m->tx, n);
    memmove(m->tx, m->tx + n, m->tx_len - n);
    m->tx_len -= n;
    return n;
}

DtTime
dt_modem_next_deadline(const DtModem *m)
{
    return dt_time_min(m->send_at, m->deadline);
}

/* snprintf that never leaves half a UTF-8 sequence when it truncates. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
format_message(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    if (n < 0) {
        out[0] = '\0';
        return;
    }
    if ((size_t)n < cap)
        return;
    /* Truncated: find where the last character starts, and cut it off if
     * not all of its octets made it. */
    size_t len = cap - 1, start = len;
    while (start > 0 && ((unsigned char)out[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0)
        return;
    unsigned char lead = (unsigned char)out[start - 1];
    size_t want = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (len - (start - 1) < want)
        out[start - 1] = '\0';
}

/* Enters FAILED and queues the event; the caller words its message. */
static DtModemEvent *
fail_event(DtModem *m, DtReason reason)
{
    m->send_at = DT_TIME_NEVER;
    m->deadline = DT_TIME_NEVER;
    set_state(m, DT_MODEM_FAILED);
    DtModemEvent *ev = push_event(m, DT_MODEM_EVENT_FAILED);
    if (ev)
        ev->reason = reason;
    return ev;
}

#define FAIL(m, reason, ...)                                                                       \
    do {                                                                                           \
        DtModemEvent *ev_ = fail_event((m), (reason));                                             \
        if (ev_)                                                                                   \
            format_message(ev_->message, sizeof(ev_->message), __VA_ARGS__);                       \
    } while (0)

static void
hung_up(DtModem *m, bool confirmed)
{
    m->send_at = DT_TIME_NEVER;
    m->deadline = DT_TIME_NEVER;
    m->call_pending = false;
    m->dial_aborting = false;
    set_state(m, DT_MODEM_HUNG_UP);
    DtModemEvent *ev = push_event(m, DT_MODEM_EVENT_HUNG_UP);
    if (!ev)
        return;
    ev->confirmed = confirmed;
    format_message(ev->message, sizeof(ev->message), "%s",
                   confirmed ? "The modem hung up."
                             : "The modem did not confirm the hang-up; it may still be "
                               "off-hook.");
}

/* ---- sending ----------------------------------------------------------- */

/* The command due at send_at, by state: init[step], the dial, or "+++". */
static void
send_pending(DtModem *m, DtTime now)
{
    m->send_at = DT_TIME_NEVER;
    switch (m->state) {
    case DT_MODEM_SETTLING:
        set_state(m, m->cfg.n_init ? DT_MODEM_INITIALIZING : DT_MODEM_DIALING);
        send_pending(m, now);
        return;
    case DT_MODEM_INITIALIZING:
        queue_tx(m, m->cfg.init[m->step], "\r");
        m->deadline = now + m->cfg.command_timeout_ms;
        return;
    case DT_MODEM_DIALING:
        queue_tx(m, m->cfg.dial_command, m->cfg.phone);
        queue_tx(m, "\r", NULL);
        m->call_pending = true;
        m->deadline = now + m->cfg.connect_timeout_ms;
        return;
    case DT_MODEM_HANGUP_GUARD:
        /* Guard, "+++", guard: the modem answers OK once the second guard
         * time passes without more data. */
        queue_tx(m, "+++", NULL);
        set_state(m, DT_MODEM_HANGUP_ESCAPE);
        m->deadline = now + m->cfg.guard_ms + m->cfg.command_timeout_ms;
        return;
    default:
        return;
    }
}

static void
schedule(DtModem *m, DtTime now, DtTime delay)
{
    m->deadline = DT_TIME_NEVER;
    if (delay == 0)
        send_pending(m, now);
    else
        m->send_at = now + delay;
}

static void
send_ath(DtModem *m, DtTime now)
{
    queue_tx(m, "ATH\r", NULL);
    m->dial_aborting = false;
    set_state(m, DT_MODEM_HANGUP_COMMAND);
    m->deadline = now + m->cfg.command_timeout_ms;
}

void
dt_modem_start(DtModem *m, DtTime now)
{
    if (m->state != DT_MODEM_IDLE && m->state != DT_MODEM_FAILED && m->state != DT_MODEM_HUNG_UP)
        return;
    m->step = 0;
    m->line_len = 0;
    m->line_overflow = false;
    m->call_pending = false;
    m->dial_aborting = false;
    m->swallow_lf = false;
    m->last_line[0] = '\0';
    set_state(m, DT_MODEM_SETTLING);
    schedule(m, now, m->cfg.settle_ms);
}

/* ---- result codes ------------------------------------------------------ */

typedef enum {
    RESULT_OTHER, /* banners, "CARRIER 28800", "PROTOCOL: LAPM", junk */
    RESULT_ECHO,  /* our own command echoed back (ATE1) */
    RESULT_OK,
    RESULT_CONNECT,
    RESULT_RING,
    RESULT_NO_CARRIER,
    RESULT_ERROR,
    RESULT_NO_DIALTONE,
    RESULT_BUSY,
    RESULT_NO_ANSWER,
    RESULT_DELAYED, /* national call-barring rules: too many failed attempts */
} Result;

static bool
has_word_prefix(const char *s, const char *word)
{
    size_t n = strlen(word);
    return strncmp(s, word, n) == 0 &&
           (s[n] == '\0' || s[n] == ' ' || s[n] == '/' || s[n] == ':' || s[n] == ',');
}

/* Classifies a trimmed, upper-cased line (V.250 §5.7, Table 1; the
 * numeric codes are the ATV0 forms, where 5 and above mean CONNECT at some
 * speed in most modems' manuals). */
static Result
classify(const char *u)
{
    if (u[0] >= '0' && u[0] <= '9' && (u[1] == '\0' || (u[1] >= '0' && u[1] <= '9' && !u[2]))) {
        static const Result numeric[] = {RESULT_OK,          RESULT_CONNECT, RESULT_RING,
                                         RESULT_NO_CARRIER,  RESULT_ERROR,   RESULT_CONNECT,
                                         RESULT_NO_DIALTONE, RESULT_BUSY,    RESULT_NO_ANSWER};
        int code = u[1] ? (u[0] - '0') * 10 + (u[1] - '0') : u[0] - '0';
        return code < (int)(sizeof(numeric) / sizeof(numeric[0])) ? numeric[code] : RESULT_CONNECT;
    }
    if (strcmp(u, "OK") == 0)
        return RESULT_OK;
    if (has_word_prefix(u, "CONNECT"))
        return RESULT_CONNECT;
    if (strcmp(u, "RING") == 0)
        return RESULT_RING;
    if (strcmp(u, "NO CARRIER") == 0)
        return RESULT_NO_CARRIER;
    if (strcmp(u, "ERROR") == 0 || has_word_prefix(u, "+CME ERROR") ||
        has_word_prefix(u, "+CMS ERROR"))
        return RESULT_ERROR;
    if (strcmp(u, "NO DIALTONE") == 0 || strcmp(u, "NO DIAL TONE") == 0)
        return RESULT_NO_DIALTONE;
    if (strcmp(u, "BUSY") == 0)
        return RESULT_BUSY;
    if (strcmp(u, "NO ANSWER") == 0)
        return RESULT_NO_ANSWER;
    if (has_word_prefix(u, "DELAYED") || has_word_prefix(u, "BLACKLISTED"))
        return RESULT_DELAYED;
    if (u[0] == 'A' && u[1] == 'T')
        return RESULT_ECHO;
    return RESULT_OTHER;
}

static bool
is_final(Result r)
{
    return r != RESULT_OTHER && r != RESULT_ECHO && r != RESULT_RING;
}

/* "CONNECT 115200/V42BIS" → text "115200/V42BIS", speed 115200. */
static void
connected(DtModem *m, const char *line, const char *upper)
{
    const char *t = line;
    if (strncmp(upper, "CONNECT", 7) == 0)
        t += 7;
    while (*t == ' ')
        t++;
    m->send_at = DT_TIME_NEVER;
    m->deadline = DT_TIME_NEVER;
    m->call_pending = false;
    set_state(m, DT_MODEM_CONNECTED);
    DtModemEvent *ev = push_event(m, DT_MODEM_EVENT_CONNECTED);
    if (!ev)
        return;
    uint64_t speed = 0;
    for (const char *d = t; *d >= '0' && *d <= '9'; d++) {
        speed = speed * 10 + (uint64_t)(*d - '0');
        if (speed > UINT32_MAX) {
            speed = 0; /* not a speed, just a long number */
            break;
        }
    }
    /* A bare numeric result code ("1", "10") carries no speed we can trust. */
    if (t == line)
        speed = 0;
    ev->speed = (uint32_t)speed;
    format_message(ev->connect_text, sizeof(ev->connect_text), "%s", t);
    if (*t)
        format_message(ev->message, sizeof(ev->message), "Connected (the modem said “%s”).", line);
    else
        format_message(ev->message, sizeof(ev->message), "Connected.");
}

static const char *
number_or_default(const DtModem *m)
{
    return m->cfg.phone[0] ? m->cfg.phone : "the number";
}

static void
dial_failed(DtModem *m, Result r, const char *line)
{
    const char *num = number_or_default(m);
    switch (r) {
    case RESULT_BUSY:
        FAIL(m, DT_REASON_MODEM_BUSY, "The number %s is busy (the modem said “%s”).",
             m->cfg.phone[0] ? m->cfg.phone : "you dialed", line);
        return;
    case RESULT_NO_CARRIER:
        FAIL(m, DT_REASON_MODEM_NO_CARRIER,
             "The modem dialed %s but found no carrier: nothing answered as a modem (“%s”).", num,
             line);
        return;
    case RESULT_NO_DIALTONE:
        FAIL(m, DT_REASON_MODEM_NO_DIALTONE,
             "The modem hears no dial tone (“%s”): is the phone line plugged in?", line);
        return;
    case RESULT_NO_ANSWER:
        FAIL(m, DT_REASON_MODEM_NO_ANSWER, "Nobody answered at %s (“%s”).", num, line);
        return;
    case RESULT_DELAYED:
        FAIL(m, DT_REASON_MODEM_ERROR,
             "The modem refuses to dial %s again for now (“%s”): too many failed calls.", num,
             line);
        return;
    case RESULT_ERROR:
    default:
        FAIL(m, DT_REASON_MODEM_ERROR, "The modem rejected the dial command “%s%s” (“%s”).",
             m->cfg.dial_command, m->cfg.phone, line);
        return;
    }
}

/* One complete line from the modem.  Returns true when it was CONNECT. */
static bool
handle_line(DtModem *m, const char *line, DtTime now)
{
    char upper[DT_MODEM_LINE_MAX];
    size_t n = 0;
    for (; line[n] && n < sizeof(upper) - 1; n++) {
        char c = line[n];
        upper[n] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    }
    upper[n] = '\0';
    Result r = classify(upper);
    if (r != RESULT_ECHO)
        memcpy(m->last_line, line, n + 1);

    bool waiting = m->send_at == DT_TIME_NEVER; /* our command is out */
    switch (m->state) {
    case DT_MODEM_INITIALIZING:
        if (!waiting)
            break;
        if (r == RESULT_OK) {
            m->step++;
            if (m->step == m->cfg.n_init)
                set_state(m, DT_MODEM_DIALING);
            schedule(m, now, m->cfg.command_delay_ms);
            return false;
        }
        if (r == RESULT_ERROR) {
            FAIL(m, DT_REASON_MODEM_ERROR, "The modem rejected the init command “%s” (“%s”).",
                 m->cfg.init[m->step], line);
            return false;
        }
        /* A stale NO CARRIER from the last call, RING, banners: not ours. */
        break;
    case DT_MODEM_DIALING:
        if (!waiting || !is_final(r))
            break;
        if (r == RESULT_CONNECT) {
            connected(m, line, upper);
            return true;
        }
        if (r == RESULT_OK)
            break; /* a late OK to the last init command; keep waiting for CONNECT */
        m->call_pending = false;
        dial_failed(m, r, line);
        return false;
    case DT_MODEM_HANGUP_ESCAPE:
        if (r == RESULT_OK) {
            send_ath(m, now);
            return false;
        }
        break;
    case DT_MODEM_HANGUP_COMMAND:
        if (!is_final(r))
            break;
        if (m->dial_aborting) {
            if (r == RESULT_CONNECT) {
                /* The call went through before our CR arrived: escape first. */
                m->dial_aborting = false;
                m->call_pending = false;
                set_state(m, DT_MODEM_HANGUP_GUARD);
                m->deadline = DT_TIME_NEVER;
                m->send_at = now + m->cfg.guard_ms;
                return false;
            }
            send_ath(m, now);
            return false;
        }
        hung_up(m, r == RESULT_OK || r == RESULT_NO_CARRIER);
        return false;
    default:
        break;
    }
    m->lines_ignored++;
    return false;
}

size_t
dt_modem_feed(DtModem *m, const uint8_t *p, size_t len, DtTime now)
{
    if (!p)
        return len;
    if (m->state == DT_MODEM_CONNECTED) {
        /* "\r\nCONNECT\r\n" split after the CR: the LF is still the modem's. */
        bool lf = m->swallow_lf && len > 0 && p[0] == '\n';
        if (len > 0)
            m->swallow_lf = false;
        return lf ? 1 : 0;
    }
    for (size_t i = 0; i < len; i++) {
        uint8_t c = p[i];
        if (c == '\r' || c == '\n') {
            if (m->line_overflow) {
                m->lines_ignored++;
            } else if (m->line_len > 0) {
                /* Trim trailing spaces; leading ones were never stored. */
                while (m->line_len > 0 && m->line[m->line_len - 1] == ' ')
                    m->line_len--;
                m->line[m->line_len] = '\0';
                if (m->line_len > 0 && handle_line(m, m->line, now)) {
                    m->line_len = 0;
                    size_t used = i + 1;
                    /* "\r\nCONNECT\r\n": the LF is the modem's, not PPP's. */
                    if (c == '\r' && used < len && p[used] == '\n')
                        used++;
                    else if (c == '\r' && used == len)
                        m->swallow_lf = true;
                    return used;
                }
            }
            m->line_len = 0;
            m->line_overflow = false;
            continue;
        }
        /* Keep lines printable ASCII: they end up in messages and logs.
         * Other control characters (NUL, XON) are dropped, 8-bit octets shown as '?'. */
        if (c < 0x20 || c == 0x7F)
            continue;
        if (c == ' ' && m->line_len == 0)
            continue;
        if (m->line_len == DT_MODEM_LINE_MAX - 1) {
            m->line_overflow = true;
            continue;
        }
        m->line[m->line_len++] = c > 0x7E ? '?' : (char)c;
    }
    return len;
}

void
dt_modem_handle_timeout(DtModem *m, DtTime now)
{
    if (m->send_at != DT_TIME_NEVER && now >= m->send_at) {
        send_pending(m, now);
        return;
    }
    if (m->deadline == DT_TIME_NEVER || now < m->deadline)
        return;
    m->deadline = DT_TIME_NEVER;
    switch (m->state) {
    case DT_MODEM_INITIALIZING:
        if (m->last_line[0])
            FAIL(m, DT_REASON_MODEM_TIMEOUT,
                 "The modem did not answer “%s” with OK within %llu s (it last said “%s”).",
                 m->cfg.init[m->step], (unsigned long long)(m->cfg.command_timeout_ms / 1000),
                 m->last_line);
        else
            FAIL(m, DT_REASON_MODEM_TIMEOUT,
                 "The modem did not answer “%s” within %llu s: is it switched on and "
                 "connected?",
                 m->cfg.init[m->step], (unsigned long long)(m->cfg.command_timeout_ms / 1000));
        return;
    case DT_MODEM_DIALING:
        /* call_pending stays set: the modem may still be dialing, so a
         * hang-up must abort the call. */
        FAIL(m, DT_REASON_MODEM_TIMEOUT, "No connection within %llu s of dialing %s.",
             (unsigned long long)(m->cfg.connect_timeout_ms / 1000), number_or_default(m));
        return;
    case DT_MODEM_HANGUP_ESCAPE:
        /* No OK to "+++": still try ATH, in case only the OK was lost. */
        send_ath(m, now);
        return;
    case DT_MODEM_HANGUP_COMMAND:
        if (m->dial_aborting) {
            send_ath(m, now);
            return;
        }
        hung_up(m, false);
        return;
    default:
        return;
    }
}

void
dt_modem_hangup(DtModem *m, DtTime now)
{
    switch (m->state) {
    case DT_MODEM_CONNECTED:
        m->tx_len = 0;
        set_state(m, DT_MODEM_HANGUP_GUARD);
        m->deadline = DT_TIME_NEVER;
        m->send_at = now + m->cfg.guard_ms;
        return;
    case DT_MODEM_DIALING:
    case DT_MODEM_FAILED:
        if (m->call_pending) {
            /* V.250 §6.3.1: any character from the DTE aborts a call attempt. */
            m->tx_len = 0;
            queue_tx(m, "\r", NULL);
            m->call_pending = false;
            m->dial_aborting = true;
            m->send_at = DT_TIME_NEVER;
            set_state(m, DT_MODEM_HANGUP_COMMAND);
            m->deadline = now + m->cfg.command_timeout_ms;
            return;
        }
        break;
    case DT_MODEM_HANGUP_GUARD:
    case DT_MODEM_HANGUP_ESCAPE:
    case DT_MODEM_HANGUP_COMMAND:
        return; /* already on its way */
    case DT_MODEM_HUNG_UP:
        return;
    default:
        break;
    }
    /* No call in progress: the modem is in command mode and on-hook. */
    m->tx_len = 0;
    hung_up(m, true);
}
