/* dt-link-managed.c — dialtone-link --managed (see dt-link-managed.h).
 *
 * The run is the --standalone one (dt-link-standalone.c): only where the profile and the
 * password come from, and where progress goes, differ. TUN, GRE socket and routes are opened
 * here, by the helper's root child; the session runs in its unprivileged, seccomp-filtered
 * protocol child (dt-link-sandbox.h), which sends STAGE, LOG, UP, STATS and DOWN on the
 * inherited helper socket itself. EXIT comes from the privileged process after the clean-up,
 * so a child killed by its filter is still reported (reason sandbox-violation). The helper
 * opening the fds and passing them in is later work (DESIGN.md). */
#include "dt-link-managed.h"

#include "dt-crypto.h"
#include "dt-link-exit.h"
#include "dt-link-standalone.h"
#include "dt-log.h"
#include "dt-quirks.h"
#include "dt-session-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define START_TIMEOUT_MS 10000
#define STATS_INTERVAL_MS 1000

typedef struct {
    int fd;
    DtLinkOptions options;
    char tun_name[16];
    DtLoopWatch w_sock, w_stats;
    int stats_fd;
    DtSessionStats last;
    DtLinkRun *run;
    char stage[40]; /* the last STAGE sent */
} Managed;

static void
send_frame(Managed *m, DtManagedFrame type, GVariant *body)
{
    g_autoptr(GVariant) owned = g_variant_ref_sink(body);
    gsize len = g_variant_get_size(owned);
    g_autofree guint8 *buf = NULL;

    if (m->fd < 0 || len + DT_MANAGED_HEADER > DT_MANAGED_FRAME_MAX)
        return;
    buf = g_malloc0(len + DT_MANAGED_HEADER);
    buf[0] = (guint8)type;
    g_variant_store(owned, buf + DT_MANAGED_HEADER);
    /* The helper reads records as they come; a dead helper is noticed by the socket watch. */
    if (send(m->fd, buf, len + DT_MANAGED_HEADER, MSG_NOSIGNAL) < 0 && errno == EPIPE) {
        close(m->fd);
        m->fd = -1;
    }
}

/* Stages travel as words: the PPTP session's (dt_session_stage_to_string()), the dial-up
 * link's, and a DialFirst run's lower link's ("lower-dialling"). */
static void
send_stage(Managed *m, const char *to)
{
    send_frame(m, DT_MANAGED_STAGE, g_variant_new("(ss)", m->stage, to));
    snprintf(m->stage, sizeof m->stage, "%s", to);
}

static void
send_log(Managed *m, const char *line)
{
    send_frame(m, DT_MANAGED_LOG,
               g_variant_new_string(g_utf8_validate(line, -1, NULL) ? line : "(not UTF-8)"));
}

static const char *
strength_to_string(const DtSessionSummary *s)
{
    if (!s->encrypted)
        return "";
    switch (s->bits) {
    case DT_MPPE_BITS_40:
        return "40-bit";
    case DT_MPPE_BITS_56:
        return "56-bit";
    case DT_MPPE_BITS_128:
        return "128-bit";
    }
    return "";
}

static GVariant *
supported_bits(const uint8_t opt[DT_CCP_OPT_MPPE_LEN], bool have)
{
    char hex[16] = "";
    /* Option 18 is type, length, then the 32 Supported Bits (RFC 3078 §2.1); the bits alone
     * are what people compare ("01000040": stateless, 128-bit). */
    if (have)
        snprintf(hex, sizeof hex, "%02x%02x%02x%02x", opt[2], opt[3], opt[4], opt[5]);
    return g_variant_new_string(hex);
}

static GVariant *
ipv4_variant(uint32_t host_order)
{
    char text[INET_ADDRSTRLEN] = "";
    struct in_addr ia = {.s_addr = htonl(host_order)};
    if (host_order)
        inet_ntop(AF_INET, &ia, text, sizeof text);
    return g_variant_new_string(text);
}

/* The DNS servers the helper is to apply: the profile's own, or what IPCP offered (host
 * order, 0: none), or none, as DNS= says. */
