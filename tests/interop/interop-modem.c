/* interop-modem.c — dial the real Linux ISP (pppd behind chat in the linux-pptpd VM) over its
 * serial pty with dt-serial, dt-modem and dt-hdlc, and prove what we can without a PPP engine:
 *
 *   1. the Hayes dialogue: ATZ → OK, ATDT5551234 → CONNECT 115200;
 *   2. what follows CONNECT is pppd's LCP Configure-Request in RFC 1662 framing with a good
 *      FCS-16, twice (pppd retransmits every 3 s), and it parses as RFC 1661 §5.1 with
 *      well-formed, plausible options; rendered the way pppd logs them, the options must be
 *      exactly what pppd says it sent in the VM's console log;
 *   3. the hang-up: DTR is dropped (on a pty, which has no DTR, that is reported and the call
 *      ends the way a dead line does: pppd's restart counter runs out, RFC 1661 §4.6); then
 *      the ISP says NO CARRIER, the line goes quiet, and a second call connects again.
 *
 *   interop-modem SERIAL CONSOLE_LOG EXPECTED_AUTH(pap|chap-md5|ms-chap-v2|none)
 *
 * Every wait is bounded; exit 0 on success, 1 on any failure (with the reason on stderr).
 */
#include "dt-buf.h"
#include "dt-hdlc.h"
#include "dt-loop.h"
#include "dt-modem.h"
#include "dt-serial.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LCP_PROTO 0xC021
#define LCP_CONFREQ 1
#define FRAMES_MAX 8
#define FRAME_MAX 1600
#define AFTER_MAX 4096

typedef enum {
    PHASE_DIALOGUE, /* line → dt_modem_feed */
    PHASE_PPP,      /* line → HDLC decoder, frames kept */
    PHASE_HUNG_UP,  /* line → the after buffer (looking for NO CARRIER) and the decoder */
} Phase;

typedef struct {
    uint8_t data[FRAME_MAX];
    size_t len;
    DtTime at;
} Frame;

typedef struct {
    DtSerial serial;
    DtLoop loop;
    DtLoopWatch watch;
    DtModem modem;
    DtHdlcDecoder hdlc;
    Phase phase;
    bool modem_connected, modem_failed;
    char modem_message[DT_MODEM_MESSAGE + 64];
    char connect_text[DT_MODEM_CONNECT_TEXT];
    Frame frames[FRAMES_MAX];
    size_t n_frames;
    uint8_t after[AFTER_MAX];
    size_t after_len;
    size_t frames_after_hangup;
    int line_error;
} Call;

static const char *expected_auth;

static void __attribute__((format(printf, 1, 2), noreturn)) fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("FAIL: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void
hdlc_input(Call *c, const uint8_t *p, size_t len)
{
    while (len > 0) {
        size_t n = dt_hdlc_decoder_feed(&c->hdlc, p, len);
        size_t flen;
        const uint8_t *f;
        p += n;
        len -= n;
        f = dt_hdlc_decoder_frame(&c->hdlc, &flen);
        if (!f)
            continue;
        if (c->phase == PHASE_HUNG_UP)
            c->frames_after_hangup++;
        if (c->n_frames < FRAMES_MAX && flen <= FRAME_MAX) {
            memcpy(c->frames[c->n_frames].data, f, flen);
            c->frames[c->n_frames].len = flen;
            c->frames[c->n_frames].at = dt_io_now();
            c->n_frames++;
        }
    }
}

static void arm_modem_timer(Call *c);

/* Writes what the modem engine wants to say. The dialogue is a few octets: the line takes it. */
static void
flush_modem(Call *c)
{
    uint8_t tx[DT_MODEM_TX_MAX];
    size_t n;
    DtModemEvent ev;
    DtIoError err;

    while ((n = dt_modem_poll_transmit(&c->modem, tx, sizeof tx)) > 0) {
        int w = dt_serial_write(&c->serial, tx, n, &err);
        if (w < 0 || (size_t)w != n)
            fail("writing the modem command: %s", w < 0 ? err.message : "short write");
    }
    while (dt_modem_poll_event(&c->modem, &ev)) {
        if (ev.type == DT_MODEM_EVENT_CONNECTED) {
            c->modem_connected = true;
            snprintf(c->connect_text, sizeof c->connect_text, "%s", ev.connect_text);
        } else if (ev.type == DT_MODEM_EVENT_FAILED) {
            c->modem_failed = true;
            snprintf(c->modem_message, sizeof c->modem_message, "%s (%s)", ev.message,
                     dt_reason_to_string(ev.reason));
        } else if (ev.type == DT_MODEM_EVENT_STATE) {
            printf("# modem: %s\n", dt_modem_state_to_string(ev.state));
        }
    }
    arm_modem_timer(c);
}

static void
modem_timer_cb(DtLoop *loop, DtTime now, void *user)
{
    Call *c = user;
    dt_modem_handle_timeout(&c->modem, now);
    flush_modem(c);
}

static void
arm_modem_timer(Call *c)
{
    DtTime at = c->phase == PHASE_DIALOGUE ? dt_modem_next_deadline(&c->modem) : DT_TIME_NEVER;
    DtIoError err;
    if (dt_loop_set_deadline(&c->loop, at, modem_timer_cb, c, &err) < 0)
        fail("%s", err.message);
}

static void
line_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    Call *c = user;
    uint8_t buf[2048];
    DtIoError err;
    int n = dt_serial_read(&c->serial, buf, sizeof buf, &err);

    if (n < 0) {
        fprintf(stderr, "# %s\n", err.message);
        c->line_error = n;
        dt_loop_remove(loop, w, NULL);
        return;
    }
    if (c->phase == PHASE_DIALOGUE) {
        size_t used = dt_modem_feed(&c->modem, buf, (size_t)n, dt_io_now());
        flush_modem(c);
        if (c->modem_connected) {
            /* RFC 1662 framing starts right after the CONNECT line (dt-modem.h). */
            c->phase = PHASE_PPP;
            arm_modem_timer(c);
            dt_hdlc_decoder_reset(&c->hdlc);
            hdlc_input(c, buf + used, (size_t)n - used);
        }
        return;
    }
    if (c->phase == PHASE_HUNG_UP && c->after_len + (size_t)n <= AFTER_MAX) {
        memcpy(c->after + c->after_len, buf, (size_t)n);
        c->after_len += (size_t)n;
    }
    hdlc_input(c, buf, (size_t)n);
}

