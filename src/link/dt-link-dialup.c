/* dt-link-dialup.c — one dial-up link on the epoll loop: serial line, modem dialogue, PPP.
 *
 * Three watches (the line, the TUN once IPCP is up, signals) and one timer (the modem's or PPP's
 * next deadline, or the bound on an orderly disconnect). Line input goes to dt_modem_feed() until
 * CONNECT, to the HDLC decoder after it. What goes to the line — AT commands, HDLC-encoded PPP
 * frames — is queued in one fixed buffer and written as the line takes it; while that queue is
 * nearly full the TUN is not read, so a fast sender is slowed by the modem's speed, not dropped.
 */
#include "dt-link-dialup.h"

#include "dt-hdlc.h"
#include "dt-link-exit.h"
#include "dt-log.h"
#include "dt-modem.h"
#include "dt-ppp.h"
#include "dt-serial.h"
#include "dt-session-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define DISCONNECT_BOUND_MS 6000 /* LCP Terminate-Request … Ack, then hang up anyway */
#define LINE_RX 4096
#define LINE_TXQ 16384
#define MAX_PACKET 2048
#define PACKET_HEADROOM 16 /* FF 03 + protocol, rounded up */
#define READS_PER_WAKEUP 16

typedef enum {
    DU_DIALOGUE, /* line → dt_modem_feed() */
    DU_PPP,      /* line → HDLC decoder → dt_ppp_input() */
} DuPhase;

typedef struct {
    DtLinkRun *run;
    DtCrypto *crypto;
    DtSerial serial;
    bool serial_open;
    bool line_dead; /* carrier lost / the other end closed: nothing more to read or write */
    DtModem modem;
    DtHdlcDecoder hdlc;
    bool hdlc_ready;
    DtPpp *ppp;
    DuPhase phase;
    DtLoopWatch w_line, w_tun, w_sig;
    bool line_watched, tun_watched, tun_paused, line_wants_out;
    bool closing;
    DtTime close_bound;
    bool done;
    bool network_up;
    bool ipv6_up;
    DtAuthMethod auth;
    char connect_text[DT_MODEM_CONNECT_TEXT];
    uint64_t tx_dropped;  /* frames the full line queue could not take */
    DtSessionStats stats; /* IP packets and octets each way, for --managed */
    DtTime started;
    uint8_t rx[LINE_RX];
    uint8_t txq[LINE_TXQ];
    size_t txq_len;
    uint8_t frame[DT_PPP_MAX_CONTROL];
    uint8_t packet[PACKET_HEADROOM + MAX_PACKET];
} Du;

static void pump(Du *du, DtTime now);

/* Progress for --managed (the hooks) and for a DialFirst parent (ready_fd). */
static void
du_stage(Du *du, const char *to)
{
    DtLinkRun *run = du->run;
    if (run->hooks && run->hooks->stage)
        run->hooks->stage(run, to, run->hooks->user);
    if (run->options->ready_fd > 0)
        dprintf(run->options->ready_fd, "stage %s\n", to);
}

/* A dt_log line that also goes to the connection's log under --managed. */
static void __attribute__((format(printf, 2, 3))) du_log(Du *du, const char *fmt, ...)
{
    DtLinkRun *run = du->run;
    char line[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    dt_log("%s", line);
    if (run->hooks && run->hooks->log)
        run->hooks->log(run, line, run->hooks->user);
}

static bool
du_stats_cb(DtLinkRun *run, DtSessionStats *out)
{
    Du *du = run->stats_user;
    const DtHdlcCounters *hc = du->hdlc_ready ? dt_hdlc_decoder_counters(&du->hdlc) : NULL;

    *out = du->stats;
    out->errors = du->tx_dropped + run->tun.stats.tx_dropped + (hc ? hc->bad_fcs : 0);
    out->duration_ms = dt_io_now() - du->started;
    return true;
}

static int __attribute__((format(printf, 3, 4)))
fail_with(DtLinkRun *run, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->message, sizeof run->message, fmt, ap);
    va_end(ap);
    return status;
}

static void
end_with(Du *du, DtReason reason, const char *message)
{
    if (du->run->reason == DT_REASON_NONE) {
        du->run->reason = reason;
        snprintf(du->run->message, sizeof du->run->message, "%s",
                 message && *message ? message : dt_reason_describe(reason));
    }
    du->done = true;
}

/* ---- the line ---- */

static void
set_line_events(Du *du)
{
    bool want_out = du->txq_len > 0 && !du->line_dead;
    if (!du->line_watched || want_out == du->line_wants_out)
        return;
    du->line_wants_out = want_out;
    dt_loop_modify(&du->run->loop, &du->w_line, EPOLLIN | (want_out ? EPOLLOUT : 0), NULL);
}

static void
set_tun_paused(Du *du, bool paused)
{
    if (!du->tun_watched || paused == du->tun_paused)
        return;
    du->tun_paused = paused;
    dt_loop_modify(&du->run->loop, &du->w_tun, paused ? 0 : EPOLLIN, NULL);
}

