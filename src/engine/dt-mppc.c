/* dt-mppc.c — MPPC (RFC 2118): an LZ77 coder over an 8192-octet history.
 *
 * Bit stream (RFC 2118 §4, MSB first, PROTOCOL.md §8):
 *   literal < 0x80      0 + 7 bits            literal ≥ 0x80   10 + 7 bits
 *   offset 1..63        1111 + 6 bits         64..319          1110 + 8 bits (off − 64)
 *   offset 320..8191    110 + 13 bits (off − 320)
 *   length 3            0
 *   length 2^k..2^(k+1)−1 (k = 2..12): (k − 1) ones, a zero, the low k bits
 *
 * The compressor finds matches with hash chains over 3-octet prefixes and
 * picks them by bit cost with one step of lazy evaluation.  The decoder
 * reads 64 bits at a time, so a whole copy tuple (at most 40 bits) decodes
 * from one load.
 */
#include "dt-mppc.h"

#include <string.h>

#define HIST DT_MPPC_HISTORY
#define MASK (HIST - 1)
#define MIN_MATCH 3
#define MAX_MATCH (HIST - 1)
#define DEFAULT_CHAIN 2
/* A match this long shortens the rest of the search. */
#define FAIR_MATCH 24
/* A match this long is taken without looking further. */
#define GOOD_MATCH 48
/* In a match longer than LONG_MATCH only every INSERT_STRIDE-th position
 * and the last INSERT_TAIL are inserted (INSERT_TAIL ≥ MIN_MATCH − 1 keeps
 * the stride's positions MIN_MATCH octets before the packet's end). */
#define LONG_MATCH 32
#define INSERT_STRIDE 64
#define INSERT_TAIL 2
_Static_assert(INSERT_TAIL >= MIN_MATCH - 1, "stride positions need MIN_MATCH octets");
/* Literals after which a packet that saved nothing is sent uncompressed. */
#define GIVE_UP_AFTER 512
/* Lazy evaluation for matches shorter than LAZY_MATCH, and for any match
 * whose offset costs 16 bits (≥ LAZY_FAR): in records that differ in a
 * counter, a far copy running past the counter loses to a literal and a
 * near copy of the previous record (seq: 12 % fewer octets). */
#define LAZY_MATCH 8
#define LAZY_FAR 320
/* After this many literals in a row the search steps over octets, one more
 * per SKIP_SHIFT-th further literal (LZ4's acceleration): random payloads
 * cost little, and text, where matches come often, never gets there. */
#define SKIP_AFTER 32
#define SKIP_SHIFT 4

/* ---- shared ------------------------------------------------------------ */

static unsigned
offset_bits(uint32_t off)
{
    return off < 64 ? 10 : off < 320 ? 12 : 16;
}

static unsigned
floor_log2(uint32_t v)
{
    return 31u - (unsigned)__builtin_clz(v);
}

static unsigned
length_bits(uint32_t len)
{
    return len == 3 ? 1 : 2 * floor_log2(len);
}

/* ---- compressor -------------------------------------------------------- */

typedef struct {
    uint8_t *out;
    size_t cap;
    size_t n;
    uint64_t acc;
    unsigned bits;
    bool full;
} BitWriter;

/* Whole octets of the accumulator go out 4 at a time; near the end of
 * the buffer, octet by octet, so a packet that fits exactly still does. */
static void
flush_octets(BitWriter *w)
{
    while (w->bits >= 8) {
        if (w->n >= w->cap) {
            w->full = true;
            return;
        }
        w->bits -= 8;
        w->out[w->n++] = (uint8_t)(w->acc >> w->bits);
    }
}

static inline void
put_bits(BitWriter *w, uint32_t v, unsigned nb)
{
    /* At most 31 bits wait and a code has at most 24 (lengths 4096 and
     * up): the 64-bit accumulator never loses a waiting bit. */
    w->acc = w->acc << nb | v;
    w->bits += nb;
    if (w->bits < 32)
        return;
    if (w->n + 4 > w->cap) {
        flush_octets(w);
        return;
    }
    w->bits -= 32;
    uint32_t word = (uint32_t)(w->acc >> w->bits);
    w->out[w->n] = (uint8_t)(word >> 24);
    w->out[w->n + 1] = (uint8_t)(word >> 16);
    w->out[w->n + 2] = (uint8_t)(word >> 8);
    w->out[w->n + 3] = (uint8_t)word;
    w->n += 4;
}

static inline void
put_literal(BitWriter *w, uint8_t b)
{
    if (b < 0x80)
        put_bits(w, b, 8);
    else
        put_bits(w, 0x100u | (b & 0x7Fu), 9);
}

