/* dt-link-report.c — the connection report (see the header). */
#include "dt-link-report.h"

#include "dt-pcapng.h"
#include "dt-session-config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TEXT (512 * 1024)
#define PPP_HEADER 5 /* the direction octet, FF 03, the protocol */

/* The first cap_head items and the last cap_tail of a stream. */
typedef struct {
    void *head[DT_LINK_REPORT_HEAD];
    void *tail[DT_LINK_REPORT_TAIL];
    size_t n_head, n_tail, tail_next;
    uint64_t total;
} Keep;

typedef struct {
    DtTime time;
    DtPppTapDirection direction;
    uint16_t protocol;
    bool withheld;
    size_t len, orig_len;
    uint8_t data[];
} Frame;

typedef struct {
    DtTime time;
    char text[];
} Line;

typedef struct {
    char *p;
    size_t len, cap;
    bool full;
} Text;

struct DtLinkReport {
    char *header;
    DtTime start;     /* monotonic */
    uint64_t wall_us; /* the wall clock at start */
    Keep frames, lines;
    uint64_t withheld, lost;
    uint64_t by_protocol[6]; /* LCP, PAP, CHAP, IPCP, IPv6CP, CCP; [5] also other NCPs */
    bool have_summary, have_stats, have_ppp, have_result;
    DtSessionSummary summary;
    DtSessionStats stats;
    DtPppStats ppp;
    DtLcpNegotiated lcp;
    DtIpcpNegotiated ipcp;
    bool lcp_up, ipcp_up;
    bool lcp_ack_sent, lcp_ack_received; /* seen by the tap: LCP opened at some point */
    DtReason reason;
    char message[512];
    DtTime end;
};

static void
keep_add(Keep *k, void *item)
{
    k->total++;
    if (k->n_head < DT_LINK_REPORT_HEAD) {
        k->head[k->n_head++] = item;
        return;
    }
    if (k->n_tail == DT_LINK_REPORT_TAIL)
        free(k->tail[k->tail_next]);
    else
        k->n_tail++;
    k->tail[k->tail_next] = item;
    k->tail_next = (k->tail_next + 1) % DT_LINK_REPORT_TAIL;
}

/* The i-th kept item in order (head, then tail), or NULL past the end. */
static void *
keep_get(const Keep *k, size_t i)
{
    if (i < k->n_head)
        return k->head[i];
    i -= k->n_head;
    if (i >= k->n_tail)
        return NULL;
    return k->tail[(k->tail_next + DT_LINK_REPORT_TAIL - k->n_tail + i) % DT_LINK_REPORT_TAIL];
}

static uint64_t
keep_skipped(const Keep *k)
{
    return k->total - k->n_head - k->n_tail;
}

static void
keep_clear(Keep *k)
{
    for (size_t i = 0; i < k->n_head; i++)
        free(k->head[i]);
    for (size_t i = 0; i < k->n_tail; i++)
        free(k->tail[i]);
    memset(k, 0, sizeof *k);
}

