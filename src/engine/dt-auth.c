/* dt-auth.c — the PPP authentication phase: dispatch by method, the
 * outgoing queue, retransmission and the result shared by PAP (dt-pap.c)
 * and CHAP/MS-CHAP (dt-chap.c). */
#include "dt-auth-private.h"

#include <stdlib.h>
#include <string.h>

#include "dt-buf.h"
#include "dt-mschap-msg.h"

/* RFC 1661 §4.6: Restart timer 3 s, Max-Configure 10. */
#define DT_AUTH_DEFAULT_RESTART_MS 3000
#define DT_AUTH_DEFAULT_MAX_TRANSMITS 10

uint16_t
dt_auth_method_protocol(DtAuthMethod m)
{
    switch (m) {
    case DT_AUTH_PAP:
        return DT_PPP_PROTO_PAP;
    case DT_AUTH_CHAP_MD5:
    case DT_AUTH_MSCHAP_V1:
    case DT_AUTH_MSCHAP_V2:
        return DT_PPP_PROTO_CHAP;
    case DT_AUTH_NONE:
        break;
    }
    return 0;
}

const char *
dt_auth_method_describe(DtAuthMethod m)
{
    switch (m) {
    case DT_AUTH_NONE:
        return "no authentication";
    case DT_AUTH_PAP:
        return "PAP";
    case DT_AUTH_CHAP_MD5:
        return "CHAP (MD5)";
    case DT_AUTH_MSCHAP_V1:
        return "MS-CHAP";
    case DT_AUTH_MSCHAP_V2:
        return "MS-CHAP v2";
    }
    return "unknown authentication method";
}

/* The tokens of FORMATS.md's Authentication= key. */
const char *
dt_auth_method_to_string(DtAuthMethod m)
{
    switch (m) {
    case DT_AUTH_NONE:
        return "none";
    case DT_AUTH_PAP:
        return "pap";
    case DT_AUTH_CHAP_MD5:
        return "chap";
    case DT_AUTH_MSCHAP_V1:
        return "mschap";
    case DT_AUTH_MSCHAP_V2:
        return "mschapv2";
    }
    return "unknown";
}

bool
dt_auth_method_from_string(const char *token, DtAuthMethod *m)
{
    for (DtAuthMethod i = DT_AUTH_PAP; i <= DT_AUTH_MSCHAP_V2; i++) {
        if (token && strcmp(token, dt_auth_method_to_string(i)) == 0) {
            *m = i;
            return true;
        }
    }
    return false;
}

const char *
dt_auth_state_to_string(DtAuthState s)
{
    switch (s) {
    case DT_AUTH_STATE_IDLE:
        return "idle";
    case DT_AUTH_STATE_RUNNING:
        return "running";
    case DT_AUTH_STATE_SUCCEEDED:
        return "succeeded";
    case DT_AUTH_STATE_FAILED:
        return "failed";
    }
    return "unknown";
}

static bool
copy_string(char *dst, size_t cap, const char *src, size_t *out_len)
{
    size_t n = strlen(src);
    if (n >= cap)
        return false;
    memcpy(dst, src, n + 1);
    if (out_len)
        *out_len = n;
    return true;
}

bool
dt_auth_random(DtAuth *a, void *buf, size_t len)
{
    if (a->random)
        return a->random(a->random_ctx, buf, len);
    return dt_crypto_random(a->crypto, buf, len);
}

