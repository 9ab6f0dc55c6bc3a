/* itest-dialup-isp.c — a scripted modem and ISP on a pty, for dialtone-link's dial-up runner.
 *
 * Holds the pty master; the link opens the slave (a symlink at LINK names it, like
 * /dev/serial/by-id/…). It answers the Hayes dialogue — any AT command with OK, the dial with
 * CONNECT 115200, BUSY or NO CARRIER as --mode says — and after CONNECT runs the ISP's side of
 * PPP with our own engine in the authenticator role (dt-ppp + dt-hdlc): the asked-for
 * authentication, IPCP handing out 10.77.0.2 (ours 10.77.0.1, DNS 10.77.0.53), and it answers
 * ICMP echo requests to 10.77.0.1. --drop-after-pings N closes the master after N answered pings
 * (the carrier drops mid-call); --terminate-after-pings N sends LCP Terminate-Request instead.
 * --tun NAME makes it a router as well: a TUN of that name (in the ISP's namespace; the test
 * gives it 10.77.0.1 peer 10.77.0.2) carries every other IPv4 datagram each way, so that a
 * PPTP server behind it can be reached over the dial-up link (DialFirst).
 *
 *   itest-dialup-isp LINK MODE(ok|busy|no-carrier) AUTH(pap|chap|mschap|mschapv2) USER PASSWORD
 *                    [--drop-after-pings N | --terminate-after-pings N] [--tun NAME]
 *
 * Prints "ready pty=/dev/pts/N" on stdout once the link may open it, and "isp: …" lines on
 * stderr (lcp-up, auth, ipcp-up, ping, down). Exits 0 when the link closed the line (or after the
 * drop), 1 on any failure; every wait is bounded (120 s in all).
 */
#include "dt-crypto.h"
#include "dt-hdlc.h"
#include "dt-ppp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define LIFETIME_MS 120000
#define ISP_ADDR 0x0a4d0001u
#define PEER_ADDR 0x0a4d0002u
#define DNS_ADDR 0x0a4d0035u

static const char *user, *password;
static int master = -1;

static DtTime
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (DtTime)ts.tv_sec * 1000u + (DtTime)ts.tv_nsec / 1000000u;
}

static void
write_all(const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(master, p, len);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            struct pollfd pf = {.fd = master, .events = POLLOUT};
            poll(&pf, 1, 100);
            continue;
        }
        if (n <= 0)
            return; /* the link closed its end: the main loop notices */
        p += n;
        len -= (size_t)n;
    }
}

static void
say(const char *s)
{
    write_all((const uint8_t *)s, strlen(s));
}

static bool
lookup_cb(void *data, const char *name, size_t len, char *secret, size_t cap)
{
    (void)data;
    if (len != strlen(user) || memcmp(name, user, len) != 0 || strlen(password) + 1 > cap) {
        fprintf(stderr, "isp: unknown user %.*s\n", (int)len, name);
        return false;
    }
    memcpy(secret, password, strlen(password) + 1);
    return true;
}

static void
send_frame(const uint8_t *frame, size_t len, uint32_t accm)
{
    uint8_t out[DT_HDLC_ENCODED_MAX(DT_PPP_MAX_CONTROL + 2048)];
    size_t n = dt_hdlc_encode(frame, len, accm, DT_HDLC_FCS_16, 0, out, sizeof out);
    if (n <= sizeof out)
        write_all(out, n);
}

