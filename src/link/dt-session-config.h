/* dt-session-config.h — a DtSessionConfig from a DtPolicy (the engine side of dt-policy.h). */
#ifndef DT_SESSION_CONFIG_H
#define DT_SESSION_CONFIG_H

#include "dt-policy.h"
#include "dt-session.h"

/* Fills cfg for role from the policy: authentication methods, MPPE policy, MRU, echo. crypto,
 * credentials, IPCP addresses and call IDs stay for the caller. */
void dt_session_config_from_policy(DtSessionConfig *cfg, DtSessionRole role, const DtPolicy *p,
                                   const DtCrypto *crypto);

/* "MPPE 128-bit" style words for the strength of bits; "none" when not encrypted. */
const char *dt_session_strength_word(const DtSessionSummary *s);

/* "12 06 01 00 00 40" into buf (DT_CCP_OPT_MPPE_LEN * 3 bytes). */
const char *dt_session_ccp_hex(const uint8_t opt[DT_CCP_OPT_MPPE_LEN], char *buf);

#endif /* DT_SESSION_CONFIG_H */
