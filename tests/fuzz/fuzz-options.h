/* fuzz-options.h — shared driver for the option-parser fuzz targets.
 *
 * Input: octet 0 picks the role (bit 0) and the code (1 Configure-Request,
 * 3 Nak, 4 Reject of our outstanding request, from bits 1–2); the rest is
 * the option list.  Whatever comes in, every packet the automaton sends
 * must be well formed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-fsm.h"

static inline bool
fuzz_random_cb(void *ctx, void *buf, size_t len)
{
    uint8_t *p = buf, *seed = ctx;
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(++*seed * 37u);
    return true;
}

static void
fuzz_output_cb(void *owner, DtFsm *f, const uint8_t *pkt, size_t len)
{
    (void)owner;
    (void)f;
    if (len < 4 || dt_get_u16(pkt + 2) != len || len > 1500)
        abort();
}

static const DtFsmOwner fuzz_owner = {.output = fuzz_output_cb};

static void
fuzz_drive(DtFsm *f, const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1400)
        return;
    static const uint8_t codes[] = {DT_FSM_CONF_REQ, DT_FSM_CONF_NAK, DT_FSM_CONF_REJ,
                                    DT_FSM_CONF_REQ};
    dt_fsm_lower_up(f, 0);
    dt_fsm_open(f, 0);
    uint8_t pkt[1500];
    size_t n = size - 1;
    pkt[0] = codes[(data[0] >> 1) & 3];
    pkt[1] = f->req_id;
    dt_put_u16(pkt + 2, (uint16_t)(n + 4));
    memcpy(pkt + 4, data + 1, n);
    dt_fsm_input(f, pkt, n + 4, 1);
    /* Once more, in whatever state that left. */
    pkt[1] = f->req_id;
    dt_fsm_input(f, pkt, n + 4, 2);
    dt_fsm_handle_timeout(f, dt_fsm_next_deadline(f));
}