static void text_printf(Text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
text_printf(Text *t, const char *fmt, ...)
{
    va_list ap;
    if (t->full)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + (size_t)n + 1)
            cap *= 2;
        char *p = cap <= MAX_TEXT ? realloc(t->p, cap) : NULL;
        if (!p) {
            t->full = true;
            return;
        }
        t->p = p;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

DtLinkReport *
dt_link_report_new(const char *header, DtTime now)
{
    DtLinkReport *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->header = strdup(header ? header : "");
    if (!r->header) {
        free(r);
        return NULL;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    r->wall_us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
    r->start = now;
    r->end = now;
    return r;
}

void
dt_link_report_free(DtLinkReport *r)
{
    if (!r)
        return;
    keep_clear(&r->frames);
    keep_clear(&r->lines);
    free(r->header);
    free(r);
}

static int
protocol_slot(uint16_t protocol)
{
    switch (protocol) {
    case DT_PPP_PROTO_LCP:
        return 0;
    case DT_PPP_PROTO_PAP:
        return 1;
    case DT_PPP_PROTO_CHAP:
        return 2;
    case DT_PPP_PROTO_IPCP:
        return 3;
    case DT_PPP_PROTO_IPV6CP:
        return 4;
    default:
        return 5; /* CCP and any other NCP */
    }
}

void
dt_link_report_tap_cb(void *ctx, const DtPppTapFrame *f)
{
    DtLinkReport *r = ctx;
    r->by_protocol[protocol_slot(f->protocol)]++;
    if (f->protocol == DT_PPP_PROTO_LCP && f->len >= 1 && f->pkt[0] == DT_FSM_CONF_ACK) {
        if (f->direction == DT_PPP_TAP_SENT)
            r->lcp_ack_sent = true;
        else
            r->lcp_ack_received = true;
    }
    if (!f->pkt)
        r->withheld++;
    Frame *fr = malloc(sizeof *fr + f->len);
    if (!fr) {
        r->lost++;
        return;
    }
    fr->time = f->time;
    fr->direction = f->direction;
    fr->protocol = f->protocol;
    fr->withheld = f->pkt == NULL;
    fr->len = f->len;
    /* Only a frame the tap had to cut says it was longer: a redacted one is as long as it now
     * is (a password's length is not for the capture either). */
    fr->orig_len = f->orig_len > DT_PPP_TAP_MAX ? f->orig_len : f->len;
    if (f->len)
        memcpy(fr->data, f->pkt, f->len);
    keep_add(&r->frames, fr);
}

void
dt_link_report_line(DtLinkReport *r, DtTime now, const char *line)
{
    size_t n = strnlen(line, DT_LINK_REPORT_MAX_LINE);
    Line *l = malloc(sizeof *l + n + 1);
    if (!l)
        return;
    l->time = now;
    memcpy(l->text, line, n);
    l->text[n] = '\0';
    keep_add(&r->lines, l);
}

void
dt_link_report_set_session(DtLinkReport *r, const DtSessionSummary *summary,
                           const DtSessionStats *stats)
{
    if (summary) {
        r->summary = *summary;
        r->have_summary = true;
    }
    if (stats) {
        r->stats = *stats;
        r->have_stats = true;
    }
}

void
dt_link_report_set_ppp(DtLinkReport *r, const DtPpp *ppp)
{
    r->ppp = dt_ppp_stats(ppp);
    r->have_ppp = true;
    r->lcp = *dt_ppp_lcp(ppp);
    r->lcp_up = r->lcp_ack_sent && r->lcp_ack_received;
    r->ipcp = *dt_ppp_ipcp(ppp);
    r->ipcp_up = r->ipcp.local_addr != 0;
}

void
dt_link_report_set_result(DtLinkReport *r, DtReason reason, const char *message, DtTime now)
{
    r->reason = reason;
    snprintf(r->message, sizeof r->message, "%s", message ? message : "");
    r->end = now;
    r->have_result = true;
}

uint64_t
dt_link_report_frames(const DtLinkReport *r)
{
    return r->frames.total;
}

/* ---- the text ---- */

static uint64_t
wall_at(const DtLinkReport *r, DtTime t)
{
    return r->wall_us + (t >= r->start ? (t - r->start) * 1000u : 0);
}

/* "2026-12-03 12:00:00 UTC" by arithmetic alone (the civil-from-days algorithm of Howard
 * Hinnant's chrono notes): gmtime_r may read /etc/localtime the first time, which the
 * sandboxed child's system call filter does not allow. */
static const char *
format_wall(uint64_t us, char *buf, size_t size)
{
    int64_t s = (int64_t)(us / 1000000u), days = s / 86400, secs = s % 86400;
    int64_t z = days + 719468, era = z / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (month <= 2);
    snprintf(buf, size, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld UTC", (long long)year,
             (long long)month, (long long)day, (long long)(secs / 3600),
             (long long)(secs / 60 % 60), (long long)(secs % 60));
    return buf;
}

static const char *
ipv4(uint32_t host, char *buf)
{
    struct in_addr ia = {.s_addr = htonl(host)};
    return inet_ntop(AF_INET, &ia, buf, INET_ADDRSTRLEN) ? buf : "?";
}

static void
write_negotiated(Text *t, const DtSessionSummary *s)
{
    char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], hex[24];
    text_printf(t, "\nNegotiated\n");
    text_printf(t, "  Authentication:  %s\n", dt_auth_method_describe(s->auth));
    if (s->peer_name[0])
        text_printf(t, "  Peer name:       %s\n", s->peer_name);
    if (s->ccp_up)
        text_printf(t, "  Encryption:      %s (%s)\n", s->description, dt_session_strength_word(s));
    else
        text_printf(t, "  Encryption:      none negotiated (CCP did not open)\n");
    if (s->have_ccp_sent || s->have_ccp_received) {
        text_printf(t, "  CCP option 18:   sent %s",
                    s->have_ccp_sent ? dt_session_ccp_hex(s->ccp_sent, hex) : "-");
        text_printf(t, ", received %s\n",
                    s->have_ccp_received ? dt_session_ccp_hex(s->ccp_received, hex) : "-");
    }
    text_printf(t, "  LCP:             MRU %u, peer MRU %u", (unsigned)s->mru,
                (unsigned)s->peer_mru);
    if (s->mtu)
        text_printf(t, ", MTU %u", (unsigned)s->mtu);
    text_printf(t, "\n");
    if (s->local_ip)
        text_printf(t, "  IPv4:            %s, peer %s\n", ipv4(s->local_ip, a),
                    ipv4(s->peer_ip, b));
    else
        text_printf(t, "  IPv4:            not negotiated\n");
    if (s->dns[0] || s->dns[1])
        text_printf(t, "  DNS offered:     %s, %s\n", ipv4(s->dns[0], a), ipv4(s->dns[1], b));
    if (s->nbns[0] || s->nbns[1])
        text_printf(t, "  WINS offered:    %s, %s\n", ipv4(s->nbns[0], a), ipv4(s->nbns[1], b));
    if (s->ipv6) {
        text_printf(t, "  IPv6 interface:  ");
        for (int i = 0; i < 8; i++)
            text_printf(t, "%02x%s", s->local_iid[i], i % 2 && i < 7 ? ":" : "");
        text_printf(t, ", peer ");
        for (int i = 0; i < 8; i++)
            text_printf(t, "%02x%s", s->peer_iid[i], i % 2 && i < 7 ? ":" : "");
        text_printf(t, "\n");
    }
    if (s->call_id || s->peer_call_id)
        text_printf(t, "  PPTP call:       id %u, peer id %u\n", (unsigned)s->call_id,
                    (unsigned)s->peer_call_id);
}

static void
write_lcp_options(Text *t, const char *who, const DtLcpOptions *o)
{
    text_printf(t, "  LCP %-12s MRU %u, ACCM 0x%08x%s%s%s\n", who, (unsigned)o->mru,
                (unsigned)o->accm, o->pfc ? ", PFC" : "", o->acfc ? ", ACFC" : "",
                o->magic ? "" : ", no magic number");
}

/* A link without a PPTP session (dial-up): what its PPP layers say. */
static void
write_ppp_negotiated(Text *t, const DtLinkReport *r)
{
    char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
    text_printf(t, "\nNegotiated\n");
    text_printf(t, "  Authentication:  %s\n", dt_auth_method_describe(r->lcp.auth));
    if (r->ipcp_up) {
        text_printf(t, "  IPv4:            %s, peer %s\n", ipv4(r->ipcp.local_addr, a),
                    ipv4(r->ipcp.peer_addr, b));
        if (r->ipcp.dns[0] || r->ipcp.dns[1])
            text_printf(t, "  DNS offered:     %s, %s\n", ipv4(r->ipcp.dns[0], a),
                        ipv4(r->ipcp.dns[1], b));
    } else {
        text_printf(t, "  IPv4:            not negotiated\n");
    }
}

static void
write_counters(Text *t, const DtLinkReport *r)
{
    text_printf(t, "\nCounters\n");
    if (r->have_stats) {
        const DtSessionStats *s = &r->stats;
        text_printf(t,
                    "  IP:              sent %llu packets (%llu octets), received %llu packets "
                    "(%llu octets)\n",
                    (unsigned long long)s->tx_packets, (unsigned long long)s->tx_octets,
                    (unsigned long long)s->rx_packets, (unsigned long long)s->rx_octets);
        text_printf(t,
                    "  GRE:             sent %llu packets (%llu octets), received %llu packets "
                    "(%llu octets)\n",
                    (unsigned long long)s->gre_tx_packets, (unsigned long long)s->gre_tx_octets,
                    (unsigned long long)s->gre_rx_packets, (unsigned long long)s->gre_rx_octets);
        text_printf(t,
                    "  GRE receive:     lost %llu, reordered %llu, duplicates %llu, bogus %llu, "
                    "malformed %llu, other call %llu; ack-only sent %llu\n",
                    (unsigned long long)s->gre_lost, (unsigned long long)s->gre_reordered,
                    (unsigned long long)s->gre_duplicates, (unsigned long long)s->gre_bogus,
                    (unsigned long long)s->gre_malformed, (unsigned long long)s->gre_wrong_call,
                    (unsigned long long)s->gre_acks_only_sent);
        text_printf(t, "  Not sent:        not ready %llu, too big %llu, errors %llu\n",
                    (unsigned long long)s->tx_not_ready, (unsigned long long)s->tx_too_big,
                    (unsigned long long)s->tx_errors);
        text_printf(t,
                    "  Dropped:         unencrypted %llu, MPPE %llu, MPPC %llu, not IP %llu, "
                    "undrained %llu, PPP %llu\n",
                    (unsigned long long)s->rx_unencrypted, (unsigned long long)s->rx_mppe_dropped,
                    (unsigned long long)s->rx_mppc_errors, (unsigned long long)s->rx_not_ip,
                    (unsigned long long)s->rx_undrained, (unsigned long long)s->rx_ppp_dropped);
        text_printf(t,
                    "  CCP resets:      Reset-Requests sent %llu, received %llu; Reset-Acks "
                    "received %llu\n",
                    (unsigned long long)s->reset_requests_sent,
                    (unsigned long long)s->reset_requests_received,
                    (unsigned long long)s->reset_acks_received);
        if (s->mppc_in || s->mppc_out)
            text_printf(t, "  MPPC:            %llu octets in, %llu out\n",
                        (unsigned long long)s->mppc_in, (unsigned long long)s->mppc_out);
        text_printf(t, "  Session time:    %llu.%03llu s\n",
                    (unsigned long long)(s->duration_ms / 1000),
                    (unsigned long long)(s->duration_ms % 1000));
    }
    if (r->have_ppp) {
        const DtPppStats *p = &r->ppp;
        text_printf(t,
                    "  PPP:             frames in %llu, out %llu, datagrams in %llu; malformed "
                    "%llu, discarded %llu, Protocol-Rejects sent %llu, queue drops %llu\n",
                    (unsigned long long)p->frames_in, (unsigned long long)p->frames_out,
                    (unsigned long long)p->datagrams_in, (unsigned long long)p->malformed,
                    (unsigned long long)p->discarded, (unsigned long long)p->protocol_rejects,
                    (unsigned long long)p->tx_dropped);
        text_printf(t, "  LCP echo:        %llu sent, %llu answered\n",
                    (unsigned long long)p->echo_sent, (unsigned long long)p->echo_replies);
    }
    if (!r->have_stats && !r->have_ppp)
        text_printf(t, "  (none: the link did not start)\n");
}

static void
write_timeline(Text *t, const DtLinkReport *r)
{
    text_printf(t, "\nTimeline (seconds since the start)\n");
    for (size_t i = 0;; i++) {
        const Line *l = keep_get(&r->lines, i);
        if (!l)
            break;
        if (i == r->lines.n_head && keep_skipped(&r->lines))
            text_printf(t, "  … %llu lines not kept …\n",
                        (unsigned long long)keep_skipped(&r->lines));
        DtTime d = l->time >= r->start ? l->time - r->start : 0;
        text_printf(t, "  %5llu.%03llu  %s\n", (unsigned long long)(d / 1000),
                    (unsigned long long)(d % 1000), l->text);
    }
}

static void
write_capture(Text *t, const DtLinkReport *r)
{
    text_printf(t, "\nCapture\n");
    text_printf(t,
                "  %llu PPP control frames: LCP %llu, PAP %llu, CHAP %llu, IPCP %llu, IPv6CP "
                "%llu, CCP and other NCPs %llu\n",
                (unsigned long long)r->frames.total, (unsigned long long)r->by_protocol[0],
                (unsigned long long)r->by_protocol[1], (unsigned long long)r->by_protocol[2],
                (unsigned long long)r->by_protocol[3], (unsigned long long)r->by_protocol[4],
                (unsigned long long)r->by_protocol[5]);
    if (keep_skipped(&r->frames))
        text_printf(
            t, "  %llu frames in the middle were not kept (the first %d and the last %d are)\n",
            (unsigned long long)keep_skipped(&r->frames), DT_LINK_REPORT_HEAD, DT_LINK_REPORT_TAIL);
    if (r->lost)
        text_printf(t, "  %llu frames lost for want of memory\n", (unsigned long long)r->lost);
    text_printf(t,
                "  Redacted: PAP passwords (shown as \"%s\"), CHAP and MS-CHAP response "
                "values (zeros), MS-CHAP v2 authenticator responses (S=000…)\n",
                DT_PPP_TAP_PASSWORD);
    if (r->withheld)
        text_printf(t,
                    "  %llu authentication packets withheld (MS-CHAP Change-Password, unknown "
                    "or malformed): only their PPP header is in the capture\n",
                    (unsigned long long)r->withheld);
    text_printf(t, "  Data frames (IP, MPPE, MPPC) are never captured.\n");
}

static void
build_text(const DtLinkReport *r, Text *t)
{
    char a[48], b[48];
    text_printf(t, "Dialtone connection report\n%s", r->header);
    if (r->header[0] && r->header[strlen(r->header) - 1] != '\n')
        text_printf(t, "\n");
    text_printf(t, "Started:           %s\n", format_wall(r->wall_us, a, sizeof a));
    if (r->have_result) {
        DtTime d = r->end - r->start;
        text_printf(t, "Ended:             %s (after %llu.%03llu s)\n",
                    format_wall(wall_at(r, r->end), b, sizeof b), (unsigned long long)(d / 1000),
                    (unsigned long long)(d % 1000));
        if (r->reason != DT_REASON_NONE)
            text_printf(t, "Result:            %s (%s)%s%s\n", dt_reason_describe(r->reason),
                        dt_reason_to_string(r->reason), r->message[0] ? ": " : "", r->message);
        else
            text_printf(t, "Result:            %s\n", r->message[0] ? r->message : "ended");
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t now = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
        text_printf(t, "Snapshot:          %s, the link still running\n",
                    format_wall(now, b, sizeof b));
    }
    if (r->have_summary)
        write_negotiated(t, &r->summary);
    else if (r->have_ppp && r->lcp_up)
        write_ppp_negotiated(t, r);
    if (r->lcp_up) {
        /* local: how the peer sends to us; remote: how we send to it (RFC 1661 §6). */
        write_lcp_options(t, "(ours):", &r->lcp.local);
        write_lcp_options(t, "(peer's):", &r->lcp.remote);
    }
    write_counters(t, r);
    write_timeline(t, r);
    write_capture(t, r);
}

/* ---- the file ---- */

static const char *
protocol_name(uint16_t protocol)
{
    switch (protocol) {
    case DT_PPP_PROTO_PAP:
        return "PAP";
    case DT_PPP_PROTO_CHAP:
        return "CHAP";
    default:
        return "PPP";
    }
}

bool
dt_link_report_write(DtLinkReport *r, int fd)
{
    return dt_link_report_write_to(r, dt_pcapng_write_fd_cb, &fd);
}

bool
dt_link_report_write_to(DtLinkReport *r, DtPcapngWriteFn write, void *ctx)
{
    Text t = {0};
    build_text(r, &t);
    DtPcapng w;
    dt_pcapng_init(&w, write, ctx);
    bool ok = dt_pcapng_section(&w, t.p ? t.p : "Dialtone connection report", NULL, NULL,
                                "Dialtone " DT_REPORT_VERSION);
    free(t.p);
    ok = ok && dt_pcapng_interface(&w, DT_PCAPNG_LINKTYPE_PPP_WITH_DIR, 65535, "ppp-control",
                                   "PPP control frames, redacted (Dialtone)") == 0;
    for (size_t i = 0; ok; i++) {
        const Frame *f = keep_get(&r->frames, i);
        if (!f)
            break;
        uint8_t buf[PPP_HEADER + DT_PPP_TAP_MAX];
        buf[0] = f->direction == DT_PPP_TAP_SENT; /* LINKTYPE_PPP_WITH_DIR: 1 sent, 0 received */
        buf[1] = 0xFF;
        buf[2] = 0x03;
        buf[3] = (uint8_t)(f->protocol >> 8);
        buf[4] = (uint8_t)f->protocol;
        memcpy(buf + PPP_HEADER, f->data, f->len);
        char note[160] = "";
        if (f->withheld)
            snprintf(note, sizeof note, "Dialtone withheld this %s packet: it may carry a secret",
                     protocol_name(f->protocol));
        else if (i == r->frames.n_head && keep_skipped(&r->frames))
            snprintf(note, sizeof note, "%llu frames before this one were not kept",
                     (unsigned long long)keep_skipped(&r->frames));
        ok = dt_pcapng_packet(
            &w, 0, wall_at(r, f->time), buf, PPP_HEADER + f->len, PPP_HEADER + f->orig_len,
            f->direction == DT_PPP_TAP_SENT ? DT_PCAPNG_DIR_OUTBOUND : DT_PCAPNG_DIR_INBOUND,
            note[0] ? note : NULL);
    }
    return ok && !w.failed;
}
