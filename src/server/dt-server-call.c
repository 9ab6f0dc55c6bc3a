/* dt-server-call.c — one call of dialtone-server: answer, session, TUN, data path, log lines. */
#include "dt-server.h"

#include "dt-log.h"
#include "dt-session-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
ipv4_text(uint32_t host_order, char *buf)
{
    struct in_addr a = {.s_addr = htonl(host_order)};
    inet_ntop(AF_INET, &a, buf, DT_INET_STRLEN);
    return buf;
}

static DtInetAddr
ipv4_addr(uint32_t host_order)
{
    DtInetAddr a;
    uint32_t be = htonl(host_order);
    memset(&a, 0, sizeof a);
    a.family = AF_INET;
    memcpy(a.bytes, &be, 4);
    return a;
}

/* ---- the address pool ---- */

static bool
pool_take(DtServer *s, uint32_t *addr)
{
    /* Round robin, not the lowest free address: the device of the call that last had an
     * address may still be going away (dt-server-closer.h) with its route to it. */
    for (uint32_t k = 0; k < s->pool_size; k++) {
        uint32_t i = (s->pool_next + k) % s->pool_size;
        if (!s->pool_used[i]) {
            s->pool_used[i] = 1;
            s->pool_next = (i + 1) % s->pool_size;
            *addr = s->settings.remote_first + i;
            return true;
        }
    }
    return false;
}

static void
pool_release(DtServer *s, uint32_t addr)
{
    if (addr >= s->settings.remote_first && addr - s->settings.remote_first < s->pool_size)
        s->pool_used[addr - s->settings.remote_first] = 0;
}

/* ---- GRE sockets, one per client address ---- */

static void peer_gre_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user);

static DtServerPeer *
peer_get(DtServer *s, const DtInetAddr *local, const DtInetAddr *addr, DtIoError *err)
{
    DtServerPeer *p;
    for (p = s->peers; p; p = p->next) {
        if (dt_inet_equal(&p->gre.peer, addr)) {
            p->refs++;
            return p;
        }
    }
    p = calloc(1, sizeof *p);
    if (!p) {
        dt_io_fail(err, ENOMEM, "opening a GRE socket");
        return NULL;
    }
    if (dt_gre_sock_init(&p->gre, local, addr, 0, err) < 0) {
        free(p);
        return NULL;
    }
    p->server = s;
    p->watch = (DtLoopWatch){.fd = p->gre.fd, .events = EPOLLIN, .func = peer_gre_cb, .user = p};
    if (dt_loop_add(&s->loop, &p->watch, err) < 0) {
        dt_gre_sock_clear(&p->gre);
        free(p);
        return NULL;
    }
    p->refs = 1;
    p->next = s->peers;
    s->peers = p;
    return p;
}

static void
peer_put(DtServer *s, DtServerPeer *p)
{
    if (--p->refs > 0)
        return;
    for (DtServerPeer **pp = &s->peers; *pp; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    }
    dt_loop_remove(&s->loop, &p->watch, NULL);
    dt_gre_sock_clear(&p->gre);
    free(p);
}

DtServerCall *
dt_server_find_call(DtServerPeer *peer, uint16_t call_id)
{
    for (DtServerCall *call = peer->server->by_id[call_id]; call; call = call->next_by_id)
        if (call->peer == peer && !call->down)
            return call;
    return NULL;
}

bool
dt_server_call_id_taken(DtServer *s, const DtInetAddr *addr, uint16_t call_id)
{
    for (DtServerCall *call = s->by_id[call_id]; call; call = call->next_by_id)
        if (!call->down && dt_inet_equal(&call->conn->tcp.peer, addr))
            return true;
    return false;
}

static void
index_remove(DtServer *s, DtServerCall *call)
{
    if (!call->indexed)
        return;
    for (DtServerCall **pp = &s->by_id[call->call_id]; *pp; pp = &(*pp)->next_by_id) {
        if (*pp == call) {
            *pp = call->next_by_id;
            break;
        }
    }
    call->indexed = false;
}

/* ---- the data path ---- */

/* Each packet goes to the coalescer (dt-server-gro.h); the caller flushes it at the end of
 * the batch, so a GRE batch of one TCP stream becomes one or two TUN writes. */
