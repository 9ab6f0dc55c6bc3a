/* dt-chap.c — CHAP (RFC 1994) with MD5, MS-CHAP v1 (RFC 2433) and MS-CHAP v2
 * (RFC 2759), both roles.
 *
 * The authenticator sends a Challenge and repeats it on the restart timer;
 * the peer answers every Challenge (also a re-challenge after success, RFC
 * 1994 §4) and re-sends the same Response to a retransmitted one.  While
 * no Success or Failure has come, the peer also repeats its Response on the
 * restart timer (same Identifier, same octets), since a lost verdict would
 * otherwise leave it waiting until the phase times out; the authenticator
 * answers a repeated Response with its repeated verdict (§4.2).  MS-CHAP
 * v2 adds mutual authentication: the peer checks S= in Success (RFC 2759 §5)
 * and a Failure may allow a retry on a new challenge (§6, §9.1.4). */
#include "dt-auth-private.h"

#include <string.h>

#include "dt-buf.h"
#include "dt-mppe-key.h"
#include "dt-mschap-msg.h"

#define CHAP_CHALLENGE 1
#define CHAP_RESPONSE 2
#define CHAP_SUCCESS 3
#define CHAP_FAILURE 4

#define MD5_LEN 16
#define MSCHAP_RESPONSE_LEN 49 /* RFC 2433 §4 and RFC 2759 §4 */

static const char granted[] = "Access granted";
static const char denied[] = "Access denied";
static const char v2_failure_text[] = "Authentication failure";

/* The challenge length the method's authenticator sends (RFC 2433 §3: 8;
 * RFC 2759 §3: 16; CHAP-MD5: our choice, 16 as pppd). */
static size_t
challenge_len(DtAuthMethod m)
{
    return m == DT_AUTH_MSCHAP_V1 ? DT_MSCHAP_CHALLENGE_LEN : DT_MSCHAP2_CHALLENGE_LEN;
}

static bool
is_mschap(const DtAuth *a)
{
    return a->method == DT_AUTH_MSCHAP_V1 || a->method == DT_AUTH_MSCHAP_V2;
}

/* Value-Size, Value, Name (RFC 1994 §4.1): into a->last, queued. */
static bool
send_value(DtAuth *a, uint8_t code, uint8_t id, const uint8_t *value, size_t value_len,
           const char *name, size_t name_len)
{
    uint8_t data[1 + 255 + DT_AUTH_MAX_NAME];
    DtWriter w;
    dt_writer_init(&w, data, sizeof(data));
    dt_writer_u8(&w, (uint8_t)value_len);
    dt_writer_bytes(&w, value, value_len);
    dt_writer_bytes(&w, name, name_len);
    bool ok = dt_writer_ok(&w) && dt_auth_send(a, code, id, data, w.len);
    dt_wipe(data, sizeof(data));
    return ok;
}

static bool
md5_response(const DtAuth *a, uint8_t id, const char *secret, const uint8_t *challenge, size_t len,
             uint8_t out[MD5_LEN])
{
    /* RFC 1994 §4.1: MD5(Identifier ‖ secret ‖ Challenge). */
    DtIov parts[3] = {{&id, 1}, {secret, strlen(secret)}, {challenge, len}};
    return dt_crypto_md5(a->crypto, parts, 3, out);
}

static bool
nt_password_hash(const DtAuth *a, const char *password, uint8_t hash[16])
{
    uint8_t unicode[2 * DT_MSCHAP_MAX_PASSWORD_CHARS];
    size_t len;
    bool ok = dt_mschap_password_to_unicode(password, unicode, &len) &&
              dt_nt_password_hash(a->crypto, unicode, len, hash);
    dt_wipe(unicode, sizeof(unicode));
    return ok;
}