typedef bool (*DonePred)(const Call *c);

/* Runs the loop until done(c), a line error, or timeout_ms; returns whether done. */
static bool
pump(Call *c, DonePred done, unsigned timeout_ms)
{
    DtTime until = dt_io_now() + timeout_ms;
    DtIoError err;

    while (!(done && done(c)) && !c->line_error && dt_io_now() < until) {
        if (dt_loop_iterate(&c->loop, 50, &err) < 0)
            fail("%s", err.message);
    }
    return done && done(c);
}

static bool
dialogue_over(const Call *c)
{
    return c->modem_connected || c->modem_failed;
}

static bool
two_frames(const Call *c)
{
    return c->n_frames >= 2;
}

static bool
one_frame(const Call *c)
{
    return c->n_frames >= 1;
}

static bool
no_carrier_seen(const Call *c)
{
    return memmem(c->after, c->after_len, "NO CARRIER\r\n", 12) != NULL;
}

/* What a Configure-Request said; rendered as pppd's debug log renders it (pppd/lcp.c). */
typedef struct {
    uint8_t id;
    uint16_t length;
    bool has_mru, has_accm, has_auth, has_magic, pfc, acfc;
    uint16_t mru, auth_proto;
    uint8_t chap_alg;
    uint32_t accm, magic;
    char pppd_text[512];
} ConfReq;

static void
append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t used = strlen(buf);
    va_list ap;
    if (used >= cap)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + used, cap - used, fmt, ap);
    va_end(ap);
}