static uint16_t
inet_sum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* An ICMP echo request to ISP_ADDR becomes its reply in place; false for anything else. */
static bool
make_echo_reply(uint8_t *ip, size_t len)
{
    size_t ihl;
    uint8_t tmp[4];
    uint16_t c;

    if (len < 20 || (ip[0] >> 4) != 4 || ip[9] != 1)
        return false;
    ihl = (size_t)(ip[0] & 0x0f) * 4;
    if (len < ihl + 8 || ip[ihl] != 8)
        return false;
    if (((uint32_t)ip[16] << 24 | (uint32_t)ip[17] << 16 | (uint32_t)ip[18] << 8 | ip[19]) !=
        ISP_ADDR)
        return false;
    memcpy(tmp, ip + 12, 4);
    memcpy(ip + 12, ip + 16, 4);
    memcpy(ip + 16, tmp, 4);
    ip[ihl] = 0;
    ip[ihl + 2] = ip[ihl + 3] = 0;
    c = inet_sum(ip + ihl, len - ihl);
    ip[ihl + 2] = (uint8_t)(c >> 8);
    ip[ihl + 3] = (uint8_t)c;
    return true;
}

static int
method_from(const char *s, DtAuthMethod *m)
{
    if (strcmp(s, "pap") == 0)
        *m = DT_AUTH_PAP;
    else if (strcmp(s, "chap") == 0)
        *m = DT_AUTH_CHAP_MD5;
    else if (strcmp(s, "mschap") == 0)
        *m = DT_AUTH_MSCHAP_V1;
    else if (strcmp(s, "mschapv2") == 0)
        *m = DT_AUTH_MSCHAP_V2;
    else
        return -1;
    return 0;
}

