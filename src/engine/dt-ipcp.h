/* dt-ipcp.h — the IP Control Protocol (RFC 1332) with DNS/NBNS (RFC 1877).
 *
 * Peer role: asks for 0.0.0.0 (or a configured address) and takes the
 * authenticator's Nak; asks for DNS/NBNS and applies only usable answers.
 * Authenticator role: assigns the peer's address and hands out DNS/NBNS,
 * rejecting what it has no value for (a Nak with 0.0.0.0 would loop).
 * Addresses are host-order uint32_t.
 */
#ifndef DT_IPCP_H
#define DT_IPCP_H

#include "dt-auth.h"
#include "dt-fsm.h"

#define DT_PPP_PROTO_IPCP 0x8021
#define DT_PPP_PROTO_IPV4 0x0021

enum {
    DT_IPCP_OPT_ADDRESSES = 1,   /* deprecated (RFC 1332 §3.1): rejected */
    DT_IPCP_OPT_COMPRESSION = 2, /* VJ: rejected */
    DT_IPCP_OPT_ADDRESS = 3,
    DT_IPCP_OPT_DNS1 = 129,
    DT_IPCP_OPT_NBNS1 = 130,
    DT_IPCP_OPT_DNS2 = 131,
    DT_IPCP_OPT_NBNS2 = 132,
};

typedef struct {
    DtPppRole role;
    uint32_t local_addr; /* peer: 0 = ask; authenticator: ours (required) */
    uint32_t peer_addr;  /* authenticator: the address we assign (0 = take the peer's) */
    bool request_dns;    /* peer: ask for primary and secondary DNS */
    bool request_nbns;   /* peer: ask for primary and secondary NBNS (WINS) */
    uint32_t dns[2];     /* authenticator: handed out; 0 = none (option rejected) */
    uint32_t nbns[2];
} DtIpcpConfig;

typedef struct {
    uint32_t local_addr;
    uint32_t peer_addr; /* 0 when the peer did not say */
    uint32_t dns[2];    /* peer: what the authenticator gave (0 = none) */
    uint32_t nbns[2];
} DtIpcpNegotiated;

typedef struct {
    DtFsm fsm;
    DtIpcpConfig cfg;
    /* Our request: the address and which of DNS1, NBNS1, DNS2, NBNS2 we ask for. */
    uint32_t want_addr;
    bool send_addr;
    uint32_t want_ns[4];
    bool send_ns[4];
    uint32_t pending_peer;
    DtIpcpNegotiated neg;
    char note[DT_FSM_MAX_MESSAGE]; /* last thing worth a log line ("ignored dns …") */
} DtIpcp;

void dt_ipcp_init(DtIpcp *c, const DtIpcpConfig *cfg, const DtFsmOwner *owner,
                  const DtFsmTimers *timers);

/* May this be our final address?  No for 0/8, 127/8, multicast, class E and
 * the limited broadcast. */
bool dt_ipcp_address_usable(uint32_t a);
const char *dt_ipcp_option_name(uint8_t type);

#endif /* DT_IPCP_H */