/* The MPPE start keys of the first success (RFC 3079 §2, §3), for our role. */
static void
derive_keys(DtAuth *a, const char *password)
{
    if (a->keys.available || !is_mschap(a))
        return;
    DtMppeStartKeys *k = &a->keys;
    uint8_t nt_hash[16], lm_hash[16];
    bool ok = nt_password_hash(a, password, nt_hash);
    if (ok && a->method == DT_AUTH_MSCHAP_V2) {
        ok = dt_mppe_start_keys_v2(a->crypto, nt_hash, a->nt_response,
                                   a->role == DT_PPP_ROLE_AUTHENTICATOR, 16, k->send_128,
                                   k->recv_128);
        /* GetAsymmetricStartKey for 8 octets is the first 8 of the 16. */
        memcpy(k->send_64, k->send_128, 8);
        memcpy(k->recv_64, k->recv_128, 8);
        k->have_64 = ok;
    } else if (ok) {
        /* v1: one key for both directions. */
        ok = dt_mppe_start_key_v1(a->crypto, NULL, nt_hash, a->challenge, DT_MPPE_BITS_128,
                                  k->send_128);
        memcpy(k->recv_128, k->send_128, 16);
        if (ok && dt_lm_password_hash(a->crypto, password, lm_hash) &&
            dt_mppe_start_key_v1(a->crypto, lm_hash, nt_hash, a->challenge, DT_MPPE_BITS_40,
                                 k->send_64)) {
            memcpy(k->recv_64, k->send_64, 8);
            k->have_64 = true;
        }
    }
    k->available = ok;
    if (!ok)
        dt_wipe(k, sizeof(*k));
    dt_wipe(nt_hash, sizeof(nt_hash));
    dt_wipe(lm_hash, sizeof(lm_hash));
}

/* ---- authenticator ---- */

static void
send_challenge(DtAuth *a, DtTime now)
{
    a->challenge_len = challenge_len(a->method);
    if (!dt_auth_random(a, &a->id, 1) || !dt_auth_random(a, a->challenge, a->challenge_len) ||
        !send_value(a, CHAP_CHALLENGE, a->id, a->challenge, a->challenge_len, a->local_name,
                    strlen(a->local_name))) {
        dt_auth_fail(a, DT_REASON_INTERNAL, NULL, 0);
        return;
    }
    dt_auth_arm(a, now, true);
}

static void
send_text(DtAuth *a, uint8_t code, uint8_t id, const char *text, size_t len)
{
    dt_auth_send(a, code, id, (const uint8_t *)text, len);
}

/* Checks value against the secret; fills a->nt_response/peer_challenge. */
static bool
verify_response(DtAuth *a, uint8_t id, const uint8_t *value, const uint8_t *name, size_t name_len,
                const char *secret)
{
    uint8_t expected[DT_MSCHAP_RESPONSE_LEN];
    bool ok = false;
    switch (a->method) {
    case DT_AUTH_CHAP_MD5:
        ok = md5_response(a, id, secret, a->challenge, a->challenge_len, expected) &&
             dt_consttime_equal(expected, value, MD5_LEN);
        break;
    case DT_AUTH_MSCHAP_V1:
        /* RFC 2433 §4: LM(24) NT(24) Use-NT(1).  Only the NT response is
         * accepted: an LM-only answer would downgrade to the LM hash. */
        memcpy(a->nt_response, value + 24, 24);
        ok = dt_nt_challenge_response(a->crypto, a->challenge, secret, expected) &&
             dt_consttime_equal(expected, value + 24, 24) && value[48] == 1;
        break;
    case DT_AUTH_MSCHAP_V2:
        /* RFC 2759 §4: Peer-Challenge(16) Reserved(8) NT-Response(24) Flags(1). */
        memcpy(a->peer_challenge, value, 16);
        memcpy(a->nt_response, value + 24, 24);
        ok = dt_generate_nt_response(a->crypto, a->challenge, a->peer_challenge, (const char *)name,
                                     name_len, secret, expected) &&
             dt_consttime_equal(expected, a->nt_response, 24);
        break;
    default:
        break;
    }
    dt_wipe(expected, sizeof(expected));
    return ok;
}

