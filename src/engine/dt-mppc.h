/* dt-mppc.h — MPPC compression (RFC 2118, 8 KB history), sans-IO.
 *
 * The input of the compressor is what PPP would send: the 2-octet protocol
 * field ‖ information field.  The output travels as protocol 0x00FD behind
 * the shared A/B/C/D + coherency-count header (dt-mppe.h); these modules
 * return and take the A/B/C flags of that header (DT_MPPE_FLAG_*, the same
 * bit values):
 *
 *   A  history cleared (and, with MPPE, RC4 re-initialised)
 *   B  history write position back to 0, contents kept
 *   C  the data is compressed; without C it is the input as is
 *
 * Both sides keep their 8192-octet history inside the struct; nothing is
 * allocated per packet.  The decompressor validates every copy: whatever
 * the input, it reads and writes only inside its history (RFC 2118 §4).
 */
#ifndef DT_MPPC_H
#define DT_MPPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DT_MPPC_HISTORY 8192
#define DT_MPPC_FLAG_A 0x80
#define DT_MPPC_FLAG_B 0x40
#define DT_MPPC_FLAG_C 0x20
/* A packet must end this far before the history end or restart at the
 * front (FreeRDP's rule, stricter than Dubiec's, so both accept us). */
#define DT_MPPC_END_GUARD 3
/* The longest input the compressor can compress (longer goes uncompressed). */
#define DT_MPPC_MAX_INPUT (DT_MPPC_HISTORY - DT_MPPC_END_GUARD - 1)
#define DT_MPPC_HASH_BITS 14

typedef struct {
    uint64_t packets;
    uint64_t compressed; /* sent with C */
    uint64_t octets_in;
    uint64_t octets_out; /* on the wire, uncompressed packets included */
} DtMppcCompressorStats;

typedef struct {
    uint8_t history[DT_MPPC_HISTORY];
    /* Hash chains over virtual positions (history index = v mod 8192);
     * a virtual position below vstart belongs to a cleared history. */
    uint32_t head[1u << DT_MPPC_HASH_BITS];
    uint32_t prev[DT_MPPC_HISTORY];
    uint32_t litcost[DT_MPPC_HISTORY + 1]; /* prefix sums of literal bit costs */
    uint32_t vpos;
    uint32_t vstart;
    uint32_t valid_end; /* history [0, valid_end) written since the last A */
    bool flush_next;
    unsigned max_chain; /* match candidates tried per position */
    DtMppcCompressorStats stats;
} DtMppcCompressor;

typedef enum {
    DT_MPPC_OK = 0,
    DT_MPPC_ERR_TRUNCATED,  /* a code runs past the end of the data */
    DT_MPPC_ERR_BAD_OFFSET, /* copy offset 0 or ≥ 8192, or before the history start */
    DT_MPPC_ERR_BAD_LENGTH, /* an impossible length code */
    DT_MPPC_ERR_OVERFLOW,   /* output would run past the 8192-octet history */
    DT_MPPC_ERR_NEED_FLUSH, /* history lost after an error: dropped until A */
} DtMppcResult;

typedef struct {
    uint64_t packets;
    uint64_t octets_out;
    uint64_t errors[DT_MPPC_ERR_NEED_FLUSH + 1]; /* by DtMppcResult */
} DtMppcDecompressorStats;

typedef struct {
    uint8_t history[DT_MPPC_HISTORY];
    uint32_t pos;
    /* Octets [0, valid_end) hold history since the last A: what was
     * written, or after a B the whole (zero-filled) buffer. */
    uint32_t valid_end;
    bool broken;
    DtMppcDecompressorStats stats;
} DtMppcDecompressor;

void dt_mppc_compressor_init(DtMppcCompressor *c);
void dt_mppc_compressor_clear(DtMppcCompressor *c);
/* The peer lost sync (CCP Reset-Request, RFC 2118 §4.3): clear the history
 * and set A on the next packet. */
void dt_mppc_compressor_reset(DtMppcCompressor *c);
/* Compresses in[0..len) into out[0..cap).  *flags gets the header's A/B/C
 * bits.  With C set, out[0..return) is the packet; with C clear the input
 * goes as is (it would have grown) and 0 is returned.  out needs at most
 * len octets: a result that is not smaller is not used. */
size_t dt_mppc_compress(DtMppcCompressor *c, const uint8_t *in, size_t len, uint8_t *out,
                        size_t cap, uint8_t *flags);

void dt_mppc_decompressor_init(DtMppcDecompressor *d);
void dt_mppc_decompressor_clear(DtMppcDecompressor *d);
/* Decompresses one packet with its header flags.  On DT_MPPC_OK *out points
 * at the packet's octets (inside the history, or in itself when C is clear),
 * valid until the next call.  An error leaves the history unusable until a
 * packet with A: the caller sends a CCP Reset-Request. */
DtMppcResult dt_mppc_decompress(DtMppcDecompressor *d, const uint8_t *in, size_t len, uint8_t flags,
                                const uint8_t **out, size_t *out_len);

const char *dt_mppc_result_to_string(DtMppcResult r);

#endif /* DT_MPPC_H */