static GVariant *
dns_variant(const DtLinkRun *run, const uint32_t offered[2])
{
    GVariantBuilder dns;
    char text[DT_INET_STRLEN];

    g_variant_builder_init(&dns, G_VARIANT_TYPE_STRING_ARRAY);
    if (run->profile.dns_mode == DT_LINK_DNS_STATIC) {
        for (size_t i = 0; i < run->profile.n_dns; i++)
            g_variant_builder_add(&dns, "s", dt_inet_to_string(&run->profile.dns[i], text));
    } else if (run->profile.dns_mode == DT_LINK_DNS_AUTO) {
        for (int i = 0; i < 2; i++)
            if (offered[i])
                g_variant_builder_add_value(&dns, ipv4_variant(offered[i]));
    }
    return g_variant_builder_end(&dns);
}

/* DialFirst: the dial-up link the tunnel runs over. */
static void
add_lower(GVariantBuilder *b, const DtLinkRun *run)
{
    g_variant_builder_add(b, "{sv}", "link", g_variant_new_string("pptp"));
    if (!run->lower_tun[0])
        return;
    g_variant_builder_add(b, "{sv}", "dial-up-interface", g_variant_new_string(run->lower_tun));
    g_variant_builder_add(b, "{sv}", "dial-up-local-address",
                          g_variant_new_string(run->lower_local));
    g_variant_builder_add(b, "{sv}", "dial-up-peer-address", g_variant_new_string(run->lower_peer));
}

/* UP for a dial-up link: what a modem line negotiates (no CCP: the line is not encrypted). */
static void
dialup_up_cb(DtLinkRun *run, const DtLinkDialupUp *up, void *user)
{
    Managed *m = user;
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&b, "{sv}", "link", g_variant_new_string("dialup"));
    g_variant_builder_add(&b, "{sv}", "auth",
                          g_variant_new_string(up->auth == DT_AUTH_NONE
                                                   ? "none"
                                                   : dt_auth_method_describe(up->auth)));
    g_variant_builder_add(&b, "{sv}", "encryption", g_variant_new_string("no encryption"));
    g_variant_builder_add(&b, "{sv}", "encrypted", g_variant_new_boolean(FALSE));
    g_variant_builder_add(&b, "{sv}", "strength", g_variant_new_string(""));
    g_variant_builder_add(&b, "{sv}", "strength-word", g_variant_new_string("none"));
    g_variant_builder_add(&b, "{sv}", "stateless", g_variant_new_boolean(FALSE));
    g_variant_builder_add(&b, "{sv}", "compression", g_variant_new_boolean(FALSE));
    g_variant_builder_add(&b, "{sv}", "ccp-sent", g_variant_new_string(""));
    g_variant_builder_add(&b, "{sv}", "ccp-received", g_variant_new_string(""));
    g_variant_builder_add(&b, "{sv}", "local-address", ipv4_variant(up->local_ip));
    g_variant_builder_add(&b, "{sv}", "peer-address", ipv4_variant(up->peer_ip));
    g_variant_builder_add(&b, "{sv}", "dns", dns_variant(run, up->dns));
    g_variant_builder_add(&b, "{sv}", "mtu", g_variant_new_uint32(up->mtu));
    g_variant_builder_add(&b, "{sv}", "interface", g_variant_new_string(run->tun.name));
    g_variant_builder_add(
        &b, "{sv}", "device",
        g_variant_new_string(g_utf8_validate(up->device, -1, NULL) ? up->device : ""));
    g_autofree char *connect = g_utf8_make_valid(up->connect_text, -1);
    g_variant_builder_add(&b, "{sv}", "modem-connect", g_variant_new_string(connect));
    send_frame(m, DT_MANAGED_UP, g_variant_builder_end(&b));
}

static void
stage_cb(DtLinkRun *run, const char *to, void *user)
{
    (void)run;
    send_stage(user, to);
}

static void
log_cb(DtLinkRun *run, const char *line, void *user)
{
    (void)run;
    send_log(user, line);
}

