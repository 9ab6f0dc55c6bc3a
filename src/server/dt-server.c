/* dt-server.c — dialtone-server's listener, control connections, timer and shutdown. */
#include "dt-server.h"

#include "dt-log.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

/* How long SIGTERM waits for calls to end cleanly (Call-Disconnect-Notify, StopCCRQ). */
#define STOP_BOUND_MS 5000

static void
conn_free(DtServerConn *c)
{
    DtServer *s = c->server;
    while (c->calls) {
        DtServerCall *call = c->calls;
        c->calls = call->next;
        dt_server_call_free(call);
    }
    if (c->tcp.fd >= 0)
        dt_loop_remove(&s->loop, &c->watch, NULL);
    dt_tcp_close(&c->tcp);
    dt_pptp_ctrl_free(c->ctrl);
    free(c);
}

/* Frees calls that went down and connections that are over. */
static void
reap(DtServer *s)
{
    if (!s->reap_pending)
        return;
    s->reap_pending = false;
    for (DtServerConn **cp = &s->conns; *cp;) {
        DtServerConn *c = *cp;
        for (DtServerCall **kp = &c->calls; *kp;) {
            DtServerCall *call = *kp;
            if (call->down) {
                *kp = call->next;
                dt_server_call_free(call);
            } else {
                kp = &call->next;
            }
        }
        if (c->closed && !c->calls) {
            (void)dt_tcp_flush(&c->tcp, NULL);
            dt_log("event=control-closed peer=%s reason=%s", c->peer_text,
                   dt_reason_to_string(dt_pptp_ctrl_reason(c->ctrl)));
            *cp = c->next;
            conn_free(c);
        } else {
            cp = &c->next;
        }
    }
}

static void
timer_cb(DtLoop *loop, DtTime now, void *user)
{
    DtServer *s = user;
    if (s->stopping && now >= s->stop_bound) {
        dt_log("event=stop note=\"calls did not end within %d ms; closing anyway\"", STOP_BOUND_MS);
        dt_loop_stop(loop);
        return;
    }
    for (DtServerConn *c = s->conns; c; c = c->next) {
        bool touched = false;
        if (c->deadline <= now) {
            dt_pptp_ctrl_handle_timeout(c->ctrl, now);
            touched = true;
        }
        for (DtServerCall *call = c->calls; call; call = call->next) {
            if (!call->down && call->deadline <= now) {
                dt_session_handle_timeout(call->session, now);
                dt_server_call_pump(call, now);
                touched = true;
            }
        }
        if (touched)
            dt_server_conn_flush(c, now);
    }
    s->rescan = true;
    dt_server_rearm(s);
}

void
dt_server_rearm(DtServer *s)
{
    DtTime next = s->stopping ? s->stop_bound : DT_TIME_NEVER;
    reap(s);
    if (s->stopping && !s->conns) {
        dt_loop_stop(&s->loop);
        return;
    }
    /* Asking every session and DtPptpCtrl here after each event made an idle server with 1000
     * calls spend ~10 % of a core re-arming, and even a walk over cached deadlines was a sixth
     * of the set-up time (bench/server-scale.sh): the walk is left to the timer's own turn, and
     * between turns deadlines only ever pull the timer earlier (dt_server_note_deadline). */
    if (s->rescan) {
        s->rescan = false;
        s->soonest = DT_TIME_NEVER;
        for (DtServerConn *c = s->conns; c; c = c->next) {
            s->soonest = dt_time_min(s->soonest, c->deadline);
            for (DtServerCall *call = c->calls; call; call = call->next)
                if (!call->down)
                    s->soonest = dt_time_min(s->soonest, call->deadline);
        }
    }
    next = dt_time_min(next, s->soonest);
    /* Called after every batch: an unchanged deadline needs no timerfd_settime (the loop
     * clears its deadline when the timer fires, so a fired timer is armed again). */
    if (next != s->loop.deadline || s->loop.timer_func != timer_cb || s->loop.timer_user != s)
        dt_loop_set_deadline(&s->loop, next, timer_cb, s, NULL);
}

void
dt_server_note_deadline(DtServer *s, DtTime deadline)
{
    s->soonest = dt_time_min(s->soonest, deadline);
}

