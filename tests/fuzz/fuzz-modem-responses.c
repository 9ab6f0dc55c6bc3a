/* fuzz-modem-responses.c — the modem dialogue on arbitrary modem output.
 *
 * Input: octets the "modem" writes, cut into chunks; each chunk's first
 * octet also moves the fake clock and may start a hang-up.  Invariants:
 * feed never over-consumes and consumes less only once CONNECTED; timers
 * never livelock; every message is terminated, valid UTF-8 and printable;
 * every state has a name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-modem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_text(const char *s, size_t cap)
{
    if (!memchr(s, '\0', cap))
        abort();
    /* Valid UTF-8, no control characters (these reach D-Bus and logs). */
    for (const unsigned char *u = (const unsigned char *)s; *u;) {
        if (*u < 0x20 || *u == 0x7F)
            abort();
        int extra = *u < 0x80             ? 0
                    : (*u & 0xE0) == 0xC0 ? 1
                    : (*u & 0xF0) == 0xE0 ? 2
                    : (*u & 0xF8) == 0xF0 ? 3
                                          : -1;
        if (extra < 0)
            abort();
        u++;
        for (int i = 0; i < extra; i++, u++)
            if ((*u & 0xC0) != 0x80)
                abort();
    }
}

static void
drain(DtModem *m)
{
    uint8_t tx[32];
    while (dt_modem_poll_transmit(m, tx, sizeof(tx)) > 0) {
    }
    DtModemEvent ev;
    while (dt_modem_poll_event(m, &ev)) {
        check_text(ev.message, sizeof(ev.message));
        check_text(ev.connect_text, sizeof(ev.connect_text));
        if (strcmp(dt_modem_state_to_string(ev.state), "unknown") == 0)
            abort();
    }
}

static void
run_timers(DtModem *m, DtTime now)
{
    for (int i = 0; dt_modem_next_deadline(m) <= now; i++) {
        if (i > 64)
            abort(); /* a timer that re-arms in the past */
        dt_modem_handle_timeout(m, now);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    DtModemConfig cfg;
    dt_modem_config_init(&cfg);
    dt_modem_config_add_init(&cfg, "ATZ");
    dt_modem_config_add_init(&cfg, "ATE1");
    dt_modem_config_set_dial(&cfg, "ATDT", "5551234");
    cfg.settle_ms = size & 1 ? 0 : 1000;
    DtModem m;
    dt_modem_init(&m, &cfg);
    DtTime now = 1000;
    dt_modem_start(&m, now);
    run_timers(&m, now);
    size_t off = 0;
    while (off < size) {
        uint8_t ctl = data[off++];
        size_t chunk = 1 + (ctl & 0x1F);
        if (chunk > size - off)
            chunk = size - off;
        now += (DtTime)(ctl >> 5) * 700; /* 0 .. 4.9 s per chunk */
        run_timers(&m, now);
        if (ctl == 0xFF)
            dt_modem_hangup(&m, now);
        size_t used = dt_modem_feed(&m, data + off, chunk, now);
        if (used > chunk)
            abort();
        if (used < chunk && dt_modem_get_state(&m) != DT_MODEM_CONNECTED)
            abort();
        off += chunk;
        drain(&m);
        if (strcmp(dt_modem_state_to_string(dt_modem_get_state(&m)), "unknown") == 0)
            abort();
        /* Once connected, hang up so the rest exercises the escape path. */
        if (dt_modem_get_state(&m) == DT_MODEM_CONNECTED)
            dt_modem_hangup(&m, now);
    }
    now += 200000;
    run_timers(&m, now);
    run_timers(&m, now + 200000);
    drain(&m);
    dt_modem_clear(&m);
    return 0;
}
