/* fuzz-ccp-mppe-options.c — CCP option 18 negotiation on any peer options.
 *
 * Input: one octet of policy, then CCP options (type, length, value) as a
 * peer's Configure-Request, Nak or Reject would carry them.  Answers must
 * fit the option format, and a Nak must be something we would Ack. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dt-ccp-mppe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    DtCcpMppePolicy p = {(DtMppeEncryption)(data[0] & 3), (data[0] & 4) != 0, (data[0] & 8) != 0,
                         (data[0] & 16) != 0};
    DtCcpMppe m;
    dt_ccp_mppe_init(&m, &p);
    DtReader r;
    dt_reader_init(&r, data + 1, size - 1);
    while (dt_reader_remaining(&r) >= 2) {
        const uint8_t *opt = r.p + r.off;
        size_t len = opt[1];
        if (len < 2 || len > dt_reader_remaining(&r))
            len = dt_reader_remaining(&r);
        dt_reader_skip(&r, len);

        uint8_t ans[300];
        DtWriter w;
        dt_writer_init(&w, ans, sizeof(ans));
        DtCcpVerdict v = dt_ccp_mppe_peer_request(&m, opt, len, &w);
        if (!dt_writer_ok(&w))
            abort();
        uint32_t bits;
        if (v == DT_CCP_NAK) {
            uint32_t again;
            if (w.len != DT_CCP_OPT_MPPE_LEN || !dt_ccp_mppe_parse_option(ans, w.len, &bits) ||
                dt_ccp_mppe_evaluate(&p, bits, &again) != DT_CCP_ACK)
                abort();
        } else if (v == DT_CCP_REJECT) {
            if (w.len != len || memcmp(ans, opt, len) != 0)
                abort();
        }
        /* The same octets as a Nak of ours. */
        DtReason reason = dt_ccp_mppe_got_nak(&m, opt, len);
        if (reason != DT_REASON_NONE && reason != DT_REASON_MPPE_REFUSED)
            abort();
        uint8_t req[16];
        dt_writer_init(&w, req, sizeof(req));
        dt_ccp_mppe_add_request(&m, &w);
        if (w.len != 0 && w.len != DT_CCP_OPT_MPPE_LEN)
            abort();
        if (dt_ccp_mppe_parse_option(opt, len, &bits)) {
            char small[32], big[256];
            size_t cap = 1 + (bits & 31);
            dt_ccp_mppe_describe(bits, small, cap);
            dt_ccp_mppe_explain_bits(bits, big, sizeof(big));
            if (strlen(small) >= cap || strlen(big) >= sizeof(big))
                abort();
        }
    }
    DtCcpMppeResult res;
    DtCcpMppeFailure fail;
    if (!dt_ccp_mppe_decide(&m, &res, &fail) && fail.reason == DT_REASON_NONE)
        abort();
    return 0;
}