static inline void
put_copy(BitWriter *w, uint32_t off, uint32_t len)
{
    if (off < 64)
        put_bits(w, 0x3C0u | off, 10);
    else if (off < 320)
        put_bits(w, 0xE00u | (off - 64), 12);
    else
        put_bits(w, 0xC000u | (off - 320), 16);
    if (len == 3) {
        put_bits(w, 0, 1);
    } else {
        unsigned k = floor_log2(len);
        uint32_t ones = (1u << (k - 1)) - 1;
        put_bits(w, ones << (k + 1) | (len & ((1u << k) - 1)), 2 * k);
    }
}

/* The three octets at p, hashed.  One 32-bit load: every caller has at
 * least three octets of the packet left at p, and a packet ends at least
 * DT_MPPC_END_GUARD + 1 octets before the history's end, so the fourth
 * octet (masked off) is still inside the history. */
static inline uint32_t
hash3(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v >>= 8;
#else
    v <<= 8;
#endif
    return (v * 2654435761u) >> (32 - DT_MPPC_HASH_BITS);
}

static inline uint32_t
match_length(const uint8_t *a, const uint8_t *b, uint32_t max)
{
    uint32_t n = 0;
    while (n + 8 <= max) {
        uint64_t x, y;
        memcpy(&x, a + n, 8);
        memcpy(&y, b + n, 8);
        uint64_t d = x ^ y;
        if (d)
            return n + (uint32_t)(__builtin_ctzll(d) >> 3);
        n += 8;
    }
    while (n < max && a[n] == b[n])
        n++;
    return n;
}

void
dt_mppc_compressor_init(DtMppcCompressor *c)
{
    memset(c, 0, sizeof(*c));
    /* Virtual positions start one history up so "v − 8192" never wraps. */
    c->vpos = HIST;
    c->vstart = HIST;
    c->flush_next = true; /* the first packet carries A|B (Dubiec) */
    c->max_chain = DEFAULT_CHAIN;
}

void
dt_mppc_compressor_clear(DtMppcCompressor *c)
{
    memset(c, 0, sizeof(*c));
}

void
dt_mppc_compressor_reset(DtMppcCompressor *c)
{
    c->flush_next = true;
}

typedef struct {
    uint32_t len;
    uint32_t off;
    int32_t saving; /* literal bits replaced minus the copy's bits */
} Match;

/* The best match for the octets at virtual position vq (history index q),
 * with `avail` octets of this packet left.  Candidates below vlimit are in
 * a cleared history or are being overwritten by this very packet. */
/* Inlined into both callers: the call and the returned struct were a
 * sixth of the mix stream's instructions. */
static inline __attribute__((always_inline)) Match
find_match(const DtMppcCompressor *c, uint32_t vq, uint32_t avail, uint32_t vlimit)
{
    Match best = {0, 0, 0};
    if (avail < MIN_MATCH)
        return best;
    const uint8_t *h = c->history;
    uint32_t q = vq & MASK;
    const uint8_t *cur = h + q;
    uint32_t cand = c->head[hash3(cur)];
    for (unsigned depth = c->max_chain; depth > 0 && cand >= vlimit && cand < vq; depth--) {
        uint32_t off = vq - cand;
        if (off > MAX_MATCH)
            break;
        uint32_t s = cand & MASK;
        /* Stay inside the history array (FreeRDP's decoder does not wrap a
         * copy's source) and, behind the front, inside what the peer's
         * decoder holds since the last A. */
        uint32_t end = s < q ? HIST : c->valid_end;
        uint32_t max = end <= s ? 0 : avail < end - s ? avail : end - s;
        if (max > best.len && h[s + best.len] == cur[best.len]) {
            uint32_t len = match_length(h + s, cur, max);
            if (len >= MIN_MATCH) {
                /* Literals counted at 8 bits: the 9 of octets ≥ 0x80
                 * changed no choice on the corpus and cost a second pass
                 * over every candidate. */
                int32_t saving =
                    (int32_t)(8 * len) - (int32_t)(offset_bits(off) + length_bits(len));
                if (saving > best.saving) {
                    best = (Match){len, off, saving};
                    if (len >= GOOD_MATCH || len == max)
                        break;
                    /* zlib's good_length: with a fair match in hand, look
                     * only a little further. */
                    if (len >= FAIR_MATCH && depth > 2)
                        depth = 2;
                }
            }
        }
        uint32_t next = c->prev[s];
        if (next >= cand)
            break; /* a link overwritten by a newer position */
        cand = next;
    }
    return best;
}