static DtServerCall *
conn_find_call(DtServerConn *c, uint16_t call_id)
{
    for (DtServerCall *call = c->calls; call; call = call->next)
        if (call->call_id == call_id)
            return call;
    return NULL;
}

void
dt_server_conn_write(DtServerConn *c)
{
    size_t len;
    const uint8_t *out = dt_pptp_ctrl_peek_transmit(c->ctrl, &len);
    if (out && len && c->tcp.fd >= 0) {
        if (dt_tcp_send(&c->tcp, out, len, NULL) < 0)
            dt_log("event=error peer=%s error=\"cannot write the control connection\"",
                   c->peer_text);
        dt_pptp_ctrl_consume_transmit(c->ctrl, len);
    }
}

/* Writes the DtPptpCtrl's output and handles its events. */
void
dt_server_conn_flush(DtServerConn *c, DtTime now)
{
    DtPptpEvent ev;

    while (dt_pptp_ctrl_poll_event(c->ctrl, &ev)) {
        DtServerCall *call;
        switch (ev.type) {
        case DT_PPTP_EVENT_CONTROL_UP:
            dt_log("event=control-up peer=%s host=\"%s\"", c->peer_text,
                   dt_pptp_ctrl_peer(c->ctrl)->host_name);
            break;
        case DT_PPTP_EVENT_CALL_REQUEST:
            dt_server_call_request(c, &ev, now);
            break;
        case DT_PPTP_EVENT_CLOSED:
            c->closed = true;
            c->server->reap_pending = true;
            for (call = c->calls; call; call = call->next) {
                if (!call->down) {
                    dt_session_pptp_event(call->session, &ev, now);
                    dt_server_call_pump(call, now);
                }
            }
            break;
        default:
            call = conn_find_call(c, ev.call_id);
            if (call && !call->down) {
                dt_session_pptp_event(call->session, &ev, now);
                dt_server_call_pump(call, now);
            }
            break;
        }
    }
    dt_server_conn_write(c);
    c->deadline = dt_pptp_ctrl_next_deadline(c->ctrl);
    dt_server_note_deadline(c->server, c->deadline);
    if (c->tcp.fd >= 0) {
        uint32_t want = EPOLLIN | (dt_tcp_pending(&c->tcp) ? EPOLLOUT : 0);
        if (want != c->watch.events)
            dt_loop_modify(&c->server->loop, &c->watch, want, NULL);
    }
}

static void
conn_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    DtServerConn *c = user;
    DtTime now = dt_io_now();
    if (events & EPOLLOUT)
        (void)dt_tcp_flush(&c->tcp, NULL);
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        long n = dt_tcp_read(&c->tcp, c->in, sizeof c->in, NULL);
        if (n > 0) {
            size_t off = 0;
            while (off < (size_t)n) {
                size_t took = dt_pptp_ctrl_input(c->ctrl, c->in + off, (size_t)n - off, now);
                off += took;
                dt_server_conn_flush(c, now);
                if (took == 0)
                    break; /* a full ctrl that will not drain: the rest is dropped */
            }
        } else if (n == 0 || n != -EAGAIN) {
            dt_loop_remove(loop, w, NULL);
            dt_tcp_close(&c->tcp);
            dt_pptp_ctrl_input_eof(c->ctrl, now);
        }
    }
    dt_server_conn_flush(c, now);
    dt_server_rearm(c->server);
}

/* A random first Call ID (a NAT's PPTP helper and a restarted client see fresh IDs) that no
 * live call and no other connection from the same address starts at. GRE names its call by
 * our Call ID alone, and clients behind one NAT share an address: with 1000 connections from
 * one address, random bases collided for ~9 calls, whose GRE went to another call
 * (bench/server-scale.sh, DT_BENCH_SOURCES=1). */
static uint16_t
pick_call_id_base(DtServer *s, const DtInetAddr *addr)
{
    uint16_t base = 1;
    for (int tries = 0; tries < 64; tries++) {
        bool clash = false;
        dt_crypto_random(s->crypto, &base, sizeof base);
        if (base == 0 || dt_server_call_id_taken(s, addr, base))
            continue;
        for (DtServerConn *o = s->conns; o && !clash; o = o->next)
            clash = o->call_id_base == base && dt_inet_equal(&o->tcp.peer, addr);
        if (!clash)
            return base;
    }
    return base ? base : 1; /* the address is crowded: dt_server_call_request still checks */
}