/* RFC 1661 §5.1 and §6; the frame has neither ACFC nor PFC before LCP opens (§6.5, §6.6). */
static const char *
parse_confreq(const uint8_t *f, size_t len, ConfReq *q)
{
    DtReader r, opts;
    bool seen[256] = {false};

    memset(q, 0, sizeof *q);
    dt_reader_init(&r, f, len);
    if (dt_reader_u8(&r) != 0xFF || dt_reader_u8(&r) != 0x03)
        return "no FF 03 address and control (RFC 1662 §3.1)";
    if (dt_reader_u16(&r) != LCP_PROTO)
        return "not LCP (protocol C021)";
    if (dt_reader_u8(&r) != LCP_CONFREQ)
        return "not a Configure-Request (code 1)";
    q->id = dt_reader_u8(&r);
    q->length = dt_reader_u16(&r);
    if (!dt_reader_ok(&r) || q->length < 4 || q->length - 4u > dt_reader_remaining(&r))
        return "Length field out of range (RFC 1661 §5)";
    dt_reader_sub(&r, q->length - 4u, &opts);
    while (dt_reader_remaining(&opts) > 0) {
        uint8_t type = dt_reader_u8(&opts);
        uint8_t olen = dt_reader_u8(&opts);
        DtReader o;
        if (!dt_reader_ok(&opts) || olen < 2 || !dt_reader_sub(&opts, olen - 2u, &o))
            return "an option's length runs past the packet (RFC 1661 §6)";
        if (seen[type])
            return "an option appears twice";
        seen[type] = true;
        switch (type) {
        case 1: /* Maximum-Receive-Unit, §6.1 */
            if (olen != 4)
                return "MRU option length is not 4";
            q->has_mru = true;
            q->mru = dt_reader_u16(&o);
            append(q->pppd_text, sizeof q->pppd_text, " <mru %u>", q->mru);
            break;
        case 2: /* Async-Control-Character-Map, RFC 1662 §7.1 */
            if (olen != 6)
                return "ACCM option length is not 6";
            q->has_accm = true;
            q->accm = dt_reader_u32(&o);
            append(q->pppd_text, sizeof q->pppd_text, " <asyncmap 0x%" PRIx32 ">", q->accm);
            break;
        case 3: /* Authentication-Protocol, §6.2 */
            if (olen < 4)
                return "Authentication-Protocol option shorter than 4";
            q->has_auth = true;
            q->auth_proto = dt_reader_u16(&o);
            if (q->auth_proto == 0xC023 && olen == 4) {
                append(q->pppd_text, sizeof q->pppd_text, " <auth pap>");
            } else if (q->auth_proto == 0xC223 && olen == 5) {
                q->chap_alg = dt_reader_u8(&o);
                append(q->pppd_text, sizeof q->pppd_text, " <auth chap %s>",
                       q->chap_alg == 5      ? "MD5"
                       : q->chap_alg == 0x80 ? "MS"
                       : q->chap_alg == 0x81 ? "MS-v2"
                                             : "?");
            } else {
                return "Authentication-Protocol neither PAP nor CHAP of the right length";
            }
            break;
        case 5: /* Magic-Number, §6.4 */
            if (olen != 6)
                return "Magic-Number option length is not 6";
            q->has_magic = true;
            q->magic = dt_reader_u32(&o);
            append(q->pppd_text, sizeof q->pppd_text, " <magic 0x%" PRIx32 ">", q->magic);
            break;
        case 7: /* Protocol-Field-Compression, §6.5 */
            if (olen != 2)
                return "PFC option length is not 2";
            q->pfc = true;
            append(q->pppd_text, sizeof q->pppd_text, " <pcomp>");
            break;
        case 8: /* Address-and-Control-Field-Compression, §6.6 */
            if (olen != 2)
                return "ACFC option length is not 2";
            q->acfc = true;
            append(q->pppd_text, sizeof q->pppd_text, " <accomp>");
            break;
        default:
            append(q->pppd_text, sizeof q->pppd_text, " <option %u length %u>", type, olen);
            break;
        }
    }
    return NULL;
}

static void
print_confreq(const char *label, const Frame *fr, const ConfReq *q)
{
    printf("# %s: %zu octets, FCS-16 good:", label, fr->len);
    for (size_t i = 0; i < fr->len; i++)
        printf(" %02x", fr->data[i]);
    printf("\n#   LCP Configure-Request id=0x%x length=%u\n", q->id, q->length);
    if (q->has_mru)
        printf("#   MRU %u\n", q->mru);
    if (q->has_accm)
        printf("#   ACCM 0x%08" PRIx32 "\n", q->accm);
    if (q->has_auth)
        printf("#   Authentication-Protocol 0x%04x%s\n", q->auth_proto,
               q->auth_proto == 0xC023 ? " (PAP)" : " (CHAP)");
    if (q->has_magic)
        printf("#   Magic-Number 0x%08" PRIx32 "\n", q->magic);
    printf("#   PFC %s, ACFC %s\n", q->pfc ? "yes" : "no", q->acfc ? "yes" : "no");
    printf("#   as pppd would log it: [LCP ConfReq id=0x%x%s]\n", q->id, q->pppd_text);
}

static void
check_plausible(const ConfReq *q)
{
    uint16_t want_proto = 0;
    uint8_t want_alg = 0;

    if (!q->has_magic || q->magic == 0)
        fail("no non-zero Magic-Number (RFC 1661 §6.4: pppd always sends one)");
    if (!q->has_accm)
        fail("no ACCM option (pppd asks for asyncmap 0 by default)");
    if (q->has_mru && q->mru < 128)
        fail("implausible MRU %u", q->mru);
    if (strcmp(expected_auth, "pap") == 0)
        want_proto = 0xC023;
    else if (strcmp(expected_auth, "chap-md5") == 0)
        want_proto = 0xC223, want_alg = 5;
    else if (strcmp(expected_auth, "ms-chap-v2") == 0)
        want_proto = 0xC223, want_alg = 0x81;
    if (want_proto == 0 && q->has_auth)
        fail("pppd asks for authentication 0x%04x, none expected", q->auth_proto);
    if (want_proto && (!q->has_auth || q->auth_proto != want_proto || q->chap_alg != want_alg))
        fail("pppd does not ask for %s (policy): auth 0x%04x alg 0x%02x", expected_auth,
             q->auth_proto, q->chap_alg);
}

