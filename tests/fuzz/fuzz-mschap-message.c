/* fuzz-mschap-message.c — the MS-CHAP Success/Failure text parser.
 *
 * The text comes from whoever answers the call.  Whatever it holds, the
 * parse must stay in bounds, keep its outputs well formed (NUL-terminated
 * printable text, valid field values), and be a pure function of the
 * input; and what the formatter writes must parse back to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-mschap-msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        abort();
    if (size)
        memcpy(copy, data, size);
    DtMschapMsg m, again;
    dt_mschap_msg_parse(copy, size, &m);
    dt_mschap_msg_parse(copy, size, &again);
    if (memcmp(&m, &again, sizeof(m)) != 0 || memcmp(copy, data, size) != 0)
        abort();
    if (m.challenge_len != 0 && m.challenge_len != 8 && m.challenge_len != 16)
        abort();
    size_t tl = strnlen(m.text, sizeof(m.text));
    if (tl == sizeof(m.text))
        abort();
    for (size_t i = 0; i < tl; i++)
        if (m.text[i] < 0x20 || m.text[i] > 0x7E)
            abort();
    if (m.have_auth && strlen(m.auth) != DT_MSCHAP_AUTH_HEX_LEN)
        abort();

    /* Round trip: format what was parsed, parse it again. */
    if (m.have_error && m.challenge_len) {
        char buf[512];
        const char *text = m.text;
        size_t n = dt_mschap_msg_format_failure(buf, sizeof(buf), m.error, m.retry, m.challenge,
                                                m.challenge_len, m.version, text);
        if (n == 0)
            abort();
        DtMschapMsg back;
        dt_mschap_msg_parse((const uint8_t *)buf, n, &back);
        if (!back.have_error || back.error != m.error || back.retry != m.retry ||
            back.challenge_len != m.challenge_len ||
            memcmp(back.challenge, m.challenge, m.challenge_len) != 0 ||
            back.version != m.version || strcmp(back.text, m.text) != 0)
            abort();
    }
    free(copy);
    return 0;
}