static void
drain_tun(DtServerCall *call)
{
    uint8_t *pkt;
    size_t len;
    while (dt_session_poll_tun(call->session, &pkt, &len))
        dt_server_gro_add(call->server->gro, &call->tun, pkt, len);
}

static void
peer_gre_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    DtServerPeer *p = user;
    DtServer *s = p->server;
    DtTime now = dt_io_now();
    (void)loop;
    (void)w;
    (void)events;
    DtServerCall *touched[DT_IO_BATCH_MAX];
    unsigned n_touched = 0;
    dt_io_batch_reset(&s->gre_rx);
    int n = dt_gre_sock_recv_batch(&p->gre, s->gre_rx.slots, s->gre_rx.count, NULL);
    for (int i = 0; i < n; i++) {
        DtIoSlot *slot = &s->gre_rx.slots[i];
        uint16_t id;
        DtServerCall *call;
        unsigned k;
        if (!dt_gre_peek_call_id(dt_io_slot_data(slot), slot->len, &id))
            continue;
        call = dt_server_find_call(p, id);
        if (!call)
            continue; /* a call that ended, or another's: dropped */
        dt_session_gre_input(call->session, dt_io_slot_data(slot), slot->len, now);
        drain_tun(call);
        for (k = 0; k < n_touched && touched[k] != call; k++)
            ;
        if (k == n_touched)
            touched[n_touched++] = call;
    }
    dt_server_gro_flush(s->gro);
    /* Each touched session's control output and events (only those: the peer's other calls
     * got no input). A call that went down stays allocated until the rearm's reap. */
    for (unsigned k = 0; k < n_touched; k++)
        if (!touched[k]->down)
            dt_server_call_pump(touched[k], now);
    dt_server_rearm(s);
}

static void
call_tun_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    DtServerCall *call = user;
    DtServer *s = call->server;
    DtTime now = dt_io_now();
    DtIoSlot tx[DT_IO_BATCH_MAX];
    unsigned ntx = 0;
    (void)loop;
    (void)w;
    (void)events;
    dt_io_batch_reset(&s->tun_rx);
    int n = dt_tun_read_batch(&call->tun, s->tun_rx.slots, s->tun_rx.count, NULL);
    for (int i = 0; i < n; i++) {
        DtIoSlot *slot = &s->tun_rx.slots[i];
        uint8_t *gre;
        size_t gre_len, vh;
        if (!dt_server_gro_read_fixup(&call->tun, dt_io_slot_data(slot), slot->len, &vh))
            continue;
        if (dt_session_tun_input(call->session, dt_io_slot_data(slot) + vh, slot->len - vh,
                                 slot->off + vh, now, &gre, &gre_len)) {
            tx[ntx] = *slot;
            tx[ntx].off = (uint32_t)(gre - slot->buf);
            tx[ntx].len = (uint32_t)gre_len;
            ntx++;
        }
    }
    /* The server does not pause a TUN on a full socket: one client's backlog must not stall
     * the others; what the kernel refuses is dropped and TCP inside the tunnel resends. */
    for (unsigned sent = 0; sent < ntx;) {
        int k = dt_gre_sock_send_batch(&call->peer->gre, tx + sent, ntx - sent, NULL);
        if (k <= 0)
            break;
        sent += (unsigned)k;
    }
    dt_server_call_pump(call, now);
    dt_server_rearm(s);
}

/* ---- log lines (FORMATS.md: connection log) ---- */

static void
describe_security(const DtSessionSummary *sum, char *buf, size_t size)
{
    if (sum->encrypted)
        snprintf(buf, size, "MPPE %d-bit %s (%s)%s", (int)sum->bits,
                 sum->stateless ? "stateless" : "stateful", dt_session_strength_word(sum),
                 sum->compressed ? ", MPPC" : "");
    else
        snprintf(buf, size, "no encryption (none)%s", sum->compressed ? ", MPPC" : "");
}

