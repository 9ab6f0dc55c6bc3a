/* fuzz-chap-packet.c — sequences of CHAP / MS-CHAP packets into a DtAuth.
 *
 * The first octet picks the role, the method and whether MS-CHAP v2
 * retries are allowed; then each record is an operation: feed the next
 * packet, advance the fake clock, exchange with an honest counterpart of
 * the other role (to reach the states after success and failure), or poll.
 * Whatever arrives, the invariants of dt-auth.h must hold.
 * fuzz-pap-packet.c includes this file with FUZZ_PAP defined. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-auth.h"
#include "dt-buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static DtCrypto *crypto;

static bool
lookup_cb(void *user_data, const char *user, size_t len, char *secret, size_t cap)
{
    (void)user_data;
    if (strlen(user) != len)
        abort();
    if (len == 5 && memcmp(user, "alice", 5) == 0 && cap > 6) {
        memcpy(secret, "secret", 7);
        return true;
    }
    return false;
}

static void
check(const DtAuth *a, DtAuthMethod m)
{
    DtAuthState s = dt_auth_state(a);
    if (s > DT_AUTH_STATE_FAILED)
        abort();
    if (s != DT_AUTH_STATE_RUNNING && dt_auth_next_deadline(a) != DT_TIME_NEVER)
        abort();
    const DtAuthResult *r = dt_auth_result(a);
    if (memchr(r->message, 0, sizeof(r->message)) == NULL ||
        memchr(r->peer_name, 0, sizeof(r->peer_name)) == NULL)
        abort();
    if (s == DT_AUTH_STATE_SUCCEEDED && r->reason != DT_REASON_NONE)
        abort();
    if (s == DT_AUTH_STATE_FAILED && r->reason == DT_REASON_NONE)
        abort();
    DtMppeStartKeys k;
    dt_auth_mppe_keys(a, &k);
    if (k.available && m != DT_AUTH_MSCHAP_V1 && m != DT_AUTH_MSCHAP_V2)
        abort();
    if (k.available && s == DT_AUTH_STATE_IDLE)
        abort();
}

/* Returns the number of packets moved from `from` to `to` (may be NULL). */
static unsigned
pump(DtAuth *from, DtAuth *to, DtTime now)
{
    uint8_t buf[DT_AUTH_MAX_PACKET];
    unsigned count = 0;
    size_t n;
    while ((n = dt_auth_poll_transmit(from, buf, sizeof(buf))) > 0) {
        if (n < 4 || n > DT_AUTH_MAX_PACKET || dt_get_u16(buf + 2) != n)
            abort();
        if (to)
            dt_auth_input(to, buf, n, now);
        count++;
    }
    return count;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!crypto && dt_crypto_new(&crypto) != DT_CRYPTO_OK)
        abort();
    if (size < 1)
        return 0;
    uint8_t sel = data[0];
#ifdef FUZZ_PAP
    DtAuthMethod m = DT_AUTH_PAP;
#else
    static const DtAuthMethod methods[4] = {DT_AUTH_CHAP_MD5, DT_AUTH_MSCHAP_V1, DT_AUTH_MSCHAP_V2,
                                            DT_AUTH_MSCHAP_V2};
    DtAuthMethod m = methods[(sel >> 1) & 3];
#endif
    DtPppRole role = (sel & 1) ? DT_PPP_ROLE_AUTHENTICATOR : DT_PPP_ROLE_PEER;
    DtAuthConfig c = {
        .method = m,
        .role = role,
        .crypto = crypto,
        .user = "alice",
        .password = (sel & 0x10) ? "wrong" : "secret",
        .lookup = lookup_cb,
        .local_name = "srv",
        .restart_ms = 100,
        .max_transmits = 3,
        .max_retries = (sel & 8) ? 2 : 0,
    };
    DtAuth *a = dt_auth_new(&c);
    c.role = role == DT_PPP_ROLE_PEER ? DT_PPP_ROLE_AUTHENTICATOR : DT_PPP_ROLE_PEER;
    DtAuth *other = dt_auth_new(&c);
    if (!a || !other)
        abort();

    DtTime now = 0;
    uint64_t dropped = 0;
    DtReader r;
    dt_reader_init(&r, data + 1, size - 1);
    while (dt_reader_remaining(&r) > 0) {
        uint8_t op = dt_reader_u8(&r);
        switch (op & 3) {
        case 0: { /* a packet: length octet, then that many octets */
            uint8_t len = dt_reader_u8(&r);
            size_t n = len <= dt_reader_remaining(&r) ? len : dt_reader_remaining(&r);
            const uint8_t *p = dt_reader_bytes(&r, n);
            /* A private copy, so reading past it is an ASan error. */
            uint8_t *copy = malloc(n ? n : 1);
            if (!copy)
                abort();
            if (n)
                memcpy(copy, p, n);
            dt_auth_input(a, copy, n, now);
            free(copy);
            break;
        }
        case 1: /* time passes */
            now += (DtTime)(op >> 2) * 20;
            dt_auth_handle_timeout(a, now);
            dt_auth_handle_timeout(other, now);
            break;
        case 2: /* one round with the honest counterpart */
            if (op & 4) {
                dt_auth_start(other, now);
                dt_auth_start(a, now);
            }
            pump(a, other, now);
            pump(other, a, now);
            break;
        default: /* poll, to the void */
            pump(a, NULL, now);
            break;
        }
        if (dt_auth_dropped(a) < dropped)
            abort();
        dropped = dt_auth_dropped(a);
        check(a, m);
        check(other, m);
    }
    pump(a, NULL, now);
    pump(other, NULL, now);
    dt_auth_free(a);
    dt_auth_free(other);
    return 0;
}
