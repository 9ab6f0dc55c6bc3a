/* test-modem.c — the modem dialogue against scripted fake modems, in fake time. */
#include <string.h>

#include "dt-modem.h"
#include "dt-test.h"

/* A fake line: the engine, the clock, and how modem output is chunked. */
typedef struct {
    DtModem m;
    DtTime now;
    GRand *rand;
    gsize chunk; /* 0: random 1..8 */
} Line;

static void
line_start(Line *l, const DtModemConfig *cfg, gsize chunk)
{
    dt_modem_init(&l->m, cfg);
    l->now = 10000; /* not zero, so deadlines are plainly relative */
    l->rand = g_rand_new_with_seed(dt_test_seed());
    l->chunk = chunk;
    dt_modem_start(&l->m, l->now);
}

static void
line_end(Line *l)
{
    g_rand_free(l->rand);
    dt_modem_clear(&l->m);
}

static DtModemConfig
vm_config(void)
{
    /* The test VM's ISP (shared/peers/linux-pptpd): ATZ, then ATDT5551234. */
    DtModemConfig cfg;
    dt_modem_config_init(&cfg);
    g_assert_cmpint(dt_modem_config_add_init(&cfg, "ATZ"), ==, DT_MODEM_CONFIG_OK);
    g_assert_cmpint(dt_modem_config_set_dial(&cfg, "ATDT", "5551234"), ==, DT_MODEM_CONFIG_OK);
    return cfg;
}

/* Everything the engine wants written now, as a string. */
static char *
pull_tx(Line *l)
{
    GString *s = g_string_new(NULL);
    guint8 buf[7]; /* small, to exercise partial pulls */
    size_t n;
    while ((n = dt_modem_poll_transmit(&l->m, buf, sizeof(buf))) > 0)
        g_string_append_len(s, (const char *)buf, (gssize)n);
    return g_string_free(s, FALSE);
}

/* Moves the clock to the engine's next deadline (which must exist and be
 * at most max_ms away) and fires it. */
static void
next_deadline(Line *l, DtTime max_ms)
{
    DtTime d = dt_modem_next_deadline(&l->m);
    g_assert_cmpuint(d, !=, DT_TIME_NEVER);
    g_assert_cmpuint(d, >=, l->now);
    g_assert_cmpuint(d - l->now, <=, max_ms);
    /* Nothing happens a millisecond early. */
    if (d > l->now) {
        dt_modem_handle_timeout(&l->m, d - 1);
        g_autofree char *early = pull_tx(l);
        g_assert_cmpstr(early, ==, "");
    }
    l->now = d;
    dt_modem_handle_timeout(&l->m, l->now);
}

/* Waits (in fake time) for the engine to write exactly `want`. */
static void
expect_tx(Line *l, const char *want)
{
    g_autofree char *got = pull_tx(l);
    if (!*got) {
        next_deadline(l, 2000);
        g_free(got);
        got = pull_tx(l);
    }
    g_assert_cmpstr(got, ==, want);
}

/* The modem writes text; returns how many octets the engine consumed. */
static gsize
modem_says_len(Line *l, const char *text, gsize len)
{
    gsize off = 0;
    while (off < len) {
        gsize n = l->chunk ? l->chunk : (gsize)g_rand_int_range(l->rand, 1, 9);
        if (n > len - off)
            n = len - off;
        size_t used = dt_modem_feed(&l->m, (const guint8 *)text + off, n, l->now);
        g_assert_cmpuint(used, <=, n);
        off += used;
        if (used < n)
            break;
    }
    return off;
}

static void
modem_says(Line *l, const char *text)
{
    g_assert_cmpuint(modem_says_len(l, text, strlen(text)), ==, strlen(text));
}

/* The next non-STATE event; fails if there is none. */
static DtModemEvent
expect_event(Line *l, DtModemEventType type)
{
    DtModemEvent ev;
    do
        g_assert_true(dt_modem_poll_event(&l->m, &ev));
    while (ev.type == DT_MODEM_EVENT_STATE);
    g_assert_cmpint(ev.type, ==, type);
    return ev;
}

static void
expect_no_event(Line *l)
{
    DtModemEvent ev;
    while (dt_modem_poll_event(&l->m, &ev))
        g_assert_cmpint(ev.type, ==, DT_MODEM_EVENT_STATE);
}