static void
log_connected(DtServerCall *call, const DtSessionSummary *sum)
{
    char addr[DT_INET_STRLEN], sec[96], q1[2 * DT_AUTH_MAX_NAME + 4], q2[1600], msg[768];
    snprintf(call->user, sizeof call->user, "%s", sum->peer_name);
    describe_security(sum, sec, sizeof sec);
    snprintf(msg, sizeof msg, "%s connected on call %u from %s: %s, %s, %s", call->user,
             (unsigned)call->call_id, call->conn->peer_text, dt_auth_method_describe(sum->auth),
             sec, ipv4_text(call->address, addr));
    dt_log("event=connect user=%s call=%u peer=%s auth=%s encryption=%s strength=%s "
           "compression=%s address=%s tun=%s message=%s",
           dt_log_quote(call->user, q1, sizeof q1), (unsigned)call->call_id, call->conn->peer_text,
           dt_auth_method_to_string(sum->auth),
           sum->encrypted ? (sum->bits == DT_MPPE_BITS_128  ? "mppe-128"
                             : sum->bits == DT_MPPE_BITS_56 ? "mppe-56"
                                                            : "mppe-40")
                          : "none",
           dt_session_strength_word(sum), sum->compressed ? "mppc" : "none", addr, call->tun.name,
           dt_log_quote(msg, q2, sizeof q2));
    call->connected = true;
}

static void
log_disconnected(DtServerCall *call, const DtSessionDown *down, DtTime now)
{
    DtSessionStats st;
    char q1[2 * DT_AUTH_MAX_NAME + 4], q2[1600], msg[768];
    dt_session_stats(call->session, now, &st);
    snprintf(msg, sizeof msg, "%s disconnected from call %u from %s: %s",
             call->user[0] ? call->user : "(not authenticated)", (unsigned)call->call_id,
             call->conn->peer_text,
             down->message[0] ? down->message : dt_reason_describe(down->reason));
    dt_log("event=disconnect user=%s call=%u peer=%s reason=%s duration_ms=%llu "
           "rx_octets=%llu tx_octets=%llu rx_packets=%llu tx_packets=%llu gre_lost=%llu "
           "gre_reordered=%llu message=%s",
           dt_log_quote(call->user[0] ? call->user : "-", q1, sizeof q1), (unsigned)call->call_id,
           call->conn->peer_text, dt_reason_to_string(down->reason),
           (unsigned long long)st.duration_ms, (unsigned long long)st.rx_octets,
           (unsigned long long)st.tx_octets, (unsigned long long)st.rx_packets,
           (unsigned long long)st.tx_packets, (unsigned long long)st.gre_lost,
           (unsigned long long)st.gre_reordered, dt_log_quote(msg, q2, sizeof q2));
}

static void
network_up(DtServerCall *call, const DtSessionSummary *sum)
{
    DtServer *s = call->server;
    DtInetAddr local = ipv4_addr(s->settings.local_ipv4), peer = ipv4_addr(call->address);
    DtLinkSettings ls = {.mtu = sum->mtu, .up = true};
    DtIoError err;
    if ((sum->mtu && dt_netconf_link_set(s->nc, call->tun.ifindex, &ls, &err) < 0) ||
        dt_netconf_addr_add(s->nc, call->tun.ifindex, &local, 32, &peer, &err) < 0) {
        dt_log("event=error call=%u error=\"%s\"", (unsigned)call->call_id, err.message);
        dt_session_close(call->session, DT_REASON_INTERNAL, dt_io_now());
        return;
    }
    log_connected(call, sum);
}

