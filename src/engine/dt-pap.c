/* dt-pap.c — the Password Authentication Protocol (RFC 1334 §2), both roles.
 *
 * The peer sends Authenticate-Request (Peer-ID and Password in the clear)
 * and repeats it on the restart timer until an Ack or Nak arrives; the
 * authenticator checks the pair through the lookup callback and answers.
 * PAP yields no MPPE keys. */
#include "dt-auth-private.h"

#include <string.h>

#include "dt-buf.h"
#include "dt-mschap-msg.h"

#define PAP_REQUEST 1
#define PAP_ACK 2
#define PAP_NAK 3

static const char pap_ok[] = "Login ok";
static const char pap_bad[] = "Login incorrect";

static void
send_request(DtAuth *a, DtTime now)
{
    /* RFC 1334 §2.2.1: Peer-ID-Length, Peer-ID, Passwd-Length, Password. */
    uint8_t data[2 + 255 + 255];
    size_t pw_len = strlen(a->password);
    DtWriter w;
    dt_writer_init(&w, data, sizeof(data));
    dt_writer_u8(&w, (uint8_t)a->user_len);
    dt_writer_bytes(&w, a->user, a->user_len);
    dt_writer_u8(&w, (uint8_t)pw_len);
    dt_writer_bytes(&w, a->password, pw_len);
    bool ok = dt_writer_ok(&w) && dt_auth_send(a, PAP_REQUEST, a->id, data, w.len);
    dt_wipe(data, sizeof(data));
    if (!ok) {
        dt_auth_fail(a, DT_REASON_INTERNAL, NULL, 0);
        return;
    }
    /* The same Identifier on every retransmission, so a late Ack to an
     * earlier copy still answers this Request. */
    dt_auth_arm(a, now, true);
}

void
dt_pap_start(DtAuth *a, DtTime now)
{
    if (a->role == DT_PPP_ROLE_PEER) {
        if (!dt_auth_random(a, &a->id, 1)) {
            dt_auth_fail(a, DT_REASON_INTERNAL, NULL, 0);
            return;
        }
        send_request(a, now);
    } else {
        /* The authenticator only waits (RFC 1334 §2.1), for as long as the
         * peer would keep retransmitting. */
        dt_auth_arm_wait(a, now);
    }
}

static void
peer_input(DtAuth *a, uint8_t code, uint8_t id, const uint8_t *data, size_t len)
{
    if ((code != PAP_ACK && code != PAP_NAK) || a->state != DT_AUTH_STATE_RUNNING || id != a->id) {
        dt_auth_drop(a);
        return;
    }
    /* RFC 1334 §2.2.2: Msg-Length, Message. */
    DtReader r;
    dt_reader_init(&r, data, len);
    uint8_t msg_len = dt_reader_u8(&r);
    const uint8_t *msg = dt_reader_bytes(&r, msg_len);
    if (!dt_reader_ok(&r)) {
        dt_auth_drop(a);
        return;
    }
    if (code == PAP_ACK)
        dt_auth_succeed(a, msg, msg_len);
    else
        dt_auth_fail(a, DT_REASON_AUTH_FAILED, msg, msg_len);
}

static void
answer(DtAuth *a, uint8_t code, uint8_t id, const char *text)
{
    uint8_t data[1 + 32];
    size_t n = strlen(text);
    data[0] = (uint8_t)n;
    memcpy(data + 1, text, n);
    dt_auth_send(a, code, id, data, 1 + n);
}

static void
authenticator_input(DtAuth *a, uint8_t code, uint8_t id, const uint8_t *data, size_t len)
{
    if (code != PAP_REQUEST) {
        dt_auth_drop(a);
        return;
    }
    DtReader r;
    dt_reader_init(&r, data, len);
    uint8_t name_len = dt_reader_u8(&r);
    const uint8_t *name = dt_reader_bytes(&r, name_len);
    uint8_t pw_len = dt_reader_u8(&r);
    const uint8_t *pw = dt_reader_bytes(&r, pw_len);
    if (!dt_reader_ok(&r)) {
        dt_auth_drop(a);
        return;
    }
    if (a->state != DT_AUTH_STATE_RUNNING) {
        /* Our Ack or Nak was lost and the peer retransmitted: repeat the
         * verdict under the new Identifier without judging again. */
        if (a->last.len >= 4) {
            a->last.p[1] = id;
            dt_auth_queue_packet(a, a->last.p, a->last.len);
        }
        return;
    }

    dt_mschap_msg_sanitise(a->result.peer_name, sizeof(a->result.peer_name), name, name_len);
    char secret[DT_AUTH_MAX_SECRET];
    bool known = dt_auth_lookup(a, name, name_len, secret);
    /* Compared in full even for an unknown user, so timing does not tell
     * which user names exist. */
    bool ok = dt_auth_secret_equal((const uint8_t *)secret, strlen(secret), pw, pw_len) && known;
    dt_wipe(secret, sizeof(secret));

    answer(a, ok ? PAP_ACK : PAP_NAK, id, ok ? pap_ok : pap_bad);
    if (ok)
        dt_auth_succeed(a, (const uint8_t *)pap_ok, sizeof(pap_ok) - 1);
    else
        dt_auth_fail(a, DT_REASON_AUTH_FAILED, (const uint8_t *)pap_bad, sizeof(pap_bad) - 1);
}

void
dt_pap_input(DtAuth *a, uint8_t code, uint8_t id, const uint8_t *data, size_t len, DtTime now)
{
    (void)now;
    if (a->role == DT_PPP_ROLE_PEER)
        peer_input(a, code, id, data, len);
    else
        authenticator_input(a, code, id, data, len);
}

void
dt_pap_timeout(DtAuth *a, DtTime now)
{
    (void)now;
    /* Peer: max_transmits Requests unanswered; authenticator: no Request. */
    dt_auth_fail(a, DT_REASON_AUTH_TIMEOUT, NULL, 0);
}