static void
test_vm_dialogue(void)
{
    DtModemConfig cfg = vm_config();
    for (gsize chunk = 0; chunk <= 4; chunk++) {
        Line l;
        line_start(&l, &cfg, chunk);
        g_assert_cmpint(dt_modem_get_state(&l.m), ==, DT_MODEM_SETTLING);
        /* The pty drops what is written in its first second: settle first. */
        DtTime t0 = l.now;
        expect_tx(&l, "ATZ\r");
        g_assert_cmpuint(l.now - t0, ==, 1000);
        g_assert_cmpint(dt_modem_get_state(&l.m), ==, DT_MODEM_INITIALIZING);
        modem_says(&l, "\r\nOK\r\n");
        expect_tx(&l, "ATDT5551234\r");
        g_assert_cmpint(dt_modem_get_state(&l.m), ==, DT_MODEM_DIALING);
        /* CONNECT and the ISP's first LCP frame in one read. */
        const char *modem = "\r\nCONNECT 115200\r\n";
        const char wire[] = "\r\nCONNECT 115200\r\n\x7e\xff\x7d\x23\xc0\x21";
        gsize used = modem_says_len(&l, wire, sizeof(wire) - 1);
        g_assert_cmpuint(used, ==, strlen(modem));
        DtModemEvent ev = expect_event(&l, DT_MODEM_EVENT_CONNECTED);
        g_assert_cmpuint(ev.speed, ==, 115200);
        g_assert_cmpstr(ev.connect_text, ==, "115200");
        g_assert_cmpint(dt_modem_get_state(&l.m), ==, DT_MODEM_CONNECTED);
        /* From now on the line is PPP: nothing consumed, nothing sent, no timers. */
        g_assert_cmpuint(dt_modem_feed(&l.m, (const guint8 *)"\x7e\x7e", 2, l.now), ==, 0);
        g_assert_cmpuint(dt_modem_next_deadline(&l.m), ==, DT_TIME_NEVER);
        expect_no_event(&l);
        line_end(&l);
    }
}

static void
test_echo_and_noise(void)
{
    DtModemConfig cfg;
    dt_modem_config_init(&cfg);
    cfg.settle_ms = 0;
    cfg.command_delay_ms = 0;
    g_assert_cmpint(dt_modem_config_add_init(&cfg, "AT&F"), ==, DT_MODEM_CONFIG_OK);
    g_assert_cmpint(dt_modem_config_add_init(&cfg, "ATE1V1"), ==, DT_MODEM_CONFIG_OK);
    g_assert_cmpint(dt_modem_config_add_init(&cfg, "at+ms=v90"), ==, DT_MODEM_CONFIG_OK);
    g_assert_cmpint(dt_modem_config_set_dial(&cfg, "ATDP", "0W555-1234"), ==, DT_MODEM_CONFIG_OK);
    Line l;
    line_start(&l, &cfg, 0);
    /* With no settle time the first command goes out at once. */
    g_autofree char *first = pull_tx(&l);
    g_assert_cmpstr(first, ==, "AT&F\r");
    /* Echo, CR-only endings, a banner, an unsolicited RING before the OK. */
    modem_says(&l, "AT&F\rUSRobotics Courier V.Everything\r\n\r\nRING\r\n\r\nok\r\n");
    expect_tx(&l, "ATE1V1\r");
    /* LF-only endings, trailing spaces, NUL and XON noise, an 8-bit octet. */
    modem_says(&l, "ATE1V1\n\x11\xe9junk line\n  OK  \n");
    expect_tx(&l, "at+ms=v90\r");
    /* A line far longer than any result, then the OK. */
    GString *junk = g_string_new(NULL);
    for (int i = 0; i < 300; i++)
        g_string_append_c(junk, 'K');
    g_string_append(junk, "\r\nO");
    g_string_append_c(junk, '\0');
    modem_says_len(&l, junk->str, junk->len);
    g_string_free(junk, TRUE);
    modem_says(&l, "K\r\n");
    expect_tx(&l, "ATDP0W555-1234\r");
    modem_says(&l, "ATDP0W555-1234\r\r\nRING\r\nCARRIER 28800\r\nPROTOCOL: LAPM\r\n"
                   "COMPRESSION: V42BIS\r\n");
    g_assert_cmpint(dt_modem_get_state(&l.m), ==, DT_MODEM_DIALING);
    modem_says(&l, "\r\nCONNECT 28800/ARQ/V42BIS\r");
    DtModemEvent ev = expect_event(&l, DT_MODEM_EVENT_CONNECTED);
    g_assert_cmpuint(ev.speed, ==, 28800);
    g_assert_cmpstr(ev.connect_text, ==, "28800/ARQ/V42BIS");
    g_assert_nonnull(strstr(ev.message, "CONNECT 28800/ARQ/V42BIS"));
    g_assert_true(g_utf8_validate(ev.message, -1, NULL));
    g_assert_cmpuint(l.m.lines_ignored, >=, 8);
    line_end(&l);
}