static void
send_down(Managed *m, DtReason reason, const char *message, uint16_t protocol, int option)
{
    send_frame(m, DT_MANAGED_DOWN,
               g_variant_new("(ssqi)", dt_reason_to_string(reason),
                             message && *message && g_utf8_validate(message, -1, NULL)
                                 ? message
                                 : dt_reason_describe(reason),
                             protocol, option));
}

static void
down_cb(DtLinkRun *run, DtReason reason, const char *message, uint16_t protocol, int option,
        void *user)
{
    (void)run;
    send_down(user, reason, message, protocol, option);
}

static void
send_up(Managed *m, DtLinkRun *run, const DtSessionSummary *s)
{
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&b, "{sv}", "auth",
                          g_variant_new_string(dt_auth_method_describe(s->auth)));
    g_variant_builder_add(&b, "{sv}", "encryption", g_variant_new_string(s->description));
    g_variant_builder_add(&b, "{sv}", "encrypted", g_variant_new_boolean(s->encrypted));
    g_variant_builder_add(&b, "{sv}", "strength", g_variant_new_string(strength_to_string(s)));
    g_variant_builder_add(&b, "{sv}", "strength-word",
                          g_variant_new_string(dt_session_strength_word(s)));
    g_variant_builder_add(&b, "{sv}", "stateless", g_variant_new_boolean(s->stateless));
    g_variant_builder_add(&b, "{sv}", "compression", g_variant_new_boolean(s->compressed));
    g_variant_builder_add(&b, "{sv}", "ccp-sent", supported_bits(s->ccp_sent, s->have_ccp_sent));
    g_variant_builder_add(&b, "{sv}", "ccp-received",
                          supported_bits(s->ccp_received, s->have_ccp_received));
    g_variant_builder_add(&b, "{sv}", "local-address", ipv4_variant(s->local_ip));
    g_variant_builder_add(&b, "{sv}", "peer-address", ipv4_variant(s->peer_ip));
    g_variant_builder_add(&b, "{sv}", "dns", dns_variant(run, s->dns));
    g_variant_builder_add(&b, "{sv}", "mtu",
                          g_variant_new_uint32(s->mtu ? s->mtu : dt_session_mtu(run->session)));
    g_variant_builder_add(&b, "{sv}", "interface", g_variant_new_string(run->tun.name));
    g_variant_builder_add(&b, "{sv}", "server", g_variant_new_string(run->server_text));
    /* The server's fingerprint from its SCCRP, for the status window (issue 9). The text
     * fields are the peer's bytes with control characters already replaced; they need not
     * be UTF-8. */
    const DtPptpCtrl *ctrl = run->session ? dt_session_ctrl(run->session) : NULL;
    const DtPptpPeerInfo *peer = ctrl ? dt_pptp_ctrl_peer(ctrl) : NULL;
    if (peer && peer->valid) {
        g_autofree char *vendor = g_utf8_make_valid(peer->vendor, -1);
        g_autofree char *host = g_utf8_make_valid(peer->host_name, -1);
        g_variant_builder_add(&b, "{sv}", "server-vendor", g_variant_new_string(vendor));
        g_variant_builder_add(&b, "{sv}", "server-host", g_variant_new_string(host));
        g_variant_builder_add(&b, "{sv}", "server-firmware", g_variant_new_uint32(peer->firmware));
    }
    add_lower(&b, run);
    /* The quirks the engine applied for this server (dt-quirks.h), by their short names. */
    GVariantBuilder quirks;
    g_variant_builder_init(&quirks, G_VARIANT_TYPE_STRING_ARRAY);
    for (unsigned i = 0; i < DT_QUIRK_COUNT; i++)
        if (s->quirks & dt_quirk_nth(i))
            g_variant_builder_add(&quirks, "s", dt_quirk_name(dt_quirk_nth(i)));
    g_variant_builder_add(&b, "{sv}", "quirks", g_variant_builder_end(&quirks));
    send_frame(m, DT_MANAGED_UP, g_variant_builder_end(&b));
}

