/* dt-mschap-msg.h — the text of MS-CHAP Success and Failure packets.
 *
 * RFC 2759 §5/§6 and RFC 2433 put key=value fields in the Message of CHAP
 * Success and Failure packets: "S=<40 hex> M=<text>" and
 * "E=<error> R=<0|1> C=<hex challenge> V=<version> M=<text>".  Real
 * servers vary (pppd sends V=0, Windows v1 servers may stop after R=, some
 * add spaces), so the parser takes any octets, picks out what it
 * recognises and never fails; the formatters write exactly the RFC form.
 */
#ifndef DT_MSCHAP_MSG_H
#define DT_MSCHAP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DT_MSCHAP_MSG_MAX_TEXT 256 /* M= text kept, with the NUL */
#define DT_MSCHAP_AUTH_HEX_LEN 40  /* the digits after "S=" */

/* MS-CHAP error codes (RFC 2759 §6). */
#define DT_MSCHAP_E_RESTRICTED_LOGON_HOURS 646
#define DT_MSCHAP_E_ACCT_DISABLED 647
#define DT_MSCHAP_E_PASSWD_EXPIRED 648
#define DT_MSCHAP_E_NO_DIALIN_PERMISSION 649
#define DT_MSCHAP_E_AUTHENTICATION_FAILURE 691
#define DT_MSCHAP_E_CHANGING_PASSWORD 709

typedef struct {
    bool have_auth; /* S= followed by exactly 40 hex digits (case kept) */
    char auth[DT_MSCHAP_AUTH_HEX_LEN + 1];
    bool have_error; /* E= decimal */
    unsigned error;
    bool have_retry; /* R= '0' or '1' */
    bool retry;
    size_t challenge_len; /* C= decoded: 8 or 16 octets, 0 if absent or malformed */
    uint8_t challenge[16];
    bool have_version; /* V= decimal */
    unsigned version;
    bool have_text;                    /* M= (everything after it, to the end) */
    char text[DT_MSCHAP_MSG_MAX_TEXT]; /* sanitised: printable ASCII, NUL-terminated */
} DtMschapMsg;

/* Fills msg from the Message octets of a Success or Failure packet.  Unknown
 * fields, malformed values and garbage are skipped; a field given twice keeps
 * its first value. */
void dt_mschap_msg_parse(const uint8_t *p, size_t len, DtMschapMsg *msg);

/* "S=<auth> M=<text>", or just "S=<auth>" when text is NULL (the Win98
 * quirk).  auth is the 42-octet "S=…" string of
 * dt_generate_authenticator_response.  Returns the length written (no NUL),
 * or 0 if it does not fit. */
size_t dt_mschap_msg_format_success(char *buf, size_t cap, const char *auth, const char *text);

/* "E=<error> R=<0|1> C=<hex> V=<version>" then " M=<text>" when text is not
 * NULL.  challenge_len is 16 (v2) or 8 (v1).  Returns the length written
 * (no NUL), or 0 if it does not fit. */
size_t dt_mschap_msg_format_failure(char *buf, size_t cap, unsigned error, bool retry,
                                    const uint8_t *challenge, size_t challenge_len,
                                    unsigned version, const char *text);

/* Copies untrusted text for people and logs: printable ASCII kept, any
 * other octet becomes '?', cut to cap - 1 octets, always NUL-terminated. */
void dt_mschap_msg_sanitise(char *dst, size_t cap, const uint8_t *src, size_t len);

#endif /* DT_MSCHAP_MSG_H */
