/* fuzz-ppp-tap.c — dt_ppp_tap_redact() on any packet of any tapped protocol.
 *
 * Input: a selector octet (the protocol), an octet for the output size, then
 * the information field.  Beyond memory safety, it aborts when a redacted
 * authentication packet could still carry a secret or its Length lies. */
#include <stdlib.h>
#include <string.h>

#include "dt-auth.h"
#include "dt-buf.h"
#include "dt-ipcp.h"
#include "dt-lcp.h"
#include "dt-ppp-tap.h"
#include "dt-ppp.h"

static const uint16_t protocols[] = {
    DT_PPP_PROTO_LCP,
    DT_PPP_PROTO_PAP,
    DT_PPP_PROTO_CHAP,
    DT_PPP_PROTO_IPCP,
    DT_PPP_PROTO_CCP,
    0x0021,
    0xC227,
    0x8281,
};

static bool
is_hex(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

static void
check_auth(uint16_t proto, const uint8_t *out, size_t n)
{
    if (n < 4 || dt_get_u16(out + 2) != n)
        abort();
    if (proto == DT_PPP_PROTO_PAP) {
        if (out[0] < 1 || out[0] > 3)
            abort();
        if (out[0] == 1) {
            size_t pw = 4 + 1 + out[4];
            size_t want = sizeof DT_PPP_TAP_PASSWORD - 1;
            if (pw + 1 + want != n || out[pw] != want ||
                memcmp(out + pw + 1, DT_PPP_TAP_PASSWORD, want) != 0)
                abort();
        }
        return;
    }
    if (out[0] < 1 || out[0] > 4)
        abort();
    if (out[0] == 2) {
        if (n < 5 || out[4] > n - 5)
            abort();
        for (size_t i = 0; i < out[4]; i++)
            if (out[5 + i])
                abort();
    }
    if (out[0] == 3) {
        for (size_t i = 4; i + 2 < n; i++)
            if (out[i] == 'S' && out[i + 1] == '=' && (i == 4 || out[i - 1] == ' ') &&
                is_hex(out[i + 2]) && out[i + 2] != '0')
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint16_t proto = protocols[data[0] % (sizeof protocols / sizeof protocols[0])];
    size_t cap = data[1] == 0xFF ? DT_PPP_TAP_MAX : data[1];
    const uint8_t *pkt = data + 2;
    size_t len = size - 2;
    uint8_t *out = malloc(cap ? cap : 1);
    if (!out)
        return 0;
    size_t n = dt_ppp_tap_redact(proto, pkt, len, out, cap);
    if (n > cap || (n && !dt_ppp_tap_wants(proto)))
        abort();
    if (n && (proto == DT_PPP_PROTO_PAP || proto == DT_PPP_PROTO_CHAP))
        check_auth(proto, out, n);
    if (n && proto == DT_PPP_PROTO_LCP && n >= 6 && out[0] == DT_LCP_PROTOCOL_REJ) {
        uint16_t rejected = dt_get_u16(out + 4);
        bool ncp = rejected >= 0x8000 && rejected <= 0xBFFF;
        if (!ncp && n != 6)
            abort();
    }
    /* LCP and NCPs: a prefix of what came, but for a cut Protocol-Reject's Length. */
    if (n && proto != DT_PPP_PROTO_PAP && proto != DT_PPP_PROTO_CHAP &&
        (n > len || memcmp(out, pkt, n < 2 ? n : 2) != 0 ||
         (n > 4 && memcmp(out + 4, pkt + 4, n - 4) != 0)))
        abort();
    free(out);
    return 0;
}
