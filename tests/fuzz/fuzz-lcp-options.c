/* fuzz-lcp-options.c — LCP option parsing in both roles (RFC 1661 §6). */
#include "dt-lcp.h"
#include "fuzz-options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t seed = 1;
    DtRandom rnd = {fuzz_random_cb, &seed};
    DtLcpConfig cfg = {.role = (data[0] & 1) ? DT_PPP_ROLE_AUTHENTICATOR : DT_PPP_ROLE_PEER,
                       .mru = 1400,
                       .request_accm = true,
                       .request_pfc = true,
                       .request_acfc = true,
                       .auth = {DT_AUTH_MSCHAP_V2, DT_AUTH_CHAP_MD5},
                       .n_auth = 2};
    DtLcp l;
    dt_lcp_init(&l, &cfg, &rnd, &fuzz_owner, NULL, NULL);
    fuzz_drive(&l.fsm, data, size);
    if (l.neg.remote.mru < DT_LCP_MIN_MRU)
        abort(); /* never acked an MRU below the minimum */
    return 0;
}
