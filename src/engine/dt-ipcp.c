/* dt-ipcp.c — IPCP options (RFC 1332 §3, RFC 1877). */
#include "dt-ipcp.h"

#include <stdio.h>

static DtIpcp *
ipcp_of(DtFsm *f)
{
    return f->proto_ctx;
}

const char *
dt_ipcp_option_name(uint8_t type)
{
    switch (type) {
    case DT_IPCP_OPT_ADDRESSES:
        return "ip-addresses";
    case DT_IPCP_OPT_COMPRESSION:
        return "ip-compression";
    case DT_IPCP_OPT_ADDRESS:
        return "ip-address";
    case DT_IPCP_OPT_DNS1:
        return "primary-dns";
    case DT_IPCP_OPT_NBNS1:
        return "primary-nbns";
    case DT_IPCP_OPT_DNS2:
        return "secondary-dns";
    case DT_IPCP_OPT_NBNS2:
        return "secondary-nbns";
    default:
        return "unknown";
    }
}

bool
dt_ipcp_address_usable(uint32_t a)
{
    uint32_t top = a >> 24;
    return top != 0 && top != 127 && top < 224; /* 224/4 multicast, 240/4 class E + broadcast */
}

static void
format_addr(char *buf, size_t cap, uint32_t a)
{
    snprintf(buf, cap, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xFF, (a >> 8) & 0xFF, a & 0xFF);
}

/* Option 129..132 → slot 0..3 (DNS1, NBNS1, DNS2, NBNS2); -1 otherwise. */
static int
ns_slot(uint8_t type)
{
    return type >= DT_IPCP_OPT_DNS1 && type <= DT_IPCP_OPT_NBNS2 ? type - DT_IPCP_OPT_DNS1 : -1;
}

static uint32_t
cfg_ns(const DtIpcpConfig *cfg, int slot)
{
    return slot & 1 ? cfg->nbns[slot >> 1] : cfg->dns[slot >> 1];
}

static uint32_t *
neg_ns(DtIpcpNegotiated *n, int slot)
{
    return slot & 1 ? &n->nbns[slot >> 1] : &n->dns[slot >> 1];
}

static void
write_addr_option(DtWriter *w, uint8_t type, uint32_t a)
{
    dt_writer_u8(w, type);
    dt_writer_u8(w, 6);
    dt_writer_u32(w, a);
}

static void
reset_wants(DtIpcp *c)
{
    c->want_addr = c->cfg.local_addr;
    c->send_addr = c->cfg.role == DT_PPP_ROLE_PEER || c->cfg.local_addr != 0;
    for (int i = 0; i < 4; i++) {
        c->want_ns[i] = 0;
        c->send_ns[i] =
            c->cfg.role == DT_PPP_ROLE_PEER && (i & 1 ? c->cfg.request_nbns : c->cfg.request_dns);
    }
}

static void
ipcp_build_request(DtFsm *f, DtWriter *w)
{
    DtIpcp *c = ipcp_of(f);
    if (c->send_addr)
        write_addr_option(w, DT_IPCP_OPT_ADDRESS, c->want_addr);
    static const uint8_t order[] = {0, 2, 1, 3}; /* 129, 131, 130, 132 as Windows sends */
    for (int k = 0; k < 4; k++)
        if (c->send_ns[order[k]])
            write_addr_option(w, (uint8_t)(DT_IPCP_OPT_DNS1 + order[k]), c->want_ns[order[k]]);
}

static void
ipcp_acked(DtFsm *f)
{
    DtIpcp *c = ipcp_of(f);
    c->neg.local_addr = c->want_addr;
    for (int i = 0; i < 4; i++)
        *neg_ns(&c->neg, i) = c->send_ns[i] ? c->want_ns[i] : 0;
}

static bool
ipcp_nak_option(DtFsm *f, uint8_t type, const uint8_t *val, size_t vlen)
{
    DtIpcp *c = ipcp_of(f);
    if (type != DT_IPCP_OPT_ADDRESS && ns_slot(type) < 0)
        return true; /* hints for options we did not ask for */
    if (vlen != 4)
        return false;
    uint32_t a = dt_get_u32(val);
    char text[16];
    format_addr(text, sizeof(text), a);
    if (type == DT_IPCP_OPT_ADDRESS) {
        if (c->cfg.role != DT_PPP_ROLE_PEER)
            return true; /* our own address is ours to choose */
        if (!dt_ipcp_address_usable(a)) {
            char msg[DT_FSM_MAX_MESSAGE];
            snprintf(msg, sizeof(msg), "ipcp ip-address: the server offered %s, not usable", text);
            dt_fsm_fail(f, DT_REASON_ADDRESS_REFUSED, DT_IPCP_OPT_ADDRESS, msg, f->now);
            return true;
        }
        c->want_addr = a;
        return true;
    }
    int slot = ns_slot(type);
    if (!c->send_ns[slot])
        return true;
    /* RFC 1877: a name server at 0.0.0.0, loopback or multicast is no
     * answer; stop asking rather than apply it. */
    if (!dt_ipcp_address_usable(a)) {
        c->send_ns[slot] = false;
        snprintf(c->note, sizeof(c->note), "ipcp %s: ignored unusable %s",
                 dt_ipcp_option_name(type), text);
        return true;
    }
    c->want_ns[slot] = a;
    return true;
}

