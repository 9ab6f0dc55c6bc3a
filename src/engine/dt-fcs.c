/* dt-fcs.c — table-driven FCS-16 and FCS-32 (RFC 1662 Appendix C). */
#include "dt-fcs.h"

/* Each table entry is the register after shifting octet n through eight
 * steps of the reflected polynomial (the loop in §C.2's table generator),
 * written as a constant expression so the compiler builds the tables.
 * (0 - (c & 1)) is all ones when the low bit is set: a branch-free XOR. */
#define FCS16_BIT(c) (((c) >> 1) ^ ((0u - ((c)&1u)) & 0x8408u))
#define FCS16_ENTRY(n)                                                                             \
    (uint16_t) FCS16_BIT(FCS16_BIT(                                                                \
        FCS16_BIT(FCS16_BIT(FCS16_BIT(FCS16_BIT(FCS16_BIT(FCS16_BIT((unsigned)(n)))))))))

#define FCS32_BIT(c) (((c) >> 1) ^ (((uint32_t)0 - ((c)&1u)) & (uint32_t)0xEDB88320u))
#define FCS32_ENTRY(n)                                                                             \
    FCS32_BIT(FCS32_BIT(                                                                           \
        FCS32_BIT(FCS32_BIT(FCS32_BIT(FCS32_BIT(FCS32_BIT(FCS32_BIT((uint32_t)(n)))))))))

/* 256 entries by doubling: ROWS4(E, n) expands E(n) … E(n + 3), and so on. */
#define ROWS4(E, n) E(n), E((n) + 1), E((n) + 2), E((n) + 3)
#define ROWS16(E, n) ROWS4(E, n), ROWS4(E, (n) + 4), ROWS4(E, (n) + 8), ROWS4(E, (n) + 12)
#define ROWS64(E, n) ROWS16(E, n), ROWS16(E, (n) + 16), ROWS16(E, (n) + 32), ROWS16(E, (n) + 48)
#define ROWS256(E) ROWS64(E, 0), ROWS64(E, 64), ROWS64(E, 128), ROWS64(E, 192)

const uint16_t dt_fcs16_table[256] = {ROWS256(FCS16_ENTRY)};
const uint32_t dt_fcs32_table[256] = {ROWS256(FCS32_ENTRY)};

uint16_t
dt_fcs16_update(uint16_t fcs, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        fcs = dt_fcs16_step(fcs, p[i]);
    return fcs;
}

uint32_t
dt_fcs32_update(uint32_t fcs, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        fcs = dt_fcs32_step(fcs, p[i]);
    return fcs;
}

uint16_t
dt_fcs16(const uint8_t *p, size_t len)
{
    return dt_fcs16_update(DT_FCS16_INIT, p, len);
}

uint32_t
dt_fcs32(const uint8_t *p, size_t len)
{
    return dt_fcs32_update(DT_FCS32_INIT, p, len);
}

void
dt_fcs16_put(uint8_t out[2], uint16_t fcs)
{
    fcs = (uint16_t)~fcs;
    out[0] = (uint8_t)fcs;
    out[1] = (uint8_t)(fcs >> 8);
}

void
dt_fcs32_put(uint8_t out[4], uint32_t fcs)
{
    fcs = ~fcs;
    out[0] = (uint8_t)fcs;
    out[1] = (uint8_t)(fcs >> 8);
    out[2] = (uint8_t)(fcs >> 16);
    out[3] = (uint8_t)(fcs >> 24);
}