DtAuth *
dt_auth_new(const DtAuthConfig *config)
{
    if (!config || !config->crypto)
        return NULL;
    if (config->method < DT_AUTH_PAP || config->method > DT_AUTH_MSCHAP_V2)
        return NULL;
    if (config->role != DT_PPP_ROLE_PEER && config->role != DT_PPP_ROLE_AUTHENTICATOR)
        return NULL;

    DtAuth *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    a->method = config->method;
    a->role = config->role;
    a->crypto = config->crypto;
    a->lookup = config->lookup;
    a->lookup_data = config->lookup_data;
    a->restart_ms = config->restart_ms ? config->restart_ms : DT_AUTH_DEFAULT_RESTART_MS;
    a->max_transmits =
        config->max_transmits ? config->max_transmits : DT_AUTH_DEFAULT_MAX_TRANSMITS;
    a->max_retries = config->max_retries;
    a->random = config->random;
    a->random_ctx = config->random_ctx;
    a->deadline = DT_TIME_NEVER;

    bool ok = true;
    if (a->role == DT_PPP_ROLE_PEER) {
        ok = config->user && config->password &&
             copy_string(a->user, sizeof(a->user), config->user, &a->user_len) &&
             copy_string(a->password, sizeof(a->password), config->password, NULL);
        /* PAP carries each in a one-octet length (RFC 1334 §2.2.1). */
        if (ok && a->method == DT_AUTH_PAP)
            ok = a->user_len <= 255 && strlen(a->password) <= 255;
        /* MS-CHAP needs a password it can turn into UTF-16 (RFC 2759 §8.3). */
        if (ok && (a->method == DT_AUTH_MSCHAP_V1 || a->method == DT_AUTH_MSCHAP_V2)) {
            uint8_t unicode[2 * DT_MSCHAP_MAX_PASSWORD_CHARS];
            size_t ulen;
            ok = dt_mschap_password_to_unicode(a->password, unicode, &ulen);
            dt_wipe(unicode, sizeof(unicode));
        }
    } else {
        ok = config->lookup != NULL &&
             copy_string(a->local_name, sizeof(a->local_name),
                         config->local_name ? config->local_name : "", NULL);
    }
    if (!ok) {
        dt_auth_free(a);
        return NULL;
    }
    return a;
}

void
dt_auth_free(DtAuth *a)
{
    if (!a)
        return;
    dt_wipe(a, sizeof(*a));
    free(a);
}

void
dt_auth_queue_packet(DtAuth *a, const uint8_t *p, size_t len)
{
    if (len > DT_AUTH_MAX_PACKET)
        return;
    /* A caller that does not poll loses the oldest packet, never memory. */
    if (a->queue_count == DT_AUTH_QUEUE_LEN) {
        a->queue_head = (a->queue_head + 1) % DT_AUTH_QUEUE_LEN;
        a->queue_count--;
    }
    DtAuthPacket *slot = &a->queue[(a->queue_head + a->queue_count) % DT_AUTH_QUEUE_LEN];
    memcpy(slot->p, p, len);
    slot->len = len;
    a->queue_count++;
}

bool
dt_auth_send(DtAuth *a, uint8_t code, uint8_t id, const uint8_t *data, size_t len)
{
    DtWriter w;
    dt_writer_init(&w, a->last.p, sizeof(a->last.p));
    dt_writer_u8(&w, code);
    dt_writer_u8(&w, id);
    dt_writer_u16(&w, (uint16_t)(4 + len));
    dt_writer_bytes(&w, data, len);
    if (!dt_writer_ok(&w)) {
        a->last.len = 0;
        return false;
    }
    a->last.len = w.len;
    dt_auth_queue_packet(a, a->last.p, a->last.len);
    return true;
}

void
dt_auth_arm(DtAuth *a, DtTime now, bool retransmit)
{
    a->transmits = 1;
    a->retransmit = retransmit;
    a->deadline = now + a->restart_ms;
}

void
dt_auth_arm_wait(DtAuth *a, DtTime now)
{
    a->retransmit = false;
    a->deadline = now + (DtTime)a->restart_ms * a->max_transmits;
}

void
dt_auth_succeed(DtAuth *a, const uint8_t *msg, size_t msg_len)
{
    a->state = DT_AUTH_STATE_SUCCEEDED;
    a->result.reason = DT_REASON_NONE;
    dt_mschap_msg_sanitise(a->result.message, sizeof(a->result.message), msg, msg_len);
    a->deadline = DT_TIME_NEVER;
}

void
dt_auth_fail(DtAuth *a, DtReason reason, const uint8_t *msg, size_t msg_len)
{
    a->state = DT_AUTH_STATE_FAILED;
    a->result.reason = reason;
    if (msg)
        dt_mschap_msg_sanitise(a->result.message, sizeof(a->result.message), msg, msg_len);
    a->deadline = DT_TIME_NEVER;
}

void
dt_auth_drop(DtAuth *a)
{
    a->dropped++;
}

bool
dt_auth_lookup(DtAuth *a, const uint8_t *name, size_t name_len, char secret[DT_AUTH_MAX_SECRET])
{
    char user[DT_AUTH_MAX_NAME];
    memset(secret, 0, DT_AUTH_MAX_SECRET);
    /* A name with a NUL inside or longer than we keep is nobody's. */
    if (name_len >= sizeof(user) || (name_len && memchr(name, 0, name_len)))
        return false;
    if (name_len)
        memcpy(user, name, name_len);
    user[name_len] = '\0';
    bool ok = a->lookup(a->lookup_data, user, name_len, secret, DT_AUTH_MAX_SECRET);
    secret[DT_AUTH_MAX_SECRET - 1] = '\0';
    if (!ok)
        dt_wipe(secret, DT_AUTH_MAX_SECRET);
    return ok;
}

