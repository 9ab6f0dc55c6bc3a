/* dt-ipv6cp.c — IPv6CP Interface-Identifier negotiation (RFC 5072 §4). */
#include "dt-ipv6cp.h"

static DtIpv6cp *
ipv6cp_of(DtFsm *f)
{
    return f->proto_ctx;
}

const char *
dt_ipv6cp_option_name(uint8_t type)
{
    switch (type) {
    case DT_IPV6CP_OPT_IID:
        return "interface-identifier";
    case DT_IPV6CP_OPT_COMPRESSION:
        return "ipv6-compression";
    default:
        return "unknown";
    }
}

static bool
iid_zero(const uint8_t iid[8])
{
    static const uint8_t zero[8];
    return memcmp(iid, zero, 8) == 0;
}

/* A random identifier that is neither zero nor equal to either given one. */
static void
random_iid(DtIpv6cp *c, const uint8_t *avoid1, const uint8_t *avoid2, uint8_t out[8])
{
    for (int i = 0; i < 8; i++) {
        dt_random_fill(&c->random, out, 8);
        if (!iid_zero(out) && (!avoid1 || memcmp(out, avoid1, 8) != 0) &&
            (!avoid2 || memcmp(out, avoid2, 8) != 0))
            return;
    }
    /* A broken random source: still satisfy the invariant. */
    memset(out, 0, 8);
    out[7] = (uint8_t)((avoid1 ? avoid1[7] : 0) + (avoid2 ? avoid2[7] : 0) + 1);
    if (out[7] == 0 || (avoid1 && memcmp(out, avoid1, 8) == 0) ||
        (avoid2 && memcmp(out, avoid2, 8) == 0))
        out[6] = 1;
}

static void
reset_wants(DtIpv6cp *c)
{
    c->send_iid = true;
    if (iid_zero(c->cfg.local_iid))
        random_iid(c, NULL, NULL, c->want);
    else
        memcpy(c->want, c->cfg.local_iid, 8);
}

static void
ipv6cp_build_request(DtFsm *f, DtWriter *w)
{
    DtIpv6cp *c = ipv6cp_of(f);
    if (!c->send_iid)
        return;
    dt_writer_u8(w, DT_IPV6CP_OPT_IID);
    dt_writer_u8(w, 10);
    dt_writer_bytes(w, c->want, 8);
}

static void
ipv6cp_acked(DtFsm *f)
{
    DtIpv6cp *c = ipv6cp_of(f);
    memcpy(c->neg.local_iid, c->want, 8);
}

static bool
ipv6cp_nak_option(DtFsm *f, uint8_t type, const uint8_t *val, size_t vlen)
{
    DtIpv6cp *c = ipv6cp_of(f);
    if (type != DT_IPV6CP_OPT_IID)
        return true;
    if (vlen != 8)
        return false;
    /* §4.1: take the suggestion unless it is zero or the peer's own. */
    if (!iid_zero(val) && memcmp(val, c->neg.peer_iid, 8) != 0)
        memcpy(c->want, val, 8);
    else {
        uint8_t old[8];
        memcpy(old, c->want, 8);
        random_iid(c, c->neg.peer_iid, old, c->want);
    }
    return true;
}

static bool
ipv6cp_reject_option(DtFsm *f, uint8_t type)
{
    DtIpv6cp *c = ipv6cp_of(f);
    if (type != DT_IPV6CP_OPT_IID)
        return false;
    c->send_iid = false;
    return true;
}

static void
ipv6cp_request_begin(DtFsm *f)
{
    memset(ipv6cp_of(f)->pending_peer, 0, 8);
}

static DtFsmOptVerdict
ipv6cp_check_option(DtFsm *f, uint8_t type, const uint8_t *val, size_t vlen, DtWriter *nak)
{
    DtIpv6cp *c = ipv6cp_of(f);
    if (type != DT_IPV6CP_OPT_IID || vlen != 8)
        return DT_FSM_OPT_REJ; /* IPv6-Compression-Protocol and the unknown */
    if (!iid_zero(val) && memcmp(val, c->want, 8) != 0) {
        memcpy(c->pending_peer, val, 8);
        return DT_FSM_OPT_ACK;
    }
    uint8_t suggestion[8];
    random_iid(c, c->want, val, suggestion);
    dt_writer_u8(nak, DT_IPV6CP_OPT_IID);
    dt_writer_u8(nak, 10);
    dt_writer_bytes(nak, suggestion, 8);
    return DT_FSM_OPT_NAK;
}

static void
ipv6cp_request_done(DtFsm *f, uint8_t code)
{
    DtIpv6cp *c = ipv6cp_of(f);
    if (code == DT_FSM_CONF_ACK)
        memcpy(c->neg.peer_iid, c->pending_peer, 8);
}

static void
ipv6cp_started(DtFsm *f)
{
    reset_wants(ipv6cp_of(f));
}

static const DtFsmCallbacks ipv6cp_callbacks = {
    .name = "ipv6cp",
    .option_name = dt_ipv6cp_option_name,
    .build_request = ipv6cp_build_request,
    .request_begin = ipv6cp_request_begin,
    .check_option = ipv6cp_check_option,
    .request_done = ipv6cp_request_done,
    .acked = ipv6cp_acked,
    .nak_option = ipv6cp_nak_option,
    .reject_option = ipv6cp_reject_option,
    .started = ipv6cp_started,
};

void
dt_ipv6cp_init(DtIpv6cp *c, const DtIpv6cpConfig *cfg, const DtRandom *random,
               const DtFsmOwner *owner, const DtFsmTimers *timers)
{
    memset(c, 0, sizeof(*c));
    c->cfg = *cfg;
    if (random)
        c->random = *random;
    dt_fsm_init(&c->fsm, DT_PPP_PROTO_IPV6CP, &ipv6cp_callbacks, c, owner, timers);
    reset_wants(c);
}