/* pppd logs every packet it sends (option `debug`) through syslog to the console: the frame we
 * decoded must be one it says it sent. The console is a 115200-baud UART: allow it 5 s. */
static void
check_console(const char *console, const ConfReq *q)
{
    char want[600];
    DtTime until = dt_io_now() + 5000;

    snprintf(want, sizeof want, "sent [LCP ConfReq id=0x%x%s]", q->id, q->pppd_text);
    for (;;) {
        FILE *f = fopen(console, "r");
        char line[1024];
        bool found = false;
        if (f) {
            while (!found && fgets(line, sizeof line, f))
                found = strstr(line, want) != NULL;
            fclose(f);
        }
        if (found) {
            printf("# pppd's console log has: %s\n", want);
            return;
        }
        if (dt_io_now() >= until)
            fail("pppd's log %s has no line with: %s", console, want);
        usleep(200 * 1000);
    }
}

static void
dial(Call *c, const char *label)
{
    DtModemConfig mc;
    DtTime t0 = dt_io_now();

    dt_modem_config_init(&mc);
    /* qemu looks for a reader of its pty once a second and drops what comes before. */
    mc.settle_ms = 1500;
    mc.connect_timeout_ms = 20000;
    if (dt_modem_config_add_init(&mc, "ATZ") != DT_MODEM_CONFIG_OK ||
        dt_modem_config_set_dial(&mc, "ATDT", "5551234") != DT_MODEM_CONFIG_OK)
        fail("modem config");
    dt_modem_init(&c->modem, &mc);
    c->phase = PHASE_DIALOGUE;
    c->modem_connected = c->modem_failed = false;
    c->n_frames = 0;
    dt_modem_start(&c->modem, dt_io_now());
    flush_modem(c);
    if (!pump(c, dialogue_over, 30000))
        fail("%s: no CONNECT and no failure within 30 s", label);
    if (c->modem_failed)
        fail("%s: the modem dialogue failed: %s", label, c->modem_message);
    if (strncmp(c->connect_text, "115200", 6) != 0)
        fail("%s: CONNECT said '%s', not 115200", label, c->connect_text);
    printf("ok - %s: ATZ -> OK, ATDT5551234 -> CONNECT %s (%.1f s)\n", label, c->connect_text,
           (double)(dt_io_now() - t0) / 1000.0);
}