static void
authenticator_fail(DtAuth *a, uint8_t id, DtTime now)
{
    char msg[DT_AUTH_MAX_MESSAGE];
    size_t n;
    a->result.error_code = is_mschap(a) ? DT_MSCHAP_E_AUTHENTICATION_FAILURE : 0;
    if (a->method == DT_AUTH_MSCHAP_V2 && a->retries < a->max_retries) {
        /* RFC 2759 §6: R=1 with the next challenge; the peer answers it
         * under Identifier + 1 (§9.1.4). */
        uint8_t next[16];
        if (!dt_auth_random(a, next, sizeof(next))) {
            dt_auth_fail(a, DT_REASON_INTERNAL, NULL, 0);
            return;
        }
        n = dt_mschap_msg_format_failure(msg, sizeof(msg), DT_MSCHAP_E_AUTHENTICATION_FAILURE, true,
                                         next, 16, 3, v2_failure_text);
        send_text(a, CHAP_FAILURE, id, msg, n);
        memcpy(a->challenge, next, 16);
        a->id = (uint8_t)(id + 1);
        a->retries++;
        a->result.retry_allowed = true;
        dt_auth_arm_wait(a, now);
        return;
    }
    if (a->method == DT_AUTH_MSCHAP_V2) {
        n = dt_mschap_msg_format_failure(msg, sizeof(msg), DT_MSCHAP_E_AUTHENTICATION_FAILURE,
                                         false, a->challenge, 16, 3, v2_failure_text);
    } else if (a->method == DT_AUTH_MSCHAP_V1) {
        /* RFC 2433 §6 form; V=0 as pppd: we offer no password change. */
        n = dt_mschap_msg_format_failure(msg, sizeof(msg), DT_MSCHAP_E_AUTHENTICATION_FAILURE,
                                         false, a->challenge, 8, 0, NULL);
    } else {
        n = sizeof(denied) - 1;
        memcpy(msg, denied, n);
    }
    send_text(a, CHAP_FAILURE, id, msg, n);
    a->result.retry_allowed = false;
    dt_auth_fail(a, DT_REASON_AUTH_FAILED, (const uint8_t *)msg, n);
}

static void
authenticator_input(DtAuth *a, uint8_t code, uint8_t id, const uint8_t *data, size_t len,
                    DtTime now)
{
    if (code != CHAP_RESPONSE) {
        dt_auth_drop(a);
        return;
    }
    DtReader r;
    dt_reader_init(&r, data, len);
    uint8_t size = dt_reader_u8(&r);
    const uint8_t *value = dt_reader_bytes(&r, size);
    size_t name_len = dt_reader_remaining(&r);
    const uint8_t *name = dt_reader_bytes(&r, name_len);
    size_t want = is_mschap(a) ? MSCHAP_RESPONSE_LEN : MD5_LEN;
    if (!dt_reader_ok(&r) || size != want) {
        dt_auth_drop(a);
        return;
    }
    if (a->state != DT_AUTH_STATE_RUNNING || (a->retries && id == (uint8_t)(a->id - 1))) {
        /* RFC 1994 §4.2: a repeated Response (our Success or Failure was
         * lost) gets the same answer again. */
        if (id == a->last.p[1] && a->last.len >= 4 &&
            (a->last.p[0] == CHAP_SUCCESS || a->last.p[0] == CHAP_FAILURE))
            dt_auth_queue_packet(a, a->last.p, a->last.len);
        else
            dt_auth_drop(a);
        return;
    }
    if (id != a->id) {
        dt_auth_drop(a);
        return;
    }

    dt_mschap_msg_sanitise(a->result.peer_name, sizeof(a->result.peer_name), name, name_len);
    char secret[DT_AUTH_MAX_SECRET];
    bool known = dt_auth_lookup(a, name, name_len, secret);
    /* An unknown user costs the same work as a wrong password. */
    bool ok = verify_response(a, id, value, name, name_len, secret) && known;

    if (!ok) {
        dt_wipe(secret, sizeof(secret));
        authenticator_fail(a, id, now);
        return;
    }
    char msg[DT_AUTH_MAX_MESSAGE];
    size_t n;
    if (a->method == DT_AUTH_MSCHAP_V2 &&
        dt_generate_authenticator_response(a->crypto, secret, a->nt_response, a->peer_challenge,
                                           a->challenge, (const char *)name, name_len,
                                           a->auth_response)) {
        /* PROTOCOL.md §4.4: Win98 sets Flags and cannot parse " M=". */
        n = dt_mschap_msg_format_success(msg, sizeof(msg), a->auth_response,
                                         value[48] ? NULL : granted);
    } else if (a->method == DT_AUTH_MSCHAP_V2) {
        dt_wipe(secret, sizeof(secret));
        dt_auth_fail(a, DT_REASON_INTERNAL, NULL, 0);
        return;
    } else {
        n = sizeof(granted) - 1;
        memcpy(msg, granted, n);
    }
    derive_keys(a, secret);
    dt_wipe(secret, sizeof(secret));
    send_text(a, CHAP_SUCCESS, id, msg, n);
    a->result.error_code = 0;
    a->result.retry_allowed = false;
    dt_auth_succeed(a, (const uint8_t *)granted, sizeof(granted) - 1);
}

/* ---- peer ---- */

