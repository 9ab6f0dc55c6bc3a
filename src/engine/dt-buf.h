/* dt-buf.h — checked reader and writer cursors over byte buffers.
 *
 * Every decoder in the engine reads untrusted input through a DtReader: each
 * read checks the remaining length first, and a failed read sets a sticky
 * error flag instead of touching memory past the end, so a parser can read a
 * whole header and check once.  The input buffer is never modified.
 * Writers do the same for output: a write that does not fit sets the flag.
 */
#ifndef DT_BUF_H
#define DT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    const uint8_t *p;
    size_t len;
    size_t off;
    bool err;
} DtReader;

typedef struct {
    uint8_t *p;
    size_t cap;
    size_t len;
    bool err;
} DtWriter;

static inline void
dt_reader_init(DtReader *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = p ? len : 0;
    r->off = 0;
    r->err = false;
}

static inline size_t
dt_reader_remaining(const DtReader *r)
{
    return r->len - r->off;
}

static inline bool
dt_reader_ok(const DtReader *r)
{
    return !r->err;
}

/* Fails (and sets the error flag) when fewer than n octets remain. */
static inline bool
dt_reader_need(DtReader *r, size_t n)
{
    if (r->err || n > r->len - r->off) {
        r->err = true;
        return false;
    }
    return true;
}

static inline uint8_t
dt_reader_u8(DtReader *r)
{
    if (!dt_reader_need(r, 1))
        return 0;
    return r->p[r->off++];
}

static inline uint16_t
dt_reader_u16(DtReader *r)
{
    if (!dt_reader_need(r, 2))
        return 0;
    uint16_t v = (uint16_t)((unsigned)r->p[r->off] << 8 | r->p[r->off + 1]);
    r->off += 2;
    return v;
}

static inline uint32_t
dt_reader_u32(DtReader *r)
{
    if (!dt_reader_need(r, 4))
        return 0;
    const uint8_t *q = r->p + r->off;
    r->off += 4;
    return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
}

/* Returns a pointer to the next n octets and advances, or NULL. */
static inline const uint8_t *
dt_reader_bytes(DtReader *r, size_t n)
{
    if (!dt_reader_need(r, n))
        return NULL;
    const uint8_t *q = r->p + r->off;
    r->off += n;
    return q;
}

static inline bool
dt_reader_copy(DtReader *r, void *dst, size_t n)
{
    const uint8_t *q = dt_reader_bytes(r, n);
    if (!q)
        return false;
    if (n)
        memcpy(dst, q, n);
    return true;
}

static inline bool
dt_reader_skip(DtReader *r, size_t n)
{
    return dt_reader_bytes(r, n) != NULL;
}

/* Splits off the next n octets as a reader of their own. */
static inline bool
dt_reader_sub(DtReader *r, size_t n, DtReader *sub)
{
    const uint8_t *q = dt_reader_bytes(r, n);
    dt_reader_init(sub, q, q ? n : 0);
    if (!q)
        sub->err = true;
    return q != NULL;
}

static inline void
dt_writer_init(DtWriter *w, uint8_t *p, size_t cap)
{
    w->p = p;
    w->cap = p ? cap : 0;
    w->len = 0;
    w->err = false;
}

static inline bool
dt_writer_ok(const DtWriter *w)
{
    return !w->err;
}

static inline uint8_t *
dt_writer_reserve(DtWriter *w, size_t n)
{
    if (w->err || n > w->cap - w->len) {
        w->err = true;
        return NULL;
    }
    uint8_t *q = w->p + w->len;
    w->len += n;
    return q;
}

static inline void
dt_writer_u8(DtWriter *w, uint8_t v)
{
    uint8_t *q = dt_writer_reserve(w, 1);
    if (q)
        q[0] = v;
}

static inline void
dt_writer_u16(DtWriter *w, uint16_t v)
{
    uint8_t *q = dt_writer_reserve(w, 2);
    if (q) {
        q[0] = (uint8_t)(v >> 8);
        q[1] = (uint8_t)v;
    }
}

static inline void
dt_writer_u32(DtWriter *w, uint32_t v)
{
    uint8_t *q = dt_writer_reserve(w, 4);
    if (q) {
        q[0] = (uint8_t)(v >> 24);
        q[1] = (uint8_t)(v >> 16);
        q[2] = (uint8_t)(v >> 8);
        q[3] = (uint8_t)v;
    }
}

static inline void
dt_writer_bytes(DtWriter *w, const void *src, size_t n)
{
    uint8_t *q = dt_writer_reserve(w, n);
    if (q && n)
        memcpy(q, src, n);
}

static inline void
dt_writer_zeros(DtWriter *w, size_t n)
{
    uint8_t *q = dt_writer_reserve(w, n);
    if (q && n)
        memset(q, 0, n);
}

/* Big-endian stores into a known-large-enough buffer (length fields patched later). */
static inline void
dt_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline uint16_t
dt_get_u16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline void
dt_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline uint32_t
dt_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif /* DT_BUF_H */