static inline void
insert(DtMppcCompressor *c, uint32_t v)
{
    uint32_t i = v & MASK;
    uint32_t hv = hash3(c->history + i);
    c->prev[i] = c->head[hv];
    c->head[hv] = v;
}

static size_t
send_uncompressed(DtMppcCompressor *c, size_t len, uint8_t *flags)
{
    /* RFC 2118: data that would grow goes as is; the history no longer
     * matches the peer's, so the next packet starts afresh with A. */
    *flags = c->flush_next ? (DT_MPPC_FLAG_A | DT_MPPC_FLAG_B) : 0;
    c->flush_next = true;
    c->stats.packets++;
    c->stats.octets_in += len;
    c->stats.octets_out += len;
    return 0;
}

size_t
dt_mppc_compress(DtMppcCompressor *c, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                 uint8_t *flags)
{
    *flags = 0;
    if (len == 0 || len > DT_MPPC_MAX_INPUT)
        return send_uncompressed(c, len, flags);

    /* Keep virtual positions far from wrapping; forgetting the old history
     * needs no flag because the physical position stays the same. */
    if (c->vpos > 0x7FFF0000u) {
        memset(c->head, 0, sizeof(c->head));
        memset(c->prev, 0, sizeof(c->prev));
        c->vpos = HIST + (c->vpos & MASK);
        c->vstart = c->vpos;
    }
    uint8_t f = 0;
    if (c->flush_next) {
        /* A fresh round, even from the front: positions of a packet that
         * went uncompressed must fall below vstart. */
        c->vpos = (c->vpos + HIST) & ~(uint32_t)MASK;
        c->vstart = c->vpos;
        c->valid_end = 0;
        f = DT_MPPC_FLAG_A | DT_MPPC_FLAG_B;
    } else if ((c->vpos & MASK) + len >= HIST - DT_MPPC_END_GUARD) {
        /* §3.1 / PROTOCOL.md §8: restart at the front, keep the contents. */
        c->vpos = (c->vpos + MASK) & ~(uint32_t)MASK;
        f = DT_MPPC_FLAG_B;
    }
    uint32_t vp = c->vpos;
    uint32_t p = vp & MASK;
    uint32_t n = (uint32_t)len;
    memcpy(c->history + p, in, n);

    /* Old octets at the indices this packet overwrites are gone. */
    uint32_t vlimit = vp + n - HIST;
    if (vlimit < c->vstart)
        vlimit = c->vstart;

    size_t limit = cap < len - 1 ? cap : len - 1;
    BitWriter w = {out, limit, 0, 0, 0, false};
    uint32_t i = 0, misses = 0;
    Match next = {0, 0, 0};
    bool have_next = false;
    while (i < n && !w.full) {
        uint32_t avail = n - i;
        Match m = have_next ? next : find_match(c, vp + i, avail, vlimit);
        have_next = false;
        if (avail >= MIN_MATCH)
            insert(c, vp + i);
        if (m.len >= MIN_MATCH && (m.len < LAZY_MATCH || m.off >= LAZY_FAR) && avail > m.len) {
            /* Lazy evaluation: a better match one octet on wins over this one. */
            next = find_match(c, vp + i + 1, avail - 1, vlimit);
            have_next = true;
            int32_t lit = in[i] < 0x80 ? 8 : 9;
            if (next.saving - lit > m.saving)
                m.len = 0;
        }
        if (m.len < MIN_MATCH) {
            uint32_t run = 1;
            if (++misses > SKIP_AFTER) {
                run += (misses - SKIP_AFTER) >> SKIP_SHIFT;
                if (run > n - i)
                    run = n - i;
                if (run > 1)
                    have_next = false; /* it was for the octet after this one */
            }
            uint32_t before = i;
            for (uint32_t e = i + run; i < e; i++)
                put_literal(&w, in[i]);
            /* Incompressible data (encrypted or already compressed
             * payloads) goes uncompressed anyway: stop searching once the
             * first part has saved nothing. */
            if (before < GIVE_UP_AFTER && i >= GIVE_UP_AFTER && w.n + w.bits / 8 >= i &&
                n - i > GIVE_UP_AFTER / 2) {
                w.full = true;
                break;
            }
            continue;
        }
        misses = 0;
        put_copy(&w, m.off, m.len);
        have_next = false;
        /* Positions with fewer than MIN_MATCH octets left start no match. */
        uint32_t k_end = n - i - (MIN_MATCH - 1) < m.len ? n - i - (MIN_MATCH - 1) : m.len;
        uint32_t k = 1;
        if (m.len > LONG_MATCH) {
            /* Inside a long match every INSERT_STRIDE-th position and the
             * last INSERT_TAIL seed later matches: a later copy of the
             * same octets is found from the match's start, and the
             * repeats that break off inside it (a counter in each line)
             * from where it ends.  Inserting every position nearly
             * doubled the time on seq and the mix for 0.4–0.6 % of
             * output.  Middle positions stay below m.len − INSERT_TAIL,
             * at most k_end. */
            for (; k < m.len - INSERT_TAIL; k += INSERT_STRIDE)
                insert(c, vp + i + k);
            k = m.len - INSERT_TAIL;
        }
        for (; k < k_end; k++)
            insert(c, vp + i + k);
        i += m.len;
    }
    if (!w.full)
        flush_octets(&w);
    if (!w.full && w.bits > 0) {
        /* Zero-pad the last octet (fewer than 8 bits: the decoder stops). */
        if (w.n < w.cap)
            w.out[w.n++] = (uint8_t)(w.acc << (8 - w.bits));
        else
            w.full = true;
    }
    if (w.full)
        return send_uncompressed(c, len, flags);

    c->vpos = vp + n;
    if (p + n > c->valid_end)
        c->valid_end = p + n;
    c->flush_next = false;
    *flags = f | DT_MPPC_FLAG_C;
    c->stats.packets++;
    c->stats.compressed++;
    c->stats.octets_in += len;
    c->stats.octets_out += w.n;
    return w.n;
}

