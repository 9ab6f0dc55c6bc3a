/* dt-hdlc.h — RFC 1662 asynchronous HDLC-like framing for serial links.
 *
 * Only the dial-up link uses this: inside PPTP's GRE there are no flags,
 * escapes or FCS (PROTOCOL.md §2).  A "frame" here is what the PPP layer
 * sees: address/control (unless ACFC), protocol, information and padding;
 * this module adds and removes the flags (§3), the transparency escapes
 * (§4.2) and the FCS (§3.1, Appendix C).  PFC/ACFC and "LCP codes 1–7 go out
 * with the full ACCM" (§7.1) are the PPP layer's business: it passes the
 * ACCM to use for each frame.
 */
#ifndef DT_HDLC_H
#define DT_HDLC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DT_HDLC_FLAG 0x7E
#define DT_HDLC_ESCAPE 0x7D
#define DT_HDLC_TRANS 0x20 /* escaped octets are sent XOR 0x20 (§4.2) */

/* RFC 1662 §7.1: until LCP negotiates otherwise every control character is escaped. */
#define DT_HDLC_DEFAULT_ACCM 0xFFFFFFFFu

typedef enum {
    DT_HDLC_FCS_16 = 16,
    DT_HDLC_FCS_32 = 32, /* RFC 1570 FCS-Alternatives, Appendix C.3 */
} DtHdlcFcs;

/* Octets the FCS occupies on the wire: 2 or 4. */
size_t dt_hdlc_fcs_len(DtHdlcFcs fcs);

/* The largest encoding of a len-octet frame: two flags, and every octet of
 * the frame and the FCS escaped.  A buffer this size always suffices. */
#define DT_HDLC_ENCODED_MAX(len) (2 + 2 * ((size_t)(len) + 4))

/* Leave out the opening flag: §3 lets back-to-back frames share one flag,
 * so a sender that knows its previous frame's closing flag is still the
 * last thing on the line may omit it. */
#define DT_HDLC_ENCODE_NO_OPEN_FLAG 0x1u

/* Encodes one frame: [flag] escaped(frame ‖ ~FCS, LSB first) flag.  Octets
 * below 0x20 whose bit is set in accm (bit n = character n, §7.1), and
 * always 0x7E and 0x7D, are sent as 7D (c ^ 0x20).  Returns the encoded
 * length; when that exceeds cap, out holds nothing usable and the caller
 * retries with at least the returned size.  Allocates nothing. */
size_t dt_hdlc_encode(const uint8_t *frame, size_t len, uint32_t accm, DtHdlcFcs fcs,
                      unsigned flags, uint8_t *out, size_t cap);

typedef struct {
    size_t max_frame;   /* largest frame yielded, FCS excluded (e.g. MRU + headroom) */
    DtHdlcFcs fcs;      /* DT_HDLC_FCS_16 until LCP negotiates FCS-32 */
    uint32_t recv_accm; /* control characters a peer's modem may insert (§4.2) */
} DtHdlcDecoderConfig;

/* Everything dropped is counted, never reported per frame. */
typedef struct {
    uint64_t frames;       /* good frames yielded */
    uint64_t bad_fcs;      /* FCS check failed */
    uint64_t too_short;    /* fewer than 2 octets before the FCS (§4.3: < 4 with FCS-16) */
    uint64_t too_long;     /* more than max_frame octets before the FCS */
    uint64_t aborted;      /* 7D 7E: the sender aborted the frame (§4.2) */
    uint64_t accm_dropped; /* raw control characters discarded per recv_accm (§4.2) */
    uint64_t hunt_octets;  /* octets discarded before the first flag */
} DtHdlcCounters;

typedef struct {
    DtHdlcDecoderConfig cfg;
    uint8_t *buf; /* max_frame + 4 octets, allocated once by _init */
    size_t cap;
    size_t len;       /* octets in buf for the frame being assembled */
    size_t frame_len; /* length of the ready frame, FCS excluded */
    uint32_t fcs;     /* running FCS of the octets in buf */
    bool hunting;     /* no flag seen yet: discard until one */
    bool escape;      /* the previous octet was 7D */
    bool overflow;    /* the current frame outgrew buf: discard until the flag */
    bool ready;       /* a good frame is in buf[0 .. frame_len) */
    DtHdlcCounters counters;
} DtHdlcDecoder;

/* Allocates the frame buffer (the only allocation); false if that fails or
 * max_frame is 0 or absurd (> 1 MiB). */
bool dt_hdlc_decoder_init(DtHdlcDecoder *d, const DtHdlcDecoderConfig *cfg);
void dt_hdlc_decoder_clear(DtHdlcDecoder *d);
DtHdlcDecoder *dt_hdlc_decoder_new(const DtHdlcDecoderConfig *cfg);
void dt_hdlc_decoder_free(DtHdlcDecoder *d);

/* Discards any partial frame and hunts for a flag again (e.g. after CONNECT). */
void dt_hdlc_decoder_reset(DtHdlcDecoder *d);

/* After LCP: the negotiated receive ACCM and FCS take effect from the next
 * octet fed (RFC 1662 §7.1, RFC 1570). */
void dt_hdlc_decoder_set_recv_accm(DtHdlcDecoder *d, uint32_t accm);
void dt_hdlc_decoder_set_fcs(DtHdlcDecoder *d, DtHdlcFcs fcs);

/* Feeds serial octets in any chunking.  Returns how many it consumed: all
 * of them, or fewer when a good frame became ready (the closing flag is
 * consumed, and also opens the next frame).  The caller then takes the
 * frame with dt_hdlc_decoder_frame() and feeds the rest:
 *
 *     while (len > 0) {
 *         size_t n = dt_hdlc_decoder_feed(d, p, len);
 *         p += n, len -= n;
 *         size_t flen;
 *         const uint8_t *f = dt_hdlc_decoder_frame(d, &flen);
 *         if (f)
 *             ppp_input(f, flen);
 *     }
 *
 * A frame stays valid until the next feed; feeding drops an untaken one. */
size_t dt_hdlc_decoder_feed(DtHdlcDecoder *d, const uint8_t *p, size_t len);

/* The ready frame (FCS excluded; its FCS octets follow it in the buffer),
 * or NULL.  Does not consume it. */
const uint8_t *dt_hdlc_decoder_frame(const DtHdlcDecoder *d, size_t *len);

const DtHdlcCounters *dt_hdlc_decoder_counters(const DtHdlcDecoder *d);

#endif /* DT_HDLC_H */