static void
dial_result(const char *result, DtReason want, const char *word)
{
    DtModemConfig cfg = vm_config();
    Line l;
    line_start(&l, &cfg, 0);
    expect_tx(&l, "ATZ\r");
    modem_says(&l, "\r\nOK\r\n");
    expect_tx(&l, "ATDT5551234\r");
    modem_says(&l, result);
    DtModemEvent ev = expect_event(&l, DT_MODEM_EVENT_FAILED);
    g_assert_cmpint(ev.reason, ==, want);
    g_assert_cmpint(dt_modem_get_state(&l.m), ==, DT_MODEM_FAILED);
    g_autofree char *shown = g_strstrip(g_strdup(result));
    g_test_message("%s -> %s: %s", shown, dt_reason_to_string(ev.reason), ev.message);
    if (word)
        g_assert_nonnull(strstr(ev.message, word));
    g_assert_true(g_utf8_validate(ev.message, -1, NULL));
    g_assert_cmpuint(dt_modem_next_deadline(&l.m), ==, DT_TIME_NEVER);
    /* The modem is back in command mode: hanging up needs no commands. */
    dt_modem_hangup(&l.m, l.now);
    g_autofree char *tx = pull_tx(&l);
    g_assert_cmpstr(tx, ==, "");
    DtModemEvent hu = expect_event(&l, DT_MODEM_EVENT_HUNG_UP);
    g_assert_true(hu.confirmed);
    line_end(&l);
}

static void
test_dial_failures(void)
{
    dial_result("\r\nBUSY\r\n", DT_REASON_MODEM_BUSY, "5551234");
    dial_result("\r\nNO CARRIER\r\n", DT_REASON_MODEM_NO_CARRIER, "NO CARRIER");
    dial_result("\r\nNO DIALTONE\r\n", DT_REASON_MODEM_NO_DIALTONE, "dial tone");
    dial_result("\r\nNO DIAL TONE\r\n", DT_REASON_MODEM_NO_DIALTONE, "NO DIAL TONE");
    dial_result("\r\nNO ANSWER\r\n", DT_REASON_MODEM_NO_ANSWER, "5551234");
    dial_result("\r\nERROR\r\n", DT_REASON_MODEM_ERROR, "ATDT5551234");
    dial_result("\r\n+CME ERROR: 30\r\n", DT_REASON_MODEM_ERROR, "+CME ERROR: 30");
    dial_result("\r\nDELAYED\r\n", DT_REASON_MODEM_ERROR, "DELAYED");
    /* ATV0 numeric result codes (V.250 Table 1), CR-terminated. */
    dial_result("7\r", DT_REASON_MODEM_BUSY, NULL);
    dial_result("3\r", DT_REASON_MODEM_NO_CARRIER, NULL);
    dial_result("6\r", DT_REASON_MODEM_NO_DIALTONE, NULL);
    dial_result("8\r", DT_REASON_MODEM_NO_ANSWER, NULL);
    dial_result("4\r", DT_REASON_MODEM_ERROR, NULL);
}

static void
test_numeric_connect(void)
{
    DtModemConfig cfg = vm_config();
    Line l;
    line_start(&l, &cfg, 1);
    expect_tx(&l, "ATZ\r");
    modem_says(&l, "0\r");
    expect_tx(&l, "ATDT5551234\r");
    modem_says(&l, "2\r"); /* RING */
    g_assert_cmpint(dt_modem_get_state(&l.m), ==, DT_MODEM_DIALING);
    g_assert_cmpuint(modem_says_len(&l, "1\r~", 3), ==, 2);
    DtModemEvent ev = expect_event(&l, DT_MODEM_EVENT_CONNECTED);
    g_assert_cmpuint(ev.speed, ==, 0);
    line_end(&l);
}