void
dt_server_call_pump(DtServerCall *call, DtTime now)
{
    DtSessionEvent ev;
    DtServer *s = call->server;
    drain_tun(call);
    dt_server_gro_flush(s->gro);
    dt_io_batch_reset(&s->ctl_tx);
    unsigned n = 0;
    while (n < s->ctl_tx.count) {
        DtIoSlot *slot = &s->ctl_tx.slots[n];
        size_t len = dt_session_poll_gre(call->session, slot->buf, slot->cap);
        if (!len)
            break;
        slot->off = 0;
        slot->len = (uint32_t)len;
        n++;
    }
    if (n)
        (void)dt_gre_sock_send_batch(&call->peer->gre, s->ctl_tx.slots, n, NULL);
    while (dt_session_poll_event(call->session, &ev)) {
        switch (ev.type) {
        case DT_SESSION_EVENT_STAGE:
            dt_log("call=%u stage=%s", (unsigned)call->call_id,
                   dt_session_stage_to_string(ev.u.stage.to));
            break;
        case DT_SESSION_EVENT_NEGOTIATED:
            network_up(call, &ev.u.summary);
            break;
        case DT_SESSION_EVENT_LOG:
            dt_log("call=%u %s", (unsigned)call->call_id, ev.u.log);
            break;
        case DT_SESSION_EVENT_DOWN:
            log_disconnected(call, &ev.u.down, now);
            call->down = true;
            s->reap_pending = true;
            break;
        }
    }
    call->deadline = call->down ? DT_TIME_NEVER : dt_session_next_deadline(call->session);
    dt_server_note_deadline(s, call->deadline);
    /* The session may have written Call-Disconnect-Notify into the connection's DtPptpCtrl. */
    dt_server_conn_flush(call->conn, now);
}

void
dt_server_call_free(DtServerCall *call)
{
    DtServer *s = call->server;
    if (call->w_tun.fd >= 0)
        dt_loop_remove(&s->loop, &call->w_tun, NULL);
    index_remove(s, call);
    dt_session_free(call->session);
    if (s->gro)
        dt_server_gro_forget(s->gro, &call->tun);
    dt_server_closer_close(&s->closer, call->tun.fd);
    call->tun.fd = -1;
    dt_tun_clear(&call->tun);
    if (call->peer)
        peer_put(s, call->peer);
    pool_release(s, call->address);
    s->n_calls--;
    free(call);
}

static bool
lookup_cb(void *user_data, const char *user, size_t user_len, char *secret, size_t cap)
{
    DtServer *s = user_data;
    char name[256];
    if (user_len >= sizeof name)
        return false;
    memcpy(name, user, user_len);
    name[user_len] = '\0';
    return dt_secrets_table_lookup(s->secrets, name, NULL, secret, cap, NULL);
}

/* The server's calls carry IPv4 only (no IPv6CP), so their TUNs need no IPv6: without this each
 * one gets a link-local address, routes and router solicitations it can never send, and every
 * MTU change on any device walks an IPv6 routing table that grows with the calls (the kernel's
 * rt6_mtu_change_route was a fifth of the set-up time at 1000 calls, bench/server-scale.sh).
 * Best effort: a kernel without IPv6 has no such file. */
static void
disable_ipv6(const DtTun *tun)
{
    char path[96];
    FILE *f;
    snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/disable_ipv6", tun->name);
    f = fopen(path, "we");
    if (!f)
        return;
    fputs("1", f);
    fclose(f);
}

static void
refuse(DtServerConn *c, const DtPptpEvent *ev, uint8_t result, uint8_t error, const char *why,
       DtTime now)
{
    dt_log("event=refuse call=%u peer=%s reason=\"%s\"", (unsigned)ev->call_id, c->peer_text, why);
    dt_pptp_ctrl_answer_call(c->ctrl, ev->call_id, result, error, 0, 0, now);
}

