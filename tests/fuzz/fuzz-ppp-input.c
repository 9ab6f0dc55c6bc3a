/* fuzz-ppp-input.c — the whole PPP input path of a DtPpp, both roles.
 *
 * Octet 0: bit 0 role, bits 1–2 the auth method.  Then frames, each a
 * 2-octet big-endian length and that many octets; between frames time
 * advances by the length's low octet × 100 ms and timers run. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-ppp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static DtCrypto *crypto;

static bool
random_cb(void *ctx, void *buf, size_t len)
{
    uint8_t *p = buf, *seed = ctx;
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(++*seed * 41u);
    return true;
}

static bool
lookup_cb(void *d, const char *user, size_t user_len, char *secret, size_t cap)
{
    (void)d;
    (void)user;
    (void)user_len;
    if (cap < 4)
        return false;
    strcpy(secret, "pw1");
    return true;
}

static void
drain(DtPpp *p)
{
    uint8_t buf[DT_PPP_MAX_CONTROL];
    DtPppTransmit info;
    size_t n;
    while ((n = dt_ppp_poll_transmit(p, buf, sizeof(buf), &info)) > 0)
        if (n != info.len || n > DT_PPP_MAX_CONTROL)
            abort();
    DtPppEvent ev;
    while (dt_ppp_poll_event(p, &ev))
        if (ev.type == DT_PPP_EVENT_LINK_DOWN && ev.u.down.reason == DT_REASON_NONE)
            abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (!crypto && dt_crypto_new(&crypto) != DT_CRYPTO_OK)
        abort();
    static const DtAuthMethod methods[] = {DT_AUTH_NONE, DT_AUTH_PAP, DT_AUTH_CHAP_MD5,
                                           DT_AUTH_MSCHAP_V2};
    uint8_t seed = 7;
    DtPppConfig cfg = {
        .role = (data[0] & 1) ? DT_PPP_ROLE_AUTHENTICATOR : DT_PPP_ROLE_PEER,
        .crypto = crypto,
        .random = {random_cb, &seed},
        .user = "u",
        .password = "pw1",
        .lookup = lookup_cb,
        .local_name = "",
        .enable_ipcp = true,
        .ipcp = {.local_addr = (data[0] & 1) ? 0x0A000001u : 0,
                 .peer_addr = 0x0A000002u,
                 .request_dns = true,
                 .dns = {0x0A000035u, 0}},
        .enable_ipv6cp = true,
    };
    cfg.lcp.request_pfc = cfg.lcp.request_acfc = true;
    cfg.lcp.echo_interval_ms = 1000;
    DtAuthMethod m = methods[(data[0] >> 1) & 3];
    if (m != DT_AUTH_NONE)
        cfg.lcp.auth[cfg.lcp.n_auth++] = m;
    DtPpp *p = dt_ppp_new(&cfg);
    if (!p)
        abort();
    DtTime now = 0;
    dt_ppp_open(p, now);
    dt_ppp_lower_up(p, now);
    drain(p);
    size_t off = 1;
    while (size - off >= 2) {
        size_t n = dt_get_u16(data + off);
        off += 2;
        if (n > size - off)
            n = size - off;
        DtPppInput in;
        DtPppInputKind k = dt_ppp_input(p, data + off, n, now, &in);
        if (k == DT_PPP_INPUT_DATAGRAM && (in.offset > n || in.len > n - in.offset))
            abort();
        off += n;
        drain(p);
        now += (DtTime)(n & 0xFF) * 100;
        DtTime t = dt_ppp_next_deadline(p);
        if (t != DT_TIME_NEVER && t <= now)
            dt_ppp_handle_timeout(p, now);
        drain(p);
    }
    dt_ppp_free(p);
    return 0;
}
