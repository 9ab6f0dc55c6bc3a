/* dt-fcs.h — the PPP frame check sequences of RFC 1662 Appendix C.
 *
 * FCS-16 (§C.2, the CCITT polynomial x^16+x^12+x^5+1, reflected 0x8408) and
 * FCS-32 (§C.3, reflected 0xEDB88320).  Both start from all ones; the sender
 * transmits the ones-complement of the register least significant octet
 * first, so running the receiver's FCS over the frame *and* its FCS octets
 * leaves the "good" residue (§C.2/§C.3).  Table-driven; the tables are
 * built by the compiler from the polynomial (dt-fcs.c), so there is no
 * start-up step and no mutable state.
 */
#ifndef DT_FCS_H
#define DT_FCS_H

#include <stddef.h>
#include <stdint.h>

#define DT_FCS16_INIT 0xFFFFu
#define DT_FCS16_GOOD 0xF0B8u
#define DT_FCS32_INIT 0xFFFFFFFFu
#define DT_FCS32_GOOD 0xDEBB20E3u

extern const uint16_t dt_fcs16_table[256];
extern const uint32_t dt_fcs32_table[256];

/* One octet into the register (the inner step of §C.2's pppfcs16()). */
static inline uint16_t
dt_fcs16_step(uint16_t fcs, uint8_t c)
{
    return (uint16_t)((fcs >> 8) ^ dt_fcs16_table[(fcs ^ c) & 0xFF]);
}

static inline uint32_t
dt_fcs32_step(uint32_t fcs, uint8_t c)
{
    return (fcs >> 8) ^ dt_fcs32_table[(fcs ^ c) & 0xFF];
}

/* Continues a running FCS over len octets (start with DT_FCS16_INIT). */
uint16_t dt_fcs16_update(uint16_t fcs, const uint8_t *p, size_t len);
uint32_t dt_fcs32_update(uint32_t fcs, const uint8_t *p, size_t len);

/* The register over a whole buffer, from the initial value (not complemented). */
uint16_t dt_fcs16(const uint8_t *p, size_t len);
uint32_t dt_fcs32(const uint8_t *p, size_t len);

/* The octets a sender appends (§C.2: ~fcs, least significant octet first). */
void dt_fcs16_put(uint8_t out[2], uint16_t fcs);
void dt_fcs32_put(uint8_t out[4], uint32_t fcs);

#endif /* DT_FCS_H */
