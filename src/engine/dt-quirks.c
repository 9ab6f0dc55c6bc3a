/* dt-quirks.c — the table of known server quirks (dt-quirks.h). */
#include "dt-quirks.h"

#include <stdio.h>
#include <string.h>

#define PROTO_CBCP 0xC029 /* Microsoft Callback Control Protocol */
#define PROTO_BACP 0xC02B /* RFC 2125 */
#define PROTO_BAP 0xC02D  /* RFC 2125 */

/* Windows puts its build number in Firmware-Revision [U: observed in captures, not
 * re-verified here]: 1381 is NT 4.0, 2195 Windows 2000. */
#define WINDOWS_2000_BUILD 2195

typedef struct {
    const char *vendor_prefix; /* compared without regard to ASCII case */
    uint16_t firmware_below;   /* 0: any firmware */
    DtQuirks quirks;
} Entry;

/* Vendors as their SCCRP names them (USERS.md §4.4: "Microsoft Windows NT"; later Windows
 * servers send "Microsoft").  The first entries that match all apply. */
static const Entry table[] = {
    {"Microsoft", 0, DT_QUIRK_QUIET_CBCP_BACP},
    {"Microsoft Windows NT", WINDOWS_2000_BUILD, DT_QUIRK_PREFER_STATEFUL},
};

static const struct {
    DtQuirk quirk;
    const char *name;
    const char *what;
} names[DT_QUIRK_COUNT] = {
    {DT_QUIRK_QUIET_CBCP_BACP, "quiet-cbcp-bacp",
     "CBCP, BACP and BAP get a Protocol-Reject, not logged or counted as unexpected"},
    {DT_QUIRK_PREFER_STATEFUL, "prefer-stateful",
     "MPPE stateful mode asked for first (the profile allows it)"},
};

static bool
has_prefix_nocase(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        char a = *s, b = *prefix;
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return false; /* also at the end of s */
    }
    return true;
}

DtQuirks
dt_quirks_match(const char *vendor, uint16_t firmware)
{
    DtQuirks q = 0;
    if (!vendor || !*vendor)
        return 0;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        const Entry *e = &table[i];
        if (!has_prefix_nocase(vendor, e->vendor_prefix))
            continue;
        if (e->firmware_below && firmware >= e->firmware_below)
            continue;
        q |= e->quirks;
    }
    return q;
}

DtQuirks
dt_quirks_effective(DtQuirks matched, const DtCcpMppePolicy *policy)
{
    DtQuirks q = matched & (DT_QUIRK_QUIET_CBCP_BACP | DT_QUIRK_PREFER_STATEFUL);
    if (!policy || !policy->allow_stateful || policy->encryption == DT_MPPE_ENCRYPTION_NONE)
        q &= ~(DtQuirks)DT_QUIRK_PREFER_STATEFUL;
    return q;
}

DtQuirk
dt_quirk_nth(unsigned i)
{
    return i < DT_QUIRK_COUNT ? names[i].quirk : (DtQuirk)0;
}

const char *
dt_quirk_name(DtQuirk q)
{
    for (unsigned i = 0; i < DT_QUIRK_COUNT; i++)
        if (names[i].quirk == q)
            return names[i].name;
    return "unknown";
}

const char *
dt_quirk_describe(DtQuirk q)
{
    for (unsigned i = 0; i < DT_QUIRK_COUNT; i++)
        if (names[i].quirk == q)
            return names[i].what;
    return "unknown";
}

size_t
dt_quirks_to_string(DtQuirks q, char *buf, size_t len)
{
    size_t n = 0;
    if (len)
        buf[0] = '\0';
    for (unsigned i = 0; i < DT_QUIRK_COUNT; i++) {
        if (!(q & names[i].quirk))
            continue;
        int w = snprintf(buf + n, len > n ? len - n : 0, "%s%s", n ? "," : "", names[i].name);
        if (w < 0 || (size_t)w >= (len > n ? len - n : 0)) {
            if (len > n)
                buf[n] = '\0'; /* no half name */
            break;
        }
        n += (size_t)w;
    }
    return n;
}

bool
dt_quirks_is_quiet_protocol(uint16_t protocol)
{
    return protocol == PROTO_CBCP || protocol == PROTO_BACP || protocol == PROTO_BAP;
}