static bool
send_response(DtAuth *a)
{
    uint8_t value[MSCHAP_RESPONSE_LEN] = {0};
    size_t value_len;
    bool ok;
    switch (a->method) {
    case DT_AUTH_CHAP_MD5:
        value_len = MD5_LEN;
        ok = md5_response(a, a->id, a->password, a->challenge, a->challenge_len, value);
        break;
    case DT_AUTH_MSCHAP_V1:
        /* RFC 2433 §4: the LM response is left zero (it would expose the
         * weak LM hash), Use-NT = 1. */
        value_len = MSCHAP_RESPONSE_LEN;
        ok = dt_nt_challenge_response(a->crypto, a->challenge, a->password, a->nt_response);
        memcpy(value + 24, a->nt_response, 24);
        value[48] = 1;
        break;
    case DT_AUTH_MSCHAP_V2:
        /* RFC 2759 §4: a fresh Peer-Challenge, Reserved zero, Flags zero. */
        value_len = MSCHAP_RESPONSE_LEN;
        ok = dt_auth_random(a, a->peer_challenge, 16) &&
             dt_generate_nt_response(a->crypto, a->challenge, a->peer_challenge, a->user,
                                     a->user_len, a->password, a->nt_response);
        memcpy(value, a->peer_challenge, 16);
        memcpy(value + 24, a->nt_response, 24);
        break;
    default:
        return false;
    }
    /* The Name is the whole user name, domain included (RFC 2759 §4). */
    ok = ok && send_value(a, CHAP_RESPONSE, a->id, value, value_len, a->user, a->user_len);
    dt_wipe(value, sizeof(value));
    a->answered = ok;
    return ok;
}

/* The Response just sent (in a->last) is repeated every restart_ms, up to
 * max_transmits in all; then dt_chap_timeout ends the phase with
 * AUTH_TIMEOUT.  The restart timer is RFC 1661 §4.6's, which RFC 1994 §4.1
 * gives the authenticator; the peer uses it because it is the one left
 * waiting when a Success or Failure is lost. */
static void
arm_response(DtAuth *a, DtTime now)
{
    dt_auth_arm(a, now, true);
}

static void
peer_challenge(DtAuth *a, uint8_t id, const uint8_t *data, size_t len, DtTime now)
{
    DtReader r;
    dt_reader_init(&r, data, len);
    uint8_t size = dt_reader_u8(&r);
    const uint8_t *value = dt_reader_bytes(&r, size);
    bool size_ok = is_mschap(a) ? size == challenge_len(a->method) : size >= 1;
    if (!dt_reader_ok(&r) || !size_ok || a->state == DT_AUTH_STATE_FAILED) {
        dt_auth_drop(a);
        return;
    }
    if (a->answered && id == a->id && size == a->challenge_len &&
        memcmp(value, a->challenge, size) == 0) {
        /* A retransmitted Challenge: the same Response again, so the
         * authenticator verifies what we will check S= against. */
        dt_auth_queue_packet(a, a->last.p, a->last.len);
        return;
    }
    a->id = id;
    a->challenge_len = size;
    memcpy(a->challenge, value, size);
    if (!send_response(a)) {
        dt_auth_fail(a, DT_REASON_INTERNAL, NULL, 0);
        return;
    }
    /* A re-challenge after success is answered once: the phase is over and
     * has no timer (RFC 1994 §4). */
    if (a->state == DT_AUTH_STATE_RUNNING)
        arm_response(a, now);
}

static DtReason
reason_of_error(unsigned e)
{
    switch (e) {
    case DT_MSCHAP_E_NO_DIALIN_PERMISSION:
        return DT_REASON_AUTH_NO_DIALIN;
    case DT_MSCHAP_E_PASSWD_EXPIRED:
        return DT_REASON_AUTH_EXPIRED;
    case DT_MSCHAP_E_RESTRICTED_LOGON_HOURS:
    case DT_MSCHAP_E_ACCT_DISABLED:
        return DT_REASON_AUTH_RESTRICTED;
    default:
        return DT_REASON_AUTH_FAILED;
    }
}

