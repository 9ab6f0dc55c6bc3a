/* fuzz-ipv6cp-options.c — IPv6CP option parsing (RFC 5072). */
#include "dt-ipv6cp.h"
#include "fuzz-options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t seed = 1;
    DtRandom rnd = {fuzz_random_cb, &seed};
    DtIpv6cpConfig cfg = {{0}};
    DtIpv6cp c;
    dt_ipv6cp_init(&c, &cfg, &rnd, &fuzz_owner, NULL);
    fuzz_drive(&c.fsm, data, size);
    static const uint8_t zero[8];
    if (memcmp(c.want, zero, 8) == 0)
        abort(); /* our identifier is never zero */
    return 0;
}