static void
send_stats(Managed *m, const DtSessionStats *st)
{
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
#define ADD(key, field) g_variant_builder_add(&b, "{sv}", key, g_variant_new_uint64(st->field))
    ADD("tx-bytes", tx_octets);
    ADD("rx-bytes", rx_octets);
    ADD("tx-packets", tx_packets);
    ADD("rx-packets", rx_packets);
    ADD("errors", errors);
    ADD("gre-lost", gre_lost);
    ADD("mppc-in", mppc_in);
    ADD("mppc-out", mppc_out);
    ADD("duration-ms", duration_ms);
#undef ADD
    send_frame(m, DT_MANAGED_STATS, g_variant_builder_end(&b));
}

static void
on_event_cb(DtLinkRun *run, const DtSessionEvent *ev, void *user)
{
    Managed *m = user;
    switch (ev->type) {
    case DT_SESSION_EVENT_STAGE:
        send_stage(m, dt_session_stage_to_string(ev->u.stage.to));
        break;
    case DT_SESSION_EVENT_NEGOTIATED:
        send_up(m, run, &ev->u.summary);
        break;
    case DT_SESSION_EVENT_LOG:
        send_log(m, ev->u.log);
        break;
    case DT_SESSION_EVENT_DOWN:
        send_down(m, ev->u.down.reason, ev->u.down.message, ev->u.down.protocol, ev->u.down.option);
        break;
    }
}

static bool
append_cb(void *ctx, const void *buf, size_t len)
{
    g_byte_array_append(ctx, buf, (guint)len);
    return true;
}

/* The report in REPORT records of at most DT_MANAGED_REPORT_PIECE octets each. */
static void
send_report(Managed *m, guint32 id)
{
    DtLinkRun *run = m->run;
    g_autoptr(GByteArray) file = g_byte_array_new();
    gboolean ok = run->report != NULL;

    if (ok && id != 0 && run->session) {
        /* A snapshot: the counters as they are now. */
        DtSessionStats st;
        dt_session_stats(run->session, dt_io_now(), &st);
        dt_link_report_set_session(run->report, dt_session_summary(run->session), &st);
        dt_link_report_set_ppp(run->report, dt_session_ppp(run->session));
    }
    ok = ok && dt_link_report_write_to(run->report, append_cb, file);
    if (!ok)
        g_byte_array_set_size(file, 0);
    gsize off = 0;
    do {
        gsize n = MIN(file->len - off, (gsize)DT_MANAGED_REPORT_PIECE);
        GVariant *piece = g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, file->data + off, n, 1);
        off += n;
        send_frame(m, DT_MANAGED_REPORT,
                   g_variant_new("(ub@ay)", id, (gboolean)(off == file->len), piece));
    } while (off < file->len);
}

static void
report_cb(DtLinkRun *run, void *user)
{
    (void)run;
    send_report(user, 0);
}

/* Reads one record from the helper: a report request is answered (false); anything else, or a
 * hang-up, means "stop" (true). Nothing to read: false. */
static bool
read_request(Managed *m)
{
    guint8 buf[64] __attribute__((aligned(8)));
    ssize_t n = recv(m->fd, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC);

    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return false;
    if (n == DT_MANAGED_HEADER + 4 && buf[0] == DT_MANAGED_REPORT_REQUEST) {
        g_autoptr(GVariant) v = g_variant_ref_sink(
            g_variant_new_from_data(G_VARIANT_TYPE(DT_MANAGED_REPORT_REQUEST_TYPE),
                                    buf + DT_MANAGED_HEADER, 4, FALSE, NULL, NULL));
        guint32 id = g_variant_get_uint32(v);
        if (id != 0) {
            send_report(m, id);
            return false;
        }
    }
    return true;
}

static bool
control_cb(DtLinkRun *run, void *user)
{
    (void)run;
    return read_request(user);
}

static void
sock_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    Managed *m = user;

    (void)events;
    /* The signal path does the orderly disconnect, so there is one way to end. */
    if (!read_request(m))
        return;
    dt_loop_remove(loop, w, NULL);
    raise(SIGTERM);
}