static void
test_init_error(void)
{
    DtModemConfig cfg;
    dt_modem_config_init(&cfg);
    g_assert_cmpint(dt_modem_config_add_init(&cfg, "ATZ"), ==, DT_MODEM_CONFIG_OK);
    g_assert_cmpint(dt_modem_config_add_init(&cfg, "AT&F1&C1&D2"), ==, DT_MODEM_CONFIG_OK);
    g_assert_cmpint(dt_modem_config_set_dial(&cfg, "ATDT", "5551234"), ==, DT_MODEM_CONFIG_OK);
    Line l;
    line_start(&l, &cfg, 0);
    expect_tx(&l, "ATZ\r");
    /* A stale NO CARRIER from the previous call is not an answer to ATZ. */
    modem_says(&l, "\r\nNO CARRIER\r\n");
    g_assert_cmpint(dt_modem_get_state(&l.m), ==, DT_MODEM_INITIALIZING);
    modem_says(&l, "\r\nOK\r\n");
    expect_tx(&l, "AT&F1&C1&D2\r");
    modem_says(&l, "\r\nERROR\r\n");
    DtModemEvent ev = expect_event(&l, DT_MODEM_EVENT_FAILED);
    g_assert_cmpint(ev.reason, ==, DT_REASON_MODEM_ERROR);
    g_assert_nonnull(strstr(ev.message, "“AT&F1&C1&D2”"));
    /* It never dials. */
    g_assert_cmpuint(dt_modem_next_deadline(&l.m), ==, DT_TIME_NEVER);
    g_autofree char *tx = pull_tx(&l);
    g_assert_cmpstr(tx, ==, "");
    line_end(&l);
}

static void
test_timeouts(void)
{
    DtModemConfig cfg = vm_config();
    /* A silent modem: the init command times out after command_timeout_ms. */
    Line l;
    line_start(&l, &cfg, 0);
    expect_tx(&l, "ATZ\r");
    DtTime sent = l.now;
    next_deadline(&l, cfg.command_timeout_ms);
    g_assert_cmpuint(l.now - sent, ==, cfg.command_timeout_ms);
    DtModemEvent ev = expect_event(&l, DT_MODEM_EVENT_FAILED);
    g_assert_cmpint(ev.reason, ==, DT_REASON_MODEM_TIMEOUT);
    g_assert_nonnull(strstr(ev.message, "“ATZ”"));
    line_end(&l);

    /* A modem that talks but never says OK: the message quotes it. */
    line_start(&l, &cfg, 0);
    expect_tx(&l, "ATZ\r");
    modem_says(&l, "\r\nHELLO\r\n");
    next_deadline(&l, cfg.command_timeout_ms);
    ev = expect_event(&l, DT_MODEM_EVENT_FAILED);
    g_assert_cmpint(ev.reason, ==, DT_REASON_MODEM_TIMEOUT);
    g_assert_nonnull(strstr(ev.message, "HELLO"));
    line_end(&l);

    /* No CONNECT within connect_timeout_ms (60 s) of dialing. */
    line_start(&l, &cfg, 0);
    expect_tx(&l, "ATZ\r");
    modem_says(&l, "\r\nOK\r\n");
    expect_tx(&l, "ATDT5551234\r");
    sent = l.now;
    modem_says(&l, "\r\nRING\r\n");
    next_deadline(&l, cfg.connect_timeout_ms);
    g_assert_cmpuint(l.now - sent, ==, 60000);
    ev = expect_event(&l, DT_MODEM_EVENT_FAILED);
    g_assert_cmpint(ev.reason, ==, DT_REASON_MODEM_TIMEOUT);
    g_assert_nonnull(strstr(ev.message, "60 s"));
    /* The modem may still be dialing: hanging up aborts the call, then ATH. */
    dt_modem_hangup(&l.m, l.now);
    expect_tx(&l, "\r");
    modem_says(&l, "\r\nNO CARRIER\r\n");
    expect_tx(&l, "ATH\r");
    modem_says(&l, "\r\nOK\r\n");
    ev = expect_event(&l, DT_MODEM_EVENT_HUNG_UP);
    g_assert_true(ev.confirmed);
    line_end(&l);
}

/* Long commands and long modem lines overflow the message: whatever the cut
 * point, what is left must be valid UTF-8 (messages go out over D-Bus). */