static void
peer_success(DtAuth *a, const uint8_t *data, size_t len)
{
    if (a->method != DT_AUTH_MSCHAP_V2) {
        derive_keys(a, a->password);
        dt_auth_succeed(a, data, len);
        return;
    }
    DtMschapMsg m;
    dt_mschap_msg_parse(data, len, &m);
    char received[DT_MSCHAP2_AUTH_RESPONSE_LEN] = {'S', '='};
    memcpy(received + 2, m.auth, DT_MSCHAP_AUTH_HEX_LEN);
    /* RFC 2759 §5: a missing or wrong S= ends the session. */
    bool ok = m.have_auth &&
              dt_check_authenticator_response(a->crypto, a->password, a->nt_response,
                                              a->peer_challenge, a->challenge, a->user, a->user_len,
                                              (const uint8_t *)received, sizeof(received));
    const char *text = m.have_text ? m.text : "";
    if (!ok) {
        dt_auth_fail(a, DT_REASON_AUTH_BAD_SERVER, (const uint8_t *)text, strlen(text));
        return;
    }
    derive_keys(a, a->password);
    dt_auth_succeed(a, (const uint8_t *)text, strlen(text));
}

static void
peer_failure(DtAuth *a, uint8_t id, const uint8_t *data, size_t len, DtTime now)
{
    if (!is_mschap(a)) {
        dt_auth_fail(a, DT_REASON_AUTH_FAILED, data, len);
        return;
    }
    DtMschapMsg m;
    dt_mschap_msg_parse(data, len, &m);
    DtAuthResult *res = &a->result;
    res->error_code = m.have_error ? m.error : 0;
    res->retry_allowed = m.have_retry && m.retry;
    res->version = m.have_version ? m.version : 0;
    /* Without M= (v1 servers) the whole text is all there is to show. */
    if (m.have_text)
        memcpy(res->message, m.text, sizeof(res->message));
    else
        dt_mschap_msg_sanitise(res->message, sizeof(res->message), data, len);

    if (a->method == DT_AUTH_MSCHAP_V2 && res->retry_allowed && a->retries < a->max_retries &&
        m.challenge_len == 16 && a->state == DT_AUTH_STATE_RUNNING) {
        /* RFC 2759 §9.1.4: a new Response on C=, Identifier + 1. */
        a->retries++;
        a->id = (uint8_t)(id + 1);
        memcpy(a->challenge, m.challenge, 16);
        a->challenge_len = 16;
        if (!send_response(a)) {
            dt_auth_fail(a, DT_REASON_INTERNAL, NULL, 0);
            return;
        }
        arm_response(a, now);
        return;
    }
    char keep[DT_AUTH_MAX_MESSAGE];
    memcpy(keep, res->message, sizeof(keep));
    dt_auth_fail(a, reason_of_error(res->error_code), (const uint8_t *)keep, strlen(keep));
}

static void
peer_input(DtAuth *a, uint8_t code, uint8_t id, const uint8_t *data, size_t len, DtTime now)
{
    switch (code) {
    case CHAP_CHALLENGE:
        peer_challenge(a, id, data, len, now);
        return;
    case CHAP_SUCCESS:
    case CHAP_FAILURE:
        /* Only the verdict on the Response we are waiting on counts. */
        if (!a->answered || id != a->id || a->state == DT_AUTH_STATE_FAILED) {
            dt_auth_drop(a);
            return;
        }
        a->answered = false;
        if (code == CHAP_SUCCESS)
            peer_success(a, data, len);
        else
            peer_failure(a, id, data, len, now);
        return;
    default:
        dt_auth_drop(a);
        return;
    }
}

void
dt_chap_start(DtAuth *a, DtTime now)
{
    if (a->role == DT_PPP_ROLE_AUTHENTICATOR)
        send_challenge(a, now);
    else
        dt_auth_arm_wait(a, now);
}

void
dt_chap_input(DtAuth *a, uint8_t code, uint8_t id, const uint8_t *data, size_t len, DtTime now)
{
    if (a->role == DT_PPP_ROLE_AUTHENTICATOR)
        authenticator_input(a, code, id, data, len, now);
    else
        peer_input(a, code, id, data, len, now);
}

void
dt_chap_timeout(DtAuth *a, DtTime now)
{
    (void)now;
    /* An authenticator that allowed a retry and heard nothing more ends on
     * the failure it already reported; everything else is a timeout. */
    if (a->role == DT_PPP_ROLE_AUTHENTICATOR && a->retries > 0)
        dt_auth_fail(a, DT_REASON_AUTH_FAILED, NULL, 0);
    else
        dt_auth_fail(a, DT_REASON_AUTH_TIMEOUT, NULL, 0);
}
