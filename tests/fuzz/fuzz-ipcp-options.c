/* fuzz-ipcp-options.c — IPCP option parsing in both roles (RFC 1332, RFC 1877). */
#include "dt-ipcp.h"
#include "fuzz-options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    DtIpcpConfig cfg = {.role = (data[0] & 1) ? DT_PPP_ROLE_AUTHENTICATOR : DT_PPP_ROLE_PEER,
                        .local_addr = (data[0] & 1) ? 0x0A000001u : 0,
                        .peer_addr = 0x0A000002u,
                        .request_dns = true,
                        .request_nbns = true,
                        .dns = {0x0A000035u, 0}};
    DtIpcp c;
    dt_ipcp_init(&c, &cfg, &fuzz_owner, NULL);
    fuzz_drive(&c.fsm, data, size);
    /* A peer never takes an unusable name server. */
    for (int i = 0; i < 2; i++)
        if (c.neg.dns[i] && !dt_ipcp_address_usable(c.neg.dns[i]))
            abort();
    return 0;
}