bool
dt_auth_secret_equal(const uint8_t *x, size_t xlen, const uint8_t *y, size_t ylen)
{
    /* Every octet up to the public maximum is compared, so the time depends
     * on neither the contents nor where they differ. */
    unsigned diff = (unsigned)(xlen != ylen);
    for (size_t i = 0; i < DT_AUTH_MAX_SECRET; i++) {
        uint8_t cx = i < xlen ? x[i] : 0;
        uint8_t cy = i < ylen ? y[i] : 0;
        diff |= (unsigned)(cx ^ cy);
    }
    return diff == 0;
}

void
dt_auth_start(DtAuth *a, DtTime now)
{
    if (a->state != DT_AUTH_STATE_IDLE)
        return;
    a->state = DT_AUTH_STATE_RUNNING;
    if (a->method == DT_AUTH_PAP)
        dt_pap_start(a, now);
    else
        dt_chap_start(a, now);
}

void
dt_auth_input(DtAuth *a, const uint8_t *pkt, size_t len, DtTime now)
{
    DtReader r;
    dt_reader_init(&r, pkt, len);
    uint8_t code = dt_reader_u8(&r);
    uint8_t id = dt_reader_u8(&r);
    uint16_t length = dt_reader_u16(&r);
    /* RFC 1994 §4 / RFC 1334 §2.2: octets past Length are padding; a Length
     * beyond what arrived is a broken packet. */
    if (!dt_reader_ok(&r) || length < 4 || length > len) {
        dt_auth_drop(a);
        return;
    }
    const uint8_t *data = dt_reader_bytes(&r, length - 4u);
    if (a->state == DT_AUTH_STATE_IDLE) {
        /* A Challenge can beat our own dt_auth_start (the authenticator's
         * LCP opened first): the peer answers it rather than waiting for
         * the retransmission. */
        if (a->role == DT_PPP_ROLE_PEER && a->method != DT_AUTH_PAP) {
            dt_auth_start(a, now);
        } else {
            dt_auth_drop(a);
            return;
        }
    }
    if (a->method == DT_AUTH_PAP)
        dt_pap_input(a, code, id, data, length - 4u, now);
    else
        dt_chap_input(a, code, id, data, length - 4u, now);
}

void
dt_auth_handle_timeout(DtAuth *a, DtTime now)
{
    if (a->state != DT_AUTH_STATE_RUNNING || a->deadline == DT_TIME_NEVER || now < a->deadline)
        return;
    if (a->retransmit && a->transmits < a->max_transmits && a->last.len) {
        /* RFC 1661 §4.6 restart timer, reused by RFC 1334 §2.1 and RFC 1994 §4.1. */
        dt_auth_queue_packet(a, a->last.p, a->last.len);
        a->transmits++;
        a->deadline = now + a->restart_ms;
        return;
    }
    if (a->method == DT_AUTH_PAP)
        dt_pap_timeout(a, now);
    else
        dt_chap_timeout(a, now);
}

DtTime
dt_auth_next_deadline(const DtAuth *a)
{
    return a->state == DT_AUTH_STATE_RUNNING ? a->deadline : DT_TIME_NEVER;
}

size_t
dt_auth_poll_transmit(DtAuth *a, uint8_t *buf, size_t cap)
{
    if (a->queue_count == 0)
        return 0;
    DtAuthPacket *slot = &a->queue[a->queue_head];
    /* Too small a buffer leaves the packet queued for a bigger one. */
    if (!buf || cap < slot->len)
        return 0;
    size_t n = slot->len;
    memcpy(buf, slot->p, n);
    dt_wipe(slot->p, n); /* a PAP Request carries the password */
    slot->len = 0;
    a->queue_head = (a->queue_head + 1) % DT_AUTH_QUEUE_LEN;
    a->queue_count--;
    return n;
}

DtAuthState
dt_auth_state(const DtAuth *a)
{
    return a->state;
}

const DtAuthResult *
dt_auth_result(const DtAuth *a)
{
    return &a->result;
}

void
dt_auth_mppe_keys(const DtAuth *a, DtMppeStartKeys *keys)
{
    if (a->keys.available) {
        *keys = a->keys;
    } else {
        memset(keys, 0, sizeof(*keys));
    }
}

uint64_t
dt_auth_dropped(const DtAuth *a)
{
    return a->dropped;
}