static void
test_long_messages(void)
{
    for (gsize n = 30; n < DT_MODEM_MAX_COMMAND; n++) {
        DtModemConfig cfg;
        dt_modem_config_init(&cfg);
        g_autofree char *cmd = g_strnfill(n, 'Q');
        cmd[0] = 'A', cmd[1] = 'T';
        g_assert_cmpint(dt_modem_config_add_init(&cfg, cmd), ==, DT_MODEM_CONFIG_OK);
        for (gsize said = 0; said < 90; said += 7) {
            Line l;
            line_start(&l, &cfg, 0);
            g_free(pull_tx(&l)); /* nothing is sent while the line settles */
            next_deadline(&l, cfg.settle_ms);
            g_free(pull_tx(&l));
            g_autofree char *line = g_strnfill(said + 1, 'x');
            g_autofree char *text = g_strdup_printf("%s\r\n", line);
            modem_says(&l, text);
            next_deadline(&l, cfg.command_timeout_ms);
            DtModemEvent ev = expect_event(&l, DT_MODEM_EVENT_FAILED);
            g_assert_cmpint(ev.reason, ==, DT_REASON_MODEM_TIMEOUT);
            g_assert_true(g_utf8_validate(ev.message, -1, NULL));
            g_assert_cmpuint(strlen(ev.message), <, sizeof(ev.message));
            line_end(&l);
        }
    }
}

static void
connect_vm(Line *l, const DtModemConfig *cfg)
{
    line_start(l, cfg, 0);
    expect_tx(l, "ATZ\r");
    modem_says(l, "\r\nOK\r\n");
    expect_tx(l, "ATDT5551234\r");
    modem_says(l, "\r\nCONNECT 115200\r\n");
    expect_event(l, DT_MODEM_EVENT_CONNECTED);
}

static void
test_hangup(void)
{
    DtModemConfig cfg = vm_config();
    Line l;
    connect_vm(&l, &cfg);
    DtTime t0 = l.now;
    dt_modem_hangup(&l.m, l.now);
    g_assert_cmpint(dt_modem_get_state(&l.m), ==, DT_MODEM_HANGUP_GUARD);
    /* A full guard time of silence before "+++". */
    expect_tx(&l, "+++");
    g_assert_cmpuint(l.now - t0, ==, cfg.guard_ms);
    /* PPP frames from the peer may still arrive; then the modem's OK. */
    modem_says(&l, "\x7e\xff\x7d\x23\xc0\x21\x7e");
    modem_says(&l, "\r\nOK\r\n");
    expect_tx(&l, "ATH\r");
    modem_says(&l, "\r\nOK\r\n");
    DtModemEvent ev = expect_event(&l, DT_MODEM_EVENT_HUNG_UP);
    g_assert_true(ev.confirmed);
    g_assert_cmpint(dt_modem_get_state(&l.m), ==, DT_MODEM_HUNG_UP);
    line_end(&l);

    /* A modem that ignores everything: ATH anyway, then give up unconfirmed. */
    connect_vm(&l, &cfg);
    dt_modem_hangup(&l.m, l.now);
    expect_tx(&l, "+++");
    next_deadline(&l, cfg.guard_ms + cfg.command_timeout_ms);
    g_autofree char *ath = pull_tx(&l);
    g_assert_cmpstr(ath, ==, "ATH\r");
    next_deadline(&l, cfg.command_timeout_ms);
    ev = expect_event(&l, DT_MODEM_EVENT_HUNG_UP);
    g_assert_false(ev.confirmed);
    line_end(&l);

    /* Hanging up mid-dial: CR aborts; if CONNECT wins the race, escape. */
    line_start(&l, &cfg, 0);
    expect_tx(&l, "ATZ\r");
    modem_says(&l, "\r\nOK\r\n");
    expect_tx(&l, "ATDT5551234\r");
    dt_modem_hangup(&l.m, l.now);
    expect_tx(&l, "\r");
    modem_says(&l, "\r\nCONNECT 115200\r\n");
    expect_tx(&l, "+++");
    modem_says(&l, "\r\nOK\r\n");
    expect_tx(&l, "ATH\r");
    modem_says(&l, "\r\nNO CARRIER\r\n");
    ev = expect_event(&l, DT_MODEM_EVENT_HUNG_UP);
    g_assert_true(ev.confirmed);
    line_end(&l);

    /* Before anything was sent: hung up at once, silently. */
    line_start(&l, &cfg, 0);
    dt_modem_hangup(&l.m, l.now);
    ev = expect_event(&l, DT_MODEM_EVENT_HUNG_UP);
    g_assert_true(ev.confirmed);
    g_autofree char *none = pull_tx(&l);
    g_assert_cmpstr(none, ==, "");
    g_assert_cmpuint(dt_modem_next_deadline(&l.m), ==, DT_TIME_NEVER);
    /* And it can be started again (redial). */
    dt_modem_start(&l.m, l.now);
    expect_tx(&l, "ATZ\r");
    line_end(&l);
}