static bool
txq_has_room(const Du *du, size_t frame_len)
{
    return LINE_TXQ - du->txq_len >= DT_HDLC_ENCODED_MAX(frame_len);
}

static void line_lost(Du *du, DtTime now);

static void
flush_line(Du *du)
{
    DtIoError err;
    size_t off = 0;

    while (off < du->txq_len && !du->line_dead) {
        int n = dt_serial_write(&du->serial, du->txq + off, du->txq_len - off, &err);
        if (n == -ENOLINK) {
            line_lost(du, dt_io_now());
            break;
        }
        if (n <= 0) {
            if (n < 0 && n != -EAGAIN)
                dt_log("stage=line error=\"%s\"", err.message);
            break;
        }
        off += (size_t)n;
    }
    if (du->line_dead)
        off = du->txq_len;
    if (off) {
        memmove(du->txq, du->txq + off, du->txq_len - off);
        du->txq_len -= off;
    }
    set_line_events(du);
    set_tun_paused(du, !txq_has_room(du, MAX_PACKET + PACKET_HEADROOM));
}

static void
queue_raw(Du *du, const uint8_t *p, size_t len)
{
    if (LINE_TXQ - du->txq_len < len) {
        du->tx_dropped++;
        return;
    }
    memcpy(du->txq + du->txq_len, p, len);
    du->txq_len += len;
}

/* HDLC-encodes one PPP frame straight into the line queue; dropped (and counted) when it does
 * not fit: PPP retransmits control frames, and IP copes with a lost datagram. */
static void
queue_frame(Du *du, const uint8_t *frame, size_t len, uint32_t accm)
{
    size_t room = LINE_TXQ - du->txq_len;
    size_t n;

    if (!txq_has_room(du, len)) {
        du->tx_dropped++;
        return;
    }
    n = dt_hdlc_encode(frame, len, accm, DT_HDLC_FCS_16, 0, du->txq + du->txq_len, room);
    if (n <= room)
        du->txq_len += n;
    else
        du->tx_dropped++;
}

/* ---- the modem dialogue ---- */

static void start_ppp(Du *du, DtTime now);

static void
drain_modem(Du *du, DtTime now)
{
    uint8_t tx[DT_MODEM_TX_MAX];
    size_t n;
    DtModemEvent ev;
    char q[2 * DT_MODEM_MESSAGE];

    while ((n = dt_modem_poll_transmit(&du->modem, tx, sizeof tx)) > 0)
        queue_raw(du, tx, n);
    while (dt_modem_poll_event(&du->modem, &ev)) {
        switch (ev.type) {
        case DT_MODEM_EVENT_STATE:
            du_log(du, "stage=modem state=%s", dt_modem_state_to_string(ev.state));
            break;
        case DT_MODEM_EVENT_CONNECTED:
            snprintf(du->connect_text, sizeof du->connect_text, "%s", ev.connect_text);
            du_log(du, "stage=connected connect=%s speed=%u",
                   dt_log_quote(ev.connect_text, q, sizeof q), (unsigned)ev.speed);
            du_stage(du, "line-up");
            start_ppp(du, now);
            break;
        case DT_MODEM_EVENT_FAILED:
            du_log(du, "stage=modem reason=%s error=%s", dt_reason_to_string(ev.reason),
                   dt_log_quote(ev.message, q, sizeof q));
            end_with(du, ev.reason, ev.message);
            break;
        case DT_MODEM_EVENT_HUNG_UP:
        case DT_MODEM_EVENT_NONE:
            break;
        }
    }
}

/* ---- PPP ---- */

static void
start_ppp(Du *du, DtTime now)
{
    DtLinkRun *run = du->run;
    DtSessionConfig sc;
    DtPppConfig pc;
    DtHdlcDecoderConfig hc;
    DtIoError err;

    /* From here on a DCD drop is a lost call (a pty has no DCD: its closing reads the same). */
    if (dt_serial_watch_carrier(&du->serial, true, &err) < 0)
        dt_log("stage=carrier watch=no error=\"%s\"", err.message);
    dt_session_config_from_policy(&sc, DT_SESSION_CLIENT, &run->profile.policy, du->crypto);
    pc = sc.ppp;
    pc.role = DT_PPP_ROLE_PEER;
    pc.crypto = du->crypto;
    pc.lcp.role = DT_PPP_ROLE_PEER;
    /* RFC 1662 §7.1: ask the ISP to escape nothing; the line is 8-bit clean. */
    pc.lcp.request_accm = true;
    pc.lcp.accm = 0;
    pc.lcp.request_pfc = true;
    pc.lcp.request_acfc = true;
    pc.user = run->profile.user;
    pc.password = run->secret.text;
    pc.enable_ipcp = true;
    pc.ipcp.role = DT_PPP_ROLE_PEER;
    pc.ipcp.request_dns = run->profile.dns_mode == DT_LINK_DNS_AUTO;
    pc.enable_ipv6cp = run->profile.ipv6;
    if (run->report)
        pc.tap = (DtPppTap){dt_link_report_tap_cb, run->report};
    du->ppp = dt_ppp_new(&pc);
    /* DtPpp keeps its own copy of the password: ours goes now. */
    dt_link_secret_clear(&run->secret);
    if (!du->ppp) {
        end_with(du, DT_REASON_INTERNAL, "Cannot create the PPP link");
        return;
    }
    hc.max_frame = (size_t)(pc.lcp.mru > DT_LCP_DEFAULT_MRU ? pc.lcp.mru : DT_LCP_DEFAULT_MRU) +
                   DT_PPP_HEADER_MAX + 64;
    hc.fcs = DT_HDLC_FCS_16;
    hc.recv_accm = DT_HDLC_DEFAULT_ACCM;
    if (!dt_hdlc_decoder_init(&du->hdlc, &hc)) {
        end_with(du, DT_REASON_INTERNAL, "Cannot allocate the HDLC decoder");
        return;
    }
    du->hdlc_ready = true;
    du->phase = DU_PPP;
    dt_log("stage=ppp user=%s", run->profile.user);
    dt_ppp_open(du->ppp, now);
    dt_ppp_lower_up(du->ppp, now);
}