/* ---- decompressor ------------------------------------------------------ */

void
dt_mppc_decompressor_init(DtMppcDecompressor *d)
{
    memset(d, 0, sizeof(*d));
}

void
dt_mppc_decompressor_clear(DtMppcDecompressor *d)
{
    memset(d, 0, sizeof(*d));
}

static inline uint64_t
load_be64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return __builtin_bswap64(v);
}

/* Copies len octets from offset off back, octet by octet in meaning (an
 * overlapping copy repeats), in large moves where that is the same. */
static inline void
copy_match(uint8_t *h, uint32_t pos, uint32_t src, uint32_t off, uint32_t len)
{
    if (src + len <= HIST && (off >= len || src > pos)) {
        /* Source wholly behind the destination, or wholly in the old
         * octets ahead of it (after B): a plain move. */
        memmove(h + pos, h + src, len);
        return;
    }
    if (src < pos && off == 1) {
        memset(h + pos, h[src], len);
        return;
    }
    if (src < pos && off >= 8) {
        uint32_t k = 0;
        for (; k + 8 <= len; k += 8)
            memcpy(h + pos + k, h + src + k, 8);
        for (; k < len; k++)
            h[pos + k] = h[src + k];
        return;
    }
    for (uint32_t k = 0; k < len; k++)
        h[pos + k] = h[(src + k) & MASK];
}

