/* dt-io-batch.c — the one allocation behind a batch of packet slots. */
#include "dt-io-batch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
dt_io_batch_init(DtIoBatch *batch, unsigned count, uint32_t slot_size, uint32_t headroom,
                 DtIoError *err)
{
    memset(batch, 0, sizeof *batch);
    if (count == 0 || count > DT_IO_BATCH_MAX || headroom >= slot_size)
        return dt_io_fail(err, EINVAL, "making a batch of %u slots of %u bytes (headroom %u)",
                          count, slot_size, headroom);
    /* Round each slot to a cache line so neighbouring slots never share one. */
    size_t stride = ((size_t)slot_size + 63) & ~(size_t)63;
    batch->storage = aligned_alloc(64, stride * count);
    if (!batch->storage)
        return dt_io_fail(err, ENOMEM, "allocating %zu bytes for %u packet slots", stride * count,
                          count);
    batch->count = count;
    batch->headroom = headroom;
    for (unsigned i = 0; i < count; i++) {
        batch->slots[i].buf = batch->storage + stride * i;
        batch->slots[i].cap = slot_size;
    }
    dt_io_batch_reset(batch);
    return 0;
}

void
dt_io_batch_reset(DtIoBatch *batch)
{
    for (unsigned i = 0; i < batch->count; i++) {
        batch->slots[i].off = batch->headroom;
        batch->slots[i].len = 0;
    }
}

void
dt_io_batch_clear(DtIoBatch *batch)
{
    free(batch->storage);
    memset(batch, 0, sizeof *batch);
}