static void
tun_write(Du *du, const uint8_t *pkt, size_t len)
{
    DtIoSlot slot = {.buf = (uint8_t *)pkt, .cap = (uint32_t)len, .off = 0, .len = (uint32_t)len};
    (void)dt_tun_write_batch(&du->run->tun, &slot, 1, NULL);
}

static void
hdlc_input(Du *du, const uint8_t *p, size_t len, DtTime now)
{
    while (len > 0 && du->ppp) {
        size_t n = dt_hdlc_decoder_feed(&du->hdlc, p, len);
        size_t flen;
        const uint8_t *f;
        DtPppInput in;

        p += n;
        len -= n;
        f = dt_hdlc_decoder_frame(&du->hdlc, &flen);
        if (!f)
            continue;
        if (dt_ppp_input(du->ppp, f, flen, now, &in) != DT_PPP_INPUT_DATAGRAM)
            continue;
        if ((in.protocol == 0x0021 && du->network_up) || (in.protocol == 0x0057 && du->ipv6_up)) {
            tun_write(du, f + in.offset, in.len);
            du->stats.rx_packets++;
            du->stats.rx_octets += in.len;
        }
    }
}

static void
line_lost(Du *du, DtTime now)
{
    if (du->line_dead)
        return;
    du->line_dead = true;
    du->txq_len = 0;
    if (du->line_watched) {
        dt_loop_remove(&du->run->loop, &du->w_line, NULL);
        du->line_watched = false;
    }
    if (du->phase == DU_PPP && du->ppp) {
        dt_log("stage=carrier lost=yes");
        dt_ppp_lower_down(du->ppp, DT_REASON_CARRIER_LOST, now);
        /* lower_down ends the link at once: no LINK_DOWN may come if PPP was not past Establish;
         * make sure the run ends either way. */
        if (du->run->reason == DT_REASON_NONE) {
            du->run->reason = DT_REASON_CARRIER_LOST;
            snprintf(du->run->message, sizeof du->run->message, "%s",
                     dt_reason_describe(DT_REASON_CARRIER_LOST));
        }
        du->done = true;
    } else {
        end_with(du, DT_REASON_CARRIER_LOST,
                 "The line closed during the modem dialogue (the modem hung up or was unplugged)");
    }
}

static const char *
ip4_text(uint32_t host_order, char *buf)
{
    struct in_addr ia = {.s_addr = htonl(host_order)};
    return inet_ntop(AF_INET, &ia, buf, INET_ADDRSTRLEN);
}

static void
print_summary(Du *du, const DtIpcpNegotiated *n, unsigned mtu)
{
    DtLinkRun *run = du->run;
    char a[DT_INET_STRLEN], b[DT_INET_STRLEN];
    const DtLcpNegotiated *lcp = dt_ppp_lcp(du->ppp);

    printf("Connected to %s (%s, %s) as %s on %s\n", run->profile.name, run->profile.dialup.device,
           du->connect_text[0] ? du->connect_text : "CONNECT", run->profile.user, run->tun.name);
    printf("  Authentication: %s\n",
           du->auth == DT_AUTH_NONE ? "none" : dt_auth_method_describe(du->auth));
    printf("  Framing:        HDLC, ACCM 0x%08x (sent) 0x%08x (received)%s%s\n",
           (unsigned)lcp->remote.accm, (unsigned)lcp->local.accm, lcp->remote.pfc ? ", PFC" : "",
           lcp->remote.acfc ? ", ACFC" : "");
    printf("  Address:        %s, ISP end %s, MTU %u\n", ip4_text(n->local_addr, a),
           n->peer_addr ? ip4_text(n->peer_addr, b) : "unknown", mtu);
    printf("  Routes:         %s\n", run->options->lower_link ? "the PPTP server's (DialFirst)"
                                     : run->profile.default_route
                                         ? "default (0.0.0.0/1, 128.0.0.0/1)"
                                     : run->profile.n_routes ? "the profile's Routes="
                                                             : "none");
    printf("  DNS:            ");
    if (run->profile.dns_mode == DT_LINK_DNS_NONE) {
        printf("none (DNS=none)\n");
    } else if (run->profile.dns_mode == DT_LINK_DNS_STATIC) {
        for (size_t i = 0; i < run->profile.n_dns; i++)
            printf("%s%s", i ? ", " : "", dt_inet_to_string(&run->profile.dns[i], a));
        printf(" (from the profile)\n");
    } else if (n->dns[0] || n->dns[1]) {
        bool first = true;
        for (int i = 0; i < 2; i++) {
            if (!n->dns[i])
                continue;
            printf("%s%s", first ? "" : ", ", ip4_text(n->dns[i], a));
            first = false;
        }
        printf(" (offered by the ISP)\n");
    } else {
        printf("none offered\n");
    }
    fflush(stdout);
}