int
main(int argc, char **argv)
{
    static Call c;
    DtSerialConfig sc = {.speed = 115200, .hw_flow = false};
    DtHdlcDecoderConfig hc = {
        .max_frame = FRAME_MAX, .fcs = DT_HDLC_FCS_16, .recv_accm = DT_HDLC_DEFAULT_ACCM};
    const DtHdlcCounters *k;
    ConfReq q0, q1, q2;
    const char *why;
    DtIoError err;
    DtTime t_hang;
    int rc;

    if (argc != 4) {
        fprintf(stderr, "usage: %s SERIAL CONSOLE_LOG pap|chap-md5|ms-chap-v2|none\n", argv[0]);
        return 2;
    }
    expected_auth = argv[3];
    setvbuf(stdout, NULL, _IOLBF, 0); /* keeps stdout and stderr in order in the test log */
    alarm(120); /* a last guard: every wait below is bounded well inside this */
    sc.path = argv[1];
    if (dt_serial_init(&c.serial, &sc, &err) < 0)
        fail("%s", err.message);
    printf("ok - opened %s (resolved %s), lock '%s', 115200 8N1 raw\n", argv[1], c.serial.path,
           c.serial.lock_path);
    if (dt_loop_init(&c.loop, &err) < 0)
        fail("%s", err.message);
    if (!dt_hdlc_decoder_init(&c.hdlc, &hc))
        fail("HDLC decoder");
    c.watch = (DtLoopWatch){.fd = c.serial.fd, .events = EPOLLIN, .func = line_cb, .user = &c};
    if (dt_loop_add(&c.loop, &c.watch, &err) < 0)
        fail("%s", err.message);

    /* 1. The dialogue. */
    dial(&c, "call 1");
    /* A modem raises DCD with CONNECT: from here a drop is a lost carrier. */
    if (dt_serial_watch_carrier(&c.serial, true, &err) < 0)
        fail("%s", err.message);

    /* 2. pppd's Configure-Requests. */
    if (!pump(&c, two_frames, 10000))
        fail("%zu LCP frame(s) with a good FCS within 10 s of CONNECT, wanted 2 (bad FCS %" PRIu64
             ", hunt octets %" PRIu64 ")",
             c.n_frames, dt_hdlc_decoder_counters(&c.hdlc)->bad_fcs,
             dt_hdlc_decoder_counters(&c.hdlc)->hunt_octets);
    if ((why = parse_confreq(c.frames[0].data, c.frames[0].len, &q0)) != NULL)
        fail("frame 1: %s", why);
    if ((why = parse_confreq(c.frames[1].data, c.frames[1].len, &q1)) != NULL)
        fail("frame 2: %s", why);
    print_confreq("frame 1", &c.frames[0], &q0);
    print_confreq("frame 2", &c.frames[1], &q1);
    check_plausible(&q0);
    /* A retransmission, not a new negotiation (RFC 1661 §4.6): same options, same magic. */
    if (strcmp(q0.pppd_text, q1.pppd_text) != 0)
        fail("the retransmitted Configure-Request differs");
    printf("ok - two LCP Configure-Requests, %.1f s apart, well-formed and plausible\n",
           (double)(c.frames[1].at - c.frames[0].at) / 1000.0);
    check_console(argv[2], &q0);
    printf("ok - they are what pppd logged it sent\n");

    /* 3. Hang up. */
    t_hang = dt_io_now();
    c.phase = PHASE_HUNG_UP;
    rc = dt_serial_hangup(&c.serial, DT_SERIAL_HANGUP_MS, &err);
    if (rc == -ENOTTY) {
        /* The VM's line is a pty: no DTR to drop, no DCD for pppd to lose (it runs `local`).
         * We fall silent, as a dead line would; pppd gives up after lcp-max-configure. */
        printf("# DTR: %s\n# so the call ends by silence\n", err.message);
    } else if (rc < 0) {
        fail("%s", err.message);
    } else {
        printf("ok - DTR dropped for %d ms and raised\n", DT_SERIAL_HANGUP_MS);
    }
    if (dt_serial_watch_carrier(&c.serial, false, &err) < 0)
        fail("%s", err.message);
    if (!pump(&c, no_carrier_seen, 20000))
        fail("the ISP did not say NO CARRIER within 20 s of the hang-up");
    printf("ok - the ISP said NO CARRIER %.1f s after the hang-up (%zu more ConfReq(s) before)\n",
           (double)(dt_io_now() - t_hang) / 1000.0, c.frames_after_hangup);
    {
        size_t before = c.after_len, frames = c.frames_after_hangup;
        pump(&c, NULL, 2000);
        if (c.after_len != before || c.frames_after_hangup != frames)
            fail("the line was not quiet after NO CARRIER: %zu more octets", c.after_len - before);
        printf("ok - the line stayed quiet for 2 s\n");
    }

    /* 4. The modem answers again: a second call connects and PPP starts afresh. */
    dial(&c, "call 2");
    if (!pump(&c, one_frame, 10000))
        fail("call 2: no LCP frame within 10 s of CONNECT");
    if ((why = parse_confreq(c.frames[0].data, c.frames[0].len, &q2)) != NULL)
        fail("call 2 frame: %s", why);
    print_confreq("call 2 frame 1", &c.frames[0], &q2);
    check_plausible(&q2);
    printf("ok - call 2: a fresh LCP Configure-Request (magic 0x%08" PRIx32
           ", call 1 had 0x%08" PRIx32 ")\n",
           q2.magic, q0.magic);

    k = dt_hdlc_decoder_counters(&c.hdlc);
    printf("# HDLC: frames %" PRIu64 " bad_fcs %" PRIu64 " too_short %" PRIu64 " aborted %" PRIu64
           " accm_dropped %" PRIu64 "\n",
           k->frames, k->bad_fcs, k->too_short, k->aborted, k->accm_dropped);
    if (k->bad_fcs || k->too_short || k->aborted)
        fail("the decoder dropped malformed frames");
    printf("# line: %" PRIu64 " octets in, %" PRIu64 " out\n", c.serial.stats.rx_bytes,
           c.serial.stats.tx_bytes);

    dt_loop_remove(&c.loop, &c.watch, NULL);
    dt_loop_clear(&c.loop);
    dt_hdlc_decoder_clear(&c.hdlc);
    dt_modem_clear(&c.modem);
    dt_serial_clear(&c.serial);
    printf("PASS\n");
    return 0;
}
