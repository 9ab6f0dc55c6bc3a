/* fuzz-pptp-msg.c — the PPTP control message decoder (RFC 2637 §2).
 *
 * Any octets: the decoder must stay inside them, and whatever it accepts
 * must re-encode to a message that decodes to the same fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-pptp-msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint16_t length = 0, type = 0;
    DtPptpMsgError he = dt_pptp_msg_check_header(data, size, &length, &type);
    DtPptpMsg m;
    DtPptpMsgError e = dt_pptp_msg_decode(data, size, &m);
    if (e != DT_PPTP_MSG_OK) {
        /* The decoder fails for the header's reason, or for a short body. */
        if (he != DT_PPTP_MSG_OK ? e != he : e != DT_PPTP_MSG_ERR_SHORT)
            abort();
        return 0;
    }
    if (he != DT_PPTP_MSG_OK || length != dt_pptp_msg_length(type) || length > size ||
        (unsigned)m.type != type)
        abort();
    uint8_t buf[DT_PPTP_MAX_MSG_LEN];
    size_t n = dt_pptp_msg_encode(&m, buf, sizeof(buf));
    if (n != length)
        abort();
    DtPptpMsg again;
    if (dt_pptp_msg_decode(buf, n, &again) != DT_PPTP_MSG_OK)
        abort();
    if (memcmp(&m, &again, sizeof(m)) != 0)
        abort();
    char words[64];
    dt_pptp_describe_result(m.type, data[size - 1], data[size - 2], 0, words, sizeof(words));
    if (memchr(words, '\0', sizeof(words)) == NULL)
        abort();
    return 0;
}