static void tun_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user);

static void
on_ipcp_up(Du *du, const DtIpcpNegotiated *n)
{
    DtLinkRun *run = du->run;
    DtLinkIpSettings ip;
    DtIoError err;
    const DtLcpNegotiated *lcp = dt_ppp_lcp(du->ppp);
    char a[DT_INET_STRLEN], b[DT_INET_STRLEN];
    uint32_t be;

    memset(&ip, 0, sizeof ip);
    ip.ifindex = run->tun.ifindex;
    ip.local.family = AF_INET;
    be = htonl(n->local_addr);
    memcpy(ip.local.bytes, &be, 4);
    if (n->peer_addr) {
        ip.peer.family = AF_INET;
        be = htonl(n->peer_addr);
        memcpy(ip.peer.bytes, &be, 4);
    }
    /* What the ISP receives at most: its MRU (1500 when it did not say). */
    ip.mtu = lcp->remote.mru ? lcp->remote.mru : DT_LCP_DEFAULT_MRU;
    if (ip.mtu > MAX_PACKET)
        ip.mtu = MAX_PACKET;
    if (!run->options->lower_link) {
        ip.default_route = run->profile.default_route;
        ip.routes = run->profile.routes;
        ip.n_routes = run->profile.n_routes;
    }
    bool refused = false;
    int rc = run->sandbox ? dt_link_sandbox_apply_ip(run->sandbox, &ip, n->dns, &refused, &err)
                          : dt_link_netcfg_apply(&run->netcfg, &ip, &err);
    if (rc < 0) {
        DtReason why = refused ? DT_REASON_ADDRESS_REFUSED : DT_REASON_INTERNAL;
        dt_log("stage=network error=\"%s\"", err.message);
        snprintf(run->message, sizeof run->message, "%s", err.message);
        run->reason = why;
        du->closing = true;
        du->close_bound = dt_io_now() + DISCONNECT_BOUND_MS;
        dt_ppp_close(du->ppp, why, dt_io_now());
        return;
    }
    if (run->sandbox && run->sandbox->dns_note[0])
        dt_log("stage=dns %s=\"%s\"", run->sandbox->dns_applied ? "via" : "error",
               run->sandbox->dns_note);
    du->network_up = true;
    dt_log("stage=network-up tun=%s local=%s peer=%s mtu=%u", run->tun.name,
           dt_inet_to_string(&ip.local, a), ip.peer.family ? dt_inet_to_string(&ip.peer, b) : "-",
           ip.mtu);
    print_summary(du, n, ip.mtu);
    if (run->hooks && run->hooks->dialup_up) {
        DtLinkDialupUp up = {.auth = du->auth,
                             .local_ip = n->local_addr,
                             .peer_ip = n->peer_addr,
                             .dns = {n->dns[0], n->dns[1]},
                             .mtu = ip.mtu,
                             .connect_text = du->connect_text,
                             .device = run->profile.dialup.device};
        run->hooks->dialup_up(run, &up, run->hooks->user);
    }
    du_stage(du, "network-up");
    if (!du->tun_watched) {
        du->w_tun.fd = run->tun.fd;
        du->w_tun.events = EPOLLIN;
        du->w_tun.func = tun_cb;
        du->w_tun.user = du;
        if (dt_loop_add(&run->loop, &du->w_tun, NULL) == 0)
            du->tun_watched = true;
    }
    if (run->options->ready_fd > 0) {
        /* DialFirst's parent waits for this line (dt-link-dialfirst.c). */
        dprintf(run->options->ready_fd, "up ifindex=%d tun=%s local=%s peer=%s\n", run->tun.ifindex,
                run->tun.name, a, ip.peer.family ? b : "-");
    }
}

