/* dt-mppe.c — MPPE data encryption (RFC 3078), sans-IO, in place. */
#include "dt-mppe.h"

#include <string.h>

#include "dt-buf.h"

#define CCOUNT_MASK 0x0FFF

bool
dt_mppe_protocol_is_encrypted(uint16_t protocol)
{
    return protocol >= 0x0021 && protocol <= 0x00FA;
}

size_t
dt_mppe_parse_protocol(const uint8_t *p, size_t len, uint16_t *protocol)
{
    if (len < 1)
        return 0;
    if (p[0] & 1) {
        /* RFC 1661 §6.5 PFC: a 1-octet field holds an odd protocol < 0x100. */
        *protocol = p[0];
        return 1;
    }
    /* RFC 1661 §2: the low octet of every protocol number is odd. */
    if (len < 2 || !(p[1] & 1))
        return 0;
    *protocol = dt_get_u16(p);
    return 2;
}

static bool
is_flag_count(uint16_t cc)
{
    /* RFC 3078 §8.2: the key changes before every packet whose count ends in 0xFF. */
    return (cc & 0xFF) == 0xFF;
}

static bool
valid_config(const DtMppeConfig *cfg)
{
    return cfg->bits == DT_MPPE_BITS_40 || cfg->bits == DT_MPPE_BITS_56 ||
           cfg->bits == DT_MPPE_BITS_128;
}

/* ---- transmit ---------------------------------------------------------- */

bool
dt_mppe_tx_init(DtMppeTx *tx, const DtCrypto *c, const DtMppeConfig *cfg, const uint8_t *start_key)
{
    memset(tx, 0, sizeof(*tx));
    if (!valid_config(cfg))
        return false;
    tx->cfg = *cfg;
    tx->ccount = CCOUNT_MASK; /* so the first packet has count 0 */
    tx->rc4 = dt_rc4_new(c);
    if (!tx->rc4 || !dt_mppe_key_ctx_init(&tx->keys, c, start_key, cfg->bits) ||
        !dt_mppe_key_ctx_initial(&tx->keys, cfg->bits, tx->session_key) ||
        !dt_rc4_set_key(tx->rc4, tx->session_key, tx->keys.key_len)) {
        dt_mppe_tx_clear(tx);
        return false;
    }
    /* RFC 3078 §3.1 wants A on the first packet; Linux mainline does not set
     * it, and its receiver would change the key on an A. */
    tx->flush_next = cfg->compat == DT_MPPE_COMPAT_RFC;
    return true;
}

void
dt_mppe_tx_clear(DtMppeTx *tx)
{
    if (tx->rc4)
        dt_mppe_key_ctx_clear(&tx->keys);
    dt_rc4_free(tx->rc4);
    dt_wipe(tx, sizeof(*tx));
}

static bool
tx_change_key(DtMppeTx *tx)
{
    tx->stats.key_changes++;
    return dt_mppe_key_ctx_change_key(&tx->keys, tx->cfg.bits, tx->session_key);
}

size_t
dt_mppe_tx_encrypt(DtMppeTx *tx, uint8_t *payload, size_t len, uint8_t mppc_flags)
{
    if (!tx->rc4 || len == 0)
        return 0;
    uint16_t cc = (uint16_t)((tx->ccount + 1) & CCOUNT_MASK);
    /* MPPC's A (history reset) shares the header bit, so it also means
     * "RC4 re-initialised" to the receiver. */
    bool flush = tx->flush_next || (mppc_flags & DT_MPPE_FLAG_A);
    bool ok = true;

    if (tx->cfg.stateless) {
        /* §8.1: a key change before every packet, including the first. */
        ok = tx_change_key(tx);
        flush = true;
    } else if (tx->cfg.compat == DT_MPPE_COMPAT_LINUX) {
        /* Linux mppe_compress: flag packets and resets both change the key
         * (an A on the very first packet, which only MPPC asks for, does
         * not: the receiver treats it alike). */
        if (is_flag_count(cc) || (flush && tx->stats.packets > 0)) {
            ok = tx_change_key(tx);
            flush = true;
        }
    } else if (is_flag_count(cc)) {
        /* §8.2: flag packets change the key and must carry A. */
        ok = tx_change_key(tx);
        flush = true;
    }
    if (ok && flush)
        ok = dt_rc4_set_key(tx->rc4, tx->session_key, tx->keys.key_len);
    if (!ok || !dt_rc4_crypt(tx->rc4, payload, payload, len))
        return 0;

    uint8_t *frame = payload - DT_MPPE_HEADROOM;
    dt_put_u16(frame, DT_MPPE_PROTOCOL);
    uint8_t flags = (uint8_t)(DT_MPPE_FLAG_D | (mppc_flags & (DT_MPPE_FLAG_B | DT_MPPE_FLAG_C)) |
                              (flush ? DT_MPPE_FLAG_A : 0));
    dt_put_u16(frame + 2, (uint16_t)(flags << 8 | cc));
    tx->ccount = cc;
    tx->flush_next = false;
    tx->stats.packets++;
    tx->stats.octets += len;
    return len + DT_MPPE_HEADROOM;
}

