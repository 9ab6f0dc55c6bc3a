/* dt-session-config.c — policy tokens to engine values. */
#include "dt-session-config.h"

#include <stdio.h>
#include <string.h>

void
dt_session_config_from_policy(DtSessionConfig *cfg, DtSessionRole role, const DtPolicy *p,
                              const DtCrypto *crypto)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->role = role;
    cfg->crypto = crypto;
    for (unsigned i = 0; i < p->n_auth && cfg->ppp.lcp.n_auth < DT_LCP_MAX_AUTH; i++) {
        DtAuthMethod m;
        if (dt_auth_method_from_string(p->auth[i], &m))
            cfg->ppp.lcp.auth[cfg->ppp.lcp.n_auth++] = m;
    }
    /* Both enums follow FORMATS.md's order (dt-policy.h). */
    cfg->policy.encryption = (DtMppeEncryption)p->encryption;
    cfg->policy.allow_stateful = p->allow_stateful;
    cfg->policy.compression = p->compression;
    cfg->mppe_strengths = ((p->strengths & DT_POLICY_STRENGTH_128) ? DT_MPPE_BIT_S : 0) |
                          ((p->strengths & DT_POLICY_STRENGTH_56) ? DT_MPPE_BIT_M : 0) |
                          ((p->strengths & DT_POLICY_STRENGTH_40) ? DT_MPPE_BIT_L : 0);
    cfg->prefer_stateful = p->prefer_stateful;
    cfg->ppp.lcp.mru = (uint16_t)p->mru;
    /* PPP.MTU caps the frames we send, as pppd's "mtu" does; the TUN MTU is that, the peer's
     * MRU and the path, less the layers in between (dt_mtu_compute). */
    cfg->mtu = (uint16_t)p->mtu;
    cfg->ppp.lcp.echo_interval_ms = p->echo_interval * 1000u;
    cfg->ppp.lcp.echo_failures = p->echo_failures;
    cfg->ppp.idle_ms = p->idle_disconnect * 1000u;
    cfg->ppp.enable_ipcp = true;
    if (role == DT_SESSION_CLIENT)
        cfg->ppp.ipcp.request_dns = true;
}

const char *
dt_session_strength_word(const DtSessionSummary *s)
{
    if (!s->encrypted)
        return "none";
    return s->bits == DT_MPPE_BITS_128 ? "strong" : "weak";
}

const char *
dt_session_ccp_hex(const uint8_t opt[DT_CCP_OPT_MPPE_LEN], char *buf)
{
    for (size_t i = 0; i < DT_CCP_OPT_MPPE_LEN; i++)
        sprintf(buf + 3 * i, i + 1 < DT_CCP_OPT_MPPE_LEN ? "%02x " : "%02x", opt[i]);
    return buf;
}