static void
drain_ppp(Du *du, DtTime now)
{
    DtPppTransmit info;
    DtPppEvent ev;
    size_t len;

    if (!du->ppp)
        return;
    while ((len = dt_ppp_poll_transmit(du->ppp, du->frame, sizeof du->frame, &info)) > 0)
        if (!du->line_dead)
            queue_frame(du, du->frame, len, info.accm);
    while (dt_ppp_poll_event(du->ppp, &ev)) {
        switch (ev.type) {
        case DT_PPP_EVENT_PHASE:
            dt_log("stage=ppp phase=%s from=%s", dt_ppp_phase_to_string(ev.u.phase.to),
                   dt_ppp_phase_to_string(ev.u.phase.from));
            break;
        case DT_PPP_EVENT_LCP_UP:
            /* Our request as acked: which raw control characters the ISP's side may insert. */
            dt_hdlc_decoder_set_recv_accm(&du->hdlc, ev.u.lcp.local.accm);
            du->auth = ev.u.lcp.auth;
            du_stage(du, "lcp-up");
            dt_log("stage=lcp-up auth=%s mru=%u peer_mru=%u accm=0x%08x peer_accm=0x%08x "
                   "pfc=%s acfc=%s",
                   dt_auth_method_to_string(ev.u.lcp.auth), (unsigned)ev.u.lcp.local.mru,
                   (unsigned)ev.u.lcp.remote.mru, (unsigned)ev.u.lcp.local.accm,
                   (unsigned)ev.u.lcp.remote.accm, ev.u.lcp.remote.pfc ? "yes" : "no",
                   ev.u.lcp.remote.acfc ? "yes" : "no");
            break;
        case DT_PPP_EVENT_AUTH:
            du_log(du, "stage=auth method=%s result=%s", dt_auth_method_to_string(ev.u.auth.method),
                   ev.u.auth.ok ? "ok" : "failed");
            if (ev.u.auth.ok)
                du_stage(du, "authenticated");
            break;
        case DT_PPP_EVENT_IPCP_UP:
            on_ipcp_up(du, &ev.u.ipcp);
            break;
        case DT_PPP_EVENT_IPV6CP_UP:
            du->ipv6_up = true;
            dt_log("stage=ipv6cp-up");
            break;
        case DT_PPP_EVENT_NCP_UP:
        case DT_PPP_EVENT_NCP_DOWN:
            break;
        case DT_PPP_EVENT_LINK_DOWN:
            dt_log("stage=down reason=%s protocol=0x%04x option=%d",
                   dt_reason_to_string(ev.u.down.reason), ev.u.down.protocol, ev.u.down.option);
            if (du->run->reason == DT_REASON_NONE ||
                (du->run->reason == DT_REASON_LOCAL_REQUEST &&
                 ev.u.down.reason != DT_REASON_LOCAL_REQUEST)) {
                du->run->reason = ev.u.down.reason;
                if (ev.u.down.reason != DT_REASON_LOCAL_REQUEST || !du->run->message[0])
                    snprintf(du->run->message, sizeof du->run->message, "%s",
                             ev.u.down.message[0] ? ev.u.down.message
                                                  : dt_reason_describe(ev.u.down.reason));
            }
            du->done = true;
            break;
        case DT_PPP_EVENT_LOG:
            du_log(du, "%s", ev.u.log);
            break;
        }
    }
    (void)now;
}

/* ---- the loop ---- */

static void
timer_cb(DtLoop *loop, DtTime now, void *user)
{
    Du *du = user;
    (void)loop;
    if (du->closing && now >= du->close_bound) {
        dt_log("stage=disconnect error=\"the ISP did not finish the disconnect in %d ms\"",
               DISCONNECT_BOUND_MS);
        du->done = true;
    } else if (du->phase == DU_DIALOGUE) {
        dt_modem_handle_timeout(&du->modem, now);
    } else if (du->ppp) {
        dt_ppp_handle_timeout(du->ppp, now);
    }
    pump(du, now);
}

static void
pump(Du *du, DtTime now)
{
    DtLoop *loop = &du->run->loop;
    DtTime deadline = DT_TIME_NEVER;

    if (du->phase == DU_DIALOGUE)
        drain_modem(du, now);
    drain_ppp(du, now);
    flush_line(du);
    if (du->done) {
        dt_loop_stop(loop);
        return;
    }
    if (du->phase == DU_DIALOGUE)
        deadline = dt_modem_next_deadline(&du->modem);
    else if (du->ppp)
        deadline = dt_ppp_next_deadline(du->ppp);
    if (du->closing)
        deadline = dt_time_min(deadline, du->close_bound);
    if (deadline != loop->deadline || loop->timer_func != timer_cb || loop->timer_user != du)
        dt_loop_set_deadline(loop, deadline, timer_cb, du, NULL);
}

static void
line_input(Du *du, const uint8_t *p, size_t len, DtTime now)
{
    if (du->phase == DU_DIALOGUE) {
        size_t used = dt_modem_feed(&du->modem, p, len, now);
        drain_modem(du, now);
        if (du->phase != DU_PPP || du->done)
            return;
        /* RFC 1662 framing starts right after the CONNECT line (dt-modem.h). */
        p += used;
        len -= used;
    }
    hdlc_input(du, p, len, now);
}

static void
line_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    Du *du = user;
    DtTime now = dt_io_now();
    DtIoError err;
    (void)loop;
    (void)w;

    if (events & EPOLLOUT)
        flush_line(du);
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        for (int i = 0; i < READS_PER_WAKEUP && !du->line_dead && !du->done; i++) {
            int n = dt_serial_read(&du->serial, du->rx, sizeof du->rx, &err);
            if (n == -ENOLINK || (n < 0 && n != -EAGAIN && n != -EINTR)) {
                if (n != -ENOLINK)
                    dt_log("stage=line error=\"%s\"", err.message);
                line_lost(du, now);
                break;
            }
            if (n <= 0)
                break;
            dt_link_run_activity(du->run);
            line_input(du, du->rx, (size_t)n, now);
        }
    }
    pump(du, now);
}

