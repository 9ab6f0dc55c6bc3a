/* fuzz-pptp-ctrl.c — TCP stream input into a DtPptpCtrl, in either role.
 *
 * Octet 0: bit 0 picks PNS or PAC, bits 1-7 seed the chunking and the
 * PAC's answers.  The rest is the peer's byte stream, delivered in chunks
 * of varying size with the clock moving, while events and output are
 * pulled as an I/O loop would.  Invariants: no crash or leak, events are
 * well formed, a closed connection has no deadline, and everything
 * offered is eventually taken. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-pptp-ctrl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t
next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 16;
}

static void
pull(DtPptpCtrl *c, uint32_t *rng, DtTime now)
{
    DtPptpEvent ev;
    while (dt_pptp_ctrl_poll_event(c, &ev)) {
        if (ev.type <= DT_PPTP_EVENT_NONE || ev.type > DT_PPTP_EVENT_CLOSED)
            abort();
        if (memchr(ev.message, '\0', sizeof(ev.message)) == NULL)
            abort();
        if (ev.type == DT_PPTP_EVENT_CALL_REQUEST) {
            unsigned pick = next_rand(rng) % 8;
            dt_pptp_ctrl_answer_call(c, ev.call_id, (uint8_t)(pick == 0 ? 1 : pick), 0, 0, 0, now);
        }
        if (ev.type == DT_PPTP_EVENT_CALL_UP && next_rand(rng) % 2)
            dt_pptp_ctrl_set_link_info(c, ev.call_id, 0, 0xFFFFFFFF, now);
        if (ev.type == DT_PPTP_EVENT_CALL_UP && next_rand(rng) % 4 == 0)
            dt_pptp_ctrl_clear_call(c, ev.call_id, now);
        if (ev.type == DT_PPTP_EVENT_CLOSED && dt_pptp_ctrl_state(c) != DT_PPTP_CTRL_CLOSED)
            abort();
    }
    uint8_t out[300];
    while (dt_pptp_ctrl_poll_transmit(c, out, 1 + next_rand(rng) % sizeof(out)) > 0)
        ;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    DtPptpCtrlConfig cfg = {
        .role = (data[0] & 1) ? DT_PPTP_ROLE_PAC : DT_PPTP_ROLE_PNS,
        .host_name = "fuzz",
        .vendor = "fuzz",
        .max_calls = (data[0] & 1) ? 4 : 2,
        .call_id_base = 0xFFFE,
    };
    DtPptpCtrl *c = dt_pptp_ctrl_new(&cfg);
    if (!c)
        abort();
    uint32_t rng = data[0];
    DtTime now = 0;
    dt_pptp_ctrl_start(c, now);
    uint16_t call;
    if (cfg.role == DT_PPTP_ROLE_PNS)
        dt_pptp_ctrl_call(c, now, &call);
    size_t off = 1;
    while (off < size) {
        size_t n = 1 + next_rand(&rng) % 64;
        if (n > size - off)
            n = size - off;
        size_t took = dt_pptp_ctrl_input(c, data + off, n, now);
        if (took > n)
            abort();
        off += took;
        pull(c, &rng, now);
        if (took == 0 && dt_pptp_ctrl_input_space(c) == 0)
            abort(); /* pulling everything must make room */
        now += next_rand(&rng) % 8000;
        if (dt_pptp_ctrl_next_deadline(c) <= now)
            dt_pptp_ctrl_handle_timeout(c, now);
        pull(c, &rng, now);
    }
    if (data[0] & 2)
        dt_pptp_ctrl_stop(c, DT_PPTP_STOP_REASON_NONE, now);
    else
        dt_pptp_ctrl_input_eof(c, now);
    pull(c, &rng, now);
    for (int i = 0; i < 4; i++) {
        now += 30000;
        if (dt_pptp_ctrl_next_deadline(c) <= now)
            dt_pptp_ctrl_handle_timeout(c, now);
        pull(c, &rng, now);
    }
    if (!(data[0] & 2) && dt_pptp_ctrl_state(c) != DT_PPTP_CTRL_CLOSED)
        abort();
    if (dt_pptp_ctrl_state(c) == DT_PPTP_CTRL_CLOSED &&
        dt_pptp_ctrl_next_deadline(c) != DT_TIME_NEVER)
        abort();
    dt_pptp_ctrl_free(c);
    return 0;
}
