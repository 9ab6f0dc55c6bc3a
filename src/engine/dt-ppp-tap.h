/* dt-ppp-tap.h — a redacted copy of every PPP control frame, for a
 * connection report's capture (issue 9).
 *
 * A DtPpp whose config has tap.fn set hands the tap each control frame it
 * receives (before acting on it) and each one it queues to send, in order,
 * with its direction and time.  The copy has already been through
 * dt_ppp_tap_redact(): no password, no CHAP or MS-CHAP response and no
 * authenticator response ever reaches the tap, so whatever the tap writes
 * may be shared.  Data frames (IP, the MPPE/MPPC 0x00FD frames) are never
 * tapped.
 *
 * What is tapped: LCP (0xC021), PAP (0xC023), CHAP (0xC223) and the NCP
 * range 0x8000–0xBFFF (IPCP, IPv6CP, CCP, and NCPs we reject).
 *
 * What redaction does (RFC 1334 §2.2, RFC 1994 §4, RFC 2433, RFC 2759):
 *   PAP Authenticate-Request   the Password becomes DT_PPP_TAP_PASSWORD,
 *                              with Passwd-Length and Length to match
 *   CHAP Response              the whole Value is zeroed (the MD5 hash, the
 *                              MS-CHAP LM/NT-Responses, the MS-CHAP v2
 *                              Peer-Challenge and NT-Response); Name stays
 *   CHAP Success               an "S=" authenticator response's hex digits
 *                              become '0' (RFC 2759 §5: derived from the
 *                              password hash)
 *   MS-CHAP Change-Password    withheld (codes 5–7 carry encrypted
 *   and any other CHAP or PAP  passwords; a code we do not know might)
 *   code, or a malformed one
 *   LCP Protocol-Reject        the Rejected-Information is cut (RFC 1661
 *                              §5.7 allows truncation) unless the rejected
 *                              protocol is an NCP: it may be our PAP
 *                              request or an IP packet
 * Everything is cut to its Length field (RFC 1661 §5: the rest is padding).
 */
#ifndef DT_PPP_TAP_H
#define DT_PPP_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt-time.h"

/* What a tapped PAP Authenticate-Request carries instead of the password. */
#define DT_PPP_TAP_PASSWORD "redacted"
/* The largest information field a tap is handed; longer frames are cut
 * (orig_len says how long they were). */
#define DT_PPP_TAP_MAX 1600

typedef enum {
    DT_PPP_TAP_RECEIVED,
    DT_PPP_TAP_SENT,
} DtPppTapDirection;

typedef struct {
    DtPppTapDirection direction;
    uint16_t protocol;
    /* The redacted information field (Code, Identifier, Length, Data),
     * valid during the call only.  NULL with len 0 when the frame was
     * withheld (an MS-CHAP Change-Password, a malformed auth packet). */
    const uint8_t *pkt;
    size_t len;
    size_t orig_len; /* the information field's length as it was on the wire */
    DtTime time;
} DtPppTapFrame;

/* Called synchronously from inside the DtPpp: it must not call the DtPpp. */
typedef void (*DtPppTapFn)(void *ctx, const DtPppTapFrame *frame);

typedef struct {
    DtPppTapFn fn; /* NULL: no tap */
    void *ctx;
} DtPppTap;

/* True for the protocols a tap sees (above). */
bool dt_ppp_tap_wants(uint16_t protocol);

/* Copies the redacted form of the information field pkt[0..len) of a
 * protocol frame into out (cap octets) and returns its length, or 0 when
 * the frame must be withheld.  A frame that does not fit is cut to cap,
 * except an authentication packet, which is withheld. */
size_t dt_ppp_tap_redact(uint16_t protocol, const uint8_t *pkt, size_t len, uint8_t *out,
                         size_t cap);

#endif /* DT_PPP_TAP_H */
