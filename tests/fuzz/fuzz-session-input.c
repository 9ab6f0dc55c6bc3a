/* fuzz-session-input.c — a client DtSession fed what a server would send.
 *
 * The input is a list of records, each [kind][length, 2 octets big-endian]
 * [length octets]:
 *   kind 0: octets of the control TCP stream (RFC 2637 §1.3), offered in
 *           whatever pieces the session takes;
 *   kind 1: one GRE packet (IP header gone), as dt-gre-sock hands it over;
 *   kind 2: the clock moves on by the record's first two octets (ms), and
 *           the session's timers run;
 *   kind 3: an IP packet read from the TUN (sent only if the link is up);
 *   kind 4: the server closed the TCP connection.
 * A truncated last record is used as far as it goes.  The corpus was
 * recorded from a real in-process bring-up against a server session (the
 * client here has the same configuration and random source, so it asks
 * for what the recording answers).  After every input the outputs are
 * pulled as an I/O loop would.  Invariants: no crash or leak, GRE output
 * fits its buffer, events are well formed, DOWN comes once and last, the
 * reason of a down session is set. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static DtCrypto *crypto;

/* Deterministic: the recording and the replay pick the same call ID, magic
 * number and Peer-Challenge. */
static bool
fuzz_random_cb(void *ctx, void *buf, size_t len)
{
    uint32_t *s = ctx;
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        *s = *s * 1103515245u + 12345u;
        p[i] = (uint8_t)(*s >> 16);
    }
    return true;
}

static void
fuzz_client_config(DtSessionConfig *c, uint32_t *rng)
{
    memset(c, 0, sizeof(*c));
    c->role = DT_SESSION_CLIENT;
    c->crypto = crypto;
    c->random = (DtRandom){fuzz_random_cb, rng};
    c->pptp.host_name = "fuzz";
    c->pptp.call_id_base = 0x1234;
    c->ppp.lcp.request_pfc = c->ppp.lcp.request_acfc = true;
    c->ppp.lcp.auth[c->ppp.lcp.n_auth++] = DT_AUTH_MSCHAP_V2;
    c->ppp.lcp.auth[c->ppp.lcp.n_auth++] = DT_AUTH_MSCHAP_V1;
    c->ppp.user = "alice";
    c->ppp.password = "s3cret!";
    c->ppp.ipcp.request_dns = true;
    c->policy = (DtCcpMppePolicy){DT_MPPE_ENCRYPTION_REQUIRE, true, true, false};
}

static bool seen_down;

static void
pull(DtSession *s)
{
    uint8_t *ip;
    size_t len;
    while (dt_session_poll_tun(s, &ip, &len))
        if (len == 0 || len > DT_SESSION_MAX_PACKET)
            abort();
    static uint8_t gre[DT_SESSION_MAX_GRE];
    size_t n;
    int guard = 0;
    while ((n = dt_session_poll_gre(s, gre, sizeof(gre))) > 0 && guard++ < 1000)
        if (n > sizeof(gre))
            abort();
    const uint8_t *p = dt_session_control_peek(s, &len);
    if (len && !p)
        abort();
    dt_session_control_consume(s, len);
    DtSessionEvent ev;
    while (dt_session_poll_event(s, &ev)) {
        if (seen_down)
            abort(); /* DOWN is the last event */
        if (ev.type == DT_SESSION_EVENT_DOWN) {
            seen_down = true;
            if (ev.u.down.reason == DT_REASON_NONE ||
                !memchr(ev.u.down.message, '\0', sizeof(ev.u.down.message)))
                abort();
        } else if (ev.type == DT_SESSION_EVENT_LOG) {
            if (!memchr(ev.u.log, '\0', sizeof(ev.u.log)))
                abort();
        } else if (ev.type != DT_SESSION_EVENT_STAGE && ev.type != DT_SESSION_EVENT_NEGOTIATED) {
            abort();
        }
    }
    if (dt_session_is_down(s) && dt_session_down(s)->reason == DT_REASON_NONE)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!crypto && dt_crypto_new(&crypto) != DT_CRYPTO_OK)
        abort();
    uint32_t rng = 1;
    DtSessionConfig cfg;
    fuzz_client_config(&cfg, &rng);
    DtSession *s = dt_session_new(&cfg);
    if (!s)
        abort();
    seen_down = false;
    DtTime now = 1000;
    dt_session_start(s, now);
    pull(s);
    /* GRE input is decrypted in place: a private, headroom-free copy. */
    static uint8_t pkt[DT_SESSION_MAX_PACKET + 128];
    size_t off = 0;
    while (off + 3 <= size) {
        uint8_t kind = data[off];
        size_t len = (size_t)data[off + 1] << 8 | data[off + 2];
        off += 3;
        if (len > size - off)
            len = size - off;
        const uint8_t *rec = data + off;
        off += len;
        switch (kind % 5) {
        case 0: {
            size_t done = 0;
            for (int guard = 0; done < len && guard < 64; guard++) {
                size_t took = dt_session_control_input(s, rec + done, len - done, now);
                if (took > len - done)
                    abort();
                done += took;
                pull(s);
                if (took == 0)
                    break;
            }
            break;
        }
        case 1:
            if (len > DT_SESSION_MAX_PACKET)
                break;
            memcpy(pkt, rec, len);
            dt_session_gre_input(s, pkt, len, now);
            pull(s);
            break;
        case 2:
            now += len >= 2 ? ((DtTime)rec[0] << 8 | rec[1]) : 100;
            dt_session_handle_timeout(s, now);
            pull(s);
            break;
        case 3: {
            if (len > DT_SESSION_MAX_PACKET)
                break;
            memcpy(pkt + 128, rec, len);
            uint8_t *gre;
            size_t glen;
            if (dt_session_tun_input(s, pkt + 128, len, 128, now, &gre, &glen) &&
                (gre < pkt || gre + glen > pkt + sizeof(pkt)))
                abort();
            pull(s);
            break;
        }
        case 4:
            dt_session_control_eof(s, now);
            pull(s);
            break;
        }
    }
    /* Whatever state it is in, a close ends it within the timers' bounds. */
    dt_session_close(s, DT_REASON_LOCAL_REQUEST, now);
    pull(s);
    for (int i = 0; i < 200 && !dt_session_is_down(s); i++) {
        DtTime t = dt_session_next_deadline(s);
        if (t == DT_TIME_NEVER)
            break;
        now = t > now ? t : now + 1;
        dt_session_handle_timeout(s, now);
        pull(s);
    }
    dt_session_free(s);
    return 0;
}
