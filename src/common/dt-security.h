/* dt-security.h — the settings profiles and server.conf share: [Security]
 * (authentication methods, MPPE policy, MPPC) and [PPP] (MTU, MRU, echo).
 * Tokens are the words of ../shared/FORMATS.md. */
#ifndef DT_SECURITY_H
#define DT_SECURITY_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    DT_PROFILE_AUTH_MSCHAPV2,
    DT_PROFILE_AUTH_MSCHAP,
    DT_PROFILE_AUTH_CHAP,
    DT_PROFILE_AUTH_PAP,
} DtProfileAuth;
#define DT_PROFILE_AUTH_N 4

typedef enum {
    DT_ENCRYPTION_NONE,
    DT_ENCRYPTION_OPTIONAL,
    DT_ENCRYPTION_REQUIRE,
    DT_ENCRYPTION_REQUIRE_128,
} DtEncryption;

/* The ordered list of allowed methods, most preferred first, no duplicates. */
typedef struct {
    guint n;
    DtProfileAuth methods[DT_PROFILE_AUTH_N];
} DtAuthList;

typedef struct {
    DtAuthList authentication;
    DtEncryption encryption;
    gboolean allow_stateful;
    gboolean compression; /* MPPC */
    /* Strengths= the MPPE key lengths allowed, like RRAS's Basic (40), Strong (56) and
     * Strongest (128) check boxes; "128", "56", "40" tokens. */
    char **strengths;
    /* PreferStateful=: ask for stateful MPPE, as pppd does with mppe-stateful (only with
     * AllowStateful=true; a peer that wants stateless still gets it). */
    gboolean prefer_stateful;
} DtSecurity;

typedef enum {
    DT_STRENGTH_40 = 1 << 0,
    DT_STRENGTH_56 = 1 << 1,
    DT_STRENGTH_128 = 1 << 2,
} DtStrength;
#define DT_STRENGTH_ALL (DT_STRENGTH_40 | DT_STRENGTH_56 | DT_STRENGTH_128)

typedef struct {
    guint mtu;           /* 576..1500 */
    guint mru;           /* 576..1500 */
    guint echo_interval; /* seconds, 0 = off */
    guint echo_failures; /* 1..100 */
} DtPppSettings;

/* Token tables in enum order, NULL-terminated. */
extern const char *const dt_profile_auth_tokens[];
extern const char *const dt_encryption_tokens[];

const char *dt_profile_auth_to_string(DtProfileAuth m);
gboolean dt_profile_auth_from_string(const char *s, DtProfileAuth *out);
const char *dt_encryption_to_string(DtEncryption e);
gboolean dt_encryption_from_string(const char *s, DtEncryption *out);

gboolean dt_auth_list_contains(const DtAuthList *l, DtProfileAuth m);
/* "mschapv2,mschap": the file form. */
char *dt_auth_list_to_string(const DtAuthList *l);

/* The rule no single key can check: MPPE keys come only from MS-CHAP
 * (RFC 3079 §2), so Encryption other than none needs MS-CHAP v1 or v2 among
 * the allowed methods. FALSE with a sentence in why otherwise. */
gboolean dt_security_check(const DtSecurity *s, GString *why);

/* Strengths= as DtStrength flags; DT_STRENGTH_ALL when the list is empty. */
guint dt_security_strength_mask(const DtSecurity *s);
/* The DT_KEY_LIST check of one Strengths= item. */
gboolean dt_validate_strength(const char *v, GString *why);

G_END_DECLS

#endif