static void
tun_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    Du *du = user;
    DtTime now = dt_io_now();
    (void)loop;
    (void)w;

    for (int i = 0; (events & EPOLLIN) && i < READS_PER_WAKEUP && du->ppp && !du->line_dead; i++) {
        DtIoSlot slot = {
            .buf = du->packet, .cap = sizeof du->packet, .off = PACKET_HEADROOM, .len = 0};
        uint8_t *ip;
        uint16_t proto;
        size_t h;

        if (!txq_has_room(du, MAX_PACKET + PACKET_HEADROOM))
            break;
        if (dt_tun_read_batch(&du->run->tun, &slot, 1, NULL) != 1)
            break;
        ip = dt_io_slot_data(&slot);
        if (slot.len == 0)
            continue;
        dt_link_run_activity(du->run);
        proto = (ip[0] >> 4) == 6 ? 0x0057 : 0x0021;
        if ((proto == 0x0021 && !du->network_up) || (proto == 0x0057 && !du->ipv6_up))
            continue;
        h = dt_ppp_write_header(du->ppp, proto, ip, slot.off);
        if (h == 0)
            continue;
        queue_frame(du, ip - h, slot.len + h, dt_ppp_data_accm(du->ppp));
        dt_ppp_data_sent(du->ppp, now);
        du->stats.tx_packets++;
        du->stats.tx_octets += slot.len;
    }
    flush_line(du);
    pump(du, now);
}

static void
sig_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    Du *du = user;
    struct signalfd_siginfo si;
    DtTime now = dt_io_now();
    (void)loop;
    (void)w;
    (void)events;

    while (read(du->run->sigfd, &si, sizeof si) == sizeof si) {
        du->run->stop_requested = true;
        if (du->closing || du->phase == DU_DIALOGUE || !du->ppp) {
            dt_log("stage=disconnect signal=%u action=immediate", si.ssi_signo);
            end_with(du, DT_REASON_LOCAL_REQUEST, "");
            snprintf(du->run->message, sizeof du->run->message, "stopped by signal %u",
                     si.ssi_signo);
            break;
        }
        dt_log("stage=disconnect signal=%u action=orderly", si.ssi_signo);
        du_stage(du, "disconnecting");
        du->closing = true;
        du->close_bound = now + DISCONNECT_BOUND_MS;
        snprintf(du->run->message, sizeof du->run->message, "stopped by signal %u", si.ssi_signo);
        if (du->run->reason == DT_REASON_NONE)
            du->run->reason = DT_REASON_LOCAL_REQUEST;
        dt_ppp_close(du->ppp, DT_REASON_LOCAL_REQUEST, now);
    }
    pump(du, now);
}

/* ---- set-up and tear-down ---- */

static int
setup_signals(DtLinkRun *run)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
        return -errno;
    run->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    signal(SIGPIPE, SIG_IGN);
    return run->sigfd < 0 ? -errno : 0;
}

static int
setup_modem(Du *du)
{
    const DtLinkDialup *d = &du->run->profile.dialup;
    DtModemConfig mc;
    DtModemConfigError e;

    dt_modem_config_init(&mc);
    for (size_t i = 0; i < d->n_init; i++) {
        e = dt_modem_config_add_init(&mc, d->init[i]);
        if (e != DT_MODEM_CONFIG_OK)
            return fail_with(du->run, DT_EXIT_USAGE, "%s: [Dialup] Init: %s: %s",
                             du->run->profile.path, d->init[i], dt_modem_config_error_to_string(e));
    }
    e = dt_modem_config_set_dial(&mc, d->dial_command, d->phone);
    if (e != DT_MODEM_CONFIG_OK)
        return fail_with(du->run, DT_EXIT_USAGE, "%s: [Dialup] DialCommand/Phone: %s",
                         du->run->profile.path, dt_modem_config_error_to_string(e));
    dt_modem_init(&du->modem, &mc);
    return 0;
}

/* Hang up: the last frames out, then DTR low (a pty has none: say so, the LCP Terminate or the
 * closed line already ended the call), then unlock and close. */
static void
hang_up(Du *du)
{
    DtIoError err;
    int rc;

    if (!du->serial_open)
        return;
    if (!du->line_dead) {
        flush_line(du);
        (void)dt_serial_drain(&du->serial, 1000, NULL);
        rc = dt_serial_hangup(&du->serial, DT_SERIAL_HANGUP_MS, &err);
        if (rc == 0)
            dt_log("stage=hangup dtr=dropped ms=%d", DT_SERIAL_HANGUP_MS);
        else if (rc == -ENOTTY)
            dt_log("stage=hangup dtr=none note=\"this line has no DTR (a pty)\"");
        else
            dt_log("stage=hangup error=\"%s\"", err.message);
    } else {
        dt_log("stage=hangup dtr=none note=\"the line is already down\"");
    }
    dt_serial_clear(&du->serial);
    du->serial_open = false;
    dt_log("stage=line closed=yes lock=released");
}