void
dt_mppe_tx_reset(DtMppeTx *tx)
{
    /* §8.2: answer a Reset-Request by flushing on the next packet. */
    tx->stats.resets++;
    if (!tx->cfg.stateless)
        tx->flush_next = true;
}

const DtMppeTxStats *
dt_mppe_tx_stats(const DtMppeTx *tx)
{
    return &tx->stats;
}

/* ---- receive ----------------------------------------------------------- */

bool
dt_mppe_rx_init(DtMppeRx *rx, const DtCrypto *c, const DtMppeConfig *cfg, const uint8_t *start_key)
{
    memset(rx, 0, sizeof(*rx));
    if (!valid_config(cfg))
        return false;
    rx->cfg = *cfg;
    rx->ccount = CCOUNT_MASK;
    rx->rc4 = dt_rc4_new(c);
    if (!rx->rc4 || !dt_mppe_key_ctx_init(&rx->keys, c, start_key, cfg->bits) ||
        !dt_mppe_key_ctx_initial(&rx->keys, cfg->bits, rx->session_key) ||
        !dt_rc4_set_key(rx->rc4, rx->session_key, rx->keys.key_len)) {
        dt_mppe_rx_clear(rx);
        return false;
    }
    return true;
}

void
dt_mppe_rx_clear(DtMppeRx *rx)
{
    if (rx->rc4)
        dt_mppe_key_ctx_clear(&rx->keys);
    dt_rc4_free(rx->rc4);
    dt_wipe(rx, sizeof(*rx));
}

static DtMppeRxResult
rx_drop(DtMppeRx *rx, DtMppeRxResult r)
{
    rx->stats.dropped[r]++;
    if (r == DT_MPPE_RX_NOT_ENCRYPTED || r == DT_MPPE_RX_NO_FLUSH || r == DT_MPPE_RX_BAD_PROTOCOL)
        rx->stats.sanity_errors++;
    return r;
}

static bool
rx_change_key(DtMppeRx *rx)
{
    rx->stats.key_changes++;
    return dt_mppe_key_ctx_change_key(&rx->keys, rx->cfg.bits, rx->session_key);
}

/* §8.1: (count − last) mod 4096 key changes, remembering the last keys so a
 * packet reordered behind a newer one still decrypts (once). */
static DtMppeRxResult
rx_stateless_key(DtMppeRx *rx, uint16_t cc, const uint8_t **key)
{
    unsigned ahead = (unsigned)(cc - rx->ccount) & CCOUNT_MASK;
    if (rx->started && ahead == 0)
        return DT_MPPE_RX_DUPLICATE;
    if (ahead == 0 || ahead > DT_MPPE_MAX_AHEAD) {
        /* Behind us: only the reorder window can still decrypt it. */
        unsigned behind = (unsigned)(rx->ccount - cc) & CCOUNT_MASK;
        DtMppeKeySlot *w = &rx->window[cc % DT_MPPE_REORDER_WINDOW];
        if (!rx->started || behind >= DT_MPPE_REORDER_WINDOW || !w->valid || w->ccount != cc)
            return DT_MPPE_RX_LATE;
        if (w->seen)
            return DT_MPPE_RX_DUPLICATE;
        w->seen = true;
        *key = w->key;
        return DT_MPPE_RX_OK;
    }
    for (unsigned i = 1; i <= ahead; i++) {
        if (!rx_change_key(rx))
            return DT_MPPE_RX_CRYPTO;
        uint16_t c = (uint16_t)((rx->ccount + i) & CCOUNT_MASK);
        if (ahead - i < DT_MPPE_REORDER_WINDOW) {
            DtMppeKeySlot *w = &rx->window[c % DT_MPPE_REORDER_WINDOW];
            memcpy(w->key, rx->session_key, sizeof(w->key));
            w->ccount = c;
            w->valid = true;
            w->seen = i == ahead;
        }
    }
    rx->stats.losses += ahead - 1;
    rx->ccount = cc;
    rx->started = true;
    *key = rx->session_key;
    return DT_MPPE_RX_OK;
}

/* §8.2 resynchronisation on a packet with A at count cc: catch up with the
 * key changes the sender made since our last packet, then restart RC4. */
static bool
rx_stateful_resync(DtMppeRx *rx, uint16_t cc)
{
    unsigned ahead = (unsigned)(cc - rx->ccount) & CCOUNT_MASK;
    unsigned changes = 0;
    /* One change per flag packet missed between our last packet and this one. */
    for (unsigned i = 1; i < ahead; i++)
        if (is_flag_count((uint16_t)((rx->ccount + i) & CCOUNT_MASK)))
            changes++;
    if (rx->cfg.compat == DT_MPPE_COMPAT_LINUX) {
        /* Linux mppe_decompress changes the key for every A — except that a
         * Linux sender never flushes its first packet, and an RFC sender
         * that does so has changed nothing. */
        if (rx->started || cc != 0)
            changes++;
    } else if (ahead > 0 && is_flag_count(cc)) {
        changes++;
    }
    for (unsigned i = 0; i < changes; i++)
        if (!rx_change_key(rx))
            return false;
    rx->ccount = cc;
    rx->started = true;
    rx->discard = false;
    return dt_rc4_set_key(rx->rc4, rx->session_key, rx->keys.key_len);
}

