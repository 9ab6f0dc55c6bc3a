/* dt-import-pbk.h — Windows phonebooks (rasphone.pbk, [MS-RRASM] §2.2.2).
 *
 * Every entry of Type 1 (dial-up) or 2 (VPN) becomes a profile; other
 * types (direct cable, PPPoE) and VPN entries Windows would not dial with
 * PPTP (VpnStrategy L2TP, SSTP or IKEv2 only) are reported as not imported.
 * Mapped: the first PhoneNumber of the first DEVICE (the VPN server or the
 * number; alternates are reported), MEDIA's Port (COMn) and ConnectBps,
 * PrerequisiteEntry (→ DialFirst, when the entry is a dial-up one in the
 * same file), DataEncryption (0/8/256/512 → none/optional/require/
 * require-128), AuthRestrictions (bit 4 PAP … bit 10 MS-CHAP v2, counted
 * from 1), SwCompression, IpPrioritizeRemote, ExcludedProtocols' IPv6 bit,
 * static DNS and DNS suffix, the Redial keys and IdleDisconnectSeconds, and
 * Guid (→ Id, so importing again finds the same profile). Passwords are
 * never in a phonebook (Windows keeps them in its credential store).
 *
 * Lines may end in CR LF, LF or CR; the text may be UTF-8, UTF-16 with a
 * BOM, or the ANSI code page (read as Windows-1252); keys are matched
 * without regard to case, and unknown keys are counted, never fatal. */
#ifndef DT_IMPORT_PBK_H
#define DT_IMPORT_PBK_H

#include "dt-import.h"

G_BEGIN_DECLS

DtImport *dt_import_pbk(const char *data, gsize len, GError **error);

G_END_DECLS

#endif