static bool
ipcp_reject_option(DtFsm *f, uint8_t type)
{
    DtIpcp *c = ipcp_of(f);
    if (type == DT_IPCP_OPT_ADDRESS) {
        c->send_addr = false;
        if (c->cfg.role == DT_PPP_ROLE_PEER && c->want_addr == 0)
            dt_fsm_fail(f, DT_REASON_NEGOTIATION_FAILED, DT_IPCP_OPT_ADDRESS,
                        "ipcp ip-address: the server will not assign an address", f->now);
        return true;
    }
    int slot = ns_slot(type);
    if (slot < 0)
        return false;
    c->send_ns[slot] = false;
    return true;
}

static void
ipcp_request_begin(DtFsm *f)
{
    ipcp_of(f)->pending_peer = 0;
}

static DtFsmOptVerdict
nak_with(DtWriter *nak, uint8_t type, uint32_t a)
{
    write_addr_option(nak, type, a);
    return DT_FSM_OPT_NAK;
}

static DtFsmOptVerdict
ipcp_check_option(DtFsm *f, uint8_t type, const uint8_t *val, size_t vlen, DtWriter *nak)
{
    DtIpcp *c = ipcp_of(f);
    bool auth = c->cfg.role == DT_PPP_ROLE_AUTHENTICATOR;
    if (vlen != 4)
        return DT_FSM_OPT_REJ; /* IP-Addresses (len 10), VJ (len ≥ 4 but not 6), junk */
    uint32_t a = dt_get_u32(val);
    if (type == DT_IPCP_OPT_ADDRESS) {
        if (auth && c->cfg.peer_addr) {
            if (a == c->cfg.peer_addr) {
                c->pending_peer = a;
                return DT_FSM_OPT_ACK;
            }
            return nak_with(nak, DT_IPCP_OPT_ADDRESS, c->cfg.peer_addr);
        }
        /* Peer role: the server's own address; or an authenticator with no
         * pool, taking the peer's.  Nothing to suggest for 0.0.0.0. */
        if (!dt_ipcp_address_usable(a))
            return DT_FSM_OPT_REJ;
        c->pending_peer = a;
        return DT_FSM_OPT_ACK;
    }
    int slot = ns_slot(type);
    if (slot >= 0 && auth) {
        uint32_t have = cfg_ns(&c->cfg, slot);
        if (!have)
            return DT_FSM_OPT_REJ; /* RFC 1877: never Nak with 0.0.0.0 */
        return a == have ? DT_FSM_OPT_ACK : nak_with(nak, type, have);
    }
    return DT_FSM_OPT_REJ; /* 1, 2, name servers offered to a peer, unknown */
}

static void
ipcp_request_done(DtFsm *f, uint8_t code)
{
    DtIpcp *c = ipcp_of(f);
    if (code == DT_FSM_CONF_ACK)
        c->neg.peer_addr = c->pending_peer;
}

static bool
ipcp_up(DtFsm *f)
{
    DtIpcp *c = ipcp_of(f);
    if (c->cfg.role == DT_PPP_ROLE_AUTHENTICATOR) {
        c->neg.local_addr = c->cfg.local_addr;
        for (int i = 0; i < 4; i++)
            *neg_ns(&c->neg, i) = cfg_ns(&c->cfg, i);
        return true;
    }
    uint32_t a = c->neg.local_addr;
    if (!dt_ipcp_address_usable(a) || a == c->neg.peer_addr) {
        char text[16], msg[DT_FSM_MAX_MESSAGE];
        format_addr(text, sizeof(text), a);
        snprintf(msg, sizeof(msg), "ipcp ip-address: %s is not usable%s", text,
                 a == c->neg.peer_addr ? " (it is the server's own)" : "");
        dt_fsm_fail(f, DT_REASON_ADDRESS_REFUSED, DT_IPCP_OPT_ADDRESS, msg, f->now);
        return false;
    }
    return true;
}

static void
ipcp_started(DtFsm *f)
{
    reset_wants(ipcp_of(f));
}

static void
ipcp_finished(DtFsm *f)
{
    reset_wants(ipcp_of(f));
}

static const DtFsmCallbacks ipcp_callbacks = {
    .name = "ipcp",
    .option_name = dt_ipcp_option_name,
    .build_request = ipcp_build_request,
    .request_begin = ipcp_request_begin,
    .check_option = ipcp_check_option,
    .request_done = ipcp_request_done,
    .acked = ipcp_acked,
    .nak_option = ipcp_nak_option,
    .reject_option = ipcp_reject_option,
    .up = ipcp_up,
    .started = ipcp_started,
    .finished = ipcp_finished,
};

void
dt_ipcp_init(DtIpcp *c, const DtIpcpConfig *cfg, const DtFsmOwner *owner, const DtFsmTimers *timers)
{
    memset(c, 0, sizeof(*c));
    c->cfg = *cfg;
    dt_fsm_init(&c->fsm, DT_PPP_PROTO_IPCP, &ipcp_callbacks, c, owner, timers);
    reset_wants(c);
}