static void
stats_cb(DtLoop *loop, DtLoopWatch *w, uint32_t events, void *user)
{
    Managed *m = user;
    uint64_t ticks;
    DtSessionStats st;

    (void)loop;
    (void)events;
    if (read(w->fd, &ticks, sizeof ticks) != sizeof ticks)
        return;
    if (m->run->get_stats) {
        if (!m->run->get_stats(m->run, &st))
            return;
    } else if (m->run->session) {
        dt_session_stats(m->run->session, dt_io_now(), &st);
    } else {
        return;
    }
    /* Rate-limited by the timer, and quiet while nothing moves: then the timer stops too, so
     * an idle link does not wake every second, until the data path sees packets again. */
    if (st.tx_octets == m->last.tx_octets && st.rx_octets == m->last.rx_octets &&
        st.errors == m->last.errors) {
        struct itimerspec off = {0};
        if (timerfd_settime(m->stats_fd, 0, &off, NULL) == 0)
            m->run->stats_idle = true;
        return;
    }
    m->last = st;
    send_stats(m, &st);
}

static const struct itimerspec stats_interval = {
    .it_interval = {.tv_sec = STATS_INTERVAL_MS / 1000},
    .it_value = {.tv_sec = STATS_INTERVAL_MS / 1000},
};

static void
activity_cb(DtLinkRun *run, void *user)
{
    Managed *m = user;
    /* The next STATS goes out within the interval, as before the quiet spell. */
    if (timerfd_settime(m->stats_fd, 0, &stats_interval, NULL) == 0)
        run->stats_idle = false;
}

static int
loop_ready_cb(DtLinkRun *run, void *user)
{
    Managed *m = user;

    m->stats_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (m->stats_fd < 0 || timerfd_settime(m->stats_fd, 0, &stats_interval, NULL) < 0)
        return -1;
    m->w_stats = (DtLoopWatch){.fd = m->stats_fd, .events = EPOLLIN, .func = stats_cb, .user = m};
    m->w_sock = (DtLoopWatch){.fd = m->fd, .events = EPOLLIN, .func = sock_cb, .user = m};
    if (dt_loop_add(&run->loop, &m->w_stats, NULL) < 0 ||
        dt_loop_add(&run->loop, &m->w_sock, NULL) < 0)
        return -1;
    if (!run->profile.is_dialup)
        send_stage(m, "connect");
    return 0;
}

/* Waits for START (bounded) and reads it into buf; returns its length or -1. */
static ssize_t
receive_start(Managed *m, guint8 *buf, size_t cap, char *why, size_t why_size)
{
    struct pollfd pfd = {.fd = m->fd, .events = POLLIN};
    ssize_t n;

    if (poll(&pfd, 1, START_TIMEOUT_MS) != 1) {
        snprintf(why, why_size, "No START from the helper in %d ms", START_TIMEOUT_MS);
        return -1;
    }
    n = recv(m->fd, buf, cap, MSG_TRUNC);
    if (n < DT_MANAGED_HEADER || (size_t)n > cap || buf[0] != DT_MANAGED_START) {
        snprintf(why, why_size, "The helper's first record is not a START record");
        return -1;
    }
    return n;
}

/* Copies secrets[key] into s, locked in memory; false when it is missing or unusable. */
static bool
take_secret(DtLinkSecret *s, GVariant *secrets, const char *key)
{
    const char *password = NULL;

    if (!g_variant_lookup(secrets, key, "&s", &password) || !*password ||
        strlen(password) > DT_LINK_SECRET_MAX)
        return false;
    s->locked = mlock(s->text, sizeof s->text) == 0;
    s->len = strlen(password);
    memcpy(s->text, password, s->len + 1);
    return true;
}

