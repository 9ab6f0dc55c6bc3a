/* dt-quirks.h — known server quirks, matched on the SCCRP fingerprint (issue 9).
 *
 * A client learns the server's vendor string and firmware revision from its
 * Start-Control-Connection-Reply (RFC 2637 §2.2) before LCP starts.  A small
 * table maps a few vendors to named quirks; the session applies them then, logs
 * each once and lists them in its summary.  Every quirk changes behaviour that a
 * log or a counter shows; none touches the security policy (encryption level,
 * strengths, stateful permission, authentication methods): a quirk may only choose
 * among what the policy already allows.  Unknown vendors get none.
 */
#ifndef DT_QUIRKS_H
#define DT_QUIRKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt-ccp-mppe.h"

typedef enum {
    /* Microsoft RAS offers callback (CBCP, 0xC029) and bandwidth allocation (BACP 0xC02B,
     * BAP 0xC02D) on links that never negotiated them (PROTOCOL.md §9.2, USERS.md §2.17):
     * answer them with the Protocol-Reject RFC 1661 §5.7 asks for, but neither log them as
     * unexpected nor count them as dropped frames. */
    DT_QUIRK_QUIET_CBCP_BACP = 1u << 0,
    /* Old Windows NT RAS (before Windows 2000) mishandles a request for stateless MPPE
     * (USERS.md §4.4): with the profile's AllowStateful, ask for stateful mode first. */
    DT_QUIRK_PREFER_STATEFUL = 1u << 1,
} DtQuirk;

#define DT_QUIRK_COUNT 2
#define DT_QUIRKS_MAX_NAMES 64 /* "quiet-cbcp-bacp,prefer-stateful" and a NUL */

typedef uint32_t DtQuirks;

/* The quirks the table knows for this SCCRP fingerprint (vendor as received, NUL-terminated;
 * NULL or empty: none). */
DtQuirks dt_quirks_match(const char *vendor, uint16_t firmware);
/* Of those, the ones that change something under this policy: PREFER_STATEFUL only when the
 * policy allows stateful MPPE and wants MPPE at all.  Never more than matched. */
DtQuirks dt_quirks_effective(DtQuirks matched, const DtCcpMppePolicy *policy);

/* The i-th quirk bit (0 ≤ i < DT_QUIRK_COUNT), for loops. */
DtQuirk dt_quirk_nth(unsigned i);
/* "quiet-cbcp-bacp", "prefer-stateful"; "unknown" for anything else. */
const char *dt_quirk_name(DtQuirk q);
/* What it does, in a few words for the log. */
const char *dt_quirk_describe(DtQuirk q);
/* "quiet-cbcp-bacp,prefer-stateful" (table order); "" for none.  Returns the length. */
size_t dt_quirks_to_string(DtQuirks q, char *buf, size_t len);

/* The LCP protocols DT_QUIRK_QUIET_CBCP_BACP answers quietly. */
bool dt_quirks_is_quiet_protocol(uint16_t protocol);

#endif /* DT_QUIRKS_H */
