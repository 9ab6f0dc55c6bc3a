/* dt-time.h — the engine's clock: monotonic milliseconds, passed in by the caller. */
#ifndef DT_TIME_H
#define DT_TIME_H

#include <stdint.h>

typedef uint64_t DtTime; /* monotonic milliseconds; the engine never reads a clock */

#define DT_TIME_NEVER UINT64_MAX

static inline DtTime
dt_time_min(DtTime a, DtTime b)
{
    return a < b ? a : b;
}

#endif /* DT_TIME_H */