/* Forks the protocol child (dt-link-sandbox.h) once the TUN and the line are open: the modem
 * dialogue and PPP run there, without privileges; this side applies the addresses (and DNS
 * for a standalone link) the child asks for and, when the child has ended, hangs up, unlocks
 * and closes the line. Returns 0 in the child, 1 in the parent once the child has ended
 * (*status set), -1 when there is no child (*status set). */
static int
split(Du *du, DtLinkSandbox *sb, int *status)
{
    DtLinkRun *run = du->run;
    char why[DT_LINK_SANDBOX_MESSAGE_MAX];
    bool lower = run->options->lower_link;
    int rc;

    if (dt_link_sandbox_init(sb, why, sizeof why) < 0) {
        *status = fail_with(run, DT_EXIT_OTHER, "%s", why);
        return -1;
    }
    sb->netcfg = &run->netcfg;
    sb->ifindex = run->tun.ifindex;
    /* Under a DialFirst tunnel the tunnel decides where traffic goes (and whose DNS). */
    sb->default_route = !lower && run->profile.default_route;
    sb->routes = lower ? NULL : run->profile.routes;
    sb->n_routes = lower ? 0 : run->profile.n_routes;
    sb->profile = run->managed || lower ? NULL : &run->profile; /* --managed: the helper's */
    sb->ifname = run->tun.name;
    sb->serial = true;
    rc = dt_link_sandbox_fork(sb, why, sizeof why);
    run->split = rc >= 0 || sb->in_child;
    if (sb->in_child) {
        if (rc < 0) {
            dt_log("stage=sandbox error=\"%s\"", why);
            dt_link_sandbox_exit(sb, DT_EXIT_OTHER, DT_REASON_INTERNAL, why);
        }
        /* Only the parent changes the network: the rtnetlink socket goes, undoing nothing. */
        dt_netconf_free(run->netcfg.nc);
        run->netcfg.nc = NULL;
        run->netcfg.n_added = 0;
        run->netcfg_ready = false;
        run->sandbox = sb;
        return 0;
    }
    if (rc < 0) {
        *status = fail_with(run, DT_EXIT_OTHER, "%s", why);
        return -1;
    }
    /* The parent needs no password and no loop; it keeps the line (to hang up), its lock and
     * the TUN (so the device outlives the child until the routes are gone). */
    dt_link_secret_clear(&run->secret);
    if (run->loop_ready)
        dt_loop_clear(&run->loop);
    run->loop_ready = false;
    *status =
        dt_link_sandbox_serve(sb, run->sigfd, &run->reason, run->message, sizeof run->message);
    if (run->reason == DT_REASON_LOCAL_REQUEST)
        run->stop_requested = true;
    dt_link_sandbox_clear(sb);
    return 1;
}