/* Fills the run from START; the caller wipes buf. Returns 0 or -1 with why. */
static int
apply_start(Managed *m, DtLinkRun *run, const guint8 *buf, size_t len, char *why, size_t why_size)
{
    g_autoptr(GVariant) start = NULL, profile = NULL, secrets = NULL, options = NULL;
    const char *ifname = NULL;
    guint32 timeout_s = 0;

    start = g_variant_ref_sink(g_variant_new_from_data(G_VARIANT_TYPE(DT_MANAGED_START_TYPE),
                                                       buf + DT_MANAGED_HEADER,
                                                       len - DT_MANAGED_HEADER, FALSE, NULL, NULL));
    if (!g_variant_is_normal_form(start)) {
        snprintf(why, why_size, "The START record is not in normal form");
        return -1;
    }
    g_variant_get(start, "(@a{sv}@a{sv}@a{sv})", &profile, &secrets, &options);
    /* The helper validated all of it already; the worker checks again, since it trusts no
     * input it parses. */
    if (dt_link_profile_from_variant_data(&run->profile, g_variant_get_data(profile),
                                          g_variant_get_size(profile), "profile", why,
                                          why_size) < 0)
        return -1;
    if (!take_secret(&run->secret, secrets, "password")) {
        snprintf(why, why_size, "START carries no usable password");
        return -1;
    }
    if (run->profile.lower && !take_secret(&run->lower_secret, secrets, "dial-first-password")) {
        snprintf(why, why_size, "START carries no usable password for the dial-up link");
        return -1;
    }
    if (g_variant_lookup(options, "interface", "&s", &ifname)) {
        if (!*ifname || strlen(ifname) >= sizeof m->tun_name || strchr(ifname, '/')) {
            snprintf(why, why_size, "START option interface is not an interface name");
            return -1;
        }
        snprintf(m->tun_name, sizeof m->tun_name, "%s", ifname);
        m->options.tun_name = m->tun_name;
    }
    if (g_variant_lookup(options, "connect-timeout", "u", &timeout_s)) {
        if (timeout_s < 1 || timeout_s > 600) {
            snprintf(why, why_size, "START option connect-timeout is out of range");
            return -1;
        }
        m->options.connect_timeout_ms = timeout_s * 1000u;
    }
    return 0;
}

int
dt_link_managed_main(void)
{
    Managed m = {.fd = DT_MANAGED_FD, .stats_fd = -1, .stage = "starting"};
    DtLinkHooks hooks = {.loop_ready = loop_ready_cb,
                         .event = on_event_cb,
                         .report = report_cb,
                         .stage = stage_cb,
                         .dialup_up = dialup_up_cb,
                         .log = log_cb,
                         .down = down_cb,
                         .control_fd = DT_MANAGED_FD,
                         .control = control_cb,
                         .activity = activity_cb,
                         .user = &m};
    g_autofree guint8 *buf = g_malloc0(DT_MANAGED_FRAME_MAX);
    DtLinkRun *run;
    char why[512] = "";
    ssize_t n;
    int status;

    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    dt_log_set_program("dialtone-link");
    m.options.connect_timeout_ms = DT_TCP_CONNECT_TIMEOUT_MS;
    /* Dies with the helper's socket, not with a terminal the helper was started from. */
    signal(SIGPIPE, SIG_IGN);
    run = dt_link_run_new(&m.options);
    if (!run)
        return DT_EXIT_OTHER;
    m.run = run;
    run->hooks = &hooks;
    run->managed = true;

    n = receive_start(&m, buf, DT_MANAGED_FRAME_MAX, why, sizeof why);
    status =
        n < 0 || apply_start(&m, run, buf, (size_t)n, why, sizeof why) < 0 ? DT_EXIT_USAGE : -1;
    if (n > 0)
        dt_wipe(buf, (size_t)n);
    if (status < 0) {
        /* The report of this attempt: the protocol child sends it when its link ends; this
         * side only when there never was a child (the server was not reached). */
        (void)dt_link_report_start(run);
        status = dt_link_run_profile(run);
        snprintf(why, sizeof why, "%s", run->message);
        if (!run->split)
            dt_link_report_finish(run);
    }
    DtReason reason = run->reason;
    dt_link_run_free(run); /* routes removed, TUN closed: then the helper hears EXIT */
    if (m.stats_fd >= 0)
        close(m.stats_fd);
    send_frame(&m, DT_MANAGED_EXIT,
               g_variant_new("(iss)", status, dt_reason_to_string(reason),
                             g_utf8_validate(why, -1, NULL) ? why : "failed"));
    if (status != DT_EXIT_OK)
        dt_log("stage=end reason=%s status=%d message=\"%s\"", dt_reason_to_string(reason), status,
               why);
    if (m.fd >= 0)
        close(m.fd);
    return status;
}
