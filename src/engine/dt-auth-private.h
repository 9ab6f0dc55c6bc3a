/* dt-auth-private.h — the DtAuth struct and the helpers dt-auth.c shares
 * with dt-pap.c and dt-chap.c.  Not for other modules: they use dt-auth.h. */
#ifndef DT_AUTH_PRIVATE_H
#define DT_AUTH_PRIVATE_H

#include "dt-auth.h"
#include "dt-mschap.h"

#define DT_AUTH_QUEUE_LEN 4
/* UTF-8 of 256 UTF-16 code units (RFC 2759 §8.9's limit) fits in 1024 octets. */
#define DT_AUTH_MAX_SECRET 1025

#define DT_AUTH_CODE_REQUEST 1  /* PAP Authenticate-Request, CHAP Challenge */
#define DT_AUTH_CODE_RESPONSE 2 /* PAP Authenticate-Ack, CHAP Response */
#define DT_AUTH_CODE_SUCCESS 3  /* PAP Authenticate-Nak, CHAP Success */
#define DT_AUTH_CODE_FAILURE 4  /* CHAP Failure */

typedef struct {
    size_t len;
    uint8_t p[DT_AUTH_MAX_PACKET];
} DtAuthPacket;

struct DtAuth {
    DtAuthMethod method;
    DtPppRole role;
    const DtCrypto *crypto;
    DtAuthLookupFn lookup;
    void *lookup_data;
    uint32_t restart_ms;
    unsigned max_transmits;
    unsigned max_retries;
    bool (*random)(void *ctx, void *buf, size_t len); /* NULL: dt_crypto_random */
    void *random_ctx;

    char user[DT_AUTH_MAX_NAME];
    size_t user_len;
    char password[DT_AUTH_MAX_SECRET];
    char local_name[DT_AUTH_MAX_NAME];

    DtAuthState state;
    DtAuthResult result;
    uint64_t dropped;

    /* Outgoing packets, pulled by dt_auth_poll_transmit. */
    DtAuthPacket queue[DT_AUTH_QUEUE_LEN];
    unsigned queue_head, queue_count;

    /* The packet we retransmit on timeout (PAP Request, CHAP Challenge,
     * CHAP Response awaiting its verdict), or the last answer we re-send to
     * a duplicate (CHAP Response, Success, Failure; PAP Ack/Nak). */
    DtAuthPacket last;
    DtTime deadline;
    unsigned transmits;
    bool retransmit; /* last is resent on timeout; else the deadline ends the phase */

    uint8_t id; /* Identifier of the exchange in progress */
    bool have_id;
    unsigned retries; /* MS-CHAP v2 R=1 retries used */

    /* CHAP: the authenticator's challenge (an MD5 one may have any length
     * up to 255, RFC 1994 §4.1), and (v2) the peer's. */
    uint8_t challenge[255];
    size_t challenge_len;
    uint8_t peer_challenge[16];
    uint8_t nt_response[24];
    char auth_response[DT_MSCHAP2_AUTH_RESPONSE_LEN + 1]; /* v2 "S=…" expected or sent */
    bool answered;                                        /* peer: a Response for id was sent */

    DtMppeStartKeys keys; /* filled once, at the first success */
};

/* dt-auth.c */
void dt_auth_queue_packet(DtAuth *a, const uint8_t *p, size_t len);
/* Builds Code/Identifier/Length around data into a->last and queues it. */
bool dt_auth_send(DtAuth *a, uint8_t code, uint8_t id, const uint8_t *data, size_t len);
/* Arms the retransmission of a->last (counted as its first transmission). */
void dt_auth_arm(DtAuth *a, DtTime now, bool retransmit);
/* The whole-phase deadline: restart_ms × max_transmits. */
void dt_auth_arm_wait(DtAuth *a, DtTime now);
void dt_auth_succeed(DtAuth *a, const uint8_t *msg, size_t msg_len);
void dt_auth_fail(DtAuth *a, DtReason reason, const uint8_t *msg, size_t msg_len);
void dt_auth_drop(DtAuth *a);
/* Looks the secret of name up; false for an unknown user. */
bool dt_auth_lookup(DtAuth *a, const uint8_t *name, size_t name_len,
                    char secret[DT_AUTH_MAX_SECRET]);
/* Constant-time comparison of two secrets of public maximum length. */
bool dt_auth_secret_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/* dt-pap.c */
void dt_pap_start(DtAuth *a, DtTime now);
void dt_pap_input(DtAuth *a, uint8_t code, uint8_t id, const uint8_t *data, size_t len, DtTime now);
void dt_pap_timeout(DtAuth *a, DtTime now);

/* dt-chap.c */
void dt_chap_start(DtAuth *a, DtTime now);
void dt_chap_input(DtAuth *a, uint8_t code, uint8_t id, const uint8_t *data, size_t len,
                   DtTime now);
void dt_chap_timeout(DtAuth *a, DtTime now);

/* Random octets from the configured source (identifiers, challenges). */
bool dt_auth_random(DtAuth *a, void *buf, size_t len);

#endif /* DT_AUTH_PRIVATE_H */