static void
listen_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    DtServer *s = user;
    DtTime now = dt_io_now();
    DtIoError err;
    (void)w;
    (void)events;
    for (;;) {
        DtServerConn *c = calloc(1, sizeof *c);
        DtPptpCtrlConfig pc = {.role = DT_PPTP_ROLE_PAC,
                               .host_name = "dialtone-server",
                               .vendor = "Dialtone",
                               .max_calls = s->settings.max_calls < DT_SERVER_CALLS_PER_CONN
                                                ? s->settings.max_calls
                                                : DT_SERVER_CALLS_PER_CONN,
                               .stop_timeout_ms = 3000};
        if (!c)
            return;
        c->tcp.fd = -1;
        if (dt_tcp_accept(&s->listener, &c->tcp, &err) < 0) {
            free(c);
            return;
        }
        c->server = s;
        dt_inet_to_string(&c->tcp.peer, c->peer_text);
        if (s->stopping) {
            dt_tcp_close(&c->tcp);
            free(c);
            continue;
        }
        pc.call_id_base = c->call_id_base = pick_call_id_base(s, &c->tcp.peer);
        c->ctrl = dt_pptp_ctrl_new(&pc);
        c->watch = (DtLoopWatch){.fd = c->tcp.fd, .events = EPOLLIN, .func = conn_cb, .user = c};
        if (!c->ctrl || dt_loop_add(loop, &c->watch, NULL) < 0) {
            dt_pptp_ctrl_free(c->ctrl);
            dt_tcp_close(&c->tcp);
            free(c);
            continue;
        }
        dt_log("event=control-accept peer=%s", c->peer_text);
        c->next = s->conns;
        s->conns = c;
        dt_pptp_ctrl_start(c->ctrl, now);
        dt_server_conn_flush(c, now);
    }
}

static void
begin_stop(DtServer *s, DtTime now)
{
    s->stopping = true;
    s->stop_bound = now + STOP_BOUND_MS;
    dt_loop_remove(&s->loop, &s->w_listen, NULL);
    dt_tcp_listener_close(&s->listener);
    for (DtServerConn *c = s->conns; c; c = c->next) {
        for (DtServerCall *call = c->calls; call; call = call->next) {
            if (!call->down) {
                dt_session_close(call->session, DT_REASON_LOCAL_REQUEST, now);
                dt_server_call_pump(call, now);
            }
        }
        /* Clears what calls remain and sends StopCCRQ (RFC 2637 §2.3: local shutdown). */
        dt_pptp_ctrl_stop(c->ctrl, DT_PPTP_STOP_REASON_LOCAL_SHUTDOWN, now);
        dt_server_conn_flush(c, now);
    }
}

static void
sig_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    DtServer *s = user;
    struct signalfd_siginfo si;
    (void)w;
    (void)events;
    while (read(s->sigfd, &si, sizeof si) == sizeof si) {
        if (s->stopping) {
            dt_log("event=stop signal=%u action=immediate", si.ssi_signo);
            dt_loop_stop(loop);
            return;
        }
        dt_log("event=stop signal=%u calls=%u action=orderly", si.ssi_signo, s->n_calls);
        begin_stop(s, dt_io_now());
    }
    dt_server_rearm(s);
}

