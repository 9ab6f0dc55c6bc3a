/* dt-ipv6cp.h — the IPv6 Control Protocol (RFC 5072).
 *
 * Negotiates 64-bit Interface-Identifiers: non-zero, different on the two
 * ends; a zero or colliding identifier from the peer is Nak'd with a
 * suggestion (§4.1).  IPv6-Compression-Protocol is rejected.
 */
#ifndef DT_IPV6CP_H
#define DT_IPV6CP_H

#include "dt-fsm.h"

#define DT_PPP_PROTO_IPV6CP 0x8057
#define DT_PPP_PROTO_IPV6 0x0057

enum {
    DT_IPV6CP_OPT_IID = 1,
    DT_IPV6CP_OPT_COMPRESSION = 2,
};

typedef struct {
    uint8_t local_iid[8]; /* all zero: choose at random */
} DtIpv6cpConfig;

typedef struct {
    uint8_t local_iid[8];
    uint8_t peer_iid[8]; /* zero when the peer sent none */
} DtIpv6cpNegotiated;

typedef struct {
    DtFsm fsm;
    DtIpv6cpConfig cfg;
    DtRandom random;
    uint8_t want[8];
    bool send_iid;
    uint8_t pending_peer[8];
    DtIpv6cpNegotiated neg;
} DtIpv6cp;

void dt_ipv6cp_init(DtIpv6cp *c, const DtIpv6cpConfig *cfg, const DtRandom *random,
                    const DtFsmOwner *owner, const DtFsmTimers *timers);
const char *dt_ipv6cp_option_name(uint8_t type);

#endif /* DT_IPV6CP_H */
