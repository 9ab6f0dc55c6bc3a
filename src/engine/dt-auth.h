/* dt-auth.h — PPP authentication (PAP, CHAP-MD5, MS-CHAP v1/v2), both roles.
 *
 * One DtAuth runs one authentication phase of one link, sans-IO: the PPP
 * link feeds it the information field of every packet of its protocol
 * (0xC023 PAP or 0xC223 CHAP), pulls packets to send, and asks for the next
 * deadline.  The peer role answers; the authenticator role challenges and
 * checks, looking secrets up through a callback.
 *
 * This header is the contract between dt-ppp (which drives it) and
 * dt-pap/dt-chap (which implement it).
 */
#ifndef DT_AUTH_H
#define DT_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt-crypto.h"
#include "dt-reason.h"
#include "dt-time.h"

#define DT_PPP_PROTO_PAP 0xC023
#define DT_PPP_PROTO_CHAP 0xC223
#define DT_CHAP_ALG_MD5 0x05
#define DT_CHAP_ALG_MSCHAP_V1 0x80
#define DT_CHAP_ALG_MSCHAP_V2 0x81

#define DT_AUTH_MAX_NAME 256
#define DT_AUTH_MAX_MESSAGE 256
/* The largest packet dt_auth_poll_transmit returns (a PAP Request with a
 * 255-octet name and password is 516). */
#define DT_AUTH_MAX_PACKET 600

typedef enum {
    DT_AUTH_NONE = 0,
    DT_AUTH_PAP,
    DT_AUTH_CHAP_MD5,
    DT_AUTH_MSCHAP_V1,
    DT_AUTH_MSCHAP_V2,
} DtAuthMethod;

/* A set of methods, for policies: DT_AUTH_BIT(DT_AUTH_MSCHAP_V2) | … */
#define DT_AUTH_BIT(m) (1u << (m))

typedef enum {
    DT_PPP_ROLE_PEER,          /* answers: the VPN client, the dial-up user */
    DT_PPP_ROLE_AUTHENTICATOR, /* asks: dialtone-server, an ISP */
} DtPppRole;

typedef enum {
    DT_AUTH_STATE_IDLE,      /* not started */
    DT_AUTH_STATE_RUNNING,   /* exchanging packets */
    DT_AUTH_STATE_SUCCEEDED, /* authenticated; MPPE keys available for MS-CHAP */
    DT_AUTH_STATE_FAILED,    /* see dt_auth_result() */
} DtAuthState;

/* Authenticator role: copies the secret for user into secret (NUL-terminated,
 * at most cap octets with the NUL) and returns true, or returns false for an
 * unknown user.  Called synchronously from dt_auth_input(). */
typedef bool (*DtAuthLookupFn)(void *user_data, const char *user, size_t user_len, char *secret,
                               size_t cap);

typedef struct {
    DtAuthMethod method;
    DtPppRole role;
    const DtCrypto *crypto;
    /* Peer role: our credentials ("DOMAIN\user" allowed).  Copied; the copy
     * is wiped by dt_auth_free(). */
    const char *user;
    const char *password;
    /* Authenticator role. */
    DtAuthLookupFn lookup;
    void *lookup_data;
    const char *local_name; /* Name field of our CHAP Challenge ("" for MS-CHAP, as Windows) */
    /* Retransmission (RFC 1661 §4.6 defaults if 0: 3000 ms, 10 transmits). */
    uint32_t restart_ms;
    unsigned max_transmits;
    /* MS-CHAP v2 peer: answer Failure R=1 with a new Response (0 = never retry). */
    unsigned max_retries;
    /* Where identifiers, challenges and Peer-Challenges come from (the shape
     * of DtRandomFn in dt-fsm.h): NULL → dt_crypto_random(crypto).  dt-ppp
     * passes its DtRandom, so a seeded test replays the whole link. */
    bool (*random)(void *ctx, void *buf, size_t len);
    void *random_ctx;
} DtAuthConfig;

typedef struct {
    DtReason reason; /* DT_REASON_NONE on success */
    /* From a Failure (or Success) message: MS-CHAP E= code (0 if none), R=, V=. */
    unsigned error_code;
    bool retry_allowed;
    unsigned version;
    char message[DT_AUTH_MAX_MESSAGE]; /* the M= text or PAP/CHAP message, sanitised */
    char peer_name[DT_AUTH_MAX_NAME];  /* authenticator role: who logged in */
} DtAuthResult;

/* Key material for MPPE (RFC 3079) after MS-CHAP succeeded. */
typedef struct {
    bool available;       /* false for PAP and CHAP-MD5 */
    uint8_t send_128[16]; /* start key for what we send, 128-bit */
    uint8_t recv_128[16]; /* start key for what the peer sends, 128-bit */
    bool have_64;         /* 40/56-bit keys exist (v1 needs an LM-representable password) */
    uint8_t send_64[8];   /* start key for what we send, 40/56-bit */
    uint8_t recv_64[8];
} DtMppeStartKeys;

typedef struct DtAuth DtAuth;

/* NULL on a bad config or no memory. */
DtAuth *dt_auth_new(const DtAuthConfig *config);
/* Wipes every secret it holds. */
void dt_auth_free(DtAuth *a);

/* The PPP protocol number of the method (0xC023 or 0xC223). */
uint16_t dt_auth_method_protocol(DtAuthMethod m);
/* "MS-CHAP v2", "PAP", … for people; tokens "mschapv2", "pap", … for files. */
const char *dt_auth_method_describe(DtAuthMethod m);
const char *dt_auth_method_to_string(DtAuthMethod m);
/* The method of a token of dt_auth_method_to_string ("mschapv2", …); false
 * for anything else ("none" included). */
bool dt_auth_method_from_string(const char *token, DtAuthMethod *m);
/* "idle", "running", "succeeded", "failed", for logs. */
const char *dt_auth_state_to_string(DtAuthState s);

/* Authenticator: send the Challenge (CHAP) or wait for the Request (PAP);
 * peer PAP: send the Authenticate-Request; peer CHAP: wait for a Challenge. */
void dt_auth_start(DtAuth *a, DtTime now);
/* pkt is the PPP information field: Code, Identifier, Length, Data.
 * Malformed packets are dropped and counted. */
void dt_auth_input(DtAuth *a, const uint8_t *pkt, size_t len, DtTime now);
void dt_auth_handle_timeout(DtAuth *a, DtTime now);
DtTime dt_auth_next_deadline(const DtAuth *a);
/* Copies the next packet to send (information field; the protocol is
 * dt_auth_method_protocol()) into buf and returns its length, or 0. */
size_t dt_auth_poll_transmit(DtAuth *a, uint8_t *buf, size_t cap);

DtAuthState dt_auth_state(const DtAuth *a);
const DtAuthResult *dt_auth_result(const DtAuth *a);
/* Fills keys for our role; keys->available is false unless MS-CHAP succeeded. */
void dt_auth_mppe_keys(const DtAuth *a, DtMppeStartKeys *keys);
/* Malformed or unexpected packets dropped so far. */
uint64_t dt_auth_dropped(const DtAuth *a);

#endif /* DT_AUTH_H */