static DtMppeRxResult
rx_stateful(DtMppeRx *rx, uint16_t cc, bool flushed)
{
    uint16_t expected = (uint16_t)((rx->ccount + 1) & CCOUNT_MASK);
    if (flushed) {
        if (cc != expected && !rx->discard)
            rx->stats.losses++;
        return rx_stateful_resync(rx, cc) ? DT_MPPE_RX_OK : DT_MPPE_RX_CRYPTO;
    }
    if (rx->discard)
        return DT_MPPE_RX_DISCARDING;
    if (cc != expected) {
        /* §8.2: the keystream position is lost; ask the sender to flush. */
        rx->discard = true;
        rx->reset_pending = true;
        rx->stats.losses++;
        return DT_MPPE_RX_LOSS;
    }
    rx->ccount = cc;
    rx->started = true;
    return DT_MPPE_RX_OK;
}

DtMppeRxResult
dt_mppe_rx_decrypt(DtMppeRx *rx, uint8_t *pkt, size_t len, DtMppeRxPacket *out)
{
    memset(out, 0, sizeof(*out));
    if (!rx->rc4)
        return DT_MPPE_RX_CRYPTO;
    if (len < DT_MPPE_HEADER_LEN + 1)
        return rx_drop(rx, DT_MPPE_RX_SHORT);
    uint16_t hdr = dt_get_u16(pkt);
    uint8_t flags = (uint8_t)(hdr >> 8) & 0xF0;
    uint16_t cc = hdr & CCOUNT_MASK;
    bool flushed = flags & DT_MPPE_FLAG_A;

    /* Sanity checks as Linux ppp_mppe.c makes them (RFC 3078 §3, §8). */
    if (!(flags & DT_MPPE_FLAG_D))
        return rx_drop(rx, DT_MPPE_RX_NOT_ENCRYPTED);
    if (!flushed && (rx->cfg.stateless || is_flag_count(cc)))
        return rx_drop(rx, DT_MPPE_RX_NO_FLUSH);

    uint8_t *data = pkt + DT_MPPE_HEADER_LEN;
    size_t n = len - DT_MPPE_HEADER_LEN;
    if (rx->cfg.stateless) {
        const uint8_t *key = NULL;
        DtMppeRxResult r = rx_stateless_key(rx, cc, &key);
        if (r != DT_MPPE_RX_OK)
            return rx_drop(rx, r);
        if (!dt_rc4_set_key(rx->rc4, key, rx->keys.key_len))
            return rx_drop(rx, DT_MPPE_RX_CRYPTO);
    } else {
        DtMppeRxResult r = rx_stateful(rx, cc, flushed);
        if (r != DT_MPPE_RX_OK)
            return rx_drop(rx, r);
    }
    if (!dt_rc4_crypt(rx->rc4, data, data, n))
        return rx_drop(rx, DT_MPPE_RX_CRYPTO);

    out->flags = flags;
    out->ccount = cc;
    out->data = data;
    out->len = n;
    if (!(flags & DT_MPPE_FLAG_C)) {
        /* Not MPPC-compressed: the inner protocol, maybe PFC (PROTOCOL.md §7). */
        size_t used = dt_mppe_parse_protocol(data, n, &out->protocol);
        if (used == 0)
            return rx_drop(rx, DT_MPPE_RX_BAD_PROTOCOL);
        out->info = data + used;
        out->info_len = n - used;
    }
    rx->stats.packets++;
    rx->stats.octets += n;
    return DT_MPPE_RX_OK;
}

bool
dt_mppe_rx_poll_reset_request(DtMppeRx *rx)
{
    bool r = rx->reset_pending;
    rx->reset_pending = false;
    return r;
}

bool
dt_mppe_rx_discarding(const DtMppeRx *rx)
{
    return rx->discard;
}

const DtMppeRxStats *
dt_mppe_rx_stats(const DtMppeRx *rx)
{
    return &rx->stats;
}

const char *
dt_mppe_rx_result_to_string(DtMppeRxResult r)
{
    switch (r) {
    case DT_MPPE_RX_OK:
        return "ok";
    case DT_MPPE_RX_SHORT:
        return "short";
    case DT_MPPE_RX_NOT_ENCRYPTED:
        return "not-encrypted";
    case DT_MPPE_RX_NO_FLUSH:
        return "no-flush";
    case DT_MPPE_RX_LATE:
        return "late";
    case DT_MPPE_RX_DUPLICATE:
        return "duplicate";
    case DT_MPPE_RX_LOSS:
        return "loss";
    case DT_MPPE_RX_DISCARDING:
        return "discarding";
    case DT_MPPE_RX_BAD_PROTOCOL:
        return "bad-protocol";
    case DT_MPPE_RX_CRYPTO:
        return "crypto";
    }
    return "unknown";
}