int
dt_server_init(DtServer *s, const char *config_path)
{
    char why[512];
    DtIoError err;
    sigset_t set;

    memset(s, 0, sizeof *s);
    s->sigfd = -1;
    s->listener.fd = -1;
    s->soonest = DT_TIME_NEVER;
    s->closer.pipe_w = s->closer.pipe_r = -1;
    dt_log_set_program("dialtone-server");
    if (dt_server_settings_load(&s->settings, config_path, why, sizeof why) < 0) {
        fprintf(stderr, "dialtone-server: %s\n", why);
        return 2;
    }
    for (char **wn = s->settings.warnings; wn && *wn; wn++)
        dt_log("event=config-warning warning=\"%s\"", *wn);
    s->secrets = dt_secrets_table_load(s->settings.secrets_path, why, sizeof why);
    if (!s->secrets) {
        fprintf(stderr, "dialtone-server: %s\n", why);
        return 2;
    }
    if (dt_crypto_new(&s->crypto) != DT_CRYPTO_OK) {
        fprintf(stderr, "dialtone-server: cannot load the crypto (OpenSSL's legacy provider)\n");
        return 1;
    }
    s->pool_size = s->settings.remote_last - s->settings.remote_first + 1;
    s->pool_used = calloc(s->pool_size, 1);
    s->by_id = calloc(UINT16_MAX + 1, sizeof *s->by_id);
    s->gro = calloc(1, sizeof *s->gro);
    if (!s->pool_used || !s->gro || !s->by_id || dt_loop_init(&s->loop, &err) < 0 ||
        dt_netconf_new(&s->nc, &err) < 0 ||
        dt_io_batch_init(&s->gre_rx, DT_IO_BATCH_MAX, DT_IO_SLOT_SIZE, 0, &err) < 0 ||
        dt_io_batch_init(&s->tun_rx, DT_IO_BATCH_MAX, DT_IO_SLOT_SIZE, DT_IO_HEADROOM, &err) < 0 ||
        dt_io_batch_init(&s->ctl_tx, 8, DT_SESSION_MAX_GRE + 64, 0, &err) < 0) {
        fprintf(stderr, "dialtone-server: %s\n",
                s->pool_used && s->gro && s->by_id ? err.message : "out of memory");
        return 1;
    }
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    dt_server_closer_init(&s->closer); /* after the mask: the thread inherits it */
    signal(SIGPIPE, SIG_IGN);
    s->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (dt_tcp_listen(&s->listener, s->settings.listen_address, s->settings.listen_port, 128,
                      &err) < 0) {
        fprintf(stderr, "dialtone-server: %s\n", err.message);
        return 1;
    }
    s->w_listen =
        (DtLoopWatch){.fd = s->listener.fd, .events = EPOLLIN, .func = listen_cb, .user = s};
    s->w_sig = (DtLoopWatch){.fd = s->sigfd, .events = EPOLLIN, .func = sig_cb, .user = s};
    if (s->sigfd < 0 || dt_loop_add(&s->loop, &s->w_listen, &err) < 0 ||
        dt_loop_add(&s->loop, &s->w_sig, &err) < 0) {
        fprintf(stderr, "dialtone-server: cannot set up the event loop\n");
        return 1;
    }
    return 0;
}

int
dt_server_run(DtServer *s)
{
    DtIoError err;
    char addr[DT_INET_STRLEN];
    dt_log("event=listen address=%s port=%u max_calls=%u pool=%u encryption=%s stateful=%s "
           "mppc=%s",
           dt_inet_to_string(&s->listener.local, addr), (unsigned)s->listener.port,
           s->settings.max_calls, s->pool_size,
           dt_policy_encryption_to_string(s->settings.policy.encryption),
           !s->settings.policy.allow_stateful   ? "no"
           : s->settings.policy.prefer_stateful ? "preferred"
                                                : "allowed",
           s->settings.policy.compression ? "yes" : "no");
    if (dt_loop_run(&s->loop, &err) < 0) {
        fprintf(stderr, "dialtone-server: %s\n", err.message);
        return 1;
    }
    dt_log("event=stopped calls_left=%u", s->n_calls);
    return 0;
}

void
dt_server_clear(DtServer *s)
{
    while (s->conns) {
        DtServerConn *c = s->conns;
        s->conns = c->next;
        conn_free(c);
    }
    dt_server_closer_clear(&s->closer);
    dt_tcp_listener_close(&s->listener);
    if (s->sigfd >= 0)
        close(s->sigfd);
    dt_io_batch_clear(&s->gre_rx);
    dt_io_batch_clear(&s->tun_rx);
    dt_io_batch_clear(&s->ctl_tx);
    if (s->nc)
        dt_netconf_free(s->nc);
    if (s->loop.epfd > 0)
        dt_loop_clear(&s->loop);
    free(s->pool_used);
    free(s->by_id);
    free(s->gro);
    dt_crypto_free(s->crypto);
    dt_secrets_table_free(s->secrets);
    dt_server_settings_clear(&s->settings);
}