/* Why it ended, for the helper and for a DialFirst parent (one line, no line ends). */
static void
report_down(DtLinkRun *run)
{
    char msg[sizeof run->message];

    if (run->reason == DT_REASON_NONE && !run->message[0])
        return;
    snprintf(msg, sizeof msg, "%s", run->message);
    for (char *c = msg; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    if (run->options->ready_fd > 0)
        dprintf(run->options->ready_fd, "down reason=%d %s\n", (int)run->reason, msg);
    if (run->hooks && run->hooks->down)
        run->hooks->down(run, run->reason, msg, 0, 0, run->hooks->user);
}

int
dt_link_dialup_run(DtLinkRun *run)
{
    const DtLinkDialup *d = &run->profile.dialup;
    DtSerialConfig sc = {.path = d->device, .speed = d->speed, .hw_flow = d->hw_flow};
    DtTunConfig tc = {.name = run->options->tun_name, .mtu = run->profile.policy.mtu};
    DtIoError err;
    DtLinkSandbox sb;
    Du *du;
    int status, rc;

    dt_log("stage=profile name=\"%s\" type=dialup device=%s speed=%u flow=%s user=%s",
           run->profile.name, d->device, d->speed, d->hw_flow ? "hardware" : "none",
           run->profile.user);
    if (geteuid() != 0)
        return fail_with(run, DT_EXIT_USAGE,
                         "--standalone needs root (TUN, routes); run it with sudo");
    if (!dt_serial_speed_supported(d->speed))
        return fail_with(run, DT_EXIT_USAGE, "%s: [Dialup] Speed: %u is not a serial speed",
                         run->profile.path, d->speed);
    if (setup_signals(run) < 0)
        return fail_with(run, DT_EXIT_OTHER, "Cannot set up signal handling: %s", strerror(errno));
    if (dt_loop_init(&run->loop, &err) < 0)
        return fail_with(run, DT_EXIT_OTHER, "%s", err.message);
    run->loop_ready = true;
    if (dt_link_netcfg_init(&run->netcfg, &err) < 0)
        return fail_with(run, DT_EXIT_OTHER, "%s", err.message);
    run->netcfg_ready = true;

    du = calloc(1, sizeof *du);
    if (!du)
        return fail_with(run, DT_EXIT_OTHER, "Out of memory");
    du->run = run;
    du->serial.fd = -1;
    du->started = dt_io_now();
    run->get_stats = du_stats_cb;
    run->stats_user = du;
    status = setup_modem(du);
    if (status != 0)
        goto out;
    if (dt_crypto_new(&du->crypto) != DT_CRYPTO_OK) {
        status = fail_with(run, DT_EXIT_OTHER,
                           "Cannot load the crypto (OpenSSL's legacy provider for MD4, DES)");
        goto out;
    }
    if (dt_tun_init(&run->tun, &tc, run->netcfg.nc, &err) < 0) {
        status = fail_with(run, DT_EXIT_OTHER, "%s", err.message);
        goto out;
    }
    rc = dt_serial_init(&du->serial, &sc, &err);
    if (rc < 0) {
        status = fail_with(run, DT_EXIT_LINE_UNAVAILABLE, "%s", err.message);
        goto out;
    }
    du->serial_open = true;
    dt_log("stage=open tun=%s line=%s lock=%s speed=%u flow=%s", run->tun.name, du->serial.path,
           du->serial.lock_path[0] ? du->serial.lock_path : "none", (unsigned)du->serial.speed,
           du->serial.hw_flow ? "hardware" : "none");

    rc = split(du, &sb, &status);
    if (rc != 0)
        goto out; /* the parent, after the child; or no child at all */

    du->w_line = (DtLoopWatch){.fd = du->serial.fd, .events = EPOLLIN, .func = line_cb, .user = du};
    du->w_sig = (DtLoopWatch){.fd = run->sigfd, .events = EPOLLIN, .func = sig_cb, .user = du};
    if (dt_loop_add(&run->loop, &du->w_line, &err) < 0 ||
        dt_loop_add(&run->loop, &du->w_sig, &err) < 0) {
        status = fail_with(run, DT_EXIT_OTHER, "%s", err.message);
        goto out;
    }
    du->line_watched = true;
    if (run->hooks && run->hooks->loop_ready && run->hooks->loop_ready(run, run->hooks->user) < 0) {
        status = fail_with(run, DT_EXIT_OTHER, "Cannot watch the helper's socket");
        goto out;
    }
    {
        /* Everything is open: from here on the filter allows only the running link's calls. */
        char why[DT_LINK_SANDBOX_MESSAGE_MAX];
        if (dt_link_sandbox_lock(run->sandbox, &run->loop, why, sizeof why) < 0) {
            run->reason = DT_REASON_INTERNAL;
            status = fail_with(run, DT_EXIT_OTHER, "%s", why);
            goto out;
        }
    }
    dt_log("stage=dial command=%s%s", d->dial_command, d->phone);
    du_stage(du, "dialling");
    dt_modem_start(&du->modem, dt_io_now());
    pump(du, dt_io_now());
    if (!du->done && dt_loop_run(&run->loop, &err) < 0) {
        status = fail_with(run, DT_EXIT_OTHER, "%s", err.message);
        goto out;
    }
    if (run->stop_requested && run->reason != DT_REASON_LOCAL_REQUEST &&
        run->reason != DT_REASON_NONE)
        dt_log("stage=disconnect note=\"ended by %s while disconnecting\"",
               dt_reason_to_string(run->reason));
    if (run->stop_requested)
        run->reason = DT_REASON_LOCAL_REQUEST;
    if (du->ppp) {
        DtPppStats st = dt_ppp_stats(du->ppp);
        const DtHdlcCounters *hc = dt_hdlc_decoder_counters(&du->hdlc);
        if (run->report)
            dt_link_report_set_ppp(run->report, du->ppp);
        dt_log("stage=stats frames_in=%llu frames_out=%llu datagrams_in=%llu tun_rx=%llu "
               "tun_tx=%llu bad_fcs=%llu line_tx_dropped=%llu",
               (unsigned long long)st.frames_in, (unsigned long long)st.frames_out,
               (unsigned long long)st.datagrams_in, (unsigned long long)run->tun.stats.rx_packets,
               (unsigned long long)run->tun.stats.tx_packets, (unsigned long long)hc->bad_fcs,
               (unsigned long long)du->tx_dropped);
    }
    status = (int)dt_link_exit_for_reason(run->reason);
out:
    run->get_stats = NULL;
    run->stats_user = NULL;
    if (run->sandbox) {
        /* The protocol child: the last frames out; the parent hangs up (DTR, the lock). */
        flush_line(du);
        dt_link_report_finish(run);
        dt_link_sandbox_exit(run->sandbox, status, run->reason, run->message);
    }
    report_down(run);
    if (du->line_watched)
        dt_loop_remove(&run->loop, &du->w_line, NULL);
    hang_up(du);
    dt_ppp_free(du->ppp);
    if (du->hdlc_ready)
        dt_hdlc_decoder_clear(&du->hdlc);
    dt_modem_clear(&du->modem);
    dt_crypto_free(du->crypto);
    dt_link_secret_clear(&run->secret);
    free(du);
    return status;
}
