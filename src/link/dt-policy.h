/* dt-policy.h — the security and PPP settings of a profile or server.conf, as plain values.
 *
 * src/common speaks GLib and has its own DtProfileAuth; the engine has DtAuthMethod. Programs meet
 * both, so the one file that reads src/common (dt-policy-common.c) turns its settings into this
 * struct of tokens and numbers, and the engine side (the session config) turns the tokens into
 * engine values. No translation unit ever includes both headers.
 */
#ifndef DT_POLICY_H
#define DT_POLICY_H

#include <stdbool.h>

#define DT_POLICY_AUTH_MAX 4

/* In FORMATS.md's order, which is also the engine's DtMppeEncryption order. */
typedef enum {
    DT_POLICY_ENCRYPTION_NONE,
    DT_POLICY_ENCRYPTION_OPTIONAL,
    DT_POLICY_ENCRYPTION_REQUIRE,
    DT_POLICY_ENCRYPTION_REQUIRE_128,
} DtPolicyEncryption;

typedef struct {
    /* Authentication= tokens ("mschapv2", "mschap", "chap", "pap"), most preferred first;
     * static strings. */
    const char *auth[DT_POLICY_AUTH_MAX];
    unsigned n_auth;
    DtPolicyEncryption encryption;
    bool allow_stateful;
    bool compression; /* MPPC */
    /* Strengths=: DT_POLICY_STRENGTH_* flags, never 0. */
    unsigned strengths;
    bool prefer_stateful;
    unsigned mtu, mru;
    unsigned echo_interval; /* seconds, 0 = off */
    unsigned echo_failures;
    unsigned idle_disconnect; /* seconds without traffic before hanging up, 0 = never */
} DtPolicy;

/* The same values as src/common's DtStrength. */
#define DT_POLICY_STRENGTH_40 (1u << 0)
#define DT_POLICY_STRENGTH_56 (1u << 1)
#define DT_POLICY_STRENGTH_128 (1u << 2)

const char *dt_policy_encryption_to_string(DtPolicyEncryption e);

#endif /* DT_POLICY_H */