static DtMppcResult
decode(DtMppcDecompressor *d, const uint8_t *in, size_t len)
{
    uint8_t *h = d->history;
    uint32_t pos = d->pos;
    uint32_t valid_end = d->valid_end;
    const size_t nbits = len * 8;
    size_t bp = 0;
    /* The last octets, zero-padded, so a 64-bit load never reads past in[len). */
    uint8_t tail[16] = {0};
    size_t tail_base = len >= 8 ? len - 8 : 0;
    memcpy(tail, in + tail_base, len - tail_base);
    DtMppcResult r = DT_MPPC_OK;

    while (bp + 8 <= nbits) {
        size_t byte = bp >> 3;
        uint64_t v = byte + 8 <= len ? load_be64(in + byte) : load_be64(tail + (byte - tail_base));
        v <<= bp & 7;
        if (!(v >> 63) || (v >> 62) == 2) {
            /* Literal: 0xxxxxxx, or 10 + 7 bits for 0x80..0xFF. */
            if (pos >= HIST) {
                r = DT_MPPC_ERR_OVERFLOW;
                break;
            }
            if (!(v >> 63)) {
                /* A run of 0xxxxxxx literals (text, headers) from the one load: v holds at
                 * least 57 valid bits, so up to 7 of them, each checked against the input's
                 * end and the history's. */
                unsigned k = 0;
                do {
                    h[pos++] = (uint8_t)(v >> 56);
                    bp += 8;
                    v <<= 8;
                } while (++k < 7 && !(v >> 63) && pos < HIST && bp + 8 <= nbits);
            } else {
                h[pos++] = (uint8_t)(0x80 | ((v >> 55) & 0x7F));
                bp += 9;
            }
            continue;
        }
        uint32_t off;
        unsigned used;
        if ((v >> 60) == 0xF) {
            off = (uint32_t)(v >> 54) & 0x3F;
            used = 10;
        } else if ((v >> 60) == 0xE) {
            off = ((uint32_t)(v >> 52) & 0xFF) + 64;
            used = 12;
        } else {
            off = ((uint32_t)(v >> 48) & 0x1FFF) + 320;
            used = 16;
        }
        uint64_t lv = v << used;
        uint32_t mlen;
        unsigned ones = ~lv ? (unsigned)__builtin_clzll(~lv) : 64;
        if (ones == 0) {
            mlen = 3;
            used += 1;
        } else {
            unsigned k = ones + 1;
            if (k > 12) {
                r = DT_MPPC_ERR_BAD_LENGTH;
                break;
            }
            mlen = (1u << k) | (uint32_t)((lv << (ones + 1)) >> (64 - k));
            used += 2 * k;
        }
        bp += used;
        if (bp > nbits) {
            r = DT_MPPC_ERR_TRUNCATED;
            break;
        }
        if (off == 0 || off >= HIST) {
            /* "110" + 13 bits reaches 8511: past the history. */
            r = DT_MPPC_ERR_BAD_OFFSET;
            break;
        }
        if (mlen > HIST - pos) {
            r = DT_MPPC_ERR_OVERFLOW;
            break;
        }
        uint32_t src;
        if (off <= pos) {
            src = pos - off;
        } else {
            /* Behind the front: the octets kept from before B (RFC 2118
             * §3.1), which must have been written since the last A. */
            src = pos + HIST - off;
            uint32_t last = src + mlen < HIST ? src + mlen : HIST;
            if (last > valid_end || (src + mlen > HIST && valid_end < HIST)) {
                r = DT_MPPC_ERR_BAD_OFFSET;
                break;
            }
        }
        copy_match(h, pos, src, off, mlen);
        pos += mlen;
    }
    if (r == DT_MPPC_OK && bp > nbits)
        r = DT_MPPC_ERR_TRUNCATED;
    d->pos = pos;
    return r;
}

DtMppcResult
dt_mppc_decompress(DtMppcDecompressor *d, const uint8_t *in, size_t len, uint8_t flags,
                   const uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (flags & DT_MPPC_FLAG_A) {
        /* §4.3: a flushed packet starts a fresh history and resynchronises. */
        d->pos = 0;
        d->valid_end = 0;
        d->broken = false;
    } else if (d->broken) {
        d->stats.errors[DT_MPPC_ERR_NEED_FLUSH]++;
        return DT_MPPC_ERR_NEED_FLUSH;
    }
    if (flags & DT_MPPC_FLAG_B) {
        d->pos = 0;
        if (!(flags & DT_MPPC_FLAG_A) && d->valid_end < HIST) {
            /* Behind the front now lies the whole history, which A cleared
             * to zeros (FreeRDP and Dubiec zero it, and FreeRDP's
             * compressor does match those zeros): clear what was not
             * written since, once per round instead of on every A. */
            memset(d->history + d->valid_end, 0, HIST - d->valid_end);
            d->valid_end = HIST;
        }
    }
    if (!(flags & DT_MPPC_FLAG_C)) {
        *out = in;
        *out_len = len;
        d->stats.packets++;
        d->stats.octets_out += len;
        return DT_MPPC_OK;
    }
    uint32_t start = d->pos;
    DtMppcResult r = decode(d, in, len);
    if (r != DT_MPPC_OK) {
        d->broken = true;
        d->stats.errors[r]++;
        return r;
    }
    if (d->pos > d->valid_end)
        d->valid_end = d->pos;
    *out = d->history + start;
    *out_len = d->pos - start;
    d->stats.packets++;
    d->stats.octets_out += *out_len;
    return DT_MPPC_OK;
}

const char *
dt_mppc_result_to_string(DtMppcResult r)
{
    switch (r) {
    case DT_MPPC_OK:
        return "ok";
    case DT_MPPC_ERR_TRUNCATED:
        return "truncated";
    case DT_MPPC_ERR_BAD_OFFSET:
        return "bad-offset";
    case DT_MPPC_ERR_BAD_LENGTH:
        return "bad-length";
    case DT_MPPC_ERR_OVERFLOW:
        return "overflow";
    case DT_MPPC_ERR_NEED_FLUSH:
        return "need-flush";
    }
    return "unknown";
}