void
dt_server_call_request(DtServerConn *c, const DtPptpEvent *ev, DtTime now)
{
    DtServer *s = c->server;
    DtServerCall *call;
    DtSessionConfig cfg;
    DtIoError err;
    /* The virtio-net header lets one write carry a TCP train (dt-server-gro.h). */
    DtTunConfig tc = {.name = "dtsrv%d", .mtu = s->settings.policy.mtu, .flags = DT_TUN_VNET_HDR};

    if (s->stopping) {
        refuse(c, ev, DT_PPTP_OCRP_BUSY, 0, "the server is stopping", now);
        return;
    }
    if (s->n_calls >= s->settings.max_calls) {
        refuse(c, ev, DT_PPTP_OCRP_BUSY, 0, "MaxCalls reached", now);
        return;
    }
    /* pick_call_id_base() keeps the first call of each connection apart; a later call of a
     * connection carrying several can still meet another's ID: refused, never misrouted. */
    if (dt_server_call_id_taken(s, &c->tcp.peer, ev->call_id)) {
        refuse(c, ev, DT_PPTP_OCRP_BUSY, 0,
               "the Call ID is in use by another call from this address", now);
        return;
    }
    call = calloc(1, sizeof *call);
    if (!call) {
        refuse(c, ev, DT_PPTP_OCRP_GENERAL_ERROR, DT_PPTP_ERROR_NO_RESOURCE, "out of memory", now);
        return;
    }
    call->server = s;
    call->conn = c;
    call->call_id = ev->call_id;
    call->tun.fd = -1;
    call->w_tun.fd = -1;
    s->n_calls++;
    if (!pool_take(s, &call->address)) {
        call->address = 0;
        dt_server_call_free(call);
        {
            refuse(c, ev, DT_PPTP_OCRP_BUSY, 0, "the address pool is exhausted", now);
            return;
        }
    }
    call->peer = peer_get(s, &c->tcp.local, &c->tcp.peer, &err);
    if (!call->peer || dt_tun_init(&call->tun, &tc, s->nc, &err) < 0) {
        dt_log("event=error call=%u error=\"%s\"", (unsigned)ev->call_id, err.message);
        dt_server_call_free(call);
        {
            refuse(c, ev, DT_PPTP_OCRP_GENERAL_ERROR, DT_PPTP_ERROR_NO_RESOURCE,
                   "cannot open the call's TUN or GRE socket", now);
            return;
        }
    }
    disable_ipv6(&call->tun);

    dt_session_config_from_policy(&cfg, DT_SESSION_SERVER, &s->settings.policy, s->crypto);
    cfg.ctrl = c->ctrl;
    cfg.call_id = ev->call_id;
    cfg.peer_call_id = ev->peer_call_id;
    cfg.ppp.lookup = lookup_cb;
    cfg.ppp.lookup_data = s;
    cfg.ppp.local_name = "dialtone";
    cfg.ppp.ipcp.local_addr = s->settings.local_ipv4;
    cfg.ppp.ipcp.peer_addr = call->address;
    for (size_t i = 0; i < s->settings.n_dns && i < 2; i++) {
        uint32_t be;
        memcpy(&be, s->settings.dns[i].bytes, 4);
        cfg.ppp.ipcp.dns[i] = ntohl(be);
    }
    call->session = dt_session_new(&cfg);
    if (!call->session) {
        dt_server_call_free(call);
        {
            refuse(c, ev, DT_PPTP_OCRP_GENERAL_ERROR, DT_PPTP_ERROR_NO_RESOURCE,
                   "cannot create the session", now);
            return;
        }
    }
    call->w_tun =
        (DtLoopWatch){.fd = call->tun.fd, .events = EPOLLIN, .func = call_tun_cb, .user = call};
    if (dt_loop_add(&s->loop, &call->w_tun, NULL) < 0) {
        call->w_tun.fd = -1;
        dt_server_call_free(call);
        {
            refuse(c, ev, DT_PPTP_OCRP_GENERAL_ERROR, DT_PPTP_ERROR_NO_RESOURCE,
                   "cannot watch the call's TUN", now);
            return;
        }
    }
    call->next = c->calls;
    c->calls = call;
    call->next_by_id = s->by_id[call->call_id];
    s->by_id[call->call_id] = call;
    call->indexed = true;
    call->deadline = DT_TIME_NEVER;
    dt_pptp_ctrl_answer_call(c->ctrl, ev->call_id, DT_PPTP_OCRP_CONNECTED, 0, 0, 0, now);
    /* The OCRP goes on the wire before the session's first GRE (LCP Configure-Request): a NAT's
     * PPTP helper (Linux nf_conntrack_pptp) sets up the GRE mapping back to the client only when
     * it sees the OCRP, so GRE sent ahead of it lands in the NAT box and LCP waits a restart
     * timer (RFC 1661 §4.6, 3 s); a PNS also drops GRE for a call it has no reply for yet. */
    dt_server_conn_write(c);
    dt_log("event=call call=%u peer=%s tun=%s address_offered=%s", (unsigned)ev->call_id,
           c->peer_text, call->tun.name, ipv4_text(call->address, (char[DT_INET_STRLEN]){0}));
    dt_session_start(call->session, now);
    dt_server_call_pump(call, now);
}