int
main(int argc, char **argv)
{
    const char *link_path, *mode;
    DtAuthMethod method;
    unsigned drop_after = 0, terminate_after = 0, pings = 0;
    DtCrypto *crypto = NULL;
    DtPpp *ppp = NULL;
    DtHdlcDecoder hdlc;
    bool hdlc_ready = false, ppp_down = false;
    char line[256];
    size_t line_len = 0;
    DtTime until = now_ms() + LIFETIME_MS;
    int slave;

    const char *tun_name = NULL;
    int tun = -1;

    if (argc < 6 || (argc - 6) % 2 != 0) {
        fprintf(stderr,
                "usage: %s LINK MODE AUTH USER PASSWORD [--drop-after-pings N | "
                "--terminate-after-pings N] [--tun NAME]\n",
                argv[0]);
        return 2;
    }
    link_path = argv[1];
    mode = argv[2];
    user = argv[4];
    password = argv[5];
    if (method_from(argv[3], &method) < 0)
        return 2;
    for (int a = 6; a + 1 < argc; a += 2) {
        if (strcmp(argv[a], "--drop-after-pings") == 0)
            drop_after = (unsigned)atoi(argv[a + 1]);
        else if (strcmp(argv[a], "--terminate-after-pings") == 0)
            terminate_after = (unsigned)atoi(argv[a + 1]);
        else if (strcmp(argv[a], "--tun") == 0)
            tun_name = argv[a + 1];
        else
            return 2;
    }
    if (tun_name) {
        struct ifreq ifr;
        memset(&ifr, 0, sizeof ifr);
        ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
        snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", tun_name);
        tun = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
        if (tun < 0 || ioctl(tun, TUNSETIFF, &ifr) < 0) {
            perror("isp: TUN");
            return 1;
        }
    }

    master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) {
        perror("isp: posix_openpt");
        return 1;
    }
    /* Hold the slave open until the link has it, so the master never reads EIO before. */
    slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) {
        perror("isp: open slave");
        return 1;
    }
    {
        struct termios t;
        tcgetattr(slave, &t);
        cfmakeraw(&t);
        tcsetattr(slave, TCSANOW, &t);
    }
    unlink(link_path);
    if (symlink(ptsname(master), link_path) < 0) {
        perror("isp: symlink");
        return 1;
    }
    fcntl(master, F_SETFL, O_NONBLOCK);
    char pts[64];
    if (ptsname_r(master, pts, sizeof pts) != 0) {
        perror("itest-dialup-isp: ptsname_r");
        return 1;
    }
    printf("ready pty=%s%s%s\n", pts, tun_name ? " tun=" : "", tun_name ? tun_name : "");
    fflush(stdout);

    if (dt_crypto_new(&crypto) != DT_CRYPTO_OK) {
        fprintf(stderr, "isp: no crypto\n");
        return 1;
    }

    for (;;) {
        DtTime now = now_ms(), deadline = ppp ? dt_ppp_next_deadline(ppp) : DT_TIME_NEVER;
        int timeout = 200;
        struct pollfd pf[2] = {{.fd = master, .events = POLLIN}, {.fd = tun, .events = POLLIN}};
        uint8_t buf[4096];
        ssize_t n;

        if (now >= until) {
            fprintf(stderr, "isp: FAIL: still running after %d s\n", LIFETIME_MS / 1000);
            return 1;
        }
        if (deadline != DT_TIME_NEVER)
            timeout = deadline <= now ? 0 : (int)(deadline - now < 200 ? deadline - now : 200);
        poll(pf, tun >= 0 ? 2 : 1, timeout);
        now = now_ms();
        /* The router's way in: what the ISP's side sends to the dial-up customer. */
        for (int k = 0; tun >= 0 && ppp && k < 64; k++) {
            uint8_t pkt[16 + 2048];
            ssize_t r = read(tun, pkt + 16, 2048);
            if (r <= 0)
                break;
            size_t h = dt_ppp_write_header(ppp, 0x0021, pkt + 16, 16);
            if (h)
                send_frame(pkt + 16 - h, (size_t)r + h, dt_ppp_data_accm(ppp));
        }
        if (ppp && dt_ppp_next_deadline(ppp) <= now)
            dt_ppp_handle_timeout(ppp, now);
        n = read(master, buf, sizeof buf);
        if (n < 0 && errno == EIO) {
            /* The link closed the line (hung up). */
            fprintf(stderr, "isp: line closed by the link\n");
            break;
        }
        if (slave >= 0 && n > 0) {
            /* The link has the line (it writes to it): from now on its close is our EIO. */
            close(slave);
            slave = -1;
        }
        for (ssize_t i = 0; !ppp && n > 0 && i < n; i++) {
            char c = (char)buf[i];
            if (c == '\r') {
                line[line_len] = '\0';
                fprintf(stderr, "isp: modem got \"%s\"\n", line);
                if (strncasecmp(line, "ATD", 3) == 0) {
                    if (strcmp(mode, "busy") == 0) {
                        say("\r\nBUSY\r\n");
                    } else if (strcmp(mode, "no-carrier") == 0) {
                        say("\r\nNO CARRIER\r\n");
                    } else {
                        DtPppConfig pc;
                        DtHdlcDecoderConfig hc = {.max_frame = 1600,
                                                  .fcs = DT_HDLC_FCS_16,
                                                  .recv_accm = DT_HDLC_DEFAULT_ACCM};
                        say("\r\nCONNECT 115200\r\n");
                        memset(&pc, 0, sizeof pc);
                        pc.role = DT_PPP_ROLE_AUTHENTICATOR;
                        pc.crypto = crypto;
                        pc.lcp.role = DT_PPP_ROLE_AUTHENTICATOR;
                        pc.lcp.auth[0] = method;
                        pc.lcp.n_auth = 1;
                        pc.lcp.request_accm = true;
                        pc.lcp.accm = 0;
                        pc.lookup = lookup_cb;
                        pc.local_name = "fakeisp";
                        pc.enable_ipcp = true;
                        pc.ipcp.role = DT_PPP_ROLE_AUTHENTICATOR;
                        pc.ipcp.local_addr = ISP_ADDR;
                        pc.ipcp.peer_addr = PEER_ADDR;
                        pc.ipcp.dns[0] = DNS_ADDR;
                        ppp = dt_ppp_new(&pc);
                        if (!ppp || !dt_hdlc_decoder_init(&hdlc, &hc)) {
                            fprintf(stderr, "isp: FAIL: cannot create PPP\n");
                            return 1;
                        }
                        hdlc_ready = true;
                        dt_ppp_open(ppp, now);
                        dt_ppp_lower_up(ppp, now);
                        /* The rest of this read, if any, is PPP. */
                        memmove(buf, buf + i + 1, (size_t)(n - i - 1));
                        n -= i + 1;
                        break;
                    }
                } else if (strncasecmp(line, "AT", 2) == 0) {
                    say("\r\nOK\r\n");
                }
                line_len = 0;
            } else if (c != '\n' && line_len + 1 < sizeof line) {
                line[line_len++] = c;
            }
        }
        const uint8_t *p = buf;
        size_t left = ppp && n > 0 ? (size_t)n : 0;
        while (left > 0) {
            size_t used = dt_hdlc_decoder_feed(&hdlc, p, left);
            size_t flen;
            const uint8_t *f;
            DtPppInput in;
            p += used;
            left -= used;
            f = dt_hdlc_decoder_frame(&hdlc, &flen);
            if (!f || dt_ppp_input(ppp, f, flen, now, &in) != DT_PPP_INPUT_DATAGRAM ||
                in.protocol != 0x0021)
                continue;
            uint8_t pkt[16 + 2048];
            if (in.len > 2048)
                continue;
            memcpy(pkt + 16, f + in.offset, in.len);
            if (tun >= 0) {
                /* A router: everything goes on to the ISP's side (its kernel answers pings). */
                if (write(tun, pkt + 16, in.len) < 0)
                    fprintf(stderr, "isp: TUN write: %s\n", strerror(errno));
                continue;
            }
            if (!make_echo_reply(pkt + 16, in.len))
                continue;
            size_t h = dt_ppp_write_header(ppp, 0x0021, pkt + 16, 16);
            send_frame(pkt + 16 - h, in.len + h, dt_ppp_data_accm(ppp));
            pings++;
            fprintf(stderr, "isp: ping answered n=%u\n", pings);
            if (drop_after && pings >= drop_after) {
                fprintf(stderr, "isp: dropping the carrier\n");
                close(master);
                master = -1;
                goto out;
            }
            if (terminate_after && pings == terminate_after) {
                fprintf(stderr, "isp: terminating\n");
                dt_ppp_close(ppp, DT_REASON_LOCAL_REQUEST, now);
            }
        }
        if (ppp) {
            uint8_t frame[DT_PPP_MAX_CONTROL];
            DtPppTransmit info;
            DtPppEvent ev;
            size_t len;
            while ((len = dt_ppp_poll_transmit(ppp, frame, sizeof frame, &info)) > 0)
                send_frame(frame, len, info.accm);
            while (dt_ppp_poll_event(ppp, &ev)) {
                if (ev.type == DT_PPP_EVENT_LCP_UP) {
                    dt_hdlc_decoder_set_recv_accm(&hdlc, ev.u.lcp.local.accm);
                    fprintf(stderr, "isp: lcp-up auth=%s\n",
                            dt_auth_method_to_string(ev.u.lcp.auth));
                } else if (ev.type == DT_PPP_EVENT_AUTH) {
                    fprintf(stderr, "isp: auth method=%s ok=%s\n",
                            dt_auth_method_to_string(ev.u.auth.method),
                            ev.u.auth.ok ? "yes" : "no");
                } else if (ev.type == DT_PPP_EVENT_IPCP_UP) {
                    fprintf(stderr, "isp: ipcp-up\n");
                } else if (ev.type == DT_PPP_EVENT_LINK_DOWN && !ppp_down) {
                    ppp_down = true;
                    fprintf(stderr, "isp: down reason=%s\n", dt_reason_to_string(ev.u.down.reason));
                }
            }
        }
    }
out:
    if (tun >= 0)
        close(tun);
    if (master >= 0)
        close(master);
    if (slave >= 0)
        close(slave);
    if (hdlc_ready)
        dt_hdlc_decoder_clear(&hdlc);
    dt_ppp_free(ppp);
    dt_crypto_free(crypto);
    unlink(link_path);
    return 0;
}