static void
test_config_validation(void)
{
    DtModemConfig cfg;
    dt_modem_config_init(&cfg);
    g_assert_cmpstr(cfg.dial_command, ==, "ATDT");
    g_assert_cmpuint(cfg.connect_timeout_ms, ==, 60000);
    g_assert_cmpint(dt_modem_config_add_init(&cfg, "Z"), ==, DT_MODEM_CONFIG_NOT_AT);
    g_assert_cmpint(dt_modem_config_add_init(&cfg, "ATZ\r"), ==, DT_MODEM_CONFIG_BAD_CHARACTER);
    g_assert_cmpint(dt_modem_config_add_init(&cfg, "AT\xc3\xa9"), ==,
                    DT_MODEM_CONFIG_BAD_CHARACTER);
    char longcmd[DT_MODEM_MAX_COMMAND + 1];
    memset(longcmd, 'A', sizeof(longcmd) - 1);
    longcmd[sizeof(longcmd) - 1] = '\0';
    g_assert_cmpint(dt_modem_config_add_init(&cfg, longcmd), ==, DT_MODEM_CONFIG_TOO_LONG);
    for (int i = 0; i < DT_MODEM_MAX_INIT; i++)
        g_assert_cmpint(dt_modem_config_add_init(&cfg, "AT"), ==, DT_MODEM_CONFIG_OK);
    g_assert_cmpint(dt_modem_config_add_init(&cfg, "AT"), ==, DT_MODEM_CONFIG_TOO_MANY);
    g_assert_cmpint(dt_modem_config_set_dial(&cfg, "ATDT", "555;"), ==,
                    DT_MODEM_CONFIG_BAD_CHARACTER);
    g_assert_cmpint(dt_modem_config_set_dial(&cfg, "DT", "555"), ==, DT_MODEM_CONFIG_NOT_AT);
    g_assert_cmpint(dt_modem_config_set_dial(&cfg, "ATDT", longcmd), ==, DT_MODEM_CONFIG_TOO_LONG);
    g_assert_cmpstr(cfg.phone, ==, "");
    for (int e = DT_MODEM_CONFIG_OK; e <= DT_MODEM_CONFIG_BAD_CHARACTER; e++)
        g_assert_cmpstr(dt_modem_config_error_to_string(e), !=, "unknown");
}

static void
test_state_names(void)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (int s = DT_MODEM_IDLE; s <= DT_MODEM_HUNG_UP; s++) {
        const char *name = dt_modem_state_to_string(s);
        g_assert_cmpstr(name, !=, "unknown");
        g_assert_false(g_hash_table_contains(seen, name));
        g_hash_table_add(seen, (gpointer)name);
    }
    g_assert_cmpstr(dt_modem_state_to_string(DT_MODEM_HUNG_UP + 1), ==, "unknown");
}

int
main(int argc, char **argv)
{
    dt_test_init(&argc, &argv);
    g_test_add_func("/modem/vm-dialogue", test_vm_dialogue);
    g_test_add_func("/modem/echo-and-noise", test_echo_and_noise);
    g_test_add_func("/modem/dial-failures", test_dial_failures);
    g_test_add_func("/modem/numeric-connect", test_numeric_connect);
    g_test_add_func("/modem/init-error", test_init_error);
    g_test_add_func("/modem/timeouts", test_timeouts);
    g_test_add_func("/modem/long-messages", test_long_messages);
    g_test_add_func("/modem/hangup", test_hangup);
    g_test_add_func("/modem/config-validation", test_config_validation);
    g_test_add_func("/modem/state-names", test_state_names);
    return dt_test_run();
}
